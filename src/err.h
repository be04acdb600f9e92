/* err.h — status codes and error messages shared by the whole core.
 *
 * Every core function that can fail returns an int status (TS_OK == 0) and,
 * when given a non-NULL struct ts_err, fills it with the code and a specific
 * one-line message. The code list is an X-macro so names, codes and default
 * messages never drift apart. The core never calls exit(). */
#ifndef TOKSCOPE_ERR_H
#define TOKSCOPE_ERR_H

#include <stddef.h>

#define TS_ERRORS(X) \
	X(TS_OK,        "ok") \
	X(TS_ENOMEM,    "out of memory") \
	X(TS_ETOOBIG,   "input exceeds its maximum size") \
	X(TS_EINVAL,    "invalid argument") \
	X(TS_ESSE,      "malformed event stream") \
	X(TS_EJSON,     "malformed JSON") \
	X(TS_ESHAPE,    "unexpected response shape") \
	X(TS_EHTTP,     "HTTP error") \
	X(TS_ESERVER,   "the server reported an error") \
	X(TS_ENET,      "network error") \
	X(TS_ETIMEOUT,  "timed out") \
	X(TS_ECANCEL,   "cancelled") \
	X(TS_ECUT,      "the stream ended early") \
	X(TS_EIO,       "I/O error") \
	X(TS_ESESSION,  "invalid session file") \
	X(TS_ECONFIG,   "invalid configuration") \
	X(TS_ETHEME,    "invalid theme") \
	X(TS_ENOLOGPROBS, "the answer carries no logprobs") \
	X(TS_EUNSUPPORTED, "the API cannot do that")

enum ts_status {
#define TS_ENUM(name, msg) name,
	TS_ERRORS(TS_ENUM)
#undef TS_ENUM
	TS_NERRORS
};

#define TS_ERRMSG_MAX 512

struct ts_err {
	int code;
	char msg[TS_ERRMSG_MAX];
};

/* The default message of a status code ("unknown error" when out of range). */
const char *ts_strerror(int code);

/* The symbolic name of a status code ("TS_EJSON"). */
const char *ts_errname(int code);

/* Sets err (when non-NULL) to code and a printf-style message; returns code,
 * so callers can write `return ts_err_set(err, TS_EJSON, "...")`. */
int ts_err_set(struct ts_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears err to TS_OK with an empty message. NULL is a no-op. */
void ts_err_clear(struct ts_err *err);

/* The message to show: err->msg when set, else ts_strerror(err->code). */
const char *ts_err_msg(const struct ts_err *err);

#endif
