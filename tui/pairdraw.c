/* pairdraw.c — drawing the two-pane view (pair.h): each pane's title,
 * badge, facts and tokens (with the compare view's marks), the line under
 * the panes, the inspector, and the cascade's summary or the compare view's
 * list of differences. Reads the state pair.c keeps; changes nothing but
 * where the list's rows went (for clicks). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "src/buf.h"
#include "src/text.h"
#include "tui/app.h"
#include "tui/fmt.h"
#include "tui/inspector.h"

#define PAIRDRAW_NOTE_DIFF 0.01  /* marked in the text: aligned tokens whose p differ by a point or more */
#define PAIRDRAW_LABEL_W 9       /* the summary's row labels */
#define PAIRDRAW_RULE_ROWS 4     /* a stage's rule in words: at most these rows */

struct pairdraw_marks {
	const struct compare_result *cr;
	int side;
};

/* Compare marks: the divergent token (and the first token split
 * differently) and the largest differences (a point or more). */
static unsigned pairdraw_mark(const void *ctx, size_t tok)
{
	const struct pairdraw_marks *m = ctx;
	const struct compare_result *cr = m->cr;
	unsigned f = 0;

	if ((!cr->identical && tok == (m->side ? cr->div_b : cr->div_a)) ||
	    tok == (m->side ? cr->first_mismatch_b : cr->first_mismatch_a))
		f |= TOKVIEW_MARK_DIVERGE;
	for (size_t i = 0; i < cr->ntop; i++)
		if ((m->side ? cr->top[i].b : cr->top[i].a) == tok && fabs(cr->top[i].diff) >= PAIRDRAW_NOTE_DIFF)
			f |= TOKVIEW_MARK_NOTE;
	return f;
}

/* Token bytes made visible (␣ for a space), at most outsz bytes. */
static void pairdraw_token_text(const struct doc *d, size_t i, char *out, size_t outsz)
{
	struct buf b;
	size_t len;
	const uint8_t *p;

	out[0] = '\0';
	if (i >= doc_count(d))
		return;
	p = doc_token_bytes(d, i, &len);
	buf_init(&b, 256);
	if (text_escape(&b, p, len, TEXT_INSPECT) == 0)
		snprintf(out, outsz, "%s", buf_str(&b));
	buf_fini(&b);
}

/* The answer's start made visible, for one line. Each byte escapes to at
 * least one, so 2 * outsz bytes fill out (and a character cut at their
 * end lands past it): the frame escapes no more than it shows. */
static void pairdraw_doc_text(const struct doc *d, char *out, size_t outsz)
{
	struct buf b;
	size_t len;
	const uint8_t *p = doc_text(d, &len);

	out[0] = '\0';
	buf_init(&b, 1u << 16);
	if (text_escape(&b, p, len < 2 * outsz ? len : 2 * outsz, TEXT_INSPECT) == 0)
		snprintf(out, outsz, "%s", buf_str(&b));
	buf_fini(&b);
}

static bool pairdraw_live(struct app *a, int s)
{
	struct answer *an = pair_side(a, s);
	const struct cascade_stage *st;

	if (an)
		return an->live;
	if (a->pair.kind != PAIR_CASCADE)
		return false;
	st = cascade_stage(a->pair.esc->c, s ? CASCADE_STRONG : CASCADE_CHEAP);
	return st->started && !st->done;
}

/* Whether side s is the cascade's final answer (once nothing runs). */
static bool pairdraw_final(const struct app *a, int s)
{
	const struct cascade *c = a->pair.kind == PAIR_CASCADE ? a->pair.esc->c : NULL;

	return c && cascade_state(c) == CASCADE_IDLE && (int)cascade_final(c) == s;
}

/* "▸ ★ final · strong · MODEL"; with one pane shown, what v shows:
 * " · v: cheap ▲ ESCALATE". */
static void pairdraw_title(struct app *a, int s, char *out, size_t outsz)
{
	const struct pair *p = &a->pair;
	const char *model = doc_meta(p->doc[s], DOC_META_MODEL), *glyph = "";
	char other[320] = "";

	if (!p->two) {
		if (p->j[!s].valid)
			panel_verdict_role(p->j[!s].r.verdict, &glyph);
		snprintf(other, sizeof other, " · v: %s%s %s%s%s", p->kind == PAIR_COMPARE ? (s ? "A " : "B ") : "",
			 p->name[!s], glyph, *glyph ? " " : "", p->j[!s].valid ? route_verdict_name(p->j[!s].r.verdict) : "");
	}
	snprintf(out, outsz, "%s%s%s%s%s%s%s", p->two && s == p->focus ? "▸ " : "", pairdraw_final(a, s) ? "★ final · " : "",
		 p->kind == PAIR_COMPARE ? (s ? "B · " : "A · ") : "", p->name[s], model ? " · " : "",
		 model ? model : "", other);
}

