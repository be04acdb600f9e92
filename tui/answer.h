/* answer.h — one answer on screen: its document plus the view's state.
 *
 * The explorer holds a list of answers (the demo's cases, a session's
 * answers, every request sent); each keeps its own selection, scroll
 * position and line-wrap index, so switching answers loses nothing. */
#ifndef TOKSCOPE_TUI_ANSWER_H
#define TOKSCOPE_TUI_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "src/doc.h"
#include "tui/wrap.h"

struct answer {
	struct doc *doc;      /* owned */
	struct wrap wrap;
	size_t sel;           /* selected token */
	size_t top;           /* first visible line */
	bool follow;          /* the selection follows the newest token */
	bool live;            /* tokens may still arrive */
	int goal_col;         /* column ↑/↓ aim for; -1: the selection's */
};

struct answers {
	struct answer *v;
	size_t n, cap;
	size_t cur;
};

void answers_init(struct answers *a);
/* Frees every answer and its document. */
void answers_fini(struct answers *a);
/* Appends an answer for d (ownership passes on success). Returns its index,
 * or -1 when out of memory (d is then not taken). */
long answers_add(struct answers *a, struct doc *d);
/* The index of the answer holding d, or -1. */
long answers_find(const struct answers *a, const struct doc *d);
/* The current answer, or NULL when there is none. */
struct answer *answers_current(struct answers *a);

/* Brings the wrap index of an answer up to date for width. */
void answer_sync(struct answer *an, int width);

/* Moves the selection to tok (clamped) and stops following. */
void answer_select(struct answer *an, size_t tok);
/* Scrolls so the selection is visible in h rows. */
void answer_reveal(struct answer *an, int h);

#endif
