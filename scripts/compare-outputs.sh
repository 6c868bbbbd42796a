#!/bin/sh
# scripts/compare-outputs.sh OLD_SNNC NEW_SNNC — do two compilers give the
# same simulations?  Builds every examples/*.snn and examples/api/*.snn that
# has a network with both, runs each simulator for the model's own `run`
# (at most 200 ms) with the same seed, and compares every output file byte
# for byte; meta.json is compared without its timing fields (wall_time and
# any other key with "wall", "time" or "elapsed" in its name) and without
# the keys in NEW_KEYS (keys one side adds: default "complete error", added
# with the hardening of issue 6).
#
# Prints one line per example (identical / DIFFERS: files / FAILED: why)
# and exits 1 if any example differs or fails, 2 on a bad command line.
#
#   SEED       the seed passed to both simulators (default 1)
#   MAX_MS     the longest simulated duration in ms (default 200)
#   KEEP=1     keep the temporary directory (printed at the end)
#
# Both compilers see the model by the same relative path (from the root of
# the repository), so meta.json's "model" agrees.
cd "$(dirname "$0")/.." || exit 2
[ $# -eq 2 ] || { echo "usage: $0 OLD_SNNC NEW_SNNC" >&2; exit 2; }
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
OLD=$(abs "$1")
NEW=$(abs "$2")
for c in "$OLD" "$NEW"; do
	[ -x "$c" ] || { echo "compare-outputs: $c is not an executable" >&2; exit 2; }
done
SEED=${SEED:-1}
MAX_MS=${MAX_MS:-200}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/snnc-compare.XXXXXX") || exit 2
if [ -n "$KEEP" ]; then
	trap 'echo "compare-outputs: outputs kept in $TMP"' EXIT
else
	trap 'rm -rf "$TMP"' EXIT
fi
trap 'exit 130' INT TERM

# duration FILE: the network's `run`, capped at MAX_MS, as "Nms"
duration() {
	sed -n 's/^[[:space:]]*run[[:space:]][[:space:]]*\([0-9.eE+-]*\)[[:space:]]*\([a-z]*\).*/\1 \2/p' "$1" |
	head -n 1 | awk -v max="$MAX_MS" '
		{ f = $2 == "s" ? 1000 : $2 == "us" ? 0.001 : 1; ms = $1 * f }
		END { if (ms == "" || ms > max) ms = max; printf "%.10gms\n", ms }'
}

# meta.json without its timing lines
strip_meta() {
	grep -v -E '^[[:space:]]*"[A-Za-z_]*(wall|time|elapsed)[A-Za-z_]*"[[:space:]]*:' "$1" |
		grep -v -E "^[[:space:]]*\"($(echo ${NEW_KEYS-complete error} | tr ' ' '|'))\"[[:space:]]*:"
}

# run_one WHO SNNC MODEL DIR DURATION: build and run; prints why on failure
run_one() {
	mkdir -p "$4" || return 1
	if ! "$2" build "$3" -o "$4/sim" > "$4/build.log" 2>&1; then
		echo "build with $1 failed (exit $?, see $4/build.log)"; return 1
	fi
	if ! "$4/sim" --quiet --duration "$5" --seed "$SEED" --out "$4/out" > "$4/run.log" 2>&1; then
		echo "simulator of $1 failed (see $4/run.log)"; return 1
	fi
}

# compare_dirs A B: prints the names of the files that differ or exist on
# one side only
compare_dirs() {
	(cd "$1" && ls) > "$TMP/list.a"
	(cd "$2" && ls) > "$TMP/list.b"
	for f in $(sort -u "$TMP/list.a" "$TMP/list.b"); do
		if [ ! -e "$1/$f" ] || [ ! -e "$2/$f" ]; then
			printf ' %s(only in %s)' "$f" "$([ -e "$1/$f" ] && echo OLD || echo NEW)"
		elif [ "$f" = meta.json ]; then
			strip_meta "$1/$f" > "$TMP/meta.a"
			strip_meta "$2/$f" > "$TMP/meta.b"
			cmp -s "$TMP/meta.a" "$TMP/meta.b" || printf ' %s' "$f"
		else
			cmp -s "$1/$f" "$2/$f" || printf ' %s' "$f"
		fi
	done
}

status=0
for model in examples/*.snn examples/api/*.snn; do
	[ -f "$model" ] || continue
	grep -q '^[[:space:]]*network[[:space:]]' "$model" || continue
	name=$(echo "$model" | sed 's,^examples/,,; s,\.snn$,,; s,/,_,g')
	d=$(duration "$model")
	why=$(run_one OLD "$OLD" "$model" "$TMP/$name/old" "$d") &&
	why=$(run_one NEW "$NEW" "$model" "$TMP/$name/new" "$d")
	if [ -n "$why" ]; then
		echo "$model ($d): FAILED: $why"; status=1; continue
	fi
	diff=$(compare_dirs "$TMP/$name/old/out" "$TMP/$name/new/out")
	nfiles=$(ls "$TMP/$name/old/out" | wc -l)
	if [ -z "$diff" ]; then
		echo "$model ($d): identical ($nfiles files)"
	else
		echo "$model ($d): DIFFERS:$diff"; status=1
	fi
done
exit $status
