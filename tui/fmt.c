#include "tui/fmt.h"

#include <math.h>
#include <stdio.h>

void fmt_pct(char *out, size_t n, double p)
{
	double v = p * 100.0;

	if (isnan(p))
		snprintf(out, n, "—");
	else if (v <= 0.0)
		snprintf(out, n, "0%%");
	else if (v >= 99.95 && v < 100.0)
		snprintf(out, n, "99.9%%");
	else if (v >= 100.0)
		snprintf(out, n, "100%%");
	else if (v >= 0.995)
		snprintf(out, n, "%.1f%%", v);
	else if (v >= 0.01)
		snprintf(out, n, "%.2f%%", v);
	else
		snprintf(out, n, "<0.01%%");
}

void fmt_num(char *out, size_t n, double v, int prec)
{
	if (isnan(v))
		snprintf(out, n, "—");
	else if (isinf(v))
		snprintf(out, n, v > 0 ? "∞" : "−∞");
	else
		snprintf(out, n, "%.*f", prec, v);
}

void fmt_signed(char *out, size_t n, double v, int prec)
{
	if (isnan(v))
		snprintf(out, n, "—");
	else if (v < 0)
		snprintf(out, n, "−%.*f", prec, -v);
	else
		snprintf(out, n, "+%.*f", prec, v);
}

void fmt_ms(char *out, size_t n, double ms)
{
	if (ms < 0 || isnan(ms))
		snprintf(out, n, "—");
	else if (ms < 1000.0)
		snprintf(out, n, "%.0f ms", ms);
	else
		snprintf(out, n, "%.2f s", ms / 1000.0);
}

void fmt_count(char *out, size_t n, long long v)
{
	if (v < 0)
		snprintf(out, n, "—");
	else
		snprintf(out, n, "%lld", v);
}

void fmt_thr_pct(char *out, size_t n, double p)
{
	double v = round(p * 1000.0) / 10.0;

	if (isnan(p))
		snprintf(out, n, "—");
	else if (v == round(v))
		snprintf(out, n, "%.0f%%", v);
	else
		snprintf(out, n, "%.1f%%", v);
}

void fmt_bar(char *out, size_t n, double p, int w)
{
	static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	int units = isnan(p) ? 0 : (int)lround(fmax(0.0, fmin(1.0, p)) * w * 8);
	size_t o = 0;

	if (n == 0)
		return;
	out[0] = '\0';
	for (int i = 0; i < units / 8 && o + 4 < n; i++)
		o += (size_t)snprintf(out + o, n - o, "█");
	if (units % 8 && o + 4 < n)
		snprintf(out + o, n - o, "%s", eighths[units % 8]);
	if (units == 0 && p > 0 && n > 4)
		snprintf(out, n, "▏");
}
