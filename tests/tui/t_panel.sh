#!/bin/sh
# The confidence panel, the inspector and the status bar at the sizes where
# they get tight.
#
# Panel: at 120x40 every part of it shows for each of the demo's classifier
# answers (badge, rule, τ/μ/label-mass lines, label table, aggregates,
# sparkline, model/endpoint/ttft/finish/usage); the label table's "p" header
# stands over the last column of every percentage (and of the "↓" of a label
# whose first token a shared row holds); at 100x30 and 80x24 the sections
# that do not fit go to a second page, which J shows and K leaves.
# Inspector: a narrow box (60x20) narrows the facts and shortens their
# values, a narrow tall one (60x60) stacks the alternatives under the facts;
# a clamped logprob (OpenAI's -9999 sentinel) says "clamped" on the p row
# at 100 columns. Status bar: a message keeps its width and the hints take
# what is left.
. tests/tui/lib.sh

# nkeys N: a key script pressing n N times (the demo's answer N+1).
nkeys() {
	_k=
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_k="$_k n"
		_i=$((_i + 1))
	done
	echo "$_k"
}

# plain FILE: FILE with every non-ASCII character as one "X", so byte
# columns are screen columns (mawk counts bytes).
plain() { sed 's/[^ -~]/X/g' "$1"; }

# p_aligned FILE: in the label table, the title row's "p" is in the column
# where every label row's percentage (or "↓") ends. Prints the rows that
# are not, and the column; fails when there is no table.
p_aligned() {
	plain "$1" | awk '
		/labels L / && col == 0 {
			t = index($0, "labels L ")
			rest = substr($0, t + 9)
			col = t + 8 + index(rest, "p")
			next
		}
		col && /not shown by the API/ { done = 1; exit }
		col {
			c = substr($0, col, 1); n = substr($0, col + 1, 1)
			rows++
			if ((c != "%" && c != "X") || n != " ") { bad = 1; print "column " col ": " $0 }
		}
		END { exit !(col && done && rows >= 2 && !bad) }'
}

# The demo's classifier answers are its first seven.
for i in 0 1 2 3 4 5 6; do
	dump "answer_$i" 120x40 "$(nkeys $i)"
	f=$TMP/answer_$i.txt
	missing=
	for part in "first-token probability" "margin " "on labels " "not shown by the API" "tokens " \
		"mean entropy" "p per token" "model " "endpoint " "ttft " "finish " "usage "; do
		grep -qF -- "$part" "$f" || missing="$missing | $part"
	done
	grep -qF "confidence 1/" "$f" && missing="$missing | (the panel has pages)"
	if [ -z "$missing" ]; then
		ok "120x40, answer $((i + 1)): the whole panel shows"
	else
		notok "120x40, answer $((i + 1)): the whole panel shows: missing$missing"
		sed 's/^/# /' "$f"
	fi
	if p_aligned "$f" >"$TMP/align"; then
		ok "120x40, answer $((i + 1)): the p header is over the percentages"
	else
		notok "120x40, answer $((i + 1)): the p header is over the percentages"
		sed 's/^/# /' "$TMP/align"
	fi
done

# A global set (L on an answer without its own): the title says so, and
# the names' column leaves it room before the "p".
dump global_set 120x40 'N L "bug, feature" <Enter>'
has "120x40, a global set: the title says it is global" "$TMP/global_set.txt" "global labels L"
p_aligned "$TMP/global_set.txt" >"$TMP/align"
check "120x40, a global set: the p header is over the percentages" $?

# The shared first token "b" (answer 5): the labels it starts point at its row.
screen panel_shared_120x40 120x40 "$(nkeys 4)"
for size in 100x30 80x24; do
	k=
	[ "$size" = 80x24 ] && k=i
	for i in 0 3 4; do
		dump "small_$i" "$size" "$k $(nkeys $i)"
		p_aligned "$TMP/small_$i.txt" >"$TMP/align"
		check "$size, answer $((i + 1)): the p header is over the percentages" $?
	done
done

# 100x30: the aggregates go to page 2 (J); K comes back; J past the last
# page stays there.
screen panel_pages_100x30 100x30 ''
has "100x30: the panel says it has two pages" "$GOLDEN/panel_pages_100x30.txt" "confidence 1/2"
has "100x30: the keys for them are in its border" "$GOLDEN/panel_pages_100x30.txt" " J/K "
screen panel_page2_100x30 100x30 'J'
has "100x30: page 2 holds the aggregates" "$GOLDEN/panel_page2_100x30.txt" "mean entropy"
dump panel_page2_again 100x30 'J J'
golden panel_page2_100x30.txt "$TMP/panel_page2_again.txt"
dump panel_back 100x30 'J K'
golden panel_pages_100x30.txt "$TMP/panel_back.txt"
# 80x24: the lower pane's panel (i) in two columns, its second page.
screen panel_page2_80x24 80x24 'i J'
has "80x24: page 2 of the lower panel" "$GOLDEN/panel_page2_80x24.txt" "confidence 2/2"
dump panel_fits 120x40 'J'
has "120x40: J says the panel fits" "$TMP/panel_fits.txt" "the confidence panel fits on one page"
# 80x24 with the inspector in the lower pane: the message says how to see
# the panel, in full (it is longer than half the bar), the hints make room.
screen panel_hidden_80x24 80x24 'J'
has "80x24: J without the panel says i shows it" "$GOLDEN/panel_hidden_80x24.txt" \
	"the confidence panel is not shown: i shows it"

# The inspector at 60x20: facts and alternatives side by side, each whole.
screen inspector_60x20 60x20 ''
screen inspector_60x20_outside 60x20 "$(nkeys 8)"
has "60x20: the chosen token outside the top k still shows" "$GOLDEN/inspector_60x20_outside.txt" "▸ — G"
# 60x60: narrow but tall, the alternatives under the facts, with logprobs.
screen inspector_stacked_60x60 60x60 "$(nkeys 8)"

# A clamped logprob: "clamped" on the p row at 100 columns; the full form
# where the facts column is wide.
"$TS" --json --replay "$FIX/openai-sentinel" >"$TMP/sentinel.json" 2>/dev/null
screen inspector_clamped_100x30 100x30 'l' "$TMP/sentinel.json"
has "100x30: the p row says clamped" "$GOLDEN/inspector_clamped_100x30.txt" "p       <0.01%   logprob clamped "
dump clamped_200x60 200x60 'l' "$TMP/sentinel.json"
has "200x60: the p row gives the floor" "$TMP/clamped_200x60.txt" "p       <0.01%   logprob < −100 (clamped)"
finish
