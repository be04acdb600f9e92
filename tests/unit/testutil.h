/* testutil.h — helpers shared by the unit tests (header-only).
 * Tests run from the project root (tests/run.sh does that). */
#ifndef TOKSCOPE_TESTUTIL_H
#define TOKSCOPE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Reads a whole file; fails the test when it cannot. *len gets the size.
 * The result is NUL-terminated; free() it. */
static inline char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	if (fread(p, 1, (size_t)n, f) != (size_t)n)
		fail_msg("short read on %s", path);
	p[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return p;
}

/* Path of a recording's file: tu_fixture(buf, "llamacpp-stories260k", "a_email_work_stream", "response"). */
static inline const char *tu_fixture(char *out, size_t outsz, const char *set, const char *cas,
				     const char *file)
{
	snprintf(out, outsz, "tests/fixtures/%s/%s/%s", set, cas, file);
	return out;
}

/* Quick mode (valgrind runs): fewer exhaustive splits. */
static inline int tu_quick(void)
{
	const char *q = getenv("TOKSCOPE_TEST_QUICK");
	return q && *q && *q != '0';
}

/* A small deterministic PRNG for random splits (xorshift32). */
static inline uint32_t tu_rand(uint32_t *s)
{
	uint32_t x = *s ? *s : 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

#endif
