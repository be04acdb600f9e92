/* The OpenAI chat-completions shape, also spoken by llama.cpp's llama-server,
 * vLLM, DeepSeek, OpenRouter, Together (new shape) and Azure OpenAI.
 * Tokens are in choices[0].logprobs.content[] (and .refusal[]), each
 * {token, bytes, logprob, top_logprobs:[{token, bytes, logprob}], id?}.
 *
 * Responses are read with yajl's event parser, not into a tree: this is the
 * hot path of a stream (a chunk at k = 20 is ~1.7 KB of JSON per token), and
 * building and freeing a cJSON tree of ~200 nodes per token cost 2.5 times
 * the parse itself. A stack of contexts says what each value is for; what
 * one object holds is collected (into struct oa_parser) and applied to the
 * document only once the whole object has parsed, in the order a tree
 * reader applies it. The reading rules are a tree reader's: the first of
 * duplicate keys counts, lists given as objects are read member by member,
 * the first choice whose index is 0 (or missing, or not a number) is the
 * answer, and an entry's problems are reported in the order token bytes,
 * token logprob, then each alternative's. Malformed JSON changes nothing. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <yajl/yajl_parse.h>

#include "src/dialect.h"
#include "src/dialect_json.h"
#include "src/jsonnum.h"

static int oa_build(const struct req_params *rp, struct buf *out, struct ts_err *err)
{
	cJSON *root = dj_chat_request(rp);

	if (!root)
		return ts_err_set(err, TS_ENOMEM, "cannot build the request body");
	cJSON_AddBoolToObject(root, "logprobs", 1);
	cJSON_AddNumberToObject(root, "top_logprobs", rp->top_logprobs);
	cJSON_AddBoolToObject(root, "stream", rp->stream);
	if (rp->stream)
		cJSON_AddBoolToObject(cJSON_AddObjectToObject(root, "stream_options"), "include_usage", 1);
	return dj_print(root, out, err);
}

/* ---- reading ---------------------------------------------------------- */

#define OA_MAX_DEPTH 1000      /* cJSON's nesting limit: deeper input is malformed */
#define OA_STACK 12            /* the deepest context read: root … bytes is 9 */
#define OA_ENTRY_BYTES (16u * DOC_MAX_TOKEN_LEN)  /* one entry's bytes, alternatives included */

/* What a container is; CX_SKIP containers are not pushed. */
enum oa_ctx {
	CX_SKIP, CX_ROOT, CX_USAGE, CX_CHOICES, CX_CHOICE, CX_MSG, CX_LOGPROBS, CX_LIST,
	CX_ENTRY, CX_ALTS, CX_ALT, CX_BYTES,
};

/* What the next value is for. */
enum oa_slot {
	SL_SKIP, SL_ROOT, SL_ERROR, SL_META, SL_CREATED, SL_USAGE, SL_USAGE_FIELD, SL_CHOICES,
	SL_CHOICE, SL_INDEX, SL_FINISH, SL_MSG, SL_TEXT, SL_LOGPROBS, SL_LIST, SL_ENTRY, SL_ALTS,
	SL_ALT, SL_BYTES, SL_BYTE, SL_TOKEN, SL_LOGPROB, SL_ID,
};

enum oa_kind { V_NULL, V_BOOL, V_NUM, V_STR };

/* Why an entry cannot be appended, in the order the checks run. */
enum oa_fail { F_NONE, F_BYTE_RANGE, F_BYTES_LONG, F_NO_BYTES, F_TEXT_LONG, F_LOGPROB, F_TOO_MANY };

struct oa_key {
	const char *name;
	uint8_t len, slot, arg;
};

#define OA_KEY(s, slot, arg) { s, sizeof s - 1, slot, arg }

