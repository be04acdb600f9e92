#include "tui/layout.h"

#include <string.h>

static int layout_side_width(int cols)
{
	int w = cols / 4 + 10;

	if (w < 35)
		w = 35;
	if (w > 52)
		w = 52;
	return w;
}

/* Rows for the lower pane: what the inspector wants, within a third to
 * a half of the space, leaving the token view at least 5 rows. */
static int layout_lower_rows(int avail, int want, bool panel)
{
	int lo = avail / 3, hi = avail / 2, h;

	if (panel)
		want = hi = avail * 2 / 3;
	h = want < lo ? lo : want > hi ? hi : want;
	if (avail - h < 5)
		h = avail - 5;
	return h;
}

void layout_compute(struct layout *l, int rows, int cols, const struct layout_opts *o)
{
	int top, avail, main_w, lower_h;

	memset(l, 0, sizeof *l);
	l->rows = rows;
	l->cols = cols;
	l->too_small = rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS;
	if (l->too_small)
		return;
	l->wide = cols >= LAYOUT_WIDE_COLS;
	l->header = (struct rect){ 0, 0, 1, cols };
	top = 1;
	if (o->hint) {
		l->hint = (struct rect){ 1, 0, 1, cols };
		top = 2;
	}
	l->status = (struct rect){ rows - 1, 0, 1, cols };
	avail = rows - 1 - top;
	if (o->zoom) {
		l->view = (struct rect){ top, 0, avail, cols };
		return;
	}
	main_w = cols;
	if (l->wide) {
		int sw = layout_side_width(cols);

		main_w = cols - sw;
		l->side = (struct rect){ top, main_w, avail, sw };
		l->has_side = true;
	}
	l->lower_is_panel = !l->wide && o->lower_panel;
	lower_h = layout_lower_rows(avail, o->insp_rows, l->lower_is_panel);
	l->view = (struct rect){ top, 0, avail - lower_h, main_w };
	l->lower = (struct rect){ top + avail - lower_h, 0, lower_h, main_w };
	l->has_lower = true;
}
