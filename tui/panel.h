/* panel.h — the confidence panel: the routing verdict as a large badge,
 * the statistic (name, value, threshold, distance), the aggregates, a
 * sparkline of per-token probability with the selection marked, and the
 * exchange's facts (model, endpoint, time to first token, tokens/s, finish
 * reason, usage).
 *
 * With a label set in effect (the answer's own, DOC_META_LABELS, else the
 * global one in verdict_opts), the verdict is route.h's three-way one: the
 * badge is ACCEPT, ESCALATE or CLARIFY, under it the rule that decided in
 * words, the τ line, a μ line (the margin between the top two labels) and
 * the label-mass line; a label table follows (per label a bar, normalised
 * probability and raw mass; shared first tokens; what the API did not
 * show). Without labels the panel is the two-way one.
 *
 * The numbers come from a cache (struct panel_data) recomputed at most once
 * per frame, when tokens arrived or a setting changed: metrics_answer is
 * O(answer), the labels O(first token's alternatives), drawing is O(panel).
 * Sections flow into columns, so the same panel fills a tall side bar or a
 * wide, short lower pane. Each section says how many rows it wants and how
 * few it can make do with; when they do not all fit, the more important
 * ones (badge, verdict, labels, sparkline, aggregates, facts, in that
 * order) stay and the rest go to further pages, which J/K turn. */
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
	double margin;         /* μ: minimum margin between the top two labels */
	double min_label_mass; /* minimum first-token mass on labels */
	/* The global label set (--labels, the config, the L key) for answers
	 * without their own; NULL or empty: none. Borrowed. */
	const struct label_set *labels;
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
	/* The label set in effect: the answer's own when it has one that
	 * parses, else a copy of the global one; lr's names point into it. */
	struct label_set ls;
	int own_labels;                  /* labels_from_doc: 1 own, 0 none, −1 own but invalid */
	struct label_result lr;          /* lr.n = 0: no labels, two-way verdict */
};

/* Recomputes metrics, labels, verdict and a sparkline of width spark_w. */
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
	int page;            /* which page, when the sections need several
				* (clamped to the last) */
};

/* Draws the panel's page pv->page on r; returns how many pages it has (1:
 * everything fits). */
int panel_draw(const struct panel_view *pv, struct rect r, const struct palette *pal);

/* Draws the verdict as a one-row chip of at most maxw columns; returns the
 * columns used (with draw false: the columns it needs). For the header
 * when the side panel is hidden. */
int panel_draw_chip(const struct panel_data *pd, int y, int x, int maxw, const struct palette *pal,
		    bool draw);

/* The badge role for verdict v, and in *glyph a glyph that says the verdict
 * without colour (✔ ▲ ?). */
enum theme_role panel_verdict_role(enum route_verdict v, const char **glyph);

/* Draws text word-wrapped from (y, x) in at most maxrows rows of w columns,
 * the last one cut with "…"; returns the rows used (drawn or, with draw
 * false, needed). */
int panel_wrap(int y, int x, int w, int maxrows, const char *text, struct style st, bool draw);

#endif
