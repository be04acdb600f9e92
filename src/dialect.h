/* dialect.h — one API shape: request builder, body parser, stream parser.
 *
 * A dialect is a table entry (struct dialect) holding functions; adding a
 * provider shape means adding a module and one line to the table in
 * dialect.c, not a branch in every function. Parsers append to a document
 * and fill its metadata; they never see HTTP or the network. */
#ifndef TOKSCOPE_DIALECT_H
#define TOKSCOPE_DIALECT_H

#include <stdbool.h>
#include <stddef.h>

#include "src/buf.h"
#include "src/doc.h"
#include "src/err.h"
#include "src/sse.h"

/* What to ask. Strings are borrowed. */
struct req_params {
	const char *model;       /* NULL: omit the field */
	const char *system;      /* NULL or "": no system message */
	const char *prompt;      /* the user message */
	int max_tokens;          /* <= 0: omit */
	double temperature;      /* < 0: omit */
	int top_logprobs;        /* alternatives per token, >= 0 */
	bool stream;
};

/* Streaming parse state a dialect may keep between events. */
struct dialect_stream {
	bool done;             /* saw the end marker ([DONE] or equivalent) */
	bool saw_logprobs;     /* at least one token came with logprobs */
	size_t events;
	double now_ms;         /* arrival time of the bytes being parsed */
	void *priv;            /* dialect's own state, freed by stream_fini */
};

struct dialect {
	const char *name;        /* "openai-chat" */
	const char *path;        /* appended to the base URL: "/chat/completions" */
	const char *description;
	/* Writes the JSON request body into out. */
	int (*build_request)(const struct req_params *rp, struct buf *out, struct ts_err *err);
	/* Parses a whole non-streamed response body into d. */
	int (*parse_body)(struct doc *d, const char *body, size_t len, double now_ms,
			  struct ts_err *err);
	/* Parses one SSE event of a streamed response into d. An error carried
	 * in the stream (llama.cpp `error:` line, an {"error":...} chunk) is
	 * returned as TS_ESERVER with the server's message. */
	int (*parse_event)(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			   struct ts_err *err);
	/* Turns an error response body (any status) into one specific line,
	 * written to err with code TS_ESERVER/TS_EHTTP. Always sets err. */
	void (*parse_error)(const char *body, size_t len, long http_status, struct ts_err *err);
	void (*stream_fini)(struct dialect_stream *st);  /* may be NULL */
};

/* The dialect called name, or NULL. */
const struct dialect *dialect_find(const char *name);
/* Number of dialects and the i-th, for listings. */
size_t dialect_count(void);
const struct dialect *dialect_at(size_t i);

/* Shared by dialects: the one-line message for an error body in the common
 * {"error":{"message","type","code"}} / {"error":"..."} shapes, prefixed
 * with the HTTP status when non-zero. Falls back to the first line of the
 * body (made printable) when it is not such JSON. */
void dialect_error_message(const char *body, size_t len, long http_status, struct ts_err *err);

extern const struct dialect dialect_openai_chat;

#endif
