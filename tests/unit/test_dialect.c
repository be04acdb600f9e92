/* dialect.c: the table, the dialect of a recorded endpoint, URLs, the
 * one-line error messages and the known refusals (every refusal fixture
 * built from the providers' documentation gives its hint). */
#include "tests/unit/dialecttest.h"

#define DOCS "tests/fixtures/doc-shapes/"

static void every_dialect_is_complete_and_findable(void **state)
{
	(void)state;
	assert_int_equal(dialect_count(), 9);
	for (size_t i = 0; i < dialect_count(); i++) {
		const struct dialect *dl = dialect_at(i);

		assert_ptr_equal(dialect_find(dl->name), dl);
		assert_non_null(dl->path);
		assert_non_null(dl->description);
		assert_non_null(dl->build_request);
		assert_non_null(dl->parse_body);
		assert_non_null(dl->parse_event);
		assert_non_null(dl->parse_error);
	}
	assert_null(dialect_at(dialect_count()));
	assert_null(dialect_find("anthropic"));
	assert_null(dialect_find(NULL));
}

static void a_recorded_endpoint_names_its_dialect(void **state)
{
	static const struct { const char *endpoint, *dialect; } cases[] = {
		{ "POST http://127.0.0.1:18080/v1/chat/completions", "openai-chat" },
		{ "POST http://127.0.0.1:18080/v1/completions", "openai-completions" },
		{ "POST http://127.0.0.1:41099/completion", "llamacpp-completion" },
		{ "POST https://api.openai.com/v1/responses", "openai-responses" },
		{ "POST http://127.0.0.1:11434/api/chat", "ollama-chat" },
		{ "POST http://127.0.0.1:11434/api/generate", "ollama-generate" },
		{ "POST https://g.example/v1beta/models/gemini-2.0-flash:generateContent", "gemini" },
		{ "POST https://g.example/v1beta/models/x:streamGenerateContent?alt=sse", "gemini" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct dialect *dl = dialect_for_endpoint(cases[i].endpoint);

		if (!dl || strcmp(dl->name, cases[i].dialect) != 0)
			fail_msg("%s: %s", cases[i].endpoint, dl ? dl->name : "none");
	}
	assert_null(dialect_for_endpoint("GET http://127.0.0.1:18080/v1/models"));
	assert_null(dialect_for_endpoint("POST http://h/v1/embeddings"));
	assert_null(dialect_for_endpoint("no url"));
	assert_null(dialect_for_endpoint(NULL));
}

static void urls_join_base_path_and_query(void **state)
{
	struct buf b;
	struct ts_err err;

	(void)state;
	buf_init(&b, 0);
	/* Azure: the chat path under the deployment, the api-version query. */
	assert_int_equal(dialect_url(&dialect_openai_chat, DIALECT_URL_STREAM,
				     "https://r.openai.azure.com/openai/deployments/gpt4o//", "ignored",
				     "api-version=2024-10-21", &b, &err), TS_OK);
	assert_string_equal(buf_str(&b), "https://r.openai.azure.com/openai/deployments/gpt4o/chat/completions"
			    "?api-version=2024-10-21");
	buf_reset(&b);
	assert_int_equal(dialect_url(&dialect_ollama_chat, DIALECT_URL_MODELS, "http://127.0.0.1:11434", NULL, "",
				     &b, &err), TS_OK);
	assert_string_equal(buf_str(&b), "http://127.0.0.1:11434/api/tags");
	buf_reset(&b);
	assert_int_equal(dialect_url(&dialect_llamacpp_completion, DIALECT_URL_MODELS, "http://h:8080", NULL, NULL,
				     &b, &err), TS_OK);
	assert_string_equal(buf_str(&b), "http://h:8080/v1/models");
	buf_reset(&b);
	assert_int_equal(dialect_url(&dialect_openai_chat, DIALECT_URL_MODELS, "http://h/v1", NULL, NULL, &b, &err),
			 TS_OK);
	assert_string_equal(buf_str(&b), "http://h/v1/models");
	buf_fini(&b);
}

/* Each refusal fixture: its HTTP status, the server's message, then the
 * specific hint, in one line. */
static void every_known_refusal_gets_its_hint(void **state)
{
	static const struct { const char *dir, *hint; } cases[] = {
		{ "doc-refusal-openai-reasoning-400", "OpenAI reasoning models (o1, o3, o4-mini, gpt-5) give no logprobs" },
		{ "doc-refusal-openai-o1-403", "this model may not return logprobs (OpenAI o-series)" },
		{ "doc-refusal-gemini-400", "this Gemini model gives no logprobs" },
		{ "doc-refusal-groq-400", "Groq refuses them for every model" },
		{ "doc-refusal-mistral-3051", "Mistral's API gives no logprobs (error 3051)" },
		{ "doc-refusal-deepseek-reasoner-400", "deepseek-reasoner gives no logprobs: use deepseek-chat" },
		{ "doc-refusal-ollama-k-400", "Ollama gives at most 20 alternatives" },
		{ "doc-refusal-vllm-max-logprobs-400", "restart it with a larger --max-logprobs" },
		{ "doc-refusal-together-max1-400", "use --top-logprobs 1" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char path[512], status[16];
		struct ts_err err;
		int rc;
		struct doc *d;

		snprintf(path, sizeof path, DOCS "%s", cases[i].dir);
		d = dt_run(path, &rc, &err);
		snprintf(status, sizeof status, "HTTP %ld: ", strtol(strrchr(cases[i].dir, '-') + 1, NULL, 10));
		if (rc != TS_EHTTP || !strstr(err.msg, cases[i].hint) || strchr(err.msg, '\n') ||
		    (strncmp(err.msg, status, strlen(status)) != 0 && !strstr(cases[i].dir, "3051")))
			fail_msg("%s: %s '%s'", cases[i].dir, ts_errname(rc), err.msg);
		assert_int_equal(doc_count(d), 0);
		doc_free(d);
	}
}

static void other_errors_get_no_hint(void **state)
{
	struct ts_err err;

	(void)state;
	dialect_error_message("{\"error\":{\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}}", 70,
			      401, &err);
	assert_string_equal(err.msg, "HTTP 401: Invalid API Key (authentication_error)");
	assert_null(dialect_refusal_hint("{\"error\":\"model 'x' not found\"}", 30, 404));
	/* A refusal pattern applies only to its status. */
	assert_null(dialect_refusal_hint("unsupported_parameter logprobs", 30, 500));
	assert_non_null(dialect_refusal_hint("unsupported_parameter logprobs", 30, 400));
	assert_non_null(dialect_refusal_hint("UNSUPPORTED_PARAMETER LOGPROBS", 30, 400));
}

/* A long message gives way to the hint, which is never cut. */
static void the_hint_survives_a_long_message(void **state)
{
	char body[2048];
	struct ts_err err;
	const char *hint = dialect_refusal_hint("top_logprobs must be between 0 and 20", 37, 400);
	int n = snprintf(body, sizeof body, "{\"error\":\"top_logprobs must be between 0 and 20 %0900d\"}", 7);

	(void)state;
	dialect_error_message(body, (size_t)n, 400, &err);
	assert_non_null(hint);
	assert_true(strlen(err.msg) < TS_ERRMSG_MAX);
	assert_string_equal(err.msg + strlen(err.msg) - strlen(hint), hint);
}

/* vLLM's return_tokens_as_token_ids spells tokens that are not valid text
 * "token_id:123", with bytes of that spelling: every dialect keeps the
 * text, flags it derived and takes the id from it when none is given;
 * a token of empty text with bytes keeps its bytes. */
static void tokens_that_are_not_text_display_sensibly(void **state)
{
	static const char body[] =
		"{\"choices\":[{\"message\":{\"content\":\"x\"},\"logprobs\":{\"content\":["
		"{\"token\":\"token_id:30024\",\"bytes\":[116,111,107,101,110,95,105,100,58,51,48,48,50,52],"
		"\"logprob\":-0.5,\"top_logprobs\":[{\"token\":\"token_id:30024\",\"logprob\":-0.5}]},"
		"{\"token\":\"\",\"bytes\":[240,159],\"logprob\":-0.25,\"top_logprobs\":[]}]}}]}";
	const struct dialect *const dls[] = { &dialect_openai_chat, &dialect_together, &dialect_fireworks };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct dt_case c = { .body = (char *)(uintptr_t)body, .len = sizeof body - 1, .status = 200,
				     .dl = dls[i] };
		struct doc *d = doc_new();
		struct ts_err err;
		size_t len;
		const uint8_t *p;

		assert_int_equal(dt_ingest(d, &c, &err), TS_OK);
		assert_int_equal(doc_count(d), 2);
		assert_string_equal(dt_tok(d, 0), "token_id:30024");
		assert_true(doc_token(d, 0)->flags & DOC_TOK_BYTES_DERIVED);
		assert_int_equal(doc_token(d, 0)->rank, 1);
		if (dls[i] != &dialect_openai_chat)
			assert_int_equal(doc_token(d, 0)->id, 30024);
		p = doc_token_bytes(d, 1, &len);
		assert_int_equal(len, 2);
		assert_int_equal(p[0], 240);
		assert_false(doc_token(d, 1)->flags & DOC_TOK_BYTES_DERIVED);
		doc_free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_dialect_is_complete_and_findable),
		cmocka_unit_test(a_recorded_endpoint_names_its_dialect),
		cmocka_unit_test(urls_join_base_path_and_query),
		cmocka_unit_test(every_known_refusal_gets_its_hint),
		cmocka_unit_test(other_errors_get_no_hint),
		cmocka_unit_test(the_hint_survives_a_long_message),
		cmocka_unit_test(tokens_that_are_not_text_display_sensibly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
