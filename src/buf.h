/* buf.h — a growable byte buffer with a hard maximum.
 *
 * Every buffer fed from the network or a file has a maximum: appending past
 * it fails with TS_ETOOBIG and leaves the buffer unchanged. The data is
 * always NUL-terminated (the terminator is not counted in len), so text can
 * be handed to C string functions. The caller owns the struct. */
#ifndef TOKSCOPE_BUF_H
#define TOKSCOPE_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;   /* maximum len; 0 means SIZE_MAX/2 */
};

void buf_init(struct buf *b, size_t max);
void buf_fini(struct buf *b);              /* frees data; NULL-safe */
void buf_reset(struct buf *b);             /* len = 0, keeps memory */
int buf_append(struct buf *b, const void *p, size_t n);  /* TS_OK/TS_ETOOBIG/TS_ENOMEM */
int buf_putc(struct buf *b, int c);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Removes the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);
/* The data as a C string ("" when empty); valid until the next change. */
const char *buf_str(const struct buf *b);
/* Hands the data to the caller (malloc'd, NUL-terminated, never NULL unless
 * out of memory) and resets the buffer to empty. */
char *buf_steal(struct buf *b);

#endif
