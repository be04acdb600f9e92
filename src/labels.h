/* labels.h — classifying an answer by the probability of each label.
 *
 * A label set is a short list of class names ("work, personal, spam,
 * other"; a label may hold spaces: "bug report"). An answer is classified
 * from its first token: the model's distribution over that token is the
 * only place the probabilities of the labels it did not write are visible.
 *
 * Normalisation (of label names and token texts alike): leading ASCII
 * whitespace, U+2581 ▁ (SentencePiece's space) and U+0120 Ġ (GPT-2 BPE's
 * space) are removed, as many as lead; ASCII letters are folded to lower
 * case; every other byte compares as it is. Label names also lose trailing
 * whitespace.
 *
 * Candidates: the first token's alternatives (the API's top k), plus the
 * chosen token itself when it is not among them (rank "not in top k": its
 * own logprob is known). Each candidate has probability q = exp(logprob);
 * a sentinel (clamped) logprob counts as q = 0. A candidate whose
 * normalised text t is not empty STARTS label L when t is a prefix of L's
 * normalised name (equal counts as a prefix). Then:
 *   - t starts exactly one label: q goes to that label's raw mass;
 *   - t starts two or more labels (an ambiguous prefix: `b` for `billing`
 *     and `bug report`; or `bug` for labels `bug` and `bug report`, since
 *     the next tokens could still make either): q is given to NO label; it
 *     goes to a shared group, one per set of labels, shown as "shared";
 *   - t starts no label, or is empty after normalisation (whitespace, the
 *     end-of-sequence token): q is off-label mass.
 * A token longer than a label ("workday", "work.") starts no label.
 *
 * Per answer (struct label_result):
 *   mass_L      = Σ q over the candidates that start only L   (raw mass)
 *   shared_g    = Σ q over the candidates that start exactly the labels of g
 *   label_mass  = Σ_L mass_L
 *   shared_mass = Σ_g shared_g
 *   on_labels   = label_mass + shared_mass        (mass on labels overall)
 *   off_labels  = Σ q over the other candidates
 *   shown       = Σ q over all candidates         (on_labels + off_labels)
 *   unseen      = max(0, 1 − shown)               (mass the API did not show;
 *                 a label none of whose candidates were shown has at most
 *                 this much, and less than the smallest shown q per token)
 *   prob_L      = mass_L / on_labels, prob_g = shared_g / on_labels
 *                 (normalised probability; NaN when on_labels = 0)
 * The entries are the labels and the shared groups. top is the entry with
 * the largest probability (the first in order on a tie: labels in the
 * set's order, then groups), second the next; margin = prob(top) −
 * prob(second), prob(top) when there is only one entry with mass, NaN
 * when on_labels = 0. A shared group can be top: then the first token does
 * not tell its labels apart.
 *
 * Multi-token labels: in most vocabularies a label is several tokens
 * (`w`+`or`+`k`); only the first is observable, so a label's mass is its
 * first token's mass. first_token_only says that some counted candidate
 * was a strict prefix of its label, i.e. the labels continue past the
 * first token here; partial on a row says it of that label.
 *
 * Front ends: parse the set once (labels_parse; the TUI's label editor can
 * re-parse and show labels_format), then route_answer (route.h) gives the
 * classification with the metrics and verdict in one call. A label table
 * draws row[0..n) (name, mass, prob as a bar, partial), then group[0..ngroups)
 * as "shared" rows named by labels_entry_name, then on_labels, off_labels,
 * unseen, margin between labels_entry_name(top) and (second), and answer. */
#ifndef TOKSCOPE_LABELS_H
#define TOKSCOPE_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/doc.h"
#include "src/err.h"

#define LABELS_MAX 32            /* labels in a set (a group is a bit mask) */
#define LABELS_MAX_LEN 128       /* bytes in one label name, with its NUL */
#define LABELS_GROUP_TEXT 32     /* bytes kept of a shared group's token text */

