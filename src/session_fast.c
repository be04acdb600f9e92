/* session_fast.c — see session_fast.h. Every check the tree reader makes is
 * made here too; where the tree reader would report an error, this reader
 * gives up instead (sf_bail), and the tree reader reports it. */
#include "src/session_fast.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "src/buf.h"
#include "src/jsonnum.h"
#include "src/session.h"
#include "src/text.h"

#define SF_MAX_DEPTH 1000                  /* deeper, cJSON fails: leave it to it */
#define SF_STACK 8                         /* root … a token's alternatives is 6 */

enum sf_ctx {
	SF_SKIP, SF_ROOT, SF_ANSWERS, SF_ANSWER, SF_STRINGS, SF_HEX, SF_META, SF_USAGE, SF_INFO,
	SF_TOKENS, SF_TOKEN, SF_ALTS,
};

/* Keys of each object read; a key's bit in the frame's seen set. */
static const char *const root_keys[] = { "format", "version", "answers", NULL };
static const char *const answer_keys[] = { "strings", "meta", "usage", "info", "plain", "tokens", NULL };
static const char *const usage_keys[] = { "prompt_tokens", "completion_tokens", "total_tokens", NULL };
static const char *const info_keys[] = {
	"k_requested", "created", "ttft_ms", "total_ms", "incomplete", "logprobs_missing",
	"post_sampling", NULL,
};
static const char *const hex_keys[] = { "hex", NULL };

enum { R_FORMAT, R_VERSION, R_ANSWERS };
enum { A_STRINGS, A_META, A_USAGE, A_INFO, A_PLAIN, A_TOKENS };
enum { I_K, I_CREATED, I_TTFT, I_TOTAL, I_INCOMPLETE, I_MISSING, I_POST };

/* Where the bytes of an S (a string or {"hex": ...}) go. */
enum sf_target { T_STRING, T_META, T_PLAIN };

struct sf_frame {
	uint8_t ctx;
	uint16_t seen;
};

struct sf {
	bool bail;
	size_t depth, skip;            /* containers open; outermost skipped, 0 none */
	struct sf_frame stack[SF_STACK];
	int key;                       /* the last key's index in its object, -1 other */
	int meta_key;                  /* the last meta key (enum doc_meta_key), -1 other */
	struct doc **docs;
	size_t ndocs, capdocs;
	struct doc *d;                 /* the answer being read (docs[ndocs - 1]) */
	struct buf arena;              /* the answer's strings, back to back */
	size_t *offs;                  /* string i is arena[offs[i], offs[i + 1]) */
	size_t nstrs, capoffs;
	uint8_t target;                /* where the S being read goes */
	int target_meta;
	struct buf tmp;                /* a meta value as a C string */
	struct buf hexbuf;             /* a decoded {"hex"} for meta or plain */
	/* the token being read */
	size_t field;
	double num[7];
	size_t nalt;
	double alt_num[2 * DOC_MAX_ALTS];
	struct doc_alt_in alts[DOC_MAX_ALTS];
};

static int sf_fail(struct sf *s)
{
	s->bail = true;
	return 0;
}

static struct sf_frame *sf_top(struct sf *s)
{
	return &s->stack[s->depth - 1];
}

/* The tree reader's get_int: a finite integral number within [lo, hi]. */
static bool sf_int(double v, double lo, double hi, int64_t *out)
{
	if (!(v >= -SESSION_EXACT_INT_MAX && v <= SESSION_EXACT_INT_MAX) || v != trunc(v) || v < lo || v > hi)
		return false;
	*out = (int64_t)v;
	return true;
}

/* ---- strings ------------------------------------------------------------- */

static int sf_offs_push(struct sf *s, size_t off)
{
	if (s->nstrs + 2 > s->capoffs) {
		size_t cap = s->capoffs ? s->capoffs * 2 : 1024;
		size_t *np = realloc(s->offs, cap * sizeof *np);

		if (!np)
			return sf_fail(s);
		s->offs = np;
		s->capoffs = cap;
	}
	s->offs[++s->nstrs] = off;
	s->offs[0] = 0;
	return 1;
}

/* The bytes of an S have been read: deliver them. */
static int sf_deliver(struct sf *s, const uint8_t *p, size_t n)
{
	if (s->target == T_STRING) {
		if (buf_append(&s->arena, p, n))
			return sf_fail(s);
		return sf_offs_push(s, s->arena.len);
	}
	if (s->target == T_PLAIN)
		return doc_append_plain(s->d, p, n, NULL) ? sf_fail(s) : 1;
	if (memchr(p, '\0', n))
		return sf_fail(s);   /* the tree reader: "contains a NUL byte" */
	buf_reset(&s->tmp);
	if (buf_append(&s->tmp, p, n) || doc_set_meta(s->d, (enum doc_meta_key)s->target_meta, buf_str(&s->tmp)))
		return sf_fail(s);
	return 1;
}

