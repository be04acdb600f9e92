#include "src/reqcopy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/buf.h"

#define REQCOPY_MAX_TEXT (16u * 1024 * 1024)

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* The text of a message's content: a string, or the "text" of each part of
 * a list ({type: text | input_text, text}, Gemini's {text}), joined. NULL
 * when there is none; malloc'd. */
static char *content_text(const cJSON *content)
{
	const cJSON *part;
	struct buf b;

	if (cJSON_IsString(content))
		return strdup(content->valuestring);
	if (!cJSON_IsArray(content))
		return NULL;
	buf_init(&b, REQCOPY_MAX_TEXT);
	cJSON_ArrayForEach(part, content) {
		const cJSON *t = cJSON_IsString(part) ? part : get(part, "text");

		if (cJSON_IsString(t) && buf_puts(&b, t->valuestring)) {
			buf_fini(&b);
			return NULL;
		}
	}
	if (b.len == 0) {
		buf_fini(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Replaces *dst with s (taking it); keeps *dst when s is NULL. */
static void take(char **dst, char *s)
{
	if (!s)
		return;
	free(*dst);
	*dst = s;
}

/* A list of messages ({role, content} or Gemini's {role, parts}): the
 * first system or developer message and the last user message. */
static void read_messages(struct reqcopy *rc, const cJSON *msgs)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, msgs) {
		const char *role = cJSON_GetStringValue(get(m, "role"));
		const cJSON *content = get(m, "content") ? get(m, "content") : get(m, "parts");

		if (!role || strcmp(role, "user") == 0)
			take(&rc->prompt, content_text(content));
		else if ((strcmp(role, "system") == 0 || strcmp(role, "developer") == 0) && !rc->system)
			rc->system = content_text(content);
	}
}

static void read_prompts(struct reqcopy *rc, const cJSON *req)
{
	const cJSON *input = get(req, "input");
	const char *sys;

	read_messages(rc, get(req, "messages"));
	read_messages(rc, get(req, "contents"));
	if (cJSON_IsArray(input))
		read_messages(rc, input);
	else if (cJSON_IsString(input))
		take(&rc->prompt, strdup(input->valuestring));
	if (!rc->prompt && cJSON_IsString(get(req, "prompt")))
		rc->prompt = strdup(get(req, "prompt")->valuestring);
	sys = cJSON_GetStringValue(get(req, "instructions"));
	if (!sys)
		sys = cJSON_GetStringValue(get(req, "system"));
	if (!rc->system && sys)
		rc->system = strdup(sys);
	if (!rc->system)
		rc->system = content_text(get(get(req, "systemInstruction"), "parts"));
}

/* The first of keys (each "a" or "a.b") that is a number in req. */
static const cJSON *first_number(const cJSON *req, const char *const *keys)
{
	for (; *keys; keys++) {
		const char *dot = strchr(*keys, '.');
		const cJSON *v;

		if (dot) {
			char outer[32];

			snprintf(outer, sizeof outer, "%.*s", (int)(dot - *keys), *keys);
			v = get(get(req, outer), dot + 1);
		} else {
			v = get(req, *keys);
		}
		if (cJSON_IsNumber(v))
			return v;
	}
	return NULL;
}

static void read_numbers(struct reqcopy *rc, const cJSON *req)
{
	static const char *const max_keys[] = { "max_tokens", "max_completion_tokens", "max_output_tokens",
		"n_predict", "options.num_predict", "generationConfig.maxOutputTokens", NULL };
	static const char *const temp_keys[] = { "temperature", "options.temperature",
		"generationConfig.temperature", NULL };
	static const char *const k_keys[] = { "top_logprobs", "logprobs", "n_probs",
		"generationConfig.logprobs", NULL };
	const cJSON *v, *stream = get(req, "stream");

	v = first_number(req, max_keys);
	rc->max_tokens = v && v->valuedouble >= 0 && v->valuedouble < 1e9 ? (int)v->valuedouble : -1;
	v = first_number(req, temp_keys);
	rc->temperature = v && v->valuedouble >= 0 ? v->valuedouble : -1;
	v = first_number(req, k_keys);
	rc->top_logprobs = v && v->valuedouble >= 0 && v->valuedouble < 1e6 ? (int)v->valuedouble : -1;
	rc->stream = cJSON_IsBool(stream) ? cJSON_IsTrue(stream) : true;
}

int reqcopy_parse(struct reqcopy *rc, const char *body, struct ts_err *err)
{
	cJSON *req = body ? cJSON_Parse(body) : NULL;
	const char *model;

	memset(rc, 0, sizeof *rc);
	if (!cJSON_IsObject(req)) {
		cJSON_Delete(req);
		return ts_err_set(err, TS_EJSON, body ? "the answer's request is not a JSON object"
				  : "the answer carries no request");
	}
	read_prompts(rc, req);
	read_numbers(rc, req);
	model = cJSON_GetStringValue(get(req, "model"));
	if (model)
		rc->model = strdup(model);
	cJSON_Delete(req);
	if (!rc->prompt) {
		reqcopy_fini(rc);
		return ts_err_set(err, TS_ESHAPE, "the answer's request holds no user prompt");
	}
	return TS_OK;
}

void reqcopy_fini(struct reqcopy *rc)
{
	if (!rc)
		return;
	free(rc->model);
	free(rc->system);
	free(rc->prompt);
	memset(rc, 0, sizeof *rc);
	rc->max_tokens = rc->top_logprobs = -1;
	rc->temperature = -1;
}

void reqcopy_params(const struct reqcopy *rc, int default_k, struct req_params *rp)
{
	*rp = (struct req_params){
		.model = rc->model,
		.system = rc->system,
		.prompt = rc->prompt,
		.max_tokens = rc->max_tokens > 0 ? rc->max_tokens : 0,
		.temperature = rc->temperature,
		.top_logprobs = rc->top_logprobs >= 0 ? rc->top_logprobs : default_k,
		.stream = rc->stream,
	};
}
