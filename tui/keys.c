#include "tui/keys.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/text.h"

static const struct { int key; enum action act; } bindings[] = {
	{ KEYS_FN(KEY_RIGHT), ACT_NEXT },       { 'l', ACT_NEXT },
	{ KEYS_FN(KEY_LEFT), ACT_PREV },        { 'h', ACT_PREV },
	{ KEYS_FN(KEY_DOWN), ACT_DOWN },        { 'j', ACT_DOWN },
	{ KEYS_FN(KEY_UP), ACT_UP },            { 'k', ACT_UP },
	{ KEYS_FN(KEY_NPAGE), ACT_PAGE_DOWN },  { ' ', ACT_PAGE_DOWN },
	{ KEYS_FN(KEY_PPAGE), ACT_PAGE_UP },    { KEYS_CTRL('b'), ACT_PAGE_UP },
	{ 'g', ACT_FIRST },                     { KEYS_FN(KEY_HOME), ACT_FIRST },
	{ 'G', ACT_LAST },                      { KEYS_FN(KEY_END), ACT_LAST },
	{ ']', ACT_NEXT_LOW },                  { '[', ACT_PREV_LOW },
	{ 't', ACT_THRESH_DOWN },               { 'T', ACT_THRESH_UP },
	{ 'u', ACT_TOKTH_DOWN },                { 'U', ACT_TOKTH_UP },
	{ 's', ACT_STAT },                      { 'c', ACT_COLOR_MODE },
	{ 'm', ACT_MARGIN_DOWN },               { 'M', ACT_MARGIN_UP },
	{ 'L', ACT_LABELS },
	{ 'n', ACT_NEXT_ANSWER },               { '\t', ACT_NEXT_ANSWER },
	{ 'N', ACT_PREV_ANSWER },               { KEYS_FN(KEY_BTAB), ACT_PREV_ANSWER },
	{ 'p', ACT_EDITOR },                    { '\r', ACT_EDITOR },
	{ KEYS_FN(KEY_ENTER), ACT_EDITOR },
	{ 27, ACT_CANCEL },
	{ 'w', ACT_SAVE },                      { 'o', ACT_OPEN },
	{ 'e', ACT_ERROR },
	{ 'E', ACT_ESCALATE },                  { 'A', ACT_AUTO_ESCALATE },
	{ 'V', ACT_COMPARE },                   { 'v', ACT_PAIR_SWITCH },
	{ 'b', ACT_BOUNDARIES },                { 'C', ACT_THEME },
	{ 'a', ACT_ALTS },                      { 'Y', ACT_TREE },
	{ '{', ACT_PREV_BRANCH },               { '}', ACT_NEXT_BRANCH },
	{ 'i', ACT_PANE },                      { 'z', ACT_ZOOM },
	{ 'J', ACT_PANEL_NEXT },                { 'K', ACT_PANEL_PREV },
	{ KEYS_CTRL('l'), ACT_REDRAW },
	{ '?', ACT_HELP },                      { KEYS_FN(KEY_F(1)), ACT_HELP },
	{ 'q', ACT_QUIT },
	{ KEYS_CTRL('z'), ACT_SUSPEND },
	{ KEYS_CTRL('c'), ACT_INTERRUPT },
};
#define NBINDINGS (sizeof bindings / sizeof bindings[0])

static const struct { const char *group, *help; } actions[] = {
	{ "", "" },
#define ACT_ROW(e, g, h) { g, h },
	ACTIONS(ACT_ROW)
#undef ACT_ROW
};

/* Names of keys, both for the help and for scripts. */
static const struct { int key; const char *name, *script; } key_names[] = {
	{ KEYS_FN(KEY_RIGHT), "→", "Right" },   { KEYS_FN(KEY_LEFT), "←", "Left" },
	{ KEYS_FN(KEY_DOWN), "↓", "Down" },     { KEYS_FN(KEY_UP), "↑", "Up" },
	{ KEYS_FN(KEY_NPAGE), "PgDn", "PgDn" }, { KEYS_FN(KEY_PPAGE), "PgUp", "PgUp" },
	{ KEYS_FN(KEY_HOME), "Home", "Home" },  { KEYS_FN(KEY_END), "End", "End" },
	{ KEYS_FN(KEY_BTAB), "S-Tab", "S-Tab" }, { KEYS_FN(KEY_ENTER), "Enter", "KEnter" },
	{ KEYS_FN(KEY_DC), "Del", "Del" },      { 127, "BS", "BS" },
	{ '\r', "Enter", "Enter" },             { 27, "Esc", "Esc" },
	{ '\t', "Tab", "Tab" },                 { ' ', "Space", "Space" },
	{ '<', "<", "Lt" },
};
#define NKEYNAMES (sizeof key_names / sizeof key_names[0])

enum action keys_action(int key)
{
	for (size_t i = 0; i < NBINDINGS; i++)
		if (bindings[i].key == key)
			return bindings[i].act;
	return ACT_NONE;
}

int keys_first(enum action a)
{
	for (size_t i = 0; i < NBINDINGS; i++)
		if (bindings[i].act == a)
			return bindings[i].key;
	return -1;
}

const char *keys_action_help(enum action a)
{
	return a < ACT_COUNT ? actions[a].help : "";
}

const char *keys_action_group(enum action a)
{
	return a < ACT_COUNT ? actions[a].group : "";
}

