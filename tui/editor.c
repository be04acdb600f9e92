#include "tui/editor.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/buf.h"
#include "src/text.h"
#include "tui/keys.h"
#include "tui/picker.h"

#define EDITOR_MAX_TEXT (4u * 1024 * 1024)
#define EDITOR_MAX_HISTORY 200
#define LABEL_W 15

enum field_id { F_PROFILE, F_MODEL, F_SYSTEM, F_PROMPT, F_MAXTOK, F_TEMP, F_TOPK, F_COUNT };

struct field {
	struct buf text;
	size_t cur;          /* cursor, byte offset */
	size_t scroll;       /* first visible row */
	bool multiline;
	int width;           /* columns at the last draw (for ↑/↓) */
};

struct hist_entry {
	char *system, *prompt;
};

struct editor {
	const struct config *cfg;
	struct field f[F_COUNT];
	enum field_id focus;
	size_t profile;      /* index into cfg->profiles */
	struct hist_entry *hist;
	size_t nhist, hcap, hist_pos;
	struct hist_entry draft;
	char msg[256];
	bool msg_error;      /* msg is a problem, not a note */
	struct picker pick;  /* the model list (F2) */
};

static const char *const labels[F_COUNT] = {
	"profile", "model", "system", "prompt", "max tokens", "temperature", "top logprobs",
};

static void field_set(struct field *f, const char *s)
{
	buf_reset(&f->text);
	buf_puts(&f->text, s ? s : "");
	f->cur = f->text.len;
	f->scroll = 0;
}

static size_t editor_profile_index(const struct config *cfg)
{
	struct endpoint ep;

	if (config_endpoint(cfg, &ep, NULL) == TS_OK)
		for (size_t i = 0; i < cfg->nprofiles; i++)
			if (strcmp(cfg->profiles[i].name, ep.profile) == 0)
				return i;
	return 0;
}

struct editor *editor_new(const struct config *cfg)
{
	struct editor *e = calloc(1, sizeof *e);
	char num[32];

	if (!e)
		return NULL;
	e->cfg = cfg;
	picker_init(&e->pick);
	for (int i = 0; i < F_COUNT; i++)
		buf_init(&e->f[i].text, EDITOR_MAX_TEXT);
	e->f[F_SYSTEM].multiline = e->f[F_PROMPT].multiline = true;
	e->profile = editor_profile_index(cfg);
	field_set(&e->f[F_MODEL], cfg->s.model);
	field_set(&e->f[F_SYSTEM], cfg->s.system);
	snprintf(num, sizeof num, "%d", cfg->s.max_tokens);
	field_set(&e->f[F_MAXTOK], cfg->s.max_tokens > 0 ? num : "");
	snprintf(num, sizeof num, "%g", cfg->s.temperature);
	field_set(&e->f[F_TEMP], cfg->s.temperature >= 0 ? num : "");
	snprintf(num, sizeof num, "%d", cfg->s.top_logprobs);
	field_set(&e->f[F_TOPK], num);
	e->focus = F_PROMPT;
	return e;
}

static void hist_entry_free(struct hist_entry *h)
{
	free(h->system);
	free(h->prompt);
	h->system = h->prompt = NULL;
}

void editor_free(struct editor *e)
{
	if (!e)
		return;
	for (int i = 0; i < F_COUNT; i++)
		buf_fini(&e->f[i].text);
	for (size_t i = 0; i < e->nhist; i++)
		hist_entry_free(&e->hist[i]);
	free(e->hist);
	hist_entry_free(&e->draft);
	picker_fini(&e->pick);
	free(e);
}

void editor_set_prompt(struct editor *e, const char *prompt)
{
	field_set(&e->f[F_PROMPT], prompt);
}

bool editor_empty(const struct editor *e)
{
	return e->f[F_PROMPT].text.len == 0;
}

void editor_message(struct editor *e, const char *msg)
{
	snprintf(e->msg, sizeof e->msg, "%s", msg ? msg : "");
	e->msg_error = true;
}

static void editor_note(struct editor *e, const char *msg)
{
	snprintf(e->msg, sizeof e->msg, "%s", msg);
	e->msg_error = false;
}

/* ---- the model list ---- */

