#!/bin/sh
# run.sh SNNC [LIBRARY...] - the cross-check against the seed libraries
# (issue 7; `make crosscheck`, never part of `make check` nor of CI).
#
# Creates the venvs (setup.sh; SNNC_XC_NO_SETUP=1 skips that), runs every
# driver tests/crosscheck/<library>_*.py under the python of the venv its
# `# venv: NAME` line names, with SNNC set, gathers the TSV rows they print
# (xc.py's COLUMNS), prints them as one table and writes it between the
# crosscheck markers of docs/CROSSCHECK.md (SNNC_XC_DOC=FILE elsewhere,
# SNNC_XC_DOC= not at all), with the date and the libraries' versions.
# With LIBRARY arguments only those libraries' drivers run, and the doc is
# left alone (a partial table would drop the others' rows).
# A driver exiting 77, or whose venv is not READY, is "skipped (why)".
# Exit status: 1 a driver failed (a row DIFFER, a crash, a bad row), else 0
# (also when nothing could be installed: then everything is skipped).
LIBS="synapticflow spikelearn ngclearn inferno"
XC=${SNNC_XC_HOME:-$HOME/.cache/snnc-crosscheck}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DOC=${SNNC_XC_DOC-$ROOT/docs/CROSSCHECK.md}
TIMEOUT=${SNNC_XC_TIMEOUT:-1800}	# seconds per driver

[ $# -ge 1 ] || { echo "usage: run.sh SNNC [LIBRARY...]" >&2; exit 2; }
case $1 in
/*) SNNC=$1 ;;
*) SNNC=$PWD/$1 ;;
esac
shift
[ -x "$SNNC" ] || { echo "run.sh: $SNNC: not an executable compiler" >&2; exit 2; }
export SNNC SNNC_XC_HOME="$XC"
only=$*
[ -z "$only" ] || DOC=

if [ "${SNNC_XC_NO_SETUP:-0}" != 1 ]; then
	sh "$HERE/setup.sh" ||
		echo "run.sh: not every venv could be installed: their drivers are skipped" >&2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/snnc-xc-run.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rows=$TMP/rows	# every row, 9 tab-separated fields, in driver order
: >"$rows"

# line LIBRARY DRIVER VERDICT: a row standing for a driver that printed none
line() {
	printf '%s\t-\t%s\t-\t-\t-\t-\t%s\t\n' "$1" "$2" "$3" >>"$rows"
}

# why FILE: what a driver's stderr says went wrong, on one short line: its
# last line naming an error (a compiler diagnostic, a python exception),
# else its last line; a skip's own "skip: " prefix dropped
why() {
	awk '
		NF { last = $0 }
		/[Ee]rror|[Ff]ailed/ { err = $0 }
		END {
			s = err != "" ? err : last
			gsub(/[\t ]+/, " ", s); sub(/^ /, "", s); sub(/^skip: /, "", s)
			if (length(s) > 160) s = substr(s, 1, 157) "..."
			print s
		}' "$1"
}

# notready VENV: why VENV has no READY, from its setup log
notready() {
	[ -f "$XC/$1.log" ] || { echo "no $XC/$1.log: setup.sh did not run"; return; }
	awk -v lf="$XC/$1.log" '
		/^ERROR:/ && !err { err = $0 }
		/^WHY:/ { why = substr($0, 6) }
		END { s = err ? err : why ? why : "see " lf; gsub(/\t/, " ", s); print s }
	' "$XC/$1.log"
}

# selftest: the machinery's own check of xc.row (not part of the table)
if [ -f "$HERE/selftest_xc.py" ] && [ -f "$XC/spikelearn/READY" ]; then
	if ! "$XC/spikelearn/bin/python" "$HERE/selftest_xc.py" >"$TMP/self" 2>&1; then
		cat "$TMP/self" >&2
		echo "run.sh: selftest_xc.py failed: xc.py itself is wrong" >&2
		exit 1
	fi
fi

failed=0 ran=0 skipped=0
for lib in $LIBS; do
	case " ${only:-$LIBS} " in *" $lib "*) ;; *) continue ;; esac
	for drv in "$HERE/${lib}"_*.py; do
		[ -f "$drv" ] || continue
		name=${drv##*/}
		venv=$(awk 'NR <= 5 && /^# venv:/ { print $3; exit }' "$drv")
		if [ -z "$venv" ]; then
			line "$lib" "$name" "FAILED (no '# venv: NAME' line)"
			failed=1
			continue
		fi
		if [ ! -f "$XC/$venv/READY" ]; then
			line "$lib" "$name" "skipped (venv $venv not installed: $(notready "$venv"))"
			skipped=$((skipped + 1))
			continue
		fi
		echo "== $name (venv $venv)" >&2
		t0=$(date +%s)
		if command -v timeout >/dev/null 2>&1; then
			timeout "$TIMEOUT" "$XC/$venv/bin/python" "$drv" >"$TMP/out" 2>"$TMP/err"
		else
			"$XC/$venv/bin/python" "$drv" >"$TMP/out" 2>"$TMP/err"
		fi
		rc=$?
		t1=$(date +%s)
		cat "$TMP/out" >&2
		# rows are the lines of 9 fields; anything else the driver said is noise
		awk -F '\t' -v lib="$lib" -v drv="$name" -v bad="$TMP/bad" '
			NF == 9 { print; n++; next }
			NF > 0 { print drv ": not a row: " $0 > bad }
		' "$TMP/out" >>"$rows"
		case $rc in
		77)
			line "$lib" "$name" "skipped ($(why "$TMP/err"))"
			skipped=$((skipped + 1))
			;;
		0)
			ran=$((ran + 1))
			if ! awk -F '\t' 'NF == 9 { n++ } END { exit !n }' "$TMP/out"; then
				line "$lib" "$name" "FAILED (exit 0 without a row)"
				failed=1
			fi
			;;
		*)
			ran=$((ran + 1))
			failed=1
			if [ "$rc" = 124 ]; then
				msg="timed out after ${TIMEOUT}s"
			else
				msg="exit $rc: $(why "$TMP/err")"
			fi
			# an exit 1 with rows that say DIFFER is explained by them
			if [ "$rc" != 1 ] || ! awk -F '\t' 'NF == 9 && $8 == "DIFFER" { d = 1 }
			    END { exit !d }' "$TMP/out"; then
				line "$lib" "$name" "FAILED ($msg)"
			fi
			;;
		esac
		[ ! -s "$TMP/bad" ] || { cat "$TMP/bad" >&2; rm -f "$TMP/bad"; }
		[ "$rc" = 0 ] || [ "$rc" = 77 ] || tail -n 20 "$TMP/err" >&2
		echo "== $name: exit $rc, $((t1 - t0)) s" >&2
	done
