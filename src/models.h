/* models.h — the models a server offers: `--list-models` in print mode and
 * the model picker of the TUI.
 *
 * A GET of the base URL plus the dialect's models path, with the profile's
 * key and query, run on the caller's http_loop like an exchange (the TUI
 * polls it between frames; print mode runs it to completion). The answer is
 * read in any of the shapes servers use:
 *   {"data": [{"id": ...}]}            OpenAI, llama.cpp, vLLM, OpenRouter...
 *   [{"id": ...}]                      Together
 *   {"models": [{"name"|"model": ...}]} Ollama /api/tags; Gemini, whose
 *                                       "models/" prefix is dropped and whose
 *                                       models that cannot generate content
 *                                       (embeddings) are left out.
 * Bounded: at most MODELS_MAX names from a body of at most
 * MODELS_MAX_BODY bytes. An error status gives the server's message, as
 * for a request (with the refusal hints of dialect.h). */
#ifndef TOKSCOPE_MODELS_H
#define TOKSCOPE_MODELS_H

#include <stdbool.h>
#include <stddef.h>

#include "src/config.h"
#include "src/err.h"
#include "src/http.h"

#define MODELS_MAX 10000
#define MODELS_MAX_BODY (16u * 1024 * 1024)

/* Model names in the server's order; owned by the list. */
struct models_list {
	char **names;
	size_t n;
};
void models_list_fini(struct models_list *l);   /* frees the names; NULL-safe */

/* Reads a models body (status 200) into *out (empty first). TS_EJSON or
 * TS_ESHAPE when it is none of the shapes above. */
int models_parse(const char *body, size_t len, struct models_list *out, struct ts_err *err);

struct models_fetch;

/* Starts the GET on loop. ep and loop are borrowed (ep's strings are
 * copied into the request). NULL and err set when it cannot start (unknown
 * dialect, no base URL). */
struct models_fetch *models_start(struct http_loop *loop, const struct endpoint *ep,
				  long connect_timeout_s, long idle_timeout_s, struct ts_err *err);
/* Call after each http_loop_perform. Returns true once finished; then err
 * holds the outcome and, on TS_OK, *out the list (the caller owns it). */
bool models_poll(struct models_fetch *m, struct models_list *out, struct ts_err *err);
/* Cancels if running and frees. NULL-safe. */
void models_free(struct models_fetch *m);

/* Runs the fetch to completion on a private loop. */
int models_run(const struct endpoint *ep, long connect_timeout_s, long idle_timeout_s,
	       struct models_list *out, struct ts_err *err);

#endif
