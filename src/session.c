#include "src/session.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/session_fast.h"
#include "src/text.h"

struct span {
	const uint8_t *p;
	size_t len;
};

/* ---- writing ---------------------------------------------------------- */

/* Output with a sticky status: after the first failure every put is a no-op,
 * so the formatting code reads straight and is checked once at the end. */
struct writer {
	struct buf *out;
	int rc;
};

static void w_raw(struct writer *w, const void *p, size_t n)
{
	if (!w->rc)
		w->rc = buf_append(w->out, p, n);
}

static void w_lit(struct writer *w, const char *s)
{
	w_raw(w, s, strlen(s));
}

static void w_int(struct writer *w, int64_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	w_raw(w, p, (size_t)(tmp + sizeof tmp - p));
}

/* A number with the given significant digits; fallback replaces values JSON
 * cannot hold. printf follows LC_NUMERIC, so whatever the locale uses as the
 * decimal point (a byte or several) is written as '.'. */
static void w_num(struct writer *w, double v, int digits, double fallback)
{
	char tmp[48], out[48];
	size_t k = 0;
	int n;

	if (!isfinite(v))
		v = fallback;
	n = snprintf(tmp, sizeof tmp, "%.*g", digits, v);
	for (int i = 0; i < n; i++) {
		char c = tmp[i];

		if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e') {
			out[k++] = c;
		} else if (k == 0 || out[k - 1] != '.') {
			out[k++] = '.';
		}
	}
	w_raw(w, out, k);
}

static void w_bool(struct writer *w, bool b)
{
	w_lit(w, b ? "true" : "false");
}

/* Length of the well-formed UTF-8 character at p (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), or 0. NUL counts as not writable:
 * cJSON hands strings back NUL-terminated, so "\u0000" would cut them. */
static size_t utf8_char(const uint8_t *p, size_t n)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xBF;
	size_t len;

	if (c < 0x80)
		return c ? 1 : 0;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

static bool utf8_writable(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k = utf8_char(p + i, n - i);

		if (!k)
			return false;
		i += k;
	}
	return true;
}

/* A JSON string of valid UTF-8: runs of plain bytes are copied at once. */
static void w_escaped(struct writer *w, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	w_raw(w, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		w_raw(w, p + run, i - run);
		run = i + 1;
		if (c < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			w_raw(w, esc, sizeof esc);
		} else {
			char esc[2] = { '\\', (char)c };

			w_raw(w, esc, sizeof esc);
		}
	}
	w_raw(w, p + run, n - run);
	w_raw(w, "\"", 1);
}

static void w_hex(struct writer *w, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char chunk[128];
	size_t k = 0;

	w_lit(w, "{\"hex\":\"");
	for (size_t i = 0; i < n; i++) {
		chunk[k++] = hex[p[i] >> 4];
		chunk[k++] = hex[p[i] & 15];
		if (k == sizeof chunk) {
			w_raw(w, chunk, k);
			k = 0;
		}
	}
	w_raw(w, chunk, k);
	w_lit(w, "\"}");
}

/* S of the format: a JSON string when possible, else {"hex": ...}. */
static void w_bytes(struct writer *w, const uint8_t *p, size_t n)
{
	if (utf8_writable(p, n))
		w_escaped(w, p, n);
	else
		w_hex(w, p, n);
}

static void w_meta(struct writer *w, const struct doc *d)
{
	bool first = true;

	w_lit(w, "{");
	for (int k = 0; k < DOC_META_COUNT; k++) {
		const char *v = doc_meta(d, (enum doc_meta_key)k);

		if (!v)
			continue;
		w_lit(w, first ? "\"" : ",\"");
		w_lit(w, doc_meta_name((enum doc_meta_key)k));
		w_lit(w, "\":");
		w_bytes(w, (const uint8_t *)v, strlen(v));
		first = false;
	}
	w_lit(w, "}");
}

