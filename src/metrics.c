#include "src/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than this the selection falls back to sorting its range, so a
 * hostile order of probabilities cannot make it quadratic. */
#define SELECT_MAX_DEPTH 64

void metrics_opts_default(struct metrics_opts *o)
{
	*o = (struct metrics_opts){
		.quantile = METRICS_DEFAULT_QUANTILE,
		.tok_threshold = METRICS_DEFAULT_TOK_THRESHOLD,
	};
}

/* Sums over the known set K of one token; ln q is the logprob itself, so
 * the entropy needs no log of a probability (and never log(0)). */
struct known_set {
	double mass;      /* Σ_K q */
	double h;         /* −Σ_K q ln q */
	double lmin;      /* ln q_min, over the alternatives only */
	size_t size;      /* |K| */
};

/* fmax() is a library call on x86 without -ffast-math; this is the hot loop. */
static double max0(double x)
{
	return x > 0.0 ? x : 0.0;
}

static void known_add(struct known_set *k, double l, double q)
{
	k->mass += q;
	k->h -= q * l;
	k->size++;
}

/* The bounds of metrics.h. The cap q_c on an unseen token is the smallest
 * alternative (they are the API's top k), never the chosen token when it
 * is outside them: its p may be far smaller (a sampled tail token, or p = 0
 * in old llama.cpp answers), and taking it made h_lo > h_hi. */
static void entropy_bounds(const struct known_set *k, size_t nalt, struct tok_metrics *m)
{
	double r = max0(1.0 - k->mass), spread, lcap;

	m->h_lo = k->h;
	m->h_hi = k->h;
	if (r <= 0.0)
		return;
	spread = log((METRICS_VOCAB - (double)k->size) / r);
	lcap = nalt ? k->lmin : log(r);
	m->h_lo += r * (-lcap < spread ? -lcap : spread);
	m->h_hi += r * spread;
}

void metrics_token(const struct doc *d, size_t i, struct tok_metrics *m)
{
	const struct doc_token *t = doc_token(d, i);
	/* a token's alternatives are contiguous (doc.h: alt, nalt) */
	const struct doc_alt *a = t->nalt ? doc_alt(d, i, 0) : NULL;
	struct known_set k = { .lmin = HUGE_VAL };
	double best_other = -1.0;

	*m = (struct tok_metrics){
		.logprob = t->logprob,
		.p = exp(t->logprob),
		.rank = t->rank,
		.clamped = (t->flags & DOC_TOK_CLAMPED) != 0,
	};
	for (size_t j = 0; j < t->nalt; j++) {
		double l = a[j].logprob;
		double q = exp(l);

		known_add(&k, l, q);
		if (l < k.lmin)
			k.lmin = l;
		if ((size_t)t->rank != j + 1 && q > best_other)
			best_other = q;
	}
	m->coverage = k.mass;
	m->residual = max0(1.0 - k.mass);
	m->margin = best_other < 0.0 ? m->p : m->p - best_other;
	if (t->rank == DOC_RANK_NONE)
		known_add(&k, m->logprob, m->p);
	entropy_bounds(&k, t->nalt, m);
}