static const struct oa_key root_keys[] = {
	OA_KEY("error", SL_ERROR, 0), OA_KEY("model", SL_META, 0), OA_KEY("id", SL_META, 1),
	OA_KEY("system_fingerprint", SL_META, 2), OA_KEY("created", SL_CREATED, 0),
	OA_KEY("usage", SL_USAGE, 0), OA_KEY("choices", SL_CHOICES, 0), { NULL, 0, 0, 0 },
};
static const struct oa_key usage_keys[] = {
	OA_KEY("prompt_tokens", SL_USAGE_FIELD, 0), OA_KEY("completion_tokens", SL_USAGE_FIELD, 1),
	OA_KEY("total_tokens", SL_USAGE_FIELD, 2), { NULL, 0, 0, 0 },
};
/* arg of SL_MSG: 0 "delta" (streams), 1 "message" (whole bodies) */
static const struct oa_key choice_keys[] = {
	OA_KEY("index", SL_INDEX, 0), OA_KEY("finish_reason", SL_FINISH, 0),
	OA_KEY("logprobs", SL_LOGPROBS, 0), OA_KEY("delta", SL_MSG, 0), OA_KEY("message", SL_MSG, 1),
	{ NULL, 0, 0, 0 },
};
static const struct oa_key msg_keys[] = { OA_KEY("content", SL_TEXT, 0), { NULL, 0, 0, 0 } };
static const struct oa_key logprobs_keys[] = {
	OA_KEY("content", SL_LIST, 0), OA_KEY("refusal", SL_LIST, 1), { NULL, 0, 0, 0 },
};
static const struct oa_key entry_keys[] = {
	OA_KEY("bytes", SL_BYTES, 0), OA_KEY("token", SL_TOKEN, 0), OA_KEY("logprob", SL_LOGPROB, 0),
	OA_KEY("id", SL_ID, 0), OA_KEY("top_logprobs", SL_ALTS, 0), { NULL, 0, 0, 0 },
};
static const struct oa_key alt_keys[] = {
	OA_KEY("bytes", SL_BYTES, 0), OA_KEY("token", SL_TOKEN, 0), OA_KEY("logprob", SL_LOGPROB, 0),
	OA_KEY("id", SL_ID, 0), { NULL, 0, 0, 0 },
};

static const struct oa_key *const ctx_keys[CX_BYTES + 1] = {
	[CX_ROOT] = root_keys, [CX_USAGE] = usage_keys, [CX_CHOICE] = choice_keys,
	[CX_MSG] = msg_keys, [CX_LOGPROBS] = logprobs_keys, [CX_ENTRY] = entry_keys,
	[CX_ALT] = alt_keys,
};

/* The slot of every value directly inside a list context (array, or
 * object read member by member). */
static const uint8_t ctx_elem[CX_BYTES + 1] = {
	[CX_CHOICES] = SL_CHOICE, [CX_LIST] = SL_ENTRY, [CX_ALTS] = SL_ALT, [CX_BYTES] = SL_BYTE,
};

struct oa_frame {
	uint8_t ctx;
	bool map;
	uint16_t seen;      /* keys of ctx_keys met: the first of each counts */
	uint32_t arg;       /* CX_LIST: which list; CX_ENTRY, CX_ALT, CX_BYTES: the item */
};

/* A token entry's own fields, or one alternative's. Offsets are into sc. */
struct oa_item {
	size_t boff, blen;  /* the bytes array's valid elements */
	size_t toff, tlen;  /* the token text, up to a NUL */
	double logprob;
	int32_t id;
	bool bytes_array, bytes_bad, has_text, lp_ok;
};

struct oa_entry {
	size_t item;        /* items[item] is the token, then its nalt alternatives */
	size_t nalt;
	uint8_t list;       /* 0 content, 1 refusal */
	bool too_many;      /* more than DOC_MAX_ALTS alternatives */
};

/* The choice being read. Strings are offsets + 1 into sc, 0 = none. */
struct oa_choice {
	bool index_ok;      /* index missing, not a number, or 0 */
	size_t finish, text;
	uint8_t fail[2];    /* first failure in each list */
};

