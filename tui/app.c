/* app.c — tui_run: the terminal, the signals and the event loop.
 *
 * One thread. The loop waits in http_loop_wait on the network plus two
 * extra descriptors, the terminal (stdin) and a self-pipe the signal
 * handlers write one byte to (they do nothing else). Each wake-up handles
 * signals, keys, the script step and the network, then draws at most one
 * frame; while a stream runs frames are capped at FRAME_MS apart so a fast
 * stream coalesces into few updates. The terminal is restored on every
 * exit path: quit, Ctrl-C, SIGTERM/SIGHUP, the terminal going away, and
 * fatal errors (reported on stderr after endwin). */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tui/app.h"
#include "tui/tui.h"

#define FRAME_MS 33.0
#define SPIN_MS 100
#define IDLE_MS 1000
#define MAX_THEMES 32

/* The self-pipe: the one piece of state a signal handler may touch. */
static int sig_pipe[2] = { -1, -1 };

static const int handled_signals[] = { SIGWINCH, SIGCONT, SIGTSTP, SIGINT, SIGTERM, SIGHUP };
#define NSIGNALS (sizeof handled_signals / sizeof handled_signals[0])

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	ssize_t r = write(sig_pipe[1], &c, 1);

	(void)r;
	errno = saved;
}

static int signals_install(struct sigaction *old)
{
	struct sigaction sa;

	if (pipe(sig_pipe))
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaction(handled_signals[i], &sa, &old[i]);
	return 0;
}

static void signals_restore(const struct sigaction *old)
{
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaction(handled_signals[i], &old[i], NULL);
	for (int i = 0; i < 2; i++)
		if (sig_pipe[i] >= 0) {
			close(sig_pipe[i]);
			sig_pipe[i] = -1;
		}
}

double app_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void app_message(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	a->msg_error = error;
	a->dirty |= DIRTY_REPAINT;
}

void app_resize(struct app *a, int rows, int cols)
{
	struct winsize ws;

	if ((rows <= 0 || cols <= 0) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
		rows = ws.ws_row;
		cols = ws.ws_col;
	}
	if (rows > 0 && cols > 0 && is_term_resized(rows, cols))
		resizeterm(rows, cols);
	clearok(curscr, TRUE);
	a->dirty |= DIRTY_LAYOUT | DIRTY_RECALC | DIRTY_REPAINT;
}

void app_suspend(struct app *a)
{
	struct sigaction sa;

	if (a->scripted)
		return;
	def_prog_mode();
	endwin();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, NULL);
	kill(getpid(), SIGTSTP);
	/* stopped here until SIGCONT */
	sa.sa_handler = on_signal;
	sigaction(SIGTSTP, &sa, NULL);
	reset_prog_mode();
	app_resize(a, 0, 0);
}

bool app_busy(const struct app *a)
{
	return a->x || escalate_running(a);
}

void app_cancel(struct app *a)
{
	stream_cancel(a);
	escalate_cancel(a);
}

bool app_set_theme(struct app *a, const char *name)
{
	struct theme t;
	struct ts_err err;

	if (theme_load(&t, name, &err)) {
		app_message(a, true, "theme %s: %s", name, ts_err_msg(&err));
		return false;
	}
	a->theme = t;
	color_setup(&a->pal, &a->theme, a->depth);
	a->dirty |= DIRTY_REPAINT;
	clearok(curscr, TRUE);
	return true;
}

/* ---- set-up and tear-down ---- */

static void app_themes(struct app *a)
{
	a->themes = calloc(MAX_THEMES, sizeof *a->themes);
	if (!a->themes)
		return;
	a->nthemes = theme_list(a->themes, MAX_THEMES);
	for (size_t i = 0; i < a->nthemes; i++)
		if (strcmp(a->themes[i], a->theme.name) == 0)
			a->theme_idx = i;
}

static void app_take_docs(struct app *a, struct tui_opts *o)
{
	for (size_t i = 0; i < o->ndocs; i++) {
		if (answers_add(&a->ans, o->docs[i]) < 0)
			doc_free(o->docs[i]);
		else
			editor_history_add(a->ed, doc_meta(o->docs[i], DOC_META_REQUEST));
	}
	free(o->docs);
	o->docs = NULL;
	o->ndocs = 0;
}

static void app_settings(struct app *a)
{
	const struct settings *s = &a->cfg->s;

	/* config_set checked the list; a bad one from elsewhere means none */
	if (labels_parse(&a->labels, config_labels(a->cfg), NULL))
		a->labels.n = 0;
	a->vo = (struct verdict_opts){
		.stat = s->stat >= 0 && s->stat < STAT_COUNT ? (enum route_stat)s->stat : STAT_FIRST,
		.threshold = s->threshold,
		.tok_threshold = s->tok_threshold,
		.quantile = s->quantile,
		.margin = s->margin,
		.min_label_mass = s->min_label_mass,
		.labels = &a->labels,
	};
	a->to = (struct tokview_opts){ .mode = CMODE_PROB, .tok_threshold = s->tok_threshold };
}

