#include "src/labels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static bool is_ascii_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Bytes of the space marker at p (▁ U+2581 or Ġ U+0120), else 0. */
static size_t space_marker(const uint8_t *p, size_t n)
{
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x96 && p[2] == 0x81)
		return 3;
	if (n >= 2 && p[0] == 0xC4 && p[1] == 0xA0)
		return 2;
	return 0;
}

size_t labels_normalise(const uint8_t *p, size_t n, char *out, size_t outsz)
{
	size_t i = 0, k = 0;

	for (;;) {
		size_t m = space_marker(p + i, n - i);

		if (m)
			i += m;
		else if (i < n && is_ascii_space(p[i]))
			i++;
		else
			break;
	}
	/* Only what fits is read: labels_classify normalises the whole
	 * answer's text each time a streaming answer grows, and then only its
	 * length matters. */
	for (; outsz && k < n - i && k < outsz - 1; k++) {
		uint8_t c = p[i + k];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		out[k] = (char)c;
	}
	if (outsz)
		out[k] = '\0';
	return n - i;
}

/* ---- the set ---- */

/* Trims s[0..n) of ASCII whitespace at both ends. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && is_ascii_space((uint8_t)s[0])) {
		s++;
		(*n)--;
	}
	while (*n && is_ascii_space((uint8_t)s[*n - 1]))
		(*n)--;
	return s;
}

static int labels_add(struct label_set *ls, const char *s, size_t n, struct ts_err *err)
{
	size_t i = ls->n, nl;

	s = trim(s, &n);
	if (ls->n == LABELS_MAX)
		return ts_err_set(err, TS_EINVAL, "labels: more than %d labels", LABELS_MAX);
	if (n >= LABELS_MAX_LEN)
		return ts_err_set(err, TS_EINVAL, "labels: '%.40s…' is longer than %d bytes", s,
				  LABELS_MAX_LEN - 1);
	/* trim left no trailing space, and normalising adds none */
	nl = labels_normalise((const uint8_t *)s, n, ls->norm[i], sizeof ls->norm[i]);
	if (nl == 0)
		return ts_err_set(err, TS_EINVAL, "labels: empty label in the list (two commas, or a "
				  "comma at an end)");
	for (size_t j = 0; j < i; j++)
		if (ls->norm_len[j] == nl && memcmp(ls->norm[j], ls->norm[i], nl) == 0)
			return ts_err_set(err, TS_EINVAL, "labels: '%s' and '%.*s' are the same label",
					  ls->name[j], (int)n, s);
	memcpy(ls->name[i], s, n);
	ls->name[i][n] = '\0';
	ls->norm_len[i] = nl;
	ls->n++;
	return TS_OK;
}

int labels_parse(struct label_set *ls, const char *list, struct ts_err *err)
{
	const char *p = list;
	size_t n = list ? strlen(list) : 0;

	ls->n = 0;
	if (!list)
		return TS_OK;
	trim(list, &n);
	if (n == 0)
		return TS_OK;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int rc = labels_add(ls, p, len, err);

		if (rc) {
			ls->n = 0;
			return rc;
		}
		if (!comma)
			return TS_OK;
		p = comma + 1;
	}
}

void labels_format(const struct label_set *ls, char *out, size_t outsz)
{
	size_t at = 0;

	if (!outsz)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < ls->n && at < outsz; i++)
		at += (size_t)snprintf(out + at, outsz - at, "%s%s", i ? ", " : "", ls->name[i]);
}

int labels_from_doc(struct label_set *ls, const struct doc *d, struct ts_err *err)
{
	const char *v = doc_meta(d, DOC_META_LABELS);

	ls->n = 0;
	if (!v)
		return 0;
	return labels_parse(ls, v, err) ? -1 : 1;
}

int labels_match(const struct label_set *ls, const uint8_t *p, size_t n, uint32_t *mask, bool *strict)
{
	char t[LABELS_MAX_LEN];
	size_t tl = labels_normalise(p, n, t, sizeof t);
	int count = 0;

	*mask = 0;
	if (strict)
		*strict = false;
	if (tl == 0 || tl >= sizeof t)  /* empty, or longer than any label */
		return 0;
	for (size_t i = 0; i < ls->n; i++) {
		if (tl > ls->norm_len[i] || memcmp(t, ls->norm[i], tl) != 0)
			continue;
		*mask |= 1u << i;
		count++;
		if (strict && tl < ls->norm_len[i])
			*strict = true;
	}
	return count;
}

/* ---- classifying ---- */

static int lowest_bit(uint32_t mask)
{
	for (int i = 0; i < 32; i++)
		if (mask & (1u << i))
			return i;
	return -1;
}

/* The group for mask, made when new. */
static struct label_group *group_get(struct label_result *r, uint32_t mask)
{
	for (size_t g = 0; g < r->ngroups; g++)
		if (r->group[g].mask == mask)
			return &r->group[g];
	/* More distinct sets than groups: pool into the last, which then holds
	 * the union of the sets (still mass no single label can claim). */
	if (r->ngroups == LABELS_MAX) {
		r->group[LABELS_MAX - 1].mask |= mask;
		return &r->group[LABELS_MAX - 1];
	}
	r->group[r->ngroups] = (struct label_group){ .mask = mask };
	return &r->group[r->ngroups++];
}

