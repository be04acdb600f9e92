/* The confidence maths of metrics.h, checked against values computed by
 * hand (each expected number carries its computation), and against a real
 * recording read independently with cJSON.
 *
 * Alternatives are stored as float logprobs, so values built from them
 * (margin, coverage, entropy bounds) are compared within ALT_EPS; values
 * built only from token logprobs (doubles) within 1e-12. */
#include "tests/unit/testutil.h"

#include <cJSON.h>
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>

#include "src/doc.h"
#include "src/metrics.h"
#include "src/replay.h"
#include "src/route.h"

#define EPS 1e-12
#define ALT_EPS 1e-6
#define V METRICS_VOCAB

/* cmocka 1.1 has no assert_double_equal: |a − b| ≤ eps, NaN never near. */
#define assert_near(a, b, eps) near_at((a), (b), (eps), __FILE__, __LINE__)
static void near_at(double a, double b, double eps, const char *file, int line)
{
	if (fabs(a - b) <= eps)
		return;
	print_error("%.17g is not within %g of %.17g\n", a, eps, b);
	_fail(file, line);
}

struct alt_spec {
	const char *s;
	double lp;
};

static void append_tok(struct doc *d, const char *s, double lp, const struct alt_spec *alts,
		       size_t nalt)
{
	struct doc_alt_in in_alts[8];
	struct doc_token_in in = {
		.bytes = (const uint8_t *)s, .len = strlen(s), .logprob = lp,
		.id = -1, .t_ms = -1.0, .alts = in_alts, .nalt = nalt,
	};
	struct ts_err err = { 0 };

	assert_true(nalt <= 8);
	for (size_t j = 0; j < nalt; j++)
		in_alts[j] = (struct doc_alt_in){
			.bytes = (const uint8_t *)alts[j].s, .len = strlen(alts[j].s),
			.logprob = alts[j].lp, .id = -1,
		};
	assert_int_equal(doc_append(d, &in, &err), TS_OK);
}

/* Token A: chosen "a" leads, p = 0.5, alternatives 0.5, 0.25, 0.125. */
static const struct alt_spec alts_a[] = { { "a", -0.69314718055994531 },
					  { "b", -1.3862943611198906 },
					  { "c", -2.0794415416798357 } };
/* Token B: chosen "b" second, p = 0.25, alternatives 0.5, 0.25, 0.25. */
static const struct alt_spec alts_b[] = { { "a", -0.69314718055994531 },
					  { "b", -1.3862943611198906 },
					  { "c", -1.3862943611198906 } };
/* Token C: chosen "c", p = 1, the only alternative, p = 1. */
static const struct alt_spec alts_c[] = { { "c", 0.0 } };

/* The three-token answer: p = 0.5, 0.25, 1.0. */
static struct doc *answer3(void)
{
	struct doc *d = doc_new();

	assert_non_null(d);
	append_tok(d, "a", log(0.5), alts_a, 3);
	append_tok(d, "b", log(0.25), alts_b, 3);
	append_tok(d, "c", log(1.0), alts_c, 1);
	return d;
}

static void opts_default_are_tenth_quantile_and_half_threshold(void **state)
{
	struct metrics_opts o = { .quantile = -1, .tok_threshold = -1 };

	(void)state;
	metrics_opts_default(&o);
	assert_true(o.quantile == 0.10);
	assert_true(o.tok_threshold == 0.5);
}

static void leading_token_with_residual(void **state)
{
	struct doc *d = answer3();
	struct tok_metrics m;

	(void)state;
	metrics_token(d, 0, &m);
	assert_near(m.p, 0.5, EPS);                 /* exp(ln 0.5) */
	assert_int_equal(m.rank, 1);                        /* "a" is alternative 0 */
	assert_near(m.margin, 0.25, ALT_EPS);       /* 0.5 − max(0.25, 0.125) */
	assert_near(m.coverage, 0.875, ALT_EPS);    /* 0.5 + 0.25 + 0.125 */
	assert_near(m.residual, 0.125, ALT_EPS);    /* 1 − 0.875 */
	/* K = {0.5, 0.25, 0.125}: H_K = 0.5·ln2 + 0.25·2ln2 + 0.125·3ln2 = 1.375 ln2;
	 * r = 0.125, q_min = 0.125: h_lo = 1.375 ln2 + 0.125·3 ln2 = 1.75 ln2 ≈ 1.21301 */
	assert_near(m.h_lo, 1.75 * M_LN2, ALT_EPS);
	/* h_hi = 1.375 ln2 + 0.125·ln((262144 − 3)/0.125) = 0.953077 + 0.125·14.556079 ≈ 2.772587 */
	assert_near(m.h_hi, 1.375 * M_LN2 + 0.125 * log((V - 3) / 0.125), ALT_EPS);
	assert_near(m.h_hi, 2.772587, 1e-6);
	assert_false(m.clamped);
	doc_free(d);
}

