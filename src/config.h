/* config.h — profiles, defaults and the config file.
 *
 * A profile says where and how to ask: base URL, the environment variable
 * holding the API key (never the key itself), default model, dialect, the
 * provider's maximum k, how the key is sent. Built-in profiles: together,
 * openai, openai-completions, openai-responses, azure, llamacpp,
 * llamacpp-completion, vllm, ollama, ollama-generate, gemini, openrouter,
 * deepseek, fireworks (`tokscope --list-profiles`). The config file (INI,
 * read with inih) adds or overrides profiles and sets defaults:
 *
 *   [defaults]
 *   profile = llamacpp
 *   model = ...            top_logprobs = 5      max_tokens = 256
 *   temperature = 0        threshold = 0.85      stat = first
 *   system = ...           theme = default       quantile = 0.1
 *   tok_threshold = 0.5    connect_timeout = 10  idle_timeout = 60
 *   labels = work, personal, spam, other     margin = 0.3
 *   min_label_mass = 0.5   escalate_to = strong:big-model
 *   auto_escalate = false  (true: the explorer escalates ESCALATE answers)
 *
 *   [profile mylocal]
 *   base_url = http://127.0.0.1:8080/v1
 *   key_env = MY_KEY
 *   model = qwen
 *   dialect = openai-chat
 *   max_k = 20
 *   auth = bearer          (or none, or a header name: api-key)
 *   query = api-version=2024-10-21
 *   labels = ...           escalate_to = PROFILE[:MODEL]
 *   prefill = vllm         (or llamacpp, or none: how an openai-chat server
 *                           continues an assistant prefix, for branching)
 *
 * labels and escalate_to in [defaults] (or on the command line) win over a
 * profile's; a profile's apply when neither sets them. An empty value
 * means none.
 * The file is found as: $TOKSCOPE_CONFIG when set (tests keep hermetic this
 * way; an empty value means no file), else $XDG_CONFIG_HOME/tokscope/config.ini
 * when XDG_CONFIG_HOME is absolute, else ~/.config/tokscope/config.ini.
 * A missing file is not an error; a malformed one is, with its line. */
#ifndef TOKSCOPE_CONFIG_H
#define TOKSCOPE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "src/err.h"

#define CONFIG_MAX_PROFILES 64
#define CONFIG_K_UNBOUNDED 0   /* max_k 0: the provider sets no maximum */
/* The most alternatives per token tokscope asks for (top_logprobs, -n, the
 * editor). A profile's max_k lowers it, with a notice; an unbounded one
 * (llama.cpp; vLLM, whose server enforces its own --max-logprobs and says
 * so) gets up to this. Why 100: llama.cpp sets no limit, but each
 * alternative costs about 85 bytes of JSON per token on the wire (in its
 * streams) and in a session, O(k) per token in every measure, and a row in
 * the inspector;
 * beyond 100 the mass outside the top k is too small to change a bound or
 * a verdict. (The document itself keeps up to DOC_MAX_ALTS = 255.) */
#define CONFIG_MAX_TOP_K 100

struct profile {
	char *name;
	char *base_url;     /* without the dialect path: ".../v1" */
	char *key_env;      /* environment variable with the key; NULL: no key */
	char *model;        /* default model; NULL: omit */
	char *dialect;      /* "openai-chat" (see dialect.h for the others) */
	int max_k;          /* provider maximum top_logprobs, 0 = unbounded */
	/* How the key is sent: NULL or "bearer": `Authorization: Bearer KEY`;
	 * "none": never; anything else: the name of a header that carries the
	 * key as is ("api-key" for Azure, "x-goog-api-key" for Gemini). */
	char *auth;
	char *query;        /* appended to every URL ("api-version=2024-10-21"); NULL: none */
	char *labels;       /* label set for this profile, or NULL */
	char *escalate_to;  /* its strong partner "PROFILE[:MODEL]", or NULL */
	/* How an openai-chat server continues an assistant prefix (branch.h):
	 * "vllm" (continue_final_message), "llamacpp" (a trailing assistant
	 * message is prefilled), or NULL / "none": it cannot. */
	char *prefill;
	bool builtin;
};

