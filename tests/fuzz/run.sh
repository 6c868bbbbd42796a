#!/bin/sh
# run.sh — run the front-end fuzzer (make fuzz).
#   sh tests/fuzz/run.sh FUZZER SECONDS [extra libFuzzer options]
# The working corpus grows in build-fuzz/corpus; it starts from the committed
# corpus (tests/fuzz/corpus), every .snn of examples/ and tests/, and 40
# generated models (tests/gen/genmodel.c) if GENMODEL names the generator,
# which reach the later stages (lower, emit) at once.
# Crashes, leaks, timeouts and out-of-memory inputs go to build-fuzz/artifacts/.
# FUZZ_JOBS=N runs N jobs in parallel (default 1: the machine is shared).
set -eu
FUZZER=$1
SECS=${2:-60}
shift 2 || shift $#
cd "$(dirname "$0")/../.."
OUT=build-fuzz
mkdir -p $OUT/corpus $OUT/seeds $OUT/artifacts
find examples tests -name '*.snn' | while read -r f; do
	cp "$f" "$OUT/seeds/$(echo "$f" | tr / _)"
done
if [ -n "${GENMODEL:-}" ]; then
	for seed in $(seq 1 40); do
		"$GENMODEL" "$seed" > "$OUT/seeds/gen$seed.snn"
	done
fi
sh tests/fuzz/mkdict.sh > $OUT/snn.dict
JOBS=${FUZZ_JOBS:-1}
PAR=""
[ "$JOBS" -gt 1 ] && PAR="-jobs=$JOBS -workers=$JOBS"
# -timeout: no input of 64 KB may take 10 s; -rss_limit_mb: nor 2 GB.
# shellcheck disable=SC2086
exec "$FUZZER" -max_total_time="$SECS" -dict=$OUT/snn.dict -max_len=4096 \
	-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix=$OUT/artifacts/ $PAR "$@" \
	$OUT/corpus tests/fuzz/corpus $OUT/seeds