static void passed_over_token_has_negative_margin(void **state)
{
	struct doc *d = answer3();
	struct tok_metrics m;

	(void)state;
	metrics_token(d, 1, &m);
	assert_near(m.p, 0.25, EPS);
	assert_int_equal(m.rank, 2);
	/* the best other alternative is "a" at 0.5 (the other 0.25 is "c"):
	 * 0.25 − 0.5 = −0.25 */
	assert_near(m.margin, -0.25, ALT_EPS);
	assert_near(m.coverage, 1.0, ALT_EPS);      /* 0.5 + 0.25 + 0.25 */
	assert_near(m.residual, 0.0, ALT_EPS);
	/* r = 0: h_lo = h_hi = H_K = 0.5 ln2 + 2·(0.25·2 ln2) = 1.5 ln2 ≈ 1.03972 */
	assert_near(m.h_lo, 1.5 * M_LN2, ALT_EPS);
	assert_near(m.h_hi, 1.5 * M_LN2, ALT_EPS);
	doc_free(d);
}

static void certain_token_without_residual(void **state)
{
	struct doc *d = answer3();
	struct tok_metrics m;

	(void)state;
	metrics_token(d, 2, &m);
	/* logprob 0 is exact in float and double: every value is exact */
	assert_true(m.p == 1.0);
	assert_int_equal(m.rank, 1);
	assert_true(m.margin == 1.0);      /* no other alternative: margin = p */
	assert_true(m.coverage == 1.0);
	assert_true(m.residual == 0.0);
	assert_true(m.h_lo == 0.0);        /* −1·ln 1 = 0, r = 0 */
	assert_true(m.h_hi == 0.0);
	doc_free(d);
}

static void chosen_outside_top_k_joins_known_set(void **state)
{
	struct doc *d = doc_new();
	struct alt_spec alts[2] = { { "x", log(0.6) }, { "y", log(0.2) } };
	struct tok_metrics m;
	double hk;

	(void)state;
	assert_non_null(d);
	append_tok(d, "z", log(0.1), alts, 2);
	metrics_token(d, 0, &m);
	assert_near(m.p, 0.1, EPS);
	assert_int_equal(m.rank, 0);
	assert_near(m.margin, -0.5, ALT_EPS);       /* 0.1 − 0.6 */
	assert_near(m.coverage, 0.8, ALT_EPS);      /* 0.6 + 0.2: the chosen is not shown */
	assert_near(m.residual, 0.2, ALT_EPS);
	/* K = {0.6, 0.2, 0.1}, Σ_K = 0.9, r = 0.1, q_c = 0.2 (the smallest
	 * alternative; the chosen 0.1 is outside the top k and does not cap):
	 * H_K = −(0.6 ln0.6 + 0.2 ln0.2 + 0.1 ln0.1)
	 *     = 0.30649537 + 0.32188758 + 0.23025851 = 0.85864146 */
	hk = -(0.6 * log(0.6) + 0.2 * log(0.2) + 0.1 * log(0.1));
	assert_near(hk, 0.85864146, 1e-8);
	/* h_lo = 0.85864146 + 0.1·ln5 = 0.85864146 + 0.16094379 = 1.01958525 */
	assert_near(m.h_lo, 1.01958525, 1e-6);
	/* h_hi = H_K + 0.1·ln((262144 − 3)/0.1) = 0.858641 + 0.1·14.779223 ≈ 2.336564 */
	assert_near(m.h_hi, hk + 0.1 * log((V - 3) / 0.1), ALT_EPS);
	assert_near(m.h_hi, 2.336564, 1e-6);
	doc_free(d);
}

static void token_without_alternatives(void **state)
{
	struct doc *d = doc_new();
	struct tok_metrics m;

	(void)state;
	assert_non_null(d);
	append_tok(d, "w", log(0.8), NULL, 0);
	metrics_token(d, 0, &m);
	assert_near(m.p, 0.8, EPS);
	assert_int_equal(m.rank, 0);
	assert_near(m.margin, 0.8, EPS);    /* no other alternative: margin = p */
	assert_true(m.coverage == 0.0);
	assert_true(m.residual == 1.0);
	/* K = {0.8}, r = 0.2, no alternatives: q_c = r = 0.2 (no unseen token
	 * holds more than the unseen mass):
	 * h_lo = −0.8 ln0.8 − 0.2 ln0.2 = 0.17851484 + 0.32188758 = 0.50040242 */
	assert_near(m.h_lo, 0.50040242, 1e-8);
	/* h_hi = −0.8 ln0.8 + 0.2·ln((262144 − 1)/0.2) = 0.178515 + 0.2·14.086083 ≈ 2.995732 */
	assert_near(m.h_hi, -0.8 * log(0.8) + 0.2 * log((V - 1) / 0.2), EPS);
	assert_near(m.h_hi, 2.995732, 1e-6);
	doc_free(d);
}

