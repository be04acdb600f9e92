#include "src/theme.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "src/inifile.h"

#ifndef TOKSCOPE_DATADIR
#define TOKSCOPE_DATADIR "/usr/local/share/tokscope"
#endif

#define THEME_MAX_FILE (64u * 1024)
#define THEME_MAX_LIST 256
#define THEME_NDIRS 4

/* themes/default.theme, compiled in by the Makefile (build/gen/). */
extern const char theme_default_text[];

static const char *const role_keys[] = {
#define THEME_KEY(e, k, d) [e] = k,
	THEME_ROLES(THEME_KEY)
#undef THEME_KEY
};

static const char *const role_helps[] = {
#define THEME_HELP(e, k, d) [e] = d,
	THEME_ROLES(THEME_HELP)
#undef THEME_HELP
};

const char *theme_role_key(enum theme_role r)
{
	return (int)r >= 0 && r < ROLE_COUNT ? role_keys[r] : "";
}

const char *theme_role_help(enum theme_role r)
{
	return (int)r >= 0 && r < ROLE_COUNT ? role_helps[r] : "";
}

enum theme_role theme_bucket(double v)
{
	static const double cuts[THEME_NBUCKETS - 1] = { 0.1, 0.3, 0.5, 0.7, 0.9 };
	int b = 0;

	/* NaN fails every comparison and stays in the lowest bucket. */
	while (b < THEME_NBUCKETS - 1 && v >= cuts[b])
		b++;
	return (enum theme_role)(ROLE_P0 + b);
}

/* ---- colours ---- */

/* xterm's default values of the 16 basic colours. */
static const uint32_t xterm16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* The 0xRRGGBB of xterm-256 index i: 16 basic colours, the 6x6x6 cube
 * (levels 0 95 135 175 215 255), the grey ramp 8, 18, ... 238. */
static uint32_t index_rgb(int i)
{
	static const uint32_t level[6] = { 0, 95, 135, 175, 215, 255 };

	if (i < 16)
		return xterm16[i];
	if (i < 232) {
		i -= 16;
		return level[i / 36] << 16 | level[i / 6 % 6] << 8 | level[i % 6];
	}
	return (uint32_t)(8 + 10 * (i - 232)) * 0x010101u;
}

static long rgb_distance(uint32_t a, uint32_t b)
{
	long dr = (long)(a >> 16 & 0xff) - (long)(b >> 16 & 0xff);
	long dg = (long)(a >> 8 & 0xff) - (long)(b >> 8 & 0xff);
	long db = (long)(a & 0xff) - (long)(b & 0xff);

	return dr * dr + dg * dg + db * db;
}

/* The index in [from, to) nearest to rgb; ties go to the lower index. */
static int nearest_index(uint32_t rgb, int from, int to)
{
	int best = from;
	long best_d = LONG_MAX;

	for (int i = from; i < to; i++) {
		long d = rgb_distance(rgb, index_rgb(i));

		if (d < best_d) {
			best = i;
			best_d = d;
		}
	}
	return best;
}

int theme_rgb_to_256(uint32_t rgb)
{
	return nearest_index(rgb, 16, 256);
}

/* Nearest by distance, except for greys: with xterm's values a mid grey is
 * nearer yellow (#cdcd00) than white (#e5e5e5), and grey text turning yellow
 * on an 8-colour terminal reads as a warning. Greys go to black or white by
 * lightness instead. */
int theme_rgb_to_8(uint32_t rgb)
{
	unsigned r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
	unsigned hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
	unsigned lo = r < g ? (r < b ? r : b) : (g < b ? g : b);

	if (hi - lo <= 0x20)
		return (r + g + b) / 3 < 0x73 ? 0 : 7;
	return nearest_index(rgb, 0, 8);
}

static struct theme_color color_default(void)
{
	return (struct theme_color){ .is_default = true, .idx256 = -1, .idx8 = -1 };
}

static struct theme_color color_index(int i)
{
	uint32_t rgb = index_rgb(i);

	return (struct theme_color){ .rgb = rgb, .idx256 = i, .idx8 = i < 8 ? i : theme_rgb_to_8(rgb) };
}

static bool all_digits(const char *s, int (*is)(int))
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is((unsigned char)*s))
			return false;
	return true;
}

