/* The live path (ingest: SSE → openai-chat dialect → document) against every
 * chat recording: parsed whole, in random splits and one byte at a time,
 * with identical documents each way, and token for token equal to an
 * independent reading of the raw recording with cJSON. */
#include "tests/unit/testutil.h"

#include <cJSON.h>
#include <dirent.h>
#include <math.h>

#include "src/dialect.h"
#include "src/doc.h"
#include "src/ingest.h"

struct recording {
	char dir[512];
	char *body;
	size_t len;
	long status;
	bool stream;
};

static bool load_recording(struct recording *r, const char *set, const char *cas)
{
	char path[1024], *hdr, *req, *meta;
	cJSON *j;

	snprintf(r->dir, sizeof r->dir, "tests/fixtures/%s/%s", set, cas);
	snprintf(path, sizeof path, "%s/meta.txt", r->dir);
	meta = tu_read_file(path, NULL);
	if (!strstr(meta, "/chat/completions")) {
		free(meta);
		return false;
	}
	free(meta);
	snprintf(path, sizeof path, "%s/response", r->dir);
	r->body = tu_read_file(path, &r->len);
	snprintf(path, sizeof path, "%s/headers.txt", r->dir);
	hdr = tu_read_file(path, NULL);
	r->status = strtol(strchr(hdr, ' ') + 1, NULL, 10);
	free(hdr);
	snprintf(path, sizeof path, "%s/request.json", r->dir);
	req = tu_read_file(path, NULL);
	j = cJSON_Parse(req);
	r->stream = cJSON_IsTrue(cJSON_GetObjectItem(j, "stream"));
	cJSON_Delete(j);
	free(req);
	return true;
}

/* Ingests body split at the given cut points (sorted, each < len). */
static int ingest_split(struct doc *d, const struct recording *r, const size_t *cuts, size_t ncuts,
			struct ts_err *err)
{
	struct ingest_opts o = { .stream = r->stream };
	struct ingest *in = ingest_new(d, &dialect_openai_chat, &o);
	size_t at = 0;
	int rc = TS_OK;

	assert_non_null(in);
	ingest_set_status(in, r->status);
	for (size_t i = 0; i <= ncuts && !rc; i++) {
		size_t end = i < ncuts ? cuts[i] : r->len;

		rc = ingest_feed(in, r->body + at, end - at, 0, err);
		at = end;
	}
	if (!rc)
		rc = ingest_finish(in, 0, err);
	ingest_free(in);
	return rc;
}

static int ingest_whole(struct doc *d, const struct recording *r, struct ts_err *err)
{
	return ingest_split(d, r, NULL, 0, err);
}

/* The logprob entries of the raw recording, read independently. */
static cJSON *expected_entries(const struct recording *r, char **content)
{
	cJSON *all = cJSON_CreateArray();
	size_t clen = 0;
	char *line, *save = NULL, *copy = strdup(r->body);

	*content = calloc(1, r->len + 1);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *json = r->stream ? (strncmp(line, "data: {", 7) == 0 ? line + 6 : NULL) : r->body;
		cJSON *j = json ? cJSON_Parse(json) : NULL;
		cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0);
		cJSON *msg = cJSON_GetObjectItem(c0, r->stream ? "delta" : "message");
		cJSON *text = cJSON_GetObjectItem(msg, "content"), *e;

		if (cJSON_IsString(text)) {
			memcpy(*content + clen, text->valuestring, strlen(text->valuestring));
			clen += strlen(text->valuestring);
		}
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(cJSON_GetObjectItem(c0, "logprobs"), "content"))
			cJSON_AddItemToArray(all, cJSON_Duplicate(e, 1));
		cJSON_Delete(j);
		if (!r->stream)
			break;
	}
	free(copy);
	return all;
}

static void assert_bytes_equal(const cJSON *bytes, const uint8_t *p, size_t n)
{
	const cJSON *b;
	size_t i = 0;

	assert_int_equal(cJSON_GetArraySize(bytes), n);
	cJSON_ArrayForEach(b, bytes)
		assert_int_equal(b->valueint, p[i++]);
}

