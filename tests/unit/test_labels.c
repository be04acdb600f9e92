/* Label classification: parsing label sets, normalising token texts, and
 * the per-label masses of labels.h against hand-computed values, on made-up
 * first tokens and on real recordings (the mailcls classifiers and the
 * grammar-constrained stories260K cases). */
#include "tests/unit/testutil.h"

#include <math.h>

#include "src/doc.h"
#include "src/labels.h"
#include "src/replay.h"
#include "src/route.h"

#define assert_near(a, b, eps) near_at((a), (b), (eps), __FILE__, __LINE__)
static void near_at(double a, double b, double eps, const char *file, int line)
{
	if (fabs(a - b) <= eps)
		return;
	print_error("%.17g is not within %g of %.17g\n", a, eps, b);
	_fail(file, line);
}

/* A stored alternative's probability: alternatives keep float logprobs. */
static double qf(double lp)
{
	return exp((double)(float)lp);
}

struct alt {
	const char *text;
	double p;        /* probability; 0 gives the sentinel -9999 */
};

/* A document whose first token is chosen, with the alternatives given, and
 * then the rest of the answer as one more token. */
static struct doc *make_doc(const char *chosen, double p, const struct alt *alts, size_t nalt,
			    const char *rest)
{
	struct doc *d = doc_new();
	struct doc_alt_in in[16];
	struct ts_err err;

	assert_non_null(d);
	assert_true(nalt <= 16);
	for (size_t i = 0; i < nalt; i++)
		in[i] = (struct doc_alt_in){ .bytes = (const uint8_t *)alts[i].text, .len = strlen(alts[i].text),
					     .logprob = alts[i].p > 0 ? log(alts[i].p) : -9999.0, .id = -1 };
	assert_int_equal(doc_append(d, &(struct doc_token_in){ .bytes = (const uint8_t *)chosen,
				    .len = strlen(chosen), .logprob = p > 0 ? log(p) : -9999.0, .id = -1,
				    .t_ms = -1, .alts = in, .nalt = nalt }, &err), TS_OK);
	if (rest)
		assert_int_equal(doc_append(d, &(struct doc_token_in){ .bytes = (const uint8_t *)rest,
					    .len = strlen(rest), .logprob = -0.1, .id = -1, .t_ms = -1 }, &err),
				 TS_OK);
	return d;
}

static void set_of(struct label_set *ls, const char *list)
{
	struct ts_err err;

	if (labels_parse(ls, list, &err))
		fail_msg("labels_parse(%s): %s", list, ts_err_msg(&err));
}

static struct doc *replay(const char *cas)
{
	char dir[512];
	struct doc *d = doc_new();
	struct ts_err err;

	snprintf(dir, sizeof dir, "tests/fixtures/%s", cas);
	assert_int_equal(replay_dir(d, dir, NULL, NULL, &err), TS_OK);
	return d;
}

/* ---- parsing ---- */

static void list_is_split_at_commas_and_trimmed(void **state)
{
	struct label_set ls;

	(void)state;
	set_of(&ls, " billing, bug report ,feature request,account access ");
	assert_int_equal(ls.n, 4);
	assert_string_equal(ls.name[0], "billing");
	assert_string_equal(ls.name[1], "bug report");
	assert_string_equal(ls.name[3], "account access");
	assert_string_equal(ls.norm[1], "bug report");
	assert_int_equal(ls.norm_len[1], 10);
}

static void names_are_normalised_for_matching_but_shown_as_given(void **state)
{
	struct label_set ls;
	char out[128];

	(void)state;
	set_of(&ls, "Work,\xe2\x96\x81Personal,SPAM");
	assert_string_equal(ls.name[0], "Work");
	assert_string_equal(ls.norm[0], "work");
	assert_string_equal(ls.norm[1], "personal");
	assert_string_equal(ls.norm[2], "spam");
	labels_format(&ls, out, sizeof out);
	assert_string_equal(out, "Work, \xe2\x96\x81Personal, SPAM");
}

