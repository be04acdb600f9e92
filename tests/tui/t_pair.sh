#!/bin/sh
# Two answers side by side. The cascade: a prompt to a fixture server
# serving the weak mailcls classifier (its answer to the tie email is
# ESCALATE), then E sends the same request to a second fixture server
# serving the strong one, whose log must hold the same body with the strong
# model; the side-by-side screen at 120x40 and the toggled view (v) at
# 80x24; τ (T) and μ (M) re-judging both answers; auto-escalation
# (--auto-escalate) with no key, and not for an ACCEPT answer; Esc
# cancelling the strong stream; a strong server that fails; E without a
# strong model saying how to set one. The compare view: tokscope --compare
# on two sessions of one prompt that part at byte 56, the selection moving
# in both panes, two sessions with the same text whose probabilities differ
# (at 80x24, the list shown with i), and V on the answers of one session
# (the header naming each by model and title).
. tests/tui/lib.sh

M=tests/fixtures/llamacpp-mailcls
EMAIL=work,personal,spam,other
WPID= SPID=
trap 'kill $WPID $SPID 2>/dev/null; cleanup' EXIT

# Timings, ports and the spinner differ from run to run: mask them, and
# the padding after a masked time, so the border does not move.
mask() {
	sed -e 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g' \
	    -e 's/[0-9][0-9.]* ms\b/N ms/g' -e 's/[0-9][0-9]*\.[0-9][0-9]* s\b/N ms/g' -e 's/[0-9]* tok\/s/N tok\/s/g' \
	    -e 's/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/⠿/g' -e '/N ms/s/  *│/ │/g' "$1" >"$1.masked"
}

