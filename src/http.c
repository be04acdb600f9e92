#include "src/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#define HTTP_LOCAL_FDS 8
#define HTTP_BUFFER_SIZE (64L * 1024)

struct http_loop {
	CURLM *multi;
	struct http_xfer *xfers;   /* every transfer not yet freed */
	int running;
};

struct http_xfer {
	struct http_loop *loop;
	struct http_xfer *next;
	CURL *easy;
	struct curl_slist *headers;
	char *auth_line;           /* "Name: prefixKEY"; wiped before it is freed */
	const char *key;           /* inside auth_line; NULL without a key */
	http_data_fn on_data;
	void *ctx;
	struct http_result result;
	double start_ms;
	double last_ms;            /* when a byte last moved (idle timeout) */
	curl_off_t sent;
	long idle_s;
	long connect_s;
	int cb_code;               /* what on_data returned when it stopped us */
	bool attached;             /* in the multi handle, still running */
	bool connected;
	bool cancel_pending;       /* cancelled from inside a callback */
	bool in_callback;
	char origin[256];
	const char *host;          /* inside origin, after "scheme://" */
	char errbuf[CURL_ERROR_SIZE];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? TS_OK : TS_ENET;
}

void http_global_cleanup(void)
{
	curl_global_cleanup();
}

void http_url_origin(const char *url, char *out, size_t outsz)
{
	const char *sep, *auth, *end, *at;
	size_t scheme = 0;

	if (!out || !outsz)
		return;
	if (!url)
		url = "";
	sep = strstr(url, "://");
	if (sep && (size_t)(sep - url) > strcspn(url, "/?#"))
		sep = NULL;
	auth = sep ? sep + 3 : url;
	if (sep)
		scheme = (size_t)(sep - url) + 3;
	end = auth + strcspn(auth, "/?#");
	for (at = auth; at < end; at++) {
		if (*at == '@')
			auth = at + 1;
	}
	snprintf(out, outsz, "%.*s%.*s", (int)scheme, url, (int)(end - auth), auth);
}

struct http_loop *http_loop_new(void)
{
	struct http_loop *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->multi = curl_multi_init();
	if (!l->multi) {
		free(l);
		return NULL;
	}
	return l;
}

void http_loop_free(struct http_loop *l)
{
	if (!l)
		return;
	while (l->xfers)
		http_xfer_free(l->xfers);
	curl_multi_cleanup(l->multi);
	free(l);
}

int http_loop_running(const struct http_loop *l)
{
	return l ? l->running : 0;
}

/* Removes the easy handle from the multi: the transfer stops here. */
static void xfer_detach(struct http_xfer *x)
{
	if (!x->attached)
		return;
	curl_multi_remove_handle(x->loop->multi, x->easy);
	x->attached = false;
	x->loop->running--;
}

/* Records the final status, content type and time. */
static void xfer_record(struct http_xfer *x, int code)
{
	struct http_result *r = &x->result;
	char *ct = NULL;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(r->content_type, sizeof r->content_type, "%s", ct);
	r->code = code;
	r->total_ms = now_ms() - x->start_ms;
	r->done = true;
}

/* One line, and never the key: a message holding it is replaced whole. */
static void xfer_clean_msg(struct http_xfer *x)
{
	char *m = x->result.msg;

	for (; *m; m++) {
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			*m = ' ';
	}
	if (x->key && strstr(x->result.msg, x->key))
		snprintf(x->result.msg, sizeof x->result.msg, "%s (details withheld)",
			 ts_strerror(x->result.code));
}

static void xfer_conclude(struct http_xfer *x, int code)
{
	xfer_record(x, code);
	if (code != TS_OK)
		xfer_clean_msg(x);
	xfer_detach(x);
}

static int xfer_msg(struct http_xfer *x, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int xfer_msg(struct http_xfer *x, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->result.msg, sizeof x->result.msg, fmt, ap);
	va_end(ap);
	return code;
}

