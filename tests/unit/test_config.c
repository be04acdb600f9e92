/* Profiles, defaults, the config file and its search path, the endpoint. */
#include "tests/unit/testutil.h"

#include <unistd.h>

#include "src/config.h"
#include "src/dialect.h"
#include "src/route.h"

/* Writes text to a new temporary file; returns its malloc'd path. */
static char *temp_file(const char *text)
{
	char *path = strdup("/tmp/tokscope-config-XXXXXX");
	int fd;
	size_t n = strlen(text);

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

/* Loads text as a config file into c (initialised here); returns the
 * status, err holds the message. The file is removed again. */
static int load_text(struct config *c, const char *text, struct ts_err *err, char **path_out)
{
	char *path = temp_file(text);
	int rc;

	assert_int_equal(config_init(c), TS_OK);
	rc = config_load(c, path, err);
	unlink(path);
	if (path_out)
		*path_out = path;
	else
		free(path);
	return rc;
}

/* Asserts that text fails to load with "FILE:LINE: " and a message
 * containing what. */
static void assert_file_error(const char *text, int line, const char *what)
{
	struct config c;
	struct ts_err err;
	char *path, prefix[128];

	assert_int_equal(load_text(&c, text, &err, &path), TS_ECONFIG);
	snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0 || !strstr(err.msg, what))
		fail_msg("message '%s' does not start with '%s' and hold '%s'", err.msg, prefix, what);
	free(path);
	config_fini(&c);
}

static void clear_env(void)
{
	unsetenv("TOKSCOPE_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("LLAMA_API_KEY");
	unsetenv("TOKSCOPE_TEST_KEY");
	unsetenv("OPENAI_API_KEY");
}

static int setup(void **state)
{
	(void)state;
	clear_env();
	return 0;
}

static void defaults_match_the_documented_values(void **state)
{
	struct config c;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_string_equal(c.s.profile, "llamacpp");
	assert_null(c.s.base_url);
	assert_null(c.s.model);
	assert_null(c.s.key_env);
	assert_null(c.s.system);
	assert_int_equal(c.s.top_logprobs, 5);
	assert_int_equal(c.s.max_tokens, 256);
	assert_true(c.s.temperature == -1);
	assert_true(c.s.threshold == 0.85);
	assert_int_equal(c.s.stat, STAT_FIRST);
	assert_true(c.s.quantile == 0.10);
	assert_true(c.s.tok_threshold == 0.5);
	assert_int_equal(c.s.connect_timeout_s, 10);
	assert_int_equal(c.s.idle_timeout_s, 60);
	assert_false(c.s.endpoint_set);
	assert_null(c.path);
	config_fini(&c);
}

static void every_builtin_profile_has_its_values(void **state)
{
	static const struct {
		const char *name, *url, *key, *model, *dialect, *auth, *query;
		int max_k;
	} want[] = {
		{ "together", "https://api.together.xyz/v1", "TOGETHER_API_KEY",
		  "meta-llama/Llama-3.3-70B-Instruct-Turbo", "together", NULL, NULL, 20 },
		{ "openai", "https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-4o-mini", "openai-chat", NULL,
		  NULL, 20 },
		{ "openai-completions", "https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-3.5-turbo-instruct",
		  "openai-completions", NULL, NULL, 5 },
		{ "openai-responses", "https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-4o-mini",
		  "openai-responses", NULL, NULL, 20 },
		{ "azure", NULL, "AZURE_OPENAI_API_KEY", NULL, "openai-chat", "api-key", "api-version=2024-10-21",
		  20 },
		{ "llamacpp", "http://127.0.0.1:8080/v1", "LLAMA_API_KEY", NULL, "openai-chat", NULL, NULL, 0 },
		{ "llamacpp-completion", "http://127.0.0.1:8080", "LLAMA_API_KEY", NULL, "llamacpp-completion",
		  NULL, NULL, 0 },
		{ "vllm", "http://127.0.0.1:8000/v1", "VLLM_API_KEY", NULL, "openai-chat", NULL, NULL, 0 },
		{ "ollama", "http://127.0.0.1:11434", NULL, "llama3.2", "ollama-chat", NULL, NULL, 20 },
		{ "ollama-generate", "http://127.0.0.1:11434", NULL, "llama3.2", "ollama-generate", NULL, NULL,
		  20 },
		{ "gemini", "https://generativelanguage.googleapis.com/v1beta", "GEMINI_API_KEY",
		  "gemini-2.0-flash", "gemini", "x-goog-api-key", NULL, 20 },
		{ "openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "openai/gpt-4o-mini",
		  "openai-chat", NULL, NULL, 20 },
		{ "deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "deepseek-chat", "openai-chat",
		  NULL, NULL, 20 },
		{ "fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY",
		  "accounts/fireworks/models/llama-v3p1-8b-instruct", "fireworks", NULL, NULL, 5 },
	};
	struct config c;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(c.nprofiles, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct profile *p = config_profile(&c, want[i].name);
		const char *const got[] = { p ? p->base_url : NULL, p ? p->key_env : NULL,
					    p ? p->model : NULL, p ? p->auth : NULL, p ? p->query : NULL };
		const char *const exp[] = { want[i].url, want[i].key, want[i].model, want[i].auth,
					    want[i].query };

		assert_non_null(p);
		assert_string_equal(p->name, want[i].name);
		for (size_t f = 0; f < 5; f++) {
			if (exp[f])
				assert_string_equal(got[f], exp[f]);
			else
				assert_null(got[f]);
		}
		assert_string_equal(p->dialect, want[i].dialect);
		assert_non_null(dialect_find(p->dialect));
		assert_int_equal(p->max_k, want[i].max_k);
		assert_true(p->builtin);
	}
	assert_null(config_profile(&c, "nosuch"));
	assert_null(config_profile(&c, NULL));
	config_fini(&c);
}

/* A profile's auth style and query reach the endpoint; the auth value is
 * checked like a header name. */
static void profile_auth_and_query_reach_the_endpoint(void **state)
{
	struct config c;
	struct ts_err err;
	struct endpoint ep;

	(void)state;
	assert_int_equal(load_text(&c, "[defaults]\nprofile = az\n[profile az]\n"
				   "base_url = https://r.openai.azure.com/openai/deployments/d\n"
				   "auth = api-key\nquery = api-version=2024-10-21\n", &err, NULL), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.auth, "api-key");
	assert_string_equal(ep.query, "api-version=2024-10-21");
	config_fini(&c);
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_null(ep.auth);   /* the default: Authorization: Bearer */
	assert_null(ep.query);
	assert_int_equal(config_set(&c, "profile", "gemini", &err), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.auth, "x-goog-api-key");
	assert_string_equal(ep.dialect, "gemini");
	config_fini(&c);
	assert_file_error("[profile p]\nauth = api key\n", 2, "neither bearer, none nor a header name");
	/* azure has no base URL until the user gives the resource's. */
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "profile", "azure", &err), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "has no base URL"));
	config_fini(&c);
}

