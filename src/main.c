/* main.c — the composition root: options, configuration, and the choice
 * between print mode (core only) and the TUI. The only file that sees both
 * the network layer and the front end (through their headers). */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/buf.h"
#include "src/cascade.h"
#include "src/compare.h"
#include "src/config.h"
#include "src/demo.h"
#include "src/dialect.h"
#include "src/doc.h"
#include "src/exchange.h"
#include "src/http.h"
#include "src/labels.h"
#include "src/metrics.h"
#include "src/models.h"
#include "src/print.h"
#include "src/replay.h"
#include "src/route.h"
#include "src/session.h"
#include "src/text.h"
#include "src/theme.h"
#include "tui/tui.h"

enum exit_code { EXIT_ACCEPT = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_ESCALATE = 3, EXIT_CLARIFY = 4 };
enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

#define MAX_REPLAYS 64

struct options {
	bool print;
	bool json;
	bool no_stream;
	bool cascade;
	bool compare;
	bool list_models;
	bool labels_given;        /* --labels: wins over an answer's own labels */
	enum color_when color;
	const char *config_path;
	const char *replay[MAX_REPLAYS];
	size_t nreplay;
	const char *prompt;       /* positional: prompt, "-" or a session file */
	const char *compare_b;    /* --compare: the second session file */
};

static const char usage_text[] =
"usage: tokscope [options] [SESSION.json]          open the explorer (TUI)\n"
"       tokscope --print [options] [PROMPT | -]    stream one answer to stdout\n"
"       tokscope --print [options] SESSION.json    print a saved session's answers\n"
"       tokscope --compare A.json [B.json]         compare two saved answers side by side\n"
"\n"
"Without an endpoint configured, the explorer opens a bundled demo session.\n"
"\n"
"Endpoint (a profile per provider and API shape; --list-profiles shows them,\n"
"the config file adds more):\n"
"  -P, --profile NAME        profile to use (default llamacpp): together openai\n"
"                            openai-completions openai-responses azure llamacpp\n"
"                            llamacpp-completion vllm ollama ollama-generate\n"
"                            gemini openrouter deepseek fireworks\n"
"  -u, --base-url URL        API base URL, e.g. http://127.0.0.1:8080/v1\n"
"  -m, --model NAME          model name\n"
"  -k, --api-key-env VAR     environment variable holding the API key\n"
"                            (keys are never taken on the command line)\n"
"Request:\n"
"  -s, --system TEXT         system prompt\n"
"  -n, --top-logprobs K      alternatives per token, 0-100 (default 5; above\n"
"                            the profile's maximum: lowered, with a note)\n"
"  -t, --max-tokens N        maximum answer length (default 256)\n"
"  -T, --temperature X       sampling temperature (default: the server's)\n"
"      --no-stream           ask for the whole answer at once\n"
"      --connect-timeout S   seconds to connect (default 10)\n"
"      --idle-timeout S      seconds without data before giving up (default 60)\n"
"Verdict:\n"
"      --threshold X         routing threshold in [0,1] (default 0.85)\n"
"      --stat NAME           routing statistic: first geomean mean min quantile\n"
"                            (default first: first-token probability)\n"
"      --quantile Q          quantile for the quantile statistic (default 0.1)\n"
"      --tok-threshold X     per-token low-confidence threshold (default 0.5)\n"
"Decisions:\n"
"      --labels LIST         comma-separated labels, e.g. work,personal,spam,other:\n"
"                            classify by the first token's label probabilities\n"
"      --margin MU           minimum margin between the top two labels (default 0.3)\n"
"      --min-label-mass X    minimum first-token mass on labels (default 0.5)\n"
"      --escalate-to P[:M]   the strong model: a profile and optionally a model\n"
"      --cascade             print mode: when the verdict is ESCALATE, send the\n"
"                            same request to the --escalate-to model too\n"
"      --auto-escalate       explorer: do that by itself for each new answer\n"
"                            (key A toggles; config auto_escalate = true)\n"
"      --compare A B         align two saved answers (session files) token by\n"
"                            token: where they diverge, where p differs most;\n"
"                            one file: its first two answers. Opens the\n"
"                            explorer's compare view; with --print, prints\n"
"Output:\n"
"  -p, --print               print mode: coloured tokens, then a summary\n"
"      --json                print mode: write the session JSON instead\n"
"      --color WHEN          auto (default), always, never; NO_COLOR is honoured\n"
"      --theme NAME|PATH     colour theme (default, light, colorblind, mono,\n"
"                            high-contrast, or a .theme file)\n"
"      --replay DIR          use a recorded response (DIR/response, headers.txt,\n"
"                            request.json, meta.txt) instead of the network;\n"
"                            may repeat with --json to collect several answers\n"
"Other:\n"
"  -c, --config FILE         config file (default $TOKSCOPE_CONFIG, else\n"
"                            $XDG_CONFIG_HOME/tokscope/config.ini)\n"
"      --list-profiles       list profiles (URL, key variable, dialect, max k)\n"
"      --list-models         list the models the endpoint offers and exit\n"
"  -h, --help                this help\n"
"  -V, --version             version\n"
"\n"
"Exit status (print mode): 0 accepted, 3 escalate, 4 clarify (labels too close\n"
"or too little mass on them), 1 request or server error, 2 usage error; with\n"
"--cascade, the final answer's verdict. The explorer exits 0, or 1 after a\n"
"fatal error.\n";

