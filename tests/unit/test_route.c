/* The routing verdict: the statistic table, parsing of --stat names, the
 * accept/escalate boundary, and the three-way verdict with labels (each
 * rule at its boundary, the order of the rules, the explanation line, and
 * the whole path on real recordings). */
#include "tests/unit/testutil.h"

#include <math.h>

#include "src/config.h"
#include "src/doc.h"
#include "src/replay.h"
#include "src/route.h"

/* cmocka 1.1 has no assert_double_equal: |a − b| ≤ eps, NaN never near. */
#define assert_near(a, b, eps) near_at((a), (b), (eps), __FILE__, __LINE__)
static void near_at(double a, double b, double eps, const char *file, int line)
{
	if (fabs(a - b) <= eps)
		return;
	print_error("%.17g is not within %g of %.17g\n", a, eps, b);
	_fail(file, line);
}

/* Every statistic a different value, so a mix-up shows. */
static struct answer_metrics distinct_metrics(void)
{
	return (struct answer_metrics){
		.n = 5, .first_p = 0.91, .geo_mean_p = 0.72, .mean_p = 0.83,
		.min_p = 0.14, .quantile_p = 0.35, .quantile = 0.1, .tok_threshold = 0.5,
		.perplexity = 1.4, .mean_logprob = -0.33, .share_below = 0.2,
	};
}

static void each_stat_reads_its_own_field(void **state)
{
	struct answer_metrics m = distinct_metrics();

	(void)state;
	assert_true(route_stat_value(&m, STAT_FIRST) == 0.91);
	assert_true(route_stat_value(&m, STAT_GEOMEAN) == 0.72);
	assert_true(route_stat_value(&m, STAT_MEAN) == 0.83);
	assert_true(route_stat_value(&m, STAT_MIN) == 0.14);
	assert_true(route_stat_value(&m, STAT_QUANTILE) == 0.35);
	assert_true(isnan(route_stat_value(&m, STAT_COUNT)));
}

static void value_equal_to_threshold_accepts(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct route_result r;

	(void)state;
	route_decide(&m, STAT_FIRST, 0.91, &r);
	assert_int_equal(r.verdict, VERDICT_ACCEPT);
	assert_int_equal(r.stat, STAT_FIRST);
	assert_true(r.value == 0.91);
	assert_true(r.threshold == 0.91);
	assert_true(r.distance == 0.0);
}

static void value_just_below_threshold_escalates(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct route_result r;

	(void)state;
	route_decide(&m, STAT_FIRST, nextafter(0.91, 1.0), &r);
	assert_int_equal(r.verdict, VERDICT_ESCALATE);
	assert_true(r.distance < 0.0);
	assert_true(r.distance > -1e-15);
}

static void distance_is_value_minus_threshold(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct route_result r;

	(void)state;
	route_decide(&m, STAT_MIN, ROUTE_DEFAULT_THRESHOLD, &r);
	assert_int_equal(r.verdict, VERDICT_ESCALATE);
	assert_near(r.distance, -0.71, 1e-15);   /* 0.14 − 0.85 */
	route_decide(&m, STAT_FIRST, ROUTE_DEFAULT_THRESHOLD, &r);
	assert_int_equal(r.verdict, VERDICT_ACCEPT);
	assert_near(r.distance, 0.06, 1e-15);    /* 0.91 − 0.85 */
	route_decide(&m, STAT_QUANTILE, 0.3, &r);
	assert_int_equal(r.verdict, VERDICT_ACCEPT);
	assert_int_equal(r.stat, STAT_QUANTILE);
	assert_near(r.distance, 0.05, 1e-15);    /* 0.35 − 0.3 */
}

static void nan_value_escalates(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct route_result r;

	(void)state;
	m.geo_mean_p = NAN;
	route_decide(&m, STAT_GEOMEAN, 0.0, &r);
	assert_int_equal(r.verdict, VERDICT_ESCALATE);
	assert_true(isnan(r.value));
	assert_true(isnan(r.distance));
}

static void every_stat_name_round_trips(void **state)
{
	static const char *const want[] = { "first", "geomean", "mean", "min", "quantile" };

	(void)state;
	assert_int_equal(STAT_COUNT, 5);
	for (int s = 0; s < STAT_COUNT; s++) {
		assert_string_equal(route_stat_name((enum route_stat)s), want[s]);
		assert_int_equal(route_stat_parse(want[s]), s);
		assert_true(strlen(route_stat_label((enum route_stat)s)) > 0);
	}
	assert_string_equal(route_stat_label(STAT_FIRST), "first-token probability");
	assert_string_equal(route_stat_label(STAT_QUANTILE), "quantile probability");
}

