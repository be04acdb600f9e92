/* OpenAI legacy completions (`/completions`): a raw prompt, `"logprobs": k`
 * as an integer (at most 5 on OpenAI), and per choice the parallel arrays
 * {tokens, token_logprobs, top_logprobs: [{text: logprob}], text_offset}.
 * llama.cpp's /v1/completions answers in the chat-style {content: [...]}
 * shape instead; both are read. The arrays carry no bytes: they are taken
 * from the token text (OpenAI spells byte tokens "bytes:\xe2\x80"). */
#include <cJSON.h>

#include "src/dialect.h"
#include "src/dialect_json.h"

static int cp_build(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	cJSON *root = cJSON_CreateObject();

	if (rp->model && *rp->model)
		cJSON_AddStringToObject(root, "model", rp->model);
	cJSON_AddStringToObject(root, "prompt", rp->prompt ? rp->prompt : "");
	if (rp->max_tokens > 0)
		cJSON_AddNumberToObject(root, "max_tokens", rp->max_tokens);
	if (rp->temperature >= 0)
		cJSON_AddNumberToObject(root, "temperature", rp->temperature);
	/* 0 would ask for no logprobs at all on some servers: 1 is the least. */
	cJSON_AddNumberToObject(root, "logprobs", rp->top_logprobs > 0 ? rp->top_logprobs : 1);
	cJSON_AddBoolToObject(root, "stream", rp->stream);
	if (rp->stream)
		cJSON_AddBoolToObject(cJSON_AddObjectToObject(root, "stream_options"), "include_usage", 1);
	return dj_print(root, out, err);
}

static int cp_parse_body(struct doc *d, const char *body, size_t len, double now_ms, struct ts_err *err)
{
	bool saw = false;
	int rc = dj_openai_parse(d, body, len, "text", now_ms, &saw, err);

	dj_body_end(d);
	return rc;
}

static int cp_parse_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			  struct ts_err *err)
{
	int rc;

	if (dj_event_prelude(st, ev, &rc, err))
		return rc;
	return dj_openai_parse(d, ev->data, ev->data_len, "text", st->now_ms, &st->saw_logprobs, err);
}

const struct dialect dialect_openai_completions = {
	.name = "openai-completions",
	.path = "/completions",
	.description = "OpenAI legacy completions, raw prompt (OpenAI, llama.cpp /v1, vLLM, Together)",
	.framing = DIALECT_SSE,
	.raw_prompt = true,
	.build_request = cp_build,
	.parse_body = cp_parse_body,
	.parse_event = cp_parse_event,
	.parse_error = dialect_error_message,
};