static void default_endpoint_is_llamacpp(void **state)
{
	struct config c;
	struct endpoint ep;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.profile, "llamacpp");
	assert_string_equal(ep.base_url, "http://127.0.0.1:8080/v1");
	assert_null(ep.model);
	assert_string_equal(ep.key_env, "LLAMA_API_KEY");
	assert_string_equal(ep.dialect, "openai-chat");
	assert_int_equal(ep.max_k, CONFIG_K_UNBOUNDED);
	config_fini(&c);
}

static void overrides_replace_the_profile_fields(void **state)
{
	struct config c;
	struct endpoint ep;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "profile", "openai", &err), TS_OK);
	assert_int_equal(config_set(&c, "model", "gpt-4.1-nano", &err), TS_OK);
	assert_int_equal(config_set(&c, "key_env", "MY_OTHER_KEY", &err), TS_OK);
	assert_int_equal(config_set(&c, "base_url", "https://proxy.example/v1", &err), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.profile, "openai");
	assert_string_equal(ep.base_url, "https://proxy.example/v1");
	assert_string_equal(ep.model, "gpt-4.1-nano");
	assert_string_equal(ep.key_env, "MY_OTHER_KEY");
	assert_int_equal(ep.max_k, 20);
	/* Empty overrides mean "none", not "the profile's". */
	assert_int_equal(config_set(&c, "model", "", &err), TS_OK);
	assert_int_equal(config_set(&c, "key_env", "", &err), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_null(ep.model);
	assert_null(ep.key_env);
	config_fini(&c);
}