int theme_parse_color(const char *s, struct theme_color *c)
{
	const char *name;

	if (!s)
		return TS_ETHEME;
	if (strcasecmp(s, "default") == 0) {
		*c = color_default();
		return TS_OK;
	}
	if (s[0] == '#' && strlen(s) == 7 && all_digits(s + 1, isxdigit)) {
		uint32_t rgb = (uint32_t)strtoul(s + 1, NULL, 16);

		*c = (struct theme_color){ .has_rgb = true, .rgb = rgb, .idx256 = theme_rgb_to_256(rgb),
					   .idx8 = theme_rgb_to_8(rgb) };
		return TS_OK;
	}
	if (strlen(s) <= 3 && all_digits(s, isdigit)) {
		long i = strtol(s, NULL, 10);

		if (i > 255)
			return TS_ETHEME;
		*c = color_index((int)i);
		return TS_OK;
	}
	name = strncasecmp(s, "bright-", 7) == 0 ? s + 7 : s;
	for (int i = 0; i < 8; i++)
		if (strcasecmp(name, color_names[i]) == 0) {
			*c = color_index(name == s ? i : i + 8);
			return TS_OK;
		}
	return TS_ETHEME;
}

/* ---- styles ---- */

static const struct {
	const char *word;
	unsigned attr;
} attr_words[] = {
	{ "bold", ATTR_BOLD }, { "dim", ATTR_DIM }, { "underline", ATTR_UNDERLINE },
	{ "reverse", ATTR_REVERSE }, { "italic", ATTR_ITALIC }, { "standout", ATTR_STANDOUT },
	{ "none", 0 },
};

static int style_word(struct theme_style *st, const char *w, struct ts_err *err)
{
	if (strncmp(w, "fg:", 3) == 0 || strncmp(w, "bg:", 3) == 0) {
		if (theme_parse_color(w + 3, w[0] == 'f' ? &st->fg : &st->bg))
			return ts_err_set(err, TS_ETHEME, "bad colour '%s' in '%s' (default, black ... white, "
					  "bright-NAME, 0-255 or #rrggbb)", w + 3, w);
		return TS_OK;
	}
	for (size_t i = 0; i < sizeof attr_words / sizeof attr_words[0]; i++)
		if (strcmp(w, attr_words[i].word) == 0) {
			st->attrs |= attr_words[i].attr;
			return TS_OK;
		}
	return ts_err_set(err, TS_ETHEME, "unknown attribute '%s' (fg:COLOR, bg:COLOR, bold, dim, "
			  "underline, reverse, italic, standout, none)", w);
}

/* A whole style from its words: unset colours are the terminal's default. */
static int style_parse(const char *value, struct theme_style *out, struct ts_err *err)
{
	struct theme_style st = { .fg = color_default(), .bg = color_default() };
	char word[64];
	size_t n;
	int rc;

	for (const char *p = value + strspn(value, " \t"); *p; p += n + strspn(p + n, " \t")) {
		n = strcspn(p, " \t");
		if (n >= sizeof word)
			return ts_err_set(err, TS_ETHEME, "word longer than %zu bytes", sizeof word - 1);
		memcpy(word, p, n);
		word[n] = '\0';
		rc = style_word(&st, word, err);
		if (rc)
			return rc;
	}
	*out = st;
	return TS_OK;
}

/* ---- theme files ---- */

struct theme_parse_ctx {
	struct theme *t;
	bool set[ROLE_COUNT];
};

static int theme_meta(struct theme *t, const char *key, const char *value, struct ts_err *err)
{
	char *dst = NULL;
	size_t size = 0;

	if (strcmp(key, "name") == 0) {
		dst = t->name;
		size = sizeof t->name;
	} else if (strcmp(key, "description") == 0) {
		dst = t->description;
		size = sizeof t->description;
	}
	if (!dst)
		return ts_err_set(err, TS_ETHEME, "unknown key '%s' in [theme] (name, description)", key);
	if (strlen(value) >= size)
		return ts_err_set(err, TS_ETHEME, "%s longer than %zu bytes", key, size - 1);
	snprintf(dst, size, "%s", value);
	return TS_OK;
}

static int theme_entry(void *ctx, const char *section, const char *key, const char *value,
		       struct ts_err *err)
{
	struct theme_parse_ctx *c = ctx;
	int rc;

	if (strcmp(section, "theme") == 0)
		return theme_meta(c->t, key, value, err);
	if (strcmp(section, "styles") != 0)
		return ts_err_set(err, TS_ETHEME, "'%s' %s%s%s (expected [theme] or [styles])", key,
				  *section ? "in unknown section [" : "outside a section",
				  section, *section ? "]" : "");
	for (int r = 0; r < ROLE_COUNT; r++) {
		if (strcmp(key, role_keys[r]) != 0)
			continue;
		rc = style_parse(value, &c->t->style[r], err);
		if (rc == TS_OK)
			c->set[r] = true;
		return rc;
	}
	return ts_err_set(err, TS_ETHEME, "unknown role '%s' (see tokscope-theme(5))", key);
}

