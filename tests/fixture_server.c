/* fixture_server.c — serves recorded HTTP responses to the integration tests.
 *
 *   fixture_server [--delay-ms N] [--rate N] [--cut-after BYTES] [--expect-header 'Name: value']
 *                  [--log FILE] [--once] CASEDIR [CASEDIR...]
 *
 * Binds 127.0.0.1 on a free port, prints the port on the first line of
 * stdout, then serves one connection at a time: it reads the request
 * (headers and a Content-Length body), appends it raw to the --log FILE, and
 * answers with the next CASEDIR's recording (headers.txt, response), cycling
 * through them (--once: exits after the last). Every answer is framed by
 * Content-Length (none with --cut-after) and Connection: close.
 *
 * --delay-ms N        an SSE body (text/event-stream) goes out one event at a
 *                     time, N ms apart
 * --rate N            an SSE body goes out at N events per second, on a fixed
 *                     schedule (events that are due go out together)
 * --cut-after BYTES   the connection closes after that many body bytes
 * --expect-header H   a request without header H gets a 401 JSON error
 *
 * Exits on SIGTERM/SIGINT and after 120 s without a connection. Plain POSIX
 * sockets, one file, no dependencies. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CASES 64
#define MAX_FILE (1024L * 1024 * 1024)   /* a recording's file (the benchmark's are large) */
#define MAX_REQ_HEAD (256 * 1024)
#define MAX_REQ_BODY (64L * 1024 * 1024)
#define IO_TIMEOUT_MS 10000
#define IDLE_EXIT_MS 120000

struct opts {
	long delay_ms;
	long rate;                 /* events per second, 0: as fast as possible */
	long cut_after;            /* -1: whole body */
	const char *expect;        /* "Name: value" or NULL */
	const char *log;
	bool once;
	int ncases;
	const char *dirs[MAX_CASES];
};

struct recording {
	char *head;                /* status line and headers, ready to send */
	size_t head_len;
	char *body;
	size_t body_len;
	bool sse;
};

struct request {
	char *data;                /* head and body, as received */
	size_t len;
	size_t head_len;           /* up to and including the blank line */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fixture_server: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n = -1;

	if (f && fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (n < 0 || n > MAX_FILE)
		die("cannot read, or too big", path);
	rewind(f);
	p = malloc((size_t)n + 1);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n)
		die("cannot read", path);
	fclose(f);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/* Length of name if line starts with "name:" (any case), else 0. */
static size_t header_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len > n && line[n] == ':' && strncasecmp(line, name, n) == 0)
		return n;
	return 0;
}

static bool line_has(const char *line, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++) {
		if (strncasecmp(line + i, needle, n) == 0)
			return true;
	}
	return false;
}

static bool header_dropped(const char *line, size_t len)
{
	static const char *const drop[] = { "Transfer-Encoding", "Content-Length", "Connection",
					    "Keep-Alive" };
	size_t i;

	for (i = 0; i < sizeof drop / sizeof drop[0]; i++) {
		if (header_is(line, len, drop[i]))
			return true;
	}
	return false;
}

static void head_add(struct recording *r, size_t cap, const char *p, size_t n)
{
	if (r->head_len + n + 2 >= cap)
		die("headers too long", NULL);
	memcpy(r->head + r->head_len, p, n);
	r->head_len += n;
	memcpy(r->head + r->head_len, "\r\n", 2);
	r->head_len += 2;
}

/* Keeps the status line and the headers that still hold, then frames. */
static void build_head(struct recording *r, const char *txt, size_t len, const struct opts *o)
{
	size_t cap = len + 256, pos = 0;
	char line[128];
	bool first = true;

	r->head = malloc(cap);
	if (!r->head)
		die("out of memory", NULL);
	while (pos < len) {
		const char *nl = memchr(txt + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - txt) : len, n = end - pos;

		if (n && txt[pos + n - 1] == '\r')
			n--;
		if (n && (first || !header_dropped(txt + pos, n))) {
			head_add(r, cap, txt + pos, n);
			if (!first && header_is(txt + pos, n, "Content-Type"))
				r->sse = line_has(txt + pos, n, "text/event-stream");
			first = false;
		}
		pos = end + 1;
	}
	if (o->cut_after < 0) {
		snprintf(line, sizeof line, "Content-Length: %zu", r->body_len);
		head_add(r, cap, line, strlen(line));
	}
	head_add(r, cap, "Connection: close", 17);
	head_add(r, cap, "", 0);
}

static void load_recording(struct recording *r, const char *dir, const struct opts *o)
{
	char path[4096];
	char *txt;
	size_t len;

	snprintf(path, sizeof path, "%s/response", dir);
	r->body = read_file(path, &r->body_len);
	snprintf(path, sizeof path, "%s/headers.txt", dir);
	txt = read_file(path, &len);
	if (len < 5 || strncmp(txt, "HTTP/", 5) != 0)
		die("headers.txt does not start with a status line", dir);
	build_head(r, txt, len, o);
	free(txt);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR && !stop)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Waits for fd to be readable; -1 on timeout, error or stop. */
