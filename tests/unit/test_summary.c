/* The aggregates tokscope reports — from the library, and from the real
 * binary's --json output — against an independent computation from the raw
 * recordings (cJSON over the response bytes, formulas written out again
 * here), to 1e-6 relative. */
#include "tests/unit/testutil.h"

#include <cJSON.h>
#include <math.h>

#include "src/doc.h"
#include "src/metrics.h"
#include "src/replay.h"
#include "src/route.h"

static const char *const cases[] = {
	"llamacpp-mailcls/mailcls-190K/a_seed_email_stream",
	"llamacpp-mailcls/mailcls-190K/b_work_spam_tie_email_stream",
	"llamacpp-mailcls/mailcls-1M/d_ticket_mixed_stream",
	"llamacpp-mailcls/mailcls-190K/e_ambiguous_sampled_stream",
	"llamacpp-stories260k/a_email_work_stream",
	"llamacpp-stories260k/c_open_question_stream_top20",
	"llamacpp-stories260k/c_open_question_nonstream_top20",
	"llamacpp-stories260k/d_utf8_forced_japanese_stream",
	"llamacpp-stories260k/f_long_story_stream_top20",
	"llamacpp-stories260k/i_logprobs_top0_stream",
};

struct expect {
	double n, sum, mean, geo, ppl, mean_p, min_p, min_index, q10, first, below, h_lo, h_hi;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Entropy bounds of one entry, straight from metrics.h's definitions. */
static void entropy(const cJSON *e, double *lo, double *hi)
{
	double h = 0, mass = 0, qmin = 1, spread, lp = cJSON_GetObjectItem(e, "logprob")->valuedouble;
	int k = 0, chosen_in = 0, nalt;
	const cJSON *a;

	cJSON_ArrayForEach(a, cJSON_GetObjectItem(e, "top_logprobs")) {
		double q = exp(cJSON_GetObjectItem(a, "logprob")->valuedouble);

		if (cJSON_GetObjectItem(a, "id")->valueint == cJSON_GetObjectItem(e, "id")->valueint)
			chosen_in = 1;
		if (q > 0)
			h -= q * log(q);
		mass += q;
		qmin = q < qmin ? q : qmin;
		k++;
	}
	nalt = k;
	/* the chosen token outside the top k joins K but does not cap q_c */
	if (!chosen_in) {
		double q = exp(lp);

		h -= q * log(q);
		mass += q;
		k++;
	}
	mass = 1 - mass > 0 ? 1 - mass : 0;
	if (!nalt)
		qmin = mass;
	spread = mass > 0 ? log((262144.0 - k) / mass) : 0;
	*lo = h + (mass > 0 ? mass * fmin(-log(qmin), spread) : 0);
	*hi = h + mass * spread;
}

static void independent(const char *cas, struct expect *x)
{
	char path[512];
	size_t len, n = 0;
	char *raw, *line, *save = NULL;
	double ps[4096], hl = 0, hh = 0;

	snprintf(path, sizeof path, "tests/fixtures/%s/response", cas);
	raw = tu_read_file(path, &len);
	memset(x, 0, sizeof *x);
	x->min_p = 2;
	for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *j = cJSON_Parse(strncmp(line, "data: ", 6) == 0 ? line + 6 : line), *e;
		cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0);

		cJSON_ArrayForEach(e, cJSON_GetObjectItem(cJSON_GetObjectItem(c0, "logprobs"), "content")) {
			double lp = cJSON_GetObjectItem(e, "logprob")->valuedouble, p = exp(lp), lo, hi;

			assert_true(n < 4096);
			x->sum += lp;
			x->mean_p += p;
			if (p < x->min_p) {
				x->min_p = p;
				x->min_index = (double)n;
			}
			if (n == 0)
				x->first = p;
			x->below += p < 0.5;
			entropy(e, &lo, &hi);
			hl += lo;
			hh += hi;
			ps[n++] = p;
		}
		cJSON_Delete(j);
	}
	free(raw);
	assert_true(n > 0);
	x->n = (double)n;
	x->mean = x->sum / (double)n;
	x->geo = exp(x->mean);
	x->ppl = exp(-x->mean);
	x->mean_p /= (double)n;
	x->h_lo = hl / (double)n;
	x->h_hi = hh / (double)n;
	qsort(ps, n, sizeof ps[0], cmp_double);
	{
		double h = (double)(n - 1) * 0.1, fl = floor(h);
		size_t i = (size_t)fl;

		x->q10 = ps[i] + (i + 1 < n ? (h - fl) * (ps[i + 1] - ps[i]) : 0);
	}
}

