#include "tui/branches.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/branch.h"
#include "src/buf.h"
#include "src/text.h"
#include "tui/app.h"

#define BR_ALT_BYTES 24      /* of an alternative in the branch line */
#define BR_TAIL_BYTES 80     /* of a branch's continuation in the tree */

/* The tree of the answers now listed. */
struct br_tree {
	long *parent;
	size_t *order, *depth;
	size_t n;
};

static void br_tree_free(struct br_tree *t)
{
	free(t->parent);
	free(t->order);
	free(t->depth);
}

static bool br_tree_make(const struct app *a, struct br_tree *t)
{
	size_t n = a->ans.n ? a->ans.n : 1;
	const struct doc **docs = calloc(n, sizeof *docs);

	*t = (struct br_tree){ .parent = calloc(n, sizeof *t->parent), .order = calloc(n, sizeof *t->order),
			       .depth = calloc(n, sizeof *t->depth), .n = a->ans.n };
	if (!docs || !t->parent || !t->order || !t->depth) {
		free(docs);
		br_tree_free(t);
		return false;
	}
	for (size_t k = 0; k < a->ans.n; k++)
		docs[k] = a->ans.v[k].doc;
	branch_tree(docs, a->ans.n, t->parent, t->order, t->depth);
	free(docs);
	return true;
}