static void config_set_accepts_valid_values(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "top_logprobs", "20", &err), TS_OK);
	assert_int_equal(config_set(&c, "max_tokens", "1000000", &err), TS_OK);
	assert_int_equal(config_set(&c, "temperature", "0.7", &err), TS_OK);
	assert_int_equal(config_set(&c, "threshold", "1", &err), TS_OK);
	assert_int_equal(config_set(&c, "stat", "geomean", &err), TS_OK);
	assert_int_equal(config_set(&c, "quantile", "0.25", &err), TS_OK);
	assert_int_equal(config_set(&c, "tok_threshold", "0", &err), TS_OK);
	assert_int_equal(config_set(&c, "connect_timeout", "1", &err), TS_OK);
	assert_int_equal(config_set(&c, "idle_timeout", "3600", &err), TS_OK);
	assert_int_equal(config_set(&c, "system", "Be brief.", &err), TS_OK);
	assert_int_equal(config_set(&c, "theme", "mono", &err), TS_OK);
	assert_int_equal(c.s.top_logprobs, 20);
	/* above the hosted APIs' 20, up to CONFIG_MAX_TOP_K: whether it is
	 * lowered depends on the profile, when the request is made */
	assert_int_equal(config_set(&c, "top_logprobs", "100", &err), TS_OK);
	assert_int_equal(c.s.top_logprobs, CONFIG_MAX_TOP_K);
	assert_int_equal(c.s.max_tokens, 1000000);
	assert_true(c.s.temperature == 0.7);
	assert_true(c.s.threshold == 1.0);
	assert_int_equal(c.s.stat, STAT_GEOMEAN);
	assert_true(c.s.quantile == 0.25);
	assert_true(c.s.tok_threshold == 0.0);
	assert_int_equal(c.s.connect_timeout_s, 1);
	assert_int_equal(c.s.idle_timeout_s, 3600);
	assert_string_equal(c.s.system, "Be brief.");
	assert_string_equal(c.s.theme, "mono");
	assert_false(c.s.endpoint_set);
	/* An empty system prompt is none. */
	assert_int_equal(config_set(&c, "system", "", &err), TS_OK);
	assert_null(c.s.system);
	config_fini(&c);
}

static void config_set_rejects_bad_values_naming_the_key(void **state)
{
	static const struct { const char *key, *value; } bad[] = {
		{ "top_logprobs", "101" }, { "top_logprobs", "-1" }, { "top_logprobs", "5x" },
		{ "top_logprobs", "" }, { "top_logprobs", " 5" }, { "top_logprobs", "0x5" },
		{ "top_logprobs", "99999999999999999999" }, { "max_tokens", "0" },
		{ "max_tokens", "1000001" }, { "temperature", "2.01" }, { "temperature", "-0.1" },
		{ "temperature", "nan" }, { "temperature", "1e" }, { "threshold", "1.5" },
		{ "threshold", "inf" }, { "quantile", "-0.01" }, { "tok_threshold", "0.5 " },
		{ "stat", "median" }, { "connect_timeout", "0" }, { "idle_timeout", "3601" },
		{ "idle_timeout", "1.5" }, { "base_url", "ftp://x" }, { "base_url", "" },
		{ "profile", "" }, { "key_env", "sk-123" },
	};
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ts_err_clear(&err);
		if (config_set(&c, bad[i].key, bad[i].value, &err) != TS_ECONFIG)
			fail_msg("%s = '%s' was accepted", bad[i].key, bad[i].value);
		if (!strstr(err.msg, bad[i].key))
			fail_msg("message '%s' does not name %s", err.msg, bad[i].key);
	}
	/* Nothing changed. */
	assert_int_equal(c.s.top_logprobs, 5);
	assert_int_equal(c.s.max_tokens, 256);
	assert_true(c.s.temperature == -1);
	assert_int_equal(c.s.stat, STAT_FIRST);
	assert_null(c.s.base_url);
	assert_false(c.s.endpoint_set);
	config_fini(&c);
}

static void unknown_setting_and_profile_are_rejected(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "colour", "red", &err), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "colour"));
	assert_int_equal(config_set(&c, "profile", "nosuch", &err), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "nosuch"));
	assert_string_equal(c.s.profile, "llamacpp");
	config_fini(&c);
}

static void stat_error_lists_the_statistics(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "stat", "median", &err), TS_ECONFIG);
	assert_string_equal(err.msg, "stat: unknown statistic 'median' (one of first, geomean, mean, "
			    "min, quantile)");
	config_fini(&c);
}

