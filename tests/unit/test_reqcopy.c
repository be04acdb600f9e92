/* Reading a request back from the body an answer carries: every dialect's
 * own request builder, read back, gives the parameters it was built from;
 * every recorded request.json reads; shapes the builders do not write
 * (content parts, a developer message, max_completion_tokens) read too. */
#include "tests/unit/testutil.h"

#include <dirent.h>

#include "src/buf.h"
#include "src/dialect.h"
#include "src/reqcopy.h"

static void built_reads_back(const char *dialect, bool stream, bool has_system)
{
	const struct dialect *dl = dialect_find(dialect);
	struct req_params in = {
		.model = "m-1", .system = "Be brief.", .prompt = "Classify: \"ship it\"\nthanks",
		.max_tokens = 77, .temperature = 0.25, .top_logprobs = 4, .stream = stream,
	}, out;
	struct reqcopy rc;
	struct ts_err err;
	struct buf body;

	assert_non_null(dl);
	buf_init(&body, 0);
	assert_int_equal(dl->build_request(&in, &body, &err), TS_OK);
	assert_int_equal(reqcopy_parse(&rc, buf_str(&body), &err), TS_OK);
	reqcopy_params(&rc, 9, &out);
	assert_string_equal(out.prompt, in.prompt);
	if (has_system)
		assert_string_equal(out.system, in.system);
	else
		assert_null(out.system);
	assert_int_equal(out.max_tokens, in.max_tokens);
	assert_true(out.temperature == in.temperature);
	assert_int_equal(out.top_logprobs, in.top_logprobs);
	assert_int_equal(out.stream, in.stream);
	reqcopy_fini(&rc);
	buf_fini(&body);
}

/* Every dialect's builder, streamed and not (Gemini says it in the URL:
 * read as streamed), with and without a system message where it has one. */
static void every_dialect_reads_back_what_it_built(void **state)
{
	(void)state;
	for (int st = 0; st < 2; st++) {
		built_reads_back("openai-chat", st, true);
		built_reads_back("openai-completions", st, false);
		built_reads_back("openai-responses", st, true);
		built_reads_back("together", st, true);
		built_reads_back("fireworks", st, true);
		built_reads_back("llamacpp-completion", st, false);
		built_reads_back("ollama-chat", st, true);
		built_reads_back("ollama-generate", st, true);
	}
	built_reads_back("gemini", true, true);
}

/* The weak classifier's recorded request: the body the cascade test's
 * strong server must receive again, model aside. */
static void a_recorded_chat_request_reads_in_full(void **state)
{
	char path[512];
	char *text = tu_read_file(tu_fixture(path, sizeof path, "llamacpp-mailcls",
					     "mailcls-190K/b_work_spam_tie_email_stream", "request.json"), NULL);
	struct reqcopy rc;
	struct ts_err err;

	(void)state;
	assert_int_equal(reqcopy_parse(&rc, text, &err), TS_OK);
	assert_string_equal(rc.model, "mailcls-190K");
	assert_non_null(strstr(rc.system, "helpful email categorizer"));
	assert_true(strncmp(rc.prompt, "Good morning, Please send me the quarterly report", 49) == 0);
	assert_int_equal(rc.max_tokens, 16);
	assert_true(rc.temperature == 0);
	assert_int_equal(rc.top_logprobs, 5);
	assert_true(rc.stream);
	reqcopy_fini(&rc);
	free(text);
}

/* Every request.json under tests/fixtures reads, with its prompt; the
 * error cases say what is wrong: a truncated body is not JSON, two hold no
 * prompt (no messages; a model only). */