struct oa_parser {
	uint8_t msgarg;     /* which choice key holds the text: 0 delta, 1 message */
	int fatal;          /* why a callback stopped the parse */
	struct buf sc;      /* bytes and strings of the object being read */
	struct oa_frame stack[OA_STACK];
	size_t depth;       /* containers open */
	size_t skip;        /* depth of the outermost container skipped, 0 none */
	uint8_t slot, arg;  /* what the value after the last key is for */
	bool has_error, has_created, decided, choice_ok;
	size_t meta[3];     /* model, id, system_fingerprint: offset + 1 into sc */
	int64_t created;
	int64_t usage[3];
	uint8_t has_usage;
	struct oa_choice ch;
	struct oa_item *items;
	size_t nitems, capitems;
	struct oa_entry *entries;
	size_t nentries, capentries;
	struct doc_alt_in alts[DOC_MAX_ALTS];
};

static struct oa_frame *oa_top(struct oa_parser *p)
{
	return &p->stack[p->depth - 1];
}

static int oa_fatal(struct oa_parser *p, int code)
{
	p->fatal = code;
	return 0;
}

/* Keeps a string as a C string (cut at a NUL, as cJSON's strings are).
 * Returns its offset + 1, or 0 when out of room; *len gets its length. */
static size_t oa_keep(struct oa_parser *p, const unsigned char *s, size_t n, size_t *len)
{
	const unsigned char *nul = memchr(s, '\0', n);
	size_t at = p->sc.len;

	if (nul)
		n = (size_t)(nul - s);
	if (buf_append(&p->sc, s, n) || buf_putc(&p->sc, '\0'))
		return 0;
	*len = n;
	return at + 1;
}

/* A number of one to three digits (most bytes), else -1. */
static int oa_small_int(const char *s, size_t n)
{
	int v = 0;

	if (n > 3)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Grows *arr (elements of size sz) to hold one more. */
static int oa_grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t c = *cap ? *cap * 2 : 32;
	void *np;

	if (n < *cap)
		return TS_OK;
	np = realloc(*arr, c * sz);
	if (!np)
		return TS_ENOMEM;
	*arr = np;
	*cap = c;
	return TS_OK;
}

/* A new, empty item; its index, or SIZE_MAX when out of memory. */
static size_t oa_item_new(struct oa_parser *p)
{
	if (oa_grow((void **)&p->items, &p->capitems, p->nitems, sizeof *p->items))
		return SIZE_MAX;
	p->items[p->nitems] = (struct oa_item){ .id = -1 };
	return p->nitems++;
}

static struct oa_entry *oa_entry_cur(struct oa_parser *p)
{
	return &p->entries[p->nentries - 1];
}

static int oa_entry_begin(struct oa_parser *p, uint8_t list, uint32_t *item)
{
	size_t it;

	if (oa_grow((void **)&p->entries, &p->capentries, p->nentries, sizeof *p->entries))
		return oa_fatal(p, TS_ENOMEM);
	it = oa_item_new(p);
	if (it == SIZE_MAX)
		return oa_fatal(p, TS_ENOMEM);
	p->entries[p->nentries++] = (struct oa_entry){ .item = it, .list = list };
	*item = (uint32_t)it;
	return 1;
}

/* One item's checks, as the tree reader ran them: bytes (the array when
 * there is one, else the token text) into a buffer of OA_ENTRY_BYTES
 * shared by the entry, then the logprob. */
static uint8_t oa_item_check(const struct oa_item *it, size_t *used)
{
	if (it->bytes_array) {
		if (it->blen > OA_ENTRY_BYTES - *used)
			return F_BYTES_LONG;
		if (it->bytes_bad)
			return F_BYTE_RANGE;
		*used += it->blen;
	} else {
		if (!it->has_text)
			return F_NO_BYTES;
		if (it->tlen > OA_ENTRY_BYTES - *used)
			return F_TEXT_LONG;
		*used += it->tlen;
	}
	return it->lp_ok ? F_NONE : F_LOGPROB;
}

/* The entry is complete: it stays to be appended, or its list stops at
 * its first failure (later entries of that list are not read). */