static void stat_names_parse_case_insensitively(void **state)
{
	(void)state;
	assert_int_equal(route_stat_parse("FIRST"), STAT_FIRST);
	assert_int_equal(route_stat_parse("GeoMean"), STAT_GEOMEAN);
	assert_int_equal(route_stat_parse("Min"), STAT_MIN);
}

static void unknown_stat_names_are_rejected(void **state)
{
	(void)state;
	assert_int_equal(route_stat_parse("median"), -1);
	assert_int_equal(route_stat_parse(""), -1);
	assert_int_equal(route_stat_parse("firs"), -1);
	assert_int_equal(route_stat_parse("first "), -1);
	assert_int_equal(route_stat_parse("meanx"), -1);
	assert_int_equal(route_stat_parse(NULL), -1);
}

static void verdict_names(void **state)
{
	(void)state;
	assert_string_equal(route_verdict_name(VERDICT_ACCEPT), "ACCEPT");
	assert_string_equal(route_verdict_name(VERDICT_ESCALATE), "ESCALATE");
	assert_string_equal(route_verdict_name(VERDICT_CLARIFY), "CLARIFY");
}

/* ---- three-way verdict ---- */

/* Two labels (a over b) plus, when shared_top, a group of both on top. */
static struct label_result two_labels(double on_labels, double margin, bool shared_top)
{
	struct label_result lr = {
		.valid = true, .n = 2, .on_labels = on_labels, .margin = margin,
		.top = shared_top ? 2 : 0, .second = shared_top ? 0 : 1, .answer = -1,
	};

	lr.row[0] = (struct label_row){ .name = "a", .mass = on_labels * 0.6, .prob = 0.6 };
	lr.row[1] = (struct label_row){ .name = "b", .mass = on_labels * 0.4, .prob = 0.4 };
	if (shared_top) {
		lr.ngroups = 1;
		lr.group[0] = (struct label_group){ .mask = 3, .mass = on_labels, .prob = 0.7, .text = "x" };
	}
	return lr;
}

static struct route_opts opts(double tau, double mu, double min_mass)
{
	struct route_opts o;

	route_opts_default(&o);
	o.threshold = tau;
	o.margin = mu;
	o.min_label_mass = min_mass;
	return o;
}

static void defaults_are_documented_values(void **state)
{
	struct route_opts o;
	struct config c;

	(void)state;
	route_opts_default(&o);
	assert_int_equal(o.stat, STAT_FIRST);
	assert_true(o.threshold == 0.85 && o.margin == 0.3 && o.min_label_mass == 0.5);
	assert_true(o.metrics.quantile == 0.10 && o.metrics.tok_threshold == 0.5);
	assert_int_equal(config_init(&c), TS_OK);
	c.s.margin = 0.25;
	c.s.stat = STAT_MIN;
	route_opts_from_settings(&o, &c.s);
	assert_int_equal(o.stat, STAT_MIN);
	assert_true(o.threshold == 0.85 && o.margin == 0.25 && o.min_label_mass == 0.5);
	config_fini(&c);
}

static void all_at_their_boundaries_accepts(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct label_result lr = two_labels(0.5, 0.2, false);
	struct route_opts o = opts(0.91, 0.2, 0.5);
	struct route_result r;

	(void)state;
	route_decide_labels(&m, &lr, &o, &r);
	assert_int_equal(r.verdict, VERDICT_ACCEPT);
	assert_int_equal(r.rule, ROUTE_RULE_MARGIN_OK);
	assert_true(r.labelled);
	assert_true(r.margin == 0.2 && r.min_margin == 0.2);
	assert_true(r.label_mass == 0.5 && r.min_label_mass == 0.5);
	assert_true(r.distance == 0.0);
}

static void statistic_below_threshold_escalates_whatever_the_labels(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct label_result lr = two_labels(0.99, 0.9, false);
	struct route_opts o = opts(nextafter(0.91, 1.0), 0.2, 0.5);
	struct route_result r;

	(void)state;
	route_decide_labels(&m, &lr, &o, &r);
	assert_int_equal(r.verdict, VERDICT_ESCALATE);
	assert_int_equal(r.rule, ROUTE_RULE_BELOW);
	assert_true(r.labelled && r.margin == 0.9);
	lr = two_labels(0.0, NAN, true);               /* would clarify, but rule 1 comes first */
	route_decide_labels(&m, &lr, &o, &r);
	assert_int_equal(r.verdict, VERDICT_ESCALATE);
	m.first_p = NAN;
	o.threshold = 0.0;
	route_decide_labels(&m, &lr, &o, &r);
	assert_int_equal(r.verdict, VERDICT_ESCALATE);
}