int editor_endpoint(const struct editor *e, struct endpoint *ep, struct ts_err *err)
{
	/* A shallow copy with the editor's profile: the pointers stay the
	 * config's, so ep outlives the copy. */
	struct config c = *e->cfg;

	if (c.nprofiles)
		c.s.profile = c.profiles[e->profile].name;
	return config_endpoint(&c, ep, err);
}

bool editor_models_shown(const struct editor *e)
{
	return picker_is_open(&e->pick);
}

bool editor_models_waiting(const struct editor *e)
{
	return picker_waiting(&e->pick);
}

void editor_models_fill(struct editor *e, struct models_list *l)
{
	struct endpoint ep;
	const char *current;
	char msg[200];

	if (!picker_waiting(&e->pick)) {
		models_list_fini(l);
		return;
	}
	if (l->n == 0) {
		models_list_fini(l);
		picker_close(&e->pick);
		if (editor_endpoint(e, &ep, NULL) == TS_OK)
			snprintf(msg, sizeof msg, "%s lists no models: type the model's name", ep.base_url);
		else
			snprintf(msg, sizeof msg, "the server lists no models: type the model's name");
		editor_message(e, msg);
		return;
	}
	/* the model in use starts selected: the one typed, else the profile's */
	current = buf_str(&e->f[F_MODEL].text);
	if (!*current && editor_endpoint(e, &ep, NULL) == TS_OK && ep.model)
		current = ep.model;
	if (!picker_fill(&e->pick, l->names, l->n, current))
		editor_message(e, "out of memory");
	*l = (struct models_list){ 0 };
}

void editor_models_failed(struct editor *e, const char *msg)
{
	picker_close(&e->pick);
	editor_message(e, msg);
}

/* F2: the picker opens waiting for the list of the chosen profile. */
static enum editor_result editor_models_open(struct editor *e)
{
	struct endpoint ep;
	struct ts_err err;
	char what[256];

	e->focus = F_MODEL;
	if (editor_endpoint(e, &ep, &err)) {
		editor_message(e, ts_err_msg(&err));
		return EDITOR_NONE;
	}
	snprintf(what, sizeof what, "models · %s · %s", ep.profile, ep.base_url);
	picker_wait(&e->pick, what);
	return EDITOR_MODELS;
}

/* A key while the picker is open: it takes them all. */
static void editor_models_key(struct editor *e, int key)
{
	char note[200];

	switch (picker_key(&e->pick, key)) {
	case PICKER_PICK:
		field_set(&e->f[F_MODEL], picker_selected(&e->pick));
		snprintf(note, sizeof note, "model from the server's list (%zu): Ctrl-S sends with it", e->pick.n);
		picker_close(&e->pick);
		editor_note(e, note);
		break;
	case PICKER_CLOSE:
		picker_close(&e->pick);
		break;
	default:
		break;
	}
}

/* The system and (last) user message of a request body; malloc'd, NULL
 * when absent. */
static void request_prompts(const cJSON *req, char **system, char **prompt)
{
	const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(req, "messages"), *m;
	const cJSON *legacy = cJSON_GetObjectItemCaseSensitive(req, "prompt");

	*system = *prompt = NULL;
	cJSON_ArrayForEach(m, msgs) {
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
		char **dst;

		if (!cJSON_IsString(role) || !cJSON_IsString(content))
			continue;
		dst = strcmp(role->valuestring, "system") == 0 ? system :
		      strcmp(role->valuestring, "user") == 0 ? prompt : NULL;
		if (dst) {
			free(*dst);
			*dst = strdup(content->valuestring);
		}
	}
	if (!*prompt && cJSON_IsString(legacy))
		*prompt = strdup(legacy->valuestring);
}

static void request_number(const cJSON *req, const char *key, struct field *f, bool integer)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);
	char num[32];

	if (!cJSON_IsNumber(v))
		return;
	if (integer)
		snprintf(num, sizeof num, "%d", v->valueint);
	else
		snprintf(num, sizeof num, "%g", v->valuedouble);
	field_set(f, num);
}

void editor_fill_request(struct editor *e, const char *request_json)
{
	cJSON *req = request_json ? cJSON_Parse(request_json) : NULL;
	char *system, *prompt;

	if (!req)
		return;
	request_prompts(req, &system, &prompt);
	if (prompt) {
		field_set(&e->f[F_SYSTEM], system);
		field_set(&e->f[F_PROMPT], prompt);
	}
	request_number(req, "max_tokens", &e->f[F_MAXTOK], true);
	request_number(req, "temperature", &e->f[F_TEMP], false);
	request_number(req, "top_logprobs", &e->f[F_TOPK], true);
	free(system);
	free(prompt);
	cJSON_Delete(req);
}