static void w_usage_info(struct writer *w, const struct doc *d)
{
	const struct doc_usage *u = doc_usage_c(d);
	const struct doc_info *f = doc_info_c(d);

	w_lit(w, ",\n\"usage\":{\"prompt_tokens\":");
	w_int(w, u->prompt_tokens);
	w_lit(w, ",\"completion_tokens\":");
	w_int(w, u->completion_tokens);
	w_lit(w, ",\"total_tokens\":");
	w_int(w, u->total_tokens);
	w_lit(w, "},\n\"info\":{\"k_requested\":");
	w_int(w, f->k_requested);
	w_lit(w, ",\"ttft_ms\":");
	w_num(w, f->ttft_ms, 17, -1);
	w_lit(w, ",\"total_ms\":");
	w_num(w, f->total_ms, 17, -1);
	w_lit(w, ",\"created\":");
	w_int(w, f->created);
	w_lit(w, ",\"incomplete\":");
	w_bool(w, f->incomplete);
	w_lit(w, ",\"logprobs_missing\":");
	w_bool(w, f->logprobs_missing);
	w_lit(w, ",\"post_sampling\":");
	w_bool(w, f->post_sampling);
	w_lit(w, "}");
}

/* The distinct byte strings of one answer, in the order first met. Spans
 * point into the document, which does not change while it is written. */
struct strset {
	struct span *spans;
	size_t n, cap;
	uint32_t *slots;    /* span index + 1; 0 = empty */
	size_t nslots;      /* power of two, at least twice n */
	uint32_t *tok;      /* string index of each token */
	uint32_t *alt;      /* string index of each interned string of the doc */
};

static void strset_fini(struct strset *s)
{
	free(s->spans);
	free(s->slots);
	free(s->tok);
	free(s->alt);
}

static size_t hash_bytes(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static int strset_rehash(struct strset *s, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof *slots);

	if (!slots)
		return TS_ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		size_t h = hash_bytes(s->spans[i].p, s->spans[i].len) & (nslots - 1);

		while (slots[h])
			h = (h + 1) & (nslots - 1);
		slots[h] = (uint32_t)i + 1;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = nslots;
	return TS_OK;
}

static int strset_add(struct strset *s, const uint8_t *p, size_t len, uint32_t *idx)
{
	size_t h;

	if ((s->n + 1) * 2 > s->nslots && strset_rehash(s, s->nslots ? s->nslots * 2 : 1024))
		return TS_ENOMEM;
	for (h = hash_bytes(p, len) & (s->nslots - 1); s->slots[h]; h = (h + 1) & (s->nslots - 1)) {
		const struct span *o = &s->spans[s->slots[h] - 1];

		if (o->len == len && (len == 0 || memcmp(o->p, p, len) == 0)) {
			*idx = s->slots[h] - 1;
			return TS_OK;
		}
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct span *np = realloc(s->spans, cap * sizeof *np);

		if (!np)
			return TS_ENOMEM;
		s->spans = np;
		s->cap = cap;
	}
	s->spans[s->n] = (struct span){ p, len };
	*idx = (uint32_t)s->n;
	s->slots[h] = (uint32_t)++s->n;
	return TS_OK;
}

static int strset_collect(struct strset *s, const struct doc *d)
{
	size_t nstr = doc_str_count(d), ntok = doc_count(d), len;
	const uint8_t *p;

	s->alt = malloc((nstr ? nstr : 1) * sizeof *s->alt);
	s->tok = malloc((ntok ? ntok : 1) * sizeof *s->tok);
	if (!s->alt || !s->tok)
		return TS_ENOMEM;
	for (size_t i = 0; i < nstr; i++) {
		p = doc_str(d, (uint32_t)i, &len);
		if (strset_add(s, p, len, &s->alt[i]))
			return TS_ENOMEM;
	}
	for (size_t i = 0; i < ntok; i++) {
		p = doc_token_bytes(d, i, &len);
		if (strset_add(s, p, len, &s->tok[i]))
			return TS_ENOMEM;
	}
	return TS_OK;
}

/* The rank a reader gets back by matching bytes alone (alternatives' ids are
 * not kept): the first alternative whose string is the token's. */
