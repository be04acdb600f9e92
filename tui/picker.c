#include "tui/picker.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/buf.h"
#include "src/text.h"
#include "tui/keys.h"

void picker_init(struct picker *p)
{
	memset(p, 0, sizeof *p);
}

static void picker_names_free(struct picker *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->names[i]);
	free(p->names);
	free(p->shown);
	p->names = NULL;
	p->shown = NULL;
	p->n = p->nshown = p->sel = p->top = 0;
}

void picker_close(struct picker *p)
{
	picker_names_free(p);
	p->state = PICKER_CLOSED;
	p->filter[0] = '\0';
	p->flen = 0;
}

void picker_fini(struct picker *p)
{
	if (p)
		picker_close(p);
}

void picker_wait(struct picker *p, const char *what)
{
	picker_close(p);
	snprintf(p->what, sizeof p->what, "%s", what);
	p->state = PICKER_WAITING;
}

bool picker_is_open(const struct picker *p)
{
	return p->state != PICKER_CLOSED;
}

bool picker_waiting(const struct picker *p)
{
	return p->state == PICKER_WAITING;
}

static unsigned char picker_fold(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 'A' && u <= 'Z' ? (unsigned char)(u + ('a' - 'A')) : u;
}

/* Whether needle occurs in hay, ASCII letters compared without case. */
static bool picker_match(const char *hay, const char *needle, size_t nlen)
{
	size_t hlen = strlen(hay);

	for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++) {
		size_t j = 0;

		while (j < nlen && picker_fold(hay[i + j]) == picker_fold(needle[j]))
			j++;
		if (j == nlen)
			return true;
	}
	return false;
}

/* Rebuilds shown[] from the filter, keeping the selected name when it stays. */
static void picker_refilter(struct picker *p)
{
	size_t keep = p->nshown ? p->shown[p->sel] : SIZE_MAX;

	p->nshown = 0;
	p->sel = p->top = 0;
	for (size_t i = 0; i < p->n; i++)
		if (picker_match(p->names[i], p->filter, p->flen)) {
			if (i == keep)
				p->sel = p->nshown;
			p->shown[p->nshown++] = i;
		}
}

bool picker_fill(struct picker *p, char **names, size_t n, const char *current)
{
	picker_names_free(p);
	p->names = names;
	p->n = n;
	p->shown = malloc((n ? n : 1) * sizeof *p->shown);
	if (!p->shown) {
		picker_close(p);
		return false;
	}
	p->state = PICKER_OPEN;
	picker_refilter(p);
	for (size_t i = 0; current && i < p->nshown; i++)
		if (strcmp(p->names[p->shown[i]], current) == 0)
			p->sel = i;
	return true;
}

const char *picker_selected(const struct picker *p)
{
	return p->state == PICKER_OPEN && p->nshown ? p->names[p->shown[p->sel]] : NULL;
}

/* Keys that edit the filter; false when the key is not one of them. */
static bool picker_filter_key(struct picker *p, int key)
{
	char c[4];
	size_t n;

	if (key == 127 || key == 8 || key == KEYS_FN(KEY_BACKSPACE)) {
		while (p->flen > 0 && ((unsigned char)p->filter[p->flen - 1] & 0xc0) == 0x80)
			p->flen--;
		p->flen -= p->flen > 0;
	} else if (key == KEYS_CTRL('u')) {
		p->flen = 0;
	} else if (!KEYS_IS_FN(key) && key >= 32 && key != 127 && key <= 0x10FFFF &&
		   !(key >= 0x80 && key < 0xA0) && !(key >= 0xD800 && key < 0xE000)) {
		n = utf8_encode((uint32_t)key, c);
		if (p->flen + n >= sizeof p->filter)
			return true;
		memcpy(p->filter + p->flen, c, n);
		p->flen += n;
	} else {
		return false;
	}
	p->filter[p->flen] = '\0';
	if (p->state == PICKER_OPEN)
		picker_refilter(p);
	return true;
}

/* ↑ ↓ PgUp PgDn Home End; false when the key is none of them. */
static bool picker_move_key(struct picker *p, int key)
{
	size_t page = p->rows > 1 ? (size_t)p->rows - 1 : 1, last = p->nshown ? p->nshown - 1 : 0;

	if (key == KEYS_FN(KEY_UP))
		p->sel -= p->sel > 0;
	else if (key == KEYS_FN(KEY_DOWN))
		p->sel += p->sel < last;
	else if (key == KEYS_FN(KEY_PPAGE))
		p->sel = p->sel > page ? p->sel - page : 0;
	else if (key == KEYS_FN(KEY_NPAGE))
		p->sel = p->sel + page < last ? p->sel + page : last;
	else if (key == KEYS_FN(KEY_HOME))
		p->sel = 0;
	else if (key == KEYS_FN(KEY_END))
		p->sel = last;
	else
		return false;
	return true;
}

