#include "src/print.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/buf.h"
#include "src/text.h"

void printer_init(struct printer *pr, FILE *out, const struct theme *t, enum color_depth depth,
		  bool sgr, double tok_threshold)
{
	*pr = (struct printer){
		.out = out,
		.theme = t,
		.depth = depth,
		.sgr = sgr,
		.tok_threshold = tok_threshold,
	};
}

static void printer_style(struct printer *pr, enum theme_role role, unsigned extra_attrs)
{
	struct theme_style st = pr->theme->style[role];
	char seq[96];
	size_t n;

	if (!pr->sgr)
		return;
	st.attrs |= extra_attrs;
	n = theme_sgr(&st, pr->depth, seq, sizeof seq);
	fwrite(seq, 1, n, pr->out);
}

static void printer_reset(struct printer *pr)
{
	if (pr->sgr)
		fputs("\033[0m", pr->out);
}

/* Length of the incomplete UTF-8 prefix at the end of p[0..n): bytes that
 * could still become a character when more arrive. 0 when none. */
static size_t incomplete_tail(const uint8_t *p, size_t n)
{
	for (size_t back = 1; back <= 3 && back <= n; back++) {
		uint8_t c = p[n - back];
		size_t need;

		if ((c & 0xC0) == 0x80)
			continue;
		need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
		return need > back ? back : 0;
	}
	return 0;
}

static void printer_write(struct printer *pr, const uint8_t *p, size_t n)
{
	struct buf b;

	buf_init(&b, 0);
	if (text_escape(&b, p, n, TEXT_FLOW) == 0)
		fwrite(buf_str(&b), 1, b.len, pr->out);
	buf_fini(&b);
}

/* Writes what is held back of a character never completed, as <XX> bytes. */
static void printer_pending(struct printer *pr)
{
	if (!pr->npending)
		return;
	printer_style(pr, ROLE_GLYPH, 0);
	printer_write(pr, pr->pending, pr->npending);
	printer_reset(pr);
	pr->npending = 0;
}

/* A token the API named by its id (vLLM's "token_id:123", doc.h): its
 * glyph "⟨123⟩" in its probability's colour, as the explorer shows it. */
static bool printer_id_token(struct printer *pr, const struct doc *d, size_t i)
{
	double p = exp(doc_token(d, i)->logprob);
	char glyph[32];
	long id;

	if (!doc_token_is_id(d, i, &id))
		return false;
	printer_pending(pr);
	text_id_glyph(id, glyph, sizeof glyph);
	printer_style(pr, theme_bucket(p), p < pr->tok_threshold ? ATTR_UNDERLINE : 0);
	fputs(glyph, pr->out);
	printer_reset(pr);
	return true;
}

static void printer_token(struct printer *pr, const struct doc *d, size_t i)
{
	const struct doc_token *t = doc_token(d, i);
	double p = exp(t->logprob);
	uint8_t tmp[4 + DOC_MAX_TOKEN_LEN];
	size_t len, n = 0, tail;
	const uint8_t *bytes = doc_token_bytes(d, i, &len);

	if (len == 0)  /* an end-of-sequence token: nothing to show */
		return;
	if (printer_id_token(pr, d, i))
		return;
	memcpy(tmp, pr->pending, pr->npending);
	n = pr->npending;
	memcpy(tmp + n, bytes, len);
	n += len;
	tail = incomplete_tail(tmp, n);
	/* A completed character is coloured as the token that started it. */
	if (pr->npending && n - tail > 0) {
		const struct doc_token *s = doc_token(d, pr->pending_tok);
		double ps = exp(s->logprob);

		printer_style(pr, theme_bucket(ps), ps < pr->tok_threshold ? ATTR_UNDERLINE : 0);
	} else {
		printer_style(pr, theme_bucket(p), p < pr->tok_threshold ? ATTR_UNDERLINE : 0);
	}
	printer_write(pr, tmp, n - tail);
	printer_reset(pr);
	if (!pr->npending || tail == 0 || n - tail > 0)
		pr->pending_tok = i;
	memcpy(pr->pending, tmp + n - tail, tail);
	pr->npending = tail;
}

