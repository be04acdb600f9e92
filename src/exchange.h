/* exchange.h — one request/answer exchange, driven from an event loop.
 *
 * Glue between config (where), dialect (what shape), HTTP (how) and the
 * document (what came back): builds the request body, reads the API key
 * from the environment variable the endpoint names (the key never leaves
 * this module's memory and the HTTP header), starts the transfer on the
 * caller's loop, and feeds the response through an ingest into the
 * document as it arrives. Used the same way by print mode and the TUI. */
#ifndef TOKSCOPE_EXCHANGE_H
#define TOKSCOPE_EXCHANGE_H

#include <stdbool.h>

#include "src/config.h"
#include "src/dialect.h"
#include "src/doc.h"
#include "src/err.h"
#include "src/http.h"

struct exchange_opts {
	const struct endpoint *ep;
	struct req_params rp;       /* top_logprobs is clamped to ep->max_k */
	long connect_timeout_s;
	long idle_timeout_s;
	/* A branch's continuation (branch.h), or NULL. When set, this body is
	 * sent as is instead of the dialect's request built from rp (rp still
	 * gives the URL's model, stream, and k for the metadata), and the
	 * document keeps the tokens and metadata it holds (the prefix): the
	 * answer's tokens are appended after them. */
	const char *body;
};

struct exchange;

/* Clears d (unless o->body is set), fills its request metadata, starts
 * the transfer on loop.
 * Returns NULL and sets err when the request cannot start (unknown dialect,
 * key variable named but unset is NOT an error: the request goes without a
 * key and the server's 401 is shown). d and loop are borrowed. */
struct exchange *exchange_start(struct http_loop *loop, struct doc *d,
				const struct exchange_opts *o, struct ts_err *err);

/* A notice for the user about how the request was adjusted (e.g. "top
 * logprobs 30 above openai's maximum 20: asking for 20", or a system prompt
 * left out by a raw-prompt dialect), or NULL. */
const char *exchange_notice(const struct exchange *x);

/* Call after each http_loop_perform. Returns true once the exchange has
 * finished; then err holds its outcome (TS_OK, or a specific one-line
 * message: HTTP error with the server's message, cut stream, timeout,
 * cancelled, no logprobs). Tokens that arrived stay in the document. */
bool exchange_poll(struct exchange *x, struct ts_err *err);

/* Cancels: the document keeps the tokens so far, marked incomplete. */
void exchange_cancel(struct exchange *x);

/* Frees (cancelling if still running). NULL-safe. */
void exchange_free(struct exchange *x);

/* The header that carries ep's key and the text before the key in it
 * ("Authorization", "Bearer "), from the profile's auth style; *header is
 * NULL when the key is never sent. Strings are static or ep's. */
void exchange_auth(const struct endpoint *ep, const char **header, const char **prefix);

/* Runs one exchange to completion on a private loop, calling on_progress
 * (may be NULL) whenever tokens arrived. Returns the outcome's code. */
int exchange_run(struct doc *d, const struct exchange_opts *o,
		 void (*on_progress)(void *ctx, const struct doc *d), void *ctx,
		 struct ts_err *err);

#endif
