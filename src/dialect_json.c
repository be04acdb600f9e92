#include "src/dialect_json.h"
#include "src/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct dj_keys dj_keys_chat = { .token = "token", .bytes = "bytes", .value = "logprob", .id = "id" };

const cJSON *dj_get(const cJSON *o, const char *key)
{
	return key && cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

void dj_scratch_init(struct dj_scratch *sc)
{
	buf_init(&sc->bytes, 16u * DOC_MAX_TOKEN_LEN);
}

void dj_scratch_fini(struct dj_scratch *sc)
{
	buf_fini(&sc->bytes);
}

/* "bytes:\xe2\x80" → the bytes E2 80; false when text is not that spelling. */
static bool escaped_bytes(const char *text, struct buf *out, int *rc)
{
	const char *p = text + 6;
	size_t start = out->len;

	if (strncmp(text, "bytes:", 6) != 0 || !*p)
		return false;
	for (; *p; p += 4) {
		int hi, lo;

		if (p[0] != '\\' || p[1] != 'x' || (hi = hex_value(p[2])) < 0 || (lo = hex_value(p[3])) < 0) {
			out->len = start;
			return false;
		}
		*rc = buf_putc(out, hi * 16 + lo);
		if (*rc)
			return true;
	}
	return true;
}

int dj_text_bytes(const char *text, struct buf *out, struct ts_err *err)
{
	int rc = TS_OK;

	if (!escaped_bytes(text, out, &rc))
		rc = buf_puts(out, text);
	return rc ? ts_err_set(err, TS_ETOOBIG, "token text too long") : TS_OK;
}

/* vLLM's spelling of a token that is not valid text: "token_id:123". */
static bool is_token_id_text(const cJSON *tok)
{
	return cJSON_IsString(tok) && strncmp(tok->valuestring, "token_id:", 9) == 0 &&
	       tok->valuestring[9] >= '0' && tok->valuestring[9] <= '9';
}

/* The parts of one entry, wherever they came from. */
struct parts {
	const cJSON *token, *bytes, *value, *id;
};

static struct parts parts_of(const cJSON *e, const struct dj_keys *k)
{
	return (struct parts){ .token = dj_get(e, k->token), .bytes = dj_get(e, k->bytes),
			       .value = dj_get(e, k->value), .id = dj_get(e, k->id) };
}

/* Appends the bytes of an entry to sc->bytes: its byte array, else its
 * text (*derived). */
static int parts_bytes(const struct parts *p, struct dj_scratch *sc, bool *derived, struct ts_err *err)
{
	const cJSON *x;

	*derived = !cJSON_IsArray(p->bytes) || is_token_id_text(p->token);
	if (!*derived) {
		cJSON_ArrayForEach(x, p->bytes) {
			if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble > 255)
				return ts_err_set(err, TS_ESHAPE, "token bytes must be integers 0-255");
			if (buf_putc(&sc->bytes, x->valueint))
				return ts_err_set(err, TS_ETOOBIG, "token bytes too long");
		}
		return TS_OK;
	}
	if (!cJSON_IsString(p->token))
		return ts_err_set(err, TS_ESHAPE, "logprob entry has neither bytes nor token text");
	return dj_text_bytes(p->token->valuestring, &sc->bytes, err);
}

static int parts_logprob(const struct parts *p, const struct dj_keys *k, double *lp, struct ts_err *err)
{
	const cJSON *v = p->value;

	if (cJSON_IsNumber(v))
		*lp = k->is_prob ? log(v->valuedouble) : v->valuedouble;
	else if (cJSON_IsNull(v))  /* some servers send null for p = 0 */
		*lp = -INFINITY;
	else if (!v && k->missing_is_zero)
		*lp = 0;
	else
		return ts_err_set(err, TS_ESHAPE, "logprob entry without a numeric %s",
				  k->value ? k->value : "logprob");
	if (isnan(*lp))  /* log of a negative "probability" */
		*lp = -INFINITY;
	return TS_OK;
}

