/* The llamacpp-completion dialect (llama.cpp's native /completion): the
 * real recordings (n_probs stream, post_sampling_probs body) token for
 * token, the pre-December-2024 shape from the server's old README, in any
 * split; post-sampling documents are flagged; the request. */
#include "tests/unit/dialecttest.h"

#define MAIL "tests/fixtures/llamacpp-mailcls/"
#define DOCS "tests/fixtures/doc-shapes/"

static const char *const recordings[] = {
	MAIL "mailcls-1M/g_native_completion_n_probs_stream", MAIL "mailcls-190K/g_native_completion_n_probs_stream",
	MAIL "mailcls-1M/g_native_completion_post_sampling_nonstream",
	MAIL "mailcls-190K/g_native_completion_post_sampling_nonstream",
};

static const cJSON *native_entries(const cJSON *obj)
{
	return cJSON_GetObjectItem(obj, "completion_probabilities");
}

static void recordings_parse_to_their_raw_entries(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof recordings / sizeof *recordings; i++) {
		struct dt_case c;
		struct doc *d = doc_new();
		struct ts_err err;
		char *text;

		dt_load(&c, recordings[i]);
		assert_ptr_equal(c.dl, &dialect_llamacpp_completion);
		if (dt_ingest(d, &c, &err))
			fail_msg("%s: %s", c.dir, err.msg);
		dt_assert_entries(d, &c, native_entries);
		text = dt_text(d);
		assert_string_equal(text, "personal");
		assert_int_equal(doc_count(d), 7);   /* p er s on a l, and the end token */
		assert_int_equal(doc_token(d, 6)->id, 2);
		assert_string_equal(doc_meta(d, DOC_META_FINISH), "eos");
		assert_int_equal(doc_usage_c(d)->prompt_tokens, 235);
		assert_int_equal(doc_usage_c(d)->completion_tokens, 7);
		free(text);
		dt_free(&c);
		doc_free(d);
	}
}

static void every_case_parses_the_same_in_any_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof recordings / sizeof *recordings; i++)
		dt_check_splits(recordings[i]);
	dt_check_splits(DOCS "doc-llamacpp-completion-old-nonstream");
	dt_check_splits(DOCS "doc-llamacpp-completion-old-stream");
}

/* n_probs alone gives raw values; post_sampling_probs gives p after the
 * sampler chain (stored as log p, here all 1 at top_k 3 and the seed), and
 * the document says which. */
static void post_sampling_probabilities_are_flagged(void **state)
{
	struct ts_err err;
	int r1, r2;
	struct doc *raw = dt_run(MAIL "mailcls-1M/g_native_completion_n_probs_stream", &r1, &err);
	struct doc *post = dt_run(MAIL "mailcls-1M/g_native_completion_post_sampling_nonstream", &r2, &err);

	(void)state;
	assert_int_equal(r1 | r2, TS_OK);
	assert_false(doc_info_c(raw)->post_sampling);
	assert_true(doc_info_c(post)->post_sampling);
	assert_true(doc_token(raw, 0)->logprob == -0.0050570466555655);
	assert_int_equal(doc_token(raw, 0)->nalt, 5);
	assert_true(doc_token(post, 0)->logprob == 0.0);
	assert_int_equal(doc_token(post, 0)->nalt, 1);
	assert_string_equal(doc_meta(post, DOC_META_MODEL), "mailcls-1M");
	doc_free(raw);
	doc_free(post);
}

/* The old shape: the chosen token's p looked up among probs; a token
 * sampled from outside them is p = 0, clamped; the final chunk's repeat of
 * every token's probabilities is not read twice. */