enum long_only {
	OPT_NO_STREAM = 256, OPT_CONNECT_TIMEOUT, OPT_IDLE_TIMEOUT, OPT_THRESHOLD, OPT_STAT,
	OPT_QUANTILE, OPT_TOK_THRESHOLD, OPT_JSON, OPT_COLOR, OPT_THEME, OPT_REPLAY,
	OPT_LIST_PROFILES, OPT_LABELS, OPT_MARGIN, OPT_MIN_LABEL_MASS, OPT_ESCALATE_TO, OPT_CASCADE,
	OPT_COMPARE, OPT_LIST_MODELS, OPT_AUTO_ESCALATE,
};

static const struct option long_options[] = {
	{ "profile", required_argument, NULL, 'P' },
	{ "base-url", required_argument, NULL, 'u' },
	{ "model", required_argument, NULL, 'm' },
	{ "api-key-env", required_argument, NULL, 'k' },
	{ "system", required_argument, NULL, 's' },
	{ "top-logprobs", required_argument, NULL, 'n' },
	{ "max-tokens", required_argument, NULL, 't' },
	{ "temperature", required_argument, NULL, 'T' },
	{ "no-stream", no_argument, NULL, OPT_NO_STREAM },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "stat", required_argument, NULL, OPT_STAT },
	{ "quantile", required_argument, NULL, OPT_QUANTILE },
	{ "tok-threshold", required_argument, NULL, OPT_TOK_THRESHOLD },
	{ "print", no_argument, NULL, 'p' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "config", required_argument, NULL, 'c' },
	{ "list-profiles", no_argument, NULL, OPT_LIST_PROFILES },
	{ "list-models", no_argument, NULL, OPT_LIST_MODELS },
	{ "labels", required_argument, NULL, OPT_LABELS },
	{ "margin", required_argument, NULL, OPT_MARGIN },
	{ "min-label-mass", required_argument, NULL, OPT_MIN_LABEL_MASS },
	{ "escalate-to", required_argument, NULL, OPT_ESCALATE_TO },
	{ "cascade", no_argument, NULL, OPT_CASCADE },
	{ "compare", no_argument, NULL, OPT_COMPARE },
	{ "auto-escalate", no_argument, NULL, OPT_AUTO_ESCALATE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

/* Options that map one-to-one onto config settings. */
static const struct { int opt; const char *key; } setting_opts[] = {
	{ 'P', "profile" }, { 'u', "base_url" }, { 'm', "model" }, { 'k', "key_env" },
	{ 's', "system" }, { 'n', "top_logprobs" }, { 't', "max_tokens" }, { 'T', "temperature" },
	{ OPT_CONNECT_TIMEOUT, "connect_timeout" }, { OPT_IDLE_TIMEOUT, "idle_timeout" },
	{ OPT_THRESHOLD, "threshold" }, { OPT_STAT, "stat" }, { OPT_QUANTILE, "quantile" },
	{ OPT_TOK_THRESHOLD, "tok_threshold" }, { OPT_THEME, "theme" },
	{ OPT_LABELS, "labels" }, { OPT_MARGIN, "margin" }, { OPT_MIN_LABEL_MASS, "min_label_mass" },
	{ OPT_ESCALATE_TO, "escalate_to" },
};

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tokscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'tokscope --help'.\n", stderr);
	return EXIT_USAGE;
}