/* Every token and alternative equals the raw recording's entry. */
static void assert_doc_matches(const struct doc *d, const struct recording *r)
{
	char *content;
	cJSON *all = expected_entries(r, &content), *e;
	size_t i = 0, tlen;
	const uint8_t *text = doc_text(d, &tlen);

	assert_int_equal(doc_count(d), cJSON_GetArraySize(all));
	cJSON_ArrayForEach(e, all) {
		const struct doc_token *t = doc_token(d, i);
		const cJSON *a;
		size_t len, j = 0;
		const uint8_t *bytes = doc_token_bytes(d, i, &len);

		assert_bytes_equal(cJSON_GetObjectItem(e, "bytes"), bytes, len);
		if (cJSON_GetObjectItem(e, "logprob")->valuedouble >= DOC_LOGPROB_FLOOR)
			assert_true(t->logprob == cJSON_GetObjectItem(e, "logprob")->valuedouble);
		else
			assert_true(t->logprob == DOC_LOGPROB_FLOOR && (t->flags & DOC_TOK_CLAMPED));
		assert_int_equal(t->id, cJSON_GetObjectItem(e, "id")->valueint);
		assert_int_equal(t->nalt, cJSON_GetArraySize(cJSON_GetObjectItem(e, "top_logprobs")));
		cJSON_ArrayForEach(a, cJSON_GetObjectItem(e, "top_logprobs")) {
			const struct doc_alt *da = doc_alt(d, i, j++);
			double lp = cJSON_GetObjectItem(a, "logprob")->valuedouble;

			bytes = doc_str(d, da->str, &len);
			assert_bytes_equal(cJSON_GetObjectItem(a, "bytes"), bytes, len);
			assert_true(da->logprob == (float)(lp < DOC_LOGPROB_FLOOR ? DOC_LOGPROB_FLOOR : lp));
			if (cJSON_GetObjectItem(a, "id")->valueint == t->id)
				assert_int_equal(t->rank, j);
		}
		i++;
	}
	/* The token bytes, concatenated, are the answer's text. */
	assert_int_equal(tlen, strlen(content));
	assert_memory_equal(text, content, tlen);
	cJSON_Delete(all);
	free(content);
}

static void for_each_chat_recording(void (*fn)(const struct recording *r))
{
	static const char *const sets[] = { "llamacpp-stories260k", "llamacpp-mailcls/mailcls-190K",
					    "llamacpp-mailcls/mailcls-1M" };
	size_t seen = 0;

	for (size_t s = 0; s < 3; s++) {
		char path[512];
		DIR *dir;
		struct dirent *de;

		snprintf(path, sizeof path, "tests/fixtures/%s", sets[s]);
		dir = opendir(path);
		assert_non_null(dir);
		while ((de = readdir(dir))) {
			struct recording r = { 0 };

			if (de->d_name[0] == '.' || strchr(de->d_name, '.'))
				continue;
			if (!load_recording(&r, sets[s], de->d_name))
				continue;
			fn(&r);
			free(r.body);
			seen++;
		}
		closedir(dir);
	}
	assert_true(seen >= 60);
}

static void check_successful(const struct recording *r)
{
	struct doc *d;
	struct ts_err err;
	int rc;

	if (r->status != 200 || strstr(r->dir, "g_error") || strstr(r->dir, "i_no_logprobs"))
		return;
	d = doc_new();
	ts_err_clear(&err);
	rc = ingest_whole(d, r, &err);
	if (rc)
		fail_msg("%s: %s", r->dir, ts_err_msg(&err));
	assert_doc_matches(d, r);
	doc_free(d);
}

static void every_chat_recording_parses_to_the_raw_tokens(void **state)
{
	(void)state;
	for_each_chat_recording(check_successful);
}

