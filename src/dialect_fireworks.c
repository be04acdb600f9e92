/* Fireworks AI chat completions: the OpenAI chat request, but answers whose
 * choices[].logprobs may come as the legacy parallel arrays {tokens,
 * token_logprobs, top_logprobs: [{text: logprob}], token_ids} instead of
 * content[]; both shapes are read (with cJSON: not a hot path). */
#include <cJSON.h>

#include "src/dialect.h"
#include "src/dialect_json.h"

static int fw_build(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	return dialect_openai_chat.build_request(rp, out, err);
}

static int fw_parse_body(struct doc *d, const char *body, size_t len, double now_ms, struct ts_err *err)
{
	bool saw = false;
	int rc = dj_openai_parse(d, body, len, "message", now_ms, &saw, err);

	dj_body_end(d);
	return rc;
}

static int fw_parse_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			  struct ts_err *err)
{
	int rc;

	if (dj_event_prelude(st, ev, &rc, err))
		return rc;
	return dj_openai_parse(d, ev->data, ev->data_len, "delta", st->now_ms, &st->saw_logprobs, err);
}

const struct dialect dialect_fireworks = {
	.name = "fireworks",
	.path = "/chat/completions",
	.description = "Fireworks AI chat completions: OpenAI chat request, chat or legacy-array answers",
	.framing = DIALECT_SSE,
	.build_request = fw_build,
	.parse_body = fw_parse_body,
	.parse_event = fw_parse_event,
	.parse_error = dialect_error_message,
};
