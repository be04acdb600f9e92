#include "tui/inspector.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "src/buf.h"
#include "src/metrics.h"
#include "src/text.h"
#include "src/theme.h"
#include "tui/cells.h"
#include "tui/fmt.h"

#define FACT_ROWS 9
#define LABEL_W 8
#define INSP_TWO_COLS 64    /* inside width for facts of 36 columns and alternatives of 26 */
#define INSP_FACTS_MIN 28   /* the narrowest facts column beside the alternatives */
#define INSP_ALTS_MIN 20    /* the narrowest alternatives column: mark, rank, text, p */

int inspector_rows(const struct doc *d, size_t sel)
{
	int k = doc_info_c(d)->k_requested, alts;

	if (k < 0)
		k = sel < doc_count(d) ? doc_token(d, sel)->nalt : 5;
	alts = k + 3;
	return (alts > FACT_ROWS ? alts : FACT_ROWS) + 2;
}

/* Visible rendering of bytes into out (TEXT_INSPECT), NUL-terminated; a
 * token named by its id (doc_id_spelling) as "⟨123⟩". */
static void insp_escape(const uint8_t *p, size_t n, char *out, size_t outsz)
{
	struct buf b;
	long id;

	if (doc_id_spelling(p, n, &id)) {
		text_id_glyph(id, out, outsz);
		return;
	}
	buf_init(&b, outsz - 1);
	if (text_escape(&b, p, n, TEXT_INSPECT) == 0)
		snprintf(out, outsz, "%s", buf_str(&b));
	else
		snprintf(out, outsz, "%s", n ? "(too long to show)" : "");
	buf_fini(&b);
}

/* "f0 9f 98" (hex) or "240 159 152" (decimal); when longer than maxw
 * columns, as many as fit followed by "… (N bytes)". */
static void insp_bytes(const uint8_t *p, size_t n, bool hex, int maxw, char *out, size_t outsz)
{
	char tail[48];
	size_t o = 0, keep = 0;
	int room;

	out[0] = '\0';
	if (n == 0) {
		snprintf(out, outsz, "(none)");
		return;
	}
	snprintf(tail, sizeof tail, " … (%zu bytes)", n);
	room = maxw - draw_width(tail);
	for (size_t i = 0; i < n && o + 8 < outsz; i++) {
		o += (size_t)snprintf(out + o, outsz - o, hex ? "%s%02x" : "%s%u", i ? " " : "", p[i]);
		if ((int)o <= room)
			keep = o;
	}
	if ((int)o > maxw || o + 8 >= outsz)
		snprintf(out + keep, outsz - keep, "%s", tail);
}

struct insp_ctx {
	const struct doc *d;
	size_t sel;
	const struct palette *pal;
	struct rect r;
	int y;
	const struct inspector_branch *ib;   /* may be NULL */
	bool dry;                            /* count the rows, draw nothing */
};

static void insp_row(struct insp_ctx *c, const char *label, const char *value, struct style vs)
{
	if (c->y >= c->r.y + c->r.h)
		return;
	if (!c->dry) {
		draw_str(c->y, c->r.x, LABEL_W, label, color_role(c->pal, ROLE_DIM));
		draw_str_ellipsis(c->y, c->r.x + LABEL_W, c->r.w - LABEL_W, value, vs);
	}
	c->y++;
}

/* A row of text across the column, without a label. */
static void insp_line(struct insp_ctx *c, const char *text, struct style st)
{
	if (c->y >= c->r.y + c->r.h)
		return;
	if (!c->dry)
		draw_str_ellipsis(c->y, c->r.x, c->r.w, text, st);
	c->y++;
}

/* Short words for the UTF-8 state of a token holding part of a character. */
static const char *insp_part_word(enum utf8_state st)
{
	switch (st) {
	case UTF8_STARTS: return "starts";
	case UTF8_CONTINUES: return "ends";
	case UTF8_MIDDLE: return "inside";
	default: return "part of";
	}
}

