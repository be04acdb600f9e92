#include "tui/panel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "src/buf.h"
#include "src/text.h"
#include "src/theme.h"
#include "tui/fmt.h"

#define LABEL_W 13

/* A 3×5-pixel font for the badge words, drawn with half blocks (3 rows). */
static const struct { char ch; const char *px[5]; } font[] = {
	{ 'A', { ".#.", "#.#", "###", "#.#", "#.#" } },
	{ 'C', { ".##", "#..", "#..", "#..", ".##" } },
	{ 'E', { "###", "#..", "##.", "#..", "###" } },
	{ 'F', { "###", "#..", "##.", "#..", "#.." } },
	{ 'I', { "###", ".#.", ".#.", ".#.", "###" } },
	{ 'L', { "#..", "#..", "#..", "#..", "###" } },
	{ 'P', { "##.", "#.#", "##.", "#..", "#.." } },
	{ 'R', { "##.", "#.#", "##.", "#.#", "#.#" } },
	{ 'S', { ".##", "#..", ".#.", "..#", "##." } },
	{ 'T', { "###", ".#.", ".#.", ".#.", ".#." } },
	{ 'Y', { "#.#", "#.#", ".#.", ".#.", ".#." } },
};

void panel_compute(struct panel_data *pd, const struct doc *d, const struct verdict_opts *vo, int spark_w)
{
	struct metrics_opts mo = { .quantile = vo->quantile, .tok_threshold = vo->tok_threshold };
	size_t n = doc_count(d);

	metrics_acc_update(&pd->acc, d, &mo, &pd->m);   /* a stream: only the new tokens */
	route_decide(&pd->m, vo->stat, vo->threshold, &pd->r);
	pd->spark_req = spark_w;
	pd->spark_w = spark_w < 0 ? 0 : spark_w > PANEL_SPARK_MAX ? PANEL_SPARK_MAX : spark_w;
	pd->spark_n = n;
	if (n < (size_t)pd->spark_w)
		pd->spark_w = (int)n;
	for (int c = 0; c < pd->spark_w; c++) {
		size_t a = (size_t)c * n / (size_t)pd->spark_w, b = (size_t)(c + 1) * n / (size_t)pd->spark_w;
		double lo = 1.0, sum = 0.0;

		for (size_t i = a; i < b; i++) {
			double p = pd->acc.n == n && pd->acc.d == d ? pd->acc.ps[i] : exp(doc_token(d, i)->logprob);

			lo = fmin(lo, p);
			sum += p;
		}
		pd->spark[c] = b > a ? sum / (double)(b - a) : 0.0;
		pd->spark_lo[c] = lo;
	}
}

void panel_fini(struct panel_data *pd)
{
	metrics_acc_fini(&pd->acc);
}

/* Columns of sections in the panel drawn on r, and their width. */
static void panel_columns(struct rect r, bool side, int *ncols, int *colw)
{
	struct rect in = draw_inner(r);

	in.w -= 2;
	*ncols = side ? 1 : (in.w + 2) / 38;
	if (*ncols < 1)
		*ncols = 1;
	*colw = (in.w - (*ncols - 1) * 2) / *ncols;
}

int panel_spark_width(struct rect r, bool side)
{
	int ncols, colw;

	panel_columns(r, side, &ncols, &colw);
	return colw < 1 ? 1 : colw;
}

static const char *const *panel_glyph(char ch)
{
	for (size_t i = 0; i < sizeof font / sizeof font[0]; i++)
		if (font[i].ch == ch)
			return font[i].px;
	return NULL;
}

/* Row `row` (0–2) of word in half blocks. */
static void panel_big_row(const char *word, int row, char *out, size_t outsz)
{
	static const char *const half[4] = { " ", "▀", "▄", "█" };
	size_t o = 0;

	out[0] = '\0';
	for (const char *w = word; *w && o + 16 < outsz; w++) {
		const char *const *px = panel_glyph(*w);

		for (int x = 0; x < 3 && px; x++) {
			int top = px[2 * row][x] == '#';
			int bot = 2 * row + 1 < 5 && px[2 * row + 1][x] == '#';

			o += (size_t)snprintf(out + o, outsz - o, "%s", half[top | bot << 1]);
		}
		if (w[1])
			o += (size_t)snprintf(out + o, outsz - o, " ");
	}
}

