/* bench_hook.c — see bench_hook.h. Only calls what tui_run's set-up and
 * the loop call. */
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/bench_hook.h"

struct bench_view {
	struct app a;
	SCREEN *screen;
};

struct bench_view *bench_view_new(struct doc *d, const char *term, FILE *out, int rows, int cols)
{
	struct bench_view *v = calloc(1, sizeof *v);
	struct ts_err err;

	if (!v)
		return NULL;
	v->screen = newterm(term, out, stdin);
	if (!v->screen || theme_default(&v->a.theme, &err)) {
		bench_view_free(v);
		return NULL;
	}
	resizeterm(rows, cols);
	curs_set(0);
	v->a.depth = color_detect();
	color_setup(&v->a.pal, &v->a.theme, v->a.depth);
	answers_init(&v->a.ans);
	dialog_init(&v->a.dlg);
	v->a.xidx = -1;
	v->a.vo = (struct verdict_opts){ .stat = STAT_FIRST, .threshold = 0.85, .tok_threshold = 0.5,
					 .quantile = 0.1 };
	v->a.to = (struct tokview_opts){ .mode = CMODE_PROB, .tok_threshold = 0.5 };
	if (answers_add(&v->a.ans, d) < 0) {
		doc_free(d);
		bench_view_free(v);
		return NULL;
	}
	v->a.dirty = DIRTY_LAYOUT | DIRTY_RECALC | DIRTY_REPAINT;
	frame_draw(&v->a);
	return v;
}

void bench_view_free(struct bench_view *v)
{
	if (!v)
		return;
	answers_fini(&v->a.ans);
	panel_fini(&v->a.pd);
	dialog_fini(&v->a.dlg);
	if (v->screen) {
		endwin();
		delscreen(v->screen);
	}
	free(v);
}

void bench_view_select(struct bench_view *v, size_t tok)
{
	struct answer *an = frame_answer(&v->a);
	size_t line;

	answer_select(an, tok);
	line = wrap_line_of(&an->wrap, an->doc, an->sel);
	an->top = line > (size_t)v->a.lay.view.h / 2 ? line - (size_t)v->a.lay.view.h / 2 : 0;
	v->a.dirty |= DIRTY_REPAINT;
}

void bench_view_scroll(struct bench_view *v, long lines)
{
	struct answer *an = frame_answer(&v->a);
	long top = (long)an->top + lines;

	an->top = top < 0 ? 0 : (size_t)top;
	v->a.dirty |= DIRTY_REPAINT;
}

void bench_view_frame(struct bench_view *v, bool full)
{
	if (full)
		clearok(curscr, TRUE);
	frame_draw(&v->a);
}

size_t bench_view_lines(const struct bench_view *v)
{
	return wrap_count(&v->a.ans.v[v->a.ans.cur].wrap);
}
