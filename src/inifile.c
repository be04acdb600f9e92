#include "src/inifile.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct inifile_ctx {
	const char *next;       /* first byte not yet handed to inih */
	int line;               /* lines handed to inih so far */
	int err_line;           /* line of the first error seen here, 0: none */
	int code;               /* its status */
	int syntax_code;        /* the status for malformed and long lines */
	char msg[TS_ERRMSG_MAX];
	inifile_entry_fn fn;
	void *user;
};

static void inifile_fail(struct inifile_ctx *c, int code, const char *msg)
{
	if (c->err_line)
		return;
	c->err_line = c->line;
	c->code = code;
	snprintf(c->msg, sizeof c->msg, "%s", msg);
}

/* inih's reader: one whole line per call, so inih's line count stays ours.
 * A line that would not fit inih's buffer is replaced by an empty one (inih
 * would split it) and noted as this module's error. */
static char *inifile_next(char *str, int num, void *stream)
{
	struct inifile_ctx *c = stream;
	const char *p = c->next, *nl;
	size_t len;

	if (!*p || num < 3)
		return NULL;
	nl = strchr(p, '\n');
	len = nl ? (size_t)(nl - p) + 1 : strlen(p);
	c->next = p + len;
	c->line++;
	while (len && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	if (len + 1 >= (size_t)num) {
		char msg[64];

		snprintf(msg, sizeof msg, "line longer than %d bytes", num - 3);
		inifile_fail(c, c->syntax_code, msg);
		len = 0;
	}
	memcpy(str, p, len);
	str[len] = '\0';
	return str;
}

static int inifile_entry(void *user, const char *section, const char *key, const char *value)
{
	struct inifile_ctx *c = user;
	struct ts_err e;
	int rc;

	if (c->err_line)
		return 1;
	ts_err_clear(&e);
	rc = c->fn(c->user, section, key, value, &e);
	if (rc == TS_OK)
		return 1;
	inifile_fail(c, rc, ts_err_msg(&e));
	return 0;
}

int inifile_parse(const char *text, const char *source, int code, inifile_entry_fn fn, void *ctx,
		  struct ts_err *err)
{
	struct inifile_ctx c = { .next = text, .syntax_code = code, .fn = fn, .user = ctx };
	int rc = ini_parse_stream(inifile_next, &c, inifile_entry, &c);

	if (rc < 0)
		return ts_err_set(err, TS_ENOMEM, "out of memory reading %s", source ? source : "INI text");
	/* inih reports the first line it failed on, ours included; an earlier
	 * one is a syntax error. */
	if (rc > 0 && (!c.err_line || rc < c.err_line)) {
		c.err_line = rc;
		c.code = code;
		snprintf(c.msg, sizeof c.msg, "expected 'key = value', '[section]' or a comment");
	}
	if (!c.err_line)
		return TS_OK;
	if (source)
		return ts_err_set(err, c.code, "%s:%d: %s", source, c.err_line, c.msg);
	return ts_err_set(err, c.code, "line %d: %s", c.err_line, c.msg);
}

/* Reads at most max + 1 bytes: one more than allowed tells "too big". */
static int inifile_slurp(FILE *f, const char *path, size_t max, int code, char **text,
			 struct ts_err *err)
{
	size_t len = 0, cap = 0, n;
	char *p = NULL, *q;

	do {
		if (cap - len < 2) {
			cap = cap ? cap * 2 : 4096;
			if (cap > max + 2)
				cap = max + 2;
			q = realloc(p, cap);
			if (!q) {
				free(p);
				return ts_err_set(err, TS_ENOMEM, "out of memory reading %s", path);
			}
			p = q;
		}
		n = fread(p + len, 1, cap - 1 - len, f);
		len += n;
	} while (n > 0 && len <= max);
	if (ferror(f)) {
		free(p);
		return ts_err_set(err, TS_EIO, "%s: %s", path, strerror(errno));
	}
	if (len > max) {
		free(p);
		return ts_err_set(err, code, "%s: larger than %zu bytes", path, max);
	}
	p[len] = '\0';
	if (memchr(p, '\0', len)) {
		free(p);
		return ts_err_set(err, code, "%s: not a text file (it holds a NUL byte)", path);
	}
	*text = p;
	return TS_OK;
}

int inifile_read(const char *path, size_t max, int code, char **text, bool *missing,
		 struct ts_err *err)
{
	FILE *f = fopen(path, "rb");
	int rc;

	*text = NULL;
	if (missing)
		*missing = false;
	if (!f && errno == ENOENT && missing) {
		*missing = true;
		return TS_OK;
	}
	if (!f)
		return ts_err_set(err, TS_EIO, "%s: %s", path, strerror(errno));
	rc = inifile_slurp(f, path, max, code, text, err);
	fclose(f);
	return rc;
}