static uint8_t bytes_rank(const struct doc *d, const struct strset *s, size_t i)
{
	const struct doc_token *t = doc_token(d, i);

	for (size_t j = 0; j < t->nalt; j++)
		if (s->alt[doc_alt(d, i, j)->str] == s->tok[i])
			return (uint8_t)(j + 1);
	return DOC_RANK_NONE;
}

static void w_token(struct writer *w, const struct doc *d, const struct strset *s, size_t i)
{
	const struct doc_token *t = doc_token(d, i);

	w_lit(w, "[");
	w_int(w, s->tok[i]);
	w_lit(w, ",");
	w_num(w, t->logprob, 17, DOC_LOGPROB_FLOOR);
	w_lit(w, ",");
	w_int(w, t->flags & DOC_TOK_HAS_ID ? t->id : -1);
	w_lit(w, ",");
	w_num(w, t->t_ms, 9, -1);
	w_lit(w, ",");
	w_int(w, t->flags);
	w_lit(w, ",[");
	for (size_t j = 0; j < t->nalt; j++) {
		const struct doc_alt *a = doc_alt(d, i, j);

		w_lit(w, j ? "," : "");
		w_int(w, s->alt[a->str]);
		w_lit(w, ",");
		w_num(w, a->logprob, 9, DOC_LOGPROB_FLOOR);
	}
	w_lit(w, "]");
	if (t->rank != bytes_rank(d, s, i)) {
		w_lit(w, ",");
		w_int(w, t->rank);
	}
	w_lit(w, "]");
}

static int w_answer(struct writer *w, const struct doc *d)
{
	struct strset s = { 0 };
	const uint8_t *plain;
	size_t len;
	int rc = strset_collect(&s, d);

	if (rc)
		goto fail;
	w_lit(w, "\n{\"meta\":");
	w_meta(w, d);
	w_usage_info(w, d);
	w_lit(w, ",\n\"strings\":[");
	for (size_t i = 0; i < s.n; i++) {
		w_lit(w, i ? "," : "");
		w_bytes(w, s.spans[i].p, s.spans[i].len);
	}
	plain = doc_plain(d, &len);
	w_lit(w, "],\n\"plain\":");
	w_bytes(w, plain, len);
	w_lit(w, ",\n\"tokens\":[");
	for (size_t i = 0; i < doc_count(d); i++) {
		w_lit(w, i ? ",\n" : "\n");
		w_token(w, d, &s, i);
	}
	w_lit(w, "]}");
fail:
	strset_fini(&s);
	return rc;
}

int session_write(struct buf *out, struct doc *const *docs, size_t n, struct ts_err *err)
{
	struct writer w = { .out = out };
	size_t start = out->len;
	int rc = TS_OK;

	w_lit(&w, "{\"format\":\"" SESSION_FORMAT "\",\"version\":");
	w_int(&w, SESSION_VERSION);
	w_lit(&w, ",\"tool\":\"tokscope " TOKSCOPE_VERSION "\",\"answers\":[");
	for (size_t i = 0; i < n && !rc && !w.rc; i++) {
		w_lit(&w, i ? "," : "");
		rc = w_answer(&w, docs[i]);
	}
	w_lit(&w, "]}\n");
	if (!rc)
		rc = w.rc;
	if (!rc)
		return TS_OK;
	out->len = start;
	if (out->data)
		out->data[start] = '\0';
	if (rc == TS_ETOOBIG)
		return ts_err_set(err, rc, "session larger than %zu bytes", out->max);
	return ts_err_set(err, rc, "cannot write session: %s", ts_strerror(rc));
}

/* ---- saving ----------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Makes the rename itself durable; a failure here loses nothing already
 * written, so it is not reported. */
static void sync_parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY) : -1;

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Writes data to path through a temporary file in the same directory, so a
 * reader sees either the old file or the whole new one. errno tells why on
 * failure; the temporary file is gone either way. */