/* For a token holding part of a character: "starts 😀: bytes 1–2 of 4",
 * then the whole character, "U+1F600 = f0 9f 98 80". */
static void insp_utf8(struct insp_ctx *c, const struct doc_token *t)
{
	size_t tl, coff = 0, clen = 0, from, to;
	const uint8_t *text = doc_text(c->d, &tl);
	enum utf8_state st = utf8_token_state(text, tl, t->off, t->len, &coff, &clen);
	char line[320], ch[64], hex[64];
	uint32_t cp = 0;

	if (clen == 0 || utf8_decode(text + coff, clen, &cp) == 0) {
		insp_row(c, "utf-8", utf8_state_name(st),
			 color_role(c->pal, st == UTF8_INVALID ? ROLE_ERROR : ROLE_TEXT));
		return;
	}
	from = t->off > coff ? t->off - coff + 1 : 1;
	to = t->off + t->len < coff + clen ? t->off + t->len - coff : clen;
	insp_escape(text + coff, clen, ch, sizeof ch);
	if (to > from)
		snprintf(line, sizeof line, "%s %s: bytes %zu–%zu of %zu", insp_part_word(st), ch, from, to, clen);
	else
		snprintf(line, sizeof line, "%s %s: byte %zu of %zu", insp_part_word(st), ch, from, clen);
	insp_row(c, "utf-8", line, color_role(c->pal, ROLE_GLYPH));
	insp_bytes(text + coff, clen, true, 40, hex, sizeof hex);
	snprintf(line, sizeof line, "U+%04X = %s", (unsigned)cp, hex);
	insp_row(c, "char", line, color_role(c->pal, ROLE_TEXT));
}

/* "hex 20 63 · dec 32 99" on one row when it fits, else two rows.
 * Bytes the API did not send but that were taken from the token's text
 * (DOC_TOK_BYTES_DERIVED: OpenAI Responses streams, servers without
 * "bytes") are the text's UTF-8: hex only, then a row that says so, so the
 * rows stay two. */
static void insp_byte_rows(struct insp_ctx *c, const uint8_t *p, size_t len, bool derived)
{
	int bw = c->r.w - LABEL_W;
	char hex[256], dec[256], both[600];

	insp_bytes(p, len, true, bw, hex, sizeof hex);
	insp_bytes(p, len, false, bw, dec, sizeof dec);
	snprintf(both, sizeof both, "%s  (decimal %s)", hex, dec);
	if (derived) {
		insp_row(c, "bytes", hex, color_role(c->pal, ROLE_TEXT));
		insp_line(c, "bytes from text: the API sent none", color_role(c->pal, ROLE_DIM));
		return;
	}
	if (len > 0 && draw_width(both) <= bw) {
		insp_row(c, "bytes", both, color_role(c->pal, ROLE_TEXT));
		return;
	}
	insp_row(c, "hex", hex, color_role(c->pal, ROLE_TEXT));
	if (len > 0)
		insp_row(c, "decimal", dec, color_role(c->pal, ROLE_TEXT));
}

/* The best alternative other than the chosen token, for the margin. */
static void insp_runner_up(const struct insp_ctx *c, const struct doc_token *t, char *out, size_t outsz)
{
	int best = -1;
	size_t len;
	const uint8_t *p;

	out[0] = '\0';
	for (int j = 0; j < t->nalt; j++)
		if (j + 1 != t->rank && (best < 0 || doc_alt(c->d, c->sel, (size_t)j)->logprob >
					 doc_alt(c->d, c->sel, (size_t)best)->logprob))
			best = j;
	if (best < 0)
		return;
	p = doc_str(c->d, doc_alt(c->d, c->sel, (size_t)best)->str, &len);
	insp_escape(p, len, out, outsz);
}

