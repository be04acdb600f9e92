#!/bin/sh
# Sessions on disk: `w` saves every answer to the path shown (here typed
# over), the saved file opens again with `tokscope FILE` showing the same
# screen, `o` adds a file's answers to the list, and a file that cannot be
# read gives an error box while the answers on screen stay.
. tests/tui/lib.sh

B=$FIX/bytes.json
replay_session "$TMP/story.json" c_open_question_stream_top20 || notok "replay c_open_question_stream_top20"

dump save 100x30 "l l w <C-u> \"$TMP/saved.json\" <Enter>" "$B"
[ -s "$TMP/saved.json" ]
check "w writes the session file" $?
has "the status bar shows where it was saved" "$TMP/save.txt" "saved 1 answer to $TMP/saved.json"

dump original 100x30 'l l' "$B"
dump reopened 100x30 'l l' "$TMP/saved.json"
cmp -s "$TMP/original.txt" "$TMP/reopened.txt"
check "a saved session reopens to the same screen" $?

dump opened 100x30 "o <C-u> \"$TMP/story.json\" <Enter>" "$B"
has "o adds the file's answers and shows the first" "$TMP/opened.txt" "answer 2/2: c_open_question_stream_top20"

dump open_missing 100x30 "o <C-u> \"$TMP/nothing-here.json\" <Enter>" "$B"
has "opening a missing file shows an error box" "$TMP/open_missing.txt" "cannot open"
has "the answer on screen stays" "$TMP/open_missing.txt" "answer 1/1: bytes split across tokens"

dump save_dialog 100x30 'w' "$B"
has "the save dialog shows the path it will write" "$TMP/save_dialog.txt" "bytes.json"
finish
