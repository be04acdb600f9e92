/* test_sse.c — the SSE parser against the real recordings (whole, split at
 * every offset, in random pieces, one byte at a time) and hand-written
 * edge cases of the line and field rules. */
#include <dirent.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "src/sse.h"
#include "tests/unit/testutil.h"

/* ---- recording events ------------------------------------------------- */

struct rec_event {
	char *event;
	char *data;
	size_t data_len;
	char *error;  /* NULL when the event had none */
	size_t error_len;
	char *id;
	bool done;
};

struct rec {
	struct rec_event *ev;
	size_t n, cap;
	int stop_at;      /* 1-based event number on which to return stop_rc; 0 never */
	int stop_rc;
	const char *stop_msg;  /* NULL: the callback leaves err alone */
};

static char *mem_dup(const char *p, size_t n)
{
	char *q = malloc(n + 1);

	assert_non_null(q);
	memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

static int rec_cb(void *ctx, const struct sse_event *ev, struct ts_err *err)
{
	struct rec *r = ctx;
	struct rec_event *e;

	assert_non_null(ev->event);
	assert_non_null(ev->data);
	assert_non_null(ev->id);
	assert_int_equal(ev->data[ev->data_len], '\0');
	if (ev->error)
		assert_int_equal(ev->error[ev->error_len], '\0');
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->ev = realloc(r->ev, r->cap * sizeof(*r->ev));
		assert_non_null(r->ev);
	}
	e = &r->ev[r->n++];
	*e = (struct rec_event){
		.event = mem_dup(ev->event, strlen(ev->event)),
		.data = mem_dup(ev->data, ev->data_len),
		.data_len = ev->data_len,
		.error = ev->error ? mem_dup(ev->error, ev->error_len) : NULL,
		.error_len = ev->error_len,
		.id = mem_dup(ev->id, strlen(ev->id)),
		.done = ev->done,
	};
	if (r->stop_at && (size_t)r->stop_at == r->n) {
		if (r->stop_msg)
			return ts_err_set(err, r->stop_rc, "%s", r->stop_msg);
		return r->stop_rc;
	}
	return TS_OK;
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->ev[i].event);
		free(r->ev[i].data);
		free(r->ev[i].error);
		free(r->ev[i].id);
	}
	free(r->ev);
	memset(r, 0, sizeof(*r));
}

/* Feeds text in the given pieces (piece lengths; the rest, if any, in one
 * last feed), then finishes. Returns the first non-OK status. */
static int parse_pieces(struct rec *r, size_t max_line, const char *text, size_t len,
			const size_t *pieces, size_t npieces, struct ts_err *err)
{
	struct sse_parser *p = sse_parser_new(max_line, rec_cb, r);
	size_t off = 0;
	int rc = TS_OK;

	assert_non_null(p);
	for (size_t i = 0; i < npieces && rc == TS_OK && off < len; i++) {
		size_t k = pieces[i] < len - off ? pieces[i] : len - off;
		rc = sse_parser_feed(p, text + off, k, err);
		off += k;
	}
	if (rc == TS_OK && off < len)
		rc = sse_parser_feed(p, text + off, len - off, err);
	if (rc == TS_OK)
		rc = sse_parser_finish(p, err);
	assert_int_equal(sse_parser_events(p), r->n);
	sse_parser_free(p);
	return rc;
}

static int parse_whole(struct rec *r, const char *text, struct ts_err *err)
{
	return parse_pieces(r, 0, text, strlen(text), NULL, 0, err);
}

static int parse_bytewise(struct rec *r, size_t max_line, const char *text, size_t len,
			  struct ts_err *err)
{
	struct sse_parser *p = sse_parser_new(max_line, rec_cb, r);
	int rc = TS_OK;

	assert_non_null(p);
	for (size_t i = 0; i < len && rc == TS_OK; i++)
		rc = sse_parser_feed(p, text + i, 1, err);
	if (rc == TS_OK)
		rc = sse_parser_finish(p, err);
	sse_parser_free(p);
	return rc;
}

/* ---- comparing against a reference parse without allocating ----------- */

struct check {
	const struct rec *want;
	size_t i;
	size_t mismatches;
};