static bool panel_big(const struct panel_view *pv, struct rect r)
{
	const char *word = route_verdict_name(pv->pd->r.verdict);

	return pv->side && r.w >= (int)strlen(word) * 4 - 1;
}

/* The badge role and a glyph that says the verdict without colour. */
static enum theme_role panel_verdict_role(enum route_verdict v, const char **glyph)
{
	*glyph = v == VERDICT_ACCEPT ? "✔" : v == VERDICT_ESCALATE ? "▲" : "?";
	return v == VERDICT_ACCEPT ? ROLE_ACCEPT : v == VERDICT_ESCALATE ? ROLE_ESCALATE : ROLE_CLARIFY;
}

static int sec_badge(const struct panel_view *pv, struct rect r, const struct palette *pal, bool draw)
{
	const char *word = route_verdict_name(pv->pd->r.verdict), *glyph;
	struct style st = color_role(pal, panel_verdict_role(pv->pd->r.verdict, &glyph));
	int rows = panel_big(pv, r) ? 3 : 1;
	char line[256];

	if (!draw)
		return rows;
	draw_fill((struct rect){ r.y, r.x, rows < r.h ? rows : r.h, r.w }, st);
	if (rows == 1) {
		snprintf(line, sizeof line, "%s %s%s", glyph, word, pv->live ? " (so far)" : "");
		draw_str(r.y, r.x + (r.w - draw_width(line)) / 2, r.w, line, st);
		return rows;
	}
	for (int i = 0; i < 3 && i < r.h; i++) {
		panel_big_row(word, i, line, sizeof line);
		draw_str(r.y + i, r.x + (r.w - draw_width(line)) / 2, r.w, line, st);
	}
	return rows;
}

static int sec_verdict(const struct panel_view *pv, struct rect r, const struct palette *pal, bool draw)
{
	const struct route_result *rr = &pv->pd->r;
	char val[32], thr[32], dist[32], line[160];
	struct style dim = color_role(pal, ROLE_DIM);

	if (!draw)
		return 2;
	fmt_num(val, sizeof val, rr->value, 3);
	fmt_num(thr, sizeof thr, rr->threshold, 2);
	fmt_signed(dist, sizeof dist, rr->distance, 3);
	draw_str_ellipsis(r.y, r.x, r.w - 2, route_stat_label(rr->stat), color_role(pal, ROLE_TITLE));
	draw_str_right(r.y, r.x, r.w, "s", color_role(pal, ROLE_STATUS_KEY));
	if (r.h < 2)
		return 2;
	snprintf(line, sizeof line, "%s %s τ %s  (%s)", val, isnan(rr->value) ? "vs" :
		 rr->value >= rr->threshold ? "≥" : "<", thr, dist);
	draw_str(r.y + 1, r.x, r.w - 4, line, color_role(pal, ROLE_TEXT));
	draw_str_right(r.y + 1, r.x, r.w, "t/T", color_role(pal, ROLE_STATUS_KEY));
	(void)dim;
	return 2;
}

struct agg_ctx {
	const struct panel_view *pv;
	const struct palette *pal;
	struct rect r;
	int y;
};

static void agg_row(struct agg_ctx *a, const char *label, const char *value, bool is_stat, const char *key)
{
	struct style vs = color_role(a->pal, is_stat ? ROLE_MARK : ROLE_TEXT);

	if (a->y >= a->r.y + a->r.h)
		return;
	draw_str(a->y, a->r.x, LABEL_W, label, color_role(a->pal, is_stat ? ROLE_MARK : ROLE_DIM));
	draw_str_ellipsis(a->y, a->r.x + LABEL_W, a->r.w - LABEL_W - (key ? 4 : 0), value, vs);
	if (key)
		draw_str_right(a->y, a->r.x, a->r.w, key, color_role(a->pal, ROLE_STATUS_KEY));
	a->y++;
}