static void check_splits(const struct recording *r)
{
	struct doc *whole = doc_new(), *d = doc_new();
	struct ts_err e1, e2;
	int rc = ingest_whole(whole, r, &e1);
	uint32_t seed = 12345;
	size_t cuts[16];
	int rounds = tu_quick() ? 3 : 20;

	for (int k = 0; k < rounds; k++) {
		size_t n = 1 + tu_rand(&seed) % 15;

		for (size_t i = 0; i < n; i++)
			cuts[i] = tu_rand(&seed) % r->len;
		for (size_t i = 1; i < n; i++)  /* insertion sort */
			for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
				size_t t = cuts[j];
				cuts[j] = cuts[j - 1];
				cuts[j - 1] = t;
			}
		doc_clear(d);
		assert_int_equal(ingest_split(d, r, cuts, n, &e2), rc);
		assert_true(doc_equal(whole, d));
	}
	doc_free(whole);
	doc_free(d);
}

static void random_splits_give_the_same_document(void **state)
{
	(void)state;
	for_each_chat_recording(check_splits);
}

static void check_bytewise(const struct recording *r)
{
	struct doc *whole = doc_new(), *d = doc_new();
	struct ts_err e1, e2;
	struct ingest *in;
	int rc = ingest_whole(whole, r, &e1), rc2 = TS_OK;

	if (tu_quick() && r->len > 20000)
		goto out;
	in = ingest_new(d, &dialect_openai_chat, &(struct ingest_opts){ .stream = r->stream });
	ingest_set_status(in, r->status);
	for (size_t i = 0; i < r->len && !rc2; i++)
		rc2 = ingest_feed(in, r->body + i, 1, 0, &e2);
	if (!rc2)
		rc2 = ingest_finish(in, 0, &e2);
	ingest_free(in);
	assert_int_equal(rc2, rc);
	assert_true(doc_equal(whole, d));
out:
	doc_free(whole);
	doc_free(d);
}

static void one_byte_at_a_time_gives_the_same_document(void **state)
{
	(void)state;
	for_each_chat_recording(check_bytewise);
}

/* Every split into two pieces, for the small recordings. */
static void check_every_offset(const struct recording *r)
{
	struct doc *whole = doc_new(), *d = doc_new();
	struct ts_err e1, e2;
	int rc = ingest_whole(whole, r, &e1);

	if (r->len <= (tu_quick() ? 1000u : 4096u)) {
		for (size_t cut = 1; cut < r->len; cut++) {
			doc_clear(d);
			assert_int_equal(ingest_split(d, r, &cut, 1, &e2), rc);
			assert_true(doc_equal(whole, d));
		}
	}
	doc_free(whole);
	doc_free(d);
}

static void every_two_piece_split_gives_the_same_document(void **state)
{
	(void)state;
	for_each_chat_recording(check_every_offset);
}

/* Runs one recording whole; returns its status and message. */
static int run_case(const char *set, const char *cas, struct doc *d, struct ts_err *err)
{
	struct recording r = { 0 };
	int rc;

	assert_true(load_recording(&r, set, cas));
	ts_err_clear(err);
	rc = ingest_whole(d, &r, err);
	free(r.body);
	return rc;
}

