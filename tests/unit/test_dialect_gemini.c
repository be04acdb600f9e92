/* The gemini dialect, on fixtures built from the Gemini API reference:
 * chosenCandidates with their topCandidates, a logProbability left out
 * for 0, the SSE stream (CRLF) and the whole answer in any split, an
 * array body, a blocked prompt, the refusal of models without logprobs;
 * the request and its URL (model in the path). */
#include "tests/unit/dialecttest.h"

#define DOCS "tests/fixtures/doc-shapes/"

static void every_case_parses_the_same_in_any_split(void **state)
{
	(void)state;
	dt_check_splits(DOCS "doc-gemini-nonstream");
	dt_check_splits(DOCS "doc-gemini-stream");
	dt_check_splits(DOCS "doc-refusal-gemini-400");
}

static void chosen_and_top_candidates_make_the_tokens(void **state)
{
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-gemini-nonstream", &rc, &err);
	char *text = dt_text(d);

	(void)state;
	assert_int_equal(rc, TS_OK);
	assert_string_equal(text, "Paris is the capital.");
	assert_int_equal(doc_count(d), 5);
	/* logProbability absent: proto3 leaves out 0, so p = 1. */
	assert_true(doc_token(d, 0)->logprob == 0.0);
	assert_int_equal(doc_token(d, 0)->id, 8921);
	assert_int_equal(doc_token(d, 0)->rank, 1);
	assert_true(doc_alt(d, 0, 1)->logprob == (float)-9.2);
	assert_true(doc_token(d, 4)->logprob == -0.19);
	assert_true(doc_alt(d, 4, 1)->logprob == (float)-1.75);
	assert_true(doc_token(d, 4)->flags & DOC_TOK_BYTES_DERIVED);
	assert_string_equal(doc_meta(d, DOC_META_MODEL), "gemini-2.0-flash");
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "STOP");
	assert_string_equal(doc_meta(d, DOC_META_ID), "mQVbaPjWOKKz1dkPyNfQ0Ac");
	assert_int_equal(doc_usage_c(d)->completion_tokens, 5);
	free(text);
	doc_free(d);
}

static void the_stream_is_the_same_answer(void **state)
{
	struct ts_err err;
	int r1, r2;
	struct doc *a = dt_run(DOCS "doc-gemini-nonstream", &r1, &err);
	struct doc *b = dt_run(DOCS "doc-gemini-stream", &r2, &err);

	(void)state;
	assert_int_equal(r1 | r2, TS_OK);
	assert_true(doc_equal(a, b));
	doc_free(a);
	doc_free(b);
}

static int run_text(const char *body, bool stream, long status, struct doc *d, struct ts_err *err)
{
	struct dt_case c = { .body = (char *)(uintptr_t)body, .len = strlen(body), .status = status,
			     .stream = stream, .dl = &dialect_gemini };

	return dt_ingest(d, &c, err);
}

static void an_array_body_and_a_blocked_prompt(void **state)
{
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	/* streamGenerateContent without alt=sse answers a JSON array. */
	assert_int_equal(run_text("[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"logprobsResult\":"
				  "{\"chosenCandidates\":[{\"token\":\"a\",\"logProbability\":-0.5}],\"topCandidates\":"
				  "[{\"candidates\":[{\"token\":\"a\",\"logProbability\":-0.5}]}]}}]},"
				  "{\"candidates\":[{\"finishReason\":\"STOP\",\"logprobsResult\":{\"chosenCandidates\":"
				  "[{\"token\":\"b\",\"logProbability\":-1.5}]}}]}]", true, 200, d, &err), TS_OK);
	assert_int_equal(doc_count(d), 2);
	assert_int_equal(doc_token(d, 1)->nalt, 0);
	doc_clear(d);
	assert_int_equal(run_text("{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}", false, 200, d, &err),
			 TS_ESERVER);
	assert_string_equal(err.msg, "server error: the prompt was blocked (SAFETY)");
	/* Without a finishReason the stream was cut. */
	doc_clear(d);
	assert_int_equal(run_text("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}\r\n\r\n",
				  true, 200, d, &err), TS_ECUT);
	doc_free(d);
}