/* The cascade stage of side s when its request failed (no verdict to
 * show: an error is not one), else NULL. */
static const struct ts_err *pairdraw_failure(const struct app *a, int s)
{
	const struct cascade_stage *st;

	if (a->pair.kind != PAIR_CASCADE)
		return NULL;
	st = cascade_stage(a->pair.esc->c, s ? CASCADE_STRONG : CASCADE_CHEAP);
	if (!st->done || st->err.code == TS_OK || st->err.code == TS_ENOLOGPROBS || st->err.code == TS_ECANCEL)
		return NULL;
	return &st->err;
}

/* " ▲ ESCALATE " then "first 0.603 < τ 0.85 · spam by 0.23". */
static void pairdraw_chip(struct app *a, int s, int y, int x, int w)
{
	const struct pair_judged *j = &a->pair.j[s];
	const struct ts_err *failed = pairdraw_failure(a, s);
	char badge[64], rest[256], val[32], thr[32], top[LABELS_MAX_LEN + 8] = "", mg[32];
	const char *glyph;
	enum theme_role role;
	int used;

	if (failed) {
		used = draw_str(y, x, w, " ✖ FAILED ", color_role(&a->pal, ROLE_ERROR));
		draw_str_ellipsis(y, x + used, w - used, ts_strerror(failed->code), color_role(&a->pal, ROLE_TEXT));
		return;
	}
	if (!j->valid) {
		draw_str(y, x, w, "not asked", color_role(&a->pal, ROLE_DIM));
		return;
	}
	role = panel_verdict_role(j->r.verdict, &glyph);
	fmt_num(val, sizeof val, j->r.value, 3);
	fmt_num(thr, sizeof thr, j->r.threshold, 2);
	snprintf(badge, sizeof badge, " %s %s ", glyph, route_verdict_name(j->r.verdict));
	if (j->r.labelled && j->lr.valid) {
		labels_entry_name(&j->lr, j->lr.top, top, sizeof top);
		fmt_num(mg, sizeof mg, j->lr.margin, 2);
		snprintf(top + strlen(top), sizeof top - strlen(top), " by %s", mg);
	}
	snprintf(rest, sizeof rest, " %s %s %s τ %s%s%s%s", route_stat_name(j->r.stat), val,
		 isnan(j->r.value) ? "vs" : j->r.value >= j->r.threshold ? "≥" : "<", thr, top[0] ? " · " : "", top,
		 pairdraw_live(a, s) ? " (so far)" : "");
	used = draw_str(y, x, w, badge, color_role(&a->pal, role));
	draw_str_ellipsis(y, x + used, w - used, rest, color_role(&a->pal, ROLE_TEXT));
}

/* "4 tokens · ttft 12 ms · 45 ms in all" (times the answer does not know
 * are left out). */
static void pairdraw_facts(struct app *a, int s, char *out, size_t outsz)
{
	const struct doc *d = a->pair.doc[s];
	const struct doc_info *in = doc_info_c(d);
	size_t n = doc_count(d), o;
	char ms[32];

	o = (size_t)snprintf(out, outsz, "%zu token%s%s", n, n == 1 ? "" : "s",
			     in->incomplete ? " (incomplete)" : pairdraw_live(a, s) ? " so far" : "");
	if (in->ttft_ms >= 0 && o < outsz) {
		fmt_ms(ms, sizeof ms, in->ttft_ms);
		o += (size_t)snprintf(out + o, outsz - o, " · ttft %s", ms);
	}
	if (in->total_ms >= 0 && o < outsz) {
		fmt_ms(ms, sizeof ms, in->total_ms);
		snprintf(out + o, outsz - o, " · %s in all", ms);
	}
}

/* An answer not listed yet: waiting, or why it never came. */
static void pairdraw_placeholder(struct app *a, int s, struct rect t)
{
	const struct cascade_stage *st;

	if (a->pair.kind != PAIR_CASCADE)
		return;
	st = cascade_stage(a->pair.esc->c, s ? CASCADE_STRONG : CASCADE_CHEAP);
	if (st->done && st->err.code)
		draw_str_ellipsis(t.y, t.x, t.w, ts_err_msg(&st->err), color_role(&a->pal, ROLE_ERROR));
	else
		draw_str(t.y, t.x, t.w, st->started ? "waiting for the first token…" : "(not asked)",
			 color_role(&a->pal, ROLE_DIM));
}

