#include "tui/wrap.h"

#include <stdlib.h>
#include <string.h>

void wrap_init(struct wrap *w)
{
	memset(w, 0, sizeof *w);
	w->width = -1;
}

void wrap_fini(struct wrap *w)
{
	free(w->lines);
	wrap_init(w);
}

static void wrap_push(struct wrap *w, const struct doc *d, struct cell_pos at)
{
	cells_normalize(d, &at);
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct cell_pos *p = realloc(w->lines, cap * sizeof *p);

		if (!p) {
			w->oom = true;
			return;
		}
		w->lines = p;
		w->cap = cap;
	}
	w->lines[w->n++] = at;
	w->pos = at;
	w->col = 0;
	w->has_opp = false;
}

void wrap_reset(struct wrap *w, int width)
{
	w->n = 0;
	w->width = width < 1 ? 1 : width;
	w->oom = false;
	w->pos = (struct cell_pos){ 0, 0 };
	w->col = 0;
	w->has_opp = false;
}

/* Places one cell that starts at `at`; pos is already past it. Returns
 * false when the line broke and the walk resumes from w->pos. */
static bool wrap_place(struct wrap *w, const struct doc *d, const struct cell *c, struct cell_pos at)
{
	if (c->kind == CELL_NEWLINE) {
		wrap_push(w, d, w->pos);
		return false;
	}
	if (w->col > 0 && w->col + c->width > w->width) {
		/* A space that does not fit hangs past the end of its line (as in
		 * any text editor), so the next line starts with the next word. */
		if (c->kind == CELL_SPACE)
			wrap_push(w, d, w->pos);
		else if (w->has_opp && cells_before(w->lines[w->n - 1], w->opp))
			wrap_push(w, d, w->opp);
		else
			wrap_push(w, d, at);
		return false;
	}
	w->col += c->width;
	if (c->kind == CELL_SPACE || c->kind == CELL_TAB) {
		w->has_opp = true;
		w->opp = w->pos;
	}
	return true;
}

void wrap_sync(struct wrap *w, const struct doc *d, bool final)
{
	struct cell c;

	if (w->n == 0)
		wrap_push(w, d, (struct cell_pos){ 0, 0 });
	while (!w->oom) {
		struct cell_pos at = w->pos;

		if (!cells_next(d, &w->pos, w->col, final, &c)) {
			w->pos = at;
			break;
		}
		wrap_place(w, d, &c, at);
	}
}

size_t wrap_count(const struct wrap *w)
{
	return w->n ? w->n : 1;
}

struct cell_pos wrap_line(const struct wrap *w, size_t i)
{
	if (i < w->n)
		return w->lines[i];
	if (w->n == 0)
		return (struct cell_pos){ 0, 0 };
	return (struct cell_pos){ UINT32_MAX, UINT32_MAX };
}

size_t wrap_line_of(const struct wrap *w, const struct doc *d, size_t tok)
{
	struct cell_pos key;
	size_t lo = 0, hi = w->n;

	if (w->n == 0 || tok >= doc_count(d))
		return w->n ? w->n - 1 : 0;
	key = (struct cell_pos){ doc_token(d, tok)->off, (uint32_t)tok };
	/* the last line starting at or before key */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (cells_before(key, w->lines[mid]))
			hi = mid;
		else
			lo = mid;
	}
	return lo;
}
