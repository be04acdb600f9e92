/* The openai-chat reader (yajl, event by event, no tree) against the tree
 * reader it replaced, kept below as the reference: for every recording's
 * chunks and for many random, valid JSON objects shaped like chunks (keys
 * duplicated, missing, reordered or of the wrong type, lists given as
 * objects, entries that are not objects, bytes out of range, more
 * alternatives than a document holds, escapes, NULs, numbers of every
 * form), both must give the same status, the same message and equal
 * documents. Then what only malformed JSON can show. */
#include "tests/unit/testutil.h"

#include <cJSON.h>
#include <dirent.h>
#include <math.h>

#include "src/buf.h"
#include "src/dialect.h"
#include "src/doc.h"

/* ---- the reference: the former cJSON reader, unchanged ---------------- */

/* Scratch space for one token entry: its bytes and its alternatives'. */
struct ref_scratch {
	struct buf bytes;
	size_t offs[DOC_MAX_ALTS + 1];
	struct doc_alt_in alts[DOC_MAX_ALTS];
};

/* Appends the bytes of entry e (its "bytes" array, else its "token" text)
 * to sc->bytes; *derived tells which. */
static int ref_entry_bytes(const cJSON *e, struct ref_scratch *sc, bool *derived, struct ts_err *err)
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

static int ref_entry_logprob(const cJSON *e, double *lp, struct ts_err *err)
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

static int32_t ref_entry_id(const cJSON *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "id");

	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (int32_t)v->valuedouble : -1;
}

/* Parses one content[] entry and appends it to d. */
static int ref_append_entry(struct doc *d, const cJSON *e, struct ref_scratch *sc, double now_ms,
			   struct ts_err *err)
{
	const cJSON *top = cJSON_GetObjectItemCaseSensitive(e, "top_logprobs");
	const cJSON *a;
	struct doc_token_in in = { .id = ref_entry_id(e), .t_ms = now_ms, .alts = sc->alts };
	size_t n = 0;
	int rc;