/* A ◆ right of the lines holding a divergent token. */
static void pairdraw_diverge_glyphs(struct app *a, int s, const struct answer *an, struct rect t)
{
	const struct compare_result *cr = &a->pair.cr;
	size_t toks[2] = { s ? cr->div_b : cr->div_a, s ? cr->first_mismatch_b : cr->first_mismatch_a };

	for (int i = 0; i < 2; i++) {
		size_t line;

		if (toks[i] >= doc_count(an->doc) || (i == 0 && cr->identical))
			continue;
		line = wrap_line_of(&an->wrap, an->doc, toks[i]);
		if (line >= an->top && line < an->top + (size_t)t.h)
			draw_str(t.y + (int)(line - an->top), t.x + t.w, 1, "◆", color_role(&a->pal, ROLE_MARK));
	}
}

static void pairdraw_pane(struct app *a, int s)
{
	struct pair *p = &a->pair;
	struct rect box = p->pane[s], t = p->text[s];
	struct answer *an = pair_side(a, s);
	struct tokview_opts to = a->to;
	struct pairdraw_marks pm = { &p->cr, s };
	char title[600], line[256];
	size_t lines;

	draw_fill(box, color_role(&a->pal, ROLE_TEXT));
	pairdraw_title(a, s, title, sizeof title);
	draw_box(box, title, color_role(&a->pal, ROLE_BORDER),
		 color_role(&a->pal, s == p->focus ? ROLE_TITLE : ROLE_DIM));
	if (t.h < 1 || t.w < 4)
		return;
	pairdraw_chip(a, s, box.y + 1, box.x + 2, box.w - 4);
	pairdraw_facts(a, s, line, sizeof line);
	draw_str_ellipsis(box.y + 2, box.x + 2, box.w - 4, line, color_role(&a->pal, ROLE_DIM));
	if (!an) {
		pairdraw_placeholder(a, s, t);
		return;
	}
	if (p->kind == PAIR_COMPARE) {
		to.marks = pairdraw_mark;
		to.marks_ctx = &pm;
	}
	tokview_draw(an, t, &to, &a->pal, an->live);
	if (p->kind == PAIR_COMPARE)
		pairdraw_diverge_glyphs(a, s, an, t);
	lines = wrap_count(&an->wrap);
	if (lines > (size_t)t.h) {
		snprintf(line, sizeof line, " lines %zu–%zu of %zu ", an->top + 1,
			 an->top + (size_t)t.h < lines ? an->top + (size_t)t.h : lines, lines);
		draw_str_right(box.y + box.h - 1, box.x + 2, box.w - 4, line, color_role(&a->pal, ROLE_DIM));
	}
}

/* "first divergence at byte 0: A #1 "s" 60.3% (B: 0.12%) · B #1 "w" 98.8% (A: 37.5%)" */
static void pairdraw_divergence(const struct pair *p, char *out, size_t outsz)
{
	const struct compare_result *cr = &p->cr;
	char ta[96], tb[96], pa[32], pb[32], pab[32], pba[32];
	size_t len;

	if (cr->identical) {
		doc_text(p->doc[0], &len);
		fmt_num(pa, sizeof pa, cr->max_abs_diff, 3);
		snprintf(out, outsz, "the texts are identical (%zu bytes) · largest |Δp| %s over %zu aligned tokens",
			 len, pa, cr->npairs);
		return;
	}
	pairdraw_token_text(p->doc[0], cr->div_a, ta, sizeof ta);
	pairdraw_token_text(p->doc[1], cr->div_b, tb, sizeof tb);
	fmt_pct(pa, sizeof pa, cr->div_pa);
	fmt_pct(pb, sizeof pb, cr->div_pb);
	fmt_pct(pab, sizeof pab, cr->div_pa_of_b);
	fmt_pct(pba, sizeof pba, cr->div_pb_of_a);
	snprintf(out, outsz, "diverge at byte %zu, %zu tokens aligned before · A #%zu \"%s\" %s (B: %s) · "
		 "B #%zu \"%s\" %s (A: %s)", cr->common, cr->npairs, cr->div_a + 1, ta, pa, pba, cr->div_b + 1, tb,
		 pb, pab);
}

