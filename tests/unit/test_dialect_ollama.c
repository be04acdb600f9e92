/* The ollama-chat and ollama-generate dialects over the JSON-lines
 * framing, on fixtures built from Ollama's API documentation: streams and
 * whole answers in any split, the same answer either way; errors as a
 * status and as a line; an old Ollama without logprobs; the requests. */
#include "tests/unit/dialecttest.h"

#define DOCS "tests/fixtures/doc-shapes/"

static const char *const cases[] = {
	DOCS "doc-ollama-chat-stream", DOCS "doc-ollama-chat-nonstream", DOCS "doc-ollama-generate-stream",
	DOCS "doc-ollama-generate-nonstream", DOCS "doc-no-logprobs-ollama-stream", DOCS "doc-refusal-ollama-k-400",
};

static void every_case_parses_the_same_in_any_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		dt_check_splits(cases[i]);
}

static void the_chat_stream_gives_one_token_per_line(void **state)
{
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-ollama-chat-stream", &rc, &err);
	char *text = dt_text(d);

	(void)state;
	assert_int_equal(rc, TS_OK);
	assert_string_equal(text, "The sky is blue.");
	assert_int_equal(doc_count(d), 5);
	assert_string_equal(dt_tok(d, 3), " blue");
	assert_true(doc_token(d, 3)->logprob == -0.21);
	assert_int_equal(doc_token(d, 3)->nalt, 2);
	assert_int_equal(doc_token(d, 3)->rank, 1);
	assert_true(doc_alt(d, 3, 1)->logprob == (float)-1.7);
	assert_false(doc_token(d, 3)->flags & DOC_TOK_BYTES_DERIVED);
	assert_string_equal(doc_meta(d, DOC_META_MODEL), "llama3.2");
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "stop");
	assert_int_equal(doc_usage_c(d)->prompt_tokens, 31);
	assert_int_equal(doc_usage_c(d)->completion_tokens, 5);
	free(text);
	doc_free(d);
}

static void chat_generate_stream_and_body_are_one_answer(void **state)
{
	struct ts_err err;
	int rc[4];
	struct doc *d[4] = {
		dt_run(DOCS "doc-ollama-chat-stream", &rc[0], &err),
		dt_run(DOCS "doc-ollama-chat-nonstream", &rc[1], &err),
		dt_run(DOCS "doc-ollama-generate-stream", &rc[2], &err),
		dt_run(DOCS "doc-ollama-generate-nonstream", &rc[3], &err),
	};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(rc[i], TS_OK);
		assert_true(doc_equal(d[0], d[i]));
	}
	for (size_t i = 0; i < 4; i++)
		doc_free(d[i]);
}

/* A stream is JSON lines, never collected whole because it starts with '{'. */
static void a_json_lines_stream_is_parsed_as_it_arrives(void **state)
{
	struct dt_case c;
	struct doc *d = doc_new();
	struct ingest *in;
	struct ts_err err;
	const char *nl;

	(void)state;
	dt_load(&c, DOCS "doc-ollama-chat-stream");
	in = ingest_new(d, c.dl, &(struct ingest_opts){ .stream = true });
	ingest_set_status(in, 200);
	nl = strchr(c.body, '\n');
	assert_int_equal(ingest_feed(in, c.body, (size_t)(nl - c.body) + 1, 0, &err), TS_OK);
	assert_int_equal(doc_count(d), 1);
	assert_true(ingest_started(in));
	ingest_free(in);
	dt_free(&c);
	doc_free(d);
}

static int run_lines(const char *body, size_t max_line, struct doc *d, struct ts_err *err)
{
	struct dt_case c = { .body = (char *)(uintptr_t)body, .len = strlen(body), .status = 200, .stream = true,
			     .dl = &dialect_ollama_chat };

	return dt_ingest_with(d, &c, NULL, NULL, 0, max_line, err);
}