done

# table <rows: the markdown table (a '|' inside a field is escaped)
table() {
	awk -F '\t' '
		BEGIN {
			print "| library | class | example | quantity | steps | max abs diff | tolerance | verdict | note |"
			print "|---|---|---|---|--:|--:|--:|---|---|"
		}
		NF == 9 {
			s = "|"
			for (i = 1; i <= 9; i++) { f = $i; gsub(/\|/, "\\|", f); s = s " " f " |" }
			print s
		}'
}

# versions: one line per venv, from its READY file
versions() {
	for v in $LIBS; do
		if [ -f "$XC/$v/READY" ]; then
			awk -v v="$v" '
				($1 == v || $1 == v "-ai") && !lib { lib = $1 " " $2; next }
				$3 == "(beside," { also = also ", also " $1 " " $2; next }
				{ with = with (with ? ", " : "") $1 " " $2 }
				END { printf "- %s: %s (%s%s)\n", v, lib, with, also }
			' "$XC/$v/READY"
		else
			echo "- $v: not installed"
		fi
	done
}

table <"$rows" >"$TMP/table"
awk -F '\t' '
	NF == 9 { v = $8; sub(/ .*/, "", v); n[v]++ }
	END { printf "%d agree, %d explained, %d DIFFER, %d skipped, %d FAILED\n",
	    n["agree"], n["explained"], n["DIFFER"], n["skipped"], n["FAILED"] }
' "$rows" >"$TMP/summary"
echo
cat "$TMP/table"
echo
echo "crosscheck: $(cat "$TMP/summary")"

# a row that says DIFFER fails the run even if its driver forgot xc.done()
awk -F '\t' 'NF == 9 && $8 == "DIFFER" { d = 1 } END { exit !d }' "$rows" && failed=1

if [ "$ran" = 0 ]; then
	if [ "$skipped" = 0 ] && [ "$failed" = 0 ]; then
		echo "crosscheck: no driver found under $HERE" >&2
	else
		echo "crosscheck: no driver could run (every one skipped: see why above)" >&2
	fi
	[ -z "$DOC" ] || echo "crosscheck: $DOC left as it was" >&2
	exit $failed
fi

if [ -n "$DOC" ]; then
	if ! grep -q '^<!-- crosscheck:begin -->' "$DOC" 2>/dev/null ||
	    ! grep -q '^<!-- crosscheck:end -->' "$DOC"; then
		echo "run.sh: $DOC has no crosscheck markers: table not written" >&2
		exit 1
	fi
	{
		echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC') at snnc" \
		    "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '(no git)'):" \
		    "$(cat "$TMP/summary")."
		echo
		versions
		echo
		cat "$TMP/table"
	} >"$TMP/block"
	awk -v block="$TMP/block" '
		/^<!-- crosscheck:begin -->/ {
			print; while ((getline l < block) > 0) print l; skip = 1; next
		}
		/^<!-- crosscheck:end -->/ { skip = 0 }
		!skip
	' "$DOC" >"$TMP/doc" && cat "$TMP/doc" >"$DOC"
	echo "crosscheck: table written to $DOC" >&2
fi
exit $failed
