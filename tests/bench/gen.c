#include "tests/bench/gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/err.h"

#define NVALUES 65536     /* pre-formatted logprobs, best first */
#define MAX_POOL 4096

/* One vocabulary entry with its JSON fragments made once. */
struct piece {
	char *esc;        /* the token text, JSON-escaped (without quotes) */
	char *bytes;      /* "[32,116,104,101]" */
	int next;         /* index of the piece that must follow (split emoji), or -1 */
};

struct gen {
	const struct gen_opts *o;
	struct buf *out;
	uint64_t rng;
	struct piece pool[MAX_POOL];
	size_t npool;
	size_t nfirst;    /* pieces that may be chosen freely (not continuations) */
	char *values[NVALUES];
	int follow;       /* forced next piece, -1 none */
	int rc;
};

static const char *const words[] = {
	"the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by",
	"on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an",
	"had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there",
	"been", "if", "more", "when", "will", "would", "who", "so", "no", "model", "token",
	"probability", "answer", "email", "ticket", "classify", "support", "billing", "refund",
	"customer", "request", "account", "password", "invoice", "urgent", "spam", "work",
	"personal", "meeting", "schedule", "report", "data", "system", "error", "server", "time",
	"people", "year", "way", "day", "man", "thing", "woman", "life", "child", "world",
	"school", "state", "family", "student", "group", "country", "problem", "hand", "part",
	"place", "case", "week", "company", "number", "night", "point", "home", "water", "room",
	"mother", "area", "money", "story", "fact", "month", "lot", "right", "study", "book",
	"eye", "job", "word", "business", "issue", "side", "kind", "head", "house", "service",
	"friend", "father", "power", "hour", "game", "line", "end", "member", "law", "car",
	"city", "community", "name", "president", "team", "minute", "idea", "kid", "body",
	"information", "back", "parent", "face", "others", "level", "office", "door", "health",
	"person", "art", "war", "history", "party", "result", "change", "morning", "reason",
	"research", "girl", "guy", "moment", "air", "teacher", "force", "education", "because",
	"however", "therefore", "although", "understand", "consider", "important", "different",
};

static const char *const pieces[] = {
	".", ",", ":", ";", "!", "?", " (", ")", " \"", "\"", "'s", " -", "\n", "\n\n", "...",
	"**", " `", "`", "\t", "  ", "ing", "ed", "ly", "tion", "s", "er", "es", "al", "ment",
	"ness", " 1", " 2", " 3", " 10", " 12", "202", "4", "5", "%", " $", "0", ".\n\n", ":\n",
	" \\", "{", "}", " []", "/", "#", " #", "<", ">", " =", "_", "\\n",
	/* multi-byte UTF-8 */
	" —", "’s", " “", "”", " café", " naïve", " über", " Zürich", "é", "ñ", " São", "日本",
	"語", "は", "東京", "。", "、", " 😊", "🚀", "€", " ≥", "→", "✓", " Москва", "и", " π",
	"ü", " façade", "한국", "어", " 你好", "世界", "…", " °C", "½",
};

/* Emoji that arrive as byte tokens: F0 9F A6 + 99 (🦙), F0 9F AA + BC (🪼). */
static const unsigned char split_heads[][3] = { { 0xF0, 0x9F, 0xA6 }, { 0xF0, 0x9F, 0xAA } };
static const unsigned char split_tails[] = { 0x99, 0xBC };

static uint64_t rnd(struct gen *g)
{
	uint64_t x = g->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	g->rng = x;
	return x;
}

/* Uniform in [0, 1). */
static double unif(struct gen *g)
{
	return (double)(rnd(g) >> 11) * (1.0 / 9007199254740992.0);
}

static void put(struct gen *g, const char *s, size_t n)
{
	if (!g->rc)
		g->rc = buf_append(g->out, s, n);
}

static void puts_(struct gen *g, const char *s)
{
	put(g, s, strlen(s));
}

/* JSON string body of bytes p[0..n): valid UTF-8 is copied; other bytes
 * become "bytes:\\xf0" the way OpenAI names byte tokens. */
static char *escape(const unsigned char *p, size_t n, int raw_bytes)
{
	struct buf b;

	buf_init(&b, 0);
	if (raw_bytes)
		buf_puts(&b, "bytes:");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (raw_bytes)
			buf_printf(&b, "\\\\x%02x", c);
		else if (c == '"' || c == '\\')
			buf_printf(&b, "\\%c", c);
		else if (c == '\n')
			buf_puts(&b, "\\n");
		else if (c == '\t')
			buf_puts(&b, "\\t");
		else
			buf_putc(&b, c);
	}
	return buf_steal(&b);
}

static char *bytes_array(const unsigned char *p, size_t n)
{
	struct buf b;

	buf_init(&b, 0);
	buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%u", i ? "," : "", p[i]);
	buf_putc(&b, ']');
	return buf_steal(&b);
}

static void pool_add(struct gen *g, const unsigned char *p, size_t n, int raw, int next)
{
	if (g->npool == MAX_POOL)
		return;
	g->pool[g->npool++] = (struct piece){
		.esc = escape(p, n, raw), .bytes = bytes_array(p, n), .next = next,
	};
}