static int save_atomic(const char *path, const char *data, size_t len)
{
	size_t tlen = strlen(path) + sizeof ".XXXXXX";
	char *tmp = malloc(tlen);
	int fd = -1, saved;

	if (!tmp)
		return -1;
	snprintf(tmp, tlen, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail_nofile;
	if (write_all(fd, data, len) || fsync(fd) || fchmod(fd, 0644))
		goto fail;
	saved = close(fd);
	fd = -1;
	if (saved || rename(tmp, path))
		goto fail;
	free(tmp);
	sync_parent_dir(path);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
fail_nofile:
	free(tmp);
	return -1;
}

int session_save(const char *path, struct doc *const *docs, size_t n, struct ts_err *err)
{
	struct buf out;
	struct ts_err werr;
	int rc;

	buf_init(&out, SESSION_MAX_BYTES);
	rc = session_write(&out, docs, n, &werr);
	if (rc) {
		ts_err_set(err, rc, "cannot save %s: %s", path, werr.msg);
	} else if (save_atomic(path, out.data, out.len)) {
		rc = ts_err_set(err, TS_EIO, "cannot save %s: %s", path, strerror(errno));
	}
	buf_fini(&out);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

struct reader {
	struct ts_err *err;
	size_t answer;
	struct span *strs;      /* the "strings" of the answer being read */
	size_t nstrs;
	struct doc_alt_in alts[DOC_MAX_ALTS];
};

/* Fails with "answer N: " and the message. */
__attribute__((format(printf, 2, 3)))
static int rfail(struct reader *r, const char *fmt, ...)
{
	char msg[TS_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ts_err_set(r->err, TS_ESESSION, "answer %zu: %s", r->answer, msg);
}

static bool get_int(const cJSON *item, int64_t lo, int64_t hi, int64_t *out)
{
	double v;

	if (!cJSON_IsNumber(item))
		return false;
	v = item->valuedouble;
	if (!(v >= -SESSION_EXACT_INT_MAX && v <= SESSION_EXACT_INT_MAX) || v != trunc(v))
		return false;
	*out = (int64_t)v;
	return *out >= lo && *out <= hi;
}

static bool get_num(const cJSON *item, double *out)
{
	if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble))
		return false;
	*out = item->valuedouble;
	return true;
}

/* Reads S: a JSON string, or {"hex": "..."} decoded in place inside the
 * cJSON tree (the reader owns it, and each value is read once). The bytes
 * stay NUL-terminated. Returns NULL, or why the value is not an S. */
static const char *get_bytes(cJSON *item, struct span *out)
{
	cJSON *hex = cJSON_IsObject(item) ? cJSON_GetObjectItemCaseSensitive(item, "hex") : NULL;
	char *s;
	size_t m;

	if (cJSON_IsString(item)) {
		*out = (struct span){ (const uint8_t *)item->valuestring, strlen(item->valuestring) };
		return NULL;
	}
	if (!cJSON_IsString(hex))
		return "neither a string nor {\"hex\": string}";
	s = hex->valuestring;
	m = strlen(s);
	if (m % 2)
		return "odd number of hex digits";
	for (size_t i = 0; i < m / 2; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return "not hex digits";
		s[i] = (char)(hi << 4 | lo);
	}
	s[m / 2] = '\0';
	*out = (struct span){ (const uint8_t *)s, m / 2 };
	return NULL;
}

static int read_strings(struct reader *r, cJSON *arr)
{
	size_t i = 0;
	cJSON *c;

	if (!cJSON_IsArray(arr))
		return rfail(r, "no \"strings\" array");
	r->nstrs = (size_t)cJSON_GetArraySize(arr);
	r->strs = malloc((r->nstrs ? r->nstrs : 1) * sizeof *r->strs);
	if (!r->strs)
		return ts_err_set(r->err, TS_ENOMEM, "out of memory reading answer %zu", r->answer);
	cJSON_ArrayForEach(c, arr) {
		const char *why = get_bytes(c, &r->strs[i]);

		if (why)
			return rfail(r, "string %zu: %s", i, why);
		i++;
	}
	return TS_OK;
}

static int read_meta(struct reader *r, struct doc *d, const cJSON *meta)
{
	cJSON *c;

	if (!meta)
		return TS_OK;
	if (!cJSON_IsObject(meta))
		return rfail(r, "\"meta\" is not an object");
	cJSON_ArrayForEach(c, meta) {
		struct span v;
		const char *why;
		int k = 0;

		while (k < DOC_META_COUNT && strcmp(c->string, doc_meta_name((enum doc_meta_key)k)))
			k++;
		if (k == DOC_META_COUNT)
			continue;
		why = get_bytes(c, &v);
		if (!why && memchr(v.p, 0, v.len))
			why = "contains a NUL byte";
		if (why)
			return rfail(r, "meta \"%s\": %s", c->string, why);
		if (doc_set_meta(d, (enum doc_meta_key)k, (const char *)v.p))
			return ts_err_set(r->err, TS_ENOMEM, "out of memory reading answer %zu", r->answer);
	}
	return TS_OK;
}

static int read_usage(struct reader *r, struct doc *d, const cJSON *usage)
{
	static const char *const names[] = { "prompt_tokens", "completion_tokens", "total_tokens" };
	struct doc_usage *u = doc_usage(d);
	int64_t *fields[] = { &u->prompt_tokens, &u->completion_tokens, &u->total_tokens };

	if (!usage)
		return TS_OK;
	if (!cJSON_IsObject(usage))
		return rfail(r, "\"usage\" is not an object");
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(usage, names[k]);

		if (v && !get_int(v, -1, (int64_t)SESSION_EXACT_INT_MAX, fields[k]))
			return rfail(r, "usage \"%s\" is not an integer >= -1", names[k]);
	}
	return TS_OK;
}