/* Everything a request and its verdict depend on. Strings owned. */
struct settings {
	char *profile;      /* profile name */
	char *base_url;     /* overrides the profile's */
	char *model;        /* overrides the profile's */
	char *key_env;      /* overrides the profile's */
	char *system;
	char *theme;
	int top_logprobs;   /* default 5 */
	int max_tokens;     /* default 256 */
	double temperature; /* default -1: the server's default */
	double threshold;   /* default 0.85 */
	int stat;           /* enum route_stat, default first */
	double quantile;    /* default 0.10 */
	double tok_threshold; /* default 0.5 */
	long connect_timeout_s; /* default 10 */
	long idle_timeout_s;    /* default 60 */
	char *labels;       /* comma-separated label set (labels.h); NULL: the profile's */
	char *escalate_to;  /* "PROFILE[:MODEL]" of the strong model; NULL: the profile's */
	double margin;      /* μ, default 0.3 (route.h) */
	double min_label_mass; /* default 0.5 (route.h) */
	bool auto_escalate; /* the explorer sends an ESCALATE answer's request to
			     * escalate_to by itself (key A toggles); default false */
	/* which fields the config file or command line set (for "is an endpoint
	 * configured?") */
	bool endpoint_set;
};

struct config {
	struct profile profiles[CONFIG_MAX_PROFILES];
	size_t nprofiles;
	struct settings s;
	char *path;         /* the file read, NULL when none */
};

/* Fills c with built-in profiles and defaults. */
int config_init(struct config *c);
void config_fini(struct config *c);

/* The path config_load would read (malloc'd), or NULL when none applies. */
char *config_default_path(void);

/* Reads path (NULL: config_default_path()). Missing file: TS_OK. */
int config_load(struct config *c, const char *path, struct ts_err *err);

/* The profile called name, or NULL. */
const struct profile *config_profile(const struct config *c, const char *name);

/* Sets one setting from a "key" and string value (used by the INI reader and
 * by command-line options). Returns TS_ECONFIG with a message naming the key
 * when the value is invalid or the key unknown. */
int config_set(struct config *c, const char *key, const char *value, struct ts_err *err);

/* The effective endpoint after overrides. */
struct endpoint {
	const char *profile;
	const char *base_url;
	const char *model;      /* may be NULL */
	const char *key_env;    /* may be NULL */
	const char *dialect;
	int max_k;
	const char *auth;       /* as in struct profile; NULL: bearer */
	const char *query;      /* may be NULL */
	const char *prefill;    /* as in struct profile; may be NULL */
};
/* Resolves the selected profile plus overrides. TS_ECONFIG when the profile
 * is unknown or has no base URL. */
int config_endpoint(const struct config *c, struct endpoint *ep, struct ts_err *err);

/* The effective label list: the settings' (command line or [defaults])
 * when set, else the selected profile's; NULL when none. Parse it with
 * labels_parse. */
const char *config_labels(const struct config *c);

/* The endpoint of profile name as config_endpoint gives it: when name is
 * NULL or the selected profile, with the overrides (base_url, key_env,
 * model); another profile as it is defined. Errors as config_endpoint. */
int config_profile_endpoint(const struct config *c, const char *name, struct endpoint *ep,
			    struct ts_err *err);

/* The endpoint of the strong model a cascade escalates to, from the
 * effective escalate_to ("PROFILE[:MODEL]", split at the first ':'; an
 * empty PROFILE means the profile in use; without MODEL the profile's
 * model). When PROFILE is the profile in use, the base_url and key_env
 * overrides apply to it too. TS_ECONFIG when escalate_to is not set, names
 * an unknown profile, or that profile has no base URL. Pointers in ep stay
 * valid while c is unchanged. */
int config_escalation(const struct config *c, struct endpoint *ep, struct ts_err *err);

/* Whether the user configured an endpoint: --base-url, a profile chosen in
 * the config or on the command line, or the default profile's key variable
 * set in the environment. Without one, the TUI opens the demo. */
bool config_has_endpoint(const struct config *c);

/* Replaces *dst with a copy of src (NULL allowed). TS_ENOMEM on failure. */
int config_strset(char **dst, const char *src);

#endif
