/* The OpenAI chat-completions shape, also spoken by llama.cpp's llama-server,
 * vLLM, DeepSeek, OpenRouter, Together (new shape) and Azure OpenAI.
 * Tokens are in choices[0].logprobs.content[] (and .refusal[]), each
 * {token, bytes, logprob, top_logprobs:[{token, bytes, logprob}], id?}. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/dialect.h"

/* Scratch space for one token entry: its bytes and its alternatives'. */
struct oa_scratch {
	struct buf bytes;
	size_t offs[DOC_MAX_ALTS + 1];
	struct doc_alt_in alts[DOC_MAX_ALTS];
};

static int oa_build(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *msgs = cJSON_AddArrayToObject(root, "messages");
	cJSON *m;
	char *s = NULL;
	int rc;

	if (rp->model && *rp->model)
		cJSON_AddStringToObject(root, "model", rp->model);
	if (rp->system && *rp->system) {
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "system");
		cJSON_AddStringToObject(m, "content", rp->system);
		cJSON_AddItemToArray(msgs, m);
	}
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "user");
	cJSON_AddStringToObject(m, "content", rp->prompt ? rp->prompt : "");
	cJSON_AddItemToArray(msgs, m);
	if (rp->max_tokens > 0)
		cJSON_AddNumberToObject(root, "max_tokens", rp->max_tokens);
	if (rp->temperature >= 0)
		cJSON_AddNumberToObject(root, "temperature", rp->temperature);
	cJSON_AddBoolToObject(root, "logprobs", 1);
	cJSON_AddNumberToObject(root, "top_logprobs", rp->top_logprobs);
	cJSON_AddBoolToObject(root, "stream", rp->stream);
	if (rp->stream)
		cJSON_AddBoolToObject(cJSON_AddObjectToObject(root, "stream_options"), "include_usage", 1);
	s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!s)
		return ts_err_set(err, TS_ENOMEM, "cannot build the request body");
	rc = buf_puts(out, s);
	free(s);
	return rc ? ts_err_set(err, rc, "cannot build the request body") : TS_OK;
}

/* Appends the bytes of entry e (its "bytes" array, else its "token" text)
 * to sc->bytes; *derived tells which. */
static int oa_entry_bytes(const cJSON *e, struct oa_scratch *sc, bool *derived, struct ts_err *err)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(e, "bytes");
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(e, "token");
	const cJSON *x;

	if (cJSON_IsArray(b)) {
		*derived = false;
		cJSON_ArrayForEach(x, b) {
			if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble > 255)
				return ts_err_set(err, TS_ESHAPE, "token bytes must be integers 0-255");
			if (buf_putc(&sc->bytes, x->valueint))
				return ts_err_set(err, TS_ETOOBIG, "token bytes too long");
		}
		return TS_OK;
	}
	*derived = true;
	if (!cJSON_IsString(tok))
		return ts_err_set(err, TS_ESHAPE, "logprob entry has neither bytes nor token text");
	if (buf_puts(&sc->bytes, tok->valuestring))
		return ts_err_set(err, TS_ETOOBIG, "token text too long");
	return TS_OK;
}

static int oa_entry_logprob(const cJSON *e, double *lp, struct ts_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "logprob");

	if (cJSON_IsNumber(v)) {
		*lp = v->valuedouble;
		return TS_OK;
	}
	if (cJSON_IsNull(v)) {  /* some servers send null for p = 0 */
		*lp = -INFINITY;
		return TS_OK;
	}
	return ts_err_set(err, TS_ESHAPE, "logprob entry without a numeric logprob");
}

static int32_t oa_entry_id(const cJSON *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "id");

	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (int32_t)v->valuedouble : -1;
}

/* Parses one content[] entry and appends it to d. */
static int oa_append_entry(struct doc *d, const cJSON *e, struct oa_scratch *sc, double now_ms,
			   struct ts_err *err)
{
	const cJSON *top = cJSON_GetObjectItemCaseSensitive(e, "top_logprobs");
	const cJSON *a;
	struct doc_token_in in = { .id = oa_entry_id(e), .t_ms = now_ms, .alts = sc->alts };
	size_t n = 0;
	int rc;

	buf_reset(&sc->bytes);
	rc = oa_entry_bytes(e, sc, &in.bytes_derived, err);
	if (!rc)
		rc = oa_entry_logprob(e, &in.logprob, err);
	if (rc)
		return rc;
	sc->offs[0] = sc->bytes.len;
	cJSON_ArrayForEach(a, top) {
		bool derived;

		if (n == DOC_MAX_ALTS)
			return ts_err_set(err, TS_ETOOBIG, "more than %u alternatives", DOC_MAX_ALTS);
		rc = oa_entry_bytes(a, sc, &derived, err);
		if (!rc)
			rc = oa_entry_logprob(a, &sc->alts[n].logprob, err);
		if (rc)
			return rc;
		sc->alts[n].id = oa_entry_id(a);
		sc->offs[++n] = sc->bytes.len;
	}
	/* Pointers only now: the scratch buffer may have moved while growing. */
	in.bytes = (const uint8_t *)buf_str(&sc->bytes);
	in.len = sc->offs[0];
	for (size_t j = 0; j < n; j++) {
		sc->alts[j].bytes = in.bytes + sc->offs[j];
		sc->alts[j].len = sc->offs[j + 1] - sc->offs[j];
	}
	in.nalt = n;
	return doc_append(d, &in, err);
}