enum picker_result picker_key(struct picker *p, int key)
{
	if (key == 27 || key == KEYS_CTRL('c'))
		return PICKER_CLOSE;
	if (key == '\r' || key == KEYS_FN(KEY_ENTER))
		return picker_selected(p) ? PICKER_PICK : PICKER_KEEP;
	if (!picker_move_key(p, key))
		picker_filter_key(p, key);
	return PICKER_KEEP;
}

/* ---- drawing ---- */

static void picker_row(const struct picker *p, size_t i, int y, struct rect in, const struct palette *pal)
{
	const char *name = p->names[p->shown[i]];
	bool sel = i == p->sel;
	struct style st = color_role(pal, sel ? ROLE_SELECTED : ROLE_TEXT);
	struct buf b;

	buf_init(&b, 4096);
	if (sel)
		draw_fill((struct rect){ y, in.x, 1, in.w }, st);
	draw_str(y, in.x, 2, sel ? "▸" : " ", sel ? st : color_role(pal, ROLE_MARK));
	if (text_escape(&b, (const uint8_t *)name, strlen(name), TEXT_FLOW) == 0)
		draw_str_ellipsis(y, in.x + 2, in.w - 2, buf_str(&b), st);
	else
		draw_str(y, in.x + 2, in.w - 2, "(name too long to show)", color_role(pal, ROLE_DIM));
	buf_fini(&b);
}

static void picker_list(struct picker *p, struct rect list, const struct palette *pal)
{
	char line[PICKER_FILTER_MAX + 64];

	p->rows = list.h;
	if (p->nshown == 0) {
		if (p->n == 0)
			snprintf(line, sizeof line, "the server lists no models");
		else
			snprintf(line, sizeof line, "no model name contains “%s”", p->filter);
		draw_str_ellipsis(list.y, list.x + 2, list.w - 2, line, color_role(pal, ROLE_DIM));
		return;
	}
	if (p->sel < p->top)
		p->top = p->sel;
	if (list.h > 0 && p->sel >= p->top + (size_t)list.h)
		p->top = p->sel - (size_t)list.h + 1;
	for (int i = 0; i < list.h && p->top + (size_t)i < p->nshown; i++)
		picker_row(p, p->top + (size_t)i, list.y + i, list, pal);
}

int picker_height(const struct picker *p)
{
	size_t list = p->state == PICKER_OPEN && p->n > 1 ? p->n : 1;

	return 3 + (list > 12 ? 12 : (int)list);
}

void picker_draw(struct picker *p, struct rect r, const struct palette *pal, int *cy, int *cx)
{
	struct rect in = draw_inner(r);
	char count[64];
	const char *hint;
	int fw;

	draw_fill(r, color_role(pal, ROLE_TEXT));
	draw_box(r, p->what, color_role(pal, ROLE_BORDER), color_role(pal, ROLE_TITLE));
	in.x += 1;
	in.w -= 2;
	if (in.h < 1 || in.w < 4)
		return;
	if (p->state == PICKER_OPEN)
		snprintf(count, sizeof count, " %zu of %zu", p->nshown, p->n);
	else
		snprintf(count, sizeof count, " asking…");
	fw = in.w - draw_width(count);
	draw_str(in.y, in.x, 8, "filter", color_role(pal, ROLE_DIM));
	draw_fill((struct rect){ in.y, in.x + 8, 1, fw - 8 > 0 ? fw - 8 : 0 }, color_role(pal, ROLE_INPUT));
	draw_str(in.y, in.x + 8, fw - 9, p->filter, color_role(pal, ROLE_INPUT));
	draw_str_right(in.y, in.x, in.w, count, color_role(pal, ROLE_DIM));
	*cy = in.y;
	*cx = in.x + 8 + (draw_width(p->filter) < fw - 9 ? draw_width(p->filter) : fw - 9);
	if (p->state == PICKER_OPEN)
		picker_list(p, (struct rect){ in.y + 1, in.x, in.h - 1, in.w }, pal);
	else if (in.h > 1)
		draw_str(in.y + 1, in.x + 2, in.w - 2, "waiting for the server… (Esc cancels)", color_role(pal, ROLE_DIM));
	hint = "type to filter  ↑↓ move  Enter pick  Esc close";
	if (draw_width(hint) > r.w - 4)
		hint = "Enter pick  Esc close";
	draw_str_right(r.y + r.h - 1, r.x + 2, r.w - 4, hint, color_role(pal, ROLE_DIM));
}
