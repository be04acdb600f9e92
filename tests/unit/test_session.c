/* Sessions: documents written and parsed back are equal (doc_equal), from a
 * hand-built document covering every field and awkward byte, and from a real
 * llama.cpp recording; saving is atomic and leaves no temporary file; loading
 * rejects malformed files with messages that say what and where. */
#include "tests/unit/testutil.h"

#include <cJSON.h>
#include <dirent.h>
#include <float.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/branch.h"
#include "src/buf.h"
#include "src/cascade.h"
#include "src/config.h"
#include "src/doc.h"
#include "src/labels.h"
#include "src/replay.h"
#include "src/session.h"
#include "src/session_fast.h"

#define LIT(s) (s), (sizeof(s) - 1)

struct alt_spec {
	const char *s;
	size_t len;
	double lp;
	int32_t id;
};

static void add_token(struct doc *d, const char *bytes, size_t len, double lp, int32_t id, double t,
		      bool derived, const struct alt_spec *alts, size_t nalt)
{
	struct doc_alt_in in[DOC_MAX_ALTS];
	struct ts_err err;

	for (size_t j = 0; j < nalt; j++)
		in[j] = (struct doc_alt_in){ (const uint8_t *)alts[j].s, alts[j].len, alts[j].lp,
					     alts[j].id };
	if (doc_append(d, &(struct doc_token_in){ .bytes = (const uint8_t *)bytes, .len = len,
						   .logprob = lp, .id = id, .bytes_derived = derived,
						   .t_ms = t, .alts = in, .nalt = nalt },
		       &err))
		fail_msg("doc_append: %s", err.msg);
}

/* Writes docs, parses the text back and checks every document is equal.
 * Returns the parsed documents; *text (when non-NULL) receives the file. */
static struct doc **round_trip(struct doc *const *docs, size_t n, char **text)
{
	struct buf out;
	struct ts_err err;
	struct doc **back;
	size_t nback;

	buf_init(&out, 0);
	if (session_write(&out, docs, n, &err))
		fail_msg("session_write: %s", err.msg);
	if (session_parse(out.data, out.len, &back, &nback, &err))
		fail_msg("session_parse: %s", err.msg);
	assert_int_equal(nback, n);
	for (size_t i = 0; i < n; i++)
		assert_true(doc_equal(docs[i], back[i]));
	if (text)
		*text = buf_steal(&out);
	buf_fini(&out);
	return back;
}

static struct doc *hand_built_doc(void)
{
	static const char quoted[] = "say \"hi\"\\ \x01\x1f\n\t";
	struct doc *d = doc_new();
	struct doc_usage *u = doc_usage(d);
	struct doc_info *f = doc_info(d);
	struct ts_err err;
	char value[64];

	assert_non_null(d);
	for (int k = 0; k < DOC_META_COUNT; k++) {
		snprintf(value, sizeof value, "value of %s", doc_meta_name((enum doc_meta_key)k));
		assert_int_equal(doc_set_meta(d, (enum doc_meta_key)k, value), TS_OK);
	}
	assert_int_equal(doc_set_meta(d, DOC_META_TITLE, "caf\xc3\xa9 \xe2\x98\x95 \"t\""), TS_OK);
	*u = (struct doc_usage){ 12, 34, 46 };
	*f = (struct doc_info){ .k_requested = 5, .ttft_ms = 12.345678901234567, .total_ms = 987.25,
				.created = 1717171717, .incomplete = true, .post_sampling = true };
	add_token(d, LIT("Hello"), -0.1, 100, 1.5, false,
		  (struct alt_spec[]){ { LIT("Hello"), -0.1, 100 }, { LIT("Hi"), -2.5, 101 },
				       { LIT("Hey"), -3.0, 102 } }, 3);
	add_token(d, LIT("\xf0\x9f"), -1.25, 200, 2.25, false,
		  (struct alt_spec[]){ { LIT("\xf0\x9f\x98\x80"), -0.75, 300 },
				       { LIT("\xf0\x9f"), -1.25, 200 } }, 2);
	add_token(d, LIT("\x98\x80"), -0.5, 201, 3.0, false, NULL, 0);
	add_token(d, LIT(quoted), -0.75, -1, -1, false,
		  (struct alt_spec[]){ { LIT("x"), -0.5, -1 }, { LIT(quoted), -0.75, -1 } }, 2);
	add_token(d, LIT("rare"), -9999.0, 5, 4.0, false,
		  (struct alt_spec[]){ { LIT("a"), -3.4e38, 6 }, { LIT("b"), -1.0, 7 } }, 2);
	add_token(d, LIT(" derived"), -0.01, -1, 10.0, true, NULL, 0);
	add_token(d, LIT(""), -0.02, 9, 11.0, false, (struct alt_spec[]){ { LIT(""), -0.02, 9 } }, 1);
	add_token(d, LIT("\0x"), -0.03, 10, 12.0, false, NULL, 0);
	assert_int_equal(doc_append_plain(d, (const uint8_t *)"tail text\n", 10, &err), TS_OK);
	return d;
}