static void key_env_error_never_echoes_the_value(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "key_env", "sk-SECRET123", &err), TS_ECONFIG);
	assert_null(strstr(err.msg, "SECRET"));
	assert_null(c.s.key_env);
	config_fini(&c);
}

static const char sample_file[] =
	"; a comment\n"
	"# another comment\n"
	"[defaults]\n"
	"profile = mylocal\n"
	"top_logprobs = 10\n"
	"  threshold = 0.9   ; indented, inline comment\n"
	"stat = geomean\n"
	"system = You classify email; answer with one word.\n"
	"theme = colorblind\n"
	"\n"
	"[profile mylocal]\n"
	"base_url = http://127.0.0.1:9090/v1\n"
	"key_env = MY_KEY\n"
	"model = qwen2.5-0.5b\n"
	"dialect = openai-chat\n"
	"max_k = 0\n"
	"\n"
	"[profile openai]\r\n"
	"model = gpt-4.1-mini\r\n"
	"[profile bare]\n"
	"base_url = https://bare.example/v1\n";

static void file_adds_a_profile_and_overrides_defaults(void **state)
{
	struct config c;
	struct ts_err err;
	struct endpoint ep;
	const struct profile *p;
	char *path;

	(void)state;
	assert_int_equal(load_text(&c, sample_file, &err, &path), TS_OK);
	assert_string_equal(c.path, path);
	free(path);
	assert_string_equal(c.s.profile, "mylocal");
	assert_int_equal(c.s.top_logprobs, 10);
	assert_true(c.s.threshold == 0.9);
	assert_int_equal(c.s.stat, STAT_GEOMEAN);
	assert_string_equal(c.s.system, "You classify email; answer with one word.");
	assert_string_equal(c.s.theme, "colorblind");
	assert_int_equal(c.s.max_tokens, 256);
	assert_true(c.s.endpoint_set);
	assert_int_equal(c.nprofiles, 16);
	p = config_profile(&c, "mylocal");
	assert_non_null(p);
	assert_false(p->builtin);
	assert_int_equal(p->max_k, 0);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.profile, "mylocal");
	assert_string_equal(ep.base_url, "http://127.0.0.1:9090/v1");
	assert_string_equal(ep.key_env, "MY_KEY");
	assert_string_equal(ep.model, "qwen2.5-0.5b");
	assert_string_equal(ep.dialect, "openai-chat");
	/* A built-in profile changed in one field keeps the others. */
	p = config_profile(&c, "openai");
	assert_string_equal(p->model, "gpt-4.1-mini");
	assert_string_equal(p->base_url, "https://api.openai.com/v1");
	assert_string_equal(p->key_env, "OPENAI_API_KEY");
	assert_true(p->builtin);
	/* A new profile's unset fields: no key, no model, openai-chat, k 20. */
	p = config_profile(&c, "bare");
	assert_null(p->key_env);
	assert_null(p->model);
	assert_string_equal(p->dialect, "openai-chat");
	assert_int_equal(p->max_k, 20);
	config_fini(&c);
}

static void command_line_overrides_the_file(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(load_text(&c, sample_file, &err, NULL), TS_OK);
	assert_int_equal(config_set(&c, "top_logprobs", "3", &err), TS_OK);
	assert_int_equal(config_set(&c, "profile", "bare", &err), TS_OK);
	assert_int_equal(c.s.top_logprobs, 3);
	assert_string_equal(c.s.profile, "bare");
	config_fini(&c);
}

static void profile_section_may_follow_defaults_choosing_it(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(load_text(&c, "[defaults]\nprofile = later\n[profile later]\n"
				   "base_url = http://h/v1\n", &err, NULL), TS_OK);
	assert_string_equal(c.s.profile, "later");
	config_fini(&c);
}

static void profile_never_defined_is_an_error(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(load_text(&c, "[defaults]\nprofile = ghost\n", &err, NULL), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "ghost"));
	config_fini(&c);
}

static void missing_file_is_not_an_error(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_load(&c, "/nonexistent/tokscope/config.ini", &err), TS_OK);
	assert_null(c.path);
	assert_string_equal(c.s.profile, "llamacpp");
	config_fini(&c);
}

