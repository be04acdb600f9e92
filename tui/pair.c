/* pair.c — two answers side by side (pair.h): the state, opening and
 * closing, the keys, judging, the layout, the compare view's following
 * selection, and clicks. The drawing is pairdraw.c's. */
#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/inspector.h"

#define PAIR_MIN_PANE_ROWS 6
#define PAIR_BOX_MIN_W 46    /* the compare list's columns */
#define PAIR_INSP_MIN_W 66   /* the inspector's two columns */

bool pair_active(const struct app *a)
{
	return a->pair.kind != PAIR_NONE;
}

struct answer *pair_side(struct app *a, int s)
{
	long i = answers_find(&a->ans, a->pair.doc[s]);

	return i < 0 ? NULL : &a->ans.v[i];
}

struct answer *pair_answer(struct app *a)
{
	return pair_side(a, a->pair.focus);
}

/* The focus to side s; its answer (when listed) becomes current. */
static void pair_focus(struct app *a, int s)
{
	long i = answers_find(&a->ans, a->pair.doc[s]);

	a->pair.focus = s;
	if (i >= 0)
		a->ans.cur = (size_t)i;
	a->dirty |= DIRTY_LAYOUT | DIRTY_REPAINT;
}

void pair_fini(struct app *a)
{
	compare_fini(&a->pair.cr);
	memset(&a->pair, 0, sizeof a->pair);
}

void pair_close(struct app *a)
{
	if (!pair_active(a))
		return;
	pair_fini(a);
	a->dirty |= DIRTY_LAYOUT | DIRTY_RECALC | DIRTY_REPAINT;
}

void pair_check(struct app *a)
{
	struct answer *cur = answers_current(&a->ans);
	struct pair *p = &a->pair;

	if (!pair_active(a) || (cur && cur->doc == p->doc[p->focus]))
		return;
	if (cur && cur->doc == p->doc[!p->focus]) {
		/* the focused side not listed yet keeps the other current */
		if (pair_side(a, p->focus))
			p->focus = !p->focus;
		return;
	}
	pair_close(a);
}

/* ---- opening ---- */

void pair_open_cascade(struct app *a, struct esc *e)
{
	pair_close(a);
	a->pair.kind = PAIR_CASCADE;
	a->pair.esc = e;
	a->pair.doc[0] = e->cheap;
	a->pair.doc[1] = e->strong;
	snprintf(a->pair.name[0], sizeof a->pair.name[0], "cheap");
	snprintf(a->pair.name[1], sizeof a->pair.name[1], "strong");
	pair_focus(a, 1);
	a->dirty |= DIRTY_RECALC;
}

/* Starts each side's selection on the first divergence (identical texts:
 * on the largest difference). */
static void pair_compare_select(struct app *a)
{
	struct pair *p = &a->pair;
	const struct compare_result *cr = &p->cr;
	size_t at[2] = { cr->div_a, cr->div_b };

	if (cr->identical && cr->ntop > 0) {
		at[0] = cr->top[0].a;
		at[1] = cr->top[0].b;
	} else if (cr->identical) {
		at[0] = at[1] = 0;
	}
	for (int s = 0; s < 2; s++) {
		struct answer *an = pair_side(a, s);

		if (!an)
			continue;
		answer_select(an, at[s]);
		an->goal_col = -1;
		p->synced[s] = an->sel;
	}
}

int pair_open_compare(struct app *a, size_t ia, size_t ib, const char *name_a, const char *name_b)
{
	struct compare_result cr;
	struct ts_err err;
	char na[256], nb[256];

	if (ia >= a->ans.n || ib >= a->ans.n || ia == ib) {
		app_message(a, true, "V compares two answers: there is only one");
		return -1;
	}
	if (a->ans.v[ia].live || a->ans.v[ib].live) {
		app_message(a, true, "an answer is still arriving: compare it once it is complete");
		return -1;
	}
	if (compare_docs(a->ans.v[ia].doc, a->ans.v[ib].doc, COMPARE_DEFAULT_TOP, &cr, &err)) {
		app_message(a, true, "cannot compare: %s", ts_err_msg(&err));
		return -1;
	}
	snprintf(na, sizeof na, "%s", name_a ? name_a : "");
	snprintf(nb, sizeof nb, "%s", name_b ? name_b : "");
	pair_close(a);
	a->pair = (struct pair){ .kind = PAIR_COMPARE, .cr = cr, .doc = { a->ans.v[ia].doc, a->ans.v[ib].doc } };
	if (!na[0])
		snprintf(na, sizeof na, "answer %zu", ia + 1);
	if (!nb[0])
		snprintf(nb, sizeof nb, "answer %zu", ib + 1);
	snprintf(a->pair.name[0], sizeof a->pair.name[0], "%s", na);
	snprintf(a->pair.name[1], sizeof a->pair.name[1], "%s", nb);
	pair_compare_select(a);
	pair_focus(a, 1);
	a->dirty |= DIRTY_RECALC;
	app_message(a, false, "A: %s, B: %s · V: compare B with another · v: the other pane", na, nb);
	return 0;
}

