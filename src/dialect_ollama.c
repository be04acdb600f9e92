/* Ollama's native API (v0.12.11 and later): `/api/chat` and
 * `/api/generate` with `logprobs: true, top_logprobs: k` (0-20). A stream is
 * newline-delimited JSON, one object per line; each object (and a whole
 * answer) carries a top-level logprobs[] of {token, logprob, bytes,
 * top_logprobs: [...]} beside message.content (chat) or response
 * (generate). The object with "done": true ends it, with the finish reason
 * and counts. Errors are {"error": "..."}, also as a line mid-stream. The
 * two endpoints differ only in the request and where the text is, so they
 * are two table entries over one reader. */
#include <cJSON.h>

#include "src/dialect.h"
#include "src/dialect_json.h"

/* What both requests share: model, stream, logprobs, options. */
static cJSON *ol_request(const struct req_params *rp)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *opts;

	if (rp->model && *rp->model)
		cJSON_AddStringToObject(root, "model", rp->model);
	cJSON_AddBoolToObject(root, "stream", rp->stream);  /* Ollama streams unless told not to */
	cJSON_AddBoolToObject(root, "logprobs", 1);
	cJSON_AddNumberToObject(root, "top_logprobs", rp->top_logprobs);
	if (rp->max_tokens > 0 || rp->temperature >= 0) {
		opts = cJSON_AddObjectToObject(root, "options");
		if (rp->max_tokens > 0)
			cJSON_AddNumberToObject(opts, "num_predict", rp->max_tokens);
		if (rp->temperature >= 0)
			cJSON_AddNumberToObject(opts, "temperature", rp->temperature);
	}
	return root;
}

static void ol_message(cJSON *msgs, const char *role, const char *content)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "role", role);
	cJSON_AddStringToObject(m, "content", content);
	cJSON_AddItemToArray(msgs, m);
}

static int ol_build_chat(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	cJSON *root = ol_request(rp);
	cJSON *msgs = cJSON_AddArrayToObject(root, "messages");

	if (rp->system && *rp->system)
		ol_message(msgs, "system", rp->system);
	ol_message(msgs, "user", rp->prompt ? rp->prompt : "");
	return dj_print(root, out, err);
}

static int ol_build_generate(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	cJSON *root = ol_request(rp);

	cJSON_AddStringToObject(root, "prompt", rp->prompt ? rp->prompt : "");
	if (rp->system && *rp->system)
		cJSON_AddStringToObject(root, "system", rp->system);
	return dj_print(root, out, err);
}

/* The text of an object: message.content (chat) or response (generate). */
static const char *ol_text(const cJSON *root)
{
	const cJSON *msg = dj_get(root, "message");

	return cJSON_GetStringValue(msg ? dj_get(msg, "content") : dj_get(root, "response"));
}

/* A body or one line. */
static int ol_object(struct doc *d, const char *json, size_t len, double now_ms, bool *saw, bool *done,
		     struct ts_err *err)
{
	struct dj_scratch sc;
	cJSON *root;
	size_t n = 0;
	int rc = dj_parse(json, len, &root, err);

	if (rc)
		return rc;
	dj_meta(d, DOC_META_MODEL, dj_get(root, "model"));
	*done = cJSON_IsTrue(dj_get(root, "done"));
	if (*done) {
		dj_meta(d, DOC_META_FINISH, dj_get(root, "done_reason"));
		dj_usage(d, root, "prompt_eval_count", "eval_count", NULL);
	}
	dj_scratch_init(&sc);
	rc = dj_append_list(d, &sc, dj_get(root, "logprobs"), "top_logprobs", &dj_keys_chat, now_ms, &n, err);
	dj_scratch_fini(&sc);
	if (!rc && n == 0)
		rc = dj_plain(d, ol_text(root), err);
	if (n)
		*saw = true;
	cJSON_Delete(root);
	return rc;
}

static int ol_parse_body(struct doc *d, const char *body, size_t len, double now_ms, struct ts_err *err)
{
	return dj_body(d, body, len, now_ms, ol_object, err);
}

static int ol_parse_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			  struct ts_err *err)
{
	return dj_event(d, st, ev, ol_object, err);
}

const struct dialect dialect_ollama_chat = {
	.name = "ollama-chat",
	.path = "/api/chat",
	.models_path = "/api/tags",
	.description = "Ollama native /api/chat (JSON lines, top-level logprobs)",
	.framing = DIALECT_NDJSON,
	.build_request = ol_build_chat,
	.parse_body = ol_parse_body,
	.parse_event = ol_parse_event,
	.parse_error = dialect_error_message,
};

const struct dialect dialect_ollama_generate = {
	.name = "ollama-generate",
	.path = "/api/generate",
	.models_path = "/api/tags",
	.description = "Ollama native /api/generate (JSON lines, top-level logprobs)",
	.framing = DIALECT_NDJSON,
	.build_request = ol_build_generate,
	.parse_body = ol_parse_body,
	.parse_event = ol_parse_event,
	.parse_error = dialect_error_message,
};