static void unreadable_path_is_an_io_error(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_load(&c, "/", &err), TS_EIO);
	assert_non_null(strstr(err.msg, "/: "));
	config_fini(&c);
}

static void malformed_lines_name_their_line(void **state)
{
	(void)state;
	assert_file_error("[defaults]\n\nthis line has no equals sign\n", 3, "expected 'key = value'");
	assert_file_error("[defaults\nmodel = x\n", 1, "expected 'key = value'");
	assert_file_error("[defaults]\nmodel = x\n[profile x]\nbase_url = http://x/v1\n[nope]\nmodel = y\n",
			  6, "unknown section [nope]");
	assert_file_error("model = x\n", 1, "outside a section");
	assert_file_error("[profile]\nmodel = x\n", 2, "unknown section [profile]");
}

static void bad_values_name_their_line(void **state)
{
	(void)state;
	assert_file_error("[defaults]\ntop_logprobs = 5\nmax_tokens = lots\n", 3, "max_tokens: 'lots'");
	assert_file_error("[defaults]\n\n\n\ntemperature = 3\n", 5, "temperature: '3'");
	assert_file_error("[defaults]\nstat = median\n", 2, "unknown statistic 'median'");
	assert_file_error("[defaults]\ncolour = red\n", 2, "unknown setting 'colour'");
	assert_file_error("[profile p]\nbase_url = http://x/v1\nmax_k = -1\n", 3, "max_k: '-1'");
	assert_file_error("[profile p]\ndialect = anthropic\n", 2, "unknown dialect 'anthropic'");
	assert_file_error("[profile p]\napi_key = sk-1\n", 2, "unknown profile key 'api_key'");
	assert_file_error("[profile p]\nkey_env = sk-1\n", 2, "never the key");
	assert_file_error("[profile p]\nbase_url = 127.0.0.1:8080\n", 2, "not an http:// or https:// URL");
}

static void first_error_wins_when_a_syntax_error_comes_first(void **state)
{
	(void)state;
	/* inih reports the syntax error on line 2; the bad value is on line 3. */
	assert_file_error("[defaults]\ngarbage\ntop_logprobs = 999\n", 2, "expected 'key = value'");
	/* And the other way round. */
	assert_file_error("[defaults]\ntop_logprobs = 999\ngarbage\n", 2, "top_logprobs");
}

static void overlong_line_is_an_error_with_its_line(void **state)
{
	char text[400];

	(void)state;
	snprintf(text, sizeof text, "[defaults]\nmodel = x\nsystem = %0300d\nmodel = y\n", 7);
	assert_file_error(text, 3, "line longer than");
}

static void indented_keys_are_not_continuations(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(load_text(&c, "[profile p]\n  base_url = http://h/v1\n  model = m\n", &err, NULL),
			 TS_OK);
	assert_string_equal(config_profile(&c, "p")->base_url, "http://h/v1");
	assert_string_equal(config_profile(&c, "p")->model, "m");
	config_fini(&c);
}

static void too_many_profiles_is_an_error(void **state)
{
	char text[8192];
	size_t n = 0;
	int i;
	struct config c;
	struct ts_err err;

	(void)state;
	for (i = 0; i < CONFIG_MAX_PROFILES; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "[profile p%d]\nmax_k = 1\n", i);
	assert_int_equal(load_text(&c, text, &err, NULL), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "more than 64 profiles"));
	/* The 51st new profile (14 built in) is the one refused. */
	assert_non_null(strstr(err.msg, ":102: "));
	config_fini(&c);
}

static void default_path_prefers_tokscope_config(void **state)
{
	char *p;

	(void)state;
	setenv("HOME", "/home/someone", 1);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("TOKSCOPE_CONFIG", "/etc/tokscope-test.ini", 1);
	p = config_default_path();
	assert_string_equal(p, "/etc/tokscope-test.ini");
	free(p);
	/* Set but empty: no file at all, even with XDG and HOME set. */
	setenv("TOKSCOPE_CONFIG", "", 1);
	assert_null(config_default_path());
	unsetenv("TOKSCOPE_CONFIG");
	p = config_default_path();
	assert_string_equal(p, "/xdg/tokscope/config.ini");
	free(p);
}

