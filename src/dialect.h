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

/* How a streamed response is cut into events. */
enum dialect_framing {
	DIALECT_SSE,             /* Server-Sent Events (src/sse.h) */
	DIALECT_NDJSON,          /* one JSON object per line (src/ndjson.h) */
};

struct dialect {
	const char *name;        /* "openai-chat" */
	/* Appended to the base URL: "/chat/completions". "{model}" stands for
	 * the model name (percent-encoded); a '?' starts a query. */
	const char *path;
	const char *stream_path; /* path of a streamed request; NULL: path */
	const char *models_path; /* GET that lists models; NULL: "/models" */
	const char *description;
	enum dialect_framing framing;
	bool raw_prompt;         /* sends the prompt as raw text: no system message */
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
 * {"error":{"message","type" or "status","code"}} / {"error":"..."} /
 * {"message",...} shapes, prefixed with the HTTP status when non-zero and
 * followed by " — " and the refusal hint when one matches. Falls back to
 * the first line of the body (made printable) when it is not such JSON. */
void dialect_error_message(const char *body, size_t len, long http_status, struct ts_err *err);

/* The dialect that spoke a recorded endpoint ("POST http://h/v1/completions",
 * "http://h/v1beta/models/m:streamGenerateContent?alt=sse"), from its path;
 * NULL when no dialect's path matches. */
const struct dialect *dialect_for_endpoint(const char *endpoint);

/* Which of a dialect's URLs. */
enum dialect_url_kind { DIALECT_URL_REQUEST, DIALECT_URL_STREAM, DIALECT_URL_MODELS };

/* Writes base URL + the dialect's path for kind (path, stream_path or
 * models_path, each defaulting as documented above) + query into out:
 * trailing '/' of base dropped, "{model}" replaced by the percent-encoded
 * model (a leading "models/" dropped), query (may be NULL or "") appended
 * after '?' or '&'. TS_ECONFIG when the path needs a model and model is
 * NULL or empty. */
int dialect_url(const struct dialect *dl, enum dialect_url_kind kind, const char *base,
		const char *model, const char *query, struct buf *out, struct ts_err *err);

/* The hint for a known refusal (a provider or model that will not give
 * logprobs, or a k above its limit), matched on the HTTP status (0: any)
 * and text in the error body; NULL when none matches. The patterns live in
 * one table in dialect.c. dialect_error_message appends it to its message. */
const char *dialect_refusal_hint(const char *body, size_t len, long http_status);

extern const struct dialect dialect_openai_chat;
extern const struct dialect dialect_openai_completions;
extern const struct dialect dialect_openai_responses;
extern const struct dialect dialect_together;
extern const struct dialect dialect_fireworks;
extern const struct dialect dialect_llamacpp_completion;
extern const struct dialect dialect_ollama_chat;
extern const struct dialect dialect_ollama_generate;
extern const struct dialect dialect_gemini;

#endif