	buf_reset(&sc->bytes);
	rc = ref_entry_bytes(e, sc, &in.bytes_derived, err);
	if (!rc)
		rc = ref_entry_logprob(e, &in.logprob, err);
	if (rc)
		return rc;
	sc->offs[0] = sc->bytes.len;
	cJSON_ArrayForEach(a, top) {
		bool derived;

		if (n == DOC_MAX_ALTS)
			return ts_err_set(err, TS_ETOOBIG, "more than %u alternatives", DOC_MAX_ALTS);
		rc = ref_entry_bytes(a, sc, &derived, err);
		if (!rc)
			rc = ref_entry_logprob(a, &sc->alts[n].logprob, err);
		if (rc)
			return rc;
		sc->alts[n].id = ref_entry_id(a);
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

static void ref_meta(struct doc *d, const cJSON *root)
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
static int ref_choice(struct doc *d, const cJSON *choice, const char *textkey, struct ref_scratch *sc,
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
			int rc = ref_append_entry(d, e, sc, now_ms, err);

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

static const cJSON *ref_first_choice(const cJSON *root)
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
static int ref_parse_object(struct doc *d, const char *json, size_t len, const char *textkey,
			   double now_ms, bool *saw_logprobs, struct ts_err *err)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	struct ref_scratch *sc = NULL;
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
	ref_meta(d, root);
	choice = ref_first_choice(root);
	if (choice) {
		sc = calloc(1, sizeof *sc);
		if (!sc) {
			cJSON_Delete(root);
			return ts_err_set(err, TS_ENOMEM, "out of memory");
		}
		buf_init(&sc->bytes, 16u * DOC_MAX_TOKEN_LEN);
		rc = ref_choice(d, choice, textkey, sc, now_ms, &ntok, err);
		buf_fini(&sc->bytes);
		free(sc);
	}
	if (ntok)
		*saw_logprobs = true;
	cJSON_Delete(root);
	return rc;
}


/* ---- running both ----------------------------------------------------- */

struct outcome {
	int rc;
	struct ts_err err;
	bool saw;
};

/* A document with something in it already, so that the meta comparison
 * (set only when different) and appending after tokens are exercised. */
static struct doc *doc_seeded(bool seed)
{
	struct doc *d = doc_new();
	struct doc_token_in t = { .bytes = (const uint8_t *)"x", .len = 1, .logprob = -0.5, .id = -1, .t_ms = -1 };

	assert_non_null(d);
	if (seed) {
		assert_int_equal(doc_set_meta(d, DOC_META_MODEL, "m"), TS_OK);
		assert_int_equal(doc_append(d, &t, NULL), TS_OK);
	}
	return d;
}

static void run_reference(struct doc *d, const char *json, size_t len, bool body, struct outcome *o)
{
	ts_err_clear(&o->err);
	o->saw = false;
	o->rc = ref_parse_object(d, json, len, body ? "message" : "delta", 7.5, &o->saw, &o->err);
	if (body && !o->rc && !o->saw && doc_count(d) == 0) {
		size_t plen;

		doc_plain(d, &plen);
		if (plen)
			doc_info(d)->logprobs_missing = true;
	}
}

static void run_dialect(struct doc *d, const char *json, size_t len, bool body, struct outcome *o)
{
	struct dialect_stream st = { .now_ms = 7.5 };
	struct sse_event ev = { .event = "", .data = json, .data_len = len, .id = "" };

	ts_err_clear(&o->err);
	if (body) {
		o->rc = dialect_openai_chat.parse_body(d, json, len, 7.5, &o->err);
		o->saw = false;
		return;
	}
	o->rc = dialect_openai_chat.parse_event(d, &st, &ev, &o->err);
	o->saw = st.saw_logprobs;
	dialect_openai_chat.stream_fini(&st);
}

/* Both readers on one text, in stream and body mode, on an empty and a
 * seeded document: same outcome, same document. */
static void compare_on(const char *json, size_t len)
{
	for (int mode = 0; mode < 4; mode++) {
		bool body = mode & 1, seed = mode & 2;
		struct doc *a = doc_seeded(seed), *b = doc_seeded(seed);
		struct outcome ra, rb;

		run_reference(a, json, len, body, &ra);
		run_dialect(b, json, len, body, &rb);
		if (ra.rc != rb.rc || (!body && ra.saw != rb.saw) ||
		    (ra.rc && ra.rc != TS_EJSON && strcmp(ra.err.msg, rb.err.msg)) || !doc_equal(a, b))
			fail_msg("readers differ (%s, %s): reference %s '%s', yajl %s '%s', docs %s\n%.*s",
				 body ? "body" : "stream", seed ? "seeded" : "empty", ts_errname(ra.rc),
				 ra.err.msg, ts_errname(rb.rc), rb.err.msg, doc_equal(a, b) ? "equal" : "differ",
				 (int)(len < 3000 ? len : 3000), json);
		doc_free(a);
		doc_free(b);
	}
}

static void compare(const char *json)
{
	compare_on(json, strlen(json));
}

/* ---- random chunks ---------------------------------------------------- */

enum kind {
	K_ANY, K_ROOT, K_USAGE, K_CHOICES, K_CHOICE, K_MSG, K_LOGPROBS, K_LIST, K_ENTRY, K_ALTS,
	K_ALT, K_BYTES, K_BYTE, K_NUM, K_INT, K_STR,
};

struct member {
	const char *key;
	enum kind kind;
};

struct gen {
	struct buf *b;
	uint32_t seed;
};

static const struct member root_members[] = {
	{ "choices", K_CHOICES }, { "model", K_STR }, { "id", K_STR }, { "system_fingerprint", K_STR },
	{ "created", K_INT }, { "usage", K_USAGE }, { "object", K_STR },
};
/* A server's error object, now and then beside the usual members. */
static const struct member error_root_members[] = {
	{ "choices", K_CHOICES }, { "model", K_STR }, { "error", K_ANY },
};
static const struct member usage_members[] = {
	{ "prompt_tokens", K_INT }, { "completion_tokens", K_INT }, { "total_tokens", K_INT },
};
static const struct member choice_members[] = {
	{ "logprobs", K_LOGPROBS }, { "index", K_INT }, { "finish_reason", K_STR }, { "delta", K_MSG },
	{ "message", K_MSG },
};
static const struct member msg_members[] = { { "content", K_STR }, { "role", K_STR } };
static const struct member logprobs_members[] = { { "content", K_LIST }, { "refusal", K_LIST } };
static const struct member entry_members[] = {
	{ "token", K_STR }, { "logprob", K_NUM }, { "bytes", K_BYTES }, { "top_logprobs", K_ALTS },
	{ "id", K_INT },
};
static const struct member alt_members[] = {
	{ "token", K_STR }, { "logprob", K_NUM }, { "bytes", K_BYTES }, { "id", K_INT },
	{ "top_logprobs", K_ALTS },
};

/* Number texts where readers go wrong: signs, exponents, the exact-double
 * boundaries (2^53, 10^22), sentinels, values that round, overflows. */
static const char *const numbers[] = {
	"0", "-0", "1", "-1", "0.5", "-0.5", "1e2", "1E-2", "-1.5e+3", "255", "256", "-9999.0",
	"-3.4028234663852886e+38", "-0.27257844805717468", "-0.2725784480571747", "9007199254740992",
	"9007199254740993", "-9007199254740993e-16", "-1e-7", "123456789012345678", "0.1",
	"-2.2250738585072014e-308", "1e22", "1e23", "-1e-22", "-1e-23", "-100", "-100.00000000000001",
	"3.0000000000000004", "2147483648", "-2147483649", "0.99", "-0.99", "1.0", "1e400", "-1e400",
	"4.9e-324", "-0.0000000000000000000000001", "1.7976931348623157e308", "0.30000000000000004",
	"-5.0000000000000001", "12.5", "-0.000123456789012345678", "65.9", "2.55e2", "-0.4e-0",
};

/* String literals: plain, UTF-8, escapes (NUL, surrogate pairs), bytes that
 * are not UTF-8. */
static const char *const strings[] = {
	"\"\"", "\"a\"", "\" the\"", "\"token\"", "\"\xc3\xa9\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"",
	"\"a\\u0000b\"", "\"\\u0000\"", "\"a\\nb\\t\"", "\"\\\"\\\\\\/\"", "\"\xff\xfe\"", "\"\xe6\x97\xa5\xe6\x9c\xac\"",
	"\"stop\"", "\"length\"", "\"bytes:\\\\xf0\\\\x9f\"", "\"m\"", "\"mailcls\"", "\" \"",
};

static uint32_t rnd(struct gen *g, uint32_t n)
{
	return tu_rand(&g->seed) % n;
}

static void put(struct gen *g, const char *s)
{
	assert_int_equal(buf_puts(g->b, s), TS_OK);
}

static void put_digits(struct gen *g, uint32_t n, bool lead)
{
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(buf_putc(g->b, (lead && i == 0 ? '1' + (int)rnd(g, 9) : '0' + (int)rnd(g, 10))), TS_OK);
}

/* A valid JSON number of at most 63 characters. */
static void gen_number(struct gen *g)
{
	if (rnd(g, 2)) {
		put(g, numbers[rnd(g, sizeof numbers / sizeof *numbers)]);
		return;
	}
	if (rnd(g, 2))
		put(g, "-");
	if (rnd(g, 4))
		put_digits(g, 1 + rnd(g, 18), true);
	else
		put(g, "0");
	if (rnd(g, 3)) {
		put(g, ".");
		put_digits(g, 1 + rnd(g, 20), false);
	}
	if (!rnd(g, 4)) {
		put(g, rnd(g, 2) ? "e" : "E");
		put(g, (const char *[]){ "", "+", "-" }[rnd(g, 3)]);
		put_digits(g, 1 + rnd(g, 2), false);
	}
}

static void gen_value(struct gen *g, enum kind k, int depth);

static void gen_scalar(struct gen *g)
{
	switch (rnd(g, 5)) {
	case 0: put(g, "null"); break;
	case 1: put(g, rnd(g, 2) ? "true" : "false"); break;
	case 2: gen_number(g); break;
	default: put(g, strings[rnd(g, sizeof strings / sizeof *strings)]); break;
	}
}

static void gen_any(struct gen *g, int depth)
{
	uint32_t r = rnd(g, depth > 3 ? 4 : 6);

	if (r < 4) {
		gen_scalar(g);
	} else if (r == 4) {
		put(g, "[");
		for (uint32_t i = 0, n = rnd(g, 3); i < n; i++) {
			put(g, i ? "," : "");
			gen_any(g, depth + 1);
		}
		put(g, "]");
	} else {
		put(g, "{\"x\":");
		gen_any(g, depth + 1);
		put(g, "}");
	}
}

/* A key: usually as is, sometimes escaped, cut by a NUL, in the wrong case
 * or unknown. */
static void gen_key(struct gen *g, const char *key)
{
	uint32_t r = rnd(g, 40);

	if (r == 0 && key[0] >= 'a' && key[0] <= 'z') {
		char tmp[64];

		snprintf(tmp, sizeof tmp, "\"\\u%04x%s\":", key[0], key + 1);
		put(g, tmp);
	} else if (r == 1) {
		put(g, "\"");
		put(g, key);
		put(g, "\\u0000z\":");
	} else if (r == 2 && key[0] >= 'a' && key[0] <= 'z') {
		char tmp[64];

		snprintf(tmp, sizeof tmp, "\"%c%s\":", key[0] - 32, key + 1);
		put(g, tmp);
	} else if (r == 3) {
		put(g, "\"unknown\":");
	} else {
		put(g, "\"");
		put(g, key);
		put(g, "\":");
	}
}

/* An object of members drawn (with repeats) from m, in random order. */
static void gen_object(struct gen *g, const struct member *m, size_t nm, int depth)
{
	uint32_t n = rnd(g, 8) == 0 ? rnd(g, (uint32_t)nm * 2 + 1) : (uint32_t)nm;
	uint32_t start = rnd(g, (uint32_t)nm);

	put(g, "{");
	for (uint32_t i = 0; i < n; i++) {
		const struct member *x = rnd(g, 6) ? &m[(start + i) % nm] : &m[rnd(g, (uint32_t)nm)];

		put(g, i ? "," : "");
		gen_key(g, x->key);
		gen_value(g, x->kind, depth + 1);
	}
	put(g, "}");
}

/* A list: an array, or (rarely) an object whose members are the elements. */
static void gen_list(struct gen *g, enum kind elem, uint32_t max, int depth)
{
	uint32_t n = rnd(g, max + 1);
	bool obj = rnd(g, 12) == 0;

	if (elem == K_ALT && rnd(g, 60) == 0)
		n = DOC_MAX_ALTS + rnd(g, 3);   /* past what a document holds */
	put(g, obj ? "{" : "[");
	for (uint32_t i = 0; i < n; i++) {
		put(g, i ? "," : "");
		if (obj)
			put(g, "\"k\":");
		gen_value(g, elem, depth + 1);
	}
	put(g, obj ? "}" : "]");
}

static void gen_byte(struct gen *g)
{
	static const char *const odd[] = { "256", "-1", "65.5", "1e2", "-0", "255.9", "\"a\"", "null", "[]" };
	char tmp[8];

	if (rnd(g, 25) == 0) {
		put(g, odd[rnd(g, sizeof odd / sizeof *odd)]);
		return;
	}
	snprintf(tmp, sizeof tmp, "%u", 32 + rnd(g, 224));
	put(g, tmp);
}

#define MEMBERS(a) a, sizeof a / sizeof *a

static void gen_value(struct gen *g, enum kind k, int depth)
{
	if (depth > 9) {
		gen_scalar(g);
		return;
	}
	if (k == K_ANY || rnd(g, 14) == 0) {
		gen_any(g, depth);
		return;
	}
	switch (k) {
	case K_ROOT:
		if (rnd(g, 30) == 0)
			gen_object(g, MEMBERS(error_root_members), depth);
		else
			gen_object(g, MEMBERS(root_members), depth);
		break;
	case K_USAGE: gen_object(g, MEMBERS(usage_members), depth); break;
	case K_CHOICES: gen_list(g, K_CHOICE, 2, depth); break;
	case K_CHOICE: gen_object(g, MEMBERS(choice_members), depth); break;
	case K_MSG: gen_object(g, MEMBERS(msg_members), depth); break;
	case K_LOGPROBS: gen_object(g, MEMBERS(logprobs_members), depth); break;
	case K_LIST: gen_list(g, K_ENTRY, 3, depth); break;
	case K_ENTRY: gen_object(g, MEMBERS(entry_members), depth); break;
	case K_ALTS: gen_list(g, K_ALT, 5, depth); break;
	case K_ALT: gen_object(g, MEMBERS(alt_members), depth); break;
	case K_BYTES: gen_list(g, K_BYTE, 5, depth); break;
	case K_BYTE: gen_byte(g); break;
	case K_INT: put(g, (const char *[]){ "0", "1", "2", "-1", "0.5", "-0.7", "1e9", "45" }[rnd(g, 8)]); break;
	case K_NUM: gen_number(g); break;
	default: gen_scalar(g); break;
	}
}

static void random_chunks_read_the_same(void **state)
{
	struct buf b;
	struct gen g = { .b = &b, .seed = 20261123 };
	int rounds = tu_quick() ? 1000 : 8000;

	(void)state;
	buf_init(&b, 0);
	for (int i = 0; i < rounds; i++) {
		buf_reset(&b);
		gen_value(&g, K_ROOT, 0);
		compare_on(buf_str(&b), b.len);
	}
	buf_fini(&b);
}

/* ---- recordings and hand-made cases ------------------------------------ */

/* Every data: line of every chat recording, and every whole body. */
static void recordings_read_the_same(void **state)
{
	static const char *const sets[] = { "llamacpp-stories260k", "llamacpp-mailcls/mailcls-190K",
					    "llamacpp-mailcls/mailcls-1M" };
	size_t chunks = 0;

	(void)state;
	for (size_t s = 0; s < 3; s++) {
		char path[600];
		DIR *dir;
		struct dirent *de;

		snprintf(path, sizeof path, "tests/fixtures/%s", sets[s]);
		dir = opendir(path);
		assert_non_null(dir);
		while ((de = readdir(dir))) {
			char *body, *save = NULL;
			size_t len;

			if (de->d_name[0] == '.' || strchr(de->d_name, '.'))
				continue;
			snprintf(path, sizeof path, "tests/fixtures/%s/%s/response", sets[s], de->d_name);
			body = tu_read_file(path, &len);
			if (body[0] == '{') {
				compare_on(body, len);
				chunks++;
			}
			for (char *line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				if (strncmp(line, "data: {", 7) == 0 || strncmp(line, "error: {", 8) == 0) {
					compare(strchr(line, '{'));
					chunks++;
				}
			}
			free(body);
		}
		closedir(dir);
	}
	assert_true(chunks > 1000);
}

static void hand_made_chunks_read_the_same(void **state)
{
	static const char *const cases[] = {
		/* a tie in rank: the chosen token is matched by id, not bytes */
		("{\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[{\"id\":5,\"token\":\"a\",\"bytes\":[97],\"logprob\":-1,"
		 "\"top_logprobs\":[{\"id\":4,\"token\":\"a\",\"bytes\":[97],\"logprob\":-0.5},{\"id\":5,\"token\":\"a\",\"bytes\":[97],\"logprob\":-1}]}]}}]}"),
		/* the second choice is the answer when the first has index 1 */
		"{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"no\"}},{\"index\":0,\"delta\":{\"content\":\"yes\"},\"finish_reason\":\"stop\"}]}",
		/* refusal tokens after content tokens, whatever the key order */
		"{\"choices\":[{\"logprobs\":{\"refusal\":[{\"token\":\"r\",\"logprob\":-2}],\"content\":[{\"token\":\"c\",\"logprob\":-1}]}}]}",
		/* an error in content stops before refusal is read */
		"{\"choices\":[{\"logprobs\":{\"refusal\":[{\"token\":\"r\",\"logprob\":-2}],\"content\":[{\"token\":\"c\",\"logprob\":-1},{\"token\":\"d\"}]}}]}",
		/* bytes errors before logprob errors; alternatives after the token */
		"{\"choices\":[{\"logprobs\":{\"content\":[{\"top_logprobs\":[{\"bytes\":[300]}],\"token\":\"c\"}]}}]}",
		"{\"choices\":[{\"logprobs\":{\"content\":[{\"top_logprobs\":[{\"bytes\":[300]}],\"bytes\":[1,\"x\"],\"logprob\":null}]}}]}",
		/* an error object, even after the tokens */
		"{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"c\",\"logprob\":-1}]}}],\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}",
		"{\"error\":null}",
		/* not objects at the root, a BOM, text after the value */
		"[{\"choices\":[]}]", "\"x\"", "12", "null",
		"\xef\xbb\xbf{\"model\":\"bom\"}", "{\"model\":\"tail\"} trailing", "  {\"model\":\"sp\"}\n",
		/* text without logprobs, and with an empty logprobs list */
		"{\"choices\":[{\"delta\":{\"content\":\"plain\"},\"logprobs\":null}],\"model\":\"m2\",\"created\":17}",
		"{\"choices\":[{\"message\":{\"content\":\"plain\"},\"logprobs\":{\"content\":[]}}]}",
		/* usage only, as the last chunk of a stream */
		"{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		compare(cases[i]);
}

/* One entry whose bytes pass what one entry may hold (16 x 65535 bytes,
 * alternatives included): as text, as a bytes array, spread over
 * alternatives. */
static void entries_past_the_byte_limit_read_the_same(void **state)
{
	struct buf b;
	size_t big = 16u * DOC_MAX_TOKEN_LEN + 1;

	(void)state;
	buf_init(&b, 0);
	buf_puts(&b, "{\"choices\":[{\"logprobs\":{\"content\":[{\"logprob\":-1,\"token\":\"");
	for (size_t i = 0; i < big; i++)
		buf_putc(&b, 'a');
	buf_puts(&b, "\"}]}}]}");
	compare_on(buf_str(&b), b.len);
	buf_reset(&b);
	buf_puts(&b, "{\"choices\":[{\"logprobs\":{\"content\":[{\"logprob\":-1,\"token\":\"t\",\"top_logprobs\":[");
	for (int j = 0; j < 20; j++) {
		buf_puts(&b, j ? ",{\"logprob\":-2,\"token\":\"" : "{\"logprob\":-2,\"token\":\"");
		for (size_t i = 0; i < 60000; i++)
			buf_putc(&b, 'b');
		buf_puts(&b, "\"}");
	}
	buf_puts(&b, "]}]}}]}");
	compare_on(buf_str(&b), b.len);
	if (!tu_quick()) {
		buf_reset(&b);
		buf_puts(&b, "{\"choices\":[{\"logprobs\":{\"content\":[{\"logprob\":-1,\"bytes\":[");
		for (size_t i = 0; i < big; i++)
			buf_puts(&b, i ? ",7" : "7");
		buf_puts(&b, ",300]}]}}]}");
		compare_on(buf_str(&b), b.len);
	}
	buf_fini(&b);
}

/* Malformed JSON changes nothing in the document and says so; so does
 * nesting deeper than 1000 (the former reader's limit), while 1000 levels
 * read. Numbers of any length read as strtod reads them. */
static void malformed_chunks_fail_and_change_nothing(void **state)
{
	static const char *const bad[] = {
		"", "   ", "{", "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]", "{\"a\":}", "{\"a\" 1}",
		"{\"a\":1,}", "[1,]", "{\"a\":tru}", "{\"a\":\"b}", "{\"a\":\"\\x\"}", "{'a':1}",
	};
	struct buf b;

	(void)state;
	for (size_t i = 0; i < 2 * sizeof bad / sizeof *bad; i++) {
		const char *json = bad[i / 2];
		struct doc *d, *ref;
		struct outcome o;

		if (i % 2 == 0 && !*json)
			continue;   /* an event without data is no chunk at all */
		d = doc_seeded(true);
		ref = doc_seeded(true);
		run_dialect(d, json, strlen(json), i % 2, &o);
		if (o.rc != TS_EJSON || !strstr(o.err.msg, "malformed JSON") || !doc_equal(d, ref))
			fail_msg("'%s': %s '%s'", json, ts_errname(o.rc), o.err.msg);
		doc_free(d);
		doc_free(ref);
	}
	buf_init(&b, 0);
	for (int depth = 999; depth <= 1001; depth++) {
		buf_reset(&b);
		buf_puts(&b, "{\"x\":");
		for (int i = 1; i < depth - 1; i++)
			buf_putc(&b, '[');
		buf_puts(&b, "{}");
		for (int i = 1; i < depth - 1; i++)
			buf_putc(&b, ']');
		buf_puts(&b, ",\"model\":\"deep\"}");
		compare_on(buf_str(&b), b.len);
	}
	compare("{\"created\":1234567890123456789012345678901234567890123456789012345678901.5,\"model\":\"n\"}");
	compare("{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"a\",\"logprob\":"
		"-0.1000000000000000055511151231257827021181583404541015625000000000000000000000000000001}]}}]}");
	buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recordings_read_the_same),
		cmocka_unit_test(hand_made_chunks_read_the_same),
		cmocka_unit_test(random_chunks_read_the_same),
		cmocka_unit_test(entries_past_the_byte_limit_read_the_same),
		cmocka_unit_test(malformed_chunks_fail_and_change_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
