#!/usr/bin/env python3
# venv: ngclearn
"""examples/ngclearn_trace_stdp.snn against ngclearn's TraceSTDPSynapse.

The example runs first (Poisson inputs onto two LIF neurons: the spike
trains are ours); then, per connection (`fast`, with its weight_mask, and
`slow`), a TraceSTDPSynapse and two VarTraces (tau_tr = 20 ms, a_delta = 1,
exponential decay) are driven with the recorded spikes, one call per step:
the traces advance with the step's spikes, then the synapse's
advance_state (what it transmits) and evolve (the update), as an ngclearn
model steps.  Compared: weights, both traces, and the transmitted input
(the library's outputs of step n against our Out.j read in step n+1).

Known difference, one: time stamping.  The .snn's rule is a synapse
`on tick`, which runs before the thresholds (LANGUAGE.md §4, phase 2), so
it applies the spikes of step n in step n+1: our sample n+1 is the
library's weight after call n (and our first tick, with no spike yet,
is one extra call: the library starts from our sample 0).  The first row
compares unshifted and names that; every other row compares shifted and
agrees to float32 precision (1e-5 on weights in [0, 1]).
A second run (mu = 0, tau_w = 0, pretrace_target = 0, through --set) pins
the other branch of the library's `if mu > 0`; a third, a_delta = 0,
VarTrace's other form (the trace snaps to P_scale = 1 at a spike).
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("ngclearn")

import re

import numpy as np
from ngclearn.components.synapses.hebbian.traceSTDPSynapse import TraceSTDPSynapse
from xc_ngclearn import STEPS, raster, dense, drive_traced

DURATION = "3s"              # xc_ngclearn.STEPS steps of its DT_MS
TOL = 1e-5
# the example's parameters (its connect lines)
PARAMS = dict(A_plus=0.05, A_minus=0.03, eta=1., mu=1., pretrace_target=0.2,
              w_bound=1., tau_w=10000., resist_scale=4.)
MASK = np.load(xc.example("ngclearn_trace_stdp_mask.npy"))
CLS, EX = "TraceSTDPSynapse", "ngclearn_trace_stdp.snn"


def compare(sets, params, tag, first=False, a_delta=1.):
    rec = xc.run(xc.example(EX), "--duration", DURATION, sets=sets)
    post = raster(rec, "Out", 2)
    total = np.zeros((STEPS, 2))
    for conn, pop, mask in (("fast", "Fast", MASK), ("slow", "Slow", None)):
        pre = raster(rec, pop, 8)
        ours = dense(rec, conn, 8, 2)
        lib_ = drive_traced(TraceSTDPSynapse, re.sub(r"\W", "_", f"tr_{conn}{tag}"), pre, post,
                            ours[0], params, mask, a_delta)
        ex = f"{EX} {conn}{tag}"
        if first and conn == "fast":
            xc.row("ngclearn", CLS, ex, "w, unshifted", ours, lib_["w"], TOL,
                   note="time stamping: our on tick applies step n's spikes in step n+1 "
                        "(phase 2 precedes the thresholds); shifted by one step below: agree")
        xc.row("ngclearn", CLS, ex, "w (ours one step later)", ours[1:], lib_["w"][:-1], TOL)
        if mask is not None:
            # the mask: no synapse here, the library's weight stays exactly 0
            cut = np.asarray(lib_["w"])[:, mask == 0]
            xc.row("ngclearn", CLS, ex, "w at masked pairs (weight_mask)", cut * 0, cut, 0)
        if conn == "fast":
            for side, who in (("x_pre", pre), ("x_post", post)):
                xs = rec[f"fast.{side}"]
                xc.row("ngclearn", "VarTrace", ex, f"{side} (ours one step later)",
                       xs[1:], lib_[side][:-1], TOL)
        total += lib_["out"]
    xc.row("ngclearn", CLS, f"{EX}{tag}", "Out.j (resist_scale)", rec["Out.j"][1:],
           total[:-1], TOL)


compare(None, PARAMS, "", first=True)
flat = dict(PARAMS, mu=0., tau_w=0., pretrace_target=0.)
compare({f"{c}.{k}": flat[k] for c in ("fast", "slow") for k in ("mu", "tau_w", "pretrace_target")},
        flat, " mu=0 tau_w=0 target=0")
# VarTrace's other form: a_delta = 0 snaps the trace to P_scale (1) at a spike
compare({"fast.a_delta": 0, "slow.a_delta": 0}, PARAMS, " a_delta=0", a_delta=0.)
xc.done()
