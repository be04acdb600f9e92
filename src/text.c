#include "src/text.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "src/err.h"

/* ---- decoding ----------------------------------------------------------- */

/* The length a lead byte announces and the range its second byte must fall
 * in; the ranges exclude overlongs (E0, F0), surrogates (ED) and code
 * points above U+10FFFF (F4). need is 0 for bytes that never lead. */
struct utf8_lead {
	uint8_t need;
	uint8_t lo, hi;
};

static struct utf8_lead utf8_lead_of(uint8_t b)
{
	if (b < 0x80)
		return (struct utf8_lead){ .need = 1 };
	if (b < 0xC2)
		return (struct utf8_lead){ .need = 0 };
	if (b < 0xE0)
		return (struct utf8_lead){ .need = 2, .lo = 0x80, .hi = 0xBF };
	if (b == 0xE0)
		return (struct utf8_lead){ .need = 3, .lo = 0xA0, .hi = 0xBF };
	if (b == 0xED)
		return (struct utf8_lead){ .need = 3, .lo = 0x80, .hi = 0x9F };
	if (b < 0xF0)
		return (struct utf8_lead){ .need = 3, .lo = 0x80, .hi = 0xBF };
	if (b == 0xF0)
		return (struct utf8_lead){ .need = 4, .lo = 0x90, .hi = 0xBF };
	if (b < 0xF4)
		return (struct utf8_lead){ .need = 4, .lo = 0x80, .hi = 0xBF };
	if (b == 0xF4)
		return (struct utf8_lead){ .need = 4, .lo = 0x80, .hi = 0x8F };
	return (struct utf8_lead){ .need = 0 };
}

/* How many bytes at p[0..n) are a well-formed start of one sequence (at
 * most *need, the length its lead announces; 0 when p[0] cannot lead). */
static size_t utf8_match(const uint8_t *p, size_t n, size_t *need, uint32_t *cp)
{
	struct utf8_lead l = utf8_lead_of(p[0]);
	uint32_t c;
	size_t i;

	*need = l.need;
	if (l.need <= 1) {
		*cp = p[0];
		return l.need;
	}
	c = p[0] & (0x7Fu >> l.need);
	for (i = 1; i < l.need && i < n; i++) {
		uint8_t lo = i == 1 ? l.lo : 0x80, hi = i == 1 ? l.hi : 0xBF;

		if (p[i] < lo || p[i] > hi)
			break;
		c = (c << 6) | (p[i] & 0x3Fu);
	}
	*cp = c;
	return i;
}

int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	size_t need, got;
	uint32_t c;

	if (n == 0)
		return 0;
	got = utf8_match(p, n, &need, &c);
	if (need == 0 || got != need)
		return 0;
	if (cp)
		*cp = c;
	return need;
}

