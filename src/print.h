/* print.h — the headless print mode: coloured ANSI text on a stream.
 *
 * Writes tokens as they arrive, each in its probability bucket's colour
 * from the theme (256 colours, 8, or none), low-confidence tokens (p below
 * the per-token threshold) also underlined, control characters as visible
 * glyphs. Then a summary of the aggregates and the verdict. Shares the core
 * with the TUI; knows nothing of curses or curl. */
#ifndef TOKSCOPE_PRINT_H
#define TOKSCOPE_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "src/buf.h"
#include "src/doc.h"
#include "src/metrics.h"
#include "src/route.h"
#include "src/theme.h"

struct printer {
	FILE *out;
	const struct theme *theme;
	enum color_depth depth;
	bool sgr;                  /* emit escape sequences at all */
	double tok_threshold;
	size_t printed;            /* tokens written so far */
	uint8_t pending[4];        /* start of a character split across tokens */
	size_t npending;
	size_t pending_tok;        /* token the pending bytes came from */
};

/* sgr false: plain text, no escape sequences (stdout not a terminal, or
 * NO_COLOR). depth DEPTH_NONE with sgr: attributes only (bold/underline). */
void printer_init(struct printer *pr, FILE *out, const struct theme *t, enum color_depth depth,
		  bool sgr, double tok_threshold);
/* Writes the tokens of d not yet written (call as tokens arrive). A
 * character split across tokens is held back until it is complete; final
 * true writes what is held back (as <XX> bytes when never completed) and
 * ends the line. */
void printer_flush_tokens(struct printer *pr, const struct doc *d, bool final);
/* Writes the summary: aggregates and verdict. */
void printer_summary(struct printer *pr, const struct doc *d, const struct answer_metrics *m,
		     const struct route_result *r);

/* Appends the summary as one JSON object (17 significant digits, NaN as
 * null): {"tokens", "clamped", "sum_logprob", "mean_logprob", "geo_mean_p",
 * "perplexity", "mean_p", "min_p", "min_index", "quantile", "quantile_p",
 * "first_p", "tok_threshold", "below", "share_below", "mean_entropy_lo",
 * "mean_entropy_hi", "stat", "threshold", "value", "distance", "verdict"}. */
int print_summary_json(struct buf *out, const struct answer_metrics *m, const struct route_result *r);

#endif
