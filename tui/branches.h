/* branches.h — branching in the explorer (the core is src/branch.h).
 *
 *   a      the inspector's alternatives list takes the keys: ↑/↓ (k/j)
 *          choose an alternative of the selected token, Enter branches
 *          from it, Esc (or a) goes back; any other key goes back and does
 *          what it does on the main screen. When the answer cannot branch
 *          (its API cannot continue a prefix, no server, ...) the list
 *          shows the reason instead.
 *   Y      a box with every answer as a tree: roots in list order, each
 *          branch indented under the answer it left, with its branch point
 *          and alternative; ↑/↓ choose, Enter goes to one, Esc closes.
 *   { }    the previous / next branch of the same answer: the answer
 *          itself first, then its branches in list order.
 * The inspector's title says which branch the current answer is ("branch
 * 2 of answer 1 at token 7: ␣personal"). A branch streams through
 * stream.c like any request (stream_start) and joins the list with its
 * first new token. */
#ifndef TOKSCOPE_TUI_BRANCHES_H
#define TOKSCOPE_TUI_BRANCHES_H

#include <stdbool.h>
#include <stddef.h>

#include "src/doc.h"
#include "src/err.h"
#include "tui/inspector.h"
#include "tui/keys.h"

struct app;
struct answer;

struct branches {
	bool focus;                 /* the alternatives list has the keys */
	const struct doc *doc;      /* ... for this answer's */
	size_t tok;                 /* ... token */
	size_t alt;                 /* the alternative under the cursor */
	char reason[TS_ERRMSG_MAX]; /* why the answer cannot branch; "": it can */
	bool tree;                  /* the tree box is open */
	size_t tree_cur, tree_top;  /* its row under the cursor, first row shown */
	int tree_rows;              /* rows it showed at the last draw */
};

/* A key while the alternatives list or the tree box has the keys. Returns
 * false when the key is not theirs: the main screen handles it. */
bool branches_key(struct app *a, int key);

/* The main screen's branching actions (ACT_ALTS, ACT_TREE,
 * ACT_PREV_BRANCH, ACT_NEXT_BRANCH); false for any other. */
bool branches_action(struct app *a, enum action act);

/* How the inspector shows branching for an (the current answer): the
 * branch line is written into line. */
void branches_inspector(struct app *a, const struct answer *an, struct inspector_branch *ib, char *line,
			size_t linesz);

/* Draws the tree box when it is open. */
void branches_draw(struct app *a);

#endif
