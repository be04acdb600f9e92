/* session_fast.h — reading session files as session_write writes them,
 * without a tree. Internal to session.c (and its tests).
 *
 * session_parse tries this reader first: one pass of yajl's event parser
 * that appends tokens to the documents as they are read. A cJSON tree of a
 * 1,000,000-token session at k = 20 took 4 GB and 11 s; this reader needs
 * the documents only, and a few seconds at most.
 *
 * It takes only what it can read with certainty: the files session_write
 * writes, and files like them (any whitespace, unknown keys, any order of
 * an answer's keys as long as "strings" comes before "tokens", and the
 * header's "format" and "version" before "answers"). On anything else —
 * a syntax error, a value the format forbids, a duplicated key, a string
 * holding a NUL, an escaped surrogate, nesting past 1000 — it gives up with
 * SESSION_FAST_BAIL, having kept nothing, and session_parse reads the text
 * with the tree reader, whose results and messages are the contract. So
 * whenever this reader succeeds, the tree reader would have given equal
 * documents (tests/unit/test_session_fast.c checks it). */
#ifndef TOKSCOPE_SESSION_FAST_H
#define TOKSCOPE_SESSION_FAST_H

#include <stddef.h>

#include "src/doc.h"
#include "src/err.h"

#define SESSION_FAST_BAIL (-1)

/* Shared by both readers, so they cannot drift apart. Integers travel
 * through JSON as doubles: beyond 2^53 they stop being exact. */
#define SESSION_EXACT_INT_MAX 9007199254740992.0
#define SESSION_FLAGS_KNOWN (DOC_TOK_CLAMPED | DOC_TOK_BYTES_DERIVED | DOC_TOK_HAS_ID | DOC_TOK_FORCED)
/* Logprob passed back to doc_append for a token saved as clamped, so the
 * document clamps it and sets the flag again. */
#define SESSION_SENTINEL_LOGPROB (-9999.0)

/* TS_OK with *docs and *n as session_parse gives them, or SESSION_FAST_BAIL
 * (also when out of memory) with *docs NULL and *n 0. */
int session_parse_fast(const char *json, size_t len, struct doc ***docs, size_t *n);

/* The tree reader (session.c): session_parse without the fast path. */
int session_parse_tree(const char *json, size_t len, struct doc ***docs, size_t *n, struct ts_err *err);

#endif
