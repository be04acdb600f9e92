#!/bin/sh
# Labels in the explorer: the bundled demo's classifier answers carry their
# own label sets, so the panel shows the label table and the three-way
# verdict (ACCEPT on the confident email, ESCALATE on the tie the weak model
# gets wrong, CLARIFY on the ticket whose first token "b" starts two labels);
# m/M move μ across the tie's margin (0.23) once τ is lowered to its first
# token (0.603); L edits the answer's set, an invalid list keeps the old set
# with labels_parse's message, an empty one clears it; on an answer without
# its own set L sets the global one, which saving records in each answer
# (and print mode reads back).
. tests/tui/lib.sh

screen labels_accept 120x40 ''
screen labels_accept_80x24 80x24 'i'
screen labels_escalate 120x40 'n'
screen labels_clarify_shared 120x40 'n n n'
screen labels_clarify_shared_100x30 100x30 'n n n'
has "80x24: the header chip carries the verdict" "$GOLDEN/labels_accept_80x24.txt" "✔ ACCEPT  first 0.986 ≥ 0.85"
has "100x30: the shared row decides" "$GOLDEN/labels_clarify_shared_100x30.txt" '▸"b" shared'

# The tie: first token 0.603, margin 0.2296. τ 0.60 lets the labels decide.
screen labels_margin_clarify 120x40 'n t t t t t m'
screen labels_margin_accept 120x40 'n t t t t t m m'
if dump labels_margin_back 120x40 'n t t t t t m m M'; then
	golden labels_margin_clarify.txt "$TMP/labels_margin_back.txt"
else
	notok "labels_margin_back: the explorer failed"
fi
has "μ 0.25 is above the margin: clarify" "$GOLDEN/labels_margin_clarify.txt" "margin 0.230 < μ 0.25 (−0.020)"
has "μ 0.20 is below it: accept" "$GOLDEN/labels_margin_accept.txt" "margin 0.230 ≥ μ 0.20 (+0.030)"

screen labels_edit_dialog 120x40 'L'
screen labels_edit 120x40 'L <C-u> "work, spam" <Enter>'
screen labels_edit_invalid 120x40 'L <C-u> "work,,spam" <Enter>'
screen labels_edit_invalid_kept 120x40 'L <C-u> "work,,spam" <Enter> <Esc>'
has "an invalid list keeps the old set" "$GOLDEN/labels_edit_invalid_kept.txt" " personal "
screen labels_cleared 120x40 'L <C-u> <Enter>'

# An answer without its own set: L sets the global one; w saves it into
# every such answer, the demo's own sets stay as they were.
screen labels_global 120x40 'N L "bug, feature" <Enter>'
dump labels_saved 120x40 "N L \"bug, feature\" <Enter> w <C-u> \"$TMP/saved.json\" <Enter>"
has "saving says where" "$TMP/labels_saved.txt" "saved 11 answers to"
has "the global set still shows as global after saving" "$TMP/labels_saved.txt" "global labels L"
has "saved: the global set in an answer without its own" "$TMP/saved.json" '"title":"c_open_question_stream_top20","labels":"bug, feature"'
has "saved: an answer's own set unchanged" "$TMP/saved.json" '"title":"d_ticket_billing_stream","labels":"billing, bug report, feature request, account access"'
dump labels_reopened_last 120x40 'N' "$TMP/saved.json"
has "reopened: the answer carries the set it was saved with" "$TMP/labels_reopened_last.txt" "own labels L"
"$TS" --print --color=never "$TMP/saved.json" >"$TMP/print.out" 2>"$TMP/print.err"
check "print mode on the saved session exits with the first verdict (accept)" $?
grep -qE '^  bug +[0-9.e-]+ +[0-9.e-]+ ' "$TMP/print.out"
check "print mode judges the last answer with its stored set" $?
finish
