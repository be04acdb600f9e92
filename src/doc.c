#include "src/doc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/buf.h"

/* Interned strings: bytes in one arena, spans in an array, and an open
 * addressing hash table of span indexes (0 = empty slot, else index + 1). */
struct strtab {
	uint8_t *bytes;
	size_t len, cap;
	struct span { uint32_t off, len; } *spans;
	size_t nspans, capspans;
	uint32_t *slots;
	size_t nslots;      /* power of two */
};

struct doc {
	struct doc_token *tokens;
	size_t ntokens, captokens;
	struct doc_alt *alts;
	size_t nalts, capalts;
	uint8_t *text;
	size_t textlen, textcap;
	struct strtab strs;
	char *meta[DOC_META_COUNT];
	struct doc_usage usage;
	struct doc_info info;
	struct buf plain;
};

static const char *const meta_names[DOC_META_COUNT] = {
	[DOC_META_MODEL] = "model",
	[DOC_META_ID] = "id",
	[DOC_META_FINGERPRINT] = "system_fingerprint",
	[DOC_META_FINISH] = "finish_reason",
	[DOC_META_ENDPOINT] = "endpoint",
	[DOC_META_PROFILE] = "profile",
	[DOC_META_DIALECT] = "dialect",
	[DOC_META_REQUEST] = "request",
	[DOC_META_ERROR] = "error",
	[DOC_META_PROVENANCE] = "provenance",
	[DOC_META_STARTED] = "started",
	[DOC_META_TITLE] = "title",
	[DOC_META_LABELS] = "labels",
	[DOC_META_UID] = "uid",
	[DOC_META_BRANCH_OF] = "branch_of",
	[DOC_META_BRANCH_AT] = "branch_at",
	[DOC_META_ESCALATED_FROM] = "escalated_from",
};

static void doc_reset_facts(struct doc *d)
{
	d->usage = (struct doc_usage){ -1, -1, -1 };
	d->info = (struct doc_info){ .k_requested = -1, .ttft_ms = -1, .total_ms = -1 };
}

struct doc *doc_new(void)
{
	struct doc *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	buf_init(&d->plain, DOC_MAX_TEXT);
	doc_reset_facts(d);
	return d;
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	free(d->tokens);
	free(d->alts);
	free(d->text);
	free(d->strs.bytes);
	free(d->strs.spans);
	free(d->strs.slots);
	for (int k = 0; k < DOC_META_COUNT; k++)
		free(d->meta[k]);
	buf_fini(&d->plain);
	free(d);
}

void doc_clear(struct doc *d)
{
	d->ntokens = d->nalts = d->textlen = 0;
	d->strs.len = d->strs.nspans = 0;
	if (d->strs.slots)
		memset(d->strs.slots, 0, d->strs.nslots * sizeof *d->strs.slots);
	for (int k = 0; k < DOC_META_COUNT; k++) {
		free(d->meta[k]);
		d->meta[k] = NULL;
	}
	buf_reset(&d->plain);
	doc_reset_facts(d);
}

/* Grows *p (elements of size sz) to hold at least need elements. */
static int grow(void **p, size_t *cap, size_t need, size_t sz)
{
	size_t c = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return TS_OK;
	while (c < need)
		c *= 2;
	np = realloc(*p, c * sz);
	if (!np)
		return TS_ENOMEM;
	*p = np;
	*cap = c;
	return TS_OK;
}

