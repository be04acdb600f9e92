#!/bin/sh
# Branching in the explorer (a, Y, { }), against the fixture server, which
# logs the requests that reach it: a legacy-completions answer branched at
# its second token and that branch branched again (the continuation bodies
# that arrived, the inspector on the forced token, the tree box, moving
# between branches); a replayed llama.cpp /completion answer and a replayed
# chat answer continued by a configured llama-server (raw prompt + prefix,
# messages + assistant prefix); the alternatives list with its cursor; and
# the reasons shown instead when there is no server (the demo) or the API
# cannot continue a prefix (OpenAI chat).
. tests/tui/lib.sh

MAILCLS=tests/fixtures/llamacpp-mailcls


stop_server() {
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}

# serve_log LOG CASE...: the fixture server serving CASEs in turn, logging
# the requests to LOG; sets PORT.
serve_log() {
	_log=$1
	shift
	: >"$_log"
	serve --delay-ms 2 --log "$_log" "$@" && return 0
	notok "the fixture server did not start"
	return 1
}

# live NAME COLSxROWS KEYS ARGS...: the explorer against the running server,
# then the server stopped; the screen masked in $TMP/NAME.txt.masked.
live() {
	_name=$1
	if ! dump "$@"; then
		notok "$_name: the explorer failed"
		sed 's/^/# /' "$TMP/$_name.err" | tail -5
		stop_server
		return 1
	fi
	stop_server
	mask "$TMP/$_name.txt"
}

# requests LOG: how many requests reached the server.
requests() { grep -ao 'POST /' "$1" | wc -l; }

LEGACY="$REC/e_legacy_completions_stream"
# the arguments of a legacy-completions request to the running server
ask() { echo "-P openai-completions --base-url http://127.0.0.1:$PORT/v1"; }

# "Once upon a time" → ", there was…"; a at token 2 (" there"): the cursor
# starts on the best other alternative, " in"; Enter branches.
serve_log "$TMP/focus.log" "$LEGACY" &&
if live branch_focus 80x24 '<C-s> <Wait> g l a' $(ask) "Once upon a time"; then
	golden branch_focus.txt "$TMP/branch_focus.txt.masked"
	has "the status bar gives the list's keys" "$TMP/branch_focus.txt" "↑↓ choose  Enter branch  Esc back  ? help"
fi

serve_log "$TMP/legacy.log" "$LEGACY" "$LEGACY" &&
if live branch_inspector 100x30 '<C-s> <Wait> g l a <Enter> <Wait> g l' $(ask) "Once upon a time"; then
	golden branch_inspector.txt "$TMP/branch_inspector.txt.masked"
	has "the continuation request is the prompt plus the prefix" "$TMP/legacy.log" \
		'{"model":"gpt-3.5-turbo-instruct","prompt":"Once upon a time, in","max_tokens":256,"logprobs":5,"stream":true,"stream_options":{"include_usage":true}}'
	[ "$(requests "$TMP/legacy.log")" -eq 2 ]
	check "one request for the answer, one for the branch" $?
	has "the inspector says which branch this is" "$TMP/branch_inspector.txt" "branch 1 of answer 1 at token 2: ␣in"
	has "the alternative is marked as forced" "$TMP/branch_inspector.txt" "rank    2 of 5 · forced by branch"
	has "the branch shows the prefix then the continuation" "$TMP/branch_inspector.txt" "›, in, there was a little girl"
fi

# The branch branched again at its third token (its first new one, ","),
# then the tree; { goes back to the first branch.
serve_log "$TMP/tree.log" "$LEGACY" "$LEGACY" "$LEGACY" &&
if live branch_tree 100x30 '<C-s> <Wait> g l a <Enter> <Wait> g l l a <Enter> <Wait> Y' $(ask) "Once upon a time"; then
	golden branch_tree.txt "$TMP/branch_tree.txt.masked"
	has "a branch of a branch sends the first prompt plus the whole new prefix" "$TMP/tree.log" \
		'"prompt":"Once upon a time, in there","max_tokens":256'
fi
serve_log "$TMP/sib.log" "$LEGACY" "$LEGACY" "$LEGACY" &&
if live branch_siblings 100x30 '<C-s> <Wait> g l a <Enter> <Wait> g l l a <Enter> <Wait> {' $(ask) "Once upon a time"; then
	has "{ goes from the branch to the answer it left" "$TMP/branch_siblings.txt" "answer 2/3"
	has "{ says where it went" "$TMP/branch_siblings.txt" "answer 2: 1 branch starts from it"
fi

# A replayed llama.cpp /completion answer (no profile of its own), continued
# by the configured llama-server: the raw ChatML prompt plus "w".
"$TS" --json --replay "$MAILCLS/mailcls-1M/g_native_completion_n_probs_stream" >"$TMP/native.json" 2>/dev/null
serve_log "$TMP/native.log" "$MAILCLS/mailcls-190K/g_native_completion_n_probs_stream" &&
if live branch_native 100x30 'a <Enter> <Wait>' -P llamacpp-completion --base-url "http://127.0.0.1:$PORT" "$TMP/native.json"; then
	has "/completion: the prompt plus the alternative" "$TMP/native.log" \
		'<|im_start|>assistant\nw","n_probs":5,"n_predict":8,"temperature":0,"stream":true}'
	has "the branch of a replayed answer joins the list" "$TMP/branch_native.txt" "answer 2/2"
fi

# A replayed chat answer, continued by llama-server's chat endpoint: the
# messages plus the assistant prefix (llama-server prefills it).
"$TS" --json --replay "$MAILCLS/mailcls-190K/a_seed_email_stream" >"$TMP/chat.json" 2>/dev/null
serve_log "$TMP/chat.log" "$MAILCLS/mailcls-190K/a_seed_email_stream" &&
if live branch_chat 100x30 'a <Enter> <Wait>' -P llamacpp --base-url "http://127.0.0.1:$PORT/v1" "$TMP/chat.json"; then
	has "chat on llama.cpp: the messages end with the assistant prefix" "$TMP/chat.log" \
		'dinner on Friday!."},{"role":"assistant","content":"p"}],"logprobs":true'
	grep -qF 'continue_final_message' "$TMP/chat.log"
	[ $? -ne 0 ]
	check "chat on llama.cpp: no vLLM flags" $?
fi

# No server: the demo's answers are recordings.
dump branch_demo 100x30 'a'
has "the demo: the list says there is no server" "$TMP/branch_demo.txt" "cannot branch here"
has "the demo: the reason, in the inspector" "$TMP/branch_demo.txt" "│ rank    1 of 5                      it: start tokscope with"
dump branch_demo_wide 200x40 'a'
grep ' READY ' "$TMP/branch_demo_wide.txt" | grep -qF "Esc back  ? help" &&
	! grep ' READY ' "$TMP/branch_demo_wide.txt" | grep -qF "Enter branch"
check "the demo: the status bar gives only the way back" $?
dump branch_demo_back 100x30 'a <Esc> l'
has "Esc leaves the reason; the next key moves" "$TMP/branch_demo_back.txt" "token 2 of 4"

# OpenAI chat cannot continue a prefix: the list says so, and Enter sends nothing.
dump branch_openai 100x30 'a <Enter>' -P openai "$TMP/chat.json"
has "OpenAI chat: the reason names the API" "$TMP/branch_openai.txt" "OpenAI chat cannot continue an"
has "OpenAI chat: no request was started" "$TMP/branch_openai.txt" " READY "

finish
