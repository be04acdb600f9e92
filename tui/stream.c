/* stream.c — a request's life in the explorer.
 *
 * Sending streams into a NEW document; the answer on screen stays until
 * the first token arrives, then the new answer joins the list and becomes
 * current. An error (HTTP, cut stream, bad JSON) goes to the status bar and
 * an error box; the previous answers and the prompt in the editor are never
 * touched. A cancelled stream keeps its tokens, marked incomplete. With
 * auto-escalation on, a finished answer goes on to escalate.c. */
#include <stdio.h>
#include <string.h>

#include "src/branch.h"
#include "tui/app.h"

/* A title from the prompt's start: "“Classify this email…”". */
static void stream_title(struct doc *d, const char *prompt)
{
	char title[160];
	size_t n = strlen(prompt), cut = n > 56 ? 56 : n;

	while (cut > 0 && cut < n && ((unsigned char)prompt[cut] & 0xc0) == 0x80)
		cut--;
	snprintf(title, sizeof title, "“%.*s%s”", (int)cut, prompt, cut < n ? "…" : "");
	for (char *p = title; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	doc_set_meta(d, DOC_META_TITLE, title);
}

void stream_send(struct app *a)
{
	struct endpoint ep;
	struct exchange_opts xo;
	struct ts_err err;
	struct doc *d;

	if (app_busy(a)) {
		editor_message(a->ed, "a request is already running: Esc or Ctrl-C on the main screen cancels it");
		return;
	}
	if (editor_request(a->ed, a->cfg, &ep, &xo))
		return;
	d = doc_new();
	if (!d) {
		editor_message(a->ed, "out of memory");
		return;
	}
	ts_err_clear(&err);
	if (stream_start(a, d, &xo, &err)) {
		editor_message(a->ed, ts_err_msg(&err));
		return;
	}
	stream_title(d, xo.rp.prompt);
	a->editing = false;
	editor_history_add(a->ed, doc_meta(d, DOC_META_REQUEST));
}

int stream_start(struct app *a, struct doc *d, const struct exchange_opts *xo, struct ts_err *err)
{
	a->x = exchange_start(a->loop, d, xo, err);
	if (!a->x) {
		doc_free(d);
		return err->code ? err->code : TS_ENET;
	}
	a->xdoc = d;
	a->xidx = -1;
	a->xseen = doc_count(d);   /* a branch's prefix: listed with the first new token */
	a->state = ST_STREAMING;
	if (exchange_notice(a->x))
		app_message(a, false, "%s", exchange_notice(a->x));
	else
		app_message(a, false, "sent to %s", doc_meta(d, DOC_META_ENDPOINT) ? doc_meta(d, DOC_META_ENDPOINT) :
			    xo->ep->base_url);
	a->dirty |= DIRTY_REPAINT | DIRTY_LAYOUT;
	return TS_OK;
}

/* Lists the streamed document as an answer and makes it current. */
static void stream_list(struct app *a)
{
	long i = answers_add(&a->ans, a->xdoc);
	struct answer *an;

	if (i < 0) {
		app_message(a, true, "out of memory: the answer cannot be shown");
		return;
	}
	a->xidx = i;
	a->ans.cur = (size_t)i;
	an = &a->ans.v[i];
	an->live = true;
	an->follow = true;
	a->dirty |= DIRTY_LAYOUT | DIRTY_RECALC | DIRTY_REPAINT;
}

/* Whether the server sent anything (a branch's prefix does not count). */
static bool stream_has_content(const struct doc *d)
{
	size_t plain, at;

	doc_plain(d, &plain);
	return doc_count(d) > (branch_point(d, &at) ? at + 1 : 0) || plain > 0;
}

static void stream_finish(struct app *a, const struct ts_err *err)
{
	exchange_free(a->x);
	a->x = NULL;
	if (a->xidx < 0 && stream_has_content(a->xdoc))
		stream_list(a);
	if (a->xidx < 0)
		doc_free(a->xdoc);
	else
		a->ans.v[a->xidx].live = false;
	a->xdoc = NULL;
	a->dirty |= DIRTY_RECALC | DIRTY_REPAINT;
	if (err->code == TS_OK) {
		a->state = ST_DONE;
		app_message(a, false, "done: %zu tokens", a->xidx >= 0 ? doc_count(a->ans.v[a->xidx].doc) : 0);
		if (a->xidx >= 0)
			escalate_after_answer(a, a->ans.v[a->xidx].doc, err);
		return;
	}
	if (err->code == TS_ECANCEL) {
		a->state = ST_CANCELLED;
		app_message(a, false, "%s — the tokens so far are kept", ts_err_msg(err));
		return;
	}
	a->state = ST_ERROR;
	snprintf(a->last_error, sizeof a->last_error, "%s", ts_err_msg(err));
	app_message(a, true, "%s", a->last_error);
	dialog_open(&a->dlg, DLG_ERROR, "request failed", a->last_error, NULL);
	/* an answer without logprobs has no confidence: the cascade escalates it */
	if (err->code == TS_ENOLOGPROBS && a->xidx >= 0)
		escalate_after_answer(a, a->ans.v[a->xidx].doc, err);
}

void stream_poll(struct app *a)
{
	struct ts_err err;
	size_t n;

	if (!a->x)
		return;
	n = doc_count(a->xdoc);
	if (n != a->xseen) {
		a->xseen = n;
		if (a->xidx < 0)
			stream_list(a);
		if (a->xidx >= 0 && (size_t)a->xidx == a->ans.cur)
			a->dirty |= DIRTY_RECALC;
		a->dirty |= DIRTY_REPAINT;
	}
	ts_err_clear(&err);
	if (exchange_poll(a->x, &err))
		stream_finish(a, &err);
}

void stream_cancel(struct app *a)
{
	if (!a->x)
		return;
	exchange_cancel(a->x);
	stream_poll(a);
}
