#include "tui/tokview.h"

#include <math.h>
#include <string.h>

#include "src/buf.h"
#include "src/metrics.h"
#include "src/text.h"
#include "src/theme.h"

static const char *const mode_names[] = {
#define CMODE_NAME(e, n) n,
	COLOR_MODES(CMODE_NAME)
#undef CMODE_NAME
};

const char *tokview_mode_name(enum color_mode m)
{
	return m < CMODE_COUNT ? mode_names[m] : "?";
}

static double tokview_rank_value(int rank)
{
	static const double by_rank[] = { 0.05, 0.95, 0.6, 0.4, 0.2, 0.2 };

	return rank >= 0 && rank < 6 ? by_rank[rank] : 0.05;
}

double tokview_value(const struct doc *d, size_t i, enum color_mode m)
{
	const struct doc_token *t = doc_token(d, i);
	struct tok_metrics tm;
	double best;

	if (m == CMODE_PROB || t->nalt == 0)
		return exp(t->logprob);
	metrics_token(d, i, &tm);
	switch (m) {
	case CMODE_REL:
		best = tm.p;
		for (size_t j = 0; j < t->nalt; j++)
			best = fmax(best, exp(doc_alt(d, i, j)->logprob));
		return best > 0 ? tm.p / best : 0;
	case CMODE_RANK:
		return tokview_rank_value(tm.rank);
	case CMODE_ENTROPY:
		return exp(-tm.h_lo);
	default:
		return tm.p;
	}
}

/* Style of one cell. */
static struct style tokview_style(const struct answer *an, const struct cell *c,
				  const struct tokview_opts *o, const struct palette *pal)
{
	double v = 1.0;
	bool low = false;
	unsigned mark = 0;
	struct style st;

	for (size_t t = c->t0; t <= c->t1; t++) {
		v = fmin(v, tokview_value(an->doc, t, o->mode));
		low = low || exp(doc_token(an->doc, t)->logprob) < o->tok_threshold;
		mark |= o->marks ? o->marks(o->marks_ctx, t) : 0;
	}
	st = color_bucket(pal, theme_bucket(v), (o->boundaries && (c->t0 & 1)) || (mark & TOKVIEW_MARK_NOTE));
	if (mark & TOKVIEW_MARK_NOTE)
		st.attr |= A_BOLD;
	if (mark & TOKVIEW_MARK_DIVERGE)
		st = color_role(pal, ROLE_ESCALATE);
	if (an->sel >= c->t0 && an->sel <= c->t1 && doc_count(an->doc) > 0)
		st = color_role(pal, ROLE_SELECTED);
	if (low)
		st.attr |= A_UNDERLINE;
	if (c->kind == CELL_NEWLINE || c->kind == CELL_EMPTY)
		st.attr |= A_DIM;
	return st;
}

static void tokview_cell(const struct answer *an, const struct cell *c, int y, int x, int maxw,
			 struct style st)
{
	size_t tl;
	const char *text = (const char *)doc_text(an->doc, &tl);
	char glyph[64];

	switch (c->kind) {
	case CELL_TEXT:
		draw_strn(y, x, maxw, text + c->off, c->len, st);
		break;
	case CELL_SPACE:
	case CELL_TAB:
		draw_str(y, x, maxw < c->width ? maxw : c->width, "        ", st);
		break;
	case CELL_NEWLINE:
		draw_str(y, x, maxw, "↵", st);
		break;
	case CELL_EMPTY:
		draw_str(y, x, maxw, "∅", st);
		break;
	case CELL_GLYPH:
		cells_render(an->doc, c, glyph, sizeof glyph);
		draw_str(y, x, maxw, glyph, st);
		break;
	}
}

/* Walks line `line` calling fn for each cell with its column; stops when
 * fn returns false. */
static void tokview_walk(const struct answer *an, size_t line, bool (*fn)(void *ctx, const struct cell *c, int x),
			 void *ctx)
{
	size_t nlines = wrap_count(&an->wrap);
	struct cell_pos pos = wrap_line(&an->wrap, line);
	struct cell_pos end = wrap_line(&an->wrap, line + 1);
	struct cell c;
	int x = 0;

	if (line >= nlines)
		return;
	for (;;) {
		cells_normalize(an->doc, &pos);
		if (line + 1 < nlines && !cells_before(pos, end))
			break;
		if (!cells_next(an->doc, &pos, x, true, &c))
			break;
		if (!fn(ctx, &c, x))
			break;
		x += c.width;
	}
}