static int xfer_curl_status(struct http_xfer *x, CURLcode rc)
{
	const char *why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
	long oserr = 0;

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
		return xfer_msg(x, TS_ENET, "cannot connect to %s: %s", x->host,
				oserr ? strerror((int)oserr) : why);
	case CURLE_COULDNT_RESOLVE_HOST:
		return xfer_msg(x, TS_ENET, "cannot resolve host %s", x->host);
	case CURLE_OPERATION_TIMEDOUT:
		if (!x->connected)
			return xfer_msg(x, TS_ETIMEOUT, "connect timeout: no connection to %s within %ld s",
					x->host, x->connect_s);
		return xfer_msg(x, TS_ETIMEOUT, "no data for %ld s from %s", x->idle_s, x->host);
	case CURLE_GOT_NOTHING:
		return xfer_msg(x, TS_ENET, "%s closed the connection without answering", x->host);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
		return xfer_msg(x, TS_ENET, "TLS error with %s: %s", x->host, why);
	default:
		return xfer_msg(x, TS_ENET, "%s: %s", x->host, why);
	}
}

/* Turns curl's verdict into the result. */
static void xfer_complete(struct http_xfer *x, CURLcode rc)
{
	int code;

	if (rc == CURLE_OK) {
		code = TS_OK;
	} else if (x->cb_code) {
		code = xfer_msg(x, x->cb_code, "transfer from %s stopped: %s", x->host,
				ts_strerror(x->cb_code));
	} else {
		if (!x->connected) {
			curl_off_t pre = 0;

			curl_easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
			x->connected = pre > 0;
		}
		code = xfer_curl_status(x, rc);
	}
	xfer_conclude(x, code);
}

static size_t xfer_on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct http_xfer *x = ud;
	size_t n = size * nmemb;
	int rc = TS_OK;

	x->last_ms = now_ms();
	if (x->cancel_pending)
		return 0;
	if (!n || !x->on_data)
		return n;
	x->in_callback = true;
	rc = x->on_data(x->ctx, p, n, x->last_ms - x->start_ms);
	x->in_callback = false;
	if (x->cancel_pending)
		return 0;
	if (rc != TS_OK) {
		x->cb_code = rc;
		return 0;
	}
	return n;
}

static size_t xfer_on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct http_xfer *x = ud;

	(void)p;
	x->last_ms = now_ms();
	x->connected = true;
	return x->cancel_pending ? 0 : size * nmemb;
}

static bool header_is_clean(const char *s)
{
	return !strpbrk(s, "\r\n");
}

static int xfer_add_header(struct http_xfer *x, const char *line)
{
	struct curl_slist *l = curl_slist_append(x->headers, line);

	if (!l)
		return TS_ENOMEM;
	x->headers = l;
	return TS_OK;
}

/* "Name: prefixKEY", kept only in memory we wipe. */
static int xfer_auth_header(struct http_xfer *x, const struct http_request *rq, struct ts_err *err)
{
	const char *prefix = rq->auth_prefix ? rq->auth_prefix : "";
	size_t head, len;

	if (!rq->auth_header || !rq->api_key || !*rq->api_key)
		return TS_OK;
	if (!header_is_clean(rq->api_key) || !header_is_clean(prefix) ||
	    !header_is_clean(rq->auth_header))
		return ts_err_set(err, TS_EINVAL, "the API key or its header holds a line break");
	head = strlen(rq->auth_header) + 2 + strlen(prefix);
	len = head + strlen(rq->api_key) + 1;
	x->auth_line = malloc(len);
	if (!x->auth_line)
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	snprintf(x->auth_line, len, "%s: %s%s", rq->auth_header, prefix, rq->api_key);
	x->key = x->auth_line + head;
	if (xfer_add_header(x, x->auth_line))
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	return TS_OK;
}

static int xfer_build_headers(struct http_xfer *x, const struct http_request *rq, struct ts_err *err)
{
	char line[256];
	size_t i;

	if (rq->body) {
		snprintf(line, sizeof line, "Content-Type: %s",
			 rq->content_type ? rq->content_type : "application/json");
		if (!header_is_clean(line))
			return ts_err_set(err, TS_EINVAL, "the content type holds a line break");
		if (xfer_add_header(x, line) || xfer_add_header(x, "Expect:"))
			return ts_err_set(err, TS_ENOMEM, "out of memory");
	}
	if (xfer_add_header(x, "Accept: text/event-stream, application/json"))
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	for (i = 0; i < HTTP_MAX_HEADERS && rq->extra_headers[i]; i++) {
		if (!header_is_clean(rq->extra_headers[i]))
			return ts_err_set(err, TS_EINVAL, "extra header %zu holds a line break", i + 1);
		if (xfer_add_header(x, rq->extra_headers[i]))
			return ts_err_set(err, TS_ENOMEM, "out of memory");
	}
	return xfer_auth_header(x, rq, err);
}

