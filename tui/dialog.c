#include "tui/dialog.h"

#include <stdio.h>
#include <string.h>

#include "src/text.h"
#include "src/theme.h"
#include "tui/keys.h"

#define DIALOG_MAX_PATH 4096

void dialog_init(struct dialog *d)
{
	memset(d, 0, sizeof *d);
	buf_init(&d->input, DIALOG_MAX_PATH);
}

void dialog_fini(struct dialog *d)
{
	buf_fini(&d->input);
}

void dialog_open(struct dialog *d, enum dialog_kind kind, const char *title, const char *text,
		 const char *input)
{
	d->kind = kind;
	d->scroll = 0;
	snprintf(d->title, sizeof d->title, "%s", title ? title : "");
	snprintf(d->text, sizeof d->text, "%s", text ? text : "");
	buf_reset(&d->input);
	buf_puts(&d->input, input ? input : "");
}

/* ---- the help, generated from the key table ---- */

enum help_kind { HELP_GROUP, HELP_KEY, HELP_LEGEND, HELP_NOTE };

struct help_line {
	enum help_kind kind;
	char keys[64];
	const char *text;
	int bucket;
};

/* Fills up to max lines; returns the count. */
static int help_lines(struct help_line *out, int max)
{
	static const char *const notes[][2] = {
		{ "click", "select a token" }, { "wheel", "scroll the text" },
		{ "Shift-drag", "select text to copy (the terminal's own selection)" },
		{ "underline", "p below the per-token threshold (u/U)" },
		{ "↵ ∅", "a newline; an empty token" },
		{ "␛ <F0>", "a control byte; a byte that is not UTF-8" },
	};
	const char *group = NULL;
	int n = 0;

	for (int a = 1; a < ACT_COUNT && n + 2 < max; a++) {
		if (!group || strcmp(group, keys_action_group((enum action)a)) != 0) {
			group = keys_action_group((enum action)a);
			out[n++] = (struct help_line){ .kind = HELP_GROUP, .text = group };
		}
		out[n] = (struct help_line){ .kind = HELP_KEY, .text = keys_action_help((enum action)a) };
		keys_names((enum action)a, out[n].keys, sizeof out[n].keys);
		n++;
	}
	if (n < max)
		out[n++] = (struct help_line){ .kind = HELP_GROUP, .text = "mouse and marks" };
	for (size_t i = 0; i < sizeof notes / sizeof notes[0] && n < max; i++) {
		out[n] = (struct help_line){ .kind = HELP_NOTE, .text = notes[i][1] };
		snprintf(out[n++].keys, sizeof out[0].keys, "%s", notes[i][0]);
	}
	if (n < max)
		out[n++] = (struct help_line){ .kind = HELP_GROUP, .text = "colours (by probability)" };
	for (int b = 0; b < THEME_NBUCKETS && n < max; b++)
		out[n++] = (struct help_line){ .kind = HELP_LEGEND, .bucket = ROLE_P0 + b,
					       .text = theme_role_help((enum theme_role)(ROLE_P0 + b)) };
	return n;
}

static void help_draw(struct dialog *d, struct rect s, const struct palette *pal)
{
	struct help_line lines[128];
	int n = help_lines(lines, 128), w = s.w - 4 > 78 ? 78 : s.w - 4, h = n + 2 > s.h - 2 ? s.h - 2 : n + 2;
	struct rect r = { s.y + (s.h - h) / 2, s.x + (s.w - w) / 2, h, w };
	struct rect in = draw_inner(r);

	d->help_rows = in.h;
	if (d->scroll > n - in.h)
		d->scroll = n - in.h > 0 ? n - in.h : 0;
	draw_fill(r, color_role(pal, ROLE_TEXT));
	draw_box(r, d->scroll + in.h < n ? "keys — ↓ for more, Esc closes" : "keys — Esc closes",
		 color_role(pal, ROLE_BORDER), color_role(pal, ROLE_TITLE));
	for (int i = 0; i < in.h && d->scroll + i < n; i++) {
		const struct help_line *l = &lines[d->scroll + i];
		int y = in.y + i, x = in.x + 1;

		if (l->kind == HELP_GROUP) {
			draw_str(y, x, in.w - 2, l->text, color_role(pal, ROLE_TITLE));
		} else if (l->kind == HELP_LEGEND) {
			draw_str(y, x + 2, 12, "████ sample", color_bucket(pal, (enum theme_role)l->bucket, 0));
			draw_str_ellipsis(y, x + 16, in.w - 18, l->text, color_role(pal, ROLE_TEXT));
		} else {
			draw_str(y, x + 2, 13, l->keys, color_role(pal, ROLE_STATUS_KEY));
			draw_str_ellipsis(y, x + 16, in.w - 18, l->text, color_role(pal, ROLE_TEXT));
		}
	}
}

static enum dialog_result help_key(struct dialog *d, int key)
{
	int page = d->help_rows > 1 ? d->help_rows - 1 : 1;

	if (key == KEYS_FN(KEY_DOWN) || key == 'j')
		d->scroll++;
	else if (key == KEYS_FN(KEY_UP) || key == 'k')
		d->scroll = d->scroll > 0 ? d->scroll - 1 : 0;
	else if (key == KEYS_FN(KEY_NPAGE) || key == ' ')
		d->scroll += page;
	else if (key == KEYS_FN(KEY_PPAGE))
		d->scroll = d->scroll > page ? d->scroll - page : 0;
	else
		return DLG_CLOSE;
	return DLG_KEEP;
}