static bool bytes_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static int check_cb(void *ctx, const struct sse_event *ev, struct ts_err *err)
{
	struct check *c = ctx;
	const struct rec_event *w;

	(void)err;
	if (c->i >= c->want->n) {
		c->mismatches++;
		return TS_EINVAL;
	}
	w = &c->want->ev[c->i++];
	if (!bytes_equal(ev->data, ev->data_len, w->data, w->data_len) || ev->done != w->done ||
	    strcmp(ev->event, w->event) != 0 || strcmp(ev->id, w->id) != 0 ||
	    !ev->error != !w->error ||
	    (ev->error && !bytes_equal(ev->error, ev->error_len, w->error, w->error_len))) {
		c->mismatches++;
		return TS_EINVAL;
	}
	return TS_OK;
}

/* Parses text split at cut (two feeds) and checks the events equal want. */
static void check_split(const struct rec *want, const char *text, size_t len, size_t cut,
			const char *name)
{
	struct check c = { .want = want };
	struct sse_parser *p = sse_parser_new(0, check_cb, &c);
	int rc;

	assert_non_null(p);
	rc = sse_parser_feed(p, text, cut, NULL);
	if (rc == TS_OK)
		rc = sse_parser_feed(p, text + cut, len - cut, NULL);
	if (rc == TS_OK)
		rc = sse_parser_finish(p, NULL);
	sse_parser_free(p);
	if (rc != TS_OK || c.mismatches || c.i != want->n)
		fail_msg("%s split at %zu: rc %d, %zu of %zu events, %zu mismatches", name, cut, rc,
			 c.i, want->n, c.mismatches);
}

static void assert_recs_equal(const struct rec *a, const struct rec *b, const char *name)
{
	if (a->n != b->n)
		fail_msg("%s: %zu events vs %zu", name, a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct rec_event *x = &a->ev[i], *y = &b->ev[i];

		if (!bytes_equal(x->data, x->data_len, y->data, y->data_len) || x->done != y->done ||
		    strcmp(x->event, y->event) != 0 || strcmp(x->id, y->id) != 0 ||
		    !x->error != !y->error ||
		    (x->error && !bytes_equal(x->error, x->error_len, y->error, y->error_len)))
			fail_msg("%s: event %zu differs", name, i);
	}
}

/* ---- finding the recordings ------------------------------------------- */

#define MAX_RECORDINGS 256

struct recordings {
	char *path[MAX_RECORDINGS];  /* case directories */
	size_t n;
};

static void path_join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	assert_true(n > 0 && (size_t)n < size);
}

