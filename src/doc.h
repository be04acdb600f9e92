/* doc.h — the document model: one answer, token by token.
 *
 * A document holds the tokens of one answer in the order they arrived, each
 * with its raw bytes (a token may hold part of a UTF-8 character, so text is
 * kept as bytes, never decoded here), its logprob, its token id when the API
 * gives one, its arrival time, and the top-k alternatives the API returned
 * (bytes and logprob, in the order returned). Alongside, metadata of the
 * exchange: request, model, server fingerprint, usage, finish reason.
 *
 * Storage is compact and append-only: all token bytes live in one text arena
 * (so the answer's bytes are contiguous), alternatives' texts are interned
 * (they repeat a lot) and each alternative costs 8 bytes. Access by index is
 * O(1). Pointers returned by accessors stay valid until the next append or
 * doc_clear/doc_free (the arenas may move when they grow).
 *
 * Logprobs are stored as returned, except sentinels: any logprob below
 * DOC_LOGPROB_FLOOR (OpenAI's -9999 for "outside the top 20", llama.cpp's
 * -3.4e38 for p = 0) or not finite is stored as DOC_LOGPROB_FLOOR and the
 * token (or alternative) is flagged clamped, so no average ever sees -9999. */
#ifndef TOKSCOPE_DOC_H
#define TOKSCOPE_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/err.h"

/* log(p) floor: p = e^-100 ≈ 3.7e-44. Values below it are sentinels. */
#define DOC_LOGPROB_FLOOR (-100.0)
/* Limits on what a document accepts from the network or a file. */
#define DOC_MAX_TOKENS    (16u * 1024 * 1024)
#define DOC_MAX_ALTS      255u
#define DOC_MAX_TOKEN_LEN 65535u
#define DOC_MAX_TEXT      (1024u * 1024 * 1024)
#define DOC_RANK_NONE     0   /* the chosen token is not among the alternatives */

enum doc_token_flags {
	DOC_TOK_CLAMPED      = 1 << 0,  /* logprob was a sentinel, now the floor */
	DOC_TOK_BYTES_DERIVED = 1 << 1, /* the API gave no bytes: taken from the text */
	DOC_TOK_HAS_ID       = 1 << 2,
	DOC_TOK_FORCED       = 1 << 3,  /* placed by a branch, not sampled: the
					 * alternative picked, with its logprob in
					 * the parent answer */
};

/* One token as stored. 32 bytes. */
struct doc_token {
	uint32_t off;       /* bytes at doc_text(d) + off */
	uint32_t len;
	double logprob;
	uint32_t alt;       /* first alternative's index in the alternative array */
	uint8_t nalt;
	uint8_t rank;       /* 1-based position among the alternatives, or DOC_RANK_NONE */
	uint8_t flags;      /* enum doc_token_flags */
	uint8_t pad;
	int32_t id;         /* token id, valid when DOC_TOK_HAS_ID */
	float t_ms;         /* arrival time, ms after the request started; <0 unknown */
};

/* One alternative as stored. 8 bytes. */
struct doc_alt {
	uint32_t str;       /* interned string id, see doc_str() */
	float logprob;      /* clamped like token logprobs */
};

/* Input to doc_append: one alternative as the API returned it. */
struct doc_alt_in {
	const uint8_t *bytes;
	size_t len;
	double logprob;
	int32_t id;         /* -1 when unknown */
};

/* Input to doc_append: one token as the API returned it. */
struct doc_token_in {
	const uint8_t *bytes;
	size_t len;
	double logprob;
	int32_t id;         /* -1 when unknown */
	bool bytes_derived; /* bytes were derived from the token text */
	bool forced;        /* DOC_TOK_FORCED */
	double t_ms;        /* arrival time, < 0 when unknown */
	const struct doc_alt_in *alts;
	size_t nalt;
};

/* Usage counts; -1 where the server did not say. */
struct doc_usage {
	int64_t prompt_tokens;
	int64_t completion_tokens;
	int64_t total_tokens;
};

/* Metadata of the exchange. Strings are owned by the document (set them with
 * doc_set_meta); NULL when unknown. */
