/* panel.h — the confidence panel: the routing verdict as a large badge,
 * the statistic (name, value, threshold, distance), the aggregates, a
 * sparkline of per-token probability with the selection marked, and the
 * exchange's facts (model, endpoint, time to first token, tokens/s, finish
 * reason, usage).
 *
 * The numbers come from a cache (struct panel_data) recomputed at most once
 * per frame, when tokens arrived or a setting changed: metrics_answer is
 * O(answer), drawing is O(panel). Sections flow into columns, so the same
 * panel fills a tall side bar or a wide, short lower pane. */
#ifndef TOKSCOPE_TUI_PANEL_H
#define TOKSCOPE_TUI_PANEL_H

#include <stdbool.h>
#include <stddef.h>

#include "src/doc.h"
#include "src/metrics.h"
#include "src/route.h"
#include "tui/color.h"

#define PANEL_SPARK_MAX 512

struct verdict_opts {
	enum route_stat stat;
	double threshold;      /* routing threshold τ */
	double tok_threshold;  /* per-token threshold */
	double quantile;
};

struct panel_data {
	struct answer_metrics m;
	struct route_result r;
	double spark[PANEL_SPARK_MAX];   /* mean p per column (bar height) */
	double spark_lo[PANEL_SPARK_MAX]; /* lowest p per column (bar colour) */
	int spark_w;
	int spark_req;                   /* the width asked for */
	size_t spark_n;                  /* tokens the sparkline covers */
	struct metrics_acc acc;          /* m, kept up to date as the answer grows */
};

/* Recomputes metrics, verdict and a sparkline of width spark_w. */
void panel_compute(struct panel_data *pd, const struct doc *d, const struct verdict_opts *vo, int spark_w);
/* Frees what panel_compute keeps between frames (a zeroed panel_data holds nothing). */
void panel_fini(struct panel_data *pd);

/* The sparkline width a panel of rectangle r uses. */
int panel_spark_width(struct rect r, bool side);

struct panel_view {
	const struct doc *d;
	const struct panel_data *pd;
	const struct verdict_opts *vo;
	size_t sel;
	bool live;           /* streaming: the verdict is provisional */
	bool side;           /* a tall side bar (else a short lower pane) */
};

void panel_draw(const struct panel_view *pv, struct rect r, const struct palette *pal);

/* Draws the verdict as a one-row chip of at most maxw columns; returns the
 * columns used (with draw false: the columns it needs). For the header
 * when the side panel is hidden. */
int panel_draw_chip(const struct panel_data *pd, int y, int x, int maxw, const struct palette *pal,
		    bool draw);

#endif