static void pool_words(struct gen *g)
{
	char tmp[64];

	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		const char *w = words[i];

		snprintf(tmp, sizeof tmp, " %s", w);
		pool_add(g, (const unsigned char *)tmp, strlen(tmp), 0, -1);
		pool_add(g, (const unsigned char *)w, strlen(w), 0, -1);
		snprintf(tmp, sizeof tmp, " %c%s", w[0] - 32, w + 1);
		pool_add(g, (const unsigned char *)tmp, strlen(tmp), 0, -1);
	}
	for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++)
		pool_add(g, (const unsigned char *)pieces[i], strlen(pieces[i]), 0, -1);
}

/* Split emoji: heads are chosen freely, tails only after their head. */
static void pool_splits(struct gen *g)
{
	size_t nsplit = sizeof split_tails;

	g->nfirst = g->npool + nsplit;
	for (size_t i = 0; i < nsplit; i++)
		pool_add(g, split_heads[i], 3, 1, (int)(g->nfirst + i));
	for (size_t i = 0; i < nsplit; i++)
		pool_add(g, &split_tails[i], 1, 1, -1);
}

/* values[i] for i = 0..NVALUES-1: logprobs from about -1e-6 down to -28,
 * as a float32 the server computed, written the way each server writes it. */
static void values_make(struct gen *g)
{
	char tmp[48];

	for (size_t i = 0; i < NVALUES; i++) {
		double x = (double)(i + 1) / NVALUES;
		float v = (float)(-28.0 * x * x * x - 1e-6 * (double)(i + 1));

		if (g->o->shape == GEN_OPENAI)
			snprintf(tmp, sizeof tmp, "%.9g", (double)v);
		else
			snprintf(tmp, sizeof tmp, "%.16g", (double)v);
		g->values[i] = strdup(tmp);
	}
}

static int gen_init(struct gen *g, const struct gen_opts *o, struct buf *out)
{
	*g = (struct gen){ .o = o, .out = out, .rng = o->seed ? o->seed : 88172645463325252ull,
			   .follow = -1 };
	pool_words(g);
	pool_splits(g);
	values_make(g);
	return TS_OK;
}

static void gen_fini(struct gen *g)
{
	for (size_t i = 0; i < g->npool; i++) {
		free(g->pool[i].esc);
		free(g->pool[i].bytes);
	}
	for (size_t i = 0; i < NVALUES; i++)
		free(g->values[i]);
}

/* A Zipf-like pick among the freely chosen pieces. */
static int pick_piece(struct gen *g)
{
	double u = unif(g);

	return (int)((double)g->nfirst * u * u * u);
}

/* Most tokens follow the Zipf-like curve; some are drawn evenly so that the
 * rarer pieces (multi-byte text, split emoji) keep turning up. */
static int pick_any(struct gen *g)
{
	if (rnd(g) % 10 == 0)
		return (int)(rnd(g) % g->nfirst);
	return pick_piece(g);
}

/* The chosen token's 1-based rank among k alternatives, 0 = outside. */
static int pick_rank(struct gen *g, int k)
{
	unsigned r = (unsigned)(rnd(g) % 100);

	if (k == 0)
		return 0;
	if (r < 70)
		return 1;
	if (r < 92) {
		int near = 2 + (int)(rnd(g) % 4);

		return near < k ? near : k;
	}
	if (r < 98)
		return 1 + (int)(rnd(g) % (unsigned)k);
	return 0;
}

/* k + 1 value indexes, ascending (best first); the last is for a chosen
 * token outside the top k. */
static void pick_values(struct gen *g, int k, size_t *vi)
{
	double u = unif(g);
	size_t at = (size_t)(u * u * u * u * NVALUES / 3);

	for (int j = 0; j <= k; j++) {
		vi[j] = at < NVALUES ? at : NVALUES - 1;
		at += 1 + rnd(g) % (NVALUES / 48);
	}
}

/* k distinct alternatives with the chosen piece at rank (1-based). */
static void pick_alts(struct gen *g, int chosen, int rank, int k, int *alts)
{
	for (int j = 0; j < k; j++) {
		int a, dup;

		if (j + 1 == rank) {
			alts[j] = chosen;
			continue;
		}
		do {
			a = pick_piece(g);
			dup = a == chosen;
			for (int m = 0; m < j && !dup; m++)
				dup = alts[m] == a;
		} while (dup);
		alts[j] = a;
	}
}

static void put_entry(struct gen *g, int piece, const char *value)
{
	const struct piece *p = &g->pool[piece];
	char id[24];

	if (g->o->shape == GEN_OPENAI) {
		puts_(g, "{\"token\":\"");
		puts_(g, p->esc);
		puts_(g, "\",\"logprob\":");
		puts_(g, value);
		puts_(g, ",\"bytes\":");
		puts_(g, p->bytes);
		return;
	}
	snprintf(id, sizeof id, "%d", 100 + piece);
	puts_(g, "{\"id\":");
	puts_(g, id);
	puts_(g, ",\"token\":\"");
	puts_(g, p->esc);
	puts_(g, "\",\"bytes\":");
	puts_(g, p->bytes);
	puts_(g, ",\"logprob\":");
	puts_(g, value);
}