void printer_flush_tokens(struct printer *pr, const struct doc *d, bool final)
{
	size_t plen;
	const uint8_t *plain;

	for (; pr->printed < doc_count(d); pr->printed++)
		printer_token(pr, d, pr->printed);
	if (final) {
		printer_pending(pr);
		plain = doc_plain(d, &plen);
		if (doc_count(d) == 0 && plen)
			printer_write(pr, plain, plen);
		if (doc_count(d) || plen)
			fputc('\n', pr->out);
	}
	fflush(pr->out);
}

static void printer_label(struct printer *pr, const char *label)
{
	printer_style(pr, ROLE_DIM, 0);
	fprintf(pr->out, "  %-25s", label);
	printer_reset(pr);
}

static void printer_prob_line(struct printer *pr, const char *label, double v)
{
	printer_label(pr, label);
	if (isnan(v)) {
		fputs("—\n", pr->out);
		return;
	}
	printer_style(pr, theme_bucket(v), 0);
	fprintf(pr->out, "%.7g", v);
	printer_reset(pr);
	fprintf(pr->out, "  (%.2f%%)\n", v * 100);
}

/* Token i quoted, whitespace visible ("␣the"); one named by its id as
 * ⟨123⟩, unquoted. */
static void printer_token_quoted(struct printer *pr, const struct doc *d, size_t i)
{
	struct buf b;
	size_t len;
	const uint8_t *bytes = doc_token_bytes(d, i, &len);
	char glyph[32];
	long id;

	if (doc_token_is_id(d, i, &id)) {
		text_id_glyph(id, glyph, sizeof glyph);
		fputs(glyph, pr->out);
		return;
	}
	buf_init(&b, 0);
	text_escape(&b, bytes, len, TEXT_INSPECT);
	fprintf(pr->out, "\"%s\"", buf_str(&b));
	buf_fini(&b);
}

static void printer_min_line(struct printer *pr, const struct doc *d, const struct answer_metrics *m)
{
	printer_prob_line(pr, "minimum probability", m->min_p);
	if (m->n == 0)
		return;
	printer_label(pr, "  at token");
	fprintf(pr->out, "#%zu ", m->min_index + 1);   /* counted from 1, as in the explorer */
	printer_token_quoted(pr, d, m->min_index);
	fputc('\n', pr->out);
}

static void printer_usage_line(struct printer *pr, const struct doc *d)
{
	const struct doc_usage *u = doc_usage_c(d);
	const char *finish = doc_meta(d, DOC_META_FINISH);
	const struct doc_info *info = doc_info_c(d);

	printer_label(pr, "finish");
	fprintf(pr->out, "%s%s", finish ? finish : "—", info->incomplete ? " (incomplete)" : "");
	if (u->completion_tokens >= 0)
		fprintf(pr->out, "   usage: %lld prompt + %lld completion tokens",
			(long long)u->prompt_tokens, (long long)u->completion_tokens);
	if (info->ttft_ms >= 0)
		fprintf(pr->out, "   first token after %.0f ms", info->ttft_ms);
	fputc('\n', pr->out);
}

/* What the numbers are, when not the usual: probabilities after sampling
 * (another distribution than the model's), bytes taken from token text. */
static void printer_shape_line(struct printer *pr, const struct doc *d)
{
	size_t derived = 0, ids = 0;
	long id;

	for (size_t i = 0; i < doc_count(d); i++) {
		derived += (doc_token(d, i)->flags & DOC_TOK_BYTES_DERIVED) != 0;
		ids += doc_token_is_id(d, i, &id);
	}
	if (doc_info_c(d)->post_sampling) {
		printer_label(pr, "distribution");
		fputs("after sampling (top-k/top-p/temperature applied), not the model's raw one\n", pr->out);
	}
	if (derived > ids) {
		printer_label(pr, "token bytes");
		fprintf(pr->out, "taken from the token text for %zu of %zu tokens (the API sent none)\n",
			derived - ids, doc_count(d));
	}
	if (ids) {
		printer_label(pr, "token ids");
		fprintf(pr->out, "%zu of %zu tokens are ids (token_id:N), shown as ⟨N⟩: their text is unknown\n", ids,
			doc_count(d));
	}
}