static void insp_margin(struct insp_ctx *c, const struct doc_token *t, const struct tok_metrics *tm)
{
	char m[64], other[128], v[320];

	insp_runner_up(c, t, other, sizeof other);
	fmt_signed(m, sizeof m, tm->margin * 100.0, 1);
	/* the runner-up quoted as the alternatives show it; "vs" when the
	 * words would cut the closing quote */
	if (other[0])
		snprintf(v, sizeof v, "%s pts %s \"%s\"", m, tm->margin >= 0 ? "ahead of" : "behind", other);
	if (other[0] && draw_width(v) > c->r.w - LABEL_W)
		snprintf(v, sizeof v, "%s pts vs \"%s\"", m, other);
	else if (!other[0])
		snprintf(v, sizeof v, "%s pts (no runner-up)", m);
	insp_row(c, "margin", v, color_role(c->pal, tm->margin >= 0 ? ROLE_TEXT : ROLE_MARK));
}

/* A token the API named by its id (vLLM's "token_id:123", cells.h): its
 * text and bytes are unknown, so only the id is shown. */
static bool insp_id_rows(struct insp_ctx *c, const struct tok_metrics *tm)
{
	char glyph[32], v[128];
	long id;

	if (!doc_token_is_id(c->d, c->sel, &id))
		return false;
	text_id_glyph(id, glyph, sizeof glyph);
	snprintf(v, sizeof v, "%s (an id, no text)", glyph);
	insp_row(c, "text", v, color_bucket(c->pal, theme_bucket(tm->p), 0));
	snprintf(v, sizeof v, "unknown (token_id:%ld)", id);
	insp_row(c, "bytes", v, color_role(c->pal, ROLE_DIM));
	return true;
}

/* The p row's value, the longest that fits: "98.6%   logprob −0.0143",
 * "98.6%  lp −0.0143", "98.6%". A clamped logprob (an API's sentinel for
 * "not shown" or p = 0, doc.h) is no number: "< −100 (clamped)", then
 * "clamped", then "(clamped)" after p. */
static void insp_p(const struct insp_ctx *c, const struct tok_metrics *tm, char *out, size_t outsz)
{
	char p[32], lp[32], forms[4][96];
	int w = c->r.w - LABEL_W;
	size_t n = 0;

	fmt_pct(p, sizeof p, tm->p);
	if (tm->clamped) {
		fmt_signed(lp, sizeof lp, DOC_LOGPROB_FLOOR, 0);
		snprintf(forms[n++], sizeof forms[0], "%s   logprob < %s (clamped)", p, lp);
		snprintf(forms[n++], sizeof forms[0], "%s   logprob clamped", p);
		snprintf(forms[n++], sizeof forms[0], "%s (clamped)", p);
	} else {
		fmt_signed(lp, sizeof lp, tm->logprob, 4);
		snprintf(forms[n++], sizeof forms[0], "%s   logprob %s", p, lp);
		snprintf(forms[n++], sizeof forms[0], "%s  lp %s", p, lp);
	}
	snprintf(forms[n++], sizeof forms[0], "%s", p);
	for (size_t i = 0; i < n; i++) {
		if (draw_width(forms[i]) <= w || i + 1 == n) {
			snprintf(out, outsz, "%s", forms[i]);
			return;
		}
	}
}

