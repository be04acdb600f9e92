#include "src/dialect.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

static const struct dialect *const dialects[] = {
	&dialect_openai_chat,
	&dialect_openai_completions,
	&dialect_openai_responses,
	&dialect_together,
	&dialect_fireworks,
	&dialect_llamacpp_completion,
	&dialect_ollama_chat,
	&dialect_ollama_generate,
	&dialect_gemini,
};

const struct dialect *dialect_find(const char *name)
{
	for (size_t i = 0; i < dialect_count(); i++)
		if (name && strcmp(dialects[i]->name, name) == 0)
			return dialects[i];
	return NULL;
}

size_t dialect_count(void)
{
	return sizeof dialects / sizeof dialects[0];
}

const struct dialect *dialect_at(size_t i)
{
	return i < dialect_count() ? dialects[i] : NULL;
}

/* Copies the first line of s (at most 200 bytes) with control bytes
 * replaced by '?', so a raw body can go into a one-line message. */
static void first_line(const char *s, size_t n, char *out, size_t outsz)
{
	size_t k = 0;

	while (n && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')) {
		s++;
		n--;
	}
	for (size_t i = 0; i < n && k + 1 < outsz && k < 200; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\r')
			break;
		out[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[k] = '\0';
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "message (type, code X)" from an OpenAI-style error object; Google's
 * {code, message, status} gives its status as the type. */
static void describe_error_object(const cJSON *e, char *out, size_t outsz)
{
	const char *msg = json_str(e, "message");
	const char *type = json_str(e, "type") ? json_str(e, "type") : json_str(e, "status");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
	char codebuf[64] = "";

	if (cJSON_IsString(code))
		snprintf(codebuf, sizeof codebuf, "%s", code->valuestring);
	else if (cJSON_IsNumber(code))
		snprintf(codebuf, sizeof codebuf, "%d", code->valueint);
	snprintf(out, outsz, "%s%s%s%s%s%s", msg ? msg : "unspecified error",
		 type || *codebuf ? " (" : "", type ? type : "",
		 type && *codebuf ? ", " : "", codebuf, type || *codebuf ? ")" : "");
}

void dialect_error_message(const char *body, size_t len, long http_status, struct ts_err *err)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *e = root ? cJSON_GetObjectItemCaseSensitive(root, "error") : NULL;
	char what[TS_ERRMSG_MAX - 32];
	int code = http_status >= 400 ? TS_EHTTP : TS_ESERVER;
	const char *hint = dialect_refusal_hint(body, len, http_status);

	if (!e && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "message")))
		e = root;  /* llama.cpp's in-stream `error: {"code","message","type"}` */
	if (cJSON_IsObject(e))
		describe_error_object(e, what, sizeof what);
	else if (cJSON_IsString(e))
		snprintf(what, sizeof what, "%s", e->valuestring);
	else if (len)
		first_line(body, len, what, sizeof what);
	else
		snprintf(what, sizeof what, "empty response body");
	cJSON_Delete(root);
	for (char *p = what; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	/* The hint must survive a long message: the message gives way. */
	if (hint)
		what[sizeof what - strlen(hint) - 8] = '\0';
	if (http_status > 0)
		ts_err_set(err, code, "HTTP %ld: %s%s%s", http_status, what, hint ? " — " : "", hint ? hint : "");
	else
		ts_err_set(err, code, "server error: %s%s%s", what, hint ? " — " : "", hint ? hint : "");
}

/* ---- recorded endpoints and URLs ---- */

/* Whether s (n bytes) ends with the tail of a dialect path: the part after
 * "{model}" when there is one, without any query. */
static bool path_ends_with(const char *s, size_t n, const char *dlpath)
{
	const char *tail = dlpath ? strstr(dlpath, "{model}") : NULL;
	size_t tlen;

	if (!dlpath)
		return false;
	tail = tail ? tail + 7 : dlpath;
	tlen = strcspn(tail, "?");
	return tlen && n >= tlen && memcmp(s + n - tlen, tail, tlen) == 0;
}

const struct dialect *dialect_for_endpoint(const char *endpoint)
{
	const char *p = endpoint ? strstr(endpoint, "://") : NULL;
	size_t n;

	if (!p)
		return NULL;
	p = strchr(p + 3, '/');
	if (!p)
		return NULL;
	n = strcspn(p, "? \t\r\n");
	for (size_t i = 0; i < dialect_count(); i++)
		if (path_ends_with(p, n, dialects[i]->path) || path_ends_with(p, n, dialects[i]->stream_path))
			return dialects[i];
	return NULL;
}

/* Appends model percent-encoded (RFC 3986 unreserved characters kept). */
static int url_put_model(struct buf *out, const char *model)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = TS_OK;

	if (strncmp(model, "models/", 7) == 0)
		model += 7;
	for (const unsigned char *m = (const unsigned char *)model; *m && !rc; m++) {
		if ((*m >= 'A' && *m <= 'Z') || (*m >= 'a' && *m <= 'z') || (*m >= '0' && *m <= '9') ||
		    *m == '-' || *m == '.' || *m == '_' || *m == '~')
			rc = buf_putc(out, *m);
		else
			rc = buf_printf(out, "%%%c%c", hex[*m >> 4], hex[*m & 15]);
	}
	return rc;
}