static void hand_built_documents_round_trip_equal(void **state)
{
	struct doc *docs[2] = { hand_built_doc(), doc_new() };
	struct doc **back;
	const uint8_t *p;
	size_t len;
	char *text;

	(void)state;
	add_token(docs[1], LIT("only"), -0.5, -1, -1, false, NULL, 0);
	back = round_trip(docs, 2, &text);
	assert_non_null(strstr(text, "{\"hex\":\"f09f\"}"));
	assert_non_null(strstr(text, "{\"hex\":\"9880\"}"));
	assert_non_null(strstr(text, "{\"hex\":\"0078\"}"));
	assert_non_null(strstr(text, "\"say \\\"hi\\\"\\\\ \\u0001\\u001f\\u000a\\u0009\""));
	assert_non_null(strstr(text, "\"title\":\"caf\xc3\xa9 \xe2\x98\x95 \\\"t\\\"\""));
	assert_non_null(strstr(text, "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,"));
	assert_int_equal(doc_count(back[0]), 8);
	assert_true(doc_token(back[0], 4)->flags & DOC_TOK_CLAMPED);
	assert_true(doc_token(back[0], 4)->logprob == DOC_LOGPROB_FLOOR);
	assert_true(doc_alt(back[0], 4, 0)->logprob == (float)DOC_LOGPROB_FLOOR);
	assert_true(doc_token(back[0], 5)->flags & DOC_TOK_BYTES_DERIVED);
	assert_int_equal(doc_token(back[0], 1)->rank, 2);
	p = doc_token_bytes(back[0], 7, &len);
	assert_int_equal(len, 2);
	assert_memory_equal(p, "\0x", 2);
	assert_string_equal(doc_meta(back[0], DOC_META_MODEL), "value of model");
	assert_null(doc_meta(back[1], DOC_META_MODEL));
	assert_int_equal(doc_usage_c(back[1])->total_tokens, -1);
	free(text);
	session_free_docs(back, 2);
	doc_free(docs[0]);
	doc_free(docs[1]);
}

static const uint8_t *json_bytes(const cJSON *arr, uint8_t *out, size_t *len)
{
	const cJSON *b;

	*len = 0;
	cJSON_ArrayForEach(b, arr)
		out[(*len)++] = (uint8_t)b->valueint;
	return out;
}

/* Tokens of a non-streamed recording, appended as the dialect would. */
static struct doc *recording_doc(const char *cas)
{
	char path[512], *body = tu_read_file(tu_fixture(path, sizeof path, "llamacpp-stories260k",
							  cas, "response"), NULL);
	cJSON *j = cJSON_Parse(body), *t, *a;
	struct doc *d = doc_new();
	struct doc_alt_in alts[DOC_MAX_ALTS];
	uint8_t tb[256], ab[DOC_MAX_ALTS][64];
	struct ts_err err;
	size_t i = 0;

	assert_non_null(j);
	doc_set_meta(d, DOC_META_MODEL, cJSON_GetObjectItem(j, "model")->valuestring);
	doc_usage(d)->total_tokens = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "usage"),
							 "total_tokens")->valueint;
	t = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0), "logprobs");
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(t, "content")) {
		struct doc_token_in in = { .id = cJSON_GetObjectItem(t, "id")->valueint,
					   .logprob = cJSON_GetObjectItem(t, "logprob")->valuedouble,
					   .t_ms = 0.5 * (double)i++, .alts = alts };

		in.bytes = json_bytes(cJSON_GetObjectItem(t, "bytes"), tb, &in.len);
		cJSON_ArrayForEach(a, cJSON_GetObjectItem(t, "top_logprobs")) {
			struct doc_alt_in *x = &alts[in.nalt];

			x->bytes = json_bytes(cJSON_GetObjectItem(a, "bytes"), ab[in.nalt], &x->len);
			x->logprob = cJSON_GetObjectItem(a, "logprob")->valuedouble;
			x->id = cJSON_GetObjectItem(a, "id")->valueint;
			in.nalt++;
		}
		if (doc_append(d, &in, &err))
			fail_msg("%s", err.msg);
	}
	cJSON_Delete(j);
	free(body);
	return d;
}

