/* The together dialect: the legacy arrays (token_ids included), the
 * OpenAI chat shape, and streamed legacy chunks, from fixtures built from
 * Together's documentation; the same answer in each shape is the same
 * document; and every llama.cpp chat recording reads exactly as the
 * openai-chat dialect reads it. */
#include "tests/unit/dialecttest.h"

#include <dirent.h>

#define DOCS "tests/fixtures/doc-shapes/"

static const char *const cases[] = {
	DOCS "doc-together-legacy-nonstream", DOCS "doc-together-chat-nonstream",
	DOCS "doc-together-legacy-stream", DOCS "doc-refusal-together-max1-400",
};

static void every_case_parses_the_same_in_any_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		dt_check_splits(cases[i]);
}

static void legacy_arrays_give_tokens_ids_and_alternatives(void **state)
{
	static const int32_t ids[] = { 3648, 4356, 4409, 374, 264, 34076 };
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-together-legacy-nonstream", &rc, &err);
	char *text = dt_text(d);

	(void)state;
	assert_int_equal(rc, TS_OK);
	assert_string_equal(text, "New York City is a vibrant");
	assert_int_equal(doc_count(d), 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(doc_token(d, i)->id, ids[i]);
		assert_true(doc_token(d, i)->flags & DOC_TOK_HAS_ID);
		assert_true(doc_token(d, i)->flags & DOC_TOK_BYTES_DERIVED);
		assert_int_equal(doc_token(d, i)->nalt, 2);
		assert_int_equal(doc_token(d, i)->rank, 1);
	}
	assert_string_equal(dt_tok(d, 1), " York");
	assert_true(doc_token(d, 1)->logprob == -2.026558e-6);
	assert_true(doc_alt(d, 0, 1)->logprob == (float)-1.3046875);
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "length");
	assert_int_equal(doc_usage_c(d)->prompt_tokens, 48);
	free(text);
	doc_free(d);
}

/* The same tokens as OpenAI chat entries, as legacy arrays and as a
 * legacy stream: one document (ids and derived bytes aside). */
static void one_answer_in_three_shapes_is_one_document(void **state)
{
	struct ts_err err;
	int r1, r2, r3;
	struct doc *legacy = dt_run(DOCS "doc-together-legacy-nonstream", &r1, &err);
	struct doc *chat = dt_run(DOCS "doc-together-chat-nonstream", &r2, &err);
	struct doc *stream = dt_run(DOCS "doc-together-legacy-stream", &r3, &err);

	(void)state;
	assert_int_equal(r1 | r2 | r3, TS_OK);
	assert_int_equal(doc_count(chat), 6);
	assert_true(dt_same_answer(legacy, chat));
	assert_true(dt_same_answer(legacy, stream));
	/* The stream carries the ids in delta.token_id. */
	assert_int_equal(doc_token(stream, 5)->id, 34076);
	assert_string_equal(doc_meta(stream, DOC_META_FINISH), "length");
	assert_int_equal(doc_usage_c(stream)->total_tokens, 54);
	/* A one-token change is noticed. */
	doc_free(chat);
	chat = dt_strip(legacy);
	assert_true(dt_same_answer(legacy, chat));
	doc_free(legacy);
	legacy = dt_run(DOCS "doc-openai-completions-nonstream", &r1, &err);
	assert_false(dt_same_answer(legacy, chat));
	doc_free(legacy);
	doc_free(chat);
	doc_free(stream);
}

/* A chat recording read by the together dialect equals the openai-chat
 * dialect's reading of it: outcome, message and document. */
static void check_as_chat(const char *dir)
{
	struct dt_case c;
	struct doc *a = doc_new(), *b = doc_new();
	struct ts_err e1, e2;
	int r1, r2;

	dt_load(&c, dir);
	r1 = dt_ingest_with(a, &c, &dialect_openai_chat, NULL, 0, 0, &e1);
	r2 = dt_ingest_with(b, &c, &dialect_together, NULL, 0, 0, &e2);
	if (r1 != r2 || !doc_equal(a, b) || (r1 && r1 != TS_EJSON && strcmp(e1.msg, e2.msg) != 0))
		fail_msg("%s: openai-chat %s '%s', together %s '%s'", dir, ts_errname(r1), e1.msg,
			 ts_errname(r2), e2.msg);
	dt_free(&c);
	doc_free(a);
	doc_free(b);
}

static void chat_recordings_read_as_the_openai_chat_dialect_reads_them(void **state)
{
	static const char *const sets[] = { "tests/fixtures/llamacpp-stories260k",
					    "tests/fixtures/llamacpp-mailcls/mailcls-190K",
					    "tests/fixtures/llamacpp-mailcls/mailcls-1M" };
	size_t seen = 0;

	(void)state;
	for (size_t s = 0; s < 3; s++) {
		DIR *dir = opendir(sets[s]);
		struct dirent *de;

		assert_non_null(dir);
		while ((de = readdir(dir))) {
			char path[1024], meta[512], *m;

			if (de->d_name[0] == '.' || strchr(de->d_name, '.'))
				continue;
			snprintf(path, sizeof path, "%s/%s/meta.txt", sets[s], de->d_name);
			m = tu_read_file(path, NULL);
			dt_meta_value(m, "endpoint", meta, sizeof meta);
			free(m);
			if (!strstr(meta, "/chat/completions"))
				continue;
			snprintf(path, sizeof path, "%s/%s", sets[s], de->d_name);
			check_as_chat(path);
			seen++;
		}
		closedir(dir);
	}
	assert_true(seen >= 60);
}

static void a_model_capped_at_one_is_explained(void **state)
{
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-refusal-together-max1-400", &rc, &err);

	(void)state;
	assert_int_equal(rc, TS_EHTTP);
	assert_string_equal(err.msg, "HTTP 400: 5 is greater than the maximum of 1 - 'logprobs' "
			    "(invalid_request_error) — this Together model gives one alternative at most: "
			    "use --top-logprobs 1");
	doc_free(d);
}

static void request_sends_logprobs_as_an_integer(void **state)
{
	struct req_params rp = { .model = "m", .system = "s", .prompt = "p", .max_tokens = 6,
				 .temperature = 0.5, .top_logprobs = 4, .stream = false };
	struct buf b;
	struct ts_err err;
	cJSON *j;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(dialect_together.build_request(&rp, &b, &err), TS_OK);
	j = cJSON_Parse(buf_str(&b));
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "logprobs")));
	assert_int_equal(cJSON_GetObjectItem(j, "logprobs")->valueint, 4);
	assert_null(cJSON_GetObjectItem(j, "top_logprobs"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "messages")), 2);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "stream")));
	cJSON_Delete(j);
	rp.top_logprobs = 0;
	buf_reset(&b);
	assert_int_equal(dialect_together.build_request(&rp, &b, &err), TS_OK);
	j = cJSON_Parse(buf_str(&b));
	assert_int_equal(cJSON_GetObjectItem(j, "logprobs")->valueint, 1);
	cJSON_Delete(j);
	buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_case_parses_the_same_in_any_split),
		cmocka_unit_test(legacy_arrays_give_tokens_ids_and_alternatives),
		cmocka_unit_test(one_answer_in_three_shapes_is_one_document),
		cmocka_unit_test(chat_recordings_read_as_the_openai_chat_dialect_reads_them),
		cmocka_unit_test(a_model_capped_at_one_is_explained),
		cmocka_unit_test(request_sends_logprobs_as_an_integer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
