#include "src/dialect.h"

#include <stdio.h>
#include <string.h>

#include <cJSON.h>

static const struct dialect *const dialects[] = {
	&dialect_openai_chat,
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

/* "message (type, code X)" from an OpenAI-style error object. */
static void describe_error_object(const cJSON *e, char *out, size_t outsz)
{
	const char *msg = json_str(e, "message");
	const char *type = json_str(e, "type");
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
	if (http_status > 0)
		ts_err_set(err, code, "HTTP %ld: %s", http_status, what);
	else
		ts_err_set(err, code, "server error: %s", what);
}
