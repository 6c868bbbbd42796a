#!/bin/sh
# setup.sh [NAME...] - creates the virtual environments of the cross-check
# (issue 7), one per seed library, outside the repository:
#     ${SNNC_XC_HOME:-$HOME/.cache/snnc-crosscheck}/NAME   (log: NAME.log)
# NAME is synapticflow, spikelearn, ngclearn or inferno (default: all four).
# The installs are network-bound, so they run in parallel.  A venv gets its
# READY file (the installed versions, one "package version" a line) only
# once `import LIBRARY` works in it; a venv without READY makes its drivers
# skip (status 77).  Idempotent: a READY venv made with the current pins
# (its PINS file) is left alone; a venv that failed, or whose pins changed,
# is installed again (pip keeps what it already has).  Two setup.sh at once
# do not install the same venv together: the second waits (NAME.lock).
# Exit status: 0 every venv asked for is READY, 1 otherwise (each failure is
# said on stderr with the reason found in its log).
XC=${SNNC_XC_HOME:-$HOME/.cache/snnc-crosscheck}

# The pins.  Each library at the version the seed semantics notes were read
# from (shared/seeds/semantics-*.md); numpy and the undeclared imports at
# what pip resolved with it (2026-12), so that a rerun computes the same.
# synapticflow 0.0.7 calls torch APIs removed after 1.13 and the notes ran
# it on torch 1.13.1, whose wheels stop at python 3.10; torch 1.13 was
# built against numpy 1.x (numpy<2).  Its __init__ imports matplotlib (plotting),
# which its wheel does not declare.
PY_synapticflow=3.10
PKG_synapticflow="synapticflow==0.0.7 torch==1.13.1 numpy==1.26.4 matplotlib==3.10.9"
MOD_synapticflow=synapticflow
# spikelearn is NumPy only.  0.1.2 (the version asked for) refactored the
# rules out of the classes the documentation page names (PlasticSynapse,
# ModSTDPSynapse...); 0.1.1 still has them, so it goes beside, importable
# with sys.path.insert(0, os.path.join(sys.prefix, "spikelearn-0.1.1")).
PY_spikelearn=3.11
PKG_spikelearn="spikelearn==0.1.2 numpy==2.4.6"
MOD_spikelearn=spikelearn
ALT_spikelearn="spikelearn-0.1.1:spikelearn==0.1.1"
# ngclearn 3.2.1 / ngcsimlib 3.1.1 / jax 0.10.2 as in semantics-ngclearn.md.
PY_ngclearn=3.11
PKG_ngclearn="ngclearn==3.2.1 ngcsimlib==3.1.1 jax==0.10.2 jaxlib==0.10.2 numpy==2.4.6"
MOD_ngclearn=ngclearn
# inferno-ai 0.0.5 on torch 2.4.1 (the notes' versions); it imports einops.
PY_inferno=3.11
PKG_inferno="inferno-ai==0.0.5 torch==2.4.1 einops==0.8.2 numpy==2.4.6"
MOD_inferno=inferno

ALL="synapticflow spikelearn ngclearn inferno"
# Without a network pip would retry for many minutes: a few tries, then the
# venv is left without READY and its drivers skip.
PIPOPT="--timeout ${SNNC_XC_PIP_TIMEOUT:-60} --retries 2"

say() { printf 'setup: %s\n' "$*" >&2; }

