#include "src/jsonnum.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* Exact powers of ten: every 10^k with k <= 22 is a double. */
static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define MANTISSA_MAX (UINT64_C(1) << 53)

/* Clinger's fast path: the digits as an integer m <= 2^53 and a decimal
 * exponent within ±22; false when the number is outside it. */
static bool jsonnum_fast(const char *s, size_t n, double *out)
{
	uint64_t m = 0;
	long exp10 = 0, e = 0;
	size_t i = s[0] == '-';
	bool frac = false;

	for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++) {
		if (s[i] == '.') {
			frac = true;
			continue;
		}
		if (m > MANTISSA_MAX / 10)
			return false;
		m = m * 10 + (uint64_t)(s[i] - '0');
		exp10 -= frac;
	}
	if (i < n) {   /* the exponent: [eE][+-]?digits */
		size_t j = i + 1 + (s[i + 1] == '+' || s[i + 1] == '-');

		for (; j < n; j++)
			if (e < 1000)
				e = e * 10 + (s[j] - '0');
		exp10 += s[i + 1] == '-' ? -e : e;
	}
	if (m > MANTISSA_MAX || exp10 < -22 || exp10 > 22)
		return false;
	*out = exp10 < 0 ? (double)m / pow10_exact[-exp10] : (double)m * pow10_exact[exp10];
	if (s[0] == '-')
		*out = -*out;
	return true;
}

double jsonnum_parse(const char *s, size_t n)
{
	const struct lconv *lc;
	char tmp[64], *t, dp;
	double v;

	/* the fast path needs each operation rounded to double, no excess precision */
	if (FLT_EVAL_METHOD == 0 && n > 0 && jsonnum_fast(s, n, &v))
		return v;
	t = n < sizeof tmp ? tmp : malloc(n + 1);
	if (!t)
		return NAN;
	lc = localeconv();
	dp = lc && lc->decimal_point && lc->decimal_point[0] ? lc->decimal_point[0] : '.';
	for (size_t i = 0; i < n; i++)
		t[i] = s[i] == '.' ? dp : s[i];
	t[n] = '\0';
	v = strtod(t, NULL);
	if (t != tmp)
		free(t);
	return v;
}
