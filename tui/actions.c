/* actions.c — what keys and the mouse do. Keys reach the open dialog
 * first, then the editor, then the main screen's action table. Handlers
 * change the state and set dirty flags; they never draw. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/labels.h"
#include "src/session.h"
#include "tui/app.h"

#define LABELS_LIST_MAX (LABELS_MAX * (LABELS_MAX_LEN + 2))
#define LABELS_EXAMPLE "comma-separated, e.g. work, personal, spam, other; empty: no labels"

/* Rows of text in the token view at the last layout. */
static int actions_view_rows(const struct app *a)
{
	return a->lay.view.h > 2 ? a->lay.view.h - 2 : 1;
}

static void act_select(struct app *a, struct answer *an, size_t tok)
{
	answer_select(an, tok);
	an->goal_col = -1;
	answer_reveal(an, actions_view_rows(a));
}

/* Moves the selection `delta` lines, keeping the column (↑/↓/PgUp/PgDn). */
static void act_lines(struct app *a, struct answer *an, long delta)
{
	size_t n = doc_count(an->doc), line, target, tok = an->sel;
	long want;
	int col;

	if (n == 0)
		return;
	line = wrap_line_of(&an->wrap, an->doc, an->sel);
	want = (long)line + delta;
	target = want < 0 ? 0 : (size_t)want >= wrap_count(&an->wrap) ? wrap_count(&an->wrap) - 1 : (size_t)want;
	col = an->goal_col >= 0 ? an->goal_col : tokview_col_of(an, an->sel);
	if (target != line)
		tokview_token_at(an, target, col, false, &tok);
	if (delta > 0 && tok <= an->sel)
		tok = target == line ? n - 1 : an->sel + 1;
	if (delta < 0 && tok >= an->sel)
		tok = target == line ? 0 : an->sel - (an->sel > 0);
	answer_select(an, tok);
	an->goal_col = col;
	answer_reveal(an, actions_view_rows(a));
}

/* The next (dir 1) or previous (dir −1) token below the per-token
 * threshold. */
static void act_low(struct app *a, struct answer *an, int dir)
{
	size_t n = doc_count(an->doc);
	char pct[32];

	for (size_t i = an->sel; n > 0 && (dir > 0 ? i + 1 < n : i > 0);) {
		i = dir > 0 ? i + 1 : i - 1;
		if (exp(doc_token(an->doc, i)->logprob) < a->to.tok_threshold) {
			act_select(a, an, i);
			return;
		}
	}
	snprintf(pct, sizeof pct, "%.0f%%", a->to.tok_threshold * 100);
	app_message(a, false, "no token below %s %s this one", pct, dir > 0 ? "after" : "before");
}