static void default_path_ignores_relative_xdg(void **state)
{
	char *p;

	(void)state;
	setenv("HOME", "/home/someone", 1);
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	p = config_default_path();
	assert_string_equal(p, "/home/someone/.config/tokscope/config.ini");
	free(p);
	setenv("XDG_CONFIG_HOME", "", 1);
	p = config_default_path();
	assert_string_equal(p, "/home/someone/.config/tokscope/config.ini");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_null(config_default_path());
}

static void load_without_path_reads_tokscope_config(void **state)
{
	struct config c;
	struct ts_err err;
	char *path = temp_file("[defaults]\nmax_tokens = 42\n");

	(void)state;
	setenv("TOKSCOPE_CONFIG", path, 1);
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_load(&c, NULL, &err), TS_OK);
	assert_int_equal(c.s.max_tokens, 42);
	assert_string_equal(c.path, path);
	config_fini(&c);
	/* Empty: nothing is read. */
	setenv("TOKSCOPE_CONFIG", "", 1);
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_load(&c, NULL, &err), TS_OK);
	assert_int_equal(c.s.max_tokens, 256);
	assert_null(c.path);
	config_fini(&c);
	unlink(path);
	free(path);
}

static void has_endpoint_cases(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	/* Nothing configured: the demo. */
	assert_int_equal(config_init(&c), TS_OK);
	assert_false(config_has_endpoint(&c));
	/* The default profile's key variable, set but empty, does not count. */
	setenv("LLAMA_API_KEY", "", 1);
	assert_false(config_has_endpoint(&c));
	setenv("LLAMA_API_KEY", "x", 1);
	assert_true(config_has_endpoint(&c));
	unsetenv("LLAMA_API_KEY");
	/* The selected profile's key, after a key_env override. */
	assert_int_equal(config_set(&c, "key_env", "TOKSCOPE_TEST_KEY", &err), TS_OK);
	assert_false(config_has_endpoint(&c));
	setenv("TOKSCOPE_TEST_KEY", "x", 1);
	assert_true(config_has_endpoint(&c));
	unsetenv("TOKSCOPE_TEST_KEY");
	config_fini(&c);
	/* A base URL given. */
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "base_url", "http://h:1/v1", &err), TS_OK);
	assert_true(config_has_endpoint(&c));
	config_fini(&c);
	/* A profile chosen explicitly, even one whose key is not set. */
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "profile", "openai", &err), TS_OK);
	assert_true(config_has_endpoint(&c));
	config_fini(&c);
	/* A profile chosen in the file. */
	assert_int_equal(load_text(&c, "[defaults]\nprofile = ollama\n", &err, NULL), TS_OK);
	assert_true(config_has_endpoint(&c));
	config_fini(&c);
	/* Other settings from the file do not count. */
	assert_int_equal(load_text(&c, "[defaults]\nmodel = m\ntop_logprobs = 2\n", &err, NULL), TS_OK);
	assert_false(config_has_endpoint(&c));
	config_fini(&c);
}

static void endpoint_without_base_url_is_an_error(void **state)
{
	struct config c;
	struct ts_err err;
	struct endpoint ep;

	(void)state;
	assert_int_equal(load_text(&c, "[defaults]\nprofile = nourl\n[profile nourl]\nmodel = m\n", &err,
				   NULL), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "nourl"));
	/* A base URL override supplies it. */
	assert_int_equal(config_set(&c, "base_url", "http://h/v1", &err), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.base_url, "http://h/v1");
	assert_string_equal(ep.model, "m");
	config_fini(&c);
}

static void strset_copies_and_frees(void **state)
{
	char *s = NULL;
	char src[] = "abc";

	(void)state;
	assert_int_equal(config_strset(&s, src), TS_OK);
	src[0] = 'x';
	assert_string_equal(s, "abc");
	assert_int_equal(config_strset(&s, NULL), TS_OK);
	assert_null(s);
}

static void fini_twice_is_harmless(void **state)
{
	struct config c;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	config_fini(&c);
	config_fini(&c);
	config_fini(NULL);
	assert_int_equal(c.nprofiles, 0);
}

/* ---- labels and the strong model (issue 5) ---- */