static void insp_facts(struct insp_ctx *c)
{
	const struct doc_token *t = doc_token(c->d, c->sel);
	size_t len;
	const uint8_t *p = doc_token_bytes(c->d, c->sel, &len);
	struct tok_metrics tm;
	char v[512], a[64], b[64];

	metrics_token(c->d, c->sel, &tm);
	if (!insp_id_rows(c, &tm)) {
		insp_escape(p, len, v, sizeof v);
		insp_row(c, "text", len ? v : "∅ (an empty token)", color_bucket(c->pal, theme_bucket(tm.p), 0));
		insp_byte_rows(c, p, len, t->flags & DOC_TOK_BYTES_DERIVED);
		insp_utf8(c, t);
	}
	insp_p(c, &tm, v, sizeof v);
	insp_row(c, "p", v, color_bucket(c->pal, theme_bucket(tm.p), 0));
	if (tm.rank > 0)
		snprintf(v, sizeof v, "%d of %u%s", tm.rank, t->nalt,
			 t->flags & DOC_TOK_FORCED ? " · forced by branch" : "");
	else
		snprintf(v, sizeof v, "not in the top %u", t->nalt);
	insp_row(c, "rank", t->nalt ? v : "— (no alternatives)",
		 color_role(c->pal, (tm.rank == 1 || !t->nalt) && !(t->flags & DOC_TOK_FORCED) ? ROLE_TEXT : ROLE_MARK));
	if (t->nalt)
		insp_margin(c, t, &tm);
	fmt_num(a, sizeof a, tm.h_lo, 2);
	fmt_num(b, sizeof b, tm.h_hi, 2);
	snprintf(v, sizeof v, "%s–%s nats", a, b);
	insp_row(c, "entropy", v, color_role(c->pal, ROLE_TEXT));
	fmt_ms(a, sizeof a, t->t_ms);
	if (t->flags & DOC_TOK_HAS_ID)
		snprintf(v, sizeof v, "%s · id %d", a, t->id);
	else
		snprintf(v, sizeof v, "%s", a);
	insp_row(c, "arrived", v, color_role(c->pal, ROLE_DIM));
}

/* One alternatives row: mark, rank, text, percentage, bar and, when the
 * pane is wide enough, the logprob. */
static void insp_alt_row(struct insp_ctx *c, struct rect r, const char *mark, const char *rank,
			 const char *text, double lp, struct style ts, struct style bs)
{
	int textw = r.w >= 44 ? 14 : r.w >= 30 ? 10 : 8, rest = r.w - 4 - textw - 7 - 1, lpw = rest >= 14 ? 8 : 0;
	int barw = rest - lpw;
	char pct[32], bar[256], lps[32];
	double p = exp(lp);

	if (c->y >= r.y + r.h)
		return;
	barw = barw > 30 ? 30 : barw;
	fmt_pct(pct, sizeof pct, p);
	fmt_signed(lps, sizeof lps, lp, 2);
	draw_str(c->y, r.x, 1, mark, color_role(c->pal, ROLE_MARK));
	draw_str_right(c->y, r.x + 1, 2, rank, color_role(c->pal, ROLE_DIM));
	draw_str_ellipsis(c->y, r.x + 4, textw, text, ts);
	draw_str_right(c->y, r.x + 4 + textw, 7, pct, ts);
	if (barw > 0) {
		fmt_bar(bar, sizeof bar, p, barw);
		draw_str(c->y, r.x + 4 + textw + 8, barw, bar, bs);
	}
	if (lpw && !isnan(lp) && !isinf(lp))
		draw_str_right(c->y, r.x + 4 + textw + 8 + barw, lpw, lps, color_role(c->pal, ROLE_DIM));
	c->y++;
}

/* Alternative j of the selected token as one row. */
static void insp_alt(struct insp_ctx *c, struct rect r, const struct doc_token *t, size_t j)
{
	const struct doc_alt *a = doc_alt(c->d, c->sel, j);
	bool chosen = (int)j + 1 == t->rank;
	char rank[8], text[256];
	size_t len;
	const uint8_t *p = doc_str(c->d, a->str, &len);

	insp_escape(p, len, text, sizeof text);
	snprintf(rank, sizeof rank, "%zu", j + 1);
	insp_alt_row(c, r, chosen ? "▸" : " ", rank, len ? text : "∅", a->logprob,
		     color_bucket(c->pal, theme_bucket(exp(a->logprob)), 0),
		     color_role(c->pal, chosen ? ROLE_BAR_CHOSEN : ROLE_BAR));
}

/* "alternatives (top 5)"; for probabilities taken after sampling (llama.cpp
 * post_sampling_probs and its pre-2025 shape) the longest of the titles
 * that say so and fit in w: they are another distribution than logprobs. */
