/* llama.cpp's native `/completion`: a raw prompt, `n_probs: k`. Each token
 * of completion_probabilities[] is {id, token, bytes, logprob,
 * top_logprobs: [...]} (raw, pre-sampling values), or, when the request
 * set post_sampling_probs, {id, token, bytes, prob, top_probs: [...]} with
 * probabilities after the sampler chain (stored as log(prob); the document
 * is flagged post_sampling, since that is another distribution). Servers
 * before build b4364 (December 2024) sent [{content, probs: [{tok_str,
 * prob}]}], also post-sampling, without bytes or the chosen token's own
 * value: it is looked up among probs (absent: p taken as 0). A stream has
 * no [DONE]: the chunk with "stop": true ends it (older servers repeat
 * every token's probabilities there; they are not read twice). */
#include <string.h>

#include <cJSON.h>

#include "src/dialect.h"
#include "src/dialect_json.h"

static const struct dj_keys keys_post = { .token = "token", .bytes = "bytes", .value = "prob",
					  .id = "id", .is_prob = true };
static const struct dj_keys keys_old = { .token = "tok_str", .value = "prob", .is_prob = true };

static int lc_build(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	cJSON *root = cJSON_CreateObject();

	if (rp->model && *rp->model)
		cJSON_AddStringToObject(root, "model", rp->model);
	cJSON_AddStringToObject(root, "prompt", rp->prompt ? rp->prompt : "");
	if (rp->max_tokens > 0)
		cJSON_AddNumberToObject(root, "n_predict", rp->max_tokens);
	if (rp->temperature >= 0)
		cJSON_AddNumberToObject(root, "temperature", rp->temperature);
	/* n_probs 0 returns no probabilities at all, not even the token's own. */
	cJSON_AddNumberToObject(root, "n_probs", rp->top_logprobs > 0 ? rp->top_logprobs : 1);
	cJSON_AddBoolToObject(root, "stream", rp->stream);
	return dj_print(root, out, err);
}

/* A pre-December-2024 entry {content, probs}: the chosen token is the
 * prob entry whose tok_str is the content. */
static int lc_old_entry(struct doc *d, struct dj_scratch *sc, const cJSON *e, double now_ms,
			struct ts_err *err)
{
	const cJSON *probs = dj_get(e, "probs"), *p;
	const char *content = cJSON_GetStringValue(dj_get(e, "content"));
	cJSON *own;
	int rc;

	if (!content)
		return ts_err_set(err, TS_ESHAPE, "completion_probabilities entry without content");
	cJSON_ArrayForEach(p, probs) {
		const char *s = cJSON_GetStringValue(dj_get(p, "tok_str"));

		if (s && strcmp(s, content) == 0)
			return dj_append_entry(d, sc, p, &keys_old, probs, &keys_old, now_ms, err);
	}
	own = cJSON_CreateObject();
	if (!own || !cJSON_AddStringToObject(own, "tok_str", content) || !cJSON_AddNumberToObject(own, "prob", 0)) {
		cJSON_Delete(own);
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	}
	rc = dj_append_entry(d, sc, own, &keys_old, probs, &keys_old, now_ms, err);
	cJSON_Delete(own);
	return rc;
}

/* One completion_probabilities[] entry, whichever of the three shapes. */
static int lc_entry(struct doc *d, struct dj_scratch *sc, const cJSON *e, double now_ms, struct ts_err *err)
{
	if (cJSON_IsArray(dj_get(e, "probs"))) {
		doc_info(d)->post_sampling = true;
		return lc_old_entry(d, sc, e, now_ms, err);
	}
	if (dj_get(e, "prob")) {
		doc_info(d)->post_sampling = true;
		return dj_append_entry(d, sc, e, &keys_post, dj_get(e, "top_probs"), &keys_post, now_ms, err);
	}
	return dj_append_entry(d, sc, e, &dj_keys_chat, dj_get(e, "top_logprobs"), &dj_keys_chat, now_ms, err);
}

/* Model, counts and, at the end, why it stopped: stop_type ("eos",
 * "limit", "word"), or the older stopped_* flags. */
static void lc_meta(struct doc *d, const cJSON *root)
{
	static const char *const flags[][2] = {
		{ "stopped_eos", "eos" }, { "stopped_limit", "limit" }, { "stopped_word", "word" },
	};

	dj_meta(d, DOC_META_MODEL, dj_get(root, "model"));
	dj_usage(d, root, "tokens_evaluated", "tokens_predicted", NULL);
	if (!cJSON_IsTrue(dj_get(root, "stop")))
		return;
	dj_meta(d, DOC_META_FINISH, dj_get(root, "stop_type"));
	for (size_t i = 0; i < 3 && !doc_meta(d, DOC_META_FINISH); i++)
		if (cJSON_IsTrue(dj_get(root, flags[i][0])))
			doc_set_meta(d, DOC_META_FINISH, flags[i][1]);
}

/* A body or a chunk. A final stream chunk's probabilities are skipped
 * once tokens came (older servers repeat them all there). */
static int lc_object(struct doc *d, const char *json, size_t len, double now_ms, bool *saw, bool *stop,
		     struct ts_err *err)
{
	struct dj_scratch sc;
	const cJSON *e, *probs;
	cJSON *root;
	size_t n = 0;
	int rc = dj_parse(json, len, &root, err);

	if (rc)
		return rc;
	lc_meta(d, root);
	*stop = cJSON_IsTrue(dj_get(root, "stop"));
	probs = *stop && *saw ? NULL : dj_get(root, "completion_probabilities");
	dj_scratch_init(&sc);
	cJSON_ArrayForEach(e, probs) {
		rc = lc_entry(d, &sc, e, now_ms, err);
		if (rc)
			break;
		n++;
	}
	dj_scratch_fini(&sc);
	if (!rc && n == 0 && !*saw)
		rc = dj_plain(d, cJSON_GetStringValue(dj_get(root, "content")), err);
	if (n)
		*saw = true;
	cJSON_Delete(root);
	return rc;
}

static int lc_parse_body(struct doc *d, const char *body, size_t len, double now_ms, struct ts_err *err)
{
	return dj_body(d, body, len, now_ms, lc_object, err);
}

static int lc_parse_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			  struct ts_err *err)
{
	return dj_event(d, st, ev, lc_object, err);
}

const struct dialect dialect_llamacpp_completion = {
	.name = "llamacpp-completion",
	.path = "/completion",
	.models_path = "/v1/models",
	.description = "llama.cpp native /completion, raw prompt, n_probs (also post-sampling and pre-2025 shapes)",
	.framing = DIALECT_SSE,
	.raw_prompt = true,
	.build_request = lc_build,
	.parse_body = lc_parse_body,
	.parse_event = lc_parse_event,
	.parse_error = dialect_error_message,
};