/* ---- the other boxes ---- */

/* Draws text word-wrapped in r; returns the rows used (or needed). */
static int dialog_wrap(const char *text, struct rect r, struct style st, bool draw)
{
	int rows = 0, w;

	while (*text) {
		size_t len = strcspn(text, "\n"), cut = draw_fit(text, len, r.w);

		if (cut < len) {
			size_t sp = cut;

			while (sp > 0 && text[sp] != ' ')
				sp--;
			cut = sp > 0 ? sp : cut > 0 ? cut : draw_char(text, len, &w);
		}
		if (draw && rows < r.h)
			draw_strn(r.y + rows, r.x, r.w, text, cut, st);
		rows++;
		text += cut;
		if (*text == ' ' || *text == '\n')
			text++;
	}
	return rows;
}

static const char *dialog_footer(const struct dialog *d)
{
	switch (d->kind) {
	case DLG_QUIT: return "y quit   n stay";
	case DLG_SAVE: return "Enter save   Esc cancel";
	case DLG_OPEN: return "Enter open   Esc cancel";
	case DLG_LABELS: return "Enter apply   Ctrl-U clear   Esc cancel";
	default: return "any key closes";
	}
}

static void box_draw(struct dialog *d, struct rect s, const struct palette *pal, int *cy, int *cx)
{
	int w = s.w - 4 > 72 ? 72 : s.w - 4;
	bool input = d->kind == DLG_SAVE || d->kind == DLG_OPEN || d->kind == DLG_LABELS;
	int th = dialog_wrap(d->text, (struct rect){ 0, 0, 0, w - 4 }, color_role(pal, ROLE_TEXT), false);
	int h = th + (input ? 2 : 0) + 4;
	struct rect r, in;
	struct style ts = color_role(pal, d->kind == DLG_ERROR ? ROLE_ERROR : ROLE_TEXT);

	h = h > s.h - 2 ? s.h - 2 : h;
	r = (struct rect){ s.y + (s.h - h) / 2, s.x + (s.w - w) / 2, h, w };
	in = draw_inner(r);
	draw_fill(r, color_role(pal, ROLE_TEXT));
	draw_box(r, d->title, color_role(pal, d->kind == DLG_ERROR ? ROLE_ERROR : ROLE_BORDER),
		 color_role(pal, ROLE_TITLE));
	dialog_wrap(d->text, (struct rect){ in.y + 1, in.x + 1, in.h - 2, in.w - 2 }, ts, true);
	if (input) {
		int y = in.y + 1 + th + 1, room = in.w - 2, pw = draw_width(buf_str(&d->input));
		const char *p = buf_str(&d->input);

		while (pw >= room && *p) {
			int cw;

			p += draw_char(p, strlen(p), &cw);
			pw -= cw;
		}
		draw_fill((struct rect){ y, in.x + 1, 1, room }, color_role(pal, ROLE_INPUT));
		draw_str(y, in.x + 1, room, p, color_role(pal, ROLE_INPUT));
		*cy = y;
		*cx = in.x + 1 + pw;
	}
	draw_str_right(r.y + r.h - 1, r.x + 2, r.w - 4, dialog_footer(d), color_role(pal, ROLE_DIM));
}

static enum dialog_result input_key(struct dialog *d, int key)
{
	char c[4];

	/* a path must be there; an empty label list means none */
	if (key == '\r' || key == KEYS_FN(KEY_ENTER))
		return d->input.len || d->kind == DLG_LABELS ? DLG_ACCEPT : DLG_KEEP;
	if (key == 27 || key == KEYS_CTRL('c'))
		return DLG_CLOSE;
	if (key == 127 || key == 8 || key == KEYS_FN(KEY_BACKSPACE)) {
		size_t n = d->input.len;

		while (n > 0 && (d->input.data[n - 1] & 0xc0) == 0x80)
			n--;
		d->input.len = n > 0 ? n - 1 : 0;
		if (d->input.data)
			d->input.data[d->input.len] = '\0';
	} else if (key == KEYS_CTRL('u')) {
		buf_reset(&d->input);
	} else if (!KEYS_IS_FN(key) && key >= 32 && key != 127 && key <= 0x10FFFF &&
		   !(key >= 0x80 && key < 0xA0) && !(key >= 0xD800 && key < 0xE000)) {
		buf_append(&d->input, c, utf8_encode((uint32_t)key, c));
	}
	return DLG_KEEP;
}

enum dialog_result dialog_key(struct dialog *d, int key)
{
	switch (d->kind) {
	case DLG_HELP:
		return help_key(d, key);
	case DLG_QUIT:
		if (key == 'y' || key == 'Y' || key == 'q')
			return DLG_ACCEPT;
		return key == 'n' || key == 'N' || key == 27 ? DLG_CLOSE : DLG_KEEP;
	case DLG_SAVE:
	case DLG_OPEN:
	case DLG_LABELS:
		return input_key(d, key);
	default:
		return DLG_CLOSE;
	}
}

void dialog_draw(struct dialog *d, struct rect screen, const struct palette *pal, int *cy, int *cx)
{
	*cy = *cx = -1;
	if (d->kind == DLG_HELP)
		help_draw(d, screen, pal);
	else if (d->kind != DLG_NONE)
		box_draw(d, screen, pal, cy, cx);
}
