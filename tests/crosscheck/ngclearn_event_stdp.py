#!/usr/bin/env python3
# venv: ngclearn
"""examples/ngclearn_event_stdp.snn against ngclearn's EventSTDPSynapse.

The example runs first (Poisson inputs onto one LIF neuron, so the spike
trains are ours); then two EventSTDPSynapse objects (its connections `fast`
and `slow`) are driven with the recorded spikes, step by step: inputs = the
pre spikes of step n, pre_tols = the stamp (ms) of each pre neuron's last
spike up to step n (0 = never), postSpike = the post spikes of step n,
then advance_state and evolve(t = stamp of step n).  Compared: the weights
after every step, and the transmitted input (the library's outputs of step
n against our Out.j read in step n+1: what a step adds is read in the next).

A second run with presyn_win_len = 0 exercises the library's other branch
(pre_tols == t: the same step only), which the .snn writes as a window of
one step.  Known differences: none; the library works in float32
(tolerance 1e-5 on weights in [0.01, 1]).
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("ngclearn")

import numpy as np
from jax import numpy as jnp, random
from ngclearn import Context, MethodProcess
from ngclearn.components.synapses.hebbian.eventSTDPSynapse import EventSTDPSynapse
from xc_ngclearn import DT_MS, STEPS, raster, dense

DURATION = "3s"              # xc_ngclearn.STEPS steps of its DT_MS
# the example's parameters (its connect lines override presyn_win_len, resist_scale)
PARAMS = dict(eta=0.01, lmbda=0.01, A_plus=1., A_minus=1., w_bound=1.)
WIN_MS, RESIST = 5.0, 4.0
TOL = 1e-5


def drive(name, pre, post, w0, win):
    """The library's weights after each step and its outputs, driven with
    the 0/1 rasters PRE [STEPS, n_pre] and POST [STEPS, n_post]."""
    n_pre, n_post = pre.shape[1], post.shape[1]
    with Context(name):
        syn = EventSTDPSynapse("syn", (n_pre, n_post), presyn_win_len=win,
                               resist_scale=RESIST, key=random.PRNGKey(0), **PARAMS)
        adv = MethodProcess("adv") >> syn.advance_state
        evo = MethodProcess("evo") >> syn.evolve
        rst = MethodProcess("rst") >> syn.reset
    rst.run()
    syn.weights.set(jnp.asarray(w0, dtype=jnp.float32))
    tols = np.zeros((1, n_pre), dtype=np.float32)
    ws, outs = [], []
    for n in range(STEPS):
        t = (n + 1) * DT_MS                       # the step's stamp, in ms
        tols = np.where(pre[n] > 0, np.float32(t), tols)
        syn.inputs.set(jnp.asarray(pre[n][None, :]))
        syn.pre_tols.set(jnp.asarray(tols))
        syn.postSpike.set(jnp.asarray(post[n][None, :]))
        adv.run()
        evo.run(t=t, dt=DT_MS)
        ws.append(np.asarray(syn.weights.get()))
        outs.append(np.asarray(syn.outputs.get())[0])
    return np.array(ws), np.array(outs)


def compare(win, sets, tag):
    rec = xc.run(xc.example("ngclearn_event_stdp.snn"), "--duration", DURATION, sets=sets)
    post = raster(rec, "Out", 1)
    total = np.zeros((STEPS, 1))
    for conn, pop in (("fast", "Fast"), ("slow", "Slow")):
        pre = raster(rec, pop, 5)
        ours = dense(rec, conn, 5, 1)
        # the first step changes no weight (the output cannot spike in it):
        # its sample is the initial weights, drawn by the .snn
        assert post[0].sum() == 0
        theirs, out = drive(f"ev_{conn}_{tag}", pre, post, ours[0], win)
        xc.row("ngclearn", "EventSTDPSynapse", f"ngclearn_event_stdp.snn {conn}{tag}",
               "w", ours, theirs, TOL)
        total += out
    # Out.j of step n+1 is what step n's pre spikes added: resist_scale * w
    xc.row("ngclearn", "EventSTDPSynapse", f"ngclearn_event_stdp.snn{tag}",
           "Out.j (resist_scale)", rec["Out.j"][1:], total[:-1], TOL)


compare(WIN_MS, None, "")
compare(0.0, {"fast.presyn_win_len": "0ms", "slow.presyn_win_len": "0ms"}, " win=0")
xc.done()
