/* frame.c — one frame: lay out, recompute what changed, draw every region
 * into stdscr, overlays last, then a single doupdate. Only the visible part
 * of the answer is walked (see wrap.h); the panel's numbers are recomputed
 * only when tokens or settings changed (DIRTY_RECALC). */
#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/inspector.h"
#include "tui/status.h"

struct answer *frame_answer(struct app *a)
{
	return pair_active(a) ? pair_answer(a) : answers_current(&a->ans);
}

static void frame_layout(struct app *a)
{
	struct answer *an = frame_answer(a);
	struct layout_opts lo = {
		.hint = a->demo,
		.zoom = a->zoom,
		.lower_panel = a->lower_panel,
		.insp_rows = an ? inspector_rows(an->doc, an->sel) : 10,
	};

	layout_compute(&a->lay, LINES, COLS, &lo);
	if (pair_active(a) && !a->lay.too_small)
		pair_layout(a);
}

/* The text area inside the token view's box (one column of padding). */
static struct rect frame_text_rect(struct rect box)
{
	struct rect in = draw_inner(box);

	return (struct rect){ in.y, in.x + 1, in.h, in.w - 2 };
}

void frame_sync_answer(struct app *a, struct answer *an, struct rect t)
{
	size_t n = doc_count(an->doc);

	answer_sync(an, t.w);
	if (an->follow && n > 0)
		an->sel = n - 1;
	if (an->follow || (a->dirty & DIRTY_LAYOUT))
		answer_reveal(an, t.h);
	if (an->top >= wrap_count(&an->wrap))
		an->top = wrap_count(&an->wrap) - 1;
}

/* The current answer's, in the token view. */
static void frame_sync(struct app *a, struct answer *an)
{
	frame_sync_answer(a, an, frame_text_rect(a->lay.view));
}

static void frame_recalc(struct app *a, struct answer *an)
{
	struct rect pr = a->lay.has_side ? a->lay.side : a->lay.lower;
	int sw = panel_spark_width(pr, a->lay.has_side);

	if ((a->dirty & DIRTY_RECALC) || sw != a->pd.spark_req)
		panel_compute(&a->pd, an->doc, &a->vo, sw);
}

/* " p <10 <30 <50 <70 <90 ≥90% " on the view's top border, each cut in its
 * bucket's style, right-aligned. */
static void frame_legend(const struct app *a, struct rect box)
{
	static const char *const cuts[] = { "<10", "<30", "<50", "<70", "<90", "≥90%" };
	int w = 4 + 5 * 4 + 5 + 1, x = box.x + box.w - 2 - w;

	if (x < box.x + 20)
		return;
	x += draw_str(box.y, x, 4, " p: ", color_role(&a->pal, ROLE_DIM));
	for (int b = 0; b < THEME_NBUCKETS; b++) {
		x += draw_str(box.y, x, 5, cuts[b], color_bucket(&a->pal, (enum theme_role)(ROLE_P0 + b), 0));
		x += draw_str(box.y, x, 1, " ", color_role(&a->pal, ROLE_DIM));
	}
}

/* Where the answer came from, on the view's bottom border. */
static void frame_source(const struct app *a, const struct answer *an, struct rect box, int right)
{
	const char *prov = doc_meta(an->doc, DOC_META_PROVENANCE);
	char line[600];
	int room = box.w - 4 - right - 1;

	if (!prov || !*prov || room < 12)
		return;
	snprintf(line, sizeof line, " %s ", prov);
	draw_str_ellipsis(box.y + box.h - 1, box.x + 2, room, line, color_role(&a->pal, ROLE_DIM));
}

static void frame_view(struct app *a, struct answer *an)
{
	struct rect box = a->lay.view, t = frame_text_rect(box);
	char title[128], pos[64];
	size_t lines = wrap_count(&an->wrap);

	if (a->to.mode == CMODE_PROB)
		snprintf(title, sizeof title, "answer");
	else
		snprintf(title, sizeof title, "answer · colour: %s", tokview_mode_name(a->to.mode));
	draw_fill(box, color_role(&a->pal, ROLE_TEXT));
	draw_box(box, title, color_role(&a->pal, ROLE_BORDER), color_role(&a->pal, ROLE_TITLE));
	frame_legend(a, box);
	tokview_draw(an, t, &a->to, &a->pal, an->live);
	pos[0] = '\0';
	if (lines > (size_t)t.h)
		snprintf(pos, sizeof pos, " lines %zu–%zu of %zu ", an->top + 1,
			 an->top + (size_t)t.h < lines ? an->top + (size_t)t.h : lines, lines);
	draw_str_right(box.y + box.h - 1, box.x + 2, box.w - 4, pos, color_role(&a->pal, ROLE_DIM));
	frame_source(a, an, box, draw_width(pos));
}

