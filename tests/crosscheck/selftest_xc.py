#!/usr/bin/env python3
# venv: spikelearn
"""selftest_xc.py - checks the cross-check machinery itself, not a library.

run.sh runs it first (under the spikelearn venv: it needs only NumPy) and
stops when it fails; its rows are not part of the table.  It checks that
xc.row gives each verdict on synthetic data (agree, explained, DIFFER and
the driver's exit status that follows, a relative tolerance, a note with a
tab kept on one field), that xc.need skips with 77, and that xc.run returns
the recorded arrays of a model: examples/lif.snn's membrane before its first
spike against the closed form v_inf + (El - v_inf) e^{-t/tau}.
"""
import contextlib
import io
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
import numpy as np

problems = []


def check(what, cond):
    if not cond:
        problems.append(what)


def row(*args, **kw):
    """xc.row's output split into fields, and whether it marked a failure."""
    xc._failed = False
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        xc.row(*args, **kw)
    lines = out.getvalue().splitlines()
    check(f"one line per row: {lines!r}", len(lines) == 1)
    return lines[0].split("\t"), xc._failed


a = np.linspace(0.0, 1.0, 11).reshape(11, 1)
f, failed = row("lib", "Cls", "ex.snn", "w", a, a + 1e-9, 1e-6)
check(f"len(COLUMNS) fields: {f}", len(f) == len(xc.COLUMNS))
check(f"agree under tol: {f}", f[7] == "agree" and not failed)
check(f"steps = first axis: {f}", f[4] == "11")
f, failed = row("lib", "Cls", "ex.snn", "w", a, a + 1e-3, 1e-6)
check(f"DIFFER above tol: {f}", f[7] == "DIFFER" and failed)
check(f"max abs diff printed: {f}", abs(float(f[5]) - 1e-3) < 1e-9)
f, failed = row("lib", "Cls", "ex.snn", "w", a, a + 1e-3, 1e-6, note="stamped\tone step later")
check(f"explained with a note: {f}", f[7] == "explained" and not failed)
check(f"a tab in the note stays in its field: {f}", len(f) == 9)
f, failed = row("lib", "Cls", "ex.snn", "w", 1e5 * a, 1e5 * a * (1 + 1e-6), 1e-6, rtol=1e-5)
check(f"relative tolerance: {f}", f[7] == "agree" and not failed)
f, failed = row("lib", "Cls", "ex.snn", "w", a, np.where(a > 0.5, np.nan, a), 1e-6)
check(f"NaN on one side differs: {f}", f[7] == "DIFFER" and failed)
try:
    row("lib", "Cls", "ex.snn", "w", a, a[:-1], 1e-6)
    check("shapes that differ stop the driver", False)
except SystemExit as e:
    check("shapes that differ: exit with a message", isinstance(e.code, str))
xc._failed = False

try:
    with contextlib.redirect_stderr(io.StringIO()):
        xc.need("no_such_module_for_xc_selftest")
    check("need of a missing module exits", False)
except SystemExit as e:
    check(f"need exits 77: {e.code}", e.code == xc.SKIP)

# xc.run, end to end: examples/lif.snn (v_inf = -45 mV above Vt, tau = 10 ms)
rec = xc.run(xc.example("lif.snn"), "--duration", "20ms")
check(f"recorded arrays: {sorted(rec)}", "Cell.v" in rec and "Cell.v.t" in rec)
t, v = rec["Cell.v.t"], rec["Cell.v"][:, 0]
first = int(np.searchsorted(t, rec["Cell.spikes.t"][0]))   # samples before it
closed = -0.045 + (-0.065 + 0.045) * np.exp(-t / 0.010)
check(f"a spike inside 20 ms: {first}", 0 < first < len(t))
f, failed = row("lif", "LIF", "lif.snn", "v", v[:first], closed[:first], 1e-12)
check(f"lif.snn v = closed form before the spike: {f}", f[7] == "agree")
rec = xc.run(open(xc.example("lif.snn")).read(), "--duration", "1ms",
             sets={"Cell.El": "-70mV"})
v1 = -0.050 + (-0.070 + 0.050) * np.exp(-0.01)  # v_inf = El + R I = Vt now
check(f"a model given as text, with --set: {rec['Cell.v'][0, 0]} != {v1}",
      abs(rec["Cell.v"][0, 0] - v1) < 1e-12)

for p in problems:
    print("selftest_xc:", p, file=sys.stderr)
print(f"selftest_xc: {'FAILED' if problems else 'ok'}", file=sys.stderr)
sys.exit(1 if problems else 0)
