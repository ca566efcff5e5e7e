#!/bin/sh
# Runs the unit tests (cmocka binaries) and the end-to-end scripts (TAP),
# and ends with one line: "N passed, N failed".
# Usage: tests/run.sh [unit|e2e|all] ; BUILD names the build directory.
set -u
BUILD=${BUILD:-build}
what=${1:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
export IRO_BIN_DIR="$top/$BUILD/bin"
pass=0
fail=0
failed_names=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # name status
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	tp=$(grep -c '^ok ' "$log")
	tf=$(grep -c '^not ok ' "$log")
	p=$(( ${p:-0} + tp ))
	f=$(( ${f:-0} + tf ))
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed or failed outside any test case
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$f" -gt 0 ] && failed_names="$failed_names $1"
	printf '%-36s %4d passed %4d failed\n' "$1" "$p" "$f"
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	for t in "$top/$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		( cd "$top" && "$t" ) >"$log" 2>&1
		st=$?
		[ "$st" -ne 0 ] && cat "$log"
		count "unit/$(basename "$t")" "$st"
	done
fi
if [ "$what" = all ] || [ "$what" = e2e ]; then
	for t in "$top"/tests/e2e/t[0-9]*.sh; do
		[ -f "$t" ] || continue
		# A hung scenario must not block the run: each script gets a
		# time limit (its EXIT trap then stops its servers).
		( cd "$top" && timeout -k 10 "${IRO_E2E_TIMEOUT:-900}" sh "$t" ) \
			>"$log" 2>&1
		st=$?
		[ "$st" -ne 0 ] && cat "$log"
		grep -q '^not ok ' "$log" && [ "$st" -eq 0 ] && grep '^not ok ' "$log"
		count "e2e/$(basename "$t" .sh)" "$st"
	done
fi
[ -n "$failed_names" ] && echo "failing:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