static void labels_come_from_settings_else_the_profile(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(load_text(&c, "[defaults]\nprofile = mail\nmargin = 0.2\nmin_label_mass = 0.4\n"
				   "[profile mail]\nbase_url = http://127.0.0.1:1/v1\n"
				   "labels = work, personal, spam, other\n", &err, NULL), TS_OK);
	assert_string_equal(config_labels(&c), "work, personal, spam, other");
	assert_true(c.s.margin == 0.2 && c.s.min_label_mass == 0.4);
	assert_int_equal(config_set(&c, "labels", "billing,bug report", &err), TS_OK);
	assert_string_equal(config_labels(&c), "billing,bug report");
	assert_int_equal(config_set(&c, "labels", "", &err), TS_OK);  /* empty: none */
	assert_string_equal(config_labels(&c), "");
	config_fini(&c);
	assert_int_equal(config_init(&c), TS_OK);
	assert_null(config_labels(&c));
	assert_true(c.s.margin == ROUTE_DEFAULT_MARGIN && c.s.min_label_mass == ROUTE_DEFAULT_MIN_LABEL_MASS);
	config_fini(&c);
}

static void bad_labels_are_rejected_in_settings_and_profiles(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "labels", "a,,b", &err), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "empty label"));
	assert_null(c.s.labels);
	assert_int_equal(config_set(&c, "margin", "1.5", &err), TS_ECONFIG);
	assert_int_equal(config_set(&c, "min_label_mass", "-1", &err), TS_ECONFIG);
	config_fini(&c);
	assert_file_error("[profile p]\nbase_url = http://x/v1\nlabels = spam,SPAM\n", 3, "same label");
}

/* How an openai-chat server continues a prefix (branching): vllm and
 * llamacpp know theirs; a file's profile says it; other values fail. */
static void prefill_reaches_the_endpoint(void **state)
{
	struct config c;
	struct ts_err err;
	struct endpoint ep;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.prefill, "llamacpp");
	assert_int_equal(config_set(&c, "profile", "vllm", &err), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.prefill, "vllm");
	assert_int_equal(config_set(&c, "profile", "openai", &err), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_null(ep.prefill);
	config_fini(&c);
	assert_int_equal(load_text(&c, "[defaults]\nprofile = mine\n[profile mine]\nbase_url = http://h:1/v1\n"
				   "prefill = vllm\n[profile vllm]\nprefill = none\n", &err, NULL), TS_OK);
	assert_int_equal(config_endpoint(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.prefill, "vllm");
	assert_string_equal(config_profile(&c, "vllm")->prefill, "none");
	config_fini(&c);
	assert_file_error("[profile p]\nprefill = sglang\n", 2, "prefill: 'sglang' is neither vllm, llamacpp nor none");
}

static void escalation_resolves_profile_and_model(void **state)
{
	struct config c;
	struct ts_err err;
	struct endpoint ep;

	(void)state;
	assert_int_equal(load_text(&c, "[defaults]\nprofile = weak\n"
				   "[profile weak]\nbase_url = http://127.0.0.1:1/v1\nmodel = small\n"
				   "escalate_to = strong\n"
				   "[profile strong]\nbase_url = http://127.0.0.1:2/v1\nmodel = big\nkey_env = BIG_KEY\n"
				   "max_k = 7\n", &err, NULL), TS_OK);
	assert_int_equal(config_escalation(&c, &ep, &err), TS_OK);   /* the profile's escalate_to */
	assert_string_equal(ep.profile, "strong");
	assert_string_equal(ep.base_url, "http://127.0.0.1:2/v1");
	assert_string_equal(ep.model, "big");
	assert_string_equal(ep.key_env, "BIG_KEY");
	assert_int_equal(ep.max_k, 7);
	assert_int_equal(config_set(&c, "escalate_to", "strong:llama3.2:70b", &err), TS_OK);
	assert_int_equal(config_escalation(&c, &ep, &err), TS_OK);   /* split at the first ':' */
	assert_string_equal(ep.profile, "strong");
	assert_string_equal(ep.model, "llama3.2:70b");
	/* an empty profile: the one in use, with its overrides */
	assert_int_equal(config_set(&c, "base_url", "http://127.0.0.1:3/v1", &err), TS_OK);
	assert_int_equal(config_set(&c, "escalate_to", ":huge", &err), TS_OK);
	assert_int_equal(config_escalation(&c, &ep, &err), TS_OK);
	assert_string_equal(ep.profile, "weak");
	assert_string_equal(ep.base_url, "http://127.0.0.1:3/v1");
	assert_string_equal(ep.model, "huge");
	assert_int_equal(config_set(&c, "escalate_to", "nosuch", &err), TS_OK);
	assert_int_equal(config_escalation(&c, &ep, &err), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "unknown profile 'nosuch'"));
	assert_int_equal(config_set(&c, "escalate_to", "", &err), TS_OK);
	assert_int_equal(config_escalation(&c, &ep, &err), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "no model to escalate to"));
	config_fini(&c);
}