static void printer_source_line(struct printer *pr, const struct doc *d)
{
	const char *model = doc_meta(d, DOC_META_MODEL), *ep = doc_meta(d, DOC_META_ENDPOINT);
	const char *prov = doc_meta(d, DOC_META_PROVENANCE);

	printer_label(pr, "model");
	fprintf(pr->out, "%s%s%s\n", model ? model : "—", ep ? " at " : "", ep ? ep : "");
	if (prov) {
		printer_label(pr, "source");
		fprintf(pr->out, "%s\n", prov);
	}
	printer_shape_line(pr, d);
}

static enum theme_role verdict_role(enum route_verdict v)
{
	return v == VERDICT_ACCEPT ? ROLE_ACCEPT : v == VERDICT_CLARIFY ? ROLE_CLARIFY : ROLE_ESCALATE;
}

static void printer_badge(struct printer *pr, enum route_verdict v)
{
	printer_style(pr, verdict_role(v), ATTR_BOLD);
	fprintf(pr->out, " %s ", route_verdict_name(v));
	printer_reset(pr);
}

static void printer_verdict(struct printer *pr, const struct label_result *lr, const struct route_result *r)
{
	char why[768];

	printer_label(pr, "verdict");
	printer_badge(pr, r->verdict);
	fprintf(pr->out, "  %s\n", route_explain(r, lr, why, sizeof why));
	printer_label(pr, "rule");
	fprintf(pr->out, "%s: %s%s\n", route_rule_name(r->rule), route_rule_label(r->rule),
		r->labelled ? "" : " (no labels: two-way verdict)");
}

void printer_summary_labels(struct printer *pr, const struct doc *d, const struct answer_metrics *m,
			    const struct label_result *lr, const struct route_result *r)
{
	char label[64];

	printer_heading(pr, "confidence");
	printer_label(pr, "tokens");
	fprintf(pr->out, "%zu", m->n);
	if (m->n_clamped)
		fprintf(pr->out, "  (%zu with a sentinel logprob, clamped to %.0f)", m->n_clamped, DOC_LOGPROB_FLOOR);
	fputc('\n', pr->out);
	printer_prob_line(pr, "first-token probability", m->first_p);
	printer_label(pr, "sum of logprobs");
	fprintf(pr->out, "%.7g\n", m->sum_logprob);
	printer_label(pr, "mean logprob");
	fprintf(pr->out, "%.7g\n", m->mean_logprob);
	printer_prob_line(pr, "geometric-mean prob.", m->geo_mean_p);
	printer_label(pr, "perplexity");
	fprintf(pr->out, "%.7g\n", m->perplexity);
	printer_prob_line(pr, "mean probability", m->mean_p);
	printer_min_line(pr, d, m);
	snprintf(label, sizeof label, "%g%% quantile prob.", m->quantile * 100);
	printer_prob_line(pr, label, m->quantile_p);
	snprintf(label, sizeof label, "below p %.2f", m->tok_threshold);
	printer_label(pr, label);
	fprintf(pr->out, "%zu of %zu (%.1f%%)\n", m->n_below, m->n, m->n ? m->share_below * 100 : 0.0);
	printer_label(pr, "mean entropy (nats)");
	if (m->n)
		fprintf(pr->out, "%.7g – %.7g (bounds from the top k)\n", m->mean_h_lo, m->mean_h_hi);
	else
		fputs("—\n", pr->out);
	printer_usage_line(pr, d);
	printer_source_line(pr, d);
	printer_labels(pr, lr);
	if (lr && lr->n)
		printer_heading(pr, "verdict");
	printer_verdict(pr, lr, r);
	fflush(pr->out);
}

