/* models.c: reading model lists in every shape servers use (a real
 * llama-server recording, and fixtures built from the Ollama, Gemini and
 * Together documentation), and refusing what is none of them. */
#include "tests/unit/testutil.h"

#include "src/models.h"

static int parse_file(const char *dir, struct models_list *l, struct ts_err *err)
{
	char path[512];
	size_t len;
	char *body;
	int rc;

	snprintf(path, sizeof path, "tests/fixtures/%s/response", dir);
	body = tu_read_file(path, &len);
	rc = models_parse(body, len, l, err);
	free(body);
	return rc;
}

static void every_shape_gives_the_names(void **state)
{
	static const struct { const char *dir; size_t n; const char *first, *last; } cases[] = {
		{ "llamacpp-stories260k/j_models_list", 1, "stories260K", "stories260K" },
		{ "doc-shapes/doc-models-ollama-tags", 2, "llama3.2:latest", "qwen2.5:0.5b" },
		/* "models/" dropped; the embedding model left out. */
		{ "doc-shapes/doc-models-gemini", 2, "gemini-2.0-flash", "gemini-2.5-flash" },
		{ "doc-shapes/doc-models-together", 2, "meta-llama/Llama-3.3-70B-Instruct-Turbo",
		  "Qwen/Qwen2.5-7B-Instruct-Turbo" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct models_list l;
		struct ts_err err;

		assert_int_equal(parse_file(cases[i].dir, &l, &err), TS_OK);
		assert_int_equal(l.n, cases[i].n);
		assert_string_equal(l.names[0], cases[i].first);
		assert_string_equal(l.names[l.n - 1], cases[i].last);
		models_list_fini(&l);
		assert_int_equal(l.n, 0);
	}
	models_list_fini(NULL);
}

static void what_is_not_a_model_list_is_refused(void **state)
{
	struct models_list l;
	struct ts_err err;

	(void)state;
	assert_int_equal(models_parse("{\"data\":", 8, &l, &err), TS_EJSON);
	assert_int_equal(l.n, 0);
	assert_int_equal(models_parse("{\"object\":\"list\"}", 17, &l, &err), TS_ESHAPE);
	assert_non_null(strstr(err.msg, "neither data[] nor models[]"));
	/* Entries without a name are skipped, not fatal. */
	assert_int_equal(models_parse("{\"data\":[{\"x\":1},\"m1\",{\"id\":\"\"}]}", 33, &l, &err), TS_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.names[0], "m1");
	models_list_fini(&l);
}

static void a_list_longer_than_the_bound_is_refused(void **state)
{
	struct models_list l;
	struct ts_err err;
	char *body = malloc(16u * (MODELS_MAX + 2));
	size_t n = 0;

	(void)state;
	body[n++] = '[';
	for (size_t i = 0; i <= MODELS_MAX; i++)
		n += (size_t)snprintf(body + n, 16, "%s\"m%zu\"", i ? "," : "", i);
	body[n++] = ']';
	assert_int_equal(models_parse(body, n, &l, &err), TS_ETOOBIG);
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(err.msg, "more than 10000 models"));
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_shape_gives_the_names),
		cmocka_unit_test(what_is_not_a_model_list_is_refused),
		cmocka_unit_test(a_list_longer_than_the_bound_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
