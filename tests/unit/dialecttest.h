/* dialecttest.h — helpers shared by the dialect tests (header-only).
 *
 * A case is a recording directory (tests/fixtures/...: response,
 * headers.txt, request.json, meta.txt), read the way replay.c reads it:
 * the dialect from meta.txt's "dialect:" line or its endpoint's path, a
 * stream when the request asked for one or the response is an event
 * stream or JSON lines. dt_check_splits is the parser test every stream
 * shape gets: the document (and outcome) from the whole body equals the
 * one from every split into two pieces and from one byte at a time. */
#ifndef TOKSCOPE_DIALECTTEST_H
#define TOKSCOPE_DIALECTTEST_H

#include "tests/unit/testutil.h"

#include <cJSON.h>
#include <math.h>
#include <stdbool.h>

#include "src/dialect.h"
#include "src/doc.h"
#include "src/ingest.h"

struct dt_case {
	char dir[512];
	char *body;
	size_t len;
	long status;
	bool stream;
	const struct dialect *dl;
};

/* The value of "key: value" in meta (copied into out, "" when absent). */
static inline void dt_meta_value(const char *meta, const char *key, char *out, size_t outsz)
{
	size_t klen = strlen(key);

	out[0] = '\0';
	for (const char *p = meta; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			const char *v = p + klen + 1;

			while (*v == ' ')
				v++;
			snprintf(out, outsz, "%.*s", (int)strcspn(v, "\n"), v);
			return;
		}
	}
}

/* Loads the case in dir (a path under tests/fixtures). */
static inline void dt_load(struct dt_case *c, const char *dir)
{
	char path[1024], name[64], endpoint[512], *meta, *hdr, *req = NULL;
	cJSON *j;
	FILE *f;

	*c = (struct dt_case){ 0 };
	snprintf(c->dir, sizeof c->dir, "%s", dir);
	snprintf(path, sizeof path, "%s/meta.txt", dir);
	meta = tu_read_file(path, NULL);
	dt_meta_value(meta, "dialect", name, sizeof name);
	dt_meta_value(meta, "endpoint", endpoint, sizeof endpoint);
	c->dl = name[0] ? dialect_find(name) : dialect_for_endpoint(endpoint);
	if (!c->dl)
		fail_msg("%s: no dialect for '%s' / '%s'", dir, name, endpoint);
	free(meta);
	snprintf(path, sizeof path, "%s/response", dir);
	c->body = tu_read_file(path, &c->len);
	snprintf(path, sizeof path, "%s/headers.txt", dir);
	hdr = tu_read_file(path, NULL);
	c->status = strtol(strchr(hdr, ' ') + 1, NULL, 10);
	c->stream = strstr(hdr, "text/event-stream") || strstr(hdr, "ndjson");
	free(hdr);
	snprintf(path, sizeof path, "%s/request.json", dir);
	f = fopen(path, "rb");
	if (f) {
		fclose(f);
		req = tu_read_file(path, NULL);
		j = cJSON_Parse(req);
		c->stream = c->stream || cJSON_IsTrue(cJSON_GetObjectItem(j, "stream"));
		cJSON_Delete(j);
		free(req);
	}
}

static inline void dt_free(struct dt_case *c)
{
	free(c->body);
	c->body = NULL;
}

/* Ingests the body split at cuts (sorted, each < len) with dialect dl
 * (NULL: the case's), max_line 0 for the default. */
static inline int dt_ingest_with(struct doc *d, const struct dt_case *c, const struct dialect *dl,
				 const size_t *cuts, size_t ncuts, size_t max_line, struct ts_err *err)
{
	struct ingest_opts o = { .stream = c->stream, .max_line = max_line };
	struct ingest *in = ingest_new(d, dl ? dl : c->dl, &o);
	size_t at = 0;
	int rc = TS_OK;

	assert_non_null(in);
	ts_err_clear(err);
	ingest_set_status(in, c->status);
	for (size_t i = 0; i <= ncuts && !rc; i++) {
		size_t end = i < ncuts ? cuts[i] : c->len;

		rc = ingest_feed(in, c->body + at, end - at, 0, err);
		at = end;
	}
	if (!rc)
		rc = ingest_finish(in, 0, err);
	ingest_free(in);
	return rc;
}