static void empty_list_means_no_labels(void **state)
{
	struct label_set ls = { .n = 3 };
	struct ts_err err;

	(void)state;
	assert_int_equal(labels_parse(&ls, "", &err), TS_OK);
	assert_int_equal(ls.n, 0);
	assert_int_equal(labels_parse(&ls, "  ", &err), TS_OK);
	assert_int_equal(ls.n, 0);
	assert_int_equal(labels_parse(&ls, NULL, &err), TS_OK);
	assert_int_equal(ls.n, 0);
}

static void bad_lists_are_rejected_with_a_reason(void **state)
{
	static const struct { const char *list, *msg; } bad[] = {
		{ "work,,spam", "empty label" },
		{ "work,spam,", "empty label" },
		{ ",work", "empty label" },
		{ "work, \xc4\xa0 ,spam", "empty label" },
		{ "Work,work", "'Work' and 'work' are the same label" },
		{ "spam, \xe2\x96\x81SPAM", "same label" },
	};
	struct label_set ls;
	struct ts_err err;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(labels_parse(&ls, bad[i].list, &err), TS_EINVAL);
		assert_int_equal(ls.n, 0);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("%s: message '%s' lacks '%s'", bad[i].list, err.msg, bad[i].msg);
	}
}

static void limits_on_count_and_length(void **state)
{
	char list[8192] = "";
	char name[LABELS_MAX_LEN + 1];
	struct label_set ls;
	struct ts_err err;
	size_t at = 0;

	(void)state;
	for (int i = 0; i < LABELS_MAX; i++)
		at += (size_t)snprintf(list + at, sizeof list - at, "%sl%d", i ? "," : "", i);
	assert_int_equal(labels_parse(&ls, list, &err), TS_OK);
	assert_int_equal(ls.n, LABELS_MAX);
	snprintf(list + at, sizeof list - at, ",one-too-many");
	assert_int_equal(labels_parse(&ls, list, &err), TS_EINVAL);
	assert_non_null(strstr(err.msg, "more than 32 labels"));
	memset(name, 'x', LABELS_MAX_LEN - 1);
	name[LABELS_MAX_LEN - 1] = '\0';
	assert_int_equal(labels_parse(&ls, name, &err), TS_OK);  /* 127 bytes fit */
	name[LABELS_MAX_LEN - 1] = 'x';
	name[LABELS_MAX_LEN] = '\0';
	assert_int_equal(labels_parse(&ls, name, &err), TS_EINVAL);
}

/* ---- normalising and matching ---- */

static void normalise_strips_leading_space_markers_and_folds_ascii_case(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ " Work", "work" }, { "\xe2\x96\x81work", "work" }, { "\xc4\xa0WORK", "work" },
		{ "\t\n work", "work" }, { " \xe2\x96\x81\xc4\xa0 Bug Report", "bug report" },
		{ "work ", "work " },                         /* trailing space stays */
		{ "x\xe2\x96\x81y", "x\xe2\x96\x81y" },       /* inner marker stays */
		{ "CAF\xc3\x89", "caf\xc3\x89" },             /* É is not folded */
		{ "\xe2\x96\x81", "" }, { "", "" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = labels_normalise((const uint8_t *)cases[i].in, strlen(cases[i].in), out, sizeof out);

		assert_string_equal(out, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
	}
	/* cut to the buffer, full length returned */
	assert_int_equal(labels_normalise((const uint8_t *)"  ABCDEF", 8, out, 4), 6);
	assert_string_equal(out, "abc");
}

