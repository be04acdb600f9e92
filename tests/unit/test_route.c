/* The routing verdict: the statistic table, parsing of --stat names and
 * the accept/escalate boundary. */
#include "tests/unit/testutil.h"

#include <math.h>

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
