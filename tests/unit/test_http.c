/* test_http.c — src/http.c against tests/fixture_server serving real recordings. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "src/http.h"
#include "tests/unit/testutil.h"

extern char **environ;

#define SET "llamacpp-stories260k"
#define STREAM_CASE "a_email_work_temp0_stream"
#define KEY "sekrit"
#define BODY "{\"model\":\"stories260K\",\"stream\":true}"

struct sink {
	char data[64 * 1024];
	size_t len;
	int calls;
	double last_ms;
	bool time_went_back;
	long status_seen;
	int fail_with;             /* returned from the first call when non-zero */
	bool cancel_inside;        /* cancel xfer from inside the first call */
	struct http_xfer *xfer;
};

struct fx {
	pid_t pid;
	char url[96];              /* http://127.0.0.1:PORT */
	char log[64];
	struct sink sink;
};

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int sink_on_data(void *ctx, const char *p, size_t n, double now_ms)
{
	struct sink *k = ctx;

	k->calls++;
	if (now_ms < k->last_ms)
		k->time_went_back = true;
	k->last_ms = now_ms;
	if (k->xfer && !k->status_seen)
		k->status_seen = http_xfer_status(k->xfer);
	if (k->len + n > sizeof k->data)
		return TS_ETOOBIG;
	memcpy(k->data + k->len, p, n);
	k->len += n;
	if (k->calls == 1 && k->cancel_inside)
		http_xfer_cancel(k->xfer);
	if (k->calls == 1 && k->fail_with)
		return k->fail_with;
	return TS_OK;
}

/* Reads the port line the server prints first. */
static int read_port(int fd)
{
	char line[32];
	size_t n = 0;

	while (n < sizeof line - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 5000) <= 0)
			fail_msg("fixture_server printed no port");
		r = read(fd, line + n, 1);
		if (r <= 0)
			fail_msg("fixture_server exited before printing its port");
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	return (int)strtol(line, NULL, 10);
}

/* Starts build/tests/fixture_server with args (NULL-terminated) plus
 * --log and the case folders. */
static void server_start(struct fx *f, const char *const *args, const char *const *cases)
{
	const char *build = getenv("TOKSCOPE_BUILD");
	char path[256], dirs[4][256];
	char *argv[24];
	int p[2], argc = 0, i, fd;
	posix_spawn_file_actions_t fa;

	snprintf(path, sizeof path, "%s/tests/fixture_server", build && *build ? build : "build");
	argv[argc++] = path;
	for (i = 0; args && args[i]; i++)
		argv[argc++] = (char *)(uintptr_t)args[i];
	snprintf(f->log, sizeof f->log, "/tmp/tokscope-http-XXXXXX");
	fd = mkstemp(f->log);
	assert_true(fd >= 0);
	close(fd);
	argv[argc++] = (char *)(uintptr_t)"--log";
	argv[argc++] = f->log;
	for (i = 0; i < 4 && cases[i]; i++)
		argv[argc++] = (char *)(uintptr_t)tu_fixture(dirs[i], sizeof dirs[i], SET, cases[i], "");
	argv[argc] = NULL;
	assert_int_equal(pipe(p), 0);
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	if (posix_spawn(&f->pid, path, &fa, NULL, argv, environ) != 0)
		fail_msg("cannot run %s (make %s first)", path, path);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", read_port(p[0]));
	close(p[0]);
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, NULL, 0);
	}
	if (f->log[0])
		unlink(f->log);
	free(f);
	return 0;
}