static void match_reports_which_labels_a_text_starts(void **state)
{
	struct label_set ls;
	uint32_t mask;
	bool strict;

	(void)state;
	set_of(&ls, "billing,bug report,feature request,account access");
	assert_int_equal(labels_match(&ls, (const uint8_t *)"b", 1, &mask, &strict), 2);
	assert_int_equal(mask, 0x3);
	assert_true(strict);
	assert_int_equal(labels_match(&ls, (const uint8_t *)" Bu", 3, &mask, &strict), 1);
	assert_int_equal(mask, 0x2);
	assert_int_equal(labels_match(&ls, (const uint8_t *)"billing", 7, &mask, &strict), 1);
	assert_int_equal(mask, 0x1);
	assert_false(strict);
	assert_int_equal(labels_match(&ls, (const uint8_t *)"billings", 8, &mask, &strict), 0);
	assert_int_equal(mask, 0);
	assert_int_equal(labels_match(&ls, (const uint8_t *)" ", 1, &mask, NULL), 0);
	assert_int_equal(labels_match(&ls, (const uint8_t *)"", 0, &mask, NULL), 0);
	assert_int_equal(labels_match(&ls, (const uint8_t *)"bug r", 5, &mask, NULL), 1);
	assert_int_equal(labels_match(&ls, (const uint8_t *)"bug_r", 5, &mask, NULL), 0);
}

/* ---- classifying made-up tokens ---- */

static void spelling_variants_all_count_for_their_label(void **state)
{
	static const struct alt alts[] = {
		{ " Work", 0.4 }, { "\xe2\x96\x81work", 0.2 }, { "\xc4\xa0WORK", 0.1 }, { "spam", 0.05 },
		{ "Spam!", 0.05 },
	};
	struct label_set ls;
	struct label_result r;
	struct doc *d = make_doc(" Work", 0.4, alts, 5, NULL);

	(void)state;
	set_of(&ls, "work,personal,spam,other");
	labels_classify(&ls, d, &r);
	assert_true(r.valid);
	assert_int_equal(r.ncand, 5);                 /* chosen is among the alternatives */
	assert_near(r.row[0].mass, 0.7, 1e-6);
	assert_int_equal(r.row[0].ncand, 3);
	assert_false(r.row[0].partial);
	assert_near(r.row[2].mass, 0.05, 1e-7);       /* "Spam!" starts no label */
	assert_near(r.off_labels, 0.05, 1e-7);
	assert_near(r.on_labels, 0.75, 1e-6);
	assert_near(r.shown, 0.8, 1e-6);
	assert_near(r.unseen, 0.2, 1e-6);
	assert_near(r.row[0].prob, 0.7 / 0.75, 1e-6);
	assert_near(r.row[2].prob, 0.05 / 0.75, 1e-6);
	assert_int_equal(r.top, 0);
	assert_int_equal(r.second, 2);
	assert_near(r.margin, 0.65 / 0.75, 1e-6);
	assert_false(r.first_token_only);
	assert_int_equal(r.answer, 0);                /* " Work" is the whole answer */
	doc_free(d);
}

static void prefixes_count_when_only_one_label_starts_with_them(void **state)
{
	static const struct alt alts[] = {
		{ "w", 0.5 }, { "wo", 0.2 }, { "p", 0.1 }, { "ot", 0.05 }, { "o", 0.05 }, { "x", 0.05 },
		{ "workday", 0.02 },
	};
	struct label_set ls;
	struct label_result r;
	struct doc *d = make_doc("w", 0.5, alts, 7, "ork");

	(void)state;
	set_of(&ls, "work,personal,spam,other");
	labels_classify(&ls, d, &r);
	assert_near(r.row[0].mass, 0.7, 1e-6);
	assert_true(r.row[0].partial);
	assert_near(r.row[1].mass, 0.1, 1e-7);
	assert_near(r.row[3].mass, 0.1, 1e-7);        /* "ot" and "o" */
	assert_int_equal(r.row[3].ncand, 2);
	assert_near(r.row[2].mass, 0.0, 0);           /* spam: not shown */
	assert_near(r.row[2].prob, 0.0, 0);
	assert_int_equal(r.row[2].ncand, 0);
	assert_near(r.off_labels, 0.07, 1e-7);        /* "x", "workday" */
	assert_near(r.on_labels, 0.9, 1e-6);
	assert_near(r.unseen, 0.03, 1e-6);
	assert_true(r.first_token_only);
	assert_int_equal(r.ngroups, 0);
	assert_int_equal(r.answer, 0);                /* "w" + "ork" */
	doc_free(d);
}