static void margin_just_below_mu_clarifies(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct label_result lr = two_labels(0.9, nextafter(0.2, 0.0), false);
	struct route_opts o = opts(0.5, 0.2, 0.5);
	struct route_result r;
	char line[512];

	(void)state;
	route_decide_labels(&m, &lr, &o, &r);
	assert_int_equal(r.verdict, VERDICT_CLARIFY);
	assert_int_equal(r.rule, ROUTE_RULE_MARGIN);
	route_explain(&r, &lr, line, sizeof line);
	assert_string_equal(line, "first-token probability 0.91 ≥ τ 0.5 (distance +0.41), but the margin 0.2 "
			    "between a and b is below μ 0.2");
	lr.margin = NAN;                               /* no label with mass: never accepted */
	o.min_label_mass = 0.0;
	route_decide_labels(&m, &lr, &o, &r);
	assert_int_equal(r.verdict, VERDICT_CLARIFY);
	assert_int_equal(r.rule, ROUTE_RULE_MARGIN);
}

static void label_mass_just_below_minimum_clarifies_first(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct label_result lr = two_labels(nextafter(0.5, 0.0), 0.01, true);
	struct route_opts o = opts(0.5, 0.2, 0.5);
	struct route_result r;
	char line[512];

	(void)state;
	route_decide_labels(&m, &lr, &o, &r);
	assert_int_equal(r.verdict, VERDICT_CLARIFY);
	assert_int_equal(r.rule, ROUTE_RULE_LABEL_MASS);  /* before shared and margin */
	route_explain(&r, &lr, line, sizeof line);
	assert_string_equal(line, "first-token probability 0.91 ≥ τ 0.5 (distance +0.41), but only 0.5 of the "
			    "first token's mass is on labels (< 0.5)");
}

static void shared_top_entry_clarifies_even_with_a_wide_margin(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct label_result lr = two_labels(0.95, 0.8, true);
	struct route_opts o = opts(0.5, 0.2, 0.5);
	struct route_result r;
	char line[512];

	(void)state;
	route_decide_labels(&m, &lr, &o, &r);
	assert_int_equal(r.verdict, VERDICT_CLARIFY);
	assert_int_equal(r.rule, ROUTE_RULE_SHARED);
	route_explain(&r, &lr, line, sizeof line);
	assert_string_equal(line, "first-token probability 0.91 ≥ τ 0.5 (distance +0.41), but the top first "
			    "token 'x' starts a | b: the first token does not tell them apart");
}

static void without_labels_the_verdict_stays_two_way(void **state)
{
	struct answer_metrics m = distinct_metrics();
	struct label_result none = { .n = 0 };
	struct route_opts o = opts(0.5, 0.99, 0.99);
	struct route_result r;
	char line[256];

	(void)state;
	route_decide_labels(&m, NULL, &o, &r);
	assert_int_equal(r.verdict, VERDICT_ACCEPT);
	assert_int_equal(r.rule, ROUTE_RULE_REACHED);
	assert_false(r.labelled);
	assert_true(isnan(r.margin) && isnan(r.label_mass));
	route_decide_labels(&m, &none, &o, &r);
	assert_int_equal(r.verdict, VERDICT_ACCEPT);
	assert_false(r.labelled);
	route_explain(&r, NULL, line, sizeof line);
	assert_string_equal(line, "first-token probability 0.91 ≥ τ 0.5 (distance +0.41)");
	route_decide(&m, STAT_MIN, 0.5, &r);
	assert_int_equal(r.rule, ROUTE_RULE_BELOW);
	assert_false(r.labelled);
	route_explain(&r, NULL, line, sizeof line);
	assert_string_equal(line, "minimum probability 0.14 < τ 0.5 (distance -0.36)");
}

static void rule_names_are_distinct(void **state)
{
	(void)state;
	assert_string_equal(route_rule_name(ROUTE_RULE_MARGIN), "margin");
	assert_string_equal(route_rule_name(ROUTE_RULE_SHARED), "shared");
	assert_string_equal(route_rule_name(ROUTE_RULE_COUNT), "unknown");
	for (int a = 0; a < ROUTE_RULE_COUNT; a++)
		for (int b = a + 1; b < ROUTE_RULE_COUNT; b++)
			assert_string_not_equal(route_rule_name((enum route_rule)a), route_rule_name((enum route_rule)b));
}

