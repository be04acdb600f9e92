#!/bin/sh
# Colour is the point here: captures with attributes (tmux capture-pane -e)
# of every theme, NO_COLOR (attributes only), an 8-colour terminal, the
# token-boundary tint, the colour modes, and the theme key; compared with
# golden .ans files (view one with `cat`, or render it with aha).
. tests/tui/lib.sh

B=$FIX/bytes.json

# shot NAME KEYS ENV ARGS...: the screen after KEYS, with colours.
shot() {
	_name=$1 _keys=$2 _env=$3
	shift 3
	start 100x30 "env $_env $TS $*; sleep 30"
	if ! wait_for 'token 1 of' 50; then
		notok "$_name: the explorer did not start"
		return
	fi
	[ -n "$_keys" ] && keys $_keys
	sleep 0.5
	capture_e >"$TMP/$_name.ans"
	golden "$_name.ans" "$TMP/$_name.ans"
}

for theme in default light colorblind mono high-contrast; do
	shot "theme_$theme" "l l l l" "TERM=xterm-256color" --theme "$theme" "$B"
done
shot no_color "l l l l" "NO_COLOR=1" "$B"
shot term_8_colours "l l l l" "TERM=xterm" "$B"
shot boundaries "b" "TERM=xterm-256color" "$B"
shot colour_rank "c c" "TERM=xterm-256color" "$B"
shot colour_entropy "c c c" "TERM=xterm-256color" "$B"
shot theme_key "C" "TERM=xterm-256color" "$B"

# The colour must really differ: the default theme's capture has 256-colour
# escapes, NO_COLOR's has none at all.
esc=$(printf '\033')
grep -q "$esc\[[0-9;]*38;5;" "$GOLDEN/theme_default.ans"
check "the default theme uses 256 colours" $?
! grep -q "$esc\[\([0-9;]*;\)*\(3[0-7]\|4[0-7]\|38;5\|48;5\)[;m]" "$GOLDEN/no_color.ans"
check "NO_COLOR draws no colour" $?
grep -q "$esc\[\([0-9;]*;\)*3[0-7][;m]" "$GOLDEN/term_8_colours.ans" &&
	! grep -q "$esc\[[0-9;]*38;5;" "$GOLDEN/term_8_colours.ans"
check "an 8-colour terminal gets the 8 basic colours" $?
finish
