/* bench_hook.h — the explorer's frames without a terminal, for `make bench`.
 *
 * Sets up what tui_run would for one answer (theme, palette, layout) on a
 * curses screen writing to out (e.g. /dev/null) at rows × cols, and draws
 * frames with the explorer's own frame_draw, so the benchmark times exactly
 * what a person's terminal gets. Nothing else in tokscope calls it. */
#ifndef TOKSCOPE_TUI_BENCH_HOOK_H
#define TOKSCOPE_TUI_BENCH_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "src/doc.h"

struct bench_view;

/* Takes d (freed by bench_view_free). term is the terminfo name. NULL on
 * failure (unknown terminal, out of memory). */
struct bench_view *bench_view_new(struct doc *d, const char *term, FILE *out, int rows, int cols);
void bench_view_free(struct bench_view *v);

/* Selects token tok and scrolls so that its line is in the middle. */
void bench_view_select(struct bench_view *v, size_t tok);
/* Scrolls the view by lines (the selection stays). */
void bench_view_scroll(struct bench_view *v, long lines);
/* Draws one frame. full: the terminal is sent the whole screen again (as
 * after a resize), else only what changed. */
void bench_view_frame(struct bench_view *v, bool full);
/* Lines of the answer's wrap index at the view's width. */
size_t bench_view_lines(const struct bench_view *v);

#endif