static void real_recording_round_trips(void **state)
{
	struct doc *d = recording_doc("c_open_question_nonstream_top20");
	struct doc **back;

	(void)state;
	assert_int_equal(doc_count(d), 60);
	for (size_t i = 0; i < 60; i++)
		assert_int_equal(doc_token(d, i)->nalt, 20);
	back = round_trip(&d, 1, NULL);
	assert_true(doc_token(back[0], 0)->logprob == -2.0397720336914063);
	assert_true(doc_alt(back[0], 0, 0)->logprob == (float)-1.135467529296875);
	assert_int_equal(doc_token(back[0], 0)->rank, 2);
	assert_int_equal(doc_token(back[0], 42)->rank, 20);
	assert_string_equal(doc_meta(back[0], DOC_META_MODEL), "stories260K");
	assert_int_equal(doc_usage_c(back[0])->total_tokens, 125);
	session_free_docs(back, 1);
	doc_free(d);
}

/* A branch (src/branch.h) and its parent, saved and loaded: the uids, the
 * branch relation and the forced token come back, so the tree does too. */
static void branch_relation_round_trips(void **state)
{
	struct doc *docs[2] = { doc_new(), NULL };
	struct doc **back;
	struct config c;
	struct branch_req br;
	struct ts_err err;
	long parent[2];
	size_t order[2], depth[2], at;
	char *text;

	(void)state;
	assert_int_equal(replay_dir(docs[0], "tests/fixtures/llamacpp-stories260k/e_legacy_completions_stream",
				    NULL, NULL, &err), TS_OK);
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "profile", "openai-completions", &err), TS_OK);
	assert_int_equal(config_set(&c, "base_url", "http://127.0.0.1:9/v1", &err), TS_OK);
	assert_int_equal(branch_prepare(&c, docs[0], 3, 2, &br, &err), TS_OK);
	docs[1] = br.doc;
	br.doc = NULL;
	back = round_trip(docs, 2, &text);
	assert_non_null(strstr(text, "\"branch_at\":\"3\""));
	assert_string_equal(doc_meta(back[1], DOC_META_BRANCH_OF), doc_meta(back[0], DOC_META_UID));
	assert_true(branch_point(back[1], &at));
	assert_int_equal(at, 3);
	assert_true(doc_token(back[1], 3)->flags & DOC_TOK_FORCED);
	assert_false(doc_token(back[1], 2)->flags & DOC_TOK_FORCED);
	assert_int_equal(doc_token(back[1], 3)->rank, 3);
	branch_tree((const struct doc *const *)back, 2, parent, order, depth);
	assert_int_equal(parent[1], 0);
	assert_int_equal(depth[1], 1);
	free(text);
	session_free_docs(back, 2);
	branch_req_fini(&br);
	config_fini(&c);
	doc_free(docs[0]);
	doc_free(docs[1]);
}

/* Ranks the document found by token id, which bytes alone would not find. */
static void rank_matched_by_id_survives_round_trip(void **state)
{
	struct doc *d = doc_new();
	struct doc **back;
	char *text;

	(void)state;
	add_token(d, LIT("a"), -0.5, 7, 1, false,
		  (struct alt_spec[]){ { LIT("a"), -0.25, 3 }, { LIT("a"), -0.5, 7 } }, 2);
	add_token(d, LIT("a"), -4.0, 9, 2, false, (struct alt_spec[]){ { LIT("a"), -0.1, 3 } }, 1);
	add_token(d, LIT("a"), -0.1, 3, 3, false, (struct alt_spec[]){ { LIT("a"), -0.1, 3 } }, 1);
	assert_int_equal(doc_token(d, 0)->rank, 2);
	assert_int_equal(doc_token(d, 1)->rank, 0);
	back = round_trip(&d, 1, &text);
	assert_non_null(strstr(text, ",[0,-0.25,0,-0.5],2]"));
	assert_non_null(strstr(text, ",[0,-0.100000001],0]"));
	assert_non_null(strstr(text, ",[0,-0.100000001]]"));
	assert_int_equal(doc_token(back[0], 0)->rank, 2);
	assert_int_equal(doc_token(back[0], 1)->rank, 0);
	assert_int_equal(doc_token(back[0], 2)->rank, 1);
	free(text);
	session_free_docs(back, 1);
	doc_free(d);
}

static double random_logprob(uint32_t *seed)
{
	uint64_t u = (uint64_t)tu_rand(seed) << 32 | tu_rand(seed);

	return -100.0 * (double)(u >> 11) * 0x1p-53;
}

