/* modelfetch.c — the editor's model list (F2): a GET of the chosen
 * profile's models path (models.h) on the app's loop, beside a running
 * stream if there is one, so the screen never waits for it. The editor's
 * picker shows it; any error (no server, 401, no models) becomes one line
 * in the editor, and the fields keep what was typed. */
#include <stdio.h>
#include <stdlib.h>

#include "tui/app.h"

void modelfetch_start(struct app *a)
{
	struct endpoint ep;
	struct ts_err err;

	models_free(a->mf);
	a->mf = NULL;
	ts_err_clear(&err);
	if (editor_endpoint(a->ed, &ep, &err) == TS_OK)
		a->mf = models_start(a->loop, &ep, a->cfg->s.connect_timeout_s, a->cfg->s.idle_timeout_s, &err);
	if (!a->mf)
		editor_models_failed(a->ed, ts_err_msg(&err));
	a->dirty |= DIRTY_REPAINT;
}

/* "model list: MESSAGE", with the key variable when the
 * server refused one that is not set. */
static void modelfetch_failed(struct app *a, const struct ts_err *err)
{
	struct endpoint ep;
	char msg[TS_ERRMSG_MAX + 128];
	int n = snprintf(msg, sizeof msg, "model list: %s", ts_err_msg(err));

	if (err->code == TS_EHTTP && editor_endpoint(a->ed, &ep, NULL) == TS_OK && ep.key_env &&
	    !getenv(ep.key_env) && n > 0 && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, " — $%s is not set", ep.key_env);
	editor_models_failed(a->ed, msg);
}

void modelfetch_poll(struct app *a)
{
	struct models_list l = { 0 };
	struct ts_err err;

	if (!a->mf)
		return;
	ts_err_clear(&err);
	if (!models_poll(a->mf, &l, &err))
		return;
	models_free(a->mf);
	a->mf = NULL;
	if (err.code == TS_OK)
		editor_models_fill(a->ed, &l);
	else
		modelfetch_failed(a, &err);
	models_list_fini(&l);
	a->dirty |= DIRTY_REPAINT;
}

void modelfetch_sync(struct app *a)
{
	if (a->mf && (!a->editing || !editor_models_waiting(a->ed))) {
		models_free(a->mf);
		a->mf = NULL;
	}
}