static void error_recordings_give_specific_messages(void **state)
{
	static const struct { const char *cas; int code; const char *msg; } cases[] = {
		{ "g_error_wrong_api_key", TS_EHTTP, "HTTP 401: Invalid API Key (authentication_error, 401)" },
		{ "g_error_no_api_key", TS_EHTTP, "HTTP 401: Invalid API Key (authentication_error, 401)" },
		{ "g_error_context_exceeded_nonstream", TS_EHTTP,
		  "HTTP 400: the request exceeds the available context size. try increasing the context size or enable context shift (invalid_request_error, 400)" },
		{ "g_error_context_exceeded_stream", TS_ESERVER,
		  "server error: the request exceeds the available context size. try increasing the context size or enable context shift (invalid_request_error, 400)" },
		{ "g_error_context_full_midstream", TS_ESERVER, "server error: context shift is disabled (server_error, 500)" },
		{ "g_error_missing_messages", TS_EHTTP, "HTTP 500: " },
		{ "g_error_top_logprobs_without_logprobs", TS_EHTTP, "HTTP 500: " },
		{ "h_n2_choices_stream", TS_EHTTP, "HTTP 500: Only one completion choice is allowed (server_error, 500)" },
		{ "g_error_malformed_json", TS_EHTTP, "HTTP 500: [json.exception.parse_error.101]" },
	};
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = run_case("llamacpp-stories260k", cases[i].cas, d, &err);

		if (rc != cases[i].code || strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("%s: got %s '%s'", cases[i].cas, ts_errname(rc), err.msg);
		assert_null(strchr(err.msg, '\n'));
	}
	doc_free(d);
}

static void error_mid_stream_keeps_the_tokens_so_far(void **state)
{
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	assert_int_equal(run_case("llamacpp-stories260k", "g_error_context_full_midstream", d, &err), TS_ESERVER);
	assert_int_equal(doc_count(d), 13);
	assert_true(doc_info_c(d)->incomplete);
	doc_free(d);
}

static void text_without_logprobs_is_kept_and_reported(void **state)
{
	struct doc *d = doc_new();
	struct ts_err err;
	size_t len;

	(void)state;
	assert_int_equal(run_case("llamacpp-stories260k", "i_no_logprobs_stream", d, &err), TS_ENOLOGPROBS);
	assert_int_equal(doc_count(d), 0);
	doc_plain(d, &len);
	assert_true(len > 0);
	assert_non_null(strstr(err.msg, "without logprobs"));
	assert_non_null(strstr(err.msg, "stories260K"));
	doc_clear(d);
	assert_int_equal(run_case("llamacpp-stories260k", "i_no_logprobs_nonstream", d, &err), TS_ENOLOGPROBS);
	assert_true(doc_info_c(d)->logprobs_missing);
	doc_free(d);
}

static void a_cut_stream_is_reported_and_keeps_its_tokens(void **state)
{
	struct recording r = { 0 };
	struct doc *d = doc_new();
	struct ts_err err;
	char *half;

	(void)state;
	assert_true(load_recording(&r, "llamacpp-stories260k", "a_email_work_temp0_stream"));
	half = strstr(r.body + r.len / 2, "\n\n");
	r.len = (size_t)(half - r.body) + 2;
	assert_int_equal(ingest_whole(d, &r, &err), TS_ECUT);
	assert_true(doc_count(d) > 3 && doc_count(d) < 16);
	assert_true(doc_info_c(d)->incomplete);
	assert_non_null(strstr(err.msg, "ended before its end marker"));
	free(r.body);
	doc_free(d);
}

static void malformed_json_in_a_stream_is_an_error(void **state)
{
	static const char body[] = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"logprobs\":{\"content\":[{\"token\":\"a\",\"logprob\":-0.5,\"top_logprobs\":[]}]}}]}\n\n"
				   "data: {\"choices\":[{\"delta\":{\"content\n\ndata: [DONE]\n\n";
	struct recording r = { .body = (char *)(uintptr_t)body, .len = sizeof body - 1, .status = 200, .stream = true };
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	assert_int_equal(ingest_whole(d, &r, &err), TS_EJSON);
	assert_int_equal(doc_count(d), 1);
	assert_non_null(strstr(err.msg, "malformed JSON"));
	doc_free(d);
}

