/* route.h — the routing verdict: accept the cheap model's answer or escalate.
 *
 * A statistic of the answer (default: first-token probability, as in
 * Together's "route by confidence" example) is compared with a threshold
 * τ (default 0.85): value ≥ τ gives ACCEPT, anything else (including no
 * tokens, NaN) gives ESCALATE. distance = value − τ. */
#ifndef TOKSCOPE_ROUTE_H
#define TOKSCOPE_ROUTE_H

#include <stdbool.h>

#include "src/metrics.h"

#define ROUTE_DEFAULT_THRESHOLD 0.85

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

enum route_verdict { VERDICT_ACCEPT, VERDICT_ESCALATE };

struct route_result {
	enum route_verdict verdict;
	enum route_stat stat;
	double value;       /* NaN when undefined (no tokens) */
	double threshold;
	double distance;    /* value − threshold */
};

const char *route_stat_name(enum route_stat s);    /* "first" */
const char *route_stat_label(enum route_stat s);   /* "first-token probability" */
/* Parses a --stat name; returns -1 when unknown. */
int route_stat_parse(const char *name);
const char *route_verdict_name(enum route_verdict v);  /* "ACCEPT" / "ESCALATE" */

/* The value of statistic s in m. */
double route_stat_value(const struct answer_metrics *m, enum route_stat s);

void route_decide(const struct answer_metrics *m, enum route_stat s, double threshold,
		  struct route_result *out);

#endif
