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

# The demo's label table and verdicts without colour to tell them: in mono
# (attributes only) and high-contrast. The large badge spells the verdict
# (mono's underline for ESCALATE and CLARIFY is not drawn through its
# letters); the top label has ▸ and, in mono, bold; the others neither.
demo_shot() { # demo_shot NAME KEYS THEME
	start 120x40 "env TERM=xterm-256color $TS --theme $3; sleep 30"
	if ! wait_for 'token 1 of' 50; then
		notok "$1: the explorer did not start"
		return
	fi
	[ -n "$2" ] && keys $2
	sleep 0.5
	capture_e >"$TMP/$1.ans"
	golden "$1.ans" "$TMP/$1.ans"
}
demo_shot theme_mono_escalate "n" mono
demo_shot theme_mono_clarify "n n n" mono
demo_shot theme_high-contrast_clarify "n n n" high-contrast
esc=$(printf '\033')
for v in escalate clarify; do
	big=$(grep '▀█▀' "$GOLDEN/theme_mono_$v.ans" | head -1)
	printf '%s' "$big" | grep -q "$esc\[[0-9;]*7m" &&
		! printf '%s' "$big" | grep -q "$esc\[\([0-9;]*;\)*4[;m]"
	check "mono, $v: the large badge is reverse, not underlined" $?
done
grep -q "$esc\[1m▸spam" "$GOLDEN/theme_mono_escalate.ans" && ! grep -q "$esc\[1m *work" "$GOLDEN/theme_mono_escalate.ans"
check "mono: the top label is marked and bold, the others plain" $?
grep -q "$esc\[1m▸\"b\" shared" "$GOLDEN/theme_mono_clarify.ans"
check "mono: a shared row on top is marked and bold" $?
grep -q '▸"b" shared' "$GOLDEN/theme_high-contrast_clarify.ans"
check "high-contrast: the top entry is marked with ▸" $?

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