static void add_candidate(const struct label_set *ls, struct label_result *r, const uint8_t *p,
			  size_t n, double q)
{
	uint32_t mask;
	bool strict;
	int k = labels_match(ls, p, n, &mask, &strict);

	r->ncand++;
	r->shown += q;
	if (k == 0) {
		r->off_labels += q;
		return;
	}
	r->first_token_only = r->first_token_only || strict;
	if (k == 1) {
		struct label_row *row = &r->row[lowest_bit(mask)];

		row->mass += q;
		row->ncand++;
		row->partial = row->partial || strict;
		r->label_mass += q;
	} else {
		struct label_group *g = group_get(r, mask);

		if (g->ncand == 0 || q > g->best_q) {
			labels_normalise(p, n, g->text, sizeof g->text);
			g->best_q = q;
		}
		g->mass += q;
		g->ncand++;
		r->shared_mass += q;
	}
}

static double cand_q(double logprob)
{
	return logprob <= DOC_LOGPROB_FLOOR ? 0.0 : exp(logprob);
}

static void rank_entries(struct label_result *r)
{
	size_t ne = r->n + r->ngroups;

	r->top = r->second = -1;
	for (size_t e = 0; e < ne; e++) {
		double p = labels_entry_prob(r, (int)e);

		if (!(p > 0))
			continue;
		if (r->top < 0 || p > labels_entry_prob(r, r->top)) {
			r->second = r->top;
			r->top = (int)e;
		} else if (r->second < 0 || p > labels_entry_prob(r, r->second)) {
			r->second = (int)e;
		}
	}
	if (r->top < 0)
		r->margin = NAN;
	else
		r->margin = labels_entry_prob(r, r->top) - (r->second < 0 ? 0.0 : labels_entry_prob(r, r->second));
}

static void finish(struct label_result *r)
{
	double on = r->label_mass + r->shared_mass;

	r->on_labels = on;
	r->unseen = r->shown < 1.0 ? 1.0 - r->shown : 0.0;
	for (size_t i = 0; i < r->n; i++)
		r->row[i].prob = on > 0 ? r->row[i].mass / on : NAN;
	for (size_t g = 0; g < r->ngroups; g++)
		r->group[g].prob = on > 0 ? r->group[g].mass / on : NAN;
	rank_entries(r);
}

static int answer_label(const struct label_set *ls, const struct doc *d)
{
	char t[LABELS_MAX_LEN];
	size_t n, tl;
	const uint8_t *text = doc_text(d, &n);

	tl = labels_normalise(text, n, t, sizeof t);
	if (tl >= sizeof t)
		return -1;
	while (tl && is_ascii_space((uint8_t)t[tl - 1]))
		tl--;
	for (size_t i = 0; i < ls->n; i++)
		if (ls->norm_len[i] == tl && memcmp(ls->norm[i], t, tl) == 0)
			return (int)i;
	return -1;
}

void labels_classify(const struct label_set *ls, const struct doc *d, struct label_result *out)
{
	const struct doc_token *t;
	size_t len;
	const uint8_t *bytes;

	*out = (struct label_result){ .n = ls ? ls->n : 0, .top = -1, .second = -1, .margin = NAN,
				      .answer = -1 };
	for (size_t i = 0; i < out->n; i++)
		out->row[i] = (struct label_row){ .name = ls->name[i], .prob = NAN };
	if (!ls || ls->n == 0 || doc_count(d) == 0)
		return;
	out->valid = true;
	t = doc_token(d, 0);
	for (size_t j = 0; j < t->nalt; j++) {
		const struct doc_alt *a = doc_alt(d, 0, j);

		bytes = doc_str(d, a->str, &len);
		add_candidate(ls, out, bytes, len, cand_q(a->logprob));
	}
	if (t->rank == DOC_RANK_NONE) {
		bytes = doc_token_bytes(d, 0, &len);
		add_candidate(ls, out, bytes, len, cand_q(t->logprob));
	}
	finish(out);
	out->answer = answer_label(ls, d);
}

bool labels_entry_shared(const struct label_result *r, int e)
{
	return e >= 0 && (size_t)e >= r->n && (size_t)e < r->n + r->ngroups;
}

double labels_entry_prob(const struct label_result *r, int e)
{
	if (e < 0 || (size_t)e >= r->n + r->ngroups)
		return NAN;
	return (size_t)e < r->n ? r->row[e].prob : r->group[(size_t)e - r->n].prob;
}

const char *labels_entry_name(const struct label_result *r, int e, char *out, size_t outsz)
{
	size_t at = 0;

	if (!outsz)
		return out;
	if (e < 0 || (size_t)e >= r->n + r->ngroups) {
		snprintf(out, outsz, "—");
		return out;
	}
	if ((size_t)e < r->n) {
		snprintf(out, outsz, "%s", r->row[e].name);
		return out;
	}
	out[0] = '\0';
	for (size_t i = 0; i < r->n && at < outsz; i++)
		if (r->group[(size_t)e - r->n].mask & (1u << i))
			at += (size_t)snprintf(out + at, outsz - at, "%s%s", at ? " | " : "", r->row[i].name);
	return out;
}
