#!/usr/bin/env python3
# venv: spikelearn
"""The classes the seed page documents, from spikelearn 0.1.1 (installed
beside 0.1.2 in the venv: 0.1.2 has no PlasticSynapse nor ModSTDPSynapse,
and its TernarySynapse takes other arguments), beside the examples, the
synapse alone: the library's syn(xe[, xm]); syn.update(xo) on given trains,
ours with generators, relays and puppet post neurons; W compared after
every step.

Rows:
- PlasticSynapse, syn_type None (clamp [-Wlim, Wlim]) and "exc" (0.1.1
  clamps at 0: the example's Wlo = 0).
- MSESynapse (0.1.1 transforms xm; without transform_mod, as here, the same).
- ModSTDPSynapse and TernarySynapse with No == 1: tm has one element, the
  third factor of the only post neuron.
- ModSTDPSynapse with No == Ne (0.1.1's tm has No elements and runs only
  for No in {1, Ne}): named difference - 0.1.1 scales dW[i, j] by tm[j]
  (numpy broadcasting over the presynaptic axis, synapses.py:248), ours by
  tm of post neuron i as the page's signature says; the next row feeds the
  same modulatory input to TernarySynapse's pre modulator and agrees.

Time stamping as in the other spikelearn drivers: step k is the simulation
step k; inputs of step k (xe, xm) are generator spikes of step k-1; a post
layer's output of step k is a puppet's, kicked in step k-1.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(sys.prefix, "spikelearn-0.1.1"))
import xc
lib = xc.need("spikelearn")
import numpy as np
from xc_spikelearn import models, spikes_arg, PUPPET

K = 300
P = dict(tre0=1, tre1=0.8, tro0=1, tro1=0.8, trm0=0.5, trm1=0.9, Ap=0.05, An=0.06, lr=0.05,
         Wlim=1, tracelim=10)


ARGS = {"STDPSynapse": ("tre0", "tre1", "tro0", "tro1", "Ap", "An", "Wlim", "tracelim"),
        "MSESynapse": ("tre0", "tre1", "tro0", "tro1", "trm0", "trm1", "lr", "Wlim", "tracelim"),
        "ModSTDPSynapse": ("tre0", "tre1", "tro0", "tro1", "trm0", "trm1", "Ap", "An", "Wlim", "tracelim")}
ARGS["TernarySynapse"] = ARGS["ModSTDPSynapse"]
EXAMPLE = {"STDPSynapse": "spikelearn_stdp.snn", "MSESynapse": "spikelearn_mse.snn",
           "ModSTDPSynapse": "spikelearn_modstdp.snn", "TernarySynapse": "spikelearn_ternary.snn"}


def ours(cls, W0, xe, xo, xm, extra=""):
    no, ne = W0.shape
    args = ", ".join(f"{k} = {P[k]}" for k in ARGS[cls]) + extra
    relay, bind = "", ""
    if xm is not None:
        relay = (f"pop Mod = {spikes_arg(xm, -1)}\n\tpop ModIn = Relay({xm.shape[1]})\n"
                 "\tconnect Mod -> ModIn : Relay1(one_to_one)")
        bind = "{ q = ModIn.x }" if cls == "TernarySynapse" else "{ m = ModIn.x }"
    got = xc.run(models(EXAMPLE[cls]) + PUPPET + f"""
network XC {{
	dt = 1 ms
	pop Pre = {spikes_arg(xe, -1)}
	pop Gen = {spikes_arg(xo, -1)}
	pop Post = Puppet({no})
	{relay}
	connect Gen -> Post : Kick(one_to_one)
	connect Pre -> Post : {cls}(weights = "w0.npy", {args}) as syn {bind}
	record syn.w
	run {K} ms
}}
""", files={"w0.npy": W0.T.copy()})
    return got["syn.w"], got["syn.pre"], got["syn.post"]


def theirs(syn, xe, xo, xm):
    W = []
    for k in range(K):
        if xm is None:
            syn(xe[k])
        else:
            syn(xe[k], xm[k])
        syn.update(xo[k])
        W.append(syn.W.copy())
    return np.array(W)


def trains(rng, ne, no, nm):
    xe = (rng.random((K, ne)) < 0.3).astype(float)
    xo = (rng.random((K, no)) < 0.2).astype(float)
    xm = (rng.random((K, nm)) < 0.3).astype(float) if nm else None
    xe[0] = xo[0] = 0
    if nm:
        xm[0] = 0
    return xe, xo, xm, 0.2 + 0.4 * rng.random((no, ne))


def row(cls, example, got, W, note=""):
    w, pre, post = got
    xc.row("spikelearn", cls + " (0.1.1)", example, "W", w, W[:, post, pre], 1e-9, note)


assert lib.__file__.startswith(os.path.join(sys.prefix, "spikelearn-0.1.1")), lib.__file__
rng = np.random.default_rng(12)
tr, to, tm = (P["tre0"], P["tre1"]), (P["tro0"], P["tro1"]), (P["trm0"], P["trm1"])
stdp_params = {"Ap": P["Ap"], "An": P["An"]}

xe, xo, _, W0 = trains(rng, 6, 3, 0)
for syn_type, wlo in ((None, -1), ("exc", 0)):
    syn = lib.synapses.PlasticSynapse(6, 3, W0.copy(), tr, to, rule_params=stdp_params, Wlim=P["Wlim"],
                                      syn_type=syn_type, tracelim=P["tracelim"])
    W = theirs(syn, xe, xo, None)
    assert W.min() == 0 if syn_type else W.min() < -0.05, (syn_type, W.min())   # the clamp acted
    row("PlasticSynapse", f"syn_type={syn_type}", ours("STDPSynapse", W0, xe, xo, None, f", Wlo = {wlo}"), W)

xe, xo, xm, W0 = trains(rng, 6, 3, 3)
syn = lib.synapses.MSESynapse(6, 3, W0.copy(), tr, to, tm, rule_params={"lr": P["lr"]}, Wlim=P["Wlim"],
                              tracelim=P["tracelim"])
row("MSESynapse", "target per post neuron", ours("MSESynapse", W0, xe, xo, xm), theirs(syn, xe, xo, xm))

xe, xo, xm, W0 = trains(rng, 6, 1, 1)
for cls in ("ModSTDPSynapse", "TernarySynapse"):
    syn = getattr(lib.synapses, cls)(6, 1, W0.copy(), tr, to, tm, rule_params=stdp_params,
                                     Wlim=P["Wlim"], tracelim=P["tracelim"])
    W = theirs(syn, xe, xo, xm)
    if cls == "ModSTDPSynapse":
        row(cls, "No=1", ours(cls, W0, xe, xo, xm), W)
    else:       # one element: the pre modulator of each pre neuron reads it
        row(cls, "No=1", ours(cls, W0, xe, xo, np.repeat(xm, 6, axis=1)), W)

xe, xo, xm, W0 = trains(rng, 4, 4, 4)
syn = lib.synapses.ModSTDPSynapse(4, 4, W0.copy(), tr, to, tm, rule_params=stdp_params, Wlim=P["Wlim"],
                                  tracelim=P["tracelim"])
W = theirs(syn, xe, xo, xm)
row("ModSTDPSynapse", "No=Ne=4", ours("ModSTDPSynapse", W0, xe, xo, xm), W,
    "0.1.1 scales dW[i, j] by tm[j] (broadcast over the pre axis); here by tm of post neuron i")
row("ModSTDPSynapse", "No=Ne=4, ours TernarySynapse", ours("TernarySynapse", W0, xe, xo, xm), W)
xc.done()