static int json_num(struct buf *out, const char *key, double v, bool comma)
{
	if (isnan(v) || isinf(v))
		return buf_printf(out, "\"%s\":null%s", key, comma ? "," : "");
	return buf_printf(out, "\"%s\":%.17g%s", key, v, comma ? "," : "");
}

static int summary_json_fields(struct buf *out, const struct answer_metrics *m, const struct route_result *r)
{
	const struct { const char *key; double v; } nums[] = {
		{ "tokens", (double)m->n }, { "clamped", (double)m->n_clamped },
		{ "sum_logprob", m->sum_logprob }, { "mean_logprob", m->mean_logprob },
		{ "geo_mean_p", m->geo_mean_p }, { "perplexity", m->perplexity }, { "mean_p", m->mean_p },
		{ "min_p", m->min_p }, { "min_index", m->n ? (double)m->min_index : NAN },
		{ "quantile", m->quantile }, { "quantile_p", m->quantile_p }, { "first_p", m->first_p },
		{ "tok_threshold", m->tok_threshold }, { "below", (double)m->n_below },
		{ "share_below", m->share_below }, { "mean_entropy_lo", m->mean_h_lo },
		{ "mean_entropy_hi", m->mean_h_hi }, { "threshold", r->threshold },
		{ "value", r->value }, { "distance", r->distance },
	};
	int rc = buf_putc(out, '{');

	for (size_t i = 0; i < sizeof nums / sizeof nums[0] && !rc; i++)
		rc = json_num(out, nums[i].key, nums[i].v, true);
	if (!rc)
		rc = buf_printf(out, "\"stat\":\"%s\",\"verdict\":\"%s\"", route_stat_name(r->stat),
				route_verdict_name(r->verdict));
	return rc;
}

/* ---- labels ---- */

#define BAR_CELLS 20

/* A bar of v in [0,1] over BAR_CELLS cells, in eighths. */
static void printer_bar(struct printer *pr, double v, bool top)
{
	static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	long units = isnan(v) ? 0 : lround(v * BAR_CELLS * 8);

	units = units < 0 ? 0 : units > BAR_CELLS * 8 ? BAR_CELLS * 8 : units;
	printer_style(pr, top ? ROLE_BAR_CHOSEN : ROLE_BAR, 0);
	for (long i = 0; i < units / 8; i++)
		fputs("█", pr->out);
	fputs(eighths[units % 8], pr->out);
	printer_reset(pr);
}

/* A name from the user or the model, made safe and cut to fit a column. */
static void printer_name(struct printer *pr, const char *name, int width)
{
	struct buf b;

	buf_init(&b, 0);
	text_escape(&b, (const uint8_t *)name, strlen(name), TEXT_FLOW);
	fprintf(pr->out, "  %-*s", width, buf_str(&b));
	buf_fini(&b);
}

static void printer_label_row(struct printer *pr, const char *name, double mass, double prob, bool top,
			      const char *note)
{
	printer_name(pr, name, 23);
	fprintf(pr->out, "  %-9.4g %-9.4g ", mass, prob);
	printer_bar(pr, prob, top);
	fprintf(pr->out, "%s%s\n", note[0] ? "  " : "", note);
}

static bool label_in_group(const struct label_result *lr, size_t i)
{
	for (size_t g = 0; g < lr->ngroups; g++)
		if (lr->group[g].mask & (1u << i))
			return true;
	return false;
}

