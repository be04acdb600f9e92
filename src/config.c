#include "src/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/dialect.h"
#include "src/inifile.h"
#include "src/labels.h"
#include "src/route.h"

#define CONFIG_MAX_FILE (1024u * 1024)
#define CONFIG_DEFAULT_PROFILE "llamacpp"
#define CONFIG_DEFAULT_DIALECT "openai-chat"
#define CONFIG_DEFAULT_MAX_K 20
#define CONFIG_LIMIT_K 1000

/* What a profile starts from: the built-in ones, or a name from the file. */
struct profile_spec {
	const char *name, *base_url, *key_env, *model, *dialect, *auth, *query, *prefill;
	int max_k;
};

static const struct profile_spec builtin_profiles[] = {
	{ .name = "together", .base_url = "https://api.together.xyz/v1", .key_env = "TOGETHER_API_KEY",
	  .model = "meta-llama/Llama-3.3-70B-Instruct-Turbo", .dialect = "together", .max_k = 20 },
	{ .name = "openai", .base_url = "https://api.openai.com/v1", .key_env = "OPENAI_API_KEY",
	  .model = "gpt-4o-mini", .max_k = 20 },
	{ .name = "openai-completions", .base_url = "https://api.openai.com/v1", .key_env = "OPENAI_API_KEY",
	  .model = "gpt-3.5-turbo-instruct", .dialect = "openai-completions", .max_k = 5 },
	{ .name = "openai-responses", .base_url = "https://api.openai.com/v1", .key_env = "OPENAI_API_KEY",
	  .model = "gpt-4o-mini", .dialect = "openai-responses", .max_k = 20 },
	/* The deployment is in the base URL, which is the user's own:
	 * https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT */
	{ .name = "azure", .key_env = "AZURE_OPENAI_API_KEY", .auth = "api-key",
	  .query = "api-version=2024-10-21", .max_k = 20 },
	/* llama-server only checks a key when started with --api-key. */
	{ .name = "llamacpp", .base_url = "http://127.0.0.1:8080/v1", .key_env = "LLAMA_API_KEY",
	  .prefill = "llamacpp", .max_k = CONFIG_K_UNBOUNDED },
	{ .name = "llamacpp-completion", .base_url = "http://127.0.0.1:8080", .key_env = "LLAMA_API_KEY",
	  .dialect = "llamacpp-completion", .max_k = CONFIG_K_UNBOUNDED },
	/* vLLM's limit is the server's --max-logprobs (20 unless raised): the
	 * server says so when it is exceeded. */
	{ .name = "vllm", .base_url = "http://127.0.0.1:8000/v1", .key_env = "VLLM_API_KEY",
	  .prefill = "vllm", .max_k = CONFIG_K_UNBOUNDED },
	{ .name = "ollama", .base_url = "http://127.0.0.1:11434", .model = "llama3.2",
	  .dialect = "ollama-chat", .max_k = 20 },
	{ .name = "ollama-generate", .base_url = "http://127.0.0.1:11434", .model = "llama3.2",
	  .dialect = "ollama-generate", .max_k = 20 },
	{ .name = "gemini", .base_url = "https://generativelanguage.googleapis.com/v1beta",
	  .key_env = "GEMINI_API_KEY", .model = "gemini-2.0-flash", .dialect = "gemini",
	  .auth = "x-goog-api-key", .max_k = 20 },
	{ .name = "openrouter", .base_url = "https://openrouter.ai/api/v1", .key_env = "OPENROUTER_API_KEY",
	  .model = "openai/gpt-4o-mini", .max_k = 20 },
	{ .name = "deepseek", .base_url = "https://api.deepseek.com/v1", .key_env = "DEEPSEEK_API_KEY",
	  .model = "deepseek-chat", .max_k = 20 },
	{ .name = "fireworks", .base_url = "https://api.fireworks.ai/inference/v1",
	  .key_env = "FIREWORKS_API_KEY", .model = "accounts/fireworks/models/llama-v3p1-8b-instruct",
	  .dialect = "fireworks", .max_k = 5 },
};

int config_strset(char **dst, const char *src)
{
	char *copy = NULL;

	if (src) {
		copy = strdup(src);
		if (!copy)
			return TS_ENOMEM;
	}
	free(*dst);
	*dst = copy;
	return TS_OK;
}

