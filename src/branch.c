#include "src/branch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "src/dialect.h"
#include "src/text.h"

#define BRANCH_MAX_PREFIX (16u * 1024 * 1024)

/* ---- which APIs can continue a prefix --------------------------------- */

#define BRANCH_USE " to branch"
#define BRANCH_ELSEWHERE "; use a completions endpoint (legacy completions, llama.cpp /completion, vLLM)" BRANCH_USE

/* The APIs that cannot, by dialect and (for openai-chat) profile. */
static const struct { const char *dialect, *profile, *reason; } branch_refusals[] = {
	{ "openai-chat", "openai", "OpenAI chat cannot continue an assistant prefix" BRANCH_ELSEWHERE },
	{ "openai-chat", "azure", "Azure OpenAI chat cannot continue an assistant prefix" BRANCH_ELSEWHERE },
	{ "openai-chat", "openrouter", "OpenRouter chat cannot continue an assistant prefix" BRANCH_ELSEWHERE },
	{ "openai-chat", "deepseek", "DeepSeek chat continues a prefix only in its beta API, which tokscope "
	  "does not speak" BRANCH_ELSEWHERE },
	{ "openai-responses", NULL, "the OpenAI Responses API cannot continue an assistant prefix" BRANCH_ELSEWHERE },
	{ "together", NULL, "Together chat cannot continue an assistant prefix" BRANCH_ELSEWHERE },
	{ "fireworks", NULL, "Fireworks chat cannot continue an assistant prefix" BRANCH_ELSEWHERE },
	{ "gemini", NULL, "Gemini cannot continue a model prefix" BRANCH_ELSEWHERE },
	{ "ollama-chat", NULL, "Ollama's /api/chat is not used to continue a prefix; use the ollama-generate "
	  "profile (raw prompt)" BRANCH_USE },
};

static bool str_is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static int branch_chat_way(const char *profile, const char *prefill, enum branch_way *way, struct ts_err *err)
{
	if (str_is(prefill, "vllm")) {
		*way = BRANCH_CHAT_VLLM;
		return TS_OK;
	}
	if (str_is(prefill, "llamacpp")) {
		*way = BRANCH_CHAT_LLAMACPP;
		return TS_OK;
	}
	for (size_t k = 0; k < sizeof branch_refusals / sizeof branch_refusals[0]; k++)
		if (str_is(branch_refusals[k].dialect, "openai-chat") && str_is(branch_refusals[k].profile, profile))
			return ts_err_set(err, TS_EUNSUPPORTED, "%s", branch_refusals[k].reason);
	if (!profile)
		return ts_err_set(err, TS_EUNSUPPORTED, "this OpenAI-style chat API cannot be told to continue "
				  "an assistant prefix" BRANCH_ELSEWHERE);
	return ts_err_set(err, TS_EUNSUPPORTED, "the chat API of profile %s cannot be told to continue an "
			  "assistant prefix; if it is vLLM or llama-server, set prefill = vllm or llamacpp in "
			  "[profile %s]; else use a completions endpoint" BRANCH_USE, profile, profile);
}

int branch_way(const char *dialect, const char *profile, const char *prefill, enum branch_way *way,
	       struct ts_err *err)
{
	if (str_is(dialect, "openai-completions") || str_is(dialect, "llamacpp-completion")) {
		*way = BRANCH_PROMPT;
		return TS_OK;
	}
	if (str_is(dialect, "ollama-generate")) {
		*way = BRANCH_OLLAMA_RAW;
		return TS_OK;
	}
	if (str_is(dialect, "openai-chat"))
		return branch_chat_way(profile, prefill, way, err);
	for (size_t k = 0; k < sizeof branch_refusals / sizeof branch_refusals[0]; k++)
		if (str_is(branch_refusals[k].dialect, dialect))
			return ts_err_set(err, TS_EUNSUPPORTED, "%s", branch_refusals[k].reason);
	return ts_err_set(err, TS_EUNSUPPORTED, "the %s dialect cannot continue a prefix" BRANCH_ELSEWHERE,
			  dialect ? dialect : "unknown");
}

/* ---- where a branch goes --------------------------------------------- */

int branch_endpoint(const struct config *c, const struct doc *parent, struct endpoint *ep,
		    enum branch_way *way, struct ts_err *err)
{
	const char *dl = doc_meta(parent, DOC_META_DIALECT), *prof = doc_meta(parent, DOC_META_PROFILE);
	struct ts_err e;

