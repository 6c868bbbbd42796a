#!/bin/sh
# tests/golden/run.sh SNNC — golden copies of the generated C.
#
# For each tests/golden/NAME.snn, run from the repository root
#     SNNC build tests/golden/NAME.snn --emit-c DIR -o BIN
# and compare DIR/model.c with tests/golden/NAME.c.golden (diff -u on
# failure).  The build must succeed: the generated C must also compile.
# The last line is always "golden: N passed, M failed"; the status is
# non-zero when M > 0.  UPDATE=1 rewrites every NAME.c.golden.
[ $# -eq 1 ] || { echo "usage: $0 SNNC" >&2; exit 2; }
case $1 in /*) snnc=$1 ;; *) snnc=$(pwd)/$1 ;; esac
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/snnc-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
for f in tests/golden/*.snn; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .snn)
	golden=tests/golden/$name.c.golden
	dir=$tmp/$name
	mkdir -p "$dir"
	if ! "$snnc" build "$f" --emit-c "$dir" -o "$dir/sim" > "$dir/log" 2>&1 ||
	   [ ! -f "$dir/model.c" ]; then
		echo "FAIL $f: build failed or wrote no model.c:"
		cat "$dir/log"
		fail=$((fail + 1))
		continue
	fi
	[ -n "$UPDATE" ] && cp "$dir/model.c" "$golden"
	if [ ! -f "$golden" ]; then
		echo "FAIL $f: no $golden (UPDATE=1 creates it)"
		fail=$((fail + 1))
	elif ! cmp -s "$golden" "$dir/model.c"; then
		echo "FAIL $f: generated C differs from $golden"
		diff -u "$golden" "$dir/model.c" | sed "s|^+++ $dir/model.c|+++ $f (generated)|"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