static void a_model_without_logprobs_is_explained(void **state)
{
	struct ts_err err;
	int rc;
	struct doc *d = dt_run(DOCS "doc-refusal-gemini-400", &rc, &err);

	(void)state;
	assert_int_equal(rc, TS_EHTTP);
	assert_string_equal(err.msg, "HTTP 400: Logprobs is not enabled for models/gemini-2.5-pro "
			    "(INVALID_ARGUMENT, 400) — this Gemini model gives no logprobs: try gemini-2.0-flash (--model)");
	doc_free(d);
}

static void request_sets_response_logprobs(void **state)
{
	struct req_params rp = { .model = "gemini-2.0-flash", .system = "be brief", .prompt = "hi", .max_tokens = 7,
				 .temperature = 0.2, .top_logprobs = 4, .stream = true };
	struct buf b;
	struct ts_err err;
	cJSON *j, *gen;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(dialect_gemini.build_request(&rp, &b, &err), TS_OK);
	j = cJSON_Parse(buf_str(&b));
	gen = cJSON_GetObjectItem(j, "generationConfig");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(gen, "responseLogprobs")));
	assert_int_equal(cJSON_GetObjectItem(gen, "logprobs")->valueint, 4);
	assert_int_equal(cJSON_GetObjectItem(gen, "maxOutputTokens")->valueint, 7);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(j, "contents"), 0), "parts"), 0), "text")->valuestring, "hi");
	assert_non_null(cJSON_GetObjectItem(j, "systemInstruction"));
	assert_null(cJSON_GetObjectItem(j, "model"));   /* the model is in the URL */
	cJSON_Delete(j);
	/* k 0: the chosen tokens only, no "logprobs" count. */
	rp.top_logprobs = 0;
	buf_reset(&b);
	assert_int_equal(dialect_gemini.build_request(&rp, &b, &err), TS_OK);
	assert_null(strstr(buf_str(&b), "\"logprobs\""));
	buf_fini(&b);
}

static void urls_put_the_model_in_the_path(void **state)
{
	struct buf b;
	struct ts_err err;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(dialect_url(&dialect_gemini, DIALECT_URL_STREAM, "https://g.example/v1beta/", "gemini-2.0-flash",
				     NULL, &b, &err), TS_OK);
	assert_string_equal(buf_str(&b), "https://g.example/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
	buf_reset(&b);
	assert_int_equal(dialect_url(&dialect_gemini, DIALECT_URL_REQUEST, "https://g.example/v1beta",
				     "models/tuned a/b", "x=1", &b, &err), TS_OK);
	assert_string_equal(buf_str(&b), "https://g.example/v1beta/models/tuned%20a%2Fb:generateContent?x=1");
	buf_reset(&b);
	assert_int_equal(dialect_url(&dialect_gemini, DIALECT_URL_MODELS, "https://g.example/v1beta", NULL, NULL, &b,
				     &err), TS_OK);
	assert_string_equal(buf_str(&b), "https://g.example/v1beta/models");
	buf_reset(&b);
	assert_int_equal(dialect_url(&dialect_gemini, DIALECT_URL_REQUEST, "https://g.example", NULL, NULL, &b, &err),
			 TS_ECONFIG);
	assert_non_null(strstr(err.msg, "needs a model name"));
	buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_case_parses_the_same_in_any_split),
		cmocka_unit_test(chosen_and_top_candidates_make_the_tokens),
		cmocka_unit_test(the_stream_is_the_same_answer),
		cmocka_unit_test(an_array_body_and_a_blocked_prompt),
		cmocka_unit_test(a_model_without_logprobs_is_explained),
		cmocka_unit_test(request_sets_response_logprobs),
		cmocka_unit_test(urls_put_the_model_in_the_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