static int xfer_set_options(struct http_xfer *x, const struct http_request *rq)
{
	CURL *e = x->easy;
	CURLcode rc = CURLE_OK;

	rc |= curl_easy_setopt(e, CURLOPT_URL, rq->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)x);
	rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_BUFFERSIZE, HTTP_BUFFER_SIZE);
	rc |= curl_easy_setopt(e, CURLOPT_USERAGENT, "tokscope/" TOKSCOPE_VERSION);
	rc |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	rc |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, x->connect_s);
	rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, x->idle_s);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, xfer_on_body);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)x);
	rc |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, xfer_on_header);
	rc |= curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)x);
	if (rq->body) {
		rc |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
		rc |= curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, rq->body);
	}
	return rc == CURLE_OK ? TS_OK : TS_ENOMEM;
}

static void xfer_link(struct http_loop *l, struct http_xfer *x)
{
	x->loop = l;
	x->next = l->xfers;
	l->xfers = x;
}

static void xfer_unlink(struct http_xfer *x)
{
	struct http_xfer **pp = &x->loop->xfers;

	while (*pp && *pp != x)
		pp = &(*pp)->next;
	if (*pp)
		*pp = x->next;
}

struct http_xfer *http_xfer_start(struct http_loop *l, const struct http_request *rq,
				  struct ts_err *err)
{
	struct http_xfer *x;

	if (!l || !rq || !rq->url || !*rq->url) {
		ts_err_set(err, TS_EINVAL, "no URL to send the request to");
		return NULL;
	}
	x = calloc(1, sizeof *x);
	if (!x) {
		ts_err_set(err, TS_ENOMEM, "out of memory");
		return NULL;
	}
	xfer_link(l, x);
	http_url_origin(rq->url, x->origin, sizeof x->origin);
	x->host = strstr(x->origin, "://") ? strstr(x->origin, "://") + 3 : x->origin;
	x->on_data = rq->on_data;
	x->ctx = rq->ctx;
	x->connect_s = rq->connect_timeout_s > 0 ? rq->connect_timeout_s : 10;
	x->idle_s = rq->idle_timeout_s > 0 ? rq->idle_timeout_s : 60;
	x->easy = curl_easy_init();
	if (!x->easy) {
		ts_err_set(err, TS_ENOMEM, "out of memory");
		goto fail;
	}
	if (xfer_build_headers(x, rq, err))
		goto fail;
	if (xfer_set_options(x, rq) || curl_multi_add_handle(l->multi, x->easy) != CURLM_OK) {
		ts_err_set(err, TS_ENOMEM, "cannot set up the request to %s", x->host);
		goto fail;
	}
	x->attached = true;
	l->running++;
	x->start_ms = now_ms();
	x->last_ms = x->start_ms;
	return x;
fail:
	http_xfer_free(x);
	return NULL;
}

void http_xfer_cancel(struct http_xfer *x)
{
	if (!x || !x->attached || x->cancel_pending)
		return;
	x->cancel_pending = true;
	xfer_msg(x, TS_ECANCEL, "cancelled");
	if (x->in_callback) {
		/* curl forbids removing a handle from inside its callbacks: the
		 * result is final now, the write callback refuses the bytes and
		 * the next http_loop_perform removes the handle. */
		xfer_record(x, TS_ECANCEL);
		return;
	}
	xfer_conclude(x, TS_ECANCEL);
}

static void wipe(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
}

void http_xfer_free(struct http_xfer *x)
{
	struct curl_slist *h;

	if (!x)
		return;
	if (x->loop) {
		xfer_detach(x);
		xfer_unlink(x);
	}
	if (x->easy)
		curl_easy_cleanup(x->easy);
	for (h = x->headers; h; h = h->next)
		wipe(h->data);
	curl_slist_free_all(x->headers);
	wipe(x->auth_line);
	free(x->auth_line);
	free(x);
}

const struct http_result *http_xfer_result(const struct http_xfer *x)
{
	return &x->result;
}