/* llama.cpp before December 2024 (doc-llamacpp-completion-old-*): the
 * third token " is" was sampled outside the top 2 (" was" 0.6, " are"
 * 0.3), so its p is taken as 0 and stored at the floor. Taking its e^−100
 * as the cap on unseen tokens gave h_lo = H_K + 0.1·100 = 10.67 > h_hi. */
static void old_llamacpp_token_outside_top_k_keeps_lo_below_hi(void **state)
{
	struct doc *d = doc_new();
	struct alt_spec alts[2] = { { " was", log(0.6) }, { " are", log(0.3) } };
	struct tok_metrics m;
	struct ts_err err;

	(void)state;
	assert_non_null(d);
	append_tok(d, " is", -INFINITY, alts, 2);
	metrics_token(d, 0, &m);
	assert_int_equal(m.rank, 0);
	assert_true(m.clamped);
	/* K = {0.6, 0.3, e^−100}: H_K = −0.6 ln0.6 − 0.3 ln0.3 + e^−100·100
	 *   = 0.30649537 + 0.36119184 + 3.7e−42 = 0.66768722; r = 0.1, q_c = 0.3:
	 * h_lo = 0.66768722 + 0.1·(−ln0.3) = 0.66768722 + 0.12039728 = 0.78808450 */
	assert_near(m.h_lo, 0.78808450, 1e-6);
	/* h_hi = 0.66768722 + 0.1·ln((262144 − 3)/0.1) = 0.66768722 + 1.47792229 = 2.14560951 */
	assert_near(m.h_hi, 2.14560951, 1e-6);
	assert_true(m.h_lo <= m.h_hi);
	/* the same numbers from the fixture, through the dialect */
	ts_err_clear(&err);
	assert_int_equal(replay_dir(d, "tests/fixtures/doc-shapes/doc-llamacpp-completion-old-nonstream",
				    NULL, NULL, &err), TS_OK);
	assert_int_equal(doc_count(d), 3);
	metrics_token(d, 2, &m);
	assert_int_equal(m.rank, 0);
	assert_near(m.h_lo, 0.78808450, 1e-6);
	assert_near(m.h_hi, 2.14560951, 1e-6);
	doc_free(d);
}

/* An alternative at the floor (a sentinel) with mass left over: no set of
 * V − |K| tokens each at most e^−100 can hold r = 0.5, the numbers
 * contradict V, and h_lo is capped at h_hi instead of passing it. */
static void alternative_at_the_floor_caps_lo_at_hi(void **state)
{
	struct doc *d = doc_new();
	struct alt_spec alts[2] = { { "a", log(0.5) }, { "b", -9999.0 } };
	struct tok_metrics m;

	(void)state;
	assert_non_null(d);
	append_tok(d, "a", log(0.5), alts, 2);
	metrics_token(d, 0, &m);
	/* H_K = −0.5 ln0.5 + e^−100·100 = 0.34657359, r = 0.5:
	 * −ln q_c = 100 > ln((262144 − 2)/0.5) = 13.16979; both are
	 * 0.34657359 + 0.5·13.16979 = 6.93146799 */
	assert_near(m.h_hi, 6.93146799, 1e-6);
	assert_true(m.h_lo == m.h_hi);
	doc_free(d);
}

/* Every case directory under dir (one holding a response), depth ≤ 3. */
static void each_recording(const char *dir, int depth, void (*fn)(const char *path, void *ctx), void *ctx)
{
	char path[1024];
	DIR *dh = opendir(dir);
	struct dirent *de;
	struct stat st;

	assert_non_null(dh);
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		snprintf(path, sizeof path, "%s/%s/response", dir, de->d_name);
		if (stat(path, &st) == 0) {
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			fn(path, ctx);
		} else if (depth > 1) {
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			each_recording(path, depth - 1, fn, ctx);
		}
	}
	closedir(dh);
}

struct bounds_count {
	size_t cases, tokens, outside_top_k;
};

