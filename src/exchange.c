#include "src/exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/buf.h"
#include "src/ingest.h"

struct exchange {
	struct doc *doc;
	const struct dialect *dl;
	struct http_xfer *xfer;
	struct ingest *ing;
	bool status_set;
	bool finished;
	struct ts_err outcome;
	char notice[256];
	char key_env[128];      /* for hints; the key itself is never kept here */
	char origin[256];
	bool key_missing;
	size_t prefix;          /* tokens d held before (a branch's prefix) */
};

static int exchange_on_data(void *ctx, const char *p, size_t n, double now_ms)
{
	struct exchange *x = ctx;
	struct ts_err err;

	if (!x->status_set) {
		ingest_set_status(x->ing, http_xfer_status(x->xfer));
		x->status_set = true;
	}
	ts_err_clear(&err);
	if (ingest_feed(x->ing, p, n, now_ms, &err)) {
		x->outcome = err;
		return err.code;
	}
	return TS_OK;
}

static void iso_now(char *out, size_t outsz)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int exchange_fill_doc(struct exchange *x, const struct exchange_opts *o, const char *body,
			     const char *url)
{
	char when[32];

	iso_now(when, sizeof when);
	http_url_origin(url, x->origin, sizeof x->origin);
	if (doc_set_meta(x->doc, DOC_META_REQUEST, body) ||
	    doc_set_meta(x->doc, DOC_META_ENDPOINT, x->origin) ||
	    doc_set_meta(x->doc, DOC_META_PROFILE, o->ep->profile) ||
	    doc_set_meta(x->doc, DOC_META_DIALECT, x->dl->name) ||
	    doc_set_meta(x->doc, DOC_META_MODEL, o->rp.model) ||
	    doc_set_meta(x->doc, DOC_META_STARTED, when))
		return TS_ENOMEM;
	doc_info(x->doc)->k_requested = o->rp.top_logprobs;
	return TS_OK;
}

/* Builds URL and body into url/body; clamps k; drops a system prompt a
 * raw-prompt dialect cannot send. Says so in the notice. */
static int exchange_prepare(struct exchange *x, const struct exchange_opts *o, struct req_params *rp,
			    struct buf *url, struct buf *body, struct ts_err *err)
{
	size_t n = 0;
	int rc;

	*rp = o->rp;
	rc = dialect_url(x->dl, rp->stream ? DIALECT_URL_STREAM : DIALECT_URL_REQUEST, o->ep->base_url,
			 rp->model, o->ep->query, url, err);
	if (rc)
		return rc;
	if (o->body)
		return buf_puts(body, o->body) ? ts_err_set(err, TS_ETOOBIG, "request body too large") : TS_OK;
	if (o->ep->max_k > 0 && rp->top_logprobs > o->ep->max_k) {
		n += (size_t)snprintf(x->notice, sizeof x->notice, "top logprobs %d is above %s's maximum of %d: asking for %d",
				      rp->top_logprobs, o->ep->profile, o->ep->max_k, o->ep->max_k);
		rp->top_logprobs = o->ep->max_k;
	}
	if (x->dl->raw_prompt && rp->system && *rp->system) {
		if (n < sizeof x->notice)
			snprintf(x->notice + n, sizeof x->notice - n, "%sthe %s dialect sends the prompt raw: "
				 "the system prompt is left out", n ? "; " : "", x->dl->name);
		rp->system = NULL;
	}
	return x->dl->build_request(rp, body, err);
}

void exchange_auth(const struct endpoint *ep, const char **header, const char **prefix)
{
	const char *auth = ep->auth;

	if (!auth || !*auth || strcmp(auth, "bearer") == 0) {
		*header = "Authorization";
		*prefix = "Bearer ";
	} else if (strcmp(auth, "none") == 0) {
		*header = NULL;
		*prefix = NULL;
	} else {
		*header = auth;
		*prefix = "";
	}
}

static int exchange_launch(struct exchange *x, struct http_loop *loop, const struct exchange_opts *o,
			   struct ts_err *err)
{
	struct req_params rp;
	struct buf url, body;
	const char *key = o->ep->key_env ? getenv(o->ep->key_env) : NULL;
	int rc;

	buf_init(&url, 8192);
	buf_init(&body, 64u * 1024 * 1024);
	rc = exchange_prepare(x, o, &rp, &url, &body, err);
	if (!rc && exchange_fill_doc(x, o, buf_str(&body), buf_str(&url)))
		rc = ts_err_set(err, TS_ENOMEM, "out of memory");
	if (!rc) {
		struct http_request rq = {
			.url = buf_str(&url),
			.body = buf_str(&body),
			.body_len = body.len,
			.api_key = key,
			.connect_timeout_s = o->connect_timeout_s,
			.idle_timeout_s = o->idle_timeout_s,
			.on_data = exchange_on_data,
			.ctx = x,
		};
		exchange_auth(o->ep, &rq.auth_header, &rq.auth_prefix);
		x->key_missing = o->ep->key_env && rq.auth_header && (!key || !*key);
		x->xfer = http_xfer_start(loop, &rq, err);
		rc = x->xfer ? TS_OK : (err ? err->code : TS_ENET);
	}
	buf_fini(&url);
	buf_fini(&body);
	return rc;
}