static void a_prefix_of_two_labels_is_shared_not_given_to_either(void **state)
{
	static const struct alt alts[] = {
		{ "b", 0.6 }, { "B", 0.1 }, { "bu", 0.1 }, { "a", 0.1 }, { " ", 0.05 },
	};
	struct label_set ls;
	struct label_result r;
	char name[128];
	struct doc *d = make_doc("b", 0.6, alts, 5, "illing");

	(void)state;
	set_of(&ls, "billing,bug report,feature request,account access");
	labels_classify(&ls, d, &r);
	assert_near(r.row[0].mass, 0.0, 0);           /* billing gets nothing of "b" */
	assert_near(r.row[1].mass, 0.1, 1e-7);        /* "bu": only bug report */
	assert_near(r.row[3].mass, 0.1, 1e-7);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.group[0].mask, 0x3);
	assert_near(r.group[0].mass, 0.7, 1e-6);
	assert_int_equal(r.group[0].ncand, 2);
	assert_string_equal(r.group[0].text, "b");
	assert_near(r.label_mass, 0.2, 1e-6);
	assert_near(r.shared_mass, 0.7, 1e-6);
	assert_near(r.on_labels, 0.9, 1e-6);
	assert_near(r.off_labels, 0.05, 1e-7);        /* " " is empty once normalised */
	assert_near(r.group[0].prob, 0.7 / 0.9, 1e-6);
	assert_int_equal(r.top, 4);                   /* n = 4, so entry 4 is group 0 */
	assert_true(labels_entry_shared(&r, r.top));
	assert_false(labels_entry_shared(&r, 1));
	assert_int_equal(r.second, 1);                /* bug report ties account access: first wins */
	assert_near(r.margin, 0.6 / 0.9, 1e-6);
	assert_string_equal(labels_entry_name(&r, r.top, name, sizeof name), "billing | bug report");
	assert_string_equal(labels_entry_name(&r, 3, name, sizeof name), "account access");
	assert_string_equal(labels_entry_name(&r, -1, name, sizeof name), "—");
	assert_int_equal(r.answer, 0);
	doc_free(d);
}

static void a_token_equal_to_one_label_and_prefix_of_another_is_shared(void **state)
{
	static const struct alt alts[] = { { "bug", 0.5 }, { "bug r", 0.3 }, { "Bug", 0.1 } };
	struct label_set ls;
	struct label_result r;
	struct doc *d = make_doc("bug", 0.5, alts, 3, NULL);

	(void)state;
	set_of(&ls, "bug,bug report");
	labels_classify(&ls, d, &r);
	assert_near(r.row[0].mass, 0.0, 0);
	assert_near(r.row[1].mass, 0.3, 1e-7);
	assert_int_equal(r.ngroups, 1);
	assert_near(r.group[0].mass, 0.6, 1e-6);
	assert_int_equal(r.top, 2);
	assert_int_equal(r.second, 1);
	assert_int_equal(r.answer, 0);                /* the answer text is exactly "bug" */
	doc_free(d);
}

static void chosen_token_outside_the_top_k_is_counted(void **state)
{
	static const struct alt alts[] = { { "\"", 0.4 }, { "W", 0.1 }, { "T", 0.1 } };
	struct label_set ls;
	struct label_result r;
	struct doc *d = make_doc("s", 0.002, alts, 3, "pam");

	(void)state;
	set_of(&ls, "work,personal,spam,other");
	labels_classify(&ls, d, &r);
	assert_int_equal(r.ncand, 4);
	assert_near(r.row[2].mass, 0.002, 1e-12);     /* the chosen token's own logprob is double */
	assert_near(r.row[0].mass, 0.1, 1e-7);
	assert_near(r.shown, 0.602, 1e-6);
	assert_int_equal(r.answer, 2);
	doc_free(d);
}