/* Parses text onto *t, changed only on success. source names the text in
 * messages (NULL: "line N"). strict: every role must be set. */
static int theme_parse_onto(struct theme *t, const char *text, const char *source, bool strict,
			    struct ts_err *err)
{
	struct theme work = *t;
	struct theme_parse_ctx c = { .t = &work };
	int rc = inifile_parse(text, source, TS_ETHEME, theme_entry, &c, err);

	if (rc)
		return rc;
	for (int r = 0; strict && r < ROLE_COUNT; r++)
		if (!c.set[r])
			return ts_err_set(err, TS_ETHEME, "%s: role '%s' is not set", source ? source : "theme",
					  role_keys[r]);
	*t = work;
	return TS_OK;
}

int theme_default(struct theme *t, struct ts_err *err)
{
	static struct theme cached;
	static bool ready;

	if (!ready) {
		struct theme blank = { .name = "" };
		int rc;

		for (int r = 0; r < ROLE_COUNT; r++)
			blank.style[r] = (struct theme_style){ .fg = color_default(), .bg = color_default() };
		rc = theme_parse_onto(&blank, theme_default_text, "compiled-in default theme", true, err);
		if (rc)
			return rc;
		cached = blank;
		ready = true;
	}
	*t = cached;
	return TS_OK;
}

/* The default theme without its name, ready for text parsed on top. */
static int theme_base(struct theme *t, struct ts_err *err)
{
	int rc = theme_default(t, err);

	t->name[0] = '\0';
	t->description[0] = '\0';
	return rc;
}

int theme_parse(struct theme *t, const char *text, struct ts_err *err)
{
	struct theme work;
	int rc = theme_base(&work, err);

	if (!rc)
		rc = theme_parse_onto(&work, text, NULL, false, err);
	if (!rc)
		*t = work;
	return rc;
}

/* ---- the search path ---- */

static char *path_join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s%s%s", a, b, c);
	return p;
}

/* The theme directories in search order (malloc'd); returns how many. */
static size_t theme_dirs(char *dirs[THEME_NDIRS])
{
	const char *env = getenv("TOKSCOPE_THEME_DIR");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *cand[THEME_NDIRS] = { NULL };
	size_t n = 0;

	if (env && *env)
		cand[0] = strdup(env);
	if (xdg && xdg[0] == '/')
		cand[1] = path_join3(xdg, "/tokscope/themes", "");
	else if (home && *home)
		cand[1] = path_join3(home, "/.config/tokscope/themes", "");
	cand[2] = strdup("themes");
	cand[3] = strdup(TOKSCOPE_DATADIR "/themes");
	for (size_t i = 0; i < THEME_NDIRS; i++)
		if (cand[i])
			dirs[n++] = cand[i];
	return n;
}

static void dirs_free(char **dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
}

