/* dialog.h — boxes over the main screen: the generated key help, an error
 * (dismissed by any key), the quit question, the file path prompts for
 * saving and opening sessions, and the one-line label set editor (where an
 * empty line is an answer too: no labels). One at a time; the main screen
 * stays drawn underneath. */
#ifndef TOKSCOPE_TUI_DIALOG_H
#define TOKSCOPE_TUI_DIALOG_H

#include <stdbool.h>

#include "src/buf.h"
#include "tui/color.h"

enum dialog_kind { DLG_NONE, DLG_HELP, DLG_ERROR, DLG_QUIT, DLG_SAVE, DLG_OPEN, DLG_LABELS };

/* What a key did to the dialog. */
enum dialog_result { DLG_KEEP, DLG_CLOSE, DLG_ACCEPT };

struct dialog {
	enum dialog_kind kind;
	char title[64];
	char text[1024];      /* the error or question; the save/open hint */
	struct buf input;     /* the path (or label list) being typed */
	int scroll;           /* help: first line shown */
	int help_rows;        /* help: lines in the last draw (for paging) */
};

void dialog_init(struct dialog *d);
void dialog_fini(struct dialog *d);
/* Opens a dialog; input (save/open) starts as `input`. */
void dialog_open(struct dialog *d, enum dialog_kind kind, const char *title, const char *text,
		 const char *input);
enum dialog_result dialog_key(struct dialog *d, int key);
/* Draws the open dialog centred in screen; *cy and *cx receive the cursor for
 * path input (else −1). */
void dialog_draw(struct dialog *d, struct rect screen, const struct palette *pal, int *cy, int *cx);

#endif
