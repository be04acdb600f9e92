#include "tui/status.h"

#include <stdio.h>
#include <string.h>

static const char *status_title(const struct app *a, const struct answer *an)
{
	const char *t = an ? doc_meta(an->doc, DOC_META_TITLE) : NULL;

	if (t && *t)
		return t;
	t = an ? doc_meta(an->doc, DOC_META_STARTED) : NULL;
	return t && *t ? t : a->session_path ? a->session_path : "untitled";
}

void status_draw_header(const struct app *a, struct rect r)
{
	const struct answer *an = a->ans.cur < a->ans.n ? &a->ans.v[a->ans.cur] : NULL;
	struct style bar = color_role(&a->pal, ROLE_STATUS);
	char line[512];
	int x = r.x, right = 0;

	draw_fill(r, bar);
	x += draw_str(r.y, x, r.w, " tokscope ", color_role(&a->pal, ROLE_STATUS_KEY));
	if (!a->lay.has_side && an && !pair_active(a)) {
		right = panel_draw_chip(&a->pd, 0, 0, 0, &a->pal, false);
		panel_draw_chip(&a->pd, r.y, r.x + r.w - right, right, &a->pal, true);
	}
	if (pair_active(a))
		pair_header(a, line, sizeof line);
	else if (an)
		snprintf(line, sizeof line, " answer %zu/%zu: %s%s%s%s", a->ans.cur + 1, a->ans.n,
			 status_title(a, an), doc_meta(an->doc, DOC_META_MODEL) ? " · " : "",
			 doc_meta(an->doc, DOC_META_MODEL) ? doc_meta(an->doc, DOC_META_MODEL) : "",
			 an->live ? " (streaming)" : "");
	else
		snprintf(line, sizeof line, " no answer yet: press p to write a prompt");
	draw_str_ellipsis(r.y, x, r.w - (x - r.x) - right, line, bar);
}

void status_draw_hint(const struct app *a, struct rect r)
{
	int x;

	draw_fill(r, color_role(&a->pal, ROLE_TEXT));
	x = draw_str(r.y, r.x, r.w, " DEMO ", color_role(&a->pal, ROLE_MARK));
	draw_str_ellipsis(r.y, r.x + x, r.w - x,
			  " recorded answers · p: write a prompt · --base-url URL or -P PROFILE: a live server",
			  color_role(&a->pal, ROLE_DIM));
}

static const char *const spinner[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };

/* The state chip: " ⠋ STREAMING 57 tokens ". */
static void status_chip(const struct app *a, char *out, size_t outsz, enum theme_role *role)
{
	const struct doc *d = a->xdoc ? a->xdoc : escalate_doc(a);
	size_t n = d ? doc_count(d) : 0;

	*role = ROLE_STATUS_KEY;
	switch (a->state) {
	case ST_STREAMING:
		snprintf(out, outsz, " %s STREAMING %zu token%s ", spinner[a->spin % 10], n, n == 1 ? "" : "s");
		*role = ROLE_MARK;
		break;
	case ST_DONE: snprintf(out, outsz, " DONE "); break;
	case ST_CANCELLED: snprintf(out, outsz, " CANCELLED (incomplete) "); *role = ROLE_ESCALATE; break;
	case ST_ERROR: snprintf(out, outsz, " ERROR "); *role = ROLE_ERROR; break;
	default: snprintf(out, outsz, " READY "); break;
	}
}

struct hint {
	enum action act;
	const char *what;
};

/* A hint as drawn: its key's name and what it does. */
struct hint_text {
	char key[32];
	const char *what;
};

static const struct hint idle_hints[] = {
	{ ACT_HELP, "help" }, { ACT_EDITOR, "prompt" }, { ACT_NEXT_ANSWER, "answer" },
	{ ACT_NEXT_LOW, "low" }, { ACT_THRESH_DOWN, "τ" }, { ACT_MARGIN_DOWN, "μ" }, { ACT_QUIT, "quit" },
};
static const struct hint busy_hints[] = { { ACT_CANCEL, "cancel" }, { ACT_HELP, "help" }, { ACT_QUIT, "quit" } };
static const struct hint pair_hints[] = {
	{ ACT_HELP, "help" }, { ACT_PAIR_SWITCH, "pane" }, { ACT_CANCEL, "back" }, { ACT_THRESH_DOWN, "τ" },
	{ ACT_QUIT, "quit" },
};

/* While the inspector's alternatives list has the keys (a, branches.h):
 * its own (branches.c reads them); when the answer cannot branch, only
 * the way back. Any other key leaves the list and does its work. */
