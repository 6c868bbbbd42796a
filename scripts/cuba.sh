#!/bin/sh
# scripts/cuba.sh SNNC — run examples/cuba.snn (4000 neurons) into out/cuba
# and print a summary: spikes, mean rate per neuron, wall time of the whole
# command (build included) and of the simulation loop alone (meta.json's
# "wall_time").  Used by `make cuba`.  Plain sh, sed and od: no jq, no python.
set -e
[ $# -eq 1 ] || { echo "usage: $0 SNNC" >&2; exit 2; }
case $1 in /*) snnc=$1 ;; *) snnc=$(pwd)/$1 ;; esac
cd "$(dirname "$0")/.."
out=out/cuba
neurons=4000

t0=$(date +%s.%N)
"$snnc" run examples/cuba.snn -- --out "$out" --quiet
t1=$(date +%s.%N)

# json_num KEY: a number from meta.json, "" when absent
json_num() {
	sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$out/meta.json" | head -n 1
}
# npy_count FILE SIZE: elements of a 1-d .npy (format 1.0) of SIZE-byte items
npy_count() {
	hlen=$(od -An -tu2 -j8 -N2 "$1" | tr -d ' ')
	echo $(( ($(wc -c < "$1") - 10 - hlen) / $2 ))
}

spikes=$(npy_count "$out/P.spikes.t.npy" 8)
duration=$(json_num duration)
loop=$(json_num wall_time)
awk -v s="$spikes" -v n="$neurons" -v d="${duration:-1}" -v w0="$t0" -v w1="$t1" \
    -v loop="${loop:-nan}" 'BEGIN {
	printf "cuba: %d spikes, %.2f Hz per neuron (%d neurons, %g s)\n", s, s / n / d, n, d
	printf "cuba: wall time %.3f s for the whole command, %.3f s in the simulation loop\n", w1 - w0, loop
}'
echo "cuba: results in $out/"