void pair_compare_key(struct app *a)
{
	struct pair *p = &a->pair;
	long ia = answers_find(&a->ans, p->doc[0]), ib = answers_find(&a->ans, p->doc[1]);
	size_t n = a->ans.n, next;
	char keep[256];

	if (p->kind == PAIR_CASCADE) {
		if (ia < 0 || ib < 0)
			app_message(a, true, "the strong answer has not arrived yet");
		else
			pair_open_compare(a, (size_t)ia, (size_t)ib, "cheap", "strong");
		return;
	}
	if (n < 2 || (p->kind == PAIR_NONE && !answers_current(&a->ans))) {
		app_message(a, true, "V compares two answers: there %s", n ? "is only one" : "is none yet");
		return;
	}
	if (p->kind == PAIR_COMPARE && ia >= 0 && ib >= 0) {
		snprintf(keep, sizeof keep, "%s", p->name[1]);
		next = (size_t)ia;
		do
			next = (next + n - 1) % n;
		while (next == (size_t)ib);
		pair_open_compare(a, next, (size_t)ib, NULL, keep);
		return;
	}
	pair_open_compare(a, (a->ans.cur + n - 1) % n, a->ans.cur, NULL, NULL);
}

void pair_switch(struct app *a)
{
	struct pair *p = &a->pair;

	if (!pair_active(a)) {
		app_message(a, false, "v switches between two panes: E escalates, V compares");
		return;
	}
	pair_focus(a, !p->focus);
	if (!p->two)
		app_message(a, false, "showing %s (v: %s)", p->name[p->focus], p->name[!p->focus]);
}

/* ---- judging ---- */

/* Side s judged on its own with the options in effect. */
static void pair_judge(struct app *a, int s, const struct route_opts *ro, const struct label_set *ls)
{
	struct pair_judged *j = &a->pair.j[s];

	j->ls = *ls;
	route_answer(a->pair.doc[s], j->ls.n ? &j->ls : NULL, ro, &j->m, &j->lr, &j->r);
	j->valid = true;
}

/* τ, μ, the statistic or the labels changed, or tokens arrived: both sides
 * again; for the cascade through cascade_rejudge, so its stages, its why
 * and the panes agree (one label set for both: the cheap answer's). */
static void pair_rejudge(struct app *a)
{
	struct pair *p = &a->pair;
	struct route_opts ro;
	struct label_set ls;
	bool has;

	if (p->kind == PAIR_COMPARE) {
		for (int s = 0; s < 2; s++) {
			escalate_route_opts(a, p->doc[s], &ro, &ls);
			pair_judge(a, s, &ro, &ls);
		}
		return;
	}
	has = escalate_route_opts(a, p->doc[0], &ro, &ls);
	cascade_rejudge(p->esc->c, &ro, has ? &ls : NULL);
	for (int s = 0; s < 2; s++) {
		const struct cascade_stage *st = cascade_stage(p->esc->c, s ? CASCADE_STRONG : CASCADE_CHEAP);

		if (st->done) {
			p->j[s] = (struct pair_judged){ .m = st->m, .lr = st->lr, .r = st->r, .valid = true };
		} else {
			pair_judge(a, s, &ro, &ls);
			p->j[s].valid = st->started;
		}
	}
}

/* ---- layout ---- */

static int pair_clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The lower boxes: inspector and summary side by side when both fit,
 * else one of them (i chooses). */
