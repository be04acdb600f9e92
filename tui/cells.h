/* cells.h — an answer's bytes as display cells, each attributed to tokens.
 *
 * Tokens are bytes and a token may hold part of a UTF-8 character, so the
 * answer is decoded as one contiguous text (doc_text) and cut into cells:
 * one character (decoded across token boundaries), one invalid byte (shown
 * as "<F0>"), a control character (shown as its Control Picture), a tab, a
 * newline (shown as "↵" at the end of its line), an empty token (shown as
 * "∅" so it can be seen and selected) or a token the API named by its id
 * instead of its text (shown as "⟨123⟩", see doc_id_spelling). Each cell
 * knows the first and last
 * token its bytes belong to. Curses-free: the line-wrap index and the
 * drawing code both walk cells with this iterator. */
#ifndef TOKSCOPE_TUI_CELLS_H
#define TOKSCOPE_TUI_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/doc.h"

#define CELLS_TAB 4   /* tab stops every 4 columns */

enum cell_kind {
	CELL_TEXT,     /* a printable character, drawn as its bytes */
	CELL_GLYPH,    /* drawn as its text_escape rendering (controls, bad bytes) */
	CELL_SPACE,
	CELL_TAB,
	CELL_NEWLINE,  /* "↵", then the line ends */
	CELL_EMPTY,    /* a token with no bytes: "∅" */
};

/* Where a walk stands: byte offset in the text and the token holding it
 * (for an empty token, the token itself). */
struct cell_pos {
	uint32_t off;
	uint32_t tok;
};

struct cell {
	size_t off, len;       /* bytes in doc_text */
	size_t t0, t1;         /* first and last token of those bytes */
	int width;             /* columns */
	enum cell_kind kind;
};

/* Moves pos past tokens whose bytes are all behind it (never past an empty
 * token it has not emitted). */
void cells_normalize(const struct doc *d, struct cell_pos *pos);

/* The cell at pos (drawn at column col, for tabs); advances pos. Returns
 * false at the end of the text, and, when final is false, before a
 * trailing partial character that later bytes may still complete. */
bool cells_next(const struct doc *d, struct cell_pos *pos, int col, bool final, struct cell *c);

/* Whether pos a comes before pos b. */
bool cells_before(struct cell_pos a, struct cell_pos b);

/* The rendering of a CELL_GLYPH/CELL_TEXT cell into out (NUL-terminated,
 * at most outsz − 1 bytes). */
void cells_render(const struct doc *d, const struct cell *c, char *out, size_t outsz);

#endif
