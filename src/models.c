#include "src/models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/buf.h"
#include "src/dialect.h"
#include "src/exchange.h"

struct models_fetch {
	const struct dialect *dl;
	struct http_xfer *xfer;
	struct buf body;
	bool finished;
	struct ts_err outcome;
	struct models_list list;
};

void models_list_fini(struct models_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	*l = (struct models_list){ 0 };
}

/* Whether a Gemini model entry can answer generateContent (entries that
 * do not say are kept). */
static bool can_generate(const cJSON *m)
{
	const cJSON *methods = cJSON_GetObjectItemCaseSensitive(m, "supportedGenerationMethods"), *x;

	if (!cJSON_IsArray(methods))
		return true;
	cJSON_ArrayForEach(x, methods)
		if (cJSON_IsString(x) && strcmp(x->valuestring, "generateContent") == 0)
			return true;
	return false;
}

/* The name of one entry: its id, name or model, without "models/". */
static const char *entry_name(const cJSON *m)
{
	static const char *const keys[] = { "id", "name", "model" };
	const char *s = cJSON_IsString(m) ? m->valuestring : NULL;

	for (size_t i = 0; i < 3 && !s; i++)
		s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, keys[i]));
	if (s && strncmp(s, "models/", 7) == 0)
		s += 7;
	return s && *s ? s : NULL;
}

static int list_add(struct models_list *out, const char *name, struct ts_err *err)
{
	char **grown;

	if (out->n == MODELS_MAX)
		return ts_err_set(err, TS_ETOOBIG, "more than %u models", MODELS_MAX);
	grown = realloc(out->names, (out->n + 1) * sizeof *grown);
	if (!grown)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	out->names = grown;
	out->names[out->n] = strdup(name);
	if (!out->names[out->n])
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	out->n++;
	return TS_OK;
}

int models_parse(const char *body, size_t len, struct models_list *out, struct ts_err *err)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *arr = root, *m;
	int rc = TS_OK;

	*out = (struct models_list){ 0 };
	if (!root)
		return ts_err_set(err, TS_EJSON, "the model list is not valid JSON");
	if (cJSON_IsObject(root))
		arr = cJSON_HasObjectItem(root, "data") ? cJSON_GetObjectItemCaseSensitive(root, "data")
							 : cJSON_GetObjectItemCaseSensitive(root, "models");
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(root);
		return ts_err_set(err, TS_ESHAPE, "the model list has neither data[] nor models[]");
	}
	cJSON_ArrayForEach(m, arr) {
		const char *name = entry_name(m);

		if (name && can_generate(m))
			rc = list_add(out, name, err);
		if (rc)
			break;
	}
	cJSON_Delete(root);
	if (rc)
		models_list_fini(out);
	return rc;
}

static int models_on_data(void *ctx, const char *p, size_t n, double now_ms)
{
	struct models_fetch *m = ctx;

	(void)now_ms;
	if (buf_append(&m->body, p, n))
		return ts_err_set(&m->outcome, TS_ETOOBIG, "model list larger than %u bytes", MODELS_MAX_BODY);
	return TS_OK;
}

static int models_launch(struct models_fetch *m, struct http_loop *loop, const struct endpoint *ep,
			 long connect_timeout_s, long idle_timeout_s, struct ts_err *err)
{
	struct buf url;
	struct http_request rq = {
		.api_key = ep->key_env ? getenv(ep->key_env) : NULL,
		.connect_timeout_s = connect_timeout_s,
		.idle_timeout_s = idle_timeout_s,
		.on_data = models_on_data,
		.ctx = m,
	};
	int rc;

	buf_init(&url, 8192);
	rc = dialect_url(m->dl, DIALECT_URL_MODELS, ep->base_url, ep->model, ep->query, &url, err);
	if (!rc) {
		rq.url = buf_str(&url);
		exchange_auth(ep, &rq.auth_header, &rq.auth_prefix);
		m->xfer = http_xfer_start(loop, &rq, err);
		rc = m->xfer ? TS_OK : (err ? err->code : TS_ENET);
	}
	buf_fini(&url);
	return rc;
}

struct models_fetch *models_start(struct http_loop *loop, const struct endpoint *ep,
				  long connect_timeout_s, long idle_timeout_s, struct ts_err *err)
{
	struct models_fetch *m = calloc(1, sizeof *m);

	if (!m) {
		ts_err_set(err, TS_ENOMEM, "out of memory");
		return NULL;
	}
	buf_init(&m->body, MODELS_MAX_BODY);
	m->dl = dialect_find(ep->dialect);
	if (!m->dl) {
		ts_err_set(err, TS_ECONFIG, "unknown dialect '%s' in profile %s", ep->dialect, ep->profile);
		models_free(m);
		return NULL;
	}
	if (models_launch(m, loop, ep, connect_timeout_s, idle_timeout_s, err)) {
		models_free(m);
		return NULL;
	}
	return m;
}

/* The outcome of a transfer that ended. */
static void models_conclude(struct models_fetch *m, const struct http_result *res)
{
	if (m->outcome.code)
		return;  /* the body outgrew its bound */
	if (res->code != TS_OK) {
		m->outcome.code = res->code;
		snprintf(m->outcome.msg, sizeof m->outcome.msg, "%s", res->msg);
	} else if (res->status >= 400) {
		m->dl->parse_error(buf_str(&m->body), m->body.len, res->status, &m->outcome);
	} else {
		models_parse(buf_str(&m->body), m->body.len, &m->list, &m->outcome);
	}
}

bool models_poll(struct models_fetch *m, struct models_list *out, struct ts_err *err)
{
	const struct http_result *res;

	if (!m->finished) {
		res = http_xfer_result(m->xfer);
		if (!res->done)
			return false;
		models_conclude(m, res);
		m->finished = true;
	}
	if (err)
		*err = m->outcome;
	if (out && !m->outcome.code) {
		*out = m->list;
		m->list = (struct models_list){ 0 };
	}
	return true;
}

void models_free(struct models_fetch *m)
{
	if (!m)
		return;
	http_xfer_free(m->xfer);
	buf_fini(&m->body);
	models_list_fini(&m->list);
	free(m);
}

int models_run(const struct endpoint *ep, long connect_timeout_s, long idle_timeout_s,
	       struct models_list *out, struct ts_err *err)
{
	struct http_loop *loop = http_loop_new();
	struct models_fetch *m;
	int rc;

	*out = (struct models_list){ 0 };
	if (!loop)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	m = models_start(loop, ep, connect_timeout_s, idle_timeout_s, err);
	if (!m) {
		http_loop_free(loop);
		return err ? err->code : TS_ENET;
	}
	while (!models_poll(m, out, err)) {
		http_loop_wait(loop, NULL, 0, 1000);
		http_loop_perform(loop);
	}
	rc = m->outcome.code;
	models_free(m);
	http_loop_free(loop);
	return rc;
}
