/* Comparing two answers: alignment by byte offset up to the first
 * difference, the divergence point with each side's probability for the
 * other's token, and the largest probability differences; on made-up
 * answers and on the weak and strong mailcls classifiers' recordings. */
#include "tests/unit/testutil.h"

#include <math.h>

#include "src/compare.h"
#include "src/doc.h"
#include "src/replay.h"

#define assert_near(a, b, eps) near_at((a), (b), (eps), __FILE__, __LINE__)
static void near_at(double a, double b, double eps, const char *file, int line)
{
	if (fabs(a - b) <= eps)
		return;
	print_error("%.17g is not within %g of %.17g\n", a, eps, b);
	_fail(file, line);
}

struct tok {
	const char *text;
	double p;            /* 0: the sentinel -9999 */
	const char *alt;     /* one alternative besides the token itself, or NULL */
	double alt_p;
};

static struct doc *make(const struct tok *t, size_t n)
{
	struct doc *d = doc_new();
	struct ts_err err;

	assert_non_null(d);
	for (size_t i = 0; i < n; i++) {
		struct doc_alt_in alts[2] = {
			{ .bytes = (const uint8_t *)t[i].text, .len = strlen(t[i].text),
			  .logprob = t[i].p > 0 ? log(t[i].p) : -9999.0, .id = -1 },
			{ .bytes = (const uint8_t *)(t[i].alt ? t[i].alt : ""), .len = t[i].alt ? strlen(t[i].alt) : 0,
			  .logprob = log(t[i].alt_p > 0 ? t[i].alt_p : 1e-9), .id = -1 },
		};

		assert_int_equal(doc_append(d, &(struct doc_token_in){
			.bytes = (const uint8_t *)t[i].text, .len = strlen(t[i].text),
			.logprob = t[i].p > 0 ? log(t[i].p) : -9999.0, .id = -1, .t_ms = -1,
			.alts = alts, .nalt = t[i].alt ? 2 : 1 }, &err), TS_OK);
	}
	return d;
}

static struct doc *replay(const char *cas)
{
	char dir[512];
	struct doc *d = doc_new();
	struct ts_err err;

	snprintf(dir, sizeof dir, "tests/fixtures/llamacpp-mailcls/%s", cas);
	assert_int_equal(replay_dir(d, dir, NULL, NULL, &err), TS_OK);
	return d;
}

static void a_one_word_change_diverges_where_the_word_starts(void **state)
{
	static const struct tok ta[] = {
		{ "The", 0.9, NULL, 0 }, { " cat", 0.5, NULL, 0 }, { " sat", 0.6, " ran", 0.3 }, { ".", 0.99, NULL, 0 },
	};
	static const struct tok tb[] = {
		{ "The", 0.8, NULL, 0 }, { " cat", 0.9, NULL, 0 }, { " ran", 0.7, " sat", 0.2 }, { ".", 0.99, NULL, 0 },
	};
	struct doc *a = make(ta, 4), *b = make(tb, 4);
	struct compare_result r;
	struct ts_err err;

	(void)state;
	assert_int_equal(compare_docs(a, b, 10, &r, &err), TS_OK);
	assert_false(r.identical);
	assert_int_equal(r.common, 8);                 /* "The cat " */
	assert_int_equal(r.div_a, 2);
	assert_int_equal(r.div_b, 2);
	assert_near(r.div_pa, 0.6, 1e-12);
	assert_near(r.div_pb, 0.7, 1e-12);
	assert_near(r.div_pa_of_b, 0.3, 1e-7);         /* alternatives are floats */
	assert_near(r.div_pb_of_a, 0.2, 1e-7);
	assert_int_equal(r.npairs, 2);                 /* "." is past the divergence */
	assert_int_equal(r.first_mismatch_a, 2);
	assert_int_equal(r.first_mismatch_b, 2);
	assert_int_equal(r.ntop, 2);
	assert_int_equal(r.top[0].a, 1);               /* " cat": 0.5 → 0.9 */
	assert_near(r.top[0].diff, 0.4, 1e-12);
	assert_int_equal(r.top[1].a, 0);
	assert_near(r.top[1].diff, -0.1, 1e-12);
	assert_near(r.max_abs_diff, 0.4, 1e-12);
	assert_near(r.mean_abs_diff, 0.25, 1e-12);
	compare_fini(&r);
	doc_free(a);
	doc_free(b);
}

