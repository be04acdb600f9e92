#!/bin/sh
# Label sets stored per answer (the session's "labels"): --json records the
# set each answer was judged with; --print SESSION.json judges each answer
# with its own set unless --labels is given ("" means none), exits with the
# first answer's verdict; the bundled demo's classifier answers carry theirs.
B=${TOKSCOPE_BUILD:-build}
TS=$B/tokscope
M=tests/fixtures/llamacpp-mailcls
EMAIL="work,personal,spam,other"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TOKSCOPE_CONFIG= NO_COLOR= LC_ALL=C.UTF-8
unset LLAMA_API_KEY
n=0

ok() { n=$((n + 1)); echo "ok - $1"; }
bad() { n=$((n + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
check() { name=$1; shift; if "$@"; then ok "$name"; else bad "$name" "stdout: $(head -c 1500 "$tmp/out")" "stderr: $(cat "$tmp/err")"; fi; }
has() { grep -qF -- "$1" "$tmp/out"; }
# run EXPECTED ARGS...: tokscope with ARGS, output in $tmp/out; checks the exit status.
run() {
	want=$1; shift
	"$TS" "$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] && ok "$* exits $want" || bad "$* exits $got, expected $want" "$(tail -5 "$tmp/out")" "$(cat "$tmp/err")"
}
# section N: the printed answer N of the session, in $tmp/out.
section() { awk -v n="$1" '/^── answer [0-9]+ of/ { k++ } k == n' "$tmp/all" > "$tmp/out"; }

# --json records the set each answer was judged with.
run 3 --json --labels "$EMAIL" --replay "$M/mailcls-190K/b_work_spam_tie_email_stream"
cp "$tmp/out" "$tmp/tie.json"
check "--json stores the labels in the answer" has '"labels":"work, personal, spam, other"'
run 3 --json --replay "$M/mailcls-190K/b_work_spam_tie_email_stream"
check "without labels --json stores none" sh -c "! grep -qF '\"labels\":\"' '$tmp/out'"

# --print SESSION.json: the stored set, without --labels.
run 3 --print --color=never "$tmp/tie.json"
check "the stored set gives the label table" has "── labels (from the first token) ──"
check "and the three-way rule" grep -qE '^  rule +below' "$tmp/out"
run 0 --print --color=never --threshold 0.6 --margin 0.2 "$tmp/tie.json"
check "τ and μ from the command line apply to a stored set" grep -qE '^  rule +margin-ok' "$tmp/out"
run 4 --print --color=never --threshold 0.6 "$tmp/tie.json"
check "a margin below μ clarifies" grep -qE '^  rule +margin:' "$tmp/out"

# --labels wins over the stored set; "" stored means no labels.
run 3 --print --color=never --labels "spam, ham" "$tmp/tie.json"
check "--labels wins over the answer's own set" grep -qE '^  ham ' "$tmp/out"
sed 's/"labels":"work, personal, spam, other"/"labels":""/' "$tmp/tie.json" > "$tmp/none.json"
TOKSCOPE_CONFIG="$tmp/config.ini"
printf '[defaults]\nlabels = work, spam\n' > "$tmp/config.ini"
export TOKSCOPE_CONFIG
run 3 --print --color=never "$tmp/none.json"
check "an explicit empty set wins over the config's labels" sh -c "! grep -qF 'labels (from the first token)' '$tmp/out' && grep -qE '^  rule +below: .*no labels' '$tmp/out'"
run 3 --print --color=never "$tmp/tie.json"
check "the answer's own set wins over the config's" grep -qE '^  personal ' "$tmp/out"
TOKSCOPE_CONFIG=

# The bundled demo: every classifier answer carries its labels.
run 0 --print --color=never examples/demo-session.json
cp "$tmp/out" "$tmp/all"
check "every demo answer is printed" grep -qF "── answer 11 of 11: c_open_question_stream_top20 ──" "$tmp/all"
section 1
check "demo answer 1: email labels, accept" sh -c "grep -qE '^  work +0\.9858' '$tmp/out' && grep -qF ' ACCEPT ' '$tmp/out'"
section 4
check "demo answer 4: ticket labels, the shared first token clarifies" \
	sh -c "grep -qE '^  shared \"b\" ' '$tmp/out' && grep -qE '^  rule +shared' '$tmp/out'"
section 8
check "demo answer 8: the grammar-forced email has email labels" grep -qE '^  other ' "$tmp/out"
section 9
check "demo answer 9: free text has no labels" sh -c "! grep -qF 'labels (from' '$tmp/out'"
echo "# $n checks"
