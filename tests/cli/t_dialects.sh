#!/bin/sh
# Every dialect end to end: `tokscope --print --profile NAME` against the
# fixture server, which serves a recorded llama-server response or a
# response built from a provider's documentation (tests/fixtures/doc-shapes)
# whatever the path. Checks the request the profile sends (path, query,
# body, key header), the answer printed, streamed and not, the one-line
# message and exit status 1 of each known refusal and of an answer without
# logprobs, and --list-models.
B=${TOKSCOPE_BUILD:-build}
TS=$B/tokscope
FS=$B/tests/fixture_server
D=tests/fixtures/doc-shapes
S=tests/fixtures/llamacpp-stories260k
M=tests/fixtures/llamacpp-mailcls
tmp=$(mktemp -d)
trap 'kill $spid 2>/dev/null; rm -rf "$tmp"' EXIT
export TOKSCOPE_CONFIG= NO_COLOR= LC_ALL=C.UTF-8
unset LLAMA_API_KEY OPENAI_API_KEY TOGETHER_API_KEY GEMINI_API_KEY AZURE_OPENAI_API_KEY FIREWORKS_API_KEY
n=0

ok() { n=$((n + 1)); echo "ok - $1"; }
bad() { n=$((n + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# serve [fixture options] CASEDIR... : starts the server, sets $port.
serve() {
	kill $spid 2>/dev/null
	rm -f "$tmp/port" "$tmp/req.log"
	"$FS" --log "$tmp/req.log" "$@" > "$tmp/port" &
	spid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	port=$(head -1 "$tmp/port")
}

# run NAME EXPECTED_STATUS BASEPATH [tokscope args]: print mode at the server,
# --threshold 0 so that an answer is accepted (exit 0).
run() {
	name=$1; want=$2; base=$3; shift 3
	"$TS" --print --color=never --threshold 0 -u "http://127.0.0.1:$port$base" "$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "$name: exit status $got, expected $want" "stderr: $(cat "$tmp/err")" "stdout: $(head -c 300 "$tmp/out")"
		return 1
	fi
	ok "$name: exit status $want"
}

expect_out() { grep -qF -- "$2" "$tmp/out" && ok "$1" || bad "$1" "stdout lacks: $2" "stdout: $(head -c 600 "$tmp/out")"; }
expect_err() { grep -qF -- "$2" "$tmp/err" && ok "$1" || bad "$1" "stderr lacks: $2" "stderr: $(cat "$tmp/err")"; }
expect_req() { grep -qF -- "$2" "$tmp/req.log" && ok "$1" || bad "$1" "request lacks: $2" "request: $(head -c 900 "$tmp/req.log")"; }
expect_no_req() { grep -qF -- "$2" "$tmp/req.log" && bad "$1" "request has: $2" || ok "$1"; }
one_line_err() { [ "$(wc -l < "$tmp/err")" -eq 1 ] && ok "$1" || bad "$1" "stderr has $(wc -l < "$tmp/err") lines" "$(cat "$tmp/err")"; }

# ---- openai-completions: OpenAI's arrays and llama.cpp's /v1/completions
serve "$D/doc-openai-completions-stream"
run "openai-completions stream" 0 /v1 -P openai-completions -n 2 "Say this is a test" &&
	expect_out "legacy stream text, byte tokens joined" "This is a test “ok”."
expect_req "legacy request path" "POST /v1/completions "
expect_req "legacy request sends the raw prompt" '"prompt":"Say this is a test"'
expect_req "legacy request sends an integer k" '"logprobs":2,'
serve "$D/doc-openai-completions-nonstream"
run "openai-completions non-stream" 0 /v1 -P openai-completions --no-stream x && expect_out "legacy body text" "This is a test"
expect_req "non-stream request says stream false" '"stream":false'
serve "$S/e_legacy_completions_stream"
run "openai-completions on llama.cpp, k clamped" 0 /v1 -P openai-completions -n 7 -s "a system prompt" x &&
	expect_out "llama.cpp legacy stream text" "there was a little girl named Lily"
expect_err "k above the maximum is clamped and said" "top logprobs 7 is above openai-completions's maximum of 5: asking for 5"
expect_err "a raw-prompt dialect says it leaves the system prompt out" "sends the prompt raw: the system prompt is left out"
expect_req "clamped k sent" '"logprobs":5'
expect_no_req "no system prompt in a raw request" "a system prompt"

# ---- k above 20: all of it where the profile sets no maximum (llama.cpp,
# vLLM), lowered with a note where it does; 100 at most
serve "$S/c_open_question_stream_top20"
run "llamacpp takes k 50" 0 /v1 -P llamacpp -n 50 x
expect_req "k 50 goes to llama.cpp as asked" '"top_logprobs":50'
grep -q "maximum" "$tmp/err" && bad "no note for a profile without a maximum" "$(cat "$tmp/err")" ||
	ok "no note for a profile without a maximum"
serve "$S/c_open_question_stream_top20"
run "vllm takes k 100" 0 /v1 -P vllm -n 100 x
expect_req "k 100 goes to vLLM as asked" '"top_logprobs":100'
serve "$S/c_open_question_stream_top20"
run "openai lowers k 50" 0 /v1 -P openai -n 50 x
expect_err "k 50 above openai's maximum is lowered and said" "top logprobs 50 is above openai's maximum of 20: asking for 20"
expect_req "k 20 goes to openai" '"top_logprobs":20'
"$TS" --print -P llamacpp -n 101 x > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 2 ] && grep -qF "top_logprobs: '101' is not a whole number from 0 to 100" "$tmp/err" &&
	ok "k 101 is a usage error naming the range" || bad "k 101 is a usage error naming the range" "exit $st" "$(cat "$tmp/err")"

# ---- openai-responses
serve "$D/doc-openai-responses-stream"
run "openai-responses stream" 0 /v1 -P openai-responses -s "Be brief." x && expect_out "responses stream text" "Bonjour, café!"
expect_out "the summary says the bytes were derived" "taken from the token text for 6 of 6 tokens (the API sent none)"
expect_req "responses request path" "POST /v1/responses "
expect_req "responses request includes the logprobs" '"include":["message.output_text.logprobs"]'
expect_req "responses request sends the system prompt as instructions" '"instructions":"Be brief."'
serve "$D/doc-openai-responses-nonstream"
run "openai-responses non-stream" 0 /v1 -P openai-responses --no-stream x && expect_out "responses body text" "Bonjour, café!"

# ---- together: legacy arrays, chat shape, legacy stream
for c in legacy-nonstream chat-nonstream legacy-stream; do
	serve "$D/doc-together-$c"
	case $c in *nonstream) ns=--no-stream ;; *) ns= ;; esac
	run "together $c" 0 /v1 -P together -n 2 $ns x && expect_out "together $c text" "New York City is a vibrant"
	expect_req "together $c sends logprobs as an integer" '"logprobs":2,'
	expect_no_req "together $c sends no top_logprobs" "top_logprobs"