static void pair_layout_lower(struct app *a, int y, int h)
{
	struct pair *p = &a->pair;
	int cols = a->lay.cols, bw = cols * 2 / 5;

	p->has_insp = p->has_box = h > 2;
	if (!p->has_insp)
		return;
	if (cols < PAIR_INSP_MIN_W + PAIR_BOX_MIN_W) {
		p->has_insp = !a->lower_panel;
		p->has_box = a->lower_panel;
		p->insp = p->box = (struct rect){ y, 0, h, cols };
		return;
	}
	bw = pair_clamp(bw, PAIR_BOX_MIN_W, cols - PAIR_INSP_MIN_W);
	p->insp = (struct rect){ y, 0, h, cols - bw };
	p->box = (struct rect){ y, cols - bw, h, bw };
}

void pair_layout(struct app *a)
{
	struct pair *p = &a->pair;
	struct layout *l = &a->lay;
	struct answer *an = pair_answer(a);
	int top = l->header.y + 1 + l->hint.h, avail = l->status.y - top, lower = 0, panes, pw;
	struct rect t;

	p->two = l->cols >= LAYOUT_WIDE_COLS;
	if (!a->zoom && avail >= 2 * PAIR_MIN_PANE_ROWS) {
		lower = pair_clamp(an ? inspector_rows(an->doc, an->sel) : 10, avail / 3, avail / 2);
		lower = lower > avail - 1 - PAIR_MIN_PANE_ROWS ? avail - 1 - PAIR_MIN_PANE_ROWS : lower;
	}
	panes = avail - 1 - lower;
	pw = p->two ? l->cols / 2 : l->cols;
	for (int s = 0; s < 2; s++) {
		p->pane[s] = (struct rect){ top, p->two && s ? pw : 0, panes, p->two && s ? l->cols - pw : pw };
		p->text[s] = (struct rect){ top + 3, p->pane[s].x + 2, panes - 4, p->pane[s].w - 4 };
	}
	p->info = (struct rect){ top + panes, 0, 1, l->cols };
	pair_layout_lower(a, top + panes + 1, lower);
	/* the selection keys see the focused pane as the token view */
	t = p->text[p->focus];
	l->view = (struct rect){ t.y - 1, t.x - 2, t.h + 2, t.w + 4 };
	l->has_lower = l->has_side = false;
	l->wide = p->has_insp && p->has_box;   /* i toggles the lower box when only one shows */
}

/* ---- the other pane follows (compare) ---- */

/* Side s's partner for its token tok: the aligned token; before the
 * divergence the one holding the same byte; after it, the other side's
 * divergent token. */
static size_t pair_partner(const struct pair *p, int s, size_t tok)
{
	const struct compare_result *cr = &p->cr;
	size_t lo = 0, hi = cr->npairs, n = doc_count(p->doc[!s]), to;
	uint32_t off = doc_token(p->doc[s], tok)->off;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((s ? cr->pairs[mid].b : cr->pairs[mid].a) < tok)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < cr->npairs && (s ? cr->pairs[lo].b : cr->pairs[lo].a) == tok)
		return s ? cr->pairs[lo].a : cr->pairs[lo].b;
	to = !cr->identical && off >= cr->common ? (s ? cr->div_a : cr->div_b) : compare_token_at(p->doc[!s], off);
	return n == 0 ? 0 : to < n ? to : n - 1;
}

/* Compare: the other pane follows the focused one's selection. */
static void pair_follow(struct app *a)
{
	struct pair *p = &a->pair;
	int f = p->focus;
	struct answer *af = pair_side(a, f), *ao = pair_side(a, !f);

	if (p->kind != PAIR_COMPARE || !af || !ao || doc_count(af->doc) == 0 || af->sel == p->synced[f])
		return;
	answer_select(ao, pair_partner(p, f, af->sel));
	ao->goal_col = -1;
	answer_reveal(ao, p->text[!f].h);
	p->synced[f] = af->sel;
	p->synced[!f] = ao->sel;
}

static void pair_sync(struct app *a)
{
	for (int s = 0; s < 2; s++) {
		struct answer *an = pair_side(a, s);

		if (an && a->pair.text[s].w > 0 && a->pair.text[s].h > 0)
			frame_sync_answer(a, an, a->pair.text[s]);
	}
	pair_follow(a);
}