static void oa_entry_end(struct oa_parser *p)
{
	struct oa_entry *e = oa_entry_cur(p);
	size_t used = 0;
	uint8_t f = F_NONE;

	for (size_t j = 0; j <= e->nalt && f == F_NONE; j++)
		f = oa_item_check(&p->items[e->item + j], &used);
	if (f == F_NONE && e->too_many)
		f = F_TOO_MANY;
	if (f == F_NONE)
		return;
	p->ch.fail[e->list] = f;
	p->nitems = e->item;
	p->nentries--;
}

/* An alternative begins: its item, or SIZE_MAX past DOC_MAX_ALTS. */
static size_t oa_alt_begin(struct oa_parser *p)
{
	struct oa_entry *e = oa_entry_cur(p);
	size_t it;

	if (e->too_many || e->nalt == DOC_MAX_ALTS) {
		e->too_many = true;
		return SIZE_MAX;
	}
	it = oa_item_new(p);
	if (it != SIZE_MAX)
		e->nalt++;
	else
		p->fatal = TS_ENOMEM;
	return it;
}

static void oa_choice_begin(struct oa_parser *p)
{
	p->ch = (struct oa_choice){ .index_ok = true };
	p->nitems = p->nentries = 0;
}

static void oa_choice_end(struct oa_parser *p)
{
	if (p->ch.index_ok) {
		p->decided = true;
		p->choice_ok = true;
	} else {
		p->nitems = p->nentries = 0;
	}
}

/* An element of bytes: an integer 0-255 is kept; anything else ends the
 * valid part of the array. */
static int oa_byte(struct oa_parser *p, struct oa_item *it, enum oa_kind k, const char *s, size_t n)
{
	double v;

	if (it->bytes_bad)
		return 1;
	v = k == V_NUM ? oa_small_int(s, n) : -1;
	if (k == V_NUM && v < 0)
		v = jsonnum_parse(s, n);
	if (v < 0 || v > 255) {
		it->bytes_bad = true;
		return 1;
	}
	if (p->sc.len + 2 <= p->sc.cap && p->sc.len < p->sc.max) {   /* buf_putc, inlined */
		p->sc.data[p->sc.len++] = (char)(int)v;
		p->sc.data[p->sc.len] = '\0';
	} else if (buf_putc(&p->sc, (int)v)) {
		return oa_fatal(p, TS_ETOOBIG);
	}
	it->blen++;
	return 1;
}

/* A scalar value for an item's field. */
static int oa_item_scalar(struct oa_parser *p, enum oa_kind k, const char *s, size_t n)
{
	struct oa_frame *f = oa_top(p);
	struct oa_item *it = &p->items[f->arg];
	double v;

	switch (p->slot) {
	case SL_BYTE:
		return oa_byte(p, it, k, s, n);
	case SL_TOKEN:
		if (k == V_STR) {
			size_t at = oa_keep(p, (const unsigned char *)s, n, &it->tlen);

			if (!at)
				return oa_fatal(p, TS_ETOOBIG);
			it->toff = at - 1;
			it->has_text = true;
		}
		return 1;
	case SL_LOGPROB:
		it->lp_ok = k == V_NUM || k == V_NULL;
		it->logprob = k == V_NUM ? jsonnum_parse(s, n) : -INFINITY;  /* null: p = 0 */
		return 1;
	case SL_ID:
		v = k == V_NUM ? jsonnum_parse(s, n) : -1;
		if (v >= 0)
			it->id = (int32_t)v;
		return 1;
	default:
		return 1;
	}
}

/* A scalar value at the root, in usage or in a choice. */
static int oa_fact_scalar(struct oa_parser *p, enum oa_kind k, const char *s, size_t n)
{
	size_t *str = p->slot == SL_META ? &p->meta[p->arg] :
		      p->slot == SL_FINISH ? &p->ch.finish : p->slot == SL_TEXT ? &p->ch.text : NULL;

	if (str && k == V_STR) {
		size_t len;

		*str = oa_keep(p, (const unsigned char *)s, n, &len);
		return *str ? 1 : oa_fatal(p, TS_ETOOBIG);
	}
	if (k != V_NUM && p->slot != SL_INDEX)
		return 1;
	if (p->slot == SL_CREATED) {
		p->created = (int64_t)jsonnum_parse(s, n);
		p->has_created = true;
	} else if (p->slot == SL_USAGE_FIELD) {
		p->usage[p->arg] = (int64_t)jsonnum_parse(s, n);
		p->has_usage |= (uint8_t)(1u << p->arg);
	} else if (p->slot == SL_INDEX) {
		/* cJSON's valueint is 0 exactly for values in (-1, 1) */
		p->ch.index_ok = k != V_NUM || fabs(jsonnum_parse(s, n)) < 1.0;
	}
	return 1;
}