done
expect_req "together request path" "POST /v1/chat/completions "

# ---- together on an OpenAI-chat-shaped stream (a llama-server recording)
serve "$M/mailcls-1M/a_seed_email_stream"
run "together, chat-shaped stream" 0 /v1 -P together x && expect_out "together chat stream text" "work"

# ---- fireworks: legacy arrays in a chat answer, streamed and not
serve "$D/doc-fireworks-nonstream"
run "fireworks non-stream" 0 /inference/v1 -P fireworks --no-stream x && expect_out "fireworks text" "Hello there!"
expect_req "fireworks sends the OpenAI chat request" '"logprobs":true,"top_logprobs":5'
serve "$D/doc-fireworks-stream"
run "fireworks stream" 0 /inference/v1 -P fireworks x && expect_out "fireworks stream text" "Hello there!"
grep -qE "^  tokens +3" "$tmp/out" && ok "fireworks stream: three tokens" || bad "fireworks stream: three tokens" "$(cat "$tmp/out")"

# ---- llamacpp-completion: the real recordings and the old shape
serve "$M/mailcls-1M/g_native_completion_n_probs_stream"
run "llamacpp-completion stream" 0 "" -P llamacpp-completion x && expect_out "native stream text" "personal"
grep -q "after sampling" "$tmp/out" && bad "raw n_probs are not called post-sampling" || ok "raw n_probs are not called post-sampling"
expect_req "native request path" "POST /completion "
expect_req "native request asks n_probs" '"n_probs":5'
serve "$M/mailcls-1M/g_native_completion_post_sampling_nonstream"
run "llamacpp-completion post-sampling body" 0 "" -P llamacpp-completion --no-stream x && expect_out "post-sampling text" "personal"
expect_out "the summary says the distribution is post-sampling" "after sampling (top-k/top-p/temperature applied)"
serve "$D/doc-llamacpp-completion-old-stream"
run "llamacpp-completion, pre-2025 stream" 0 "" -P llamacpp-completion x && expect_out "old-shape text" "the sky is"
grep -qE "^  tokens +3" "$tmp/out" && ok "old-shape final chunk not read twice" || bad "old-shape final chunk not read twice" "$(cat "$tmp/out")"

