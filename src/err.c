#include "src/err.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const messages[] = {
#define TS_MSG(name, msg) [name] = msg,
	TS_ERRORS(TS_MSG)
#undef TS_MSG
};

static const char *const names[] = {
#define TS_NAME(name, msg) [name] = #name,
	TS_ERRORS(TS_NAME)
#undef TS_NAME
};

const char *ts_strerror(int code)
{
	if (code < 0 || code >= TS_NERRORS)
		return "unknown error";
	return messages[code];
}

const char *ts_errname(int code)
{
	if (code < 0 || code >= TS_NERRORS)
		return "TS_UNKNOWN";
	return names[code];
}

int ts_err_set(struct ts_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void ts_err_clear(struct ts_err *err)
{
	if (!err)
		return;
	err->code = TS_OK;
	err->msg[0] = '\0';
}

const char *ts_err_msg(const struct ts_err *err)
{
	if (err->msg[0])
		return err->msg;
	return ts_strerror(err->code);
}
