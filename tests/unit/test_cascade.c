/* cascade_adopt: a cascade whose cheap stage is an answer already there
 * (the explorer's), judged at once, escalating by the same rule as a
 * running cascade, the strong request being the cheap one's read back
 * from its body; on the weak mailcls classifier's recordings. The strong
 * endpoint is a port nothing listens on, so the strong stage fails with a
 * network error the test can wait for. cascade_recorded: the weak and the
 * strong classifier's recorded answers to one email, judged as they are,
 * and cascade_find_recorded, which pairs them in a list. */
#include "tests/unit/testutil.h"

#include "src/cascade.h"
#include "src/http.h"
#include "src/reqcopy.h"
#include "src/replay.h"

struct fix {
	struct doc *cheap, *strong;
	struct reqcopy req;
	struct label_set ls;
	struct endpoint ep;
	struct cascade_opts co;
	struct http_loop *loop;
};

static void fix_init(struct fix *f, const char *cas, bool with_strong, bool automatic)
{
	char dir[512];
	struct ts_err err;

	memset(f, 0, sizeof *f);
	f->cheap = doc_new();
	f->strong = doc_new();
	f->loop = http_loop_new();
	assert_non_null(f->loop);
	snprintf(dir, sizeof dir, "tests/fixtures/llamacpp-mailcls/mailcls-190K/%s", cas);
	assert_int_equal(replay_dir(f->cheap, dir, NULL, NULL, &err), TS_OK);
	assert_int_equal(reqcopy_parse(&f->req, doc_meta(f->cheap, DOC_META_REQUEST), &err), TS_OK);
	assert_int_equal(labels_parse(&f->ls, "work, personal, spam, other", &err), TS_OK);
	f->ep = (struct endpoint){ .profile = "strong", .base_url = "http://127.0.0.1:1/v1", .model = "mailcls-1M",
				   .dialect = "openai-chat" };
	route_opts_default(&f->co.route);
	reqcopy_params(&f->req, 5, &f->co.cheap.rp);
	f->co.cheap.connect_timeout_s = 5;
	f->co.cheap.idle_timeout_s = 5;
	f->co.labels = &f->ls;
	f->co.strong = with_strong ? &f->ep : NULL;
	f->co.auto_escalate = automatic;
}

static void fix_fini(struct fix *f, struct cascade *c)
{
	cascade_free(c);
	http_loop_free(f->loop);
	reqcopy_fini(&f->req);
	doc_free(f->cheap);
	doc_free(f->strong);
}

/* Runs the loop until nothing runs (at most ~10 s). */
static void run_idle(struct fix *f, struct cascade *c)
{
	for (int i = 0; i < 1000 && !cascade_poll(c); i++) {
		http_loop_wait(f->loop, NULL, 0, 10);
		http_loop_perform(f->loop);
	}
	assert_int_equal(cascade_state(c), CASCADE_IDLE);
}

static void an_accepted_answer_is_judged_and_stays_final(void **state)
{
	struct fix f;
	struct cascade *c;
	struct ts_err err;
	char why[256];

	(void)state;
	fix_init(&f, "a_seed_email_stream", true, true);
	c = cascade_adopt(f.loop, f.cheap, f.strong, &f.co, NULL, &err);
	assert_non_null(c);
	assert_int_equal(doc_count(f.cheap), 4);           /* adopted, not cleared */
	assert_true(cascade_stage(c, CASCADE_CHEAP)->done);
	assert_int_equal(cascade_stage(c, CASCADE_CHEAP)->r.verdict, VERDICT_ACCEPT);
	assert_true(cascade_stage(c, CASCADE_CHEAP)->r.labelled);
	assert_false(cascade_escalated(c));
	assert_int_equal(cascade_state(c), CASCADE_IDLE);
	assert_int_equal(cascade_final(c), CASCADE_CHEAP);
	assert_string_equal(cascade_why(c, why, sizeof why), "not escalated: the cheap answer is accepted");
	fix_fini(&f, c);
}

/* ESCALATE with auto_escalate: the strong request starts at once, with the
 * cheap answer's messages, k, max_tokens and temperature and the strong
 * model; nothing listens, so it ends in a network error and the cheap
 * answer stays final. */