static void every_recorded_request_reads(void **state)
{
	static const char *const sets[] = { "llamacpp-stories260k", "llamacpp-mailcls/mailcls-190K",
					     "llamacpp-mailcls/mailcls-1M", "doc-shapes" };
	size_t seen = 0;

	(void)state;
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		char dir[512];
		DIR *d;
		struct dirent *e;

		snprintf(dir, sizeof dir, "tests/fixtures/%s", sets[i]);
		d = opendir(dir);
		assert_non_null(d);
		while ((e = readdir(d))) {
			char path[1024];
			FILE *f;
			char *text;
			struct reqcopy rc;
			struct ts_err err;

			snprintf(path, sizeof path, "%s/%s/request.json", dir, e->d_name);
			f = e->d_name[0] == '.' ? NULL : fopen(path, "rb");
			if (!f)
				continue;
			fclose(f);
			text = tu_read_file(path, NULL);
			if (strstr(path, "malformed_json")) {
				assert_int_equal(reqcopy_parse(&rc, text, &err), TS_EJSON);
				free(text);
				continue;
			}
			if (!strstr(text, "\"content\"") && !strstr(text, "\"contents\"") && !strstr(text, "\"prompt\"") &&
			    !strstr(text, "\"input\"")) {
				assert_int_equal(reqcopy_parse(&rc, text, &err), TS_ESHAPE);
				free(text);
				continue;
			}
			if (reqcopy_parse(&rc, text, &err) != TS_OK)
				fail_msg("%s: %s", path, err.msg);
			assert_non_null(rc.prompt);
			reqcopy_fini(&rc);
			free(text);
			seen++;
		}
		closedir(d);
	}
	assert_true(seen >= 60);
}

static void other_shapes_read(void **state)
{
	struct reqcopy rc;
	struct ts_err err;

	(void)state;
	assert_int_equal(reqcopy_parse(&rc,
		"{\"messages\":[{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"Be \"},"
		"{\"type\":\"text\",\"text\":\"brief.\"}]},{\"role\":\"user\",\"content\":\"first\"},"
		"{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
		"\"text\":\"second\"}]}],\"max_completion_tokens\":9,\"logprobs\":true,\"stream\":false}", &err), TS_OK);
	assert_string_equal(rc.system, "Be brief.");
	assert_string_equal(rc.prompt, "second");
	assert_int_equal(rc.max_tokens, 9);
	assert_int_equal(rc.top_logprobs, -1);      /* "logprobs": true is not a k */
	assert_true(rc.temperature < 0);
	assert_false(rc.stream);
	reqcopy_fini(&rc);
	assert_int_equal(reqcopy_parse(&rc, "{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
				       "\"text\":\"hi\"}]}],\"instructions\":\"sys\",\"max_output_tokens\":3}", &err), TS_OK);
	assert_string_equal(rc.prompt, "hi");
	assert_string_equal(rc.system, "sys");
	assert_int_equal(rc.max_tokens, 3);
	assert_true(rc.stream);                     /* absent: streamed */
	reqcopy_fini(&rc);
}

static void bad_bodies_are_errors(void **state)
{
	struct reqcopy rc;
	struct ts_err err;
	struct req_params rp;

	(void)state;
	assert_int_equal(reqcopy_parse(&rc, NULL, &err), TS_EJSON);
	assert_non_null(strstr(err.msg, "no request"));
	assert_int_equal(reqcopy_parse(&rc, "{\"messages\":[", &err), TS_EJSON);
	assert_int_equal(reqcopy_parse(&rc, "[1,2]", &err), TS_EJSON);
	assert_int_equal(reqcopy_parse(&rc, "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}", &err),
			 TS_ESHAPE);
	assert_null(rc.prompt);
	assert_null(rc.system);
	reqcopy_fini(&rc);
	reqcopy_fini(NULL);
	/* an absent k takes the default given */
	assert_int_equal(reqcopy_parse(&rc, "{\"prompt\":\"p\"}", &err), TS_OK);
	reqcopy_params(&rc, 7, &rp);
	assert_int_equal(rp.top_logprobs, 7);
	assert_int_equal(rp.max_tokens, 0);
	reqcopy_fini(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_dialect_reads_back_what_it_built),
		cmocka_unit_test(a_recorded_chat_request_reads_in_full),
		cmocka_unit_test(every_recorded_request_reads),
		cmocka_unit_test(other_shapes_read),
		cmocka_unit_test(bad_bodies_are_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
