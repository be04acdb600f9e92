/* test_text.c — strict UTF-8 decoding, token states across token edges,
 * and the visible rendering of untrusted bytes with its widths. */
#include <locale.h>
#include <stdbool.h>
#include <wchar.h>

#include <cJSON.h>

#include "src/text.h"
#include "src/err.h"
#include "tests/unit/testutil.h"

#define U8(s) ((const uint8_t *)(s))

static int setup_locale(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return -1;
	return 0;
}

/* Reference encoder, written from the table in RFC 3629. */
static size_t encode(uint32_t cp, uint8_t *out)
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xC0 | (cp >> 6));
		out[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xE0 | (cp >> 12));
		out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (uint8_t)(0xF0 | (cp >> 18));
	out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

static size_t decode_str(const char *s, uint32_t *cp)
{
	*cp = 0xFFFFFFFFu;
	return utf8_decode(U8(s), strlen(s), cp);
}

/* ---- utf8_decode / utf8_valid ----------------------------------------- */

static void decode_gives_code_point_and_length(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(decode_str("A", &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(decode_str("\xC3\xA9", &cp), 2);          /* é */
	assert_int_equal(cp, 0xE9);
	assert_int_equal(decode_str("\xE3\x81\x8A", &cp), 3);      /* お */
	assert_int_equal(cp, 0x304A);
	assert_int_equal(decode_str("\xF0\x9F\x98\x80!", &cp), 4); /* 😀, then more text */
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(decode_str("\xC2\x80", &cp), 2);
	assert_int_equal(cp, 0x80);
	assert_int_equal(decode_str("\xDF\xBF", &cp), 2);
	assert_int_equal(cp, 0x7FF);
	assert_int_equal(decode_str("\xE0\xA0\x80", &cp), 3);
	assert_int_equal(cp, 0x800);
	assert_int_equal(decode_str("\xED\x9F\xBF", &cp), 3);
	assert_int_equal(cp, 0xD7FF);
	assert_int_equal(decode_str("\xEE\x80\x80", &cp), 3);
	assert_int_equal(cp, 0xE000);
	assert_int_equal(decode_str("\xEF\xBF\xBF", &cp), 3);
	assert_int_equal(cp, 0xFFFF);
	assert_int_equal(decode_str("\xF0\x90\x80\x80", &cp), 4);
	assert_int_equal(cp, 0x10000);
	assert_int_equal(decode_str("\xF4\x8F\xBF\xBF", &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	assert_int_equal(utf8_decode(U8("\0"), 1, &cp), 1);
	assert_int_equal(cp, 0);
}

static void decode_rejects_overlongs_surrogates_and_out_of_range(void **state)
{
	static const char *const bad[] = {
		"\xC0\x80", "\xC1\xBF",                  /* overlong 2-byte */
		"\xE0\x80\x80", "\xE0\x9F\xBF",          /* overlong 3-byte */
		"\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF",  /* overlong 4-byte */
		"\xED\xA0\x80", "\xED\xBF\xBF",          /* surrogates D800, DFFF */
		"\xF4\x90\x80\x80", "\xF7\xBF\xBF\xBF",  /* above U+10FFFF */
		"\xF8\x88\x80\x80\x80", "\xFE", "\xFF",  /* never lead */
		"\x80", "\xBF",                          /* lone continuation bytes */
		"\xE3\x41\x81", "\xC3\xC3\xA9",          /* continuation missing */
		"\xF0\x9F\x98", "\xE3\x81", "\xC3",      /* cut short */
	};
	uint32_t cp;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (decode_str(bad[i], &cp) != 0)
			fail_msg("bad sequence %zu decoded", i);
	/* n, not the NUL, bounds the sequence. */
	assert_int_equal(utf8_decode(U8("\xE3\x81\x8A"), 2, &cp), 0);
	assert_int_equal(utf8_decode(U8("A"), 0, &cp), 0);
}

static void decode_round_trips_every_code_point(void **state)
{
	uint8_t b[4];

	(void)state;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		size_t n = encode(cp, b);
		uint32_t got = 0xFFFFFFFFu;
		size_t k = utf8_decode(b, n, &got);

		if (cp >= 0xD800 && cp <= 0xDFFF) {
			if (k != 0)
				fail_msg("surrogate U+%04X accepted", (unsigned)cp);
			continue;
		}
		if (k != n || got != cp)
			fail_msg("U+%04X: length %zu, got U+%04X", (unsigned)cp, k, (unsigned)got);
		if (n > 1 && utf8_decode(b, n - 1, &got) != 0)
			fail_msg("U+%04X accepted cut short", (unsigned)cp);
	}
}

/* The library's encoder agrees with this file's, byte for byte. */
static void encode_matches_an_independent_encoder(void **state)
{
	uint8_t want[4];
	char got[4];

	(void)state;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		size_t n = encode(cp, want), k = utf8_encode(cp, got);

		if (k != n || memcmp(got, want, n) != 0)
			fail_msg("U+%04X: %zu bytes, want %zu", (unsigned)cp, k, n);
	}
	assert_int_equal(utf8_encode(0x1F600, got), 4);
	assert_memory_equal(got, "\xF0\x9F\x98\x80", 4);
}

/* Counting every valid sequence among all byte strings of a length checks
 * that nothing else (overlongs, surrogates) gets through. */
static void decode_accepts_exactly_the_valid_sequences(void **state)
{
	size_t two = 0, three = 0, four = 0;
	uint8_t b[4];
	uint32_t cp;

	(void)state;
	for (unsigned i = 0; i < 0x10000; i++) {
		b[0] = (uint8_t)(i >> 8);
		b[1] = (uint8_t)i;
		two += utf8_decode(b, 2, &cp) == 2;
	}
	for (unsigned i = 0; i < 0x100000; i++) {
		b[0] = (uint8_t)(0xE0 | (i >> 16));
		b[1] = (uint8_t)(i >> 8);
		b[2] = (uint8_t)i;
		three += utf8_decode(b, 3, &cp) == 3;
	}
	b[2] = b[3] = 0x80;
	for (unsigned i = 0; i < 0x1000; i++) {
		b[0] = (uint8_t)(0xF0 | (i >> 8));
		b[1] = (uint8_t)i;
		four += utf8_decode(b, 4, &cp) == 4;
	}
	assert_int_equal(two, 0x800 - 0x80);
	assert_int_equal(three, 0x10000 - 0x800 - 0x800);
	/* Second bytes allowed: F0 90..BF (48), F1–F3 80..BF (3 x 64), F4 80..8F (16). */
	assert_int_equal(four, 48 + 3 * 64 + 16);
}

static void valid_checks_the_whole_string(void **state)
{
	(void)state;
	assert_true(utf8_valid(U8(""), 0));
	assert_true(utf8_valid(U8("plain ascii\n"), 12));
	assert_true(utf8_valid(U8("caf\xC3\xA9 \xE3\x81\x8A \xF0\x9F\x98\x80"), 14));
	assert_false(utf8_valid(U8("caf\xC3"), 4));
	assert_false(utf8_valid(U8("a\x80z"), 3));
	assert_false(utf8_valid(U8("\xC0\x80"), 2));
	assert_false(utf8_valid(U8("\xED\xA0\x80"), 3));
	assert_false(utf8_valid(U8("ok\xF0\x9F\x98"), 5));
	assert_true(utf8_valid(U8("ok\xF0\x9F\x98"), 2));
}

/* ---- token states ----------------------------------------------------- */

static void state_names_are_distinct(void **state)
{
	const enum utf8_state all[] = { UTF8_COMPLETE, UTF8_STARTS, UTF8_CONTINUES,
					UTF8_MIDDLE, UTF8_INVALID, UTF8_EMPTY };

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		assert_true(strlen(utf8_state_name(all[i])) > 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(utf8_state_name(all[i]), utf8_state_name(all[j]));
	}
	assert_string_equal(utf8_state_name(UTF8_COMPLETE), "complete");
	assert_string_equal(utf8_state_name(UTF8_INVALID), "invalid UTF-8");
}

struct span {
	enum utf8_state state;
	size_t off, len;
};

static struct span token_state(const char *text, size_t text_len, size_t off, size_t len)
{
	struct span s = { .off = 999, .len = 999 };

	s.state = utf8_token_state(U8(text), text_len, off, len, &s.off, &s.len);
	return s;
}

static void assert_span(struct span got, enum utf8_state state, size_t off, size_t len)
{
	if (got.state != state)
		fail_msg("state %s, want %s", utf8_state_name(got.state), utf8_state_name(state));
	assert_int_equal(got.len, len);
	if (len)
		assert_int_equal(got.off, off);
}

static void emoji_split_across_tokens_starts_then_continues(void **state)
{
	/* Tokens "a\xF0\x9F\x98" and "\x80b": 😀 is bytes 1..4. */
	static const char text[] = "a\xF0\x9F\x98\x80" "b";

	(void)state;
	assert_span(token_state(text, 6, 0, 4), UTF8_STARTS, 1, 4);
	assert_span(token_state(text, 6, 4, 2), UTF8_CONTINUES, 1, 4);
	/* F0 9F 98 | 80, as the recordings' byte-fallback tokens would cut it. */
	assert_span(token_state(text, 6, 1, 3), UTF8_STARTS, 1, 4);
	assert_span(token_state(text, 6, 4, 1), UTF8_CONTINUES, 1, 4);
	assert_span(token_state(text, 6, 1, 4), UTF8_COMPLETE, 0, 0);
	assert_span(token_state(text, 6, 0, 6), UTF8_COMPLETE, 0, 0);
}

static void token_inside_or_between_characters_is_middle(void **state)
{
	/* お は = E3 81 8A E3 81 AF */
	static const char text[] = "\xE3\x81\x8A\xE3\x81\xAF";

	(void)state;
	assert_span(token_state(text, 6, 1, 1), UTF8_MIDDLE, 0, 3);       /* inside お */
	assert_span(token_state(text, 6, 1, 3), UTF8_MIDDLE, 0, 3);       /* end of お, start of は */
	assert_span(token_state(text, 6, 2, 2), UTF8_MIDDLE, 0, 3);
	assert_span(token_state(text, 6, 0, 1), UTF8_STARTS, 0, 3);
	assert_span(token_state(text, 6, 4, 2), UTF8_CONTINUES, 3, 3);
	assert_span(token_state(text, 6, 0, 3), UTF8_COMPLETE, 0, 0);
	assert_span(token_state(text, 6, 3, 3), UTF8_COMPLETE, 0, 0);
}

static void bytes_that_fit_no_context_are_invalid(void **state)
{
	(void)state;
	assert_span(token_state("\x80", 1, 0, 1), UTF8_INVALID, 0, 0);
	assert_span(token_state("ab\x80", 3, 2, 1), UTF8_INVALID, 0, 0);
	assert_span(token_state("\xC0\x80", 2, 0, 2), UTF8_INVALID, 0, 0);
	assert_span(token_state("\xC0\x80", 2, 1, 1), UTF8_INVALID, 0, 0);
	assert_span(token_state("\xED\xA0\x80", 3, 0, 1), UTF8_INVALID, 0, 0);
	assert_span(token_state("\xED\xA0\x80", 3, 1, 2), UTF8_INVALID, 0, 0);
	assert_span(token_state("a\xFF" "b", 3, 0, 3), UTF8_INVALID, 0, 0);
	/* A fifth byte after a complete 4-byte character. */
	assert_span(token_state("\xF0\x9F\x98\x80\x80", 5, 4, 1), UTF8_INVALID, 0, 0);
	/* A start that the next token does not continue. */
	assert_span(token_state("\xF0\x9F" "a", 3, 0, 2), UTF8_INVALID, 0, 0);
	/* Invalid wins over a partial character in the same token. */
	assert_span(token_state("\xC3\xA9\xFF\xC3\xA9", 5, 1, 2), UTF8_INVALID, 0, 2);
}

static void start_cut_off_by_the_end_of_text_starts(void **state)
{
	/* The stream may still bring the rest of 😀. */
	assert_span(token_state("a\xF0\x9F", 3, 1, 2), UTF8_STARTS, 1, 2);
	assert_span(token_state("a\xF0\x9F", 3, 2, 1), UTF8_MIDDLE, 1, 2);
	(void)state;
}

static void empty_token_and_out_of_range_token(void **state)
{
	(void)state;
	assert_span(token_state("abc", 3, 1, 0), UTF8_EMPTY, 0, 0);
	assert_span(token_state("abc", 3, 3, 0), UTF8_EMPTY, 0, 0);
	assert_span(token_state("", 0, 0, 0), UTF8_EMPTY, 0, 0);
	/* A token reaching past the text is cut at its end. */
	assert_span(token_state("ab\xC3\xA9", 4, 2, 10), UTF8_COMPLETE, 0, 0);
	assert_span(token_state("abc", 3, 7, 2), UTF8_EMPTY, 0, 0);
	assert_int_equal(utf8_token_state(U8("\xC3\xA9"), 2, 1, 1, NULL, NULL), UTF8_CONTINUES);
}

/* ---- the recording ---------------------------------------------------- */

struct tokens {
	cJSON *root;
	const char *content;
	uint8_t text[1024];
	size_t len;
	size_t off[64], tlen[64];
	size_t n;
};

/* Loads a non-streamed chat answer: content and each token's bytes. */
static void tokens_load(struct tokens *t, const char *cas)
{
	char path[512];
	char *body = tu_read_file(tu_fixture(path, sizeof(path), "llamacpp-stories260k", cas,
					     "response"), NULL);
	const cJSON *choice, *tok;

	memset(t, 0, sizeof(*t));
	t->root = cJSON_Parse(body);
	free(body);
	assert_non_null(t->root);
	choice = cJSON_GetArrayItem(cJSON_GetObjectItem(t->root, "choices"), 0);
	t->content = cJSON_GetStringValue(
		cJSON_GetObjectItem(cJSON_GetObjectItem(choice, "message"), "content"));
	assert_non_null(t->content);
	cJSON_ArrayForEach(tok, cJSON_GetObjectItem(cJSON_GetObjectItem(choice, "logprobs"),
						    "content")) {
		const cJSON *byte;

		assert_true(t->n < 64);
		t->off[t->n] = t->len;
		cJSON_ArrayForEach(byte, cJSON_GetObjectItem(tok, "bytes")) {
			assert_true(t->len < sizeof(t->text));
			t->text[t->len++] = (uint8_t)byte->valueint;
		}
		t->tlen[t->n] = t->len - t->off[t->n];
		t->n++;
	}
}

static void recorded_emoji_answer_is_valid_with_expected_width(void **state)
{
	static const char want[] = "Good morning! \xF0\x9F\x98\x80\xF0\x9F\x8C\x9E caf\xC3\xA9";
	struct tokens t;
	struct buf out;

	(void)state;
	tokens_load(&t, "d_utf8_forced_emoji_nonstream");
	assert_string_equal(t.content, want);
	/* The tokens' bytes put together are the content. */
	assert_int_equal(t.len, strlen(want));
	assert_memory_equal(t.text, want, t.len);
	assert_true(utf8_valid(t.text, t.len));
	/* 14 ASCII columns, two wide emoji, " café". */
	assert_int_equal(text_escape_width(t.text, t.len, TEXT_FLOW), 14 + 2 + 2 + 5);
	assert_int_equal(text_escape_width(t.text, t.len, TEXT_INSPECT), 14 + 2 + 2 + 5);
	buf_init(&out, 0);
	assert_int_equal(text_escape(&out, t.text, t.len, TEXT_FLOW), TS_OK);
	assert_string_equal(buf_str(&out), want);
	buf_reset(&out);
	assert_int_equal(text_escape(&out, t.text, t.len, TEXT_INSPECT), TS_OK);
	assert_string_equal(buf_str(&out), "Good\xE2\x90\xA3morning!\xE2\x90\xA3"
			    "\xF0\x9F\x98\x80\xF0\x9F\x8C\x9E\xE2\x90\xA3" "caf\xC3\xA9");
	buf_fini(&out);
	/* Every token holds whole characters; the last one is empty. */
	for (size_t i = 0; i < t.n; i++) {
		enum utf8_state want_state = t.tlen[i] ? UTF8_COMPLETE : UTF8_EMPTY;

		assert_int_equal(utf8_token_state(t.text, t.len, t.off[i], t.tlen[i], NULL, NULL),
				 want_state);
	}
	assert_int_equal(t.tlen[11], 4);  /* 😀 is one token */
	cJSON_Delete(t.root);
}

static void recorded_japanese_answer_is_wide(void **state)
{
	struct tokens t;

	(void)state;
	tokens_load(&t, "d_utf8_forced_japanese_nonstream");
	assert_string_equal(t.content, "\xE3\x81\x8A\xE3\x81\xAF\xE3\x82\x88\xE3\x81\x86\xE3\x81"
			    "\x94\xE3\x81\x96\xE3\x81\x84\xE3\x81\xBE\xE3\x81\x99");
	assert_int_equal(t.len, 27);
	assert_true(utf8_valid(t.text, t.len));
	assert_int_equal(text_escape_width(t.text, t.len, TEXT_FLOW), 18);
	for (size_t i = 0; i + 1 < t.n; i++) {
		size_t co = 99, cl = 99;

		assert_int_equal(t.tlen[i], 3);
		assert_int_equal(utf8_token_state(t.text, t.len, t.off[i], t.tlen[i], &co, &cl),
				 UTF8_COMPLETE);
		assert_int_equal(cl, 0);
		assert_int_equal(text_escape_width(t.text + t.off[i], 3, TEXT_INSPECT), 2);
	}
	/* Cut each character after its first byte: the pieces start and continue. */
	for (size_t i = 0; i + 1 < t.n; i++) {
		size_t co = 99, cl = 99;

		assert_int_equal(utf8_token_state(t.text, t.len, t.off[i], 1, &co, &cl), UTF8_STARTS);
		assert_int_equal(co, t.off[i]);
		assert_int_equal(cl, 3);
		assert_int_equal(utf8_token_state(t.text, t.len, t.off[i] + 1, 2, &co, &cl),
				 UTF8_CONTINUES);
		assert_int_equal(co, t.off[i]);
		/* Alone, the piece is not UTF-8: shown byte by byte. */
		assert_int_equal(text_escape_width(t.text + t.off[i], 1, TEXT_FLOW), 4);
	}
	cJSON_Delete(t.root);
}

/* ---- escaping --------------------------------------------------------- */

static void assert_escape(const char *in, size_t n, enum text_mode mode, const char *want,
			  size_t want_width)
{
	struct buf out;

	buf_init(&out, 0);
	assert_int_equal(text_escape(&out, U8(in), n, mode), TS_OK);
	if (strcmp(buf_str(&out), want) != 0)
		fail_msg("escaped \"%s\", want \"%s\"", buf_str(&out), want);
	assert_int_equal(text_escape_width(U8(in), n, mode), want_width);
	buf_fini(&out);
}

#define ESC(in, mode, want, width) assert_escape(in, sizeof(in) - 1, mode, want, width)

static void escape_sequence_shows_as_control_picture(void **state)
{
	(void)state;
	ESC("\x1b[31mred", TEXT_FLOW, "\xE2\x90\x9B[31mred", 8);   /* ␛[31mred */
	ESC("\x1b[31mred", TEXT_INSPECT, "\xE2\x90\x9B[31mred", 8);
	ESC("\x1b]0;title\x07", TEXT_FLOW, "\xE2\x90\x9B]0;title\xE2\x90\x87", 10);
}

static void c0_controls_and_del_become_pictures(void **state)
{
	(void)state;
	ESC("\0", TEXT_FLOW, "\xE2\x90\x80", 1);           /* ␀ */
	ESC("\x01", TEXT_FLOW, "\xE2\x90\x81", 1);         /* ␁ */
	ESC("\x08", TEXT_FLOW, "\xE2\x90\x88", 1);         /* ␈ */
	ESC("\x1f", TEXT_FLOW, "\xE2\x90\x9F", 1);         /* ␟ */
	ESC("\r", TEXT_FLOW, "\xE2\x90\x8D", 1);           /* ␍ */
	ESC("\x7f", TEXT_FLOW, "\xE2\x90\xA1", 1);         /* ␡ */
	ESC("\x7f", TEXT_INSPECT, "\xE2\x90\xA1", 1);
	ESC("a\0b", TEXT_INSPECT, "a\xE2\x90\x80" "b", 3);
}

static void flow_keeps_whitespace_inspect_shows_it(void **state)
{
	(void)state;
	ESC("a b\tc\nd", TEXT_FLOW, "a b\tc\nd", 6);  /* the tab one, the newline none */
	/* a␣b⇥c␍↵d */
	ESC("a b\tc\r\nd", TEXT_INSPECT,
	    "a\xE2\x90\xA3" "b\xE2\x87\xA5" "c\xE2\x90\x8D\xE2\x86\xB5" "d", 8);
	ESC("  ", TEXT_INSPECT, "\xE2\x90\xA3\xE2\x90\xA3", 2);
}

static void c1_bidi_and_unprintable_characters_are_named(void **state)
{
	(void)state;
	ESC("\xC2\x85", TEXT_FLOW, "<U+0085>", 8);               /* NEL */
	ESC("\xC2\x9B" "31m", TEXT_FLOW, "<U+009B>31m", 11);     /* CSI */
	ESC("\xC2\x80\xC2\x9F", TEXT_INSPECT, "<U+0080><U+009F>", 16);
	ESC("a\xE2\x80\xAE" "b", TEXT_FLOW, "a<U+202E>b", 10);   /* right-to-left override */
	ESC("\xE2\x80\xAA", TEXT_FLOW, "<U+202A>", 8);
	ESC("\xE2\x81\xA6", TEXT_FLOW, "<U+2066>", 8);
	ESC("\xE2\x81\xA9", TEXT_FLOW, "<U+2069>", 8);
	ESC("\xE2\x80\xA8", TEXT_FLOW, "<U+2028>", 8);           /* line separator: wcwidth -1 */
	ESC("\xF4\x8F\xBF\xBF", TEXT_FLOW, "<U+10FFFF>", 10);    /* noncharacter */
	/* Neighbours of the ranges pass. */
	ESC("\xC2\xA0", TEXT_FLOW, "\xC2\xA0", 1);               /* no-break space */
	ESC("\xE2\x80\xA9\xE2\x80\xAF", TEXT_FLOW, "<U+2029>\xE2\x80\xAF", 9);
}

static void invalid_and_partial_bytes_are_shown_one_by_one(void **state)
{
	(void)state;
	ESC("\xF0\x9F\x98", TEXT_FLOW, "<F0><9F><98>", 12);
	ESC("\x80", TEXT_FLOW, "<80>", 4);
	ESC("\xC0\x80", TEXT_INSPECT, "<C0><80>", 8);
	ESC("\xED\xA0\x80", TEXT_FLOW, "<ED><A0><80>", 12);
	ESC("\xFF" "ok", TEXT_FLOW, "<FF>ok", 6);
	ESC("\xC3\xC3\xA9", TEXT_FLOW, "<C3>\xC3\xA9", 5);
}

static void valid_text_passes_with_its_width(void **state)
{
	(void)state;
	ESC("caf\xC3\xA9", TEXT_FLOW, "caf\xC3\xA9", 4);
	ESC("\xE6\x97\xA5\xE6\x9C\xAC", TEXT_FLOW, "\xE6\x97\xA5\xE6\x9C\xAC", 4);  /* 日本 */
	ESC("\xE3\x81\x8A", TEXT_INSPECT, "\xE3\x81\x8A", 2);
	ESC("\xF0\x9F\x98\x80", TEXT_FLOW, "\xF0\x9F\x98\x80", 2);
	ESC("e\xCC\x81", TEXT_FLOW, "e\xCC\x81", 1);  /* combining acute: no column */
	ESC("", TEXT_FLOW, "", 0);
}

static void escape_appends_to_what_is_there(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, 0);
	assert_int_equal(buf_puts(&out, "> "), TS_OK);
	assert_int_equal(text_escape(&out, U8("\x1b"), 1, TEXT_FLOW), TS_OK);
	assert_string_equal(buf_str(&out), "> \xE2\x90\x9B");
	buf_fini(&out);
	/* A full buffer reports it. */
	buf_init(&out, 4);
	assert_int_equal(text_escape(&out, U8("\xFF\xFF"), 2, TEXT_FLOW), TS_ETOOBIG);
	buf_fini(&out);
}

/* Random mixes of awkward pieces: the rendering is valid UTF-8 without any
 * control byte, and its width as the C library measures it matches. */
static void escaped_output_is_safe_and_width_matches_wcswidth(void **state)
{
	static const char *const pieces[] = {
		"a", " ", "\t", "\n", "\r", "\x1b", "\x7f", "\0", "\xC3\xA9", "\xE6\x97\xA5",
		"\xF0\x9F\x98\x80", "\xF0\x9F", "\x80", "\xC2\x85", "\xE2\x80\xAE", "\xCC\x81",
		"\xFF", "\xED\xA0\x80", "\xE2\x80\xA8", "[", "\xC0",
	};
	static const size_t plen[] = { 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 2, 1, 2, 3, 2, 1, 3, 3, 1, 1 };
	uint32_t seed = 7;
	int rounds = tu_quick() ? 200 : 3000;

	(void)state;
	for (int r = 0; r < rounds; r++) {
		uint8_t in[128];
		size_t n = 0;
		struct buf out;
		wchar_t wide[1024];
		size_t nw;

		while (n < 100) {
			size_t k = tu_rand(&seed) % (sizeof(plen) / sizeof(plen[0]));

			memcpy(in + n, pieces[k], plen[k]);
			n += plen[k];
		}
		buf_init(&out, 0);
		assert_int_equal(text_escape(&out, in, n, TEXT_INSPECT), TS_OK);
		assert_true(utf8_valid(U8(out.data), out.len));
		for (size_t i = 0; i < out.len; i++)
			assert_true((uint8_t)out.data[i] >= 0x20 && (uint8_t)out.data[i] != 0x7F);
		assert_null(strstr(out.data, "\xC2\x85"));
		nw = mbstowcs(wide, out.data, sizeof(wide) / sizeof(wide[0]));
		assert_true(nw != (size_t)-1);
		assert_int_equal(wcswidth(wide, nw), (int)text_escape_width(in, n, TEXT_INSPECT));
		buf_fini(&out);
	}
}

static void without_a_utf8_locale_characters_count_one_column(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_ALL, "C"));
	ESC("caf\xC3\xA9", TEXT_FLOW, "caf\xC3\xA9", 4);
	ESC("\xE6\x97\xA5", TEXT_FLOW, "\xE6\x97\xA5", 1);
	ESC("\xC2\x85\xE2\x80\xAE", TEXT_FLOW, "<U+0085><U+202E>", 16);
	ESC("\x1b", TEXT_INSPECT, "\xE2\x90\x9B", 1);
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_gives_code_point_and_length),
		cmocka_unit_test(decode_rejects_overlongs_surrogates_and_out_of_range),
		cmocka_unit_test(decode_round_trips_every_code_point),
		cmocka_unit_test(encode_matches_an_independent_encoder),
		cmocka_unit_test(decode_accepts_exactly_the_valid_sequences),
		cmocka_unit_test(valid_checks_the_whole_string),
		cmocka_unit_test(state_names_are_distinct),
		cmocka_unit_test(emoji_split_across_tokens_starts_then_continues),
		cmocka_unit_test(token_inside_or_between_characters_is_middle),
		cmocka_unit_test(bytes_that_fit_no_context_are_invalid),
		cmocka_unit_test(start_cut_off_by_the_end_of_text_starts),
		cmocka_unit_test(empty_token_and_out_of_range_token),
		cmocka_unit_test(recorded_emoji_answer_is_valid_with_expected_width),
		cmocka_unit_test(recorded_japanese_answer_is_wide),
		cmocka_unit_test(escape_sequence_shows_as_control_picture),
		cmocka_unit_test(c0_controls_and_del_become_pictures),
		cmocka_unit_test(flow_keeps_whitespace_inspect_shows_it),
		cmocka_unit_test(c1_bidi_and_unprintable_characters_are_named),
		cmocka_unit_test(invalid_and_partial_bytes_are_shown_one_by_one),
		cmocka_unit_test(valid_text_passes_with_its_width),
		cmocka_unit_test(escape_appends_to_what_is_there),
		cmocka_unit_test(escaped_output_is_safe_and_width_matches_wcswidth),
		cmocka_unit_test(without_a_utf8_locale_characters_count_one_column),
	};

	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