static void bounds_of_recording(const char *path, void *ctx)
{
	struct bounds_count *c = ctx;
	struct doc *d = doc_new();
	struct tok_metrics m;
	struct ts_err err;

	assert_non_null(d);
	ts_err_clear(&err);
	replay_dir(d, path, NULL, NULL, &err);   /* refusals and errors: no tokens */
	for (size_t i = 0; i < doc_count(d); i++) {
		metrics_token(d, i, &m);
		if (!(m.h_lo <= m.h_hi) || !(m.h_lo >= 0))
			fail_msg("%s token %zu: h_lo %.17g, h_hi %.17g", path, i, m.h_lo, m.h_hi);
		c->outside_top_k += m.rank == 0;
	}
	c->tokens += doc_count(d);
	c->cases++;
	doc_free(d);
}

static void every_recorded_token_has_lo_at_most_hi(void **state)
{
	struct bounds_count c = { 0 };

	(void)state;
	each_recording("tests/fixtures", 3, bounds_of_recording, &c);
	assert_true(c.cases >= 100);
	assert_true(c.tokens > 1500);
	assert_true(c.outside_top_k > 0);
}

static void leading_token_outside_top_k_has_positive_margin(void **state)
{
	struct doc *d = doc_new();
	struct alt_spec alts[2] = { { "x", log(0.3) }, { "y", log(0.1) } };
	struct tok_metrics m;

	(void)state;
	assert_non_null(d);
	append_tok(d, "z", log(0.4), alts, 2);   /* post-sampling shapes can do this */
	metrics_token(d, 0, &m);
	assert_int_equal(m.rank, 0);
	assert_near(m.margin, 0.1, ALT_EPS);    /* 0.4 − 0.3 */
	doc_free(d);
}

static void answer_statistics_of_three_tokens(void **state)
{
	struct doc *d = answer3();
	struct metrics_opts o;
	struct answer_metrics m;

	(void)state;
	metrics_opts_default(&o);
	assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.n_clamped, 0);
	assert_near(m.sum_logprob, -3 * M_LN2, EPS);   /* ln0.5 + ln0.25 + 0 = −3 ln2 */
	assert_near(m.mean_logprob, -M_LN2, EPS);      /* −3 ln2 / 3 */
	assert_near(m.geo_mean_p, 0.5, EPS);           /* e^−ln2 = (0.5·0.25·1)^(1/3) */
	assert_near(m.perplexity, 2.0, EPS);           /* e^ln2 */
	assert_near(m.mean_p, 1.75 / 3, EPS);          /* (0.5 + 0.25 + 1)/3 ≈ 0.58333 */
	assert_near(m.min_p, 0.25, EPS);
	assert_int_equal(m.min_index, 1);
	assert_true(m.quantile == 0.10);
	/* sorted 0.25, 0.5, 1; h = 2·0.1 = 0.2: 0.25 + 0.2·(0.5 − 0.25) = 0.30 */
	assert_near(m.quantile_p, 0.30, EPS);
	assert_near(m.first_p, 0.5, EPS);
	assert_true(m.tok_threshold == 0.5);
	/* mean h_lo = (1.75 ln2 + 1.5 ln2 + 0)/3 = 3.25 ln2 / 3 ≈ 0.75093 */
	assert_near(m.mean_h_lo, 3.25 * M_LN2 / 3, ALT_EPS);
	/* mean h_hi = (1.375 ln2 + 0.125 ln((V−3)/0.125) + 1.5 ln2 + 0)/3
	 *           = (2.772587 + 1.039721)/3 ≈ 1.270769 */
	assert_near(m.mean_h_hi, (2.875 * M_LN2 + 0.125 * log((V - 3) / 0.125)) / 3,
			    ALT_EPS);
	assert_near(m.mean_h_hi, 1.270769, 1e-6);
	doc_free(d);
}

