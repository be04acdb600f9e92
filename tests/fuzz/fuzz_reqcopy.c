/* fuzz_reqcopy.c — libFuzzer target for reading a request back from an
 * answer's body (a session file's, so untrusted): any input must read or
 * fail cleanly; what reads, rebuilt by the openai-chat dialect, must read
 * back to the same prompt, system message and numbers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/buf.h"
#include "src/dialect.h"
#include "src/reqcopy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct reqcopy rc, again;
	struct req_params rp, rp2;
	struct ts_err err;
	struct buf b;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (reqcopy_parse(&rc, text, &err)) {
		free(text);
		return 0;
	}
	reqcopy_params(&rc, 5, &rp);
	buf_init(&b, 0);
	if (dialect_openai_chat.build_request(&rp, &b, &err) == 0 && reqcopy_parse(&again, buf_str(&b), &err) == 0) {
		reqcopy_params(&again, 5, &rp2);
		/* an empty system message is left out when built */
		if (!same(rp.prompt, rp2.prompt) || (rp.system && *rp.system && !same(rp.system, rp2.system)) ||
		    rp.max_tokens != rp2.max_tokens || rp.top_logprobs != rp2.top_logprobs || rp.stream != rp2.stream)
			abort();
		reqcopy_fini(&again);
	}
	buf_fini(&b);
	reqcopy_fini(&rc);
	free(text);
	return 0;
}