static void profile_fini(struct profile *p)
{
	free(p->name);
	free(p->base_url);
	free(p->key_env);
	free(p->model);
	free(p->dialect);
	free(p->auth);
	free(p->query);
	free(p->labels);
	free(p->escalate_to);
	free(p->prefill);
	*p = (struct profile){ 0 };
}

static int profile_make(struct profile *p, const struct profile_spec *spec, bool builtin)
{
	*p = (struct profile){ .max_k = spec->max_k, .builtin = builtin };
	if (config_strset(&p->name, spec->name) || config_strset(&p->base_url, spec->base_url) ||
	    config_strset(&p->key_env, spec->key_env) || config_strset(&p->model, spec->model) ||
	    config_strset(&p->dialect, spec->dialect ? spec->dialect : CONFIG_DEFAULT_DIALECT) ||
	    config_strset(&p->auth, spec->auth) || config_strset(&p->query, spec->query) ||
	    config_strset(&p->prefill, spec->prefill)) {
		profile_fini(p);
		return TS_ENOMEM;
	}
	return TS_OK;
}

int config_init(struct config *c)
{
	*c = (struct config){
		.s = {
			.top_logprobs = 5,
			.max_tokens = 256,
			.temperature = -1,
			.threshold = ROUTE_DEFAULT_THRESHOLD,
			.stat = STAT_FIRST,
			.quantile = 0.10,
			.tok_threshold = 0.5,
			.connect_timeout_s = 10,
			.idle_timeout_s = 60,
			.margin = ROUTE_DEFAULT_MARGIN,
			.min_label_mass = ROUTE_DEFAULT_MIN_LABEL_MASS,
		},
	};
	for (size_t i = 0; i < sizeof builtin_profiles / sizeof builtin_profiles[0]; i++) {
		if (profile_make(&c->profiles[c->nprofiles], &builtin_profiles[i], true))
			goto fail;
		c->nprofiles++;
	}
	if (config_strset(&c->s.profile, CONFIG_DEFAULT_PROFILE))
		goto fail;
	return TS_OK;
fail:
	config_fini(c);
	return TS_ENOMEM;
}

void config_fini(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nprofiles; i++)
		profile_fini(&c->profiles[i]);
	c->nprofiles = 0;
	free(c->s.profile);
	free(c->s.base_url);
	free(c->s.model);
	free(c->s.key_env);
	free(c->s.system);
	free(c->s.theme);
	free(c->s.labels);
	free(c->s.escalate_to);
	free(c->path);
	c->s = (struct settings){ 0 };
	c->path = NULL;
}

/* The index of the profile called name, or -1. */
static int profile_index(const struct config *c, const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < c->nprofiles; i++)
		if (strcmp(c->profiles[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct profile *config_profile(const struct config *c, const char *name)
{
	int i = profile_index(c, name);

	return i < 0 ? NULL : &c->profiles[i];
}

/* ---- values ---- */

/* Strict integer: the whole of s, no leading blanks, within [min, max]. */
static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!*s || s[0] == ' ' || s[0] == '\t')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Strict real: the whole of s, finite, within [min, max]. */
static bool parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!*s || s[0] == ' ' || s[0] == '\t')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v >= min && v <= max))
		return false;
	*out = v;
	return true;
}

static bool is_http_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* An environment variable's name (or "": none). Guards against a key pasted
 * where its variable's name belongs; messages never echo such a value. */
static bool is_env_name(const char *s)
{
	if (*s >= '0' && *s <= '9')
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= 'a' && *s <= 'z')))
			return false;
	return true;
}

static int bad_env_name(const char *key, struct ts_err *err)
{
	return ts_err_set(err, TS_ECONFIG, "%s: not an environment variable name (letters, digits, _): "
			  "give the name of the variable holding the key, never the key", key);
}

/* ---- settings ---- */

enum setting_kind {
	SET_STRING, SET_TEXT, SET_ENV, SET_URL, SET_INT, SET_LONG, SET_DOUBLE, SET_STAT, SET_PROFILE,
	SET_LABELS, SET_BOOL
};

struct setting {
	const char *key;
	enum setting_kind kind;
	size_t off;             /* offset in struct settings */
	double min, max;
};