/* "3.1% ␣xyz @12" for the minimum. */
static void agg_min(const struct panel_view *pv, char *out, size_t outsz)
{
	const struct answer_metrics *m = &pv->pd->m;
	char pct[32], text[64] = "";
	struct buf b;
	size_t len;
	const uint8_t *p;

	fmt_pct(pct, sizeof pct, m->min_p);
	if (m->n == 0) {
		snprintf(out, outsz, "%s", pct);
		return;
	}
	p = doc_token_bytes(pv->d, m->min_index, &len);
	buf_init(&b, 48);
	if (text_escape(&b, p, len, TEXT_INSPECT) == 0)
		snprintf(text, sizeof text, "%s", buf_str(&b));
	buf_fini(&b);
	snprintf(out, outsz, "%s · #%zu %s", pct, m->min_index + 1, text);
}

static int sec_aggregates(const struct panel_view *pv, struct rect r, const struct palette *pal, bool draw)
{
	const struct answer_metrics *m = &pv->pd->m;
	enum route_stat s = pv->vo->stat;
	struct agg_ctx a = { .pv = pv, .pal = pal, .r = r, .y = r.y };
	char v[160], x[32], y[32], label[64];

	if (!draw)
		return 10;
	snprintf(v, sizeof v, "%zu%s", m->n, doc_info_c(pv->d)->incomplete ? " (incomplete)" : "");
	agg_row(&a, "tokens", v, false, NULL);
	fmt_signed(v, sizeof v, m->mean_logprob, 3);
	agg_row(&a, "mean logprob", v, false, NULL);
	fmt_pct(v, sizeof v, m->geo_mean_p);
	agg_row(&a, "geo-mean p", v, s == STAT_GEOMEAN, NULL);
	fmt_pct(v, sizeof v, m->mean_p);
	agg_row(&a, "mean p", v, s == STAT_MEAN, NULL);
	fmt_num(v, sizeof v, m->perplexity, 2);
	agg_row(&a, "perplexity", v, false, NULL);
	agg_min(pv, v, sizeof v);
	agg_row(&a, "min p", v, s == STAT_MIN, NULL);
	fmt_pct(v, sizeof v, m->first_p);
	agg_row(&a, "first p", v, s == STAT_FIRST, NULL);
	fmt_pct(v, sizeof v, m->quantile_p);
	snprintf(label, sizeof label, "p%.0f quantile", m->quantile * 100);
	agg_row(&a, label, v, s == STAT_QUANTILE, NULL);
	fmt_pct(x, sizeof x, m->share_below);
	fmt_thr_pct(y, sizeof y, m->tok_threshold);
	snprintf(label, sizeof label, "below %s", y);
	snprintf(v, sizeof v, "%zu (%s)", m->n_below, x);
	agg_row(&a, label, v, false, "u/U");
	fmt_num(x, sizeof x, m->mean_h_lo, 2);
	fmt_num(y, sizeof y, m->mean_h_hi, 2);
	snprintf(v, sizeof v, "%s–%s nats", x, y);
	agg_row(&a, "mean entropy", v, false, NULL);
	return 10;
}

/* Columns per token when the answer is shorter than the sparkline. */
static int spark_span(const struct panel_data *pd, int w)
{
	int span = pd->spark_n > 0 && pd->spark_n <= (size_t)w ? w / (int)pd->spark_n : 1;

	return span < 1 ? 1 : span > 3 ? 3 : span;
}