static int read_flag(struct reader *r, const cJSON *info, const char *name, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(info, name);

	if (!v)
		return TS_OK;
	if (!cJSON_IsBool(v))
		return rfail(r, "info \"%s\" is not true or false", name);
	*out = cJSON_IsTrue(v);
	return TS_OK;
}

static int read_ms(struct reader *r, const cJSON *info, const char *name, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(info, name);

	if (v && !get_num(v, out))
		return rfail(r, "info \"%s\" is not a finite number", name);
	return TS_OK;
}

static int read_info(struct reader *r, struct doc *d, const cJSON *info)
{
	struct doc_info *f = doc_info(d);
	const cJSON *v;
	int64_t x;

	if (!info)
		return TS_OK;
	if (!cJSON_IsObject(info))
		return rfail(r, "\"info\" is not an object");
	v = cJSON_GetObjectItemCaseSensitive(info, "k_requested");
	if (v && !get_int(v, -1, INT32_MAX, &x))
		return rfail(r, "info \"k_requested\" is not an integer >= -1");
	if (v)
		f->k_requested = (int)x;
	v = cJSON_GetObjectItemCaseSensitive(info, "created");
	if (v && !get_int(v, -(int64_t)SESSION_EXACT_INT_MAX, (int64_t)SESSION_EXACT_INT_MAX, &f->created))
		return rfail(r, "info \"created\" is not an integer");
	if (read_ms(r, info, "ttft_ms", &f->ttft_ms) || read_ms(r, info, "total_ms", &f->total_ms) ||
	    read_flag(r, info, "incomplete", &f->incomplete) ||
	    read_flag(r, info, "logprobs_missing", &f->logprobs_missing) ||
	    read_flag(r, info, "post_sampling", &f->post_sampling))
		return TS_ESESSION;
	return TS_OK;
}

static int read_plain(struct reader *r, struct doc *d, cJSON *plain)
{
	struct span v;
	const char *why;
	struct ts_err derr;

	if (!plain)
		return TS_OK;
	why = get_bytes(plain, &v);
	if (why)
		return rfail(r, "\"plain\": %s", why);
	if (doc_append_plain(d, v.p, v.len, &derr))
		return ts_err_set(r->err, derr.code, "answer %zu: %s", r->answer, derr.msg);
	return TS_OK;
}

static int read_string_index(struct reader *r, const cJSON *v, size_t i, const char *what,
			     struct span *out)
{
	int64_t s;

	if (!get_int(v, INT64_MIN, INT64_MAX, &s))
		return rfail(r, "token %zu: %s string index is not an integer", i, what);
	if (s < 0 || (uint64_t)s >= r->nstrs)
		return rfail(r, "token %zu: %s string index %lld out of range (%zu strings)", i, what,
			     (long long)s, r->nstrs);
	*out = r->strs[s];
	return TS_OK;
}