/* First pass: only --config, so the file is read before the other options
 * override it. */
static const char *find_config_option(int argc, char **argv)
{
	for (int i = 1; i < argc - 1; i++)
		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0)
			return argv[i + 1];
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	return NULL;
}

static void list_profiles(const struct config *c)
{
	printf("%-19s %-49s %-21s %-19s %s\n", "PROFILE", "BASE URL", "KEY VARIABLE", "DIALECT", "MAX K");
	for (size_t i = 0; i < c->nprofiles; i++) {
		const struct profile *p = &c->profiles[i];
		char k[16];

		snprintf(k, sizeof k, "%d", p->max_k);
		printf("%-19s %-49s %-21s %-19s %s\n", p->name, p->base_url ? p->base_url : "(set base_url)",
		       p->key_env ? p->key_env : "-", p->dialect ? p->dialect : "openai-chat",
		       p->max_k ? k : "none");
	}
}

/* --list-models: one model name per line. */
static int run_list_models(const struct config *cfg)
{
	struct endpoint ep;
	struct models_list l;
	struct ts_err err;

	if (config_endpoint(cfg, &ep, &err)) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		return EXIT_USAGE;
	}
	if (models_run(&ep, cfg->s.connect_timeout_s, cfg->s.idle_timeout_s, &l, &err)) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < l.n; i++)
		printf("%s\n", l.names[i]);
	if (l.n == 0)
		fprintf(stderr, "tokscope: %s lists no models\n", ep.base_url);
	models_list_fini(&l);
	return EXIT_ACCEPT;
}

