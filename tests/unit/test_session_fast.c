/* The session loader's fast path (src/session_fast.h) against the tree
 * reader: on every recording saved as a session, on sessions with their
 * keys moved, repeated, unknown or spaced out, and on thousands of random
 * corruptions of saved files (bytes changed, inserted, deleted, cut),
 * whenever the fast reader takes a text, the tree reader gives equal
 * documents; what the fast reader gives up on, the tree reader decides. */
#include "tests/unit/testutil.h"

#include <dirent.h>

#include "src/branch.h"
#include "src/buf.h"
#include "src/cascade.h"
#include "src/config.h"
#include "src/doc.h"
#include "src/replay.h"
#include "src/session.h"
#include "src/session_fast.h"

/* Both readers on one text. Returns whether the fast reader took it. */
static bool compare_readers(const char *json, size_t len)
{
	struct doc **fd = NULL, **td = NULL;
	size_t fn = 99, tn = 99;
	struct ts_err err;
	int frc = session_parse_fast(json, len, &fd, &fn);
	int trc = session_parse_tree(json, len, &td, &tn, &err);

	if (frc != TS_OK && frc != SESSION_FAST_BAIL)
		fail_msg("the fast reader returned %d", frc);
	if (frc == SESSION_FAST_BAIL) {
		assert_null(fd);
		assert_int_equal(fn, 0);
	} else {
		if (trc != TS_OK)
			fail_msg("the fast reader took a text the tree reader rejects (%s):\n%.*s", err.msg,
				 (int)(len < 2000 ? len : 2000), json);
		assert_int_equal(fn, tn);
		for (size_t i = 0; i < fn; i++)
			if (!doc_equal(fd[i], td[i]))
				fail_msg("answer %zu differs:\n%.*s", i, (int)(len < 2000 ? len : 2000), json);
	}
	session_free_docs(fd, fn);
	session_free_docs(td, tn);
	return frc == TS_OK;
}

/* Every chat recording of a set replayed into a document. */
static size_t recordings(const char *set, struct doc **docs, size_t max)
{
	char path[600];
	DIR *dir;
	struct dirent *de;
	size_t n = 0;

	snprintf(path, sizeof path, "tests/fixtures/%s", set);
	dir = opendir(path);
	assert_non_null(dir);
	while ((de = readdir(dir)) && n < max) {
		struct ts_err err;

		if (de->d_name[0] == '.' || strchr(de->d_name, '.'))
			continue;
		snprintf(path, sizeof path, "tests/fixtures/%s/%s", set, de->d_name);
		docs[n] = doc_new();
		replay_dir(docs[n], path, NULL, NULL, &err);   /* errors are answers too */
		n++;
	}
	closedir(dir);
	return n;
}

static void write_session(struct buf *out, struct doc *const *docs, size_t n)
{
	struct ts_err err;

	buf_reset(out);
	assert_int_equal(session_write(out, docs, n, &err), TS_OK);
}

/* Each recording alone, then all in one file: the fast reader takes them
 * all, and gives back what was saved. */
static void saved_recordings_are_read_fast_and_equal(void **state)
{
	static const char *const sets[] = { "llamacpp-stories260k", "llamacpp-mailcls/mailcls-190K",
					    "llamacpp-mailcls/mailcls-1M" };
	struct doc *docs[256];
	struct buf out;
	size_t n = 0;

	(void)state;
	buf_init(&out, 0);
	for (size_t s = 0; s < 3; s++)
		n += recordings(sets[s], docs + n, 256 - n);
	assert_true(n >= 60);
	for (size_t i = 0; i < n; i++) {
		struct doc **back;
		size_t nb;

		write_session(&out, &docs[i], 1);
		assert_true(compare_readers(out.data, out.len));
		assert_int_equal(session_parse_fast(out.data, out.len, &back, &nb), TS_OK);
		assert_int_equal(nb, 1);
		assert_true(doc_equal(back[0], docs[i]));
		session_free_docs(back, nb);
	}
	write_session(&out, docs, n);
	assert_true(compare_readers(out.data, out.len));
	for (size_t i = 0; i < n; i++)
		doc_free(docs[i]);
	buf_fini(&out);
}

#define HEAD "{\"format\":\"tokscope-session\",\"version\":1,\"answers\":["
#define ANSWER "{\"strings\":[\"a\",{\"hex\":\"f09f\"},\"\\u00e9\\n\"],\"tokens\":[[0,-0.5,-1,-1,0,[1,-0.25,0,-0.5]]," \
	"[2,-100,7,12.5,5,[2,-1,0,-2],1],[1,-0.5,-1,-1,2,[]]]}"

/* Texts the fast reader takes (key order, unknown keys, spacing, the
 * summary print mode adds), and texts it leaves to the tree reader. */