static void put_token(struct gen *g, int chosen)
{
	int k = g->o->k, rank = pick_rank(g, k), alts[20];
	size_t vi[21];
	const char *lp;

	pick_values(g, k, vi);
	pick_alts(g, chosen, rank, k, alts);
	lp = rank ? g->values[vi[rank - 1]] : g->values[vi[k]];
	if (!rank && g->o->shape == GEN_OPENAI && rnd(g) % 2)
		lp = "-9999.0";
	put_entry(g, chosen, lp);
	puts_(g, ",\"top_logprobs\":[");
	for (int j = 0; j < k; j++) {
		puts_(g, j ? "," : "");
		put_entry(g, alts[j], g->values[vi[j]]);
		puts_(g, "}");
	}
	puts_(g, "]}");
}

#define OA_HEAD "data: {\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\"," \
	"\"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\"," \
	"\"system_fingerprint\":\"fp_eb9dce56a8\",\"choices\":["
#define LL_TAIL "\"created\":1795380379,\"id\":\"chatcmpl-fJgafSlSKbSXZmAcG3hNOQ9HuPjmxVgA\"," \
	"\"model\":\"bench-model\",\"system_fingerprint\":\"b4748-c392e5094\",\"object\":\"chat.completion.chunk\""

static void put_chunk(struct gen *g, int chosen)
{
	const char *text = g->pool[chosen].next >= 0 || chosen >= (int)g->nfirst ? "" : g->pool[chosen].esc;

	if (g->o->shape == GEN_OPENAI) {
		puts_(g, OA_HEAD "{\"index\":0,\"delta\":{\"content\":\"");
		puts_(g, text);
		puts_(g, "\"},\"logprobs\":{\"content\":[");
		put_token(g, chosen);
		puts_(g, "],\"refusal\":null},\"finish_reason\":null}]}\n\n");
		return;
	}
	puts_(g, "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"");
	puts_(g, text);
	puts_(g, "\"},\"logprobs\":{\"content\":[");
	put_token(g, chosen);
	puts_(g, "]}}]," LL_TAIL "}\n\n");
}

static void put_end(struct gen *g)
{
	char usage[160];

	snprintf(usage, sizeof usage, "\"usage\":{\"prompt_tokens\":25,\"completion_tokens\":%zu,"
		 "\"total_tokens\":%zu", g->o->tokens, g->o->tokens + 25);
	if (g->o->shape == GEN_OPENAI) {
		puts_(g, OA_HEAD "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]}\n\n");
		puts_(g, OA_HEAD "],");
		puts_(g, usage);
		puts_(g, ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
		      "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
		      "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n");
	} else {
		puts_(g, "data: {\"choices\":[{\"finish_reason\":\"length\",\"index\":0,\"delta\":{}}]," LL_TAIL ",");
		puts_(g, usage);
		puts_(g, "},\"timings\":{\"prompt_n\":25,\"prompt_ms\":3.6,\"predicted_n\":1,"
		      "\"predicted_ms\":40.696}}\n\n");
	}
	puts_(g, "data: [DONE]\n\n");
}

int gen_stream(struct buf *out, const struct gen_opts *o)
{
	struct gen *g = malloc(sizeof *g);
	int rc;

	if (!g)
		return TS_ENOMEM;
	gen_init(g, o, out);
	if (o->shape == GEN_OPENAI)
		puts_(g, OA_HEAD "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
		      "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
	for (size_t i = 0; i < o->tokens && !g->rc; i++) {
		int chosen = g->follow >= 0 ? g->follow : pick_any(g);

		g->follow = g->pool[chosen].next;
		put_chunk(g, chosen);
	}
	put_end(g);
	rc = g->rc;
	gen_fini(g);
	free(g);
	return rc;
}

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

int gen_recording(const char *dir, const struct gen_opts *o)
{
	static const char headers[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
				      "Cache-Control: no-cache\r\n";
	char req[256], meta[512];
	struct buf body;
	int rc;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	snprintf(req, sizeof req, "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":"
		 "\"benchmark\"}],\"max_tokens\":%zu,\"logprobs\":true,\"top_logprobs\":%d,\"stream\":true}\n",
		 o->tokens, o->k);
	snprintf(meta, sizeof meta, "case: bench\nendpoint: POST http://127.0.0.1:8080/v1/chat/completions\n"
		 "server: tokscope bench generator (%s shape)\nmodel_file: bench-model\n"
		 "recorded_utc_start: 2026-01-01T00:00:00.000Z\n",
		 o->shape == GEN_OPENAI ? "openai" : "llama.cpp");
	buf_init(&body, 0);
	rc = gen_stream(&body, o);
	if (!rc)
		rc = write_file(dir, "response", buf_str(&body), body.len) ||
		     write_file(dir, "headers.txt", headers, sizeof headers - 1) ||
		     write_file(dir, "request.json", req, strlen(req)) ||
		     write_file(dir, "meta.txt", meta, strlen(meta));
	buf_fini(&body);
	return rc ? -1 : 0;
}
