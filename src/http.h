/* http.h — HTTP requests on libcurl's multi interface, no threads.
 *
 * A loop (struct http_loop) runs any number of transfers. The caller's event
 * loop calls http_loop_wait() — which also watches the caller's own file
 * descriptors (stdin, a signal pipe) — then http_loop_perform(), which moves
 * every transfer on and hands body bytes to each transfer's callback as they
 * arrive. No function here blocks longer than the timeout it is given.
 *
 * Requests POST (or GET when body is NULL) with TLS verification on,
 * proxies from the environment (libcurl's rules), `User-Agent:
 * tokscope/VERSION`, a connect timeout and an idle timeout (the transfer
 * fails when no byte arrives for idle_timeout_s seconds). The API key is
 * passed in memory, put in one header, and never logged or echoed. */
#ifndef TOKSCOPE_HTTP_H
#define TOKSCOPE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "src/err.h"

#define HTTP_MAX_HEADERS 8

/* Called with each piece of the response body as it arrives (whatever the
 * status). Return TS_OK to go on; anything else aborts the transfer with
 * that status. now_ms: ms since http_xfer_start. */
typedef int (*http_data_fn)(void *ctx, const char *p, size_t n, double now_ms);

struct http_request {
	const char *url;
	const char *body;          /* NULL: GET */
	size_t body_len;
	const char *content_type;  /* default "application/json" */
	const char *auth_header;   /* e.g. "Authorization" or "api-key"; NULL: none */
	const char *auth_prefix;   /* e.g. "Bearer "; NULL: "" */
	const char *api_key;       /* NULL or "": no auth header */
	const char *extra_headers[HTTP_MAX_HEADERS]; /* "Name: value", NULL-terminated */
	long connect_timeout_s;    /* <= 0: 10 */
	long idle_timeout_s;       /* <= 0: 60 */
	http_data_fn on_data;
	void *ctx;
};

/* How a transfer ended. */
struct http_result {
	bool done;
	long status;               /* HTTP status, 0 when no response */
	int code;                  /* TS_OK, TS_ENET, TS_ETIMEOUT, TS_ECANCEL, or the callback's */
	char msg[TS_ERRMSG_MAX];   /* one line when code != TS_OK */
	char content_type[128];
	double total_ms;
};

/* An extra file descriptor for http_loop_wait. */
struct http_fd {
	int fd;
	bool readable;             /* out: set when fd is readable */
};

struct http_loop;
struct http_xfer;

/* Call once per process before any loop (wraps curl_global_init). */
int http_global_init(void);
void http_global_cleanup(void);

struct http_loop *http_loop_new(void);
void http_loop_free(struct http_loop *l);   /* cancels and frees every transfer */

/* Starts a transfer. The request's strings are copied. Returns NULL and
 * sets err on failure. The transfer belongs to the loop until freed with
 * http_xfer_free. */
struct http_xfer *http_xfer_start(struct http_loop *l, const struct http_request *rq,
				  struct ts_err *err);
/* Cancels a running transfer (result code TS_ECANCEL); no callbacks after. */
void http_xfer_cancel(struct http_xfer *x);
/* Removes and frees a transfer (cancels it if running). NULL-safe. */
void http_xfer_free(struct http_xfer *x);
const struct http_result *http_xfer_result(const struct http_xfer *x);
/* The HTTP status of the response so far: 0 until its status line has
 * arrived. Valid inside the on_data callback (the status is known before
 * the first body byte). */
long http_xfer_status(const struct http_xfer *x);

/* Waits up to timeout_ms for network activity or for one of fds to become
 * readable (their `readable` fields are set). Returns TS_OK or TS_ENET. */
int http_loop_wait(struct http_loop *l, struct http_fd *fds, size_t nfds, int timeout_ms);
/* Moves transfers on; returns the number still running. */
int http_loop_perform(struct http_loop *l);
/* Number of transfers still running. */
int http_loop_running(const struct http_loop *l);

/* Convenience for print mode: runs one request to completion, calling
 * on_data as bytes arrive. Returns result->code. */
int http_run(const struct http_request *rq, struct http_result *result);

/* Writes "scheme://host[:port]" of url into out (no user info, path or
 * query), for showing where a request went. */
void http_url_origin(const char *url, char *out, size_t outsz);

#endif