	if (!doc_meta(parent, DOC_META_REQUEST) || !dl)
		return ts_err_set(err, TS_EUNSUPPORTED, "this answer does not record the request that made it: "
				  "there is nothing to continue");
	if (prof && config_profile(c, prof)) {
		if (config_profile_endpoint(c, prof, ep, &e))
			return ts_err_set(err, TS_EUNSUPPORTED, "cannot branch: %s", ts_err_msg(&e));
		if (strcmp(ep->dialect, dl) != 0)
			return ts_err_set(err, TS_EUNSUPPORTED, "profile %s now speaks %s, but this answer was "
					  "asked in %s: its request cannot be continued there", prof, ep->dialect, dl);
		return branch_way(dl, prof, ep->prefill, way, err);
	}
	if (!config_has_endpoint(c) || config_endpoint(c, ep, NULL))
		return ts_err_set(err, TS_EUNSUPPORTED, "a recording (%s), and no endpoint is configured to "
				  "continue it: start tokscope with -P or -u for a server that speaks %s",
				  prof ? "its profile is unknown here" : "demo or replay", dl);
	if (strcmp(ep->dialect, dl) != 0)
		return ts_err_set(err, TS_EUNSUPPORTED, "this answer is a recording in %s, but the configured "
				  "endpoint (profile %s) speaks %s: choose a profile that speaks %s to branch", dl,
				  ep->profile, ep->dialect, dl);
	return branch_way(dl, ep->profile, ep->prefill, way, err);
}

/* ---- the continuation body -------------------------------------------- */

static bool ends_with(const char *s, const uint8_t *tail, size_t n)
{
	size_t len = strlen(s);

	return len >= n && (n == 0 || memcmp(s + len - n, tail, n) == 0);
}

/* root's string member key + prefix (after taking carried off its end). */
static int branch_prompt(cJSON *root, const char *key, const uint8_t *carried, size_t clen,
			 const uint8_t *prefix, size_t len, struct ts_err *err)
{
	const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, key));
	size_t plen;
	char *s;
	cJSON *v;

	if (!p)
		return ts_err_set(err, TS_ESHAPE, "the answer's request has no \"%s\" string to continue", key);
	if (!ends_with(p, carried, clen))
		return ts_err_set(err, TS_ESHAPE, "the branch's request does not end with its own prefix");
	plen = strlen(p) - clen;
	s = malloc(plen + len + 1);
	if (!s)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	memcpy(s, p, plen);
	memcpy(s + plen, prefix, len);
	s[plen + len] = '\0';
	v = cJSON_CreateString(s);
	free(s);
	if (!v || !cJSON_ReplaceItemInObjectCaseSensitive(root, key, v)) {
		cJSON_Delete(v);
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	}
	return TS_OK;
}

static bool set_bool(cJSON *root, const char *key, bool value)
{
	cJSON *v = cJSON_CreateBool(value);

	if (!v)
		return false;
	if (cJSON_GetObjectItemCaseSensitive(root, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(root, key, v);
	return cJSON_AddItemToObject(root, key, v);
}

/* Ollama: raw, so the prompt is the text the model sees (no template). */
static int branch_ollama(cJSON *root, const char **notice, struct ts_err *err)
{
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "raw")))
		return TS_OK;
	cJSON_DeleteItemFromObjectCaseSensitive(root, "system");
	cJSON_DeleteItemFromObjectCaseSensitive(root, "template");
	if (!set_bool(root, "raw", true))
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	if (notice)
		*notice = "Ollama continues a prefix only raw: the branch is sent without the model's prompt "
			  "template and system prompt the first answer had";
	return TS_OK;
}

static bool is_assistant(const cJSON *m)
{
	return str_is(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "role")), "assistant");
}

/* messages + {"role": "assistant", "content": prefix}, the parent's own
 * trailing assistant prefix taken off first. */
static int branch_messages(cJSON *root, bool carried, const uint8_t *prefix, size_t len, struct ts_err *err)
{
	cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages"), *last, *m;
	char *s;

	if (!cJSON_IsArray(msgs) || !cJSON_GetArraySize(msgs))
		return ts_err_set(err, TS_ESHAPE, "the answer's request has no messages to continue");
	last = cJSON_GetArrayItem(msgs, cJSON_GetArraySize(msgs) - 1);
	if (carried && !is_assistant(last))
		return ts_err_set(err, TS_ESHAPE, "the branch's request does not end with its own prefix");
	if (carried || is_assistant(last))
		cJSON_DeleteItemFromArray(msgs, cJSON_GetArraySize(msgs) - 1);
	s = malloc(len + 1);
	m = cJSON_CreateObject();
	if (!s || !m) {
		free(s);
		cJSON_Delete(m);
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	}
	memcpy(s, prefix, len);
	s[len] = '\0';
	cJSON_AddStringToObject(m, "role", "assistant");
	cJSON_AddStringToObject(m, "content", s);
	free(s);
	cJSON_AddItemToArray(msgs, m);
	return TS_OK;
}