static void printer_label_rows(struct printer *pr, const struct label_result *lr)
{
	char name[512], note[96];

	for (size_t i = 0; i < lr->n; i++) {
		const struct label_row *row = &lr->row[i];

		if (row->ncand == 0 && label_in_group(lr, i))
			snprintf(note, sizeof note, "its first token is shared: see below");
		else if (row->ncand == 0)
			snprintf(note, sizeof note, "not among the shown alternatives (at most %.4g)", lr->unseen);
		else
			snprintf(note, sizeof note, "%s", (int)i == lr->top ? "◀ top" : "");
		printer_label_row(pr, row->name, row->mass, row->prob, (int)i == lr->top, note);
	}
	for (size_t g = 0; g < lr->ngroups; g++) {
		const struct label_group *gr = &lr->group[g];
		char title[LABELS_GROUP_TEXT + 16], why[600];

		labels_entry_name(lr, (int)(lr->n + g), name, sizeof name);
		snprintf(title, sizeof title, "shared \"%s\"", gr->text);
		snprintf(why, sizeof why, "starts %s: given to neither", name);
		printer_label_row(pr, title, gr->mass, gr->prob, (int)(lr->n + g) == lr->top, why);
	}
}

void printer_labels(struct printer *pr, const struct label_result *lr)
{
	char a[256], b[256];

	if (!lr || lr->n == 0)
		return;
	printer_heading(pr, "labels (from the first token)");
	if (!lr->valid) {
		printer_label(pr, "labels");
		fputs("— (no tokens)\n", pr->out);
		return;
	}
	printer_style(pr, ROLE_DIM, 0);
	fprintf(pr->out, "  %-23s  %-9s %-9s\n", "label", "raw mass", "normalised");
	printer_reset(pr);
	printer_label_rows(pr, lr);
	printer_label(pr, "mass on labels");
	fprintf(pr->out, "%.4g (shared %.4g)   off labels %.4g   not shown %.4g (1 − Σ shown)\n",
		lr->on_labels, lr->shared_mass, lr->off_labels, lr->unseen);
	printer_label(pr, "margin");
	if (isnan(lr->margin))
		fputs("— (no mass on labels)\n", pr->out);
	else
		fprintf(pr->out, "%.4g (%s over %s)\n", lr->margin, labels_entry_name(lr, lr->top, a, sizeof a),
			labels_entry_name(lr, lr->second, b, sizeof b));
	printer_label(pr, "the answer says");
	fprintf(pr->out, "%s\n", lr->answer >= 0 ? lr->row[lr->answer].name : "— (not exactly a label)");
	if (lr->first_token_only)
		fputs("  note: the labels run past the first token here; only the first token is observable,\n"
		      "  so each label's mass is the mass of its first token.\n", pr->out);
}

/* ---- headings, the cascade ---- */

void printer_heading(struct printer *pr, const char *fmt, ...)
{
	va_list ap;

	printer_style(pr, ROLE_TITLE, ATTR_BOLD);
	fputs("── ", pr->out);
	va_start(ap, fmt);
	vfprintf(pr->out, fmt, ap);
	va_end(ap);
	fputs(" ──", pr->out);
	printer_reset(pr);
	fputc('\n', pr->out);
	fflush(pr->out);
}

void printer_restart(struct printer *pr)
{
	pr->printed = 0;
	pr->npending = 0;
	pr->pending_tok = 0;
}

/* The answer's text on one line, newlines and tabs as glyphs, at most max
 * bytes (cut on a character boundary). */
static void printer_oneline(struct printer *pr, const uint8_t *p, size_t n, size_t max)
{
	struct buf b;

	if (n > max) {
		n = max;
		while (n && (p[n] & 0xC0) == 0x80)
			n--;
	}
	buf_init(&b, 0);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && p[j] != '\n' && p[j] != '\t' && p[j] != '\r')
			j++;
		text_escape(&b, p + i, j - i, TEXT_FLOW);
		if (j < n)
			text_escape(&b, p + j, 1, TEXT_INSPECT);
		i = j + (j < n);
	}
	fputs(buf_str(&b), pr->out);
	buf_fini(&b);
}