# find_python VERSION: a python of that minor version that runs (a pyenv
# shim on PATH may not: it fails when pyenv has not selected the version).
find_python() {
	for p in "$(command -v "python$1" 2>/dev/null)" \
	    "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1".*/bin/"python$1" \
	    /root/.pyenv/versions/"$1".*/bin/"python$1"; do
		if [ -n "$p" ] && [ -x "$p" ] &&
		    "$p" -c 'import sys, venv; print("%d.%d" % sys.version_info[:2])' \
		    2>/dev/null | grep -qx "$1"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# install NAME: creates and fills $XC/NAME, all output to $XC/NAME.log.
# Runs in the background; its status says whether NAME is READY.
install() {
	name=$1
	venv=$XC/$name
	eval "ver=\$PY_$name pkgs=\$PKG_$name mod=\$MOD_$name"
	{
		echo "== $(date -u '+%Y-%m-%d %H:%M:%S') setting up $name: $pkgs"
		rm -f "$venv/READY" "$venv/PINS"
		py=$(find_python "$ver") || {
			echo "WHY: no python$ver on PATH nor under pyenv"
			return 1
		}
		if [ -x "$venv/bin/python" ] && [ "$(pyver "$venv/bin/python")" != "$ver" ]; then
			echo "(the venv has python $(pyver "$venv/bin/python"), the pins want $ver: made anew)"
			rm -rf "$venv"
		fi
		if [ ! -x "$venv/bin/python" ]; then
			"$py" -m venv "$venv" || {
				echo "WHY: $py -m venv $venv failed"
				return 1
			}
		fi
		# shellcheck disable=SC2086  # the pins are words on purpose
		"$venv/bin/python" -m pip install $PIPOPT $pkgs || {
			echo "WHY: pip install $pkgs failed (see the ERROR lines above)"
			return 1
		}
		"$venv/bin/python" -c "import $mod" || {
			echo "WHY: import $mod fails in $venv"
			return 1
		}
		eval "alt=\${ALT_$name-}"
		if [ -n "$alt" ]; then
			# another version of the library, in its own folder of the venv
			dir=$venv/${alt%%:*}
			"$venv/bin/python" -m pip install $PIPOPT --no-deps --upgrade \
			    --target "$dir" "${alt#*:}" &&
			    PYTHONPATH=$dir "$venv/bin/python" -c "import $mod" || {
				echo "WHY: ${alt#*:} does not install or import in $dir"
				return 1
			}
		fi
		pins "$name" >"$venv/PINS"
		versions "$venv" >"$venv/READY.tmp" && mv "$venv/READY.tmp" "$venv/READY"
		echo "== $(date -u '+%Y-%m-%d %H:%M:%S') $name READY ($(du -sh "$venv" | cut -f1))"
	} >"$venv.log" 2>&1
}

# pins NAME: what NAME's venv is made of; a READY venv whose PINS differ
# (setup.sh changed since) is installed again.
pins() {
	eval "echo \"python\$PY_$1 \$PKG_$1 \${ALT_$1-}\""
}

# ready NAME: NAME's venv is READY with the current pins
ready() {
	[ -f "$XC/$1/READY" ] && [ "$(cat "$XC/$1/PINS" 2>/dev/null)" = "$(pins "$1")" ]
}

pyver() {
	"$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

# lock NAME: takes NAME's lock (a folder: mkdir is atomic) for this
# setup.sh, or fails while another live setup.sh holds it; a lock whose
# holder is gone is taken over.
lock() {
	l=$XC/$1.lock
	mkdir "$l" 2>/dev/null || {
		h=$(cat "$l/pid" 2>/dev/null)
		if [ -n "$h" ] && kill -0 "$h" 2>/dev/null; then
			return 1
		fi
		rm -rf "$l"
		mkdir "$l" 2>/dev/null || return 1
	}
	echo $$ >"$l/pid"
}

# await NAME: waits for the other setup.sh that holds NAME's lock
await() {
	h=$(cat "$XC/$1.lock/pid" 2>/dev/null)
	while [ -d "$XC/$1.lock" ] && [ -n "$h" ] && kill -0 "$h" 2>/dev/null; do
		sleep 5
	done
	ready "$1"
}

# versions VENV: "package version" of the packages a reader of the table
# wants to know (the library and what it computes with).
versions() {
	"$1/bin/python" - <<'PY'
import importlib.metadata as m
for p in ("synapticflow", "spikelearn", "ngclearn", "ngcsimlib", "inferno-ai",
          "torch", "jax", "jaxlib", "numpy", "einops"):
    try:
        print(p, m.version(p))
    except m.PackageNotFoundError:
        pass
PY
	"$1/bin/python" -c 'import platform; print("python", platform.python_version())'
	for d in "$1"/*-[0-9]*; do
		[ -d "$d" ] || continue
		b=${d##*/}
		echo "${b%%-*} ${b#*-} (beside, in $d)"
	done
}

[ $# -gt 0 ] || set -- $ALL
for name in "$@"; do
	case " $ALL " in
	*" $name "*) ;;
	*) say "unknown venv '$name' (one of: $ALL)"; exit 2 ;;
	esac
done
mkdir -p "$XC" || exit 1

pids=
for name in "$@"; do
	if ready "$name"; then
		say "$name: ready ($XC/$name)"
		continue
	fi
	if lock "$name"; then
		say "$name: installing in the background (log: $XC/$name.log)"
		{ install "$name"; st=$?; rm -rf "$XC/$name.lock"; exit $st; } &
	else
		say "$name: another setup.sh is installing it; waiting for it"
		await "$name" &
	fi
	pids="$pids $name:$!"
done

status=0
for np in $pids; do
	name=${np%%:*}
	if wait "${np#*:}"; then
		say "$name: ready ($XC/$name)"
	else
		why=$(grep -E '^(WHY|ERROR):' "$XC/$name.log" | tail -n 3)
		say "$name: NOT installed, its drivers will skip: ${why:-see $XC/$name.log}"
		status=1
	fi
done
exit $status