void keys_name(int key, char *out, size_t outsz)
{
	for (size_t i = 0; i < NKEYNAMES; i++)
		if (key_names[i].key == key) {
			snprintf(out, outsz, "%s", key_names[i].name);
			return;
		}
	if (KEYS_IS_FN(key) && (key & 0xffff) >= KEY_F(1) && (key & 0xffff) <= KEY_F(12))
		snprintf(out, outsz, "F%d", (key & 0xffff) - KEY_F0);
	else if (key >= 1 && key < 32)
		snprintf(out, outsz, "Ctrl-%c", key + 'A' - 1);
	else if (key > 32 && key < 127)
		snprintf(out, outsz, "%c", key);
	else
		snprintf(out, outsz, "#%d", key);
}

void keys_names(enum action a, char *out, size_t outsz)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < NBINDINGS && o < outsz; i++) {
		char name[32];

		if (bindings[i].act != a)
			continue;
		keys_name(bindings[i].key, name, sizeof name);
		if (strstr(out, name) && strcmp(name, "Enter") == 0)
			continue;
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", o ? " " : "", name);
	}
}

static int script_push(struct script *s, enum script_kind kind, int key, int a, int b)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct script_step *v = realloc(s->steps, cap * sizeof *v);

		if (!v)
			return -1;
		s->steps = v;
		s->cap = cap;
	}
	s->steps[s->n++] = (struct script_step){ .kind = kind, .key = key, .a = a, .b = b };
	return 0;
}

/* <Name>, <C-x>, <Fn> → key; -1 when unknown. */
static int script_key(const char *name)
{
	char *end;
	long n;

	for (size_t i = 0; i < NKEYNAMES; i++)
		if (strcmp(key_names[i].script, name) == 0)
			return key_names[i].key;
	if (name[0] == 'C' && name[1] == '-' && name[2] && !name[3])
		return KEYS_CTRL(name[2]);
	if (name[0] == 'F' && name[1]) {
		errno = 0;
		n = strtol(name + 1, &end, 10);
		if (!*end && !errno && n >= 1 && n <= 12)
			return KEYS_FN(KEY_F((int)n));
	}
	return -1;
}

/* Parses "<Cmd:A>" or "<Cmd:AxB>" / "<Cmd:A,B>" arguments. */
static int script_args(const char *arg, int *a, int *b)
{
	char *end;
	long x, y = 0;

	errno = 0;
	x = strtol(arg, &end, 10);
	if (end == arg || errno || x < 0 || x > 1000000)
		return -1;
	if (*end == 'x' || *end == ',') {
		const char *p = end + 1;

		y = strtol(p, &end, 10);
		if (end == p || errno || y < 0 || y > 100000)
			return -1;
	}
	if (*end)
		return -1;
	*a = (int)x;
	*b = (int)y;
	return 0;
}

static int script_command(struct script *s, const char *name)
{
	static const struct { const char *cmd; enum script_kind kind; } cmds[] = {
		{ "Sleep:", SCRIPT_SLEEP }, { "Resize:", SCRIPT_RESIZE }, { "Click:", SCRIPT_CLICK },
		{ "WheelUp:", SCRIPT_WHEEL_UP }, { "WheelDown:", SCRIPT_WHEEL_DOWN },
	};
	int key, a = 0, b = 0;

	if (strcmp(name, "Wait") == 0)
		return script_push(s, SCRIPT_WAIT, 0, 0, 0);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		size_t n = strlen(cmds[i].cmd);

		if (strncmp(name, cmds[i].cmd, n) == 0)
			return script_args(name + n, &a, &b) ? -1 : script_push(s, cmds[i].kind, 0, a, b);
	}
	key = script_key(name);
	return key < 0 ? -1 : script_push(s, SCRIPT_KEY, key, 0, 0);
}

/* Pushes the character at *p (UTF-8) as a key and advances *p. */
static int script_char(struct script *s, const char **p)
{
	uint32_t cp;
	size_t len = utf8_decode((const uint8_t *)*p, strlen(*p), &cp);

	if (len == 0)
		return -1;
	*p += len;
	return script_push(s, SCRIPT_KEY, (int)cp, 0, 0);
}

static int script_quoted(struct script *s, const char **p)
{
	(*p)++;
	while (**p && **p != '"') {
		if (**p == '\\' && ((*p)[1] == '"' || (*p)[1] == '\\'))
			(*p)++;
		if (script_char(s, p))
			return -1;
	}
	if (**p != '"')
		return -1;
	(*p)++;
	return 0;
}

int keys_script_parse(struct script *s, const char *text, char *err, size_t errsz)
{
	const char *p = text;

	memset(s, 0, sizeof *s);
	while (*p) {
		const char *start = p;
		int rc;

		if (*p == ' ' || *p == '\t' || *p == '\n') {
			p++;
			continue;
		}
		if (*p == '<') {
			char name[64];
			const char *e = strchr(p, '>');

			if (!e || (size_t)(e - p) >= sizeof name) {
				snprintf(err, errsz, "key script: unclosed '<' at offset %zu", (size_t)(p - text));
				return -1;
			}
			snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
			rc = script_command(s, name);
			p = e + 1;
		} else if (*p == '"') {
			rc = script_quoted(s, &p);
		} else {
			rc = script_char(s, &p);
		}
		if (rc) {
			snprintf(err, errsz, "key script: cannot read '%.20s' at offset %zu", start,
				 (size_t)(start - text));
			keys_script_free(s);
			return -1;
		}
	}
	return 0;
}

void keys_script_free(struct script *s)
{
	free(s->steps);
	memset(s, 0, sizeof *s);
}