# ---- ollama: JSON lines, /api/chat and /api/generate
for ep in chat generate; do
	prof=ollama; [ $ep = generate ] && prof=ollama-generate
	serve "$D/doc-ollama-$ep-stream"
	run "ollama $ep stream" 0 "" -P $prof x && expect_out "ollama $ep stream text" "The sky is blue."
	expect_req "ollama $ep path" "POST /api/$ep "
	expect_req "ollama $ep asks for logprobs" '"logprobs":true,"top_logprobs":5'
	serve "$D/doc-ollama-$ep-nonstream"
	run "ollama $ep non-stream" 0 "" -P $prof --no-stream x && expect_out "ollama $ep body text" "The sky is blue."
	expect_req "ollama $ep says stream false" '"stream":false'
done

# ---- gemini: the model in the path, the key in x-goog-api-key
serve --expect-header "x-goog-api-key: g-sekrit-77" "$D/doc-gemini-stream"
GEMINI_API_KEY=g-sekrit-77 run "gemini stream" 0 /v1beta -P gemini x && expect_out "gemini stream text" "Paris is the capital."
expect_req "gemini stream path" "POST /v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse "
expect_no_req "gemini sends no Authorization header" "Authorization:"
expect_req "gemini asks responseLogprobs" '"responseLogprobs":true'
serve --expect-header "x-goog-api-key: g-sekrit-77" "$D/doc-gemini-nonstream"
GEMINI_API_KEY=g-sekrit-77 run "gemini non-stream" 0 /v1beta -P gemini -m models/gemini-2.0-flash --no-stream x &&
	expect_out "gemini body text" "Paris is the capital."
expect_req "gemini path, models/ prefix dropped" "POST /v1beta/models/gemini-2.0-flash:generateContent "

# ---- azure: the chat dialect, api-key header, api-version query
serve --expect-header "api-key: az-sekrit-5" "$M/mailcls-1M/a_seed_email_stream"
AZURE_OPENAI_API_KEY=az-sekrit-5 run "azure stream" 0 /openai/deployments/gpt4o -P azure x && expect_out "azure text" "work"
expect_req "azure path and api-version" "POST /openai/deployments/gpt4o/chat/completions?api-version=2024-10-21 "
"$TS" --print -P azure x > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && ok "azure without a base URL is a usage error" || bad "azure without a base URL is a usage error"
expect_err "azure without a base URL says so" "has no base URL"