bool utf8_valid(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_decode(p + i, n - i, NULL);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

/* ---- token state -------------------------------------------------------- */

#define UTF8_STATES(X) \
	X(UTF8_COMPLETE,  "complete") \
	X(UTF8_STARTS,    "starts a character") \
	X(UTF8_CONTINUES, "continues a character") \
	X(UTF8_MIDDLE,    "middle of a character") \
	X(UTF8_INVALID,   "invalid UTF-8") \
	X(UTF8_EMPTY,     "empty")

const char *utf8_state_name(enum utf8_state s)
{
	switch (s) {
#define UTF8_CASE(name, text) case name: return text;
	UTF8_STATES(UTF8_CASE)
#undef UTF8_CASE
	}
	return "unknown";
}

/* One step of decoding the whole text: a character, the valid start of
 * one cut off by the end of the text, or one byte that is not UTF-8. */
enum unit_kind { UNIT_CHAR, UNIT_PARTIAL, UNIT_BAD };

struct unit {
	size_t off, len;
	enum unit_kind kind;
};

static bool utf8_is_cont(uint8_t b)
{
	return (b & 0xC0) == 0x80;
}

static struct unit unit_at(const uint8_t *t, size_t tl, size_t s)
{
	size_t need, got;
	uint32_t cp;

	got = utf8_match(t + s, tl - s, &need, &cp);
	if (need > 0 && got == need)
		return (struct unit){ .off = s, .len = need, .kind = UNIT_CHAR };
	if (got > 0 && s + got == tl)
		return (struct unit){ .off = s, .len = got, .kind = UNIT_PARTIAL };
	return (struct unit){ .off = s, .len = 1, .kind = UNIT_BAD };
}

/* The unit holding byte x. UTF-8 resynchronises at any byte that is not a
 * continuation byte, so a character holding x starts at most 3 bytes back,
 * at the nearest such byte; if that one does not reach x, x is alone. */
static struct unit unit_cover(const uint8_t *t, size_t tl, size_t x)
{
	if (utf8_is_cont(t[x])) {
		for (size_t j = 1; j <= 3 && j <= x; j++) {
			struct unit u;

			if (utf8_is_cont(t[x - j]))
				continue;
			u = unit_at(t, tl, x - j);
			if (u.kind != UNIT_BAD && u.off + u.len > x)
				return u;
			break;
		}
	}
	return unit_at(t, tl, x);
}

static void span_set(size_t *off, size_t *len, struct unit u)
{
	if (off)
		*off = u.off;
	if (len)
		*len = u.len;
}

enum utf8_state utf8_token_state(const uint8_t *text, size_t text_len, size_t off, size_t len,
				 size_t *char_off, size_t *char_len)
{
	struct unit first, last;
	size_t end, pos;
	bool bad = false, continues, starts;

	span_set(char_off, char_len, (struct unit){ 0 });
	off = off < text_len ? off : text_len;
	len = len < text_len - off ? len : text_len - off;
	if (len == 0)
		return UTF8_EMPTY;
	end = off + len;
	first = unit_cover(text, text_len, off);
	last = first;
	for (pos = first.off; pos < end; pos += last.len) {
		last = unit_at(text, text_len, pos);
		bad = bad || last.kind == UNIT_BAD;
	}
	continues = first.off < off;
	starts = last.off + last.len > end || last.kind == UNIT_PARTIAL;
	if (continues || starts)
		span_set(char_off, char_len, continues ? first : last);
	if (bad)
		return UTF8_INVALID;
	if (continues && starts)
		return UTF8_MIDDLE;
	if (continues)
		return UTF8_CONTINUES;
	return starts ? UTF8_STARTS : UTF8_COMPLETE;
}

/* ---- escaping ----------------------------------------------------------- */

enum glyph_kind {
	GLYPH_RAW,        /* the input bytes as they are */
	GLYPH_PICTURE,    /* a visible stand-in character (␛, ␣, ↵ ...) */
	GLYPH_BYTE,       /* "<F0>": a byte that is not UTF-8 */
	GLYPH_CODEPOINT,  /* "<U+202E>": a character the terminal must not get */
};

struct glyph {
	enum glyph_kind kind;
	size_t len;      /* input bytes it stands for */
	uint32_t cp;     /* picture or code point to show */
	size_t width;    /* terminal columns of the rendering */
};

#define PIC_DEL    0x2421u  /* ␡ */
#define PIC_SPACE  0x2423u  /* ␣ */
#define PIC_TAB    0x21E5u  /* ⇥ */
#define PIC_LF     0x21B5u  /* ↵ */
#define PIC_C0     0x2400u  /* ␀, ␁ ... ␟: U+2400 + the control's code */

/* The stand-in for an ASCII byte, or 0 when it is shown as it is. */
static uint32_t ascii_picture(uint8_t b, enum text_mode mode)
{
	if (b == 0x7F)
		return PIC_DEL;
	if (mode == TEXT_INSPECT && b == ' ')
		return PIC_SPACE;
	if (mode == TEXT_INSPECT && b == '\t')
		return PIC_TAB;
	if (mode == TEXT_INSPECT && b == '\n')
		return PIC_LF;
	if (b == '\t' || b == '\n' || b >= 0x20)
		return 0;
	return PIC_C0 + b;
}

static struct glyph glyph_ascii(uint8_t b, enum text_mode mode)
{
	uint32_t pic = ascii_picture(b, mode);

	if (pic)
		return (struct glyph){ .kind = GLYPH_PICTURE, .len = 1, .cp = pic, .width = 1 };
	/* A newline ends the line: it takes no column. */
	return (struct glyph){ .kind = GLYPH_RAW, .len = 1, .width = b == '\n' ? 0 : 1 };
}

/* Whether the current LC_CTYPE knows Unicode at all: in a non-UTF-8
 * locale wcwidth rejects every non-ASCII character, é included. */
static bool locale_is_unicode(void)
{
	return wcwidth((wchar_t)0xE9) > 0;
}

static bool cp_is_forbidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) ||      /* C1 controls */
	       (cp >= 0x202A && cp <= 0x202E) ||  /* bidi embeddings and overrides */
	       (cp >= 0x2066 && cp <= 0x2069);    /* bidi isolates */
}

