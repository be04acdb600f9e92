/* Branching (src/branch.h): which APIs can continue a prefix and the one-
 * line reasons of those that cannot; the continuation bodies, exactly, for
 * each way (from the requests the dialects themselves build); a branch of
 * a branch sending the first answer's prompt; prefixes a JSON request
 * cannot carry; the branch document made from a real llama.cpp recording
 * (prefix copied, the alternative forced with its logprob, metadata naming
 * the parent); where a branch goes for a profile, a replay, the demo; and
 * the tree answers form, cycles included. */
#include "tests/unit/testutil.h"

#include <math.h>

#include "src/branch.h"
#include "src/buf.h"
#include "src/config.h"
#include "src/dialect.h"
#include "src/doc.h"
#include "src/ingest.h"
#include "src/replay.h"

#define LIT(s) (const uint8_t *)(s), (sizeof(s) - 1)

static void ways_of_every_api(void **state)
{
	static const struct { const char *dialect, *profile, *prefill; int way; } ok[] = {
		{ "openai-completions", "openai-completions", NULL, BRANCH_PROMPT },
		{ "llamacpp-completion", "llamacpp-completion", NULL, BRANCH_PROMPT },
		{ "ollama-generate", "ollama-generate", NULL, BRANCH_OLLAMA_RAW },
		{ "openai-chat", "vllm", "vllm", BRANCH_CHAT_VLLM },
		{ "openai-chat", "llamacpp", "llamacpp", BRANCH_CHAT_LLAMACPP },
		{ "openai-chat", "mine", "vllm", BRANCH_CHAT_VLLM },
	};
	static const struct { const char *dialect, *profile, *prefill, *reason; } no[] = {
		{ "openai-chat", "openai", NULL, "OpenAI chat cannot continue an assistant prefix; use a "
		  "completions endpoint (legacy completions, llama.cpp /completion, vLLM) to branch" },
		{ "openai-chat", "openrouter", NULL, "OpenRouter chat cannot continue an assistant prefix; use a "
		  "completions endpoint (legacy completions, llama.cpp /completion, vLLM) to branch" },
		{ "openai-chat", "deepseek", NULL, "DeepSeek chat continues a prefix only in its beta API" },
		{ "openai-chat", "azure", "none", "Azure OpenAI chat cannot continue an assistant prefix" },
		{ "openai-chat", "mine", NULL, "the chat API of profile mine cannot be told to continue an "
		  "assistant prefix; if it is vLLM or llama-server, set prefill = vllm or llamacpp in [profile mine]" },
		{ "openai-responses", "openai-responses", NULL, "the OpenAI Responses API cannot continue" },
		{ "together", "together", NULL, "Together chat cannot continue an assistant prefix" },
		{ "fireworks", "fireworks", NULL, "Fireworks chat cannot continue" },
		{ "gemini", "gemini", NULL, "Gemini cannot continue a model prefix" },
		{ "ollama-chat", "ollama", NULL, "Ollama's /api/chat is not used to continue a prefix; use the "
		  "ollama-generate profile" },
	};
	enum branch_way way;
	struct ts_err err;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(branch_way(ok[i].dialect, ok[i].profile, ok[i].prefill, &way, &err), TS_OK);
		assert_int_equal(way, ok[i].way);
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		assert_int_equal(branch_way(no[i].dialect, no[i].profile, no[i].prefill, &way, &err),
				 TS_EUNSUPPORTED);
		if (strncmp(err.msg, no[i].reason, strlen(no[i].reason)) != 0)
			fail_msg("%s/%s: %s", no[i].dialect, no[i].profile, err.msg);
		assert_null(strchr(err.msg, '\n'));
	}
	/* every dialect has an answer, and every refusal says how to branch */
	for (size_t i = 0; i < dialect_count(); i++)
		if (branch_way(dialect_at(i)->name, NULL, NULL, &way, &err))
			assert_non_null(strstr(err.msg, "to branch"));
}