static void insp_alts_title(const struct doc *d, const struct doc_token *t, int w, char *out, size_t outsz)
{
	snprintf(out, outsz, "alternatives (top %u)", t->nalt);
	if (!doc_info_c(d)->post_sampling)
		return;
	snprintf(out, outsz, "alternatives (top %u, post-sampling probabilities)", t->nalt);
	if (draw_width(out) > w)
		snprintf(out, outsz, "post-sampling probabilities (top %u)", t->nalt);
	if (draw_width(out) > w)
		snprintf(out, outsz, "post-sampling (top %u)", t->nalt);
}

/* Words of text wrapped into rows of r from c->y up to row last, in st. */
static void insp_wrap(struct insp_ctx *c, struct rect r, int last, const char *text, struct style st)
{
	size_t len = strlen(text);

	while (len > 0 && c->y < last) {
		size_t n = draw_fit(text, len, r.w), cut = n;

		if (n < len) {
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = n;
		}
		draw_strn(c->y++, r.x, r.w, text, cut, st);
		text += cut;
		len -= cut;
		while (len > 0 && *text == ' ') {
			text++;
			len--;
		}
	}
}

/* The alternatives with the keys (a): a cursor row to branch from, or the
 * reason the answer cannot branch. (The status bar shows the keys.) */
static void insp_alts_focus(struct insp_ctx *c, struct rect r, const struct doc_token *t)
{
	size_t rows = r.h > 1 ? (size_t)r.h - 1 : 1, first = 0, cur = c->ib->alt;

	c->y = r.y;
	if (c->ib->reason) {
		draw_str(c->y++, r.x, r.w, "cannot branch here", color_role(c->pal, ROLE_ERROR));
		insp_wrap(c, r, r.y + r.h, c->ib->reason, color_role(c->pal, ROLE_TEXT));
		return;
	}
	draw_str(c->y++, r.x, r.w, "branch from which alternative?", color_role(c->pal, ROLE_TITLE));
	if (cur >= rows)
		first = cur - rows + 1;
	for (size_t j = first; j < t->nalt && j < first + rows; j++) {
		int y = c->y;

		insp_alt(c, r, t, j);
		if (j == cur)
			draw_str(y, r.x + 3, 1, "›", color_role(c->pal, ROLE_SELECTED));
	}
}

/* The alternatives, best first. When they do not all fit, the chosen one
 * still shows (after the best ones), and the "others" row always does. */
static void insp_alts(struct insp_ctx *c, struct rect r)
{
	const struct doc_token *t = doc_token(c->d, c->sel);
	struct tok_metrics tm;
	char text[256], title[96];
	size_t len, shown, rows = r.h > 1 ? (size_t)r.h - 1 : 0, extra = t->rank == DOC_RANK_NONE ? 2 : 1;
	const uint8_t *p;

	if (c->ib && c->ib->focus && (t->nalt || c->ib->reason)) {
		insp_alts_focus(c, r, t);
		return;
	}
	metrics_token(c->d, c->sel, &tm);
	c->y = r.y;
	insp_alts_title(c->d, t, r.w, title, sizeof title);
	draw_str(c->y++, r.x, r.w, t->nalt ? title : "no alternatives (top_logprobs 0)",
		 color_role(c->pal, ROLE_TITLE));
	if (!t->nalt)
		return;
	shown = t->nalt + extra <= rows ? t->nalt : rows > extra ? rows - extra : 0;
	if (t->rank > (int)shown && shown > 0)
		shown--;
	for (size_t j = 0; j < shown; j++)
		insp_alt(c, r, t, j);
	if (t->rank > (int)shown)
		insp_alt(c, r, t, (size_t)t->rank - 1);
	if (t->rank == DOC_RANK_NONE) {
		p = doc_token_bytes(c->d, c->sel, &len);
		insp_escape(p, len, text, sizeof text);
		insp_alt_row(c, r, "▸", "—", text, t->logprob, color_role(c->pal, ROLE_ERROR),
			     color_role(c->pal, ROLE_BAR_CHOSEN));
	}
	insp_alt_row(c, r, " ", "", t->rank == DOC_RANK_NONE ? "others ▸" : "others",
		     tm.residual > 0 ? log(tm.residual) : -INFINITY,
		     color_role(c->pal, t->rank == DOC_RANK_NONE ? ROLE_ERROR : ROLE_DIM),
		     color_role(c->pal, ROLE_BAR));
}

