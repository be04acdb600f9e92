/* sse.h — an incremental Server-Sent Events parser.
 *
 * Feed it bytes in any split (one byte at a time included); it calls back
 * once per complete event. Line ends may be LF, CRLF or CR, also mixed and
 * also with the CR and LF in different feeds. Implements the field rules of
 * the WHATWG EventSource spec: `data:` lines join with "\n", `event:` and
 * `id:` set the event's name and id, lines starting with ':' are comments,
 * one leading space after the colon is dropped, unknown fields are ignored.
 * Two extensions:
 *   - llama.cpp reports an error during generation as a line `error: {...}`
 *     (not `data:`); such a field is collected like data into `error`.
 *   - `data: [DONE]` (OpenAI's end marker) sets `done`.
 * A line longer than the maximum, or one event whose joined data (or error
 * text) is longer than it, fails the stream with TS_ETOOBIG and a message
 * naming the limit; after any failure every feed fails again. */
#ifndef TOKSCOPE_SSE_H
#define TOKSCOPE_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "src/err.h"

#define SSE_DEFAULT_MAX_LINE (4u * 1024 * 1024)

struct sse_event {
	const char *event;  /* "" when no event: field was given */
	const char *data;   /* joined data lines, NUL-terminated; "" when none */
	size_t data_len;
	const char *error;  /* joined error: lines (llama.cpp); NULL when none */
	size_t error_len;
	const char *id;     /* last id: seen in the stream so far, "" when none */
	bool done;          /* data is exactly "[DONE]" */
};

/* Called once per dispatched event. The pointers in ev are valid only during
 * the call. Return TS_OK to go on; any other value stops the parser and is
 * returned from sse_parser_feed (the callback may fill the err it was given
 * through the parser's feed call). */
typedef int (*sse_event_fn)(void *ctx, const struct sse_event *ev, struct ts_err *err);

struct sse_parser;

/* max_line 0 means SSE_DEFAULT_MAX_LINE. Returns NULL when out of memory. */
struct sse_parser *sse_parser_new(size_t max_line, sse_event_fn cb, void *ctx);
void sse_parser_free(struct sse_parser *p);  /* NULL-safe */

/* Parses n bytes. Returns TS_OK, the callback's status, or TS_ETOOBIG. */
int sse_parser_feed(struct sse_parser *p, const char *bytes, size_t n, struct ts_err *err);

/* End of input: a final line without its line end is processed, and a
 * pending event (data or error collected but no blank line yet) is
 * dispatched, since servers sometimes close without the last blank line. */
int sse_parser_finish(struct sse_parser *p, struct ts_err *err);

/* Number of events dispatched so far. */
size_t sse_parser_events(const struct sse_parser *p);

#endif
