#include "src/route.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <strings.h>

#include "src/config.h"

static const char *const stat_names[] = {
#define ROUTE_NAME(e, n, l) [e] = n,
	ROUTE_STATS(ROUTE_NAME)
#undef ROUTE_NAME
};

static const char *const stat_labels[] = {
#define ROUTE_LABEL(e, n, l) [e] = l,
	ROUTE_STATS(ROUTE_LABEL)
#undef ROUTE_LABEL
};

static bool stat_valid(enum route_stat s)
{
	return (int)s >= 0 && s < STAT_COUNT;
}

const char *route_stat_name(enum route_stat s)
{
	return stat_valid(s) ? stat_names[s] : "unknown";
}

const char *route_stat_label(enum route_stat s)
{
	return stat_valid(s) ? stat_labels[s] : "unknown statistic";
}

int route_stat_parse(const char *name)
{
	if (!name)
		return -1;
	for (int s = 0; s < STAT_COUNT; s++) {
		if (strcasecmp(name, stat_names[s]) == 0)
			return s;
	}
	return -1;
}

const char *route_verdict_name(enum route_verdict v)
{
	switch (v) {
	case VERDICT_ACCEPT:
		return "ACCEPT";
	case VERDICT_ESCALATE:
		return "ESCALATE";
	case VERDICT_CLARIFY:
		return "CLARIFY";
	}
	return "UNKNOWN";
}

double route_stat_value(const struct answer_metrics *m, enum route_stat s)
{
	switch (s) {
	case STAT_FIRST:
		return m->first_p;
	case STAT_GEOMEAN:
		return m->geo_mean_p;
	case STAT_MEAN:
		return m->mean_p;
	case STAT_MIN:
		return m->min_p;
	case STAT_QUANTILE:
		return m->quantile_p;
	case STAT_COUNT:
		break;
	}
	return NAN;
}

void route_decide(const struct answer_metrics *m, enum route_stat s, double threshold,
		  struct route_result *out)
{
	double v = route_stat_value(m, s);

	/* NaN compares false, so an answer without tokens escalates. */
	*out = (struct route_result){
		.verdict = v >= threshold ? VERDICT_ACCEPT : VERDICT_ESCALATE,
		.stat = s,
		.value = v,
		.threshold = threshold,
		.distance = v - threshold,
		.rule = v >= threshold ? ROUTE_RULE_REACHED : ROUTE_RULE_BELOW,
		.margin = NAN,
		.min_margin = NAN,
		.label_mass = NAN,
		.min_label_mass = NAN,
	};
}

static const char *const rule_names[] = {
#define ROUTE_RULE_NAME(e, n, l) [e] = n,
	ROUTE_RULES(ROUTE_RULE_NAME)
#undef ROUTE_RULE_NAME
};

static const char *const rule_labels[] = {
#define ROUTE_RULE_LABEL(e, n, l) [e] = l,
	ROUTE_RULES(ROUTE_RULE_LABEL)
#undef ROUTE_RULE_LABEL
};

const char *route_rule_name(enum route_rule r)
{
	return (int)r >= 0 && r < ROUTE_RULE_COUNT ? rule_names[r] : "unknown";
}

const char *route_rule_label(enum route_rule r)
{
	return (int)r >= 0 && r < ROUTE_RULE_COUNT ? rule_labels[r] : "unknown rule";
}

void route_opts_default(struct route_opts *o)
{
	*o = (struct route_opts){
		.stat = STAT_FIRST,
		.threshold = ROUTE_DEFAULT_THRESHOLD,
		.margin = ROUTE_DEFAULT_MARGIN,
		.min_label_mass = ROUTE_DEFAULT_MIN_LABEL_MASS,
	};
	metrics_opts_default(&o->metrics);
}

void route_opts_from_settings(struct route_opts *o, const struct settings *s)
{
	*o = (struct route_opts){
		.stat = s->stat >= 0 && s->stat < STAT_COUNT ? (enum route_stat)s->stat : STAT_FIRST,
		.threshold = s->threshold,
		.margin = s->margin,
		.min_label_mass = s->min_label_mass,
		.metrics = { .quantile = s->quantile, .tok_threshold = s->tok_threshold },
	};
}

