#!/bin/sh
# Print mode end to end: the real binary against the fixture server, which
# replays recorded llama-server responses byte for byte on 127.0.0.1.
# Checks standard output, standard error and the exit status.
B=${TOKSCOPE_BUILD:-build}
TS=$B/tokscope
FS=$B/tests/fixture_server
F=tests/fixtures/llamacpp-stories260k
M=tests/fixtures/llamacpp-mailcls
tmp=$(mktemp -d)
trap 'kill $spid 2>/dev/null; rm -rf "$tmp"' EXIT
export TOKSCOPE_CONFIG= NO_COLOR= LC_ALL=C.UTF-8
unset LLAMA_API_KEY
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

# run NAME EXPECTED_STATUS [tokscope args]: runs print mode at the server.
run() {
	name=$1; want=$2; shift 2
	"$TS" --print --color=never -u "http://127.0.0.1:$port/v1" "$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "$name: exit status $got, expected $want" "stderr: $(cat "$tmp/err")"
		return 1
	fi
	return 0
}

expect_out() { grep -qF -- "$2" "$tmp/out" && ok "$1" || bad "$1" "stdout lacks: $2" "stdout: $(head -c 600 "$tmp/out")"; }
expect_err() { grep -qF -- "$2" "$tmp/err" && ok "$1" || bad "$1" "stderr lacks: $2" "stderr: $(cat "$tmp/err")"; }
expect_err_lines() { [ "$(wc -l < "$tmp/err")" -eq "$2" ] && ok "$1" || bad "$1" "stderr has $(wc -l < "$tmp/err") lines, expected $2" "$(cat "$tmp/err")"; }

# A confident classification streams, then the summary, exit 0 (accept).
serve "$M/mailcls-190K/a_seed_email_stream"
run "accepted stream" 0 "Classify this email" &&
	expect_out "stream text" "work" && expect_out "verdict accept" "ACCEPT" &&
	expect_out "first-token probability" "first-token probability 0.98" &&
	grep -qE "^  tokens +4$" "$tmp/out" && ok "four tokens counted" || bad "four tokens counted"
grep -q '"logprobs":true' "$tmp/req.log" && grep -q 'POST /v1/chat/completions' "$tmp/req.log" &&
	grep -q 'User-Agent: tokscope/' "$tmp/req.log" && ok "request has logprobs, path, user agent" ||
	bad "request has logprobs, path, user agent" "$(head -c 800 "$tmp/req.log")"

# The weak model's unsure answer: exit 3 (escalate) and the distance shown.
serve "$M/mailcls-190K/b_work_spam_tie_email_stream"
run "escalated stream" 3 "tie" && expect_out "verdict escalate" "ESCALATE" &&
	expect_out "distance shown" "(distance -0.24"

# Non-streamed answer.
serve "$M/mailcls-1M/a_seed_email_nonstream"
run "accepted non-stream" 0 --no-stream "x" && expect_out "non-stream text" "work"
grep -q '"stream":false' "$tmp/req.log" && ok "non-stream request says stream false" || bad "non-stream request says stream false"

# Errors: a specific one-line message on stderr and exit 1.
for c in "g_error_wrong_api_key|HTTP 401: Invalid API Key (authentication_error, 401)" \
	 "g_error_unknown_endpoint|HTTP 404: File Not Found (not_found_error, 404) — check the base URL" \
	 "g_error_malformed_json|HTTP 500: [json.exception.parse_error.101] parse error" \
	 "g_error_context_exceeded_nonstream|HTTP 400: the request exceeds the available context size" \
	 "g_error_context_exceeded_stream|server error: the request exceeds the available context size" \
	 "g_error_context_full_midstream|server error: context shift is disabled (server_error, 500)" \
	 "h_n2_choices_stream|HTTP 500: Only one completion choice is allowed"; do
	case_=${c%%|*}; msg=${c#*|}
	serve "$F/$case_"
	run "$case_ exits 1" 1 "x" && ok "$case_ exits 1"
	expect_err "$case_ message" "tokscope: $msg"
	expect_err_lines "$case_ message is one line" 1
done
# The tokens that arrived before a mid-stream error are printed.
serve "$F/g_error_context_full_midstream"
run "mid-stream error" 1 "x"
[ "$(wc -c < "$tmp/out")" -gt 10 ] && ok "tokens before a mid-stream error are printed" ||
	bad "tokens before a mid-stream error are printed"

# 401 with the key variable unset names the variable; the key never appears.
serve "$F/g_error_wrong_api_key"
run "401 hint" 1 -k TS_TEST_KEY "x"
expect_err "401 says the key variable is unset" "\$TS_TEST_KEY is not set"
serve --expect-header "Authorization: Bearer sekrit-4242" "$F/g_ok_with_api_key_stream"
TS_TEST_KEY=sekrit-4242 run "key sent from the environment" 0 -k TS_TEST_KEY --threshold 0 "x" &&
	ok "key sent from the environment"
TS_TEST_KEY=sekrit-4242 "$TS" --print --json -u "http://127.0.0.1:$port/v1" -k TS_TEST_KEY --threshold 0 x > "$tmp/json" 2>&1
if grep -q "sekrit-4242" "$tmp/out" "$tmp/err" "$tmp/json"; then bad "key never in output or session"; else ok "key never in output or session"; fi

# A stream cut before [DONE]: tokens kept, message, exit 1.
serve --cut-after 3000 "$F/a_email_work_temp0_stream"
run "cut stream" 1 "x" && expect_err "cut stream message" "the stream ended before its end marker"

# Nothing listening.
"$TS" --print -u "http://127.0.0.1:9/v1" x > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] && ok "connection refused exits 1" || bad "connection refused exits 1"
expect_err "connection refused message names the host" "127.0.0.1"

