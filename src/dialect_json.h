/* dialect_json.h — helpers shared by the dialects that read JSON as cJSON
 * trees (every dialect but openai-chat, whose hot path has its own event
 * parser). Internal to the dialect modules: the rest of the core sees only
 * struct dialect.
 *
 * Providers name the parts of a logprob entry differently; struct dj_keys
 * says where they are, and one function turns an entry (plus its list of
 * alternatives) into a document token. Token text becomes bytes when the
 * API sends none (the token is then flagged DOC_TOK_BYTES_DERIVED):
 * OpenAI's legacy "bytes:\xe2\x80" spelling of byte tokens is decoded, and
 * vLLM's "token_id:123" (a token that is not valid text) is kept as that
 * text, with its id. */
#ifndef TOKSCOPE_DIALECT_JSON_H
#define TOKSCOPE_DIALECT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "src/buf.h"
#include "src/dialect.h"
#include "src/doc.h"
#include "src/err.h"

/* Where an entry keeps its parts. */
struct dj_keys {
	const char *token;      /* the token's text */
	const char *bytes;      /* array of byte values, or NULL: none */
	const char *value;      /* the number: a logprob, or a probability */
	const char *id;         /* token id, or NULL: none */
	bool is_prob;           /* value is p in [0, 1]: stored as log(p) */
	bool missing_is_zero;   /* an absent value is 0 (proto3 JSON omits zeros) */
};

/* {token, bytes, logprob, id}: OpenAI chat, Responses, Ollama, llama.cpp. */
extern const struct dj_keys dj_keys_chat;

/* Scratch space for one token: its bytes and its alternatives'. The caller
 * owns it (it may live on the stack); init before use, fini after. */
struct dj_scratch {
	struct buf bytes;
	size_t offs[DOC_MAX_ALTS + 1];
	struct doc_alt_in alts[DOC_MAX_ALTS];
};
void dj_scratch_init(struct dj_scratch *sc);
void dj_scratch_fini(struct dj_scratch *sc);

/* Appends one token: entry e read with k, its alternatives the entries of
 * the array alts (read with ak; alts may be NULL: none). */
int dj_append_entry(struct doc *d, struct dj_scratch *sc, const cJSON *e, const struct dj_keys *k,
		    const cJSON *alts, const struct dj_keys *ak, double now_ms, struct ts_err *err);

/* Appends every entry of list, each with its alternatives in the array
 * under altkey; *n (may be NULL) counts the tokens appended. */
int dj_append_list(struct doc *d, struct dj_scratch *sc, const cJSON *list, const char *altkey,
		   const struct dj_keys *k, double now_ms, size_t *n, struct ts_err *err);

/* Appends one token given as loose parts, the legacy way: its text (the
 * bytes are derived from it), its logprob (number or null), its id (may be
 * NULL) and its alternatives as a {text: logprob} object (may be NULL). */
int dj_append_loose(struct doc *d, struct dj_scratch *sc, const cJSON *text, const cJSON *logprob,
		    const cJSON *id, const cJSON *alts, double now_ms, struct ts_err *err);

/* Appends the tokens of the legacy parallel arrays {tokens, token_logprobs,
 * top_logprobs: [{text: logprob} per position], token_ids?} (OpenAI
 * completions, Together, Fireworks). */
int dj_append_arrays(struct doc *d, struct dj_scratch *sc, const cJSON *lp, double now_ms, size_t *n,
		     struct ts_err *err);

/* Appends the tokens of an OpenAI-style choice's "logprobs", whichever
 * shape it has: {content: [...], refusal: [...]} lists of entries, or the
 * legacy parallel arrays. Anything else (null, a number) appends nothing. */
int dj_append_choice_logprobs(struct doc *d, struct dj_scratch *sc, const cJSON *lp, double now_ms,
			      size_t *n, struct ts_err *err);

/* The first choice of an OpenAI-style object (index 0, or no index), or
 * NULL. */
const cJSON *dj_first_choice(const cJSON *root);

/* Reads an OpenAI-style object (a whole body or one chunk): model, id,
 * fingerprint, created and usage into the metadata, then choice's tokens
 * (its "logprobs" in either shape) and finish reason. The choice's text
 * (choice[textkey], or its "content" when that is an object) goes to the
 * plain text when no token came. *ntok counts the tokens appended. */
int dj_openai_object(struct doc *d, const cJSON *root, const cJSON *choice, const char *textkey,
		     double now_ms, size_t *ntok, struct ts_err *err);

/* Parses json (a body or one chunk) and reads it with dj_openai_object,
 * the first choice's text under textkey; *saw is set when a token came. */
int dj_openai_parse(struct doc *d, const char *json, size_t len, const char *textkey, double now_ms,
		    bool *saw, struct ts_err *err);

/* Writes the bytes a token's text stands for into out (appending). */
int dj_text_bytes(const char *text, struct buf *out, struct ts_err *err);

/* Parses json (a whole body or one event's data) into *root. Malformed
 * JSON: TS_EJSON. An object with an "error" member (or a top-level
 * "message" and "type": an in-stream error) is the server's error:
 * TS_ESERVER with dialect_error_message's line; *root is then NULL. */
int dj_parse(const char *json, size_t len, cJSON **root, struct ts_err *err);

/* The common start of parse_event: counts the event, turns an `error:`
 * field into TS_ESERVER, marks `[DONE]`. Returns true when the event is
 * fully handled (*rc says how); false when its data is to be parsed. */
bool dj_event_prelude(struct dialect_stream *st, const struct sse_event *ev, int *rc,
		      struct ts_err *err);

/* A dialect's reader of one JSON object (a whole body or one event's
 * data): *saw is set when a token came, *done when the object ends the
 * stream. */
typedef int (*dj_object_fn)(struct doc *d, const char *json, size_t len, double now_ms, bool *saw,
			    bool *done, struct ts_err *err);

/* parse_body made of obj: reads the body with it, then dj_body_end. */
int dj_body(struct doc *d, const char *body, size_t len, double now_ms, dj_object_fn obj,
	    struct ts_err *err);

/* parse_event made of obj: dj_event_prelude, then obj on the event's data
 * (its *done marks the stream done). */
int dj_event(struct doc *d, struct dialect_stream *st, const struct sse_event *ev, dj_object_fn obj,
	     struct ts_err *err);

/* Sets a metadata string from a JSON string (ignored when not a string),
 * without touching an equal value already there. */
void dj_meta(struct doc *d, enum doc_meta_key key, const cJSON *v);
/* Copies usage counts from obj's numeric members named prompt,
 * completion, total (any may be NULL; absent members leave counts be). */
void dj_usage(struct doc *d, const cJSON *obj, const char *prompt, const char *completion,
	      const char *total);
/* Appends text that came without logprobs to the document's plain text. */
int dj_plain(struct doc *d, const char *text, struct ts_err *err);
/* At the end of a whole body: text but no token means the logprobs were
 * missing (the document is flagged; ingest reports it). */
void dj_body_end(struct doc *d);

/* Prints root (freed here) unformatted into out. */
int dj_print(cJSON *root, struct buf *out, struct ts_err *err);

/* The part every OpenAI-style chat request shares, in this key order:
 * "messages" (the system message when rp has one, then the user's),
 * "model" (when set), "max_tokens" (when > 0), "temperature" (when >= 0).
 * NULL when out of memory. */
cJSON *dj_chat_request(const struct req_params *rp);

/* The object member key, or NULL (case-sensitive, NULL-safe). */
const cJSON *dj_get(const cJSON *o, const char *key);

#endif
