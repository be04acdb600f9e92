/* text.h — UTF-8 inspection and safe, visible rendering of untrusted bytes.
 *
 * Model output is untrusted: control characters and escape sequences must
 * never reach the terminal. text_escape turns bytes into UTF-8 text where
 *   - C0 controls and DEL become Control Pictures (U+2400 block: ␀ … ␛ … ␡),
 *     so an escape sequence shows as "␛[31m";
 *   - C1 controls, bidirectional overrides and other characters a terminal
 *     must not interpret (wcwidth < 0) become "<U+202E>";
 *   - bytes that are not valid UTF-8 (including a partial character at a
 *     token's edge) become "<F0>", one per byte.
 * Two modes:
 *   TEXT_FLOW    running text: space, tab and newline stay as they are;
 *   TEXT_INSPECT the inspector: also space → ␣, tab → ⇥, newline → ↵,
 *                carriage return → ␍.
 * Widths are measured with wcwidth (needs a UTF-8 LC_CTYPE; without one,
 * every non-ASCII character counts as width 1). */
#ifndef TOKSCOPE_TEXT_H
#define TOKSCOPE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/buf.h"

enum text_mode { TEXT_FLOW, TEXT_INSPECT };

/* Length of the valid UTF-8 sequence at p (1–4), or 0 when p[0..n) does
 * not start with a complete valid sequence (overlongs, surrogates and
 * code points above U+10FFFF are invalid). *cp receives the code point. */
size_t utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);

/* Writes code point cp (at most U+10FFFF) as UTF-8 into out, which has
 * room for 4 bytes; returns the length (1–4). */
size_t utf8_encode(uint32_t cp, char *out);

/* The value of hexadecimal digit c (0-9, a-f, A-F), or -1. */
int hex_value(int c);

/* Whether bytes are entirely valid UTF-8. */
bool utf8_valid(const uint8_t *p, size_t n);

/* How a token's bytes sit in UTF-8, for the inspector. */
enum utf8_state {
	UTF8_COMPLETE,   /* whole characters only */
	UTF8_STARTS,     /* ends with the start of a character continued by the next token(s) */
	UTF8_CONTINUES,  /* begins with the continuation of a character started before */
	UTF8_MIDDLE,     /* both: continues one and starts another (or is inside one) */
	UTF8_INVALID,    /* bytes that are not UTF-8 in any context */
	UTF8_EMPTY,
};
const char *utf8_state_name(enum utf8_state s);

/* Classifies token [off, off+len) within the whole text (all tokens'
 * bytes concatenated), so a token's partial character is judged with its
 * neighbours. When the token holds part of a character, *char_off and
 * *char_len receive the span of the whole character in text (the first
 * partial character when there are two), else *char_len = 0. */
enum utf8_state utf8_token_state(const uint8_t *text, size_t text_len, size_t off, size_t len,
				 size_t *char_off, size_t *char_len);

/* Appends the visible rendering of bytes to out (UTF-8). Returns TS_OK or
 * the buf error. */
int text_escape(struct buf *out, const uint8_t *p, size_t n, enum text_mode mode);

/* Display width (terminal columns) of the rendering text_escape would give. */
size_t text_escape_width(const uint8_t *p, size_t n, enum text_mode mode);

/* How a token named by its id (doc_id_spelling) is shown: "⟨123⟩", into
 * out (NUL-terminated, cut to outsz). */
void text_id_glyph(long id, char *out, size_t outsz);

#endif