/* alts: [s1, lp1, s2, lp2, ...]. Alternatives get no ids (the document does
 * not keep them) unless rank >= 0 must be forced, see read_token. */
static int read_alts(struct reader *r, const cJSON *arr, size_t i, struct doc_token_in *in)
{
	const cJSON *c;
	size_t n = 0;

	if (!cJSON_IsArray(arr))
		return rfail(r, "token %zu: alternatives are not an array", i);
	for (c = arr->child; c; c = c->next->next) {
		struct span s;
		double lp;

		if (!c->next)
			return rfail(r, "token %zu: alternatives array has an odd length", i);
		if (n == DOC_MAX_ALTS)
			return rfail(r, "token %zu: more than %u alternatives", i, DOC_MAX_ALTS);
		if (read_string_index(r, c, i, "alternative", &s))
			return TS_ESESSION;
		if (!get_num(c->next, &lp) || lp > FLT_MAX)
			return rfail(r, "token %zu: alternative %zu logprob is not a number in range", i, n);
		r->alts[n] = (struct doc_alt_in){ .bytes = s.p, .len = s.len, .logprob = lp, .id = -1 };
		n++;
	}
	in->alts = r->alts;
	in->nalt = n;
	return TS_OK;
}

/* Fields after the string index: logprob, id, t_ms, flags. */
static int read_token_numbers(struct reader *r, const cJSON *const *f, size_t i,
			      struct doc_token_in *in, int64_t *flags)
{
	int64_t id;
	bool has_id;

	if (!get_num(f[1], &in->logprob))
		return rfail(r, "token %zu: logprob is not a finite number", i);
	if (!get_int(f[2], -1, INT32_MAX, &id))
		return rfail(r, "token %zu: id is not an integer in -1..%d", i, INT32_MAX);
	if (!get_num(f[3], &in->t_ms) || fabs(in->t_ms) > FLT_MAX)
		return rfail(r, "token %zu: t_ms is not a number in range", i);
	if (!get_int(f[4], 0, SESSION_FLAGS_KNOWN, flags))
		return rfail(r, "token %zu: flags are not an integer in 0..%d", i, SESSION_FLAGS_KNOWN);
	has_id = *flags & DOC_TOK_HAS_ID;
	if (has_id != (id >= 0))
		return rfail(r, "token %zu: flags and id disagree about the id", i);
	in->id = (int32_t)id;
	in->bytes_derived = *flags & DOC_TOK_BYTES_DERIVED;
	in->forced = *flags & DOC_TOK_FORCED;
	if (*flags & DOC_TOK_CLAMPED)
		in->logprob = SESSION_SENTINEL_LOGPROB;
	return TS_OK;
}

/* The rank the document computed from ids (it differs from the bytes match):
 * alternatives get ids so that doc_append finds exactly that rank again. */
static int force_rank(struct reader *r, const cJSON *v, size_t i, struct doc_token_in *in)
{
	int64_t rank;
	int32_t other = in->id == 0 ? 1 : 0;

	if (!get_int(v, 0, (int64_t)in->nalt, &rank))
		return rfail(r, "token %zu: rank is not an integer in 0..%zu", i, in->nalt);
	if (in->id < 0)
		return rfail(r, "token %zu: rank given for a token without id", i);
	for (size_t j = 0; j < in->nalt; j++)
		r->alts[j].id = (int64_t)j + 1 == rank ? in->id : other;
	return TS_OK;
}

static int read_token(struct reader *r, struct doc *d, const cJSON *tok, size_t i)
{
	const cJSON *f[7];
	struct doc_token_in in = { 0 };
	struct span s;
	struct ts_err derr;
	size_t nf = 0;
	int64_t flags;

	if (!cJSON_IsArray(tok))
		return rfail(r, "token %zu: not an array", i);
	for (const cJSON *c = tok->child; c; c = c->next) {
		if (nf == 7)
			return rfail(r, "token %zu: more than 7 fields", i);
		f[nf++] = c;
	}
	if (nf < 6)
		return rfail(r, "token %zu: %zu fields, expected 6", i, nf);
	if (read_string_index(r, f[0], i, "token", &s) ||
	    read_token_numbers(r, f, i, &in, &flags) || read_alts(r, f[5], i, &in) ||
	    (nf == 7 && force_rank(r, f[6], i, &in)))
		return TS_ESESSION;
	in.bytes = s.p;
	in.len = s.len;
	if (doc_append(d, &in, &derr))
		return ts_err_set(r->err, derr.code, "answer %zu: %s", r->answer, derr.msg);
	return TS_OK;
}