/* The body the dialect builds for rp, then its continuation. */
static void check_body(const char *dialect, const struct req_params *rp, enum branch_way way,
		       const char *prefix, const char *want, const char *want_notice)
{
	struct buf req, out;
	struct ts_err err;
	const char *notice = "unset";

	buf_init(&req, 0);
	buf_init(&out, 0);
	assert_int_equal(dialect_find(dialect)->build_request(rp, &req, &err), TS_OK);
	if (branch_body(buf_str(&req), way, NULL, 0, (const uint8_t *)prefix, strlen(prefix), &out, &notice, &err))
		fail_msg("%s: %s", dialect, err.msg);
	assert_string_equal(buf_str(&out), want);
	if (want_notice)
		assert_non_null(notice && strstr(notice, want_notice));
	else
		assert_null(notice);
	buf_fini(&req);
	buf_fini(&out);
}

static void continuation_bodies(void **state)
{
	struct req_params rp = { .model = "m", .system = "Be brief.", .prompt = "Once upon a time",
				 .max_tokens = 20, .temperature = 0, .top_logprobs = 5, .stream = true };

	(void)state;
	check_body("openai-completions", &rp, BRANCH_PROMPT, " there",
		   "{\"model\":\"m\",\"prompt\":\"Once upon a time there\",\"max_tokens\":20,\"temperature\":0,"
		   "\"logprobs\":5,\"stream\":true,\"stream_options\":{\"include_usage\":true}}", NULL);
	check_body("llamacpp-completion", &rp, BRANCH_PROMPT, ", there",
		   "{\"model\":\"m\",\"prompt\":\"Once upon a time, there\",\"n_predict\":20,\"temperature\":0,"
		   "\"n_probs\":5,\"stream\":true}", NULL);
	check_body("ollama-generate", &rp, BRANCH_OLLAMA_RAW, " there",
		   "{\"model\":\"m\",\"stream\":true,\"logprobs\":true,\"top_logprobs\":5,\"options\":"
		   "{\"num_predict\":20,\"temperature\":0},\"prompt\":\"Once upon a time there\",\"raw\":true}",
		   "without the model's prompt template and system prompt");
	check_body("openai-chat", &rp, BRANCH_CHAT_VLLM, "It was \"personal\"\n",
		   "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":"
		   "\"Once upon a time\"},{\"role\":\"assistant\",\"content\":\"It was \\\"personal\\\"\\n\"}],"
		   "\"model\":\"m\",\"max_tokens\":20,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":5,"
		   "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"continue_final_message\":true,"
		   "\"add_generation_prompt\":false}", NULL);
	check_body("openai-chat", &rp, BRANCH_CHAT_LLAMACPP, "p",
		   "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":"
		   "\"Once upon a time\"},{\"role\":\"assistant\",\"content\":\"p\"}],\"model\":\"m\","
		   "\"max_tokens\":20,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":5,\"stream\":true,"
		   "\"stream_options\":{\"include_usage\":true}}", NULL);
}

/* A branch's request already carries its prefix: the next branch sends the
 * first answer's prompt plus the new prefix, not both prefixes. */
static void branch_of_a_branch(void **state)
{
	struct buf out;
	struct ts_err err;
	const char *notice;

	(void)state;
	buf_init(&out, 0);
	assert_int_equal(branch_body("{\"prompt\":\"Q: A: yes\",\"raw\":true}", BRANCH_OLLAMA_RAW, LIT(" yes"),
				     LIT(" no"), &out, &notice, &err), TS_OK);
	assert_string_equal(buf_str(&out), "{\"prompt\":\"Q: A: no\",\"raw\":true}");
	assert_null(notice);   /* already raw: nothing changed about the template */
	buf_reset(&out);
	assert_int_equal(branch_body("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\","
				     "\"content\":\"ab\"}],\"continue_final_message\":true,\"add_generation_prompt\":false}",
				     BRANCH_CHAT_VLLM, LIT("ab"), LIT("ac"), &out, NULL, &err), TS_OK);
	assert_string_equal(buf_str(&out), "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":"
			    "\"assistant\",\"content\":\"ac\"}],\"continue_final_message\":true,"
			    "\"add_generation_prompt\":false}");
	buf_reset(&out);
	assert_int_equal(branch_body("{\"prompt\":\"Q: yes\"}", BRANCH_PROMPT, LIT(" no"), LIT(" maybe"), &out,
				     NULL, &err), TS_ESHAPE);
	assert_int_equal(branch_body("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"}]}", BRANCH_CHAT_LLAMACPP,
				     LIT("ab"), LIT("ac"), &out, NULL, &err), TS_ESHAPE);
	assert_int_equal(out.len, 0);
	buf_fini(&out);
}

