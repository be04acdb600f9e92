/* fuzz_dialects.c — libFuzzer target for every dialect on the live path:
 * byte 0 picks the dialect (its index in the table, modulo their number),
 * byte 1 says stream (odd) or whole body, byte 2 the status; the rest is
 * the response body, fed in pieces whose sizes come from the input. Any crash, sanitizer report or
 * leak is a bug; the document must stay consistent (every token's bytes
 * inside the text). */
#include <stdint.h>
#include <stdlib.h>

#include "src/dialect.h"
#include "src/doc.h"
#include "src/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_opts o = { .max_line = 4096, .max_body = 1u << 20 };
	const struct dialect *dl;
	struct doc *d;
	struct ingest *in;
	struct ts_err err;
	size_t at = 3, textlen;

	if (size < 3)
		return 0;
	dl = dialect_at(data[0] % dialect_count());
	o.stream = data[1] & 1;
	d = doc_new();
	in = ingest_new(d, dl, &o);
	ingest_set_status(in, data[2] < 200 ? 200 : data[2] * 2L);
	while (at < size) {
		size_t n = 1 + (data[at] % 64);

		if (n > size - at)
			n = size - at;
		if (ingest_feed(in, (const char *)data + at, n, 0, &err))
			break;
		at += n;
	}
	ingest_finish(in, 0, &err);
	doc_text(d, &textlen);
	for (size_t i = 0; i < doc_count(d); i++)
		if (doc_token(d, i)->off + doc_token(d, i)->len > textlen)
			abort();
	ingest_free(in);
	doc_free(d);
	return 0;
}