/* Returns -1 to go on, else an exit code. */
static int parse_options(int argc, char **argv, struct options *o, struct config *cfg)
{
	struct ts_err err;
	int ch;

	while ((ch = getopt_long(argc, argv, "P:u:m:k:s:n:t:T:pc:hV", long_options, NULL)) != -1) {
		bool handled = false;

		for (size_t i = 0; i < sizeof setting_opts / sizeof setting_opts[0]; i++) {
			if (setting_opts[i].opt != ch)
				continue;
			handled = true;
			if (config_set(cfg, setting_opts[i].key, optarg, &err))
				return usage_error("%s", ts_err_msg(&err));
		}
		o->labels_given |= ch == OPT_LABELS;
		if (handled)
			continue;
		switch (ch) {
		case 'p': o->print = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_NO_STREAM: o->no_stream = true; break;
		case OPT_CASCADE: o->cascade = true; break;
		case OPT_COMPARE: o->compare = true; break;
		case OPT_AUTO_ESCALATE: config_set(cfg, "auto_escalate", "true", NULL); break;
		case 'c': o->config_path = optarg; break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				o->color = COLOR_AUTO;
			else if (strcmp(optarg, "always") == 0)
				o->color = COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				o->color = COLOR_NEVER;
			else
				return usage_error("--color takes auto, always or never, not '%s'", optarg);
			break;
		case OPT_REPLAY:
			if (o->nreplay == MAX_REPLAYS)
				return usage_error("at most %d --replay options", MAX_REPLAYS);
			o->replay[o->nreplay++] = optarg;
			break;
		case OPT_LIST_PROFILES: list_profiles(cfg); return EXIT_ACCEPT;
		case OPT_LIST_MODELS: o->list_models = true; break;
		case 'h': fputs(usage_text, stdout); return EXIT_ACCEPT;
		case 'V': printf("tokscope %s\n", TOKSCOPE_VERSION); return EXIT_ACCEPT;
		default: fputs("Try 'tokscope --help'.\n", stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		o->prompt = argv[optind++];
	if (o->compare && optind < argc)
		o->compare_b = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument '%s' (quote the prompt)", argv[optind]);
	return -1;
}

/* Reads the whole prompt from standard input (at most 16 MiB). */
static char *read_stdin_prompt(void)
{
	struct buf b;
	char chunk[8192];
	size_t n;

	buf_init(&b, 16u * 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		if (buf_append(&b, chunk, n)) {
			buf_fini(&b);
			return NULL;
		}
	return buf_steal(&b);
}

static void on_progress(void *ctx, const struct doc *d)
{
	printer_flush_tokens(ctx, d, false);
}

static enum color_depth print_depth(enum color_when w, bool *sgr)
{
	const char *nc = getenv("NO_COLOR");
	enum color_depth depth = theme_env_depth();

	*sgr = true;
	if (w == COLOR_ALWAYS)
		return depth == DEPTH_NONE ? DEPTH_256 : depth;
	if (w == COLOR_NEVER || !isatty(STDOUT_FILENO) || (nc && *nc)) {
		*sgr = false;
		return DEPTH_NONE;
	}
	return depth;
}

/* The label set from --labels or the config (checked when it was set). */
static void effective_labels(const struct config *cfg, struct label_set *ls)
{
	if (labels_parse(ls, config_labels(cfg), NULL))
		ls->n = 0;
}

/* The labels to judge d with: --labels when given, else the answer's own
 * (a session stores them), else the config's. */
static void answer_labels(const struct doc *d, const struct options *o, const struct config *cfg,
			  struct label_set *ls)
{
	if (o->labels_given || labels_from_doc(ls, d, NULL) <= 0)
		effective_labels(cfg, ls);
}

/* lr's label names point into ls, which the caller keeps. */
static void answer_verdict(const struct doc *d, const struct config *cfg, const struct label_set *ls,
			   struct answer_metrics *m, struct label_result *lr, struct route_result *r)
{
	struct route_opts ro;

	route_opts_from_settings(&ro, &cfg->s);
	route_answer(d, ls, &ro, m, lr, r);
}

static int verdict_code(enum route_verdict v)
{
	return v == VERDICT_ACCEPT ? EXIT_ACCEPT : v == VERDICT_CLARIFY ? EXIT_CLARIFY : EXIT_ESCALATE;
}

static int verdict_exit(const struct doc *d, const struct options *o, const struct config *cfg,
			struct printer *pr)
{
	struct answer_metrics m;
	struct label_set ls;
	struct label_result lr;
	struct route_result r;

	answer_labels(d, o, cfg, &ls);
	answer_verdict(d, cfg, &ls, &m, &lr, &r);
	if (pr)
		printer_summary_labels(pr, d, &m, &lr, &r);
	return verdict_code(r.verdict);
}

/* Each answer records the labels it is judged with (DOC_META_LABELS), so
 * the session shows the same verdicts when opened again. */
static void stamp_labels(struct doc *const *docs, size_t n, const struct options *o, const struct config *cfg)
{
	for (size_t i = 0; i < n; i++) {
		struct label_set ls;
		char list[LABELS_MAX * (LABELS_MAX_LEN + 2)];

		answer_labels(docs[i], o, cfg, &ls);
		labels_format(&ls, list, sizeof list);
		if (ls.n || doc_meta(docs[i], DOC_META_LABELS))
			doc_set_meta(docs[i], DOC_META_LABELS, list);
	}
}

/* The session JSON with one more top-level key, "summary": the aggregates
 * and verdict of each answer (readers of sessions ignore unknown keys). */
static int write_json(struct doc *const *docs, size_t n, const struct options *o, const struct config *cfg)
{
	struct buf out;
	struct ts_err err;
	struct label_set ls;
	int rc;

	stamp_labels(docs, n, o, cfg);
	buf_init(&out, 0);
	rc = session_write(&out, docs, n, &err);
	while (!rc && out.len && out.data[out.len - 1] != '}')
		out.len--;
	if (!rc && out.len) {
		out.len--;
		rc = buf_puts(&out, ",\"summary\":[");
		for (size_t i = 0; i < n && !rc; i++) {
			struct answer_metrics m;
			struct label_result lr;
			struct route_result r;

			answer_labels(docs[i], o, cfg, &ls);
			answer_verdict(docs[i], cfg, &ls, &m, &lr, &r);
			rc = (i ? buf_putc(&out, ',') : 0) || print_summary_json_labels(&out, &m, &lr, &r);
		}
		if (!rc)
			rc = buf_puts(&out, "]}\n");
		if (rc)
			ts_err_set(&err, rc, "cannot write the JSON output");
	}
	if (rc)
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
	else
		fwrite(buf_str(&out), 1, out.len, stdout);
	buf_fini(&out);
	return rc ? EXIT_ERROR : EXIT_ACCEPT;
}

/* The request from the settings, to ep: fills xo and reads the prompt
 * (into *owned, to free, when it comes from standard input). */
static int request_opts(const struct options *o, const struct config *cfg, const struct endpoint *ep,
			struct exchange_opts *xo, char **owned, struct ts_err *err)
{
	*owned = NULL;
	*xo = (struct exchange_opts){
		.ep = ep,
		.rp = { .model = ep->model, .system = cfg->s.system, .max_tokens = cfg->s.max_tokens,
			.temperature = cfg->s.temperature, .top_logprobs = cfg->s.top_logprobs,
			.stream = !o->no_stream },
		.connect_timeout_s = cfg->s.connect_timeout_s,
		.idle_timeout_s = cfg->s.idle_timeout_s,
	};
	if (!o->prompt || strcmp(o->prompt, "-") == 0) {
		if (isatty(STDIN_FILENO))
			fputs("tokscope: reading the prompt from standard input (end it with Ctrl-D)\n", stderr);
		*owned = read_stdin_prompt();
		if (!*owned)
			return ts_err_set(err, TS_ETOOBIG, "prompt on standard input larger than 16 MiB");
	}
	xo->rp.prompt = *owned ? *owned : o->prompt;
	if (ep->max_k > 0 && xo->rp.top_logprobs > ep->max_k)
		fprintf(stderr, "tokscope: note: top logprobs %d is above %s's maximum of %d: asking for %d\n",
			xo->rp.top_logprobs, ep->profile, ep->max_k, ep->max_k);
	if (dialect_find(ep->dialect) && dialect_find(ep->dialect)->raw_prompt && xo->rp.system &&
	    *xo->rp.system)
		fprintf(stderr, "tokscope: note: the %s dialect sends the prompt raw: the system prompt is "
			"left out\n", ep->dialect);
	return TS_OK;
}

/* Runs the request (or the replays) into docs; returns the worst outcome. */
static int print_fetch(const struct options *o, const struct config *cfg, struct doc **docs,
		       struct printer *pr, struct ts_err *err)
{
	struct endpoint ep;
	struct exchange_opts xo;
	char *owned = NULL;
	int rc;

	if (o->nreplay) {
		for (size_t i = 0; i < o->nreplay; i++) {
			rc = replay_dir(docs[i], o->replay[i], pr && !o->json ? on_progress : NULL, pr, err);
			if (rc && rc != TS_ENOLOGPROBS)
				return rc;
		}
		return TS_OK;
	}
	if (config_endpoint(cfg, &ep, err))
		return err->code;
	rc = request_opts(o, cfg, &ep, &xo, &owned, err);
	if (!rc)
		rc = exchange_run(docs[0], &xo, pr && !o->json ? on_progress : NULL, pr, err);
	free(owned);
	return rc;
}

static void on_cascade(void *ctx, const struct cascade *c, enum cascade_which w, enum cascade_event ev)
{
	struct printer *pr = ctx;
	const struct cascade_stage *s = cascade_stage(c, w);
	const char *model = doc_meta(s->doc, DOC_META_MODEL), *prof = doc_meta(s->doc, DOC_META_PROFILE);

	if (ev == CASCADE_EV_TOKENS) {
		printer_flush_tokens(pr, s->doc, false);
	} else if (ev == CASCADE_EV_STARTED) {
		printer_restart(pr);
		printer_heading(pr, "escalating to the strong model: %s%s%s", prof ? prof : "?",
				model ? " · " : "", model ? model : "");
	} else {
		printer_flush_tokens(pr, s->doc, true);
		if (s->err.code)
			fprintf(stderr, "tokscope: %s\n", ts_err_msg(&s->err));
		if (!s->err.code || s->err.code == TS_ENOLOGPROBS)
			printer_summary_labels(pr, s->doc, &s->m, &s->lr, &s->r);
	}
}

/* --cascade: the cheap answer, then the strong one when its verdict is
 * ESCALATE (cascade.h). Exits with the final answer's verdict. */
static int run_cascade(const struct options *o, const struct config *cfg, struct doc **docs,
		       struct printer *pr)
{
	struct endpoint ep, strong;
	struct cascade_opts co = { .strong = &strong, .auto_escalate = true };
	struct label_set ls;
	struct cascade *c = NULL;
	struct ts_err err;
	char *owned = NULL;
	int rc, code = EXIT_ACCEPT;

	ts_err_clear(&err);
	if (config_endpoint(cfg, &ep, &err) || config_escalation(cfg, &strong, &err)) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		return EXIT_USAGE;
	}
	effective_labels(cfg, &ls);
	co.labels = &ls;
	route_opts_from_settings(&co.route, &cfg->s);
	rc = request_opts(o, cfg, &ep, &co.cheap, &owned, &err);
	if (!rc && !o->json)
		printer_heading(pr, "cheap model: %s%s%s", ep.profile, ep.model ? " · " : "", ep.model ? ep.model : "");
	if (!rc)
		rc = cascade_run(docs[0], docs[1], &co, o->json ? NULL : on_cascade, pr, &c, &err);
	free(owned);
	if (!c) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		return rc == TS_ECONFIG ? EXIT_USAGE : EXIT_ERROR;
	}
	if (o->json)
		code = write_json(docs, cascade_escalated(c) ? 2 : 1, o, cfg);
	else
		printer_cascade(pr, c);
	if (!o->json || code == EXIT_ACCEPT)
		code = rc ? EXIT_ERROR : verdict_code(cascade_stage(c, cascade_final(c))->r.verdict);
	cascade_free(c);
	return code;
}

/* The session files of --compare: A's answers in *da, B's (when given) in
 * *db. Returns 0, or -1 after saying why on stderr (the caller frees what
 * was loaded). name_a/name_b receive the two sides' names. */
static int compare_load(const struct options *o, struct doc ***da, size_t *na, struct doc ***db, size_t *nb,
			char *name_a, char *name_b, size_t namesz)
{
	struct ts_err err;

	if (session_load(o->prompt, da, na, &err) || (o->compare_b && session_load(o->compare_b, db, nb, &err))) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		return -1;
	}
	if (*na < (o->compare_b ? 1u : 2u) || (o->compare_b && !*nb)) {
		fprintf(stderr, "tokscope: %s holds %s\n", o->compare_b && *na ? o->compare_b : o->prompt,
			o->compare_b ? "no answer" : "fewer than two answers");
		return -1;
	}
	snprintf(name_a, namesz, "%s%s", o->prompt, o->compare_b ? "" : " #1");
	snprintf(name_b, namesz, "%s%s", o->compare_b ? o->compare_b : o->prompt, o->compare_b ? "" : " #2");
	return 0;
}

/* --compare A.json B.json: the first answer of each; --compare A.json:
 * A's first two answers (a --cascade --json file: cheap and strong). */
static int run_compare(const struct options *o, struct printer *pr)
{
	struct doc **da = NULL, **db = NULL;
	size_t na = 0, nb = 0;
	const struct doc *a, *b;
	struct compare_result r;
	struct ts_err err;
	char name_a[512], name_b[512];
	int code = EXIT_ERROR;

	if (compare_load(o, &da, &na, &db, &nb, name_a, name_b, sizeof name_a))
		goto out;
	a = da[0];
	b = o->compare_b ? db[0] : da[1];
	if (compare_docs(a, b, COMPARE_DEFAULT_TOP, &r, &err)) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		goto out;
	}
	printer_compare(pr, a, name_a, b, name_b, &r);
	compare_fini(&r);
	code = EXIT_ACCEPT;
out:
	session_free_docs(da, na);
	session_free_docs(db, nb);
	return code;
}

