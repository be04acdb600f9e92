/* route.h — the routing verdict: accept the cheap model's answer, ask for
 * clarification, or escalate.
 *
 * A statistic of the answer (default: first-token probability, as in
 * Together's "route by confidence" example) is compared with a threshold
 * τ (default 0.85). distance = value − τ.
 *
 * Without labels (route_decide, or route_decide_labels with no label set):
 * value ≥ τ gives ACCEPT, anything else (including no tokens, NaN) gives
 * ESCALATE.
 *
 * With labels (route_decide_labels; the label maths is in labels.h), the
 * rules apply in this order, the first that holds decides:
 *   1. value < τ, or NaN               → ESCALATE  (ROUTE_RULE_BELOW)
 *   2. on_labels < min_label_mass      → CLARIFY   (ROUTE_RULE_LABEL_MASS:
 *      the first token is mostly not a label; default minimum 0.5)
 *   3. the top entry is a shared group → CLARIFY   (ROUTE_RULE_SHARED: the
 *      first token does not tell its labels apart, e.g. `b` for billing and
 *      bug report)
 *   4. margin < μ, or NaN              → CLARIFY   (ROUTE_RULE_MARGIN: the top
 *      two labels are close; default μ 0.3)
 *   5. otherwise                       → ACCEPT    (ROUTE_RULE_MARGIN_OK)
 * margin is labels.h's: the normalised probability of the top entry minus
 * the runner-up's, where the entries are the labels and the shared groups.
 * Boundaries accept: value = τ, on_labels = min_label_mass and margin = μ
 * pass their rule. CLARIFY means: ask a clarifying question or send to
 * human review; a stronger model would not fix an ambiguous input, so a
 * cascade does not escalate it (see cascade.h).
 *
 * Front ends: route_answer gives metrics, labels and verdict in one call;
 * the badge is route_verdict_name(r.verdict) in ROLE_ACCEPT / ROLE_CLARIFY /
 * ROLE_ESCALATE, the line under it route_explain, and route_rule_name the
 * short rule. τ and μ adjusted live: change route_opts and call again. */
#ifndef TOKSCOPE_ROUTE_H
#define TOKSCOPE_ROUTE_H

#include <stdbool.h>

#include "src/labels.h"
#include "src/metrics.h"

#define ROUTE_DEFAULT_THRESHOLD 0.85
#define ROUTE_DEFAULT_MARGIN 0.3
#define ROUTE_DEFAULT_MIN_LABEL_MASS 0.5

/* X(enum, name for --stat, label shown to people) */
#define ROUTE_STATS(X) \
	X(STAT_FIRST,    "first",    "first-token probability") \
	X(STAT_GEOMEAN,  "geomean",  "geometric-mean probability") \
	X(STAT_MEAN,     "mean",     "mean probability") \
	X(STAT_MIN,      "min",      "minimum probability") \
	X(STAT_QUANTILE, "quantile", "quantile probability")

enum route_stat {
#define ROUTE_ENUM(e, n, l) e,
	ROUTE_STATS(ROUTE_ENUM)
#undef ROUTE_ENUM
	STAT_COUNT
};

enum route_verdict { VERDICT_ACCEPT, VERDICT_ESCALATE, VERDICT_CLARIFY };

/* X(enum, short name, what decided) — which rule gave the verdict. */
#define ROUTE_RULES(X) \
	X(ROUTE_RULE_REACHED,    "threshold",   "the statistic reaches the threshold") \
	X(ROUTE_RULE_BELOW,      "below",       "the statistic is below the threshold") \
	X(ROUTE_RULE_LABEL_MASS, "label-mass",  "too little of the first token's mass is on labels") \
	X(ROUTE_RULE_SHARED,     "shared",      "the top first token starts several labels") \
	X(ROUTE_RULE_MARGIN,     "margin",      "the top two labels are closer than the margin") \
	X(ROUTE_RULE_MARGIN_OK,  "margin-ok",   "the statistic reaches the threshold and the labels' margin the minimum")

enum route_rule {
#define ROUTE_RULE_ENUM(e, n, l) e,
	ROUTE_RULES(ROUTE_RULE_ENUM)
#undef ROUTE_RULE_ENUM
	ROUTE_RULE_COUNT
};

struct route_result {
	enum route_verdict verdict;
	enum route_stat stat;
	double value;       /* NaN when undefined (no tokens) */
	double threshold;
	double distance;    /* value − threshold */
	/* Added for the three-way verdict; route_decide sets labelled false,
	 * rule REACHED/BELOW, and the label fields NaN. */
	enum route_rule rule;
	bool labelled;      /* labels took part */
	double margin;      /* labels' margin (NaN without labels) */
	double min_margin;  /* μ */
	double label_mass;  /* on_labels (NaN without labels) */
	double min_label_mass;
};

/* Everything route_decide_labels needs. route_opts_default gives stat
 * first, τ 0.85, μ 0.3, minimum label mass 0.5, the metrics defaults. */
struct route_opts {
	enum route_stat stat;
	double threshold;       /* τ */
	double margin;          /* μ */
	double min_label_mass;
	struct metrics_opts metrics;
};

const char *route_stat_name(enum route_stat s);    /* "first" */
const char *route_stat_label(enum route_stat s);   /* "first-token probability" */
/* Parses a --stat name; returns -1 when unknown. */
int route_stat_parse(const char *name);
const char *route_verdict_name(enum route_verdict v);  /* "ACCEPT" / "ESCALATE" / "CLARIFY" */

/* The value of statistic s in m. */
double route_stat_value(const struct answer_metrics *m, enum route_stat s);

void route_decide(const struct answer_metrics *m, enum route_stat s, double threshold,
		  struct route_result *out);

struct label_result;
struct settings;

void route_opts_default(struct route_opts *o);
/* The options from the effective settings (config.h): stat, threshold,
 * margin, min_label_mass, quantile, tok_threshold. */
void route_opts_from_settings(struct route_opts *o, const struct settings *s);

/* The three-way verdict above. lr NULL, or with no labels (lr->n = 0),
 * gives the two-way verdict of route_decide (with labels, an answer without
 * tokens escalates by rule 1). */
void route_decide_labels(const struct answer_metrics *m, const struct label_result *lr,
			 const struct route_opts *o, struct route_result *out);

/* One call for a front end: metrics of d, label classification against ls
 * (NULL or empty: none; lr may then be NULL) and the verdict. Returns
 * metrics_answer's status (TS_ENOMEM leaves quantile_p NaN). */
int route_answer(const struct doc *d, const struct label_set *ls, const struct route_opts *o,
		 struct answer_metrics *m, struct label_result *lr, struct route_result *out);

const char *route_rule_name(enum route_rule r);    /* "margin" */
const char *route_rule_label(enum route_rule r);   /* what decided, in words */

/* One line saying which rule decided and with which numbers, for the
 * summary and the panel, e.g. "first-token probability 0.9858 ≥ τ 0.85 and
 * margin 0.98 ≥ μ 0.3 (work over personal)" or "… ≥ τ 0.85, but the top
 * first token 'b' starts billing | bug report". lr may be NULL. Writes at
 * most outsz bytes (NUL included); returns out. */
const char *route_explain(const struct route_result *r, const struct label_result *lr, char *out,
			  size_t outsz);

#endif