static size_t codepoint_label_width(uint32_t cp)
{
	char tmp[16];
	int n = snprintf(tmp, sizeof(tmp), "<U+%04X>", (unsigned)cp);

	return n > 0 ? (size_t)n : 0;
}

static struct glyph glyph_next(const uint8_t *p, size_t n, enum text_mode mode)
{
	struct glyph g = { .kind = GLYPH_RAW };
	uint32_t cp;
	int w;

	if (p[0] < 0x80)
		return glyph_ascii(p[0], mode);
	g.len = utf8_decode(p, n, &cp);
	if (g.len == 0)
		return (struct glyph){ .kind = GLYPH_BYTE, .len = 1, .cp = p[0], .width = 4 };
	g.cp = cp;
	if (cp_is_forbidden(cp)) {
		w = -1;
	} else {
		w = wcwidth((wchar_t)cp);
		if (w < 0 && !locale_is_unicode())
			w = 1;  /* the header's promise for non-UTF-8 locales */
	}
	if (w < 0) {
		g.kind = GLYPH_CODEPOINT;
		g.width = codepoint_label_width(cp);
	} else {
		g.width = (size_t)w;
	}
	return g;
}

static int utf8_put(struct buf *out, uint32_t cp)
{
	char s[3] = {
		(char)(0xE0 | (cp >> 12)),
		(char)(0x80 | ((cp >> 6) & 0x3F)),
		(char)(0x80 | (cp & 0x3F)),
	};

	return buf_append(out, s, sizeof(s));  /* pictures are all in U+0800..U+FFFF */
}

static int glyph_put(struct buf *out, const uint8_t *p, const struct glyph *g)
{
	switch (g->kind) {
	case GLYPH_RAW:
		return buf_append(out, p, g->len);
	case GLYPH_PICTURE:
		return utf8_put(out, g->cp);
	case GLYPH_BYTE:
		return buf_printf(out, "<%02X>", (unsigned)g->cp);
	case GLYPH_CODEPOINT:
		return buf_printf(out, "<U+%04X>", (unsigned)g->cp);
	}
	return TS_EINVAL;
}

/* Printable ASCII that passes through unchanged in this mode. */
static size_t plain_run(const uint8_t *p, size_t n, enum text_mode mode)
{
	uint8_t lo = mode == TEXT_INSPECT ? 0x21 : 0x20;
	size_t i = 0;

	while (i < n && p[i] >= lo && p[i] < 0x7F)
		i++;
	return i;
}

int text_escape(struct buf *out, const uint8_t *p, size_t n, enum text_mode mode)
{
	size_t i = 0;
	int rc = TS_OK;

	while (i < n && rc == TS_OK) {
		size_t run = plain_run(p + i, n - i, mode);
		struct glyph g;

		if (run > 0) {
			rc = buf_append(out, p + i, run);
			i += run;
			continue;
		}
		g = glyph_next(p + i, n - i, mode);
		rc = glyph_put(out, p + i, &g);
		i += g.len;
	}
	return rc;
}

void text_id_glyph(long id, char *out, size_t outsz)
{
	snprintf(out, outsz, "⟨%ld⟩", id);
}

size_t text_escape_width(const uint8_t *p, size_t n, enum text_mode mode)
{
	size_t i = 0, width = 0;

	while (i < n) {
		size_t run = plain_run(p + i, n - i, mode);
		struct glyph g;

		if (run > 0) {
			width += run;
			i += run;
			continue;
		}
		g = glyph_next(p + i, n - i, mode);
		width += g.width;
		i += g.len;
	}
	return width;
}