static void numbers_load_back_bit_for_bit(void **state)
{
	static const double specials[] = { -0.0, -4.9e-324, -1e-300, -1e-40, -1.17549435e-38,
					   -99.999999999999986, -100.0, 0.0 };
	struct doc *d = doc_new();
	struct doc_alt_in alts[2];
	struct doc **back;
	uint32_t seed = 12345;
	size_t n = tu_quick() ? 200 : 5000;
	struct ts_err err;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		double lp = i < 8 ? specials[i] : random_logprob(&seed);

		alts[0] = (struct doc_alt_in){ (const uint8_t *)"p", 1, lp, -1 };
		alts[1] = (struct doc_alt_in){ (const uint8_t *)"q", 1, random_logprob(&seed), -1 };
		assert_int_equal(doc_append(d, &(struct doc_token_in){
						.bytes = (const uint8_t *)"t", .len = 1, .logprob = lp,
						.id = -1, .t_ms = -random_logprob(&seed) * 1000,
						.alts = alts, .nalt = 2 }, &err), TS_OK);
	}
	doc_info(d)->ttft_ms = 1.0 / 3.0;
	doc_info(d)->total_ms = 0.1 + 0.2;
	back = round_trip(&d, 1, NULL);
	assert_true(signbit(doc_token(back[0], 0)->logprob));
	assert_true(doc_token(back[0], 1)->logprob == -4.9e-324);
	assert_true(doc_info_c(back[0])->total_ms == 0.1 + 0.2);
	session_free_docs(back, 1);
	doc_free(d);
}

static void non_finite_numbers_are_never_written(void **state)
{
	struct doc *d = doc_new();
	struct doc **back;
	struct buf out;
	struct ts_err err;
	size_t n;

	(void)state;
	add_token(d, LIT("x"), -1.0, 1, NAN, false, NULL, 0);
	add_token(d, LIT("y"), -1.0, 2, INFINITY, false, NULL, 0);
	doc_info(d)->ttft_ms = INFINITY;
	doc_info(d)->total_ms = NAN;
	buf_init(&out, 0);
	assert_int_equal(session_write(&out, &d, 1, &err), TS_OK);
	assert_null(strstr(out.data, "nan"));
	assert_null(strstr(out.data, "inf,"));
	assert_null(strstr(out.data, "inf]"));
	assert_null(strstr(out.data, "inf}"));
	assert_int_equal(session_parse(out.data, out.len, &back, &n, &err), TS_OK);
	assert_true(doc_token(back[0], 0)->t_ms == -1.0f);
	assert_true(doc_token(back[0], 1)->t_ms == -1.0f);
	assert_true(doc_info_c(back[0])->ttft_ms == -1.0);
	assert_true(doc_info_c(back[0])->total_ms == -1.0);
	session_free_docs(back, n);
	buf_fini(&out);
	doc_free(d);
}

static void saved_file_holds_only_the_keyless_request(void **state)
{
	static const char request[] = "{\"model\":\"stories260k\",\"messages\":[{\"role\":\"user\","
				      "\"content\":\"Hello\"}],\"logprobs\":true,\"top_logprobs\":20}";
	struct doc *d = recording_doc("c_open_question_nonstream_top20");
	struct buf out;
	struct ts_err err;

	(void)state;
	doc_set_meta(d, DOC_META_REQUEST, request);
	doc_set_meta(d, DOC_META_ENDPOINT, "http://127.0.0.1:8080");
	buf_init(&out, 0);
	assert_int_equal(session_write(&out, &d, 1, &err), TS_OK);
	assert_non_null(strstr(out.data, "\"request\":\"{\\\"model\\\":\\\"stories260k\\\","));
	assert_null(strstr(out.data, "Authorization"));
	assert_null(strstr(out.data, "Bearer"));
	assert_null(strstr(out.data, "api_key"));
	buf_fini(&out);
	doc_free(d);
}

/* ---- saving --------------------------------------------------------------- */

static void make_tmpdir(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/tokscope-session-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

/* Names in dir, sorted, joined with '|'. */
static void list_dir(const char *dir, char *out, size_t size)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t k = 0;

	assert_true(n >= 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' || (strcmp(names[i]->d_name, ".") &&
						   strcmp(names[i]->d_name, "..")))
			k += (size_t)snprintf(out + k, size - k, "%s%s", k ? "|" : "",
					      names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

static void save_then_load_is_equal_and_leaves_no_temp_file(void **state)
{
	struct doc *docs[2] = { hand_built_doc(), recording_doc("c_open_question_nonstream_top20") };
	char dir[64], path[128], names[256];
	struct doc **back;
	struct ts_err err;
	struct stat st;
	size_t n;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/s.json", dir);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(session_save(path, docs, 2 - (size_t)round, &err), TS_OK);
		list_dir(dir, names, sizeof names);
		assert_string_equal(names, "s.json");
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0644);
		if (session_load(path, &back, &n, &err))
			fail_msg("%s", err.msg);
		assert_int_equal(n, 2 - (size_t)round);
		for (size_t i = 0; i < n; i++)
			assert_true(doc_equal(docs[i], back[i]));
		session_free_docs(back, n);
	}
	unlink(path);
	rmdir(dir);
	doc_free(docs[0]);
	doc_free(docs[1]);
}