long http_xfer_status(const struct http_xfer *x)
{
	long status = 0;

	if (!x || !x->easy)
		return 0;
	if (x->result.done)
		return x->result.status;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

/* Bytes going out count as activity too: a big request body takes time. */
static void xfer_note_upload(struct http_xfer *x, double now)
{
	curl_off_t sent = 0;

	curl_easy_getinfo(x->easy, CURLINFO_SIZE_UPLOAD_T, &sent);
	if (sent != x->sent) {
		x->sent = sent;
		x->last_ms = now;
	}
	if (!x->connected) {
		curl_off_t pre = 0;

		curl_easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
		if (pre > 0) {
			x->connected = true;
			x->last_ms = now;
		}
	}
}

/* curl's low-speed check averages over a window of seconds, so a burst
 * keeps it quiet for a while; this enforces "no byte for idle_s" exactly.
 * The connect phase is left to the connect timeout. */
static void loop_check_idle(struct http_loop *l)
{
	struct http_xfer *x;
	double now = now_ms();

	for (x = l->xfers; x; x = x->next) {
		if (!x->attached || x->cancel_pending)
			continue;
		xfer_note_upload(x, now);
		if (x->connected && now - x->last_ms >= (double)x->idle_s * 1000.0) {
			xfer_msg(x, TS_ETIMEOUT, "no data for %ld s from %s", x->idle_s, x->host);
			xfer_conclude(x, TS_ETIMEOUT);
		}
	}
}

/* The wait never outlasts the nearest idle deadline. */
static int loop_cap_timeout(const struct http_loop *l, int timeout_ms)
{
	const struct http_xfer *x;
	double now = now_ms();

	if (timeout_ms < 0)
		timeout_ms = 0;
	for (x = l->xfers; x; x = x->next) {
		double left;

		if (!x->attached || !x->connected)
			continue;
		left = x->last_ms + (double)x->idle_s * 1000.0 - now + 1.0;
		if (left < 0)
			left = 0;
		if (left < (double)timeout_ms)
			timeout_ms = (int)left;
	}
	return timeout_ms;
}

int http_loop_wait(struct http_loop *l, struct http_fd *fds, size_t nfds, int timeout_ms)
{
	struct curl_waitfd local[HTTP_LOCAL_FDS];
	struct curl_waitfd *w = local;
	CURLMcode mc;
	size_t i;

	if (nfds > HTTP_LOCAL_FDS) {
		w = calloc(nfds, sizeof *w);
		if (!w)
			return TS_ENOMEM;
	}
	for (i = 0; i < nfds; i++) {
		w[i] = (struct curl_waitfd){ .fd = fds[i].fd, .events = CURL_WAIT_POLLIN };
		fds[i].readable = false;
	}
	mc = curl_multi_poll(l->multi, nfds ? w : NULL, (unsigned)nfds, loop_cap_timeout(l, timeout_ms),
			     NULL);
	for (i = 0; mc == CURLM_OK && i < nfds; i++)
		fds[i].readable = (w[i].revents & CURL_WAIT_POLLIN) != 0;
	if (w != local)
		free(w);
	return mc == CURLM_OK ? TS_OK : TS_ENET;
}

int http_loop_perform(struct http_loop *l)
{
	int still = 0;
	int left = 0;

	curl_multi_perform(l->multi, &still);
	for (;;) {
		CURLMsg *m = curl_multi_info_read(l->multi, &left);
		struct http_xfer *x;
		char *priv = NULL;

		if (!m)
			break;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		x = (struct http_xfer *)(void *)priv;
		if (x && x->cancel_pending)
			xfer_detach(x);
		else if (x && x->attached)
			xfer_complete(x, m->data.result);
	}
	loop_check_idle(l);
	return l->running;
}

int http_run(const struct http_request *rq, struct http_result *result)
{
	struct http_loop *l = http_loop_new();
	struct http_xfer *x;
	struct ts_err err;

	*result = (struct http_result){ .done = true, .code = TS_ENOMEM };
	snprintf(result->msg, sizeof result->msg, "out of memory");
	if (!l)
		return result->code;
	ts_err_clear(&err);
	x = http_xfer_start(l, rq, &err);
	if (!x) {
		result->code = err.code;
		snprintf(result->msg, sizeof result->msg, "%s", ts_err_msg(&err));
		http_loop_free(l);
		return result->code;
	}
	while (http_loop_running(l) > 0) {
		if (http_loop_wait(l, NULL, 0, 1000) != TS_OK)
			break;
		http_loop_perform(l);
	}
	if (x->attached) {
		xfer_msg(x, TS_ENET, "waiting for %s failed", x->host);
		xfer_conclude(x, TS_ENET);
	}
	*result = x->result;
	http_loop_free(l);
	return result->code;
}