static int32_t parts_id(const struct parts *p)
{
	const cJSON *v = p->id;

	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= INT32_MAX)
		return (int32_t)v->valuedouble;
	if (cJSON_IsString(v))  /* proto3 JSON may write integers as strings */
		return (int32_t)strtol(v->valuestring, NULL, 10);
	if (is_token_id_text(p->token))
		return (int32_t)strtol(p->token->valuestring + 9, NULL, 10);
	return -1;
}

/* The j-th alternative: an entry read with ak, or (ak NULL) a member of a
 * {text: logprob} object, its name the text. */
static int alt_read(const cJSON *a, const struct dj_keys *ak, struct dj_scratch *sc, size_t j,
		    struct ts_err *err)
{
	static const struct dj_keys member = { .value = "logprob" };
	struct parts p = ak ? parts_of(a, ak) : (struct parts){ .value = a };
	bool derived;
	int rc;

	if (ak)
		rc = parts_bytes(&p, sc, &derived, err);
	else
		rc = dj_text_bytes(a->string ? a->string : "", &sc->bytes, err);
	if (!rc)
		rc = parts_logprob(&p, ak ? ak : &member, &sc->alts[j].logprob, err);
	sc->alts[j].id = parts_id(&p);
	return rc;
}

/* Appends a token from its parts and its alternatives (see alt_read). */
static int append_parts(struct doc *d, struct dj_scratch *sc, const struct parts *p,
			const struct dj_keys *k, const cJSON *alts, const struct dj_keys *ak,
			double now_ms, struct ts_err *err)
{
	struct doc_token_in in = { .id = parts_id(p), .t_ms = now_ms, .alts = sc->alts };
	const cJSON *a;
	size_t n = 0;
	int rc;

	buf_reset(&sc->bytes);
	rc = parts_bytes(p, sc, &in.bytes_derived, err);
	if (!rc)
		rc = parts_logprob(p, k, &in.logprob, err);
	if (rc)
		return rc;
	sc->offs[0] = sc->bytes.len;
	cJSON_ArrayForEach(a, alts) {
		if (n == DOC_MAX_ALTS)
			return ts_err_set(err, TS_ETOOBIG, "more than %u alternatives", DOC_MAX_ALTS);
		rc = alt_read(a, ak, sc, n, err);
		if (rc)
			return rc;
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

int dj_append_entry(struct doc *d, struct dj_scratch *sc, const cJSON *e, const struct dj_keys *k,
		    const cJSON *alts, const struct dj_keys *ak, double now_ms, struct ts_err *err)
{
	struct parts p = parts_of(e, k);

	return append_parts(d, sc, &p, k, alts, ak, now_ms, err);
}

int dj_append_list(struct doc *d, struct dj_scratch *sc, const cJSON *list, const char *altkey,
		   const struct dj_keys *k, double now_ms, size_t *n, struct ts_err *err)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, list) {
		int rc = dj_append_entry(d, sc, e, k, dj_get(e, altkey), k, now_ms, err);

		if (rc)
			return rc;
		if (n)
			(*n)++;
	}
	return TS_OK;
}

int dj_append_loose(struct doc *d, struct dj_scratch *sc, const cJSON *text, const cJSON *logprob,
		    const cJSON *id, const cJSON *alts, double now_ms, struct ts_err *err)
{
	static const struct dj_keys k = { .value = "token_logprobs" };
	struct parts p = { .token = text, .value = logprob, .id = id };

	if (!cJSON_IsString(text))
		return ts_err_set(err, TS_ESHAPE, "legacy logprobs: a token that is not a string");
	if (!logprob)
		return ts_err_set(err, TS_ESHAPE, "legacy logprobs: fewer token_logprobs than tokens");
	return append_parts(d, sc, &p, &k, cJSON_IsObject(alts) ? alts : NULL, NULL, now_ms, err);
}