struct exchange *exchange_start(struct http_loop *loop, struct doc *d, const struct exchange_opts *o,
				struct ts_err *err)
{
	struct exchange *x;
	struct ingest_opts io = { .stream = o->rp.stream, .prefix = o->body ? doc_count(d) : 0 };

	x = calloc(1, sizeof *x);
	if (!x) {
		ts_err_set(err, TS_ENOMEM, "out of memory");
		return NULL;
	}
	x->doc = d;
	x->prefix = io.prefix;
	x->dl = dialect_find(o->ep->dialect);
	if (!x->dl) {
		ts_err_set(err, TS_ECONFIG, "unknown dialect '%s' in profile %s", o->ep->dialect, o->ep->profile);
		free(x);
		return NULL;
	}
	if (o->ep->key_env)
		snprintf(x->key_env, sizeof x->key_env, "%s", o->ep->key_env);
	if (!o->body)
		doc_clear(d);
	x->ing = ingest_new(d, x->dl, &io);
	if (!x->ing || exchange_launch(x, loop, o, err)) {
		if (!x->ing)
			ts_err_set(err, TS_ENOMEM, "out of memory");
		exchange_free(x);
		return NULL;
	}
	return x;
}

const char *exchange_notice(const struct exchange *x)
{
	return x->notice[0] ? x->notice : NULL;
}

/* Adds a hint a person can act on to well-known failures. */
static void exchange_hint(struct exchange *x, const struct http_result *res)
{
	struct ts_err *e = &x->outcome;
	size_t n = strlen(e->msg);

	if (strstr(e->msg, " — "))  /* a known refusal already has its hint */
		return;
	if (res->status == 401 || res->status == 403) {
		if (x->key_missing)
			snprintf(e->msg + n, sizeof e->msg - n, " — $%s is not set", x->key_env);
		else if (x->key_env[0])
			snprintf(e->msg + n, sizeof e->msg - n, " — check the key in $%s", x->key_env);
	} else if (res->status == 0 && strstr(e->msg, "cannot connect")) {
		snprintf(e->msg + n, sizeof e->msg - n, " — is the server running?");
	} else if (res->status == 404) {
		snprintf(e->msg + n, sizeof e->msg - n, " — check the base URL (%s%s)", x->origin, x->dl->path);
	}
}

static void exchange_conclude(struct exchange *x, const struct http_result *res)
{
	if (res->code == TS_OK || (res->code != TS_ECANCEL && !x->outcome.code)) {
		struct ts_err err;

		ts_err_clear(&err);
		if (!x->status_set)
			ingest_set_status(x->ing, res->status);
		if (res->code == TS_OK) {
			ingest_finish(x->ing, res->total_ms, &err);
			if (!x->outcome.code)
				x->outcome = err;
		} else {
			x->outcome.code = res->code;
			snprintf(x->outcome.msg, sizeof x->outcome.msg, "%s", res->msg);
		}
	} else if (res->code == TS_ECANCEL) {
		ts_err_set(&x->outcome, TS_ECANCEL, "cancelled after %zu tokens", doc_count(x->doc) - x->prefix);
	}
	if (x->outcome.code) {
		doc_info(x->doc)->incomplete = doc_info(x->doc)->incomplete || x->outcome.code != TS_ENOLOGPROBS;
		exchange_hint(x, res);
		doc_set_meta(x->doc, DOC_META_ERROR, x->outcome.msg);
	}
	if (doc_info(x->doc)->total_ms < 0)
		doc_info(x->doc)->total_ms = res->total_ms;
	x->finished = true;
}

bool exchange_poll(struct exchange *x, struct ts_err *err)
{
	const struct http_result *res;

	if (!x->finished) {
		res = http_xfer_result(x->xfer);
		if (!res->done)
			return false;
		exchange_conclude(x, res);
	}
	if (err)
		*err = x->outcome;
	return true;
}

void exchange_cancel(struct exchange *x)
{
	if (x->finished)
		return;
	http_xfer_cancel(x->xfer);
	doc_info(x->doc)->incomplete = true;
	exchange_conclude(x, http_xfer_result(x->xfer));
}

void exchange_free(struct exchange *x)
{
	if (!x)
		return;
	http_xfer_free(x->xfer);
	ingest_free(x->ing);
	free(x);
}

int exchange_run(struct doc *d, const struct exchange_opts *o,
		 void (*on_progress)(void *ctx, const struct doc *d), void *ctx, struct ts_err *err)
{
	struct http_loop *loop = http_loop_new();
	struct exchange *x;
	size_t seen = 0;
	int rc;

	if (!loop)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	x = exchange_start(loop, d, o, err);
	if (!x) {
		http_loop_free(loop);
		return err ? err->code : TS_ENET;
	}
	while (!exchange_poll(x, err)) {
		http_loop_wait(loop, NULL, 0, 1000);
		http_loop_perform(loop);
		if (on_progress && doc_count(d) != seen) {
			seen = doc_count(d);
			on_progress(ctx, d);
		}
	}
	if (on_progress && doc_count(d) != seen)
		on_progress(ctx, d);
	rc = x->outcome.code;
	exchange_free(x);
	http_loop_free(loop);
	return rc;
}