static void frame_panel(struct app *a, struct answer *an, struct rect r, bool side)
{
	struct panel_view pv = {
		.d = an->doc, .pd = &a->pd, .vo = &a->vo, .sel = an->sel, .live = an->live, .side = side,
		.page = a->panel_page,
	};

	a->panel_pages = panel_draw(&pv, r, &a->pal);
	if (a->panel_page >= a->panel_pages)
		a->panel_page = a->panel_pages - 1;
}

/* The inspector, with branching's line and focus (branches.h). */
static void frame_inspector(struct app *a, struct answer *an, struct rect r)
{
	struct inspector_branch ib;
	char line[320];

	branches_inspector(a, an, &ib, line, sizeof line);
	inspector_draw_branch(an->doc, an->sel, r, &a->pal, &ib);
}

static void frame_too_small(struct app *a)
{
	char line[128];
	struct style st = color_role(&a->pal, ROLE_TEXT);

	draw_fill((struct rect){ 0, 0, LINES, COLS }, st);
	snprintf(line, sizeof line, "terminal too small: %d×%d", COLS, LINES);
	draw_str(LINES / 2 - 1, (COLS - draw_width(line)) / 2, COLS, line, color_role(&a->pal, ROLE_ERROR));
	snprintf(line, sizeof line, "tokscope needs at least %d×%d", LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	draw_str(LINES / 2, (COLS - draw_width(line)) / 2, COLS, line, st);
	draw_str(LINES / 2 + 1, (COLS - 6) / 2, COLS, "q quits", color_role(&a->pal, ROLE_DIM));
}

static void frame_empty(struct app *a)
{
	struct rect r = a->lay.view;

	r.h = a->lay.status.y - r.y;
	r.w = COLS;
	draw_fill(r, color_role(&a->pal, ROLE_TEXT));
	draw_str(r.y + r.h / 2, (COLS - 40) / 2, COLS, "No answer yet. Press p to write a prompt.",
		 color_role(&a->pal, ROLE_TITLE));
}

static void frame_main(struct app *a)
{
	struct answer *an = frame_answer(a);

	a->panel_pages = 0;
	status_draw_header(a, a->lay.header);
	if (a->demo)
		status_draw_hint(a, a->lay.hint);
	if (pair_active(a)) {
		pair_draw(a);
	} else if (!an) {
		frame_empty(a);
	} else {
		frame_view(a, an);
		if (a->lay.has_lower && a->lay.lower_is_panel)
			frame_panel(a, an, a->lay.lower, false);
		else if (a->lay.has_lower)
			frame_inspector(a, an, a->lay.lower);
		if (a->lay.has_side)
			frame_panel(a, an, a->lay.side, true);
	}
	status_draw_bar(a, a->lay.status);
}

/* Overlays: the editor over everything between header and status bar,
 * then a dialog. Places the cursor when one of them takes text. */
static void frame_overlays(struct app *a)
{
	int cy = -1, cx = -1;
	struct rect mid = { 1, 0, LINES - 2, COLS };

	if (a->editing && !a->lay.too_small)
		editor_draw(a->ed, mid, &a->pal, &cy, &cx);
	if (!a->lay.too_small)
		branches_draw(a);
	if (a->dlg.kind != DLG_NONE && !a->lay.too_small) {
		int dy, dx;

		dialog_draw(&a->dlg, (struct rect){ 0, 0, LINES, COLS }, &a->pal, &dy, &dx);
		if (a->dlg.kind != DLG_HELP) {
			cy = dy;
			cx = dx;
		}
	}
	if (cy >= 0 && cx >= 0) {
		curs_set(1);
		wmove(stdscr, cy, cx);
	} else {
		curs_set(0);
	}
}

void frame_draw(struct app *a)
{
	struct answer *an;
	double now;

	pair_check(a);
	frame_layout(a);
	an = frame_answer(a);
	wattr_set(stdscr, A_NORMAL, 0, NULL);
	werase(stdscr);
	if (a->lay.too_small) {
		frame_too_small(a);
	} else {
		if (an && !pair_active(a)) {
			frame_sync(a, an);
			frame_recalc(a, an);
		}
		frame_main(a);
	}
	frame_overlays(a);
	wnoutrefresh(stdscr);
	doupdate();
	a->dirty = 0;
	now = app_now_ms();
	if (app_busy(a) && a->frames && now - a->last_frame_ms > a->max_gap_ms)
		a->max_gap_ms = now - a->last_frame_ms;
	a->frames++;
	a->last_frame_ms = now;
}
