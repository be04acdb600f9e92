/* editor.h — the prompt editor: profile, model, system prompt, a
 * multi-line user prompt, max tokens, temperature and top_logprobs, with a
 * history of earlier prompts (the answers' own requests and what was sent
 * this session). The editor only edits: the app sends.
 *
 * Keys: Tab / S-Tab next/previous field, ←/→ on the profile field choose
 * the profile, Enter a new line in the prompts (next field elsewhere),
 * Ctrl-P / Ctrl-N older/newer prompt from the history, Ctrl-U / Ctrl-K
 * delete to the start/end of the line, F2 pick the model from the list the
 * chosen profile's server gives (picker.h; the app fetches it), Ctrl-S
 * send, Esc close (the text stays for next time). */
#ifndef TOKSCOPE_TUI_EDITOR_H
#define TOKSCOPE_TUI_EDITOR_H

#include <stdbool.h>

#include "src/config.h"
#include "src/exchange.h"
#include "src/models.h"
#include "tui/color.h"

/* EDITOR_MODELS: F2 opened the model picker, waiting: the app fetches the
 * list of editor_endpoint() and hands it over with editor_models_fill, or
 * editor_models_failed. */
enum editor_result { EDITOR_NONE, EDITOR_CLOSE, EDITOR_SEND, EDITOR_MODELS };

struct editor;

/* NULL when out of memory. cfg is borrowed for the editor's lifetime. */
struct editor *editor_new(const struct config *cfg);
void editor_free(struct editor *e);

/* Fills the fields from a request body an answer carries (DOC_META_REQUEST:
 * system and user messages, max_tokens, temperature, top_logprobs). */
void editor_fill_request(struct editor *e, const char *request_json);
/* Sets the user prompt. */
void editor_set_prompt(struct editor *e, const char *prompt);
/* Whether the user prompt is empty. */
bool editor_empty(const struct editor *e);
/* Adds a request body's prompts to the history (duplicates skipped). */
void editor_history_add(struct editor *e, const char *request_json);

enum editor_result editor_key(struct editor *e, int key);

/* Draws the editor in r; *cy, *cx receive the cursor's screen position. */
void editor_draw(struct editor *e, struct rect r, const struct palette *pal, int *cy, int *cx);

/* Checks the fields and fills the request. ep receives the endpoint (its
 * strings point into the config, which gets the chosen profile); o->rp's
 * strings point into the editor and stay valid until its next change.
 * Returns 0, or -1 with a message shown in the editor. */
int editor_request(struct editor *e, struct config *cfg, struct endpoint *ep, struct exchange_opts *o);

/* Shows a one-line message at the bottom of the editor (NULL clears). */
void editor_message(struct editor *e, const char *msg);

/* The endpoint of the profile chosen in the editor, as config_endpoint
 * gives it for that profile (the config is not changed; ep's strings point
 * into it). */
int editor_endpoint(const struct editor *e, struct endpoint *ep, struct ts_err *err);
/* Whether the model picker is open (it then takes every key, Ctrl-C and
 * Esc close it), and whether it waits for the list. */
bool editor_models_shown(const struct editor *e);
bool editor_models_waiting(const struct editor *e);
/* Shows the fetched names in the picker (the list's names move to the
 * editor; *l is left empty). An empty list closes the picker with an error
 * message naming the server. */
void editor_models_fill(struct editor *e, struct models_list *l);
/* Closes the picker; msg (not NULL) is shown as the editor's error. The
 * fields keep what was typed. */
void editor_models_failed(struct editor *e, const char *msg);

#endif
