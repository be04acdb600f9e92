#!/bin/sh
# Recorded escalations: a cascade shown from answers already there, without
# a server. The bundled demo holds the weak and the strong classifier's
# answers to the tie email (answers 2, 3) and the mixed ticket (5, 6), the
# strong ones linked to the weak ones (escalated_from, tests/demo_build.c).
# The demo's flow: answer 1 ACCEPT, n: answer 2 ESCALATE with "E strong
# model" in the hints, E: the two side by side, marked recorded (golden
# screens at 120x40 and 80x24), from either answer; E on an answer without
# a partner still says how to set a strong model. With a strong model
# configured (a fixture server) E still shows the recording and leaves the
# server alone, and E again in that view asks it live. A live escalation
# saved with w and reopened without any server: E on either answer shows
# the stored pair.
. tests/tui/lib.sh

M=tests/fixtures/llamacpp-mailcls
WPID= SPID=
trap 'kill $WPID $SPID 2>/dev/null; cleanup' EXIT

# lacks NAME FILE TEXT: FILE does not contain TEXT.
lacks() {
	if grep -qF -- "$3" "$2"; then notok "$1: '$3' is there"; else ok "$1"; fi
}

# ---- the demo, no server, no configuration ----
dump flow_accept 120x40 ''
has "demo: answer 1 is ACCEPT" "$TMP/flow_accept.txt" "answer 1/11: a_seed_email_stream · mailcls-190K"
lacks "demo: no E hint on an ACCEPT answer" "$TMP/flow_accept.txt" "E strong model"
dump flow_escalate 120x40 'n'
has "demo: n shows answer 2" "$TMP/flow_escalate.txt" "answer 2/11: b_work_spam_tie_email_stream · mailcls-190K"
has "demo: the hints offer E on an ESCALATE answer" "$TMP/flow_escalate.txt" "E strong model"
dump flow_escalate_80 80x24 'n'
has "demo: the E hint fits at 80 columns" "$TMP/flow_escalate_80.txt" "E strong model"

screen recorded_120x40 120x40 'n E'
screen recorded_80x24 80x24 'n E'
dump recorded_80x24_summary 80x24 'n E i'
has "80x24: i shows the recorded cascade's summary" "$TMP/recorded_80x24_summary.txt" "cascade · recorded"
has "80x24: the strong stage's rule in words" "$TMP/recorded_80x24_summary.txt" "first-token probability 0.9877 ≥ τ"

dump recorded_from_strong 120x40 'n n E'
has "E on the strong answer shows the same pair" "$TMP/recorded_from_strong.txt" \
	"recorded cascade: answer 2 (cheap) → answer 3 (strong): b_work_spam_tie_email_stream"
dump recorded_ticket 120x40 'n n n n E'
has "the ticket pair too" "$TMP/recorded_ticket.txt" "recorded cascade: answer 5 (cheap) → answer 6 (strong): d_ticket_mixed_stream"
has "the ticket pair: the strong answer is final" "$TMP/recorded_ticket.txt" "★ strong: \"account␣access\""
dump recorded_again 120x40 'n E <Esc> E'
has "Esc and E again: the pair again" "$TMP/recorded_again.txt" "recorded cascade: answer 2 (cheap) → answer 3 (strong)"
dump recorded_e_again 120x40 'n E E'
has "E again without a strong model: how to set one" "$TMP/recorded_e_again.txt" "no strong model: --escalate-to"
dump recorded_none 120x40 'E'
has "E on an answer with no partner: how to set a strong model" "$TMP/recorded_none.txt" "no strong model: --escalate-to"
dump recorded_tau 120x40 'n E T T T'
has "T re-judges the recorded strong answer" "$TMP/recorded_tau.txt" "first-token probability 0.9877 < τ"

