#include "src/sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/buf.h"

struct sse_parser {
	sse_event_fn cb;
	void *ctx;
	size_t max_line;
	size_t events;
	bool pending_cr;     /* the last feed ended in CR: a leading LF belongs to it */
	bool has_data;       /* a data field was seen since the last dispatch */
	bool has_error;      /* an error field was seen since the last dispatch */
	struct buf line;     /* a line split across feeds, without its line end */
	struct buf data;
	struct buf error;
	struct buf event;
	struct buf id;
	int failed;          /* status that stopped the parser, TS_OK while running */
	char failmsg[TS_ERRMSG_MAX];
};

/* Positions of the next LF and CR at or after the scan point within one
 * feed, kept between lines so that a chunk without any CR (or LF) is
 * searched for it once, not once per line. NULL until first searched;
 * `end` when the chunk has no more. */
struct eol_scan {
	const char *lf;
	const char *cr;
	const char *end;
};

struct sse_parser *sse_parser_new(size_t max_line, sse_event_fn cb, void *ctx)
{
	struct sse_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cb = cb;
	p->ctx = ctx;
	p->max_line = max_line ? max_line : SSE_DEFAULT_MAX_LINE;
	buf_init(&p->line, 0);
	buf_init(&p->data, p->max_line);
	buf_init(&p->error, p->max_line);
	buf_init(&p->event, 0);
	buf_init(&p->id, 0);
	return p;
}

void sse_parser_free(struct sse_parser *p)
{
	if (!p)
		return;
	buf_fini(&p->line);
	buf_fini(&p->data);
	buf_fini(&p->error);
	buf_fini(&p->event);
	buf_fini(&p->id);
	free(p);
}

size_t sse_parser_events(const struct sse_parser *p)
{
	return p->events;
}

/* Records the failure so that every later call reports it again. */
static int parser_fail(struct sse_parser *p, int code, struct ts_err *err, const char *msg)
{
	p->failed = code;
	snprintf(p->failmsg, sizeof(p->failmsg), "%s", msg);
	return ts_err_set(err, code, "%s", p->failmsg);
}

static int parser_fail_size(struct sse_parser *p, int code, struct ts_err *err, const char *what)
{
	char msg[TS_ERRMSG_MAX];

	if (code == TS_ETOOBIG)
		snprintf(msg, sizeof(msg), "event stream %s longer than %zu bytes", what, p->max_line);
	else
		snprintf(msg, sizeof(msg), "%s", ts_strerror(code));
	return parser_fail(p, code, err, msg);
}

static void event_reset(struct sse_parser *p)
{
	buf_reset(&p->data);
	buf_reset(&p->error);
	buf_reset(&p->event);
	p->has_data = false;
	p->has_error = false;
}

static int event_dispatch(struct sse_parser *p, struct ts_err *err)
{
	struct sse_event ev;
	int rc;

	if (!p->has_data && !p->has_error) {
		buf_reset(&p->event);  /* WHATWG: a blank line also clears the event name */
		return TS_OK;
	}
	ev = (struct sse_event){
		.event = buf_str(&p->event),
		.data = buf_str(&p->data),
		.data_len = p->data.len,
		.error = p->has_error ? buf_str(&p->error) : NULL,
		.error_len = p->error.len,
		.id = buf_str(&p->id),
		.done = p->data.len == 6 && memcmp(p->data.data, "[DONE]", 6) == 0,
	};
	p->events++;
	rc = p->cb ? p->cb(p->ctx, &ev, err) : TS_OK;
	event_reset(p);
	if (rc == TS_OK)
		return TS_OK;
	if (err && err->code == rc && err->msg[0])
		return parser_fail(p, rc, err, err->msg);
	return parser_fail(p, rc, err, ts_strerror(rc));
}

/* Appends one field value to data or error: lines join with "\n". */
static int field_collect(struct sse_parser *p, struct buf *b, bool *seen, const char *val,
			 size_t vlen, struct ts_err *err)
{
	int rc = TS_OK;

	if (*seen)
		rc = buf_putc(b, '\n');
	if (rc == TS_OK)
		rc = buf_append(b, val, vlen);
	if (rc != TS_OK)
		return parser_fail_size(p, rc, err, b == &p->data ? "event data" : "event error");
	*seen = true;
	return TS_OK;
}

static int field_set(struct sse_parser *p, struct buf *b, const char *val, size_t vlen,
		     struct ts_err *err)
{
	int rc;

	buf_reset(b);
	rc = buf_append(b, val, vlen);
	if (rc != TS_OK)
		return parser_fail_size(p, rc, err, "line");
	return TS_OK;
}