static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r;

	do {
		r = poll(&pfd, 1, timeout_ms);
	} while (r < 0 && errno == EINTR && !stop);
	return r > 0 ? 0 : -1;
}

/* Where the request head ends (after the blank line), or 0. */
static size_t head_end(const char *p, size_t n)
{
	size_t i;

	for (i = 3; i < n; i++) {
		if (p[i] == '\n' && p[i - 1] == '\r' && p[i - 2] == '\n' && p[i - 3] == '\r')
			return i + 1;
	}
	return 0;
}

/* The value of header name in the request head, or NULL; *vlen its length. */
static const char *find_header(const struct request *rq, const char *name, size_t *vlen)
{
	const char *p = memchr(rq->data, '\n', rq->head_len);
	const char *end = rq->data + rq->head_len;

	while (p && ++p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t n = header_is(p, len, name);

		if (n) {
			const char *v = p + n + 1;

			while (v < p + len && (*v == ' ' || *v == '\t'))
				v++;
			*vlen = (size_t)(p + len - v);
			while (*vlen && (v[*vlen - 1] == '\r' || v[*vlen - 1] == ' '))
				(*vlen)--;
			return v;
		}
		p = nl;
	}
	return NULL;
}

static int read_more(int fd, struct request *rq, size_t want)
{
	ssize_t r;

	if (wait_readable(fd, IO_TIMEOUT_MS))
		return -1;
	r = recv(fd, rq->data + rq->len, want - rq->len, 0);
	if (r <= 0)
		return -1;
	rq->len += (size_t)r;
	return 0;
}

/* Reads the body announced by Content-Length; answers Expect: 100-continue. */
static int read_body(int fd, struct request *rq)
{
	const char *v;
	size_t vlen = 0, total;
	long cl = 0;
	char *grown;

	v = find_header(rq, "Content-Length", &vlen);
	if (v)
		cl = strtol(v, NULL, 10);
	if (cl < 0 || cl > MAX_REQ_BODY)
		return -1;
	total = rq->head_len + (size_t)cl;
	grown = realloc(rq->data, total + 1);
	if (!grown)
		return -1;
	rq->data = grown;
	v = find_header(rq, "Expect", &vlen);
	if (v && vlen == 12 && strncasecmp(v, "100-continue", 12) == 0 && rq->len < total &&
	    write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25))
		return -1;
	while (rq->len < total) {
		if (read_more(fd, rq, total))
			return -1;
	}
	rq->len = total;
	return 0;
}

static int read_request(int fd, struct request *rq)
{
	*rq = (struct request){ .data = malloc(MAX_REQ_HEAD) };
	if (!rq->data)
		return -1;
	while (!rq->head_len) {
		if (rq->len == MAX_REQ_HEAD || read_more(fd, rq, MAX_REQ_HEAD))
			return -1;
		rq->head_len = head_end(rq->data, rq->len);
	}
	return read_body(fd, rq);
}

static void log_request(const struct opts *o, const struct request *rq)
{
	FILE *f;

	if (!o->log)
		return;
	f = fopen(o->log, "ab");
	if (!f)
		die("cannot open the log", o->log);
	fwrite(rq->data, 1, rq->len, f);
	fclose(f);
}

static bool has_expected(const struct opts *o, const struct request *rq)
{
	const char *colon = strchr(o->expect, ':');
	const char *want, *got;
	char name[256];
	size_t glen = 0;

	if (!colon || (size_t)(colon - o->expect) >= sizeof name)
		return false;
	snprintf(name, sizeof name, "%.*s", (int)(colon - o->expect), o->expect);
	want = colon + 1;
	while (*want == ' ')
		want++;
	got = find_header(rq, name, &glen);
	return got && glen == strlen(want) && memcmp(got, want, glen) == 0;
}

static int send_unauthorized(int fd)
{
	static const char body[] = "{\"error\":{\"code\":401,\"message\":\"fixture: missing expected "
				   "header\",\"type\":\"authentication_error\"}}";
	char head[256];

	snprintf(head, sizeof head,
		 "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json; charset=utf-8\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n", sizeof body - 1);
	if (write_all(fd, head, strlen(head)))
		return -1;
	return write_all(fd, body, sizeof body - 1);
}

/* Sleeps ms, but returns -1 at once when the client goes away or on stop. */
static int pause_ms(int fd, long ms)
{
	double until = now_ms() + (double)ms;
	char scratch[4096];

	while (!stop) {
		double left = until - now_ms();

		if (left <= 0)
			return 0;
		if (wait_readable(fd, (int)left + 1) == 0 && recv(fd, scratch, sizeof scratch, 0) <= 0)
			return -1;
	}
	return -1;
}

