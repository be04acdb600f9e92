/* layout.h — where each region goes for a terminal size.
 *
 *   wide (≥ 100 columns):          narrow (< 100 columns):
 *   header                          header
 *   [demo hint]                     [demo hint]
 *   token view        │ side        token view
 *   ──────────────────│ panel       ───────────────────
 *   inspector         │             inspector OR panel (key i)
 *   status bar                      status bar
 *
 * Zoom gives the token view everything but the header and status bar.
 * Below LAYOUT_MIN_COLS × LAYOUT_MIN_ROWS only a "terminal too small"
 * screen is drawn. */
#ifndef TOKSCOPE_TUI_LAYOUT_H
#define TOKSCOPE_TUI_LAYOUT_H

#include <stdbool.h>

#include "tui/draw.h"

#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 16
#define LAYOUT_WIDE_COLS 100

struct layout_opts {
	bool hint;          /* a demo hint line under the header */
	bool zoom;
	bool lower_panel;   /* narrow: the lower pane shows the panel */
	int insp_rows;      /* rows the inspector would like (its content) */
};

struct layout {
	int rows, cols;
	bool too_small;
	bool wide;
	struct rect header, hint, view, lower, side, status;
	bool has_lower, has_side;
	bool lower_is_panel;
};

void layout_compute(struct layout *l, int rows, int cols, const struct layout_opts *o);

#endif