void pair_draw(struct app *a)
{
	struct pair *p = &a->pair;

	pair_sync(a);
	if ((a->dirty & DIRTY_RECALC) || !p->j[0].valid)
		pair_rejudge(a);
	pairdraw_paint(a);
}

/* ---- the mouse and the header ---- */

static bool pair_in(struct rect r, int y, int x)
{
	return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
}

/* A row of the compare list: both panes to that pair. */
static void pair_pick(struct app *a, size_t row)
{
	struct pair *p = &a->pair;
	const struct compare_pair *cp = &p->cr.top[row];
	size_t at[2] = { cp->a, cp->b };

	for (int s = 0; s < 2; s++) {
		struct answer *an = pair_side(a, s);

		if (!an)
			return;
		answer_select(an, at[s]);
		an->goal_col = -1;
		p->synced[s] = an->sel;
	}
	a->dirty |= DIRTY_LAYOUT | DIRTY_REPAINT;
}

bool pair_click(struct app *a, int y, int x)
{
	struct pair *p = &a->pair;
	size_t tok;

	if (p->has_box && p->kind == PAIR_COMPARE && p->list_y >= 0 && y >= p->list_y &&
	    y < p->list_y + (int)p->list_n && pair_in(p->box, y, x)) {
		pair_pick(a, (size_t)(y - p->list_y));
		return true;
	}
	for (int s = 0; s < 2; s++) {
		struct answer *an = pair_side(a, s);
		struct rect t = p->text[s];

		if (!(p->two || s == p->focus) || !pair_in(p->pane[s], y, x))
			continue;
		if (s != p->focus)
			pair_focus(a, s);
		if (an && pair_in(t, y, x) && tokview_token_at(an, an->top + (size_t)(y - t.y), x - t.x, true, &tok)) {
			answer_select(an, tok);
			an->goal_col = -1;
		}
		a->dirty |= DIRTY_REPAINT;
		return true;
	}
	return false;
}

static const char *pair_meta(const struct doc *d, enum doc_meta_key k)
{
	const char *v = doc_meta(d, k);

	return v && *v ? v : NULL;
}

/* One side in the compare header: its name, then what tells it apart: its
 * answer number when the name is another (a file's, "cheap"), else its
 * model, and its title unless both sides share it. */
static void pair_side_label(const struct pair *p, int s, long i, bool shared, char *out, size_t outsz)
{
	const char *model = pair_meta(p->doc[s], DOC_META_MODEL);
	const char *title = shared ? NULL : pair_meta(p->doc[s], DOC_META_TITLE);
	char num[32];

	snprintf(num, sizeof num, "answer %ld", i + 1);
	if (strcmp(p->name[s], num) != 0)
		snprintf(out, outsz, "%s (%s)", p->name[s], num);
	else
		snprintf(out, outsz, "%s%s%s%s%s%s", num, title || model ? " (" : "", title ? title : "",
			 title && model ? " · " : "", model ? model : "", title || model ? ")" : "");
}

void pair_header(const struct app *a, char *out, size_t outsz)
{
	const struct pair *p = &a->pair;
	long i = answers_find(&a->ans, p->doc[0]), j = answers_find(&a->ans, p->doc[1]);
	const char *title = pair_meta(p->doc[0], DOC_META_TITLE), *tb = pair_meta(p->doc[1], DOC_META_TITLE);
	bool shared = title && tb && strcmp(title, tb) == 0;
	char sj[64], la[600], lb[600];

	snprintf(sj, sizeof sj, "answer %ld (strong)", j + 1);
	if (p->kind == PAIR_CASCADE) {
		snprintf(out, outsz, " %scascade: answer %ld (cheap) → %s%s%s",
			 cascade_is_recorded(p->esc->c) ? "recorded " : "", i + 1, j < 0 ? "the strong model" : sj,
			 title ? ": " : "", title ? title : "");
		return;
	}
	pair_side_label(p, 0, i, shared, la, sizeof la);
	pair_side_label(p, 1, j, shared, lb, sizeof lb);
	snprintf(out, outsz, " compare: A %s with B %s%s%s", la, lb, shared ? ": " : "", shared ? title : "");
}
