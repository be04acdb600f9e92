/* demo_build — makes the bundled demo session from recordings (`make demo`
 * runs it and writes examples/demo-session.json).
 *
 *   demo_build [--labels LIST] DIR... [--escalated DIR]... > session.json
 *
 * Each DIR is replayed into one answer through the live path (replay.h),
 * as print mode's --replay does. A --labels LIST gives the answers after it
 * their own label set (DOC_META_LABELS, as labels_parse reads it; "" for
 * none), so the explorer shows each classifier case with its own labels.
 * --escalated DIR is the strong model's answer to the previous answer's
 * request: replayed the same way, then linked to that answer as a cascade
 * links its two stages (cascade_link), so E in the explorer shows the two
 * side by side from the recordings (a recorded cascade) without a server.
 * The two requests must ask the same thing (the same system and user
 * messages, max_tokens, temperature and top_logprobs, read back by
 * reqcopy.h) of two different models. The linked answer's uid is "demo-N"
 * (N its place, from 1), so the file is the same on every run.
 * The session goes to standard output; any replay that fails, a list that
 * does not parse, or a pair that does not match fails the whole run (exit
 * 1) with its message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/buf.h"
#include "src/cascade.h"
#include "src/doc.h"
#include "src/labels.h"
#include "src/replay.h"
#include "src/reqcopy.h"
#include "src/session.h"

#define DEMO_MAX 64

/* Replays dir into a new document labelled with labels (NULL: none). */
static struct doc *demo_answer(const char *dir, const char *labels)
{
	struct doc *d = doc_new();
	struct ts_err err;

	ts_err_clear(&err);
	if (!d || replay_dir(d, dir, NULL, NULL, &err) || (labels && doc_set_meta(d, DOC_META_LABELS, labels))) {
		fprintf(stderr, "demo_build: %s: %s\n", dir, err.code ? ts_err_msg(&err) : "out of memory");
		doc_free(d);
		return NULL;
	}
	return d;
}

/* The list as it will be stored ("a, b, c"), checked; NULL on error. */
static char *demo_labels(const char *list)
{
	struct label_set ls;
	struct ts_err err;
	char out[LABELS_MAX * (LABELS_MAX_LEN + 2)];

	if (labels_parse(&ls, list, &err)) {
		fprintf(stderr, "demo_build: --labels '%s': %s\n", list, ts_err_msg(&err));
		return NULL;
	}
	labels_format(&ls, out, sizeof out);
	return strdup(out);
}

static bool demo_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Why strong is not the strong model's answer to cheap's request, or NULL
 * when it is. */
static const char *demo_mismatch(const struct doc *cheap, const struct doc *strong)
{
	struct reqcopy rc, rs;
	struct ts_err err;
	const char *why = NULL;

	if (reqcopy_parse(&rc, doc_meta(cheap, DOC_META_REQUEST), &err))
		return "the previous answer's request cannot be read back";
	if (reqcopy_parse(&rs, doc_meta(strong, DOC_META_REQUEST), &err)) {
		reqcopy_fini(&rc);
		return "its request cannot be read back";
	}
	if (!demo_same(rc.system, rs.system) || !demo_same(rc.prompt, rs.prompt))
		why = "its messages differ from the previous answer's";
	else if (rc.max_tokens != rs.max_tokens || rc.temperature != rs.temperature ||
		 rc.top_logprobs != rs.top_logprobs)
		why = "its parameters differ from the previous answer's";
	else if (demo_same(doc_meta(cheap, DOC_META_MODEL), doc_meta(strong, DOC_META_MODEL)))
		why = "it names the previous answer's model: an escalation goes to another one";
	reqcopy_fini(&rc);
	reqcopy_fini(&rs);
	return why;
}

/* Links docs[n] (replayed from dir) to docs[n - 1] as its escalation. */
static int demo_escalated(struct doc **docs, size_t n, const char *dir)
{
	const char *why = n ? demo_mismatch(docs[n - 1], docs[n]) : "there is no answer before it";
	char uid[32];

	if (why) {
		fprintf(stderr, "demo_build: --escalated %s: %s\n", dir, why);
		return -1;
	}
	snprintf(uid, sizeof uid, "demo-%zu", n);
	if (doc_set_meta(docs[n - 1], DOC_META_UID, uid) || cascade_link(docs[n - 1], docs[n])) {
		fprintf(stderr, "demo_build: out of memory\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct doc *docs[DEMO_MAX];
	char *labels = NULL;
	size_t n = 0;
	struct buf out;
	struct ts_err err;
	int rc = 1;

	buf_init(&out, 0);
	for (int i = 1; i < argc; i++) {
		bool escalated = strcmp(argv[i], "--escalated") == 0 && i + 1 < argc;

		if (strcmp(argv[i], "--labels") == 0 && i + 1 < argc) {
			free(labels);
			labels = argv[i + 1][0] ? demo_labels(argv[i + 1]) : NULL;
			if (argv[++i][0] && !labels)
				goto out;
			continue;
		}
		if (n == DEMO_MAX) {
			fprintf(stderr, "demo_build: at most %d answers\n", DEMO_MAX);
			goto out;
		}
		i += escalated;
		if (!(docs[n] = demo_answer(argv[i], labels)))
			goto out;
		n++;
		if (escalated && demo_escalated(docs, n - 1, argv[i]))
			goto out;
	}
	if (session_write(&out, docs, n, &err)) {
		fprintf(stderr, "demo_build: %s\n", ts_err_msg(&err));
		goto out;
	}
	rc = fwrite(buf_str(&out), 1, out.len, stdout) == out.len && fflush(stdout) == 0 ? 0 : 1;
out:
	for (size_t i = 0; i < n; i++)
		doc_free(docs[i]);
	free(labels);
	buf_fini(&out);
	return rc;
}
