/* inspector.h — everything about the selected token.
 *
 * Left: index, text with visible whitespace (␣ ⇥ ↵), bytes in hex and
 * decimal, UTF-8 state (and for a partial token the character it belongs
 * to), logprob, probability, rank, margin to the runner-up, entropy bounds.
 * Right: the alternatives with probability bars, the chosen one marked, and
 * an "others" row with the mass outside the top k (highlighted when the
 * chosen token is not in the list). Below 66 columns the facts column
 * narrows and its values shorten; a box too narrow for both columns, or
 * narrow and tall enough for all of both, stacks the alternatives under the
 * facts. */
#ifndef TOKSCOPE_TUI_INSPECTOR_H
#define TOKSCOPE_TUI_INSPECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "src/doc.h"
#include "tui/color.h"

/* Rows the inspector would like for token sel of d, borders included. */
int inspector_rows(const struct doc *d, size_t sel);

void inspector_draw(const struct doc *d, size_t sel, struct rect r, const struct palette *pal);

/* Branching (tui/branches.h) as the inspector shows it. Strings borrowed. */
struct inspector_branch {
	const char *line;      /* which branch the answer is ("branch 2 of answer
				* 1 at token 7: ␣personal"), shown in the
				* title; NULL: none */
	bool focus;            /* the alternatives list has the keys */
	size_t alt;            /* the alternative under the cursor */
	const char *reason;    /* with focus: why the answer cannot branch,
				* shown instead of the list; NULL: it can */
};

/* inspector_draw, with the branch line in the title and the alternatives
 * list focused for choosing one (ib may be NULL). A token a branch placed
 * (DOC_TOK_FORCED) is marked "forced by branch" either way. */
void inspector_draw_branch(const struct doc *d, size_t sel, struct rect r, const struct palette *pal,
			   const struct inspector_branch *ib);

#endif
