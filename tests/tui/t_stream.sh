#!/bin/sh
# Live requests against the fixture server (tests/fixture_server.c), which
# replays real llama-server recordings, paced by --delay-ms: a stream to the
# end, a resize in the middle of a stream, a 401 shown as an error while the
# previous answer stays on screen, a stream cut short, and Esc cancelling a
# stream in a real terminal (tmux) with the tokens kept.
. tests/tui/lib.sh


# stream NAME COLSxROWS KEYS SERVER-ARGS...: one request through the editor.
stream() {
	_name=$1 _size=$2 _keys=$3
	shift 3
	if ! serve "$@"; then
		notok "$_name: the fixture server did not start"
		return
	fi
	if dump "$_name" "$_size" "$_keys" --base-url "http://127.0.0.1:$PORT/v1" "Tell me a story."; then
		mask "$TMP/$_name.txt"
		golden "$_name.txt" "$TMP/$_name.txt.masked"
	else
		notok "$_name: the explorer failed"
		sed 's/^/# /' "$TMP/$_name.err" | tail -5
	fi
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}

stream stream_done 100x30 '<C-s> <Wait>' --delay-ms 5 "$REC/c_open_question_stream_top20"
stream stream_resized 100x30 '<C-s> <Sleep:300> <Resize:80x24> <Wait>' \
	--delay-ms 10 "$REC/c_open_question_stream_top20"
stream stream_401_keeps_answer 100x30 '<C-s> <Wait> p <C-s> <Wait>' \
	--delay-ms 2 "$REC/c_open_question_stream_top20" "$REC/g_error_wrong_api_key"
stream stream_cut 100x30 '<C-s> <Wait>' --delay-ms 2 --cut-after 40000 "$REC/c_open_question_stream_top20"

# Nothing listens on port 1: the connection is refused.
if dump no_server 100x30 '<C-s> <Wait>' --base-url http://127.0.0.1:1/v1 "Tell me a story."; then
	golden no_server.txt "$TMP/no_server.txt"
else
	notok "no_server: the explorer failed"
fi

# In a terminal: Esc cancels a running stream and keeps its tokens.
if serve --delay-ms 100 "$REC/f_long_story_stream_top20"; then
	start 100x30 "$TS --base-url http://127.0.0.1:$PORT/v1 'Tell me a long story.'; echo EXIT=\$?; sleep 30"
	wait_for 'Ctrl-S send' && keys C-s
	wait_for 'STREAMING' 50
	check "a stream shows its state" $?
	sleep 1
	capture >"$TMP/mid.txt"
	has "tokens arrive while streaming" "$TMP/mid.txt" "(streaming)"
	tm resize-window -t main -x 80 -y 24
	sleep 0.5
	capture >"$TMP/resized.txt"
	[ "$(wc -l <"$TMP/resized.txt")" -eq 24 ] && tail -1 "$TMP/resized.txt" | grep -q STREAMING &&
		sed -n 2p "$TMP/resized.txt" | grep -q '^┌.*┐$' && [ "$(sed -n 2p "$TMP/resized.txt" | wc -m)" -eq 81 ]
	check "a resize mid-stream re-lays out at 80x24" $?
	keys q
	wait_for 'Quit anyway?' 30
	check "q while streaming asks first" $?
	keys n
	sleep 0.3
	capture | tail -1 | grep -q STREAMING
	check "n keeps the stream running" $?
	keys Escape
	wait_for 'CANCELLED (incomplete)' 30
	check "Esc cancels the stream" $?
	keys i
	wait_for '(incomplete)' 20
	capture >"$TMP/cancelled.txt"
	has "the cancelled answer keeps its tokens, marked incomplete" "$TMP/cancelled.txt" "(incomplete)"
	keys q
	wait_for 'EXIT=0' 30
	check "q quits after a cancelled stream" $?
else
	notok "the fixture server did not start"
fi
finish
