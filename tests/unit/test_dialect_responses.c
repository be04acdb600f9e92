/* The openai-responses dialect, on fixtures built from the Responses API
 * documentation: the whole answer (bytes given) and the typed event
 * stream (bytes derived from the token text, and flagged so), in any
 * split; errors in events; the request. */
#include "tests/unit/dialecttest.h"

#define DOCS "tests/fixtures/doc-shapes/"

static void both_shapes_parse_the_same_in_any_split(void **state)
{
	(void)state;
	dt_check_splits(DOCS "doc-openai-responses-nonstream");
	dt_check_splits(DOCS "doc-openai-responses-stream");
}

static void the_body_gives_tokens_with_their_bytes(void **state)
{
	static const uint8_t e_acute[] = { 0xC3, 0xA9 };
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-openai-responses-nonstream", &rc, &err);
	char *text = dt_text(d);
	size_t len;

	(void)state;
	assert_int_equal(rc, TS_OK);
	assert_string_equal(text, "Bonjour, caf\xC3\xA9!");
	assert_int_equal(doc_count(d), 6);
	assert_memory_equal(doc_token_bytes(d, 4, &len), e_acute, 2);
	assert_int_equal(len, 2);
	for (size_t i = 0; i < doc_count(d); i++) {
		assert_false(doc_token(d, i)->flags & DOC_TOK_BYTES_DERIVED);
		assert_int_equal(doc_token(d, i)->nalt, 2);
		assert_int_equal(doc_token(d, i)->rank, 1);
	}
	assert_true(doc_token(d, 3)->logprob == -0.9);
	assert_true(doc_alt(d, 3, 1)->logprob == (float)-1.3);
	assert_string_equal(doc_meta(d, DOC_META_MODEL), "gpt-4.1-2025-04-14");
	assert_string_equal(doc_meta(d, DOC_META_ID), "resp_67ccd2bed1ec8190b14f964abc054267");
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "completed");
	assert_int_equal(doc_usage_c(d)->prompt_tokens, 19);
	assert_int_equal(doc_usage_c(d)->completion_tokens, 6);
	assert_int_equal(doc_info_c(d)->created, 1741476542);
	free(text);
	doc_free(d);
}

/* The stream's delta events carry no bytes: the same bytes come from the
 * text, each token flagged derived (the inspector says so); the done
 * event's repeat of every token is not read twice. */
static void the_stream_derives_bytes_and_flags_them(void **state)
{
	struct ts_err err;
	int r1, r2;
	struct doc *whole = dt_run(DOCS "doc-openai-responses-nonstream", &r1, &err);
	struct doc *d = dt_run(DOCS "doc-openai-responses-stream", &r2, &err);

	(void)state;
	assert_int_equal(r2, TS_OK);
	assert_int_equal(doc_count(d), 6);
	for (size_t i = 0; i < doc_count(d); i++)
		assert_true(doc_token(d, i)->flags & DOC_TOK_BYTES_DERIVED);
	assert_true(dt_same_answer(whole, d));
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "completed");
	assert_int_equal(doc_usage_c(d)->total_tokens, 25);
	doc_free(whole);
	doc_free(d);
}

/* Feeds one SSE body through the dialect; returns the outcome. */
static int run_body(const char *body, struct doc *d, struct ts_err *err)
{
	struct dt_case c = { .body = (char *)(uintptr_t)body, .len = strlen(body), .status = 200,
			     .stream = true, .dl = &dialect_openai_responses };

	return dt_ingest(d, &c, err);
}

static void errors_in_the_stream_are_the_servers_messages(void **state)
{
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	assert_int_equal(run_body("event: error\ndata: {\"type\":\"error\",\"code\":\"rate_limit_exceeded\","
				  "\"message\":\"Rate limit reached\",\"param\":null,\"sequence_number\":3}\n\n", d, &err),
			 TS_ESERVER);
	assert_string_equal(err.msg, "server error: Rate limit reached (error, rate_limit_exceeded)");
	doc_clear(d);
	assert_int_equal(run_body("event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":"
				  "{\"id\":\"r\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\","
				  "\"message\":\"The model failed\"}}}\n\n", d, &err), TS_ESERVER);
	assert_string_equal(err.msg, "server error: The model failed (server_error)");
	doc_free(d);
}

/* response.incomplete ends the stream too, with the reason as finish. */
static void an_incomplete_response_ends_with_its_reason(void **state)
{
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	assert_int_equal(run_body("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
				  "\"delta\":\"Hi\",\"logprobs\":[{\"token\":\"Hi\",\"logprob\":-0.5,\"top_logprobs\":[]}]}\n\n"
				  "event: response.incomplete\ndata: {\"type\":\"response.incomplete\",\"response\":"
				  "{\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"}}}\n\n",
				  d, &err), TS_OK);
	assert_int_equal(doc_count(d), 1);
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "max_output_tokens");
	doc_free(d);
}

static void a_stream_without_its_completed_event_is_cut(void **state)
{
	struct dt_case c;
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	dt_load(&c, DOCS "doc-openai-responses-stream");
	c.len = (size_t)(strstr(c.body, "event: response.completed") - c.body);
	assert_int_equal(dt_ingest(d, &c, &err), TS_ECUT);
	assert_int_equal(doc_count(d), 6);
	dt_free(&c);
	doc_free(d);
}

/* Text without logprobs (a server that ignores include) is kept. */
static void deltas_without_logprobs_keep_their_text(void **state)
{
	struct doc *d = doc_new();
	struct ts_err err;
	size_t len;

	(void)state;
	assert_int_equal(run_body("data: {\"type\":\"response.output_text.delta\",\"delta\":\"Hello\",\"logprobs\":[]}\n\n"
				  "data: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\","
				  "\"model\":\"gpt-x\"}}\n\n", d, &err), TS_ENOLOGPROBS);
	assert_memory_equal(doc_plain(d, &len), "Hello", 5);
	assert_non_null(strstr(err.msg, "gpt-x"));
	doc_free(d);
}

static void request_includes_output_text_logprobs(void **state)
{
	struct req_params rp = { .model = "gpt-4.1", .system = "Be brief.", .prompt = "Hi", .max_tokens = 16,
				 .temperature = -1, .top_logprobs = 3, .stream = true };
	struct buf b;
	struct ts_err err;
	cJSON *j;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(dialect_openai_responses.build_request(&rp, &b, &err), TS_OK);
	j = cJSON_Parse(buf_str(&b));
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "include"), 0)->valuestring,
			    "message.output_text.logprobs");
	assert_int_equal(cJSON_GetObjectItem(j, "top_logprobs")->valueint, 3);
	assert_string_equal(cJSON_GetObjectItem(j, "instructions")->valuestring, "Be brief.");
	assert_string_equal(cJSON_GetObjectItem(j, "input")->valuestring, "Hi");
	assert_int_equal(cJSON_GetObjectItem(j, "max_output_tokens")->valueint, 16);
	assert_null(cJSON_GetObjectItem(j, "temperature"));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "stream")));
	cJSON_Delete(j);
	buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_shapes_parse_the_same_in_any_split),
		cmocka_unit_test(the_body_gives_tokens_with_their_bytes),
		cmocka_unit_test(the_stream_derives_bytes_and_flags_them),
		cmocka_unit_test(errors_in_the_stream_are_the_servers_messages),
		cmocka_unit_test(an_incomplete_response_ends_with_its_reason),
		cmocka_unit_test(a_stream_without_its_completed_event_is_cut),
		cmocka_unit_test(deltas_without_logprobs_keep_their_text),
		cmocka_unit_test(request_includes_output_text_logprobs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
