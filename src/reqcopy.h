/* reqcopy.h — a request read back from the body an answer carries.
 *
 * An answer keeps the JSON body that asked for it (DOC_META_REQUEST). To
 * send the same request elsewhere (the cascade's strong model, for an
 * answer already on screen or loaded from a session) the parameters are
 * read back from that body, whatever dialect wrote it:
 *   prompt       the last user message: "messages" (chat shapes; content a
 *                string or a list of text parts), "input" (Responses: a
 *                string or messages), "contents" (Gemini), else "prompt"
 *                (legacy completions, llama.cpp /completion, Ollama generate)
 *   system       the first system (or developer) message, "instructions"
 *                (Responses), "systemInstruction" (Gemini), "system" (Ollama
 *                generate)
 *   max_tokens   max_tokens, max_completion_tokens, max_output_tokens,
 *                n_predict, options.num_predict, generationConfig.maxOutputTokens
 *   temperature  temperature, options.temperature, generationConfig.temperature
 *   top_logprobs top_logprobs, a number "logprobs" (legacy completions,
 *                Together), n_probs, generationConfig.logprobs
 *   stream       "stream" when it is a boolean, else true (Gemini says it
 *                in the URL)
 *   model        "model"
 * Numbers absent are -1 (temperature -1 means the server's default, as in
 * req_params). A body that is not JSON is TS_EJSON; one without a user
 * prompt, TS_ESHAPE. Core only: no network, no curses. */
#ifndef TOKSCOPE_REQCOPY_H
#define TOKSCOPE_REQCOPY_H

#include <stdbool.h>

#include "src/dialect.h"
#include "src/err.h"

struct reqcopy {
	char *model;          /* malloc'd; NULL when absent */
	char *system;         /* malloc'd; NULL when absent */
	char *prompt;         /* malloc'd; never NULL after a successful parse */
	int max_tokens;       /* -1: absent */
	double temperature;   /* -1: absent */
	int top_logprobs;     /* -1: absent */
	bool stream;
};

/* Reads body into rc (which it initialises). Returns TS_OK, or TS_EJSON,
 * TS_ESHAPE or TS_ENOMEM with a message; rc is then empty (safe to
 * reqcopy_fini). */
int reqcopy_parse(struct reqcopy *rc, const char *body, struct ts_err *err);

/* Frees the strings; NULL-safe; leaves rc empty. */
void reqcopy_fini(struct reqcopy *rc);

/* The request parameters rc describes, with default_k for an absent
 * top_logprobs. rp's strings point into rc (valid until reqcopy_fini);
 * rp->model is rc's model (a caller sending elsewhere replaces it). */
void reqcopy_params(const struct reqcopy *rc, int default_k, struct req_params *rp);

#endif