static int branch_check_prefix(const uint8_t *prefix, size_t len, struct ts_err *err)
{
	if (len > BRANCH_MAX_PREFIX)
		return ts_err_set(err, TS_EUNSUPPORTED, "the prefix is longer than %u bytes", BRANCH_MAX_PREFIX);
	if (memchr(prefix, 0, len))
		return ts_err_set(err, TS_EUNSUPPORTED, "the prefix holds a NUL byte, which a JSON request "
				  "cannot carry as text");
	if (!utf8_valid(prefix, len))
		return ts_err_set(err, TS_EUNSUPPORTED, "the prefix ends inside a UTF-8 character (or is not "
				  "UTF-8), and the request carries text: branch from a token that completes it");
	return TS_OK;
}

static int branch_edit(cJSON *root, enum branch_way way, const uint8_t *carried, size_t clen,
		       const uint8_t *prefix, size_t len, const char **notice, struct ts_err *err)
{
	int rc;

	switch (way) {
	case BRANCH_OLLAMA_RAW:
		rc = branch_prompt(root, "prompt", carried, clen, prefix, len, err);
		return rc ? rc : branch_ollama(root, notice, err);
	case BRANCH_CHAT_VLLM:
		rc = branch_messages(root, clen > 0, prefix, len, err);
		if (!rc && (!set_bool(root, "continue_final_message", true) ||
			    !set_bool(root, "add_generation_prompt", false)))
			rc = ts_err_set(err, TS_ENOMEM, "out of memory");
		return rc;
	case BRANCH_CHAT_LLAMACPP:
		/* llama-server continues a trailing assistant message instead of
		 * closing it: ggml-org/llama.cpp PR 13174, and PR 13608 (May
		 * 2025), which added the opt-out --no-prefill-assistant: "whether
		 * to prefill the assistant's response if the last message is an
		 * assistant message (default: prefill enabled)". Its
		 * tools/server/README.md lists "Prefilling of assistant messages
		 * similar to the Claude API" among the features. */
		return branch_messages(root, clen > 0, prefix, len, err);
	default:
		return branch_prompt(root, "prompt", carried, clen, prefix, len, err);
	}
}

int branch_body(const char *request, enum branch_way way, const uint8_t *carried, size_t carried_len,
		const uint8_t *prefix, size_t len, struct buf *out, const char **notice,
		struct ts_err *err)
{
	cJSON *root;
	char *s;
	int rc;

	if (notice)
		*notice = NULL;
	rc = branch_check_prefix(prefix, len, err);
	if (rc)
		return rc;
	root = cJSON_Parse(request ? request : "");
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return ts_err_set(err, TS_EJSON, "the answer's request is not a JSON object");
	}
	rc = branch_edit(root, way, carried, carried_len, prefix, len, notice, err);
	s = rc ? NULL : cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (rc)
		return rc;
	if (!s)
		return ts_err_set(err, TS_ENOMEM, "cannot build the request body");
	rc = buf_puts(out, s);
	free(s);
	return rc ? ts_err_set(err, rc, "cannot build the request body") : TS_OK;
}

/* ---- the branch document ---------------------------------------------- */

bool branch_point(const struct doc *d, size_t *at)
{
	const char *s = doc_meta(d, DOC_META_BRANCH_AT);
	char *end;
	unsigned long long v;

	if (!s || !doc_meta(d, DOC_META_BRANCH_OF) || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v >= doc_count(d))
		return false;
	*at = (size_t)v;
	return true;
}

int branch_ensure_uid(struct doc *d)
{
	static unsigned counter;
	struct timespec ts;
	char uid[64];

	if (doc_meta(d, DOC_META_UID) && *doc_meta(d, DOC_META_UID))
		return TS_OK;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(uid, sizeof uid, "%llx-%lx-%x", (unsigned long long)ts.tv_sec * 1000000000ull +
		 (unsigned long long)ts.tv_nsec, (unsigned long)getpid(), ++counter);
	return doc_set_meta(d, DOC_META_UID, uid);
}

/* "“Once upon a time” · branch at token 2: ␣there" (a branch of a branch
 * keeps the first answer's title). */