static bool hist_same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

void editor_history_add(struct editor *e, const char *request_json)
{
	cJSON *req = request_json ? cJSON_Parse(request_json) : NULL;
	struct hist_entry h = { 0 };

	if (!req)
		return;
	request_prompts(req, &h.system, &h.prompt);
	cJSON_Delete(req);
	for (size_t i = 0; h.prompt && i < e->nhist; i++)
		if (hist_same(e->hist[i].prompt, h.prompt) && hist_same(e->hist[i].system, h.system)) {
			hist_entry_free(&h);
			return;
		}
	if (!h.prompt || e->nhist == EDITOR_MAX_HISTORY) {
		hist_entry_free(&h);
		return;
	}
	if (e->nhist == e->hcap) {
		size_t cap = e->hcap ? e->hcap * 2 : 8;
		struct hist_entry *v = realloc(e->hist, cap * sizeof *v);

		if (!v) {
			hist_entry_free(&h);
			return;
		}
		e->hist = v;
		e->hcap = cap;
	}
	e->hist[e->nhist++] = h;
	e->hist_pos = e->nhist;
}

/* Ctrl-P (dir −1) / Ctrl-N (dir +1) through the history; the draft being
 * written is the newest entry. */
static void editor_history_move(struct editor *e, int dir)
{
	const struct hist_entry *h;
	char note[128];

	if (e->nhist == 0 || (dir < 0 && e->hist_pos == 0) || (dir > 0 && e->hist_pos >= e->nhist)) {
		editor_note(e, dir < 0 ? "no older prompt" : "no newer prompt");
		return;
	}
	if (e->hist_pos == e->nhist) {
		hist_entry_free(&e->draft);
		e->draft.system = strdup(buf_str(&e->f[F_SYSTEM].text));
		e->draft.prompt = strdup(buf_str(&e->f[F_PROMPT].text));
	}
	e->hist_pos = dir < 0 ? e->hist_pos - 1 : e->hist_pos + 1;
	h = e->hist_pos == e->nhist ? &e->draft : &e->hist[e->hist_pos];
	field_set(&e->f[F_SYSTEM], h->system);
	field_set(&e->f[F_PROMPT], h->prompt);
	snprintf(note, sizeof note, "prompt %zu of %zu in the history (Ctrl-P older, Ctrl-N newer)",
		 e->hist_pos + 1, e->nhist + 1);
	editor_note(e, note);
}

/* ---- text fields ---- */

static bool field_push_row(size_t **rows, size_t *n, size_t *cap, size_t at)
{
	if (*n == *cap) {
		size_t *v = realloc(*rows, *cap * 2 * sizeof *v);

		if (!v)
			return false;
		*rows = v;
		*cap *= 2;
	}
	(*rows)[(*n)++] = at;
	return true;
}

/* Row starts of f laid out at width, word-wrapped (a word longer than the
 * width is cut); *n rows. malloc'd (NULL when out of memory). */
static size_t *field_rows(const struct field *f, int width, size_t *n)
{
	const char *s = buf_str(&f->text);
	size_t len = f->text.len, cap = 16, i = 0, start = 0, brk = 0, *rows = malloc(cap * sizeof *rows);
	int col = 0, w;

	*n = 1;
	if (!rows)
		return NULL;
	rows[0] = 0;
	while (i < len) {
		size_t cl = s[i] == '\n' ? 1 : draw_char(s + i, len - i, &w);

		if (s[i] != '\n' && (col + w <= width || col == 0)) {
			col += w;
			i += cl;
			if (s[i - 1] == ' ')
				brk = i;
			continue;
		}
		if (s[i] == '\n')
			i++;
		else if (brk > start)
			i = brk;
		start = i;
		brk = i;
		col = 0;
		if (!field_push_row(&rows, n, &cap, i))
			break;
	}
	return rows;
}

/* End of row r (before its newline, if any). */
static size_t field_row_end(const struct field *f, const size_t *rows, size_t n, size_t r)
{
	size_t end = r + 1 < n ? rows[r + 1] : f->text.len;

	if (end > rows[r] && r + 1 < n && f->text.data[end - 1] == '\n')
		end--;
	return end;
}