static void prefixes_a_request_cannot_carry(void **state)
{
	struct buf out;
	struct ts_err err;

	(void)state;
	buf_init(&out, 0);
	assert_int_equal(branch_body("{\"prompt\":\"x\"}", BRANCH_PROMPT, NULL, 0, LIT("\xf0\x9f"), &out, NULL, &err),
			 TS_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "inside a UTF-8 character"));
	assert_int_equal(branch_body("{\"prompt\":\"x\"}", BRANCH_PROMPT, NULL, 0, LIT("a\0b"), &out, NULL, &err),
			 TS_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "NUL"));
	assert_int_equal(branch_body("{\"prompt\":[1,2]}", BRANCH_PROMPT, NULL, 0, LIT("a"), &out, NULL, &err),
			 TS_ESHAPE);
	assert_int_equal(branch_body("not json", BRANCH_PROMPT, NULL, 0, LIT("a"), &out, NULL, &err), TS_EJSON);
	assert_int_equal(branch_body("{\"messages\":{}}", BRANCH_CHAT_VLLM, NULL, 0, LIT("a"), &out, NULL, &err),
			 TS_ESHAPE);
	/* the prefix completes the character the earlier tokens started */
	assert_int_equal(branch_body("{\"prompt\":\"x\"}", BRANCH_PROMPT, NULL, 0, LIT("\xf0\x9f\x98\x80"), &out,
				     NULL, &err), TS_OK);
	assert_string_equal(buf_str(&out), "{\"prompt\":\"x\xf0\x9f\x98\x80\"}");
	buf_fini(&out);
}

static struct doc *replayed(const char *set, const char *cas)
{
	char path[512];
	struct doc *d = doc_new();
	struct ts_err err;

	snprintf(path, sizeof path, "tests/fixtures/%s/%s", set, cas);
	assert_non_null(d);
	if (replay_dir(d, path, NULL, NULL, &err))
		fail_msg("%s: %s", path, err.msg);
	return d;
}

static void live_config(struct config *c, const char *profile)
{
	struct ts_err err;

	assert_int_equal(config_init(c), TS_OK);
	assert_int_equal(config_set(c, "profile", profile, &err), TS_OK);
	assert_int_equal(config_set(c, "base_url", "http://127.0.0.1:9/v1", &err), TS_OK);
}

/* "Once upon a time" → ", there was …" (legacy completions); branch at
 * token 2 (" there") with its second alternative, " in". */