static void hand_made_sessions(void **state)
{
	static const char *const fast[] = {
		HEAD ANSWER "]}",
		" \n\t" HEAD ANSWER "," ANSWER "]}\r\n",
		"{\"version\":1,\"tool\":{\"x\":[1,2,{}]},\"format\":\"tokscope-session\",\"answers\":[" ANSWER "],\"summary\":[{\"a\":null}]}",
		HEAD "{\"x\":[[[]]],\"strings\":[],\"tokens\":[],\"meta\":{\"model\":\"m\",\"model\":{\"hex\":\"6d32\"},\"other\":5},"
		"\"plain\":{\"hex\":\"00ff\",\"y\":1},\"usage\":{\"total_tokens\":-1,\"z\":\"q\"},"
		"\"info\":{\"k_requested\":20,\"created\":-5,\"ttft_ms\":1.5,\"incomplete\":true,\"w\":null}}]}",
		HEAD "]}",
	};
	static const char *const slow[] = {
		"", "[]", "{}", HEAD "]} x", HEAD "]}\f", "\xef\xbb\xbf" HEAD "]}",
		"{\"answers\":[],\"format\":\"tokscope-session\",\"version\":1}",
		HEAD "{\"tokens\":[],\"strings\":[]}]}",
		HEAD "{\"strings\":[],\"strings\":[],\"tokens\":[]}]}",
		HEAD "{\"strings\":[\"\\ud83d\\ude00\"],\"tokens\":[]}]}",
		HEAD "{\"strings\":[\"a\\u0000b\"],\"tokens\":[]}]}",
		HEAD "{\"strings\":[\"a\"],\"tokens\":[[0,-0.5,-1,-1,0,[0]]]}]}",
		HEAD "{\"strings\":[\"a\"],\"tokens\":[[0,-0.5,-1,-1,16,[]]]}]}",
		HEAD "{\"strings\":[],\"info\":{\"incomplete\":1},\"tokens\":[]}]}",
		"{\"format\":\"tokscope-session\",\"version\":2,\"answers\":[]}",
		"{\"format\":\"tokscope-session\",\"version\":01,\"answers\":[]}",
		"{\"format\":\"tokscope-session\",\"format\":\"x\",\"version\":1,\"answers\":[]}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof fast / sizeof *fast; i++)
		if (!compare_readers(fast[i], strlen(fast[i])))
			fail_msg("the fast reader gave up on: %s", fast[i]);
	for (size_t i = 0; i < sizeof slow / sizeof *slow; i++)
		if (compare_readers(slow[i], strlen(slow[i])))
			fail_msg("the fast reader took: %s", slow[i]);
}

/* Answers with their own label sets ("labels" in meta, "" for none), as the
 * demo and the explorer save them: the fast reader takes them and keeps
 * the sets. */
static void label_sets_are_read_fast(void **state)
{
	struct doc *docs[2] = { doc_new(), doc_new() }, **back;
	struct ts_err err;
	struct buf out;
	size_t nb;

	(void)state;
	buf_init(&out, 0);
	assert_int_equal(replay_dir(docs[0], "tests/fixtures/llamacpp-mailcls/mailcls-190K/d_ticket_billing_stream",
				    NULL, NULL, &err), TS_OK);
	assert_int_equal(replay_dir(docs[1], "tests/fixtures/llamacpp-mailcls/mailcls-190K/a_seed_email_stream",
				    NULL, NULL, &err), TS_OK);
	assert_int_equal(doc_set_meta(docs[0], DOC_META_LABELS, "billing, bug report, feature request, account access"),
			 TS_OK);
	assert_int_equal(doc_set_meta(docs[1], DOC_META_LABELS, ""), TS_OK);
	write_session(&out, docs, 2);
	assert_true(compare_readers(out.data, out.len));
	assert_int_equal(session_parse_fast(out.data, out.len, &back, &nb), TS_OK);
	assert_int_equal(nb, 2);
	assert_true(doc_equal(back[0], docs[0]) && doc_equal(back[1], docs[1]));
	assert_string_equal(doc_meta(back[0], DOC_META_LABELS), "billing, bug report, feature request, account access");
	assert_string_equal(doc_meta(back[1], DOC_META_LABELS), "");
	session_free_docs(back, nb);
	doc_free(docs[0]);
	doc_free(docs[1]);
	buf_fini(&out);
}

/* A parent and its branch (uid, branch_of, branch_at, a forced token): the
 * fast reader takes them and gives back what was saved. */
static void branches_are_read_fast_and_equal(void **state)
{
	struct doc *docs[2] = { doc_new(), NULL }, **back;
	struct config c;
	struct branch_req br;
	struct ts_err err;
	struct buf out;
	size_t nb;

	(void)state;
	buf_init(&out, 0);
	assert_int_equal(replay_dir(docs[0], "tests/fixtures/llamacpp-mailcls/mailcls-1M/g_native_completion_n_probs_stream",
				    NULL, NULL, &err), TS_OK);
	assert_int_equal(config_init(&c), TS_OK);
	assert_int_equal(config_set(&c, "profile", "llamacpp-completion", &err), TS_OK);
	assert_int_equal(config_set(&c, "base_url", "http://127.0.0.1:9", &err), TS_OK);
	assert_int_equal(branch_prepare(&c, docs[0], 0, 1, &br, &err), TS_OK);
	docs[1] = br.doc;
	br.doc = NULL;
	write_session(&out, docs, 2);
	assert_true(compare_readers(out.data, out.len));
	assert_int_equal(session_parse_fast(out.data, out.len, &back, &nb), TS_OK);
	assert_int_equal(nb, 2);
	assert_true(doc_equal(back[0], docs[0]) && doc_equal(back[1], docs[1]));
	assert_string_equal(doc_meta(back[1], DOC_META_BRANCH_OF), doc_meta(back[0], DOC_META_UID));
	assert_string_equal(doc_meta(back[1], DOC_META_BRANCH_AT), "0");
	assert_true(doc_token(back[1], 0)->flags & DOC_TOK_FORCED);
	session_free_docs(back, nb);
	branch_req_fini(&br);
	config_fini(&c);
	doc_free(docs[0]);
	doc_free(docs[1]);
	buf_fini(&out);
}

/* An escalation's two answers (the weak and the strong classifier's to one
 * email, linked as a cascade links them): the fast reader takes them and
 * gives back the uid and escalated_from, so the pair is found again. */
static void escalations_are_read_fast_and_equal(void **state)
{
	struct doc *docs[2] = { doc_new(), doc_new() }, **back;
	struct ts_err err;
	struct buf out;
	size_t nb, ci = 9, si = 9;

	(void)state;
	buf_init(&out, 0);
	assert_int_equal(replay_dir(docs[0], "tests/fixtures/llamacpp-mailcls/mailcls-190K/d_ticket_mixed_stream",
				    NULL, NULL, &err), TS_OK);
	assert_int_equal(replay_dir(docs[1], "tests/fixtures/llamacpp-mailcls/mailcls-1M/d_ticket_mixed_stream",
				    NULL, NULL, &err), TS_OK);
	assert_int_equal(cascade_link(docs[0], docs[1]), TS_OK);
	write_session(&out, docs, 2);
	assert_true(compare_readers(out.data, out.len));
	assert_int_equal(session_parse_fast(out.data, out.len, &back, &nb), TS_OK);
	assert_int_equal(nb, 2);
	assert_true(doc_equal(back[0], docs[0]) && doc_equal(back[1], docs[1]));
	assert_non_null(doc_meta(back[0], DOC_META_UID));
	assert_string_equal(doc_meta(back[1], DOC_META_ESCALATED_FROM), doc_meta(back[0], DOC_META_UID));
	assert_true(cascade_find_recorded((const struct doc *const *)back, 2, 1, &ci, &si));
	assert_true(ci == 0 && si == 1);
	session_free_docs(back, nb);
	doc_free(docs[0]);
	doc_free(docs[1]);
	buf_fini(&out);
}

/* Random corruptions of a saved file: whatever the fast reader takes, the
 * tree reader takes the same way. */
static void corrupted_sessions_read_the_same(void **state)
{
	static const char alphabet[] = "{}[],:\"\\-+.eE0123456789 \t\nabfhnux";
	struct doc *docs[8];
	struct buf good, bad;
	uint32_t seed = 61;
	size_t n = recordings("llamacpp-stories260k", docs, 3), taken = 0;
	int rounds = tu_quick() ? 150 : 3000;

	(void)state;
	buf_init(&good, 0);
	buf_init(&bad, 0);
	write_session(&good, docs, n);
	for (int r = 0; r < rounds; r++) {
		size_t edits = 1 + tu_rand(&seed) % 3, len;

		buf_reset(&bad);
		buf_append(&bad, good.data, good.len);
		for (size_t e = 0; e < edits; e++) {
			size_t at = tu_rand(&seed) % bad.len;
			char c = alphabet[tu_rand(&seed) % (sizeof alphabet - 1)];

			switch (tu_rand(&seed) % 4) {
			case 0: bad.data[at] = c; break;
			case 1: memmove(bad.data + at, bad.data + at + 1, bad.len - at - 1); bad.len--; break;
			case 2: buf_putc(&bad, 0); memmove(bad.data + at + 1, bad.data + at, bad.len - at - 1); bad.data[at] = c; break;
			default: bad.len = at + 1; break;
			}
		}
		len = bad.len;
		taken += compare_readers(bad.data, len);
	}
	print_message("the fast reader took %zu of %d corrupted texts\n", taken, rounds);
	assert_true(taken > 0);   /* the comparison meant something */
	for (size_t i = 0; i < n; i++)
		doc_free(docs[i]);
	buf_fini(&good);
	buf_fini(&bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(saved_recordings_are_read_fast_and_equal),
		cmocka_unit_test(hand_made_sessions),
		cmocka_unit_test(label_sets_are_read_fast),
		cmocka_unit_test(branches_are_read_fast_and_equal),
		cmocka_unit_test(escalations_are_read_fast_and_equal),
		cmocka_unit_test(corrupted_sessions_read_the_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
