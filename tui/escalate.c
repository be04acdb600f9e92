/* escalate.c — E and A: the cascade on the explorer's loop (escalate.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/branch.h"
#include "tui/app.h"

bool escalate_route_opts(const struct app *a, const struct doc *d, struct route_opts *ro,
			 struct label_set *ls)
{
	*ro = (struct route_opts){
		.stat = a->vo.stat,
		.threshold = a->vo.threshold,
		.margin = a->vo.margin,
		.min_label_mass = a->vo.min_label_mass,
		.metrics = { .quantile = a->vo.quantile, .tok_threshold = a->vo.tok_threshold },
	};
	/* as panel.c picks the set: the answer's own (when it parses), else
	 * the global one */
	if (labels_from_doc(ls, d, NULL) <= 0) {
		ls->n = 0;
		if (a->vo.labels)
			*ls = *a->vo.labels;
	}
	return ls->n > 0;
}

/* The newest escalation d belongs to (as cheap or strong answer), or
 * NULL. */
static struct esc *escalate_find(const struct app *a, const struct doc *d)
{
	for (size_t i = a->escs.n; d && i > 0; i--)
		if (a->escs.v[i - 1]->cheap == d || a->escs.v[i - 1]->strong == d)
			return a->escs.v[i - 1];
	return NULL;
}

bool escalate_running(const struct app *a)
{
	return a->escs.running != NULL;
}

const struct doc *escalate_doc(const struct app *a)
{
	return a->escs.running ? a->escs.running->strong : NULL;
}

static void esc_free(struct esc *e)
{
	if (!e)
		return;
	cascade_free(e->c);
	reqcopy_fini(&e->req);
	if (!e->listed)
		doc_free(e->strong);
	free(e);
}

void escalate_fini(struct app *a)
{
	for (size_t i = 0; i < a->escs.n; i++)
		esc_free(a->escs.v[i]);
	free(a->escs.v);
	memset(&a->escs, 0, sizeof a->escs);
}

static int esc_register(struct app *a, struct esc *e)
{
	if (a->escs.n == a->escs.cap) {
		size_t cap = a->escs.cap ? a->escs.cap * 2 : 4;
		struct esc **v = realloc(a->escs.v, cap * sizeof *v);

		if (!v)
			return -1;
		a->escs.v = v;
		a->escs.cap = cap;
	}
	a->escs.v[a->escs.n++] = e;
	return 0;
}

/* The status bar's answer to "there is no strong model": how to set one. */
static void esc_no_strong(struct app *a, const struct ts_err *err, const char *what)
{
	char *def = a->cfg->path ? NULL : config_default_path();
	const char *path = a->cfg->path ? a->cfg->path : def ? def : "the config file";

	if (strstr(ts_err_msg(err), "no model to escalate to") == NULL)
		snprintf(a->last_error, sizeof a->last_error, "%s — %s", what, ts_err_msg(err));
	else
		snprintf(a->last_error, sizeof a->last_error, "%s — no strong model: --escalate-to PROFILE[:MODEL], "
			 "or escalate_to = PROFILE[:MODEL] in [defaults] of %s", what, path);
	app_message(a, true, "%s", a->last_error);
	free(def);
}

/* "PROFILE · MODEL" */
static void esc_name(struct esc *e, const struct endpoint *ep)
{
	snprintf(e->strong_name, sizeof e->strong_name, "%s%s%s", ep->profile ? ep->profile : "?",
		 ep->model ? " · " : "", ep->model ? ep->model : "");
}

/* A cascade adopted from answer d; NULL (with a message) when it cannot be
 * made. automatic: cascade_adopt escalates by the verdict; otherwise the
 * caller calls cascade_escalate. */
static struct esc *esc_new(struct app *a, struct doc *d, const struct ts_err *outcome, bool automatic)
{
	struct endpoint strong;
	struct cascade_opts co = { .auto_escalate = automatic };
	struct label_set ls;
	struct ts_err err;
	struct esc *e;

	ts_err_clear(&err);
	if (config_escalation(a->cfg, &strong, &err)) {
		esc_no_strong(a, &err, automatic ? "auto-escalation" : "E");
		return NULL;
	}
	e = calloc(1, sizeof *e);
	if (e)
		e->strong = doc_new();
	if (!e || !e->strong) {
		app_message(a, true, "out of memory: cannot escalate");
		esc_free(e);
		return NULL;
	}
	if (reqcopy_parse(&e->req, doc_meta(d, DOC_META_REQUEST), &err)) {
		app_message(a, true, "cannot escalate: %s", ts_err_msg(&err));
		esc_free(e);
		return NULL;
	}
	e->cheap = d;
	esc_name(e, &strong);
	reqcopy_params(&e->req, a->cfg->s.top_logprobs, &co.cheap.rp);
	co.cheap.connect_timeout_s = a->cfg->s.connect_timeout_s;
	co.cheap.idle_timeout_s = a->cfg->s.idle_timeout_s;
	co.strong = &strong;
	co.labels = escalate_route_opts(a, d, &co.route, &ls) ? &ls : NULL;
	e->c = cascade_adopt(a->loop, d, e->strong, &co, outcome, &err);
	if (!e->c) {
		app_message(a, true, "cannot escalate: %s", ts_err_msg(&err));
		esc_free(e);
		return NULL;
	}
	return e;
}