int dj_append_arrays(struct doc *d, struct dj_scratch *sc, const cJSON *lp, double now_ms, size_t *n,
		     struct ts_err *err)
{
	const cJSON *toks = dj_get(lp, "tokens");
	const cJSON *lps = dj_get(lp, "token_logprobs");
	const cJSON *tops = dj_get(lp, "top_logprobs");
	const cJSON *ids = dj_get(lp, "token_ids");
	const cJSON *tok, *l = cJSON_IsArray(lps) ? lps->child : NULL;
	const cJSON *t = cJSON_IsArray(tops) ? tops->child : NULL;
	const cJSON *i = cJSON_IsArray(ids) ? ids->child : NULL;

	cJSON_ArrayForEach(tok, toks) {
		int rc = dj_append_loose(d, sc, tok, l, i, t, now_ms, err);

		if (rc)
			return rc;
		if (n)
			(*n)++;
		l = l ? l->next : NULL;
		t = t ? t->next : NULL;
		i = i ? i->next : NULL;
	}
	return TS_OK;
}

int dj_append_choice_logprobs(struct doc *d, struct dj_scratch *sc, const cJSON *lp, double now_ms,
			      size_t *n, struct ts_err *err)
{
	int rc;

	if (cJSON_IsArray(dj_get(lp, "tokens")))
		return dj_append_arrays(d, sc, lp, now_ms, n, err);
	rc = dj_append_list(d, sc, dj_get(lp, "content"), "top_logprobs", &dj_keys_chat, now_ms, n, err);
	if (!rc)
		rc = dj_append_list(d, sc, dj_get(lp, "refusal"), "top_logprobs", &dj_keys_chat, now_ms, n, err);
	return rc;
}

const cJSON *dj_first_choice(const cJSON *root)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, dj_get(root, "choices")) {
		const cJSON *idx = dj_get(c, "index");

		if (!cJSON_IsNumber(idx) || idx->valueint == 0)
			return c;
	}
	return NULL;
}

static void openai_meta(struct doc *d, const cJSON *root)
{
	const cJSON *created = dj_get(root, "created");

	dj_meta(d, DOC_META_MODEL, dj_get(root, "model"));
	dj_meta(d, DOC_META_ID, dj_get(root, "id"));
	dj_meta(d, DOC_META_FINGERPRINT, dj_get(root, "system_fingerprint"));
	if (cJSON_IsNumber(created))
		doc_info(d)->created = (int64_t)created->valuedouble;
	dj_usage(d, dj_get(root, "usage"), "prompt_tokens", "completion_tokens", "total_tokens");
}

int dj_openai_object(struct doc *d, const cJSON *root, const cJSON *choice, const char *textkey,
		     double now_ms, size_t *ntok, struct ts_err *err)
{
	const cJSON *text = dj_get(choice, textkey);
	struct dj_scratch sc;
	int rc;

	*ntok = 0;
	openai_meta(d, root);
	if (!choice)
		return TS_OK;
	if (cJSON_IsObject(text))
		text = dj_get(text, "content");
	dj_scratch_init(&sc);
	rc = dj_append_choice_logprobs(d, &sc, dj_get(choice, "logprobs"), now_ms, ntok, err);
	dj_scratch_fini(&sc);
	if (!rc && *ntok == 0)
		rc = dj_plain(d, cJSON_GetStringValue(text), err);
	dj_meta(d, DOC_META_FINISH, dj_get(choice, "finish_reason"));
	return rc;
}

int dj_openai_parse(struct doc *d, const char *json, size_t len, const char *textkey, double now_ms,
		    bool *saw, struct ts_err *err)
{
	cJSON *root;
	size_t ntok = 0;
	int rc = dj_parse(json, len, &root, err);

	if (!rc)
		rc = dj_openai_object(d, root, dj_first_choice(root), textkey, now_ms, &ntok, err);
	if (ntok)
		*saw = true;
	cJSON_Delete(root);
	return rc;
}

