#!/bin/sh
# bench/plasticity.sh [SNNC] — the plasticity bench of issue 7, side by side
# in one run, as ratios:
#
#   song2000    examples/song2000.snn, SONG_T seconds simulated (default
#               100): snnc's loop against Brian2's (bench/brian2_song2000.py,
#               cpp_standalone) and against bench/hand/song2000_hand.c;
#               targets snnc <= 0.02x Brian2
#   cuba_stdp   examples/cuba_stdp.snn scaled to each N of NS (default
#               "4000 40000", as bench/run.sh scales CUBA), 1 s: loops,
#               synaptic events per second, snnc/Brian2 (bench/
#               brian2_cuba_stdp.py); target <= 0.25x
#   build       `snnc build` of every plasticity example that has a network,
#               with an empty cache, wall clock and processor time; target
#               < 1 s
#
#   SNNC       the compiler (default bin/snnc)
#   R          snnc and the hand C run R times (default 3), the fastest
#              loop counts (Brian2 runs once: its build takes a minute)
#   NO_BRIAN=1 skips Brian2; NO_HAND=1 skips the hand-written C
#
# Loops are seconds of the simulation loop only.  Brian2's figure
# (device._last_run_time) is processor time: its standalone loop is timed
# with std::clock().  On a shared machine wall time runs 2-3x longer than
# processor time, so the ratios compare processor times: snnc's is the
# processor time of the simulator's whole run minus that of a run of one
# step (setup and connectivity, measured the same way), the hand C's its
# own CLOCK_PROCESS_CPUTIME_ID around the loop.  snnc's meta.json
# "wall_time" (wall clock of the loop) is shown beside it.  Processor times
# need python3 (resource.getrusage); without it they are n/a.
# Synaptic events: every `on pre` run (a spike times its p N = 80 outgoing
# synapses on average) and every `on post` run (a spike times its 0.8 p N =
# 64 plastic incoming synapses), so 144 per spike, each implementation with
# its own spike count, per second of processor time.  Pieces that are not
# available print "n/a"; the script does not fail because of them.  Rows
# also go to bench/results/plasticity.tsv.
cd "$(dirname "$0")/.." || exit 1
. bench/cuba.sh
SNNC=${1:-${SNNC:-bin/snnc}}
NS=${NS:-"4000 40000"}
SONG_T=${SONG_T:-100}
R=${R:-3}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/snnc-plast.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
mkdir -p bench/results
RESULTS=bench/results/plasticity.tsv
EVENTS_PER_SPIKE=144

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
num() { awk -v a="$1" 'BEGIN { if (a ~ /^[-+0-9.eE]+$/) printf "%.4g", a; else printf "%s", a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else printf "n/a" }'; }
# min A B: the smaller number, the other one when one is n/a
min() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a !~ /^[-+0-9.eE]+$/) print b; else if (b !~ /^[-+0-9.eE]+$/) print a;
	else print (a + 0 < b + 0 ? a : b) }'; }
# events SPIKES LOOP: synaptic events per second
events() { awk -v s="$1" -v l="$2" -v e="$EVENTS_PER_SPIKE" 'BEGIN {
	if (s + 0 > 0 && l + 0 > 0) printf "%.3g", s * e / l; else printf "n/a" }'; }

# npy_count FILE: the number of elements of a 1-D .npy (version 1.0)
npy_count() {
	[ -f "$1" ] || { echo n/a; return; }
	hl=$(od -An -tu2 -j8 -N2 "$1" | tr -d ' ')
	size=$(wc -c < "$1")
	descr=$(head -c 128 "$1" | LC_ALL=C tr -dc '[:print:]' |
		sed -n "s/.*'descr': *'[<|][a-z]\([0-9]*\)'.*/\1/p")
	echo $(( (size - 10 - hl) / ${descr:-8} ))
}

# cpu_of CMD...: processor seconds (user + system) CMD took, or n/a
cpu_of() {
	python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.6f" % (u.ru_utime + u.ru_stime) if r.returncode == 0 else "n/a")' "$@" 2>/dev/null || echo n/a
}

# snnc_build SRC DIR: cold build of SRC into DIR/sim (a fresh cache);
# prints "wall cpu" seconds (cpu: the compiler and the C compiler it runs)
snnc_build() {
	rm -rf "$2/cache"
	mkdir -p "$2/cache"
	t0=$(now)
	c=$(SNNC_CACHE="$2/cache" XDG_CACHE_HOME="$2/cache" cpu_of "$SNNC_ABS" build "$1" -o "$2/sim")
	t1=$(now)
	if [ ! -x "$2/sim" ]; then
		echo "bench: snnc build $1 failed:" >&2
		"$SNNC_ABS" build "$1" -o "$2/sim" 2>&1 | tail -n 5 >&2
		echo n/a n/a; return
	fi
	echo "$(elapsed "$t0" "$t1") $c"
}

# snnc_loop DIR [ARGS]: the fastest of R runs of DIR/sim; prints "wall cpu"
# (the loop's wall seconds from meta.json, its processor seconds)
snnc_loop() {
	d=$1; shift
	best=n/a; bestc=n/a
	[ -x "$d/sim" ] || { echo n/a n/a; return; }
	for r in $(seq "$R"); do
		rm -rf "$d/out"
		"$d/sim" --quiet --out "$d/out" "$@" > "$d/run.log" 2>&1 ||
			{ echo "bench: $d/sim failed" >&2; echo n/a n/a; return; }
		best=$(min "$best" "$(json_get "$d/out/meta.json" wall_time)")
		full=$(cpu_of "$d/sim" --quiet --out "$d/cpu" "$@")
		one=$(cpu_of "$d/sim" --quiet --out "$d/cpu1" "$@" --duration 0.1ms)
		bestc=$(min "$bestc" "$(awk -v a="$full" -v b="$one" 'BEGIN {
			if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%.6f", a - b; else print "n/a" }')")
	done
	echo "$best $bestc"
}