static int sf_hex(struct sf *s, const unsigned char *p, size_t n)
{
	struct buf *out = s->target == T_STRING ? &s->arena : &s->hexbuf;
	uint8_t chunk[256];
	size_t k = 0;

	if (n % 2)
		return sf_fail(s);
	if (out == &s->hexbuf)
		buf_reset(out);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_value(p[i]), lo = hex_value(p[i + 1]);

		if (hi < 0 || lo < 0)
			return sf_fail(s);
		chunk[k++] = (uint8_t)(hi << 4 | lo);
		if ((k == sizeof chunk || i + 2 == n) && buf_append(out, chunk, k))
			return sf_fail(s);
		if (k == sizeof chunk)
			k = 0;
	}
	if (out == &s->arena)
		return sf_offs_push(s, s->arena.len);
	return sf_deliver(s, (const uint8_t *)buf_str(out), out->len);
}

/* ---- tokens ---------------------------------------------------------------- */

/* A string index in range: the tree reader's read_string_index. */
static bool sf_index(const struct sf *s, double v, size_t *out)
{
	int64_t i;

	if (!sf_int(v, -SESSION_EXACT_INT_MAX, SESSION_EXACT_INT_MAX, &i) || i < 0 || (uint64_t)i >= s->nstrs)
		return false;
	*out = (size_t)i;
	return true;
}

static const uint8_t *sf_str(const struct sf *s, size_t i, size_t *len)
{
	*len = s->offs[i + 1] - s->offs[i];
	return (const uint8_t *)buf_str(&s->arena) + s->offs[i];
}

/* The alternatives [s1, lp1, ...] into s->alts; their count, or -1. */
static long sf_alts(struct sf *s)
{
	size_t n = s->nalt / 2, si;

	if (s->nalt % 2)
		return -1;
	for (size_t j = 0; j < n; j++) {
		double lp = s->alt_num[2 * j + 1];

		if (!sf_index(s, s->alt_num[2 * j], &si) || !isfinite(lp) || lp > FLT_MAX)
			return -1;
		s->alts[j] = (struct doc_alt_in){ .logprob = lp, .id = -1 };
		s->alts[j].bytes = sf_str(s, si, &s->alts[j].len);
	}
	return (long)n;
}

/* A token's array has closed: the tree reader's read_token. */
static int sf_token_end(struct sf *s)
{
	struct doc_token_in in = { .logprob = s->num[1], .t_ms = s->num[3], .alts = s->alts };
	int64_t id, flags, rank;
	long nalt = sf_alts(s);
	size_t si;

	if (s->field < 6 || nalt < 0 || !sf_index(s, s->num[0], &si) || !isfinite(in.logprob) ||
	    !sf_int(s->num[2], -1, INT32_MAX, &id) || !isfinite(in.t_ms) || fabs(in.t_ms) > FLT_MAX ||
	    !sf_int(s->num[4], 0, SESSION_FLAGS_KNOWN, &flags) || ((flags & DOC_TOK_HAS_ID) != 0) != (id >= 0))
		return sf_fail(s);
	in.id = (int32_t)id;
	in.bytes_derived = flags & DOC_TOK_BYTES_DERIVED;
	in.forced = flags & DOC_TOK_FORCED;
	if (flags & DOC_TOK_CLAMPED)
		in.logprob = SESSION_SENTINEL_LOGPROB;
	in.nalt = (size_t)nalt;
	if (s->field == 7) {   /* the rank matched by id: alternatives get ids that give it */
		if (!sf_int(s->num[6], 0, (double)nalt, &rank) || id < 0)
			return sf_fail(s);
		for (long j = 0; j < nalt; j++)
			s->alts[j].id = j + 1 == rank ? in.id : in.id == 0 ? 1 : 0;
	}
	in.bytes = sf_str(s, si, &in.len);
	return doc_append(s->d, &in, NULL) ? sf_fail(s) : 1;
}

/* ---- values ------------------------------------------------------------------ */

