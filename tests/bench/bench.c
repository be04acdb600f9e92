/* bench.c — `make bench`: the figures of issue 6, each next to its target.
 *
 *   bench [DIR]                 everything; generated files go to DIR
 *                               (default build-bench), the table to stdout
 *   bench session-load FILE     (internal) loads FILE in a fresh process and
 *                               prints "seconds peak-rss-bytes tokens"
 *
 * What is measured and how:
 *   ingest    generated SSE streams (tests/bench/gen.h) of 200,000 tokens
 *             through exactly the live path (ingest: SSE → openai-chat
 *             dialect → document), fed in 16 KiB pieces as curl hands them
 *             over; the best of a few runs (the machine is shared).
 *             The JSON parse alone bounds it: yajl with callbacks that do
 *             nothing, and (for comparison) the cJSON tree it replaced.
 *   memory    resident bytes per token of the document: /proc/self/statm
 *             before and after ingesting (after malloc_trim), and
 *             doc_memory() (capacity, so up to the growth slack more).
 *   sessions  session_save and session_load of 100,000 and 1,000,000
 *             tokens at k = 20; the load runs in a fresh process, so its
 *             peak resident size is its own.
 *   drawing   the explorer's own frame_draw (tui/bench_hook.h) on a curses
 *             screen writing to /dev/null, 200x60, view in the middle:
 *             full frames (the whole screen sent again) and scrolling
 *             frames (one line per frame, only changes sent).
 *   start-up  exec of the explorer on a pseudo-terminal with the bundled
 *             demo and the key script "q": until the first output, and
 *             until it has drawn its first frame and exited.
 *   end to end 100,000 tokens from the fixture server through the explorer
 *             in tmux (200x60), at full speed and at 5,000 tokens/s: wall
 *             and CPU time, frames drawn, the longest gap between frames
 *             (the screen kept up when no gap passed two frame intervals). */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <malloc.h>
#include <math.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <yajl/yajl_parse.h>

#include "src/dialect.h"
#include "src/doc.h"
#include "src/ingest.h"
#include "src/session.h"
#include "tests/bench/gen.h"
#include "tui/bench_hook.h"

#define INGEST_TOKENS 200000
#define PIECE 16384              /* bytes per feed, as curl delivers them */
#define FRAME_INTERVAL_MS 33.0   /* the explorer's frame cap while streaming (tui/app.c) */
#define MAX_ROWS 48

struct row {
	char what[80];
	char value[48];
	char target[40];
	const char *verdict;         /* "ok", "MISSED", or "" (no target) */
};

static struct row rows[MAX_ROWS];
static size_t nrows;
static const char *outdir = "build-bench";
static const char *self_path;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, res = 0;

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (size_t)sysconf(_SC_PAGESIZE);
}

__attribute__((format(printf, 4, 5)))
static void row_add(const char *what, const char *target, int met, const char *fmt, ...)
{
	struct row *r;
	va_list ap;

	if (nrows == MAX_ROWS)
		return;
	r = &rows[nrows++];
	snprintf(r->what, sizeof r->what, "%s", what);
	snprintf(r->target, sizeof r->target, "%s", target ? target : "");
	va_start(ap, fmt);
	vsnprintf(r->value, sizeof r->value, fmt, ap);
	va_end(ap);
	r->verdict = met < 0 ? "" : met ? "ok" : "MISSED";
	fprintf(stderr, "  %-62s %s\n", r->what, r->value);
}

/* ---- ingest and memory ------------------------------------------------ */

/* Feeds the stream through the live path into d; seconds taken. */
static double ingest_once(const struct buf *stream, struct doc *d)
{
	struct ingest *in = ingest_new(d, &dialect_openai_chat, &(struct ingest_opts){ .stream = true });
	struct ts_err err;
	double t0 = now_s();
	int rc = TS_OK;

	ingest_set_status(in, 200);
	for (size_t at = 0; at < stream->len && !rc; at += PIECE) {
		size_t n = stream->len - at < PIECE ? stream->len - at : PIECE;

		rc = ingest_feed(in, stream->data + at, n, (now_s() - t0) * 1000.0, &err);
	}
	if (!rc)
		rc = ingest_finish(in, (now_s() - t0) * 1000.0, &err);
	t0 = now_s() - t0;
	ingest_free(in);
	if (rc) {
		fprintf(stderr, "bench: ingest failed: %s\n", err.msg);
		exit(1);
	}
	return t0;
}

