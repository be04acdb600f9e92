/* fmt.h — numbers as the screens show them. NaN shows as "—". */
#ifndef TOKSCOPE_TUI_FMT_H
#define TOKSCOPE_TUI_FMT_H

#include <stddef.h>

/* A probability as a percentage: "98.3%", "0.42%", "<0.01%", "100%", "0%". */
void fmt_pct(char *out, size_t n, double p);
/* A threshold as a percentage without needless decimals: "50%", "52.5%". */
void fmt_thr_pct(char *out, size_t n, double p);
/* A number with prec decimals. */
void fmt_num(char *out, size_t n, double v, int prec);
/* A number with a sign: "+0.133", "−0.050" (U+2212 minus). */
void fmt_signed(char *out, size_t n, double v, int prec);
/* A duration: "850 ms", "1.42 s". Negative: "—". */
void fmt_ms(char *out, size_t n, double ms);
/* A count, or "—" when negative. */
void fmt_count(char *out, size_t n, long long v);
/* A bar of p (clamped to [0,1]) × w columns in eighths ("███▍"); a p above
 * 0 too small for an eighth still shows "▏". */
void fmt_bar(char *out, size_t n, double p, int w);

#endif