static uint32_t hash_bytes(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static int strtab_rehash(struct strtab *t, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof *slots);

	if (!slots)
		return TS_ENOMEM;
	for (size_t i = 0; i < t->nspans; i++) {
		const struct span *s = &t->spans[i];
		size_t h = hash_bytes(t->bytes + s->off, s->len) & (nslots - 1);

		while (slots[h])
			h = (h + 1) & (nslots - 1);
		slots[h] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return TS_OK;
}

/* Finds or adds the string; *id receives its index. */
static int strtab_intern(struct strtab *t, const uint8_t *p, size_t n, uint32_t *id)
{
	size_t h;

	if ((t->nspans + 1) * 2 > t->nslots && strtab_rehash(t, t->nslots ? t->nslots * 2 : 256))
		return TS_ENOMEM;
	h = hash_bytes(p, n) & (t->nslots - 1);
	while (t->slots[h]) {
		const struct span *s = &t->spans[t->slots[h] - 1];

		if (s->len == n && (n == 0 || memcmp(t->bytes + s->off, p, n) == 0)) {
			*id = t->slots[h] - 1;
			return TS_OK;
		}
		h = (h + 1) & (t->nslots - 1);
	}
	if (n > DOC_MAX_TEXT - t->len)
		return TS_ETOOBIG;
	if (grow((void **)&t->bytes, &t->cap, t->len + n, 1) ||
	    grow((void **)&t->spans, &t->capspans, t->nspans + 1, sizeof *t->spans))
		return TS_ENOMEM;
	if (n)
		memcpy(t->bytes + t->len, p, n);
	t->spans[t->nspans] = (struct span){ (uint32_t)t->len, (uint32_t)n };
	t->len += n;
	*id = (uint32_t)t->nspans;
	t->slots[h] = (uint32_t)++t->nspans;
	return TS_OK;
}

static double clamp_logprob(double lp, bool *clamped)
{
	if (!isfinite(lp) || lp < DOC_LOGPROB_FLOOR) {
		*clamped = true;
		return DOC_LOGPROB_FLOOR;
	}
	*clamped = false;
	return lp;
}

/* 1-based rank of the chosen token among the alternatives, or 0. */
static uint8_t find_rank(const struct doc_token_in *in)
{
	for (size_t j = 0; j < in->nalt; j++) {
		const struct doc_alt_in *a = &in->alts[j];

		if (in->id >= 0 && a->id >= 0) {
			if (a->id == in->id)
				return (uint8_t)(j + 1);
		} else if (a->len == in->len && (in->len == 0 || memcmp(a->bytes, in->bytes, in->len) == 0)) {
			return (uint8_t)(j + 1);
		}
	}
	return DOC_RANK_NONE;
}

static int check_limits(const struct doc *d, const struct doc_token_in *in, struct ts_err *err)
{
	if (d->ntokens >= DOC_MAX_TOKENS)
		return ts_err_set(err, TS_ETOOBIG, "answer longer than %u tokens", DOC_MAX_TOKENS);
	if (in->nalt > DOC_MAX_ALTS)
		return ts_err_set(err, TS_ETOOBIG, "token %zu has %zu alternatives (maximum %u)",
				  d->ntokens, in->nalt, DOC_MAX_ALTS);
	if (in->len > DOC_MAX_TOKEN_LEN)
		return ts_err_set(err, TS_ETOOBIG, "token %zu is %zu bytes long (maximum %u)",
				  d->ntokens, in->len, DOC_MAX_TOKEN_LEN);
	if (in->len > DOC_MAX_TEXT - d->textlen)
		return ts_err_set(err, TS_ETOOBIG, "answer longer than %u bytes", DOC_MAX_TEXT);
	return TS_OK;
}

int doc_append(struct doc *d, const struct doc_token_in *in, struct ts_err *err)
{
	struct doc_token *t;
	bool clamped;
	int rc = check_limits(d, in, err);

	if (rc)
		return rc;
	if (grow((void **)&d->tokens, &d->captokens, d->ntokens + 1, sizeof *d->tokens) ||
	    grow((void **)&d->alts, &d->capalts, d->nalts + in->nalt, sizeof *d->alts) ||
	    grow((void **)&d->text, &d->textcap, d->textlen + in->len, 1))
		return ts_err_set(err, TS_ENOMEM, "out of memory at token %zu", d->ntokens);
	for (size_t j = 0; j < in->nalt; j++) {
		struct doc_alt *a = &d->alts[d->nalts + j];
		const struct doc_alt_in *ai = &in->alts[j];

		rc = strtab_intern(&d->strs, ai->bytes, ai->len, &a->str);
		if (rc)
			return ts_err_set(err, rc, "cannot store alternative of token %zu", d->ntokens);
		a->logprob = (float)clamp_logprob(ai->logprob, &clamped);
	}
	t = &d->tokens[d->ntokens];
	*t = (struct doc_token){
		.off = (uint32_t)d->textlen,
		.len = (uint32_t)in->len,
		.logprob = clamp_logprob(in->logprob, &clamped),
		.alt = (uint32_t)d->nalts,
		.nalt = (uint8_t)in->nalt,
		.rank = find_rank(in),
		.id = in->id >= 0 ? in->id : -1,
		.t_ms = (float)in->t_ms,
	};
	t->flags = (uint8_t)((clamped ? DOC_TOK_CLAMPED : 0) |
			     (in->bytes_derived ? DOC_TOK_BYTES_DERIVED : 0) |
			     (in->forced ? DOC_TOK_FORCED : 0) |
			     (in->id >= 0 ? DOC_TOK_HAS_ID : 0));
	if (in->len)
		memcpy(d->text + d->textlen, in->bytes, in->len);
	d->textlen += in->len;
	d->nalts += in->nalt;
	d->ntokens++;
	return TS_OK;
}

int doc_append_copy(struct doc *d, const struct doc *src, size_t i, double t_ms, struct ts_err *err)
{
	const struct doc_token *st = &src->tokens[i];
	struct doc_alt_in alts[DOC_MAX_ALTS];
	struct doc_token_in in = {
		.logprob = st->flags & DOC_TOK_CLAMPED ? -INFINITY : st->logprob,
		.id = st->flags & DOC_TOK_HAS_ID ? st->id : -1,
		.bytes_derived = st->flags & DOC_TOK_BYTES_DERIVED,
		.forced = st->flags & DOC_TOK_FORCED,
		.t_ms = t_ms,
		.alts = alts,
		.nalt = st->nalt,
	};
	int rc;

	in.bytes = doc_token_bytes(src, i, &in.len);
	for (size_t j = 0; j < st->nalt; j++) {
		const struct doc_alt *a = doc_alt(src, i, j);

		alts[j] = (struct doc_alt_in){ .logprob = a->logprob, .id = -1 };
		alts[j].bytes = doc_str(src, a->str, &alts[j].len);
	}
	rc = doc_append(d, &in, err);
	/* The rank may have come from ids the alternatives no longer carry. */
	if (!rc)
		d->tokens[d->ntokens - 1].rank = st->rank;
	return rc;
}

size_t doc_count(const struct doc *d)
{
	return d->ntokens;
}

const struct doc_token *doc_token(const struct doc *d, size_t i)
{
	return &d->tokens[i];
}

const uint8_t *doc_token_bytes(const struct doc *d, size_t i, size_t *len)
{
	*len = d->tokens[i].len;
	return d->text ? d->text + d->tokens[i].off : (const uint8_t *)"";
}

const uint8_t *doc_text(const struct doc *d, size_t *len)
{
	*len = d->textlen;
	return d->text ? d->text : (const uint8_t *)"";
}

bool doc_id_spelling(const uint8_t *p, size_t n, long *id)
{
	long v = 0;

	if (n < 10 || n > 20 || memcmp(p, "token_id:", 9) != 0)
		return false;
	for (size_t i = 9; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*id = v;
	return true;
}

bool doc_token_is_id(const struct doc *d, size_t i, long *id)
{
	size_t len;
	const uint8_t *p = doc_token_bytes(d, i, &len);

	return (doc_token(d, i)->flags & DOC_TOK_BYTES_DERIVED) && doc_id_spelling(p, len, id);
}

const struct doc_alt *doc_alt(const struct doc *d, size_t i, size_t j)
{
	return &d->alts[d->tokens[i].alt + j];
}

const uint8_t *doc_str(const struct doc *d, uint32_t s, size_t *len)
{
	const struct span *sp = &d->strs.spans[s];

	*len = sp->len;
	return d->strs.bytes ? d->strs.bytes + sp->off : (const uint8_t *)"";
}

size_t doc_str_count(const struct doc *d)
{
	return d->strs.nspans;
}

int doc_set_meta(struct doc *d, enum doc_meta_key key, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return TS_ENOMEM;
	}
	free(d->meta[key]);
	d->meta[key] = copy;
	return TS_OK;
}

const char *doc_meta(const struct doc *d, enum doc_meta_key key)
{
	return d->meta[key];
}

const char *doc_meta_name(enum doc_meta_key key)
{
	return meta_names[key];
}

struct doc_usage *doc_usage(struct doc *d)
{
	return &d->usage;
}

const struct doc_usage *doc_usage_c(const struct doc *d)
{
	return &d->usage;
}

struct doc_info *doc_info(struct doc *d)
{
	return &d->info;
}

const struct doc_info *doc_info_c(const struct doc *d)
{
	return &d->info;
}

size_t doc_memory(const struct doc *d)
{
	return sizeof *d + d->captokens * sizeof *d->tokens + d->capalts * sizeof *d->alts +
	       d->textcap + d->strs.cap + d->strs.capspans * sizeof *d->strs.spans +
	       d->strs.nslots * sizeof *d->strs.slots + d->plain.cap;
}

int doc_append_plain(struct doc *d, const uint8_t *bytes, size_t len, struct ts_err *err)
{
	int rc = buf_append(&d->plain, bytes, len);

	if (rc)
		return ts_err_set(err, rc, "answer text longer than %u bytes", DOC_MAX_TEXT);
	return TS_OK;
}

const uint8_t *doc_plain(const struct doc *d, size_t *len)
{
	*len = d->plain.len;
	return (const uint8_t *)buf_str(&d->plain);
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool bytes_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static bool token_equal(const struct doc *a, const struct doc *b, size_t i)
{
	const struct doc_token *x = &a->tokens[i], *y = &b->tokens[i];
	size_t xl, yl;
	const uint8_t *xb = doc_token_bytes(a, i, &xl), *yb = doc_token_bytes(b, i, &yl);

	if (!bytes_eq(xb, xl, yb, yl) || memcmp(&x->logprob, &y->logprob, sizeof x->logprob) ||
	    x->nalt != y->nalt || x->rank != y->rank || x->flags != y->flags || x->id != y->id ||
	    memcmp(&x->t_ms, &y->t_ms, sizeof x->t_ms))
		return false;
	for (size_t j = 0; j < x->nalt; j++) {
		const struct doc_alt *p = doc_alt(a, i, j), *q = doc_alt(b, i, j);

		xb = doc_str(a, p->str, &xl);
		yb = doc_str(b, q->str, &yl);
		if (!bytes_eq(xb, xl, yb, yl) || memcmp(&p->logprob, &q->logprob, sizeof p->logprob))
			return false;
	}
	return true;
}

bool doc_equal(const struct doc *a, const struct doc *b)
{
	if (a->ntokens != b->ntokens || memcmp(&a->usage, &b->usage, sizeof a->usage) ||
	    a->info.k_requested != b->info.k_requested || a->info.created != b->info.created ||
	    a->info.incomplete != b->info.incomplete ||
	    a->info.logprobs_missing != b->info.logprobs_missing ||
	    a->info.post_sampling != b->info.post_sampling ||
	    memcmp(&a->info.ttft_ms, &b->info.ttft_ms, sizeof a->info.ttft_ms) ||
	    memcmp(&a->info.total_ms, &b->info.total_ms, sizeof a->info.total_ms) ||
	    !bytes_eq((const uint8_t *)buf_str(&a->plain), a->plain.len,
		      (const uint8_t *)buf_str(&b->plain), b->plain.len))
		return false;
	for (int k = 0; k < DOC_META_COUNT; k++)
		if (!str_eq(a->meta[k], b->meta[k]))
			return false;
	for (size_t i = 0; i < a->ntokens; i++)
		if (!token_equal(a, b, i))
			return false;
	return true;
}