static size_t field_cursor_row(const size_t *rows, size_t n, size_t cur)
{
	size_t r = 0;

	while (r + 1 < n && rows[r + 1] <= cur)
		r++;
	return r;
}

/* The byte offset in row r closest to column x. */
static size_t field_offset_at(const struct field *f, const size_t *rows, size_t n, size_t r, int x)
{
	size_t i = rows[r], end = field_row_end(f, rows, n, r);
	int col = 0, w;

	while (i < end) {
		size_t cl = draw_char(f->text.data + i, end - i, &w);

		if (col + w > x)
			break;
		col += w;
		i += cl;
	}
	return i;
}

static void field_insert(struct field *f, const char *p, size_t n)
{
	struct buf *b = &f->text;
	size_t tail = b->len - f->cur;

	if (buf_append(b, p, n))
		return;
	memmove(b->data + f->cur + n, b->data + f->cur, tail);
	memcpy(b->data + f->cur, p, n);
	f->cur += n;
}

static void field_erase(struct field *f, size_t from, size_t to)
{
	struct buf *b = &f->text;

	memmove(b->data + from, b->data + to, b->len - to + 1);
	b->len -= to - from;
	f->cur = from;
}

static size_t field_prev(const struct field *f, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && (f->text.data[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static size_t field_next(const struct field *f, size_t i)
{
	int w;

	return i < f->text.len ? i + draw_char(f->text.data + i, f->text.len - i, &w) : i;
}

/* Moves the cursor one row (dir ±1) at width; false at the first/last row. */
static bool field_vertical(struct field *f, int width, int dir)
{
	size_t n, *rows = field_rows(f, width, &n), r;
	int x;
	bool moved = false;

	if (!rows)
		return false;
	r = field_cursor_row(rows, n, f->cur);
	if ((dir < 0 && r > 0) || (dir > 0 && r + 1 < n)) {
		x = draw_widthn(f->text.data + rows[r], f->cur - rows[r]);
		f->cur = field_offset_at(f, rows, n, dir < 0 ? r - 1 : r + 1, x);
		moved = true;
	}
	free(rows);
	return moved;
}

/* Home/End/Ctrl-U/Ctrl-K: the current line's bounds (logical lines). */
static void field_line(const struct field *f, size_t *start, size_t *end)
{
	const char *s = buf_str(&f->text);

	*start = f->cur;
	while (*start > 0 && s[*start - 1] != '\n')
		(*start)--;
	*end = f->cur;
	while (*end < f->text.len && s[*end] != '\n')
		(*end)++;
}

/* Keys that edit text; returns false when the key is not one of them. */
static bool field_key(struct field *f, int key)
{
	size_t a, b;
	char utf8[8];

	field_line(f, &a, &b);
	if (key == 127 || key == 8 || key == KEYS_FN(KEY_BACKSPACE)) {
		if (f->cur > 0)
			field_erase(f, field_prev(f, f->cur), f->cur);
	} else if (key == KEYS_FN(KEY_DC) || key == KEYS_CTRL('d')) {
		if (f->cur < f->text.len)
			field_erase(f, f->cur, field_next(f, f->cur));
	} else if (key == KEYS_FN(KEY_LEFT)) {
		f->cur = field_prev(f, f->cur);
	} else if (key == KEYS_FN(KEY_RIGHT)) {
		f->cur = field_next(f, f->cur);
	} else if (key == KEYS_FN(KEY_HOME) || key == KEYS_CTRL('a')) {
		f->cur = a;
	} else if (key == KEYS_FN(KEY_END) || key == KEYS_CTRL('e')) {
		f->cur = b;
	} else if (key == KEYS_CTRL('u')) {
		field_erase(f, a, f->cur);
	} else if (key == KEYS_CTRL('k')) {
		field_erase(f, f->cur, b > f->cur ? b : field_next(f, f->cur));
	} else if (!KEYS_IS_FN(key) && key >= 32 && key != 127 && key < 0x110000) {
		field_insert(f, utf8, utf8_encode((uint32_t)key, utf8));
	} else {
		return false;
	}
	return true;
}

/* ---- keys ---- */

static void editor_focus(struct editor *e, int dir)
{
	e->focus = (enum field_id)(((int)e->focus + dir + F_COUNT) % F_COUNT);
}

static void editor_profile_step(struct editor *e, int dir)
{
	size_t n = e->cfg->nprofiles;

	if (n)
		e->profile = (e->profile + n + (size_t)(dir < 0 ? -1 : 1)) % n;
}

static enum editor_result editor_nav_key(struct editor *e, int key)
{
	struct field *f = &e->f[e->focus];

	if (key == '\t' || key == KEYS_FN(KEY_BTAB)) {
		editor_focus(e, key == '\t' ? 1 : -1);
	} else if (key == '\r' || key == KEYS_FN(KEY_ENTER)) {
		if (f->multiline)
			field_insert(f, "\n", 1);
		else
			editor_focus(e, 1);
	} else if (key == KEYS_FN(KEY_UP) || key == KEYS_FN(KEY_DOWN)) {
		int dir = key == KEYS_FN(KEY_UP) ? -1 : 1;

		if (!f->multiline || !field_vertical(f, f->width > 0 ? f->width : 40, dir))
			editor_focus(e, dir);
	} else if (e->focus == F_PROFILE && (key == KEYS_FN(KEY_LEFT) || key == KEYS_FN(KEY_RIGHT) || key == ' ')) {
		editor_profile_step(e, key == KEYS_FN(KEY_LEFT) ? -1 : 1);
	} else if (e->focus != F_PROFILE && field_key(f, key)) {
		e->hist_pos = e->nhist;
	}
	return EDITOR_NONE;
}

enum editor_result editor_key(struct editor *e, int key)
{
	e->msg[0] = '\0';
	if (picker_is_open(&e->pick)) {
		editor_models_key(e, key);
		return EDITOR_NONE;
	}
	if (key == KEYS_FN(KEY_F(2)))
		return editor_models_open(e);
	if (key == KEYS_CTRL('s'))
		return EDITOR_SEND;
	if (key == 27)
		return EDITOR_CLOSE;
	if (key == KEYS_CTRL('p') || key == KEYS_CTRL('n')) {
		editor_history_move(e, key == KEYS_CTRL('p') ? -1 : 1);
		return EDITOR_NONE;
	}
	return editor_nav_key(e, key);
}

/* ---- drawing ---- */

struct ed_draw {
	struct editor *e;
	const struct palette *pal;
	int cy, cx;
	int model_y;         /* the model field's row: the picker opens below it */
};

static void editor_label(struct ed_draw *d, enum field_id id, int y, int x)
{
	bool focus = d->e->focus == id;

	draw_str(y, x, 2, focus ? "▸" : " ", color_role(d->pal, ROLE_MARK));
	draw_str(y, x + 2, LABEL_W - 2, labels[id], color_role(d->pal, focus ? ROLE_TITLE : ROLE_DIM));
}

/* A text field in r (label drawn by the caller); scrolls to the cursor. */
static void editor_field(struct ed_draw *d, enum field_id id, struct rect r, const char *placeholder)
{
	struct field *f = &d->e->f[id];
	struct style in = color_role(d->pal, ROLE_INPUT);
	size_t n, *rows, cr;

	f->width = r.w - 1;
	draw_fill(r, in);
	rows = field_rows(f, f->width, &n);
	if (!rows)
		return;
	cr = field_cursor_row(rows, n, f->cur);
	if (cr < f->scroll)
		f->scroll = cr;
	if (cr >= f->scroll + (size_t)r.h)
		f->scroll = cr - (size_t)r.h + 1;
	for (int i = 0; i < r.h && f->scroll + (size_t)i < n; i++) {
		size_t row = f->scroll + (size_t)i, end = field_row_end(f, rows, n, row);

		draw_strn(r.y + i, r.x, r.w, f->text.data ? f->text.data + rows[row] : "", end - rows[row], in);
	}
	if (f->text.len == 0 && placeholder) {
		in.attr |= A_DIM;
		draw_str(r.y, r.x, r.w, placeholder, in);
	}
	if (d->e->focus == id) {
		d->cy = r.y + (int)(cr - f->scroll);
		d->cx = r.x + draw_widthn(f->text.data ? f->text.data + rows[cr] : "", f->cur - rows[cr]);
	}
	free(rows);
}

static void editor_profile_row(struct ed_draw *d, int y, int x, int w)
{
	const struct config *cfg = d->e->cfg;
	const struct profile *p = cfg->nprofiles ? &cfg->profiles[d->e->profile] : NULL;
	const char *name = p ? p->name : "(none)";
	char line[512];
	int used;

	editor_label(d, F_PROFILE, y, x);
	snprintf(line, sizeof line, "◂ %s ▸", name);
	used = draw_str(y, x + LABEL_W, w - LABEL_W, line, color_role(d->pal, ROLE_INPUT));
	if (cfg->s.base_url)
		snprintf(line, sizeof line, "  → %s (--base-url)", cfg->s.base_url);
	else
		snprintf(line, sizeof line, "  → %s", p && p->base_url ? p->base_url : "no base URL");
	draw_str_ellipsis(y, x + LABEL_W + used, w - LABEL_W - used, line, color_role(d->pal, ROLE_DIM));
	if (d->e->focus == F_PROFILE) {
		d->cy = y;
		d->cx = x + LABEL_W + 2;
	}
}

/* The model field, with its key at the right: "F2 list models". */
static void editor_model_row(struct ed_draw *d, int y, int x, int w, const struct profile *p)
{
	const char *hint = w - LABEL_W >= 50 ? "list models" : "";
	int hw = draw_width(hint) + (*hint ? 4 : 3), fw = w - LABEL_W - hw;
	char ph[160];

	editor_label(d, F_MODEL, y, x);
	snprintf(ph, sizeof ph, "%s", p && p->model ? p->model : "(the server's default model)");
	editor_field(d, F_MODEL, (struct rect){ y, x + LABEL_W, 1, fw }, ph);
	draw_str(y, x + w - hw + 1, 2, "F2", color_role(d->pal, ROLE_STATUS_KEY));
	if (*hint)
		draw_str(y, x + w - hw + 4, hw - 4, hint, color_role(d->pal, ROLE_DIM));
	d->model_y = y;
}

static void editor_numbers(struct ed_draw *d, int y, int x, int w)
{
	static const enum field_id ids[] = { F_MAXTOK, F_TEMP, F_TOPK };
	static const char *const hints[] = { "", "server default", "" };
	static const char *const short_labels[] = { "max", "temp", "top k" };
	int cw = w / 3;
	bool narrow = cw - LABEL_W - 2 < 8;
	int lw = narrow ? 7 : LABEL_W;

	for (int i = 0; i < 3; i++) {
		int fx = x + i * cw;
		bool focus = d->e->focus == ids[i];

		draw_str(y, fx, 2, focus ? "▸" : " ", color_role(d->pal, ROLE_MARK));
		draw_str(y, fx + 2, lw - 2, narrow ? short_labels[i] : labels[ids[i]],
			 color_role(d->pal, focus ? ROLE_TITLE : ROLE_DIM));
		editor_field(d, ids[i], (struct rect){ y, fx + lw + 1, 1, cw - lw - 2 }, narrow ? "" : hints[i]);
	}
}

/* The key hints; one that does not fit whole is left out. */
static void editor_help(struct ed_draw *d, int y, int x, int w)
{
	static const struct { const char *key, *what; } hints[] = {
		{ "Ctrl-S", "send" }, { "Tab", "next field" }, { "Enter", "new line" },
		{ "Ctrl-P/N", "history" }, { "Esc", "close" }, { "F2", "models" },
	};
	int used = 0;

	for (size_t i = 0; i < sizeof hints / sizeof hints[0] && used < w; i++) {
		if (used + draw_width(hints[i].key) + 1 + draw_width(hints[i].what) > w)
			continue;
		used += draw_str(y, x + used, w - used, hints[i].key, color_role(d->pal, ROLE_STATUS_KEY));
		used += draw_str(y, x + used, w - used, " ", color_role(d->pal, ROLE_TEXT));
		used += draw_str(y, x + used, w - used, hints[i].what, color_role(d->pal, ROLE_DIM));
		used += draw_str(y, x + used, w - used, "   ", color_role(d->pal, ROLE_TEXT));
	}
}

/* The picker's box under the model field, above the numbers row (end). */
static void editor_picker(struct ed_draw *d, struct rect in, int end)
{
	int h = end - d->model_y - 1, w = in.w - LABEL_W + 2, x = in.x + LABEL_W - 2;

	h = h > picker_height(&d->e->pick) ? picker_height(&d->e->pick) : h;
	if (w < 24) {
		w = in.w;
		x = in.x;
	}
	w = w > 72 ? 72 : w;
	if (h < 3)
		return;
	picker_draw(&d->e->pick, (struct rect){ d->model_y + 1, x, h, w }, d->pal, &d->cy, &d->cx);
}

void editor_draw(struct editor *e, struct rect r, const struct palette *pal, int *cy, int *cx)
{
	struct ed_draw d = { .e = e, .pal = pal, .cy = r.y + 1, .cx = r.x + 1 };
	struct rect in = draw_inner(r);
	int hs, hp, y, fx, fw;
	const struct profile *p = e->cfg->nprofiles ? &e->cfg->profiles[e->profile] : NULL;

	draw_fill(r, color_role(pal, ROLE_TEXT));
	draw_box(r, "prompt", color_role(pal, ROLE_BORDER), color_role(pal, ROLE_TITLE));
	in.x += 1;
	in.w -= 2;
	hs = in.h >= 16 ? 4 : in.h >= 11 ? 2 : 1;
	hp = in.h - 7 - hs;
	if (hp < 1)
		hp = 1;
	fx = in.x + LABEL_W;
	fw = in.w - LABEL_W;
	y = in.y;
	editor_profile_row(&d, y++, in.x, in.w);
	editor_model_row(&d, y++, in.x, in.w, p);
	editor_label(&d, F_SYSTEM, y, in.x);
	editor_field(&d, F_SYSTEM, (struct rect){ y, fx, hs, fw }, "(no system prompt)");
	y += hs + 1;
	editor_label(&d, F_PROMPT, y, in.x);
	editor_field(&d, F_PROMPT, (struct rect){ y, fx, hp, fw }, "type the user prompt here");
	y += hp + 1;
	editor_numbers(&d, y++, in.x, in.w);
	draw_str_ellipsis(y++, in.x, in.w, e->msg, color_role(pal, e->msg_error ? ROLE_ERROR : ROLE_DIM));
	editor_help(&d, y, in.x, in.w);
	if (picker_is_open(&e->pick))
		editor_picker(&d, in, y - 2);
	*cy = d.cy;
	*cx = d.cx;
}

/* ---- the request ---- */

static int editor_int(struct editor *e, enum field_id id, long lo, long hi, long empty, int *out)
{
	const char *s = buf_str(&e->f[id].text);
	char *end;
	long v;

	if (!*s) {
		*out = (int)empty;
		return 0;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi) {
		snprintf(e->msg, sizeof e->msg, "%s must be a whole number from %ld to %ld", labels[id], lo, hi);
		e->msg_error = true;
		e->focus = id;
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int editor_temp(struct editor *e, double *out)
{
	const char *s = buf_str(&e->f[F_TEMP].text);
	char *end;
	double v;

	*out = -1;
	if (!*s)
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !(v >= 0 && v <= 5)) {
		editor_message(e, "temperature must be a number from 0 to 5, or empty");
		e->focus = F_TEMP;
		return -1;
	}
	*out = v;
	return 0;
}

int editor_request(struct editor *e, struct config *cfg, struct endpoint *ep, struct exchange_opts *o)
{
	struct ts_err err;
	const char *model = buf_str(&e->f[F_MODEL].text);

	memset(o, 0, sizeof *o);
	if (e->f[F_PROMPT].text.len == 0) {
		editor_message(e, "the prompt is empty: type something to send");
		e->focus = F_PROMPT;
		return -1;
	}
	if (editor_int(e, F_MAXTOK, 1, 1000000, 0, &o->rp.max_tokens) ||
	    editor_int(e, F_TOPK, 0, CONFIG_MAX_TOP_K, 0, &o->rp.top_logprobs) || editor_temp(e, &o->rp.temperature))
		return -1;
	if (cfg->nprofiles && config_strset(&cfg->s.profile, cfg->profiles[e->profile].name)) {
		editor_message(e, "out of memory");
		return -1;
	}
	if (config_endpoint(cfg, ep, &err)) {
		editor_message(e, ts_err_msg(&err));
		return -1;
	}
	o->ep = ep;
	o->rp.model = *model ? model : ep->model;
	o->rp.system = e->f[F_SYSTEM].text.len ? buf_str(&e->f[F_SYSTEM].text) : NULL;
	o->rp.prompt = buf_str(&e->f[F_PROMPT].text);
	o->rp.stream = true;
	o->connect_timeout_s = cfg->s.connect_timeout_s;
	o->idle_timeout_s = cfg->s.idle_timeout_s;
	return 0;
}
