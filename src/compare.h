/* compare.h — two answers side by side, token by token.
 *
 * Two documents (two models, two versions, two saved sessions) are aligned
 * by byte offset in their concatenated texts: token i of A and token j of
 * B MATCH when they start at the same byte offset, have the same bytes, and
 * lie wholly inside the texts' common prefix (the bytes before the first
 * difference). Past the first difference the two texts are different
 * sentences, so byte offsets no longer correspond: nothing there is
 * aligned (that would need a text diff, which this is not).
 *
 * Reported (struct compare_result):
 *   common     length in bytes of the texts' common prefix
 *   identical  the texts are equal (then there is no divergence)
 *   div_a, div_b  the tokens holding the first differing byte (byte
 *              `common`) in A and B; the side's token count when that side's
 *              text ended there (it is a prefix of the other)
 *   div_pa, div_pb  those tokens' probabilities (NaN for an ended side)
 *   div_pa_of_b  A's probability for B's divergent token: the alternative
 *              of A's token div_a with B's token's bytes, when both tokens
 *              start at the same byte; NaN when not shown or not comparable;
 *              div_pb_of_a likewise
 *   first_mismatch_a/_b  the first token pair that does not match: differs
 *              from the divergence when the texts agree but the tokens
 *              split them differently ("wor"+"k" vs "work")
 *   pairs      every matched pair (a, b, pa, pb, diff = pb − pa), in order
 *   top        the ntop pairs with the largest |diff|, largest first (ties:
 *              the earlier first): where the probabilities differ most
 *   max_abs_diff, mean_abs_diff over the pairs (NaN with none).
 * Probabilities are exp(logprob), a clamped sentinel counting as 0.
 *
 * Front ends: a side-by-side view draws each document's tokens as usual,
 * marks the matched ones through pairs[] (in order, so one walk colours both
 * sides by diff), puts a cursor on div_a/div_b, and lists top[] as "where
 * the probabilities differ most"; the inspector can show div_pa_of_b /
 * div_pb_of_a at the divergence. compare_token_at maps a byte to a token. */
#ifndef TOKSCOPE_COMPARE_H
#define TOKSCOPE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "src/doc.h"
#include "src/err.h"

#define COMPARE_DEFAULT_TOP 10
#define COMPARE_MAX_TOP 100

struct compare_pair {
	size_t a, b;        /* token indices */
	double pa, pb;
	double diff;        /* pb − pa */
};

struct compare_result {
	size_t na, nb;
	size_t common;
	bool identical;
	size_t div_a, div_b;
	double div_pa, div_pb;
	double div_pa_of_b, div_pb_of_a;
	size_t first_mismatch_a, first_mismatch_b;
	struct compare_pair *pairs;   /* malloc'd; compare_fini frees */
	size_t npairs;
	struct compare_pair top[COMPARE_MAX_TOP];
	size_t ntop;
	double max_abs_diff, mean_abs_diff;
};

/* Compares a and b (ntop clamped to COMPARE_MAX_TOP). Returns TS_OK, or
 * TS_ENOMEM (out is then empty but safe to compare_fini). */
int compare_docs(const struct doc *a, const struct doc *b, size_t ntop, struct compare_result *out,
		 struct ts_err *err);

/* Frees the pairs. NULL-safe; leaves out empty. */
void compare_fini(struct compare_result *out);

/* The token of d holding byte off of its text (doc_count(d) when off is at
 * or past the end). Binary search: O(log n). */
size_t compare_token_at(const struct doc *d, size_t off);

#endif
