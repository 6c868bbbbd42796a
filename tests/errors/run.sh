#!/bin/sh
# tests/errors/run.sh SNNC — the exact text of diagnostics.
#
# For each tests/errors/NAME.snn, run `SNNC check tests/errors/NAME.snn`
# from the repository root; its stderr must equal NAME.err byte for byte,
# and its exit status must be 1, or the number in NAME.status when that
# file exists.  When NAME.cmd exists, its words replace `check` (e.g.
# `build`, or `check --bad-option` with a NAME.status of 2).  Files that
# the tests import live in subdirectories and are not tests themselves.
# Failures print a diff.  The last line is always
# "errors: N passed, M failed"; the status is non-zero when M > 0.
# UPDATE=1 rewrites every NAME.err from what SNNC prints now.
[ $# -eq 1 ] || { echo "usage: $0 SNNC" >&2; exit 2; }
case $1 in /*) snnc=$1 ;; *) snnc=$(pwd)/$1 ;; esac
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp "${TMPDIR:-/tmp}/snnc-errors.XXXXXX") || exit 2
trap 'rm -f "$tmp"' EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
for f in tests/errors/*.snn; do
	[ -e "$f" ] || continue
	base=${f%.snn}
	cmd=check
	[ -f "$base.cmd" ] && cmd=$(cat "$base.cmd")
	# shellcheck disable=SC2086
	"$snnc" $cmd "$f" > /dev/null 2> "$tmp"
	status=$?
	want=1
	[ -f "$base.status" ] && want=$(tr -d ' \n' < "$base.status")
	[ -n "$UPDATE" ] && cp "$tmp" "$base.err"
	ok=1
	if [ "$status" != "$want" ]; then
		echo "FAIL $f: exit status $status, expected $want"
		ok=0
	fi
	if [ ! -f "$base.err" ]; then
		echo "FAIL $f: no $base.err; its stderr was:"
		cat "$tmp"
		ok=0
	elif ! cmp -s "$base.err" "$tmp"; then
		echo "FAIL $f: stderr differs from $base.err"
		diff -u "$base.err" "$tmp" | sed "s|^+++ $tmp.*|+++ $f (stderr)|"
		ok=0
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "errors: $pass passed, $fail failed"
[ $fail -eq 0 ]
