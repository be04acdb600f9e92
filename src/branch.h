/* branch.h — continuing an answer from one of its alternatives.
 *
 * A branch of answer P at token i with alternative j: the prefix is the
 * bytes of P's tokens 0..i-1 followed by the alternative's bytes, and a
 * server that can continue a prefix generates the rest. The request is P's
 * own request body (DOC_META_REQUEST) changed as the API needs, so model,
 * k, max tokens, temperature and streaming stay what P asked for:
 *
 *   openai-completions,      "prompt": P's prompt + prefix
 *   llamacpp-completion
 *   ollama-generate          "raw": true, "prompt": P's prompt + prefix. A
 *                            request P sent without raw had Ollama apply
 *                            the model's prompt template (and system
 *                            prompt); tokscope cannot rebuild it, so the
 *                            branch goes raw without them and says so
 *   openai-chat, profile     messages + {"role": "assistant", "content":
 *   prefill = vllm           prefix}, "continue_final_message": true,
 *                            "add_generation_prompt": false
 *   openai-chat, profile     messages + the assistant prefix: llama-server
 *   prefill = llamacpp       prefills a trailing assistant message unless
 *                            started with --no-prefill-assistant
 *   anything else            TS_EUNSUPPORTED, with a reason naming the API
 *
 * Branching from a branch sends the prompt (or messages) of the first
 * answer: the branch's own prefix is taken off its request first.
 *
 * The branch is a new document: P's tokens 0..i-1 copied (logprobs,
 * alternatives; arrival times unknown), then the alternative as a token
 * flagged DOC_TOK_FORCED (the alternative's logprob, token i's
 * alternatives), then what the server sends. Its metadata names P
 * (DOC_META_BRANCH_OF = P's uid, given to P when it had none;
 * DOC_META_BRANCH_AT = i), so answers form a tree that session files keep.
 * The server tokenizes the prefix text again: its tokens may differ from
 * the ones shown. */
#ifndef TOKSCOPE_BRANCH_H
#define TOKSCOPE_BRANCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/buf.h"
#include "src/config.h"
#include "src/doc.h"
#include "src/err.h"
#include "src/exchange.h"

/* How a request continues a prefix. */
enum branch_way {
	BRANCH_PROMPT,           /* raw prompt + prefix */
	BRANCH_OLLAMA_RAW,       /* Ollama /api/generate, raw prompt + prefix */
	BRANCH_CHAT_VLLM,        /* assistant message + continue_final_message */
	BRANCH_CHAT_LLAMACPP,    /* trailing assistant message, prefilled */
};

/* How an endpoint of dialect (profile and its prefill setting, both may
 * be NULL) continues a prefix, in *way. TS_EUNSUPPORTED with a one-line
 * reason naming the API ("OpenAI chat cannot continue an assistant prefix;
 * use ...") when it cannot. */
int branch_way(const char *dialect, const char *profile, const char *prefill, enum branch_way *way,
	       struct ts_err *err);

/* Where a branch of parent is sent, in *ep (strings are c's or static):
 * the profile parent names (DOC_META_PROFILE) as configured now, with the
 * base URL and key overrides when it is the selected profile. An answer
 * that names no configured profile (a replay, the demo) goes to the
 * configured endpoint when the user set one (config_has_endpoint) and it
 * speaks parent's dialect. TS_EUNSUPPORTED with the reason when there is
 * no such endpoint, or when the endpoint cannot continue a prefix
 * (branch_way); *way then says how. */
int branch_endpoint(const struct config *c, const struct doc *parent, struct endpoint *ep,
		    enum branch_way *way, struct ts_err *err);

/* Writes into out the continuation body: request (the parent's body)
 * changed for way so that the server continues prefix (len bytes; valid
 * UTF-8 without NUL, else TS_EUNSUPPORTED). carried (carried_len bytes,
 * may be 0) is the parent's own prefix when the parent is a branch: its
 * prompt ends with it (or its last message is that assistant prefix) and
 * it is taken off first. *notice (may be NULL) receives a static note
 * about what the body does differently from the parent's, or NULL.
 * TS_EJSON/TS_ESHAPE when request is not the shape way needs. */
int branch_body(const char *request, enum branch_way way, const uint8_t *carried, size_t carried_len,
		const uint8_t *prefix, size_t len, struct buf *out, const char **notice,
		struct ts_err *err);

/* Whether d is a branch: *at receives its branch point (DOC_META_BRANCH_AT,
 * below doc_count(d)). */
bool branch_point(const struct doc *d, size_t *at);

/* Gives d a uid (DOC_META_UID) when it has none. */
int branch_ensure_uid(struct doc *d);

/* Everything a branch request needs. Owned by the caller: init with
 * branch_prepare, release with branch_req_fini. */
struct branch_req {
	struct doc *doc;            /* the branch so far (prefix, metadata); the
				     * caller takes it (sets this to NULL) */
	struct endpoint ep;
	struct exchange_opts xo;    /* ep is &ep, body the body below */
	struct buf body;
	char model[256];            /* xo.rp.model points here (or is NULL) */
	const char *notice;         /* static, or NULL */
	size_t at;                  /* the branch point (token index) */
};

/* Checks that parent can branch (branch_endpoint) and, with i < its token
 * count and j < token i's alternatives, makes the branch document and the
 * continuation request. Gives parent a uid when it has none. Timeouts come
 * from c. On failure br holds nothing to free. */
int branch_prepare(const struct config *c, struct doc *parent, size_t i, size_t j, struct branch_req *br,
		   struct ts_err *err);
void branch_req_fini(struct branch_req *br);

/* The tree that docs[0..n) form. parent[k] receives the index of k's
 * parent (-1: a root, or its parent is not among docs, or the link would
 * close a cycle); order[] the indexes depth first (roots in list order,
 * each followed by its branches in list order); depth[k] k's depth (0 for
 * a root). Every array has n entries. */
void branch_tree(const struct doc *const *docs, size_t n, long *parent, size_t *order, size_t *depth);

#endif