static void sentinel_logprobs_count_as_zero_mass(void **state)
{
	static const struct alt alts[] = { { "work", 0.9 }, { "spam", 0 }, { "other", 0 } };
	struct label_set ls;
	struct label_result r;
	struct doc *d = make_doc("personal", 0, alts, 3, NULL);

	(void)state;
	set_of(&ls, "work,personal,spam,other");
	labels_classify(&ls, d, &r);
	assert_true(doc_token(d, 0)->flags & DOC_TOK_CLAMPED);
	assert_int_equal(r.ncand, 4);
	assert_int_equal(r.row[2].ncand, 1);
	assert_true(r.row[2].mass == 0.0);            /* -9999 clamped: exactly nothing */
	assert_true(r.row[3].mass == 0.0);
	assert_true(r.row[1].mass == 0.0);            /* the chosen token, clamped too */
	assert_near(r.on_labels, 0.9, 1e-6);
	assert_near(r.unseen, 0.1, 1e-6);
	assert_int_equal(r.top, 0);
	assert_int_equal(r.second, -1);               /* zero-mass labels are not entries */
	assert_near(r.margin, 1.0, 1e-12);
	doc_free(d);
}

static void no_labels_or_no_tokens_is_not_valid(void **state)
{
	static const struct alt alts[] = { { "work", 0.9 } };
	struct label_set none = { 0 }, ls;
	struct label_result r;
	struct doc *d = make_doc("work", 0.9, alts, 1, NULL), *empty = doc_new();

	(void)state;
	labels_classify(&none, d, &r);
	assert_false(r.valid);
	assert_int_equal(r.n, 0);
	assert_true(isnan(r.margin));
	labels_classify(NULL, d, &r);
	assert_false(r.valid);
	set_of(&ls, "work,spam");
	labels_classify(&ls, empty, &r);
	assert_false(r.valid);
	assert_int_equal(r.n, 2);
	assert_true(isnan(r.row[0].prob));
	assert_int_equal(r.top, -1);
	assert_int_equal(r.answer, -1);
	doc_free(d);
	doc_free(empty);
}

/* An answer's own set (DOC_META_LABELS): none, a list, explicitly none
 * (""), and a list that does not parse. */
static void an_answer_carries_its_own_label_set(void **state)
{
	struct doc *d = doc_new();
	struct label_set ls;
	struct ts_err err;

	(void)state;
	ls.n = 7;
	assert_int_equal(labels_from_doc(&ls, d, &err), 0);
	assert_int_equal(ls.n, 0);
	assert_int_equal(doc_set_meta(d, DOC_META_LABELS, "billing, bug report"), TS_OK);
	assert_int_equal(labels_from_doc(&ls, d, &err), 1);
	assert_int_equal(ls.n, 2);
	assert_string_equal(ls.name[1], "bug report");
	assert_int_equal(doc_set_meta(d, DOC_META_LABELS, ""), TS_OK);
	assert_int_equal(labels_from_doc(&ls, d, &err), 1);
	assert_int_equal(ls.n, 0);
	assert_int_equal(doc_set_meta(d, DOC_META_LABELS, "work,,spam"), TS_OK);
	ts_err_clear(&err);
	assert_int_equal(labels_from_doc(&ls, d, &err), -1);
	assert_int_equal(ls.n, 0);
	assert_int_equal(err.code, TS_EINVAL);
	assert_non_null(strstr(ts_err_msg(&err), "empty label"));
	assert_int_equal(labels_from_doc(&ls, d, NULL), -1);
	doc_free(d);
}