#define SETTING(k, kind, field, lo, hi) { k, kind, offsetof(struct settings, field), lo, hi }
static const struct setting settings_table[] = {
	SETTING("profile", SET_PROFILE, profile, 0, 0),
	SETTING("base_url", SET_URL, base_url, 0, 0),
	SETTING("model", SET_STRING, model, 0, 0),
	SETTING("key_env", SET_ENV, key_env, 0, 0),
	SETTING("system", SET_TEXT, system, 0, 0),
	SETTING("theme", SET_TEXT, theme, 0, 0),
	SETTING("top_logprobs", SET_INT, top_logprobs, 0, CONFIG_MAX_TOP_K),
	SETTING("max_tokens", SET_INT, max_tokens, 1, 1000000),
	SETTING("temperature", SET_DOUBLE, temperature, 0, 2),
	SETTING("threshold", SET_DOUBLE, threshold, 0, 1),
	SETTING("stat", SET_STAT, stat, 0, 0),
	SETTING("quantile", SET_DOUBLE, quantile, 0, 1),
	SETTING("tok_threshold", SET_DOUBLE, tok_threshold, 0, 1),
	SETTING("connect_timeout", SET_LONG, connect_timeout_s, 1, 3600),
	SETTING("idle_timeout", SET_LONG, idle_timeout_s, 1, 3600),
	SETTING("labels", SET_LABELS, labels, 0, 0),
	SETTING("escalate_to", SET_STRING, escalate_to, 0, 0),
	SETTING("margin", SET_DOUBLE, margin, 0, 1),
	SETTING("min_label_mass", SET_DOUBLE, min_label_mass, 0, 1),
	SETTING("auto_escalate", SET_BOOL, auto_escalate, 0, 0),
};
#undef SETTING

static const struct setting *setting_find(const char *key)
{
	for (size_t i = 0; i < sizeof settings_table / sizeof settings_table[0]; i++)
		if (strcmp(settings_table[i].key, key) == 0)
			return &settings_table[i];
	return NULL;
}

static int setting_bad_stat(const char *value, struct ts_err *err)
{
	char names[128] = "";
	size_t n = 0;

	for (int s = 0; s < STAT_COUNT && n < sizeof names; s++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", s ? ", " : "",
				      route_stat_name((enum route_stat)s));
	return ts_err_set(err, TS_ECONFIG, "stat: unknown statistic '%s' (one of %s)", value, names);
}

static int check_labels(const char *value, struct ts_err *err)
{
	struct label_set ls;
	struct ts_err e;

	if (labels_parse(&ls, value, &e))
		return ts_err_set(err, TS_ECONFIG, "%s", ts_err_msg(&e));
	return TS_OK;
}

static int setting_string(struct config *c, const struct setting *st, const char *value,
			  struct ts_err *err)
{
	char **dst = (char **)((char *)&c->s + st->off);

	if (st->kind == SET_URL && !is_http_url(value))
		return ts_err_set(err, TS_ECONFIG, "%s: '%s' is not an http:// or https:// URL",
				  st->key, value);
	if (st->kind == SET_ENV && !is_env_name(value))
		return bad_env_name(st->key, err);
	if (st->kind == SET_PROFILE && !*value)
		return ts_err_set(err, TS_ECONFIG, "profile: empty name");
	if (st->kind == SET_LABELS && check_labels(value, err))
		return TS_ECONFIG;
	/* An empty system prompt or theme means none, the default; an empty
	 * model or key variable is kept: it overrides the profile's with none. */
	if (config_strset(dst, *value || st->kind != SET_TEXT ? value : NULL))
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	if (st->kind == SET_URL || st->kind == SET_PROFILE)
		c->s.endpoint_set = true;
	return TS_OK;
}

static int setting_number(struct config *c, const struct setting *st, const char *value,
			  struct ts_err *err)
{
	void *dst = (char *)&c->s + st->off;
	long l;
	double d;

	if (st->kind == SET_DOUBLE) {
		if (!parse_double(value, st->min, st->max, &d))
			return ts_err_set(err, TS_ECONFIG, "%s: '%s' is not a number from %g to %g",
					  st->key, value, st->min, st->max);
		*(double *)dst = d;
		return TS_OK;
	}
	if (!parse_long(value, (long)st->min, (long)st->max, &l))
		return ts_err_set(err, TS_ECONFIG, "%s: '%s' is not a whole number from %ld to %ld",
				  st->key, value, (long)st->min, (long)st->max);
	if (st->kind == SET_INT)
		*(int *)dst = (int)l;
	else
		*(long *)dst = l;
	return TS_OK;
}

