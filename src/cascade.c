#include "src/cascade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/branch.h"

struct cascade {
	struct http_loop *loop;         /* borrowed; NULL once detached */
	struct cascade_opts o;
	struct label_set labels;        /* copy; o.labels points here or is NULL */
	struct endpoint strong_ep;      /* copy of *o.strong */
	struct exchange *x[2];
	struct cascade_stage st[2];
	bool recorded;                  /* cascade_recorded: nothing is ever sent */
};

static void stage_judge(struct cascade *c, struct cascade_stage *s)
{
	route_answer(s->doc, c->o.labels, &c->o.route, &s->m, &s->lr, &s->r);
}

static struct exchange *stage_start(struct cascade *c, enum cascade_which w, struct ts_err *err)
{
	struct exchange_opts xo = c->o.cheap;
	struct cascade_stage *s = &c->st[w];

	if (w == CASCADE_STRONG) {
		xo.ep = &c->strong_ep;
		xo.rp.model = c->strong_ep.model;
	}
	s->started = true;
	c->x[w] = exchange_start(c->loop, s->doc, &xo, err);
	/* the session keeps the pair; without the link (out of memory) the
	 * answers still stand, only a reopened file no longer pairs them */
	if (c->x[w] && w == CASCADE_STRONG)
		cascade_link(c->st[CASCADE_CHEAP].doc, s->doc);
	return c->x[w];
}

/* A cascade with nothing started yet. */
static struct cascade *cascade_new(struct http_loop *loop, struct doc *cheap, struct doc *strong,
				   const struct cascade_opts *o, struct ts_err *err)
{
	struct cascade *c = calloc(1, sizeof *c);

	if (!c) {
		ts_err_set(err, TS_ENOMEM, "out of memory");
		return NULL;
	}
	c->loop = loop;
	c->o = *o;
	if (o->labels) {
		c->labels = *o->labels;
		c->o.labels = &c->labels;
	}
	if (o->strong)
		c->strong_ep = *o->strong;
	c->st[CASCADE_CHEAP].doc = cheap;
	c->st[CASCADE_STRONG].doc = strong;
	return c;
}

struct cascade *cascade_start(struct http_loop *loop, struct doc *cheap, struct doc *strong,
			      const struct cascade_opts *o, struct ts_err *err)
{
	struct cascade *c = cascade_new(loop, cheap, strong, o, err);

	if (c && !stage_start(c, CASCADE_CHEAP, err)) {
		free(c);
		return NULL;
	}
	return c;
}

/* The strong stage's outcome when its request could not even start. */
static void strong_failed(struct cascade *c, const struct ts_err *e)
{
	struct cascade_stage *s = &c->st[CASCADE_STRONG];

	s->done = true;
	s->err = *e;
	stage_judge(c, s);
}

/* Whether the stage gave an answer to judge: it did not fail (an answer
 * without logprobs still counts). */
static bool stage_answered(const struct cascade_stage *s)
{
	return s->err.code == TS_OK || s->err.code == TS_ENOLOGPROBS;
}

static bool wants_escalation(const struct cascade_stage *s)
{
	return stage_answered(s) && s->r.verdict == VERDICT_ESCALATE;
}

/* Starts the strong request; a failure to start is its stage's outcome. */
static int strong_start(struct cascade *c, struct ts_err *err)
{
	struct ts_err e;

	ts_err_clear(&e);
	if (stage_start(c, CASCADE_STRONG, &e))
		return TS_OK;
	strong_failed(c, &e);
	if (err)
		*err = e;
	return e.code;
}

struct cascade *cascade_adopt(struct http_loop *loop, struct doc *cheap, struct doc *strong,
			      const struct cascade_opts *o, const struct ts_err *cheap_outcome,
			      struct ts_err *err)
{
	struct cascade *c = cascade_new(loop, cheap, strong, o, err);
	struct cascade_stage *s;

	if (!c)
		return NULL;
	s = &c->st[CASCADE_CHEAP];
	s->started = s->done = true;
	if (cheap_outcome)
		s->err = *cheap_outcome;
	stage_judge(c, s);
	if (c->o.auto_escalate && c->o.strong && wants_escalation(s))
		strong_start(c, NULL);
	return c;
}

/* How a recorded answer ended, as its document says (cascade_recorded). */
static void recorded_outcome(const struct doc *d, struct ts_err *e)
{
	const struct doc_info *in = doc_info_c(d);
	const char *msg = doc_meta(d, DOC_META_ERROR);

	ts_err_clear(e);
	if (in->incomplete)
		ts_err_set(e, TS_ECUT, "%s", msg && *msg ? msg : "the recorded answer is incomplete");
	else if (in->logprobs_missing)
		ts_err_set(e, TS_ENOLOGPROBS, "%s", msg && *msg ? msg : ts_strerror(TS_ENOLOGPROBS));
}