static int group_setup(void **state)
{
	static const char *const proxies[] = { "http_proxy", "HTTP_PROXY", "https_proxy",
					       "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof proxies / sizeof proxies[0]; i++)
		unsetenv(proxies[i]);
	return http_global_init() == TS_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	http_global_cleanup();
	return 0;
}

static struct http_request chat_request(struct fx *f, char *url, size_t urlsz)
{
	snprintf(url, urlsz, "%s/v1/chat/completions", f->url);
	return (struct http_request){
		.url = url,
		.body = BODY,
		.body_len = strlen(BODY),
		.auth_header = "Authorization",
		.auth_prefix = "Bearer ",
		.api_key = KEY,
		.on_data = sink_on_data,
		.ctx = &f->sink,
	};
}

static void assert_body_is(const struct sink *k, const char *cas)
{
	char path[256];
	size_t len;
	char *want = tu_read_file(tu_fixture(path, sizeof path, SET, cas, "response"), &len);

	assert_int_equal(k->len, len);
	assert_memory_equal(k->data, want, len);
	free(want);
}

static void assert_log_has(const struct fx *f, const char *needle)
{
	char *log = tu_read_file(f->log, NULL);

	if (!strstr(log, needle)) {
		free(log);
		fail_msg("the request lacks \"%s\"", needle);
	}
	free(log);
}

static void run_stream_recording_arrives_byte_identical(void **state)
{
	struct fx *f = *state;
	const char *cases[] = { STREAM_CASE, NULL };
	struct http_result res;
	char url[128];
	struct http_request rq;

	server_start(f, NULL, cases);
	rq = chat_request(f, url, sizeof url);
	assert_int_equal(http_run(&rq, &res), TS_OK);
	assert_true(res.done);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type, "text/event-stream");
	assert_string_equal(res.msg, "");
	assert_body_is(&f->sink, STREAM_CASE);
	assert_false(f->sink.time_went_back);
	assert_true(res.total_ms >= f->sink.last_ms);
}

static void run_sends_user_agent_auth_and_json_body(void **state)
{
	struct fx *f = *state;
	const char *cases[] = { STREAM_CASE, NULL };
	struct http_result res;
	char url[128];
	struct http_request rq;

	server_start(f, NULL, cases);
	rq = chat_request(f, url, sizeof url);
	rq.extra_headers[0] = "X-Extra: one";
	assert_int_equal(http_run(&rq, &res), TS_OK);
	assert_log_has(f, "POST /v1/chat/completions HTTP/1.1\r\n");
	assert_log_has(f, "\r\nUser-Agent: tokscope/" TOKSCOPE_VERSION "\r\n");
	assert_log_has(f, "\r\nAuthorization: Bearer " KEY "\r\n");
	assert_log_has(f, "\r\nContent-Type: application/json\r\n");
	assert_log_has(f, "\r\nAccept: text/event-stream, application/json\r\n");
	assert_log_has(f, "\r\nX-Extra: one\r\n");
	assert_log_has(f, "\r\nContent-Length: 37\r\n");
	assert_log_has(f, "\r\n\r\n" BODY);
}

static void run_without_body_gets_and_without_key_sends_no_auth(void **state)
{
	struct fx *f = *state;
	const char *cases[] = { STREAM_CASE, NULL };
	struct http_result res;
	char url[128], *log;
	struct http_request rq;

	server_start(f, NULL, cases);
	rq = chat_request(f, url, sizeof url);
	snprintf(url, sizeof url, "%s/v1/models", f->url);
	rq.body = NULL;
	rq.api_key = "";
	assert_int_equal(http_run(&rq, &res), TS_OK);
	assert_log_has(f, "GET /v1/models HTTP/1.1\r\n");
	log = tu_read_file(f->log, NULL);
	assert_null(strstr(log, "Authorization"));
	assert_null(strstr(log, "Content-Type"));
	free(log);
}

static void run_401_recording_gives_status_and_exact_body(void **state)
{
	struct fx *f = *state;
	const char *cases[] = { "g_error_wrong_api_key", NULL };
	struct http_result res;
	char url[128];
	struct http_request rq;

	server_start(f, NULL, cases);
	rq = chat_request(f, url, sizeof url);
	assert_int_equal(http_run(&rq, &res), TS_OK);
	assert_int_equal(res.status, 401);
	assert_string_equal(res.content_type, "application/json; charset=utf-8");
	assert_body_is(&f->sink, "g_error_wrong_api_key");
}