static void quantile_interpolates_between_order_statistics(void **state)
{
	struct doc *d = answer3();
	struct metrics_opts o = { .tok_threshold = 0.5 };
	struct answer_metrics m;

	(void)state;
	o.quantile = 0.5;    /* h = 2·0.5 = 1: s_1 = 0.5 */
	assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
	assert_near(m.quantile_p, 0.5, EPS);
	assert_true(m.quantile == 0.5);
	o.quantile = 0.75;   /* h = 1.5: 0.5 + 0.5·(1 − 0.5) = 0.75 */
	assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
	assert_near(m.quantile_p, 0.75, EPS);
	o.quantile = 0.0;    /* h = 0: s_0 = 0.25 */
	assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
	assert_near(m.quantile_p, 0.25, EPS);
	o.quantile = 1.0;    /* h = 2: s_2 = 1 */
	assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
	assert_near(m.quantile_p, 1.0, EPS);
	doc_free(d);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Logprob of token i of n under one of four orders of probabilities. */
static double sample_logprob(int shape, size_t i, size_t n, uint32_t *seed)
{
	switch (shape) {
	case 0:   /* one in three certain, the rest on a coarse grid of 50 values */
		return tu_rand(seed) % 3 == 0 ? 0.0 : -(double)(tu_rand(seed) % 50) / 7.0;
	case 1:   /* nearly all distinct */
		return -(double)(tu_rand(seed) % 1000000) / 100000.0;
	case 2:   /* ascending p */
		return -(double)(n - i) / (double)n;
	default:  /* descending p */
		return -(double)i / (double)n;
	}
}

/* Many equal values, distinct values, already sorted either way: the
 * selection must agree with a full sort for every q. */
static void quantile_matches_sorted_reference_on_random_answers(void **state)
{
	static const double qs[] = { 0.0, 0.001, 0.1, 0.25, 0.5, 0.9, 0.999, 1.0 };
	size_t n = tu_quick() ? 1001 : 20011;
	double *ref = malloc(n * sizeof *ref);
	uint32_t seed = 12345;

	(void)state;
	assert_non_null(ref);
	for (int shape = 0; shape < 4; shape++) {
		struct doc *d = doc_new();

		assert_non_null(d);
		for (size_t i = 0; i < n; i++) {
			double lp = sample_logprob(shape, i, n, &seed);

			append_tok(d, "t", lp, NULL, 0);
			ref[i] = exp(lp);
		}
		qsort(ref, n, sizeof *ref, cmp_d);
		for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
			struct metrics_opts o = { .quantile = qs[k], .tok_threshold = 0.5 };
			struct answer_metrics m;
			double h = (double)(n - 1) * qs[k];
			size_t lo = (size_t)floor(h);
			double want = lo + 1 < n ? ref[lo] + (h - (double)lo) * (ref[lo + 1] - ref[lo])
						 : ref[lo];

			assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
			assert_near(m.quantile_p, want, EPS);
			assert_near(m.min_p, ref[0], EPS);
		}
		doc_free(d);
	}
	free(ref);
}

static void probability_equal_to_threshold_is_not_below(void **state)
{
	struct doc *d = answer3();
	struct metrics_opts o = { .quantile = 0.1 };
	struct answer_metrics m;

	(void)state;
	/* p_0 is computed as exp(ln 0.5): a threshold of exactly that value */
	o.tok_threshold = exp(log(0.5));
	assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
	assert_int_equal(m.n_below, 1);                     /* only 0.25 */
	assert_near(m.share_below, 1.0 / 3, EPS);
	o.tok_threshold = nextafter(exp(log(0.5)), 1.0);    /* now 0.5 is below too */
	assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
	assert_int_equal(m.n_below, 2);
	assert_near(m.share_below, 2.0 / 3, EPS);
	o.tok_threshold = 1.0;                              /* p = 1 exactly is not below 1 */
	assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
	assert_int_equal(m.n_below, 2);
	o.tok_threshold = 0.25 * 0.999;                     /* nothing below */
	assert_int_equal(metrics_answer(d, &o, &m), TS_OK);
	assert_int_equal(m.n_below, 0);
	assert_true(m.share_below == 0.0);
	doc_free(d);
}

static void min_index_is_the_first_smallest(void **state)
{
	struct doc *d = doc_new();
	struct answer_metrics m;

	(void)state;
	assert_non_null(d);
	append_tok(d, "a", log(0.9), NULL, 0);
	append_tok(d, "b", log(0.2), NULL, 0);
	append_tok(d, "c", log(0.7), NULL, 0);
	append_tok(d, "d", log(0.2), NULL, 0);
	assert_int_equal(metrics_answer(d, NULL, &m), TS_OK);
	assert_near(m.min_p, 0.2, EPS);
	assert_int_equal(m.min_index, 1);
	assert_near(m.first_p, 0.9, EPS);
	doc_free(d);
}