/* Where the facts and the alternatives go inside the box (in): side by
 * side, the facts 2/5 of the width (36–50 columns), below INSP_TWO_COLS a
 * narrower facts column (values shorten: insp_p, insp_margin); stacked,
 * the facts above the alternatives, when the two do not fit side by side
 * or when the box is tall enough for all of both. */
static void insp_split(struct insp_ctx *c, struct rect in, struct rect *facts, struct rect *alts)
{
	const struct doc_token *t = doc_token(c->d, c->sel);
	int need, arows = t->nalt ? (int)t->nalt + 2 + (t->rank == DOC_RANK_NONE) : 1, fh, lw;

	c->dry = true;
	c->r = (struct rect){ in.y, in.x + 1, FACT_ROWS * 2, in.w - 2 };
	c->y = in.y;
	insp_facts(c);
	c->dry = false;
	need = c->y - in.y;
	if (in.w < INSP_FACTS_MIN + 2 + INSP_ALTS_MIN || (in.w < INSP_TWO_COLS && in.h >= need + 1 + arows)) {
		fh = in.h - need - 1 >= 4 ? need : in.h - 5;   /* the alternatives keep 4 rows */
		fh = fh < 1 ? in.h : fh;
		*facts = (struct rect){ in.y, in.x + 1, fh, in.w - 2 };
		*alts = (struct rect){ in.y + fh + 1, in.x + 1, in.h - fh - 1, in.w - 2 };
		return;
	}
	if (in.w >= INSP_TWO_COLS) {
		lw = in.w * 2 / 5;
		lw = lw < 36 ? 36 : lw > 50 ? 50 : lw;
	} else {
		lw = in.w - 26;
		lw = lw > 36 ? 36 : lw < INSP_FACTS_MIN ? INSP_FACTS_MIN : lw;
	}
	*facts = (struct rect){ in.y, in.x + 1, in.h, lw - 1 };
	*alts = (struct rect){ in.y, in.x + lw + 1, in.h, in.w - lw - 2 };
}

void inspector_draw(const struct doc *d, size_t sel, struct rect r, const struct palette *pal)
{
	inspector_draw_branch(d, sel, r, pal, NULL);
}

void inspector_draw_branch(const struct doc *d, size_t sel, struct rect r, const struct palette *pal,
			   const struct inspector_branch *ib)
{
	struct insp_ctx c = { .d = d, .sel = sel, .pal = pal, .ib = ib };
	struct rect in = draw_inner(r), left = in, right = in;
	const char *line = ib && ib->line ? ib->line : NULL;
	char title[512];

	draw_fill(r, color_role(pal, ROLE_TEXT));
	if (sel < doc_count(d))
		snprintf(title, sizeof title, "token %zu of %zu%s%s", sel + 1, doc_count(d), line ? " · " : "",
			 line ? line : "");
	else
		snprintf(title, sizeof title, "token%s%s", line ? " · " : "", line ? line : "");
	draw_box(r, title, color_role(pal, ROLE_BORDER), color_role(pal, ROLE_TITLE));
	if (sel >= doc_count(d)) {
		draw_str(in.y, in.x + 1, in.w - 1, "no token selected", color_role(pal, ROLE_DIM));
		return;
	}
	insp_split(&c, in, &left, &right);
	c.r = left;
	c.y = left.y;
	insp_facts(&c);
	c.r = right;
	if (right.h > 0)
		insp_alts(&c, right);
}