static void an_escalate_answer_escalates_with_the_same_request(void **state)
{
	struct fix f;
	struct cascade *c;
	struct reqcopy sent;
	struct ts_err err;
	char why[256];

	(void)state;
	fix_init(&f, "b_work_spam_tie_email_stream", true, true);
	c = cascade_adopt(f.loop, f.cheap, f.strong, &f.co, NULL, &err);
	assert_non_null(c);
	assert_int_equal(cascade_stage(c, CASCADE_CHEAP)->r.verdict, VERDICT_ESCALATE);
	assert_true(cascade_escalated(c));
	assert_int_equal(cascade_state(c), CASCADE_RUNNING_STRONG);
	assert_string_equal(cascade_why(c, why, sizeof why), "escalated: the cheap answer's verdict is ESCALATE");
	assert_int_equal(reqcopy_parse(&sent, doc_meta(f.strong, DOC_META_REQUEST), &err), TS_OK);
	assert_string_equal(sent.model, "mailcls-1M");
	assert_string_equal(sent.prompt, f.req.prompt);
	assert_string_equal(sent.system, f.req.system);
	assert_int_equal(sent.top_logprobs, 5);
	assert_int_equal(sent.max_tokens, 16);
	assert_true(sent.temperature == 0);
	assert_true(sent.stream);
	reqcopy_fini(&sent);
	/* the strong answer names the cheap one, which got a uid for it */
	assert_non_null(doc_meta(f.cheap, DOC_META_UID));
	assert_string_equal(doc_meta(f.strong, DOC_META_ESCALATED_FROM), doc_meta(f.cheap, DOC_META_UID));
	assert_int_equal(cascade_escalate(c, &err), TS_EINVAL);   /* once only */
	run_idle(&f, c);
	assert_int_equal(cascade_stage(c, CASCADE_STRONG)->err.code, TS_ENET);
	assert_int_equal(cascade_final(c), CASCADE_CHEAP);
	fix_fini(&f, c);
}

/* Without auto_escalate nothing starts by itself; cascade_escalate does,
 * whatever the verdict (here ACCEPT: "on request"). */
static void escalate_on_request_starts_the_strong_request(void **state)
{
	struct fix f;
	struct cascade *c;
	struct ts_err err;
	char why[256];

	(void)state;
	fix_init(&f, "a_seed_email_stream", true, false);
	c = cascade_adopt(f.loop, f.cheap, f.strong, &f.co, NULL, &err);
	assert_false(cascade_escalated(c));
	assert_int_equal(cascade_escalate(c, &err), TS_OK);
	assert_true(cascade_escalated(c));
	assert_string_equal(cascade_why(c, why, sizeof why), "escalated: on request");
	cascade_cancel(c);
	assert_int_equal(cascade_stage(c, CASCADE_STRONG)->err.code, TS_ECANCEL);
	assert_int_equal(cascade_state(c), CASCADE_IDLE);
	fix_fini(&f, c);
}

/* No strong endpoint: ESCALATE is judged but nothing can start; a failed
 * cheap request is not a verdict; CLARIFY does not escalate. */
static void what_does_not_escalate(void **state)
{
	struct fix f;
	struct cascade *c;
	struct ts_err err, failed = { .code = TS_ENET, .msg = "connection refused" };
	char why[256];

	(void)state;
	fix_init(&f, "b_work_spam_tie_email_stream", false, true);
	c = cascade_adopt(f.loop, f.cheap, f.strong, &f.co, NULL, &err);
	assert_false(cascade_escalated(c));
	assert_string_equal(cascade_why(c, why, sizeof why), "not escalated yet: the verdict is ESCALATE");
	assert_int_equal(cascade_escalate(c, &err), TS_ECONFIG);
	cascade_free(c);
	f.co.strong = &f.ep;
	c = cascade_adopt(f.loop, f.cheap, f.strong, &f.co, &failed, &err);
	assert_false(cascade_escalated(c));
	assert_non_null(strstr(cascade_why(c, why, sizeof why), "the cheap request failed"));
	cascade_free(c);
	f.co.route.threshold = 0.5;   /* 0.603 ≥ τ, but spam leads work by 0.23 < μ 0.3 */
	c = cascade_adopt(f.loop, f.cheap, f.strong, &f.co, NULL, &err);
	assert_int_equal(cascade_stage(c, CASCADE_CHEAP)->r.verdict, VERDICT_CLARIFY);
	assert_false(cascade_escalated(c));
	fix_fini(&f, c);
}

