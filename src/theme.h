/* theme.h — colour themes as data (no curses here).
 *
 * Code names semantic roles; a theme maps each role to a style: foreground,
 * background and attributes. Themes are INI files (read with inih):
 *
 *   [theme]
 *   name = default
 *   description = dark background, green→red confidence scale
 *
 *   [styles]
 *   p0 = fg:#d7005f bold underline   ; role = words
 *   selected = fg:black bg:#ffd75f bold
 *
 * Words: fg:COLOR, bg:COLOR, and the attributes bold, dim, underline,
 * reverse, italic, standout. COLOR is `default`, one of the eight names
 * black red green yellow blue magenta cyan white (also bright-NAME), an
 * xterm-256 index 0–255, or #rrggbb. Missing roles keep the compiled-in
 * default theme's style. Roles (X-macro below) cover the probability scale
 * p0 (lowest) … p5 (highest), the selection, the panels and the badges.
 *
 * For each colour the theme keeps the 24-bit value (when given as #rrggbb),
 * the nearest xterm-256 index, and the nearest of the 8 basic colours, so a
 * front end can use whatever the terminal has. */
#ifndef TOKSCOPE_THEME_H
#define TOKSCOPE_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/err.h"

/* X(enum, key in the theme file, what it colours) */
#define THEME_ROLES(X) \
	X(ROLE_P0,            "p0",            "probability < 10%") \
	X(ROLE_P1,            "p1",            "probability 10–30%") \
	X(ROLE_P2,            "p2",            "probability 30–50%") \
	X(ROLE_P3,            "p3",            "probability 50–70%") \
	X(ROLE_P4,            "p4",            "probability 70–90%") \
	X(ROLE_P5,            "p5",            "probability ≥ 90%") \
	X(ROLE_TEXT,          "text",          "ordinary text") \
	X(ROLE_DIM,           "dim",           "secondary text, labels") \
	X(ROLE_TITLE,         "title",         "panel titles") \
	X(ROLE_BORDER,        "border",        "panel borders") \
	X(ROLE_SELECTED,      "selected",      "the selected token") \
	X(ROLE_TINT,          "tint",          "every other token when boundaries are shown") \
	X(ROLE_GLYPH,         "glyph",         "visible glyphs for control bytes and whitespace") \
	X(ROLE_STATUS,        "status",        "status bar") \
	X(ROLE_STATUS_KEY,    "status_key",    "key names in the status bar") \
	X(ROLE_ERROR,         "error",         "error messages") \
	X(ROLE_ACCEPT,        "accept",        "the ACCEPT badge") \
	X(ROLE_ESCALATE,      "escalate",      "the ESCALATE badge") \
	X(ROLE_CLARIFY,       "clarify",       "the CLARIFY badge") \
	X(ROLE_BAR,           "bar",           "probability bars") \
	X(ROLE_BAR_CHOSEN,    "bar_chosen",    "the chosen alternative's bar") \
	X(ROLE_MARK,          "mark",          "markers: chosen alternative, sparkline cursor") \
	X(ROLE_INPUT,         "input",         "editable fields")

enum theme_role {
#define THEME_ENUM(e, k, d) e,
	THEME_ROLES(THEME_ENUM)
#undef THEME_ENUM
	ROLE_COUNT
};

#define THEME_NBUCKETS 6   /* ROLE_P0 .. ROLE_P5 */

enum theme_attr {
	ATTR_BOLD = 1 << 0,
	ATTR_DIM = 1 << 1,
	ATTR_UNDERLINE = 1 << 2,
	ATTR_REVERSE = 1 << 3,
	ATTR_ITALIC = 1 << 4,
	ATTR_STANDOUT = 1 << 5,
};

struct theme_color {
	bool is_default;     /* the terminal's default colour */
	bool has_rgb;        /* given as #rrggbb */
	uint32_t rgb;        /* 0xRRGGBB (also filled for indexes and names) */
	int idx256;          /* nearest xterm-256 index */
	int idx8;            /* nearest basic colour 0–7 */
};

struct theme_style {
	struct theme_color fg, bg;
	unsigned attrs;      /* enum theme_attr */
};

struct theme {
	char name[64];
	char description[160];
	struct theme_style style[ROLE_COUNT];
};

/* The compiled-in default theme (themes/default.theme). Parsed on first use;
 * a parse failure is a build bug, reported through err. */
int theme_default(struct theme *t, struct ts_err *err);

/* Parses theme text on top of the default theme. */
int theme_parse(struct theme *t, const char *text, struct ts_err *err);

/* Loads a theme by NAME (looked up as NAME.theme in $TOKSCOPE_THEME_DIR,
 * the config directory's themes/, ./themes/ next to the binary's source
 * tree, and the installed data directory) or by PATH (contains a '/' or
 * ends in .theme). "default" gives the compiled-in theme. */
int theme_load(struct theme *t, const char *name_or_path, struct ts_err *err);

/* Names of the themes found in the search path (the built-in "default"
 * first). Returns the count written (at most max); names are malloc'd. */
size_t theme_list(char **names, size_t max);

/* Parses one colour word ("#ff8700", "208", "bright-red", "default"). */
int theme_parse_color(const char *s, struct theme_color *c);
/* The xterm-256 index nearest to 0xRRGGBB (cube and grey ramp). */
int theme_rgb_to_256(uint32_t rgb);
/* The basic colour (0–7) nearest to 0xRRGGBB. */
int theme_rgb_to_8(uint32_t rgb);

const char *theme_role_key(enum theme_role r);
const char *theme_role_help(enum theme_role r);

/* The bucket role (ROLE_P0..ROLE_P5) for a value in [0,1]: cut points
 * 0.1 0.3 0.5 0.7 0.9. NaN gives ROLE_P0. */
enum theme_role theme_bucket(double v);

/* Colour depth of an ANSI/terminal output. */
enum color_depth { DEPTH_NONE, DEPTH_8, DEPTH_256, DEPTH_TRUE };

/* Writes the SGR escape sequence for style s at depth into out (at least
 * 64 bytes), e.g. "\033[0;1;38;5;196m". DEPTH_NONE still emits attributes
 * (bold, underline) so confidence stays readable; returns the length. */
size_t theme_sgr(const struct theme_style *s, enum color_depth depth, char *out, size_t outsz);

/* Colour depth for a terminal from the environment: NO_COLOR non-empty →
 * NONE; COLORTERM truecolor/24bit → TRUE; TERM containing 256color → 256;
 * TERM dumb or empty → NONE; else 8. */
enum color_depth theme_env_depth(void);

#endif