static void near(const char *cas, const char *what, double got, double want)
{
	double tol = 1e-6 * fabs(want) + 1e-12;

	if (fabs(got - want) > tol)
		fail_msg("%s: %s = %.17g, independent computation %.17g", cas, what, got, want);
}

static void library_aggregates_match_an_independent_computation(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char dir[512];
		struct doc *d = doc_new();
		struct answer_metrics m;
		struct expect x;
		struct ts_err err;

		snprintf(dir, sizeof dir, "tests/fixtures/%s", cases[c]);
		assert_int_equal(replay_dir(d, dir, NULL, NULL, &err), TS_OK);
		independent(cases[c], &x);
		assert_int_equal(metrics_answer(d, NULL, &m), TS_OK);
		near(cases[c], "tokens", (double)m.n, x.n);
		near(cases[c], "sum_logprob", m.sum_logprob, x.sum);
		near(cases[c], "mean_logprob", m.mean_logprob, x.mean);
		near(cases[c], "geo_mean_p", m.geo_mean_p, x.geo);
		near(cases[c], "perplexity", m.perplexity, x.ppl);
		near(cases[c], "mean_p", m.mean_p, x.mean_p);
		near(cases[c], "min_p", m.min_p, x.min_p);
		near(cases[c], "min_index", (double)m.min_index, x.min_index);
		near(cases[c], "quantile_p", m.quantile_p, x.q10);
		near(cases[c], "first_p", m.first_p, x.first);
		near(cases[c], "below", (double)m.n_below, x.below);
		near(cases[c], "mean_h_lo", m.mean_h_lo, x.h_lo);
		near(cases[c], "mean_h_hi", m.mean_h_hi, x.h_hi);
		doc_free(d);
	}
}

static double json_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	if (!cJSON_IsNumber(v))
		fail_msg("--json summary lacks number %s", key);
	return v->valuedouble;
}

static void binary_json_summary_matches_an_independent_computation(void **state)
{
	const char *build = getenv("TOKSCOPE_BUILD");
	char cmd[8192];
	size_t at;
	FILE *p;
	struct buf_s { char *data; size_t len; } out = { 0 };
	cJSON *root, *sum, *ans;

	(void)state;
	at = (size_t)snprintf(cmd, sizeof cmd, "TOKSCOPE_CONFIG= %s/tokscope --json", build ? build : "build");
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		at += (size_t)snprintf(cmd + at, sizeof cmd - at, " --replay tests/fixtures/%s", cases[c]);
	p = popen(cmd, "r");
	assert_non_null(p);
	out.data = malloc(64u << 20);
	out.len = fread(out.data, 1, (64u << 20) - 1, p);
	out.data[out.len] = '\0';
	pclose(p);
	root = cJSON_Parse(out.data);
	assert_non_null(root);
	sum = cJSON_GetObjectItem(root, "summary");
	ans = cJSON_GetObjectItem(root, "answers");
	assert_int_equal(cJSON_GetArraySize(sum), sizeof cases / sizeof cases[0]);
	assert_int_equal(cJSON_GetArraySize(ans), sizeof cases / sizeof cases[0]);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const cJSON *s = cJSON_GetArrayItem(sum, (int)c);
		struct expect x;

		independent(cases[c], &x);
		near(cases[c], "json tokens", json_num(s, "tokens"), x.n);
		near(cases[c], "json sum_logprob", json_num(s, "sum_logprob"), x.sum);
		near(cases[c], "json mean_logprob", json_num(s, "mean_logprob"), x.mean);
		near(cases[c], "json geo_mean_p", json_num(s, "geo_mean_p"), x.geo);
		near(cases[c], "json perplexity", json_num(s, "perplexity"), x.ppl);
		near(cases[c], "json mean_p", json_num(s, "mean_p"), x.mean_p);
		near(cases[c], "json min_p", json_num(s, "min_p"), x.min_p);
		near(cases[c], "json quantile_p", json_num(s, "quantile_p"), x.q10);
		near(cases[c], "json first_p", json_num(s, "first_p"), x.first);
		near(cases[c], "json below", json_num(s, "below"), x.below);
		near(cases[c], "json mean_entropy_lo", json_num(s, "mean_entropy_lo"), x.h_lo);
		near(cases[c], "json mean_entropy_hi", json_num(s, "mean_entropy_hi"), x.h_hi);
		near(cases[c], "json value", json_num(s, "value"), x.first);
		assert_string_equal(cJSON_GetObjectItem(s, "verdict")->valuestring,
				    x.first >= 0.85 ? "ACCEPT" : "ESCALATE");
	}
	cJSON_Delete(root);
	free(out.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(library_aggregates_match_an_independent_computation),
		cmocka_unit_test(binary_json_summary_matches_an_independent_computation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