static void printer_stage(struct printer *pr, const struct cascade *c, enum cascade_which w, bool final)
{
	const struct cascade_stage *s = cascade_stage(c, w);
	const char *model = doc_meta(s->doc, DOC_META_MODEL);
	const struct doc_info *info = doc_info_c(s->doc);

	printer_label(pr, w == CASCADE_CHEAP ? "cheap" : "strong");
	if (!s->started) {
		fputs("— (not asked)\n", pr->out);
		return;
	}
	fprintf(pr->out, "%s%s ", final ? "★ " : "", model ? model : "(server's model)");
	if (s->err.code && s->err.code != TS_ENOLOGPROBS) {
		fprintf(pr->out, "failed: %s\n", ts_err_msg(&s->err));
		return;
	}
	printer_badge(pr, s->r.verdict);
	fprintf(pr->out, "  %zu tokens", doc_count(s->doc));
	if (info->total_ms >= 0)
		fprintf(pr->out, ", %.0f ms", info->total_ms);
	if (s->lr.valid && s->lr.answer >= 0)
		fprintf(pr->out, ", label %s", s->lr.row[s->lr.answer].name);
	fputc('\n', pr->out);
}

void printer_cascade(struct printer *pr, const struct cascade *c)
{
	enum cascade_which fw = cascade_final(c);
	const struct cascade_stage *f = cascade_stage(c, fw);
	char why[256];
	size_t len;
	const uint8_t *text = doc_text(f->doc, &len);

	printer_heading(pr, "cascade");
	printer_stage(pr, c, CASCADE_CHEAP, fw == CASCADE_CHEAP);
	printer_stage(pr, c, CASCADE_STRONG, fw == CASCADE_STRONG);
	printer_label(pr, "escalation");
	fprintf(pr->out, "%s\n", cascade_why(c, why, sizeof why));
	printer_label(pr, "final answer");
	fprintf(pr->out, "★ %s: \"", fw == CASCADE_CHEAP ? "cheap" : "strong");
	printer_oneline(pr, text, len, 120);
	fprintf(pr->out, "%s\"  ", len > 120 ? "…" : "");
	printer_badge(pr, f->r.verdict);
	fputc('\n', pr->out);
	fflush(pr->out);
}

/* ---- comparison ---- */

#define COMPARE_CONTEXT 40   /* bytes of text shown on each side of the divergence */

static void printer_side_info(struct printer *pr, const char *side, const char *name, const struct doc *d)
{
	const char *model = doc_meta(d, DOC_META_MODEL), *title = doc_meta(d, DOC_META_TITLE);

	printer_label(pr, side);
	fprintf(pr->out, "%s: %s%s%s, %zu tokens\n", name, model ? model : "unknown model", title ? " · " : "",
		title ? title : "", doc_count(d));
}

/* One side's text around byte `at`: the common text before it dim, the
 * divergent token in brackets in its probability's colour, then what
 * follows. */
static void printer_side_text(struct printer *pr, const char *side, const struct doc *d, size_t at, size_t tok)
{
	size_t len, from, tlen = 0, toff = at;
	const uint8_t *text = doc_text(d, &len);

	from = at > COMPARE_CONTEXT ? at - COMPARE_CONTEXT : 0;
	while (from < at && (text[from] & 0xC0) == 0x80)
		from++;
	if (tok < doc_count(d)) {
		toff = doc_token(d, tok)->off;
		tlen = doc_token(d, tok)->len;
		from = from > toff ? toff : from;
	}
	printer_label(pr, side);
	fputs(from ? "…" : "", pr->out);
	printer_style(pr, ROLE_DIM, 0);
	printer_oneline(pr, text + from, toff - from, SIZE_MAX);
	printer_reset(pr);
	if (tok < doc_count(d)) {
		double p = exp(doc_token(d, tok)->logprob);

		printer_style(pr, theme_bucket(p), ATTR_BOLD);
		fputc('[', pr->out);
		printer_oneline(pr, text + toff, tlen, SIZE_MAX);
		fputc(']', pr->out);
		printer_reset(pr);
		printer_oneline(pr, text + toff + tlen, len - toff - tlen, COMPARE_CONTEXT);
		fputs(len - toff - tlen > COMPARE_CONTEXT ? "…" : "", pr->out);
	} else {
		fputs("[end of answer]", pr->out);
	}
	fputc('\n', pr->out);
}

