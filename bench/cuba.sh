# bench/cuba.sh — shell functions the bench scripts use (run.sh, compare.sh,
# plasticity.sh; sourced from the repository root).

# json_get FILE KEY: a number from a flat JSON text, "" when absent
json_get() {
	sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1
}

# examples/cuba.snn (or SOURCE: a model with the same population, slices
# and p, such as examples/cuba_stdp.snn) scaled to N neurons, 80%
# excitatory, p = 80/N
cuba_variant() { # N PRECISION [SOURCE] > FILE
	ne=$(( $1 * 8 / 10 ))
	p=$(awk -v n="$1" 'BEGIN { printf "%.10g", 80 / n }')
	sed -e "s/CubaLIF(4000)/CubaLIF($1)/" \
	    -e "s/P\[0:3200\]/P[0:$ne]/" -e "s/P\[3200:4000\]/P[$ne:$1]/" \
	    -e "s/p = 0\.02/p = $p/g" "${3:-examples/cuba.snn}" |
	if [ "$2" = single ]; then
		sed 's/^\([[:space:]]*\)dt = 0\.1 ms/&\n\1precision = single/'
	else
		cat
	fi
}

# ---- Brian2: bench/.venv with the newest brian2, else Debian's python3-brian
brian_python() {
	if [ -x bench/.venv/bin/python ] && bench/.venv/bin/python -c 'import brian2' 2>/dev/null; then
		echo bench/.venv/bin/python; return
	fi
	echo "bench: installing brian2 into bench/.venv" >&2
	# brian2 2.9 still calls ndarray.ptp, which numpy 2.4 removed
	if python3 -m venv bench/.venv >&2 &&
	   bench/.venv/bin/pip install -q brian2 'numpy<2.4' >&2 &&
	   bench/.venv/bin/python -c 'import brian2' 2>/dev/null; then
		echo bench/.venv/bin/python; return
	fi
	echo "bench: pip failed; trying Debian's python3-brian" >&2
	if ! /usr/bin/python3 -c 'import brian2' 2>/dev/null && [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-brian >&2 || true
	fi
	/usr/bin/python3 -c 'import brian2' 2>/dev/null && echo /usr/bin/python3
}