static void nothing_on_labels_leaves_probabilities_undefined(void **state)
{
	static const struct alt alts[] = { { "Sure", 0.7 }, { "The", 0.2 } };
	struct label_set ls;
	struct label_result r;
	struct doc *d = make_doc("Sure", 0.7, alts, 2, ", it is work");

	(void)state;
	set_of(&ls, "work,spam");
	labels_classify(&ls, d, &r);
	assert_true(r.valid);
	assert_true(r.on_labels == 0.0);
	assert_near(r.off_labels, 0.9, 1e-6);
	assert_true(isnan(r.row[0].prob));
	assert_true(isnan(r.margin));
	assert_int_equal(r.top, -1);
	assert_int_equal(r.answer, -1);
	doc_free(d);
}

/* ---- real recordings ---- */

/* mailcls-190K, the Together docs email with top 20: every label's first
 * token is visible (w, p, s, ot), and 16 other alternatives are off-label. */
static void mailcls_top20_shows_the_whole_label_distribution(void **state)
{
	struct doc *d = replay("llamacpp-mailcls/mailcls-190K/e_seed_email_top20_stream");
	struct label_set ls;
	struct label_result r;
	double w = qf(-0.01430000364780426), p = qf(-4.80082368850708), s = qf(-7.051717281341553);
	double ot = qf(-5.885522842407227), on = w + p + s + ot;
	static const double others[] = {
		-7.1871867179870605, -8.526906967163086, -8.891823768615723, -9.015204429626465,
		-9.363001823425293, -9.683782577514648, -10.003674507141113, -10.016243934631348,
		-10.019888877868652, -10.444754600524902, -10.464985847473145, -10.594598770141602,
		-10.647134780883789, -10.681939125061035, -10.712342262268066, -10.736263275146484,
	};
	double off = 0;

	(void)state;
	for (size_t i = 0; i < 16; i++)
		off += qf(others[i]);
	set_of(&ls, "work,personal,spam,other");
	labels_classify(&ls, d, &r);
	assert_int_equal(r.ncand, 20);
	assert_near(r.row[0].mass, w, 1e-12);
	assert_near(r.row[1].mass, p, 1e-12);
	assert_near(r.row[2].mass, s, 1e-12);
	assert_near(r.row[3].mass, ot, 1e-12);
	assert_near(r.on_labels, on, 1e-12);
	assert_near(r.off_labels, off, 1e-12);
	assert_near(r.unseen, 1 - on - off, 1e-12);
	assert_near(r.row[0].prob, w / on, 1e-12);
	assert_near(r.row[2].prob, s / on, 1e-12);
	assert_near(r.margin, (w - p) / on, 1e-12);
	assert_int_equal(r.top, 0);
	assert_int_equal(r.second, 1);
	assert_true(r.first_token_only);              /* "w" + "or" + "k" */
	assert_true(r.row[0].partial && r.row[3].partial);
	assert_int_equal(r.answer, 0);
	assert_int_equal(r.ngroups, 0);
	doc_free(d);
}

/* The ticket classifier: "b" starts both billing and bug report. */
static void mailcls_billing_ticket_first_token_is_shared(void **state)
{
	struct doc *d = replay("llamacpp-mailcls/mailcls-190K/d_ticket_billing_stream");
	struct label_set ls;
	struct label_result r;
	double b = qf(-0.017010364681482315), a = qf(-4.760373115539551), f = qf(-5.76253604888916);
	double on = b + a + f;

	(void)state;
	set_of(&ls, "billing, bug report, feature request, account access");
	labels_classify(&ls, d, &r);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.group[0].mask, 0x3);
	assert_near(r.group[0].mass, b, 1e-12);
	assert_near(r.row[3].mass, a, 1e-12);
	assert_near(r.row[2].mass, f, 1e-12);
	assert_true(r.row[0].mass == 0.0 && r.row[1].mass == 0.0);
	assert_near(r.on_labels, on, 1e-12);
	assert_near(r.off_labels, qf(-6.692789554595947) + qf(-7.721255302429199), 1e-12);
	assert_int_equal(r.top, 4);
	assert_int_equal(r.second, 3);
	assert_near(r.margin, (b - a) / on, 1e-12);
	assert_int_equal(r.answer, 0);                /* the answer says billing */
	doc_free(d);
}

