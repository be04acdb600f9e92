/* The openai-completions dialect: llama.cpp's /v1/completions recordings
 * (chat-style content[] entries) and OpenAI's legacy parallel arrays
 * (fixtures built from the documentation), whole, split at every offset
 * and one byte at a time; byte tokens spelled "bytes:\xNN"; the request. */
#include "tests/unit/dialecttest.h"

#define S260 "tests/fixtures/llamacpp-stories260k/"
#define MAIL "tests/fixtures/llamacpp-mailcls/"
#define DOCS "tests/fixtures/doc-shapes/"

static const char *const recordings[] = {
	S260 "e_legacy_completions_nonstream", S260 "e_legacy_completions_stream",
	S260 "e_legacy_completions_forced_utf8_stream", MAIL "mailcls-1M/f_legacy_prefix_continue_stream",
	MAIL "mailcls-190K/f_legacy_prefix_continue_stream",
};
static const char *const doc_cases[] = {
	DOCS "doc-openai-completions-nonstream", DOCS "doc-openai-completions-stream",
};

static const cJSON *content_entries(const cJSON *obj)
{
	const cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(obj, "choices"), 0);

	return cJSON_GetObjectItem(cJSON_GetObjectItem(c0, "logprobs"), "content");
}

static void llamacpp_recordings_parse_to_their_raw_entries(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof recordings / sizeof *recordings; i++) {
		struct dt_case c;
		struct doc *d = doc_new();
		struct ts_err err;

		dt_load(&c, recordings[i]);
		assert_ptr_equal(c.dl, &dialect_openai_completions);
		if (dt_ingest(d, &c, &err))
			fail_msg("%s: %s", c.dir, err.msg);
		assert_true(doc_count(d) > 0);
		dt_assert_entries(d, &c, content_entries);
		dt_free(&c);
		doc_free(d);
	}
}

static void every_case_parses_the_same_in_any_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof recordings / sizeof *recordings; i++)
		dt_check_splits(recordings[i]);
	for (size_t i = 0; i < sizeof doc_cases / sizeof *doc_cases; i++)
		dt_check_splits(doc_cases[i]);
}

/* The llama.cpp legacy stream continuing a forced "p" says "ersonal". */
static void a_continuation_from_a_forced_prefix_reads_its_tokens(void **state)
{
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(MAIL "mailcls-1M/f_legacy_prefix_continue_stream", &rc, &err);
	char *text = dt_text(d);

	(void)state;
	assert_int_equal(rc, TS_OK);
	assert_string_equal(text, "ersonal");
	assert_string_equal(dt_tok(d, 0), "er");
	assert_true(doc_token(d, 0)->logprob == -0.00020118591783102602);
	assert_int_equal(doc_token(d, 0)->rank, 1);
	assert_string_equal(doc_meta(d, DOC_META_MODEL), "mailcls-1M");
	free(text);
	doc_free(d);
}

/* OpenAI's arrays: bytes derived from the text, byte tokens decoded, the
 * alternatives from an object per position, ranks by bytes. */
static void openai_arrays_give_tokens_with_decoded_byte_tokens(void **state)
{
	static const uint8_t quote_a[] = { 0xE2, 0x80 }, quote_b[] = { 0x9D };
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-openai-completions-nonstream", &rc, &err);
	char *text = dt_text(d);
	size_t len;
	const uint8_t *p;

	(void)state;
	assert_int_equal(rc, TS_OK);
	assert_int_equal(doc_count(d), 10);
	assert_string_equal(text, "\n\nThis is a test \xE2\x80\x9Cok\xE2\x80\x9D.");
	p = doc_token_bytes(d, 7, &len);
	assert_int_equal(len, 2);
	assert_memory_equal(p, quote_a, 2);
	p = doc_token_bytes(d, 8, &len);
	assert_int_equal(len, 1);
	assert_memory_equal(p, quote_b, 1);
	/* The runner-up of token 8 is the byte 9C ("bytes:\x9c"). */
	p = doc_str(d, doc_alt(d, 8, 1)->str, &len);
	assert_int_equal(len, 1);
	assert_int_equal(p[0], 0x9C);
	for (size_t i = 0; i < doc_count(d); i++)
		assert_true(doc_token(d, i)->flags & DOC_TOK_BYTES_DERIVED);
	assert_true(doc_token(d, 5)->logprob == -1.62);
	assert_int_equal(doc_token(d, 5)->rank, 1);
	assert_true(doc_alt(d, 5, 1)->logprob == (float)-0.22);
	assert_int_equal(doc_token(d, 5)->id, -1);
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "stop");
	assert_string_equal(doc_meta(d, DOC_META_FINGERPRINT), "fp_44709d6fcb");
	assert_int_equal(doc_usage_c(d)->completion_tokens, 10);
	free(text);
	doc_free(d);
}

