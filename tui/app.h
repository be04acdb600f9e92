/* app.h — the explorer's state, shared by the modules that draw it.
 *
 * One struct app lives for one tui_run. Handlers change it and set dirty
 * flags; the loop recomputes (RECALC), lays out (LAYOUT) and repaints once
 * per wake-up, at a capped frame rate. */
#ifndef TOKSCOPE_TUI_APP_H
#define TOKSCOPE_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "src/config.h"
#include "src/exchange.h"
#include "src/http.h"
#include "src/models.h"
#include "src/theme.h"
#include "tui/answer.h"
#include "tui/branches.h"
#include "tui/color.h"
#include "tui/dialog.h"
#include "tui/editor.h"
#include "tui/escalate.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/pair.h"
#include "tui/panel.h"
#include "tui/tokview.h"

enum app_dirty {
	DIRTY_REPAINT = 1 << 0,   /* draw the screen */
	DIRTY_RECALC = 1 << 1,    /* metrics, verdict, sparkline */
	DIRTY_LAYOUT = 1 << 2,    /* regions (size, panes) */
};

enum app_state { ST_IDLE, ST_STREAMING, ST_DONE, ST_CANCELLED, ST_ERROR };

struct app {
	struct config *cfg;
	struct theme theme;
	struct palette pal;
	enum color_depth depth;
	char **themes;             /* names for the theme key */
	size_t nthemes, theme_idx;

	struct answers ans;
	bool demo;
	char *session_path;

	/* the running request */
	struct http_loop *loop;
	struct exchange *x;
	struct doc *xdoc;          /* the answer being streamed */
	long xidx;                 /* its index in ans once listed, else -1 */
	size_t xseen;              /* tokens seen at the last wake-up */
	struct models_fetch *mf;   /* the editor's model list (F2), while it loads */
	enum app_state state;
	char msg[TS_ERRMSG_MAX];   /* status bar message */
	bool msg_error;
	char last_error[TS_ERRMSG_MAX];

	/* verdict and view settings */
	struct verdict_opts vo;
	struct label_set labels;   /* the global label set (vo.labels points here) */
	struct tokview_opts to;
	bool zoom, lower_panel;

	/* escalations (E, A) and the two-pane view (cascade, compare) */
	struct escs escs;
	bool auto_esc;             /* A: escalate new ESCALATE answers by themselves */
	struct pair pair;
	struct branches br;        /* a, Y, { }: branching (branches.h) */

	struct panel_data pd;      /* for the current answer */
	int panel_page;            /* J/K: the panel's page shown */
	int panel_pages;           /* pages it had at the last frame (0: not shown) */
	struct layout lay;
	unsigned dirty;
	double last_frame_ms;
	unsigned spin;

	struct editor *ed;
	bool editing;
	struct dialog dlg;
	bool quit;
	void *screen;              /* the curses SCREEN */
	double last_spin_ms;

	/* the test hook: a key script instead of the keyboard, a screen dump */
	struct script script;
	bool scripted;
	double script_until_ms;    /* <Sleep>/<Wait> deadline */
	bool script_waiting;       /* <Wait>: until no request runs */
	const char *dump_path;
	bool dump_failed;

	/* for `make bench` (TOKSCOPE_BENCH_STATS=FILE): frames drawn, and the
	 * longest time between two frames while a request ran */
	unsigned long frames;
	double max_gap_ms;
};

/* app.c: the loop's services. */
/* Status bar message (printf-style); error true shows it as an error. */
void app_message(struct app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Milliseconds on a monotonic clock. */
double app_now_ms(void);
/* Takes the terminal's size (or rows × cols when both > 0) and re-lays out. */
void app_resize(struct app *a, int rows, int cols);
/* Ctrl-Z: gives the terminal back, stops, and takes it again on resume. */
void app_suspend(struct app *a);
/* Loads theme `name` and makes it current; false with a message if not. */
bool app_set_theme(struct app *a, const char *name);
/* Whether a request runs (a prompt's answer, or an escalation's). */
bool app_busy(const struct app *a);
/* Cancels whatever request runs; the tokens so far stay. */
void app_cancel(struct app *a);

/* frame.c: lays out and draws one frame (erase, regions, overlays, one
 * doupdate). */
void frame_draw(struct app *a);
/* The current answer (in the two-pane view: the focused pane's, NULL while
 * it is not listed yet). */
struct answer *frame_answer(struct app *a);
/* Brings an's wrap index up to date for text area t and keeps its
 * selection in view (following a stream unless the user moved). */
void frame_sync_answer(struct app *a, struct answer *an, struct rect t);

/* actions.c: what keys and the mouse do on the main screen. */
void actions_key(struct app *a, int key);
void actions_click(struct app *a, int y, int x);
void actions_wheel(struct app *a, int lines);

/* stream.c: the request's life. */
void stream_send(struct app *a);
/* Starts streaming into d (taken: freed on failure) as xo says; the
 * answer joins the list with its first token. Shared by the editor's send
 * and a branch (branches.c). Returns 0, or the code with err's message. */
int stream_start(struct app *a, struct doc *d, const struct exchange_opts *xo, struct ts_err *err);
/* After http_loop_perform: takes new tokens, notices the end. */
void stream_poll(struct app *a);
void stream_cancel(struct app *a);

/* modelfetch.c: the editor's model list, fetched on the same loop. */
/* After editor_key returned EDITOR_MODELS: starts the GET (a failure goes
 * to the editor's message line). */
void modelfetch_start(struct app *a);
/* After http_loop_perform: hands a finished list (or its error) to the
 * editor. */
void modelfetch_poll(struct app *a);
/* Drops the fetch when the picker no longer waits for it (closed). */
void modelfetch_sync(struct app *a);

/* script.c: the test hook. Runs the next script step that is due; returns
 * false when the script is over. */
bool script_step(struct app *a);
/* Writes the screen as plain text lines to path. */
int script_dump(const char *path);

#endif