static int setting_bool(struct config *c, const struct setting *st, const char *value,
			struct ts_err *err)
{
	static const char *const yes[] = { "true", "yes", "on", "1" }, *const no[] = { "false", "no", "off", "0" };
	bool *dst = (bool *)((char *)&c->s + st->off);

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(value, yes[i]) == 0 || strcmp(value, no[i]) == 0) {
			*dst = strcmp(value, yes[i]) == 0;
			return TS_OK;
		}
	}
	return ts_err_set(err, TS_ECONFIG, "%s: '%s' is neither true nor false", st->key, value);
}

/* config_set without the check that a profile exists: in the file, the
 * [profile NAME] section may come after [defaults]. */
static int config_set_any(struct config *c, const char *key, const char *value, struct ts_err *err)
{
	const struct setting *st = setting_find(key);
	int s;

	if (!st)
		return ts_err_set(err, TS_ECONFIG, "unknown setting '%s'", key);
	if (!value)
		return ts_err_set(err, TS_ECONFIG, "%s: missing value", key);
	switch (st->kind) {
	case SET_INT:
	case SET_LONG:
	case SET_DOUBLE:
		return setting_number(c, st, value, err);
	case SET_BOOL:
		return setting_bool(c, st, value, err);
	case SET_STAT:
		s = route_stat_parse(value);
		if (s < 0)
			return setting_bad_stat(value, err);
		c->s.stat = s;
		return TS_OK;
	default:
		return setting_string(c, st, value, err);
	}
}

int config_set(struct config *c, const char *key, const char *value, struct ts_err *err)
{
	if (key && strcmp(key, "profile") == 0 && value && *value && !config_profile(c, value))
		return ts_err_set(err, TS_ECONFIG, "profile: unknown profile '%s' (see --list-profiles)",
				  value);
	return config_set_any(c, key ? key : "", value, err);
}

/* ---- profiles from the file ---- */

/* The profile called name in *p, made when new (dialect openai-chat, max_k
 * 20 until the section says otherwise). */
static int profile_get(struct config *c, const char *name, struct profile **p, struct ts_err *err)
{
	const struct profile_spec spec = { .name = name, .max_k = CONFIG_DEFAULT_MAX_K };
	int i = profile_index(c, name);

	if (i >= 0) {
		*p = &c->profiles[i];
		return TS_OK;
	}
	if (c->nprofiles == CONFIG_MAX_PROFILES)
		return ts_err_set(err, TS_ECONFIG, "more than %d profiles", CONFIG_MAX_PROFILES);
	*p = &c->profiles[c->nprofiles];
	if (profile_make(*p, &spec, false))
		return ts_err_set(err, TS_ENOMEM, "out of memory");
	c->nprofiles++;
	return TS_OK;
}

/* "bearer", "none", or an HTTP header name (RFC 9110 token characters). */
static bool is_auth(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      strchr("!#$%&'*+-.^_`|~", *s)))
			return false;
	return true;
}

static int bad_dialect(const char *value, struct ts_err *err)
{
	char names[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < dialect_count() && n < sizeof names; i++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "", dialect_at(i)->name);
	return ts_err_set(err, TS_ECONFIG, "dialect: unknown dialect '%s' (known: %s)", value, names);
}

static int profile_check(const char *key, const char *value, struct ts_err *err)
{
	if (strcmp(key, "base_url") == 0 && !is_http_url(value))
		return ts_err_set(err, TS_ECONFIG, "base_url: '%s' is not an http:// or https:// URL", value);
	if (strcmp(key, "key_env") == 0 && !is_env_name(value))
		return bad_env_name(key, err);
	if (strcmp(key, "dialect") == 0 && !dialect_find(value))
		return bad_dialect(value, err);
	if (strcmp(key, "auth") == 0 && *value && !is_auth(value))
		return ts_err_set(err, TS_ECONFIG, "auth: '%s' is neither bearer, none nor a header name", value);
	if (strcmp(key, "labels") == 0)
		return check_labels(value, err);
	if (strcmp(key, "prefill") == 0 && *value && strcmp(value, "vllm") != 0 &&
	    strcmp(value, "llamacpp") != 0 && strcmp(value, "none") != 0)
		return ts_err_set(err, TS_ECONFIG, "prefill: '%s' is neither vllm, llamacpp nor none", value);
	return TS_OK;
}