static bool is_session_path(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 5 && strcmp(s + n - 5, ".json") == 0;
}

/* "answer 2 of 5: b_work_spam_tie_email_stream", the title made safe. */
static void print_answer_heading(struct printer *pr, const struct doc *d, size_t i, size_t n)
{
	const char *title = doc_meta(d, DOC_META_TITLE);
	struct buf b;

	buf_init(&b, 0);
	if (title)
		text_escape(&b, (const uint8_t *)title, strlen(title), TEXT_INSPECT);
	printer_heading(pr, "answer %zu of %zu%s%s", i + 1, n, b.len ? ": " : "", buf_str(&b));
	buf_fini(&b);
}

/* --print SESSION.json: every saved answer as print mode shows a new one,
 * judged with its own labels unless --labels is given; the exit status is
 * the first answer's verdict. With --json, the session again, summed up. */
static int run_print_session(const struct options *o, const struct config *cfg, struct printer *pr)
{
	struct doc **docs = NULL;
	size_t n = 0;
	struct ts_err err;
	int code = EXIT_ERROR;

	if (session_load(o->prompt, &docs, &n, &err)) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		return EXIT_ERROR;
	}
	if (n == 0)
		fprintf(stderr, "tokscope: %s holds no answer\n", o->prompt);
	else if (o->json)
		code = write_json(docs, n, o, cfg);
	if (n && o->json && code == EXIT_ACCEPT)
		code = verdict_exit(docs[0], o, cfg, NULL);
	for (size_t i = 0; i < n && !o->json; i++) {
		int c;

		if (n > 1)
			print_answer_heading(pr, docs[i], i, n);
		printer_restart(pr);
		printer_flush_tokens(pr, docs[i], true);
		c = verdict_exit(docs[i], o, cfg, pr);
		code = i == 0 ? c : code;
	}
	session_free_docs(docs, n);
	return code;
}

