#!/bin/sh
# bench/run.sh [SNNC] — CUBA side by side: snnc, Brian2 cpp_standalone and
# a hand-written C loop, for N = 4000, 40000, 100000 in double and single
# precision.  Pieces that are not available print "n/a"; the script does
# not fail because of them.
#
#   SNNC     the compiler (default bin/snnc)
#   NS       sizes (default "4000 40000 100000")
#   PRECS    precisions (default "double single")
#   NO_BRIAN=1 skips Brian2; NO_HAND=1 skips the hand-written C
#
# Measured, per (N, precision):
#   loop   seconds of the simulation loop only: snnc's meta.json "wall_time",
#          Brian2's device._last_run_time, the hand C's own clock
#   total  model file to results, wall clock from outside: snnc build (cold
#          cache) + run; the whole Brian2 python process (code generation,
#          C++ compilation, run)
# Rows also go to bench/results/cuba.tsv.
cd "$(dirname "$0")/.." || exit 1
. bench/cuba.sh
SNNC=${1:-${SNNC:-bin/snnc}}
NS=${NS:-"4000 40000 100000"}
PRECS=${PRECS:-"double single"}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/snnc-bench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
mkdir -p bench/results
RESULTS=bench/results/cuba.tsv

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# run_snnc N PRECISION: prints "loop total" or "n/a n/a"
run_snnc() {
	d="$TMP/snnc-$1-$2"
	mkdir -p "$d/cache"
	cuba_variant "$1" "$2" > "$d/cuba.snn"
	t0=$(now)
	# cold: a fresh cache and working directory for every build
	if ! (cd "$d" && SNNC_CACHE="$d/cache" XDG_CACHE_HOME="$d/cache" \
	      "$SNNC_ABS" build cuba.snn -o sim) > "$d/build.log" 2>&1; then
		echo "bench: snnc build failed for N=$1 $2 (see below)" >&2
		tail -n 5 "$d/build.log" >&2
		echo "n/a n/a"; return
	fi
	if ! "$d/sim" --quiet --out "$d/out" > "$d/run.log" 2>&1; then
		echo "bench: simulator failed for N=$1 $2" >&2
		echo "n/a n/a"; return
	fi
	t1=$(now)
	loop=$(json_get "$d/out/meta.json" wall_time)
	echo "${loop:-n/a} $(elapsed "$t0" "$t1")"
}

# run_brian N PRECISION: prints "loop total" or "n/a n/a"
run_brian() {
	if [ -z "$PY" ]; then echo "n/a n/a"; return; fi
	f="$TMP/brian-$1-$2.json"
	t0=$(now)
	if ! "$PY" bench/brian2_cuba.py "$1" "$2" > "$f" 2> "$f.err"; then
		echo "bench: brian2 failed for N=$1 $2" >&2
		tail -n 5 "$f.err" >&2
		echo "n/a n/a"; return
	fi
	t1=$(now)
	loop=$(json_get "$f" loop)
	echo "${loop:-n/a} $(elapsed "$t0" "$t1")"
}

# run_hand N PRECISION: prints the loop seconds or n/a
run_hand() {
	exe="$TMP/hand-$2"
	if [ -x "$exe" ]; then
		"$exe" "$1" > "$TMP/hand.json" && json_get "$TMP/hand.json" loop && return
	fi
	echo n/a
}

build_hand() {
	[ -n "$NO_HAND" ] && return
	cc=$(command -v clang || command -v cc)
	$cc -std=c11 -O3 -march=native -o "$TMP/hand-double" bench/hand/cuba_hand.c -lm &&
	$cc -std=c11 -O3 -march=native -DSINGLE -o "$TMP/hand-single" bench/hand/cuba_hand.c -lm ||
		echo "bench: could not compile bench/hand/cuba_hand.c" >&2
}

# num X: X with 4 decimals when it is a number, else as it is
num() { awk -v a="$1" 'BEGIN { if (a ~ /^[-+0-9.eE]+$/) printf "%.4f", a; else printf "%s", a }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# ---- main
case $SNNC in /*) SNNC_ABS=$SNNC ;; *) SNNC_ABS=$(pwd)/$SNNC ;; esac
[ -x "$SNNC_ABS" ] || echo "bench: $SNNC not built; snnc columns are n/a" >&2
PY=""
[ -n "$NO_BRIAN" ] || PY=$(brian_python)
[ -n "$PY" ] || [ -n "$NO_BRIAN" ] || echo "bench: no brian2; brian2 columns are n/a" >&2
build_hand

fmt="%7s %-7s %11s %11s %7s %11s %11s %7s %10s\n"
printf "$fmt" N prec snnc_loop brian_loop b/s snnc_total brian_total b/s hand_loop
printf "N\tprecision\tsnnc_loop\tbrian2_loop\tsnnc_total\tbrian2_total\thand_loop\n" > "$RESULTS"
for n in $NS; do
	for prec in $PRECS; do
		if [ -x "$SNNC_ABS" ]; then set -- $(run_snnc "$n" "$prec"); else set -- n/a n/a; fi
		sl=$1 st=$2
		set -- $(run_brian "$n" "$prec")
		bl=$1 bt=$2
		hl=$(run_hand "$n" "$prec")
		printf "$fmt" "$n" "$prec" "$(num "$sl")" "$(num "$bl")" "$(ratio "$bl" "$sl")" \
			"$st" "$bt" "$(ratio "$bt" "$st")" "$(num "$hl")"
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$n" "$prec" "$sl" "$bl" "$st" "$bt" "$hl" >> "$RESULTS"
	done
done
echo "(b/s: Brian2 time / snnc time, above 1 means snnc is faster; results in $RESULTS)"