static void pairdraw_info(struct app *a)
{
	struct pair *p = &a->pair;
	struct rect r = p->info;
	char line[700], why[256];
	int x;

	draw_fill(r, color_role(&a->pal, ROLE_TEXT));
	if (p->kind == PAIR_COMPARE) {
		x = draw_str(r.y, r.x + 1, r.w - 1, "◆ ", color_role(&a->pal, ROLE_MARK));
		pairdraw_divergence(p, line, sizeof line);
	} else {
		x = draw_str(r.y, r.x + 1, r.w - 1, "why ", color_role(&a->pal, ROLE_DIM));
		snprintf(line, sizeof line, "%s", cascade_why(p->esc->c, why, sizeof why));
	}
	draw_str_ellipsis(r.y, r.x + 1 + x, r.w - 2 - x, line, color_role(&a->pal, ROLE_TEXT));
}

/* One stage in the cascade summary: badge, model, the rule in words. */
static int pairdraw_stage_rows(struct app *a, int s, struct rect in, int y)
{
	const struct cascade_stage *st = cascade_stage(a->pair.esc->c, s ? CASCADE_STRONG : CASCADE_CHEAP);
	const struct pair_judged *j = &a->pair.j[s];
	const struct ts_err *failed = pairdraw_failure(a, s);
	const char *model = doc_meta(a->pair.doc[s], DOC_META_MODEL), *glyph;
	char head[160], explain[512];
	enum theme_role role;
	int w, room = in.y + in.h - (y + 1);

	room = room < PAIRDRAW_RULE_ROWS ? room : PAIRDRAW_RULE_ROWS;
	draw_str(y, in.x, PAIRDRAW_LABEL_W, s ? "strong" : "cheap", color_role(&a->pal, ROLE_DIM));
	if (failed)
		return panel_wrap(y, in.x + PAIRDRAW_LABEL_W, in.w - PAIRDRAW_LABEL_W, 1 + room, ts_err_msg(failed),
				  color_role(&a->pal, ROLE_ERROR), true);
	if (!j->valid) {
		draw_str(y, in.x + PAIRDRAW_LABEL_W, in.w - PAIRDRAW_LABEL_W, "not asked (E asks)", color_role(&a->pal, ROLE_DIM));
		return 1;
	}
	role = panel_verdict_role(j->r.verdict, &glyph);
	snprintf(head, sizeof head, " %s %s ", glyph, route_verdict_name(j->r.verdict));
	w = draw_str(y, in.x + PAIRDRAW_LABEL_W - 1, in.w - PAIRDRAW_LABEL_W + 1, head, color_role(&a->pal, role));
	snprintf(head, sizeof head, " %s%s", model ? model : "", st->done ? "" : " (so far)");
	draw_str_ellipsis(y, in.x + PAIRDRAW_LABEL_W - 1 + w, in.w - PAIRDRAW_LABEL_W + 1 - w, head, color_role(&a->pal, ROLE_TEXT));
	route_explain(&j->r, j->r.labelled ? &j->lr : NULL, explain, sizeof explain);
	return 1 + panel_wrap(y + 1, in.x + PAIRDRAW_LABEL_W, in.w - PAIRDRAW_LABEL_W, room, explain,
				      color_role(&a->pal, ROLE_TEXT), true);
}

static void pairdraw_summary(struct app *a, struct rect box)
{
	struct rect in = draw_inner(box);
	const struct cascade *c = a->pair.esc->c;
	int y, s = cascade_final(c);
	char line[300], text[160];

	draw_fill(box, color_role(&a->pal, ROLE_TEXT));
	draw_box(box, cascade_is_recorded(c) ? "cascade · recorded" : "cascade", color_role(&a->pal, ROLE_BORDER),
		 color_role(&a->pal, ROLE_TITLE));
	in.x += 1;
	in.w -= 2;
	if (in.w < 16 || in.h < 1)
		return;
	y = in.y + pairdraw_stage_rows(a, 0, in, in.y);
	if (y < in.y + in.h)
		y += pairdraw_stage_rows(a, 1, in, y);
	pairdraw_doc_text(a->pair.doc[s], text, sizeof text);
	if (cascade_state(c) == CASCADE_IDLE)
		snprintf(line, sizeof line, "★ %s: \"%s\"", s ? "strong" : "cheap", text);
	else
		snprintf(line, sizeof line, "(the strong answer is arriving)");
	if (y < in.y + in.h) {
		draw_str(y, in.x, PAIRDRAW_LABEL_W, "final", color_role(&a->pal, ROLE_DIM));
		draw_str_ellipsis(y++, in.x + PAIRDRAW_LABEL_W, in.w - PAIRDRAW_LABEL_W, line, color_role(&a->pal, ROLE_MARK));
	}
	/* a recorded cascade says where its answers came from instead: auto-
	 * escalation does not apply to it */
	if (cascade_is_recorded(c)) {
		if (y < in.y + in.h) {
			draw_str(y, in.x, PAIRDRAW_LABEL_W, "recorded", color_role(&a->pal, ROLE_DIM));
			draw_str_ellipsis(y, in.x + PAIRDRAW_LABEL_W, in.w - PAIRDRAW_LABEL_W, "nothing sent · E again: live",
					  color_role(&a->pal, ROLE_TEXT));
		}
		return;
	}
	snprintf(line, sizeof line, "%s", a->auto_esc ? "on: ESCALATE answers go by themselves (A: off)"
		 : "off (A: escalate ESCALATE answers by themselves)");
	if (y < in.y + in.h) {
		draw_str(y, in.x, PAIRDRAW_LABEL_W, "auto", color_role(&a->pal, ROLE_DIM));
		draw_str_ellipsis(y, in.x + PAIRDRAW_LABEL_W, in.w - PAIRDRAW_LABEL_W, line, color_role(&a->pal, ROLE_TEXT));
	}
}

