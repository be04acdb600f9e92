/* jsonnum.h — the value of a JSON number's text, exactly as strtod gives it.
 *
 * For readers that get numbers as text (yajl's number callback): most
 * numbers in a stream or a session (logprobs of up to 16 digits, small
 * integers) are converted without strtod, exactly (an integer of at most
 * 2^53 scaled by a power of ten of at most 10^22 is one correctly rounded
 * IEEE operation: Clinger's fast path); the others go to strtod with '.'
 * as the locale's decimal point, so the result never depends on LC_NUMERIC. */
#ifndef TOKSCOPE_JSONNUM_H
#define TOKSCOPE_JSONNUM_H

#include <stddef.h>

/* s[0..n) is a valid JSON number (as a JSON parser has checked). Returns
 * its value (±HUGE_VAL past the range of a double); NaN only when a
 * number of thousands of digits finds no memory. */
double jsonnum_parse(const char *s, size_t n);

#endif