static void branch_document_from_a_recording(void **state)
{
	struct doc *p = replayed("llamacpp-stories260k", "e_legacy_completions_stream");
	struct config c;
	struct branch_req br;
	struct ts_err err;
	size_t len, at;
	const uint8_t *b;
	const struct doc_token *t;

	(void)state;
	live_config(&c, "openai-completions");
	assert_null(doc_meta(p, DOC_META_UID));
	if (branch_prepare(&c, p, 1, 1, &br, &err))
		fail_msg("%s", err.msg);
	assert_string_equal(buf_str(&br.body), "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time, in\","
			    "\"max_tokens\":20,\"logprobs\":5,\"stream\":true}");
	assert_ptr_equal(br.xo.body, buf_str(&br.body));
	assert_string_equal(br.ep.base_url, "http://127.0.0.1:9/v1");
	assert_string_equal(br.ep.dialect, "openai-completions");
	assert_string_equal(br.xo.rp.model, "stories260K");
	assert_true(br.xo.rp.stream);
	assert_int_equal(br.xo.rp.top_logprobs, 5);
	/* the document: token 0 copied, token 1 forced to " in" */
	assert_int_equal(doc_count(br.doc), 2);
	b = doc_token_bytes(br.doc, 0, &len);
	assert_int_equal(len, 1);
	assert_memory_equal(b, ",", 1);
	assert_true(doc_token(br.doc, 0)->logprob == doc_token(p, 0)->logprob);
	assert_int_equal(doc_token(br.doc, 0)->nalt, 5);
	assert_int_equal(doc_token(br.doc, 0)->rank, doc_token(p, 0)->rank);
	assert_false(doc_token(br.doc, 0)->flags & DOC_TOK_FORCED);
	assert_true(doc_token(br.doc, 0)->t_ms < 0);
	t = doc_token(br.doc, 1);
	b = doc_token_bytes(br.doc, 1, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(b, " in", 3);
	assert_true(t->flags & DOC_TOK_FORCED);
	assert_int_equal(t->rank, 2);
	assert_int_equal(t->nalt, 5);
	assert_true(fabs(t->logprob - -2.97927141) < 1e-6);
	/* metadata: the parent got a uid, the branch names it */
	assert_non_null(doc_meta(p, DOC_META_UID));
	assert_string_equal(doc_meta(br.doc, DOC_META_BRANCH_OF), doc_meta(p, DOC_META_UID));
	assert_string_not_equal(doc_meta(br.doc, DOC_META_UID), doc_meta(p, DOC_META_UID));
	assert_string_equal(doc_meta(br.doc, DOC_META_BRANCH_AT), "1");
	assert_true(branch_point(br.doc, &at));
	assert_int_equal(at, 1);
	assert_false(branch_point(p, &at));
	assert_string_equal(doc_meta(br.doc, DOC_META_TITLE), "e_legacy_completions_stream · branch at token 2: ␣in");
	branch_req_fini(&br);
	assert_int_equal(branch_prepare(&c, p, 20, 0, &br, &err), TS_EINVAL);
	assert_int_equal(branch_prepare(&c, p, 0, 5, &br, &err), TS_EINVAL);
	config_fini(&c);
	doc_free(p);
}

/* A branch of that branch at token 3 sends "Once upon a time" + ", in" +
 * the new alternative: the branch's own prefix comes off its prompt. */
static void branch_of_a_branch_document(void **state)
{
	struct doc *p = replayed("llamacpp-stories260k", "e_legacy_completions_stream");
	struct config c;
	struct branch_req b1, b2;
	struct ts_err err;
	const struct doc_token_in tok = { .bytes = (const uint8_t *)" a", .len = 2, .logprob = -0.1, .id = -1,
					  .t_ms = -1, .alts = (const struct doc_alt_in[]){
						  { (const uint8_t *)" a", 2, -0.1, -1 },
						  { (const uint8_t *)" the", 4, -2.5, -1 } }, .nalt = 2 };

	(void)state;
	live_config(&c, "openai-completions");
	assert_int_equal(branch_prepare(&c, p, 1, 1, &b1, &err), TS_OK);
	/* what the server sent after the prefix */
	assert_int_equal(doc_set_meta(b1.doc, DOC_META_REQUEST, buf_str(&b1.body)), TS_OK);
	assert_int_equal(doc_set_meta(b1.doc, DOC_META_DIALECT, "openai-completions"), TS_OK);
	assert_int_equal(doc_set_meta(b1.doc, DOC_META_PROFILE, "openai-completions"), TS_OK);
	doc_info(b1.doc)->k_requested = 5;
	assert_int_equal(doc_append(b1.doc, &tok, &err), TS_OK);
	if (branch_prepare(&c, b1.doc, 2, 1, &b2, &err))
		fail_msg("%s", err.msg);
	assert_string_equal(buf_str(&b2.body), "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time, in the\","
			    "\"max_tokens\":20,\"logprobs\":5,\"stream\":true}");
	assert_string_equal(doc_meta(b2.doc, DOC_META_BRANCH_OF), doc_meta(b1.doc, DOC_META_UID));
	assert_int_equal(doc_count(b2.doc), 3);
	assert_string_equal(doc_meta(b2.doc, DOC_META_TITLE), "e_legacy_completions_stream · branch at token 3: ␣the");
	assert_true(doc_token(b2.doc, 1)->flags & DOC_TOK_FORCED);   /* copied with its flag */
	assert_true(doc_token(b2.doc, 2)->flags & DOC_TOK_FORCED);
	branch_req_fini(&b2);
	/* back to before the first branch point: the first answer's prompt only */
	assert_int_equal(branch_prepare(&c, b1.doc, 0, 1, &b2, &err), TS_OK);
	assert_string_equal(buf_str(&b2.body), "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time there\","
			    "\"max_tokens\":20,\"logprobs\":5,\"stream\":true}");
	branch_req_fini(&b2);
	branch_req_fini(&b1);
	config_fini(&c);
	doc_free(p);
}

/* Where a branch goes, and why it cannot. */
static void endpoints_and_reasons(void **state)
{
	struct doc *chat = replayed("llamacpp-stories260k", "a_email_work_stream");
	struct config c;
	struct endpoint ep;
	enum branch_way way;
	struct ts_err err;

	(void)state;
	/* the demo: a recording and nothing configured */
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(branch_endpoint(&c, chat, &ep, &way, &err), TS_EUNSUPPORTED);
	assert_string_equal(err.msg, "a recording (demo or replay), and no endpoint is configured to continue it: "
			    "start tokscope with -P or -u for a server that speaks openai-chat");
	config_fini(&c);
	/* a replay with a live llama-server configured: prefilled there */
	live_config(&c, "llamacpp");
	assert_int_equal(branch_endpoint(&c, chat, &ep, &way, &err), TS_OK);
	assert_int_equal(way, BRANCH_CHAT_LLAMACPP);
	assert_string_equal(ep.base_url, "http://127.0.0.1:9/v1");
	config_fini(&c);
	/* a replay with an endpoint of another shape */
	live_config(&c, "openai-completions");
	assert_int_equal(branch_endpoint(&c, chat, &ep, &way, &err), TS_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "speaks openai-completions"));
	config_fini(&c);
	/* an answer asked through the openai profile: its profile decides */
	assert_int_equal(doc_set_meta(chat, DOC_META_PROFILE, "openai"), TS_OK);
	live_config(&c, "vllm");
	assert_int_equal(branch_endpoint(&c, chat, &ep, &way, &err), TS_EUNSUPPORTED);
	assert_string_equal(err.msg, "OpenAI chat cannot continue an assistant prefix; use a completions endpoint "
			    "(legacy completions, llama.cpp /completion, vLLM) to branch");
	/* through vllm (not the selected profile here: its own base URL) */
	assert_int_equal(doc_set_meta(chat, DOC_META_PROFILE, "vllm"), TS_OK);
	config_fini(&c);
	live_config(&c, "llamacpp");
	assert_int_equal(branch_endpoint(&c, chat, &ep, &way, &err), TS_OK);
	assert_int_equal(way, BRANCH_CHAT_VLLM);
	assert_string_equal(ep.base_url, "http://127.0.0.1:8000/v1");
	/* no request recorded */
	assert_int_equal(doc_set_meta(chat, DOC_META_REQUEST, NULL), TS_OK);
	assert_int_equal(branch_endpoint(&c, chat, &ep, &way, &err), TS_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "does not record the request"));
	config_fini(&c);
	doc_free(chat);
}