static void sentinels_are_clamped_to_the_floor(void **state)
{
	struct doc *d = doc_new();
	struct alt_spec alts[2] = { { "a", log(0.5) }, { "q", -9999.0 } };
	struct answer_metrics m;
	struct tok_metrics t;

	(void)state;
	assert_non_null(d);
	append_tok(d, "a", log(0.5), alts, 2);
	append_tok(d, "x", -9999.0, NULL, 0);                 /* OpenAI's outside-top-20 */
	append_tok(d, "y", -3.4028234663852886e+38, NULL, 0); /* llama.cpp's p = 0 */
	assert_true(doc_token(d, 1)->flags & DOC_TOK_CLAMPED);
	assert_true(doc_token(d, 2)->flags & DOC_TOK_CLAMPED);
	assert_false(doc_token(d, 0)->flags & DOC_TOK_CLAMPED);
	metrics_token(d, 1, &t);
	assert_true(t.clamped);
	assert_true(t.logprob == DOC_LOGPROB_FLOOR);
	assert_near(t.p, exp(-100.0), 1e-50);        /* ≈ 3.72e-44 */
	/* K = {e^−100}, r = 1 − e^−100 = 1 in doubles, no alternatives: q_c = r,
	 * h_lo = e^−100·100 + 1·(−ln 1) ≈ 3.7e−42: one unseen token may hold all
	 * the mass (the floor is no cap: taking it gave h_lo = 100 > h_hi) */
	assert_near(t.h_lo, 0.0, 1e-40);
	/* h_hi = H_K + 1·ln(262144 − 1) = 12.476676 */
	assert_near(t.h_hi, log(V - 1), 1e-9);
	metrics_token(d, 2, &t);
	assert_true(t.clamped);
	assert_true(t.logprob == DOC_LOGPROB_FLOOR);
	metrics_token(d, 0, &t);
	assert_false(t.clamped);
	/* the clamped alternative counts e^−100 in the coverage: 0.5 + 3.7e-44 */
	assert_near(t.coverage, 0.5, ALT_EPS);
	assert_near(t.margin, 0.5, ALT_EPS);         /* 0.5 − e^−100 */
	assert_int_equal(metrics_answer(d, NULL, &m), TS_OK);
	assert_int_equal(m.n_clamped, 2);
	/* (ln0.5 − 100 − 100)/3 = −200.693147/3 = −66.897716, never with −9999 */
	assert_near(m.sum_logprob, log(0.5) - 200.0, EPS);
	assert_near(m.mean_logprob, -66.897716, 1e-6);
	assert_near(m.min_p, exp(-100.0), 1e-50);
	assert_int_equal(m.min_index, 1);
	doc_free(d);
}

static void non_finite_logprob_is_clamped(void **state)
{
	struct doc *d = doc_new();
	struct answer_metrics m;

	(void)state;
	assert_non_null(d);
	append_tok(d, "x", -INFINITY, NULL, 0);
	append_tok(d, "y", NAN, NULL, 0);
	assert_int_equal(metrics_answer(d, NULL, &m), TS_OK);
	assert_int_equal(m.n_clamped, 2);
	assert_true(m.mean_logprob == -100.0);          /* (−100 − 100)/2 */
	assert_near(m.perplexity, exp(100.0), exp(100.0) * EPS);
	doc_free(d);
}

static void empty_answer_is_nan_and_escalates(void **state)
{
	struct doc *d = doc_new();
	struct answer_metrics m;
	struct route_result r;

	(void)state;
	assert_non_null(d);
	assert_int_equal(metrics_answer(d, NULL, &m), TS_OK);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.n_clamped, 0);
	assert_int_equal(m.n_below, 0);
	assert_true(isnan(m.sum_logprob) && isnan(m.mean_logprob) && isnan(m.geo_mean_p));
	assert_true(isnan(m.perplexity) && isnan(m.mean_p) && isnan(m.min_p));
	assert_true(isnan(m.quantile_p) && isnan(m.first_p) && isnan(m.share_below));
	assert_true(isnan(m.mean_h_lo) && isnan(m.mean_h_hi));
	assert_true(m.quantile == METRICS_DEFAULT_QUANTILE);
	for (int s = 0; s < STAT_COUNT; s++) {
		route_decide(&m, (enum route_stat)s, ROUTE_DEFAULT_THRESHOLD, &r);
		assert_int_equal(r.verdict, VERDICT_ESCALATE);
		assert_true(isnan(r.value) && isnan(r.distance));
	}
	route_decide(&m, STAT_FIRST, 0.0, &r);   /* even a threshold of 0 */
	assert_int_equal(r.verdict, VERDICT_ESCALATE);
	doc_free(d);
}

/* A token's or alternative's "bytes" array, as read by cJSON. */
struct raw_bytes {
	uint8_t b[64];
	size_t len;
};

static void read_bytes(const cJSON *item, struct raw_bytes *out)
{
	const cJSON *x;

	out->len = 0;
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(item, "bytes")) {
		assert_true(out->len < sizeof out->b);
		out->b[out->len++] = (uint8_t)cJSON_GetNumberValue(x);
	}
}

