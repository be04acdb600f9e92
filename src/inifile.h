/* inifile.h — INI text read with inih, with exact line numbers in errors.
 *
 * Shared by the config and theme readers. inih as packaged calls its handler
 * without a line number and, when a line is too long for its buffer, splits
 * it into two lines; this module feeds inih one line at a time itself, so it
 * always knows the line a key came from. Rules on top of inih's:
 *   - leading blanks are dropped from every line, so indentation is allowed
 *     and there are no continuation lines (inih would otherwise read an
 *     indented `key = value` as more value for the key above it);
 *   - a line longer than inih's buffer (about 200 bytes) is an error;
 *   - the first error wins and is reported as "SOURCE:LINE: message". */
#ifndef TOKSCOPE_INIFILE_H
#define TOKSCOPE_INIFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "src/err.h"

/* Called for each `key = value`; section is "" before the first [section].
 * The strings are valid only during the call. Return TS_OK to go on, else a
 * status with a message in err (without position: the caller adds it). */
typedef int (*inifile_entry_fn)(void *ctx, const char *section, const char *key,
				const char *value, struct ts_err *err);

/* Parses NUL-terminated text. source names it in messages ("FILE:LINE: ..."),
 * NULL gives "line LINE: ...". A syntax error (a line that is neither a
 * comment, a [section] nor key = value) and an over-long line give code.
 * Returns TS_OK or the first error's status. */
int inifile_parse(const char *text, const char *source, int code, inifile_entry_fn fn, void *ctx,
		  struct ts_err *err);

/* Reads the whole file at path into *text (malloc'd, NUL-terminated) when it
 * is at most max bytes and holds no NUL byte (else code with a message).
 * When missing is non-NULL, a file that does not exist gives TS_OK with
 * *text NULL and *missing true; otherwise it is TS_EIO like any other open
 * or read failure. */
int inifile_read(const char *path, size_t max, int code, char **text, bool *missing,
		 struct ts_err *err);

#endif