static void the_stream_holds_the_same_answer_as_the_body(void **state)
{
	struct ts_err err;
	int r1, r2;
	struct doc *a = dt_run(DOCS "doc-openai-completions-nonstream", &r1, &err);
	struct doc *b = dt_run(DOCS "doc-openai-completions-stream", &r2, &err);

	(void)state;
	assert_int_equal(r1, TS_OK);
	assert_int_equal(r2, TS_OK);
	assert_true(dt_same_answer(a, b));
	assert_int_equal(doc_usage_c(b)->total_tokens, 15);
	doc_free(a);
	doc_free(b);
}

static void a_legacy_stream_without_done_is_cut(void **state)
{
	struct dt_case c;
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	dt_load(&c, DOCS "doc-openai-completions-stream");
	c.len = (size_t)(strstr(c.body, "data: [DONE]") - c.body);
	assert_int_equal(dt_ingest(d, &c, &err), TS_ECUT);
	assert_int_equal(doc_count(d), 10);
	dt_free(&c);
	doc_free(d);
}

static void request_sends_the_raw_prompt_and_an_integer_k(void **state)
{
	struct req_params rp = { .model = "gpt-3.5-turbo-instruct", .system = "ignored", .prompt = "<|im_start|>p",
				 .max_tokens = 8, .temperature = 0, .top_logprobs = 5, .stream = true };
	struct buf b;
	struct ts_err err;
	cJSON *j;

	(void)state;
	assert_true(dialect_openai_completions.raw_prompt);
	buf_init(&b, 0);
	assert_int_equal(dialect_openai_completions.build_request(&rp, &b, &err), TS_OK);
	j = cJSON_Parse(buf_str(&b));
	assert_string_equal(cJSON_GetObjectItem(j, "prompt")->valuestring, "<|im_start|>p");
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "logprobs")));
	assert_int_equal(cJSON_GetObjectItem(j, "logprobs")->valueint, 5);
	assert_null(cJSON_GetObjectItem(j, "messages"));
	assert_null(strstr(buf_str(&b), "ignored"));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "stream_options"), "include_usage")));
	cJSON_Delete(j);
	/* k 0 would mean no logprobs at all on some servers: 1 is asked. */
	rp.top_logprobs = 0;
	buf_reset(&b);
	assert_int_equal(dialect_openai_completions.build_request(&rp, &b, &err), TS_OK);
	j = cJSON_Parse(buf_str(&b));
	assert_int_equal(cJSON_GetObjectItem(j, "logprobs")->valueint, 1);
	cJSON_Delete(j);
	buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(llamacpp_recordings_parse_to_their_raw_entries),
		cmocka_unit_test(every_case_parses_the_same_in_any_split),
		cmocka_unit_test(a_continuation_from_a_forced_prefix_reads_its_tokens),
		cmocka_unit_test(openai_arrays_give_tokens_with_decoded_byte_tokens),
		cmocka_unit_test(the_stream_holds_the_same_answer_as_the_body),
		cmocka_unit_test(a_legacy_stream_without_done_is_cut),
		cmocka_unit_test(request_sends_the_raw_prompt_and_an_integer_k),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