static void printer_cross(struct printer *pr, const char *side, const struct doc *d, size_t i, double p,
			  const char *other, double p_other)
{
	if (i >= doc_count(d))
		return;
	printer_label(pr, side);
	printer_token_quoted(pr, d, i);
	fprintf(pr->out, " p %.4g   %s's probability for it: ", p, other);
	if (isnan(p_other))
		fputs("not shown\n", pr->out);
	else
		fprintf(pr->out, "%.4g\n", p_other);
}

static void printer_divergence(struct printer *pr, const struct doc *a, const struct doc *b,
			       const struct compare_result *r)
{
	printer_label(pr, "diverge at");
	if (r->identical) {
		size_t len;
		const uint8_t *text = doc_text(a, &len);

		fprintf(pr->out, "— the texts are identical (%zu bytes): \"", r->common);
		printer_oneline(pr, text, len, 2 * COMPARE_CONTEXT);
		fprintf(pr->out, "%s\"\n", len > 2 * COMPARE_CONTEXT ? "…" : "");
		return;
	}
	fprintf(pr->out, "byte %zu: A token #%zu, B token #%zu (%zu tokens aligned before)\n", r->common,
		r->div_a + 1, r->div_b + 1, r->npairs);
	printer_side_text(pr, "A", a, r->common, r->div_a);
	printer_side_text(pr, "B", b, r->common, r->div_b);
	printer_cross(pr, "A chose", a, r->div_a, r->div_pa, "B", r->div_pb_of_a);
	printer_cross(pr, "B chose", b, r->div_b, r->div_pb, "A", r->div_pa_of_b);
}

static void printer_top_diffs(struct printer *pr, const struct doc *a, const struct compare_result *r)
{
	printer_heading(pr, "largest probability differences among aligned tokens (top %zu of %zu)", r->ntop,
			r->npairs);
	if (r->ntop == 0) {
		fputs("  — no aligned tokens\n", pr->out);
		return;
	}
	printer_style(pr, ROLE_DIM, 0);
	fprintf(pr->out, "  %6s %6s  %-10s  %-9s %-9s %s\n", "A#", "B#", "p(A)", "p(B)", "B − A", "token");
	printer_reset(pr);
	for (size_t k = 0; k < r->ntop; k++) {
		const struct compare_pair *q = &r->top[k];

		fprintf(pr->out, "  %6zu %6zu  ", q->a + 1, q->b + 1);
		printer_style(pr, theme_bucket(q->pa), 0);
		fprintf(pr->out, "%-10.4g", q->pa);
		printer_reset(pr);
		fputs("  ", pr->out);
		printer_style(pr, theme_bucket(q->pb), 0);
		fprintf(pr->out, "%-9.4g", q->pb);
		printer_reset(pr);
		fprintf(pr->out, " %+-9.4f ", q->diff);
		printer_token_quoted(pr, a, q->a);
		fputc('\n', pr->out);
	}
	printer_label(pr, "mean difference");
	fprintf(pr->out, "%.4g in absolute value over %zu aligned tokens (max %.4g)\n", r->mean_abs_diff,
		r->npairs, r->max_abs_diff);
}

void printer_compare(struct printer *pr, const struct doc *a, const char *name_a, const struct doc *b,
		     const char *name_b, const struct compare_result *r)
{
	printer_heading(pr, "compare");
	printer_side_info(pr, "A", name_a, a);
	printer_side_info(pr, "B", name_b, b);
	printer_label(pr, "common text");
	fprintf(pr->out, "%zu bytes; %zu tokens aligned", r->common, r->npairs);
	if (r->first_mismatch_a < r->na && r->first_mismatch_a < r->div_a)
		fprintf(pr->out, " (split differently from A #%zu / B #%zu)", r->first_mismatch_a + 1,
			r->first_mismatch_b + 1);
	fputc('\n', pr->out);
	printer_divergence(pr, a, b, r);
	printer_top_diffs(pr, a, r);
	fflush(pr->out);
}