/* Length of the SSE event starting at p: through its blank line. */
static size_t event_len(const char *p, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (p[i] == '\n' && (p[i - 1] == '\n' || (i >= 2 && p[i - 1] == '\r' && p[i - 2] == '\n')))
			return i + 1;
	}
	return n;
}

/* Sends body[0..limit) at o->rate events per second since the start: all
 * events due by now go out in one write, then it waits a millisecond. */
static int send_paced(int fd, const struct recording *r, size_t limit, const struct opts *o)
{
	double t0 = now_ms();
	size_t off = 0, sent = 0;

	while (off < limit) {
		size_t due = (size_t)((now_ms() - t0) * (double)o->rate / 1000.0) + 1, n = 0;

		for (; sent < due && off + n < limit; sent++)
			n += event_len(r->body + off + n, r->body_len - off - n);
		if (n > limit - off)
			n = limit - off;
		if (n == 0 && pause_ms(fd, 1))
			return -1;
		if (n > 0 && write_all(fd, r->body + off, n))
			return -1;
		off += n;
	}
	return 0;
}

static int send_body(int fd, const struct recording *r, const struct opts *o)
{
	size_t limit = r->body_len, off = 0;

	if (o->cut_after >= 0 && (size_t)o->cut_after < limit)
		limit = (size_t)o->cut_after;
	if (o->rate > 0 && r->sse)
		return send_paced(fd, r, limit, o);
	while (off < limit) {
		size_t n = limit - off;

		if (o->delay_ms > 0 && r->sse) {
			n = event_len(r->body + off, r->body_len - off);
			if (n > limit - off)
				n = limit - off;
			if (off > 0 && pause_ms(fd, o->delay_ms))
				return -1;
		}
		if (write_all(fd, r->body + off, n))
			return -1;
		off += n;
	}
	return 0;
}

static void serve(int fd, const struct recording *r, const struct opts *o)
{
	struct request rq;

	if (read_request(fd, &rq) == 0) {
		log_request(o, &rq);
		if (o->expect && !has_expected(o, &rq))
			send_unauthorized(fd);
		else if (write_all(fd, r->head, r->head_len) == 0)
			send_body(fd, r, o);
		shutdown(fd, SHUT_WR);
	}
	free(rq.data);
}

static long parse_num(const char *flag, const char *s)
{
	char *end = NULL;
	long v;

	if (!s)
		die("missing value for", flag);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		die("bad number for", flag);
	return v;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	*o = (struct opts){ .cut_after = -1 };
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;

		bool valued = next != NULL;

		if (strcmp(a, "--delay-ms") == 0)
			o->delay_ms = parse_num(a, next);
		else if (strcmp(a, "--rate") == 0)
			o->rate = parse_num(a, next);
		else if (strcmp(a, "--cut-after") == 0)
			o->cut_after = parse_num(a, next);
		else if (strcmp(a, "--expect-header") == 0 && next)
			o->expect = next;
		else if (strcmp(a, "--log") == 0 && next)
			o->log = next;
		else
			valued = false;
		if (valued) {
			i++;
		} else if (strcmp(a, "--once") == 0) {
			o->once = true;
		} else if (strncmp(a, "--", 2) == 0 || o->ncases == MAX_CASES) {
			die("bad argument (see the usage at the top of tests/fixture_server.c)", a);
		} else {
			o->dirs[o->ncases++] = a;
		}
	}
	if (!o->ncases)
		die("usage: fixture_server [--delay-ms N] [--rate N] [--cut-after BYTES] [--expect-header H] "
		    "[--log FILE] [--once] CASEDIR...", NULL);
}

static int listen_local(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
	socklen_t salen = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&sa, &salen))
		die("cannot listen on 127.0.0.1", strerror(errno));
	printf("%u\n", (unsigned)ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Waits for the next connection; -1 on stop or after IDLE_EXIT_MS. */
static int accept_next(int lfd)
{
	double idle_until = now_ms() + IDLE_EXIT_MS;

	while (!stop && now_ms() < idle_until) {
		int fd;

		if (wait_readable(lfd, 1000))
			continue;
		fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static struct recording recs[MAX_CASES];
	struct opts o;
	int lfd, i, turn = 0;

	parse_args(argc, argv, &o);
	for (i = 0; i < o.ncases; i++)
		load_recording(&recs[i], o.dirs[i], &o);
	install_signals();
	lfd = listen_local();
	for (;;) {
		int fd = accept_next(lfd);

		if (fd < 0)
			break;
		serve(fd, &recs[turn], &o);
		close(fd);
		turn++;
		if (turn == o.ncases && o.once)
			break;
		turn %= o.ncases;
	}
	close(lfd);
	for (i = 0; i < o.ncases; i++) {
		free(recs[i].head);
		free(recs[i].body);
	}
	return 0;
}
