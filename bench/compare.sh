#!/bin/sh
# bench/compare.sh OLD_SNNC NEW_SNNC — the CUBA loop of two compilers side
# by side: examples/cuba.snn scaled to each N (as bench/run.sh's
# cuba_variant does), in double and single precision, both simulators run
# alternately (OLD NEW OLD NEW ..., R rounds) so that a change of the
# machine's load hits both; prints the median loop time of each (meta.json's
# wall_time) and NEW/OLD, then the median wall time of
# `snnc build examples/cuba.snn` for each compiler.
#
#   NS       sizes (default "4000 40000 100000")
#   PRECS    precisions (default "double single")
#   R        rounds (default 5)
#   BUILDS   builds of examples/cuba.snn per compiler (default 5)
#
# A NEW/OLD above 1 means the new compiler's code is slower.  Exit status 1
# if a build or a run fails, 2 on a bad command line.
cd "$(dirname "$0")/.." || exit 2
. bench/cuba.sh
[ $# -eq 2 ] || { echo "usage: $0 OLD_SNNC NEW_SNNC" >&2; exit 2; }
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
OLD=$(abs "$1")
NEW=$(abs "$2")
for c in "$OLD" "$NEW"; do
	[ -x "$c" ] || { echo "bench/compare: $c is not an executable" >&2; exit 2; }
done
NS=${NS:-"4000 40000 100000"}
PRECS=${PRECS:-"double single"}
R=${R:-5}
BUILDS=${BUILDS:-5}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/snnc-compare.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
# median of the numbers on stdin (n/a if none)
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (!NR) { print "n/a"; exit }
		      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.4f\n", m }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a + 0 > 0 && b + 0 > 0) printf "%.3f", b / a; else printf "n/a" }'; }


status=0
fmt="%7s %-7s %10s %10s %8s\n"
printf "$fmt" N prec old_loop new_loop new/old
for n in $NS; do
	for prec in $PRECS; do
		d="$TMP/$n-$prec"
		mkdir -p "$d"
		cuba_variant "$n" "$prec" > "$d/cuba.snn"
		ok=1
		for who in old new; do
			c=$OLD; [ $who = new ] && c=$NEW
			if ! (cd "$d" && "$c" build cuba.snn -o "sim-$who") > "$d/build-$who.log" 2>&1; then
				echo "bench/compare: build with $c failed for N=$n $prec:" >&2
				tail -n 5 "$d/build-$who.log" >&2
				ok=0
			fi
		done
		if [ $ok = 0 ]; then
			printf "$fmt" "$n" "$prec" n/a n/a n/a; status=1; continue
		fi
		: > "$d/old.t"; : > "$d/new.t"
		round=0
		while [ $round -lt "$R" ]; do
			for who in old new; do
				rm -rf "$d/out"
				if "$d/sim-$who" --quiet --out "$d/out" > "$d/run.log" 2>&1; then
					json_get "$d/out/meta.json" wall_time >> "$d/$who.t"
				else
					echo "bench/compare: the $who simulator failed for N=$n $prec" >&2
					status=1
				fi
			done
			round=$((round + 1))
		done
		a=$(median < "$d/old.t")
		b=$(median < "$d/new.t")
		printf "$fmt" "$n" "$prec" "$a" "$b" "$(ratio "$a" "$b")"
	done
done

# snnc build examples/cuba.snn, alternately, BUILDS times each
: > "$TMP/build.old"; : > "$TMP/build.new"
k=0
while [ $k -lt "$BUILDS" ]; do
	for who in old new; do
		c=$OLD; [ $who = new ] && c=$NEW
		t0=$(now)
		if "$c" build examples/cuba.snn -o "$TMP/cuba-$who" > "$TMP/build.log" 2>&1; then
			elapsed "$t0" "$(now)" >> "$TMP/build.$who"; echo >> "$TMP/build.$who"
		else
			echo "bench/compare: $c build examples/cuba.snn failed" >&2; status=1
		fi
	done
	k=$((k + 1))
done
a=$(median < "$TMP/build.old")
b=$(median < "$TMP/build.new")
echo "snnc build examples/cuba.snn (median of $BUILDS): old $a s, new $b s, new/old $(ratio "$a" "$b")"
echo "(loop: meta.json wall_time, median of $R alternating rounds; new/old above 1: new is slower)"
exit $status