static int sf_number(struct sf *s, double v)
{
	struct sf_frame *f = sf_top(s);
	struct doc_info *info;
	int64_t x;

	switch (f->ctx) {
	case SF_ROOT:
		if (s->key == R_VERSION)
			return sf_int(v, 1, SESSION_EXACT_INT_MAX, &x) && x <= SESSION_VERSION ? 1 : sf_fail(s);
		return s->key < 0 ? 1 : sf_fail(s);
	case SF_USAGE: {
		int64_t *u[] = { &doc_usage(s->d)->prompt_tokens, &doc_usage(s->d)->completion_tokens,
				 &doc_usage(s->d)->total_tokens };

		return s->key < 0 || sf_int(v, -1, SESSION_EXACT_INT_MAX, u[s->key]) ? 1 : sf_fail(s);
	}
	case SF_INFO:
		info = doc_info(s->d);
		if (s->key == I_K && sf_int(v, -1, INT32_MAX, &x))
			info->k_requested = (int)x;
		else if (s->key == I_CREATED && sf_int(v, -SESSION_EXACT_INT_MAX, SESSION_EXACT_INT_MAX, &x))
			info->created = x;
		else if ((s->key == I_TTFT || s->key == I_TOTAL) && isfinite(v))
			*(s->key == I_TTFT ? &info->ttft_ms : &info->total_ms) = v;
		else if (s->key >= 0)
			return sf_fail(s);
		return 1;
	case SF_TOKEN:
		if (s->field == 5 || s->field >= 7)
			return sf_fail(s);
		s->num[s->field++] = v;
		return 1;
	case SF_ALTS:
		if (s->nalt == 2 * DOC_MAX_ALTS)
			return sf_fail(s);
		s->alt_num[s->nalt++] = v;
		return 1;
	default:   /* answer, meta, hex, strings, lists: only unknown keys may hold a number */
		return (f->ctx == SF_ANSWER || f->ctx == SF_META || f->ctx == SF_HEX) && s->key < 0 &&
		       (f->ctx != SF_META || s->meta_key < 0) ? 1 : sf_fail(s);
	}
}

static int sf_string(struct sf *s, const unsigned char *p, size_t n)
{
	struct sf_frame *f = sf_top(s);

	if (memchr(p, '\0', n))
		return sf_fail(s);
	switch (f->ctx) {
	case SF_ROOT:
		if (s->key == R_FORMAT)
			return n == strlen(SESSION_FORMAT) && memcmp(p, SESSION_FORMAT, n) == 0 ? 1 : sf_fail(s);
		return s->key < 0 ? 1 : sf_fail(s);
	case SF_STRINGS:
		s->target = T_STRING;
		return sf_deliver(s, p, n);
	case SF_HEX:
		return s->key == 0 ? sf_hex(s, p, n) : 1;
	case SF_META:
		if (s->meta_key < 0)
			return 1;
		s->target = T_META;
		s->target_meta = s->meta_key;
		return sf_deliver(s, p, n);
	case SF_ANSWER:
		if (s->key == A_PLAIN) {
			s->target = T_PLAIN;
			return sf_deliver(s, p, n);
		}
		return s->key < 0 ? 1 : sf_fail(s);
	case SF_USAGE: case SF_INFO:
		return s->key < 0 ? 1 : sf_fail(s);
	default:
		return sf_fail(s);
	}
}

/* null, true, false. */
static int sf_literal(struct sf *s, int b)
{
	struct sf_frame *f = sf_top(s);
	struct doc_info *info;

	if (f->ctx == SF_INFO && s->key >= I_INCOMPLETE && b >= 0) {
		info = doc_info(s->d);
		*(s->key == I_INCOMPLETE ? &info->incomplete : s->key == I_MISSING ?
		  &info->logprobs_missing : &info->post_sampling) = b;
		return 1;
	}
	if (f->ctx == SF_META)
		return s->meta_key < 0 ? 1 : sf_fail(s);
	if (f->ctx == SF_ROOT || f->ctx == SF_ANSWER || f->ctx == SF_USAGE || f->ctx == SF_INFO ||
	    f->ctx == SF_HEX)
		return s->key < 0 ? 1 : sf_fail(s);
	return sf_fail(s);
}

/* ---- containers and keys --------------------------------------------------- */

static int sf_answer_begin(struct sf *s)
{
	struct doc *d;

	if (s->ndocs == s->capdocs) {
		size_t cap = s->capdocs ? s->capdocs * 2 : 8;
		struct doc **np = realloc(s->docs, cap * sizeof *np);

		if (!np)
			return -1;
		s->docs = np;
		s->capdocs = cap;
	}
	d = doc_new();
	if (!d)
		return -1;
	s->docs[s->ndocs++] = d;
	s->d = d;
	return 0;
}