# Tokens appear as they arrive: with 300 ms between events, the first
# tokens are on stdout while the answer is still streaming.
serve --delay-ms 300 "$M/mailcls-1M/d_ticket_mixed_stream"
"$TS" --print --color=never -u "http://127.0.0.1:$port/v1" x > "$tmp/live" 2>&1 &
cpid=$!
sleep 1
if kill -0 $cpid 2>/dev/null && [ -s "$tmp/live" ]; then ok "tokens shown as they arrive"; else bad "tokens shown as they arrive" "$(cat "$tmp/live")"; fi
wait $cpid

# vLLM's return_tokens_as_token_ids: every token is spelled "token_id:N";
# print mode shows ⟨N⟩ as the explorer does, never the spelling, and says so.
serve tests/tui/fixtures/vllm-token-ids
run "vLLM token ids" 0 -m Qwen/Qwen2.5-1.5B-Instruct "Say hi" &&
	[ "$(head -1 "$tmp/out")" = "⟨13347⟩⟨27623⟩⟨225⟩⟨0⟩" ] && ok "token ids print as ⟨N⟩" ||
	bad "token ids print as ⟨N⟩" "first line: $(head -1 "$tmp/out")"
expect_out "the lowest token is named by its id" "#2 ⟨27623⟩"
expect_out "the summary says the tokens are ids" "4 of 4 tokens are ids (token_id:N), shown as ⟨N⟩"
grep -q '"token_id:\|token_id:[0-9]' "$tmp/out" && bad "no token_id: spelling in the output" "$(cat "$tmp/out")" ||
	ok "no token_id: spelling in the output"
serve tests/tui/fixtures/vllm-token-ids
TERM=xterm-256color "$TS" --print --color=always -u "http://127.0.0.1:$port/v1" x > "$tmp/out" 2>&1
grep -q "$(printf '\033')\[[0-9;]*m⟨27623⟩$(printf '\033')\[0m" "$tmp/out" && ok "an id token is coloured as one token" ||
	bad "an id token is coloured as one token" "$(head -1 "$tmp/out" | od -c | head -5)"

# Colours: 256-colour SGR with --color=always, none when piped, control
# characters never raw.
serve "$M/mailcls-190K/a_seed_email_stream"
TERM=xterm-256color "$TS" --print --color=always -u "http://127.0.0.1:$port/v1" x > "$tmp/out" 2>&1
grep -q "$(printf '\033')\[.*38;5;" "$tmp/out" && ok "--color=always gives 256-colour SGR" || bad "--color=always gives 256-colour SGR"
serve "$M/mailcls-190K/a_seed_email_stream"
"$TS" --print -u "http://127.0.0.1:$port/v1" x > "$tmp/out" 2>&1
grep -q "$(printf '\033')" "$tmp/out" && bad "no escape sequences when piped" || ok "no escape sequences when piped"

# Usage errors exit 2.
"$TS" --print --threshold 2 x > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] && ok "bad threshold is a usage error" || bad "bad threshold is a usage error"
"$TS" --print --stat nosuch x > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] && ok "bad stat is a usage error" || bad "bad stat is a usage error"
"$TS" --print --api-key sk-123 x > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] && ok "--api-key does not exist" || bad "--api-key does not exist"
"$TS" --help | grep -q "Exit status" && ok "--help documents exit status" || bad "--help documents exit status"
# The binary itself under valgrind: no leaks or memory errors on a
# streamed answer and on a mid-stream error (exit 99 would be valgrind's).
if command -v valgrind >/dev/null 2>&1 && [ "$B" = build ]; then
	serve "$M/mailcls-1M/d_ticket_mixed_stream"
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"$TS" --print -u "http://127.0.0.1:$port/v1" x > /dev/null 2> "$tmp/vg"
	st=$?; [ $st -eq 0 ] || [ $st -eq 3 ] && ok "valgrind: clean streamed answer" || bad "valgrind: clean streamed answer" "$(cat "$tmp/vg")"
	serve "$F/g_error_context_full_midstream"
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"$TS" --print -u "http://127.0.0.1:$port/v1" x > /dev/null 2> "$tmp/vg"
	[ $? -eq 1 ] && ok "valgrind: clean mid-stream error" || bad "valgrind: clean mid-stream error" "$(cat "$tmp/vg")"
fi
echo "# $n checks"
