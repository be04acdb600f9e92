#!/bin/sh
# The prompt editor's model picker (F2) against the fixture server: the
# recorded llama-server model list and Ollama's /api/tags (doc-shapes),
# shown, filtered and picked, then the request sent carries the model
# picked; and the errors, each one line in the editor with what was typed
# kept: no server, a 401, an empty list.
. tests/tui/lib.sh

DOCS=tests/fixtures/doc-shapes

mask() {
	sed -e 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g' "$1" >"$1.masked"
}

# picker NAME COLSxROWS KEYS "TOKSCOPE-ARGS" SERVER-ARGS...: the fixture
# server (logging requests to $TMP/NAME.log) and the explorer at it; the
# screen, masked, in $TMP/NAME.txt.masked. TOKSCOPE-ARGS may use $PORT.
picker() {
	_name=$1 _size=$2 _keys=$3 _args=$4
	shift 4
	if ! serve --log "$TMP/$_name.log" "$@"; then
		notok "$_name: the fixture server did not start"
		return 1
	fi
	# shellcheck disable=SC2086
	eval "set -- $_args"
	dump "$_name" "$_size" "$_keys" "$@"
	_st=$?
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
	if [ "$_st" -ne 0 ]; then
		notok "$_name: the explorer failed"
		sed 's/^/# /' "$TMP/$_name.err" | tail -5
		return 1
	fi
	mask "$TMP/$_name.txt"
}

# The llama-server list: the picker shows it (the typed prompt stays
# underneath), Enter puts the name in the model field, Ctrl-S sends it.
if picker models_open 100x30 '<F2> <Wait>' '--base-url http://127.0.0.1:$PORT/v1 "Tell me a story."' \
	"$REC/j_models_list"; then
	golden models_open.txt "$TMP/models_open.txt.masked"
	has "the picker asked GET /v1/models" "$TMP/models_open.log" "GET /v1/models HTTP/1.1"
fi
if picker models_pick 100x30 '<F2> <Wait> <Enter> <C-s> <Wait>' \
	'--base-url http://127.0.0.1:$PORT/v1 "Tell me a story."' "$REC/j_models_list" "$REC/c_open_question_stream_top20"; then
	has "the request sent carries the model picked" "$TMP/models_pick.log" '"model":"stories260K"'
	has "the answer came back" "$TMP/models_pick.txt" "DONE"
fi

# Ollama's /api/tags: typing filters, the match is picked and sent.
if picker models_filter 100x30 '<F2> <Wait> q W e' '-P ollama --base-url http://127.0.0.1:$PORT "Why is the sky blue?"' \
	"$DOCS/doc-models-ollama-tags"; then
	golden models_filter.txt "$TMP/models_filter.txt.masked"
	has "Ollama's list comes from /api/tags" "$TMP/models_filter.log" "GET /api/tags HTTP/1.1"
fi
if picker models_filter_pick 100x30 '<F2> <Wait> q w e n <Enter> <C-s> <Wait>' \
	'-P ollama --base-url http://127.0.0.1:$PORT "Why is the sky blue?"' \
	"$DOCS/doc-models-ollama-tags" "$DOCS/doc-ollama-chat-stream"; then
	has "the filtered pick is sent" "$TMP/models_filter_pick.log" '"model":"qwen2.5:0.5b"'
fi
# ↓ then Esc: nothing picked, the model typed before stays.
if picker models_esc 100x30 '<S-Tab> <S-Tab> "my-model" <F2> <Wait> <Down> <Esc>' \
	'-P ollama --base-url http://127.0.0.1:$PORT "Why is the sky blue?"' "$DOCS/doc-models-ollama-tags"; then
	has "Esc closes the picker and keeps the model typed" "$TMP/models_esc.txt" "my-model"
	if grep -qF "qwen2.5" "$TMP/models_esc.txt"; then notok "Esc picks nothing"; else ok "Esc picks nothing"; fi
fi

# Errors: one line in the editor; the model and prompt typed stay.
if dump models_no_server 100x30 '<S-Tab> <S-Tab> "my-model" <F2> <Wait>' --base-url http://127.0.0.1:1/v1 \
	"Tell me a story."; then
	golden models_no_server.txt "$TMP/models_no_server.txt"
else
	notok "models_no_server: the explorer failed"
fi
if picker models_401 100x30 '<F2> <Wait>' '--base-url http://127.0.0.1:$PORT/v1 "Tell me a story."' \
	"$REC/g_error_wrong_api_key"; then
	has "a 401 is one line with the server's message" "$TMP/models_401.txt" \
		'model list: HTTP 401: Invalid API Key (authentication_error, 401) — $LLAMA_API_KEY is not set'
	has "the prompt stays after a 401" "$TMP/models_401.txt" "Tell me a story."
fi
if picker models_empty 100x30 '<F2> <Wait>' '--base-url http://127.0.0.1:$PORT/v1 "Tell me a story."' \
	"$FIX/models-empty"; then
	has "an empty list is said" "$TMP/models_empty.txt.masked" \
		"http://127.0.0.1:PORT/v1 lists no models: type the model's name"
fi
finish