struct cascade *cascade_recorded(struct doc *cheap, struct doc *strong, const struct cascade_opts *o,
				 struct ts_err *err)
{
	struct cascade_opts ro = { .route = o->route, .labels = o->labels };
	struct cascade *c = cascade_new(NULL, cheap, strong, &ro, err);

	if (!c)
		return NULL;
	c->recorded = true;
	for (int w = 0; w < 2; w++) {
		struct cascade_stage *s = &c->st[w];

		s->started = s->done = true;
		recorded_outcome(s->doc, &s->err);
		stage_judge(c, s);
	}
	return c;
}

bool cascade_is_recorded(const struct cascade *c)
{
	return c->recorded;
}

int cascade_link(struct doc *cheap, struct doc *strong)
{
	if (branch_ensure_uid(cheap))
		return TS_ENOMEM;
	return doc_set_meta(strong, DOC_META_ESCALATED_FROM, doc_meta(cheap, DOC_META_UID));
}

static bool cascade_meta_is(const struct doc *d, enum doc_meta_key k, const char *v)
{
	const char *m = doc_meta(d, k);

	return m && v && *v && strcmp(m, v) == 0;
}

/* The nearest k != i with meta key equal to v: first looking in direction
 * dir (1 after i, -1 before), then the other way; -1 when none. */
static long cascade_nearest(const struct doc *const *docs, size_t n, size_t i, enum doc_meta_key key,
			    const char *v, int dir)
{
	for (int pass = 0; pass < 2; pass++, dir = -dir) {
		for (size_t k = i; dir > 0 ? k + 1 < n : k > 0;) {
			k = dir > 0 ? k + 1 : k - 1;
			if (cascade_meta_is(docs[k], key, v))
				return (long)k;
		}
	}
	return -1;
}

bool cascade_find_recorded(const struct doc *const *docs, size_t n, size_t i, size_t *cheap, size_t *strong)
{
	long k;

	if (i >= n)
		return false;
	k = cascade_nearest(docs, n, i, DOC_META_UID, doc_meta(docs[i], DOC_META_ESCALATED_FROM), -1);
	if (k >= 0) {
		*cheap = (size_t)k;
		*strong = i;
		return true;
	}
	k = cascade_nearest(docs, n, i, DOC_META_ESCALATED_FROM, doc_meta(docs[i], DOC_META_UID), 1);
	if (k >= 0) {
		*cheap = i;
		*strong = (size_t)k;
		return true;
	}
	return false;
}

/* Polls stage w's exchange; true when it has just finished. */
static bool stage_poll(struct cascade *c, enum cascade_which w)
{
	struct cascade_stage *s = &c->st[w];

	if (!c->x[w] || s->done || !exchange_poll(c->x[w], &s->err))
		return false;
	s->done = true;
	stage_judge(c, s);
	return true;
}

bool cascade_poll(struct cascade *c)
{
	if (stage_poll(c, CASCADE_CHEAP) && c->o.auto_escalate && c->o.strong &&
	    wants_escalation(&c->st[CASCADE_CHEAP]))
		strong_start(c, NULL);
	stage_poll(c, CASCADE_STRONG);
	return cascade_state(c) == CASCADE_IDLE;
}

enum cascade_state cascade_state(const struct cascade *c)
{
	if (c->st[CASCADE_CHEAP].started && !c->st[CASCADE_CHEAP].done)
		return CASCADE_RUNNING_CHEAP;
	if (c->st[CASCADE_STRONG].started && !c->st[CASCADE_STRONG].done)
		return CASCADE_RUNNING_STRONG;
	return CASCADE_IDLE;
}

int cascade_escalate(struct cascade *c, struct ts_err *err)
{
	if (!c->st[CASCADE_CHEAP].done)
		return ts_err_set(err, TS_EINVAL, "the cheap answer is still arriving");
	if (c->recorded)
		return ts_err_set(err, TS_EINVAL, "a recorded escalation: both answers are there, nothing to send");
	if (c->st[CASCADE_STRONG].started)
		return ts_err_set(err, TS_EINVAL, "already escalated");
	if (!c->o.strong)
		return ts_err_set(err, TS_ECONFIG, "no model to escalate to: set --escalate-to or escalate_to");
	if (!c->loop)
		return ts_err_set(err, TS_EINVAL, "the cascade has finished");
	return strong_start(c, err);
}

const struct cascade_stage *cascade_stage(const struct cascade *c, enum cascade_which w)
{
	return &c->st[w == CASCADE_STRONG ? CASCADE_STRONG : CASCADE_CHEAP];
}

enum cascade_which cascade_final(const struct cascade *c)
{
	const struct cascade_stage *s = &c->st[CASCADE_STRONG];

	if (s->done && stage_answered(s))
		return CASCADE_STRONG;
	return CASCADE_CHEAP;
}