static void gen_or_die(struct buf *b, enum gen_shape shape, size_t n, int k)
{
	buf_init(b, 0);
	if (gen_stream(b, &(struct gen_opts){ .shape = shape, .tokens = n, .k = k, .seed = 42 })) {
		fprintf(stderr, "bench: cannot generate a stream\n");
		exit(1);
	}
}

static void bench_ingest_one(const char *name, enum gen_shape shape, int k, int runs, bool target)
{
	struct buf s;
	double best = INFINITY;
	char what[80];
	size_t n = 0;

	gen_or_die(&s, shape, INGEST_TOKENS, k);
	for (int r = 0; r < runs; r++) {
		struct doc *d = doc_new();
		double t = ingest_once(&s, d);

		n = doc_count(d);
		best = t < best ? t : best;
		doc_free(d);
	}
	snprintf(what, sizeof what, "ingest %s k=%d: tokens/s", name, k);
	row_add(what, target ? ">= 150,000" : NULL, target ? n / best >= 150000 : -1, "%.0f", n / best);
	snprintf(what, sizeof what, "ingest %s k=%d: MB/s, ns/token (%.0f B/token)", name, k,
		 (double)s.len / (double)n);
	row_add(what, NULL, -1, "%.0f MB/s, %.0f ns", (double)s.len / best / 1e6, best / (double)n * 1e9);
	buf_fini(&s);
}

/* ---- what bounds ingest: the JSON parse alone ---------------------------- */

static int nop(void *ctx)
{
	(void)ctx;
	return 1;
}

static int nop_bool(void *ctx, int b)
{
	(void)ctx;
	(void)b;
	return 1;
}

static int nop_text(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
	return 1;
}

static int nop_utext(void *ctx, const unsigned char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
	return 1;
}

static const yajl_callbacks nop_callbacks = {
	.yajl_null = nop, .yajl_boolean = nop_bool, .yajl_number = nop_text, .yajl_string = nop_utext,
	.yajl_start_map = nop, .yajl_map_key = nop_utext, .yajl_end_map = nop,
	.yajl_start_array = nop, .yajl_end_array = nop,
};

/* Seconds to parse every event's JSON of the stream: with yajl and
 * callbacks that do nothing (how the dialect reads it now), or into a
 * cJSON tree and free it (how it read it before). */
static double parse_only(const struct buf *stream, bool tree)
{
	const char *p = stream->data, *end = p + stream->len;
	double t0 = now_s();

	while (p < end) {
		const char *data = strstr(p, "data: {"), *ev;

		if (!data)
			break;
		data += 6;
		ev = strstr(data, "\n\n");
		if (tree) {
			cJSON_Delete(cJSON_ParseWithLength(data, (size_t)(ev - data)));
		} else {
			yajl_handle h = yajl_alloc(&nop_callbacks, NULL, NULL);

			yajl_config(h, yajl_dont_validate_strings, 1);
			yajl_parse(h, (const unsigned char *)data, (size_t)(ev - data));
			yajl_complete_parse(h);
			yajl_free(h);
		}
		p = ev + 2;
	}
	return now_s() - t0;
}

static void bench_parse_bound(void)
{
	struct buf s;
	double yajl = INFINITY, tree = INFINITY;

	gen_or_die(&s, GEN_OPENAI, INGEST_TOKENS, 20);
	for (int r = 0; r < 3; r++) {
		double y = parse_only(&s, false), t = parse_only(&s, true);

		yajl = y < yajl ? y : yajl;
		tree = t < tree ? t : tree;
	}
	row_add("bound: yajl parse alone, openai k=20: tokens/s", NULL, -1, "%.0f (%.0f ns)",
		INGEST_TOKENS / yajl, yajl / INGEST_TOKENS * 1e9);
	row_add("before: cJSON tree parse alone, openai k=20: tokens/s", NULL, -1, "%.0f (%.0f ns)",
		INGEST_TOKENS / tree, tree / INGEST_TOKENS * 1e9);
	buf_fini(&s);
}