/* τ changed live: the adopted stage is judged again, nothing starts. */
static void rejudge_changes_the_adopted_verdict(void **state)
{
	struct fix f;
	struct cascade *c;
	struct route_opts ro;
	struct ts_err err;

	(void)state;
	fix_init(&f, "b_work_spam_tie_email_stream", true, false);
	c = cascade_adopt(f.loop, f.cheap, f.strong, &f.co, NULL, &err);
	assert_int_equal(cascade_stage(c, CASCADE_CHEAP)->r.verdict, VERDICT_ESCALATE);
	ro = f.co.route;
	ro.threshold = 0.5;
	cascade_rejudge(c, &ro, &f.ls);
	assert_int_equal(cascade_stage(c, CASCADE_CHEAP)->r.verdict, VERDICT_CLARIFY);
	cascade_rejudge(c, &ro, NULL);             /* no labels: two-way */
	assert_int_equal(cascade_stage(c, CASCADE_CHEAP)->r.verdict, VERDICT_ACCEPT);
	assert_false(cascade_escalated(c));
	fix_fini(&f, c);
}

/* The recorded pair: the weak and the strong classifier's answers to the
 * tie email, both replayed, linked as a cascade links them. */
static void fix_recorded(struct fix *f)
{
	struct ts_err err;

	fix_init(f, "b_work_spam_tie_email_stream", false, false);
	assert_int_equal(replay_dir(f->strong, "tests/fixtures/llamacpp-mailcls/mailcls-1M/b_work_spam_tie_email_stream",
				    NULL, NULL, &err), TS_OK);
	assert_int_equal(cascade_link(f->cheap, f->strong), TS_OK);
}

/* A recorded cascade judges both answers as they are: the weak one
 * ESCALATE, the strong one ACCEPT and final; it sends nothing (no loop:
 * cascade_escalate refuses) and says it is recorded. */
static void a_recorded_pair_is_judged_and_sends_nothing(void **state)
{
	struct fix f;
	struct cascade *c;
	struct ts_err err;
	char why[256];

	(void)state;
	fix_recorded(&f);
	c = cascade_recorded(f.cheap, f.strong, &f.co, &err);
	assert_non_null(c);
	assert_true(cascade_is_recorded(c));
	assert_int_equal(doc_count(f.cheap), 4);            /* neither is cleared */
	assert_int_equal(doc_count(f.strong), 4);
	assert_int_equal(cascade_state(c), CASCADE_IDLE);
	assert_true(cascade_escalated(c));
	assert_int_equal(cascade_stage(c, CASCADE_CHEAP)->r.verdict, VERDICT_ESCALATE);
	assert_int_equal(cascade_stage(c, CASCADE_STRONG)->r.verdict, VERDICT_ACCEPT);
	assert_true(cascade_stage(c, CASCADE_STRONG)->r.labelled);
	assert_int_equal(cascade_stage(c, CASCADE_STRONG)->err.code, TS_OK);
	assert_int_equal(cascade_final(c), CASCADE_STRONG);
	assert_string_equal(cascade_why(c, why, sizeof why),
			    "escalated (recorded): the cheap answer's verdict is ESCALATE");
	assert_int_equal(cascade_escalate(c, &err), TS_EINVAL);
	assert_non_null(strstr(err.msg, "recorded"));
	assert_true(cascade_poll(c));                        /* idle: nothing runs */
	cascade_cancel(c);                                   /* nothing to cancel */
	assert_int_equal(cascade_stage(c, CASCADE_STRONG)->err.code, TS_OK);
	cascade_free(c);
	/* τ 0.5: the weak answer is sure but its labels are close: CLARIFY,
	 * escalated all the same (it was recorded so) */
	f.co.route.threshold = 0.5;
	c = cascade_recorded(f.cheap, f.strong, &f.co, &err);
	assert_int_equal(cascade_stage(c, CASCADE_CHEAP)->r.verdict, VERDICT_CLARIFY);
	assert_string_equal(cascade_why(c, why, sizeof why),
			    "escalated (recorded): on request (the cheap answer's verdict is CLARIFY)");
	fix_fini(&f, c);
}

