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
#include "src/cascade.h"
#include "src/compare.h"
#include "src/doc.h"
#include "src/labels.h"
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
/* Writes the summary: the aggregates, the label table (when lr holds
 * labels) and the three-way verdict: the verdict line says what decided
 * (route_explain) and a "rule" line names the rule. lr may be NULL. */
void printer_summary_labels(struct printer *pr, const struct doc *d, const struct answer_metrics *m,
			    const struct label_result *lr, const struct route_result *r);

/* The label table: per label the raw mass, the normalised probability and
 * a bar; the shared groups; the mass on labels, off labels and not shown;
 * the margin, the label the answer wrote, and a note when the labels run
 * past the first token. Nothing when lr holds no labels. */
void printer_labels(struct printer *pr, const struct label_result *lr);

/* A heading line "── text ──" (printf-style). */
void printer_heading(struct printer *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Forgets what was written, to print another document from its start
 * (the cascade's second answer). */
void printer_restart(struct printer *pr);

/* The cascade's conclusion: each stage's model, verdict, token count and
 * time, why it escalated or not, and the final answer marked with ★. */
void printer_cascade(struct printer *pr, const struct cascade *c);

/* The comparison of two answers (compare.h): both sides' text around the
 * divergence with the divergent tokens bracketed, each side's probability
 * for the other's token there, and the top differences. name_a/name_b
 * label the sides (file names). */
void printer_compare(struct printer *pr, const struct doc *a, const char *name_a, const struct doc *b,
		     const char *name_b, const struct compare_result *r);

/* Appends the summary as one JSON object (17 significant digits, NaN as
 * null): {"tokens", "clamped", "sum_logprob", "mean_logprob", "geo_mean_p",
 * "perplexity", "mean_p", "min_p", "min_index", "quantile", "quantile_p",
 * "first_p", "tok_threshold", "below", "share_below", "mean_entropy_lo",
 * "mean_entropy_hi", "stat", "threshold", "value", "distance", "verdict"},
 * then the three-way verdict's keys "rule", "margin",
 * "min_margin", "label_mass", "min_label_mass" (null without labels) and,
 * when lr holds labels, "labels": {"on_labels", "shared_mass", "off_labels",
 * "shown", "unseen", "margin", "first_token_only", "answer" (a name or
 * null), "top" (a name or null), "rows": [{"label", "mass", "prob",
 * "partial"}], "shared": [{"labels": [names], "text", "mass", "prob"}]}. */
int print_summary_json_labels(struct buf *out, const struct answer_metrics *m,
			      const struct label_result *lr, const struct route_result *r);

#endif