static void run_auth_header_is_exactly_prefix_and_key(void **state)
{
	struct fx *f = *state;
	const char *args[] = { "--expect-header", "api-key: " KEY, NULL };
	const char *cases[] = { STREAM_CASE, NULL };
	struct http_result res;
	char url[128];
	struct http_request rq;

	server_start(f, args, cases);
	rq = chat_request(f, url, sizeof url);
	rq.auth_header = "api-key";
	rq.auth_prefix = NULL;
	assert_int_equal(http_run(&rq, &res), TS_OK);
	assert_int_equal(res.status, 200);
	f->sink.len = 0;
	rq.api_key = "other";
	assert_int_equal(http_run(&rq, &res), TS_OK);
	assert_int_equal(res.status, 401);
	f->sink.data[f->sink.len] = '\0';
	assert_string_equal(f->sink.data, "{\"error\":{\"code\":401,\"message\":\"fixture: missing expected "
					  "header\",\"type\":\"authentication_error\"}}");
}

static void run_cut_stream_ends_cleanly_with_the_bytes_sent(void **state)
{
	struct fx *f = *state;
	const char *args[] = { "--cut-after", "1000", NULL };
	const char *cases[] = { STREAM_CASE, NULL };
	struct http_result res;
	char url[128], path[256];
	struct http_request rq;
	char *want = tu_read_file(tu_fixture(path, sizeof path, SET, STREAM_CASE, "response"), NULL);

	server_start(f, args, cases);
	rq = chat_request(f, url, sizeof url);
	assert_int_equal(http_run(&rq, &res), TS_OK);
	assert_int_equal(res.status, 200);
	assert_int_equal(f->sink.len, 1000);
	assert_memory_equal(f->sink.data, want, 1000);
	free(want);
}

/* A port nobody listens on: bound, read back, closed. */
static int closed_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static void refused_connection_is_enet_naming_host_not_key(void **state)
{
	struct fx *f = *state;
	struct http_result res;
	char url[128], want[160];
	int port = closed_port();
	struct http_request rq = chat_request(f, url, sizeof url);

	snprintf(url, sizeof url, "http://user:" KEY "@127.0.0.1:%d/v1/chat?key=" KEY, port);
	assert_int_equal(http_run(&rq, &res), TS_ENET);
	assert_true(res.done);
	assert_int_equal(res.status, 0);
	snprintf(want, sizeof want, "cannot connect to 127.0.0.1:%d: %s", port, strerror(ECONNREFUSED));
	assert_string_equal(res.msg, want);
	assert_null(strstr(res.msg, KEY));
	assert_int_equal(f->sink.calls, 0);
}

static void key_with_line_break_is_refused_without_echo(void **state)
{
	struct fx *f = *state;
	struct http_result res;
	char url[128];
	struct http_request rq = chat_request(f, url, sizeof url);

	snprintf(url, sizeof url, "http://127.0.0.1:%d/", closed_port());
	rq.api_key = KEY "\r\nX-Injected: 1";
	assert_int_equal(http_run(&rq, &res), TS_EINVAL);
	assert_true(res.msg[0] != '\0');
	assert_null(strstr(res.msg, KEY));
}

static void callback_error_aborts_with_its_code(void **state)
{
	struct fx *f = *state;
	const char *cases[] = { STREAM_CASE, NULL };
	const char *args[] = { "--delay-ms", "20", NULL };
	struct http_result res;
	char url[128];
	struct http_request rq;

	server_start(f, args, cases);
	rq = chat_request(f, url, sizeof url);
	f->sink.fail_with = TS_ESSE;
	assert_int_equal(http_run(&rq, &res), TS_ESSE);
	assert_int_equal(res.code, TS_ESSE);
	assert_int_equal(f->sink.calls, 1);
	assert_int_equal(res.status, 200);
	assert_true(res.msg[0] != '\0');
	assert_null(strstr(res.msg, KEY));
}

