/* fuzz_ingest.c — libFuzzer target for the live path with the openai-chat
 * dialect: the input is a response body, fed as a stream (first byte odd)
 * or as a whole body, with a status from the second byte. Any crash,
 * sanitizer report or leak is a bug; the document must stay consistent
 * (every token's bytes inside the text). */
#include <stdint.h>
#include <stdlib.h>

#include "src/dialect.h"
#include "src/doc.h"
#include "src/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_opts o = { .max_line = 4096, .max_body = 1u << 20 };
	struct doc *d;
	struct ingest *in;
	struct ts_err err;
	size_t at = 2, textlen;

	if (size < 2)
		return 0;
	o.stream = data[0] & 1;
	d = doc_new();
	in = ingest_new(d, &dialect_openai_chat, &o);
	ingest_set_status(in, data[1] < 200 ? 200 : data[1] * 2L);
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
