#!/bin/sh
# Decisions end to end: label tables and the three-way verdict's exit codes
# (0 accept, 3 escalate, 4 clarify), a cascade between two fixture servers
# (a weak and a strong mailcls classifier: the second request's body is
# checked), and --compare on two saved sessions.
B=${TOKSCOPE_BUILD:-build}
TS=$B/tokscope
FS=$B/tests/fixture_server
F=tests/fixtures/llamacpp-stories260k
M=tests/fixtures/llamacpp-mailcls
EMAIL=work,personal,spam,other
TICKET="billing, bug report, feature request, account access"
tmp=$(mktemp -d)
trap 'kill $wpid $spid 2>/dev/null; rm -rf "$tmp"' EXIT
export TOKSCOPE_CONFIG= NO_COLOR= LC_ALL=C.UTF-8
unset LLAMA_API_KEY
n=0

ok() { n=$((n + 1)); echo "ok - $1"; }
bad() { n=$((n + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
check() { name=$1; shift; if "$@"; then ok "$name"; else bad "$name" "stdout: $(head -c 1500 "$tmp/out")" "stderr: $(cat "$tmp/err")"; fi; }
has() { grep -qF -- "$1" "$tmp/out"; }

# start NAME LOG RECORDING...: a fixture server; sets ${NAME}port and ${NAME}pid.
start() {
	name=$1; log=$2; shift 2
	rm -f "$tmp/$name.port" "$log"
	: > "$log"
	"$FS" --log "$log" "$@" > "$tmp/$name.port" &
	eval "${name}pid=$!"
	i=0
	while [ ! -s "$tmp/$name.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	eval "${name}port=$(head -1 "$tmp/$name.port")"
}
stop() { kill $wpid $spid 2>/dev/null; wait $wpid $spid 2>/dev/null; }

# replay CASE EXPECTED [args]: print mode on a recording.
replay() {
	cas=$1; want=$2; shift 2
	"$TS" --print --color=never --replay "$M/$cas" "$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] && ok "$cas $*: exit $want" ||
		bad "$cas $*: exit $got, expected $want" "$(tail -5 "$tmp/out")" "$(cat "$tmp/err")"
}

# ---- labels and the three-way verdict ----
replay mailcls-190K/a_seed_email_stream 0 --labels $EMAIL
check "label table lists every label with mass and bar" \
	grep -qE '^  work +0\.9858 +0\.98[0-9]+ +█' "$tmp/out"
check "verdict says the margin rule decided" grep -qE '^  rule +margin-ok' "$tmp/out"
check "the label the answer wrote" grep -qE '^  the answer says +work$' "$tmp/out"
check "multi-token labels are flagged" has "only the first token is observable"

replay mailcls-190K/b_work_spam_tie_email_stream 3 --labels $EMAIL
check "escalate names the threshold rule" grep -qE '^  rule +below' "$tmp/out"
check "tie shows both labels" grep -qE '^  spam +0\.6032 .*◀ top' "$tmp/out"

replay mailcls-190K/d_ticket_billing_stream 4 --labels "$TICKET"
check "shared first token shown as shared" grep -qE '^  shared "b" +0\.98' "$tmp/out"
check "shared prefix clarifies" has "CLARIFY"
check "shared rule named" grep -qE '^  rule +shared' "$tmp/out"
check "billing's own row points at the shared row" has "its first token is shared"

# The weak model's mixed ticket: account access 0.526 vs the shared b 0.413,
# margin 0.113: below the default μ 0.3, above 0.1.
replay mailcls-190K/d_ticket_mixed_stream 4 --labels "$TICKET" --threshold 0.5
check "close labels: margin rule" grep -qE '^  rule +margin:' "$tmp/out"
replay mailcls-190K/d_ticket_mixed_stream 0 --labels "$TICKET" --threshold 0.5 --margin 0.1
replay mailcls-190K/d_ticket_mixed_stream 3 --labels "$TICKET" --threshold 0.53

# Grammar-forced stories260K: p 0.002 on spam, 0.08 on work (W): little mass on labels.
"$TS" -p --color=never --replay "$F/a_email_work_grammar_stream" --labels $EMAIL --threshold 0 > "$tmp/out" 2> "$tmp/err"
check "grammar case: too little label mass clarifies (exit 4)" test $? -eq 4
check "label-mass rule named" grep -qE '^  rule +label-mass' "$tmp/out"
"$TS" -p --color=never --replay "$F/a_email_work_grammar_stream" --labels $EMAIL --threshold 0 --min-label-mass 0.05 > "$tmp/out" 2> "$tmp/err"
check "grammar case: accepted once the minimum is lowered" test $? -eq 0

# Without labels: two-way as before, no label table.
replay mailcls-190K/a_seed_email_stream 0
check "no label table without labels" sh -c "! grep -q 'labels (from the first token)' '$tmp/out'"
check "two-way rule named" has "(no labels: two-way verdict)"

# Labels from the config file, [defaults] and a profile.
printf '[defaults]\nlabels = %s\nmargin = 0.1\n' "$TICKET" > "$tmp/labels.ini"
"$TS" -p --color=never -c "$tmp/labels.ini" --threshold 0.5 --replay "$M/mailcls-190K/d_ticket_mixed_stream" > "$tmp/out" 2> "$tmp/err"
check "labels and margin from [defaults]" test $? -eq 0
printf '[defaults]\nprofile = mine\n[profile mine]\nbase_url = http://127.0.0.1:9/v1\nlabels = %s\n' "$EMAIL" > "$tmp/labels.ini"
"$TS" -p --color=never -c "$tmp/labels.ini" --replay "$M/mailcls-190K/a_seed_email_stream" > "$tmp/out" 2> "$tmp/err"
check "labels from the selected profile" grep -qE '^  the answer says +work$' "$tmp/out"

# --json carries the label classification.
"$TS" --json --labels "$TICKET" --replay "$M/mailcls-1M/d_ticket_billing_stream" > "$tmp/out" 2> "$tmp/err"
check "--json exit 4 on clarify" test $? -eq 4
check "--json summary has rule and labels" sh -c "grep -q '\"rule\":\"shared\"' '$tmp/out' && grep -q '\"labels\":{\"on_labels\"' '$tmp/out' && grep -q '\"labels\":\[\"billing\",\"bug report\"\]' '$tmp/out'"

# ---- cascade ----
cascade() { # EXPECTED args...
	want=$1; shift
	printf '[profile strong]\nbase_url = http://127.0.0.1:%s/v1\nmodel = mailcls-1M\n' "$sport" > "$tmp/c.ini"
	"$TS" -c "$tmp/c.ini" --cascade --color=never -u "http://127.0.0.1:$wport/v1" -m mailcls-190K \
		--escalate-to strong --labels $EMAIL "$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] && ok "cascade $*: exit $want" || bad "cascade $*: exit $got, expected $want" \
		"$(tail -8 "$tmp/out")" "$(cat "$tmp/err")"
}
body() { sed -n '/^{/p' "$1" | tail -1; }

# The tie email: the weak model says spam (0.60 < 0.85), the strong one work (0.99).
start w "$tmp/weak.log" "$M/mailcls-190K/b_work_spam_tie_email_stream"
start s "$tmp/strong.log" "$M/mailcls-1M/b_work_spam_tie_email_stream"
cascade 0 "Classify this email: tie"
stop
check "both answers printed, cheap first" sh -c "grep -n '^spam$' '$tmp/out' | head -1 | grep -q . && grep -q '^work$' '$tmp/out' && [ \$(grep -n '^spam$' '$tmp/out' | cut -d: -f1) -lt \$(grep -n '^work$' '$tmp/out' | cut -d: -f1) ]"
check "escalation announced" has "escalating to the strong model: strong · mailcls-1M"
check "final answer marked: the strong one, ACCEPT" grep -qE '^  final answer +★ strong: "work" +ACCEPT' "$tmp/out"
check "cheap stage shows ESCALATE" grep -qE '^  cheap +mailcls-190K +ESCALATE' "$tmp/out"
check "the second request went to the strong server" grep -q 'POST /v1/chat/completions' "$tmp/strong.log"
wb=$(body "$tmp/weak.log"); sb=$(body "$tmp/strong.log")
check "strong request names the strong model" sh -c "echo '$sb' | grep -q '\"model\":\"mailcls-1M\"'"
check "cheap request named the cheap model" sh -c "echo '$wb' | grep -q '\"model\":\"mailcls-190K\"'"
wm=$(echo "$wb" | sed 's/.*"messages":\(\[[^]]*\]\).*/\1/'); sm=$(echo "$sb" | sed 's/.*"messages":\(\[[^]]*\]\).*/\1/')
check "strong request has the same messages" test -n "$wm" -a "$wm" = "$sm"
check "same request otherwise (model aside)" test "$(echo "$wb" | sed 's/"model":"[^"]*"//')" = "$(echo "$sb" | sed 's/"model":"[^"]*"//')"

# --cascade --json saves both answers; --compare on that one file aligns them.
start w "$tmp/weak.log" "$M/mailcls-190K/b_work_spam_tie_email_stream"
start s "$tmp/strong.log" "$M/mailcls-1M/b_work_spam_tie_email_stream"
cascade 0 --json "Classify this email: tie"
stop
mv "$tmp/out" "$tmp/both.json"
check "--cascade --json holds both answers and their verdicts" sh -c "grep -q '\"verdict\":\"ESCALATE\"' '$tmp/both.json' && grep -q '\"verdict\":\"ACCEPT\"' '$tmp/both.json'"
uid=$(grep -o '"uid":"[^"]*"' "$tmp/both.json" | head -1 | sed 's/"uid":"\(.*\)"/\1/')
check "--cascade --json links the strong answer to the cheap one" sh -c "[ -n '$uid' ] && grep -q '\"escalated_from\":\"$uid\"' '$tmp/both.json'"
"$TS" --compare --print "$tmp/both.json" > "$tmp/out" 2> "$tmp/err"
check "--compare on one file compares its two answers" sh -c "grep -q 'both.json #2: mailcls-1M' '$tmp/out' && grep -qE '^  B +\[w\]ork' '$tmp/out'"

# A confident first answer does not escalate: the strong server gets nothing.
start w "$tmp/weak.log" "$M/mailcls-190K/a_seed_email_stream"
start s "$tmp/strong.log" "$M/mailcls-1M/a_seed_email_stream"
cascade 0 "Classify this email: seed"
stop
check "no request to the strong server" test ! -s "$tmp/strong.log"
check "says why it did not escalate" has "not escalated: the cheap answer is accepted"
check "final answer is the cheap one" grep -qE '^  final answer +★ cheap: "work" +ACCEPT' "$tmp/out"

# CLARIFY does not escalate either: exit 4, strong server untouched.
start w "$tmp/weak.log" "$M/mailcls-190K/d_ticket_billing_stream"
start s "$tmp/strong.log" "$M/mailcls-1M/d_ticket_billing_stream"
cascade 4 --labels "$TICKET" "Classify this ticket"
stop
check "clarify: no request to the strong server" test ! -s "$tmp/strong.log"
check "clarify: says a stronger model would not help" has "not escalated: CLARIFY"

# The strong server fails: its error on stderr, exit 1, the cheap answer final.
start w "$tmp/weak.log" "$M/mailcls-190K/b_work_spam_tie_email_stream"
start s "$tmp/strong.log" "$F/g_error_malformed_json"
cascade 1 "Classify this email: tie"
stop
check "strong failure reported" grep -q "tokscope: HTTP 500" "$tmp/err"
check "strong failure: the cheap answer stays final" grep -qE '^  final answer +★ cheap: "spam"' "$tmp/out"

# escalate_to from the config, in the cheap profile's section.
start w "$tmp/weak.log" "$M/mailcls-190K/b_work_spam_tie_email_stream"
start s "$tmp/strong.log" "$M/mailcls-1M/b_work_spam_tie_email_stream"
profiles() {
	printf '[profile weak]\nbase_url = http://127.0.0.1:%s/v1\nmodel = mailcls-190K\nescalate_to = strong\nlabels = %s\n' "$wport" "$EMAIL"
	printf '[profile strong]\nbase_url = http://127.0.0.1:%s/v1\nmodel = mailcls-1M\n' "$sport"
}
profiles > "$tmp/p.ini"
"$TS" -c "$tmp/p.ini" -P weak --cascade --color=never "tie" > "$tmp/out" 2> "$tmp/err"
check "escalate_to and labels from a profile: exit 0" test $? -eq 0
stop
check "escalate_to from a profile reached the strong server" grep -q '"model":"mailcls-1M"' "$tmp/strong.log"

# The cascade binary under valgrind: no leaks on an escalated run.
if command -v valgrind >/dev/null 2>&1 && [ "$B" = build ]; then
	start w "$tmp/weak.log" "$M/mailcls-190K/b_work_spam_tie_email_stream"
	start s "$tmp/strong.log" "$M/mailcls-1M/b_work_spam_tie_email_stream"
	profiles > "$tmp/p.ini"
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"$TS" -c "$tmp/p.ini" -P weak --cascade x > /dev/null 2> "$tmp/vg"
	st=$?
	stop
	[ $st -eq 0 ] && grep -q '"model":"mailcls-1M"' "$tmp/strong.log" && ok "valgrind: clean cascade" ||
		bad "valgrind: clean cascade" "exit $st" "$(cat "$tmp/vg")"
fi

# ---- compare ----
"$TS" --json --replay "$M/mailcls-190K/b_work_spam_tie_email_stream" > "$tmp/a.json" 2>/dev/null
"$TS" --json --replay "$M/mailcls-1M/b_work_spam_tie_email_stream" > "$tmp/b.json" 2>/dev/null
"$TS" --compare --print --color=never "$tmp/a.json" "$tmp/b.json" > "$tmp/out" 2> "$tmp/err"
check "compare exits 0" test $? -eq 0
check "divergence at the first token" has "byte 0: A token #1, B token #1 (0 tokens aligned before)"
check "each side's divergent token bracketed" sh -c "grep -qE '^  A +\[s\]pam' '$tmp/out' && grep -qE '^  B +\[w\]ork' '$tmp/out'"
check "each side's probability for the other's token" sh -c "grep -q '\"s\" p 0.6032   B.s probability for it: 0.001229' '$tmp/out' && grep -q '\"w\" p 0.9877   A.s probability for it: 0.3746' '$tmp/out'"
"$TS" --json --replay "$M/mailcls-190K/d_ticket_mixed_stream" > "$tmp/a.json" 2>/dev/null
"$TS" --json --replay "$M/mailcls-1M/d_ticket_mixed_stream" > "$tmp/b.json" 2>/dev/null
"$TS" --compare --print "$tmp/a.json" "$tmp/b.json" > "$tmp/out" 2> "$tmp/err"
check "same answer: identical texts" has 'the texts are identical (14 bytes): "account access"'
check "largest difference first: token 1, 0.5245 → 0.7673" grep -qE '^ +1 +1 +0\.5245 +0\.7673 +\+0\.2429 +"a"' "$tmp/out"
check "then the last s" sh -c "sed -n '/largest/,\$p' '$tmp/out' | sed -n 4p | grep -qE '^ +10 +10 '"

# ---- usage ----
usage() { name=$1; shift; "$TS" "$@" > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] && ok "usage error: $name" || bad "usage error: $name" "$(cat "$tmp/err")"; }
usage "--cascade without a strong model" --cascade -u http://127.0.0.1:9/v1 x
usage "--escalate-to an unknown profile" --cascade --escalate-to nosuch x
usage "--compare without a file" --compare
usage "--compare with --cascade" --compare --cascade "$tmp/a.json" "$tmp/b.json"
usage "--cascade with --replay" --cascade --escalate-to openai --replay "$M/mailcls-1M/c_spam_stream"
usage "empty label" --print --labels "work,,spam" x
usage "duplicate label" --print --labels "Work,work" x
usage "margin above 1" --print --margin 2 x
usage "min label mass below 0" --print --min-label-mass -0.1 x
"$TS" --compare "$tmp/a.json" "$tmp/nosuch.json" > /dev/null 2> "$tmp/err"
check "compare: a missing file is an error (exit 1)" test $? -eq 1
"$TS" --compare --print "$tmp/a.json" > /dev/null 2> "$tmp/err"
check "compare: one file with one answer is named" sh -c "[ $? -eq 1 ] && grep -q 'a.json holds fewer than two answers' '$tmp/err'"
# Without --print, --compare opens the explorer: no terminal here, so it says how to print.
"$TS" --compare "$tmp/a.json" "$tmp/b.json" < /dev/null > /dev/null 2> "$tmp/err"
check "compare without --print wants a terminal, names --print" sh -c "[ $? -eq 1 ] && grep -q 'needs a terminal; use --print' '$tmp/err'"
"$TS" --help > "$tmp/out"
check "--help documents exit 4 and the decision options" sh -c "grep -q '4 clarify' '$tmp/out' && grep -q -- '--cascade' '$tmp/out' && grep -q -- '--labels LIST' '$tmp/out' && grep -q -- '--compare A B' '$tmp/out'"
echo "# $n checks"