enum doc_meta_key {
	DOC_META_MODEL,         /* model the server says answered */
	DOC_META_ID,            /* response id */
	DOC_META_FINGERPRINT,   /* system_fingerprint */
	DOC_META_FINISH,        /* finish_reason */
	DOC_META_ENDPOINT,      /* scheme://host:port of the server, no path secrets */
	DOC_META_PROFILE,       /* profile name used */
	DOC_META_DIALECT,       /* dialect name */
	DOC_META_REQUEST,       /* the JSON body sent (never holds a key) */
	DOC_META_ERROR,         /* one-line error, when the exchange failed */
	DOC_META_PROVENANCE,    /* where a replayed/demo answer came from */
	DOC_META_STARTED,       /* ISO 8601 UTC time the request was sent */
	DOC_META_TITLE,         /* short name shown in lists (demo case name) */
	DOC_META_LABELS,        /* the answer's own label set ("work, personal",
				 * labels.h); "" means explicitly none. Front
				 * ends judge the answer with it when set. */
	DOC_META_UID,           /* a stable name for the answer, given when it
				 * joins a tree of branches (branch.h) */
	DOC_META_BRANCH_OF,     /* a branch: the uid of the answer it branched from */
	DOC_META_BRANCH_AT,     /* a branch: the token index (0-based, decimal)
				 * where it left its parent; the alternative
				 * taken is this document's token there, flagged
				 * DOC_TOK_FORCED */
	DOC_META_ESCALATED_FROM, /* the strong answer of an escalation
				 * (cascade.h): the uid of the answer it
				 * escalated from, the cheap one (same request,
				 * another model) */
	DOC_META_COUNT
};

struct doc;

struct doc *doc_new(void);            /* NULL when out of memory */
void doc_free(struct doc *d);         /* NULL-safe */
/* Drops tokens and metadata; keeps allocated memory for reuse. */
void doc_clear(struct doc *d);

/* Appends one token. Copies everything it is given. The rank is computed by
 * matching the chosen token against the alternatives (by id when both have
 * one, else by bytes). Fails with TS_ETOOBIG past the limits above, leaving
 * the document unchanged. */
int doc_append(struct doc *d, const struct doc_token_in *in, struct ts_err *err);

/* Appends a copy of token i of src: bytes, logprob (clamped stays
 * clamped), id, rank, flags and alternatives, with arrival time t_ms
 * (< 0: unknown). src is another document. Same limits and failure as
 * doc_append. */
int doc_append_copy(struct doc *d, const struct doc *src, size_t i, double t_ms, struct ts_err *err);

size_t doc_count(const struct doc *d);
const struct doc_token *doc_token(const struct doc *d, size_t i);
/* The bytes of token i; *len receives their count. */
const uint8_t *doc_token_bytes(const struct doc *d, size_t i, size_t *len);
/* The whole answer's bytes (all tokens, concatenated) and their count. */
const uint8_t *doc_text(const struct doc *d, size_t *len);
/* vLLM (return_tokens_as_token_ids) spells a token "token_id:123": the
 * bytes of that spelling, not of the token (the dialects keep them, flagged
 * DOC_TOK_BYTES_DERIVED). Whether p[0..n) is such a spelling; *id receives
 * the number. Front ends show such a token by its id (text_id_glyph). */
bool doc_id_spelling(const uint8_t *p, size_t n, long *id);
/* Whether token i is one (the spelling, and flagged derived). */
bool doc_token_is_id(const struct doc *d, size_t i, long *id);
/* The j-th alternative of token i (j < nalt). */
const struct doc_alt *doc_alt(const struct doc *d, size_t i, size_t j);
/* The bytes of interned string s. */
const uint8_t *doc_str(const struct doc *d, uint32_t s, size_t *len);
/* Number of distinct interned strings. */
size_t doc_str_count(const struct doc *d);

/* Metadata strings; value NULL clears. Returns TS_ENOMEM on failure. */
int doc_set_meta(struct doc *d, enum doc_meta_key key, const char *value);
const char *doc_meta(const struct doc *d, enum doc_meta_key key);
/* Stable lower-case names of the keys ("model", "finish_reason", ...). */
const char *doc_meta_name(enum doc_meta_key key);

struct doc_usage *doc_usage(struct doc *d);
const struct doc_usage *doc_usage_c(const struct doc *d);

/* Numeric facts of the exchange. */
struct doc_info {
	int k_requested;        /* top_logprobs asked for; -1 unknown */
	double ttft_ms;         /* time to first token; < 0 unknown */
	double total_ms;        /* request start to end; < 0 unknown */
	int64_t created;        /* server's "created" (unix seconds); 0 unknown */
	bool incomplete;        /* cancelled or cut: tokens so far only */
	bool logprobs_missing;  /* text arrived without logprobs */
	bool post_sampling;     /* probabilities after sampling (llama.cpp) */
};
struct doc_info *doc_info(struct doc *d);
const struct doc_info *doc_info_c(const struct doc *d);

/* Bytes of memory the document holds (for the benchmark). */
size_t doc_memory(const struct doc *d);

/* Appends raw text that arrived without logprobs (servers that ignore the
 * logprobs parameter): kept so the text is still shown. */
int doc_append_plain(struct doc *d, const uint8_t *bytes, size_t len, struct ts_err *err);
const uint8_t *doc_plain(const struct doc *d, size_t *len);

/* Deep equality of tokens, alternatives, metadata, usage and info
 * (for round-trip tests). Returns true when equal. */
bool doc_equal(const struct doc *a, const struct doc *b);

#endif