static void same_text_split_differently_is_identical_but_not_all_aligned(void **state)
{
	static const struct tok ta[] = { { "wor", 0.5, NULL, 0 }, { "k", 0.9, NULL, 0 }, { " now", 0.4, NULL, 0 } };
	static const struct tok tb[] = { { "work", 0.7, NULL, 0 }, { " now", 0.6, NULL, 0 } };
	struct doc *a = make(ta, 3), *b = make(tb, 2);
	struct compare_result r;
	struct ts_err err;

	(void)state;
	assert_int_equal(compare_docs(a, b, 10, &r, &err), TS_OK);
	assert_true(r.identical);
	assert_int_equal(r.common, 8);
	assert_int_equal(r.div_a, 3);                  /* no divergence: both ended */
	assert_int_equal(r.div_b, 2);
	assert_true(isnan(r.div_pa) && isnan(r.div_pb) && isnan(r.div_pa_of_b));
	assert_int_equal(r.npairs, 1);
	assert_int_equal(r.pairs[0].a, 2);
	assert_int_equal(r.pairs[0].b, 1);
	assert_near(r.pairs[0].diff, 0.2, 1e-12);
	assert_int_equal(r.first_mismatch_a, 0);       /* "wor" vs "work" */
	assert_int_equal(r.first_mismatch_b, 0);
	compare_fini(&r);
	doc_free(a);
	doc_free(b);
}

static void an_answer_that_is_a_prefix_of_the_other_ends_at_the_divergence(void **state)
{
	static const struct tok ta[] = { { "yes", 0.5, NULL, 0 } };
	static const struct tok tb[] = { { "yes", 0.5, NULL, 0 }, { " sir", 0.3, NULL, 0 }, { "", 0.9, NULL, 0 } };
	struct doc *a = make(ta, 1), *b = make(tb, 3);
	struct compare_result r;
	struct ts_err err;

	(void)state;
	assert_int_equal(compare_docs(a, b, 10, &r, &err), TS_OK);
	assert_false(r.identical);
	assert_int_equal(r.common, 3);
	assert_int_equal(r.div_a, 1);                  /* A's count: it ended */
	assert_int_equal(r.div_b, 1);
	assert_true(isnan(r.div_pa));
	assert_near(r.div_pb, 0.3, 1e-12);
	assert_int_equal(r.npairs, 1);
	assert_true(r.pairs[0].diff == 0.0);
	assert_int_equal(r.first_mismatch_a, 1);
	assert_int_equal(r.first_mismatch_b, 1);
	compare_fini(&r);
	doc_free(a);
	doc_free(b);
}

static void sentinels_count_as_zero_and_empty_answers_compare(void **state)
{
	static const struct tok ta[] = { { "a", 0, NULL, 0 }, { "b", 0.5, NULL, 0 } };
	static const struct tok tb[] = { { "a", 0.25, NULL, 0 }, { "b", 0.5, NULL, 0 } };
	struct doc *a = make(ta, 2), *b = make(tb, 2), *e1 = doc_new(), *e2 = doc_new();
	struct compare_result r;
	struct ts_err err;

	(void)state;
	assert_int_equal(compare_docs(a, b, 1, &r, &err), TS_OK);
	assert_int_equal(r.npairs, 2);
	assert_true(r.pairs[0].pa == 0.0);
	assert_near(r.pairs[0].diff, 0.25, 1e-12);
	assert_int_equal(r.ntop, 1);
	assert_int_equal(r.top[0].a, 0);
	compare_fini(&r);
	assert_int_equal(compare_docs(e1, e2, 10, &r, &err), TS_OK);
	assert_true(r.identical);
	assert_int_equal(r.npairs, 0);
	assert_true(isnan(r.max_abs_diff));
	compare_fini(&r);
	compare_fini(NULL);
	doc_free(a);
	doc_free(b);
	doc_free(e1);
	doc_free(e2);
}

static void token_at_finds_the_token_holding_a_byte(void **state)
{
	static const struct tok t[] = { { "ab", 0.5, NULL, 0 }, { "", 0.5, NULL, 0 }, { "c", 0.5, NULL, 0 },
					{ "de", 0.5, NULL, 0 }, { "", 0.5, NULL, 0 } };
	struct doc *d = make(t, 5);

	(void)state;
	assert_int_equal(compare_token_at(d, 0), 0);
	assert_int_equal(compare_token_at(d, 1), 0);
	assert_int_equal(compare_token_at(d, 2), 2);   /* not the empty token before it */
	assert_int_equal(compare_token_at(d, 3), 3);
	assert_int_equal(compare_token_at(d, 4), 3);
	assert_int_equal(compare_token_at(d, 5), 5);
	assert_int_equal(compare_token_at(d, 99), 5);
	doc_free(d);
}