/* The recorded partner of answer k in the list (cascade_find_recorded):
 * *ci and *si receive the cheap and the strong answer's indexes. */
static bool esc_partner(const struct app *a, long k, size_t *ci, size_t *si)
{
	const struct doc **docs;
	bool found;

	if (k < 0)
		return false;
	docs = malloc(a->ans.n * sizeof *docs);
	if (!docs)
		return false;
	for (size_t i = 0; i < a->ans.n; i++)
		docs[i] = a->ans.v[i].doc;
	found = cascade_find_recorded(docs, a->ans.n, (size_t)k, ci, si);
	free(docs);
	return found && !a->ans.v[*ci].live && !a->ans.v[*si].live;
}

/* A recorded escalation of d: d and its partner, both listed, judged as
 * they are (cascade_recorded), kept like a live one so E finds it again.
 * NULL when d has no partner (or out of memory, said in the status bar). */
static struct esc *esc_recorded(struct app *a, struct doc *d)
{
	struct cascade_opts co = { 0 };
	struct label_set ls;
	struct ts_err err;
	struct esc *e;
	size_t ci, si;
	const char *model;

	if (!esc_partner(a, answers_find(&a->ans, d), &ci, &si))
		return NULL;
	e = calloc(1, sizeof *e);
	if (!e) {
		app_message(a, true, "out of memory: cannot show the recorded escalation");
		return NULL;
	}
	e->cheap = a->ans.v[ci].doc;
	e->strong = a->ans.v[si].doc;
	e->listed = true;
	model = doc_meta(e->strong, DOC_META_MODEL);
	snprintf(e->strong_name, sizeof e->strong_name, "%s", model ? model : "the strong model");
	co.labels = escalate_route_opts(a, e->cheap, &co.route, &ls) ? &ls : NULL;
	ts_err_clear(&err);
	e->c = cascade_recorded(e->cheap, e->strong, &co, &err);
	if (!e->c || esc_register(a, e)) {
		app_message(a, true, "out of memory: cannot show the recorded escalation");
		esc_free(e);
		return NULL;
	}
	return e;
}

/* The status bar on opening a recorded escalation: nothing was sent, and
 * how to ask the strong model live. */
static void esc_recorded_message(struct app *a)
{
	struct endpoint strong;
	struct ts_err err;

	if (config_escalation(a->cfg, &strong, &err))
		app_message(a, false, "recorded, nothing sent · to ask live: --escalate-to PROFILE");
	else
		app_message(a, false, "recorded, nothing sent · E again asks %s%s%s live", strong.profile,
			    strong.model ? " · " : "", strong.model ? strong.model : "");
}

/* The strong request has started: the escalation is kept, runs, and its
 * view opens. */
static void esc_started(struct app *a, struct esc *e, bool automatic)
{
	const char *title = doc_meta(e->cheap, DOC_META_TITLE);

	if (esc_register(a, e)) {
		app_message(a, true, "out of memory: the escalation is dropped");
		esc_free(e);
		return;
	}
	doc_set_meta(e->strong, DOC_META_TITLE, title);
	a->escs.running = e;
	a->state = ST_STREAMING;
	pair_open_cascade(a, e);
	app_message(a, false, "%sescalating: the same request to the strong model, %s",
		    automatic ? "auto: " : "", e->strong_name);
}

/* The strong request could not start: its stage holds why. */
static void esc_start_failed(struct app *a, struct esc *e)
{
	snprintf(a->last_error, sizeof a->last_error, "escalation to %s failed: %s", e->strong_name,
		 ts_err_msg(&cascade_stage(e->c, CASCADE_STRONG)->err));
	app_message(a, true, "%s", a->last_error);
	esc_free(e);
}

/* Sends an's request to the strong model (E on an answer not escalated,
 * or E again in a recorded escalation's view). */
static void esc_ask(struct app *a, struct answer *an)
{
	struct esc *e;
	struct ts_err err;

	if (app_busy(a) || an->live) {
		app_message(a, true, "a request is running: wait for it, or cancel it with Esc");
		return;
	}
	e = esc_new(a, an->doc, NULL, false);
	if (!e)
		return;
	ts_err_clear(&err);
	if (cascade_escalate(e->c, &err) && !cascade_escalated(e->c)) {
		app_message(a, true, "cannot escalate: %s", ts_err_msg(&err));
		esc_free(e);
	} else if (cascade_stage(e->c, CASCADE_STRONG)->done) {
		esc_start_failed(a, e);
	} else {
		esc_started(a, e, false);
	}
}

