#!/bin/sh
# The documentation says what the code does: every option in --help is in
# the man page, every key in the explorer's help overlay (generated from
# the key table) is in the man page's KEYS section, and the README's quick
# start names the two commands.
B=${TOKSCOPE_BUILD:-build}
TS=$B/tokscope
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok - $1"; }
bad() { n=$((n + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

if ! command -v man >/dev/null 2>&1; then echo "ok - man(1) not installed: skipped"; exit 0; fi
MANWIDTH=200 man -l man/tokscope.1 2>/dev/null > "$tmp/man"
"$TS" --help > "$tmp/help"
missing=""
for opt in $(grep -oE -- '--[a-z][a-z-]+' "$tmp/help" | sort -u); do
	grep -qF -- "$opt" "$tmp/man" || missing="$missing $opt"
done
[ -z "$missing" ] && ok "every --help option is in the man page" || bad "every --help option is in the man page" "missing:$missing"

TOKSCOPE_CONFIG= LINES=60 COLUMNS=120 TOKSCOPE_KEYS='?' TOKSCOPE_DUMP_SCREEN="$tmp/overlay" TERM=xterm-256color \
	LC_ALL=C.UTF-8 "$TS" < /dev/null > /dev/null 2>&1
# Overlay lines look like "│   t             lower the routing threshold τ by 0.05   │"
# (inside the answer box's "│"); key-table rows end where "mouse and marks" starts.
awk -F'│' '/mouse and marks/ { exit } $3 ~ /^   [^ ]/ { d = substr($3, 18); sub(/ +$/, "", d); print d }' \
	"$tmp/overlay" > "$tmp/keys"
[ "$(wc -l < "$tmp/keys")" -ge 30 ] && ok "help overlay lists the keys" || bad "help overlay lists the keys" "$(cat "$tmp/overlay")"
missing=""
while IFS= read -r h; do
	want=$(printf '%s' "$h" | sed 's/ ⇄ / or /')
	grep -qF -- "$want" "$tmp/man" || missing="$missing | $want"
done < "$tmp/keys"
[ -z "$missing" ] && ok "every key in the help overlay is in the man page" || bad "every key in the help overlay is in the man page" "missing:$missing"

grep -q '^    make run' README.md && grep -q '^    make check' README.md && ok "README quick start names make run and make check" ||
	bad "README quick start names make run and make check"
grep -q 'make check' .ci/run && ok ".ci/run runs the README's test command" || bad ".ci/run runs the README's test command"
echo "# $n checks"