static void bench_memory(int k, bool target)
{
	struct buf s;
	struct doc *d;
	size_t before, after, n;
	char what[80];

	gen_or_die(&s, GEN_OPENAI, INGEST_TOKENS, k);
	malloc_trim(0);
	before = rss_bytes();
	d = doc_new();
	ingest_once(&s, d);
	malloc_trim(0);
	after = rss_bytes();
	n = doc_count(d);
	snprintf(what, sizeof what, "memory k=%d: resident bytes/token (statm)", k);
	row_add(what, target ? "<= 256" : NULL, target ? (double)(after - before) / n <= 256 : -1,
		"%.1f", (double)(after - before) / (double)n);
	snprintf(what, sizeof what, "memory k=%d: doc_memory bytes/token (capacity)", k);
	row_add(what, NULL, -1, "%.1f", (double)doc_memory(d) / (double)n);
	doc_free(d);
	buf_fini(&s);
}

/* ---- documents for sessions and drawing -------------------------------- */

/* n tokens: src's tokens over and over, alternatives and times included. */
static struct doc *doc_repeat(const struct doc *src, size_t n)
{
	struct doc *d = doc_new();
	struct doc_alt_in alts[DOC_MAX_ALTS];
	size_t m = doc_count(src);

	for (size_t i = 0; i < n; i++) {
		const struct doc_token *t = doc_token(src, i % m);
		struct doc_token_in in = {
			.logprob = t->logprob, .id = t->flags & DOC_TOK_HAS_ID ? t->id : -1,
			.bytes_derived = t->flags & DOC_TOK_BYTES_DERIVED, .t_ms = t->t_ms,
			.alts = alts, .nalt = t->nalt,
		};

		in.bytes = doc_token_bytes(src, i % m, &in.len);
		for (size_t j = 0; j < t->nalt; j++) {
			const struct doc_alt *a = doc_alt(src, i % m, j);

			alts[j] = (struct doc_alt_in){ .logprob = a->logprob, .id = -1 };
			alts[j].bytes = doc_str(src, a->str, &alts[j].len);
		}
		if (doc_append(d, &in, NULL)) {
			fprintf(stderr, "bench: cannot build a document of %zu tokens\n", n);
			exit(1);
		}
	}
	for (int k = 0; k < DOC_META_COUNT; k++)
		doc_set_meta(d, (enum doc_meta_key)k, doc_meta(src, (enum doc_meta_key)k));
	return d;
}

/* The generated 100,000-token answer at k = 20, the base of the others. */
static struct doc *doc_base(void)
{
	struct buf s;
	struct doc *d = doc_new();

	gen_or_die(&s, GEN_OPENAI, 100000, 20);
	ingest_once(&s, d);
	buf_fini(&s);
	doc_set_meta(d, DOC_META_TITLE, "bench");
	return d;
}

/* ---- sessions ------------------------------------------------------------ */

