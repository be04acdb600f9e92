/* The OpenAI Responses API (`/responses`): `include:
 * ["message.output_text.logprobs"]` and `top_logprobs: k`. A whole answer
 * holds output[] items; the "message" items' "output_text" parts carry
 * logprobs[] entries {token, bytes, logprob, top_logprobs}. A stream is
 * typed events (`event:` lines; the data's "type" says the same):
 * response.output_text.delta carries the tokens of its delta without bytes
 * (they are derived from the token text and flagged so), response.completed
 * or response.incomplete ends it, response.failed and error events carry
 * the server's error. response.output_text.done repeats every token and is
 * skipped. Reasoning items carry no logprobs and are skipped too. */
#include <string.h>

#include <cJSON.h>

#include "src/dialect.h"
#include "src/dialect_json.h"

static int rs_build(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	cJSON *root = cJSON_CreateObject();

	if (rp->model && *rp->model)
		cJSON_AddStringToObject(root, "model", rp->model);
	if (rp->system && *rp->system)
		cJSON_AddStringToObject(root, "instructions", rp->system);
	cJSON_AddStringToObject(root, "input", rp->prompt ? rp->prompt : "");
	if (rp->max_tokens > 0)
		cJSON_AddNumberToObject(root, "max_output_tokens", rp->max_tokens);
	if (rp->temperature >= 0)
		cJSON_AddNumberToObject(root, "temperature", rp->temperature);
	cJSON_AddNumberToObject(root, "top_logprobs", rp->top_logprobs);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "include"),
			     cJSON_CreateString("message.output_text.logprobs"));
	cJSON_AddBoolToObject(root, "stream", rp->stream);
	return dj_print(root, out, err);
}

/* Metadata of a response object: model, id, creation, usage, and how it
 * ended (status, or the reason it is incomplete). */
static void rs_meta(struct doc *d, const cJSON *resp)
{
	const cJSON *created = dj_get(resp, "created_at");
	const cJSON *why = dj_get(dj_get(resp, "incomplete_details"), "reason");
	const char *status = cJSON_GetStringValue(dj_get(resp, "status"));

	dj_meta(d, DOC_META_MODEL, dj_get(resp, "model"));
	dj_meta(d, DOC_META_ID, dj_get(resp, "id"));
	if (cJSON_IsNumber(created))
		doc_info(d)->created = (int64_t)created->valuedouble;
	dj_usage(d, dj_get(resp, "usage"), "input_tokens", "output_tokens", "total_tokens");
	if (cJSON_IsString(why))
		dj_meta(d, DOC_META_FINISH, why);
	else if (status && strcmp(status, "in_progress") != 0 && strcmp(status, "queued") != 0)
		dj_meta(d, DOC_META_FINISH, dj_get(resp, "status"));
}

/* One content part of a message: its tokens, else its text. */
static int rs_part(struct doc *d, struct dj_scratch *sc, const cJSON *part, double now_ms,
		   struct ts_err *err)
{
	const char *type = cJSON_GetStringValue(dj_get(part, "type"));
	size_t n = 0;
	int rc;

	if (type && strcmp(type, "refusal") == 0)
		return dj_plain(d, cJSON_GetStringValue(dj_get(part, "refusal")), err);
	if (!type || strcmp(type, "output_text") != 0)
		return TS_OK;
	rc = dj_append_list(d, sc, dj_get(part, "logprobs"), "top_logprobs", &dj_keys_chat, now_ms, &n, err);
	if (!rc && n == 0)
		rc = dj_plain(d, cJSON_GetStringValue(dj_get(part, "text")), err);
	return rc;
}

static int rs_output(struct doc *d, const cJSON *resp, double now_ms, struct ts_err *err)
{
	struct dj_scratch sc;
	const cJSON *item, *part;
	int rc = TS_OK;

	dj_scratch_init(&sc);
	cJSON_ArrayForEach(item, dj_get(resp, "output")) {
		const char *type = cJSON_GetStringValue(dj_get(item, "type"));

		if (!type || strcmp(type, "message") != 0)
			continue;
		cJSON_ArrayForEach(part, dj_get(item, "content")) {
			rc = rs_part(d, &sc, part, now_ms, err);
			if (rc)
				goto out;
		}
	}
out:
	dj_scratch_fini(&sc);
	return rc;
}

/* A failed response: its error object's message. */
static int rs_failed(const cJSON *resp, struct ts_err *err)
{
	const cJSON *e = dj_get(resp, "error");
	const char *msg = cJSON_GetStringValue(dj_get(e, "message"));
	const char *code = cJSON_GetStringValue(dj_get(e, "code"));

	return ts_err_set(err, TS_ESERVER, "server error: %s%s%s%s", msg ? msg : "the response failed",
			  code ? " (" : "", code ? code : "", code ? ")" : "");
}

static int rs_parse_body(struct doc *d, const char *body, size_t len, double now_ms, struct ts_err *err)
{
	cJSON *root;
	const char *status;
	int rc = dj_parse(body, len, &root, err);

	if (rc)
		return rc;
	status = cJSON_GetStringValue(dj_get(root, "status"));
	rs_meta(d, root);
	if (status && strcmp(status, "failed") == 0)
		rc = rs_failed(root, err);
	else
		rc = rs_output(d, root, now_ms, err);
	cJSON_Delete(root);
	dj_body_end(d);
	return rc;
}

/* response.output_text.delta: its tokens, else its text. */
static int rs_delta(struct doc *d, struct dialect_stream *st, const cJSON *ev, struct ts_err *err)
{
	struct dj_scratch sc;
	size_t n = 0;
	int rc;

	dj_scratch_init(&sc);
	rc = dj_append_list(d, &sc, dj_get(ev, "logprobs"), "top_logprobs", &dj_keys_chat, st->now_ms, &n, err);
	dj_scratch_fini(&sc);
	if (n)
		st->saw_logprobs = true;
	if (!rc && n == 0)
		rc = dj_plain(d, cJSON_GetStringValue(dj_get(ev, "delta")), err);
	return rc;
}

/* Applies one typed event. */
static int rs_event(struct doc *d, struct dialect_stream *st, const char *type, const cJSON *ev,
		    struct ts_err *err)
{
	const cJSON *resp = dj_get(ev, "response");

	if (strcmp(type, "response.output_text.delta") == 0)
		return rs_delta(d, st, ev, err);
	if (strcmp(type, "response.refusal.delta") == 0)
		return dj_plain(d, cJSON_GetStringValue(dj_get(ev, "delta")), err);
	if (resp)
		rs_meta(d, resp);
	if (strcmp(type, "response.failed") == 0)
		return rs_failed(resp, err);
	if (strcmp(type, "response.completed") == 0 || strcmp(type, "response.incomplete") == 0)
		st->done = true;
	return TS_OK;
}

static int rs_parse_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			  struct ts_err *err)
{
	cJSON *root;
	const char *type;
	int rc;

	if (dj_event_prelude(st, ev, &rc, err))
		return rc;
	rc = dj_parse(ev->data, ev->data_len, &root, err);
	if (rc)
		return rc;
	type = cJSON_GetStringValue(dj_get(root, "type"));
	rc = rs_event(d, st, type ? type : ev->event, root, err);
	cJSON_Delete(root);
	return rc;
}

const struct dialect dialect_openai_responses = {
	.name = "openai-responses",
	.path = "/responses",
	.description = "OpenAI Responses API (typed events; streamed tokens carry no bytes)",
	.framing = DIALECT_SSE,
	.build_request = rs_build,
	.parse_body = rs_parse_body,
	.parse_event = rs_parse_event,
	.parse_error = dialect_error_message,
};