bool cascade_escalated(const struct cascade *c)
{
	return c->st[CASCADE_STRONG].started;
}

const char *cascade_why(const struct cascade *c, char *out, size_t outsz)
{
	const struct cascade_stage *s = &c->st[CASCADE_CHEAP];

	if (!s->done)
		snprintf(out, outsz, "the cheap answer is still arriving");
	else if (c->recorded && wants_escalation(s))
		snprintf(out, outsz, "escalated (recorded): the cheap answer's verdict is ESCALATE");
	else if (c->recorded)
		snprintf(out, outsz, "escalated (recorded): on request (the cheap answer's verdict is %s)",
			 !stage_answered(s) ? "none: it failed" : route_verdict_name(s->r.verdict));
	else if (cascade_escalated(c))
		snprintf(out, outsz, "escalated: %s", wants_escalation(s) ? "the cheap answer's verdict is ESCALATE"
			 : "on request");
	else if (!stage_answered(s))
		snprintf(out, outsz, "not escalated: the cheap request failed (an error is not a verdict)");
	else if (s->r.verdict == VERDICT_CLARIFY)
		snprintf(out, outsz, "not escalated: CLARIFY asks a person or a clarifying question, "
			 "not a stronger model");
	else if (s->r.verdict == VERDICT_ACCEPT)
		snprintf(out, outsz, "not escalated: the cheap answer is accepted");
	else
		snprintf(out, outsz, "not escalated yet: the verdict is ESCALATE");
	return out;
}

void cascade_rejudge(struct cascade *c, const struct route_opts *ro, const struct label_set *labels)
{
	c->o.route = *ro;
	c->o.labels = NULL;
	if (labels) {
		c->labels = *labels;
		c->o.labels = &c->labels;
	}
	for (int w = 0; w < 2; w++)
		if (c->st[w].done)
			stage_judge(c, &c->st[w]);
}

void cascade_cancel(struct cascade *c)
{
	for (int w = 0; w < 2; w++) {
		if (!c->x[w] || c->st[w].done)
			continue;
		exchange_cancel(c->x[w]);
		stage_poll(c, (enum cascade_which)w);
	}
}

/* Frees the exchanges (their outcomes are kept) and forgets the loop. */
static void cascade_detach(struct cascade *c)
{
	cascade_cancel(c);
	for (int w = 0; w < 2; w++) {
		exchange_free(c->x[w]);
		c->x[w] = NULL;
	}
	c->loop = NULL;
}

void cascade_free(struct cascade *c)
{
	if (!c)
		return;
	cascade_detach(c);
	free(c);
}

static void run_events(struct cascade *c, size_t seen[2], enum cascade_state before,
		       cascade_event_fn on_event, void *ctx)
{
	for (int w = 0; w < 2; w++) {
		const struct cascade_stage *s = &c->st[w];

		if (s->started && doc_count(s->doc) != seen[w]) {
			seen[w] = doc_count(s->doc);
			on_event(ctx, c, (enum cascade_which)w, CASCADE_EV_TOKENS);
		}
	}
	if (before == CASCADE_RUNNING_CHEAP && cascade_state(c) != CASCADE_RUNNING_CHEAP) {
		on_event(ctx, c, CASCADE_CHEAP, CASCADE_EV_DONE);
		if (cascade_escalated(c))
			on_event(ctx, c, CASCADE_STRONG, CASCADE_EV_STARTED);
	}
	if (cascade_escalated(c) && before != CASCADE_IDLE && cascade_state(c) == CASCADE_IDLE)
		on_event(ctx, c, CASCADE_STRONG, CASCADE_EV_DONE);
}

int cascade_run(struct doc *cheap, struct doc *strong, const struct cascade_opts *o,
		cascade_event_fn on_event, void *ctx, struct cascade **out, struct ts_err *err)
{
	struct http_loop *loop = http_loop_new();
	struct cascade *c;
	size_t seen[2] = { 0, 0 };
	enum cascade_which last;
	int rc;

	if (out)
		*out = NULL;
	if (!loop)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	c = cascade_start(loop, cheap, strong, o, err);
	if (!c) {
		http_loop_free(loop);
		return err ? err->code : TS_ENET;
	}
	for (;;) {
		enum cascade_state before = cascade_state(c);
		bool idle;

		http_loop_wait(loop, NULL, 0, 1000);
		http_loop_perform(loop);
		idle = cascade_poll(c);
		if (on_event)
			run_events(c, seen, before, on_event, ctx);
		if (idle)
			break;
	}
	last = cascade_escalated(c) ? CASCADE_STRONG : CASCADE_CHEAP;
	if (err)
		*err = c->st[last].err;
	rc = c->st[last].err.code;
	cascade_detach(c);
	http_loop_free(loop);
	if (out)
		*out = c;
	else
		cascade_free(c);
	return rc;
}
