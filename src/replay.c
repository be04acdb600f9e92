#include "src/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/buf.h"
#include "src/dialect.h"
#include "src/ingest.h"

#define REPLAY_MAX_FILE (64u * 1024 * 1024)

static int read_file(const char *dir, const char *name, struct buf *out, bool required, struct ts_err *err)
{
	char path[4096];
	char chunk[65536];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return required ? ts_err_set(err, TS_EIO, "cannot open %s", path) : TS_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(out, chunk, n)) {
			fclose(f);
			return ts_err_set(err, TS_ETOOBIG, "%s is larger than %u bytes", path, REPLAY_MAX_FILE);
		}
	}
	fclose(f);
	return TS_OK;
}

/* The value of "key: value" in a meta.txt, copied into out ("" if absent). */
static void meta_value(const char *meta, const char *key, char *out, size_t outsz)
{
	size_t klen = strlen(key);
	const char *p = meta;

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			const char *v = p + klen + 1, *e;

			while (*v == ' ')
				v++;
			e = strchr(v, '\n');
			snprintf(out, outsz, "%.*s", (int)(e ? e - v : (long)strlen(v)), v);
			return;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

/* A fixture built from documentation rather than recorded: "built from
 * documentation: Ollama API docs (...) · llama3.2". */
static void replay_built_from(struct doc *d, const char *meta, const char *source)
{
	char model[128], line[768];

	meta_value(meta, "model", model, sizeof model);
	snprintf(line, sizeof line, "%s%s%s", source, model[0] ? " · " : "", model);
	doc_set_meta(d, DOC_META_PROVENANCE, line);
}

/* "llama.cpp llama-server (commit c392e509) · mailcls-190K · recorded 2026-11-23" */
static void replay_provenance(struct doc *d, const char *meta)
{
	char server[256], model[128], when[64], line[512], source[512];
	char *paren, *dot;

	meta_value(meta, "source", source, sizeof source);
	if (source[0]) {
		replay_built_from(d, meta, source);
		return;
	}
	meta_value(meta, "server", server, sizeof server);
	meta_value(meta, "model_file", model, sizeof model);
	meta_value(meta, "recorded_utc_start", when, sizeof when);
	paren = strstr(server, ", commit ");
	if (paren) {
		char commit[9];

		snprintf(commit, sizeof commit, "%s", paren + 9);
		snprintf(paren, sizeof server - (size_t)(paren - server), " (commit %s)", commit);
	}
	dot = strstr(model, ".gguf");
	if (dot)
		*dot = '\0';
	snprintf(line, sizeof line, "%s · %s · recorded %.10s", server[0] ? server : "unknown server",
		 model[0] ? model : "unknown model", when[0] ? when : "?");
	doc_set_meta(d, DOC_META_PROVENANCE, line);
	doc_set_meta(d, DOC_META_STARTED, when[0] ? when : NULL);
}

static long status_of(const char *headers)
{
	const char *sp = strchr(headers, ' ');

	return sp ? strtol(sp + 1, NULL, 10) : 0;
}

static const char *base_name(const char *dir)
{
	size_t n = strlen(dir);
	const char *p;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (p = dir + n; p > dir && p[-1] != '/'; p--)
		;
	return p;
}

/* The k a recorded request asked for, whatever the dialect called it. */
static void replay_k(struct doc *d, const cJSON *root)
{
	static const char *const keys[] = { "top_logprobs", "logprobs", "n_probs" };
	const cJSON *gen = cJSON_GetObjectItemCaseSensitive(root, "generationConfig");
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(gen, "logprobs");

	for (size_t i = 0; i < 3 && !cJSON_IsNumber(k); i++)
		k = cJSON_GetObjectItemCaseSensitive(root, keys[i]);
	if (cJSON_IsNumber(k))
		doc_info(d)->k_requested = k->valueint;
}

/* Sets the request metadata and k; *stream: the request asked for a
 * stream (Ollama streams unless told not to). */
static void replay_request(struct doc *d, const char *req, const struct dialect *dl, bool *stream)
{
	cJSON *root = cJSON_Parse(req);
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "stream");
	char *flat = root ? cJSON_PrintUnformatted(root) : NULL;

	*stream = cJSON_IsTrue(st) || (dl->framing == DIALECT_NDJSON && root && !st);
	replay_k(d, root);
	doc_set_meta(d, DOC_META_REQUEST, flat);
	free(flat);
	cJSON_Delete(root);
}

