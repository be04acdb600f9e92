/* pair.h — two answers side by side, one drawing for two uses:
 *   the cascade view (E): the cheap answer left, the strong one right, each
 *     with its verdict badge, statistic, token count and timings, the
 *     final answer marked ★, the cascade's "why" under them, and a summary
 *     of both stages (each rule in words, the final answer, auto on/off);
 *     a recorded cascade (escalate.h) is titled and summed up as one;
 *   the compare view (V, tokscope --compare): A left, B right, aligned token
 *     by token (src/compare.h): the divergent tokens marked (in the badge
 *     colour and a ◆ beside their line), the aligned tokens whose
 *     probabilities differ most (by a point or more) in bold on a tint,
 *     the first divergence
 *     under them, and the list of those tokens (a click selects one).
 *     Moving the selection in one pane moves the other to the aligned
 *     token (before the divergence: the token holding the same byte;
 *     after it: its own divergent token).
 *
 *   100 columns and more:               fewer:
 *   header                              header
 *   ┌ left pane ───┐┌ right pane ──┐    ┌ the pane with focus ───┐
 *   │ badge, facts ││ badge, facts │    │ badge, facts           │
 *   │ tokens       ││ tokens       │    │ tokens                 │
 *   └──────────────┘└──────────────┘    └────────────────────────┘
 *   why / first divergence              why / first divergence
 *   ┌ inspector ───┐┌ summary/list ┐    ┌ inspector OR summary ──┐ (i)
 *   status bar                          status bar
 *   (the lower boxes side by side from 112 columns; i chooses below)
 *
 * One pane has the focus (v switches; on narrow screens v shows the other
 * pane): the selection keys, the mouse wheel and the inspector work on it,
 * and it is the explorer's current answer. A click in the other pane moves
 * the focus there. Esc (with nothing running) or n/N leave the view.
 * τ, the statistic, μ and the labels re-judge both answers as they change
 * (cascade_rejudge for the cascade).
 *
 * pair.c keeps the state, the layout and what keys and clicks do;
 * pairdraw.c draws. */
#ifndef TOKSCOPE_TUI_PAIR_H
#define TOKSCOPE_TUI_PAIR_H

#include <stdbool.h>
#include <stddef.h>

#include "src/compare.h"
#include "src/doc.h"
#include "src/labels.h"
#include "src/metrics.h"
#include "src/route.h"
#include "tui/draw.h"

struct app;
struct answer;
struct esc;

enum pair_kind { PAIR_NONE, PAIR_CASCADE, PAIR_COMPARE };

/* One side's verdict as the pane shows it. */
struct pair_judged {
	struct answer_metrics m;
	struct label_set ls;
	struct label_result lr;      /* names point into ls */
	struct route_result r;
	bool valid;
};

struct pair {
	enum pair_kind kind;
	struct doc *doc[2];          /* left, right (answers, or a strong one not listed yet) */
	int focus;                   /* 0 left, 1 right */
	char name[2][256];           /* the sides' names in the titles */
	struct esc *esc;             /* PAIR_CASCADE */
	struct compare_result cr;    /* PAIR_COMPARE */
	size_t synced[2];            /* selections when the other pane last followed */
	struct pair_judged j[2];
	/* where things went at the last layout */
	bool two;                    /* both panes shown */
	struct rect pane[2], text[2], info, insp, box;
	bool has_insp, has_box;
	int list_y;                  /* first row of the compare list, -1: none */
	size_t list_n;               /* rows shown */
};

/* Opens the cascade view of e (focus on the strong answer). */
void pair_open_cascade(struct app *a, struct esc *e);
/* Opens the compare view of answers ia (A) and ib (B), named (NULL: "answer
 * N"); the focus on B. Returns 0, or -1 with a message in the status bar. */
int pair_open_compare(struct app *a, size_t ia, size_t ib, const char *name_a, const char *name_b);
/* V: compares the current answer with the previous one; again, with the
 * one before that; in the cascade view, the cheap with the strong answer. */
void pair_compare_key(struct app *a);
/* v: the focus to the other pane. */
void pair_switch(struct app *a);
void pair_close(struct app *a);
void pair_fini(struct app *a);
bool pair_active(const struct app *a);

/* The answer of side s (0 left, 1 right), or NULL while it is not listed. */
struct answer *pair_side(struct app *a, int s);
/* The focused pane's answer, or NULL (its answer is not listed yet). */
struct answer *pair_answer(struct app *a);
/* Closes the view when the current answer left it (another answer became
 * current); moves the focus when it is the other pane's. */
void pair_check(struct app *a);
/* After layout_compute: the panes, the info line and the lower boxes;
 * a->lay.view becomes the focused pane (for the selection keys). */
void pair_layout(struct app *a);
/* Syncs, re-judges when a->dirty says so, and draws between header and
 * status bar. */
void pair_draw(struct app *a);
/* pairdraw.c: draws the panes, the line under them and the lower boxes
 * (pair_draw's last step, once synced and judged). */
void pairdraw_paint(struct app *a);
/* A click at (y, x): selects in either pane, or a row of the compare
 * list. Returns whether it landed in the view. */
bool pair_click(struct app *a, int y, int x);
/* The header line's text for the view: the cascade's two answer numbers
 * (a recorded one's marked so); the compare view's sides by name, each
 * told apart by its answer number or, when that is its name, its model
 * and title (a title both share comes once, at the end). */
void pair_header(const struct app *a, char *out, size_t outsz);

#endif