static int field_apply(struct sse_parser *p, const char *name, size_t nlen, const char *val,
		       size_t vlen, struct ts_err *err)
{
	if (nlen == 4 && memcmp(name, "data", 4) == 0)
		return field_collect(p, &p->data, &p->has_data, val, vlen, err);
	if (nlen == 5 && memcmp(name, "event", 5) == 0)
		return field_set(p, &p->event, val, vlen, err);
	if (nlen == 5 && memcmp(name, "error", 5) == 0)
		return field_collect(p, &p->error, &p->has_error, val, vlen, err);
	/* WHATWG: an id containing NUL is ignored (it could not be echoed back). */
	if (nlen == 2 && memcmp(name, "id", 2) == 0 && !memchr(val, '\0', vlen))
		return field_set(p, &p->id, val, vlen, err);
	return TS_OK;
}

static int line_process(struct sse_parser *p, const char *line, size_t len, struct ts_err *err)
{
	const char *colon, *val;
	size_t nlen, vlen;

	if (len == 0)
		return event_dispatch(p, err);
	if (line[0] == ':')
		return TS_OK;
	colon = memchr(line, ':', len);
	if (!colon)
		return field_apply(p, line, len, "", 0, err);
	nlen = (size_t)(colon - line);
	val = colon + 1;
	vlen = len - nlen - 1;
	if (vlen > 0 && val[0] == ' ') {
		val++;
		vlen--;
	}
	return field_apply(p, line, nlen, val, vlen, err);
}

/* Keeps the start of a line whose end has not arrived yet. */
static int line_stash(struct sse_parser *p, const char *s, size_t n, struct ts_err *err)
{
	int rc;

	if (n > p->max_line - p->line.len)
		return parser_fail_size(p, TS_ETOOBIG, err, "line");
	rc = buf_append(&p->line, s, n);
	if (rc != TS_OK)
		return parser_fail_size(p, rc, err, "line");
	return TS_OK;
}

/* A line [s, eol) is complete. It is parsed in place unless its start
 * arrived in an earlier feed. */
static int line_complete(struct sse_parser *p, const char *s, size_t n, struct ts_err *err)
{
	int rc;

	if (p->line.len == 0) {
		if (n > p->max_line)
			return parser_fail_size(p, TS_ETOOBIG, err, "line");
		return line_process(p, s, n, err);
	}
	rc = line_stash(p, s, n, err);
	if (rc != TS_OK)
		return rc;
	rc = line_process(p, p->line.data, p->line.len, err);
	buf_reset(&p->line);
	return rc;
}

/* The next line end (LF or CR) at or after s, or sc->end. */
static const char *eol_next(struct eol_scan *sc, const char *s)
{
	const char *hit;

	if (!sc->lf || sc->lf < s) {
		hit = memchr(s, '\n', (size_t)(sc->end - s));
		sc->lf = hit ? hit : sc->end;
	}
	if (!sc->cr || sc->cr < s) {
		hit = memchr(s, '\r', (size_t)(sc->end - s));
		sc->cr = hit ? hit : sc->end;
	}
	return sc->lf < sc->cr ? sc->lf : sc->cr;
}

static int parser_refail(const struct sse_parser *p, struct ts_err *err)
{
	return ts_err_set(err, p->failed, "%s", p->failmsg);
}

int sse_parser_feed(struct sse_parser *p, const char *bytes, size_t n, struct ts_err *err)
{
	struct eol_scan sc;
	const char *s, *eol;
	int rc = TS_OK;

	if (p->failed)
		return parser_refail(p, err);
	if (n == 0)
		return TS_OK;
	ts_err_clear(err);
	s = bytes;
	sc = (struct eol_scan){ .lf = NULL, .cr = NULL, .end = s + n };
	if (p->pending_cr && *s == '\n')
		s++;
	p->pending_cr = false;
	while (s < sc.end && rc == TS_OK) {
		eol = eol_next(&sc, s);
		if (eol == sc.end)
			return line_stash(p, s, (size_t)(sc.end - s), err);
		rc = line_complete(p, s, (size_t)(eol - s), err);
		s = eol + 1;
		if (*eol == '\r' && s == sc.end)
			p->pending_cr = true;
		else if (*eol == '\r' && *s == '\n')
			s++;
	}
	return rc;
}

int sse_parser_finish(struct sse_parser *p, struct ts_err *err)
{
	int rc = TS_OK;

	if (p->failed)
		return parser_refail(p, err);
	ts_err_clear(err);
	p->pending_cr = false;
	if (p->line.len > 0) {
		rc = line_process(p, p->line.data, p->line.len, err);
		buf_reset(&p->line);
	}
	if (rc == TS_OK)
		rc = event_dispatch(p, err);
	return rc;
}
