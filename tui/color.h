/* color.h — theme roles → curses styles (a palette).
 *
 * The depth follows the terminal: no colour when NO_COLOR is non-empty or
 * the terminal has none, else 256 colours when COLORS >= 256, else 8.
 * Colours always use the theme's nearest xterm-256 (or basic) index: a
 * 256-colour palette is exact enough for a confidence scale, and it works
 * on every terminal that claims 256 colours, truecolor or not.
 * Without colour, every role takes the `mono` theme's attributes (bold,
 * dim, underline, reverse), so confidence stays readable. */
#ifndef TOKSCOPE_TUI_COLOR_H
#define TOKSCOPE_TUI_COLOR_H

#include "src/theme.h"
#include "tui/draw.h"

struct palette {
	enum color_depth depth;
	struct style role[ROLE_COUNT];
	struct style tint[THEME_NBUCKETS];   /* bucket colour on the tint background */
};

/* The depth the running terminal supports (call after initscr; starts
 * colour when there is any). */
enum color_depth color_detect(void);

/* Allocates colour pairs for theme t at depth and fills p. */
void color_setup(struct palette *p, const struct theme *t, enum color_depth depth);

/* The style of a role. */
struct style color_role(const struct palette *p, enum theme_role r);

/* A probability bucket's style (b = ROLE_P0..ROLE_P5), optionally on the
 * tint background. */
struct style color_bucket(const struct palette *p, enum theme_role b, int tinted);

#endif