static int sec_spark(const struct panel_view *pv, struct rect r, const struct palette *pal, bool draw)
{
	static const char *const levels[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	const struct panel_data *pd = pv->pd;
	int w = pd->spark_w < r.w ? pd->spark_w : r.w, span = spark_span(pd, r.w), selc = -1;

	if (!draw)
		return 3;
	draw_str(r.y, r.x, r.w, pd->spark_n > (size_t)w ? "p per token (mean, colour=min)" : "p per token",
		 color_role(pal, ROLE_DIM));
	if (pd->spark_n > 0 && pv->sel < pd->spark_n && w > 0)
		selc = (int)(pv->sel * (size_t)pd->spark_w / pd->spark_n);
	for (int c = 0; c < w && r.h > 1; c++) {
		int lv = (int)(pd->spark[c] * 8);
		struct style st = color_bucket(pal, theme_bucket(pd->spark_lo[c]), 0);

		if (c == selc)
			st = color_role(pal, ROLE_SELECTED);
		for (int k = 0; k < span; k++)
			draw_str(r.y + 1, r.x + c * span + k, 1, levels[lv < 0 ? 0 : lv > 7 ? 7 : lv], st);
	}
	if (selc >= 0 && selc * span < r.w && r.h > 2)
		draw_str(r.y + 2, r.x + selc * span + (span - 1) / 2, 1, "▲", color_role(pal, ROLE_MARK));
	return 3;
}

static void meta_row(struct agg_ctx *a, const char *label, const char *value)
{
	if (a->y >= a->r.y + a->r.h)
		return;
	draw_str(a->y, a->r.x, 9, label, color_role(a->pal, ROLE_DIM));
	draw_str_ellipsis(a->y, a->r.x + 9, a->r.w - 9, value && *value ? value : "—",
			  color_role(a->pal, ROLE_TEXT));
	a->y++;
}

/* The provenance word-wrapped over two rows. */
static void meta_source(struct agg_ctx *a, const char *prov)
{
	int w = a->r.w - 9;
	size_t len = strlen(prov), cut = draw_fit(prov, len, w);

	if (a->y >= a->r.y + a->r.h)
		return;
	draw_str(a->y, a->r.x, 9, "source", color_role(a->pal, ROLE_DIM));
	if (cut < len) {
		size_t sp = cut;

		while (sp > 0 && prov[sp] != ' ')
			sp--;
		cut = sp > 0 ? sp : cut;
	}
	draw_strn(a->y++, a->r.x + 9, w, prov, cut, color_role(a->pal, ROLE_TEXT));
	if (cut < len && a->y < a->r.y + a->r.h)
		draw_str_ellipsis(a->y++, a->r.x + 9, w, prov + cut + (prov[cut] == ' '), color_role(a->pal, ROLE_TEXT));
}

static double panel_rate(const struct doc *d)
{
	const struct doc_info *in = doc_info_c(d);
	size_t n = doc_count(d);
	double end = in->total_ms;

	if (n > 0 && doc_token(d, n - 1)->t_ms > 0)
		end = doc_token(d, n - 1)->t_ms;
	if (n < 2 || in->ttft_ms < 0 || end <= in->ttft_ms)
		return -1;
	return (double)(n - 1) * 1000.0 / (end - in->ttft_ms);
}

static int sec_meta(const struct panel_view *pv, struct rect r, const struct palette *pal, bool draw)
{
	const struct doc *d = pv->d;
	const struct doc_usage *u = doc_usage_c(d);
	struct agg_ctx a = { .pv = pv, .pal = pal, .r = r, .y = r.y };
	char v[256], t[32], p[32], c[32];
	double rate = panel_rate(d);

	const char *prov = doc_meta(d, DOC_META_PROVENANCE);

	if (!draw)
		return prov && *prov ? 7 : 5;
	meta_row(&a, "model", doc_meta(d, DOC_META_MODEL));
	meta_row(&a, "endpoint", doc_meta(d, DOC_META_ENDPOINT));
	fmt_ms(t, sizeof t, doc_info_c(d)->ttft_ms);
	if (rate > 0)
		snprintf(v, sizeof v, "%s · %.0f tok/s", t, rate);
	else
		snprintf(v, sizeof v, "%s", t);
	meta_row(&a, "ttft", v);
	meta_row(&a, "finish", doc_meta(d, DOC_META_FINISH));
	fmt_count(p, sizeof p, u->prompt_tokens);
	fmt_count(c, sizeof c, u->completion_tokens);
	snprintf(v, sizeof v, "%s prompt + %s answer", p, c);
	meta_row(&a, "usage", u->prompt_tokens < 0 && u->completion_tokens < 0 ? NULL : v);
	if (prov && *prov && r.h >= 7)
		meta_source(&a, prov);
	return prov && *prov ? 7 : 5;
}

typedef int (*section_fn)(const struct panel_view *pv, struct rect r, const struct palette *pal, bool draw);

static const section_fn sections[] = { sec_badge, sec_verdict, sec_aggregates, sec_spark, sec_meta };
#define NSECTIONS (sizeof sections / sizeof sections[0])

/* Places the sections first-fit into ncols columns of h rows with gap
 * rows between sections in a column; y[i]/col[i] receive each position
 * (col −1: left out). Returns how many were left out. */
static int panel_place(const struct panel_view *pv, const struct palette *pal, int ncols, int colw, int h,
		       int gap, int *y, int *col)
{
	/* rows each section can make do with (meta without its source) */
	static const int min_rows[] = { 1, 2, 4, 3, 5 };
	int used[8] = { 0 }, dropped = 0;

	for (size_t i = 0; i < NSECTIONS; i++) {
		int want = sections[i](pv, (struct rect){ 0, 0, 0, colw }, pal, false);

		col[i] = -1;
		for (int pass = 0; pass < 2 && col[i] < 0; pass++) {
			int sh = pass ? min_rows[i] : want;

			for (int c = 0; c < ncols && c < 8; c++) {
				int at = used[c] ? used[c] + gap : 0;

				if (at + sh <= h) {
					col[i] = c;
					y[i] = at;
					used[c] = at + sh;
					break;
				}
			}
		}
		dropped += col[i] < 0;
	}
	return dropped;
}

void panel_draw(const struct panel_view *pv, struct rect r, const struct palette *pal)
{
	struct rect in = draw_inner(r);
	int ncols, colw, y[NSECTIONS], col[NSECTIONS];

	draw_fill(r, color_role(pal, ROLE_TEXT));
	draw_box(r, "confidence", color_role(pal, ROLE_BORDER), color_role(pal, ROLE_TITLE));
	panel_columns(r, pv->side, &ncols, &colw);
	in.x += 1;
	in.w -= 2;
	if (panel_place(pv, pal, ncols, colw, in.h, 1, y, col))
		panel_place(pv, pal, ncols, colw, in.h, 0, y, col);
	for (size_t i = 0; i < NSECTIONS; i++) {
		int end = in.h;

		if (col[i] < 0)
			continue;
		/* a section may use the rows down to the next one in its column */
		for (size_t j = 0; j < NSECTIONS; j++)
			if (j != i && col[j] == col[i] && y[j] > y[i] && y[j] < end)
				end = y[j];
		sections[i](pv, (struct rect){ in.y + y[i], in.x + col[i] * (colw + 2), end - y[i], colw }, pal, true);
	}
}

int panel_draw_chip(const struct panel_data *pd, int y, int x, int maxw, const struct palette *pal, bool draw)
{
	char badge[64], rest[128], val[32], thr[32];
	bool reached = pd->r.value >= pd->r.threshold;
	const char *glyph;
	enum theme_role role = panel_verdict_role(pd->r.verdict, &glyph);
	int used;

	fmt_num(val, sizeof val, pd->r.value, 3);
	fmt_num(thr, sizeof thr, pd->r.threshold, 2);
	snprintf(badge, sizeof badge, " %s %s ", glyph, route_verdict_name(pd->r.verdict));
	snprintf(rest, sizeof rest, " %s %s %s %s ", route_stat_name(pd->r.stat), val, reached ? "≥" : "<", thr);
	if (!draw)
		return draw_width(badge) + draw_width(rest);
	used = draw_str(y, x, maxw, badge, color_role(pal, role));
	return used + draw_str(y, x + used, maxw - used, rest, color_role(pal, ROLE_STATUS));
}