static void idle_timeout_fires_after_silence(void **state)
{
	struct fx *f = *state;
	const char *cases[] = { STREAM_CASE, NULL };
	const char *args[] = { "--delay-ms", "3000", NULL };
	struct http_result res;
	char url[128], want[160], path[256];
	char *body = tu_read_file(tu_fixture(path, sizeof path, SET, STREAM_CASE, "response"), NULL);
	const char *first;
	double t0;
	struct http_request rq;

	server_start(f, args, cases);
	rq = chat_request(f, url, sizeof url);
	rq.idle_timeout_s = 1;
	t0 = mono_ms();
	assert_int_equal(http_run(&rq, &res), TS_ETIMEOUT);
	assert_true(mono_ms() - t0 >= 950.0);
	assert_true(mono_ms() - t0 < 2900.0);
	first = strstr(body, "\n\n");
	assert_non_null(first);
	assert_int_equal(f->sink.len, (size_t)(first - body) + 2);
	assert_memory_equal(f->sink.data, body, f->sink.len);
	free(body);
	snprintf(want, sizeof want, "no data for 1 s from %s", f->url + strlen("http://"));
	assert_string_equal(res.msg, want);
	assert_int_equal(res.status, 200);
}

/* Runs the loop until no transfer runs or until max_ms. */
static void loop_drive(struct http_loop *l, double max_ms)
{
	double end = mono_ms() + max_ms;

	while (http_loop_running(l) > 0 && mono_ms() < end) {
		assert_int_equal(http_loop_wait(l, NULL, 0, 100), TS_OK);
		http_loop_perform(l);
	}
}

static void loop_streams_recording_and_knows_status_early(void **state)
{
	struct fx *f = *state;
	const char *cases[] = { STREAM_CASE, NULL };
	char url[128];
	struct http_request rq;
	struct http_loop *l = http_loop_new();
	struct http_xfer *x;
	const struct http_result *res;

	server_start(f, NULL, cases);
	rq = chat_request(f, url, sizeof url);
	assert_non_null(l);
	x = http_xfer_start(l, &rq, NULL);
	assert_non_null(x);
	f->sink.xfer = x;
	assert_int_equal(http_loop_running(l), 1);
	loop_drive(l, 5000);
	res = http_xfer_result(x);
	assert_true(res->done);
	assert_int_equal(res->code, TS_OK);
	assert_int_equal(f->sink.status_seen, 200);
	assert_int_equal(http_xfer_status(x), 200);
	assert_body_is(&f->sink, STREAM_CASE);
	http_xfer_free(x);
	http_loop_free(l);
}

static void cancel_mid_stream_stops_callbacks(void **state)
{
	struct fx *f = *state;
	const char *cases[] = { STREAM_CASE, NULL };
	const char *args[] = { "--delay-ms", "50", NULL };
	char url[128];
	struct http_request rq;
	struct http_loop *l = http_loop_new();
	struct http_xfer *x;
	int calls;

	server_start(f, args, cases);
	rq = chat_request(f, url, sizeof url);
	x = http_xfer_start(l, &rq, NULL);
	assert_non_null(x);
	while (f->sink.calls == 0 && http_loop_running(l) > 0) {
		http_loop_wait(l, NULL, 0, 100);
		http_loop_perform(l);
	}
	http_xfer_cancel(x);
	calls = f->sink.calls;
	assert_true(http_xfer_result(x)->done);
	assert_int_equal(http_xfer_result(x)->code, TS_ECANCEL);
	assert_int_equal(http_loop_running(l), 0);
	loop_drive(l, 300);
	http_loop_wait(l, NULL, 0, 200);
	http_loop_perform(l);
	assert_int_equal(f->sink.calls, calls);
	assert_true(f->sink.len < 11705);
	assert_int_equal(http_xfer_result(x)->code, TS_ECANCEL);
	http_xfer_free(x);
	http_loop_free(l);
}

