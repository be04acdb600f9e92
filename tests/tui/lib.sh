# lib.sh — shared by the explorer's tests (tests/tui/t_*.sh source it).
#
# Two ways to drive the real binary, both at a fixed size, TERM and locale,
# with no config file (TOKSCOPE_CONFIG empty):
#   screen NAME COLSxROWS KEYS ARGS...
#       runs the explorer with a key script (TOKSCOPE_KEYS, notation in
#       tui/keys.h) and TOKSCOPE_DUMP_SCREEN, without a terminal (curses
#       takes the size from LINES/COLUMNS), and compares the dumped screen
#       with tests/tui/golden/NAME.txt;
#   tmux (tm, start, wait_for, capture): a real terminal, for what needs one
#       (colours, signals, resizing, the terminal's modes).
# UPDATE_GOLDEN=1 rewrites the golden files instead of comparing: review
# every changed file (git diff) before committing it.
TS=${TOKSCOPE_BUILD:-build}/tokscope
SERVER=${TOKSCOPE_BUILD:-build}/tests/fixture_server
GOLDEN=tests/tui/golden
FIX=tests/tui/fixtures
REC=tests/fixtures/llamacpp-stories260k

export TERM=xterm-256color LC_ALL=C.UTF-8 TOKSCOPE_CONFIG= TOKSCOPE_THEME_DIR=themes
unset NO_COLOR COLORTERM TOKSCOPE_KEYS TOKSCOPE_DUMP_SCREEN LLAMA_API_KEY OPENAI_API_KEY

TMP=$(mktemp -d)
TMUX_SOCK=tokscope-test-$$
SERVER_PID=
failures=0

tm() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }

cleanup() {
	tm kill-server 2>/dev/null
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; failures=$((failures + 1)); }
check() { # check NAME CONDITION-STATUS
	if [ "$2" -eq 0 ]; then ok "$1"; else notok "$1"; fi
}
finish() { exit $((failures > 0)); }

if [ ! -x "$TS" ]; then
	echo "not ok - $TS is not built"
	exit 1
fi

# mask FILE: FILE.masked with what differs from run to run replaced:
# ports, timings (a masked number is shorter or longer than the real one,
# so on a line with a timing the padding before a border is collapsed) and
# the spinner.
mask() {
	sed -e 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g' \
	    -e 's/[0-9.]* ms\b/N ms/g' -e 's/[0-9.]* s ·/N s ·/g' -e 's/[0-9]* tok\/s/N tok\/s/g' \
	    -e 's/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/⠿/g' -e '/N ms\|N s ·\|N tok\/s/s/  *│/ │/g' "$1" >"$1.masked"
}

# golden NAME FILE: FILE must equal tests/tui/golden/NAME.
golden() {
	if [ -n "$UPDATE_GOLDEN" ]; then
		cp "$2" "$GOLDEN/$1"
		ok "$1 (golden file written)"
	elif [ ! -f "$GOLDEN/$1" ]; then
		notok "$1: no golden file (UPDATE_GOLDEN=1 writes it)"
	elif diff -u "$GOLDEN/$1" "$2" >"$TMP/diff"; then
		ok "$1"
	else
		notok "$1"
		sed 's/^/# /' "$TMP/diff" | head -40
	fi
}

# dump NAME COLSxROWS KEYS ARGS...: the screen after the key script, in $TMP/NAME.txt.
dump() {
	_name=$1 _size=$2 _keys=$3
	shift 3
	LINES=${_size#*x} COLUMNS=${_size%x*} TOKSCOPE_KEYS="$_keys" TOKSCOPE_DUMP_SCREEN="$TMP/$_name.txt" \
		"$TS" "$@" </dev/null >"$TMP/$_name.out" 2>"$TMP/$_name.err"
}

# screen NAME COLSxROWS KEYS ARGS...: dump, then compare with the golden file.
screen() {
	_n=$1
	if ! dump "$@"; then
		notok "$_n: the explorer failed"
		sed 's/^/# /' "$TMP/$_n.err" | tail -5
		return
	fi
	golden "$_n.txt" "$TMP/$_n.txt"
}

# has NAME FILE TEXT: FILE contains TEXT (a fixed string).
has() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else notok "$1: no '$3'"; sed 's/^/# /' "$2" | head -40; fi
}

# A session made from a recording through print mode's --replay --json.
replay_session() { # replay_session OUT CASE...
	_out=$1
	shift
	_args=
	for _c in "$@"; do _args="$_args --replay $REC/$_c"; done
	# shellcheck disable=SC2086
	"$TS" --json $_args >"$_out" 2>/dev/null
	[ -s "$_out" ]
}

# start COLSxROWS COMMAND: a tmux session "main" running COMMAND (sh -c).
# A session that outlives the others keeps the tmux server up between tests.
start() {
	tm has-session -t keep 2>/dev/null || tm new-session -d -s keep "sleep 600"
	tm kill-session -t main 2>/dev/null
	tm new-session -d -s main -x "${1%x*}" -y "${1#*x}" "$2"
}
capture() { tm capture-pane -p -t main; }
capture_e() { tm capture-pane -p -e -t main; }
keys() { tm send-keys -t main "$@"; }

# wait_for TEXT [TENTHS]: until the pane shows TEXT (default 10 s).
wait_for() {
	_i=0
	while [ "$_i" -lt "${2:-100}" ]; do
		if capture 2>/dev/null | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# wait_gone: until the tmux session has ended (default 10 s).
wait_gone() {
	_i=0
	while tm has-session -t main 2>/dev/null && [ "$_i" -lt "${1:-100}" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	! tm has-session -t main 2>/dev/null
}

# serve CASE... [--delay-ms N]: the fixture server in the background; sets PORT.
SERVERS=0
serve() {
	[ -x "$SERVER" ] || return 1
	SERVERS=$((SERVERS + 1))
	_out=$TMP/server$SERVERS.out
	"$SERVER" "$@" >"$_out" 2>"$TMP/server$SERVERS.err" &
	SERVER_PID=$!
	_i=0
	while ! grep -q '^[0-9][0-9]*$' "$_out" 2>/dev/null && [ "$_i" -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	PORT=$(head -1 "$_out")
	[ -n "$PORT" ]
}
