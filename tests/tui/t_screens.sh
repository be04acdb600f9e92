#!/bin/sh
# Golden screens of the explorer, driven by key scripts (TOKSCOPE_KEYS) and
# dumped as text (TOKSCOPE_DUMP_SCREEN): the demo at three sizes, a terminal
# too small, the selection and the inspector (bytes of an emoji split over
# three tokens, a Japanese character over two, control bytes, an invalid
# byte, an empty token), [ and ] jumps, a threshold change flipping the
# verdict, the statistic key, the help, the editor, the narrow layout's
# panel, zoom and a mouse click.
. tests/tui/lib.sh

B=$FIX/bytes.json
replay_session "$TMP/story.json" c_open_question_stream_top20 || notok "replay c_open_question_stream_top20"
replay_session "$TMP/long.json" f_long_story_stream_top20 || notok "replay f_long_story_stream_top20"

screen demo_100x30 100x30 ''
screen demo_80x24 80x24 ''
screen demo_200x60 200x60 ''
screen demo_answer_4 100x30 'n n n'
screen too_small 59x15 '' "$B"

# bytes.json tokens: 0 Split, 1 " emoji", 2 ":", 3 " ", 4 f0 9f, 5 98, 6 80,
# 7 " and", 8 " ", 9 e3 81, 10 8a, 11 " tab:", 12 tab, 13 x, 14 newline,
# 15 esc:, 16 ESC[31m, 17 " bad:", 18 ff, 19 (empty), 20 " end."
screen bytes_first 100x30 '' "$B"
screen bytes_emoji_starts 100x30 'l l l l' "$B"
screen bytes_emoji_middle 100x30 'l l l l l' "$B"
screen bytes_emoji_continues 100x30 'l l l l l l' "$B"
screen bytes_japanese_continues 100x30 'l l l l l l l l l l' "$B"
screen bytes_escape 100x30 'G h h h h' "$B"
screen bytes_invalid 100x30 'G h h' "$B"
screen bytes_empty 100x30 'G h' "$B"
screen bytes_80x24 80x24 'l l l l l' "$B"

screen jump_next_low 100x30 '] ] ]' "$B"
screen jump_prev_low 100x30 'G [ [' "$B"
screen jump_none 100x30 'G ]' "$B"

screen threshold_accept 100x30 '' "$B"
screen threshold_escalate 100x30 'T T' "$B"
screen token_threshold 100x30 'U U U U U' "$B"
screen stat_geomean 100x30 's' "$B"

screen help 100x30 '?'
screen help_scrolled 100x30 '? <PgDn>'
screen editor 100x30 'p'
screen narrow_panel 80x24 'i' "$B"
screen zoom 100x30 'z' "$TMP/story.json"
screen click 100x30 '<Click:23,3>' "$B"
screen story_down 100x30 'j j j l' "$TMP/story.json"
screen long_page_down 100x30 '<PgDn> <PgDn>' "$TMP/long.json"
screen long_end 100x30 'G k' "$TMP/long.json"
screen long_wheel 100x30 '<WheelDown:10,10> <WheelDown:10,10> <WheelUp:10,10>' "$TMP/long.json"
screen long_200x60 200x60 'G' "$TMP/long.json"
finish