static void save_into_missing_directory_fails_cleanly(void **state)
{
	struct doc *d = hand_built_doc();
	char dir[64], path[128], want[256], names[256];
	struct ts_err err;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/missing/s.json", dir);
	assert_int_equal(session_save(path, &d, 1, &err), TS_EIO);
	snprintf(want, sizeof want, "cannot save %s: No such file or directory", path);
	assert_string_equal(err.msg, want);
	list_dir(dir, names, sizeof names);
	assert_string_equal(names, "");
	rmdir(dir);
	doc_free(d);
}

/* rename() fails after the temporary file is written: it must be removed. */
static void save_over_a_directory_removes_the_temp_file(void **state)
{
	struct doc *d = hand_built_doc();
	char dir[64], path[128], want[256], names[256];
	struct ts_err err;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/s.json", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(session_save(path, &d, 1, &err), TS_EIO);
	snprintf(want, sizeof want, "cannot save %s: Is a directory", path);
	assert_string_equal(err.msg, want);
	list_dir(dir, names, sizeof names);
	assert_string_equal(names, "s.json");
	rmdir(path);
	rmdir(dir);
	doc_free(d);
}

/* root ignores directory permissions, but not /proc's. */
static void save_into_unwritable_directory_fails(void **state)
{
	struct doc *d = hand_built_doc();
	char dir[64], path[128], want[256], names[256];
	struct ts_err err;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	assert_int_equal(chmod(dir, 0555), 0);
	if (geteuid() == 0)
		snprintf(path, sizeof path, "/proc/tokscope-session-test.json");
	else
		snprintf(path, sizeof path, "%s/s.json", dir);
	assert_int_equal(session_save(path, &d, 1, &err), TS_EIO);
	snprintf(want, sizeof want, "cannot save %s: ", path);
	assert_memory_equal(err.msg, want, strlen(want));
	assert_true(strlen(err.msg) > strlen(want));
	list_dir(dir, names, sizeof names);
	assert_string_equal(names, "");
	assert_int_equal(access(path, F_OK), -1);
	chmod(dir, 0755);
	rmdir(dir);
	doc_free(d);
}

/* ---- loading -------------------------------------------------------------- */

static void expect_rejected(const char *json, int code, const char *msg)
{
	struct doc **docs = (struct doc **)&docs;
	struct ts_err err;
	size_t n = 99;

	assert_int_equal(session_parse(json, strlen(json), &docs, &n, &err), code);
	assert_string_equal(err.msg, msg);
	assert_null(docs);
	assert_int_equal(n, 0);
}

#define HEAD "{\"format\":\"tokscope-session\",\"version\":1,\"answers\":["

static void loading_rejects_wrong_format_and_newer_version(void **state)
{
	(void)state;
	expect_rejected("{\"format\":\"other\",\"version\":1,\"answers\":[]}", TS_ESESSION,
			"not a tokscope session: format is \"other\"");
	expect_rejected("{\"version\":1,\"answers\":[]}", TS_ESESSION,
			"not a tokscope session: no \"format\"");
	expect_rejected("[1,2]", TS_ESESSION, "not a tokscope session: not a JSON object");
	expect_rejected("{\"format\":\"tokscope-session\",\"version\":2,\"answers\":[]}",
			TS_ESESSION, "session version 2 is newer than this tokscope understands (1)");
	expect_rejected("{\"format\":\"tokscope-session\",\"version\":\"1\",\"answers\":[]}",
			TS_ESESSION, "session version is not an integer >= 1");
	expect_rejected("{\"format\":\"tokscope-session\",\"version\":1}", TS_ESESSION,
			"session has no \"answers\" array");
}

static void loading_rejects_non_json(void **state)
{
	(void)state;
	expect_rejected("hello", TS_EJSON, "not valid JSON: error at byte 0");
	expect_rejected("", TS_ESESSION, "empty file, not a tokscope session");
	expect_rejected(HEAD "]} x", TS_EJSON, "not valid JSON: unexpected text at byte 55");
}

/* Twelve good tokens, then one whose alternative points past "strings". */
static void loading_rejects_bad_string_index(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	buf_puts(&b, HEAD "{\"strings\":[\"a\"],\"tokens\":[");
	for (int i = 0; i < 12; i++)
		buf_puts(&b, "[0,-0.5,-1,-1,0,[0,-0.5]],");
	buf_puts(&b, "[0,-0.5,-1,-1,0,[99,-0.5]]]}]}");
	expect_rejected(b.data, TS_ESESSION,
			"answer 0: token 12: alternative string index 99 out of range (1 strings)");
	buf_fini(&b);
}