/* A label set. Caller-owned, no heap memory: copy it freely. */
struct label_set {
	size_t n;
	char name[LABELS_MAX][LABELS_MAX_LEN];  /* as given, trimmed */
	char norm[LABELS_MAX][LABELS_MAX_LEN];  /* normalised */
	size_t norm_len[LABELS_MAX];
};

/* Parses a comma-separated list ("work,personal,spam,other", "billing, bug
 * report"). Whitespace around each name is trimmed. Fails with TS_EINVAL and
 * a message naming the problem for: an empty name (",,", a trailing comma,
 * a name that is empty after normalisation), more than LABELS_MAX labels, a
 * name of LABELS_MAX_LEN bytes or more, two names equal after
 * normalisation ("Work,work"). An empty or NULL list gives n = 0 (no
 * labels: classification off). On failure *ls is left with n = 0. */
int labels_parse(struct label_set *ls, const char *list, struct ts_err *err);

/* Writes the set back as "a, b, c" into out (truncated to outsz). */
void labels_format(const struct label_set *ls, char *out, size_t outsz);

/* The label set answer d carries (DOC_META_LABELS, as a session stores it)
 * into *ls. Returns 1 when d has one that parses (an empty value gives
 * n = 0: explicitly no labels), 0 when d has none, and −1 with labels_parse's
 * message in err (may be NULL) when its value does not parse; *ls then has
 * n = 0. Front ends: an answer's own set wins over the global one (the TUI
 * always, print mode unless --labels is given). */
int labels_from_doc(struct label_set *ls, const struct doc *d, struct ts_err *err);

/* Normalises bytes p[0..n) as above into out (at most outsz − 1 bytes,
 * NUL-terminated, cut at outsz − 1); returns the normalised length before
 * any cut. */
size_t labels_normalise(const uint8_t *p, size_t n, char *out, size_t outsz);

/* Which labels the token text p[0..n) starts: bit i of *mask for label i.
 * Returns the number of labels started (0 for empty normalised text).
 * *strict (may be NULL) is set when the text is shorter than some label it
 * starts. */
int labels_match(const struct label_set *ls, const uint8_t *p, size_t n, uint32_t *mask,
		 bool *strict);

struct label_row {
	const char *name;      /* the set's name; valid while the set lives */
	double mass;           /* raw mass, mass_L */
	double prob;           /* normalised, prob_L (NaN when on_labels = 0) */
	int ncand;             /* candidates counted for it */
	bool partial;          /* some of its mass came from a strict prefix */
};

struct label_group {
	uint32_t mask;         /* the labels that share these candidates */
	double mass;           /* shared_g */
	double prob;
	int ncand;
	double best_q;         /* its largest candidate's q */
	char text[LABELS_GROUP_TEXT];  /* normalised text of its largest candidate */
};

struct label_result {
	bool valid;            /* labels set and the answer has a first token */
	size_t n;              /* = the set's n */
	struct label_row row[LABELS_MAX];
	size_t ngroups;
	struct label_group group[LABELS_MAX];
	double label_mass, shared_mass, on_labels, off_labels, shown, unseen;
	int top, second;       /* entries: 0..n−1 a row, n.. a group; −1 none */
	double margin;
	bool first_token_only;
	int answer;            /* label whose normalised name equals the whole
				* answer's normalised text (trailing whitespace
				* ignored), else −1: what the model wrote */
	size_t ncand;          /* candidates looked at */
};

/* Classifies d's first token against ls. With no labels (ls NULL or n = 0)
 * or no tokens, out->valid is false, masses are 0 and margin NaN. */
void labels_classify(const struct label_set *ls, const struct doc *d, struct label_result *out);

/* Whether entry e (as in top/second) is a shared group. */
bool labels_entry_shared(const struct label_result *r, int e);
/* The probability of entry e (NaN for −1). */
double labels_entry_prob(const struct label_result *r, int e);
/* The display name of entry e into out: the label's name, or for a group
 * its labels joined with " | " ("billing | bug report"); "—" for −1.
 * Returns out. */
const char *labels_entry_name(const struct label_result *r, int e, char *out, size_t outsz);

#endif
