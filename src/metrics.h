/* metrics.h — confidence maths over a document.
 *
 * Notation: token i has logprob l_i (natural log, clamped to
 * DOC_LOGPROB_FLOOR when the API sent a sentinel) and probability
 * p_i = exp(l_i). Its alternatives a_1..a_k have probabilities q_1..q_k as
 * returned (the API's top k, best first).
 *
 * Per token (struct tok_metrics):
 *   p        = exp(l)
 *   rank     = 1-based position of the chosen token among the alternatives,
 *              0 when it is not among them ("not in top k")
 *   margin   = p − max{ q_j : a_j is not the chosen token }; positive when the
 *              chosen token leads, negative when a better one was passed over;
 *              p when there is no other alternative
 *   coverage = Σ_j q_j                      (mass the API showed)
 *   residual = max(0, 1 − coverage)         (mass outside the top k)
 *   Entropy bounds, in nats, over the known set K = the alternatives plus the
 *   chosen token when it is not among them; r = max(0, 1 − Σ_K q);
 *   V = METRICS_VOCAB (assumed vocabulary size); H_K = −Σ_K q ln q;
 *   q_c = the smallest probability among the alternatives (the API's top k,
 *   so no unseen token is likelier; the chosen token outside them does not
 *   count), or r when there are none (no unseen token holds more than r):
 *   h_hi = H_K + r·ln((V − |K|)/r) (r spread evenly over the unseen tokens)
 *   h_lo = H_K + r·min(−ln q_c, ln((V − |K|)/r))
 *                                (every unseen token has q ≤ q_c; the min
 *                                 matters only when the numbers contradict
 *                                 V, e.g. an alternative at the floor, and
 *                                 keeps h_lo ≤ h_hi)
 *   with r·(...) taken as 0 when r = 0.
 *
 * Per answer (struct answer_metrics), over n tokens:
 *   sum_logprob  = Σ l_i
 *   mean_logprob = sum_logprob / n
 *   geo_mean_p   = exp(mean_logprob)      (geometric-mean probability)
 *   perplexity   = exp(−mean_logprob)
 *   mean_p       = Σ p_i / n              (arithmetic-mean probability)
 *   min_p, min_index = the smallest p_i and its first index
 *   quantile_p   = the q-quantile of {p_i} (default q = 0.10), linear
 *                  interpolation between order statistics: with the p sorted
 *                  ascending as s_0..s_{n−1}, h = (n−1)·q,
 *                  value = s_⌊h⌋ + (h − ⌊h⌋)(s_⌊h⌋+1 − s_⌊h⌋)
 *   first_p      = p_0                    (first-token probability)
 *   n_below      = #{ i : p_i < tok_threshold } (default 0.5)
 *   share_below  = n_below / n
 *   mean_h_lo, mean_h_hi = the means of the per-token entropy bounds
 *   n_clamped    = tokens whose logprob was a sentinel
 * With n = 0 every value is NaN and the counts are 0. */
#ifndef TOKSCOPE_METRICS_H
#define TOKSCOPE_METRICS_H

#include <stddef.h>

#include "src/doc.h"

#define METRICS_VOCAB 262144.0           /* assumed vocabulary size for h_hi */
#define METRICS_DEFAULT_QUANTILE 0.10
#define METRICS_DEFAULT_TOK_THRESHOLD 0.5

struct tok_metrics {
	double logprob;
	double p;
	int rank;          /* 0 = not in top k */
	double margin;
	double coverage;
	double residual;
	double h_lo, h_hi;
	int clamped;
};

struct metrics_opts {
	double quantile;       /* q in [0,1] */
	double tok_threshold;  /* per-token probability threshold */
};

/* Defaults: quantile 0.10, tok_threshold 0.5. */
void metrics_opts_default(struct metrics_opts *o);

struct answer_metrics {
	size_t n;
	size_t n_clamped;
	double sum_logprob;
	double mean_logprob;
	double geo_mean_p;
	double perplexity;
	double mean_p;
	double min_p;
	size_t min_index;
	double quantile;        /* the q used */
	double quantile_p;
	double first_p;
	double tok_threshold;   /* the threshold used */
	size_t n_below;
	double share_below;
	double mean_h_lo, mean_h_hi;
};

/* Fills m for token i of d. */
void metrics_token(const struct doc *d, size_t i, struct tok_metrics *m);

/* Fills m for the whole answer (o NULL: the defaults). Returns TS_ENOMEM when the quantile's sort
 * buffer cannot be allocated (m is then filled except quantile_p = NaN). */
int metrics_answer(const struct doc *d, const struct metrics_opts *o, struct answer_metrics *m);

/* metrics_answer for an answer that grows (a stream): each update reads
 * only the tokens added since the last one and runs the sums in the same
 * order, so the values are metrics_answer's, bit for bit; only the
 * quantile still looks at every token (a selection over the kept p's, no
 * exp). The explorer updates the panel once per frame: metrics_answer costs
 * O(n·k) per call, 13 ms at 100,000 tokens with k = 20; an update costs
 * O(new tokens · k + n). Starts over by itself when given another document,
 * fewer tokens than before, other options, or a document whose first or
 * last token read has changed (cleared and filled again). */
struct metrics_acc {
	const struct doc *d;    /* the document accumulated */
	size_t n;               /* its tokens read so far */
	double *ps;             /* p of each token read; NULL until the first update */
	double *scratch;        /* for the quantile's selection */
	size_t cap;
	struct metrics_opts o;  /* the options the sums were made with */
	struct doc_token seen[2];  /* the first and the last token read */
	struct answer_metrics m;  /* counts, minimum and first_p so far */
	double sum_logprob, sum_p, sum_h_lo, sum_h_hi;
};

void metrics_acc_init(struct metrics_acc *a);
void metrics_acc_fini(struct metrics_acc *a);   /* NULL-safe */
/* Brings a up to date with d and fills m as metrics_answer(d, o, m) would
 * (o NULL: the defaults). TS_ENOMEM as metrics_answer (m then has
 * quantile_p = NaN; the accumulator starts over next time). */
int metrics_acc_update(struct metrics_acc *a, const struct doc *d, const struct metrics_opts *o,
		       struct answer_metrics *m);

#endif