static int profile_set(struct profile *p, const char *key, const char *value, struct ts_err *err)
{
	static const struct { const char *key; size_t off; } fields[] = {
		{ "base_url", offsetof(struct profile, base_url) },
		{ "key_env", offsetof(struct profile, key_env) },
		{ "model", offsetof(struct profile, model) },
		{ "dialect", offsetof(struct profile, dialect) },
		{ "auth", offsetof(struct profile, auth) },
		{ "query", offsetof(struct profile, query) },
		{ "labels", offsetof(struct profile, labels) },
		{ "escalate_to", offsetof(struct profile, escalate_to) },
		{ "prefill", offsetof(struct profile, prefill) },
	};
	long k;
	int rc;

	if (strcmp(key, "max_k") == 0) {
		if (!parse_long(value, 0, CONFIG_LIMIT_K, &k))
			return ts_err_set(err, TS_ECONFIG, "max_k: '%s' is not a whole number from 0 to %d",
					  value, CONFIG_LIMIT_K);
		p->max_k = (int)k;
		return TS_OK;
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strcmp(key, fields[i].key) != 0)
			continue;
		rc = profile_check(key, value, err);
		if (rc)
			return rc;
		/* An empty key variable or model means none. */
		if (config_strset((char **)((char *)p + fields[i].off), *value ? value : NULL))
			return ts_err_set(err, TS_ENOMEM, "out of memory");
		return TS_OK;
	}
	return ts_err_set(err, TS_ECONFIG, "unknown profile key '%s' (base_url, key_env, model, "
			  "dialect, max_k, auth, query, labels, escalate_to, prefill)", key);
}

/* The NAME of a "profile NAME" section, or NULL. */
static const char *profile_section(const char *section)
{
	const char *name;

	if (strncmp(section, "profile", 7) != 0 || (section[7] != ' ' && section[7] != '\t'))
		return NULL;
	name = section + 8;
	while (*name == ' ' || *name == '\t')
		name++;
	return *name && !strpbrk(name, " \t") ? name : NULL;
}

static int config_entry(void *ctx, const char *section, const char *key, const char *value,
			struct ts_err *err)
{
	struct config *c = ctx;
	const char *name;
	struct profile *p = NULL;
	int rc;

	if (strcmp(section, "defaults") == 0)
		return config_set_any(c, key, value, err);
	if (!*section)
		return ts_err_set(err, TS_ECONFIG, "'%s' outside a section ([defaults] or [profile NAME])",
				  key);
	name = profile_section(section);
	if (!name)
		return ts_err_set(err, TS_ECONFIG, "unknown section [%s] (expected [defaults] or "
				  "[profile NAME])", section);
	rc = profile_get(c, name, &p, err);
	if (rc)
		return rc;
	return profile_set(p, key, value, err);
}

/* ---- the file ---- */

static char *path_join(const char *dir, const char *rest)
{
	size_t n = strlen(dir) + strlen(rest) + 1;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s%s", dir, rest);
	return p;
}