/* Before each value: which slot it fills. */
static void oa_slot_next(struct oa_parser *p)
{
	if (p->depth == 0)
		p->slot = SL_ROOT;
	else if (!oa_top(p)->map || !ctx_keys[oa_top(p)->ctx])
		p->slot = ctx_elem[oa_top(p)->ctx];
}

static int oa_scalar(struct oa_parser *p, enum oa_kind k, const char *s, size_t n)
{
	if (p->skip)
		return 1;
	oa_slot_next(p);
	switch (p->slot) {
	case SL_ERROR:
		p->has_error = true;
		return 1;
	case SL_CHOICE:   /* a choice that is not an object: the answer, empty */
		p->decided = true;
		return 1;
	case SL_ENTRY: {  /* an entry that is not an object: no bytes, no text */
		uint32_t it;

		if (p->ch.fail[oa_top(p)->arg])
			return 1;
		if (!oa_entry_begin(p, (uint8_t)oa_top(p)->arg, &it))
			return 0;
		oa_entry_end(p);
		return 1;
	}
	case SL_ALT:
		return oa_alt_begin(p) != SIZE_MAX || !p->fatal;
	case SL_BYTE: case SL_TOKEN: case SL_LOGPROB: case SL_ID:
		return oa_item_scalar(p, k, s, n);
	default:
		return oa_fact_scalar(p, k, s, n);
	}
}

/* The context a container opens for slot, with what its start means. */
static uint8_t oa_container(struct oa_parser *p, bool map, uint32_t *arg)
{
	struct oa_frame *f = p->depth > 1 ? &p->stack[p->depth - 2] : NULL;

	switch (p->slot) {
	case SL_ROOT: return map ? CX_ROOT : CX_SKIP;
	case SL_ERROR: p->has_error = true; return CX_SKIP;
	case SL_USAGE: return map ? CX_USAGE : CX_SKIP;
	case SL_CHOICES: return CX_CHOICES;
	case SL_CHOICE:
		if (p->decided || !map) {
			p->decided = true;
			return CX_SKIP;
		}
		oa_choice_begin(p);
		return CX_CHOICE;
	case SL_MSG: return map && p->arg == p->msgarg ? CX_MSG : CX_SKIP;
	case SL_LOGPROBS: return map ? CX_LOGPROBS : CX_SKIP;
	case SL_LIST: *arg = p->arg; return CX_LIST;
	case SL_ENTRY:
		if (p->ch.fail[f->arg] || !oa_entry_begin(p, (uint8_t)f->arg, arg))
			return CX_SKIP;
		if (!map)
			oa_entry_end(p);
		return map ? CX_ENTRY : CX_SKIP;
	case SL_ALTS: *arg = f->arg; return CX_ALTS;
	case SL_ALT:
		*arg = (uint32_t)oa_alt_begin(p);
		return map && *arg != UINT32_MAX ? CX_ALT : CX_SKIP;
	case SL_BYTES:
		if (map)
			return CX_SKIP;
		*arg = f->arg;
		p->items[f->arg].bytes_array = true;
		p->items[f->arg].boff = p->sc.len;
		return CX_BYTES;
	case SL_BYTE: oa_byte(p, &p->items[f->arg], V_NULL, NULL, 0); return CX_SKIP;
	default: return CX_SKIP;
	}
}