struct draw_ctx {
	const struct answer *an;
	const struct tokview_opts *o;
	const struct palette *pal;
	struct rect r;
	int y;
};

static bool tokview_draw_cell(void *ctx, const struct cell *c, int x)
{
	struct draw_ctx *dc = ctx;

	if (x >= dc->r.w)
		return false;
	tokview_cell(dc->an, c, dc->y, dc->r.x + x, dc->r.w - x, tokview_style(dc->an, c, dc->o, dc->pal));
	return true;
}

/* Draws one line of escaped text s[0..n) wrapped from row *y; false when
 * nothing more can be drawn (the rect is full, or a character is wider
 * than it). */
static bool tokview_plain_line(const char *s, size_t n, struct rect r, int *y, struct style st)
{
	for (;;) {
		size_t fit = draw_fit(s, n, r.w);

		draw_strn((*y)++, r.x, r.w, s, fit, st);
		s += fit;
		n -= fit;
		if (n == 0)
			return true;
		if (fit == 0 || *y >= r.y + r.h)
			return false;
	}
}

/* An answer without logprobs still shows its text, plainly, wrapped. Only
 * the lines that reach the screen are escaped, one at a time, so a frame
 * costs what it shows, not the answer's length. */
static void tokview_plain(const struct doc *d, struct rect r, const struct palette *pal)
{
	size_t len;
	const uint8_t *p = doc_plain(d, &len), *end = p + len;
	struct buf b;
	int y = r.y;
	bool more = true;

	buf_init(&b, 1u << 20);
	draw_str(y++, r.x, r.w, "(this answer came without logprobs: plain text)", color_role(pal, ROLE_DIM));
	while (more && p < end && y < r.y + r.h) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		buf_reset(&b);
		text_escape(&b, p, n, TEXT_FLOW);
		more = tokview_plain_line(buf_str(&b), b.len, r, &y, color_role(pal, ROLE_TEXT));
		p += n + (nl != NULL);
	}
	buf_fini(&b);
}

void tokview_draw(const struct answer *an, struct rect r, const struct tokview_opts *o,
		  const struct palette *pal, bool live)
{
	struct draw_ctx dc = { .an = an, .o = o, .pal = pal, .r = r };
	size_t plain_len, sel_line;

	draw_fill(r, color_role(pal, ROLE_TEXT));
	if (doc_count(an->doc) == 0) {
		doc_plain(an->doc, &plain_len);
		if (plain_len > 0)
			tokview_plain(an->doc, r, pal);
		else
			draw_str(r.y, r.x, r.w, live ? "waiting for the first token…" : "(no tokens)",
				 color_role(pal, ROLE_DIM));
		return;
	}
	sel_line = wrap_line_of(&an->wrap, an->doc, an->sel);
	for (int row = 0; row < r.h; row++) {
		size_t line = an->top + (size_t)row;

		if (line >= wrap_count(&an->wrap))
			break;
		dc.y = r.y + row;
		tokview_walk(an, line, tokview_draw_cell, &dc);
		if (line == sel_line && r.x > 0)
			draw_str(dc.y, r.x - 1, 1, "›", color_role(pal, ROLE_MARK));
	}
}

struct find_ctx {
	int x;
	bool exact;
	bool found;
	size_t tok;
};

static bool tokview_find_cell(void *ctx, const struct cell *c, int x)
{
	struct find_ctx *fc = ctx;

	if (x > fc->x)
		return false;
	fc->found = !fc->exact || x + c->width > fc->x;
	fc->tok = c->t0;
	/* the second column of a wide character split over tokens */
	if (c->t1 > c->t0 && c->width > 1 && fc->x > x)
		fc->tok = c->t1;
	return true;
}

bool tokview_token_at(const struct answer *an, size_t line, int x, bool exact, size_t *tok)
{
	struct find_ctx fc = { .x = x, .exact = exact };

	tokview_walk(an, line, tokview_find_cell, &fc);
	if (fc.found)
		*tok = fc.tok;
	return fc.found;
}

struct col_ctx {
	size_t tok;
	int col;
};

static bool tokview_find_col(void *ctx, const struct cell *c, int x)
{
	struct col_ctx *cc = ctx;

	if (cc->tok >= c->t0 && cc->tok <= c->t1) {
		cc->col = x;
		return false;
	}
	return true;
}

int tokview_col_of(const struct answer *an, size_t tok)
{
	struct col_ctx cc = { .tok = tok, .col = 0 };

	tokview_walk(an, wrap_line_of(&an->wrap, an->doc, tok), tokview_find_col, &cc);
	return cc.col;
}
