/* ingest.h — the live path: response bytes → SSE or JSON lines (the
 * dialect's framing) → dialect → document.
 *
 * One ingest per exchange. Feed it the response body as it arrives
 * (from HTTP, a recording or a benchmark); it parses events as they complete
 * and appends tokens to the document, so the document is always up to date
 * with what has arrived. A non-streamed body (or an error body) is kept in a
 * bounded buffer and parsed at ingest_finish. */
#ifndef TOKSCOPE_INGEST_H
#define TOKSCOPE_INGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "src/dialect.h"
#include "src/doc.h"
#include "src/err.h"

#define INGEST_MAX_BODY (256u * 1024 * 1024)

struct ingest_opts {
	bool stream;            /* the body is a stream, framed as dl->framing says */
	size_t max_line;        /* line limit of the framing, 0 = default */
	size_t max_body;        /* non-streamed body limit, 0 = INGEST_MAX_BODY */
	size_t prefix;          /* tokens the document held before the response
				 * (a branch's prefix): they do not count as
				 * arrived */
};

struct ingest;

/* d and dl are borrowed and must outlive the ingest. */
struct ingest *ingest_new(struct doc *d, const struct dialect *dl, const struct ingest_opts *o);
void ingest_free(struct ingest *in);

/* Tells the ingest the HTTP status (call before feeding; 0 = unknown,
 * treated as 200). A status >= 400 makes the body an error body. */
void ingest_set_status(struct ingest *in, long http_status);

/* Feeds bytes that arrived at now_ms (ms since the request started; < 0 when
 * unknown, as in a replay: no timings are recorded then). Returns
 * TS_OK or the first error (the stream is then dead; the tokens so far stay
 * in the document). */
int ingest_feed(struct ingest *in, const char *p, size_t n, double now_ms, struct ts_err *err);

/* End of the body. Parses a non-streamed body; for a stream, checks that
 * the end marker came (else TS_ECUT, tokens kept, document marked
 * incomplete). An error status gives the server's message (TS_EHTTP). A
 * stream with text but no logprobs gives TS_ENOLOGPROBS (text kept). */
int ingest_finish(struct ingest *in, double now_ms, struct ts_err *err);

/* Whether at least one token (or plain text) has arrived. */
bool ingest_started(const struct ingest *in);

#endif