static bool is_event_stream_case(const char *dir)
{
	char path[1024];
	struct stat st;
	char *headers;
	bool yes;

	path_join(path, sizeof(path), dir, "headers.txt");
	if (stat(path, &st) != 0)
		return false;
	headers = tu_read_file(path, NULL);
	yes = strstr(headers, "text/event-stream") != NULL;
	free(headers);
	path_join(path, sizeof(path), dir, "response");
	return yes && stat(path, &st) == 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks tests/fixtures (sets hold cases directly or one level down). */
static void recordings_scan(struct recordings *rs, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[1024];
	struct stat st;

	assert_non_null(d);
	for (de = readdir(d); de != NULL; de = readdir(d)) {
		/* Only recorded streams: the fixtures built from documentation
		 * use event: fields and CRLF, as their providers do. */
		if (de->d_name[0] == '.' || (depth == 1 && strcmp(de->d_name, "doc-shapes") == 0))
			continue;
		path_join(path, sizeof(path), dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if (is_event_stream_case(path)) {
			assert_true(rs->n < MAX_RECORDINGS);
			rs->path[rs->n++] = mem_dup(path, strlen(path));
		} else if (depth < 3) {
			recordings_scan(rs, path, depth + 1);
		}
	}
	closedir(d);
}

static void recordings_load(struct recordings *rs)
{
	memset(rs, 0, sizeof(*rs));
	recordings_scan(rs, "tests/fixtures", 1);
	qsort(rs->path, rs->n, sizeof(rs->path[0]), name_cmp);
	/* 44 streamed recordings at the time of writing; guard against a scan
	 * that silently finds nothing. */
	assert_true(rs->n >= 44);
}

static void recordings_free(struct recordings *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->path[i]);
}

static char *recording_read(const char *dir, size_t *len)
{
	char path[1024];

	path_join(path, sizeof(path), dir, "response");
	return tu_read_file(path, len);
}

/* ---- the recordings --------------------------------------------------- */

/* An independent reading of the recordings, which use only LF and one
 * field per event: blocks end with "\n\n", each is "data: X" or "error: X". */
static void recordings_match_a_plain_reading_when_fed_whole(void **state)
{
	struct recordings rs;

	(void)state;
	recordings_load(&rs);
	for (size_t i = 0; i < rs.n; i++) {
		size_t len, k = 0;
		char *text = recording_read(rs.path[i], &len);
		struct rec r = { 0 };
		const char *s = text, *e;

		assert_int_equal(parse_whole(&r, text, NULL), TS_OK);
		for (e = strstr(s, "\n\n"); e != NULL; s = e + 2, e = strstr(s, "\n\n"), k++) {
			struct rec_event *ev;

			assert_true(k < r.n);
			ev = &r.ev[k];
			if (strncmp(s, "error: ", 7) == 0) {
				assert_non_null(ev->error);
				assert_true(bytes_equal(ev->error, ev->error_len, s + 7, (size_t)(e - s - 7)));
				assert_int_equal(ev->data_len, 0);
			} else {
				assert_true(strncmp(s, "data: ", 6) == 0);
				assert_null(ev->error);
				assert_true(bytes_equal(ev->data, ev->data_len, s + 6, (size_t)(e - s - 6)));
				assert_int_equal(ev->done, strcmp(ev->data, "[DONE]") == 0);
			}
			assert_string_equal(ev->event, "");
			assert_string_equal(ev->id, "");
		}
		if (k != r.n)
			fail_msg("%s: %zu blocks, %zu events", rs.path[i], k, r.n);
		assert_int_equal(*s, '\0');
		rec_free(&r);
		free(text);
	}
	recordings_free(&rs);
}

static void recordings_give_the_same_events_split_at_every_offset(void **state)
{
	struct recordings rs;
	size_t tested = 0;

	(void)state;
	recordings_load(&rs);
	for (size_t i = 0; i < rs.n; i++) {
		size_t len;
		char *text = recording_read(rs.path[i], &len);
		struct rec want = { 0 };
		size_t step = tu_quick() ? 37 : 1;

		assert_int_equal(parse_whole(&want, text, NULL), TS_OK);
		assert_true(want.n > 0);
		if (len < 64 * 1024) {
			for (size_t cut = 0; cut <= len; cut += step)
				check_split(&want, text, len, cut, rs.path[i]);
			tested++;
		}
		rec_free(&want);
		free(text);
	}
	assert_true(tested >= 40);
	recordings_free(&rs);
}

static void recordings_give_the_same_events_in_random_pieces(void **state)
{
	struct recordings rs;
	uint32_t seed = 20250214;
	size_t pieces[64];

	(void)state;
	recordings_load(&rs);
	for (size_t i = 0; i < rs.n; i++) {
		size_t len;
		char *text = recording_read(rs.path[i], &len);
		struct rec want = { 0 };
		int rounds = tu_quick() ? 10 : 200;

		assert_int_equal(parse_whole(&want, text, NULL), TS_OK);
		for (int round = 0; round < rounds; round++) {
			struct rec got = { 0 };
			/* Mostly short pieces, so that many line ends fall at edges. */
			size_t span = 1 + (round % 2 ? len / 32 : 64);

			for (size_t k = 0; k < 64; k++)
				pieces[k] = tu_rand(&seed) % span;
			assert_int_equal(parse_pieces(&got, 0, text, len, pieces, 64, NULL), TS_OK);
			assert_recs_equal(&want, &got, rs.path[i]);
			rec_free(&got);
		}
		rec_free(&want);
		free(text);
	}
	recordings_free(&rs);
}

static void recordings_give_the_same_events_one_byte_at_a_time(void **state)
{
	struct recordings rs;

	(void)state;
	recordings_load(&rs);
	for (size_t i = 0; i < rs.n; i++) {
		size_t len;
		char *text = recording_read(rs.path[i], &len);
		struct rec want = { 0 }, got = { 0 };

		assert_int_equal(parse_whole(&want, text, NULL), TS_OK);
		assert_int_equal(parse_bytewise(&got, 0, text, len, NULL), TS_OK);
		assert_recs_equal(&want, &got, rs.path[i]);
		rec_free(&want);
		rec_free(&got);
		free(text);
	}
	recordings_free(&rs);
}

static void parse_fixture(struct rec *r, const char *set, const char *cas)
{
	char path[512];
	size_t len;
	char *text = tu_read_file(tu_fixture(path, sizeof(path), set, cas, "response"), &len);

	assert_int_equal(parse_pieces(r, 0, text, len, NULL, 0, NULL), TS_OK);
	free(text);
}

static void llamacpp_midstream_error_line_becomes_an_error_event_before_done(void **state)
{
	struct rec r = { 0 };
	static const char want[] =
		"{\"code\":500,\"message\":\"context shift is disabled\",\"type\":\"server_error\"}";

	(void)state;
	parse_fixture(&r, "llamacpp-stories260k", "g_error_context_full_midstream");
	/* 13 chunks, then the error line, then data: [DONE]. */
	assert_int_equal(r.n, 15);
	for (size_t i = 0; i < 13; i++) {
		assert_null(r.ev[i].error);
		assert_false(r.ev[i].done);
		assert_true(strncmp(r.ev[i].data, "{\"choices\":[", 12) == 0);
	}
	assert_non_null(r.ev[13].error);
	assert_string_equal(r.ev[13].error, want);
	assert_int_equal(r.ev[13].error_len, strlen(want));
	assert_string_equal(r.ev[13].data, "");
	assert_false(r.ev[13].done);
	assert_true(r.ev[14].done);
	assert_null(r.ev[14].error);
	assert_string_equal(r.ev[14].data, "[DONE]");
	rec_free(&r);
}

static void llamacpp_error_before_any_data_is_one_event(void **state)
{
	struct rec r = { 0 };

	(void)state;
	parse_fixture(&r, "llamacpp-stories260k", "g_error_context_exceeded_stream");
	assert_int_equal(r.n, 2);
	assert_non_null(r.ev[0].error);
	assert_true(strncmp(r.ev[0].error, "{\"code\":400,\"message\":\"the request exceeds", 42) == 0);
	assert_int_equal(r.ev[0].error[r.ev[0].error_len - 1], '}');
	assert_true(r.ev[1].done);
	rec_free(&r);
}

static void mailcls_stream_has_five_chunks_and_done(void **state)
{
	struct rec r = { 0 };
	static const char first[] =
		"{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"s\"}";

	(void)state;
	parse_fixture(&r, "llamacpp-mailcls/mailcls-190K", "b_work_spam_tie_email_stream");
	assert_int_equal(r.n, 6);
	for (size_t i = 0; i < 5; i++) {
		assert_false(r.ev[i].done);
		assert_true(r.ev[i].data_len > 100);
		assert_int_equal(r.ev[i].data[0], '{');
		assert_int_equal(r.ev[i].data[r.ev[i].data_len - 1], '}');
	}
	assert_true(strncmp(r.ev[0].data, first, strlen(first)) == 0);
	assert_true(r.ev[5].done);
	rec_free(&r);
}

static void native_completion_stream_has_no_done_marker(void **state)
{
	struct rec r = { 0 };

	(void)state;
	parse_fixture(&r, "llamacpp-mailcls/mailcls-1M", "g_native_completion_n_probs_stream");
	assert_true(r.n > 1);
	for (size_t i = 0; i < r.n; i++)
		assert_false(r.ev[i].done);
	assert_true(strncmp(r.ev[0].data, "{\"index\":0,\"content\":\"p\"", 24) == 0);
	assert_non_null(strstr(r.ev[r.n - 1].data, "\"stop\":true"));
	rec_free(&r);
}

/* ---- line ends -------------------------------------------------------- */

/* Checks text gives the events "data|data|..." (data of each event joined
 * with '|') whole, at every two-piece split and one byte at a time. */
static void assert_datas_every_way(const char *text, const char *want)
{
	size_t len = strlen(text);

	for (size_t cut = 0; cut <= len + 1; cut++) {
		struct rec r = { 0 };
		char got[512] = "";
		size_t one = cut;

		if (cut <= len)
			assert_int_equal(parse_pieces(&r, 0, text, len, &one, 1, NULL), TS_OK);
		else
			assert_int_equal(parse_bytewise(&r, 0, text, len, NULL), TS_OK);
		for (size_t i = 0; i < r.n; i++) {
			size_t at = strlen(got);

			snprintf(got + at, sizeof(got) - at, "%s%s", i ? "|" : "", r.ev[i].data);
		}
		if (strcmp(got, want) != 0)
			fail_msg("split at %zu: got \"%s\", want \"%s\"", cut, got, want);
		rec_free(&r);
	}
}

static void crlf_line_ends(void **state)
{
	(void)state;
	assert_datas_every_way("data: a\r\n\r\ndata: b\r\ndata: c\r\n\r\n", "a|b\nc");
}

static void cr_only_line_ends(void **state)
{
	(void)state;
	assert_datas_every_way("data: a\r\rdata: b\rdata: c\r\r", "a|b\nc");
}

static void mixed_line_ends(void **state)
{
	(void)state;
	assert_datas_every_way("data: a\n\r\ndata: b\rdata: c\r\n\ndata: d\n\r", "a|b\nc|d");
}

static void crlf_split_between_feeds_is_one_line_end(void **state)
{
	struct rec r = { 0 };
	struct sse_parser *p = sse_parser_new(0, rec_cb, &r);

	(void)state;
	assert_non_null(p);
	assert_int_equal(sse_parser_feed(p, "data: a\r", 8, NULL), TS_OK);
	/* An empty feed in between does not forget the CR. */
	assert_int_equal(sse_parser_feed(p, "", 0, NULL), TS_OK);
	assert_int_equal(sse_parser_feed(p, "\ndata: b\r", 9, NULL), TS_OK);
	assert_int_equal(r.n, 0);  /* the LF after "a\r" is not a blank line */
	assert_int_equal(sse_parser_feed(p, "\n", 1, NULL), TS_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(sse_parser_feed(p, "\r", 1, NULL), TS_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ev[0].data, "a\nb");
	/* Only one LF is swallowed: CR | LF LF is a line end and a blank line. */
	assert_int_equal(sse_parser_feed(p, "data: c\r", 8, NULL), TS_OK);
	assert_int_equal(sse_parser_feed(p, "\n\n", 2, NULL), TS_OK);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ev[1].data, "c");
	assert_int_equal(sse_parser_finish(p, NULL), TS_OK);
	assert_int_equal(r.n, 2);
	sse_parser_free(p);
	rec_free(&r);
}

static void cr_at_end_of_input_ends_the_last_line(void **state)
{
	struct rec r = { 0 };
	struct sse_parser *p = sse_parser_new(0, rec_cb, &r);

	(void)state;
	assert_non_null(p);
	assert_int_equal(sse_parser_feed(p, "data: z\r", 8, NULL), TS_OK);
	assert_int_equal(sse_parser_finish(p, NULL), TS_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ev[0].data, "z");
	sse_parser_free(p);
	rec_free(&r);
}

/* ---- fields ----------------------------------------------------------- */

static void multi_line_data_joins_with_newline(void **state)
{
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_whole(&r, "data: {\"a\":\ndata:  1}\ndata:\ndata: end\n\n", NULL),
			 TS_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ev[0].data, "{\"a\":\n 1}\n\nend");
	assert_int_equal(r.ev[0].data_len, 14);
	assert_false(r.ev[0].done);
	rec_free(&r);
}