/* The ingest of a branch's continuation: the prefix does not count as
 * arrived, so a server that ignores logprobs is still reported, and the
 * new tokens follow the prefix. */
static void continuation_ingest_counts_only_new_tokens(void **state)
{
	struct doc *p = replayed("llamacpp-stories260k", "e_legacy_completions_stream");
	struct config c;
	struct branch_req br;
	struct ingest *in;
	struct ts_err err;
	char path[512];
	size_t len;
	char *body = tu_read_file(tu_fixture(path, sizeof path, "llamacpp-stories260k", "i_no_logprobs_nonstream",
					     "response"), &len);

	(void)state;
	live_config(&c, "openai-completions");
	assert_int_equal(branch_prepare(&c, p, 1, 1, &br, &err), TS_OK);
	in = ingest_new(br.doc, dialect_find("openai-chat"), &(struct ingest_opts){ .prefix = doc_count(br.doc) });
	assert_non_null(in);
	assert_false(ingest_started(in));
	assert_int_equal(ingest_feed(in, body, len, 5, &err), TS_OK);
	assert_int_equal(ingest_finish(in, 6, &err), TS_ENOLOGPROBS);
	assert_true(ingest_started(in));   /* the plain text came */
	assert_int_equal(doc_count(br.doc), 2);
	ingest_free(in);
	free(body);
	branch_req_fini(&br);
	/* a continuation with logprobs lands after the prefix */
	assert_int_equal(branch_prepare(&c, p, 1, 1, &br, &err), TS_OK);
	body = tu_read_file(tu_fixture(path, sizeof path, "llamacpp-stories260k", "e_legacy_completions_stream",
				       "response"), &len);
	in = ingest_new(br.doc, dialect_find("openai-completions"),
			&(struct ingest_opts){ .stream = true, .prefix = doc_count(br.doc) });
	assert_int_equal(ingest_feed(in, body, len, 5, &err), TS_OK);
	assert_int_equal(ingest_finish(in, 6, &err), TS_OK);
	assert_int_equal(doc_count(br.doc), 22);
	assert_true(doc_token(br.doc, 1)->flags & DOC_TOK_FORCED);
	assert_false(doc_token(br.doc, 2)->flags & DOC_TOK_FORCED);
	assert_true(doc_info_c(br.doc)->ttft_ms >= 0);
	ingest_free(in);
	free(body);
	branch_req_fini(&br);
	config_fini(&c);
	doc_free(p);
}