static int oa_open(struct oa_parser *p, bool map)
{
	uint8_t ctx;
	uint32_t arg = 0;

	if (p->depth == OA_MAX_DEPTH)
		return oa_fatal(p, TS_EJSON);
	if (p->skip) {
		p->depth++;
		return 1;
	}
	oa_slot_next(p);
	p->depth++;
	ctx = oa_container(p, map, &arg);
	if (p->fatal)
		return 0;
	if (ctx == CX_SKIP)
		p->skip = p->depth;
	else
		p->stack[p->depth - 1] = (struct oa_frame){ .ctx = ctx, .map = map, .arg = arg };
	return 1;
}

static int oa_close(struct oa_parser *p)
{
	if (p->skip) {
		if (p->skip == p->depth)
			p->skip = 0;
		p->depth--;
		return 1;
	}
	if (oa_top(p)->ctx == CX_CHOICE)
		oa_choice_end(p);
	else if (oa_top(p)->ctx == CX_ENTRY)
		oa_entry_end(p);
	p->depth--;
	return 1;
}

/* The index of key s in table k, or -1. Keys are short: comparing them
 * here costs less than calling memcmp. */
static int oa_key_find(const struct oa_key *k, const unsigned char *s, size_t n)
{
	for (int i = 0; k[i].name; i++) {
		size_t j = 0;

		if (k[i].len != n)
			continue;
		while (j < n && k[i].name[j] == (char)s[j])
			j++;
		if (j == n)
			return i;
	}
	return -1;
}

static int oa_key(struct oa_parser *p, const unsigned char *s, size_t n)
{
	struct oa_frame *f;
	const struct oa_key *k;
	int i;

	if (p->skip)
		return 1;
	f = oa_top(p);
	k = ctx_keys[f->ctx];
	if (!k)
		return 1;   /* a list given as an object: every member is an element */
	i = n ? oa_key_find(k, s, n) : -1;
	if (i < 0 && memchr(s, '\0', n))   /* cJSON's keys end at a NUL */
		i = oa_key_find(k, s, (size_t)((const unsigned char *)memchr(s, '\0', n) - s));
	p->slot = SL_SKIP;
	if (i >= 0 && !(f->seen & (1u << i))) {
		f->seen |= (uint16_t)(1u << i);
		p->slot = k[i].slot;
		p->arg = k[i].arg;
	}
	return 1;
}

static int cb_null(void *ctx)
{
	return oa_scalar(ctx, V_NULL, NULL, 0);
}

static int cb_bool(void *ctx, int b)
{
	(void)b;
	return oa_scalar(ctx, V_BOOL, NULL, 0);
}

static int cb_number(void *ctx, const char *s, size_t n)
{
	struct oa_parser *p = ctx;

	if (!p->skip && p->depth && oa_top(p)->ctx == CX_BYTES)   /* the commonest value */
		return oa_byte(p, &p->items[oa_top(p)->arg], V_NUM, s, n);
	return oa_scalar(p, V_NUM, s, n);
}

static int cb_string(void *ctx, const unsigned char *s, size_t n)
{
	return oa_scalar(ctx, V_STR, (const char *)s, n);
}

static int cb_start_map(void *ctx)
{
	return oa_open(ctx, true);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t n)
{
	return oa_key(ctx, s, n);
}

static int cb_start_array(void *ctx)
{
	return oa_open(ctx, false);
}

static int cb_end(void *ctx)
{
	return oa_close(ctx);
}

static const yajl_callbacks oa_callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_bool,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end,
};

static void oa_reset(struct oa_parser *p, size_t len)
{
	p->fatal = TS_OK;
	buf_reset(&p->sc);
	p->sc.max = 2 * len + 4096;   /* never reached: what is kept is shorter than the text */
	p->depth = p->skip = 0;
	p->slot = SL_SKIP;
	p->has_error = p->has_created = p->decided = p->choice_ok = false;
	memset(p->meta, 0, sizeof p->meta);
	p->has_usage = 0;
	p->ch = (struct oa_choice){ .index_ok = true };
	p->nitems = p->nentries = 0;
}

/* Runs yajl over the text. A UTF-8 byte order mark is skipped and text
 * after the value ignored, as cJSON does. */