/* DIR/NAME.theme of the first directory holding it (malloc'd), or NULL. */
static char *theme_find(const char *name)
{
	char *dirs[THEME_NDIRS], *path = NULL;
	size_t n = theme_dirs(dirs);

	for (size_t i = 0; i < n && !path; i++) {
		char *dir = path_join3(dirs[i], "/", name);

		path = dir ? path_join3(dir, ".theme", "") : NULL;
		free(dir);
		if (path && access(path, R_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	dirs_free(dirs, n);
	return path;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The file's name without directory and ".theme", as the theme's name. */
static void name_from_path(char *out, size_t outsz, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (has_suffix(base, ".theme"))
		n -= 6;
	snprintf(out, outsz, "%.*s", (int)(n < outsz ? n : outsz - 1), base);
}

static int theme_load_file(struct theme *t, const char *path, struct ts_err *err)
{
	struct theme work;
	char *text = NULL;
	int rc = inifile_read(path, THEME_MAX_FILE, TS_ETHEME, &text, NULL, err);

	if (!rc)
		rc = theme_base(&work, err);
	if (!rc)
		rc = theme_parse_onto(&work, text, path, false, err);
	free(text);
	if (rc)
		return rc;
	if (!work.name[0])
		name_from_path(work.name, sizeof work.name, path);
	*t = work;
	return TS_OK;
}

int theme_load(struct theme *t, const char *name_or_path, struct ts_err *err)
{
	char *path;
	int rc;

	if (!name_or_path || !*name_or_path)
		return ts_err_set(err, TS_ETHEME, "empty theme name");
	if (strcmp(name_or_path, "default") == 0)
		return theme_default(t, err);
	if (strchr(name_or_path, '/') || has_suffix(name_or_path, ".theme"))
		return theme_load_file(t, name_or_path, err);
	path = theme_find(name_or_path);
	if (!path)
		return ts_err_set(err, TS_ETHEME, "no theme '%s' in $TOKSCOPE_THEME_DIR, "
				  "~/.config/tokscope/themes, ./themes or %s/themes (see tokscope-theme(5))",
				  name_or_path, TOKSCOPE_DATADIR);
	rc = theme_load_file(t, path, err);
	free(path);
	return rc;
}

/* Adds the stems of dir's *.theme files (but "default") to found. */
static void list_dir(const char *dir, char **found, size_t *n)
{
	DIR *d = opendir(dir);
	const struct dirent *e;
	size_t len;

	if (!d)
		return;
	while (*n < THEME_MAX_LIST) {
		e = readdir(d);
		if (!e)
			break;
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".theme") ||
		    strcmp(e->d_name, "default.theme") == 0)
			continue;
		found[*n] = strndup(e->d_name, len - 6);
		if (found[*n])
			(*n)++;
	}
	closedir(d);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t theme_list(char **names, size_t max)
{
	char *dirs[THEME_NDIRS], *found[THEME_MAX_LIST];
	size_t ndirs = theme_dirs(dirs), nfound = 0, out = 0;

	for (size_t i = 0; i < ndirs; i++)
		list_dir(dirs[i], found, &nfound);
	dirs_free(dirs, ndirs);
	qsort(found, nfound, sizeof found[0], compare_names);
	if (max > 0) {
		names[0] = strdup("default");
		out = names[0] ? 1 : 0;
	}
	for (size_t i = 0; i < nfound; i++) {
		bool dup = out > 0 && strcmp(found[i], names[out - 1]) == 0;

		if (out < max && !dup)
			names[out++] = found[i];
		else
			free(found[i]);
	}
	return out;
}

/* ---- terminal output ---- */

__attribute__((format(printf, 4, 5)))
static size_t sgr_add(char *seq, size_t n, size_t size, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (n + 1 >= size)
		return n;
	va_start(ap, fmt);
	w = vsnprintf(seq + n, size - n, fmt, ap);
	va_end(ap);
	if (w < 0)
		return n;
	return n + (size_t)w < size ? n + (size_t)w : size - 1;
}

/* Appends ";N" codes for one colour; base 30 for foreground, 40 for background. */
static size_t sgr_color(char *seq, size_t n, size_t size, const struct theme_color *c,
			enum color_depth depth, unsigned base)
{
	if (c->is_default || depth == DEPTH_NONE)
		return n;
	if (depth == DEPTH_8)
		return sgr_add(seq, n, size, ";%u", base + (unsigned)c->idx8);
	if (depth == DEPTH_TRUE && c->has_rgb)
		return sgr_add(seq, n, size, ";%u;2;%u;%u;%u", base + 8, c->rgb >> 16 & 0xff,
			       c->rgb >> 8 & 0xff, c->rgb & 0xff);
	return sgr_add(seq, n, size, ";%u;5;%d", base + 8, c->idx256);
}

size_t theme_sgr(const struct theme_style *s, enum color_depth depth, char *out, size_t outsz)
{
	static const struct { unsigned attr; const char *code; } codes[] = {
		{ ATTR_BOLD, ";1" }, { ATTR_DIM, ";2" }, { ATTR_ITALIC, ";3" },
		{ ATTR_UNDERLINE, ";4" }, { ATTR_REVERSE | ATTR_STANDOUT, ";7" },
	};
	char seq[96] = "\033[0";
	size_t n = 3;

	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (s->attrs & codes[i].attr)
			n = sgr_add(seq, n, sizeof seq, "%s", codes[i].code);
	n = sgr_color(seq, n, sizeof seq, &s->fg, depth, 30);
	n = sgr_color(seq, n, sizeof seq, &s->bg, depth, 40);
	n = sgr_add(seq, n, sizeof seq, "m");
	if (outsz == 0)
		return 0;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, seq, n);
	out[n] = '\0';
	return n;
}

enum color_depth theme_env_depth(void)
{
	const char *nc = getenv("NO_COLOR");
	const char *ct = getenv("COLORTERM");
	const char *term = getenv("TERM");

	if (nc && *nc)
		return DEPTH_NONE;
	if (ct && (strcasecmp(ct, "truecolor") == 0 || strcasecmp(ct, "24bit") == 0))
		return DEPTH_TRUE;
	if (term && strstr(term, "256color"))
		return DEPTH_256;
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return DEPTH_NONE;
	return DEPTH_8;
}