static void comments_are_ignored_and_alone_dispatch_nothing(void **state)
{
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_whole(&r, ":\n: keep-alive\n\n:data: x\n\ndata: a\n: mid\ndata: b\n\n",
				     NULL), TS_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ev[0].data, "a\nb");
	rec_free(&r);
}

static void event_name_applies_to_one_event_and_id_persists(void **state)
{
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_whole(&r,
				     "event: delta\nid: 7\ndata: one\n\n"
				     "data: two\n\n"
				     "event: stale\n\n"     /* no data: dropped, and so is its name */
				     "data: three\nevent: x\nevent: last\nid:\n\n"
				     "id: 9\n\n"            /* no event, but the id is kept */
				     "data: four\n\n",
				     NULL), TS_OK);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.ev[0].event, "delta");
	assert_string_equal(r.ev[0].id, "7");
	assert_string_equal(r.ev[1].event, "");
	assert_string_equal(r.ev[1].id, "7");
	assert_string_equal(r.ev[2].event, "last");
	assert_string_equal(r.ev[2].id, "");
	assert_string_equal(r.ev[2].data, "three");
	assert_string_equal(r.ev[3].event, "");
	assert_string_equal(r.ev[3].id, "9");
	rec_free(&r);
}

static void id_containing_nul_is_ignored(void **state)
{
	static const char text[] = "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n";
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_pieces(&r, 0, text, sizeof(text) - 1, NULL, 0, NULL), TS_OK);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ev[1].id, "1");
	rec_free(&r);
}