static int app_script_init(struct app *a, char *fatal, size_t fsz)
{
	const char *keys = getenv("TOKSCOPE_KEYS");
	const char *dump = getenv("TOKSCOPE_DUMP_SCREEN");

	a->dump_path = dump && *dump ? dump : NULL;
	a->scripted = (keys && *keys) || a->dump_path;
	return a->scripted ? keys_script_parse(&a->script, keys ? keys : "", fatal, fsz) : 0;
}

static int app_init(struct app *a, struct tui_opts *o, char *fatal, size_t fsz)
{
	struct ts_err err;
	const char *theme = o->cfg->s.theme ? o->cfg->s.theme : "default";

	a->cfg = o->cfg;
	a->xidx = -1;
	answers_init(&a->ans);
	dialog_init(&a->dlg);
	if (theme_load(&a->theme, theme, &err)) {
		snprintf(fatal, fsz, "theme %s: %s", theme, ts_err_msg(&err));
		return -1;
	}
	a->ed = editor_new(a->cfg);
	a->loop = http_loop_new();
	if (!a->ed || !a->loop) {
		snprintf(fatal, fsz, "out of memory");
		return -1;
	}
	app_take_docs(a, o);
	app_themes(a);
	app_settings(a);
	a->demo = o->demo;
	a->auto_esc = a->cfg->s.auto_escalate;
	a->session_path = o->session_path ? strdup(o->session_path) : NULL;
	if (o->compare)
		pair_open_compare(a, o->compare_a, o->compare_b, o->compare_names[0], o->compare_names[1]);
	if (o->initial_prompt) {
		editor_set_prompt(a->ed, o->initial_prompt);
		a->editing = true;
	}
	a->dirty = DIRTY_LAYOUT | DIRTY_RECALC | DIRTY_REPAINT;
	return app_script_init(a, fatal, fsz);
}

static void app_fini(struct app *a)
{
	models_free(a->mf);
	exchange_free(a->x);
	if (a->xdoc && a->xidx < 0)
		doc_free(a->xdoc);
	pair_fini(a);
	escalate_fini(a);
	http_loop_free(a->loop);
	answers_fini(&a->ans);
	panel_fini(&a->pd);
	editor_free(a->ed);
	dialog_fini(&a->dlg);
	keys_script_free(&a->script);
	for (size_t i = 0; a->themes && i < a->nthemes; i++)
		free(a->themes[i]);
	free(a->themes);
	free(a->session_path);
}

static int term_open(struct app *a, char *fatal, size_t fsz)
{
	SCREEN *s;

	if (!a->scripted && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		snprintf(fatal, fsz, "the explorer needs a terminal; use --print for plain output");
		return -1;
	}
	s = newterm(NULL, stdout, stdin);
	if (!s) {
		snprintf(fatal, fsz, "cannot use terminal type '%s'", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	a->screen = s;
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	a->depth = color_detect();
	color_setup(&a->pal, &a->theme, a->depth);
	return 0;
}

static void term_close(struct app *a)
{
	if (!a->screen)
		return;
	curs_set(1);
	endwin();
	delscreen(a->screen);
	a->screen = NULL;
}

/* ---- the loop ---- */

static void app_signals(struct app *a)
{
	unsigned char sigs[64];
	ssize_t n;

	for (;;) {
		n = read(sig_pipe[0], sigs, sizeof sigs);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (sigs[i] == SIGWINCH || sigs[i] == SIGCONT)
				app_resize(a, 0, 0);
			else if (sigs[i] == SIGTSTP)
				app_suspend(a);
			else if (sigs[i] == SIGINT && app_busy(a))
				app_cancel(a);
			else
				a->quit = true;
		}
	}
}

static void app_mouse(struct app *a)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		actions_wheel(a, -3);
	else if (ev.bstate & BUTTON5_PRESSED)
		actions_wheel(a, 3);
	else if (ev.bstate & BUTTON1_PRESSED)
		actions_click(a, ev.y, ev.x);
}

/* Reads every key waiting. Readable with nothing to read means the
 * terminal is gone (EOF, hang-up, EIO): quit. */
static void app_keys(struct app *a)
{
	int avail = 0, r;
	wint_t wc;

	if (ioctl(STDIN_FILENO, FIONREAD, &avail) < 0 || avail == 0) {
		a->quit = true;
		return;
	}
	while (!a->quit) {
		r = wget_wch(stdscr, &wc);
		if (r == ERR)
			break;
		if (r == KEY_CODE_YES && wc == KEY_MOUSE)
			app_mouse(a);
		else if (r == KEY_CODE_YES && wc == KEY_RESIZE)
			a->dirty |= DIRTY_LAYOUT | DIRTY_RECALC | DIRTY_REPAINT;
		else
			actions_key(a, r == KEY_CODE_YES ? KEYS_FN((int)wc) : (int)wc);
	}
}