char *config_default_path(void)
{
	const char *env = getenv("TOKSCOPE_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env)
		return *env ? strdup(env) : NULL;
	if (xdg && xdg[0] == '/')
		return path_join(xdg, "/tokscope/config.ini");
	if (home && *home)
		return path_join(home, "/.config/tokscope/config.ini");
	return NULL;
}

int config_load(struct config *c, const char *path, struct ts_err *err)
{
	char *own = path ? NULL : config_default_path();
	const char *file = path ? path : own;
	char *text = NULL;
	bool missing;
	int rc = TS_OK;

	ts_err_clear(err);
	if (!file)
		goto out;
	rc = inifile_read(file, CONFIG_MAX_FILE, TS_ECONFIG, &text, &missing, err);
	if (rc || missing)
		goto out;
	rc = inifile_parse(text, file, TS_ECONFIG, config_entry, c, err);
	if (!rc && !config_profile(c, c->s.profile))
		rc = ts_err_set(err, TS_ECONFIG, "%s: [defaults] profile '%s' is neither built in nor "
				"a [profile %s] section", file, c->s.profile, c->s.profile);
	if (!rc && config_strset(&c->path, file))
		rc = ts_err_set(err, TS_ENOMEM, "out of memory");
out:
	free(text);
	free(own);
	return rc;
}

/* ---- the endpoint ---- */

int config_endpoint(const struct config *c, struct endpoint *ep, struct ts_err *err)
{
	const struct settings *s = &c->s;
	const struct profile *p = config_profile(c, s->profile);

	if (!p)
		return ts_err_set(err, TS_ECONFIG, "unknown profile '%s' (see --list-profiles)",
				  s->profile ? s->profile : "");
	*ep = (struct endpoint){
		.profile = p->name,
		.base_url = s->base_url ? s->base_url : p->base_url,
		.model = s->model ? s->model : p->model,
		.key_env = s->key_env ? s->key_env : p->key_env,
		.dialect = p->dialect ? p->dialect : CONFIG_DEFAULT_DIALECT,
		.max_k = p->max_k,
		.auth = p->auth,
		.query = p->query,
		.prefill = p->prefill,
	};
	/* An empty override means "none" (no model field, no key). */
	if (ep->model && !*ep->model)
		ep->model = NULL;
	if (ep->key_env && !*ep->key_env)
		ep->key_env = NULL;
	if (!ep->base_url || !*ep->base_url)
		return ts_err_set(err, TS_ECONFIG, "profile '%s' has no base URL (set base_url)", p->name);
	return TS_OK;
}

bool config_has_endpoint(const struct config *c)
{
	struct endpoint ep;
	const char *key;

	if (c->s.endpoint_set)
		return true;
	if (config_endpoint(c, &ep, NULL) || !ep.key_env)
		return false;
	key = getenv(ep.key_env);
	return key && *key;
}

const char *config_labels(const struct config *c)
{
	const struct profile *p = config_profile(c, c->s.profile);

	if (c->s.labels)
		return c->s.labels;
	return p ? p->labels : NULL;
}

int config_profile_endpoint(const struct config *c, const char *name, struct endpoint *ep,
			    struct ts_err *err)
{
	/* Resolve through config_endpoint on a shallow copy, so the endpoint
	 * gets every field a profile gives; its strings stay c's. */
	struct config tmp = *c;
	char pname[256];

	if (name && (!c->s.profile || strcmp(name, c->s.profile) != 0)) {
		snprintf(pname, sizeof pname, "%s", name);
		tmp.s.profile = pname;
		tmp.s.base_url = NULL;
		tmp.s.key_env = NULL;
		tmp.s.model = NULL;
	}
	return config_endpoint(&tmp, ep, err);
}

int config_escalation(const struct config *c, struct endpoint *ep, struct ts_err *err)
{
	const struct profile *cur = config_profile(c, c->s.profile);
	const char *to = c->s.escalate_to ? c->s.escalate_to : cur ? cur->escalate_to : NULL;
	const char *colon = to ? strchr(to, ':') : NULL;
	size_t plen = colon ? (size_t)(colon - to) : to ? strlen(to) : 0;
	const struct profile *p;
	char name[256];

	if (!to || !*to)
		return ts_err_set(err, TS_ECONFIG, "no model to escalate to: set --escalate-to "
				  "PROFILE[:MODEL] or escalate_to in the config");
	snprintf(name, sizeof name, "%.*s", (int)plen, to);
	if (plen && !config_profile(c, name))
		return ts_err_set(err, TS_ECONFIG, "escalate_to: unknown profile '%s' (see --list-profiles)",
				  name);
	if (config_profile_endpoint(c, plen ? name : NULL, ep, err))
		return ts_err_set(err, TS_ECONFIG, "escalate_to: profile '%s' has no base URL", ep->profile ?
				  ep->profile : name);
	/* the model override is the cheap model's, never the strong one's */
	p = config_profile(c, ep->profile);
	ep->model = p->model && *p->model ? p->model : NULL;
	if (colon && colon[1])
		ep->model = colon + 1;
	return TS_OK;
}
