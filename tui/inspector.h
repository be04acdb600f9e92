/* inspector.h — everything about the selected token.
 *
 * Left: index, text with visible whitespace (␣ ⇥ ↵), bytes in hex and
 * decimal, UTF-8 state (and for a partial token the character it belongs
 * to), logprob, probability, rank, margin to the runner-up, entropy bounds.
 * Right: the alternatives with probability bars, the chosen one marked, and
 * an "others" row with the mass outside the top k (highlighted when the
 * chosen token is not in the list). Narrow panes stack the two. */
#ifndef TOKSCOPE_TUI_INSPECTOR_H
#define TOKSCOPE_TUI_INSPECTOR_H

#include <stddef.h>

#include "src/doc.h"
#include "tui/color.h"

/* Rows the inspector would like for token sel of d, borders included. */
int inspector_rows(const struct doc *d, size_t sel);

void inspector_draw(const struct doc *d, size_t sel, struct rect r, const struct palette *pal);

#endif
