# bench/cuba.sh — shell functions both bench scripts use (sourced from the
# repository root).

# json_get FILE KEY: a number from a flat JSON text, "" when absent
json_get() {
	sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1
}

# examples/cuba.snn scaled to N neurons, 80% excitatory, p = 80/N
cuba_variant() { # N PRECISION > FILE
	ne=$(( $1 * 8 / 10 ))
	p=$(awk -v n="$1" 'BEGIN { printf "%.10g", 80 / n }')
	sed -e "s/CubaLIF(4000)/CubaLIF($1)/" \
	    -e "s/P\[0:3200\]/P[0:$ne]/" -e "s/P\[3200:4000\]/P[$ne:$1]/" \
	    -e "s/p = 0\.02/p = $p/g" examples/cuba.snn |
	if [ "$2" = single ]; then
		sed 's/^\([[:space:]]*\)dt = 0\.1 ms/&\n\1precision = single/'
	else
		cat
	fi
}
