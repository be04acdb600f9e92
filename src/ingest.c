#include "src/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/buf.h"
#include "src/ndjson.h"
#include "src/sse.h"

struct ingest {
	struct doc *doc;
	const struct dialect *dl;
	struct ingest_opts opts;
	long status;
	bool sniffed;           /* decided whether a "stream" is really SSE */
	bool as_body;           /* collect the body and parse it at the end */
	bool failed;
	struct sse_parser *sse;
	struct ndjson_parser *nd;   /* instead of sse for DIALECT_NDJSON */
	struct dialect_stream st;
	struct buf body;
	struct ts_err first_err;
};

static int ingest_on_event(void *ctx, const struct sse_event *ev, struct ts_err *err)
{
	struct ingest *in = ctx;

	return in->dl->parse_event(in->doc, &in->st, ev, err);
}

struct ingest *ingest_new(struct doc *d, const struct dialect *dl, const struct ingest_opts *o)
{
	struct ingest *in = calloc(1, sizeof *in);

	if (!in)
		return NULL;
	in->doc = d;
	in->dl = dl;
	in->opts = *o;
	buf_init(&in->body, o->max_body ? o->max_body : INGEST_MAX_BODY);
	if (o->stream && dl->framing == DIALECT_NDJSON)
		in->nd = ndjson_parser_new(o->max_line, ingest_on_event, in);
	else if (o->stream)
		in->sse = sse_parser_new(o->max_line, ingest_on_event, in);
	if (o->stream && !in->sse && !in->nd) {
		buf_fini(&in->body);
		free(in);
		return NULL;
	}
	return in;
}

void ingest_free(struct ingest *in)
{
	if (!in)
		return;
	if (in->dl->stream_fini)
		in->dl->stream_fini(&in->st);
	sse_parser_free(in->sse);
	ndjson_parser_free(in->nd);
	buf_fini(&in->body);
	free(in);
}

void ingest_set_status(struct ingest *in, long http_status)
{
	in->status = http_status;
}

/* An error status or a JSON body where an event stream was expected (a
 * server that ignored "stream": true, or an error) is collected whole. A
 * JSON-lines stream starts with '{' anyway: only its status tells. */
static void ingest_sniff(struct ingest *in, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	if (i == n)
		return;
	in->sniffed = true;
	in->as_body = !in->opts.stream || in->status >= 400 ||
		      (in->dl->framing == DIALECT_SSE && (p[i] == '{' || p[i] == '['));
}

static int ingest_stream_feed(struct ingest *in, const char *p, size_t n, struct ts_err *err)
{
	return in->nd ? ndjson_parser_feed(in->nd, p, n, err) : sse_parser_feed(in->sse, p, n, err);
}

static int ingest_stream_finish(struct ingest *in, struct ts_err *err)
{
	return in->nd ? ndjson_parser_finish(in->nd, err) : sse_parser_finish(in->sse, err);
}

static void ingest_stamp(struct ingest *in, size_t before, double now_ms)
{
	struct doc_info *info = doc_info(in->doc);

	if (doc_count(in->doc) > before && info->ttft_ms < 0 && now_ms >= 0)
		info->ttft_ms = now_ms;
}

int ingest_feed(struct ingest *in, const char *p, size_t n, double now_ms, struct ts_err *err)
{
	size_t before = doc_count(in->doc);
	int rc;

	if (in->failed)
		return ts_err_set(err, in->first_err.code, "%s", ts_err_msg(&in->first_err));
	if (!in->sniffed)
		ingest_sniff(in, p, n);
	if (!in->sniffed || in->as_body) {
		rc = buf_append(&in->body, p, n);
		if (rc)
			rc = ts_err_set(err, rc, "response body larger than %zu bytes", in->body.max);
	} else {
		in->st.now_ms = now_ms;
		rc = ingest_stream_feed(in, p, n, err);
		ingest_stamp(in, before, now_ms);
	}
	if (rc) {
		in->failed = true;
		in->first_err.code = rc;
		snprintf(in->first_err.msg, sizeof in->first_err.msg, "%s", err ? ts_err_msg(err) : "");
		doc_info(in->doc)->incomplete = true;
	}
	return rc;
}

static int ingest_finish_body(struct ingest *in, double now_ms, struct ts_err *err)
{
	size_t before = doc_count(in->doc);
	int rc;

	if (in->status >= 400) {
		in->dl->parse_error(buf_str(&in->body), in->body.len, in->status, err);
		return err ? err->code : TS_EHTTP;
	}
	if (in->body.len == 0)
		return ts_err_set(err, TS_ECUT, "the server sent an empty response");
	rc = in->dl->parse_body(in->doc, buf_str(&in->body), in->body.len, now_ms, err);
	ingest_stamp(in, before, now_ms);
	return rc;
}

/* Text but no token: the server ignored the logprobs parameter. Names the
 * server (its origin and profile when known) and the model. */
static int ingest_check_logprobs(struct ingest *in, struct ts_err *err)
{
	const char *ep = doc_meta(in->doc, DOC_META_ENDPOINT), *prof = doc_meta(in->doc, DOC_META_PROFILE);
	const char *model = doc_meta(in->doc, DOC_META_MODEL);
	size_t plen;

	doc_plain(in->doc, &plen);
	if (doc_count(in->doc) > in->opts.prefix || plen == 0)
		return TS_OK;
	doc_info(in->doc)->logprobs_missing = true;
	return ts_err_set(err, TS_ENOLOGPROBS, "%s%s%s%s sent text without logprobs for model %s: it ignores "
			  "the logprobs parameter (as LM Studio, some OpenAI-compatible layers and many "
			  "OpenRouter models do); the text is shown without probabilities",
			  ep ? ep : "the server", prof ? " (profile " : "", prof ? prof : "", prof ? ")" : "",
			  model ? model : "unknown");
}

int ingest_finish(struct ingest *in, double now_ms, struct ts_err *err)
{
	int rc;

	doc_info(in->doc)->total_ms = now_ms >= 0 ? now_ms : -1;
	if (in->failed)
		return ts_err_set(err, in->first_err.code, "%s", ts_err_msg(&in->first_err));
	if (!in->sniffed || in->as_body) {
		rc = ingest_finish_body(in, now_ms, err);
	} else {
		/* A cut stream may end inside an event: what the last, partial
		 * event fails with matters less than that the stream was cut. */
		rc = ingest_stream_finish(in, err);
		if ((!rc || rc == TS_EJSON) && !in->st.done)
			rc = ts_err_set(err, TS_ECUT, "the stream ended before its end marker after %zu tokens%s",
					doc_count(in->doc) - in->opts.prefix, rc ? " (cut inside an event)" : "");
	}
	if (rc) {
		doc_info(in->doc)->incomplete = true;
		return rc;
	}
	return ingest_check_logprobs(in, err);
}

bool ingest_started(const struct ingest *in)
{
	size_t plen;

	doc_plain(in->doc, &plen);
	return doc_count(in->doc) > in->opts.prefix || plen > 0;
}