FMT="%-26s %10s %10s %10s %10s %8s %8s %7s  %s\n"
row() { # CASE SNNC_WALL SNNC_CPU BRIAN_CPU HAND_CPU TARGET NOTE
	printf "$FMT" "$1" "$(num "$2")" "$(num "$3")" "$(num "$4")" "$(num "$5")" \
		"$(ratio "$3" "$4")" "$(ratio "$3" "$5")" "$6" "$7"
	printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$1" "$2" "$3" "$4" "$5" "$(ratio "$3" "$4")" \
		"$(ratio "$3" "$5")" "$6" "$7" >> "$RESULTS"
}

# ---- song2000
bench_song() {
	d="$TMP/song"
	mkdir -p "$d"
	snnc_build examples/song2000.snn "$d" > /dev/null
	set -- $(snnc_loop "$d" --duration "${SONG_T}s")
	sw=$1 sc=$2
	srate=$(awk -v n="$(npy_count "$d/out/Out.spikes.t.npy")" -v t="$SONG_T" \
		'BEGIN { if (n ~ /^[0-9]+$/) printf "%.1f", n / t; else print "n/a" }')
	bl=n/a; brate=n/a
	if [ -n "$PY" ]; then
		if "$PY" bench/brian2_song2000.py "$SONG_T" > "$d/brian.json" 2> "$d/brian.err"; then
			bl=$(json_get "$d/brian.json" loop); brate=$(json_get "$d/brian.json" rate)
		else
			echo "bench: brian2 failed for song2000" >&2; tail -n 5 "$d/brian.err" >&2
		fi
	fi
	hl=n/a; hrate=n/a
	if [ -x "$TMP/song_hand" ]; then
		for r in $(seq "$R"); do
			"$TMP/song_hand" "$SONG_T" > "$d/hand.json" || break
			hl=$(min "$hl" "$(json_get "$d/hand.json" cpu)")
		done
		hrate=$(json_get "$d/hand.json" rate)
	fi
	row "song2000 ${SONG_T}s" "$sw" "$sc" "$bl" "$hl" "<=0.02" \
		"output Hz: snnc $srate, brian2 $(num "$brate"), hand $(num "$hrate")"
}

# ---- cuba_stdp N
bench_cuba_stdp() {
	n=$1
	d="$TMP/cuba_stdp-$1"
	mkdir -p "$d"
	# the weights are not recorded here: Brian2's version does not either
	cuba_variant "$n" double examples/cuba_stdp.snn | sed '/record exc\.w/d' > "$d/cuba_stdp.snn"
	snnc_build "$d/cuba_stdp.snn" "$d" > /dev/null
	set -- $(snnc_loop "$d")
	sw=$1 sc=$2
	ss=$(npy_count "$d/out/P.spikes.i.npy")
	bl=n/a; bs=n/a
	if [ -n "$PY" ]; then
		if "$PY" bench/brian2_cuba_stdp.py "$n" > "$d/brian.json" 2> "$d/brian.err"; then
			bl=$(json_get "$d/brian.json" loop); bs=$(json_get "$d/brian.json" spikes)
		else
			echo "bench: brian2 failed for cuba_stdp N=$n" >&2; tail -n 5 "$d/brian.err" >&2
		fi
	fi
	row "cuba_stdp N=$n" "$sw" "$sc" "$bl" n/a "<=0.25" \
		"syn events/s: snnc $(events "$ss" "$sc"), brian2 $(events "$bs" "$bl"); spikes $ss / $bs"
}

# ---- snnc build of every plasticity example
bench_builds() {
	for f in examples/*stdp*.snn examples/synapticflow_*.snn examples/spikelearn_*.snn \
		 examples/ngclearn_*.snn examples/inferno_*.snn examples/song2000.snn; do
		# a library of models alone (no network) cannot be built
		[ -f "$f" ] && grep -q '^[[:space:]]*network[[:space:]]' "$f" && echo "$f"
	done | sort -u | while read -r f; do
		name=$(basename "$f" .snn)
		set -- $(snnc_build "$f" "$TMP/build-$name")
		row "build $name" "$1" "$2" n/a n/a "<1s" "snnc build, cold cache: wall, processor"
	done
}

# ---- main
case $SNNC in /*) SNNC_ABS=$SNNC ;; *) SNNC_ABS=$(pwd)/$SNNC ;; esac
[ -x "$SNNC_ABS" ] || echo "bench: $SNNC not built; snnc columns are n/a" >&2
PY=""
[ -n "$NO_BRIAN" ] || PY=$(brian_python)
[ -n "$PY" ] || [ -n "$NO_BRIAN" ] || echo "bench: no brian2; brian2 columns are n/a" >&2
if [ -z "$NO_HAND" ]; then
	cc=$(command -v clang || command -v cc)
	$cc -std=c11 -O3 -march=native -o "$TMP/song_hand" bench/hand/song2000_hand.c -lm ||
		echo "bench: could not compile bench/hand/song2000_hand.c" >&2
fi

printf "$FMT" case snnc_wall snnc_cpu brian2_cpu hand_cpu s/brian2 s/hand target note
printf "case\tsnnc_wall\tsnnc_cpu\tbrian2_cpu\thand_cpu\tsnnc_over_brian2\tsnnc_over_hand\ttarget\tnote\n" > "$RESULTS"
bench_song
for n in $NS; do
	bench_cuba_stdp "$n"
done
bench_builds
echo "(seconds of the loop; s/brian2, s/hand: snnc_cpu over theirs, below 1 means snnc is"
echo " faster; build rows: the whole snnc build; results in $RESULTS)"