static void oa_meta(struct doc *d, const cJSON *root)
{
	static const struct { const char *key; enum doc_meta_key meta; } fields[] = {
		{ "model", DOC_META_MODEL },
		{ "id", DOC_META_ID },
		{ "system_fingerprint", DOC_META_FINGERPRINT },
	};
	const cJSON *created = cJSON_GetObjectItemCaseSensitive(root, "created");
	const cJSON *usage = cJSON_GetObjectItemCaseSensitive(root, "usage");

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, fields[i].key));

		if (v && (!doc_meta(d, fields[i].meta) || strcmp(v, doc_meta(d, fields[i].meta))))
			doc_set_meta(d, fields[i].meta, v);
	}
	if (cJSON_IsNumber(created))
		doc_info(d)->created = (int64_t)created->valuedouble;
	if (cJSON_IsObject(usage)) {
		static const char *const keys[] = { "prompt_tokens", "completion_tokens", "total_tokens" };
		int64_t *dst[] = { &doc_usage(d)->prompt_tokens, &doc_usage(d)->completion_tokens,
				   &doc_usage(d)->total_tokens };

		for (size_t i = 0; i < 3; i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(usage, keys[i]);

			if (cJSON_IsNumber(v))
				*dst[i] = (int64_t)v->valuedouble;
		}
	}
}

/* Tokens of one choice: logprobs.content[] then logprobs.refusal[]. Text
 * that came without logprobs goes to the document's plain text. Returns
 * the number of tokens appended through *ntok. */
static int oa_choice(struct doc *d, const cJSON *choice, const char *textkey, struct oa_scratch *sc,
		     double now_ms, size_t *ntok, struct ts_err *err)
{
	static const char *const lists[] = { "content", "refusal" };
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(choice, "logprobs");
	const char *finish = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(choice, "finish_reason"));
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(choice, textkey);
	const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "content"));
	size_t before = doc_count(d);

	for (size_t k = 0; k < 2 && cJSON_IsObject(lp); k++) {
		const cJSON *e, *arr = cJSON_GetObjectItemCaseSensitive(lp, lists[k]);

		cJSON_ArrayForEach(e, arr) {
			int rc = oa_append_entry(d, e, sc, now_ms, err);

			if (rc)
				return rc;
		}
	}
	*ntok = doc_count(d) - before;
	if (*ntok == 0 && text && *text &&
	    doc_append_plain(d, (const uint8_t *)text, strlen(text), err))
		return err ? err->code : TS_ETOOBIG;
	if (finish)
		doc_set_meta(d, DOC_META_FINISH, finish);
	return TS_OK;
}

static const cJSON *oa_first_choice(const cJSON *root)
{
	const cJSON *choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
	const cJSON *c;

	cJSON_ArrayForEach(c, choices) {
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(c, "index");

		if (!cJSON_IsNumber(idx) || idx->valueint == 0)
			return c;
	}
	return NULL;
}

/* Parses one JSON object (a whole body or a stream chunk). */
static int oa_parse_object(struct doc *d, const char *json, size_t len, const char *textkey,
			   double now_ms, bool *saw_logprobs, struct ts_err *err)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	struct oa_scratch *sc = NULL;
	const cJSON *choice;
	size_t ntok = 0;
	int rc = TS_OK;

	if (!root)
		return ts_err_set(err, TS_EJSON, "malformed JSON from the server near byte %zu",
				  (size_t)(cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - json : 0));
	if (cJSON_GetObjectItemCaseSensitive(root, "error")) {
		cJSON_Delete(root);
		dialect_error_message(json, len, 0, err);
		return TS_ESERVER;
	}
	oa_meta(d, root);
	choice = oa_first_choice(root);
	if (choice) {
		sc = calloc(1, sizeof *sc);
		if (!sc) {
			cJSON_Delete(root);
			return ts_err_set(err, TS_ENOMEM, "out of memory");
		}
		buf_init(&sc->bytes, 16u * DOC_MAX_TOKEN_LEN);
		rc = oa_choice(d, choice, textkey, sc, now_ms, &ntok, err);
		buf_fini(&sc->bytes);
		free(sc);
	}
	if (ntok)
		*saw_logprobs = true;
	cJSON_Delete(root);
	return rc;
}

static int oa_parse_body(struct doc *d, const char *body, size_t len, double now_ms, struct ts_err *err)
{
	bool saw = false;
	int rc = oa_parse_object(d, body, len, "message", now_ms, &saw, err);

	if (!rc && !saw && doc_count(d) == 0) {
		size_t plen;

		doc_plain(d, &plen);
		if (plen)
			doc_info(d)->logprobs_missing = true;
	}
	return rc;
}

static int oa_parse_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			  struct ts_err *err)
{
	st->events++;
	if (ev->error) {
		dialect_error_message(ev->error, ev->error_len, 0, err);
		return TS_ESERVER;
	}
	if (ev->done) {
		st->done = true;
		return TS_OK;
	}
	if (ev->data_len == 0)
		return TS_OK;
	return oa_parse_object(d, ev->data, ev->data_len, "delta", st->now_ms, &st->saw_logprobs, err);
}

const struct dialect dialect_openai_chat = {
	.name = "openai-chat",
	.path = "/chat/completions",
	.description = "OpenAI chat completions (OpenAI, Azure, llama.cpp, vLLM, Together, DeepSeek, OpenRouter)",
	.build_request = oa_build,
	.parse_body = oa_parse_body,
	.parse_event = oa_parse_event,
	.parse_error = dialect_error_message,
	.stream_fini = NULL,
};
