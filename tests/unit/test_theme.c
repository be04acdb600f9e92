/* Themes: the compiled-in default, the bundled files, colour parsing and
 * mapping, SGR sequences, colour depth from the environment, buckets, the
 * search path. */
#include "tests/unit/testutil.h"

#include <ini.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/theme.h"

extern const char theme_default_text[];

static const char *const bundled[] = { "default", "light", "colorblind", "mono", "high-contrast" };

static bool color_equal(const struct theme_color *a, const struct theme_color *b)
{
	return a->is_default == b->is_default && a->has_rgb == b->has_rgb && a->rgb == b->rgb &&
	       a->idx256 == b->idx256 && a->idx8 == b->idx8;
}

static bool style_equal(const struct theme_style *a, const struct theme_style *b)
{
	return color_equal(&a->fg, &b->fg) && color_equal(&a->bg, &b->bg) && a->attrs == b->attrs;
}

/* ---- every role set, checked independently with inih ---- */

struct role_scan {
	int count[ROLE_COUNT];
	int unknown;
};

static int scan_entry(void *user, const char *section, const char *name, const char *value)
{
	struct role_scan *s = user;

	(void)value;
	if (strcmp(section, "styles") != 0)
		return 1;
	for (int r = 0; r < ROLE_COUNT; r++)
		if (strcmp(name, theme_role_key((enum theme_role)r)) == 0) {
			s->count[r]++;
			return 1;
		}
	s->unknown++;
	return 1;
}

/* Fails unless text's [styles] sets every role exactly once and nothing else. */
static void assert_sets_every_role(const char *text, const char *what)
{
	struct role_scan s = { { 0 }, 0 };

	assert_int_equal(ini_parse_string(text, scan_entry, &s), 0);
	for (int r = 0; r < ROLE_COUNT; r++)
		if (s.count[r] != 1)
			fail_msg("%s sets role %s %d times", what, theme_role_key((enum theme_role)r), s.count[r]);
	if (s.unknown)
		fail_msg("%s sets %d unknown roles", what, s.unknown);
}

static void compiled_in_default_parses_and_sets_every_role(void **state)
{
	struct theme t;
	struct ts_err err;

	(void)state;
	assert_sets_every_role(theme_default_text, "the compiled-in default");
	assert_int_equal(theme_default(&t, &err), TS_OK);
	assert_string_equal(t.name, "default");
	assert_true(strlen(t.description) > 10);
	/* Spot values from themes/default.theme. */
	assert_true(t.style[ROLE_P0].fg.has_rgb);
	assert_int_equal(t.style[ROLE_P0].fg.rgb, 0xff5f5f);
	assert_int_equal(t.style[ROLE_P0].fg.idx256, 203);
	assert_int_equal(t.style[ROLE_P0].attrs, ATTR_BOLD | ATTR_UNDERLINE);
	assert_true(t.style[ROLE_P0].bg.is_default);
	assert_int_equal(t.style[ROLE_P5].fg.idx256, 77);
	assert_true(t.style[ROLE_TEXT].fg.is_default);
}

static void compiled_in_default_is_the_file(void **state)
{
	char *file = tu_read_file("themes/default.theme", NULL);
	struct theme a, b;
	struct ts_err err;

	(void)state;
	assert_string_equal(theme_default_text, file);
	free(file);
	assert_int_equal(theme_default(&a, &err), TS_OK);
	assert_int_equal(theme_load(&b, "themes/default.theme", &err), TS_OK);
	assert_string_equal(a.name, b.name);
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_true(style_equal(&a.style[r], &b.style[r]));
}

