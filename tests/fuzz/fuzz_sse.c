/* fuzz_sse.c — libFuzzer target for the SSE parser.
 *
 * The first input byte picks a line limit (small ones so the limit is hit)
 * and seeds the piece sizes; the rest is the stream. It is parsed twice,
 * whole and in pieces, and both runs must give the same events and the
 * same final status: any difference, like any crash, is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/sse.h"

struct digest {
	uint64_t h;
	size_t events;
};

static void digest_add(struct digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		d->h = (d->h ^ b[i]) * 1099511628211u;
}

static int digest_cb(void *ctx, const struct sse_event *ev, struct ts_err *err)
{
	struct digest *d = ctx;
	size_t sizes[3] = { ev->data_len, ev->error ? ev->error_len : SIZE_MAX, strlen(ev->id) };

	(void)err;
	if (ev->data[ev->data_len] != '\0' || (ev->error && ev->error[ev->error_len] != '\0'))
		abort();
	if (ev->done != (ev->data_len == 6 && memcmp(ev->data, "[DONE]", 6) == 0))
		abort();
	digest_add(d, sizes, sizeof(sizes));
	digest_add(d, ev->data, ev->data_len);
	if (ev->error)
		digest_add(d, ev->error, ev->error_len);
	digest_add(d, ev->event, strlen(ev->event) + 1);
	digest_add(d, ev->id, strlen(ev->id) + 1);
	d->events++;
	/* Stop on an event whose data is "stop", to exercise callback errors. */
	return ev->data_len == 4 && memcmp(ev->data, "stop", 4) == 0 ? TS_ECANCEL : TS_OK;
}

static int parse(struct digest *d, size_t max_line, const char *s, size_t n, uint32_t seed)
{
	struct sse_parser *p = sse_parser_new(max_line, digest_cb, d);
	struct ts_err err;
	size_t off = 0;
	int rc = TS_OK;

	if (!p)
		abort();
	while (off < n && rc == TS_OK) {
		size_t k = n - off;

		if (seed) {
			seed = seed * 1103515245u + 12345u;
			k = (seed >> 16) % 9;  /* 0..8 bytes, empty feeds included */
			k = k < n - off ? k : n - off;
		}
		rc = sse_parser_feed(p, s + off, k, &err);
		off += k;
	}
	if (rc == TS_OK)
		rc = sse_parser_finish(p, &err);
	if (rc != TS_OK && (err.code != rc || err.msg[0] == '\0'))
		abort();
	if (sse_parser_events(p) != d->events)
		abort();
	sse_parser_free(p);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limits[4] = { 0, 1, 7, 64 };
	struct digest whole = { .h = 14695981039346656037u };
	struct digest split = { .h = 14695981039346656037u };
	size_t max_line;
	int rc1, rc2;

	if (size < 1)
		return 0;
	max_line = limits[data[0] & 3];
	rc1 = parse(&whole, max_line, (const char *)data + 1, size - 1, 0);
	rc2 = parse(&split, max_line, (const char *)data + 1, size - 1, data[0] | 1u);
	if (rc1 != rc2 || whole.h != split.h || whole.events != split.events)
		abort();
	return 0;
}
