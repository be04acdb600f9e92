/* picker.h — a list to pick one name from, in a box over the editor: the
 * prompt editor's model picker (F2).
 *
 * It opens waiting ("asking URL for its models…") while the app fetches
 * the list, then shows the names: typing filters them (a case-insensitive
 * substring; Backspace and Ctrl-U edit the filter), ↑/↓, PgUp/PgDn,
 * Home/End move, Enter picks, Esc closes. The picker only shows and picks:
 * the app fetches (models.h) and the editor takes the name. Names come from
 * the network and are drawn through text_escape. */
#ifndef TOKSCOPE_TUI_PICKER_H
#define TOKSCOPE_TUI_PICKER_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/color.h"

#define PICKER_FILTER_MAX 128

enum picker_state { PICKER_CLOSED, PICKER_WAITING, PICKER_OPEN };

/* What a key did. */
enum picker_result { PICKER_KEEP, PICKER_PICK, PICKER_CLOSE };

struct picker {
	enum picker_state state;
	char what[256];            /* the title: "models at http://…/v1" */
	char **names;              /* owned; the server's order */
	size_t n;
	size_t *shown;             /* indexes of the names the filter keeps */
	size_t nshown;
	size_t sel, top;           /* in shown[] */
	int rows;                  /* list rows at the last draw (for paging) */
	char filter[PICKER_FILTER_MAX];
	size_t flen;
};

void picker_init(struct picker *p);
void picker_fini(struct picker *p);      /* closes; NULL-safe */

/* Opens waiting for the names; what is the title (copied). */
void picker_wait(struct picker *p, const char *what);
/* Shows names (n of them; ownership of the array and its strings moves to
 * the picker, which frees them on failure too). The entry equal to current
 * (may be NULL) starts selected. False when out of memory (then closed). */
bool picker_fill(struct picker *p, char **names, size_t n, const char *current);
void picker_close(struct picker *p);

bool picker_is_open(const struct picker *p);     /* waiting or showing */
bool picker_waiting(const struct picker *p);

/* Handles a key (keys.h numbering). PICKER_PICK: picker_selected() holds the
 * name until the next picker call; the picker is closed by the caller. */
enum picker_result picker_key(struct picker *p, int key);
const char *picker_selected(const struct picker *p);

/* The rows the box wants: borders, the filter line and up to 12 names. */
int picker_height(const struct picker *p);

/* Draws the box on r; *cy, *cx receive the cursor (in the filter line). */
void picker_draw(struct picker *p, struct rect r, const struct palette *pal, int *cy, int *cx);

#endif