static void sentinels_are_clamped_and_flagged(void **state)
{
	static const char body[] =
		"{\"choices\":[{\"message\":{\"content\":\"ab\"},\"logprobs\":{\"content\":["
		"{\"token\":\"a\",\"bytes\":[97],\"logprob\":-9999.0,\"top_logprobs\":[{\"token\":\"b\",\"bytes\":[98],\"logprob\":-0.1}]},"
		"{\"token\":\"b\",\"bytes\":null,\"logprob\":-0.2,\"top_logprobs\":[{\"token\":\"c\",\"bytes\":[99],\"logprob\":-3.4028234663852886e+38}]}]}}]}";
	struct recording r = { .body = (char *)(uintptr_t)body, .len = sizeof body - 1, .status = 200 };
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	assert_int_equal(ingest_whole(d, &r, &err), TS_OK);
	assert_int_equal(doc_count(d), 2);
	assert_true(doc_token(d, 0)->logprob == DOC_LOGPROB_FLOOR);
	assert_true(doc_token(d, 0)->flags & DOC_TOK_CLAMPED);
	assert_int_equal(doc_token(d, 0)->rank, DOC_RANK_NONE);
	assert_true(doc_token(d, 1)->flags & DOC_TOK_BYTES_DERIVED);
	assert_true(doc_alt(d, 1, 0)->logprob == (float)DOC_LOGPROB_FLOOR);
	doc_free(d);
}

static void stream_metadata_is_collected(void **state)
{
	struct doc *d = doc_new();
	struct ts_err err;

	(void)state;
	assert_int_equal(run_case("llamacpp-mailcls/mailcls-190K", "b_work_spam_tie_email_stream", d, &err), TS_OK);
	assert_string_equal(doc_meta(d, DOC_META_MODEL), "mailcls-190K");
	assert_string_equal(doc_meta(d, DOC_META_ID), "chatcmpl-SLUseK0dOxaptaUBJPnA4qQS7EIdlQad");
	assert_string_equal(doc_meta(d, DOC_META_FINGERPRINT), "b5-ee0bb14");
	assert_string_equal(doc_meta(d, DOC_META_FINISH), "stop");
	assert_int_equal(doc_info_c(d)->created, 1795433494);
	assert_true(doc_usage_c(d)->completion_tokens > 0);
	/* First token "s" (spam) at logprob -0.5054810643196106, runner-up "w". */
	assert_true(doc_token(d, 0)->logprob == -0.5054810643196106);
	assert_int_equal(doc_token(d, 0)->rank, 1);
	doc_free(d);
}

static void request_body_has_logprobs_and_no_key(void **state)
{
	struct req_params rp = { .model = "m", .system = "sys", .prompt = "hi \"there\"", .max_tokens = 16,
				 .temperature = 0, .top_logprobs = 5, .stream = true };
	struct buf b;
	struct ts_err err;
	cJSON *j;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(dialect_openai_chat.build_request(&rp, &b, &err), TS_OK);
	j = cJSON_Parse(buf_str(&b));
	assert_non_null(j);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "logprobs")));
	assert_int_equal(cJSON_GetObjectItem(j, "top_logprobs")->valueint, 5);
	assert_int_equal(cJSON_GetObjectItem(j, "max_tokens")->valueint, 16);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "stream")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "messages"), 0), "role")->valuestring, "system");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "messages"), 1), "content")->valuestring, "hi \"there\"");
	assert_null(strstr(buf_str(&b), "Bearer"));
	cJSON_Delete(j);
	buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_chat_recording_parses_to_the_raw_tokens),
		cmocka_unit_test(random_splits_give_the_same_document),
		cmocka_unit_test(one_byte_at_a_time_gives_the_same_document),
		cmocka_unit_test(every_two_piece_split_gives_the_same_document),
		cmocka_unit_test(error_recordings_give_specific_messages),
		cmocka_unit_test(error_mid_stream_keeps_the_tokens_so_far),
		cmocka_unit_test(text_without_logprobs_is_kept_and_reported),
		cmocka_unit_test(a_cut_stream_is_reported_and_keeps_its_tokens),
		cmocka_unit_test(malformed_json_in_a_stream_is_an_error),
		cmocka_unit_test(sentinels_are_clamped_and_flagged),
		cmocka_unit_test(stream_metadata_is_collected),
		cmocka_unit_test(request_body_has_logprobs_and_no_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
