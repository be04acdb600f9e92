/* wrap.h — the line-wrap index of one answer at one width.
 *
 * Lines break after a newline, and where the next cell would pass the
 * width: at the last space of the line (word wrap) when there is one, else
 * right there; a space that does not fit hangs past the line's end. Each line stores where it starts (byte offset and token, 8
 * bytes), so drawing any screenful walks only the cells of its lines, and
 * finding the line of a token is a binary search: scrolling a 100,000-token
 * answer costs what scrolling a short one does.
 *
 * The index grows incrementally: wrap_sync lays out only the cells that
 * arrived since the last call (plus at most one line being re-broken). A
 * trailing partial UTF-8 character waits for its next bytes unless final.
 * Changing the width starts over (O(answer), once per resize). */
#ifndef TOKSCOPE_TUI_WRAP_H
#define TOKSCOPE_TUI_WRAP_H

#include <stdbool.h>
#include <stddef.h>

#include "src/doc.h"
#include "tui/cells.h"

struct wrap {
	struct cell_pos *lines;   /* start of each line; lines[0] = {0, 0} */
	size_t n, cap;
	int width;
	/* where the layout stands */
	struct cell_pos pos;
	int col;
	bool has_opp;             /* a break opportunity (after a space) on this line */
	struct cell_pos opp;
	bool oom;                 /* out of memory: the index stopped growing */
};

void wrap_init(struct wrap *w);
void wrap_fini(struct wrap *w);
/* Forgets the layout; the next wrap_sync starts over at width. */
void wrap_reset(struct wrap *w, int width);
/* Lays out the cells of d not laid out yet. */
void wrap_sync(struct wrap *w, const struct doc *d, bool final);
/* Number of lines (at least 1). */
size_t wrap_count(const struct wrap *w);
/* Start of line i; for i >= wrap_count, the layout's end. */
struct cell_pos wrap_line(const struct wrap *w, size_t i);
/* The line holding token tok's first byte (its "∅" for an empty token). */
size_t wrap_line_of(const struct wrap *w, const struct doc *d, size_t tok);

#endif