static void field_without_colon_has_an_empty_value(void **state)
{
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_whole(&r, "data\n\ndata\ndata\n\nevent\ndata: x\n\nerror\n\n", NULL),
			 TS_OK);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.ev[0].data, "");
	assert_int_equal(r.ev[0].data_len, 0);
	assert_null(r.ev[0].error);
	assert_string_equal(r.ev[1].data, "\n");
	assert_string_equal(r.ev[2].event, "");
	assert_string_equal(r.ev[2].data, "x");
	assert_non_null(r.ev[3].error);
	assert_string_equal(r.ev[3].error, "");
	rec_free(&r);
}

static void only_one_leading_space_is_dropped(void **state)
{
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_whole(&r,
				     "data:x\n\ndata:  two\n\ndata: \n\ndata:\tt\n\nevent:  e\ndata: y \n\n",
				     NULL), TS_OK);
	assert_int_equal(r.n, 5);
	assert_string_equal(r.ev[0].data, "x");
	assert_string_equal(r.ev[1].data, " two");
	assert_string_equal(r.ev[2].data, "");
	assert_string_equal(r.ev[3].data, "\tt");
	assert_string_equal(r.ev[4].event, " e");
	assert_string_equal(r.ev[4].data, "y ");
	rec_free(&r);
}