static int run_print(const struct options *o, const struct config *cfg)
{
	size_t n = o->nreplay ? o->nreplay : o->cascade ? 2 : 1;
	struct doc *docs[MAX_REPLAYS] = { 0 };
	struct theme theme;
	struct printer pr;
	struct ts_err err;
	bool sgr;
	enum color_depth depth = print_depth(o->color, &sgr);
	int rc, code = EXIT_ERROR;

	ts_err_clear(&err);
	if (theme_load(&theme, cfg->s.theme ? cfg->s.theme : "default", &err)) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		return EXIT_USAGE;
	}
	printer_init(&pr, stdout, &theme, depth, sgr, cfg->s.tok_threshold);
	if (o->compare) {
		code = run_compare(o, &pr);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!(docs[i] = doc_new()))
			goto out;
	if (o->cascade) {
		code = run_cascade(o, cfg, docs, &pr);
		goto out;
	}
	if (!o->nreplay && is_session_path(o->prompt)) {
		code = run_print_session(o, cfg, &pr);
		goto out;
	}
	rc = print_fetch(o, cfg, docs, &pr, &err);
	if (!o->json)
		printer_flush_tokens(&pr, docs[0], true);
	if (rc && rc != TS_ENOLOGPROBS) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		code = rc == TS_ECONFIG ? EXIT_USAGE : EXIT_ERROR;
		goto out;
	}
	if (rc == TS_ENOLOGPROBS)
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
	if (o->json)
		code = write_json(docs, n, o, cfg);
	if (!o->json || code == EXIT_ACCEPT)
		code = verdict_exit(docs[0], o, cfg, o->json ? NULL : &pr);
	if (rc == TS_ENOLOGPROBS)
		code = EXIT_ERROR;
