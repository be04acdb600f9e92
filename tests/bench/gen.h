/* gen.h — synthetic but realistic streamed answers for the benchmark.
 *
 * Writes the SSE body a server would send for an answer of n tokens with k
 * alternatives each, deterministically from a seed:
 *   GEN_OPENAI  OpenAI chat-completion chunks: a first role chunk, one token
 *               per chunk {token, logprob, bytes, top_logprobs}, "refusal":
 *               null, a finish chunk, a usage chunk with empty choices,
 *               then [DONE];
 *   GEN_LLAMA   llama-server chunks: {id, token, bytes, logprob,
 *               top_logprobs} per token, metadata after "choices", a last
 *               chunk with finish_reason, usage and timings, then [DONE].
 * The token mix: English word pieces with and without a leading space,
 * punctuation, numbers, newlines, accented Latin, CJK, curly quotes and
 * emoji, some emoji split into byte tokens whose text is not UTF-8 (bytes
 * arrays carry the truth). The chosen token is the first alternative most
 * of the time, lower down sometimes, and outside the top k rarely. */
#ifndef TOKSCOPE_BENCH_GEN_H
#define TOKSCOPE_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "src/buf.h"

enum gen_shape { GEN_OPENAI, GEN_LLAMA };

struct gen_opts {
	enum gen_shape shape;
	size_t tokens;
	int k;              /* alternatives per token, 0..20 */
	uint64_t seed;
};

/* Appends the whole SSE body to out. Returns TS_OK or the buf error. */
int gen_stream(struct buf *out, const struct gen_opts *o);

/* Writes a recording directory (response, headers.txt, request.json,
 * meta.txt) as tests/fixtures/ holds, for the fixture server and --replay.
 * Returns 0, or -1 with errno set. */
int gen_recording(const char *dir, const struct gen_opts *o);

#endif