static void loading_rejects_malformed_answers(void **state)
{
	(void)state;
	expect_rejected(HEAD "{\"strings\":[\"a\"],\"tokens\":[[1,-0.5,-1,-1,0,[]]]}]}", TS_ESESSION,
			"answer 0: token 0: token string index 1 out of range (1 strings)");
	expect_rejected(HEAD "{\"strings\":[\"a\"],\"tokens\":[[0,-0.5,-1,-1,0,[0]]]}]}", TS_ESESSION,
			"answer 0: token 0: alternatives array has an odd length");
	expect_rejected(HEAD "{\"strings\":[],\"tokens\":[]},{\"strings\":[\"a\"],\"tokens\":"
			"[[0,-0.5,5,-1,0,[]]]}]}", TS_ESESSION,
			"answer 1: token 0: flags and id disagree about the id");
	expect_rejected(HEAD "{\"strings\":[\"a\"],\"tokens\":[[0,-0.5,-1,-1,16,[]]]}]}", TS_ESESSION,
			"answer 0: token 0: flags are not an integer in 0..15");
	expect_rejected(HEAD "{\"strings\":[\"a\"],\"tokens\":[[0,-0.5,-1,-1,0]]}]}", TS_ESESSION,
			"answer 0: token 0: 5 fields, expected 6");
	expect_rejected(HEAD "{\"strings\":[{\"hex\":\"f0g\"}],\"tokens\":[]}]}", TS_ESESSION,
			"answer 0: string 0: odd number of hex digits");
	expect_rejected(HEAD "{\"strings\":[{\"hex\":\"zz\"}],\"tokens\":[]}]}", TS_ESESSION,
			"answer 0: string 0: not hex digits");
	expect_rejected(HEAD "{\"strings\":[],\"meta\":{\"model\":{\"hex\":\"6100\"}},\"tokens\":[]}]}",
			TS_ESESSION, "answer 0: meta \"model\": contains a NUL byte");
	expect_rejected(HEAD "{\"strings\":[],\"info\":{\"incomplete\":1},\"tokens\":[]}]}",
			TS_ESESSION, "answer 0: info \"incomplete\" is not true or false");
	expect_rejected(HEAD "{\"strings\":[]}]}", TS_ESESSION, "answer 0: no \"tokens\" array");
	expect_rejected(HEAD "{\"tokens\":[]}]}", TS_ESESSION, "answer 0: no \"strings\" array");
	expect_rejected(HEAD "[]]}", TS_ESESSION, "answer 0: not an object");
	expect_rejected(HEAD "{\"strings\":[],\"plain\":5,\"tokens\":[]}]}", TS_ESESSION,
			"answer 0: \"plain\": neither a string nor {\"hex\": string}");
	expect_rejected(HEAD "{\"strings\":[],\"usage\":{\"total_tokens\":1.5},\"tokens\":[]}]}",
			TS_ESESSION, "answer 0: usage \"total_tokens\" is not an integer >= -1");
	expect_rejected(HEAD "{\"strings\":[\"a\"],\"tokens\":[[0,-0.5,4,-1,4,[0,-1],2]]}]}",
			TS_ESESSION, "answer 0: token 0: rank is not an integer in 0..1");
	expect_rejected(HEAD "{\"strings\":[\"a\"],\"tokens\":[[0,-0.5,-1,-1,0,[0,-1],0]]}]}",
			TS_ESESSION, "answer 0: token 0: rank given for a token without id");
	expect_rejected(HEAD "{\"strings\":[\"a\"],\"tokens\":[[0,-0.5,-1,-1,0,[],0,0]]}]}",
			TS_ESESSION, "answer 0: token 0: more than 7 fields");
	expect_rejected(HEAD "{\"strings\":[\"a\"],\"tokens\":[[0,-0.5,-1,-1,0,[0,1e39]]]}]}",
			TS_ESESSION, "answer 0: token 0: alternative 0 logprob is not a number in range");
}

/* Every cut of a saved file fails to load, and says the text ends early
 * when the cut falls inside the JSON. */
static void loading_rejects_every_truncation(void **state)
{
	struct doc *d = hand_built_doc();
	struct doc **docs;
	struct buf out;
	struct ts_err err;
	char want[128];
	size_t n, step = tu_quick() ? 37 : 1;

	(void)state;
	buf_init(&out, 0);
	assert_int_equal(session_write(&out, &d, 1, &err), TS_OK);
	for (size_t cut = 1; cut + 1 < out.len; cut += step) {
		assert_int_equal(session_parse(out.data, cut, &docs, &n, &err), TS_EJSON);
		snprintf(want, sizeof want,
			 "not valid JSON: the text ends early at byte %zu (truncated?)", cut);
		assert_string_equal(err.msg, want);
		assert_null(docs);
	}
	expect_rejected("{\"a\":1]", TS_EJSON, "not valid JSON: error at byte 6");
	buf_fini(&out);
	doc_free(d);
}

