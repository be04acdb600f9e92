#!/bin/sh
# Runs every test program against each build directory given, counts the
# results and ends with one line "N passed, N failed"; exits 1 on any failure.
# An argument valgrind:DIR runs DIR's unit tests under valgrind (quick mode),
# failing on leaks and memory errors.
#
# Unit tests are cmocka binaries (build/tests/test_*): their "[       OK ]"
# and "[  FAILED  ]" lines are counted. Scripts tests/*/t_*.sh print TAP-ish
# "ok - name" / "not ok - name" lines. A program that exits non-zero without
# reporting a failure counts as one failure (a crash, a sanitizer report).
cd "$(dirname "$0")/.." || exit 1
pass=0; fail=0; failed_names=""
log=$(mktemp); trap 'rm -f "$log"' EXIT

count() { # $1 = label; output in $log; $2 = exit status
	p=$(grep -cE '^\[       OK \]|^ok - ' "$log")
	f=$(grep -cE '^\[  FAILED  \] [^0-9]|^not ok - ' "$log")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1; echo "  ($1 exited with status $2)"
	fi
	pass=$((pass + p)); fail=$((fail + f))
	[ "$f" -gt 0 ] && failed_names="$failed_names $1"
	grep -E '^\[  FAILED  \] [^0-9]|^not ok - |ERROR SUMMARY: [1-9]|definitely lost: [1-9]|runtime error|AddressSanitizer' "$log" | head -20
	echo "$1: $p passed, $f failed"
}

for arg in "$@"; do
	VALGRIND=; build=$arg
	case $arg in valgrind:*) VALGRIND=1; build=${arg#valgrind:} ;; esac
	[ -d "$build/tests" ] || { echo "no $build/tests: build first"; exit 1; }
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		name="$arg/$(basename "$t")"
		if [ -n "$VALGRIND" ]; then
			TOKSCOPE_BUILD="$build" TOKSCOPE_TEST_QUICK=1 valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
				--error-exitcode=99 "$t" >"$log" 2>&1
		else
			TOKSCOPE_BUILD="$build" "$t" >"$log" 2>&1
		fi
		count "$name" $?
	done
	[ -n "$VALGRIND" ] && continue
	for s in tests/*/t_*.sh; do
		[ -f "$s" ] || continue
		TOKSCOPE_BUILD="$build" sh "$s" >"$log" 2>&1
		count "$build/$(basename "$s" .sh)" $?
	done
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