static struct doc *node(const char *uid, const char *of)
{
	struct doc *d = doc_new();

	assert_non_null(d);
	doc_set_meta(d, DOC_META_UID, uid);
	doc_set_meta(d, DOC_META_BRANCH_OF, of);
	return d;
}

static void trees(void **state)
{
	/* 0 root; 1 branch of 3; 2 root; 3 branch of 0; 4 branch of 0; 5 of a
	 * missing parent; 6 and 7 each other's parent (a cycle) */
	struct doc *d[8] = { node("a", NULL), node("b", "d"), node("c", NULL), node("d", "a"), node("e", "a"),
			     node("f", "zz"), node("g", "h"), node("h", "g") };
	long parent[8];
	size_t order[8], depth[8];
	static const long want_parent[8] = { -1, 3, -1, 0, 0, -1, -1, 6 };
	static const size_t want_order[8] = { 0, 3, 1, 4, 2, 5, 6, 7 };
	static const size_t want_depth[8] = { 0, 2, 0, 1, 1, 0, 0, 1 };

	(void)state;
	branch_tree((const struct doc *const *)d, 8, parent, order, depth);
	for (size_t k = 0; k < 8; k++) {
		assert_int_equal(parent[k], want_parent[k]);
		assert_int_equal(order[k], want_order[k]);
		assert_int_equal(depth[k], want_depth[k]);
	}
	branch_tree((const struct doc *const *)d, 0, parent, order, depth);
	for (size_t k = 0; k < 8; k++)
		doc_free(d[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ways_of_every_api),
		cmocka_unit_test(continuation_bodies),
		cmocka_unit_test(branch_of_a_branch),
		cmocka_unit_test(prefixes_a_request_cannot_carry),
		cmocka_unit_test(branch_document_from_a_recording),
		cmocka_unit_test(branch_of_a_branch_document),
		cmocka_unit_test(endpoints_and_reasons),
		cmocka_unit_test(continuation_ingest_counts_only_new_tokens),
		cmocka_unit_test(trees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
