/* demo_build — makes the bundled demo session from recordings (`make demo`
 * runs it and writes examples/demo-session.json).
 *
 *   demo_build [--labels LIST] DIR... [--labels LIST] DIR... > session.json
 *
 * Each DIR is replayed into one answer through the live path (replay.h),
 * as print mode's --replay does. A --labels LIST gives the answers after it
 * their own label set (DOC_META_LABELS, as labels_parse reads it; "" for
 * none), so the explorer shows each classifier case with its own labels.
 * The session goes to standard output; any replay that fails, or a list
 * that does not parse, fails the whole run (exit 1) with its message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/buf.h"
#include "src/doc.h"
#include "src/labels.h"
#include "src/replay.h"
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
		if (strcmp(argv[i], "--labels") == 0 && i + 1 < argc) {
			free(labels);
			labels = argv[i + 1][0] ? demo_labels(argv[i + 1]) : NULL;
			if (argv[++i][0] && !labels)
				goto out;
		} else if (n == DEMO_MAX) {
			fprintf(stderr, "demo_build: at most %d answers\n", DEMO_MAX);
			goto out;
		} else if (!(docs[n] = demo_answer(argv[i], labels))) {
			goto out;
		} else {
			n++;
		}
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