# ---- known refusals: the server's message and a hint, one line, exit 1
for c in "doc-refusal-openai-reasoning-400|openai|OpenAI reasoning models (o1, o3, o4-mini, gpt-5) give no logprobs" \
	 "doc-refusal-openai-o1-403|openai|this model may not return logprobs (OpenAI o-series)" \
	 "doc-refusal-gemini-400|gemini|this Gemini model gives no logprobs: try gemini-2.0-flash" \
	 "doc-refusal-groq-400|openai|Groq refuses them for every model" \
	 "doc-refusal-mistral-3051|openai|Mistral's API gives no logprobs (error 3051)" \
	 "doc-refusal-deepseek-reasoner-400|deepseek|deepseek-reasoner gives no logprobs: use deepseek-chat" \
	 "doc-refusal-ollama-k-400|ollama|Ollama gives at most 20 alternatives" \
	 "doc-refusal-vllm-max-logprobs-400|vllm|restart it with a larger --max-logprobs" \
	 "doc-refusal-together-max1-400|together|this Together model gives one alternative at most"; do
	dir=${c%%|*}; rest=${c#*|}; prof=${rest%%|*}; hint=${rest#*|}
	serve "$D/$dir"
	run "$dir" 1 /v1 -P "$prof" x
	expect_err "$dir message and hint" "$hint"
	one_line_err "$dir message is one line"
done
grep -q "— check the key" "$tmp/err" && bad "a refusal gets no key hint" || ok "a refusal gets no key hint"
serve "$D/doc-refusal-openai-reasoning-400"
run "refusal message shows the server's words" 1 /v1 -P openai x
expect_err "refusal quotes the server" "HTTP 400: Unsupported parameter: 'logprobs' is not supported with this model."

# ---- logprobs asked for, none given: the text, the server and model named, exit 1
serve "$D/doc-no-logprobs-ollama-stream"
run "ollama without logprobs" 1 "" -P ollama x && expect_out "the text is still shown" "Hello!"
expect_err "no-logprobs message names the server and model" "http://127.0.0.1:$port (profile ollama) sent text without logprobs for model llama3.2"
serve "$D/doc-no-logprobs-lmstudio-nonstream"
run "LM Studio without logprobs" 1 /v1 --no-stream x && expect_out "LM Studio text shown" "Hello! How can I help?"
expect_err "LM Studio message names the model" "for model qwen2.5-7b-instruct"

# ---- --list-models
serve "$S/j_models_list"
"$TS" --list-models -u "http://127.0.0.1:$port/v1" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 0 ] && [ "$(cat "$tmp/out")" = "stories260K" ] && ok "--list-models on llama-server" ||
	bad "--list-models on llama-server" "$(cat "$tmp/out" "$tmp/err")"
expect_req "--list-models asks GET /v1/models" "GET /v1/models "
serve "$D/doc-models-ollama-tags"
"$TS" --list-models -P ollama -u "http://127.0.0.1:$port" > "$tmp/out" 2> "$tmp/err"
[ "$(tr '\n' ' ' < "$tmp/out")" = "llama3.2:latest qwen2.5:0.5b " ] && ok "--list-models on Ollama" ||
	bad "--list-models on Ollama" "$(cat "$tmp/out" "$tmp/err")"
expect_req "--list-models asks Ollama's /api/tags" "GET /api/tags "
serve --expect-header "x-goog-api-key: g-sekrit-77" "$D/doc-models-gemini"
GEMINI_API_KEY=g-sekrit-77 "$TS" --list-models -P gemini -u "http://127.0.0.1:$port/v1beta" > "$tmp/out" 2> "$tmp/err"
[ "$(tr '\n' ' ' < "$tmp/out")" = "gemini-2.0-flash gemini-2.5-flash " ] && ok "--list-models on Gemini, with its key header" ||
	bad "--list-models on Gemini, with its key header" "$(cat "$tmp/out" "$tmp/err")"
serve "$S/g_error_wrong_api_key"
"$TS" --list-models -u "http://127.0.0.1:$port/v1" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] && ok "--list-models error exits 1" || bad "--list-models error exits 1"
expect_err "--list-models error is the server's message" "HTTP 401: Invalid API Key"

# ---- listings and help
"$TS" --list-profiles > "$tmp/out"
for p in openai-completions openai-responses azure llamacpp-completion ollama-generate gemini fireworks; do
	grep -q "^$p " "$tmp/out" || missing="$missing $p"
done
[ -z "$missing" ] && ok "--list-profiles lists every built-in profile" || bad "--list-profiles lists every built-in profile" "missing:$missing"
grep -qE "^gemini +https://generativelanguage.googleapis.com/v1beta +GEMINI_API_KEY +gemini +20$" "$tmp/out" &&
	ok "--list-profiles shows the dialect and max k" || bad "--list-profiles shows the dialect and max k" "$(cat "$tmp/out")"
"$TS" --help | grep -q -- "--list-models" && ok "--help documents --list-models" || bad "--help documents --list-models"

# ---- every documentation-shaped answer replays (replay picks the dialect)
fails=""
for dir in "$D"/doc-*; do
	case $dir in *refusal*|*no-logprobs*|*models*) continue ;; esac
	"$TS" --print --color=never --threshold 0 --replay "$dir" > "$tmp/out" 2> "$tmp/err" || fails="$fails $(basename "$dir")"
done
[ -z "$fails" ] && ok "every documentation-shaped answer replays" || bad "every documentation-shaped answer replays" "failed:$fails"
echo "# $n checks"