static void errors_and_limits_of_the_stream(void **state)
{
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	/* An error line mid-stream: the server's message, tokens kept. */
	assert_int_equal(run_lines("{\"message\":{\"content\":\"A\"},\"done\":false,\"logprobs\":[{\"token\":\"A\","
				   "\"logprob\":-1,\"bytes\":[65],\"top_logprobs\":[]}]}\n"
				   "{\"error\":\"an error was encountered while running the model\"}\n", 0, d, &err),
			 TS_ESERVER);
	assert_string_equal(err.msg, "server error: an error was encountered while running the model");
	assert_int_equal(doc_count(d), 1);
	/* No done line: cut. */
	doc_clear(d);
	assert_int_equal(run_lines("{\"message\":{\"content\":\"A\"},\"done\":false}\n", 0, d, &err), TS_ECUT);
	/* A line past the limit fails the stream, naming the limit. */
	doc_clear(d);
	assert_int_equal(run_lines("{\"message\":{\"content\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}}\n", 32, d, &err),
			 TS_ETOOBIG);
	assert_string_equal(err.msg, "JSON stream line longer than 32 bytes");
	/* Malformed JSON on a line. */
	doc_clear(d);
	assert_int_equal(run_lines("{\"message\":\n", 0, d, &err), TS_EJSON);
	doc_free(d);
}

/* An Ollama before 0.12.11 ignores logprobs: the text is kept, the
 * message names the model. */
static void an_old_ollama_without_logprobs_keeps_the_text(void **state)
{
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-no-logprobs-ollama-stream", &rc, &err);
	size_t len;

	(void)state;
	assert_int_equal(rc, TS_ENOLOGPROBS);
	assert_int_equal(doc_count(d), 0);
	assert_memory_equal(doc_plain(d, &len), "Hello!", 6);
	assert_int_equal(len, 6);
	assert_true(doc_info_c(d)->logprobs_missing);
	assert_non_null(strstr(err.msg, "without logprobs for model llama3.2"));
	doc_free(d);
}

static void k_out_of_range_is_explained(void **state)
{
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-refusal-ollama-k-400", &rc, &err);

	(void)state;
	assert_int_equal(rc, TS_EHTTP);
	assert_string_equal(err.msg, "HTTP 400: top_logprobs must be between 0 and 20 — Ollama gives at most "
			    "20 alternatives: use --top-logprobs 20 or fewer");
	doc_free(d);
}

static cJSON *built(const struct dialect *dl, const struct req_params *rp)
{
	struct buf b;
	struct ts_err err;
	cJSON *j;

	buf_init(&b, 0);
	assert_int_equal(dl->build_request(rp, &b, &err), TS_OK);
	j = cJSON_Parse(buf_str(&b));
	buf_fini(&b);
	assert_non_null(j);
	return j;
}

static void requests_ask_for_logprobs_and_say_whether_to_stream(void **state)
{
	struct req_params rp = { .model = "llama3.2", .system = "terse", .prompt = "hi", .max_tokens = 9,
				 .temperature = 0, .top_logprobs = 3, .stream = false };
	cJSON *chat = built(&dialect_ollama_chat, &rp), *gen = built(&dialect_ollama_generate, &rp);

	(void)state;
	assert_ptr_equal(dialect_find("ollama-chat"), &dialect_ollama_chat);
	assert_int_equal(dialect_ollama_chat.framing, DIALECT_NDJSON);
	/* Ollama streams unless told not to: false is sent. */
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(chat, "stream")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(chat, "logprobs")));
	assert_int_equal(cJSON_GetObjectItem(chat, "top_logprobs")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(chat, "options"), "num_predict")->valueint, 9);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(chat, "messages"), 0),
						"role")->valuestring, "system");
	assert_string_equal(cJSON_GetObjectItem(gen, "prompt")->valuestring, "hi");
	assert_string_equal(cJSON_GetObjectItem(gen, "system")->valuestring, "terse");
	assert_null(cJSON_GetObjectItem(gen, "messages"));
	cJSON_Delete(chat);
	cJSON_Delete(gen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_case_parses_the_same_in_any_split),
		cmocka_unit_test(the_chat_stream_gives_one_token_per_line),
		cmocka_unit_test(chat_generate_stream_and_body_are_one_answer),
		cmocka_unit_test(a_json_lines_stream_is_parsed_as_it_arrives),
		cmocka_unit_test(errors_and_limits_of_the_stream),
		cmocka_unit_test(an_old_ollama_without_logprobs_keeps_the_text),
		cmocka_unit_test(k_out_of_range_is_explained),
		cmocka_unit_test(requests_ask_for_logprobs_and_say_whether_to_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