static void the_old_shape_reads_probs_by_token_text(void **state)
{
	struct ts_err err;
	int r1, r2;
	struct doc *d = dt_run(DOCS "doc-llamacpp-completion-old-nonstream", &r1, &err);
	struct doc *s = dt_run(DOCS "doc-llamacpp-completion-old-stream", &r2, &err);
	char *text = dt_text(d);

	(void)state;
	assert_int_equal(r1 | r2, TS_OK);
	assert_string_equal(text, " the sky is");
	assert_int_equal(doc_count(d), 3);
	assert_true(doc_info_c(d)->post_sampling);
	assert_true(doc_token(d, 0)->logprob == log(0.82));
	assert_int_equal(doc_token(d, 0)->rank, 1);
	assert_true(doc_alt(d, 1, 1)->logprob == (float)log(0.2));
	assert_true(doc_token(d, 2)->flags & DOC_TOK_CLAMPED);
	assert_int_equal(doc_token(d, 2)->rank, DOC_RANK_NONE);
	assert_true(doc_token(d, 2)->flags & DOC_TOK_BYTES_DERIVED);
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "limit");
	assert_int_equal(doc_count(s), 3);
	assert_true(doc_equal(d, s));
	assert_true(doc_info_c(s)->post_sampling);
	free(text);
	doc_free(d);
	doc_free(s);
}

/* The stream has no [DONE]: without its stop chunk it was cut. */
static void a_stream_without_its_stop_chunk_is_cut(void **state)
{
	struct dt_case c;
	struct doc *d = doc_new();
	struct ts_err err;
	const char *last;

	(void)state;
	dt_load(&c, MAIL "mailcls-190K/g_native_completion_n_probs_stream");
	last = strstr(c.body, "\"stop\":true");
	while (last > c.body && strncmp(last, "data: ", 6) != 0)
		last--;
	c.len = (size_t)(last - c.body);
	assert_int_equal(dt_ingest(d, &c, &err), TS_ECUT);
	assert_int_equal(doc_count(d), 7);
	dt_free(&c);
	doc_free(d);
}

static void an_error_line_in_the_stream_is_the_servers_message(void **state)
{
	static const char body[] = "data: {\"content\":\"a\",\"stop\":false,\"completion_probabilities\":"
				   "[{\"id\":1,\"token\":\"a\",\"bytes\":[97],\"logprob\":-0.1,\"top_logprobs\":[]}]}\n\n"
				   "error: {\"code\":500,\"message\":\"context shift is disabled\",\"type\":\"server_error\"}\n\n";
	struct dt_case c = { .body = (char *)(uintptr_t)body, .len = sizeof body - 1, .status = 200, .stream = true,
			     .dl = &dialect_llamacpp_completion };
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	assert_int_equal(dt_ingest(d, &c, &err), TS_ESERVER);
	assert_string_equal(err.msg, "server error: context shift is disabled (server_error, 500)");
	assert_int_equal(doc_count(d), 1);
	doc_free(d);
}

static void request_asks_n_probs_of_a_raw_prompt(void **state)
{
	struct req_params rp = { .prompt = "<|im_start|>user\nhi", .max_tokens = 8, .temperature = 0,
				 .top_logprobs = 0, .stream = true };
	struct buf b;
	struct ts_err err;
	cJSON *j;

	(void)state;
	assert_true(dialect_llamacpp_completion.raw_prompt);
	buf_init(&b, 0);
	assert_int_equal(dialect_llamacpp_completion.build_request(&rp, &b, &err), TS_OK);
	j = cJSON_Parse(buf_str(&b));
	assert_string_equal(cJSON_GetObjectItem(j, "prompt")->valuestring, "<|im_start|>user\nhi");
	assert_int_equal(cJSON_GetObjectItem(j, "n_probs")->valueint, 1);  /* 0 gives no probabilities */
	assert_int_equal(cJSON_GetObjectItem(j, "n_predict")->valueint, 8);
	assert_null(cJSON_GetObjectItem(j, "model"));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "stream")));
	cJSON_Delete(j);
	buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recordings_parse_to_their_raw_entries),
		cmocka_unit_test(every_case_parses_the_same_in_any_split),
		cmocka_unit_test(post_sampling_probabilities_are_flagged),
		cmocka_unit_test(the_old_shape_reads_probs_by_token_text),
		cmocka_unit_test(a_stream_without_its_stop_chunk_is_cut),
		cmocka_unit_test(an_error_line_in_the_stream_is_the_servers_message),
		cmocka_unit_test(request_asks_n_probs_of_a_raw_prompt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
