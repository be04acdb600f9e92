/* The JSON-lines splitter: lines in any split, CRLF, blank lines, a last
 * line without its LF, the line limit, and a callback's failure. */
#include "tests/unit/testutil.h"

#include "src/ndjson.h"

struct seen {
	char lines[8][64];
	size_t n;
	int fail_at;          /* the callback fails on this line (1-based), 0: never */
};

static int on_line(void *ctx, const struct sse_event *ev, struct ts_err *err)
{
	struct seen *s = ctx;

	assert_string_equal(ev->event, "");
	assert_false(ev->done);
	assert_null(ev->error);
	assert_int_equal(strlen(ev->data), ev->data_len);   /* NUL-terminated */
	if (s->n < 8)
		snprintf(s->lines[s->n], sizeof s->lines[0], "%s", ev->data);
	s->n++;
	if ((int)s->n == s->fail_at)
		return ts_err_set(err, TS_ESERVER, "line %zu refused", s->n);
	return TS_OK;
}

static int split_feed(const char *text, size_t cut, size_t max_line, struct seen *s, struct ts_err *err)
{
	struct ndjson_parser *p = ndjson_parser_new(max_line, on_line, s);
	size_t n = strlen(text);
	int rc;

	assert_non_null(p);
	rc = ndjson_parser_feed(p, text, cut, err);
	if (!rc)
		rc = ndjson_parser_feed(p, text + cut, n - cut, err);
	if (!rc)
		rc = ndjson_parser_finish(p, err);
	ndjson_parser_free(p);
	return rc;
}

static void lines_come_out_whole_at_any_split(void **state)
{
	static const char text[] = "{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}";
	struct ts_err err;

	(void)state;
	for (size_t cut = 0; cut <= sizeof text - 1; cut++) {
		struct seen s = { 0 };

		assert_int_equal(split_feed(text, cut, 0, &s, &err), TS_OK);
		assert_int_equal(s.n, 3);
		assert_string_equal(s.lines[0], "{\"a\":1}");
		assert_string_equal(s.lines[1], "{\"b\":2}");
		assert_string_equal(s.lines[2], "{\"c\":3}");   /* no LF at the end */
	}
}

static void one_byte_at_a_time_gives_the_same_lines(void **state)
{
	static const char text[] = "{\"x\":\"y\"}\n{\"z\":[1,2]}\r\n";
	struct seen s = { 0 };
	struct ndjson_parser *p = ndjson_parser_new(0, on_line, &s);
	struct ts_err err;

	(void)state;
	for (size_t i = 0; i < sizeof text - 1; i++)
		assert_int_equal(ndjson_parser_feed(p, text + i, 1, &err), TS_OK);
	assert_int_equal(ndjson_parser_finish(p, &err), TS_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.lines[1], "{\"z\":[1,2]}");
	ndjson_parser_free(p);
}

static void a_line_past_the_limit_fails_and_stays_failed(void **state)
{
	struct seen s = { 0 };
	struct ndjson_parser *p = ndjson_parser_new(8, on_line, &s);
	struct ts_err err;

	(void)state;
	assert_int_equal(ndjson_parser_feed(p, "{\"a\":1}\n", 8, &err), TS_OK);   /* 7 bytes: fits */
	assert_int_equal(ndjson_parser_feed(p, "{\"ab\":12", 8, &err), TS_OK);   /* 8 so far: fits */
	assert_int_equal(ndjson_parser_feed(p, "3", 1, &err), TS_ETOOBIG);
	assert_string_equal(err.msg, "JSON stream line longer than 8 bytes");
	assert_int_equal(ndjson_parser_feed(p, "\n", 1, &err), TS_ETOOBIG);
	assert_int_equal(ndjson_parser_finish(p, &err), TS_ETOOBIG);
	assert_int_equal(s.n, 1);
	ndjson_parser_free(p);
}

static void the_callbacks_failure_stops_the_stream(void **state)
{
	struct seen s = { .fail_at = 2 };
	struct ts_err err;

	(void)state;
	assert_int_equal(split_feed("{}\n{}\n{}\n", 3, 0, &s, &err), TS_ESERVER);
	assert_string_equal(err.msg, "line 2 refused");
	assert_int_equal(s.n, 2);
	ndjson_parser_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_come_out_whole_at_any_split),
		cmocka_unit_test(one_byte_at_a_time_gives_the_same_lines),
		cmocka_unit_test(a_line_past_the_limit_fails_and_stays_failed),
		cmocka_unit_test(the_callbacks_failure_stops_the_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