/* Visible bytes into out (NUL-terminated), at most max of them. */
static void br_escape(const uint8_t *p, size_t n, size_t max, enum text_mode mode, char *out, size_t outsz)
{
	struct buf b;

	buf_init(&b, outsz - 1);
	if (text_escape(&b, p, n < max ? n : max, mode) == 0)
		snprintf(out, outsz, "%s%s", buf_str(&b), n > max ? "…" : "");
	else
		snprintf(out, outsz, "…");
	buf_fini(&b);
	for (char *c = out; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
}

/* The alternative a branch took: its forced token, made visible. */
static void br_alt(const struct doc *d, size_t at, char *out, size_t outsz)
{
	size_t len;
	const uint8_t *p = doc_token_bytes(d, at, &len);

	if (len == 0)
		snprintf(out, outsz, "∅");
	else
		br_escape(p, len, BR_ALT_BYTES, TEXT_INSPECT, out, outsz);
}

/* ---- the inspector ----------------------------------------------------- */

static void br_line(const struct app *a, const struct answer *an, char *line, size_t linesz)
{
	struct br_tree t;
	long k = answers_find(&a->ans, an->doc), p;
	size_t at, nth = 0, kids = 0;
	char alt[128];

	line[0] = '\0';
	if (k < 0 || !br_tree_make(a, &t))
		return;
	p = t.parent[k];
	for (size_t j = 0; j < t.n; j++) {
		kids += t.parent[j] == k;
		if (p >= 0 && t.parent[j] == p && j <= (size_t)k)
			nth++;
	}
	if (branch_point(an->doc, &at)) {
		br_alt(an->doc, at, alt, sizeof alt);
		if (p >= 0)
			snprintf(line, linesz, "branch %zu of answer %ld at token %zu: %s", nth, p + 1, at + 1, alt);
		else
			snprintf(line, linesz, "branch at token %zu: %s (the answer it left is not open)", at + 1, alt);
	} else if (kids) {
		snprintf(line, linesz, "%zu branch%s", kids, kids == 1 ? "" : "es");
	}
	br_tree_free(&t);
}

void branches_inspector(struct app *a, const struct answer *an, struct inspector_branch *ib, char *line,
			size_t linesz)
{
	struct branches *b = &a->br;

	if (b->focus && (b->doc != an->doc || b->tok != an->sel))
		b->focus = false;   /* the selection moved on (a click, a new token) */
	*ib = (struct inspector_branch){ .focus = b->focus, .alt = b->alt,
					 .reason = b->reason[0] ? b->reason : NULL };
	br_line(a, an, line, linesz);
	ib->line = line[0] ? line : NULL;
}

/* ---- a: the alternatives list ----------------------------------------- */

/* Why an cannot branch from its selected token, into b->reason ("": it can). */
static void br_reason(struct app *a, const struct answer *an)
{
	const struct doc_token *t = doc_token(an->doc, an->sel);
	struct endpoint ep;
	enum branch_way way;
	struct ts_err err;

	a->br.reason[0] = '\0';
	ts_err_clear(&err);
	if (an->live)
		snprintf(a->br.reason, sizeof a->br.reason, "this answer is still streaming: branch from it once it "
			 "has finished (Esc cancels it)");
	else if (branch_endpoint(a->cfg, an->doc, &ep, &way, &err))
		snprintf(a->br.reason, sizeof a->br.reason, "%s", ts_err_msg(&err));
	else if (!t->nalt)
		snprintf(a->br.reason, sizeof a->br.reason, "token %zu has no alternatives (top_logprobs 0): "
			 "there is nothing to branch to", an->sel + 1);
}

static void br_focus(struct app *a)
{
	struct answer *an;
	const struct doc_token *t;

	if (pair_active(a))
		pair_close(a);
	an = frame_answer(a);
	if (!an || doc_count(an->doc) == 0) {
		app_message(a, false, "no token to branch from");
		return;
	}
	t = doc_token(an->doc, an->sel);
	a->br.focus = true;
	a->br.doc = an->doc;
	a->br.tok = an->sel;
	/* the best alternative that is not the chosen token */
	a->br.alt = t->rank == 1 && t->nalt > 1 ? 1 : 0;
	a->zoom = false;
	a->lower_panel = false;
	br_reason(a, an);
	/* the inspector shows the list, the status bar's hints its keys; why
	 * it cannot branch stays in the status bar once the list is left */
	if (a->br.reason[0])
		app_message(a, false, "cannot branch: %s", a->br.reason);
	else
		a->msg[0] = '\0';
	a->dirty |= DIRTY_LAYOUT;
}

static void br_start(struct app *a, struct answer *an)
{
	struct branch_req br;
	struct ts_err err;
	struct doc *d;

	if (app_busy(a)) {
		app_message(a, true, "a request is already running: Esc cancels it");
		return;
	}
	ts_err_clear(&err);
	if (branch_prepare(a->cfg, an->doc, an->sel, a->br.alt, &br, &err)) {
		app_message(a, true, "cannot branch: %s", ts_err_msg(&err));
		return;
	}
	a->br.focus = false;
	d = br.doc;
	br.doc = NULL;
	if (stream_start(a, d, &br.xo, &err)) {
		snprintf(a->last_error, sizeof a->last_error, "%s", ts_err_msg(&err));
		app_message(a, true, "%s", a->last_error);
	} else if (br.notice) {
		app_message(a, false, "%s", br.notice);
	}
	branch_req_fini(&br);
}

static bool br_focus_key(struct app *a, int key)
{
	struct answer *an = frame_answer(a);
	size_t n = an && an->sel < doc_count(an->doc) ? doc_token(an->doc, an->sel)->nalt : 0;

	if (!an || an->doc != a->br.doc || an->sel != a->br.tok) {
		a->br.focus = false;
		return false;
	}
	a->dirty |= DIRTY_REPAINT;
	if (key == 27 || key == 'a') {
		a->br.focus = false;
		a->msg[0] = '\0';
		return true;
	}
	if (!a->br.reason[0] && (key == KEYS_FN(KEY_UP) || key == 'k')) {
		a->br.alt = a->br.alt > 0 ? a->br.alt - 1 : 0;
		return true;
	}
	if (!a->br.reason[0] && (key == KEYS_FN(KEY_DOWN) || key == 'j')) {
		a->br.alt = a->br.alt + 1 < n ? a->br.alt + 1 : a->br.alt;
		return true;
	}
	if (!a->br.reason[0] && (key == '\r' || key == KEYS_FN(KEY_ENTER))) {
		br_start(a, an);
		return true;
	}
	a->br.focus = false;   /* any other key: back, and the key does its work */
	return false;
}

/* ---- Y: the tree box ---------------------------------------------------- */

static void br_go(struct app *a, size_t k)
{
	if (pair_active(a))
		pair_close(a);
	a->ans.cur = k;
	a->br.focus = false;
	a->dirty |= DIRTY_RECALC | DIRTY_LAYOUT;
}

static void br_tree_open(struct app *a)
{
	struct br_tree t;

	if (a->ans.n == 0) {
		app_message(a, false, "no answers yet");
		return;
	}
	if (!br_tree_make(a, &t))
		return;
	a->br.tree = true;
	a->br.tree_cur = 0;
	for (size_t i = 0; i < t.n; i++)
		if (t.order[i] == a->ans.cur)
			a->br.tree_cur = i;
	a->br.tree_top = 0;
	a->br.focus = false;
	br_tree_free(&t);
}

static bool br_tree_key(struct app *a, int key)
{
	struct branches *b = &a->br;
	size_t n = a->ans.n, page = b->tree_rows > 1 ? (size_t)b->tree_rows - 1 : 1;
	struct br_tree t;

	a->dirty |= DIRTY_REPAINT;
	if (key == KEYS_FN(KEY_UP) || key == 'k')
		b->tree_cur = b->tree_cur > 0 ? b->tree_cur - 1 : 0;
	else if (key == KEYS_FN(KEY_DOWN) || key == 'j')
		b->tree_cur = b->tree_cur + 1 < n ? b->tree_cur + 1 : b->tree_cur;
	else if (key == KEYS_FN(KEY_PPAGE))
		b->tree_cur = b->tree_cur > page ? b->tree_cur - page : 0;
	else if (key == KEYS_FN(KEY_NPAGE))
		b->tree_cur = b->tree_cur + page < n ? b->tree_cur + page : n - 1;
	else if (key == KEYS_FN(KEY_HOME) || key == 'g')
		b->tree_cur = 0;
	else if (key == KEYS_FN(KEY_END) || key == 'G')
		b->tree_cur = n - 1;
	else if (key == 27 || key == 'q' || key == 'Y' || key == KEYS_CTRL('c'))
		b->tree = false;
	else if ((key == '\r' || key == KEYS_FN(KEY_ENTER)) && br_tree_make(a, &t)) {
		b->tree = false;
		if (b->tree_cur < t.n)
			br_go(a, t.order[b->tree_cur]);
		br_tree_free(&t);
	}
	return true;
}

/* One row of the tree: "3  └ at token 2: ␣in → , in the forest…". */
static void br_tree_row(const struct app *a, const struct br_tree *t, size_t k, char *out, size_t outsz)
{
	const struct doc *d = a->ans.v[k].doc;
	const char *title = doc_meta(d, DOC_META_TITLE);
	char alt[128], tail[512], name[512];
	size_t at, len, o, depth = t->depth[k] < 12 ? t->depth[k] : 12;
	const uint8_t *text = doc_text(d, &len);

	o = (size_t)snprintf(out, outsz, "%3zu  ", k + 1);
	for (size_t i = 1; i < depth && o < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "  ");
	if (o < outsz && branch_point(d, &at) && t->parent[k] >= 0) {
		size_t from = at + 1 < doc_count(d) ? doc_token(d, at + 1)->off : len;

		br_alt(d, at, alt, sizeof alt);
		br_escape(text + from, len - from, BR_TAIL_BYTES, TEXT_FLOW, tail, sizeof tail);
		snprintf(out + o, outsz - o, "└ at token %zu: %s → %s", at + 1, alt, tail);
		return;
	}
	if (title)
		br_escape((const uint8_t *)title, strlen(title), 200, TEXT_FLOW, name, sizeof name);
	if (o < outsz)
		snprintf(out + o, outsz - o, "%s · %zu token%s", title ? name : "answer", doc_count(d),
			 doc_count(d) == 1 ? "" : "s");
}

void branches_draw(struct app *a)
{
	struct branches *b = &a->br;
	struct br_tree t;
	int w = COLS - 8 < 110 ? COLS - 8 : 110, h, rows;
	struct rect r;
	char title[64], row[1024];

	if (!b->tree || !br_tree_make(a, &t))
		return;
	h = (int)t.n + 2 < LINES - 4 ? (int)t.n + 2 : LINES - 4;
	r = (struct rect){ (LINES - h) / 2, (COLS - w) / 2, h, w };
	rows = h - 2;
	b->tree_rows = rows;
	if (b->tree_cur >= t.n)
		b->tree_cur = t.n ? t.n - 1 : 0;
	if (b->tree_cur < b->tree_top)
		b->tree_top = b->tree_cur;
	if (rows > 0 && b->tree_cur >= b->tree_top + (size_t)rows)
		b->tree_top = b->tree_cur - (size_t)rows + 1;
	snprintf(title, sizeof title, "answers as a tree (%zu)", t.n);
	draw_fill(r, color_role(&a->pal, ROLE_TEXT));
	draw_box(r, title, color_role(&a->pal, ROLE_BORDER), color_role(&a->pal, ROLE_TITLE));
	for (int i = 0; i < rows && b->tree_top + (size_t)i < t.n; i++) {
		size_t k = t.order[b->tree_top + (size_t)i];
		bool cur = b->tree_top + (size_t)i == b->tree_cur;
		struct style st = color_role(&a->pal, cur ? ROLE_SELECTED : ROLE_TEXT);

		br_tree_row(a, &t, k, row, sizeof row);
		if (cur)
			draw_fill((struct rect){ r.y + 1 + i, r.x + 1, 1, r.w - 2 }, st);
		draw_str(r.y + 1 + i, r.x + 1, 1, k == a->ans.cur ? "▸" : " ", color_role(&a->pal, ROLE_MARK));
		draw_str_ellipsis(r.y + 1 + i, r.x + 2, r.w - 4, row, st);
	}
	draw_str_right(r.y + r.h - 1, r.x + 2, r.w - 4, " ↑↓ choose  Enter go  Esc close ",
		       color_role(&a->pal, ROLE_DIM));
	br_tree_free(&t);
}

/* ---- { }: the branches of one answer ------------------------------------ */

static void br_sibling(struct app *a, int dir)
{
	struct answer *an = frame_answer(a);
	long k = an ? answers_find(&a->ans, an->doc) : -1, head, seq_pos = -1, want;
	size_t *seq, n = 0;
	struct br_tree t;

	if (k < 0 || !br_tree_make(a, &t))
		return;
	seq = calloc(t.n, sizeof *seq);
	head = t.parent[k] >= 0 ? t.parent[k] : k;
	/* the answer the branches left, then its branches in list order */
	if (seq) {
		seq_pos = head == k ? 0 : -1;
		seq[n++] = (size_t)head;
		for (size_t j = 0; j < t.n; j++)
			if (t.parent[j] == head) {
				if ((long)j == k)
					seq_pos = (long)n;
				seq[n++] = j;
			}
	}
	want = seq_pos + dir;
	if (!seq || n < 2)
		app_message(a, false, "answer %ld has no branches: a in the inspector makes one", head + 1);
	else if (want < 0 || want >= (long)n)
		app_message(a, false, "no %s branch of answer %ld", dir < 0 ? "earlier" : "later", head + 1);
	else if (want == 0)
		app_message(a, false, "answer %ld: %zu branch%s start%s from it", head + 1, n - 1, n == 2 ? "" : "es",
			    n == 2 ? "s" : "");
	else
		app_message(a, false, "branch %ld of %zu of answer %ld", want, n - 1, head + 1);
	if (seq && n >= 2 && want >= 0 && want < (long)n)
		br_go(a, seq[want]);
	free(seq);
	br_tree_free(&t);
}

/* ---- entry points ---------------------------------------------------------- */

bool branches_key(struct app *a, int key)
{
	if (a->br.tree)
		return br_tree_key(a, key);
	if (a->br.focus)
		return br_focus_key(a, key);
	return false;
}

bool branches_action(struct app *a, enum action act)
{
	switch (act) {
	case ACT_ALTS: br_focus(a); break;
	case ACT_TREE: br_tree_open(a); break;
	case ACT_PREV_BRANCH: br_sibling(a, -1); break;
	case ACT_NEXT_BRANCH: br_sibling(a, 1); break;
	default: return false;
	}
	a->dirty |= DIRTY_REPAINT;
	return true;
}