/* How long the loop may sleep: until the next frame is due, the spinner
 * turns, or the script's next step. */
static int app_timeout(const struct app *a)
{
	double now = app_now_ms(), t = IDLE_MS;

	if (a->dirty)
		t = app_busy(a) ? a->last_frame_ms + FRAME_MS - now : 0;
	else if (app_busy(a) || a->mf)
		t = SPIN_MS;
	if (a->scripted && !a->script_waiting)
		t = a->script_until_ms > now ? (a->script_until_ms - now < t ? a->script_until_ms - now : t) : 0;
	if (a->scripted && a->script_waiting && t > 20)
		t = 20;
	return t < 0 ? 0 : (int)t;
}

static bool app_frame_due(const struct app *a)
{
	return a->dirty && (!app_busy(a) || app_now_ms() - a->last_frame_ms >= FRAME_MS);
}

/* The script is over: dump the screen and quit, or hand over to the
 * keyboard when there is one. */
static void app_script_done(struct app *a)
{
	if (a->dump_path) {
		frame_draw(a);
		a->dump_failed = script_dump(a->dump_path) != 0;
		a->quit = true;
	} else if (isatty(STDIN_FILENO)) {
		a->scripted = false;
	} else {
		a->quit = true;
	}
}

static void app_tick(struct app *a)
{
	if (app_busy(a) && app_now_ms() - a->last_spin_ms >= SPIN_MS) {
		a->spin++;
		a->last_spin_ms = app_now_ms();
		a->dirty |= DIRTY_REPAINT;
	}
}

static void app_loop(struct app *a)
{
	struct http_fd fds[2];
	size_t nfds;

	while (!a->quit) {
		if (app_frame_due(a))
			frame_draw(a);
		nfds = 0;
		fds[nfds++] = (struct http_fd){ .fd = sig_pipe[0] };
		if (!a->scripted)
			fds[nfds++] = (struct http_fd){ .fd = STDIN_FILENO };
		http_loop_wait(a->loop, fds, nfds, app_timeout(a));
		if (fds[0].readable)
			app_signals(a);
		if (nfds > 1 && fds[1].readable)
			app_keys(a);
		if (app_busy(a) || a->mf) {
			http_loop_perform(a->loop);
			stream_poll(a);
			escalate_poll(a);
			modelfetch_poll(a);
		}
		if (a->scripted && !a->quit && !script_step(a))
			app_script_done(a);
		app_tick(a);
	}
}

/* TOKSCOPE_BENCH_STATS=FILE: what `make bench` reads after a run. */
static void app_bench_stats(const struct app *a, double t0_ms)
{
	const char *path = getenv("TOKSCOPE_BENCH_STATS");
	const struct answer *an = a->ans.cur < a->ans.n ? &a->ans.v[a->ans.cur] : NULL;
	struct rusage ru;
	FILE *f;

	if (!path || !*path || getrusage(RUSAGE_SELF, &ru))
		return;
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "frames %lu\nmax_gap_ms %.3f\nwall_s %.6f\ncpu_s %.6f\ntokens %zu\n", a->frames,
		a->max_gap_ms, (app_now_ms() - t0_ms) / 1000.0,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		an ? doc_count(an->doc) : 0);
	fclose(f);
}

int tui_run(struct tui_opts *o)
{
	double t0_ms = app_now_ms();
	struct app a;
	struct sigaction old[NSIGNALS];
	char fatal[TS_ERRMSG_MAX] = "";
	bool signals = false;

	memset(&a, 0, sizeof a);
	setlocale(LC_ALL, "");
	if (app_init(&a, o, fatal, sizeof fatal) == 0 && signals_install(old) == 0) {
		signals = true;
		if (term_open(&a, fatal, sizeof fatal) == 0) {
			app_loop(&a);
			term_close(&a);
			app_bench_stats(&a, t0_ms);
		}
	} else if (!fatal[0]) {
		snprintf(fatal, sizeof fatal, "cannot set up signal handling: %s", strerror(errno));
	}
	if (signals)
		signals_restore(old);
	if (a.dump_failed && !fatal[0])
		snprintf(fatal, sizeof fatal, "cannot write the screen to %s", a.dump_path);
	app_fini(&a);
	if (o->docs) {
		for (size_t i = 0; i < o->ndocs; i++)
			doc_free(o->docs[i]);
		free(o->docs);
		o->docs = NULL;
	}
	if (fatal[0])
		fprintf(stderr, "tokscope: %s\n", fatal);
	return fatal[0] ? 1 : 0;
}