/* Whether the recorded response was a stream, by its Content-Type. */
static bool headers_say_stream(const char *headers)
{
	return strstr(headers, "text/event-stream") || strstr(headers, "ndjson");
}

/* The dialect that spoke the recording: meta.txt's "dialect:" line (the
 * fixtures built from documentation name it), else its endpoint's path. */
static const struct dialect *replay_dialect(const char *meta, const char *dir, struct ts_err *err)
{
	char name[64], endpoint[512];
	const struct dialect *dl;

	meta_value(meta, "dialect", name, sizeof name);
	meta_value(meta, "endpoint", endpoint, sizeof endpoint);
	dl = name[0] ? dialect_find(name) : dialect_for_endpoint(endpoint);
	if (!dl && name[0])
		ts_err_set(err, TS_ESHAPE, "%s: unknown dialect '%s' in meta.txt", dir, name);
	else if (!dl)
		ts_err_set(err, TS_ESHAPE, "%s: recorded from %s, a shape this tokscope does not parse", dir,
			   endpoint[0] ? endpoint : "an unknown endpoint");
	return dl;
}

/* Feeds the body event by event (after each blank line), like a network. */
static int replay_feed(struct doc *d, struct ingest *in, const struct buf *body,
		       void (*on_progress)(void *, const struct doc *), void *ctx, struct ts_err *err)
{
	const char *p = buf_str(body), *end = p + body->len;

	while (p < end) {
		const char *e = strstr(p, "\n\n");
		size_t n = e ? (size_t)(e - p) + 2 : (size_t)(end - p);
		int rc = ingest_feed(in, p, n, -1, err);  /* recorded: no real timings */

		if (rc)
			return rc;
		if (on_progress)
			on_progress(ctx, d);
		p += n;
	}
	return ingest_finish(in, -1, err);
}

static int replay_run(struct doc *d, const char *dir, struct buf *files,
		      void (*on_progress)(void *, const struct doc *), void *ctx, struct ts_err *err)
{
	const struct dialect *dl = replay_dialect(buf_str(&files[3]), dir, err);
	char origin[256];
	struct ingest *in;
	bool stream;
	int rc;

	if (!dl)
		return TS_ESHAPE;
	replay_request(d, buf_str(&files[2]), dl, &stream);
	stream = stream || headers_say_stream(buf_str(&files[1]));
	snprintf(origin, sizeof origin, "replay of %s", base_name(dir));
	doc_set_meta(d, DOC_META_ENDPOINT, origin);
	doc_set_meta(d, DOC_META_DIALECT, dl->name);
	doc_set_meta(d, DOC_META_TITLE, base_name(dir));
	replay_provenance(d, buf_str(&files[3]));
	in = ingest_new(d, dl, &(struct ingest_opts){ .stream = stream });
	if (!in)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	ingest_set_status(in, status_of(buf_str(&files[1])));
	rc = replay_feed(d, in, &files[0], on_progress, ctx, err);
	ingest_free(in);
	if (rc && rc != TS_ENOLOGPROBS)
		doc_set_meta(d, DOC_META_ERROR, ts_err_msg(err));
	return rc;
}

int replay_dir(struct doc *d, const char *dir, void (*on_progress)(void *ctx, const struct doc *d),
	       void *ctx, struct ts_err *err)
{
	static const char *const names[] = { "response", "headers.txt", "request.json", "meta.txt" };
	struct buf files[4];
	int rc = TS_OK;

	doc_clear(d);
	for (size_t i = 0; i < 4; i++)
		buf_init(&files[i], REPLAY_MAX_FILE);
	for (size_t i = 0; i < 4 && !rc; i++)
		rc = read_file(dir, names[i], &files[i], i < 2, err);
	if (!rc)
		rc = replay_run(d, dir, files, on_progress, ctx, err);
	for (size_t i = 0; i < 4; i++)
		buf_fini(&files[i]);
	return rc;
}