/* A recorded strong answer that did not finish (cut, with the error it
 * recorded) is a failed stage: the cheap answer stays final. One without
 * logprobs stands, unjudged. */
static void a_recorded_answer_ends_as_its_document_says(void **state)
{
	struct fix f;
	struct cascade *c;
	struct ts_err err;

	(void)state;
	fix_recorded(&f);
	doc_info(f.strong)->incomplete = true;
	assert_int_equal(doc_set_meta(f.strong, DOC_META_ERROR, "the stream ended early after 2 tokens"), TS_OK);
	c = cascade_recorded(f.cheap, f.strong, &f.co, &err);
	assert_int_equal(cascade_stage(c, CASCADE_STRONG)->err.code, TS_ECUT);
	assert_string_equal(cascade_stage(c, CASCADE_STRONG)->err.msg, "the stream ended early after 2 tokens");
	assert_int_equal(cascade_final(c), CASCADE_CHEAP);
	cascade_free(c);
	doc_info(f.strong)->incomplete = false;
	doc_info(f.strong)->logprobs_missing = true;
	c = cascade_recorded(f.cheap, f.strong, &f.co, &err);
	assert_int_equal(cascade_stage(c, CASCADE_STRONG)->err.code, TS_ENOLOGPROBS);
	assert_int_equal(cascade_final(c), CASCADE_STRONG);
	fix_fini(&f, c);
}

static struct doc *linked_doc(const char *uid, const char *from)
{
	struct doc *d = doc_new();

	assert_non_null(d);
	assert_int_equal(doc_set_meta(d, DOC_META_UID, uid), TS_OK);
	assert_int_equal(doc_set_meta(d, DOC_META_ESCALATED_FROM, from), TS_OK);
	return d;
}

/* cascade_find_recorded: from either answer; the nearest partner, so a
 * session opened twice pairs each copy with its own; a strong answer
 * before its cheap one; nothing for an answer with no partner or one
 * that names itself. */
static void find_recorded_pairs_the_nearest(void **state)
{
	struct doc *d[8] = {
		linked_doc("u", NULL), linked_doc(NULL, "u"), linked_doc("x", NULL),
		linked_doc("u", NULL), linked_doc(NULL, "u"),
		linked_doc(NULL, "v"), linked_doc("v", NULL), linked_doc("s", "s"),
	};
	const struct doc *const *docs = (const struct doc *const *)d;
	size_t c = 99, s = 99;

	(void)state;
	assert_true(cascade_find_recorded(docs, 8, 0, &c, &s));
	assert_true(c == 0 && s == 1);
	assert_true(cascade_find_recorded(docs, 8, 1, &c, &s));
	assert_true(c == 0 && s == 1);
	assert_true(cascade_find_recorded(docs, 8, 3, &c, &s));
	assert_true(c == 3 && s == 4);
	assert_true(cascade_find_recorded(docs, 8, 4, &c, &s));
	assert_true(c == 3 && s == 4);
	assert_true(cascade_find_recorded(docs, 8, 5, &c, &s));
	assert_true(c == 6 && s == 5);
	assert_true(cascade_find_recorded(docs, 8, 6, &c, &s));
	assert_true(c == 6 && s == 5);
	assert_false(cascade_find_recorded(docs, 8, 2, &c, &s));
	assert_false(cascade_find_recorded(docs, 8, 7, &c, &s));
	assert_false(cascade_find_recorded(docs, 8, 8, &c, &s));
	for (int i = 0; i < 8; i++)
		doc_free(d[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_accepted_answer_is_judged_and_stays_final),
		cmocka_unit_test(an_escalate_answer_escalates_with_the_same_request),
		cmocka_unit_test(escalate_on_request_starts_the_strong_request),
		cmocka_unit_test(what_does_not_escalate),
		cmocka_unit_test(rejudge_changes_the_adopted_verdict),
		cmocka_unit_test(a_recorded_pair_is_judged_and_sends_nothing),
		cmocka_unit_test(a_recorded_answer_ends_as_its_document_says),
		cmocka_unit_test(find_recorded_pairs_the_nearest),
	};
	int rc;

	http_global_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	http_global_cleanup();
	return rc;
}