static int branch_title(struct doc *d, const struct doc *parent, size_t i, const uint8_t *alt, size_t alen)
{
	const char *pt = doc_meta(parent, DOC_META_TITLE), *cut = pt ? strstr(pt, " · branch at token ") : NULL;
	size_t at, n = pt ? strlen(pt) : 0;
	struct buf b;
	int rc;

	if (cut && branch_point(parent, &at))
		n = (size_t)(cut - pt);
	buf_init(&b, 1024);
	rc = buf_printf(&b, "%.*s%sbranch at token %zu: ", (int)n, pt ? pt : "", pt ? " · " : "", i + 1);
	if (!rc && text_escape(&b, alt, alen > 64 ? 64 : alen, TEXT_INSPECT))
		rc = TS_ETOOBIG;
	rc = rc ? rc : doc_set_meta(d, DOC_META_TITLE, buf_str(&b));
	buf_fini(&b);
	return rc;
}

/* The alternative as the branch's token i: forced, with its own logprob
 * and token i's alternatives. */
static int branch_forced(struct doc *d, const struct doc *parent, size_t i, size_t j, struct ts_err *err)
{
	const struct doc_token *t = doc_token(parent, i);
	struct doc_alt_in alts[DOC_MAX_ALTS];
	struct doc_token_in in = { .id = -1, .forced = true, .t_ms = -1, .alts = alts, .nalt = t->nalt };

	for (size_t k = 0; k < t->nalt; k++) {
		const struct doc_alt *a = doc_alt(parent, i, k);

		alts[k] = (struct doc_alt_in){ .logprob = a->logprob, .id = -1 };
		alts[k].bytes = doc_str(parent, a->str, &alts[k].len);
	}
	in.bytes = alts[j].bytes;
	in.len = alts[j].len;
	in.logprob = alts[j].logprob;
	return doc_append(d, &in, err);
}

static int branch_doc(struct doc *parent, size_t i, size_t j, struct doc *d, struct ts_err *err)
{
	char at[32];
	size_t alen;
	const uint8_t *alt = doc_str(parent, doc_alt(parent, i, j)->str, &alen);
	int rc = TS_OK;

	for (size_t k = 0; k < i && !rc; k++)
		rc = doc_append_copy(d, parent, k, -1, err);
	if (!rc)
		rc = branch_forced(d, parent, i, j, err);
	if (rc)
		return rc;
	snprintf(at, sizeof at, "%zu", i);
	if (branch_ensure_uid(parent) || branch_ensure_uid(d) ||
	    doc_set_meta(d, DOC_META_BRANCH_OF, doc_meta(parent, DOC_META_UID)) ||
	    doc_set_meta(d, DOC_META_BRANCH_AT, at) ||
	    doc_set_meta(d, DOC_META_LABELS, doc_meta(parent, DOC_META_LABELS)) ||
	    branch_title(d, parent, i, alt, alen))
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	doc_info(d)->post_sampling = doc_info_c(parent)->post_sampling;
	return TS_OK;
}

/* The model and stream flag of the parent's request, for the URL and the
 * ingest. */
static void branch_request_params(struct branch_req *br, const struct doc *parent)
{
	cJSON *root = cJSON_Parse(doc_meta(parent, DOC_META_REQUEST));
	const char *model = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "model"));
	const cJSON *stream = cJSON_GetObjectItemCaseSensitive(root, "stream");
	int k = doc_info_c(parent)->k_requested;

	if (model)
		snprintf(br->model, sizeof br->model, "%s", model);
	br->xo.rp.model = model ? br->model : NULL;
	/* Ollama streams unless told not to; the others only when told. */
	br->xo.rp.stream = cJSON_IsBool(stream) ? cJSON_IsTrue(stream) :
			   str_is(br->ep.dialect, "ollama-generate");
	br->xo.rp.top_logprobs = k > 0 ? k : 0;
	br->xo.rp.max_tokens = -1;
	br->xo.rp.temperature = -1;
	cJSON_Delete(root);
}

/* The bytes of tokens [0, i) of d, then extra. */
static int branch_text(const struct doc *d, size_t i, const uint8_t *extra, size_t elen, struct buf *out)
{
	size_t len;
	const uint8_t *text = doc_text(d, &len);
	size_t upto = i < doc_count(d) ? doc_token(d, i)->off : len;

	if (buf_append(out, text, upto) || buf_append(out, extra, elen))
		return TS_ETOOBIG;
	return TS_OK;
}

/* The continuation body into br->body. */
static int branch_make_body(struct branch_req *br, const struct doc *parent, size_t i, size_t j,
			    enum branch_way way, struct ts_err *err)
{
	struct buf prefix, carried;
	size_t alen, at;
	const uint8_t *alt = doc_str(parent, doc_alt(parent, i, j)->str, &alen);
	int rc;

