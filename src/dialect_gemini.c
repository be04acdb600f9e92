/* Google Gemini `generateContent` and `streamGenerateContent?alt=sse`: the
 * model is in the URL path, the key in `x-goog-api-key`, and
 * `generationConfig: {responseLogprobs: true, logprobs: k}` asks for
 * logprobs. Each response (the whole answer, or one SSE chunk of it)
 * carries candidates[].logprobsResult = {chosenCandidates: [{token,
 * tokenId, logProbability}], topCandidates: [{candidates: [...]}]}, one
 * topCandidates entry per chosen token; no bytes (derived from the text).
 * Proto3 JSON leaves out zero values: a missing logProbability is 0. A
 * stream has no end marker: the chunk with a finishReason ends it. */
#include <string.h>

#include <cJSON.h>

#include "src/dialect.h"
#include "src/dialect_json.h"

static const struct dj_keys keys_gemini = { .token = "token", .value = "logProbability", .id = "tokenId",
					    .missing_is_zero = true };

static cJSON *gm_text_parts(const char *text)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *part = cJSON_CreateObject();

	cJSON_AddStringToObject(part, "text", text);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "parts"), part);
	return o;
}

static int gm_build(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *user = gm_text_parts(rp->prompt ? rp->prompt : "");
	cJSON *gen;

	cJSON_AddStringToObject(user, "role", "user");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "contents"), user);
	if (rp->system && *rp->system)
		cJSON_AddItemToObject(root, "systemInstruction", gm_text_parts(rp->system));
	gen = cJSON_AddObjectToObject(root, "generationConfig");
	cJSON_AddBoolToObject(gen, "responseLogprobs", 1);
	if (rp->top_logprobs > 0)
		cJSON_AddNumberToObject(gen, "logprobs", rp->top_logprobs);
	if (rp->max_tokens > 0)
		cJSON_AddNumberToObject(gen, "maxOutputTokens", rp->max_tokens);
	if (rp->temperature >= 0)
		cJSON_AddNumberToObject(gen, "temperature", rp->temperature);
	return dj_print(root, out, err);
}

/* The candidate with index 0 (or none given). */
static const cJSON *gm_candidate(const cJSON *resp)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, dj_get(resp, "candidates")) {
		const cJSON *idx = dj_get(c, "index");

		if (!cJSON_IsNumber(idx) || idx->valueint == 0)
			return c;
	}
	return NULL;
}

/* The chosen tokens, each with the matching topCandidates entry. */
static int gm_tokens(struct doc *d, const cJSON *lr, double now_ms, size_t *n, struct ts_err *err)
{
	const cJSON *tops = dj_get(lr, "topCandidates");
	const cJSON *top = cJSON_IsArray(tops) ? tops->child : NULL, *e;
	struct dj_scratch sc;
	int rc = TS_OK;

	dj_scratch_init(&sc);
	cJSON_ArrayForEach(e, dj_get(lr, "chosenCandidates")) {
		rc = dj_append_entry(d, &sc, e, &keys_gemini, dj_get(top, "candidates"), &keys_gemini, now_ms, err);
		if (rc)
			break;
		(*n)++;
		top = top ? top->next : NULL;
	}
	dj_scratch_fini(&sc);
	return rc;
}

/* The candidate's text, its thought parts left out. */
static int gm_plain(struct doc *d, const cJSON *cand, struct ts_err *err)
{
	const cJSON *part;
	int rc = TS_OK;

	cJSON_ArrayForEach(part, dj_get(dj_get(cand, "content"), "parts")) {
		if (!cJSON_IsTrue(dj_get(part, "thought")) && !rc)
			rc = dj_plain(d, cJSON_GetStringValue(dj_get(part, "text")), err);
	}
	return rc;
}

/* One GenerateContentResponse. *finished: it gave a finish reason. */
static int gm_response(struct doc *d, const cJSON *resp, double now_ms, bool *saw, bool *finished,
		       struct ts_err *err)
{
	const cJSON *cand = gm_candidate(resp);
	const char *blocked = cJSON_GetStringValue(dj_get(dj_get(resp, "promptFeedback"), "blockReason"));
	size_t n = 0;
	int rc;

	dj_meta(d, DOC_META_MODEL, dj_get(resp, "modelVersion"));
	dj_meta(d, DOC_META_ID, dj_get(resp, "responseId"));
	dj_usage(d, dj_get(resp, "usageMetadata"), "promptTokenCount", "candidatesTokenCount", "totalTokenCount");
	if (!cand && blocked)
		return ts_err_set(err, TS_ESERVER, "server error: the prompt was blocked (%s)", blocked);
	rc = gm_tokens(d, dj_get(cand, "logprobsResult"), now_ms, &n, err);
	if (!rc && n == 0)
		rc = gm_plain(d, cand, err);
	if (n)
		*saw = true;
	if (cJSON_IsString(dj_get(cand, "finishReason"))) {
		dj_meta(d, DOC_META_FINISH, dj_get(cand, "finishReason"));
		*finished = true;
	}
	return rc;
}

/* A body: one response, or (a stream asked for without alt=sse) an array
 * of them. */
static int gm_parse_body(struct doc *d, const char *body, size_t len, double now_ms, struct ts_err *err)
{
	cJSON *root;
	const cJSON *r;
	bool saw = false, finished = false;
	int rc = dj_parse(body, len, &root, err);

	if (rc)
		return rc;
	if (cJSON_IsArray(root)) {
		cJSON_ArrayForEach(r, root) {
			rc = gm_response(d, r, now_ms, &saw, &finished, err);
			if (rc)
				break;
		}
	} else {
		rc = gm_response(d, root, now_ms, &saw, &finished, err);
	}
	cJSON_Delete(root);
	dj_body_end(d);
	return rc;
}

/* One streamed chunk: a single response. */
static int gm_chunk(struct doc *d, const char *json, size_t len, double now_ms, bool *saw, bool *finished,
		    struct ts_err *err)
{
	cJSON *root;
	int rc = dj_parse(json, len, &root, err);

	if (rc)
		return rc;
	rc = gm_response(d, root, now_ms, saw, finished, err);
	cJSON_Delete(root);
	return rc;
}

static int gm_parse_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			  struct ts_err *err)
{
	return dj_event(d, st, ev, gm_chunk, err);
}

const struct dialect dialect_gemini = {
	.name = "gemini",
	.path = "/models/{model}:generateContent",
	.stream_path = "/models/{model}:streamGenerateContent?alt=sse",
	.models_path = "/models",
	.description = "Google Gemini generateContent / streamGenerateContent (responseLogprobs)",
	.framing = DIALECT_SSE,
	.build_request = gm_build,
	.parse_body = gm_parse_body,
	.parse_event = gm_parse_event,
	.parse_error = dialect_error_message,
};
