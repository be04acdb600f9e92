/* draw.h — clipped drawing of UTF-8 text on stdscr.
 *
 * Every string that reaches the screen goes through here: it is measured
 * with wcwidth and clipped to the width it is given, so nothing a region
 * draws can spill into its neighbour. Control characters that slip through
 * (callers pass model bytes through text_escape first) are drawn as '?'.
 * Styles are an attribute set plus a colour pair number (colour.h makes
 * them from theme roles). */
#ifndef TOKSCOPE_TUI_DRAW_H
#define TOKSCOPE_TUI_DRAW_H

#include <curses.h>
#include <stddef.h>

struct rect {
	int y, x, h, w;
};

struct style {
	attr_t attr;
	short pair;
};

/* Display width of UTF-8 text (invalid bytes count 1). */
int draw_width(const char *s);
int draw_widthn(const char *s, size_t n);

/* Length in bytes of the character at s (n > 0 bytes available) and its
 * width in *w, as draw_str measures it. */
size_t draw_char(const char *s, size_t n, int *w);

/* How many bytes of s[0..n) fit in maxw columns (whole characters). */
size_t draw_fit(const char *s, size_t n, int maxw);

/* Draws at most maxw columns of s at (y, x) in style st. Returns the
 * columns drawn. A wide character that does not fit is left out. */
int draw_str(int y, int x, int maxw, const char *s, struct style st);
int draw_strn(int y, int x, int maxw, const char *s, size_t n, struct style st);
/* Like draw_str, but with "…" as the last column when s is cut. */
int draw_str_ellipsis(int y, int x, int maxw, const char *s, struct style st);
/* Right-aligns s so it ends at column x + maxw. */
int draw_str_right(int y, int x, int maxw, const char *s, struct style st);
int draw_printf(int y, int x, int maxw, struct style st, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Fills r with spaces in style st. */
void draw_fill(struct rect r, struct style st);
/* A box on the edge of r with a title in its top border (title may be NULL). */
void draw_box(struct rect r, const char *title, struct style border, struct style title_st);
/* The inside of a box drawn on r. */
struct rect draw_inner(struct rect r);
/* A horizontal line of n columns at (y, x). */
void draw_hline(int y, int x, int n, struct style st);

#endif