static void cancel_from_inside_callback_is_final_at_once(void **state)
{
	struct fx *f = *state;
	const char *cases[] = { STREAM_CASE, NULL };
	const char *args[] = { "--delay-ms", "50", NULL };
	char url[128];
	struct http_request rq;
	struct http_loop *l = http_loop_new();
	struct http_xfer *x;

	server_start(f, args, cases);
	rq = chat_request(f, url, sizeof url);
	x = http_xfer_start(l, &rq, NULL);
	f->sink.xfer = x;
	f->sink.cancel_inside = true;
	loop_drive(l, 3000);
	assert_int_equal(http_loop_running(l), 0);
	assert_int_equal(f->sink.calls, 1);
	assert_true(http_xfer_result(x)->done);
	assert_int_equal(http_xfer_result(x)->code, TS_ECANCEL);
	assert_string_equal(http_xfer_result(x)->msg, "cancelled");
	http_xfer_free(x);
	http_loop_free(l);
}

static void loop_wait_reports_readable_pipe(void **state)
{
	struct http_loop *l = http_loop_new();
	struct http_fd fds[2];
	int p[2], q[2];
	double t0;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	fds[0] = (struct http_fd){ .fd = p[0], .readable = true };
	fds[1] = (struct http_fd){ .fd = q[0], .readable = true };
	t0 = mono_ms();
	assert_int_equal(http_loop_wait(l, fds, 2, 60), TS_OK);
	assert_true(mono_ms() - t0 >= 50.0);
	assert_false(fds[0].readable);
	assert_false(fds[1].readable);
	assert_int_equal(write(q[1], "x", 1), 1);
	t0 = mono_ms();
	assert_int_equal(http_loop_wait(l, fds, 2, 5000), TS_OK);
	assert_true(mono_ms() - t0 < 1000.0);
	assert_false(fds[0].readable);
	assert_true(fds[1].readable);
	close(p[1]);
	assert_int_equal(http_loop_wait(l, fds, 1, 5000), TS_OK);
	assert_true(fds[0].readable);
	close(p[0]);
	close(q[0]);
	close(q[1]);
	http_loop_free(l);
}

static void url_origin_strips_user_path_and_query(void **state)
{
	static const struct {
		const char *url, *want;
	} cases[] = {
		{ "https://user:pw@api.example.com:8443/v1/chat?key=x", "https://api.example.com:8443" },
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
		{ "http://127.0.0.1:8080/", "http://127.0.0.1:8080" },
		{ "https://h.example?key=x", "https://h.example" },
		{ "https://h.example#frag", "https://h.example" },
		{ "http://[::1]:9/v1", "http://[::1]:9" },
		{ "localhost:8080/v1", "localhost:8080" },
		{ "http://a@b@c/x", "http://c" },
		{ "", "" },
	};
	char out[64], tiny[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		http_url_origin(cases[i].url, out, sizeof out);
		assert_string_equal(out, cases[i].want);
	}
	http_url_origin("https://api.example.com/v1", tiny, sizeof tiny);
	assert_int_equal(strlen(tiny), sizeof tiny - 1);
	http_url_origin(NULL, out, sizeof out);
	assert_string_equal(out, "");
}

#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(run_stream_recording_arrives_byte_identical),
		FX_TEST(run_sends_user_agent_auth_and_json_body),
		FX_TEST(run_without_body_gets_and_without_key_sends_no_auth),
		FX_TEST(run_401_recording_gives_status_and_exact_body),
		FX_TEST(run_auth_header_is_exactly_prefix_and_key),
		FX_TEST(run_cut_stream_ends_cleanly_with_the_bytes_sent),
		FX_TEST(refused_connection_is_enet_naming_host_not_key),
		FX_TEST(key_with_line_break_is_refused_without_echo),
		FX_TEST(callback_error_aborts_with_its_code),
		FX_TEST(idle_timeout_fires_after_silence),
		FX_TEST(loop_streams_recording_and_knows_status_early),
		FX_TEST(cancel_mid_stream_stops_callbacks),
		FX_TEST(cancel_from_inside_callback_is_final_at_once),
		cmocka_unit_test(loop_wait_reports_readable_pipe),
		cmocka_unit_test(url_origin_strips_user_path_and_query),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