static void loading_a_missing_or_wrong_file_names_it(void **state)
{
	char dir[64], path[128], want[256];
	struct doc **docs;
	struct ts_err err;
	size_t n;
	FILE *f;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/none.json", dir);
	assert_int_equal(session_load(path, &docs, &n, &err), TS_EIO);
	snprintf(want, sizeof want, "cannot open %s: No such file or directory", path);
	assert_string_equal(err.msg, want);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"format\":\"tokscope-session\",\"version\":3,\"answers\":[]}", f);
	fclose(f);
	assert_int_equal(session_load(path, &docs, &n, &err), TS_ESESSION);
	snprintf(want, sizeof want,
		 "%s: session version 3 is newer than this tokscope understands (1)", path);
	assert_string_equal(err.msg, want);
	unlink(path);
	rmdir(dir);
}

static void empty_session_loads_as_no_documents(void **state)
{
	static const char json[] = HEAD "], \"summary\": []}\n";
	struct doc **docs;
	struct ts_err err;
	size_t n = 99;

	(void)state;
	assert_int_equal(session_parse(json, strlen(json), &docs, &n, &err), TS_OK);
	assert_int_equal(n, 0);
	assert_null(docs);
	session_free_docs(docs, n);
	session_free_docs(NULL, 0);
}

/* ---- size ----------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* n tokens with k = 20 alternatives drawn from a 5,000-string vocabulary. */
static struct doc *big_doc(size_t n)
{
	static char vocab[5000][16];
	struct doc_alt_in alts[20];
	struct doc *d = doc_new();
	struct ts_err err;
	uint32_t seed = 99;

	for (int v = 0; v < 5000; v++)
		snprintf(vocab[v], sizeof vocab[v], " w%d", v);
	for (size_t i = 0; i < n; i++) {
		int32_t id = (int32_t)(tu_rand(&seed) % 5000);

		for (int j = 0; j < 20; j++) {
			int32_t aid = j ? (int32_t)(tu_rand(&seed) % 5000) : id;

			alts[j] = (struct doc_alt_in){ (const uint8_t *)vocab[aid], strlen(vocab[aid]),
						       random_logprob(&seed) / 10, aid };
		}
		if (doc_append(d, &(struct doc_token_in){ .bytes = alts[0].bytes, .len = alts[0].len,
							   .logprob = alts[0].logprob, .id = id,
							   .t_ms = (double)i * 1.7, .alts = alts,
							   .nalt = 20 }, &err))
			fail_msg("%s", err.msg);
	}
	return d;
}

/* TOKSCOPE_TEST_BENCH=1 runs it at 100,000 tokens and prints the times. */
static void large_document_round_trips(void **state)
{
	const char *bench = getenv("TOKSCOPE_TEST_BENCH");
	size_t n = bench && *bench == '1' ? 100000 : tu_quick() ? 300 : 3000;
	struct doc *d = big_doc(n);
	struct doc **back;
	struct buf out;
	struct ts_err err;
	double t0, t1, t2, t3;
	cJSON *j;
	size_t nb;

	(void)state;
	buf_init(&out, 0);
	t0 = now_s();
	assert_int_equal(session_write(&out, &d, 1, &err), TS_OK);
	t1 = now_s();
	j = cJSON_ParseWithLength(out.data, out.len);
	t2 = now_s();
	assert_non_null(j);
	cJSON_Delete(j);
	t3 = now_s();
	assert_int_equal(session_parse(out.data, out.len, &back, &nb, &err), TS_OK);
	print_message("%zu tokens, k=20: %zu bytes; write %.3f s, cJSON parse %.3f s, "
		      "session_parse %.3f s\n", n, out.len, t1 - t0, t2 - t1, now_s() - t3);
	assert_int_equal(nb, 1);
	assert_true(doc_equal(d, back[0]));
	session_free_docs(back, nb);
	buf_fini(&out);
	doc_free(d);
}

/* An answer's own label set (DOC_META_LABELS) is saved under "labels" and
 * loads back as it was, "" (explicitly none) included; an answer without
 * one gets no key. */