/* Runs `bench session-load path` in a fresh process. */
static int load_in_child(const char *path, double *secs, double *peak, size_t *tokens)
{
	char cmd[4200], line[256];
	FILE *p;
	int ok;

	snprintf(cmd, sizeof cmd, "'%s' session-load '%s'", self_path, path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fgets(line, sizeof line, p) && sscanf(line, "%lf %lf %zu", secs, peak, tokens) == 3;
	return pclose(p) == 0 && ok ? 0 : -1;
}

static void bench_session(const struct doc *base, size_t n, const char *label, bool target)
{
	struct doc *d = doc_repeat(base, n);
	char path[512], what[80];
	struct ts_err err;
	struct stat st;
	double t0, secs = NAN, peak = NAN;
	size_t back = 0;

	snprintf(path, sizeof path, "%s/session-%s.json", outdir, label);
	t0 = now_s();
	if (session_save(path, &d, 1, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	t0 = now_s() - t0;
	stat(path, &st);
	snprintf(what, sizeof what, "session %s tokens k=20: save s, file MB", label);
	row_add(what, NULL, -1, "%.2f s, %.0f MB", t0, (double)st.st_size / 1e6);
	doc_free(d);
	if (load_in_child(path, &secs, &peak, &back) || back != n)
		fprintf(stderr, "bench: loading %s failed\n", path);
	snprintf(what, sizeof what, "session %s tokens k=20: load s (fresh process)", label);
	row_add(what, target ? "<= 3 s" : NULL, target ? secs <= 3.0 : -1, "%.2f s", secs);
	snprintf(what, sizeof what, "session %s tokens k=20: load peak resident MB", label);
	row_add(what, NULL, -1, "%.0f MB", peak / 1e6);
	unlink(path);
}

static int session_load_main(const char *path)
{
	struct doc **docs;
	struct ts_err err;
	struct rusage ru;
	size_t n, tokens = 0;
	double t0 = now_s();

	if (session_load(path, &docs, &n, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	t0 = now_s() - t0;
	for (size_t i = 0; i < n; i++)
		tokens += doc_count(docs[i]);
	getrusage(RUSAGE_SELF, &ru);
	printf("%.6f %.0f %zu\n", t0, (double)ru.ru_maxrss * 1024.0, tokens);
	session_free_docs(docs, n);
	return 0;
}

/* ---- drawing -------------------------------------------------------------- */

#define DRAW_ROWS 60
#define DRAW_COLS 200
#define DRAW_FRAMES 300

/* Milliseconds per frame over DRAW_FRAMES frames. */
static double frames_ms(struct bench_view *v, bool full, long scroll)
{
	double t0 = now_s();

	for (int i = 0; i < DRAW_FRAMES; i++) {
		if (scroll)
			bench_view_scroll(v, i % 100 < 50 ? scroll : -scroll);
		bench_view_frame(v, full);
	}
	return (now_s() - t0) * 1000.0 / DRAW_FRAMES;
}

static void bench_draw_one(const struct doc *base, size_t n, const char *label, double *full_ms)
{
	FILE *null = fopen("/dev/null", "w");
	struct doc *d = doc_repeat(base, n);
	struct bench_view *v;
	double t0 = now_s(), scroll_ms;
	char what[80];

	v = bench_view_new(d, "xterm-256color", null, DRAW_ROWS, DRAW_COLS);
	if (!v) {
		fprintf(stderr, "bench: cannot set up a curses screen (TERM xterm-256color)\n");
		exit(1);
	}
	t0 = now_s() - t0;
	bench_view_select(v, n / 2);
	frames_ms(v, true, 0);   /* warm up */
	*full_ms = frames_ms(v, true, 0);
	scroll_ms = frames_ms(v, false, 1);
	snprintf(what, sizeof what, "frame 200x60, %s tokens: full frame ms", label);
	row_add(what, "<= 2 ms", *full_ms <= 2.0, "%.3f ms", *full_ms);
	snprintf(what, sizeof what, "frame 200x60, %s tokens: scrolling frame ms", label);
	row_add(what, "<= 2 ms", scroll_ms <= 2.0, "%.3f ms", scroll_ms);
	snprintf(what, sizeof what, "frame 200x60, %s tokens: first layout (%zu lines)", label,
		 bench_view_lines(v));
	row_add(what, NULL, -1, "%.1f ms", t0 * 1000.0);
	bench_view_free(v);
	fclose(null);
}

static void bench_draw(const struct doc *base)
{
	double f1k, f100k, f1m;

	bench_draw_one(base, 1000, "1,000", &f1k);
	bench_draw_one(base, 100000, "100,000", &f100k);
	bench_draw_one(base, 1000000, "1,000,000", &f1m);
	row_add("frame cost 1,000,000 / 1,000 tokens", "<= 1.5x", f1m / f1k <= 1.5, "%.2fx", f1m / f1k);
}

/* ---- start-up --------------------------------------------------------------- */

static const char *const hermetic_env[] = {
	"TERM=xterm-256color", "LC_ALL=C.UTF-8", "TOKSCOPE_CONFIG=", "TOKSCOPE_THEME_DIR=themes",
};

static void env_hermetic(void)
{
	for (size_t i = 0; i < sizeof hermetic_env / sizeof *hermetic_env; i++)
		putenv((char *)(uintptr_t)hermetic_env[i]);
	unsetenv("NO_COLOR");
	unsetenv("COLORTERM");
	unsetenv("LLAMA_API_KEY");
	unsetenv("OPENAI_API_KEY");
	unsetenv("TOKSCOPE_DUMP_SCREEN");
}

/* One start of the demo on a pty: seconds to the first output and to the
 * exit after the first frame. */
static int startup_once(const char *exe, double *first, double *done)
{
	struct winsize ws = { .ws_row = DRAW_ROWS, .ws_col = DRAW_COLS };
	double t0 = now_s();
	char buf[65536];
	int fd, status;
	pid_t pid = forkpty(&fd, NULL, NULL, &ws);

	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("TOKSCOPE_KEYS", "q", 1);
		execl(exe, exe, (char *)NULL);
		_exit(127);
	}
	*first = -1;
	for (;;) {
		ssize_t k = read(fd, buf, sizeof buf);

		if (k > 0 && *first < 0)
			*first = now_s() - t0;
		if (k <= 0 && errno != EINTR)
			break;
	}
	waitpid(pid, &status, 0);
	*done = now_s() - t0;
	close(fd);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && *first >= 0 ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void bench_startup(const char *exe)
{
	double first[15], done[15];
	int n = 0;

	for (int i = 0; i < 15; i++)
		if (startup_once(exe, &first[n], &done[n]) == 0)
			n++;
	if (n == 0) {
		row_add("start-up: exec to first frame (demo), median", "<= 30 ms", 0, "failed");
		return;
	}
	qsort(first, (size_t)n, sizeof *first, cmp_double);
	qsort(done, (size_t)n, sizeof *done, cmp_double);
	row_add("start-up: exec to first output (demo), median", NULL, -1, "%.1f ms", first[n / 2] * 1000);
	row_add("start-up: exec to first frame drawn + exit, median", "<= 30 ms", done[n / 2] <= 0.030,
		"%.1f ms", done[n / 2] * 1000);
}

/* ---- end to end ----------------------------------------------------------- */

struct e2e {
	double frames, max_gap_ms, wall_s, cpu_s, tokens;
};

/* Starts the fixture server on dir; its pid, and its port in *port. */
static pid_t server_start(const char *exe, const char *dir, long rate, int *port)
{
	char rates[24], line[64];
	int fds[2];
	pid_t pid;
	FILE *f;

	snprintf(rates, sizeof rates, "%ld", rate);
	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(exe, exe, "--rate", rates, dir, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	*port = f && fgets(line, sizeof line, f) ? atoi(line) : 0;
	if (f)
		fclose(f);
	return pid;
}

static int stats_read(const char *path, struct e2e *e)
{
	FILE *f = fopen(path, "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "frames %lf max_gap_ms %lf wall_s %lf cpu_s %lf tokens %lf", &e->frames,
		   &e->max_gap_ms, &e->wall_s, &e->cpu_s, &e->tokens);
	fclose(f);
	return n == 5 ? 0 : -1;
}

/* One request of the explorer in tmux against the fixture server. */
static int e2e_run(const char *exe, const char *server, const char *dir, long rate, struct e2e *e)
{
	char cmd[8192], stats[512], sock[64];
	int port = 0, rc = -1;
	pid_t srv = server_start(server, dir, rate, &port);

	snprintf(stats, sizeof stats, "%s/e2e-stats.txt", outdir);
	snprintf(sock, sizeof sock, "tokscope-bench-%d", (int)getpid());
	unlink(stats);
	if (srv > 0 && port > 0) {
		snprintf(cmd, sizeof cmd, "tmux -L %s -f /dev/null new-session -d -x %d -y %d "
			 "\"TOKSCOPE_KEYS='<C-s> <Wait> q' TOKSCOPE_BENCH_STATS=%s %s "
			 "--base-url http://127.0.0.1:%d/v1 -n 20 'benchmark'\"",
			 sock, DRAW_COLS, DRAW_ROWS, stats, exe, port);
		if (system(cmd) == 0) {
			for (int i = 0; i < 1800 && rc; i++) {   /* up to 90 s */
				usleep(50000);
				rc = stats_read(stats, e);
			}
		}
		snprintf(cmd, sizeof cmd, "tmux -L %s kill-server 2>/dev/null", sock);
		if (system(cmd) < 0)
			rc = -1;
	}
	if (srv > 0) {
		kill(srv, SIGTERM);
		waitpid(srv, NULL, 0);
	}
	return rc;
}

static void bench_e2e_one(const char *exe, const char *server, const char *dir, long rate)
{
	struct e2e e = { 0 };
	char what[80];
	const char *label = rate ? "5,000 tok/s" : "full speed";

	if (e2e_run(exe, server, dir, rate, &e) || e.tokens != 100000) {
		snprintf(what, sizeof what, "end to end %s: the run", label);
		row_add(what, "completes", 0, "failed (%.0f tokens)", e.tokens);
		return;
	}
	snprintf(what, sizeof what, "end to end 100,000 tokens, %s: wall s, CPU s", label);
	row_add(what, NULL, -1, "%.2f s, %.2f s", e.wall_s, e.cpu_s);
	snprintf(what, sizeof what, "end to end %s: frames drawn", label);
	row_add(what, NULL, -1, "%.0f", e.frames);
	snprintf(what, sizeof what, "end to end %s: longest gap between frames", label);
	row_add(what, rate ? "<= 2 frames (67 ms)" : NULL, rate ? e.max_gap_ms <= 2 * FRAME_INTERVAL_MS : -1,
		"%.1f ms", e.max_gap_ms);
}

static void bench_e2e(const char *exe, const char *server)
{
	char dir[512];

	snprintf(dir, sizeof dir, "%s/e2e-100k", outdir);
	if (gen_recording(dir, &(struct gen_opts){ .shape = GEN_OPENAI, .tokens = 100000, .k = 20, .seed = 7 })) {
		fprintf(stderr, "bench: cannot write %s: %s\n", dir, strerror(errno));
		exit(1);
	}
	bench_e2e_one(exe, server, dir, 0);
	bench_e2e_one(exe, server, dir, 5000);
}

/* ---- the table ------------------------------------------------------------ */

static void machine(char *out, size_t outsz)
{
	char line[256], cpu[160] = "unknown CPU";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
			snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
			cpu[strcspn(cpu, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
	snprintf(out, outsz, "%ld cores (nproc), %s, %s", sysconf(_SC_NPROCESSORS_ONLN), cpu,
		 __VERSION__);
}

static void table_print(double total_s)
{
	char m[400];
	size_t missed = 0;

	machine(m, sizeof m);
	printf("tokscope benchmark — %s\n\n", m);
	printf("%-62s %-20s %-20s %s\n", "measure", "value", "target", "");
	for (size_t i = 0; i < 108; i++)
		putchar('-');
	putchar('\n');
	for (size_t i = 0; i < nrows; i++) {
		printf("%-62s %-20s %-20s %s\n", rows[i].what, rows[i].value, rows[i].target, rows[i].verdict);
		missed += strcmp(rows[i].verdict, "MISSED") == 0;
	}
	printf("\n%zu target%s missed; the benchmark took %.0f s.\n", missed, missed == 1 ? "" : "s", total_s);
}

int main(int argc, char **argv)
{
	char exe[512], server[512];
	struct doc *base;
	double t0 = now_s();

	self_path = argv[0];
	if (argc == 3 && strcmp(argv[1], "session-load") == 0)
		return session_load_main(argv[2]);
	if (argc > 1)
		outdir = argv[1];
	env_hermetic();
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	snprintf(exe, sizeof exe, "%s/tokscope", outdir);
	snprintf(server, sizeof server, "%s/tests/fixture_server", outdir);
	fprintf(stderr, "bench: ingest\n");
	bench_ingest_one("openai", GEN_OPENAI, 20, 3, true);
	bench_ingest_one("openai", GEN_OPENAI, 5, 2, false);
	bench_ingest_one("llama.cpp", GEN_LLAMA, 20, 2, false);
	bench_parse_bound();
	fprintf(stderr, "bench: memory\n");
	bench_memory(20, true);
	bench_memory(5, false);
	base = doc_base();
	fprintf(stderr, "bench: sessions\n");
	bench_session(base, 100000, "100,000", false);
	bench_session(base, 1000000, "1,000,000", true);
	fprintf(stderr, "bench: drawing\n");
	bench_draw(base);
	doc_free(base);
	fprintf(stderr, "bench: start-up\n");
	bench_startup(exe);
	fprintf(stderr, "bench: end to end\n");
	bench_e2e(exe, server);
	table_print(now_s() - t0);
	return 0;
}
