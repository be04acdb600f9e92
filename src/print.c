#include "src/print.h"

#include <math.h>
#include <string.h>

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

static void printer_token(struct printer *pr, const struct doc *d, size_t i)
{
	const struct doc_token *t = doc_token(d, i);
	double p = exp(t->logprob);
	uint8_t tmp[4 + DOC_MAX_TOKEN_LEN];
	size_t len, n = 0, tail;
	const uint8_t *bytes = doc_token_bytes(d, i, &len);

	if (len == 0)  /* an end-of-sequence token: nothing to show */
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
		if (pr->npending) {
			printer_style(pr, ROLE_GLYPH, 0);
			printer_write(pr, pr->pending, pr->npending);
			printer_reset(pr);
			pr->npending = 0;
		}
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

static void printer_min_line(struct printer *pr, const struct doc *d, const struct answer_metrics *m)
{
	struct buf b;
	size_t len;
	const uint8_t *bytes;

	printer_prob_line(pr, "minimum probability", m->min_p);
	if (m->n == 0)
		return;
	buf_init(&b, 0);
	bytes = doc_token_bytes(d, m->min_index, &len);
	text_escape(&b, bytes, len, TEXT_INSPECT);
	printer_label(pr, "  at token");
	fprintf(pr->out, "#%zu \"%s\"\n", m->min_index, buf_str(&b));
	buf_fini(&b);
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
}

static void printer_verdict(struct printer *pr, const struct route_result *r)
{
	printer_label(pr, "verdict");
	printer_style(pr, r->verdict == VERDICT_ACCEPT ? ROLE_ACCEPT : ROLE_ESCALATE, ATTR_BOLD);
	fprintf(pr->out, " %s ", route_verdict_name(r->verdict));
	printer_reset(pr);
	if (isnan(r->value))
		fprintf(pr->out, "  %s undefined (no tokens)\n", route_stat_label(r->stat));
	else
		fprintf(pr->out, "  %s %.7g %s threshold %g (distance %+.7g)\n", route_stat_label(r->stat),
			r->value, r->verdict == VERDICT_ACCEPT ? ">=" : "<", r->threshold, r->distance);
}

void printer_summary(struct printer *pr, const struct doc *d, const struct answer_metrics *m,
		     const struct route_result *r)
{
	char label[64];

	printer_style(pr, ROLE_TITLE, ATTR_BOLD);
	fputs("── confidence ──", pr->out);
	printer_reset(pr);
	fputc('\n', pr->out);
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
	printer_verdict(pr, r);
	fflush(pr->out);
}

static int json_num(struct buf *out, const char *key, double v, bool comma)
{
	if (isnan(v) || isinf(v))
		return buf_printf(out, "\"%s\":null%s", key, comma ? "," : "");
	return buf_printf(out, "\"%s\":%.17g%s", key, v, comma ? "," : "");
}

int print_summary_json(struct buf *out, const struct answer_metrics *m, const struct route_result *r)
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
		rc = buf_printf(out, "\"stat\":\"%s\",\"verdict\":\"%s\"}", route_stat_name(r->stat),
				route_verdict_name(r->verdict));
	return rc;
}