static void append_json_token(struct doc *d, const cJSON *tok)
{
	struct raw_bytes tb, ab[8];
	struct doc_alt_in alts[8];
	struct doc_token_in in = { .t_ms = -1.0, .alts = alts };
	const cJSON *a;

	read_bytes(tok, &tb);
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(tok, "top_logprobs")) {
		assert_true(in.nalt < 8);
		read_bytes(a, &ab[in.nalt]);
		alts[in.nalt] = (struct doc_alt_in){
			.bytes = ab[in.nalt].b, .len = ab[in.nalt].len,
			.logprob = cJSON_GetNumberValue(cJSON_GetObjectItem(a, "logprob")),
			.id = (int32_t)cJSON_GetNumberValue(cJSON_GetObjectItem(a, "id")),
		};
		in.nalt++;
	}
	in.bytes = tb.b;
	in.len = tb.len;
	in.logprob = cJSON_GetNumberValue(cJSON_GetObjectItem(tok, "logprob"));
	in.id = (int32_t)cJSON_GetNumberValue(cJSON_GetObjectItem(tok, "id"));
	assert_int_equal(doc_append(d, &in, NULL), TS_OK);
}

/* Reads a chat response (choices[0].logprobs.content[]) with cJSON into d;
 * returns the sum of the logprobs as read. */
static double load_chat(struct doc *d, const char *set, const char *cas)
{
	char path[512];
	char *body = tu_read_file(tu_fixture(path, sizeof path, set, cas, "response"), NULL);
	cJSON *root = cJSON_Parse(body), *content, *tok;
	double sum = 0.0;

	assert_non_null(root);
	content = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(root, "choices"), 0), "logprobs"), "content");
	assert_true(cJSON_IsArray(content));
	cJSON_ArrayForEach(tok, content) {
		append_json_token(d, tok);
		sum += cJSON_GetNumberValue(cJSON_GetObjectItem(tok, "logprob"));
	}
	cJSON_Delete(root);
	free(body);
	return sum;
}

static void weak_model_on_tie_email_escalates(void **state)
{
	struct doc *d = doc_new();
	double sum = load_chat(d, "llamacpp-mailcls", "mailcls-190K/b_work_spam_tie_email_nonstream");
	double want_first = exp(-0.5054810643196106);
	struct answer_metrics m;
	struct route_result r;
	struct tok_metrics t;

	(void)state;
	assert_int_equal(metrics_answer(d, NULL, &m), TS_OK);
	assert_int_equal(m.n, 4);                 /* "s" "p" "am" "" */
	assert_int_equal(m.n_clamped, 0);
	assert_near(m.first_p, want_first, want_first * 1e-12);   /* ≈ 0.603215 */
	assert_near(m.sum_logprob, sum, fabs(sum) * 1e-12);
	assert_near(m.mean_logprob, sum / 4, fabs(sum) * 1e-12);
	assert_int_equal(m.min_index, 0);
	metrics_token(d, 0, &t);
	assert_int_equal(t.rank, 1);
	/* "s" leads "w": e^−0.505481 − e^−0.981815 = 0.603215 − 0.374631 ≈ 0.228585 */
	assert_near(t.margin, 0.228585, 1e-6);
	route_decide(&m, STAT_FIRST, ROUTE_DEFAULT_THRESHOLD, &r);
	assert_int_equal(r.verdict, VERDICT_ESCALATE);
	/* 0.603215 − 0.85 = −0.246785 */
	assert_near(r.distance, -0.246785, 1e-6);
	assert_true(r.distance == m.first_p - 0.85);
	doc_free(d);
}

static void strong_model_on_tie_email_accepts(void **state)
{
	struct doc *d = doc_new();
	double sum = load_chat(d, "llamacpp-mailcls", "mailcls-1M/b_work_spam_tie_email_nonstream");
	struct answer_metrics m;
	struct route_result r;

	(void)state;
	assert_int_equal(metrics_answer(d, NULL, &m), TS_OK);
	assert_int_equal(m.n, 4);                 /* "w" "or" "k" "" */
	assert_near(m.sum_logprob, sum, fabs(sum) * 1e-12);
	route_decide(&m, STAT_FIRST, ROUTE_DEFAULT_THRESHOLD, &r);
	assert_int_equal(r.verdict, VERDICT_ACCEPT);
	/* e^−0.0124156 = 0.987661; 0.987661 − 0.85 = 0.137661 */
	assert_near(r.distance, 0.137661, 1e-6);
	doc_free(d);
}

/* Same bits, NaN equal to NaN: the accumulator must give metrics_answer's
 * values exactly, not nearly. */
static void assert_same_metrics(const struct answer_metrics *a, const struct answer_metrics *b)
{
	const double x[] = { a->sum_logprob, a->mean_logprob, a->geo_mean_p, a->perplexity, a->mean_p,
			     a->min_p, a->quantile, a->quantile_p, a->first_p, a->tok_threshold,
			     a->share_below, a->mean_h_lo, a->mean_h_hi };
	const double y[] = { b->sum_logprob, b->mean_logprob, b->geo_mean_p, b->perplexity, b->mean_p,
			     b->min_p, b->quantile, b->quantile_p, b->first_p, b->tok_threshold,
			     b->share_below, b->mean_h_lo, b->mean_h_hi };

	assert_int_equal(a->n, b->n);
	assert_int_equal(a->n_clamped, b->n_clamped);
	assert_int_equal(a->min_index, b->min_index);
	assert_int_equal(a->n_below, b->n_below);
	for (size_t i = 0; i < sizeof x / sizeof *x; i++)
		if (!(isnan(x[i]) && isnan(y[i])) && memcmp(&x[i], &y[i], sizeof x[i]))
			fail_msg("value %zu: %.17g, expected %.17g", i, x[i], y[i]);
}