static void unknown_fields_are_ignored(void **state)
{
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_whole(&r, "retry: 100\nfoo: bar\n\nData: no\n\ndata : no\n\n"
					 "datax: no\nretry: 5\ndata: yes\n\n", NULL), TS_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ev[0].data, "yes");
	rec_free(&r);
}

static void done_marker_must_be_exact(void **state)
{
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_whole(&r, "data: [DONE]\n\ndata:[DONE]\n\ndata: [DONE] \n\n"
					 "data: [DONE]\ndata: x\n\ndata:  [DONE]\n\ndata: [done]\n\n",
				     NULL), TS_OK);
	assert_int_equal(r.n, 6);
	assert_true(r.ev[0].done);
	assert_true(r.ev[1].done);
	assert_false(r.ev[2].done);
	assert_false(r.ev[3].done);
	assert_false(r.ev[4].done);
	assert_false(r.ev[5].done);
	rec_free(&r);
}

static void error_lines_join_and_may_come_with_data(void **state)
{
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_whole(&r, "error: one\nerror:two\n\ndata: d\nerror: e\n\ndata: n\n\n",
				     NULL), TS_OK);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ev[0].error, "one\ntwo");
	assert_int_equal(r.ev[0].error_len, 7);
	assert_string_equal(r.ev[0].data, "");
	assert_string_equal(r.ev[1].error, "e");
	assert_string_equal(r.ev[1].data, "d");
	assert_null(r.ev[2].error);
	assert_int_equal(r.ev[2].error_len, 0);
	rec_free(&r);
}

static void data_may_hold_nul_bytes(void **state)
{
	static const char text[] = "data: a\0b\n\n";
	struct rec r = { 0 };

	(void)state;
	assert_int_equal(parse_pieces(&r, 0, text, sizeof(text) - 1, NULL, 0, NULL), TS_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].data_len, 3);
	assert_memory_equal(r.ev[0].data, "a\0b", 3);
	rec_free(&r);
}

/* ---- limits and failures ---------------------------------------------- */

static void line_at_the_limit_passes_one_over_fails_every_way(void **state)
{
	/* "data: " + 10 bytes = 16 bytes: exactly the limit. */
	static const char ok[] = "data: 0123456789\n\n";
	static const char over[] = "data: a\n\ndata: 0123456789X\n\ndata: b\n\n";
	size_t len = strlen(over);

	(void)state;
	for (size_t cut = 0; cut <= strlen(ok); cut++) {
		struct rec r = { 0 };

		assert_int_equal(parse_pieces(&r, 16, ok, strlen(ok), &cut, 1, NULL), TS_OK);
		assert_int_equal(r.n, 1);
		rec_free(&r);
	}
	for (size_t cut = 0; cut <= len + 1; cut++) {
		struct rec r = { 0 };
		struct ts_err err;
		int rc = cut <= len ? parse_pieces(&r, 16, over, len, &cut, 1, &err)
				    : parse_bytewise(&r, 16, over, len, &err);

		assert_int_equal(rc, TS_ETOOBIG);
		assert_int_equal(err.code, TS_ETOOBIG);
		assert_string_equal(err.msg, "event stream line longer than 16 bytes");
		assert_int_equal(r.n, 1);  /* the event before the long line only */
		assert_string_equal(r.ev[0].data, "a");
		rec_free(&r);
	}
}