static uint8_t sf_open_answer_key(struct sf *s, bool map)
{
	switch (s->key) {
	case A_STRINGS:
		if (map)
			return SF_SKIP;
		buf_reset(&s->arena);
		s->nstrs = 0;
		if (!sf_offs_push(s, 0))   /* offs[0] = 0 */
			return SF_SKIP;
		s->nstrs = 0;
		return SF_STRINGS;
	case A_META: return map ? SF_META : SF_SKIP;
	case A_USAGE: return map ? SF_USAGE : SF_SKIP;
	case A_INFO: return map ? SF_INFO : SF_SKIP;
	case A_PLAIN:
		s->target = T_PLAIN;
		return map ? SF_HEX : SF_SKIP;
	default:   /* tokens: only once the strings are known */
		return !map && (sf_top(s)->seen & (1u << A_STRINGS)) ? SF_TOKENS : SF_SKIP;
	}
}

/* The context a container opens; SF_SKIP for a value nobody reads (an
 * unknown key's), or with s->bail set for one the format forbids. */
static uint8_t sf_open_ctx(struct sf *s, bool map)
{
	struct sf_frame *f = s->depth ? sf_top(s) : NULL;
	bool known = f && s->key >= 0;

	if (!f)
		return map ? SF_ROOT : (sf_fail(s), SF_SKIP);
	switch (f->ctx) {
	case SF_ROOT:
		if (s->key == R_ANSWERS && !map && (f->seen & 3u) == 3u)
			return SF_ANSWERS;
		break;
	case SF_ANSWERS:
		if (map && sf_answer_begin(s) == 0)
			return SF_ANSWER;
		return sf_fail(s), SF_SKIP;
	case SF_ANSWER:
		if (known) {
			uint8_t c = sf_open_answer_key(s, map);

			return c == SF_SKIP ? (sf_fail(s), SF_SKIP) : c;
		}
		break;
	case SF_STRINGS:
		s->target = T_STRING;
		return map ? SF_HEX : (sf_fail(s), SF_SKIP);
	case SF_META:
		known = s->meta_key >= 0;
		if (known && map) {
			s->target = T_META;
			s->target_meta = s->meta_key;
			return SF_HEX;
		}
		break;
	case SF_TOKENS:
		if (!map) {
			s->field = s->nalt = 0;
			return SF_TOKEN;
		}
		return sf_fail(s), SF_SKIP;
	case SF_TOKEN:
		if (!map && s->field == 5) {
			s->field++;
			return SF_ALTS;
		}
		return sf_fail(s), SF_SKIP;
	case SF_ALTS:
		return sf_fail(s), SF_SKIP;
	default:
		break;
	}
	if (known)
		sf_fail(s);
	return SF_SKIP;
}

static int sf_open(struct sf *s, bool map)
{
	uint8_t ctx;

	if (s->depth == SF_MAX_DEPTH)
		return sf_fail(s);
	if (s->skip) {
		s->depth++;
		return 1;
	}
	ctx = sf_open_ctx(s, map);
	if (s->bail)
		return 0;
	s->depth++;
	if (ctx == SF_SKIP)
		s->skip = s->depth;
	else
		s->stack[s->depth - 1] = (struct sf_frame){ .ctx = ctx };
	s->key = -1;
	s->meta_key = -1;
	return 1;
}

static int sf_close(struct sf *s)
{
	struct sf_frame *f = sf_top(s);
	int ok = 1;

	if (s->skip) {
		if (s->skip == s->depth)
			s->skip = 0;
		s->depth--;
		return 1;
	}
	if (f->ctx == SF_TOKEN)
		ok = sf_token_end(s);
	else if (f->ctx == SF_HEX && !(f->seen & 1u))
		ok = sf_fail(s);
	else if (f->ctx == SF_ANSWER && (f->seen & (1u << A_STRINGS | 1u << A_TOKENS)) !=
		 (1u << A_STRINGS | 1u << A_TOKENS))
		ok = sf_fail(s);
	else if (f->ctx == SF_ROOT && (f->seen & 7u) != 7u)
		ok = sf_fail(s);
	s->depth--;
	s->key = -1;
	s->meta_key = -1;
	return ok;
}

static const char *const *sf_keys(uint8_t ctx)
{
	switch (ctx) {
	case SF_ROOT: return root_keys;
	case SF_ANSWER: return answer_keys;
	case SF_USAGE: return usage_keys;
	case SF_INFO: return info_keys;
	case SF_HEX: return hex_keys;
	default: return NULL;
	}
}