static int read_answer(struct reader *r, struct doc *d, cJSON *ans)
{
	const cJSON *tokens = NULL;
	size_t i = 0;
	int rc;

	if (!cJSON_IsObject(ans))
		return rfail(r, "not an object");
	tokens = cJSON_GetObjectItemCaseSensitive(ans, "tokens");
	rc = read_strings(r, cJSON_GetObjectItemCaseSensitive(ans, "strings"));
	if (!rc)
		rc = read_meta(r, d, cJSON_GetObjectItemCaseSensitive(ans, "meta"));
	if (!rc)
		rc = read_usage(r, d, cJSON_GetObjectItemCaseSensitive(ans, "usage"));
	if (!rc)
		rc = read_info(r, d, cJSON_GetObjectItemCaseSensitive(ans, "info"));
	if (!rc)
		rc = read_plain(r, d, cJSON_GetObjectItemCaseSensitive(ans, "plain"));
	if (!rc && !cJSON_IsArray(tokens))
		rc = rfail(r, "no \"tokens\" array");
	if (rc)
		goto done;
	for (const cJSON *t = tokens->child; t && !rc; t = t->next)
		rc = read_token(r, d, t, i++);
done:
	free(r->strs);
	r->strs = NULL;
	return rc;
}

/* Whether the text stops inside a string or an open object or array: then a
 * parse error most likely means the file was cut short. */
static bool json_cut_short(const char *p, size_t len)
{
	long depth = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (in_str && c == '\\')
			i++;
		else if (c == '"')
			in_str = !in_str;
		else if (!in_str && (c == '{' || c == '['))
			depth++;
		else if (!in_str && (c == '}' || c == ']'))
			depth--;
	}
	return in_str || depth > 0;
}

static int parse_json(const char *json, size_t len, cJSON **root, struct ts_err *err)
{
	const char *end = NULL;
	size_t at;

	if (len == 0)
		return ts_err_set(err, TS_ESESSION, "empty file, not a tokscope session");
	*root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	at = end ? (size_t)(end - json) : 0;
	if (!*root && json_cut_short(json, len))
		return ts_err_set(err, TS_EJSON, "not valid JSON: the text ends early at byte %zu "
				  "(truncated?)", len);
	if (!*root)
		return ts_err_set(err, TS_EJSON, "not valid JSON: error at byte %zu", at);
	while (at < len && (json[at] == ' ' || json[at] == '\t' || json[at] == '\r' ||
			    json[at] == '\n'))
		at++;
	if (at < len) {
		cJSON_Delete(*root);
		*root = NULL;
		return ts_err_set(err, TS_EJSON, "not valid JSON: unexpected text at byte %zu", at);
	}
	return TS_OK;
}

static int check_header(const cJSON *root, struct ts_err *err)
{
	const cJSON *format, *version;
	int64_t v;

	if (!cJSON_IsObject(root))
		return ts_err_set(err, TS_ESESSION, "not a tokscope session: not a JSON object");
	format = cJSON_GetObjectItemCaseSensitive(root, "format");
	version = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!cJSON_IsString(format))
		return ts_err_set(err, TS_ESESSION, "not a tokscope session: no \"format\"");
	if (strcmp(format->valuestring, SESSION_FORMAT))
		return ts_err_set(err, TS_ESESSION, "not a tokscope session: format is \"%.64s\"",
				  format->valuestring);
	if (!get_int(version, 1, (int64_t)SESSION_EXACT_INT_MAX, &v))
		return ts_err_set(err, TS_ESESSION, "session version is not an integer >= 1");
	if (v > SESSION_VERSION)
		return ts_err_set(err, TS_ESESSION, "session version %lld is newer than this tokscope "
				  "understands (%d)", (long long)v, SESSION_VERSION);
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "answers")))
		return ts_err_set(err, TS_ESESSION, "session has no \"answers\" array");
	return TS_OK;
}