static void bundled_themes_parse_and_set_every_role(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bundled / sizeof bundled[0]; i++) {
		char path[128];
		char *text;
		struct theme t;
		struct ts_err err;

		snprintf(path, sizeof path, "themes/%s.theme", bundled[i]);
		text = tu_read_file(path, NULL);
		assert_sets_every_role(text, path);
		if (theme_parse(&t, text, &err) != TS_OK)
			fail_msg("%s: %s", path, err.msg);
		assert_string_equal(t.name, bundled[i]);
		assert_true(t.description[0] != '\0');
		/* Colour is never the only cue for the two lowest buckets. */
		assert_true(t.style[ROLE_P0].attrs & ATTR_UNDERLINE);
		assert_true(t.style[ROLE_P1].attrs & ATTR_UNDERLINE);
		free(text);
	}
}

static void mono_theme_has_no_colour_and_distinct_low_buckets(void **state)
{
	struct theme t;
	struct ts_err err;

	(void)state;
	assert_int_equal(theme_load(&t, "themes/mono.theme", &err), TS_OK);
	for (int r = 0; r < ROLE_COUNT; r++) {
		assert_true(t.style[r].fg.is_default);
		assert_true(t.style[r].bg.is_default);
	}
	for (int a = ROLE_P0; a <= ROLE_P3; a++)
		for (int b = a + 1; b <= ROLE_P5; b++)
			assert_int_not_equal(t.style[a].attrs, t.style[b].attrs);
	assert_int_equal(t.style[ROLE_P5].attrs, 0);
}

static void colorblind_theme_uses_blue_high_and_orange_low(void **state)
{
	struct theme t;
	struct ts_err err;

	(void)state;
	assert_int_equal(theme_load(&t, "themes/colorblind.theme", &err), TS_OK);
	assert_int_equal(t.style[ROLE_P5].fg.rgb, 0x56b4e9);
	assert_int_equal(t.style[ROLE_P4].fg.rgb, 0x0072b2);
	assert_int_equal(t.style[ROLE_P1].fg.rgb, 0xe69f00);
	assert_int_equal(t.style[ROLE_P0].fg.rgb, 0xd55e00);
}

/* ---- colour maps ---- */

