/* The fireworks dialect: the OpenAI chat request; answers whose
 * choices[].logprobs are the legacy arrays (a fixture built from the
 * Fireworks documentation) or the chat shape (every llama.cpp chat
 * recording reads as the openai-chat dialect reads it, here spot-checked). */
#include "tests/unit/dialecttest.h"

#define DOCS "tests/fixtures/doc-shapes/"
#define MAIL "tests/fixtures/llamacpp-mailcls/"

static void arrays_in_a_chat_answer_give_the_tokens(void **state)
{
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-fireworks-nonstream", &rc, &err);
	char *text = dt_text(d);

	(void)state;
	dt_check_splits(DOCS "doc-fireworks-nonstream");
	assert_int_equal(rc, TS_OK);
	assert_string_equal(text, "Hello there!");
	assert_int_equal(doc_count(d), 3);
	assert_int_equal(doc_token(d, 1)->id, 1070);
	assert_true(doc_token(d, 1)->logprob == -0.2);
	assert_true(doc_alt(d, 1, 1)->logprob == (float)-1.9);
	assert_int_equal(doc_token(d, 2)->id, 0);   /* id 0 is an id */
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "stop");
	free(text);
	doc_free(d);
}

static void the_stream_in_arrays_is_the_same_answer(void **state)
{
	struct ts_err err;
	int r1, r2;
	struct doc *a = dt_run(DOCS "doc-fireworks-nonstream", &r1, &err);
	struct doc *b = dt_run(DOCS "doc-fireworks-stream", &r2, &err);

	(void)state;
	dt_check_splits(DOCS "doc-fireworks-stream");
	assert_int_equal(r1 | r2, TS_OK);
	assert_int_equal(doc_count(b), 3);
	assert_true(dt_same_answer(a, b));
	doc_free(a);
	doc_free(b);
}

static void chat_shaped_answers_read_as_openai_chat(void **state)
{
	static const char *const dirs[] = { MAIL "mailcls-1M/d_ticket_mixed_stream", MAIL "mailcls-190K/a_seed_email_nonstream" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct dt_case c;
		struct doc *a = doc_new(), *b = doc_new();
		struct ts_err err;

		dt_load(&c, dirs[i]);
		assert_int_equal(dt_ingest_with(a, &c, &dialect_openai_chat, NULL, 0, 0, &err), TS_OK);
		assert_int_equal(dt_ingest_with(b, &c, &dialect_fireworks, NULL, 0, 0, &err), TS_OK);
		assert_true(doc_count(a) > 3);
		assert_true(doc_equal(a, b));
		dt_free(&c);
		doc_free(a);
		doc_free(b);
	}
}

static void the_request_is_the_openai_chat_request(void **state)
{
	struct req_params rp = { .model = "m", .prompt = "p", .max_tokens = 4, .temperature = -1, .top_logprobs = 2,
				 .stream = true };
	struct buf a, b;
	struct ts_err err;

	(void)state;
	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(dialect_openai_chat.build_request(&rp, &a, &err), TS_OK);
	assert_int_equal(dialect_fireworks.build_request(&rp, &b, &err), TS_OK);
	assert_string_equal(buf_str(&a), buf_str(&b));
	assert_non_null(strstr(buf_str(&b), "\"top_logprobs\":2"));
	buf_fini(&a);
	buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arrays_in_a_chat_answer_give_the_tokens),
		cmocka_unit_test(the_stream_in_arrays_is_the_same_answer),
		cmocka_unit_test(chat_shaped_answers_read_as_openai_chat),
		cmocka_unit_test(the_request_is_the_openai_chat_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