static inline int dt_ingest(struct doc *d, const struct dt_case *c, struct ts_err *err)
{
	return dt_ingest_with(d, c, NULL, NULL, 0, 0, err);
}

/* Loads dir and ingests it whole into a new document (*rc the outcome). */
static inline struct doc *dt_run(const char *dir, int *rc, struct ts_err *err)
{
	struct dt_case c;
	struct doc *d = doc_new();

	dt_load(&c, dir);
	*rc = dt_ingest(d, &c, err);
	dt_free(&c);
	return d;
}

/* One byte at a time. */
static inline int dt_ingest_bytewise(struct doc *d, const struct dt_case *c, struct ts_err *err)
{
	struct ingest *in = ingest_new(d, c->dl, &(struct ingest_opts){ .stream = c->stream });
	int rc = TS_OK;

	assert_non_null(in);
	ts_err_clear(err);
	ingest_set_status(in, c->status);
	for (size_t i = 0; i < c->len && !rc; i++)
		rc = ingest_feed(in, c->body + i, 1, 0, err);
	if (!rc)
		rc = ingest_finish(in, 0, err);
	ingest_free(in);
	return rc;
}

/* Whole, split in two at every offset (every 13th in quick mode, for
 * valgrind), one byte at a time: the same outcome, message and document. */
static inline void dt_check_splits(const char *dir)
{
	struct dt_case c;
	struct doc *whole = doc_new(), *d = doc_new();
	struct ts_err e1, e2;
	size_t step = tu_quick() ? 13 : 1;
	int rc;

	dt_load(&c, dir);
	rc = dt_ingest(whole, &c, &e1);
	for (size_t cut = 1; cut < c.len; cut += step) {
		doc_clear(d);
		if (dt_ingest_with(d, &c, NULL, &cut, 1, 0, &e2) != rc || !doc_equal(whole, d) ||
		    strcmp(e1.msg, e2.msg) != 0)
			fail_msg("%s: split at %zu differs (%s '%s')", dir, cut, ts_errname(e2.code), e2.msg);
	}
	doc_clear(d);
	if (dt_ingest_bytewise(d, &c, &e2) != rc || !doc_equal(whole, d) || strcmp(e1.msg, e2.msg) != 0)
		fail_msg("%s: one byte at a time differs (%s '%s')", dir, ts_errname(e2.code), e2.msg);
	dt_free(&c);
	doc_free(whole);
	doc_free(d);
}

/* A copy of d's tokens and alternatives only: no metadata, usage or
 * timings, ids and the bytes-derived flag dropped. Two answers in
 * different shapes (one with token ids, one without; one with bytes, one
 * deriving them) are the same answer when their stripped copies are
 * doc_equal. */
static inline struct doc *dt_strip(const struct doc *d)
{
	struct doc *s = doc_new();
	struct doc_alt_in alts[DOC_MAX_ALTS];
	struct ts_err err;

	assert_non_null(s);
	for (size_t i = 0; i < doc_count(d); i++) {
		const struct doc_token *t = doc_token(d, i);
		struct doc_token_in in = { .logprob = t->logprob, .id = -1, .t_ms = -1, .alts = alts,
					   .nalt = t->nalt };

		in.bytes = doc_token_bytes(d, i, &in.len);
		for (size_t j = 0; j < t->nalt; j++) {
			const struct doc_alt *a = doc_alt(d, i, j);

			alts[j] = (struct doc_alt_in){ .logprob = a->logprob, .id = -1 };
			alts[j].bytes = doc_str(d, a->str, &alts[j].len);
		}
		assert_int_equal(doc_append(s, &in, &err), TS_OK);
	}
	return s;
}

/* Whether a and b hold the same answer, ignoring what legitimately
 * differs between shapes (see dt_strip). */
