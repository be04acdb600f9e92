/* cascade.h — a cheap model answers; a strong one answers when the verdict
 * says so.
 *
 * A cascade holds two documents (borrowed: the caller owns them) and the
 * outcome of each stage: the exchange's status, the metrics, the label
 * classification and the verdict (route.h). It runs on the caller's
 * http_loop through exchange_start, like a single request: print mode runs
 * it with cascade_run, the TUI with cascade_start + cascade_poll after each
 * http_loop_perform, drawing both documents as they fill (or, for an
 * answer it already holds, cascade_adopt + cascade_poll).
 *
 * The strong request is the same request: the same messages, max_tokens,
 * temperature, top_logprobs and stream flag (req_params copied from the
 * cheap one), sent to the strong endpoint, with the strong endpoint's model
 * (when it has none, the model field is omitted).
 *
 * When it escalates: with auto_escalate, exactly when the cheap answer's
 * verdict is ESCALATE and the cheap exchange ended with TS_OK or
 * TS_ENOLOGPROBS (an answer without logprobs has no confidence, so its
 * verdict is ESCALATE). Never on CLARIFY: the statistic reached τ, so the
 * cheap model was sure; what is unclear is the input or the label (close
 * labels, a shared first token, a first token that is not a label), which
 * a stronger model does not fix: a person or a clarifying question does.
 * Never after a failed cheap request (an HTTP or network error is not a
 * verdict). cascade_escalate starts the strong request on demand (the
 * TUI's key), whatever the verdict.
 *
 * The final answer is the strong one when the strong request ran and
 * finished with TS_OK (or TS_ENOLOGPROBS: its text stands, unjudged);
 * otherwise the cheap one.
 *
 * When the strong request starts, the strong document is linked to the
 * cheap one (cascade_link), so a session file keeps the pair: loaded again
 * (or bundled, as the demo's recordings are), it makes a recorded cascade
 * (cascade_recorded) that judges both answers as they are and sends
 * nothing. */
#ifndef TOKSCOPE_CASCADE_H
#define TOKSCOPE_CASCADE_H

#include <stdbool.h>

#include "src/config.h"
#include "src/doc.h"
#include "src/err.h"
#include "src/exchange.h"
#include "src/http.h"
#include "src/labels.h"
#include "src/metrics.h"
#include "src/route.h"

enum cascade_which { CASCADE_CHEAP, CASCADE_STRONG };

enum cascade_state {
	CASCADE_RUNNING_CHEAP,    /* the cheap request is running */
	CASCADE_RUNNING_STRONG,   /* the strong request is running */
	CASCADE_IDLE,             /* nothing running; cascade_escalate may still start
				   * the strong request if it has not run */
};

struct cascade_opts {
	struct exchange_opts cheap;     /* the first request (ep and rp borrowed) */
	const struct endpoint *strong;  /* where to escalate (borrowed) */
	struct route_opts route;
	const struct label_set *labels; /* NULL: none; copied */
	bool auto_escalate;             /* start the strong request on ESCALATE */
};

/* One stage's outcome. Valid once done is true; metrics, labels and verdict
 * are recomputed by cascade_rejudge. lr's label names point into the
 * cascade and stay valid while it lives. */
struct cascade_stage {
	struct doc *doc;          /* borrowed */
	bool started, done;
	struct ts_err err;        /* the exchange's outcome */
	struct answer_metrics m;
	struct label_result lr;
	struct route_result r;
};

struct cascade;

/* Starts the cheap request into cheap (cleared) on loop; strong is cleared
 * when the strong request starts. Returns NULL and sets err when the cheap
 * request cannot start. loop, the documents and everything o points to
 * must outlive the cascade. */
struct cascade *cascade_start(struct http_loop *loop, struct doc *cheap, struct doc *strong,
			      const struct cascade_opts *o, struct ts_err *err);

/* A cascade whose cheap stage is an answer already there (the TUI's answer
 * on screen, or one loaded from a session): cheap is borrowed and not
 * cleared, and is judged at once as if its exchange had ended with
 * cheap_outcome (NULL: TS_OK). o->cheap describes the request that gave
 * it: its req_params, timeouts and body (NULL) are what the strong request
 * copies; its ep may be NULL. With o->auto_escalate the strong request
 * starts now when the verdict says so, exactly as cascade_poll would (a
 * failure to start is the strong stage's outcome); otherwise
 * cascade_escalate starts it. Returns NULL only when out of memory (err
 * says so). Lifetimes as for cascade_start. */
struct cascade *cascade_adopt(struct http_loop *loop, struct doc *cheap, struct doc *strong,
			      const struct cascade_opts *o, const struct ts_err *cheap_outcome,
			      struct ts_err *err);

