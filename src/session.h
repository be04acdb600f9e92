/* session.h — saving and loading whole exchanges as versioned JSON.
 *
 * A session file holds one or more answers (documents): the request body
 * (which never holds a key: keys travel in headers only), endpoint origin,
 * model, server fingerprint, start time, every token with its alternatives
 * and arrival time, finish reason, usage. Loading a saved file gives
 * documents equal (doc_equal) to the saved ones.
 *
 * Format (version 1), one JSON object:
 *   {"format": "tokscope-session", "version": 1, "tool": "tokscope 0.1.0",
 *    "answers": [ ANSWER, ... ]}
 * ANSWER:
 *   {"meta": {"model": S, "finish_reason": S, ...},  (doc_meta_name keys, set ones only;
 *                               "labels": the answer's own label set, "" none)
 *    "usage": {"prompt_tokens": n, "completion_tokens": n, "total_tokens": n},
 *                               (-1 where unknown)
 *    "info": {"k_requested": n, "ttft_ms": x, "total_ms": x, "created": n,
 *             "incomplete": b, "logprobs_missing": b, "post_sampling": b},
 *    "strings": [S, ...],       every distinct byte string, S = a JSON string
 *                               when the bytes are valid UTF-8 without NUL,
 *                               else {"hex": "f09f98"} (lower case)
 *    "plain": S,                text that came without logprobs ("" none)
 *    "tokens": [[s, logprob, id, t_ms, flags, [s1, lp1, s2, lp2, ...]], ...]}
 *   where s indexes "strings", id is -1 when unknown, t_ms -1 when unknown,
 *   flags are doc_token_flags (a clamped token holds the floor, -100, and
 *   loads back clamped). Token logprobs are written with 17 significant
 *   digits, alternatives' (floats) and t_ms with 9, so they load back bit for
 *   bit; non-finite values are never written. A token has a 7th element, its
 *   rank, only when matching the token's bytes against its alternatives'
 *   would not give the rank the document holds (it matched by token id).
 * Readers ignore unknown keys, and reject other formats, newer versions,
 * and files over SESSION_MAX_BYTES. */
#ifndef TOKSCOPE_SESSION_H
#define TOKSCOPE_SESSION_H

#include <stddef.h>
#include <stdio.h>

#include "src/buf.h"
#include "src/doc.h"
#include "src/err.h"

#define SESSION_FORMAT "tokscope-session"
#define SESSION_VERSION 1
#define SESSION_MAX_BYTES (2u * 1024 * 1024 * 1024 - 1)

/* Serialises n documents into out (appending). */
int session_write(struct buf *out, struct doc *const *docs, size_t n, struct ts_err *err);
/* Writes n documents to path atomically (temporary file + rename), mode 0644. */
int session_save(const char *path, struct doc *const *docs, size_t n, struct ts_err *err);

/* Parses a session from memory. On success *docs is a malloc'd array of
 * *n new documents the caller frees (doc_free each, then free the array). */
int session_parse(const char *json, size_t len, struct doc ***docs, size_t *n, struct ts_err *err);
int session_load(const char *path, struct doc ***docs, size_t *n, struct ts_err *err);
/* Frees what session_parse/session_load returned. NULL-safe. */
void session_free_docs(struct doc **docs, size_t n);

#endif