void escalate_key(struct app *a)
{
	struct answer *an = frame_answer(a);
	struct esc *e;
	long k;

	if (!an) {
		app_message(a, app_busy(a), "%s", app_busy(a) ? "a request is running: wait for it, or cancel it with Esc"
			    : "no answer to escalate yet");
		return;
	}
	e = escalate_find(a, an->doc);
	/* E again in a recorded escalation's view: ask the strong model live */
	if (e && cascade_is_recorded(e->c) && a->pair.kind == PAIR_CASCADE && a->pair.esc == e) {
		k = answers_find(&a->ans, e->cheap);
		if (k >= 0)
			esc_ask(a, &a->ans.v[k]);
		return;
	}
	if (!e)
		e = esc_recorded(a, an->doc);
	if (!e) {
		esc_ask(a, an);
		return;
	}
	pair_open_cascade(a, e);
	if (cascade_is_recorded(e->c))
		esc_recorded_message(a);
}

void escalate_after_answer(struct app *a, struct doc *d, const struct ts_err *outcome)
{
	char why[256];
	struct esc *e;
	size_t at;

	/* a branch is a what-if from a forced token, not an answer to route */
	if (!a->auto_esc || app_busy(a) || branch_point(d, &at))
		return;
	e = esc_new(a, d, outcome, true);
	if (!e)
		return;
	if (cascade_stage(e->c, CASCADE_STRONG)->done) {
		esc_start_failed(a, e);
	} else if (cascade_escalated(e->c)) {
		esc_started(a, e, true);
	} else {
		app_message(a, false, "auto: %s", cascade_why(e->c, why, sizeof why));
		esc_free(e);
	}
}

void escalate_toggle_auto(struct app *a)
{
	struct endpoint strong;
	struct ts_err err;

	a->auto_esc = !a->auto_esc;
	a->dirty |= DIRTY_REPAINT;
	if (!a->auto_esc) {
		app_message(a, false, "auto-escalation off: E escalates an answer");
		return;
	}
	if (config_escalation(a->cfg, &strong, &err)) {
		esc_no_strong(a, &err, "auto-escalation on");
		return;
	}
	app_message(a, false, "auto-escalation on: a new answer judged ESCALATE goes to %s%s%s by itself",
		    strong.profile, strong.model ? " · " : "", strong.model ? strong.model : "");
}

/* The strong answer joins the list (at its first token, or at its end). */
static void esc_list(struct app *a, struct esc *e, bool live)
{
	long i = answers_add(&a->ans, e->strong);

	if (i < 0) {
		app_message(a, true, "out of memory: the strong answer cannot be listed");
		return;
	}
	e->listed = true;
	a->ans.v[i].live = live;
	a->ans.v[i].follow = live;
	if (a->pair.kind == PAIR_CASCADE && a->pair.esc == e && a->pair.focus == 1)
		a->ans.cur = (size_t)i;
	a->dirty |= DIRTY_LAYOUT | DIRTY_RECALC | DIRTY_REPAINT;
}

static bool esc_has_content(const struct doc *d)
{
	size_t plain;

	doc_plain(d, &plain);
	return doc_count(d) > 0 || plain > 0;
}

static void esc_finish(struct app *a, struct esc *e)
{
	const struct cascade_stage *s = cascade_stage(e->c, CASCADE_STRONG);
	long i;

	a->escs.running = NULL;
	if (!e->listed && esc_has_content(e->strong))
		esc_list(a, e, false);
	i = answers_find(&a->ans, e->strong);
	if (i >= 0)
		a->ans.v[i].live = false;
	a->dirty |= DIRTY_RECALC | DIRTY_REPAINT;
	if (s->err.code == TS_OK) {
		a->state = ST_DONE;
		app_message(a, false, "the strong answer: %zu tokens · ★ final: the %s one", doc_count(e->strong),
			    cascade_final(e->c) == CASCADE_STRONG ? "strong" : "cheap");
	} else if (s->err.code == TS_ECANCEL) {
		a->state = ST_CANCELLED;
		app_message(a, false, "%s — the tokens so far are kept", ts_err_msg(&s->err));
	} else {
		a->state = ST_ERROR;
		snprintf(a->last_error, sizeof a->last_error, "the strong model (%s): %s", e->strong_name,
			 ts_err_msg(&s->err));
		app_message(a, true, "%s", a->last_error);
		dialog_open(&a->dlg, DLG_ERROR, "escalation failed", a->last_error, NULL);
	}
}

void escalate_poll(struct app *a)
{
	struct esc *e = a->escs.running;
	size_t n;

	if (!e)
		return;
	cascade_poll(e->c);
	n = doc_count(e->strong);
	if (n != e->seen) {
		e->seen = n;
		if (!e->listed)
			esc_list(a, e, true);
		a->dirty |= DIRTY_RECALC | DIRTY_REPAINT;
	}
	if (cascade_state(e->c) == CASCADE_IDLE)
		esc_finish(a, e);
}

void escalate_cancel(struct app *a)
{
	if (!a->escs.running)
		return;
	cascade_cancel(a->escs.running->c);
	escalate_poll(a);
}