/* The tie email: the weak model wrote "spam" (s 0.603, w 0.375), the strong
 * one "work" (w 0.988, s 0.0012). They part at the first byte. */
static void weak_and_strong_classifiers_diverge_at_the_first_token(void **state)
{
	struct doc *a = replay("mailcls-190K/b_work_spam_tie_email_stream");
	struct doc *b = replay("mailcls-1M/b_work_spam_tie_email_stream");
	struct compare_result r;
	struct ts_err err;

	(void)state;
	assert_int_equal(compare_docs(a, b, 10, &r, &err), TS_OK);
	assert_false(r.identical);
	assert_int_equal(r.common, 0);
	assert_int_equal(r.div_a, 0);
	assert_int_equal(r.div_b, 0);
	assert_near(r.div_pa, exp(-0.5054810643196106), 1e-15);
	assert_near(r.div_pb, exp(-0.012415632605552673), 1e-15);
	assert_near(r.div_pa_of_b, exp((double)(float)-0.9818146228790283), 1e-15);
	assert_near(r.div_pb_of_a, exp((double)(float)-6.701452255249023), 1e-15);
	assert_int_equal(r.npairs, 0);
	assert_int_equal(r.ntop, 0);
	assert_int_equal(r.first_mismatch_a, 0);
	compare_fini(&r);
	doc_free(a);
	doc_free(b);
}

/* The mixed ticket: both write "account access" in the same 11 tokens;
 * the first token differs most (0.5245 → 0.7673), the last "s" next. */
static void same_answer_ranks_where_confidence_changed_most(void **state)
{
	static const double la[] = { -0.6453725695610046, -0.0005720701883547008, -0.00047265729517675936,
		-0.0014247309882193804, -0.00028477192972786725, -0.0007259499980136752, -0.0008412560564465821,
		-0.0008067165617831051, -0.0013500620843842626, -0.0071786800399422646, -5.221503306529485e-05 };
	static const double lb[] = { -0.26481589674949646, -0.00016213777416851372, -0.00015069189248606563,
		-0.00018830879707820714, -5.1976599934278056e-05, -0.00017817415937315673, -0.00015093035472091287,
		-0.00016213777416851372, -0.0002788097772281617, -0.0003823773004114628, -4.541977250482887e-05 };
	struct doc *a = replay("mailcls-190K/d_ticket_mixed_stream");
	struct doc *b = replay("mailcls-1M/d_ticket_mixed_stream");
	struct compare_result r;
	struct ts_err err;
	double sum = 0;

	(void)state;
	assert_int_equal(compare_docs(a, b, 3, &r, &err), TS_OK);
	assert_true(r.identical);
	assert_int_equal(r.npairs, 11);
	assert_int_equal(r.first_mismatch_a, 11);
	for (size_t i = 0; i < 11; i++) {
		assert_int_equal(r.pairs[i].a, i);
		assert_int_equal(r.pairs[i].b, i);
		assert_near(r.pairs[i].pa, exp(la[i]), 1e-15);
		assert_near(r.pairs[i].pb, exp(lb[i]), 1e-15);
		sum += fabs(exp(lb[i]) - exp(la[i]));
	}
	assert_int_equal(r.ntop, 3);
	assert_int_equal(r.top[0].a, 0);
	assert_near(r.top[0].diff, exp(lb[0]) - exp(la[0]), 1e-15);
	assert_int_equal(r.top[1].a, 9);
	assert_int_equal(r.top[2].a, 3);               /* "ou" */
	assert_near(r.mean_abs_diff, sum / 11, 1e-15);
	compare_fini(&r);
	doc_free(a);
	doc_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_one_word_change_diverges_where_the_word_starts),
		cmocka_unit_test(same_text_split_differently_is_identical_but_not_all_aligned),
		cmocka_unit_test(an_answer_that_is_a_prefix_of_the_other_ends_at_the_divergence),
		cmocka_unit_test(sentinels_count_as_zero_and_empty_answers_compare),
		cmocka_unit_test(token_at_finds_the_token_holding_a_byte),
		cmocka_unit_test(weak_and_strong_classifiers_diverge_at_the_first_token),
		cmocka_unit_test(same_answer_ranks_where_confidence_changed_most),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
