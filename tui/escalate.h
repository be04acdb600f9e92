/* escalate.h — the cascade in the explorer: E sends the current answer's
 * request to the strong model, A makes that happen by itself for each new
 * answer whose verdict is ESCALATE.
 *
 * Each escalation is a cascade (src/cascade.h) adopted from an answer the
 * explorer already holds (cascade_adopt): the cheap stage is that answer,
 * judged at once; the strong request is the same request read back from
 * the answer's body (src/reqcopy.h) with the strong endpoint and model
 * (--escalate-to, config escalate_to). It runs on the explorer's loop, one
 * request at a time. The strong answer joins the answers list at its first
 * token (as a prompt's answer does), so n/N reach it and w saves it; until
 * then, and when it fails before any token, the escalation owns it.
 * Escalations live until the explorer ends, so E on either answer of one
 * reopens its two-pane view (pair.h) instead of asking again.
 *
 * A recorded escalation: the answers list holds both answers already, the
 * strong one linked to the cheap one (DOC_META_ESCALATED_FROM: a session
 * saved after an escalation, or the demo's recordings). E on either
 * answer makes it a cascade of the two as they are (cascade_recorded) and
 * opens the same view, sending nothing, even when a strong model is
 * configured: what was recorded is what a demo or a reopened file is for.
 * The status bar says so and how to ask live: E again in that view sends
 * the cheap answer's request to the strong model, a live escalation that
 * E then finds first (the newest escalation of an answer wins). */
#ifndef TOKSCOPE_TUI_ESCALATE_H
#define TOKSCOPE_TUI_ESCALATE_H

#include <stdbool.h>
#include <stddef.h>

#include "src/cascade.h"
#include "src/doc.h"
#include "src/labels.h"
#include "src/reqcopy.h"
#include "src/route.h"

struct app;

struct esc {
	struct cascade *c;
	struct reqcopy req;       /* the request's strings the cascade borrows */
	struct doc *cheap;        /* borrowed: an answer in the list */
	struct doc *strong;       /* owned here until listed */
	bool listed;              /* strong is in the answers list (which owns it) */
	size_t seen;              /* strong's tokens at the last poll */
	char strong_name[160];    /* "PROFILE · MODEL", for messages */
};

struct escs {
	struct esc **v;           /* stable pointers: the pair view holds one */
	size_t n, cap;
	struct esc *running;      /* whose strong request runs, or NULL */
};

/* E: escalate the current answer, or reopen its escalation's view (a
 * recorded one's too; again in a recorded one's view: ask live). Says in
 * the status bar how to configure a strong model when there is none. */
void escalate_key(struct app *a);
/* A: auto-escalation on or off. */
void escalate_toggle_auto(struct app *a);
/* A prompt's answer d has just finished with outcome: with auto-escalation
 * on, escalates it when its verdict is ESCALATE (cascade.h's rule), else
 * says why not. A branch (branch.h) is left alone: it continues a forced
 * token, it does not answer the prompt. */
void escalate_after_answer(struct app *a, struct doc *d, const struct ts_err *outcome);

/* After http_loop_perform: takes the strong answer's new tokens, lists it,
 * notices its end. */
void escalate_poll(struct app *a);
/* Cancels the strong request (its tokens stay, marked incomplete). */
void escalate_cancel(struct app *a);
bool escalate_running(const struct app *a);
/* The strong document streaming, or NULL. */
const struct doc *escalate_doc(const struct app *a);
/* Frees every escalation (cancelling a running one); before the answers
 * and the loop go. */
void escalate_fini(struct app *a);

/* The verdict options in effect for answer d: τ, statistic, μ and the rest
 * from the explorer's settings; *ls receives d's own label set, else the
 * global one. Returns whether there are labels (ls->n > 0). The one place
 * the cascade and the two-pane view take their judgement from. */
bool escalate_route_opts(const struct app *a, const struct doc *d, struct route_opts *ro,
			 struct label_set *ls);

#endif