/* A recorded cascade: both answers are already there (a session holding
 * an answer and the strong model's answer to the same request, found by
 * cascade_find_recorded). Both are borrowed and not cleared, and judged at
 * once, each as its document records how it ended: TS_ENOLOGPROBS when it
 * carries no logprobs, TS_ECUT (with its DOC_META_ERROR message, when it
 * has one) when it is incomplete, else TS_OK. It counts as escalated, so
 * cascade_final and cascade_why read as for one that ran (cascade_why says
 * it is recorded). It has no loop and never sends anything:
 * cascade_escalate refuses. o->cheap, o->strong and o->auto_escalate are
 * not used. Returns NULL only when out of memory (err says so). */
struct cascade *cascade_recorded(struct doc *cheap, struct doc *strong, const struct cascade_opts *o,
				 struct ts_err *err);

/* Whether c was made by cascade_recorded. */
bool cascade_is_recorded(const struct cascade *c);

/* Links strong to cheap as an escalation: cheap gets a uid when it has
 * none (branch_ensure_uid), strong DOC_META_ESCALATED_FROM = that uid.
 * Returns TS_OK, or TS_ENOMEM (the documents may then hold the uid only). */
int cascade_link(struct doc *cheap, struct doc *strong);

/* The recorded escalation docs[i] belongs to, in docs[0..n): when docs[i]
 * escalated from an answer (DOC_META_ESCALATED_FROM), that answer: the
 * nearest one before it with that uid, else the nearest after; otherwise,
 * when docs[i] has a uid, the first answer after it that escalated from it,
 * else the nearest before. (The nearest, so a session opened twice pairs
 * each copy with its own.) Returns whether there is one; *cheap and
 * *strong receive the two indexes, one of them i. */
bool cascade_find_recorded(const struct doc *const *docs, size_t n, size_t i, size_t *cheap, size_t *strong);

/* Call after each http_loop_perform. Judges a stage when its exchange
 * finishes and, with auto_escalate, starts the strong request (a failure to
 * start it is recorded as the strong stage's outcome). Returns true when
 * the state is CASCADE_IDLE. */
bool cascade_poll(struct cascade *c);

enum cascade_state cascade_state(const struct cascade *c);

/* Starts the strong request now. TS_EINVAL (with a message) while the cheap
 * request runs, once the strong one has started, or for a recorded
 * cascade; otherwise the start's status. */
int cascade_escalate(struct cascade *c, struct ts_err *err);

/* The stage's outcome; never NULL. */
const struct cascade_stage *cascade_stage(const struct cascade *c, enum cascade_which w);

/* Which answer is final (see above); CASCADE_CHEAP while it runs. */
enum cascade_which cascade_final(const struct cascade *c);

/* Whether the strong request was started. */
bool cascade_escalated(const struct cascade *c);

/* One line on why it escalated or did not, e.g. "escalated: the cheap
 * answer's verdict is ESCALATE", "not escalated: CLARIFY asks a person or
 * a clarifying question, not a stronger model"; a recorded cascade's
 * begins "escalated (recorded):". Returns out. */
const char *cascade_why(const struct cascade *c, char *out, size_t outsz);

/* Recomputes the finished stages' metrics, labels and verdicts with new
 * options (τ, μ or labels changed live; labels NULL: none). Starts and
 * stops nothing. */
void cascade_rejudge(struct cascade *c, const struct route_opts *ro, const struct label_set *labels);

/* Cancels whatever runs (documents keep their tokens, marked incomplete). */
void cascade_cancel(struct cascade *c);
void cascade_free(struct cascade *c);   /* cancels first; NULL-safe */

/* What cascade_run reports to its caller. */
enum cascade_event {
	CASCADE_EV_TOKENS,   /* tokens arrived in the stage's document */
	CASCADE_EV_DONE,     /* the stage finished and is judged */
	CASCADE_EV_STARTED,  /* the strong request started (after the cheap DONE) */
};

typedef void (*cascade_event_fn)(void *ctx, const struct cascade *c, enum cascade_which w,
				 enum cascade_event ev);

/* Runs a whole cascade (auto_escalate as given) on a private loop, calling
 * on_event (may be NULL). Returns the outcome of the last request made: the
 * strong one's when it ran, else the cheap one's; err gets its message.
 * *out (may be NULL) receives the finished cascade for the caller to read
 * and free with cascade_free; NULL when it could not start. */
int cascade_run(struct doc *cheap, struct doc *strong, const struct cascade_opts *o,
		cascade_event_fn on_event, void *ctx, struct cascade **out, struct ts_err *err);

#endif
