/* Together AI chat completions. The request sends `"logprobs": k` as an
 * integer (0-20; 1 for models still capped at one). Answers come in the
 * OpenAI chat shape (choices[].logprobs.content[]) or, from some models, in
 * the legacy shape {tokens, token_logprobs, top_logprobs: [{text: logprob}],
 * token_ids}. Streamed legacy chunks carry the chosen token's logprob as a
 * number in choices[].logprobs, its text in delta.content and its id in
 * delta.token_id (alternatives, when present, in choices[].top_logprobs);
 * completion chunks may carry a top-level token {id, text, logprob}. */
#include <cJSON.h>

#include "src/dialect.h"
#include "src/dialect_json.h"

static int tg_build(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	cJSON *root = dj_chat_request(rp);

	if (!root)
		return ts_err_set(err, TS_ENOMEM, "cannot build the request body");
	/* logprobs 0 asks for none: 1 is the least that gives the token's own. */
	cJSON_AddNumberToObject(root, "logprobs", rp->top_logprobs > 0 ? rp->top_logprobs : 1);
	cJSON_AddBoolToObject(root, "stream", rp->stream);
	return dj_print(root, out, err);
}

/* A streamed legacy token: the number in choice.logprobs (or the
 * top-level token object). Returns the tokens appended through *ntok. */
static int tg_stream_token(struct doc *d, const cJSON *root, const cJSON *choice, double now_ms,
			   size_t *ntok, struct ts_err *err)
{
	const cJSON *tok = dj_get(root, "token");
	const cJSON *delta = dj_get(choice, "delta");
	const cJSON *lp = dj_get(choice, "logprobs");
	const cJSON *text = dj_get(delta, "content"), *id = dj_get(delta, "token_id");
	struct dj_scratch sc;
	int rc;

	if (!cJSON_IsNumber(lp) && cJSON_IsNumber(dj_get(tok, "logprob"))) {
		lp = dj_get(tok, "logprob");
		text = dj_get(tok, "text");
		id = dj_get(tok, "id");
	}
	if (!cJSON_IsNumber(lp) || !cJSON_IsString(text))
		return TS_OK;
	dj_scratch_init(&sc);
	rc = dj_append_loose(d, &sc, text, lp, id, dj_get(choice, "top_logprobs"), now_ms, err);
	dj_scratch_fini(&sc);
	*ntok = rc ? 0 : 1;
	dj_meta(d, DOC_META_FINISH, dj_get(choice, "finish_reason"));
	return rc;
}

/* Whether obj is a streamed legacy chunk (its token's logprob a number). */
static bool tg_is_legacy_chunk(const cJSON *root, const cJSON *choice)
{
	return cJSON_IsNumber(dj_get(choice, "logprobs")) ||
	       cJSON_IsNumber(dj_get(dj_get(root, "token"), "logprob"));
}

static int tg_object(struct doc *d, const char *json, size_t len, const char *textkey, double now_ms,
		     bool *saw, struct ts_err *err)
{
	cJSON *root;
	const cJSON *choice;
	size_t ntok = 0;
	int rc = dj_parse(json, len, &root, err);

	if (rc)
		return rc;
	choice = dj_first_choice(root);
	if (tg_is_legacy_chunk(root, choice)) {
		rc = dj_openai_object(d, root, NULL, textkey, now_ms, &ntok, err);  /* metadata */
		if (!rc)
			rc = tg_stream_token(d, root, choice, now_ms, &ntok, err);
	} else {
		rc = dj_openai_object(d, root, choice, textkey, now_ms, &ntok, err);
	}
	if (ntok)
		*saw = true;
	cJSON_Delete(root);
	return rc;
}

static int tg_parse_body(struct doc *d, const char *body, size_t len, double now_ms, struct ts_err *err)
{
	bool saw = false;
	int rc = tg_object(d, body, len, "message", now_ms, &saw, err);

	dj_body_end(d);
	return rc;
}

static int tg_parse_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			  struct ts_err *err)
{
	int rc;

	if (dj_event_prelude(st, ev, &rc, err))
		return rc;
	return tg_object(d, ev->data, ev->data_len, "delta", st->now_ms, &st->saw_logprobs, err);
}

const struct dialect dialect_together = {
	.name = "together",
	.path = "/chat/completions",
	.description = "Together AI chat completions: logprobs as an integer, OpenAI chat or legacy arrays",
	.framing = DIALECT_SSE,
	.build_request = tg_build,
	.parse_body = tg_parse_body,
	.parse_event = tg_parse_event,
	.parse_error = dialect_error_message,
};