static int read_answers(cJSON *answers, struct doc **docs, struct ts_err *err)
{
	struct reader *r = calloc(1, sizeof *r);
	cJSON *a;
	int rc = TS_OK;

	if (!r)
		return ts_err_set(err, TS_ENOMEM, "out of memory reading session");
	r->err = err;
	cJSON_ArrayForEach(a, answers) {
		docs[r->answer] = doc_new();
		if (!docs[r->answer]) {
			rc = ts_err_set(err, TS_ENOMEM, "out of memory reading session");
			break;
		}
		rc = read_answer(r, docs[r->answer], a);
		if (rc)
			break;
		r->answer++;
	}
	free(r);
	return rc;
}

int session_parse(const char *json, size_t len, struct doc ***docs, size_t *n, struct ts_err *err)
{
	/* The tree reader checks the size again and gives every message. */
	if (len <= SESSION_MAX_BYTES && session_parse_fast(json, len, docs, n) == TS_OK)
		return TS_OK;
	return session_parse_tree(json, len, docs, n, err);
}

int session_parse_tree(const char *json, size_t len, struct doc ***docs, size_t *n, struct ts_err *err)
{
	cJSON *root = NULL, *answers;
	struct doc **out = NULL;
	size_t count = 0;
	int rc;

	*docs = NULL;
	*n = 0;
	if (len > SESSION_MAX_BYTES)
		return ts_err_set(err, TS_ETOOBIG, "session is %zu bytes (maximum %u)", len,
				  SESSION_MAX_BYTES);
	rc = parse_json(json, len, &root, err);
	if (!rc)
		rc = check_header(root, err);
	if (rc)
		goto done;
	answers = cJSON_GetObjectItemCaseSensitive(root, "answers");
	count = (size_t)cJSON_GetArraySize(answers);
	out = calloc(count ? count : 1, sizeof *out);
	rc = out ? read_answers(answers, out, err) : ts_err_set(err, TS_ENOMEM, "out of memory");
	if (rc) {
		session_free_docs(out, count);
		goto done;
	}
	*docs = count ? out : NULL;
	*n = count;
	if (!count)
		free(out);
done:
	cJSON_Delete(root);
	return rc;
}

static int read_file(const char *path, struct buf *b, struct ts_err *err)
{
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = TS_OK;

	if (fd < 0)
		return ts_err_set(err, TS_EIO, "cannot open %s: %s", path, strerror(errno));
	for (;;) {
		ssize_t k = read(fd, chunk, sizeof chunk);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			rc = ts_err_set(err, TS_EIO, "cannot read %s: %s", path, strerror(errno));
		else if (k > 0)
			rc = buf_append(b, chunk, (size_t)k);
		if (rc == TS_ETOOBIG)
			rc = ts_err_set(err, rc, "%s: larger than %u bytes", path, SESSION_MAX_BYTES);
		else if (rc == TS_ENOMEM)
			rc = ts_err_set(err, rc, "cannot read %s: out of memory", path);
		if (k <= 0 || rc)
			break;
	}
	close(fd);
	return rc;
}

int session_load(const char *path, struct doc ***docs, size_t *n, struct ts_err *err)
{
	struct buf b;
	struct ts_err perr;
	int rc;

	*docs = NULL;
	*n = 0;
	buf_init(&b, SESSION_MAX_BYTES);
	rc = read_file(path, &b, err);
	if (!rc) {
		rc = session_parse(buf_str(&b), b.len, docs, n, &perr);
		if (rc)
			ts_err_set(err, rc, "%s: %s", path, perr.msg);
	}
	buf_fini(&b);
	return rc;
}

void session_free_docs(struct doc **docs, size_t n)
{
	if (!docs)
		return;
	for (size_t i = 0; i < n; i++)
		doc_free(docs[i]);
	free(docs);
}