/* One row of the compare list. */
static void pairdraw_list_row(struct app *a, const struct compare_pair *cp, int y, struct rect in, bool sel)
{
	char pa[32], pb[32], d[32], tok[96], line[256];

	fmt_pct(pa, sizeof pa, cp->pa);
	fmt_pct(pb, sizeof pb, cp->pb);
	fmt_signed(d, sizeof d, cp->diff, 3);
	pairdraw_token_text(a->pair.doc[0], cp->a, tok, sizeof tok);
	snprintf(line, sizeof line, "%5zu %5zu %7s %7s %7s  %s", cp->a + 1, cp->b + 1, pa, pb, d, tok);
	draw_str_ellipsis(y, in.x, in.w, line, color_role(&a->pal, sel ? ROLE_SELECTED : ROLE_TEXT));
}

static void pairdraw_list(struct app *a, struct rect box)
{
	struct pair *p = &a->pair;
	const struct compare_result *cr = &p->cr;
	struct answer *an = pair_side(a, 0);
	struct rect in = draw_inner(box);
	char line[160], mx[32], mean[32];
	size_t i;

	draw_fill(box, color_role(&a->pal, ROLE_TEXT));
	draw_box(box, "where p differs most", color_role(&a->pal, ROLE_BORDER), color_role(&a->pal, ROLE_TITLE));
	in.x += 1;
	in.w -= 2;
	p->list_y = -1;
	p->list_n = 0;
	if (in.h < 2 || in.w < 10)
		return;
	if (cr->npairs == 0) {
		panel_wrap(in.y, in.x, in.w, in.h, "no aligned tokens: the texts differ from the first byte",
			   color_role(&a->pal, ROLE_DIM), true);
		return;
	}
	draw_str(in.y, in.x, in.w, "   A#    B#      pA      pB      Δp  token", color_role(&a->pal, ROLE_DIM));
	p->list_y = in.y + 1;
	for (i = 0; i < cr->ntop && (int)i < in.h - 2; i++)
		pairdraw_list_row(a, &cr->top[i], p->list_y + (int)i, in, an && an->sel == cr->top[i].a);
	p->list_n = i;
	fmt_num(mx, sizeof mx, cr->max_abs_diff, 3);
	fmt_num(mean, sizeof mean, cr->mean_abs_diff, 3);
	snprintf(line, sizeof line, "|Δp| largest %s, mean %s over %zu aligned tokens", mx, mean, cr->npairs);
	draw_str_ellipsis(p->list_y + (int)i, in.x, in.w, line, color_role(&a->pal, ROLE_DIM));
}

static void pairdraw_lower(struct app *a)
{
	struct pair *p = &a->pair;
	struct answer *an = pair_answer(a);

	if (p->has_insp && an) {
		inspector_draw(an->doc, an->sel, p->insp, &a->pal);
	} else if (p->has_insp) {
		draw_fill(p->insp, color_role(&a->pal, ROLE_TEXT));
		draw_box(p->insp, "token", color_role(&a->pal, ROLE_BORDER), color_role(&a->pal, ROLE_TITLE));
		draw_str(p->insp.y + 1, p->insp.x + 2, p->insp.w - 4, "no token yet", color_role(&a->pal, ROLE_DIM));
	}
	if (p->has_box && p->kind == PAIR_CASCADE)
		pairdraw_summary(a, p->box);
	else if (p->has_box)
		pairdraw_list(a, p->box);
}

void pairdraw_paint(struct app *a)
{
	for (int s = 0; s < 2; s++)
		if (a->pair.two || s == a->pair.focus)
			pairdraw_pane(a, s);
	pairdraw_info(a);
	pairdraw_lower(a);
}