out:
	for (size_t i = 0; i < n; i++)
		doc_free(docs[i]);
	return code;
}

/* Usage errors in how --cascade, --compare and --replay combine; -1 when fine. */
static int check_modes(const struct options *o)
{
	if (o->compare && !o->prompt)
		return usage_error("--compare takes two session files (A.json B.json), or one with two answers");
	if (o->compare && (o->cascade || o->nreplay || o->json))
		return usage_error("--compare does not combine with --cascade, --replay or --json");
	if (o->cascade && o->nreplay)
		return usage_error("--cascade asks two servers; it cannot replay recordings");
	return -1;
}

/* --compare without --print: the explorer's compare view, every answer of
 * both files in its list. */
static int run_compare_tui(const struct options *o, struct config *cfg)
{
	struct doc **da = NULL, **db = NULL;
	size_t na = 0, nb = 0;
	char name_a[512], name_b[512];
	struct tui_opts to = { .cfg = cfg, .compare = true, .compare_names = { name_a, name_b } };

	if (compare_load(o, &da, &na, &db, &nb, name_a, name_b, sizeof name_a))
		goto fail;
	to.docs = calloc(na + nb, sizeof *to.docs);
	if (!to.docs) {
		fputs("tokscope: out of memory\n", stderr);
		goto fail;
	}
	memcpy(to.docs, da, na * sizeof *da);
	if (nb)
		memcpy(to.docs + na, db, nb * sizeof *db);
	to.ndocs = na + nb;
	to.compare_b = o->compare_b ? na : 1;
	free(da);
	free(db);
	return tui_run(&to);
fail:
	session_free_docs(da, na);
	session_free_docs(db, nb);
	return EXIT_ERROR;
}