	buf_init(&prefix, BRANCH_MAX_PREFIX + 1);
	buf_init(&carried, BRANCH_MAX_PREFIX + 1);
	if (branch_text(parent, i, alt, alen, &prefix) ||
	    (branch_point(parent, &at) && branch_text(parent, at + 1, NULL, 0, &carried)))
		rc = ts_err_set(err, TS_EUNSUPPORTED, "the prefix is longer than %u bytes", BRANCH_MAX_PREFIX);
	else
		rc = branch_body(doc_meta(parent, DOC_META_REQUEST), way, (const uint8_t *)buf_str(&carried),
				 carried.len, (const uint8_t *)buf_str(&prefix), prefix.len, &br->body,
				 &br->notice, err);
	buf_fini(&prefix);
	buf_fini(&carried);
	return rc;
}

int branch_prepare(const struct config *c, struct doc *parent, size_t i, size_t j, struct branch_req *br,
		   struct ts_err *err)
{
	enum branch_way way;
	int rc;

	*br = (struct branch_req){ .at = i };
	buf_init(&br->body, 64u * 1024 * 1024);
	if (i >= doc_count(parent) || j >= doc_token(parent, i)->nalt) {
		buf_fini(&br->body);
		return ts_err_set(err, TS_EINVAL, "no alternative %zu at token %zu", j + 1, i + 1);
	}
	rc = branch_endpoint(c, parent, &br->ep, &way, err);
	if (!rc)
		rc = branch_make_body(br, parent, i, j, way, err);
	if (!rc) {
		br->doc = doc_new();
		rc = br->doc ? branch_doc(parent, i, j, br->doc, err) : ts_err_set(err, TS_ENOMEM, "out of memory");
	}
	if (rc) {
		branch_req_fini(br);
		return rc;
	}
	br->xo.ep = &br->ep;
	br->xo.body = buf_str(&br->body);
	br->xo.connect_timeout_s = c->s.connect_timeout_s;
	br->xo.idle_timeout_s = c->s.idle_timeout_s;
	branch_request_params(br, parent);
	return TS_OK;
}

void branch_req_fini(struct branch_req *br)
{
	doc_free(br->doc);
	br->doc = NULL;
	buf_fini(&br->body);
}

/* ---- the tree --------------------------------------------------------- */

static long branch_find_uid(const struct doc *const *docs, size_t n, const char *uid, size_t self)
{
	for (size_t k = 0; k < n; k++)
		if (k != self && str_is(doc_meta(docs[k], DOC_META_UID), uid))
			return (long)k;
	return -1;
}

/* Appends k and its descendants to order (depth first). Iterative, so a
 * deep chain of branches cannot exhaust the stack: a node's next child is
 * searched from where the previous one was found. */
static void branch_walk(const long *parent, size_t n, size_t k, size_t *order, size_t *no, size_t *depth,
			bool *seen, size_t *next)
{
	size_t top = k;

	seen[k] = true;
	depth[k] = 0;
	order[(*no)++] = k;
	next[k] = 0;
	while (true) {
		size_t c = next[top];

		while (c < n && (seen[c] || parent[c] != (long)top))
			c++;
		next[top] = c + 1;
		if (c < n) {
			seen[c] = true;
			depth[c] = depth[top] + 1;
			order[(*no)++] = c;
			next[c] = 0;
			top = c;
		} else if (top == k) {
			return;
		} else {
			top = (size_t)parent[top];
		}
	}
}

void branch_tree(const struct doc *const *docs, size_t n, long *parent, size_t *order, size_t *depth)
{
	bool *seen = calloc(n ? n : 1, sizeof *seen);
	size_t *next = calloc(n ? n : 1, sizeof *next);
	size_t no = 0;

	for (size_t k = 0; k < n; k++) {
		const char *of = doc_meta(docs[k], DOC_META_BRANCH_OF);

		parent[k] = of ? branch_find_uid(docs, n, of, k) : -1;
		order[k] = k;
		depth[k] = 0;
	}
	if (!seen || !next) {   /* out of memory: a flat list */
		for (size_t k = 0; k < n; k++)
			parent[k] = -1;
		free(seen);
		free(next);
		return;
	}
	for (size_t k = 0; k < n; k++)
		if (parent[k] < 0)
			branch_walk(parent, n, k, order, &no, depth, seen, next);
	/* What is left hangs in a cycle: cut it at its first member. */
	for (size_t k = 0; k < n; k++)
		if (!seen[k]) {
			parent[k] = -1;
			branch_walk(parent, n, k, order, &no, depth, seen, next);
		}
	free(seen);
	free(next);
}
