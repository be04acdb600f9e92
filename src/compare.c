#include "src/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double tok_p(const struct doc *d, size_t i)
{
	const struct doc_token *t = doc_token(d, i);

	return t->flags & DOC_TOK_CLAMPED ? 0.0 : exp(t->logprob);
}

size_t compare_token_at(const struct doc *d, size_t off)
{
	size_t len, lo = 0, hi = doc_count(d);

	doc_text(d, &len);
	if (off >= len)
		return doc_count(d);
	/* the largest i with token i's offset <= off: it holds byte off, since
	 * tokens are contiguous and the next one starts after off */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (doc_token(d, mid)->off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t common_prefix(const struct doc *a, const struct doc *b)
{
	size_t la, lb, n = 0;
	const uint8_t *ta = doc_text(a, &la), *tb = doc_text(b, &lb);

	while (n < la && n < lb && ta[n] == tb[n])
		n++;
	return n;
}

/* d's probability for the token `want` (bytes) at token i, from i's
 * alternatives, or NaN when not among them. */
static double alt_p(const struct doc *d, size_t i, const uint8_t *want, size_t wlen)
{
	const struct doc_token *t = doc_token(d, i);

	for (size_t j = 0; j < t->nalt; j++) {
		const struct doc_alt *a = doc_alt(d, i, j);
		size_t len;
		const uint8_t *s = doc_str(d, a->str, &len);

		if (len == wlen && memcmp(s, want, len) == 0)
			return a->logprob <= DOC_LOGPROB_FLOOR ? 0.0 : exp(a->logprob);
	}
	return NAN;
}

static void divergence(const struct doc *a, const struct doc *b, struct compare_result *r)
{
	size_t la, lb;
	const uint8_t *ba, *bb;

	r->div_a = compare_token_at(a, r->common);
	r->div_b = compare_token_at(b, r->common);
	r->div_pa = r->div_a < r->na ? tok_p(a, r->div_a) : NAN;
	r->div_pb = r->div_b < r->nb ? tok_p(b, r->div_b) : NAN;
	r->div_pa_of_b = r->div_pb_of_a = NAN;
	if (r->div_a == r->na || r->div_b == r->nb ||
	    doc_token(a, r->div_a)->off != doc_token(b, r->div_b)->off)
		return;
	ba = doc_token_bytes(a, r->div_a, &la);
	bb = doc_token_bytes(b, r->div_b, &lb);
	r->div_pa_of_b = alt_p(a, r->div_a, bb, lb);
	r->div_pb_of_a = alt_p(b, r->div_b, ba, la);
}

static bool tokens_match(const struct doc *a, size_t i, const struct doc *b, size_t j)
{
	size_t la, lb;
	const uint8_t *ba = doc_token_bytes(a, i, &la), *bb = doc_token_bytes(b, j, &lb);

	return la == lb && memcmp(ba, bb, la) == 0;
}

/* Whether token i of a lies wholly inside the common prefix (an empty token
 * at the divergence point does not: it sits where the texts part). */
static bool inside_common(const struct doc *a, size_t i, const struct compare_result *r)
{
	const struct doc_token *t = doc_token(a, i);

	return (size_t)t->off + t->len <= r->common && (r->identical || t->off < r->common);
}

static int align(const struct doc *a, const struct doc *b, struct compare_result *r)
{
	size_t i = 0, j = 0, cap = r->na < r->nb ? r->na : r->nb;

	r->first_mismatch_a = r->na;
	r->first_mismatch_b = r->nb;
	r->pairs = cap ? malloc(cap * sizeof *r->pairs) : NULL;
	if (cap && !r->pairs)
		return TS_ENOMEM;
	while (i < r->na && j < r->nb && inside_common(a, i, r)) {
		const struct doc_token *ta = doc_token(a, i), *tb = doc_token(b, j);

		if (ta->off == tb->off && tokens_match(a, i, b, j)) {
			double pa = tok_p(a, i), pb = tok_p(b, j);

			r->pairs[r->npairs++] = (struct compare_pair){ .a = i, .b = j, .pa = pa, .pb = pb,
								       .diff = pb - pa };
			i++;
			j++;
			continue;
		}
		if (r->first_mismatch_a == r->na) {
			r->first_mismatch_a = i;
			r->first_mismatch_b = j;
		}
		/* move the side that is behind; on a tie, the shorter token */
		if (ta->off < tb->off || (ta->off == tb->off && ta->len < tb->len))
			i++;
		else if (tb->off < ta->off || tb->len < ta->len)
			j++;
		else {
			i++;
			j++;
		}
	}
	if (r->first_mismatch_a == r->na && (i < r->na || j < r->nb)) {
		r->first_mismatch_a = i;
		r->first_mismatch_b = j;
	}
	return TS_OK;
}

static int by_abs_diff(const void *x, const void *y)
{
	const struct compare_pair *p = x, *q = y;
	double dp = fabs(p->diff), dq = fabs(q->diff);

	if (dp != dq)
		return dp > dq ? -1 : 1;
	return p->a < q->a ? -1 : p->a > q->a;
}

static int rank_pairs(struct compare_result *r, size_t ntop)
{
	struct compare_pair *sorted;
	double sum = 0;

	r->max_abs_diff = r->mean_abs_diff = NAN;
	if (r->npairs == 0)
		return TS_OK;
	sorted = malloc(r->npairs * sizeof *sorted);
	if (!sorted)
		return TS_ENOMEM;
	memcpy(sorted, r->pairs, r->npairs * sizeof *sorted);
	qsort(sorted, r->npairs, sizeof *sorted, by_abs_diff);
	r->ntop = ntop < r->npairs ? ntop : r->npairs;
	memcpy(r->top, sorted, r->ntop * sizeof *sorted);
	for (size_t k = 0; k < r->npairs; k++)
		sum += fabs(sorted[k].diff);
	r->max_abs_diff = fabs(sorted[0].diff);
	r->mean_abs_diff = sum / (double)r->npairs;
	free(sorted);
	return TS_OK;
}

int compare_docs(const struct doc *a, const struct doc *b, size_t ntop, struct compare_result *out,
		 struct ts_err *err)
{
	size_t la, lb;

	*out = (struct compare_result){ .na = doc_count(a), .nb = doc_count(b) };
	doc_text(a, &la);
	doc_text(b, &lb);
	out->common = common_prefix(a, b);
	out->identical = la == lb && out->common == la;
	divergence(a, b, out);
	if (align(a, b, out) || rank_pairs(out, ntop < COMPARE_MAX_TOP ? ntop : COMPARE_MAX_TOP)) {
		compare_fini(out);
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	}
	return TS_OK;
}

void compare_fini(struct compare_result *out)
{
	if (!out)
		return;
	free(out->pairs);
	*out = (struct compare_result){ .max_abs_diff = NAN, .mean_abs_diff = NAN };
}