static void long_line_fails_before_its_end_arrives_and_keeps_failing(void **state)
{
	struct rec r = { 0 };
	struct sse_parser *p = sse_parser_new(16, rec_cb, &r);
	struct ts_err err;

	(void)state;
	assert_non_null(p);
	assert_int_equal(sse_parser_feed(p, "data: 01234", 11, &err), TS_OK);
	assert_int_equal(sse_parser_feed(p, "56789", 5, &err), TS_OK);
	assert_int_equal(sse_parser_feed(p, "X", 1, &err), TS_ETOOBIG);
	assert_string_equal(err.msg, "event stream line longer than 16 bytes");
	ts_err_clear(&err);
	assert_int_equal(sse_parser_feed(p, "\n\ndata: ok\n\n", 12, &err), TS_ETOOBIG);
	assert_string_equal(err.msg, "event stream line longer than 16 bytes");
	assert_int_equal(sse_parser_finish(p, &err), TS_ETOOBIG);
	assert_int_equal(sse_parser_feed(p, "", 0, NULL), TS_ETOOBIG);
	assert_int_equal(r.n, 0);
	assert_int_equal(sse_parser_events(p), 0);
	sse_parser_free(p);
	rec_free(&r);
}

static void default_limit_is_named_in_the_message(void **state)
{
	size_t len = SSE_DEFAULT_MAX_LINE + 1;
	char *line = malloc(len + 1);
	struct rec r = { 0 };
	struct ts_err err;

	(void)state;
	assert_non_null(line);
	memset(line, 'x', len);
	memcpy(line, "data: ", 6);
	line[len] = '\n';
	assert_int_equal(parse_pieces(&r, 0, line, len - 1, NULL, 0, &err), TS_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].data_len, SSE_DEFAULT_MAX_LINE - 6);
	rec_free(&r);
	assert_int_equal(parse_pieces(&r, 0, line, len + 1, NULL, 0, &err), TS_ETOOBIG);
	assert_string_equal(err.msg, "event stream line longer than 4194304 bytes");
	rec_free(&r);
	free(line);
}

static void event_data_is_bounded_too(void **state)
{
	struct rec r = { 0 };
	struct ts_err err;

	(void)state;
	/* Each line is within the limit of 16; joined they are not. */
	assert_int_equal(parse_pieces(&r, 16, "data: 0123456789\ndata: 01234\n\n", 30, NULL, 0, &err),
			 TS_OK);
	assert_int_equal(r.ev[0].data_len, 16);
	rec_free(&r);
	assert_int_equal(parse_pieces(&r, 16, "data: 0123456789\ndata: 012345\n\n", 31, NULL, 0, &err),
			 TS_ETOOBIG);
	assert_string_equal(err.msg, "event stream event data longer than 16 bytes");
	assert_int_equal(r.n, 0);
	rec_free(&r);
}

static void finish_dispatches_a_pending_event(void **state)
{
	struct rec r = { 0 };

	(void)state;
	/* Line ended but no blank line. */
	assert_int_equal(parse_whole(&r, "data: a\n\ndata: b\n", NULL), TS_OK);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ev[1].data, "b");
	rec_free(&r);
	/* Not even the line end. */
	assert_int_equal(parse_whole(&r, "data: a\n\ndata: b\ndata: c", NULL), TS_OK);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ev[1].data, "b\nc");
	rec_free(&r);
	assert_int_equal(parse_whole(&r, "error: gone", NULL), TS_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ev[0].error, "gone");
	rec_free(&r);
	/* Nothing pending: nothing dispatched. */
	assert_int_equal(parse_whole(&r, "data: a\n\nevent: e\nid: 3\n: c", NULL), TS_OK);
	assert_int_equal(r.n, 1);
	rec_free(&r);
	assert_int_equal(parse_whole(&r, "", NULL), TS_OK);
	assert_int_equal(r.n, 0);
	rec_free(&r);
}