static int oa_read(struct oa_parser *p, const char *json, size_t len, struct ts_err *err)
{
	yajl_handle h = yajl_alloc(&oa_callbacks, NULL, p);
	size_t skip = len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	yajl_status st;
	size_t at;

	if (!h)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	yajl_config(h, yajl_dont_validate_strings, 1);
	yajl_config(h, yajl_allow_trailing_garbage, 1);
	oa_reset(p, len);
	st = yajl_parse(h, (const unsigned char *)json + skip, len - skip);
	at = skip + yajl_get_bytes_consumed(h);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		at = len;
	}
	yajl_free(h);
	if (st == yajl_status_ok)
		return TS_OK;
	if (p->fatal && p->fatal != TS_EJSON)
		return ts_err_set(err, p->fatal, "cannot read the server's JSON: %s", ts_strerror(p->fatal));
	return ts_err_set(err, TS_EJSON, "malformed JSON from the server near byte %zu", at);
}

/* Root facts first, as the tree reader applied them. */
static void oa_apply_meta(const struct oa_parser *p, struct doc *d)
{
	static const enum doc_meta_key keys[] = { DOC_META_MODEL, DOC_META_ID, DOC_META_FINGERPRINT };
	int64_t *usage[] = { &doc_usage(d)->prompt_tokens, &doc_usage(d)->completion_tokens,
			     &doc_usage(d)->total_tokens };

	for (size_t i = 0; i < 3; i++) {
		const char *v = p->meta[i] ? p->sc.data + p->meta[i] - 1 : NULL;

		if (v && (!doc_meta(d, keys[i]) || strcmp(v, doc_meta(d, keys[i]))))
			doc_set_meta(d, keys[i], v);
	}
	if (p->has_created)
		doc_info(d)->created = p->created;
	for (size_t i = 0; i < 3; i++)
		if (p->has_usage & (1u << i))
			*usage[i] = p->usage[i];
}

static int oa_fail_msg(uint8_t f, struct ts_err *err)
{
	switch (f) {
	case F_BYTE_RANGE: return ts_err_set(err, TS_ESHAPE, "token bytes must be integers 0-255");
	case F_BYTES_LONG: return ts_err_set(err, TS_ETOOBIG, "token bytes too long");
	case F_NO_BYTES: return ts_err_set(err, TS_ESHAPE, "logprob entry has neither bytes nor token text");
	case F_TEXT_LONG: return ts_err_set(err, TS_ETOOBIG, "token text too long");
	case F_LOGPROB: return ts_err_set(err, TS_ESHAPE, "logprob entry without a numeric logprob");
	default: return ts_err_set(err, TS_ETOOBIG, "more than %u alternatives", DOC_MAX_ALTS);
	}
}

/* The bytes of an item: its array when it had one, else its text. */
/* vLLM's "token_id:123" (return_tokens_as_token_ids) stands for a token
 * that is not valid text: its bytes are not the token's, so its text is
 * kept and flagged derived, as when no bytes came. */
static bool oa_token_id_text(const struct oa_parser *p, const struct oa_item *it)
{
	const char *t = buf_str(&p->sc) + it->toff;

	return it->has_text && it->tlen > 9 && strncmp(t, "token_id:", 9) == 0 && t[9] >= '0' && t[9] <= '9';
}

static const uint8_t *oa_item_bytes(const struct oa_parser *p, const struct oa_item *it, size_t *len)
{
	bool array = it->bytes_array && !oa_token_id_text(p, it);

	*len = array ? it->blen : it->tlen;
	return (const uint8_t *)buf_str(&p->sc) + (*len ? (array ? it->boff : it->toff) : 0);
}

static int oa_append(struct oa_parser *p, struct doc *d, const struct oa_entry *e, double now_ms,
		     struct ts_err *err)
{
	const struct oa_item *t = &p->items[e->item];
	struct doc_token_in in = {
		.logprob = t->logprob, .id = t->id, .bytes_derived = !t->bytes_array || oa_token_id_text(p, t),
		.t_ms = now_ms, .alts = p->alts, .nalt = e->nalt,
	};

