/* tokview.h — the token view: the answer as wrapped text, every token
 * coloured by its confidence, the selection highlighted, tokens below the
 * per-token threshold underlined (colour is never the only cue).
 *
 * Drawing walks only the visible lines (see wrap.h). The colour comes from
 * a value in [0,1] per token chosen by the colour mode; a cell made of
 * several tokens' bytes (a character split across tokens) takes the lowest
 * value among them, so a split never hides an unsure piece. */
#ifndef TOKSCOPE_TUI_TOKVIEW_H
#define TOKSCOPE_TUI_TOKVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "src/doc.h"
#include "tui/answer.h"
#include "tui/color.h"

/* X(enum, name shown) */
#define COLOR_MODES(X) \
	X(CMODE_PROB,    "probability") \
	X(CMODE_REL,     "relative to the best alternative") \
	X(CMODE_RANK,    "rank among the alternatives") \
	X(CMODE_ENTROPY, "entropy (e^−H)")

enum color_mode {
#define CMODE_ENUM(e, n) e,
	COLOR_MODES(CMODE_ENUM)
#undef CMODE_ENUM
	CMODE_COUNT
};

const char *tokview_mode_name(enum color_mode m);

/* Marks a caller puts on tokens (the compare view, pair.h). */
enum tokview_mark {
	TOKVIEW_MARK_DIVERGE = 1 << 0,  /* drawn in the ESCALATE badge's style */
	TOKVIEW_MARK_NOTE = 1 << 1,     /* its colour on the tint, bold */
};

struct tokview_opts {
	enum color_mode mode;
	bool boundaries;        /* alternate a tint on every other token */
	double tok_threshold;   /* underline tokens with p below it */
	/* enum tokview_mark flags of token tok; NULL: no marks */
	unsigned (*marks)(const void *ctx, size_t tok);
	const void *marks_ctx;
};

/* The colour value of token i in [0,1] (higher = more confident). */
double tokview_value(const struct doc *d, size_t i, enum color_mode m);

/* Draws the visible lines of an (synced to r.w) into r, and a "›" in the
 * column left of r on the selection's line (a cue that needs no colour). */
void tokview_draw(const struct answer *an, struct rect r, const struct tokview_opts *o,
		  const struct palette *pal, bool live);

/* The token drawn at column x of line `line`: the cell under x, else the
 * last cell before x. Returns false when the line has no cells. */
bool tokview_token_at(const struct answer *an, size_t line, int x, bool exact, size_t *tok);
/* The column where token tok's first cell is drawn in its line. */
int tokview_col_of(const struct answer *an, size_t tok);

#endif