# ---- a strong model configured: the recording still wins, E again asks live ----
"$SERVER" --delay-ms 5 --log "$TMP/strong.log" "$M/mailcls-1M/b_work_spam_tie_email_stream" >"$TMP/s.port" &
SPID=$!
_i=0
while [ ! -s "$TMP/s.port" ] && [ "$_i" -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
SPORT=$(head -1 "$TMP/s.port")
printf '[profile strong]\nbase_url = http://127.0.0.1:%s/v1\nmodel = mailcls-1M\n' "$SPORT" >"$TMP/c.ini"
: >"$TMP/strong.log"
dump configured 120x40 'n E <Sleep:300>' -c "$TMP/c.ini" --escalate-to strong
has "configured: the recorded pair" "$TMP/configured.txt" "recorded cascade: answer 2 (cheap) → answer 3 (strong)"
has "configured: the status bar says how to ask live" "$TMP/configured.txt" "recorded, nothing sent · E again asks strong · mailcls-1M live"
[ ! -s "$TMP/strong.log" ]
check "configured: the strong server was not contacted" $?
dump configured_live 120x40 'n E E <Wait>' -c "$TMP/c.ini" --escalate-to strong
grep -q '"model":"mailcls-1M"' "$TMP/strong.log"
check "E again: the strong server got the request" $?
has "E again: a live cascade of answer 2" "$TMP/configured_live.txt" " cascade: answer 2 (cheap) → answer 12 (strong)"
has "E again: the live answer is final" "$TMP/configured_live.txt" "★ final · strong · mailcls-1M"
kill $SPID 2>/dev/null
wait $SPID 2>/dev/null
SPID=

# ---- the demo saved and reopened ----
dump demo_saved 120x40 "n E w <C-u> \"$TMP/demo.json\" <Enter>"
grep -q '"escalated_from":"demo-2"' "$TMP/demo.json"
check "w keeps the demo's links" $?
dump demo_reopened 120x40 'n E' "$TMP/demo.json"
has "the saved demo: E shows the pair" "$TMP/demo_reopened.txt" \
	"recorded cascade: answer 2 (cheap) → answer 3 (strong): b_work_spam_tie_email_stream"

# ---- a live escalation, saved, reopened without a server ----
"$SERVER" --delay-ms 5 --log "$TMP/weak.log" "$M/mailcls-190K/b_work_spam_tie_email_stream" >"$TMP/w.port" &
WPID=$!
"$SERVER" --delay-ms 5 --log "$TMP/strong2.log" "$M/mailcls-1M/b_work_spam_tie_email_stream" >"$TMP/s.port" &
SPID=$!
_i=0
while { [ ! -s "$TMP/w.port" ] || [ ! -s "$TMP/s.port" ]; } && [ "$_i" -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
WPORT=$(head -1 "$TMP/w.port")
SPORT=$(head -1 "$TMP/s.port")
printf '[profile strong]\nbase_url = http://127.0.0.1:%s/v1\nmodel = mailcls-1M\n' "$SPORT" >"$TMP/c2.ini"
dump live_saved 120x40 "<C-s> <Wait> E <Wait> w <C-u> \"$TMP/live.json\" <Enter>" -c "$TMP/c2.ini" \
	-u "http://127.0.0.1:$WPORT/v1" -m mailcls-190K --labels work,personal,spam,other --escalate-to strong \
	"Classify this email: tie"
kill $WPID $SPID 2>/dev/null
wait $WPID $SPID 2>/dev/null
WPID= SPID=
grep -q '"escalated_from":' "$TMP/live.json"
check "a live escalation is saved with its link" $?
dump live_reopened 120x40 'E' "$TMP/live.json"
has "reopened: E on the cheap answer shows the stored pair" "$TMP/live_reopened.txt" \
	"recorded cascade: answer 1 (cheap) → answer 2 (strong): “Classify this email: tie”"
has "reopened: the strong answer is final" "$TMP/live_reopened.txt" "★ final · strong · mailcls-1M"
dump live_reopened_strong 120x40 'n E' "$TMP/live.json"
has "reopened: E on the strong answer too" "$TMP/live_reopened_strong.txt" "recorded cascade: answer 1 (cheap) → answer 2 (strong)"
finish