static const char *url_path(const struct dialect *dl, enum dialect_url_kind kind)
{
	if (kind == DIALECT_URL_MODELS)
		return dl->models_path ? dl->models_path : "/models";
	return kind == DIALECT_URL_STREAM && dl->stream_path ? dl->stream_path : dl->path;
}

int dialect_url(const struct dialect *dl, enum dialect_url_kind kind, const char *base,
		const char *model, const char *query, struct buf *out, struct ts_err *err)
{
	const char *path = url_path(dl, kind);
	const char *slot = strstr(path, "{model}");
	size_t blen = strlen(base);
	int rc;

	if (slot && (!model || !*model))
		return ts_err_set(err, TS_ECONFIG, "the %s dialect needs a model name (--model): it goes in the URL",
				  dl->name);
	while (blen && base[blen - 1] == '/')
		blen--;
	rc = buf_append(out, base, blen);
	if (!rc && slot)
		rc = buf_append(out, path, (size_t)(slot - path)) || url_put_model(out, model) ||
		     buf_puts(out, slot + 7);
	else if (!rc)
		rc = buf_puts(out, path);
	if (!rc && query && *query)
		rc = buf_putc(out, strchr(path, '?') ? '&' : '?') || buf_puts(out, query);
	return rc ? ts_err_set(err, TS_ETOOBIG, "the URL is too long") : TS_OK;
}

/* ---- known refusals ---- */

/* A known refusal: the HTTP status (0: any) and up to two texts that must
 * all appear in the error body (case ignored), and what to tell the user. */
struct refusal {
	long status;
	const char *has, *and_has;
	const char *hint;
};

#define HINT_OPENAI_MODEL "pick a model that gives logprobs, such as gpt-4.1 or gpt-4o-mini"
static const struct refusal refusals[] = {
	{ 400, "unsupported_parameter", "logprobs",
	  "OpenAI reasoning models (o1, o3, o4-mini, gpt-5) give no logprobs: " HINT_OPENAI_MODEL },
	{ 403, "logprobs", NULL, "this model may not return logprobs (OpenAI o-series): " HINT_OPENAI_MODEL },
	{ 400, "logprobs is not enabled", NULL,
	  "this Gemini model gives no logprobs: try gemini-2.0-flash (--model)" },
	{ 400, "logprobs is not supported for this model", NULL,
	  "this Gemini model gives no logprobs: try gemini-2.0-flash (--model)" },
	{ 0, "3051", "code",
	  "Mistral's API gives no logprobs (error 3051): serve the model with vLLM or llama.cpp instead" },
	{ 400, "reasoner", "logprobs", "deepseek-reasoner gives no logprobs: use deepseek-chat (--model)" },
	{ 400, "top_logprobs must be between 0 and 20", NULL,
	  "Ollama gives at most 20 alternatives: use --top-logprobs 20 or fewer" },
	{ 400, "greater than max allowed", NULL,
	  "the vLLM server allows fewer: ask for fewer (--top-logprobs) or restart it with a larger --max-logprobs" },
	{ 400, "greater than the maximum of 1", "logprobs",
	  "this Together model gives one alternative at most: use --top-logprobs 1" },
	{ 400, "logprobs", "not supported",
	  "this provider or model gives no logprobs (Groq refuses them for every model): pick another" },
};
#undef HINT_OPENAI_MODEL

/* Whether needle occurs in s[0..n), case ignored. */
static bool contains_nocase(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return true;
	return false;
}

const char *dialect_refusal_hint(const char *body, size_t len, long http_status)
{
	for (size_t i = 0; body && i < sizeof refusals / sizeof refusals[0]; i++) {
		const struct refusal *r = &refusals[i];

		if ((r->status == 0 || r->status == http_status) && contains_nocase(body, len, r->has) &&
		    (!r->and_has || contains_nocase(body, len, r->and_has)))
			return r->hint;
	}
	return NULL;
}