	in.bytes = oa_item_bytes(p, t, &in.len);
	for (size_t j = 0; j < e->nalt; j++) {
		const struct oa_item *a = &p->items[e->item + 1 + j];

		p->alts[j] = (struct doc_alt_in){ .logprob = a->logprob, .id = a->id };
		p->alts[j].bytes = oa_item_bytes(p, a, &p->alts[j].len);
	}
	return doc_append(d, &in, err);
}

/* Applies what one object held: meta, the tokens of content[] then
 * refusal[], the text when no token came, the finish reason. */
static int oa_apply(struct oa_parser *p, struct doc *d, double now_ms, bool *saw_logprobs,
		    struct ts_err *err)
{
	const char *text = p->ch.text ? p->sc.data + p->ch.text - 1 : NULL;
	size_t before = doc_count(d), ntok;

	oa_apply_meta(p, d);
	if (!p->choice_ok)
		return TS_OK;
	for (uint8_t list = 0; list < 2; list++) {
		for (size_t i = 0; i < p->nentries; i++) {
			int rc = p->entries[i].list == list ? oa_append(p, d, &p->entries[i], now_ms, err) : TS_OK;

			if (rc)
				return rc;
		}
		if (p->ch.fail[list])
			return oa_fail_msg(p->ch.fail[list], err);
	}
	ntok = doc_count(d) - before;
	if (ntok == 0 && text && *text &&
	    doc_append_plain(d, (const uint8_t *)text, strlen(text), err))
		return err ? err->code : TS_ETOOBIG;
	if (p->ch.finish)
		doc_set_meta(d, DOC_META_FINISH, p->sc.data + p->ch.finish - 1);
	if (ntok)
		*saw_logprobs = true;
	return TS_OK;
}

static struct oa_parser *oa_parser_new(uint8_t msgarg)
{
	struct oa_parser *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->msgarg = msgarg;
	buf_init(&p->sc, 0);
	return p;
}

static void oa_parser_free(struct oa_parser *p)
{
	if (!p)
		return;
	buf_fini(&p->sc);
	free(p->items);
	free(p->entries);
	free(p);
}

/* Parses one JSON object (a whole body or a stream chunk). */
static int oa_parse_object(struct oa_parser *p, struct doc *d, const char *json, size_t len,
			   double now_ms, bool *saw_logprobs, struct ts_err *err)
{
	int rc = oa_read(p, json, len, err);

	if (rc)
		return rc;
	if (p->has_error) {
		dialect_error_message(json, len, 0, err);
		return TS_ESERVER;
	}
	return oa_apply(p, d, now_ms, saw_logprobs, err);
}

static int oa_parse_body(struct doc *d, const char *body, size_t len, double now_ms, struct ts_err *err)
{
	struct oa_parser *p = oa_parser_new(1);
	bool saw = false;
	int rc;

	if (!p)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	rc = oa_parse_object(p, d, body, len, now_ms, &saw, err);
	oa_parser_free(p);
	if (!rc)
		dj_body_end(d);
	return rc;
}

static int oa_parse_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev,
			  struct ts_err *err)
{
	int rc;

	if (dj_event_prelude(st, ev, &rc, err))
		return rc;
	if (!st->priv)
		st->priv = oa_parser_new(0);
	if (!st->priv)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	return oa_parse_object(st->priv, d, ev->data, ev->data_len, st->now_ms, &st->saw_logprobs, err);
}

static void oa_stream_fini(struct dialect_stream *st)
{
	oa_parser_free(st->priv);
	st->priv = NULL;
}

const struct dialect dialect_openai_chat = {
	.name = "openai-chat",
	.path = "/chat/completions",
	.description = "OpenAI chat completions (OpenAI, Azure, llama.cpp, vLLM, Together, DeepSeek, OpenRouter)",
	.build_request = oa_build,
	.parse_body = oa_parse_body,
	.parse_event = oa_parse_event,
	.parse_error = dialect_error_message,
	.stream_fini = oa_stream_fini,
};
