/* fuzz_session.c — libFuzzer target for the session loader: any input must
 * load or fail cleanly; what loads must save and load back equal. */
#include <stdint.h>
#include <stdlib.h>

#include "src/buf.h"
#include "src/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc **docs = NULL, **again = NULL;
	size_t n = 0, m = 0;
	struct ts_err err;
	struct buf b;

	if (session_parse((const char *)data, size, &docs, &n, &err))
		return 0;
	buf_init(&b, 0);
	if (session_write(&b, docs, n, &err) == 0) {
		if (session_parse(buf_str(&b), b.len, &again, &m, &err) || m != n)
			abort();
		for (size_t i = 0; i < n; i++)
			if (!doc_equal(docs[i], again[i]))
				abort();
	}
	buf_fini(&b);
	session_free_docs(docs, n);
	session_free_docs(again, m);
	return 0;
}