static int run_tui(const struct options *o, struct config *cfg)
{
	struct tui_opts to = { .cfg = cfg };
	struct ts_err err;

	if (o->compare)
		return run_compare_tui(o, cfg);
	if (is_session_path(o->prompt)) {
		if (session_load(o->prompt, &to.docs, &to.ndocs, &err)) {
			fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
			return EXIT_ERROR;
		}
		to.session_path = o->prompt;
	} else if (!config_has_endpoint(cfg)) {
		if (demo_load(&to.docs, &to.ndocs, &err)) {
			fprintf(stderr, "tokscope: bundled demo: %s\n", ts_err_msg(&err));
			return EXIT_ERROR;
		}
		to.demo = true;
	}
	if (o->prompt && !to.session_path)
		to.initial_prompt = o->prompt;
	return tui_run(&to);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct config cfg;
	struct ts_err err;
	int rc;

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");  /* JSON and summaries use "." whatever the locale */
	if (config_init(&cfg)) {
		fputs("tokscope: out of memory\n", stderr);
		return EXIT_ERROR;
	}
	o.config_path = find_config_option(argc, argv);
	if (o.config_path && access(o.config_path, R_OK) != 0) {
		fprintf(stderr, "tokscope: cannot read config file %s: %s\n", o.config_path, strerror(errno));
		config_fini(&cfg);
		return EXIT_USAGE;
	}
	if (config_load(&cfg, o.config_path, &err)) {
		fprintf(stderr, "tokscope: %s\n", ts_err_msg(&err));
		config_fini(&cfg);
		return EXIT_USAGE;
	}
	rc = parse_options(argc, argv, &o, &cfg);
	if (rc < 0)
		rc = check_modes(&o);
	if (rc < 0 && (o.json || o.cascade) && !o.print)
		o.print = true;
	if (rc < 0 && o.nreplay > 1 && !o.json)
		rc = usage_error("several --replay options need --json");
	if (rc < 0 && http_global_init()) {
		fputs("tokscope: cannot initialise libcurl\n", stderr);
		rc = EXIT_ERROR;
	}
	if (rc < 0) {
		if (o.list_models)
			rc = run_list_models(&cfg);
		else
			rc = o.print || o.nreplay ? run_print(&o, &cfg) : run_tui(&o, &cfg);
		http_global_cleanup();
	}
	config_fini(&cfg);
	return rc;
}