static double act_step(double v, double d)
{
	v = round((v + d) * 100.0) / 100.0;
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

static void act_answer(struct app *a, int dir)
{
	if (a->ans.n == 0)
		return;
	pair_close(a);
	a->ans.cur = (a->ans.cur + a->ans.n + (size_t)(dir > 0 ? 1 : -1)) % a->ans.n;
	a->msg[0] = '\0';
	a->dirty |= DIRTY_RECALC | DIRTY_LAYOUT;
}

static void act_editor(struct app *a)
{
	struct answer *an = frame_answer(a);

	if (editor_empty(a->ed) && an)
		editor_fill_request(a->ed, doc_meta(an->doc, DOC_META_REQUEST));
	a->editing = true;
}

static void act_save_dialog(struct app *a)
{
	char path[256], text[256];
	time_t t = time(NULL);
	struct tm tm;

	if (a->session_path) {
		snprintf(path, sizeof path, "%s", a->session_path);
	} else {
		localtime_r(&t, &tm);
		strftime(path, sizeof path, "tokscope-%Y%m%d-%H%M%S.json", &tm);
	}
	snprintf(text, sizeof text, "Save %zu answer%s as a session file (JSON) to:", a->ans.n, a->ans.n == 1 ? "" : "s");
	dialog_open(&a->dlg, DLG_SAVE, "save session", text, path);
}

static void act_theme(struct app *a)
{
	if (a->nthemes == 0)
		return;
	a->theme_idx = (a->theme_idx + 1) % a->nthemes;
	if (app_set_theme(a, a->themes[a->theme_idx]))
		app_message(a, false, "theme: %s%s", a->themes[a->theme_idx],
			    a->depth == DEPTH_NONE ? " (no colour here: attributes only)" : "");
}

/* Whether the current answer carries its own label set (then L edits it). */
static struct doc *act_own_labels(struct app *a)
{
	struct answer *an = frame_answer(a);

	return an && doc_meta(an->doc, DOC_META_LABELS) ? an->doc : NULL;
}

/* L: edit the set in effect for the current answer: its own when it has
 * one (saved with it), else the global one. */
static void act_labels_dialog(struct app *a)
{
	struct doc *own = act_own_labels(a);
	char list[LABELS_LIST_MAX], text[256];

	if (own)
		snprintf(list, sizeof list, "%s", doc_meta(own, DOC_META_LABELS));
	else
		labels_format(&a->labels, list, sizeof list);
	snprintf(text, sizeof text, "%s (%s):", own ? "Labels of this answer, saved with it" :
		 "Labels for every answer without its own, and for new requests", LABELS_EXAMPLE);
	dialog_open(&a->dlg, DLG_LABELS, "labels", text, list);
}

static void act_margin(struct app *a, double step)
{
	struct answer *an = frame_answer(a);
	struct label_set ls;
	bool any = a->labels.n > 0;

	a->vo.margin = act_step(a->vo.margin, step);
	if (an && labels_from_doc(&ls, an->doc, NULL) > 0)   /* as panel.c picks the set */
		any = ls.n > 0;
	app_message(a, false, "label margin μ = %.2f%s", a->vo.margin,
		    any ? "" : " (no labels here: L sets some)");
}

static void act_pane(struct app *a)
{
	if (a->lay.wide && !a->zoom) {
		app_message(a, false, "inspector and panel are both shown at this width");
		return;
	}
	a->lower_panel = !a->lower_panel;
	a->zoom = false;
}

/* J/K: the confidence panel's pages, when its sections need several. */
static void act_panel_page(struct app *a, int step)
{
	int p = a->panel_page + step;

	if (a->panel_pages == 0) {
		app_message(a, false, "the confidence panel is not shown%s",
			    a->zoom ? ": z shows it" : !a->lay.wide && !pair_active(a) ? ": i shows it" : "");
		return;
	}
	if (a->panel_pages == 1) {
		app_message(a, false, "the confidence panel fits on one page");
		return;
	}
	a->panel_page = p < 0 ? 0 : p >= a->panel_pages ? a->panel_pages - 1 : p;
}

/* Actions that change settings (no answer needed). */
static bool act_setting(struct app *a, enum action act)
{
	char v[32];

	switch (act) {
	case ACT_THRESH_DOWN:
	case ACT_THRESH_UP:
		a->vo.threshold = act_step(a->vo.threshold, act == ACT_THRESH_UP ? 0.05 : -0.05);
		app_message(a, false, "routing threshold τ = %.2f", a->vo.threshold);
		break;
	case ACT_TOKTH_DOWN:
	case ACT_TOKTH_UP:
		a->vo.tok_threshold = act_step(a->vo.tok_threshold, act == ACT_TOKTH_UP ? 0.05 : -0.05);
		a->to.tok_threshold = a->vo.tok_threshold;
		snprintf(v, sizeof v, "%.0f%%", a->vo.tok_threshold * 100);
		app_message(a, false, "per-token threshold %s: tokens below it are underlined", v);
		break;
	case ACT_STAT:
		a->vo.stat = (enum route_stat)((a->vo.stat + 1) % STAT_COUNT);
		app_message(a, false, "routing statistic: %s", route_stat_label(a->vo.stat));
		break;
	case ACT_MARGIN_DOWN: act_margin(a, -0.05); break;
	case ACT_MARGIN_UP: act_margin(a, 0.05); break;
	case ACT_COLOR_MODE:
		a->to.mode = (enum color_mode)((a->to.mode + 1) % CMODE_COUNT);
		app_message(a, false, "colour by %s", tokview_mode_name(a->to.mode));
		break;
	case ACT_BOUNDARIES: a->to.boundaries = !a->to.boundaries; break;
	case ACT_THEME: act_theme(a); break;
	case ACT_PANE: act_pane(a); break;
	case ACT_PANEL_NEXT: act_panel_page(a, 1); break;
	case ACT_PANEL_PREV: act_panel_page(a, -1); break;
	case ACT_ZOOM: a->zoom = !a->zoom; break;
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	default: return false;
	}
	a->dirty |= DIRTY_RECALC | DIRTY_LAYOUT;
	return true;
}

/* Actions about requests, files and the app. */
static bool act_app(struct app *a, enum action act)
{
	switch (act) {
	case ACT_NEXT_ANSWER: act_answer(a, 1); break;
	case ACT_PREV_ANSWER: act_answer(a, -1); break;
	case ACT_EDITOR: act_editor(a); break;
	case ACT_CANCEL:
		if (app_busy(a))
			app_cancel(a);
		else if (pair_active(a))
			pair_close(a);
		else
			a->msg[0] = '\0';
		break;
	case ACT_INTERRUPT:
		if (app_busy(a))
			app_cancel(a);
		else if (pair_active(a))
			pair_close(a);
		else
			a->quit = true;
		break;
	case ACT_ESCALATE: escalate_key(a); break;
	case ACT_AUTO_ESCALATE: escalate_toggle_auto(a); break;
	case ACT_COMPARE: pair_compare_key(a); break;
	case ACT_PAIR_SWITCH: pair_switch(a); break;
	case ACT_SAVE: act_save_dialog(a); break;
	case ACT_OPEN: dialog_open(&a->dlg, DLG_OPEN, "open session", "Open a session file (JSON):", a->session_path); break;
	case ACT_ERROR:
		if (a->last_error[0])
			dialog_open(&a->dlg, DLG_ERROR, "last error", a->last_error, NULL);
		else
			app_message(a, false, "no error so far");
		break;
	case ACT_HELP: dialog_open(&a->dlg, DLG_HELP, "keys", NULL, NULL); break;
	case ACT_LABELS: act_labels_dialog(a); break;
	case ACT_QUIT:
		if (app_busy(a))
			dialog_open(&a->dlg, DLG_QUIT, "quit?", "A request is still streaming. Quit anyway?", NULL);
		else
			a->quit = true;
		break;
	case ACT_SUSPEND: app_suspend(a); break;
	default: return false;
	}
	a->dirty |= DIRTY_REPAINT;
	return true;
}

/* Moving the selection. */
static void act_move(struct app *a, enum action act)
{
	struct answer *an = frame_answer(a);
	size_t n;
	int page = actions_view_rows(a);

	if (!an)
		return;
	n = doc_count(an->doc);
	switch (act) {
	case ACT_NEXT: act_select(a, an, an->sel + 1 < n ? an->sel + 1 : an->sel); break;
	case ACT_PREV: act_select(a, an, an->sel > 0 ? an->sel - 1 : 0); break;
	case ACT_DOWN: act_lines(a, an, 1); break;
	case ACT_UP: act_lines(a, an, -1); break;
	case ACT_PAGE_DOWN: act_lines(a, an, page > 1 ? page - 1 : 1); break;
	case ACT_PAGE_UP: act_lines(a, an, page > 1 ? -(page - 1) : -1); break;
	case ACT_FIRST: act_select(a, an, 0); break;
	case ACT_LAST:
		act_select(a, an, n ? n - 1 : 0);
		an->follow = an->live;
		break;
	case ACT_NEXT_LOW: act_low(a, an, 1); break;
	case ACT_PREV_LOW: act_low(a, an, -1); break;
	default: break;
	}
	a->dirty |= DIRTY_REPAINT;
}

static void actions_fail(struct app *a, const char *title, const struct ts_err *err)
{
	snprintf(a->last_error, sizeof a->last_error, "%s", ts_err_msg(err));
	app_message(a, true, "%s", a->last_error);
	dialog_open(&a->dlg, DLG_ERROR, title, a->last_error, NULL);
}

static void actions_remember_path(struct app *a, const char *path)
{
	char *copy = strdup(path);

	if (copy) {
		free(a->session_path);
		a->session_path = copy;
	}
}

/* Answers without a label set of their own are judged with the global one:
 * the file records it in them (mark[i]: stamped), and unstamping puts them
 * back to following the global set. */
static void actions_stamp_labels(struct app *a, struct doc **docs, size_t k, bool *mark)
{
	char list[LABELS_LIST_MAX];

	if (a->labels.n == 0)
		return;
	labels_format(&a->labels, list, sizeof list);
	for (size_t i = 0; i < k; i++)
		if (!doc_meta(docs[i], DOC_META_LABELS))
			mark[i] = doc_set_meta(docs[i], DOC_META_LABELS, list) == TS_OK;
}

static void actions_unstamp_labels(struct doc **docs, size_t k, const bool *mark)
{
	for (size_t i = 0; i < k; i++)
		if (mark[i])
			doc_set_meta(docs[i], DOC_META_LABELS, NULL);
}

/* Saves every finished answer (a streaming one is left out). */
static void actions_save(struct app *a, const char *path, struct ts_err *err)
{
	struct doc **docs = calloc(a->ans.n + 1, sizeof *docs);
	bool *mark = calloc(a->ans.n + 1, sizeof *mark);
	char full[PATH_MAX];
	size_t k = 0;

	if (!docs || !mark) {
		free(docs);
		free(mark);
		ts_err_set(err, TS_ENOMEM, "out of memory");
		actions_fail(a, "cannot save", err);
		return;
	}
	for (size_t i = 0; i < a->ans.n; i++)
		if (!a->ans.v[i].live)
			docs[k++] = a->ans.v[i].doc;
	actions_stamp_labels(a, docs, k, mark);
	if (session_save(path, docs, k, err)) {
		actions_fail(a, "cannot save", err);
	} else {
		app_message(a, false, "saved %zu answer%s to %s", k, k == 1 ? "" : "s",
			    realpath(path, full) ? full : path);
		actions_remember_path(a, path);
	}
	actions_unstamp_labels(docs, k, mark);
	free(docs);
	free(mark);
}

/* Opens a session: its answers join the list; the first becomes current. */
static void actions_open(struct app *a, const char *path, struct ts_err *err)
{
	struct doc **docs = NULL;
	size_t n = 0, first = a->ans.n, added = 0;

	if (session_load(path, &docs, &n, err)) {
		actions_fail(a, "cannot open", err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (answers_add(&a->ans, docs[i]) < 0)
			doc_free(docs[i]);
		else
			added++;
	}
	free(docs);
	if (added)
		a->ans.cur = first;
	app_message(a, false, "opened %zu answer%s from %s", added, added == 1 ? "" : "s", path);
	actions_remember_path(a, path);
	a->dirty |= DIRTY_RECALC | DIRTY_LAYOUT;
}

/* The label editor's line: a new set for the current answer (when it has
 * its own) or for all the others. An invalid line keeps the old set and
 * opens the editor again with the reason. */
static void actions_labels(struct app *a, const char *list)
{
	struct doc *own = act_own_labels(a);
	struct label_set ls;
	struct ts_err err;
	char canon[LABELS_LIST_MAX], text[TS_ERRMSG_MAX + 128];

	ts_err_clear(&err);
	if (labels_parse(&ls, list, &err)) {
		snprintf(text, sizeof text, "%s. Fix the list (%s), or Esc keeps the labels as they were:",
			 ts_err_msg(&err), LABELS_EXAMPLE);
		dialog_open(&a->dlg, DLG_LABELS, "labels", text, list);
		app_message(a, true, "%s: the labels stay as they were", ts_err_msg(&err));
		return;
	}
	labels_format(&ls, canon, sizeof canon);
	if (own && doc_set_meta(own, DOC_META_LABELS, canon)) {
		app_message(a, true, "out of memory: the labels stay as they were");
		return;
	}
	if (!own)
		a->labels = ls;
	if (ls.n)
		app_message(a, false, "labels%s: %s", own ? " of this answer" : "", canon);
	else
		app_message(a, false, "no labels%s: two-way verdict", own ? " for this answer" : "");
	a->dirty |= DIRTY_RECALC | DIRTY_LAYOUT;
}

static void actions_dialog(struct app *a, int key)
{
	enum dialog_kind kind = a->dlg.kind;
	enum dialog_result r = dialog_key(&a->dlg, key);
	struct ts_err err;

	a->dirty |= DIRTY_REPAINT;
	if (r == DLG_KEEP)
		return;
	a->dlg.kind = DLG_NONE;
	if (r != DLG_ACCEPT)
		return;
	if (kind == DLG_QUIT)
		a->quit = true;
	if (kind == DLG_LABELS) {
		char *list = strdup(buf_str(&a->dlg.input));   /* the dialog may open again on it */

		if (list)
			actions_labels(a, list);
		free(list);
	}
	if (kind == DLG_SAVE || kind == DLG_OPEN) {
		ts_err_clear(&err);
		if (kind == DLG_SAVE)
			actions_save(a, buf_str(&a->dlg.input), &err);
		else
			actions_open(a, buf_str(&a->dlg.input), &err);
	}
}

static void actions_editor(struct app *a, int key)
{
	a->dirty |= DIRTY_REPAINT;
	if (key == KEYS_CTRL('c') && !editor_models_shown(a->ed)) {
		if (app_busy(a))
			app_cancel(a);
		else
			a->editing = false;
		modelfetch_sync(a);
		return;
	}
	if (key == KEYS_CTRL('z')) {
		app_suspend(a);
		return;
	}
	switch (editor_key(a->ed, key)) {
	case EDITOR_SEND: stream_send(a); break;
	case EDITOR_CLOSE: a->editing = false; break;
	case EDITOR_MODELS: modelfetch_start(a); break;
	default: break;
	}
	modelfetch_sync(a);
}

void actions_key(struct app *a, int key)
{
	enum action act = keys_action(key);

	/* Too small to show anything, a question included: q and Ctrl-C quit
	 * at once, Ctrl-Z suspends, Ctrl-L redraws; other keys wait. */
	if (a->lay.too_small) {
		if (act == ACT_QUIT || act == ACT_INTERRUPT)
			a->quit = true;
		else if (act == ACT_SUSPEND)
			app_suspend(a);
		else if (act == ACT_REDRAW)
			clearok(curscr, TRUE);
		a->dirty |= DIRTY_REPAINT;
		return;
	}
	if (a->dlg.kind != DLG_NONE) {
		actions_dialog(a, key);
		return;
	}
	if (a->editing) {
		actions_editor(a, key);
		return;
	}
	if (branches_key(a, key))
		return;
	if (!act_setting(a, act) && !act_app(a, act) && !branches_action(a, act))
		act_move(a, act);
}

void actions_click(struct app *a, int y, int x)
{
	struct answer *an = frame_answer(a);
	struct rect v = a->lay.view;
	size_t tok;

	if (a->editing || a->dlg.kind != DLG_NONE || a->lay.too_small || (pair_active(a) && pair_click(a, y, x)))
		return;
	if (!an)
		return;
	if (y <= v.y || y >= v.y + v.h - 1 || x <= v.x + 1 || x >= v.x + v.w - 2)
		return;
	if (tokview_token_at(an, an->top + (size_t)(y - v.y - 1), x - v.x - 2, true, &tok)) {
		answer_select(an, tok);
		an->goal_col = -1;
		a->dirty |= DIRTY_REPAINT;
	}
}

void actions_wheel(struct app *a, int lines)
{
	struct answer *an = frame_answer(a);
	size_t count;

	if (!an || a->editing || a->dlg.kind != DLG_NONE)
		return;
	count = wrap_count(&an->wrap);
	if (lines < 0)
		an->top = an->top > (size_t)-lines ? an->top - (size_t)-lines : 0;
	else
		an->top = an->top + (size_t)lines < count ? an->top + (size_t)lines : count - 1;
	an->follow = false;
	a->dirty |= DIRTY_REPAINT;
}