# servers [WEAK-DELAY [STRONG-DELAY [STRONG-CASE]]]: the weak server (port
# WPORT, log weak.log) and the strong one (SPORT, strong.log), on the tie
# email (or STRONG-CASE).
servers() {
	kill $WPID $SPID 2>/dev/null
	wait $WPID $SPID 2>/dev/null
	rm -f "$TMP/weak.log" "$TMP/strong.log" "$TMP/w.port" "$TMP/s.port"
	"$SERVER" --delay-ms "${1:-5}" --log "$TMP/weak.log" "$M/mailcls-190K/b_work_spam_tie_email_stream" >"$TMP/w.port" &
	WPID=$!
	"$SERVER" --delay-ms "${2:-5}" --log "$TMP/strong.log" "${3:-$M/mailcls-1M/b_work_spam_tie_email_stream}" \
		>"$TMP/s.port" &
	SPID=$!
	_i=0
	while { [ ! -s "$TMP/w.port" ] || [ ! -s "$TMP/s.port" ]; } && [ "$_i" -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	WPORT=$(head -1 "$TMP/w.port")
	SPORT=$(head -1 "$TMP/s.port")
	printf '[profile strong]\nbase_url = http://127.0.0.1:%s/v1\nmodel = mailcls-1M\n' "$SPORT" >"$TMP/c.ini"
}

# cascade NAME SIZE KEYS [ARGS]: the tie email through the explorer against
# the two servers; the masked screen in $TMP/NAME.txt.masked.
cascade() {
	_name=$1 _size=$2 _keys=$3
	shift 3
	if ! dump "$_name" "$_size" "$_keys" -c "$TMP/c.ini" -u "http://127.0.0.1:$WPORT/v1" -m mailcls-190K \
		--labels "$EMAIL" "$@" "Classify this email: tie"; then
		notok "$_name: the explorer failed"
		sed 's/^/# /' "$TMP/$_name.err" | tail -5
	fi
	mask "$TMP/$_name.txt"
}

body() { sed -n '/^{/p' "$1" | tail -1; }

# ---- the cascade ----
servers
cascade cascade_120x40 120x40 '<C-s> <Wait> E <Wait>' --escalate-to strong
golden cascade_120x40.txt "$TMP/cascade_120x40.txt.masked"
grep -q 'POST /v1/chat/completions' "$TMP/strong.log"
check "E: the strong server got a request" $?
wb=$(body "$TMP/weak.log")
sb=$(body "$TMP/strong.log")
echo "$sb" | grep -q '"model":"mailcls-1M"'
check "E: the strong request names the strong model" $?
echo "$wb" | grep -q '"model":"mailcls-190K"'
check "E: the cheap request named the cheap model" $?
[ -n "$sb" ] && [ "$(echo "$wb" | sed 's/"model":"[^"]*"//')" = "$(echo "$sb" | sed 's/"model":"[^"]*"//')" ]
check "E: the same request otherwise (model aside)" $?

servers
cascade cascade_80x24 80x24 '<C-s> <Wait> E <Wait> v' --escalate-to strong
golden cascade_80x24.txt "$TMP/cascade_80x24.txt.masked"

# τ up to 1: both answers ESCALATE; the cascade's summary says so too.
servers
cascade cascade_tau 120x40 '<C-s> <Wait> E <Wait> T T T' --escalate-to strong
grep -q '│  ▲ ESCALATE  first 0.603 < τ 1.00.*││  ▲ ESCALATE  first 0.988 < τ 1.00' "$TMP/cascade_tau.txt.masked"
check "T re-judges both panes" $?
grep -q 'first-token probability 0.9877 < τ' "$TMP/cascade_tau.txt.masked"
check "T re-judges the cascade's strong stage" $?

# μ up to 1 (M, the labels' keys): the strong answer's margin 0.98 no
# longer passes: CLARIFY in its pane and in the cascade's summary.
servers
cascade cascade_mu 120x40 '<C-s> <Wait> E <Wait> M M M M M M M M M M M M M M' --escalate-to strong
grep -q '││  ? CLARIFY  first 0.988 ≥ τ 0.85' "$TMP/cascade_mu.txt.masked"
check "M re-judges the strong pane" $?
grep -q '│ strong   ? CLARIFY  mailcls-1M' "$TMP/cascade_mu.txt.masked"
check "M re-judges the cascade's strong stage" $?

# --auto-escalate: no E; the strong server is asked by itself.
servers
cascade cascade_auto 120x40 '<C-s> <Wait> <Wait>' --escalate-to strong --auto-escalate
grep -q '"model":"mailcls-1M"' "$TMP/strong.log"
check "auto: the strong server got the request without E" $?
has "auto: the side-by-side view opened" "$TMP/cascade_auto.txt.masked" "★ final · strong · mailcls-1M"
has "auto: the state is in the status bar" "$TMP/cascade_auto.txt.masked" "▲AUTO"

# A confident answer does not escalate by itself.
kill $WPID 2>/dev/null
wait $WPID 2>/dev/null
"$SERVER" --delay-ms 5 --log "$TMP/weak.log" "$M/mailcls-190K/a_seed_email_stream" >"$TMP/w.port" &
WPID=$!
sleep 0.3
WPORT=$(head -1 "$TMP/w.port")
rm -f "$TMP/strong.log"
cascade cascade_auto_accept 120x40 '<C-s> <Wait> <Wait>' --escalate-to strong --auto-escalate
[ ! -s "$TMP/strong.log" ]
check "auto: an ACCEPT answer leaves the strong server alone" $?
has "auto: says why it did not escalate" "$TMP/cascade_auto_accept.txt.masked" "auto: not escalated: the cheap answer is accepted"

# Esc while the strong answer streams: cancelled, its tokens kept.
servers 5 150
cascade cascade_cancel 120x40 '<C-s> <Wait> E <Sleep:700> <Esc> <Wait>' --escalate-to strong
has "Esc cancels the strong stream" "$TMP/cascade_cancel.txt.masked" "CANCELLED (incomplete)"
has "the cancelled strong answer keeps its tokens" "$TMP/cascade_cancel.txt.masked" "(incomplete) · ttft"

# The strong server fails (HTTP 500): its pane says so, the cheap answer
# stays final.
servers 5 5 "$REC/g_error_malformed_json"
cascade cascade_failed 120x40 '<C-s> <Wait> E <Wait> <Esc>' --escalate-to strong
has "a failed strong request: its pane says FAILED" "$TMP/cascade_failed.txt.masked" "││  ✖ FAILED HTTP error"
has "a failed strong request: the cheap answer stays final" "$TMP/cascade_failed.txt.masked" "┌─ ★ final · cheap · mailcls-190K"
has "a failed strong request: the summary gives the error" "$TMP/cascade_failed.txt.masked" "│ strong   HTTP 500:"

# No strong model: E says how to set one (e shows the whole message).
servers
cascade cascade_unset 120x40 '<C-s> <Wait> E e'
has "E without a strong model: how to set one" "$TMP/cascade_unset.txt.masked" "--escalate-to PROFILE[:MODEL]"
has "E without a strong model: the config key too" "$TMP/cascade_unset.txt.masked" "escalate_to = PROFILE[:MODEL]"
kill $WPID $SPID 2>/dev/null
wait $WPID $SPID 2>/dev/null
WPID= SPID=

# ---- compare ----
"$TS" --json --replay "$REC/e_legacy_completions_stream" >"$TMP/a.json" 2>/dev/null
"$TS" --json --replay "$REC/e_legacy_completions_nonstream" >"$TMP/b.json" 2>/dev/null
(cd "$TMP" && LINES=40 COLUMNS=120 TOKSCOPE_KEYS= TOKSCOPE_DUMP_SCREEN="$TMP/compare_120x40.txt" \
	"$OLDPWD/$TS" --compare a.json b.json </dev/null >/dev/null 2>"$TMP/compare.err")
golden compare_120x40.txt "$TMP/compare_120x40.txt"
# g l l in B, then v: A followed to token 3 (the inspector shows A's)
(cd "$TMP" && LINES=40 COLUMNS=120 TOKSCOPE_KEYS='g l l v' TOKSCOPE_DUMP_SCREEN="$TMP/compare_follow.txt" \
	"$OLDPWD/$TS" --compare a.json b.json </dev/null >/dev/null 2>"$TMP/compare.err")
golden compare_follow.txt "$TMP/compare_follow.txt"

"$TS" --json --replay "$M/mailcls-190K/d_ticket_mixed_stream" >"$TMP/mixed-weak.json" 2>/dev/null
"$TS" --json --replay "$M/mailcls-1M/d_ticket_mixed_stream" >"$TMP/mixed-strong.json" 2>/dev/null
(cd "$TMP" && LINES=24 COLUMNS=80 TOKSCOPE_KEYS='i' TOKSCOPE_DUMP_SCREEN="$TMP/compare_80x24.txt" \
	"$OLDPWD/$TS" --compare mixed-weak.json mixed-strong.json </dev/null >/dev/null 2>"$TMP/compare.err")
golden compare_80x24.txt "$TMP/compare_80x24.txt"

# V in the explorer: a session of two answers, the second against the first.
"$TS" --json --replay "$M/mailcls-190K/b_work_spam_tie_email_stream" \
	--replay "$M/mailcls-1M/b_work_spam_tie_email_stream" >"$TMP/two.json" 2>/dev/null
dump compare_key 120x40 'n V' "$TMP/two.json"
has "V compares the current answer with the previous" "$TMP/compare_key.txt" \
	"compare: A answer 1 (mailcls-190K) with B answer 2 (mailcls-1M): b_work_spam_tie_email_stream"
dump compare_key_titles 120x40 'n V'
has "V in the demo: each side's title and model" "$TMP/compare_key_titles.txt" \
	"compare: A answer 1 (a_seed_email_stream · mailcls-190K) with B answer 2 (b_work_spam_tie_email_stream"
dump compare_cascade 120x40 'n E V'
has "V in the cascade view: cheap with strong" "$TMP/compare_cascade.txt" \
	"compare: A cheap (answer 2) with B strong (answer 3): b_work_spam_tie_email_stream"
has "V: the divergence at the first token" "$TMP/compare_key.txt" 'diverge at byte 0, 0 tokens aligned before · A #1 "s" 60.3%'
dump compare_key_back 120x40 'n V <Esc>' "$TMP/two.json"
has "Esc leaves the compare view" "$TMP/compare_key_back.txt" "answer 2/2"

finish