static void swap_d(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median3(double a, double b, double c)
{
	if (a < b)
		return b < c ? b : (a < c ? c : a);
	return a < c ? a : (b < c ? c : b);
}

/* Rearranges s[0..n) so that s[k] holds the k-th smallest value, everything
 * before it is ≤ and everything after it ≥. Three-way partitions keep runs
 * of equal probabilities (common: many tokens at p ≈ 1) linear. */
static void select_kth(double *s, size_t n, size_t k)
{
	size_t lo = 0, hi = n;   /* the k-th lies in [lo, hi) */

	for (int depth = 0; hi - lo > 1; depth++) {
		double pivot = median3(s[lo], s[lo + (hi - lo) / 2], s[hi - 1]);
		size_t lt = lo, i = lo, gt = hi;

		if (depth >= SELECT_MAX_DEPTH) {
			qsort(s + lo, hi - lo, sizeof *s, cmp_double);
			return;
		}
		while (i < gt) {
			if (s[i] < pivot)
				swap_d(&s[lt++], &s[i++]);
			else if (s[i] > pivot)
				swap_d(&s[i], &s[--gt]);
			else
				i++;
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return;
	}
}

/* The q-quantile of s[0..n) with linear interpolation; reorders s. */
static double quantile_of(double *s, size_t n, double q)
{
	double h, frac, next;
	size_t lo;

	if (isnan(q))
		return NAN;
	h = (double)(n - 1) * fmin(1.0, fmax(0.0, q));
	lo = (size_t)floor(h);
	frac = h - (double)lo;
	select_kth(s, n, lo);
	if (lo + 1 >= n)
		return s[lo];
	next = s[lo + 1];
	for (size_t i = lo + 2; i < n; i++) {
		if (s[i] < next)
			next = s[i];
	}
	return s[lo] + frac * (next - s[lo]);
}

static void answer_empty(struct answer_metrics *m, const struct metrics_opts *o)
{
	*m = (struct answer_metrics){
		.sum_logprob = NAN, .mean_logprob = NAN, .geo_mean_p = NAN,
		.perplexity = NAN, .mean_p = NAN, .min_p = NAN,
		.quantile = o->quantile, .quantile_p = NAN, .first_p = NAN,
		.tok_threshold = o->tok_threshold, .share_below = NAN,
		.mean_h_lo = NAN, .mean_h_hi = NAN,
	};
}

/* Sums gathered in the single pass over the tokens. */
struct answer_sums {
	double logprob, p, h_lo, h_hi;
};

/* Tokens [from, to) into the sums, the counts and ps[from, to). */
static void answer_pass(const struct doc *d, size_t from, size_t to, double *ps,
			struct answer_metrics *m, struct answer_sums *s)
{
	for (size_t i = from; i < to; i++) {
		struct tok_metrics t;

		metrics_token(d, i, &t);
		s->logprob += t.logprob;
		s->p += t.p;
		s->h_lo += t.h_lo;
		s->h_hi += t.h_hi;
		if (t.clamped)
			m->n_clamped++;
		if (t.p < m->tok_threshold)
			m->n_below++;
		if (i == 0 || t.p < m->min_p) {
			m->min_p = t.p;
			m->min_index = i;
		}
		if (ps)
			ps[i] = t.p;
	}
}

/* The means from the sums of all m->n tokens. */
static void answer_means(const struct doc *d, const struct answer_sums *s, struct answer_metrics *m)
{
	double n = (double)m->n;

	m->sum_logprob = s->logprob;
	m->mean_logprob = s->logprob / n;
	m->geo_mean_p = exp(m->mean_logprob);
	m->perplexity = exp(-m->mean_logprob);
	m->mean_p = s->p / n;
	m->first_p = exp(doc_token(d, 0)->logprob);
	m->share_below = (double)m->n_below / n;
	m->mean_h_lo = s->h_lo / n;
	m->mean_h_hi = s->h_hi / n;
}

int metrics_answer(const struct doc *d, const struct metrics_opts *o, struct answer_metrics *m)
{
	struct metrics_opts def;
	struct answer_sums s = { .logprob = 0.0 };
	double *ps;

	if (!o) {
		metrics_opts_default(&def);
		o = &def;
	}
	answer_empty(m, o);
	m->n = doc_count(d);
	if (m->n == 0)
		return TS_OK;
	ps = malloc(m->n * sizeof *ps);
	answer_pass(d, 0, m->n, ps, m, &s);
	answer_means(d, &s, m);
	if (!ps)
		return TS_ENOMEM;
	m->quantile_p = quantile_of(ps, m->n, o->quantile);
	free(ps);
	return TS_OK;
}

void metrics_acc_init(struct metrics_acc *a)
{
	*a = (struct metrics_acc){ .d = NULL };
}

void metrics_acc_fini(struct metrics_acc *a)
{
	if (!a)
		return;
	free(a->ps);
	free(a->scratch);
	metrics_acc_init(a);
}

static void acc_restart(struct metrics_acc *a, const struct doc *d, const struct metrics_opts *o)
{
	a->d = d;
	a->n = 0;
	a->o = *o;
	answer_empty(&a->m, o);
	a->sum_logprob = a->sum_p = a->sum_h_lo = a->sum_h_hi = 0.0;
}

static int acc_reserve(struct metrics_acc *a, size_t n)
{
	size_t cap = a->cap ? a->cap : 1024;
	double *ps, *sc;

	while (cap < n)
		cap *= 2;
	ps = realloc(a->ps, cap * sizeof *ps);
	if (ps)
		a->ps = ps;
	sc = ps ? realloc(a->scratch, cap * sizeof *sc) : NULL;
	if (!sc)
		return TS_ENOMEM;
	a->scratch = sc;
	a->cap = cap;
	return TS_OK;
}

int metrics_acc_update(struct metrics_acc *a, const struct doc *d, const struct metrics_opts *o,
		       struct answer_metrics *m)
{
	struct metrics_opts def;
	struct answer_sums s;
	size_t n = doc_count(d);

	if (!o) {
		metrics_opts_default(&def);
		o = &def;
	}
	if (a->d != d || n < a->n || memcmp(&a->o, o, sizeof *o) ||
	    (a->n && (memcmp(&a->seen[0], doc_token(d, 0), sizeof a->seen[0]) ||
		      memcmp(&a->seen[1], doc_token(d, a->n - 1), sizeof a->seen[1]))))
		acc_restart(a, d, o);
	if (n > a->cap && acc_reserve(a, n)) {
		a->d = NULL;
		return metrics_answer(d, o, m);
	}
	s = (struct answer_sums){ a->sum_logprob, a->sum_p, a->sum_h_lo, a->sum_h_hi };
	answer_pass(d, a->n, n, a->ps, &a->m, &s);
	a->n = n;
	a->sum_logprob = s.logprob;
	a->sum_p = s.p;
	a->sum_h_lo = s.h_lo;
	a->sum_h_hi = s.h_hi;
	if (n) {
		a->seen[0] = *doc_token(d, 0);
		a->seen[1] = *doc_token(d, n - 1);
	}
	*m = a->m;
	m->n = n;
	if (n == 0)
		return TS_OK;
	answer_means(d, &s, m);
	memcpy(a->scratch, a->ps, n * sizeof *a->ps);
	m->quantile_p = quantile_of(a->scratch, n, o->quantile);
	return TS_OK;
}