static void callback_error_stops_the_parser(void **state)
{
	struct rec r = { .stop_at = 2, .stop_rc = TS_ESHAPE, .stop_msg = "no choices in chunk" };
	struct sse_parser *p = sse_parser_new(0, rec_cb, &r);
	struct ts_err err;

	(void)state;
	assert_non_null(p);
	assert_int_equal(sse_parser_feed(p, "data: 1\n\ndata: 2\n\ndata: 3\n\n", 27, &err),
			 TS_ESHAPE);
	assert_int_equal(err.code, TS_ESHAPE);
	assert_string_equal(err.msg, "no choices in chunk");
	assert_int_equal(r.n, 2);  /* the third event in the same feed never came */
	ts_err_clear(&err);
	assert_int_equal(sse_parser_feed(p, "data: 4\n\n", 9, &err), TS_ESHAPE);
	assert_string_equal(err.msg, "no choices in chunk");
	assert_int_equal(sse_parser_finish(p, &err), TS_ESHAPE);
	assert_int_equal(r.n, 2);
	assert_int_equal(sse_parser_events(p), 2);
	sse_parser_free(p);
	rec_free(&r);
}

static void callback_error_without_message_gets_the_default_one(void **state)
{
	struct rec r = { .stop_at = 1, .stop_rc = TS_ECANCEL };
	struct ts_err err;

	(void)state;
	assert_int_equal(parse_whole(&r, "data: 1\n\ndata: 2\n\n", &err), TS_ECANCEL);
	assert_int_equal(err.code, TS_ECANCEL);
	assert_string_equal(err.msg, ts_strerror(TS_ECANCEL));
	assert_int_equal(r.n, 1);
	rec_free(&r);
	/* Also when the error comes from finish(). */
	r = (struct rec){ .stop_at = 1, .stop_rc = TS_ESERVER, .stop_msg = "boom" };
	assert_int_equal(parse_whole(&r, "data: 1", &err), TS_ESERVER);
	assert_string_equal(err.msg, "boom");
	rec_free(&r);
}

static void free_null_is_a_no_op(void **state)
{
	(void)state;
	sse_parser_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recordings_match_a_plain_reading_when_fed_whole),
		cmocka_unit_test(recordings_give_the_same_events_split_at_every_offset),
		cmocka_unit_test(recordings_give_the_same_events_in_random_pieces),
		cmocka_unit_test(recordings_give_the_same_events_one_byte_at_a_time),
		cmocka_unit_test(llamacpp_midstream_error_line_becomes_an_error_event_before_done),
		cmocka_unit_test(llamacpp_error_before_any_data_is_one_event),
		cmocka_unit_test(mailcls_stream_has_five_chunks_and_done),
		cmocka_unit_test(native_completion_stream_has_no_done_marker),
		cmocka_unit_test(crlf_line_ends),
		cmocka_unit_test(cr_only_line_ends),
		cmocka_unit_test(mixed_line_ends),
		cmocka_unit_test(crlf_split_between_feeds_is_one_line_end),
		cmocka_unit_test(cr_at_end_of_input_ends_the_last_line),
		cmocka_unit_test(multi_line_data_joins_with_newline),
		cmocka_unit_test(comments_are_ignored_and_alone_dispatch_nothing),
		cmocka_unit_test(event_name_applies_to_one_event_and_id_persists),
		cmocka_unit_test(id_containing_nul_is_ignored),
		cmocka_unit_test(field_without_colon_has_an_empty_value),
		cmocka_unit_test(only_one_leading_space_is_dropped),
		cmocka_unit_test(unknown_fields_are_ignored),
		cmocka_unit_test(done_marker_must_be_exact),
		cmocka_unit_test(error_lines_join_and_may_come_with_data),
		cmocka_unit_test(data_may_hold_nul_bytes),
		cmocka_unit_test(line_at_the_limit_passes_one_over_fails_every_way),
		cmocka_unit_test(long_line_fails_before_its_end_arrives_and_keeps_failing),
		cmocka_unit_test(default_limit_is_named_in_the_message),
		cmocka_unit_test(event_data_is_bounded_too),
		cmocka_unit_test(finish_dispatches_a_pending_event),
		cmocka_unit_test(callback_error_stops_the_parser),
		cmocka_unit_test(callback_error_without_message_gets_the_default_one),
		cmocka_unit_test(free_null_is_a_no_op),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
