#!/bin/sh
# The explorer in a real terminal (tmux): quitting with q, Ctrl-C, SIGTERM
# and a hang-up leaves the terminal's modes exactly as they were (stty -a
# before and after), Ctrl-Z suspends and fg brings the screen back, and a
# terminal that is too small shows so until it is resized.
. tests/tui/lib.sh

B=$FIX/bytes.json

# run_in_shell NAME KEYS...: starts the explorer from a shell that saves
# stty -a before and after; sends KEYS once the screen is up.
run_in_shell() {
	_name=$1
	shift
	start 100x30 "stty -a >$TMP/$_name.before; $TS $B; echo EXIT=\$? >$TMP/$_name.rc; stty -a >$TMP/$_name.after; sleep 30"
	wait_for 'token 1 of 21' || { notok "$_name: the explorer did not start"; return 1; }
	keys "$@"
}

# modes_kept NAME: the explorer exited and stty -a is unchanged.
modes_kept() {
	_i=0
	while [ ! -s "$TMP/$1.after" ] && [ "$_i" -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -s "$TMP/$1.after" ] && cmp -s "$TMP/$1.before" "$TMP/$1.after"
}

run_in_shell quit_q l l q && modes_kept quit_q
check "q quits and the terminal modes are unchanged" $?
grep -q 'EXIT=0' "$TMP/quit_q.rc" 2>/dev/null
check "q exits with status 0" $?

run_in_shell quit_ctrl_c l C-c && modes_kept quit_ctrl_c
check "Ctrl-C quits and the terminal modes are unchanged" $?

run_in_shell quit_help '?' C-c C-c && modes_kept quit_help
check "Ctrl-C closes the help, a second Ctrl-C quits" $?

if run_in_shell quit_term l; then
	pid=$(pgrep -P "$(tm list-panes -t main -F '#{pane_pid}')" -x tokscope)
	[ -n "$pid" ] && kill -TERM "$pid"
	modes_kept quit_term
	check "SIGTERM quits and the terminal modes are unchanged" $?
fi

# Ctrl-Z and fg from an interactive shell.
start 100x30 "sh -i"
sleep 0.3
keys "$TS $B" Enter
if wait_for 'token 1 of 21'; then
	keys C-z
	wait_for 'Stopped' 30 || wait_for 'Suspended' 10
	check "Ctrl-Z suspends to the shell" $?
	keys fg Enter
	wait_for 'token 1 of 21' 30
	check "fg brings the screen back" $?
	keys q
	sleep 0.3
	keys "echo STATUS=\$?" Enter
	wait_for 'STATUS=0' 30
	check "q after a suspension exits with status 0" $?
else
	notok "the explorer did not start in a shell"
fi

# The terminal goes away: the explorer must exit, not spin.
start 100x30 "$TS $B"
wait_for 'token 1 of 21'
pid=$(pgrep -P "$(tm list-panes -t main -F '#{pane_pid}')" -x tokscope || tm list-panes -t main -F '#{pane_pid}')
tm kill-session -t main
i=0
while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
! kill -0 "$pid" 2>/dev/null
check "a hang-up ends the explorer" $?

# Too small, then resized to fit.
start 50x12 "$TS $B; sleep 30"
wait_for 'terminal too small: 50×12'
check "a terminal below 60x16 says it is too small" $?
tm resize-window -t main -x 100 -y 30
wait_for 'token 1 of 21' 30
check "growing the terminal brings the explorer back" $?
finish
