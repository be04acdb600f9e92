#!/bin/sh
# Answers of other API shapes in the explorer, replayed (--json --replay)
# into sessions: bytes the API did not send but that were taken from the
# text (OpenAI Responses stream), probabilities after sampling (llama.cpp
# before December 2024, a token outside the top k), tokens named by their
# id (vLLM's token_id:N) and tokens of empty text carrying bytes.
. tests/tui/lib.sh

DOCS=tests/fixtures/doc-shapes

# session OUT DIR: the replayed answer as a session file.
session() {
	"$TS" --json --replay "$2" >"$1" 2>/dev/null
	[ -s "$1" ] || notok "replay $2"
}

session "$TMP/responses.json" "$DOCS/doc-openai-responses-stream"
session "$TMP/post.json" "$DOCS/doc-llamacpp-completion-old-nonstream"
session "$TMP/ids.json" "$FIX/vllm-token-ids"
session "$TMP/empty.json" "$FIX/empty-text-bytes"

screen shapes_bytes_derived 100x30 'l l' "$TMP/responses.json"
has "derived bytes are said on the bytes line" "$TMP/shapes_bytes_derived.txt" "bytes from text: the API sent none"
screen shapes_post_sampling 100x30 'l l' "$TMP/post.json"
has "the inspector says post-sampling" "$TMP/shapes_post_sampling.txt" "post-sampling (top 2)"
has "the panel says post-sampling" "$TMP/shapes_post_sampling.txt" "probs    post-sampling, not raw"
screen shapes_post_sampling_80x24 80x24 'l l' "$TMP/post.json"
has "a wider inspector names the distribution in full" "$TMP/shapes_post_sampling_80x24.txt" \
	"post-sampling probabilities (top 2)"
if grep -qF "post-sampling" "$TMP/shapes_bytes_derived.txt"; then
	notok "raw logprobs are not called post-sampling"
else
	ok "raw logprobs are not called post-sampling"
fi
screen shapes_token_ids 100x30 'l' "$TMP/ids.json"
if grep -qF "token_id:13347" "$TMP/shapes_token_ids.txt"; then
	notok "the answer shows ids, not their token_id: spelling"
	sed 's/^/# /' "$TMP/shapes_token_ids.txt" | head -5
else
	ok "the answer shows ids, not their token_id: spelling"
fi
screen shapes_empty_text 100x30 'l l l' "$TMP/empty.json"
finish