static inline bool dt_same_answer(const struct doc *a, const struct doc *b)
{
	struct doc *x = dt_strip(a), *y = dt_strip(b);
	bool same = doc_equal(x, y);

	doc_free(x);
	doc_free(y);
	return same;
}

/* The bytes of token i as a C string (for asserting short tokens). */
static inline const char *dt_tok(const struct doc *d, size_t i)
{
	static char buf[256];
	size_t len;
	const uint8_t *p = doc_token_bytes(d, i, &len);

	snprintf(buf, sizeof buf, "%.*s", (int)len, (const char *)p);
	return buf;
}

/* The whole answer's bytes as a C string (freed by the caller). */
static inline char *dt_text(const struct doc *d)
{
	size_t len;
	const uint8_t *p = doc_text(d, &len);
	char *s = malloc(len + 1);

	assert_non_null(s);
	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* The JSON objects of a body: each event's data (SSE "data: " lines or
 * JSON lines) of a stream, else the body. */
static inline cJSON *dt_objects(const struct dt_case *c)
{
	cJSON *all = cJSON_CreateArray();
	char *copy = strdup(c->body), *line, *save = NULL;

	for (line = strtok_r(copy, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		const char *json = !c->stream ? c->body : strncmp(line, "data: ", 6) == 0 ? line + 6 :
				   line[0] == '{' ? line : NULL;
		cJSON *j = json ? cJSON_Parse(json) : NULL;

		if (j)
			cJSON_AddItemToArray(all, j);
		if (!c->stream)
			break;
	}
	free(copy);
	return all;
}

static inline void dt_assert_bytes(const cJSON *bytes, const uint8_t *p, size_t n)
{
	const cJSON *b;
	size_t i = 0;

	assert_int_equal(cJSON_GetArraySize(bytes), n);
	cJSON_ArrayForEach(b, bytes)
		assert_int_equal(b->valueint, p[i++]);
}

/* log of a value read with prob (p) or as a logprob, clamped as doc.h does. */
static inline double dt_lp(const cJSON *e, bool prob)
{
	double v = cJSON_GetObjectItem(e, prob ? "prob" : "logprob")->valuedouble;

	v = prob ? log(v) : v;
	return v < DOC_LOGPROB_FLOOR ? DOC_LOGPROB_FLOOR : v;
}

/* Every token of d equals the entries found, object by object, by
 * entries(obj) (chat-shaped {id, token, bytes, logprob|prob,
 * top_logprobs|top_probs}), read independently of the parser. */
static inline void dt_assert_entries(const struct doc *d, const struct dt_case *c,
				     const cJSON *(*entries)(const cJSON *obj))
{
	cJSON *objs = dt_objects(c), *o;
	size_t i = 0;

	cJSON_ArrayForEach(o, objs) {
		const cJSON *e;

		cJSON_ArrayForEach(e, entries(o)) {
			bool prob = cJSON_HasObjectItem(e, "prob");
			const cJSON *alts = cJSON_GetObjectItem(e, prob ? "top_probs" : "top_logprobs"), *a;
			const struct doc_token *t = doc_token(d, i);
			size_t len, j = 0;
			const uint8_t *bytes;

			assert_true(i < doc_count(d));
			bytes = doc_token_bytes(d, i, &len);
			dt_assert_bytes(cJSON_GetObjectItem(e, "bytes"), bytes, len);
			assert_true(t->logprob == dt_lp(e, prob));
			assert_int_equal(t->id, cJSON_GetObjectItem(e, "id")->valueint);
			assert_int_equal(t->nalt, cJSON_GetArraySize(alts));
			cJSON_ArrayForEach(a, alts) {
				const struct doc_alt *da = doc_alt(d, i, j++);

				bytes = doc_str(d, da->str, &len);
				dt_assert_bytes(cJSON_GetObjectItem(a, "bytes"), bytes, len);
				assert_true(da->logprob == (float)dt_lp(a, prob));
			}
			i++;
		}
	}
	assert_int_equal(i, doc_count(d));
	cJSON_Delete(objs);
}

#endif
