#include "tui/cells.h"

#include <string.h>
#include <stdio.h>

#include "src/buf.h"
#include "src/text.h"

void cells_normalize(const struct doc *d, struct cell_pos *pos)
{
	size_t n = doc_count(d);

	while (pos->tok < n) {
		const struct doc_token *t = doc_token(d, pos->tok);

		if (t->len == 0 || pos->off < t->off + t->len)
			break;
		pos->tok++;
	}
}

bool cells_before(struct cell_pos a, struct cell_pos b)
{
	return a.off < b.off || (a.off == b.off && a.tok < b.tok);
}

/* Whether p[0..n) is the start of a character that more bytes could still
 * complete. */
static bool cells_partial(const uint8_t *p, size_t n)
{
	size_t need;

	if (n == 0 || p[0] < 0xc2 || p[0] > 0xf4)
		return false;
	need = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
	if (n >= need)
		return false;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return false;
	return true;
}

/* Whether text_escape leaves the character at p as it is. */
static bool cells_plain(const uint8_t *p, size_t len, uint32_t cp)
{
	struct buf b;
	bool same;

	if (cp < 0x80)
		return cp >= 0x20 && cp != 0x7f;
	buf_init(&b, 64);
	same = text_escape(&b, p, len, TEXT_FLOW) == 0 && b.len == len && memcmp(b.data, p, len) == 0;
	buf_fini(&b);
	return same;
}

/* Kind and width of the character cp of len bytes at p. */
static void cells_classify(const uint8_t *p, size_t len, uint32_t cp, int col, struct cell *c)
{
	if (cp == '\n' || cp == '\t' || cp == ' ') {
		c->kind = cp == '\n' ? CELL_NEWLINE : cp == ' ' ? CELL_SPACE : CELL_TAB;
		c->width = cp == '\t' ? CELLS_TAB - col % CELLS_TAB : 1;
		return;
	}
	c->kind = cells_plain(p, len, cp) ? CELL_TEXT : CELL_GLYPH;
	c->width = (int)text_escape_width(p, len, TEXT_FLOW);
}

/* A token named by its id: one cell for the whole token. */
static bool cells_id_cell(const struct doc *d, const struct cell_pos *pos, struct cell *c)
{
	const struct doc_token *t = doc_token(d, pos->tok);
	char glyph[32];
	long id;

	if (pos->off != t->off || !doc_token_is_id(d, pos->tok, &id))
		return false;
	text_id_glyph(id, glyph, sizeof glyph);
	c->kind = CELL_GLYPH;
	c->len = t->len;
	c->width = (int)text_escape_width((const uint8_t *)glyph, strlen(glyph), TEXT_FLOW);
	return true;
}

bool cells_next(const struct doc *d, struct cell_pos *pos, int col, bool final, struct cell *c)
{
	size_t n = doc_count(d), tl, len;
	const uint8_t *text = doc_text(d, &tl);
	const struct doc_token *t;
	uint32_t cp = 0;

	cells_normalize(d, pos);
	if (pos->tok >= n)
		return false;
	t = doc_token(d, pos->tok);
	memset(c, 0, sizeof *c);
	c->off = pos->off;
	c->t0 = c->t1 = pos->tok;
	if (t->len == 0) {
		c->kind = CELL_EMPTY;
		c->width = 1;
		pos->tok++;
		return true;
	}
	len = cells_id_cell(d, pos, c) ? c->len : utf8_decode(text + pos->off, tl - pos->off, &cp);
	if (len == 0) {
		if (!final && cells_partial(text + pos->off, tl - pos->off))
			return false;
		len = 1;
		c->kind = CELL_GLYPH;
		c->width = (int)text_escape_width(text + pos->off, 1, TEXT_FLOW);
	} else if (c->len == 0) {
		cells_classify(text + pos->off, len, cp, col, c);
	}
	c->len = len;
	while (c->t1 + 1 < n && doc_token(d, c->t1)->off + doc_token(d, c->t1)->len < pos->off + len)
		c->t1++;
	pos->off += (uint32_t)len;
	pos->tok = (uint32_t)c->t1;
	return true;
}

void cells_render(const struct doc *d, const struct cell *c, char *out, size_t outsz)
{
	size_t tl;
	const uint8_t *text = doc_text(d, &tl);
	const struct doc_token *t = doc_token(d, c->t0);
	struct buf b;
	long id;

	if (c->off == t->off && c->len == t->len && doc_token_is_id(d, c->t0, &id)) {
		text_id_glyph(id, out, outsz);
		return;
	}
	buf_init(&b, outsz - 1);
	if (text_escape(&b, text + c->off, c->len, TEXT_FLOW) == 0)
		snprintf(out, outsz, "%s", buf_str(&b));
	else
		snprintf(out, outsz, "?");
	buf_fini(&b);
}