static void rgb_to_256_known_points(void **state)
{
	static const struct { uint32_t rgb; int idx; } points[] = {
		{ 0x000000, 16 }, { 0xffffff, 231 }, { 0xff0000, 196 }, { 0x808080, 244 },
		{ 0x5f87af, 67 }, { 0x121212, 233 }, { 0xd7005f, 161 }, { 0x080808, 232 },
		{ 0xeeeeee, 255 }, { 0x878787, 102 }, { 0x00ff00, 46 }, { 0x0000ff, 21 },
		{ 0xff8700, 208 }, { 0x010101, 16 }, { 0x5f0000, 52 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof points / sizeof points[0]; i++)
		if (theme_rgb_to_256(points[i].rgb) != points[i].idx)
			fail_msg("#%06x gave %d, not %d", (unsigned)points[i].rgb,
				 theme_rgb_to_256(points[i].rgb), points[i].idx);
}

static void rgb_to_8_known_points(void **state)
{
	static const struct { uint32_t rgb; int idx; } points[] = {
		{ 0x000000, 0 }, { 0xff0000, 1 }, { 0x00ff00, 2 }, { 0xffff00, 3 }, { 0x0000ff, 4 },
		{ 0xff00ff, 5 }, { 0x00ffff, 6 }, { 0xffffff, 7 }, { 0x808080, 7 }, { 0x5f5f5f, 0 },
		{ 0xff8700, 3 }, { 0xd75f00, 1 }, { 0x0000af, 4 }, { 0x808000, 3 },
		/* Greys by lightness (plain nearest would make #808080 yellow). */
		{ 0x8a8a8a, 7 }, { 0x767676, 7 }, { 0x707070, 0 }, { 0x303030, 0 }, { 0x8a8a9a, 7 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof points / sizeof points[0]; i++)
		if (theme_rgb_to_8(points[i].rgb) != points[i].idx)
			fail_msg("#%06x gave %d, not %d", (unsigned)points[i].rgb,
				 theme_rgb_to_8(points[i].rgb), points[i].idx);
}

static void color_words_parse_to_all_three_forms(void **state)
{
	struct theme_color c;

	(void)state;
	assert_int_equal(theme_parse_color("red", &c), TS_OK);
	assert_false(c.is_default);
	assert_false(c.has_rgb);
	assert_int_equal(c.rgb, 0xcd0000);
	assert_int_equal(c.idx256, 1);
	assert_int_equal(c.idx8, 1);
	assert_int_equal(theme_parse_color("bright-red", &c), TS_OK);
	assert_int_equal(c.idx256, 9);
	assert_int_equal(c.idx8, 1);
	assert_int_equal(c.rgb, 0xff0000);
	assert_int_equal(theme_parse_color("bright-black", &c), TS_OK);
	assert_int_equal(c.idx256, 8);
	assert_int_equal(c.idx8, 7);   /* grey reads better as white than black */
	assert_int_equal(theme_parse_color("WHITE", &c), TS_OK);
	assert_int_equal(c.idx256, 7);
	assert_int_equal(theme_parse_color("208", &c), TS_OK);
	assert_false(c.has_rgb);
	assert_int_equal(c.rgb, 0xff8700);
	assert_int_equal(c.idx256, 208);
	assert_int_equal(c.idx8, 3);
	assert_int_equal(theme_parse_color("0", &c), TS_OK);
	assert_int_equal(c.idx256, 0);
	assert_int_equal(theme_parse_color("255", &c), TS_OK);
	assert_int_equal(c.rgb, 0xeeeeee);
	assert_int_equal(c.idx256, 255);
	assert_int_equal(theme_parse_color("#D7005f", &c), TS_OK);
	assert_true(c.has_rgb);
	assert_int_equal(c.rgb, 0xd7005f);
	assert_int_equal(c.idx256, 161);
	assert_int_equal(c.idx8, 1);
	assert_int_equal(theme_parse_color("default", &c), TS_OK);
	assert_true(c.is_default);
	assert_false(c.has_rgb);
}

static void bad_color_words_are_rejected_untouched(void **state)
{
	static const char *const bad[] = {
		"", "256", "-1", "+1", "1234", "12a", "0x10", "#fff", "#ff00000", "#gg0000", "#",
		"purple", "bright-", "bright-purple", " red", "red ", "bright-default",
	};
	struct theme_color c = { .rgb = 0x123456, .idx256 = 42, .idx8 = 3 };

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (theme_parse_color(bad[i], &c) != TS_ETHEME)
			fail_msg("'%s' was accepted", bad[i]);
	assert_int_equal(theme_parse_color(NULL, &c), TS_ETHEME);
	assert_int_equal(c.rgb, 0x123456);
	assert_int_equal(c.idx256, 42);
}

/* ---- SGR ---- */

static struct theme_style red_bold_underline(void)
{
	struct theme_style s = { .attrs = ATTR_BOLD | ATTR_UNDERLINE };

	assert_int_equal(theme_parse_color("#ff0000", &s.fg), TS_OK);
	assert_int_equal(theme_parse_color("default", &s.bg), TS_OK);
	return s;
}

static void assert_sgr(const struct theme_style *s, enum color_depth d, const char *want)
{
	char out[64];
	size_t n = theme_sgr(s, d, out, sizeof out);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void sgr_for_a_24bit_colour_at_each_depth(void **state)
{
	struct theme_style s = red_bold_underline();

	(void)state;
	assert_sgr(&s, DEPTH_NONE, "\033[0;1;4m");
	assert_sgr(&s, DEPTH_8, "\033[0;1;4;31m");
	assert_sgr(&s, DEPTH_256, "\033[0;1;4;38;5;196m");
	assert_sgr(&s, DEPTH_TRUE, "\033[0;1;4;38;2;255;0;0m");
}

static void sgr_for_index_and_background_at_each_depth(void **state)
{
	struct theme_style s = { .attrs = ATTR_DIM | ATTR_ITALIC | ATTR_REVERSE | ATTR_STANDOUT };

	(void)state;
	assert_int_equal(theme_parse_color("208", &s.fg), TS_OK);
	assert_int_equal(theme_parse_color("#0000af", &s.bg), TS_OK);
	assert_sgr(&s, DEPTH_NONE, "\033[0;2;3;7m");
	assert_sgr(&s, DEPTH_8, "\033[0;2;3;7;33;44m");
	assert_sgr(&s, DEPTH_256, "\033[0;2;3;7;38;5;208;48;5;19m");
	/* Truecolor only for colours given as #rrggbb. */
	assert_sgr(&s, DEPTH_TRUE, "\033[0;2;3;7;38;5;208;48;2;0;0;175m");
}

static void sgr_standout_alone_is_reverse(void **state)
{
	struct theme_style s = { .attrs = ATTR_STANDOUT };

	(void)state;
	assert_int_equal(theme_parse_color("default", &s.fg), TS_OK);
	assert_int_equal(theme_parse_color("1", &s.bg), TS_OK);
	assert_sgr(&s, DEPTH_NONE, "\033[0;7m");
	assert_sgr(&s, DEPTH_8, "\033[0;7;41m");
	assert_sgr(&s, DEPTH_TRUE, "\033[0;7;48;5;1m");
}

static void sgr_for_the_plain_style_is_a_reset(void **state)
{
	struct theme_style s;

	(void)state;
	assert_int_equal(theme_parse_color("default", &s.fg), TS_OK);
	assert_int_equal(theme_parse_color("default", &s.bg), TS_OK);
	s.attrs = 0;
	assert_sgr(&s, DEPTH_NONE, "\033[0m");
	assert_sgr(&s, DEPTH_8, "\033[0m");
	assert_sgr(&s, DEPTH_256, "\033[0m");
	assert_sgr(&s, DEPTH_TRUE, "\033[0m");
}

static void sgr_longest_fits_and_small_buffers_truncate(void **state)
{
	struct theme_style s = { .attrs = 0x3f };
	char out[64], small[5];

	(void)state;
	assert_int_equal(theme_parse_color("#ffffff", &s.fg), TS_OK);
	assert_int_equal(theme_parse_color("#ffffff", &s.bg), TS_OK);
	assert_int_equal(theme_sgr(&s, DEPTH_TRUE, out, sizeof out),
			 strlen("\033[0;1;2;3;4;7;38;2;255;255;255;48;2;255;255;255m"));
	assert_string_equal(out, "\033[0;1;2;3;4;7;38;2;255;255;255;48;2;255;255;255m");
	assert_int_equal(theme_sgr(&s, DEPTH_TRUE, small, sizeof small), 4);
	assert_string_equal(small, "\033[0;");
	assert_int_equal(theme_sgr(&s, DEPTH_TRUE, small, 0), 0);
}

/* ---- colour depth from the environment ---- */

static void set_env(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

static enum color_depth depth_with(const char *no_color, const char *colorterm, const char *term)
{
	set_env("NO_COLOR", no_color);
	set_env("COLORTERM", colorterm);
	set_env("TERM", term);
	return theme_env_depth();
}

static void env_depth_follows_no_color_colorterm_and_term(void **state)
{
	(void)state;
	assert_int_equal(depth_with("1", "truecolor", "xterm-256color"), DEPTH_NONE);
	assert_int_equal(depth_with("", "truecolor", "xterm-256color"), DEPTH_TRUE);
	assert_int_equal(depth_with("", NULL, "xterm-256color"), DEPTH_256);
	assert_int_equal(depth_with(NULL, "truecolor", "xterm"), DEPTH_TRUE);
	assert_int_equal(depth_with(NULL, "24bit", "xterm"), DEPTH_TRUE);
	assert_int_equal(depth_with(NULL, "yes", "screen-256color"), DEPTH_256);
	assert_int_equal(depth_with(NULL, NULL, "xterm"), DEPTH_8);
	assert_int_equal(depth_with(NULL, NULL, "linux"), DEPTH_8);
	assert_int_equal(depth_with(NULL, NULL, "dumb"), DEPTH_NONE);
	assert_int_equal(depth_with(NULL, NULL, ""), DEPTH_NONE);
	assert_int_equal(depth_with(NULL, NULL, NULL), DEPTH_NONE);
	set_env("NO_COLOR", NULL);
	set_env("COLORTERM", NULL);
	set_env("TERM", NULL);
}

/* ---- theme text ---- */

static void missing_roles_keep_the_default_style(void **state)
{
	struct theme def, t;
	struct ts_err err;

	(void)state;
	assert_int_equal(theme_default(&def, &err), TS_OK);
	assert_int_equal(theme_parse(&t, "[theme]\nname = tiny\n[styles]\np0 = fg:#000000 bg:231 italic\n",
				     &err), TS_OK);
	assert_string_equal(t.name, "tiny");
	assert_string_equal(t.description, "");
	assert_int_equal(t.style[ROLE_P0].fg.idx256, 16);
	assert_false(t.style[ROLE_P0].bg.has_rgb);
	assert_int_equal(t.style[ROLE_P0].bg.idx256, 231);
	/* A role's words replace its whole style: no bold or underline left. */
	assert_int_equal(t.style[ROLE_P0].attrs, ATTR_ITALIC);
	for (int r = ROLE_P1; r < ROLE_COUNT; r++)
		assert_true(style_equal(&t.style[r], &def.style[r]));
}

static void empty_value_and_none_mean_plain(void **state)
{
	struct theme t;
	struct ts_err err;

	(void)state;
	assert_int_equal(theme_parse(&t, "[styles]\np0 =\np1 = none\n", &err), TS_OK);
	assert_int_equal(t.style[ROLE_P0].attrs, 0);
	assert_true(t.style[ROLE_P0].fg.is_default);
	assert_int_equal(t.style[ROLE_P1].attrs, 0);
	assert_true(t.style[ROLE_P1].fg.is_default);
}

static void assert_parse_error(const char *text, const char *want)
{
	struct theme t, before;
	struct ts_err err;

	assert_int_equal(theme_default(&t, &err), TS_OK);
	before = t;
	assert_int_equal(theme_parse(&t, text, &err), TS_ETHEME);
	if (strncmp(err.msg, want, strlen(want)) != 0)
		fail_msg("message '%s' does not start with '%s'", err.msg, want);
	/* Unchanged on failure. */
	assert_string_equal(t.name, before.name);
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_true(style_equal(&t.style[r], &before.style[r]));
}

static void bad_theme_text_gives_a_message_with_its_line(void **state)
{
	char longname[128];

	(void)state;
	assert_parse_error("[styles]\np0 = bold\np1 = fg:purple\n",
			   "line 3: bad colour 'purple' in 'fg:purple'");
	assert_parse_error("[styles]\n\nfoo = bold\n", "line 3: unknown role 'foo'");
	assert_parse_error("[styles]\np2 = bold blink\n", "line 2: unknown attribute 'blink'");
	assert_parse_error("[styles]\np2 = fg #ff0000\n", "line 2: unknown attribute 'fg'");
	assert_parse_error("[colours]\np0 = bold\n", "line 2: 'p0' in unknown section [colours]");
	assert_parse_error("p0 = bold\n", "line 1: 'p0' outside a section");
	assert_parse_error("[theme]\nauthor = me\n", "line 2: unknown key 'author' in [theme]");
	assert_parse_error("[styles]\njust words\n", "line 2: expected 'key = value'");
	snprintf(longname, sizeof longname, "[theme]\nname = %070d\n", 1);
	assert_parse_error(longname, "line 2: name longer than 63 bytes");
	/* The good line before the bad one is not kept either. */
	assert_parse_error("[styles]\np0 = fg:red\np1 = fg:bogus\n", "line 3:");
}

static void load_error_names_the_file(void **state)
{
	char dir[] = "/tmp/tokscope-theme-XXXXXX", path[128];
	FILE *f;
	struct theme t;
	struct ts_err err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/broken.theme", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[styles]\n# fine\ntext = fg:red\ndim = fg:#12345\n", f);
	fclose(f);
	assert_int_equal(theme_load(&t, path, &err), TS_ETHEME);
	assert_non_null(strstr(err.msg, "broken.theme:4: bad colour '#12345'"));
	unlink(path);
	rmdir(dir);
	assert_int_equal(theme_load(&t, "/nonexistent/x.theme", &err), TS_EIO);
	assert_int_equal(theme_load(&t, "", &err), TS_ETHEME);
}

/* ---- buckets and roles ---- */

static void bucket_boundaries(void **state)
{
	(void)state;
	assert_int_equal(theme_bucket(0.0), ROLE_P0);
	assert_int_equal(theme_bucket(0.0999), ROLE_P0);
	assert_int_equal(theme_bucket(0.1), ROLE_P1);
	assert_int_equal(theme_bucket(0.2999), ROLE_P1);
	assert_int_equal(theme_bucket(0.3), ROLE_P2);
	assert_int_equal(theme_bucket(0.5), ROLE_P3);
	assert_int_equal(theme_bucket(0.6999), ROLE_P3);
	assert_int_equal(theme_bucket(0.7), ROLE_P4);
	assert_int_equal(theme_bucket(0.8999), ROLE_P4);
	assert_int_equal(theme_bucket(0.9), ROLE_P5);
	assert_int_equal(theme_bucket(1.0), ROLE_P5);
	assert_int_equal(theme_bucket(NAN), ROLE_P0);
	assert_int_equal(theme_bucket(-1.0), ROLE_P0);
	assert_int_equal(theme_bucket(-INFINITY), ROLE_P0);
	assert_int_equal(theme_bucket(2.0), ROLE_P5);
}

static void role_keys_and_help_come_from_the_table(void **state)
{
	(void)state;
	assert_string_equal(theme_role_key(ROLE_P0), "p0");
	assert_string_equal(theme_role_key(ROLE_STATUS_KEY), "status_key");
	assert_string_equal(theme_role_key(ROLE_INPUT), "input");
	assert_string_equal(theme_role_help(ROLE_ESCALATE), "the ESCALATE badge");
	assert_string_equal(theme_role_key(ROLE_COUNT), "");
	assert_string_equal(theme_role_help((enum theme_role)-1), "");
}

/* The man page lists every role with the header's words (mdoc escapes for
 * the two non-ASCII characters). */
static void man_page_lists_every_role_exactly(void **state)
{
	char *man = tu_read_file("man/tokscope-theme.5", NULL);

	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++) {
		char item[64], help[128];
		const char *h = theme_role_help((enum theme_role)r);
		size_t n = 0;

		snprintf(item, sizeof item, ".It Cm %s\n", theme_role_key((enum theme_role)r));
		for (; *h && n + 5 < sizeof help; h++) {
			if (strncmp(h, "–", strlen("–")) == 0) {
				n += (size_t)snprintf(help + n, sizeof help - n, "\\(en");
				h += strlen("–") - 1;
			} else if (strncmp(h, "≥", strlen("≥")) == 0) {
				n += (size_t)snprintf(help + n, sizeof help - n, "\\(>=");
				h += strlen("≥") - 1;
			} else {
				help[n++] = *h;
			}
		}
		help[n] = '\0';
		if (!strstr(man, item))
			fail_msg("man page has no '%s'", item);
		if (!strstr(strstr(man, item) + strlen(item), help))
			fail_msg("man page does not describe %s as '%s'", item, help);
	}
	free(man);
}

/* ---- the search path ---- */

struct dirs {
	char env[64], home[64], xdg[64];
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

static int dirs_setup(void **state)
{
	struct dirs *d = calloc(1, sizeof *d);
	char sub[128];

	snprintf(d->env, sizeof d->env, "/tmp/tokscope-env-XXXXXX");
	snprintf(d->home, sizeof d->home, "/tmp/tokscope-home-XXXXXX");
	snprintf(d->xdg, sizeof d->xdg, "/tmp/tokscope-xdg-XXXXXX");
	if (!mkdtemp(d->env) || !mkdtemp(d->home) || !mkdtemp(d->xdg))
		return -1;
	write_file(d->env, "mono.theme", "[theme]\ndescription = from the env dir\n");
	write_file(d->env, "zeta.theme", "[styles]\np5 = bold\n");
	write_file(d->env, "alpha.theme", "");
	write_file(d->env, "default.theme", "[styles]\np5 = bold\n");
	write_file(d->env, ".hidden.theme", "");
	write_file(d->env, "notes.txt", "");
	snprintf(sub, sizeof sub, "%s/tokscope", d->xdg);
	mkdir(sub, 0700);
	snprintf(sub, sizeof sub, "%s/tokscope/themes", d->xdg);
	mkdir(sub, 0700);
	write_file(sub, "xdgonly.theme", "[theme]\nname = from xdg\n");
	snprintf(sub, sizeof sub, "%s/.config", d->home);
	mkdir(sub, 0700);
	snprintf(sub, sizeof sub, "%s/.config/tokscope", d->home);
	mkdir(sub, 0700);
	snprintf(sub, sizeof sub, "%s/.config/tokscope/themes", d->home);
	mkdir(sub, 0700);
	write_file(sub, "homeonly.theme", "[theme]\nname = from home\n");
	setenv("TOKSCOPE_THEME_DIR", d->env, 1);
	setenv("HOME", d->home, 1);
	unsetenv("XDG_CONFIG_HOME");
	*state = d;
	return 0;
}

static int dirs_teardown(void **state)
{
	struct dirs *d = *state;
	char sub[128];
	static const char *const files[] = {
		"mono.theme", "zeta.theme", "alpha.theme", "default.theme", ".hidden.theme", "notes.txt",
	};

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		remove_file(d->env, files[i]);
	snprintf(sub, sizeof sub, "%s/tokscope/themes", d->xdg);
	remove_file(sub, "xdgonly.theme");
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/tokscope", d->xdg);
	rmdir(sub);
	rmdir(d->xdg);
	snprintf(sub, sizeof sub, "%s/.config/tokscope/themes", d->home);
	remove_file(sub, "homeonly.theme");
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/.config/tokscope", d->home);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/.config", d->home);
	rmdir(sub);
	rmdir(d->home);
	rmdir(d->env);
	unsetenv("TOKSCOPE_THEME_DIR");
	unsetenv("XDG_CONFIG_HOME");
	free(d);
	return 0;
}

static void load_by_name_searches_env_dir_first(void **state)
{
	struct theme t;
	struct ts_err err;

	(void)state;
	assert_int_equal(theme_load(&t, "mono", &err), TS_OK);
	assert_string_equal(t.description, "from the env dir");
	/* Without a [theme] name, the file's name is the theme's. */
	assert_string_equal(t.name, "mono");
	assert_int_equal(theme_load(&t, "zeta", &err), TS_OK);
	assert_string_equal(t.name, "zeta");
	assert_int_equal(t.style[ROLE_P5].attrs, ATTR_BOLD);
	/* "default" is always the compiled-in theme, never a file. */
	assert_int_equal(theme_load(&t, "default", &err), TS_OK);
	assert_true(t.style[ROLE_P5].fg.has_rgb);
	/* Then ./themes. */
	unsetenv("TOKSCOPE_THEME_DIR");
	assert_int_equal(theme_load(&t, "mono", &err), TS_OK);
	assert_string_equal(t.name, "mono");
	assert_non_null(strstr(t.description, "no colour"));
	assert_int_equal(theme_load(&t, "zeta", &err), TS_ETHEME);
	assert_non_null(strstr(err.msg, "no theme 'zeta'"));
}

static void load_by_name_searches_the_config_dir(void **state)
{
	struct dirs *d = *state;
	struct theme t;
	struct ts_err err;

	/* Without XDG_CONFIG_HOME: ~/.config/tokscope/themes. */
	assert_int_equal(theme_load(&t, "homeonly", &err), TS_OK);
	assert_string_equal(t.name, "from home");
	assert_int_equal(theme_load(&t, "xdgonly", &err), TS_ETHEME);
	/* An absolute XDG_CONFIG_HOME replaces it. */
	setenv("XDG_CONFIG_HOME", d->xdg, 1);
	assert_int_equal(theme_load(&t, "xdgonly", &err), TS_OK);
	assert_string_equal(t.name, "from xdg");
	assert_int_equal(theme_load(&t, "homeonly", &err), TS_ETHEME);
	/* A relative one is ignored. */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	assert_int_equal(theme_load(&t, "xdgonly", &err), TS_ETHEME);
	assert_int_equal(theme_load(&t, "homeonly", &err), TS_OK);
}

static void list_is_default_then_sorted_unique_names(void **state)
{
	char *names[64];
	size_t n;
	bool alpha = false, zeta = false, light = false;

	(void)state;
	n = theme_list(names, 64);
	assert_true(n >= 7);
	assert_string_equal(names[0], "default");
	for (size_t i = 1; i < n; i++) {
		if (i > 1 && strcmp(names[i - 1], names[i]) >= 0)
			fail_msg("'%s' then '%s': not sorted or not unique", names[i - 1], names[i]);
		assert_string_not_equal(names[i], "default");
		assert_string_not_equal(names[i], ".hidden");
		assert_string_not_equal(names[i], "notes");
		alpha |= strcmp(names[i], "alpha") == 0;
		zeta |= strcmp(names[i], "zeta") == 0;
		light |= strcmp(names[i], "light") == 0;
	}
	assert_true(alpha && zeta && light);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	n = theme_list(names, 2);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "default");
	assert_string_equal(names[1], "alpha");
	free(names[0]);
	free(names[1]);
	assert_int_equal(theme_list(names, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compiled_in_default_parses_and_sets_every_role),
		cmocka_unit_test(compiled_in_default_is_the_file),
		cmocka_unit_test(bundled_themes_parse_and_set_every_role),
		cmocka_unit_test(mono_theme_has_no_colour_and_distinct_low_buckets),
		cmocka_unit_test(colorblind_theme_uses_blue_high_and_orange_low),
		cmocka_unit_test(rgb_to_256_known_points),
		cmocka_unit_test(rgb_to_8_known_points),
		cmocka_unit_test(color_words_parse_to_all_three_forms),
		cmocka_unit_test(bad_color_words_are_rejected_untouched),
		cmocka_unit_test(sgr_for_a_24bit_colour_at_each_depth),
		cmocka_unit_test(sgr_for_index_and_background_at_each_depth),
		cmocka_unit_test(sgr_standout_alone_is_reverse),
		cmocka_unit_test(sgr_for_the_plain_style_is_a_reset),
		cmocka_unit_test(sgr_longest_fits_and_small_buffers_truncate),
		cmocka_unit_test(env_depth_follows_no_color_colorterm_and_term),
		cmocka_unit_test(missing_roles_keep_the_default_style),
		cmocka_unit_test(empty_value_and_none_mean_plain),
		cmocka_unit_test(bad_theme_text_gives_a_message_with_its_line),
		cmocka_unit_test(load_error_names_the_file),
		cmocka_unit_test(bucket_boundaries),
		cmocka_unit_test(role_keys_and_help_come_from_the_table),
		cmocka_unit_test(man_page_lists_every_role_exactly),
		cmocka_unit_test_setup_teardown(load_by_name_searches_env_dir_first, dirs_setup, dirs_teardown),
		cmocka_unit_test_setup_teardown(load_by_name_searches_the_config_dir, dirs_setup, dirs_teardown),
		cmocka_unit_test_setup_teardown(list_is_default_then_sorted_unique_names, dirs_setup,
						dirs_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
