/* ndjson.h — an incremental splitter for newline-delimited JSON streams.
 *
 * Ollama streams one JSON object per line (application/x-ndjson). Feed the
 * splitter bytes in any split (one byte at a time included); it calls back
 * once per complete, non-blank line with the line as the data of a struct
 * sse_event (event "", id "", no error, done false), so a dialect's one
 * parse_event serves both framings. Lines end with LF; a CR before it is
 * dropped. A line longer than the maximum fails the stream with TS_ETOOBIG
 * and a message naming the limit; after any failure every feed fails
 * again, like the SSE parser. */
#ifndef TOKSCOPE_NDJSON_H
#define TOKSCOPE_NDJSON_H

#include <stddef.h>

#include "src/err.h"
#include "src/sse.h"

struct ndjson_parser;

/* max_line 0 means SSE_DEFAULT_MAX_LINE. Returns NULL when out of memory. */
struct ndjson_parser *ndjson_parser_new(size_t max_line, sse_event_fn cb, void *ctx);
void ndjson_parser_free(struct ndjson_parser *p);  /* NULL-safe */

/* Splits n bytes. Returns TS_OK, the callback's status, or TS_ETOOBIG. */
int ndjson_parser_feed(struct ndjson_parser *p, const char *bytes, size_t n, struct ts_err *err);

/* End of input: a last line without its LF is dispatched. */
int ndjson_parser_finish(struct ndjson_parser *p, struct ts_err *err);

#endif
