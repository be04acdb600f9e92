#include "tui/panel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "src/buf.h"
#include "src/text.h"
#include "src/theme.h"
#include "tui/cells.h"
#include "tui/fmt.h"

#define LABEL_W 13
#define RULE_ROWS 3      /* rows the rule's words may take */

/* What a section is asked: draw itself, or say how many rows it wants or
 * can make do with (0: it has nothing to show). */
enum sec_mode { SEC_DRAW, SEC_WANT, SEC_MIN };

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

/* The label set in effect for d: its own, else the global one. */
static void panel_labels(struct panel_data *pd, const struct doc *d, const struct verdict_opts *vo)
{
	pd->own_labels = labels_from_doc(&pd->ls, d, NULL);
	if (pd->own_labels <= 0) {
		if (vo->labels)
			pd->ls = *vo->labels;
		else
			pd->ls.n = 0;
	}
	labels_classify(&pd->ls, d, &pd->lr);
}

void panel_compute(struct panel_data *pd, const struct doc *d, const struct verdict_opts *vo, int spark_w)
{
	struct metrics_opts mo = { .quantile = vo->quantile, .tok_threshold = vo->tok_threshold };
	struct route_opts ro = { .stat = vo->stat, .threshold = vo->threshold, .margin = vo->margin,
				 .min_label_mass = vo->min_label_mass, .metrics = mo };
	size_t n = doc_count(d);
	const double *ps;

	metrics_acc_update(&pd->acc, d, &mo, &pd->m);   /* a stream: only the new tokens */
	ps = pd->acc.n == n && pd->acc.d == d ? pd->acc.ps : NULL;   /* NULL: out of memory */
	panel_labels(pd, d, vo);
	route_decide_labels(&pd->m, &pd->lr, &ro, &pd->r);
	pd->spark_req = spark_w;
	pd->spark_w = spark_w < 0 ? 0 : spark_w > PANEL_SPARK_MAX ? PANEL_SPARK_MAX : spark_w;
	pd->spark_n = n;
	if (n < (size_t)pd->spark_w)
		pd->spark_w = (int)n;
	for (int c = 0; c < pd->spark_w; c++) {
		size_t a = (size_t)c * n / (size_t)pd->spark_w, b = (size_t)(c + 1) * n / (size_t)pd->spark_w;
		double lo = 1.0, sum = 0.0;

		for (size_t i = a; i < b; i++) {
			double p = ps ? ps[i] : exp(doc_token(d, i)->logprob);

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

/* Whether the badge can be drawn in large letters in r: a side bar wide
 * enough. */
static bool panel_big(const struct panel_view *pv, struct rect r)
{
	const char *word = route_verdict_name(pv->pd->r.verdict);

	return pv->side && r.w >= (int)strlen(word) * 4 - 1;
}

enum theme_role panel_verdict_role(enum route_verdict v, const char **glyph)
{
	*glyph = v == VERDICT_ACCEPT ? "✔" : v == VERDICT_ESCALATE ? "▲" : "?";
	return v == VERDICT_ACCEPT ? ROLE_ACCEPT : v == VERDICT_ESCALATE ? ROLE_ESCALATE : ROLE_CLARIFY;
}

static int sec_badge(const struct panel_view *pv, struct rect r, const struct palette *pal, enum sec_mode mode)
{
	const char *word = route_verdict_name(pv->pd->r.verdict), *glyph;
	struct style st = color_role(pal, panel_verdict_role(pv->pd->r.verdict, &glyph));
	int rows = panel_big(pv, r) && r.h >= 3 ? 3 : 1;
	char line[256];

	if (mode != SEC_DRAW)   /* large only when all fits on one page (plan_init) */
		return mode == SEC_MIN || !panel_big(pv, r) ? 1 : 3;
	/* an underline (mono's mark for ESCALATE and CLARIFY) would draw lines
	 * through the large letters, which say the verdict themselves */
	if (rows == 3)
		st.attr &= ~(attr_t)A_UNDERLINE;
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

int panel_wrap(int y, int x, int w, int maxrows, const char *text, struct style st, bool draw)
{
	size_t len = strlen(text);
	int rows = 0;

	while (len && rows < maxrows && w > 0) {
		size_t cut = draw_fit(text, len, w), sp = cut;

		while (cut < len && sp > 0 && text[sp] != ' ')
			sp--;
		cut = cut < len && sp > 0 ? sp : cut;
		if (cut == 0)
			break;
		if (draw && rows == maxrows - 1 && cut < len)
			draw_str_ellipsis(y + rows, x, w, text, st);
		else if (draw)
			draw_strn(y + rows, x, w, text, cut, st);
		rows++;
		text += cut;
		len -= cut;
		while (len && *text == ' ') {
			text++;
			len--;
		}
	}
	return rows;
}

/* A line of the verdict: text on the left, its key on the right when both fit. */
static void verdict_line(struct rect r, int y, const char *line, const char *key, struct style st,
			 const struct palette *pal)
{
	int keyw = key ? draw_width(key) + 1 : 0;

	if (y >= r.y + r.h)
		return;
	if (key && draw_width(line) > r.w - keyw)
		keyw = 0;
	draw_str_ellipsis(y, r.x, r.w - keyw, line, st);
	if (keyw)
		draw_str_right(y, r.x, r.w, key, color_role(pal, ROLE_STATUS_KEY));
}

/* "0.986 ≥ τ 0.85  (+0.136)"; with labels, "margin 0.98 ≥ μ 0.30 (+0.68)"
 * and "on labels 0.998 ≥ 0.50 (+0.498)". */
static void verdict_compare(char *out, size_t outsz, const char *what, double v, const char *sym, double min,
			    int prec)
{
	char val[32], thr[32], dist[32];

	fmt_num(val, sizeof val, v, prec);
	fmt_num(thr, sizeof thr, min, 2);
	fmt_signed(dist, sizeof dist, v - min, prec);
	if (isnan(v) && what[0])   /* no margin (nothing on labels): no distance either */
		snprintf(out, outsz, "%s%s vs %s%s", what, val, sym, thr);
	else
		snprintf(out, outsz, "%s%s %s %s%s%s(%s)", what, val, isnan(v) ? "vs" : v >= min ? "≥" : "<", sym,
			 thr, what[0] ? " " : "  ", dist);
}

/* The statistic's name and the τ line, from row y; returns the rows drawn. */
static int verdict_tau(const struct panel_view *pv, struct rect r, int y, const struct palette *pal)
{
	const struct route_result *rr = &pv->pd->r;
	char line[160];
	bool decided = rr->labelled && rr->rule == ROUTE_RULE_BELOW;

	verdict_line(r, y, route_stat_label(rr->stat), "s", color_role(pal, ROLE_TITLE), pal);
	verdict_compare(line, sizeof line, "", rr->value, "τ ", rr->threshold, 3);
	verdict_line(r, y + 1, line, "t/T", color_role(pal, decided ? ROLE_MARK : ROLE_TEXT), pal);
	return 2;
}

/* With labels: the rule in words, the τ line, the μ line, the label mass. */
static int verdict_labelled(const struct panel_view *pv, struct rect r, const struct palette *pal,
			    enum sec_mode mode)
{
	const struct route_result *rr = &pv->pd->r;
	const char *words = route_rule_label(rr->rule);
	int rows = panel_wrap(0, 0, r.w, RULE_ROWS, words, color_role(pal, ROLE_TEXT), false), y = r.y;
	char line[160];

	if (mode != SEC_DRAW)
		return rows + 4;
	y += panel_wrap(y, r.x, r.w, r.h < rows ? r.h : rows, words, color_role(pal, ROLE_TEXT), true);
	y += verdict_tau(pv, r, y, pal);
	verdict_compare(line, sizeof line, "margin ", rr->margin, "μ ", rr->min_margin, 3);
	verdict_line(r, y++, line, "m/M", color_role(pal, rr->rule == ROUTE_RULE_MARGIN ? ROLE_MARK : ROLE_TEXT),
		     pal);
	verdict_compare(line, sizeof line, "on labels ", rr->label_mass, "", rr->min_label_mass, 3);
	verdict_line(r, y, line, NULL, color_role(pal, rr->rule == ROUTE_RULE_LABEL_MASS ? ROLE_MARK : ROLE_TEXT),
		     pal);
	return rows + 4;
}

static int sec_verdict(const struct panel_view *pv, struct rect r, const struct palette *pal, enum sec_mode mode)
{
	if (pv->pd->r.labelled)
		return verdict_labelled(pv, r, pal, mode);
	if (mode != SEC_DRAW)
		return 2;
	return verdict_tau(pv, r, r.y, pal);
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
	long id;

	fmt_pct(pct, sizeof pct, m->min_p);
	if (m->n == 0) {
		snprintf(out, outsz, "%s", pct);
		return;
	}
	p = doc_token_bytes(pv->d, m->min_index, &len);
	buf_init(&b, 48);
	if (doc_token_is_id(pv->d, m->min_index, &id))
		text_id_glyph(id, text, sizeof text);
	else if (text_escape(&b, p, len, TEXT_INSPECT) == 0)
		snprintf(text, sizeof text, "%s", buf_str(&b));
	buf_fini(&b);
	snprintf(out, outsz, "%s · #%zu %s", pct, m->min_index + 1, text);
}

enum { AGG_ROWS = 9 };

struct agg_line {
	char label[32], value[160];
	bool is_stat;
	const char *key;
};

/* The aggregates as rows, in the order drawn. (The geometric-mean p, the
 * mean logprob and the perplexity are one number three ways: the last two
 * share a row.) */
static void agg_lines(const struct panel_view *pv, struct agg_line *l)
{
	const struct answer_metrics *m = &pv->pd->m;
	enum route_stat s = pv->vo->stat;
	char x[32], y[32];

	memset(l, 0, sizeof *l * AGG_ROWS);
	snprintf(l[0].label, sizeof l[0].label, "tokens");
	snprintf(l[0].value, sizeof l[0].value, "%zu%s", m->n, doc_info_c(pv->d)->incomplete ? " (incomplete)" : "");
	snprintf(l[1].label, sizeof l[1].label, "mean logprob");
	fmt_signed(x, sizeof x, m->mean_logprob, 3);
	fmt_num(y, sizeof y, m->perplexity, 2);
	snprintf(l[1].value, sizeof l[1].value, "%s · ppl %s", x, y);
	snprintf(l[2].label, sizeof l[2].label, "geo-mean p");
	fmt_pct(l[2].value, sizeof l[2].value, m->geo_mean_p);
	l[2].is_stat = s == STAT_GEOMEAN;
	snprintf(l[3].label, sizeof l[3].label, "mean p");
	fmt_pct(l[3].value, sizeof l[3].value, m->mean_p);
	l[3].is_stat = s == STAT_MEAN;
	snprintf(l[4].label, sizeof l[4].label, "min p");
	agg_min(pv, l[4].value, sizeof l[4].value);
	l[4].is_stat = s == STAT_MIN;
	snprintf(l[5].label, sizeof l[5].label, "first p");
	fmt_pct(l[5].value, sizeof l[5].value, m->first_p);
	l[5].is_stat = s == STAT_FIRST;
	snprintf(l[6].label, sizeof l[6].label, "p%.0f quantile", m->quantile * 100);
	fmt_pct(l[6].value, sizeof l[6].value, m->quantile_p);
	l[6].is_stat = s == STAT_QUANTILE;
	fmt_pct(x, sizeof x, m->share_below);
	fmt_thr_pct(y, sizeof y, m->tok_threshold);
	snprintf(l[7].label, sizeof l[7].label, "below %.20s", y);
	snprintf(l[7].value, sizeof l[7].value, "%zu (%s)", m->n_below, x);
	l[7].key = "u/U";
	snprintf(l[8].label, sizeof l[8].label, "mean entropy");
	fmt_num(x, sizeof x, m->mean_h_lo, 2);
	fmt_num(y, sizeof y, m->mean_h_hi, 2);
	snprintf(l[8].value, sizeof l[8].value, "%s–%s nats", x, y);
}

/* Which rows to draw in a page too short for all AGG_ROWS: the statistic
 * in use, then as many as fit in this order. */
static void agg_pick(const struct agg_line *l, int rows, bool *keep)
{
	static const int order[AGG_ROWS] = { 0, 4, 7, 2, 3, 5, 6, 8, 1 };
	int left = rows;

	for (int i = 0; i < AGG_ROWS; i++) {
		keep[i] = rows >= AGG_ROWS || (l[i].is_stat && left > 0);
		left -= keep[i];
	}
	for (int k = 0; k < AGG_ROWS && left > 0; k++) {
		if (!keep[order[k]]) {
			keep[order[k]] = true;
			left--;
		}
	}
}

static int sec_aggregates(const struct panel_view *pv, struct rect r, const struct palette *pal, enum sec_mode mode)
{
	struct agg_ctx a = { .pv = pv, .pal = pal, .r = r, .y = r.y };
	struct agg_line l[AGG_ROWS];
	bool keep[AGG_ROWS];

	if (mode != SEC_DRAW)
		return AGG_ROWS;
	agg_lines(pv, l);
	agg_pick(l, r.h, keep);
	for (int i = 0; i < AGG_ROWS; i++)
		if (keep[i])
			agg_row(&a, l[i].label, l[i].value, l[i].is_stat, l[i].key);
	return AGG_ROWS;
}

/* Columns per token when the answer is shorter than the sparkline. */
static int spark_span(const struct panel_data *pd, int w)
{
	int span = pd->spark_n > 0 && pd->spark_n <= (size_t)w ? w / (int)pd->spark_n : 1;

	return span < 1 ? 1 : span > 3 ? 3 : span;
}

static int sec_spark(const struct panel_view *pv, struct rect r, const struct palette *pal, enum sec_mode mode)
{
	static const char *const levels[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	const struct panel_data *pd = pv->pd;
	int w = pd->spark_w < r.w ? pd->spark_w : r.w, span = spark_span(pd, r.w), selc = -1;

	if (mode != SEC_DRAW)
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

static int sec_meta(const struct panel_view *pv, struct rect r, const struct palette *pal, enum sec_mode mode)
{
	const struct doc *d = pv->d;
	const struct doc_usage *u = doc_usage_c(d);
	struct agg_ctx a = { .pv = pv, .pal = pal, .r = r, .y = r.y };
	char v[256], t[32], p[32], c[32];
	double rate = panel_rate(d);

	const char *prov = doc_meta(d, DOC_META_PROVENANCE);
	/* probabilities after the sampler chain (llama.cpp) are another
	 * distribution than logprobs: every measure here is of them */
	int post = doc_info_c(d)->post_sampling, rows = 5 + post + (prov && *prov ? 2 : 0);

	if (mode != SEC_DRAW)
		return mode == SEC_MIN ? 5 + post : rows;
	meta_row(&a, "model", doc_meta(d, DOC_META_MODEL));
	if (post)
		meta_row(&a, "probs", "post-sampling, not raw");
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
	if (prov && *prov && r.h >= rows)
		meta_source(&a, prov);
	return rows;
}

/* ---- the label table ---- */

#define LAB_NUM_W 6      /* "98.8%", "<0.01%", "≤33.2%" */
#define LAB_BAR_MIN 3
#define LAB_NOTE "labels judged by first token"

struct lab_ctx {
	const struct label_result *lr;
	const struct palette *pal;
	struct rect r;
	int y, namew, barw;
	bool raw;              /* the raw mass column (left out when the names need its room) */
};

/* A name from the user, a config or a session file, made safe to draw. */
static void lab_escape(const char *name, char *out, size_t outsz)
{
	struct buf b;

	buf_init(&b, 0);
	if (text_escape(&b, (const uint8_t *)name, strlen(name), TEXT_FLOW) == 0)
		snprintf(out, outsz, "%s", buf_str(&b));
	else
		snprintf(out, outsz, "?");
	buf_fini(&b);
}

/* A shared group's first token, quoted and made visible: "b". */
static void lab_group_text(const struct label_group *g, char *out, size_t outsz)
{
	struct buf b;

	buf_init(&b, 0);
	text_escape(&b, (const uint8_t *)g->text, strlen(g->text), TEXT_INSPECT);
	snprintf(out, outsz, "\"%s\"", buf_str(&b));
	buf_fini(&b);
}

/* A shared group's row name: "b" shared. */
static void lab_group_name(const struct label_group *g, char *out, size_t outsz)
{
	char text[LABELS_GROUP_TEXT * 4];

	lab_group_text(g, text, sizeof text);
	snprintf(out, outsz, "%s shared", text);
}

/* Column widths: the names take what they need, and at least min_name
 * (room for the title before the "p"), leaving the bar at least
 * LAB_BAR_MIN columns; the bar takes the rest. When the names would be cut,
 * the raw mass column gives them its room. */
static void lab_columns(struct lab_ctx *c, int min_name)
{
	int fixed = 1 + 1 + LAB_NUM_W + 1, longest = 5, room;
	char name[LABELS_MAX_LEN * 4];

	for (size_t i = 0; i < c->lr->n; i++) {
		lab_escape(c->lr->row[i].name, name, sizeof name);
		longest = draw_width(name) > longest ? draw_width(name) : longest;
	}
	for (size_t g = 0; g < c->lr->ngroups; g++) {
		lab_group_name(&c->lr->group[g], name, sizeof name);
		longest = draw_width(name) > longest ? draw_width(name) : longest;
	}
	c->raw = longest <= c->r.w - fixed - 1 - LAB_NUM_W - LAB_BAR_MIN;
	room = c->r.w - fixed - (c->raw ? 1 + LAB_NUM_W : 0);
	if (longest < min_name && min_name <= room - LAB_BAR_MIN)
		longest = min_name;
	c->namew = longest < room - LAB_BAR_MIN ? longest : room - LAB_BAR_MIN;
	c->namew = c->namew < 4 ? 4 : c->namew;
	c->barw = room - c->namew;
}

/* The first column of the numbers (the normalised probability). */
static int lab_num_x(const struct lab_ctx *c)
{
	return c->r.x + 1 + c->namew + 1;
}

static bool lab_room(const struct lab_ctx *c)
{
	return c->y < c->r.y + c->r.h;
}

/* One row: the top entry's mark, the name, then the normalised probability,
 * a bar and the raw mass; or, for a label whose first token only shared
 * group g holds, "↓" under the probabilities and the group's row name (its
 * quoted token alone when the name does not fit). */
static void lab_row(struct lab_ctx *c, bool top, const char *name, double prob, const char *raw,
		    const struct label_group *g)
{
	struct style dim = color_role(c->pal, ROLE_DIM), ts = color_role(c->pal, top ? ROLE_MARK : ROLE_TEXT);
	int x = lab_num_x(c), w = c->r.w - (x + LAB_NUM_W + 1 - c->r.x);
	char pct[32], bar[256];

	if (!lab_room(c))
		return;
	draw_str(c->y, c->r.x, 1, top ? "▸" : " ", color_role(c->pal, ROLE_MARK));
	draw_str_ellipsis(c->y, c->r.x + 1, c->namew, name, ts);
	if (g) {
		draw_str_right(c->y, x, LAB_NUM_W, "↓", dim);
		lab_group_name(g, bar, sizeof bar);
		if (draw_width(bar) > w)
			lab_group_text(g, bar, sizeof bar);
		draw_str_ellipsis(c->y, x + LAB_NUM_W + 1, w, bar, dim);
	} else {
		fmt_pct(pct, sizeof pct, prob);
		draw_str_right(c->y, x, LAB_NUM_W, pct, ts);
		fmt_bar(bar, sizeof bar, prob, c->barw);
		draw_str(c->y, x + LAB_NUM_W + 1, c->barw, bar, color_role(c->pal, top ? ROLE_BAR_CHOSEN : ROLE_BAR));
		if (c->raw)
			draw_str_right(c->y, x + LAB_NUM_W + 1 + c->barw + 1, LAB_NUM_W, raw, dim);
	}
	c->y++;
}

/* The group label i's first token went to, when all of it did (the label
 * has no candidate of its own), else NULL. */
static const struct label_group *lab_group_of(const struct label_result *lr, size_t i)
{
	if (lr->row[i].ncand)
		return NULL;
	for (size_t g = 0; g < lr->ngroups; g++)
		if (lr->group[g].mask & (1u << i))
			return &lr->group[g];
	return NULL;
}

/* Whether the rows of a group's labels all point at it ("↓ "b" shared"),
 * so the group needs no line listing them. */
static bool lab_group_named(const struct label_result *lr, size_t g)
{
	for (size_t i = 0; i < lr->n; i++)
		if ((lr->group[g].mask & (1u << i)) && lab_group_of(lr, i) != &lr->group[g])
			return false;
	return true;
}

static int lab_rows_count(const struct label_result *lr)
{
	int rows = (int)lr->n + (int)lr->ngroups;

	for (size_t g = 0; g < lr->ngroups; g++)
		rows += !lab_group_named(lr, g);
	return rows;
}

static void lab_rows(struct lab_ctx *c)
{
	const struct label_result *lr = c->lr;
	char name[LABELS_MAX_LEN * 4], raw[48], pct[32];

	for (size_t i = 0; i < lr->n; i++) {
		const struct label_row *row = &lr->row[i];
		const struct label_group *g = lab_group_of(lr, i);

		lab_escape(row->name, name, sizeof name);
		if (g) {
			lab_row(c, false, name, NAN, NULL, g);
			continue;
		}
		fmt_pct(pct, sizeof pct, lr->unseen);
		if (row->ncand == 0)
			snprintf(raw, sizeof raw, "≤%s", pct);   /* not shown: at most what the API left out */
		else
			fmt_pct(raw, sizeof raw, row->mass);
		lab_row(c, (int)i == lr->top, name, row->prob, raw, NULL);
	}
	for (size_t g = 0; g < lr->ngroups; g++) {
		char starts[LABELS_MAX * LABELS_MAX_LEN];

		lab_group_name(&lr->group[g], name, sizeof name);
		fmt_pct(raw, sizeof raw, lr->group[g].mass);
		lab_row(c, (int)(lr->n + g) == lr->top, name, lr->group[g].prob, raw, NULL);
		if (lab_group_named(lr, g) || !lab_room(c))
			continue;
		labels_entry_name(lr, (int)(lr->n + g), starts, sizeof starts);
		lab_escape(starts, name, sizeof name);
		snprintf(starts, sizeof starts, "  starts %s", name);
		draw_str_ellipsis(c->y++, c->r.x + 1, c->r.w - 1, starts, color_role(c->pal, ROLE_DIM));
	}
}

/* The mass the API did not show, then the note on labels longer than
 * their first token. (The mass on labels is the verdict's "on labels"
 * line.) */
static void lab_totals(struct lab_ctx *c)
{
	const struct label_result *lr = c->lr;
	struct style dim = color_role(c->pal, ROLE_DIM);
	char v[64];
	int lw = 21;

	if (lab_room(c)) {
		draw_str(c->y, c->r.x, lw, "not shown by the API", dim);
		fmt_pct(v, sizeof v, lr->unseen);
		draw_str_ellipsis(c->y++, c->r.x + lw, c->r.w - lw, v, color_role(c->pal, ROLE_TEXT));
	}
	if (lr->first_token_only && lab_room(c))
		c->y += panel_wrap(c->y, c->r.x, c->r.w, c->r.y + c->r.h - c->y, LAB_NOTE, dim, true);
}

static int lab_want(const struct label_result *lr, int w)
{
	if (!lr->valid)
		return 2;
	return 1 + lab_rows_count(lr) + 1 +
	       (lr->first_token_only ? panel_wrap(0, 0, w, RULE_ROWS, LAB_NOTE, (struct style){ 0, 0 }, false) : 0);
}

/* The table's titles for the global set and the answer's own, longest
 * first. */
static const char *const lab_titles[2][3] = {
	{ "labels for all answers", "global labels", "labels" },
	{ "labels of this answer", "own labels", "labels" },
};

/* The title row: which set, its key, and the columns' names over the
 * numbers ("p" normalised, "raw" mass); a shorter title when the long one
 * would reach the "p". */
static void lab_title(struct lab_ctx *c, bool own)
{
	const char *const *titles = lab_titles[own];
	struct style dim = color_role(c->pal, ROLE_DIM);
	int px = lab_num_x(c) + LAB_NUM_W - 1, x = c->r.x;
	const char *t = titles[2];

	for (int i = 0; i < 2; i++) {
		if (c->r.x + draw_width(titles[i]) + 3 <= px) {
			t = titles[i];
			break;
		}
	}
	x += draw_str(c->y, x, c->r.w, t, color_role(c->pal, ROLE_TITLE));
	if (x + 3 <= px)
		draw_str(c->y, x + 1, 1, "L", color_role(c->pal, ROLE_STATUS_KEY));
	draw_str(c->y, px, 1, "p", dim);
	if (c->raw)
		draw_str_right(c->y, lab_num_x(c) + LAB_NUM_W + 1 + c->barw + 1, LAB_NUM_W, "raw", dim);
	c->y++;
}

static int sec_labels(const struct panel_view *pv, struct rect r, const struct palette *pal, enum sec_mode mode)
{
	const struct panel_data *pd = pv->pd;
	struct lab_ctx c = { .lr = &pd->lr, .pal = pal, .r = r, .y = r.y };

	if (pd->lr.n == 0)
		return 0;
	if (mode != SEC_DRAW)
		return lab_want(&pd->lr, r.w);
	if (!pd->lr.valid) {
		verdict_line(r, c.y++, pd->own_labels > 0 ? "labels of this answer" : "labels for all answers", "L",
			     color_role(pal, ROLE_TITLE), pal);
		if (lab_room(&c))
			draw_str(c.y, r.x, r.w, "— no tokens yet", color_role(pal, ROLE_DIM));
		return 2;
	}
	/* the names' column leaves room for the short title ("own labels L")
	 * before the "p" over the probabilities */
	lab_columns(&c, draw_width(lab_titles[pd->own_labels > 0][1]) - 3);
	lab_title(&c, pd->own_labels > 0);
	lab_rows(&c);
	lab_totals(&c);
	return c.y - r.y;
}

typedef int (*section_fn)(const struct panel_view *pv, struct rect r, const struct palette *pal, enum sec_mode mode);

/* The sections in the order they are drawn, and which of them stay when
 * the panel is short (prio, lowest first; the others go to a later page,
 * J/K). */
static const struct {
	section_fn fn;
	int prio;
} sections[] = {
	{ sec_badge, 0 }, { sec_verdict, 1 }, { sec_labels, 2 },
	{ sec_aggregates, 4 }, { sec_spark, 3 }, { sec_meta, 5 },
};
#define NSECTIONS (sizeof sections / sizeof sections[0])
#define PANEL_MAX_COLS 8

/* How a page grows from its sections' smallest heights, step by step while
 * they fit: the big badge (section 0), the blank rows before sections (in
 * this order: before the aggregates, the sparkline, the label table, the
 * facts, the verdict's lines), then all each section wants (the facts'
 * source lines). */
static const int gap_order[] = { 3, 4, 2, 5, 1 };

struct panel_plan {
	const struct panel_view *pv;
	const struct palette *pal;
	int ncols, colw, h;
	int want[NSECTIONS], min[NSECTIONS];
	int page[NSECTIONS];            /* −1: nothing to show */
	int npages;
	int rows[NSECTIONS];            /* the page being laid out: heights, */
	bool gap[NSECTIONS];            /* a blank row before, */
	int y[NSECTIONS], col[NSECTIONS]; /* where (col −1: not on it) */
};

/* Places page p's sections first-fit, in drawing order, into the columns;
 * false when one does not fit. */
static bool plan_fit(struct panel_plan *pl, int p)
{
	int used[PANEL_MAX_COLS] = { 0 };
	bool all = true;

	for (size_t i = 0; i < NSECTIONS; i++) {
		pl->col[i] = -1;
		if (pl->page[i] != p)
			continue;
		for (int c = 0; c < pl->ncols && pl->col[i] < 0; c++) {
			int at = used[c] ? used[c] + pl->gap[i] : 0;

			if (at + pl->rows[i] <= pl->h) {
				pl->col[i] = c;
				pl->y[i] = at;
				used[c] = at + pl->rows[i];
			}
		}
		all = all && pl->col[i] >= 0;
	}
	return all;
}

static void plan_reset(struct panel_plan *pl)
{
	memcpy(pl->rows, pl->min, sizeof pl->rows);
	memset(pl->gap, 0, sizeof pl->gap);
}

/* Which page each section goes on: page 0 takes the sections in order of
 * prio at their smallest heights while they fit (one that does not is
 * tried on the next page), page 1 the rest the same way, and so on. A
 * section too tall for a page alone gets one to itself. */
static void plan_pages(struct panel_plan *pl)
{
	size_t left = 0;

	for (size_t i = 0; i < NSECTIONS; i++) {
		pl->page[i] = pl->want[i] > 0 ? -2 : -1;
		left += pl->want[i] > 0;
	}
	plan_reset(pl);
	for (pl->npages = 0; left > 0; pl->npages++) {
		bool any = false;

		for (int k = 0; k < (int)NSECTIONS; k++) {
			for (size_t i = 0; i < NSECTIONS; i++) {
				if (sections[i].prio != k || pl->page[i] != -2)
					continue;
				pl->page[i] = pl->npages;
				if (any && !plan_fit(pl, pl->npages)) {
					pl->page[i] = -2;
					continue;
				}
				any = true;
				left--;
			}
		}
	}
}

static void plan_try_rows(struct panel_plan *pl, int p, size_t i)
{
	int old = pl->rows[i];

	pl->rows[i] = pl->want[i];
	if (!plan_fit(pl, p))
		pl->rows[i] = old;
}

/* Lays out page p: its sections at their smallest, grown as gap_order
 * says while all fit. */
static void plan_page(struct panel_plan *pl, int p)
{
	plan_reset(pl);
	plan_try_rows(pl, p, 0);
	for (size_t g = 0; g < sizeof gap_order / sizeof gap_order[0]; g++) {
		pl->gap[gap_order[g]] = true;
		if (!plan_fit(pl, p))
			pl->gap[gap_order[g]] = false;
	}
	for (size_t i = 0; i < NSECTIONS; i++)
		plan_try_rows(pl, p, i);
	if (plan_fit(pl, p))
		return;
	/* one section taller than the page: it gets what there is */
	for (size_t i = 0; i < NSECTIONS; i++) {
		if (pl->page[i] == p) {
			pl->col[i] = 0;
			pl->y[i] = 0;
		}
	}
}

static void plan_init(struct panel_plan *pl, const struct panel_view *pv, const struct palette *pal, struct rect r)
{
	struct rect probe;

	*pl = (struct panel_plan){ .pv = pv, .pal = pal, .h = draw_inner(r).h };
	panel_columns(r, pv->side, &pl->ncols, &pl->colw);
	pl->ncols = pl->ncols > PANEL_MAX_COLS ? PANEL_MAX_COLS : pl->ncols;
	probe = (struct rect){ 0, 0, 0, pl->colw };
	for (size_t i = 0; i < NSECTIONS; i++) {
		pl->want[i] = sections[i].fn(pv, probe, pal, SEC_WANT);
		pl->min[i] = pl->want[i] > 0 ? sections[i].fn(pv, probe, pal, SEC_MIN) : 0;
	}
	plan_pages(pl);
	/* the large badge only on a panel of one page with room for it, so a
	 * cramped panel spends no rows on it */
	if (pl->want[0] > pl->min[0]) {
		bool room = false;

		if (pl->npages == 1) {
			plan_reset(pl);
			pl->rows[0] = pl->want[0];
			room = plan_fit(pl, 0);
		}
		if (!room)
			pl->want[0] = pl->min[0];
	}
}

/* "confidence", and on a panel of several pages "confidence 1/2" with the
 * keys that turn them in the top border's right end. */
static void panel_frame(struct rect r, int page, int npages, const struct palette *pal)
{
	char title[64];

	snprintf(title, sizeof title, npages > 1 ? "confidence %d/%d" : "confidence", page + 1, npages);
	draw_box(r, title, color_role(pal, ROLE_BORDER), color_role(pal, ROLE_TITLE));
	if (npages > 1 && r.w >= draw_width(title) + 12)
		draw_str_right(r.y, r.x, r.w - 3, " J/K ", color_role(pal, ROLE_STATUS_KEY));
}

int panel_draw(const struct panel_view *pv, struct rect r, const struct palette *pal)
{
	struct rect in = draw_inner(r);
	struct panel_plan pl;
	int page;

	draw_fill(r, color_role(pal, ROLE_TEXT));
	plan_init(&pl, pv, pal, r);
	page = pv->page < 0 ? 0 : pv->page >= pl.npages ? pl.npages - 1 : pv->page;
	panel_frame(r, page, pl.npages, pal);
	plan_page(&pl, page);
	in.x += 1;
	for (size_t i = 0; i < NSECTIONS; i++) {
		int end = pl.h;

		if (pl.page[i] != page || pl.col[i] < 0)
			continue;
		/* a section may use the rows down to the next one in its column */
		for (size_t j = 0; j < NSECTIONS; j++)
			if (j != i && pl.page[j] == page && pl.col[j] == pl.col[i] && pl.y[j] > pl.y[i] && pl.y[j] < end)
				end = pl.y[j];
		sections[i].fn(pv, (struct rect){ in.y + pl.y[i], in.x + pl.col[i] * (pl.colw + 2), end - pl.y[i], pl.colw },
			       pal, SEC_DRAW);
	}
	return pl.npages;
}

/* What decided, in numbers, for the chip: " first 0.603 < 0.85 ", and for
 * a CLARIFY " margin 0.11 < μ 0.30 ", " on labels 0.104 < 0.50 " or
 * " "b" starts 2 labels ". */
static void chip_rule(const struct panel_data *pd, char *out, size_t outsz)
{
	const struct route_result *rr = &pd->r;
	const struct label_result *lr = &pd->lr;
	char val[32], thr[32], text[LABELS_GROUP_TEXT * 4];
	size_t g = (size_t)lr->top - lr->n;
	int nlab = 0;

	fmt_num(val, sizeof val, rr->value, 3);
	fmt_num(thr, sizeof thr, rr->threshold, 2);
	if (rr->rule == ROUTE_RULE_LABEL_MASS) {
		fmt_num(val, sizeof val, rr->label_mass, 3);
		fmt_num(thr, sizeof thr, rr->min_label_mass, 2);
		snprintf(out, outsz, " on labels %s < %s ", val, thr);
	} else if (rr->rule == ROUTE_RULE_SHARED && lr->top >= 0 && g < lr->ngroups) {
		lab_group_text(&lr->group[g], text, sizeof text);
		for (uint32_t m = lr->group[g].mask; m; m &= m - 1)
			nlab++;
		snprintf(out, outsz, " %s starts %d labels ", text, nlab);
	} else if (rr->rule == ROUTE_RULE_MARGIN) {
		fmt_num(val, sizeof val, rr->margin, 2);
		fmt_num(thr, sizeof thr, rr->min_margin, 2);
		snprintf(out, outsz, " margin %s < μ %s ", val, thr);
	} else {
		snprintf(out, outsz, " %s %s %s %s ", route_stat_name(rr->stat), val,
			 rr->value >= rr->threshold ? "≥" : "<", thr);
	}
}

int panel_draw_chip(const struct panel_data *pd, int y, int x, int maxw, const struct palette *pal, bool draw)
{
	char badge[64], rest[256];
	const char *glyph;
	enum theme_role role = panel_verdict_role(pd->r.verdict, &glyph);
	int used;

	snprintf(badge, sizeof badge, " %s %s ", glyph, route_verdict_name(pd->r.verdict));
	chip_rule(pd, rest, sizeof rest);
	if (!draw)
		return draw_width(badge) + draw_width(rest);
	used = draw_str(y, x, maxw, badge, color_role(pal, role));
	return used + draw_str(y, x + used, maxw - used, rest, color_role(pal, ROLE_STATUS));
}