/* ---- labels as JSON ---- */

static int json_str(struct buf *out, const char *s)
{
	char *q = NULL;
	cJSON *j = s ? cJSON_CreateString(s) : NULL;
	int rc;

	if (!s)
		return buf_puts(out, "null");
	q = j ? cJSON_PrintUnformatted(j) : NULL;
	rc = q ? buf_puts(out, q) : TS_ENOMEM;
	free(q);
	cJSON_Delete(j);
	return rc;
}

static int labels_json_rows(struct buf *out, const struct label_result *lr)
{
	int rc = buf_puts(out, "\"rows\":[");

	for (size_t i = 0; i < lr->n && !rc; i++) {
		const struct label_row *row = &lr->row[i];

		rc = (i ? buf_putc(out, ',') : 0) || buf_puts(out, "{\"label\":") || json_str(out, row->name) ||
		     buf_putc(out, ',') || json_num(out, "mass", row->mass, true) ||
		     json_num(out, "prob", row->prob, true) ||
		     buf_printf(out, "\"partial\":%s}", row->partial ? "true" : "false");
	}
	return rc || buf_puts(out, "],\"shared\":[");
}

static int labels_json_groups(struct buf *out, const struct label_result *lr)
{
	int rc = 0;

	for (size_t g = 0; g < lr->ngroups && !rc; g++) {
		const struct label_group *gr = &lr->group[g];
		bool first = true;

		rc = (g ? buf_putc(out, ',') : 0) || buf_puts(out, "{\"labels\":[");
		for (size_t i = 0; i < lr->n && !rc; i++) {
			if (!(gr->mask & (1u << i)))
				continue;
			rc = (first ? 0 : buf_putc(out, ',')) || json_str(out, lr->row[i].name);
			first = false;
		}
		rc = rc || buf_puts(out, "],\"text\":") || json_str(out, gr->text) || buf_putc(out, ',') ||
		     json_num(out, "mass", gr->mass, true) || json_num(out, "prob", gr->prob, false) ||
		     buf_putc(out, '}');
	}
	return rc || buf_puts(out, "]}");
}

static int labels_json(struct buf *out, const struct label_result *lr)
{
	char top[512];

	labels_entry_name(lr, lr->top, top, sizeof top);
	return buf_puts(out, ",\"labels\":{") || json_num(out, "on_labels", lr->on_labels, true) ||
	       json_num(out, "shared_mass", lr->shared_mass, true) ||
	       json_num(out, "off_labels", lr->off_labels, true) || json_num(out, "shown", lr->shown, true) ||
	       json_num(out, "unseen", lr->unseen, true) || json_num(out, "margin", lr->margin, true) ||
	       buf_printf(out, "\"first_token_only\":%s,\"answer\":", lr->first_token_only ? "true" : "false") ||
	       json_str(out, lr->answer >= 0 ? lr->row[lr->answer].name : NULL) ||
	       buf_puts(out, ",\"top\":") || json_str(out, lr->top >= 0 ? top : NULL) || buf_putc(out, ',') ||
	       labels_json_rows(out, lr) || labels_json_groups(out, lr);
}

int print_summary_json_labels(struct buf *out, const struct answer_metrics *m,
			      const struct label_result *lr, const struct route_result *r)
{
	int rc = summary_json_fields(out, m, r);

	rc = rc || buf_printf(out, ",\"rule\":\"%s\",", route_rule_name(r->rule)) ||
	     json_num(out, "margin", r->labelled ? r->margin : NAN, true) ||
	     json_num(out, "min_margin", r->labelled ? r->min_margin : NAN, true) ||
	     json_num(out, "label_mass", r->labelled ? r->label_mass : NAN, true) ||
	     json_num(out, "min_label_mass", r->labelled ? r->min_label_mass : NAN, false);
	if (!rc && lr && lr->n)
		rc = labels_json(out, lr);
	return rc ? TS_ENOMEM : buf_putc(out, '}');
}