/* stories260K forced by a grammar to one of the four labels: it chose "s"
 * (p = 0.002, outside its top 5) while its own favourite was '"'. "W" folds
 * to a prefix of work. */
static void grammar_constrained_labels_from_the_raw_distribution(void **state)
{
	static const char *const cases[] = {
		"llamacpp-stories260k/a_email_work_grammar_stream",
		"llamacpp-stories260k/b_email_ambiguous_grammar_stream",
	};
	static const double s_lp[] = { -6.225693702697754, -6.560610771179199 };
	static const double w_lp[] = { -2.519129514694214, -2.2525408267974854 };
	static const double alt_lp[][5] = {
		{ -0.831229031085968, -2.2906863689422607, -2.519129514694214, -2.6928889751434326, -2.994252920150757 },
		{ -1.3530895709991455, -2.018568992614746, -2.2525408267974854, -2.3820526599884033, -2.5538418292999268 },
	};

	(void)state;
	for (size_t c = 0; c < 2; c++) {
		struct doc *d = replay(cases[c]);
		struct label_set ls;
		struct label_result r;
		double s = exp(s_lp[c]), w = qf(w_lp[c]), shown = s;

		for (size_t j = 0; j < 5; j++)
			shown += qf(alt_lp[c][j]);
		set_of(&ls, "work,personal,spam,other");
		labels_classify(&ls, d, &r);
		assert_int_equal(doc_token(d, 0)->rank, DOC_RANK_NONE);
		assert_int_equal(r.ncand, 6);
		assert_near(r.row[2].mass, s, 1e-15);
		assert_near(r.row[0].mass, w, 1e-12);
		assert_true(r.row[1].mass == 0.0 && r.row[3].mass == 0.0);
		assert_near(r.on_labels, s + w, 1e-12);
		assert_near(r.shown, shown, 1e-12);
		assert_near(r.off_labels, shown - s - w, 1e-12);
		assert_near(r.unseen, 1 - shown, 1e-12);
		assert_int_equal(r.top, 0);                   /* work, though it wrote spam */
		assert_int_equal(r.second, 2);
		assert_near(r.margin, (w - s) / (w + s), 1e-12);
		assert_int_equal(r.answer, 2);
		doc_free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_is_split_at_commas_and_trimmed),
		cmocka_unit_test(names_are_normalised_for_matching_but_shown_as_given),
		cmocka_unit_test(empty_list_means_no_labels),
		cmocka_unit_test(bad_lists_are_rejected_with_a_reason),
		cmocka_unit_test(limits_on_count_and_length),
		cmocka_unit_test(normalise_strips_leading_space_markers_and_folds_ascii_case),
		cmocka_unit_test(match_reports_which_labels_a_text_starts),
		cmocka_unit_test(spelling_variants_all_count_for_their_label),
		cmocka_unit_test(prefixes_count_when_only_one_label_starts_with_them),
		cmocka_unit_test(a_prefix_of_two_labels_is_shared_not_given_to_either),
		cmocka_unit_test(a_token_equal_to_one_label_and_prefix_of_another_is_shared),
		cmocka_unit_test(chosen_token_outside_the_top_k_is_counted),
		cmocka_unit_test(sentinel_logprobs_count_as_zero_mass),
		cmocka_unit_test(no_labels_or_no_tokens_is_not_valid),
		cmocka_unit_test(an_answer_carries_its_own_label_set),
		cmocka_unit_test(nothing_on_labels_leaves_probabilities_undefined),
		cmocka_unit_test(mailcls_top20_shows_the_whole_label_distribution),
		cmocka_unit_test(mailcls_billing_ticket_first_token_is_shared),
		cmocka_unit_test(grammar_constrained_labels_from_the_raw_distribution),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