static bool is_error_object(const cJSON *root)
{
	const cJSON *e = dj_get(root, "error");
	const char *type = cJSON_GetStringValue(dj_get(root, "type"));
	const char *object = cJSON_GetStringValue(dj_get(root, "object"));

	return (e && !cJSON_IsNull(e)) || (type && strcmp(type, "error") == 0) ||
	       (object && strcmp(object, "error") == 0);
}

int dj_parse(const char *json, size_t len, cJSON **root, struct ts_err *err)
{
	const char *end = NULL;

	*root = cJSON_ParseWithLengthOpts(json, len, &end, false);
	if (!*root)
		return ts_err_set(err, TS_EJSON, "malformed JSON from the server near byte %zu",
				  (size_t)(end && end >= json ? end - json : 0));
	if (is_error_object(*root)) {
		cJSON_Delete(*root);
		*root = NULL;
		dialect_error_message(json, len, 0, err);
		return TS_ESERVER;
	}
	return TS_OK;
}

bool dj_event_prelude(struct dialect_stream *st, const struct sse_event *ev, int *rc, struct ts_err *err)
{
	st->events++;
	*rc = TS_OK;
	if (ev->error) {
		dialect_error_message(ev->error, ev->error_len, 0, err);
		*rc = TS_ESERVER;
		return true;
	}
	if (ev->done)
		st->done = true;
	return ev->done || ev->data_len == 0;
}

int dj_body(struct doc *d, const char *body, size_t len, double now_ms, dj_object_fn obj,
	    struct ts_err *err)
{
	bool saw = false, done = false;
	int rc = obj(d, body, len, now_ms, &saw, &done, err);

	dj_body_end(d);
	return rc;
}

int dj_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev, dj_object_fn obj,
	     struct ts_err *err)
{
	bool done = false;
	int rc;

	if (dj_event_prelude(st, ev, &rc, err))
		return rc;
	rc = obj(d, ev->data, ev->data_len, st->now_ms, &st->saw_logprobs, &done, err);
	if (done)
		st->done = true;
	return rc;
}

void dj_meta(struct doc *d, enum doc_meta_key key, const cJSON *v)
{
	const char *s = cJSON_GetStringValue(v);
	const char *have = doc_meta(d, key);

	if (s && (!have || strcmp(have, s) != 0))
		doc_set_meta(d, key, s);
}

void dj_usage(struct doc *d, const cJSON *obj, const char *prompt, const char *completion,
	      const char *total)
{
	const char *const keys[] = { prompt, completion, total };
	int64_t *dst[] = { &doc_usage(d)->prompt_tokens, &doc_usage(d)->completion_tokens,
			   &doc_usage(d)->total_tokens };

	for (size_t i = 0; i < 3; i++) {
		const cJSON *v = dj_get(obj, keys[i]);

		if (cJSON_IsNumber(v))
			*dst[i] = (int64_t)v->valuedouble;
	}
}

int dj_plain(struct doc *d, const char *text, struct ts_err *err)
{
	if (!text || !*text)
		return TS_OK;
	return doc_append_plain(d, (const uint8_t *)text, strlen(text), err);
}

void dj_body_end(struct doc *d)
{
	size_t plen;

	doc_plain(d, &plen);
	if (doc_count(d) == 0 && plen)
		doc_info(d)->logprobs_missing = true;
}

int dj_print(cJSON *root, struct buf *out, struct ts_err *err)
{
	char *s = root ? cJSON_PrintUnformatted(root) : NULL;
	int rc;

	cJSON_Delete(root);
	if (!s)
		return ts_err_set(err, TS_ENOMEM, "cannot build the request body");
	rc = buf_puts(out, s);
	free(s);
	return rc ? ts_err_set(err, rc, "cannot build the request body") : TS_OK;
}

cJSON *dj_chat_request(const struct req_params *rp)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *msgs = cJSON_AddArrayToObject(root, "messages");
	cJSON *m;

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
	if (!root || !msgs || !cJSON_GetArraySize(msgs)) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}