/* Rules 2–5 of route.h, once the statistic has reached τ. */
static void route_labels(const struct label_result *lr, const struct route_opts *o,
			 struct route_result *out)
{
	if (!(lr->on_labels >= o->min_label_mass)) {
		out->verdict = VERDICT_CLARIFY;
		out->rule = ROUTE_RULE_LABEL_MASS;
	} else if (labels_entry_shared(lr, lr->top)) {
		out->verdict = VERDICT_CLARIFY;
		out->rule = ROUTE_RULE_SHARED;
	} else if (!(lr->margin >= o->margin)) {
		out->verdict = VERDICT_CLARIFY;
		out->rule = ROUTE_RULE_MARGIN;
	} else {
		out->rule = ROUTE_RULE_MARGIN_OK;
	}
}

void route_decide_labels(const struct answer_metrics *m, const struct label_result *lr,
			 const struct route_opts *o, struct route_result *out)
{
	route_decide(m, o->stat, o->threshold, out);
	out->min_margin = o->margin;
	out->min_label_mass = o->min_label_mass;
	if (!lr || lr->n == 0)
		return;
	out->labelled = true;
	out->margin = lr->margin;
	out->label_mass = lr->on_labels;
	if (out->verdict == VERDICT_ACCEPT)
		route_labels(lr, o, out);
}

int route_answer(const struct doc *d, const struct label_set *ls, const struct route_opts *o,
		 struct answer_metrics *m, struct label_result *lr, struct route_result *out)
{
	int rc = metrics_answer(d, &o->metrics, m);

	if (lr)
		labels_classify(ls, d, lr);
	route_decide_labels(m, lr, o, out);
	return rc;
}

/* "first-token probability 0.6032 < τ 0.85 (distance −0.2468)" */
static size_t explain_stat(const struct route_result *r, char *out, size_t outsz)
{
	int n;

	if (isnan(r->value))
		n = snprintf(out, outsz, "%s undefined (no tokens)", route_stat_label(r->stat));
	else
		n = snprintf(out, outsz, "%s %.4g %s τ %g (distance %+.4g)", route_stat_label(r->stat),
			     r->value, r->value >= r->threshold ? "≥" : "<", r->threshold, r->distance);
	return n < 0 ? 0 : (size_t)n < outsz ? (size_t)n : outsz;
}

static void explain_labels(const struct route_result *r, const struct label_result *lr, char *out,
			   size_t outsz)
{
	char a[256], b[256], text[LABELS_GROUP_TEXT + 8] = "";

	if (!lr) {
		snprintf(out, outsz, ", %s", route_rule_label(r->rule));
		return;
	}
	labels_entry_name(lr, lr->top, a, sizeof a);
	labels_entry_name(lr, lr->second, b, sizeof b);
	switch (r->rule) {
	case ROUTE_RULE_LABEL_MASS:
		snprintf(out, outsz, ", but only %.4g of the first token's mass is on labels (< %g)",
			 r->label_mass, r->min_label_mass);
		break;
	case ROUTE_RULE_SHARED:
		if (lr->top >= 0 && (size_t)lr->top >= lr->n)
			snprintf(text, sizeof text, "'%s' ", lr->group[(size_t)lr->top - lr->n].text);
		snprintf(out, outsz, ", but the top first token %sstarts %s: the first token does not "
			 "tell them apart", text, a);
		break;
	case ROUTE_RULE_MARGIN:
		snprintf(out, outsz, ", but the margin %.4g between %s and %s is below μ %g", r->margin, a, b,
			 r->min_margin);
		break;
	case ROUTE_RULE_MARGIN_OK:
		snprintf(out, outsz, " and the margin %.4g ≥ μ %g (%s over %s)", r->margin, r->min_margin, a, b);
		break;
	default:
		out[0] = '\0';
		break;
	}
}

const char *route_explain(const struct route_result *r, const struct label_result *lr, char *out,
			  size_t outsz)
{
	size_t n;

	if (!outsz)
		return out;
	n = explain_stat(r, out, outsz);
	if (r->labelled && r->rule != ROUTE_RULE_BELOW && n < outsz)
		explain_labels(r, lr, out + n, outsz - n);
	return out;
}
