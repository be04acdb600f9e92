/* tui.h — the interactive explorer (ncurses). The only entry point the
 * composition root (src/main.c) calls. Nothing here exposes curses. */
#ifndef TOKSCOPE_TUI_H
#define TOKSCOPE_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "src/config.h"
#include "src/doc.h"

struct tui_opts {
	struct config *cfg;          /* settings and profiles; borrowed */
	struct doc **docs;           /* answers to open (demo or session file); the
				      * TUI takes ownership of the array and docs */
	size_t ndocs;
	const char *session_path;    /* file the docs came from, or NULL */
	bool demo;                   /* docs are the bundled demo */
	const char *initial_prompt;  /* prompt to put in the editor, or NULL */
	/* tokscope --compare: open in the compare view, docs[compare_a] (A)
	 * against docs[compare_b] (B), named by compare_names (borrowed). */
	bool compare;
	size_t compare_a, compare_b;
	const char *compare_names[2];
};

/* Runs until the user quits. Restores the terminal on every exit path.
 * Returns 0, or 1 after a fatal error (message already printed to stderr
 * once the terminal is restored). */
int tui_run(struct tui_opts *o);

#endif