static const struct hint_text focus_hints[] = {
	{ "↑↓", "choose" }, { "Enter", "branch" }, { "Esc", "back" }, { "?", "help" },
};
static const struct hint_text focus_reason_hints[] = { { "Esc", "back" }, { "?", "help" } };

/* The name of h's key as the hints show it. */
static void hint_key(const struct hint *h, char *key, size_t keysz)
{
	keys_name(keys_first(h->act), key, keysz);
	if (h->act == ACT_THRESH_DOWN)
		snprintf(key, keysz, "t/T");
	if (h->act == ACT_MARGIN_DOWN)
		snprintf(key, keysz, "m/M");
}

/* Columns a hint takes: " key what ". */
static int hint_width(const struct hint_text *t)
{
	return draw_width(t->key) + draw_width(t->what) + 3;
}

/* Key hints from the key table, right-aligned in at most maxw columns:
 * as many as fit, in order. Returns their width. */
static int status_hints(const struct app *a, struct rect r, int maxw)
{
	bool busy = a->state == ST_STREAMING;
	const struct hint *h = busy ? busy_hints : pair_active(a) ? pair_hints : idle_hints;
	size_t n = busy ? sizeof busy_hints / sizeof busy_hints[0] :
		   pair_active(a) ? sizeof pair_hints / sizeof pair_hints[0] : sizeof idle_hints / sizeof idle_hints[0];
	size_t fit = 0, ns = 0, nt = 0;
	int w = 0, x;
	struct hint shown[16];
	struct hint_text ht[16];
	const struct hint_text *t = ht;

	/* the editor and the boxes show their own keys */
	if (a->editing || a->dlg.kind != DLG_NONE)
		return 0;
	/* an answer judged ESCALATE: E first, so it shows on a narrow screen */
	if (h == idle_hints && a->ans.cur < a->ans.n && a->pd.r.verdict == VERDICT_ESCALATE)
		shown[ns++] = (struct hint){ ACT_ESCALATE, "strong model" };
	/* μ only matters when the answer is judged with labels */
	for (size_t i = 0; i < n && ns < 16; i++)
		if (h[i].act != ACT_MARGIN_DOWN || a->pd.r.labelled)
			shown[ns++] = h[i];
	for (size_t i = 0; i < ns; i++) {
		hint_key(&shown[i], ht[nt].key, sizeof ht[nt].key);
		ht[nt++].what = shown[i].what;
	}
	if (a->br.focus && !busy && !pair_active(a)) {
		t = a->br.reason[0] ? focus_reason_hints : focus_hints;
		nt = a->br.reason[0] ? sizeof focus_reason_hints / sizeof focus_reason_hints[0] :
				       sizeof focus_hints / sizeof focus_hints[0];
	}

	while (fit < nt && w + hint_width(&t[fit]) <= maxw)
		w += hint_width(&t[fit++]);
	x = r.x + r.w - w;
	for (size_t i = 0; i < fit; i++) {
		x += draw_str(r.y, x, 1, " ", color_role(&a->pal, ROLE_STATUS));
		x += draw_str(r.y, x, 32, t[i].key, color_role(&a->pal, ROLE_STATUS_KEY));
		x += draw_str(r.y, x, 1, " ", color_role(&a->pal, ROLE_STATUS));
		x += draw_str(r.y, x, 32, t[i].what, color_role(&a->pal, ROLE_STATUS));
		x += draw_str(r.y, x, 1, " ", color_role(&a->pal, ROLE_STATUS));
	}
	return w;
}

void status_draw_bar(const struct app *a, struct rect r)
{
	char chip[96];
	enum theme_role role;
	int x, hints, msgw;

	draw_fill(r, color_role(&a->pal, ROLE_STATUS));
	status_chip(a, chip, sizeof chip, &role);
	x = draw_str(r.y, r.x, r.w, chip, color_role(&a->pal, role));
	if (a->auto_esc)
		x += draw_str(r.y, r.x + x, r.w - x, " ▲AUTO ", color_role(&a->pal, ROLE_ESCALATE));
	/* the message first: the hints take what it leaves, as many as fit */
	msgw = a->msg[0] ? draw_width(a->msg) + 2 : 0;
	hints = status_hints(a, r, r.w - x - msgw);
	if (a->msg[0])
		draw_str_ellipsis(r.y, r.x + x + 1, r.w - x - hints - 2, a->msg,
				  color_role(&a->pal, a->msg_error ? ROLE_ERROR : ROLE_STATUS));
}