/* auto_escalate: off by default; true/false and their spellings from the
 * file or config_set; anything else names the key. */
static void auto_escalate_is_a_boolean(void **state)
{
	struct config c;
	struct ts_err err;

	(void)state;
	assert_int_equal(config_init(&c), TS_OK);
	assert_false(c.s.auto_escalate);
	assert_int_equal(config_set(&c, "auto_escalate", "yes", &err), TS_OK);
	assert_true(c.s.auto_escalate);
	assert_int_equal(config_set(&c, "auto_escalate", "off", &err), TS_OK);
	assert_false(c.s.auto_escalate);
	assert_int_equal(config_set(&c, "auto_escalate", "maybe", &err), TS_ECONFIG);
	assert_non_null(strstr(err.msg, "auto_escalate: 'maybe' is neither true nor false"));
	assert_false(c.s.auto_escalate);
	config_fini(&c);
	assert_int_equal(load_text(&c, "[defaults]\nauto_escalate = true\nescalate_to = openai\n", &err, NULL), TS_OK);
	assert_true(c.s.auto_escalate);
	config_fini(&c);
	assert_file_error("[defaults]\nauto_escalate = 2\n", 2, "neither true nor false");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(defaults_match_the_documented_values, setup),
		cmocka_unit_test_setup(every_builtin_profile_has_its_values, setup),
		cmocka_unit_test_setup(profile_auth_and_query_reach_the_endpoint, setup),
		cmocka_unit_test_setup(default_endpoint_is_llamacpp, setup),
		cmocka_unit_test_setup(overrides_replace_the_profile_fields, setup),
		cmocka_unit_test_setup(config_set_accepts_valid_values, setup),
		cmocka_unit_test_setup(config_set_rejects_bad_values_naming_the_key, setup),
		cmocka_unit_test_setup(unknown_setting_and_profile_are_rejected, setup),
		cmocka_unit_test_setup(stat_error_lists_the_statistics, setup),
		cmocka_unit_test_setup(key_env_error_never_echoes_the_value, setup),
		cmocka_unit_test_setup(file_adds_a_profile_and_overrides_defaults, setup),
		cmocka_unit_test_setup(command_line_overrides_the_file, setup),
		cmocka_unit_test_setup(profile_section_may_follow_defaults_choosing_it, setup),
		cmocka_unit_test_setup(profile_never_defined_is_an_error, setup),
		cmocka_unit_test_setup(missing_file_is_not_an_error, setup),
		cmocka_unit_test_setup(unreadable_path_is_an_io_error, setup),
		cmocka_unit_test_setup(malformed_lines_name_their_line, setup),
		cmocka_unit_test_setup(bad_values_name_their_line, setup),
		cmocka_unit_test_setup(first_error_wins_when_a_syntax_error_comes_first, setup),
		cmocka_unit_test_setup(overlong_line_is_an_error_with_its_line, setup),
		cmocka_unit_test_setup(indented_keys_are_not_continuations, setup),
		cmocka_unit_test_setup(too_many_profiles_is_an_error, setup),
		cmocka_unit_test_setup(default_path_prefers_tokscope_config, setup),
		cmocka_unit_test_setup(default_path_ignores_relative_xdg, setup),
		cmocka_unit_test_setup(load_without_path_reads_tokscope_config, setup),
		cmocka_unit_test_setup(has_endpoint_cases, setup),
		cmocka_unit_test_setup(endpoint_without_base_url_is_an_error, setup),
		cmocka_unit_test_setup(strset_copies_and_frees, setup),
		cmocka_unit_test_setup(fini_twice_is_harmless, setup),
		cmocka_unit_test_setup(labels_come_from_settings_else_the_profile, setup),
		cmocka_unit_test_setup(bad_labels_are_rejected_in_settings_and_profiles, setup),
		cmocka_unit_test_setup(escalation_resolves_profile_and_model, setup),
		cmocka_unit_test_setup(auto_escalate_is_a_boolean, setup),
		cmocka_unit_test_setup(prefill_reaches_the_endpoint, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