static void label_sets_round_trip(void **state)
{
	struct doc *docs[3] = { doc_new(), doc_new(), doc_new() };
	struct doc **back;
	struct label_set ls;
	char *text;

	(void)state;
	for (size_t i = 0; i < 3; i++)
		add_token(docs[i], LIT("b"), -0.02, -1, -1, false, (struct alt_spec[]){ { LIT("b"), -0.02, -1 } }, 1);
	assert_int_equal(doc_set_meta(docs[0], DOC_META_LABELS, "billing, bug report, \"quoted\" \xc3\xa9t\xc3\xa9"),
			 TS_OK);
	assert_int_equal(doc_set_meta(docs[1], DOC_META_LABELS, ""), TS_OK);
	back = round_trip(docs, 3, &text);
	assert_non_null(strstr(text, "\"labels\":\"billing, bug report, \\\"quoted\\\" \xc3\xa9t\xc3\xa9\""));
	assert_non_null(strstr(text, "\"labels\":\"\""));
	assert_string_equal(doc_meta(back[0], DOC_META_LABELS), doc_meta(docs[0], DOC_META_LABELS));
	assert_string_equal(doc_meta(back[1], DOC_META_LABELS), "");
	assert_null(doc_meta(back[2], DOC_META_LABELS));
	assert_int_equal(labels_from_doc(&ls, back[0], NULL), 1);
	assert_int_equal(ls.n, 3);
	assert_int_equal(labels_from_doc(&ls, back[1], NULL), 1);
	assert_int_equal(ls.n, 0);
	assert_int_equal(labels_from_doc(&ls, back[2], NULL), 0);
	free(text);
	session_free_docs(back, 3);
	for (size_t i = 0; i < 3; i++)
		doc_free(docs[i]);
}

/* An escalation (cascade.h): the weak classifier's answer and the strong
 * one's to the same email, linked as the cascade links them, saved and
 * loaded back by the tree reader (and by session_load, whichever reader
 * takes it): the uid and escalated_from come back, so the pair is found
 * again in the loaded list. */
static void escalation_relation_round_trips(void **state)
{
	static const char *const dirs[2] = {
		"tests/fixtures/llamacpp-mailcls/mailcls-190K/b_work_spam_tie_email_stream",
		"tests/fixtures/llamacpp-mailcls/mailcls-1M/b_work_spam_tie_email_stream",
	};
	struct doc *docs[2], **back[2];
	struct ts_err err;
	struct buf out;
	char dir[64], path[128], want[160];
	size_t n[2], ci = 9, si = 9;

	(void)state;
	for (int i = 0; i < 2; i++) {
		docs[i] = doc_new();
		assert_int_equal(replay_dir(docs[i], dirs[i], NULL, NULL, &err), TS_OK);
	}
	assert_int_equal(cascade_link(docs[0], docs[1]), TS_OK);
	buf_init(&out, 0);
	assert_int_equal(session_write(&out, docs, 2, &err), TS_OK);
	snprintf(want, sizeof want, "\"escalated_from\":\"%s\"", doc_meta(docs[0], DOC_META_UID));
	assert_non_null(strstr(buf_str(&out), want));
	assert_int_equal(session_parse_tree(out.data, out.len, &back[0], &n[0], &err), TS_OK);
	make_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/s.json", dir);
	assert_int_equal(session_save(path, docs, 2, &err), TS_OK);
	assert_int_equal(session_load(path, &back[1], &n[1], &err), TS_OK);
	for (int r = 0; r < 2; r++) {
		assert_int_equal(n[r], 2);
		assert_true(doc_equal(back[r][0], docs[0]) && doc_equal(back[r][1], docs[1]));
		assert_string_equal(doc_meta(back[r][1], DOC_META_ESCALATED_FROM), doc_meta(back[r][0], DOC_META_UID));
		assert_null(doc_meta(back[r][0], DOC_META_ESCALATED_FROM));
		assert_true(cascade_find_recorded((const struct doc *const *)back[r], 2, 0, &ci, &si));
		assert_true(ci == 0 && si == 1);
		session_free_docs(back[r], n[r]);
	}
	unlink(path);
	rmdir(dir);
	buf_fini(&out);
	doc_free(docs[0]);
	doc_free(docs[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_built_documents_round_trip_equal),
		cmocka_unit_test(real_recording_round_trips),
		cmocka_unit_test(branch_relation_round_trips),
		cmocka_unit_test(escalation_relation_round_trips),
		cmocka_unit_test(rank_matched_by_id_survives_round_trip),
		cmocka_unit_test(numbers_load_back_bit_for_bit),
		cmocka_unit_test(non_finite_numbers_are_never_written),
		cmocka_unit_test(saved_file_holds_only_the_keyless_request),
		cmocka_unit_test(save_then_load_is_equal_and_leaves_no_temp_file),
		cmocka_unit_test(save_into_missing_directory_fails_cleanly),
		cmocka_unit_test(save_over_a_directory_removes_the_temp_file),
		cmocka_unit_test(save_into_unwritable_directory_fails),
		cmocka_unit_test(loading_rejects_wrong_format_and_newer_version),
		cmocka_unit_test(loading_rejects_non_json),
		cmocka_unit_test(loading_rejects_bad_string_index),
		cmocka_unit_test(loading_rejects_malformed_answers),
		cmocka_unit_test(loading_rejects_every_truncation),
		cmocka_unit_test(loading_a_missing_or_wrong_file_names_it),
		cmocka_unit_test(empty_session_loads_as_no_documents),
		cmocka_unit_test(large_document_round_trips),
		cmocka_unit_test(label_sets_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