/* route_answer over real recordings: the email classifier's cascade case,
 * the ticket whose first token is shared, a grammar-forced label. */
static void recordings_get_the_verdict_their_numbers_call_for(void **state)
{
	static const struct {
		const char *cas, *labels;
		double tau;
		enum route_verdict v;
		enum route_rule rule;
	} cases[] = {
		{ "llamacpp-mailcls/mailcls-190K/b_work_spam_tie_email_stream", "work,personal,spam,other", 0.85,
		  VERDICT_ESCALATE, ROUTE_RULE_BELOW },
		{ "llamacpp-mailcls/mailcls-1M/b_work_spam_tie_email_stream", "work,personal,spam,other", 0.85,
		  VERDICT_ACCEPT, ROUTE_RULE_MARGIN_OK },
		{ "llamacpp-mailcls/mailcls-190K/a_seed_email_stream", "work,personal,spam,other", 0.85,
		  VERDICT_ACCEPT, ROUTE_RULE_MARGIN_OK },
		{ "llamacpp-mailcls/mailcls-1M/d_ticket_billing_stream",
		  "billing,bug report,feature request,account access", 0.85, VERDICT_CLARIFY, ROUTE_RULE_SHARED },
		{ "llamacpp-mailcls/mailcls-1M/d_ticket_mixed_stream",
		  "billing,bug report,feature request,account access", 0.7, VERDICT_ACCEPT, ROUTE_RULE_MARGIN_OK },
		{ "llamacpp-mailcls/mailcls-190K/d_ticket_mixed_stream",
		  "billing,bug report,feature request,account access", 0.5, VERDICT_CLARIFY, ROUTE_RULE_MARGIN },
		{ "llamacpp-stories260k/a_email_work_grammar_stream", "work,personal,spam,other", 0.0,
		  VERDICT_CLARIFY, ROUTE_RULE_LABEL_MASS },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char dir[512];
		struct doc *d = doc_new();
		struct label_set ls;
		struct label_result lr;
		struct answer_metrics m;
		struct route_result r;
		struct route_opts o = opts(cases[i].tau, ROUTE_DEFAULT_MARGIN, ROUTE_DEFAULT_MIN_LABEL_MASS);
		struct ts_err err;

		snprintf(dir, sizeof dir, "tests/fixtures/%s", cases[i].cas);
		assert_int_equal(replay_dir(d, dir, NULL, NULL, &err), TS_OK);
		assert_int_equal(labels_parse(&ls, cases[i].labels, &err), TS_OK);
		assert_int_equal(route_answer(d, &ls, &o, &m, &lr, &r), TS_OK);
		if (r.verdict != cases[i].v || r.rule != cases[i].rule)
			fail_msg("%s: %s by %s, expected %s by %s", cases[i].cas, route_verdict_name(r.verdict),
				 route_rule_name(r.rule), route_verdict_name(cases[i].v), route_rule_name(cases[i].rule));
		assert_true(r.value == m.first_p);
		assert_true(r.label_mass == lr.on_labels);
		doc_free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_stat_reads_its_own_field),
		cmocka_unit_test(value_equal_to_threshold_accepts),
		cmocka_unit_test(value_just_below_threshold_escalates),
		cmocka_unit_test(distance_is_value_minus_threshold),
		cmocka_unit_test(nan_value_escalates),
		cmocka_unit_test(every_stat_name_round_trips),
		cmocka_unit_test(stat_names_parse_case_insensitively),
		cmocka_unit_test(unknown_stat_names_are_rejected),
		cmocka_unit_test(verdict_names),
		cmocka_unit_test(defaults_are_documented_values),
		cmocka_unit_test(all_at_their_boundaries_accepts),
		cmocka_unit_test(statistic_below_threshold_escalates_whatever_the_labels),
		cmocka_unit_test(margin_just_below_mu_clarifies),
		cmocka_unit_test(label_mass_just_below_minimum_clarifies_first),
		cmocka_unit_test(shared_top_entry_clarifies_even_with_a_wide_margin),
		cmocka_unit_test(without_labels_the_verdict_stays_two_way),
		cmocka_unit_test(rule_names_are_distinct),
		cmocka_unit_test(recordings_get_the_verdict_their_numbers_call_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