/* A growing answer, updated in uneven steps (nothing new, one token,
 * many), then another document, fewer tokens and other options: every
 * update equals metrics_answer on the document as it stands. */
static void growing_answer_updates_equal_the_whole_computation(void **state)
{
	struct doc *d = doc_new(), *other = answer3();
	struct metrics_acc acc;
	struct metrics_opts o = { .quantile = 0.25, .tok_threshold = 0.6 };
	struct answer_metrics want, got;
	uint32_t seed = 5;
	size_t steps[] = { 0, 1, 1, 0, 7, 100, 3, 1000, 2 };

	(void)state;
	metrics_acc_init(&acc);
	for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
		for (size_t i = 0; i < steps[k]; i++) {
			double lp = sample_logprob((int)(i % 3), i, 1000, &seed);
			struct alt_spec alts[3] = { { "x", lp }, { "y", lp - 1.5 }, { "z", -120.0 } };

			append_tok(d, i % 5 ? "x" : "w", lp, alts, 1 + i % 3);
		}
		assert_int_equal(metrics_acc_update(&acc, d, &o, &got), TS_OK);
		assert_int_equal(metrics_answer(d, &o, &want), TS_OK);
		assert_same_metrics(&got, &want);
	}
	assert_int_equal(metrics_acc_update(&acc, other, NULL, &got), TS_OK);
	assert_int_equal(metrics_answer(other, NULL, &want), TS_OK);
	assert_same_metrics(&got, &want);
	doc_clear(other);
	append_tok(other, "q", -2.0, alts_c, 1);
	assert_int_equal(metrics_acc_update(&acc, other, NULL, &got), TS_OK);
	assert_int_equal(metrics_answer(other, NULL, &want), TS_OK);
	assert_same_metrics(&got, &want);
	doc_clear(other);   /* refilled past its old length before the next update */
	for (int i = 0; i < 5; i++)
		append_tok(other, "r", -0.1 * i, alts_a, 3);
	assert_int_equal(metrics_acc_update(&acc, other, NULL, &got), TS_OK);
	assert_int_equal(metrics_answer(other, NULL, &want), TS_OK);
	assert_same_metrics(&got, &want);
	assert_int_equal(metrics_acc_update(&acc, d, NULL, &got), TS_OK);
	assert_int_equal(metrics_acc_update(&acc, d, &o, &got), TS_OK);
	assert_int_equal(metrics_answer(d, &o, &want), TS_OK);
	assert_same_metrics(&got, &want);
	metrics_acc_fini(&acc);
	metrics_acc_fini(NULL);
	doc_free(d);
	doc_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opts_default_are_tenth_quantile_and_half_threshold),
		cmocka_unit_test(leading_token_with_residual),
		cmocka_unit_test(passed_over_token_has_negative_margin),
		cmocka_unit_test(certain_token_without_residual),
		cmocka_unit_test(chosen_outside_top_k_joins_known_set),
		cmocka_unit_test(token_without_alternatives),
		cmocka_unit_test(leading_token_outside_top_k_has_positive_margin),
		cmocka_unit_test(old_llamacpp_token_outside_top_k_keeps_lo_below_hi),
		cmocka_unit_test(alternative_at_the_floor_caps_lo_at_hi),
		cmocka_unit_test(every_recorded_token_has_lo_at_most_hi),
		cmocka_unit_test(answer_statistics_of_three_tokens),
		cmocka_unit_test(quantile_interpolates_between_order_statistics),
		cmocka_unit_test(quantile_matches_sorted_reference_on_random_answers),
		cmocka_unit_test(probability_equal_to_threshold_is_not_below),
		cmocka_unit_test(min_index_is_the_first_smallest),
		cmocka_unit_test(sentinels_are_clamped_to_the_floor),
		cmocka_unit_test(non_finite_logprob_is_clamped),
		cmocka_unit_test(empty_answer_is_nan_and_escalates),
		cmocka_unit_test(weak_model_on_tie_email_escalates),
		cmocka_unit_test(strong_model_on_tie_email_accepts),
		cmocka_unit_test(growing_answer_updates_equal_the_whole_computation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
