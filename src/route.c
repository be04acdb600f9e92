#include "src/route.h"

#include <math.h>
#include <stddef.h>
#include <strings.h>

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
	};
}
