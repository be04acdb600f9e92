#include "tui/draw.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* Characters a terminal must not be sent: DEL, C1 controls, and the
 * invisible formatting and bidirectional controls that can reorder or hide
 * text (text_escape shows them as <U+XXXX>; here they become '?'). */
static bool draw_unsafe(wchar_t wc)
{
	return wc == 0x7f || (wc >= 0x80 && wc < 0xa0) || (wc >= 0x200b && wc <= 0x200f) ||
	       (wc >= 0x202a && wc <= 0x202e) || (wc >= 0x2066 && wc <= 0x2069) || wc == 0xfeff;
}

/* Decodes one character of s; *w receives its width (0 for combining
 * marks, 1 for invalid bytes and controls, which are drawn as '?'). */
static size_t draw_next(const char *s, size_t n, int *w, int *ctrl)
{
	mbstate_t ms;
	wchar_t wc;
	size_t len;

	memset(&ms, 0, sizeof ms);
	len = mbrtowc(&wc, s, n, &ms);
	*ctrl = 0;
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*w = 1;
		*ctrl = 1;
		return 1;
	}
	*w = wcwidth(wc);
	if (*w < 0 || wc < 0x20 || draw_unsafe(wc)) {
		*w = 1;
		*ctrl = 1;
	}
	return len;
}

int draw_widthn(const char *s, size_t n)
{
	int total = 0, w, ctrl;
	size_t i = 0;

	while (i < n && s[i]) {
		i += draw_next(s + i, n - i, &w, &ctrl);
		total += w;
	}
	return total;
}

size_t draw_char(const char *s, size_t n, int *w)
{
	int ctrl;

	return draw_next(s, n, w, &ctrl);
}

size_t draw_fit(const char *s, size_t n, int maxw)
{
	int col = 0, w, ctrl;
	size_t i = 0, len;

	while (i < n && s[i]) {
		len = draw_next(s + i, n - i, &w, &ctrl);
		if (col + w > maxw)
			break;
		col += w;
		i += len;
	}
	return i;
}

int draw_width(const char *s)
{
	return draw_widthn(s, strlen(s));
}

int draw_strn(int y, int x, int maxw, const char *s, size_t n, struct style st)
{
	int col = 0, w, ctrl;
	size_t i = 0, len;

	if (maxw <= 0 || y < 0 || x < 0)
		return 0;
	wattr_set(stdscr, st.attr, st.pair, NULL);
	wmove(stdscr, y, x);
	while (i < n && s[i]) {
		len = draw_next(s + i, n - i, &w, &ctrl);
		if (col + w > maxw)
			break;
		if (ctrl)
			waddch(stdscr, '?');
		else
			waddnstr(stdscr, s + i, (int)len);
		col += w;
		i += len;
	}
	return col;
}

int draw_str(int y, int x, int maxw, const char *s, struct style st)
{
	return draw_strn(y, x, maxw, s, strlen(s), st);
}

int draw_str_ellipsis(int y, int x, int maxw, const char *s, struct style st)
{
	if (draw_width(s) <= maxw)
		return draw_str(y, x, maxw, s, st);
	if (maxw <= 0)
		return 0;
	return draw_str(y, x, maxw - 1, s, st) + draw_str(y, x + maxw - 1, 1, "…", st);
}

int draw_str_right(int y, int x, int maxw, const char *s, struct style st)
{
	int w = draw_width(s);

	if (w >= maxw)
		return draw_str_ellipsis(y, x, maxw, s, st);
	return draw_str(y, x + maxw - w, w, s, st);
}

int draw_printf(int y, int x, int maxw, struct style st, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	return draw_str(y, x, maxw, line, st);
}

void draw_fill(struct rect r, struct style st)
{
	if (r.w <= 0)
		return;
	wattr_set(stdscr, st.attr, st.pair, NULL);
	for (int i = 0; i < r.h; i++)
		mvwhline(stdscr, r.y + i, r.x, ' ', r.w);
}

void draw_hline(int y, int x, int n, struct style st)
{
	for (int i = 0; i < n; i++)
		draw_str(y, x + i, 1, "─", st);
}

void draw_box(struct rect r, const char *title, struct style border, struct style title_st)
{
	if (r.w < 2 || r.h < 2)
		return;
	draw_str(r.y, r.x, 1, "┌", border);
	draw_hline(r.y, r.x + 1, r.w - 2, border);
	draw_str(r.y, r.x + r.w - 1, 1, "┐", border);
	for (int i = 1; i < r.h - 1; i++) {
		draw_str(r.y + i, r.x, 1, "│", border);
		draw_str(r.y + i, r.x + r.w - 1, 1, "│", border);
	}
	draw_str(r.y + r.h - 1, r.x, 1, "└", border);
	draw_hline(r.y + r.h - 1, r.x + 1, r.w - 2, border);
	draw_str(r.y + r.h - 1, r.x + r.w - 1, 1, "┘", border);
	if (title && *title) {
		int w = draw_str(r.y, r.x + 2, r.w - 4, " ", title_st);

		w += draw_str_ellipsis(r.y, r.x + 2 + w, r.w - 6, title, title_st);
		draw_str(r.y, r.x + 2 + w, 1, " ", title_st);
	}
}

struct rect draw_inner(struct rect r)
{
	return (struct rect){ .y = r.y + 1, .x = r.x + 1, .h = r.h - 2, .w = r.w - 2 };
}