static int sf_key(struct sf *s, const unsigned char *p, size_t n)
{
	struct sf_frame *f;
	const char *const *keys;

	if (s->skip)
		return 1;
	if (memchr(p, '\0', n))
		return sf_fail(s);
	f = sf_top(s);
	s->key = -1;
	s->meta_key = -1;
	if (f->ctx == SF_META) {
		for (int k = 0; k < DOC_META_COUNT; k++) {
			const char *name = doc_meta_name((enum doc_meta_key)k);

			if (strlen(name) == n && memcmp(name, p, n) == 0)
				s->meta_key = k;
		}
		return 1;
	}
	keys = sf_keys(f->ctx);
	for (int i = 0; keys && keys[i]; i++) {
		if (strlen(keys[i]) != n || memcmp(keys[i], p, n))
			continue;
		if (f->seen & (1u << i))
			return sf_fail(s);   /* the tree reader takes the first: not worth following */
		f->seen |= (uint16_t)(1u << i);
		s->key = i;
	}
	return 1;
}

/* ---- the parse ------------------------------------------------------------ */

static int cb_null(void *ctx)
{
	struct sf *s = ctx;

	return s->skip ? 1 : s->depth ? sf_literal(s, -1) : sf_fail(s);
}

static int cb_bool(void *ctx, int b)
{
	struct sf *s = ctx;

	return s->skip ? 1 : s->depth ? sf_literal(s, b != 0) : sf_fail(s);
}

static int cb_number(void *ctx, const char *p, size_t n)
{
	struct sf *s = ctx;

	return s->skip ? 1 : s->depth ? sf_number(s, jsonnum_parse(p, n)) : sf_fail(s);
}

static int cb_string(void *ctx, const unsigned char *p, size_t n)
{
	struct sf *s = ctx;

	return s->skip ? 1 : s->depth ? sf_string(s, p, n) : sf_fail(s);
}

static int cb_start_map(void *ctx)
{
	return sf_open(ctx, true);
}

static int cb_start_array(void *ctx)
{
	return sf_open(ctx, false);
}

static int cb_key(void *ctx, const unsigned char *p, size_t n)
{
	return sf_key(ctx, p, n);
}

static int cb_end(void *ctx)
{
	return sf_close(ctx);
}

static const yajl_callbacks sf_callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_bool,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_key,
	.yajl_end_map = cb_end,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end,
};

static bool sf_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* What the text must look like for this reader to try: one object with
 * nothing but whitespace around it (cJSON's idea of it, not yajl's wider
 * one), and no escaped surrogate (yajl decodes a lone one where cJSON
 * fails). A false "surrogate" (an escaped backslash before "ud8") only
 * costs the tree reader's time. */
static bool sf_shape_ok(const char *p, size_t len)
{
	size_t a = 0, b = len;
	const char *q = p, *end = p + len;

	while (a < len && sf_space(p[a]))
		a++;
	while (b > a && sf_space(p[b - 1]))
		b--;
	if (b - a < 2 || p[a] != '{' || p[b - 1] != '}')
		return false;
	for (q = memchr(q, '\\', (size_t)(end - q)); q; q = memchr(q, '\\', (size_t)(end - q))) {
		if (end - q >= 4 && q[1] == 'u' && (q[2] == 'd' || q[2] == 'D') && hex_value(q[3]) >= 8)
			return false;
		q += 2;
		if (q >= end)
			break;
	}
	return true;
}

static void sf_fini(struct sf *s)
{
	buf_fini(&s->arena);
	buf_fini(&s->tmp);
	buf_fini(&s->hexbuf);
	free(s->offs);
}

int session_parse_fast(const char *json, size_t len, struct doc ***docs, size_t *n)
{
	struct sf *s;
	yajl_handle h;
	yajl_status st = yajl_status_error;
	bool ok;

	*docs = NULL;
	*n = 0;
	if (!sf_shape_ok(json, len))
		return SESSION_FAST_BAIL;
	s = calloc(1, sizeof *s);
	h = s ? yajl_alloc(&sf_callbacks, NULL, s) : NULL;
	if (h) {
		buf_init(&s->arena, DOC_MAX_TEXT);
		buf_init(&s->tmp, 0);
		buf_init(&s->hexbuf, 0);
		st = yajl_parse(h, (const unsigned char *)json, len);
		if (st == yajl_status_ok)
			st = yajl_complete_parse(h);
		yajl_free(h);
	}
	ok = s && st == yajl_status_ok && !s->bail;
	if (ok) {
		*n = s->ndocs;
		*docs = s->ndocs ? s->docs : NULL;
		if (!s->ndocs)
			free(s->docs);
	} else if (s) {
		session_free_docs(s->docs, s->ndocs);
	}
	if (s)
		sf_fini(s);
	free(s);
	return ok ? TS_OK : SESSION_FAST_BAIL;
}
