/* cascade_adopt: a cascade whose cheap stage is an answer already there
 * (the explorer's), judged at once, escalating by the same rule as a
 * running cascade, the strong request being the cheap one's read back
 * from its body; on the weak mailcls classifier's recordings. The strong
 * endpoint is a port nothing listens on, so the strong stage fails with a
 * network error the test can wait for. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_accepted_answer_is_judged_and_stays_final),
		cmocka_unit_test(an_escalate_answer_escalates_with_the_same_request),
		cmocka_unit_test(escalate_on_request_starts_the_strong_request),
		cmocka_unit_test(what_does_not_escalate),
		cmocka_unit_test(rejudge_changes_the_adopted_verdict),
	};
	int rc;

	http_global_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	http_global_cleanup();
	return rc;
}
