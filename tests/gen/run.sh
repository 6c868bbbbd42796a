#!/bin/sh
# run.sh — the property "snnc check accepts it => it builds and runs" on
# generated models (tests/gen/genmodel.c).
#
#   sh tests/gen/run.sh SNNC N [FIRST_SEED]
#
# Seeds FIRST_SEED .. FIRST_SEED+N-1 (default 1).  For each: genmodel SEED
# (with --dir: it may write .npy data files beside the model),
# snnc check (a rejection is a bug of the generator: counted as a failure
# and printed), snnc build, then the simulator for the model's own short
# run.  A failure is any non-zero exit status, a crash, a hang (60 s), or
# sanitizer output; each prints its seed and the command that reproduces
# it.  The last line is `gen: N passed, M failed`.
#
# Environment: GENMODEL (default build/tests/genmodel), GEN_FLAGS (e.g.
# --no-hostile), GEN_KEEP=DIR keeps the models and simulators there.
# SNNC_CFLAGS reaches the simulators' C compiler through snnc (check-asan
# sets it to the sanitizers).
set -u
SNNC=$1
N=${2:-24}
FIRST=${3:-1}
GEN=${GENMODEL:-build/tests/genmodel}
FLAGS=${GEN_FLAGS:-}
case $SNNC in /*) ;; *) SNNC=$(pwd)/$SNNC ;; esac
case $GEN in /*) ;; *) GEN=$(pwd)/$GEN ;; esac
if [ -n "${GEN_KEEP:-}" ]; then
	work=$GEN_KEEP
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/snnc-gen.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi

pass=0
fail=0
rejected=0
SAN_RE='Sanitizer|runtime error:|internal error'

# fail SEED STAGE LOG: print the seed, the stage, how to reproduce it, and the log
fail() {
	fail=$((fail + 1))
	echo "gen: FAIL seed $1 ($2): reproduce in an empty directory:" \
		"$GEN $FLAGS --dir . $1 > m.snn && $SNNC build m.snn -o m && ./m"
	sed 's/^/    /' "$3" | head -n 20
}

seed=$FIRST
last=$((FIRST + N - 1))
while [ "$seed" -le "$last" ]; do
	m=$work/m$seed.snn
	log=$work/m$seed.log
	if ! "$GEN" $FLAGS --dir "$work" "$seed" > "$m" 2> "$log"; then
		fail "$seed" genmodel "$log"
	elif ! "$SNNC" check "$m" > "$log" 2>&1; then
		rejected=$((rejected + 1))
		fail "$seed" "rejected by snnc check: a generator bug" "$log"
	elif ! "$SNNC" build "$m" -o "$work/sim$seed" > "$log" 2>&1 || grep -Eq "$SAN_RE" "$log"; then
		fail "$seed" build "$log"
	elif ! (cd "$work" && timeout 60 "./sim$seed" --out "out$seed" --quiet) > "$log" 2>&1 ||
	     grep -Eq "$SAN_RE" "$log"; then
		fail "$seed" run "$log"
	else
		pass=$((pass + 1))
	fi
	[ -n "${GEN_KEEP:-}" ] || rm -rf "$work/sim$seed" "$work/out$seed" "$work"/g"$seed"_*.npy
	seed=$((seed + 1))
done
[ "$rejected" -eq 0 ] || echo "gen: $rejected of the failures are models snnc check rejected (generator bugs)"
echo "gen: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
