#include "src/ndjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/buf.h"

struct ndjson_parser {
	sse_event_fn cb;
	void *ctx;
	size_t max_line;
	struct buf line;     /* a line split across feeds, without its LF */
	int failed;          /* status that stopped the parser, TS_OK while running */
	char failmsg[TS_ERRMSG_MAX];
};

struct ndjson_parser *ndjson_parser_new(size_t max_line, sse_event_fn cb, void *ctx)
{
	struct ndjson_parser *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->cb = cb;
	p->ctx = ctx;
	p->max_line = max_line ? max_line : SSE_DEFAULT_MAX_LINE;
	buf_init(&p->line, p->max_line);
	return p;
}

void ndjson_parser_free(struct ndjson_parser *p)
{
	if (!p)
		return;
	buf_fini(&p->line);
	free(p);
}

static int parser_fail(struct ndjson_parser *p, int code, struct ts_err *err)
{
	p->failed = code;
	if (code == TS_ETOOBIG)
		snprintf(p->failmsg, sizeof p->failmsg, "JSON stream line longer than %zu bytes", p->max_line);
	else if (err && err->code == code && err->msg[0])
		snprintf(p->failmsg, sizeof p->failmsg, "%s", err->msg);
	else
		snprintf(p->failmsg, sizeof p->failmsg, "%s", ts_strerror(code));
	return ts_err_set(err, code, "%s", p->failmsg);
}

/* Hands the complete line in p->line (its LF dropped) to the callback,
 * unless blank, then empties it. A CR before the LF goes too. */
static int line_dispatch(struct ndjson_parser *p, struct ts_err *err)
{
	struct sse_event ev;
	char *s = p->line.data;
	size_t n = p->line.len, i = 0;
	int rc = TS_OK;

	if (n && s[n - 1] == '\r')
		s[--n] = '\0';
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	if (i < n) {
		ev = (struct sse_event){ .event = "", .data = s, .data_len = n, .id = "" };
		rc = p->cb(p->ctx, &ev, err);
	}
	buf_reset(&p->line);
	return rc ? parser_fail(p, rc, err) : TS_OK;
}

/* Adds n bytes of the current line, within the limit. */
static int line_add(struct ndjson_parser *p, const char *s, size_t n, struct ts_err *err)
{
	int rc;

	if (n > p->max_line - p->line.len)
		return parser_fail(p, TS_ETOOBIG, err);
	rc = buf_append(&p->line, s, n);
	return rc ? parser_fail(p, rc, err) : TS_OK;
}

int ndjson_parser_feed(struct ndjson_parser *p, const char *bytes, size_t n, struct ts_err *err)
{
	const char *s = bytes, *end = bytes + n;
	int rc = TS_OK;

	if (p->failed)
		return ts_err_set(err, p->failed, "%s", p->failmsg);
	ts_err_clear(err);
	while (s < end && rc == TS_OK) {
		const char *lf = memchr(s, '\n', (size_t)(end - s));

		if (!lf)
			return line_add(p, s, (size_t)(end - s), err);
		rc = line_add(p, s, (size_t)(lf - s), err);
		if (!rc)
			rc = line_dispatch(p, err);
		s = lf + 1;
	}
	return rc;
}

int ndjson_parser_finish(struct ndjson_parser *p, struct ts_err *err)
{
	if (p->failed)
		return ts_err_set(err, p->failed, "%s", p->failmsg);
	ts_err_clear(err);
	return p->line.len ? line_dispatch(p, err) : TS_OK;
}
