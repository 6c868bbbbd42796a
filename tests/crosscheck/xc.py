"""xc.py - what every cross-check driver shares.

A driver (tests/crosscheck/<library>_<rule>.py) drives one class of a seed
library and the .snn that expresses it with the same inputs and parameters,
compares the trajectories step by step and reports one row per comparison.
It runs under the python of its library's virtual environment (named on its
second line, `# venv: NAME`), started by tests/crosscheck/run.sh with SNNC
set to the compiler.  Exit status: 0 all rows agree (or differ only as the
row's note names), 1 a row disagrees, 77 the library cannot be imported.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COLUMNS = ("library", "class", "example", "quantity", "steps",
           "max_abs_diff", "tolerance", "verdict", "note")
_failed = False


def need(module):
    """Imports MODULE or exits with the skip status."""
    try:
        return __import__(module, fromlist=["_"])
    except Exception as e:          # ImportError, or a broken install
        print(f"skip: cannot import {module}: {e}", file=sys.stderr)
        sys.exit(SKIP)


def snnc():
    return os.environ.get("SNNC", os.path.join(ROOT, "bin", "snnc"))


def example(name):
    """Path of examples/NAME."""
    return os.path.join(ROOT, "examples", name)


def run(model, *args, sets=None, inputs=None, files=None):
    """Builds and runs MODEL (a path, or .snn text when it contains a
    newline) with `snnc run`; returns {recorded name: numpy array}.
    SETS: {NAME: VALUE} for --set; INPUTS: {NAME: array} for --input;
    FILES: {file name: array} saved beside a model given as text (for
    weights = / from_file).  The work folder is removed afterwards unless
    SNNC_XC_KEEP=1 (then its name is said on stderr)."""
    work = tempfile.mkdtemp(prefix="snnc-xc-")
    if "\n" in model:
        path = os.path.join(work, "model.snn")
        with open(path, "w") as f:
            f.write(model)
        model = path
    for name, a in (files or {}).items():
        np.save(os.path.join(work, name), a)
    cmd = [snnc(), "run", model, "--", "--quiet", "--out", os.path.join(work, "out")]
    for k, v in (sets or {}).items():
        cmd += ["--set", f"{k}={v}"]
    for k, a in (inputs or {}).items():
        p = os.path.join(work, f"input-{k}.npy")
        np.save(p, np.asarray(a, dtype=np.float64))
        cmd += ["--input", f"{k}={p}"]
    cmd += list(args)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    out = os.path.join(work, "out")
    rec = {f[:-4]: np.load(os.path.join(out, f))
           for f in sorted(os.listdir(out)) if f.endswith(".npy")}
    if os.environ.get("SNNC_XC_KEEP") == "1":
        print(f"xc: kept {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return rec


def row(library, cls, example, quantity, ours, theirs, tol, note="", rtol=0.0):
    """Compares two trajectories (same shape after np.asarray) and prints
    one tab-separated row.  They agree where |ours - theirs| <= TOL +
    RTOL * |theirs| everywhere (RTOL for float32 libraries; NaN never
    agrees).  A difference above that fails the driver unless NOTE names
    it (then the verdict is 'explained')."""
    global _failed
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(theirs, dtype=np.float64)
    if a.shape != b.shape:
        sys.exit(f"{cls} {quantity}: shapes differ: ours {a.shape}, theirs {b.shape}")
    d = np.abs(a - b)
    diff = float(np.max(d)) if a.size else 0.0
    if np.all(d <= tol + rtol * np.abs(b)):
        verdict = "agree"
    elif note:
        verdict = "explained"
    else:
        verdict = "DIFFER"
        _failed = True
    steps = a.shape[0] if a.ndim else 1
    bound = f"{tol:g}" + (f" + {rtol:g} rel" if rtol else "")
    fields = (library, cls, example, quantity, steps, f"{diff:.3g}", bound,
              verdict, note)
    # one row, one line: a tab or a newline inside a field would split it
    print("\t".join(" ".join(str(x).split()) for x in fields), flush=True)


def done():
    sys.exit(1 if _failed else 0)
