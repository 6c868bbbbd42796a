#!/usr/bin/env python3
# venv: spikelearn
"""spikelearn 0.1.2 TernarySynapse + ModSTDPRule (the page's ModSTDPSynapse
and TernarySynapse) beside examples/spikelearn_modstdp.snn and
examples/spikelearn_ternary.snn, the synapse alone: the library's
syn(xe, xm); syn.update(xo) on given trains, ours with generators and
puppet post neurons; W and the traces compared after every step.

Rows:
- ModSTDPSynapse, one global third factor (spikelearn's Nm = 1): the
  modulator bound to a global driven by --input with the library's xm.
- ModSTDPSynapse, one modulator per post neuron (Nm = No = Ne): named
  difference - spikelearn multiplies dW[i, j] by tm[j] (numpy broadcasting
  over the presynaptic axis), ours by tm of the post neuron i as the page's
  signature says; the next row drives TernarySynapse (pre modulator) with
  the same modulatory input and agrees: the axis is the only difference.
- TernarySynapse, one modulator per pre neuron (Nm = Ne), Ne != No.

Time stamping: spikelearn's step k is the simulation step k; inputs xe and
xm of step k are generator spikes of step k-1 (the relay's x, read in step
k), a global's value k is set before step k; a post layer's output of step
k is a puppet's, kicked in step k-1.  Known differences: the axis above.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("spikelearn")
import numpy as np
from xc_spikelearn import models, spikes_arg, PUPPET

K = 300
P = dict(tre0=1, tre1=0.8, tro0=1, tro1=0.8, trm0=0.5, trm1=0.9, Ap=0.05, An=0.06, Wlim=1,
         tracelim=10)


def library(ne, no, nm, W0, xe, xo, xm, p):
    rule = lib.rules.ModSTDPRule({"Ap": p["Ap"], "An": p["An"]}, (p["tre0"], p["tre1"]),
                                 (p["tro0"], p["tro1"]), (p["trm0"], p["trm1"]), p["tracelim"],
                                 p["Wlim"])
    syn = lib.TernarySynapse(ne, no, nm, W0.copy(), learning_rule=rule)
    W, tm = [], []
    for k in range(K):
        syn(xe[k], xm[k])
        syn.update(xo[k])
        W.append(syn.W.copy())
        tm.append(rule.tm().copy())
    return np.array(W), np.array(tm)


def trains(rng, ne, no, nm, pm):
    xe = (rng.random((K, ne)) < 0.3).astype(float)
    xo = (rng.random((K, no)) < 0.2).astype(float)
    xm = (rng.random((K, nm)) < pm).astype(float)
    xe[0] = xo[0] = xm[0] = 0
    return xe, xo, xm, 0.2 + 0.4 * rng.random((no, ne))


def ours(example, cls, ne, no, W0, xe, xo, binding, extra="", sets=None, inputs=None):
    params = ", ".join(f"{k} = {v}" for k, v in P.items())
    return xc.run(models(example) + PUPPET + f"""
network XC {{
	dt = 1 ms
	global g = 0
	pop Pre = {spikes_arg(xe, -1)}
	pop Gen = {spikes_arg(xo, -1)}
	pop Post = Puppet({no})
	{extra}
	connect Gen -> Post : Kick(one_to_one)
	connect Pre -> Post : {cls}(weights = "w0.npy", {params}) as syn {{ {binding} }}
	record syn.w
	record syn.tm
	run {K} ms
}}
""", files={"w0.npy": W0.T.copy()}, sets=sets, inputs=inputs)


def rows(cls, example, got, W, tm, note=""):
    pre, post = got["syn.pre"], got["syn.post"]
    xc.row("spikelearn", cls, example, "W", got["syn.w"], W[:, post, pre], 1e-9, note)
    xc.row("spikelearn", cls, example, "tm", got["syn.tm"], tm, 1e-9)


rng = np.random.default_rng(9)

# one global third factor: any real value per step
ne, no = 6, 3
xe, xo, _, W0 = trains(rng, ne, no, 1, 0)
xm = rng.normal(0.5, 1, (K, 1))
W, tm = library(ne, no, 1, W0, xe, xo, xm, P)
got = ours("spikelearn_modstdp.snn", "ModSTDPSynapse", ne, no, W0, xe, xo, "m = g", inputs={"g": xm[:, 0]})
rows("ModSTDPSynapse", "global (Nm=1)", got, W, np.repeat(tm, no, axis=1))

# one per post neuron (the library needs Ne == No for it to run at all)
ne = no = 4
xe, xo, xm, W0 = trains(rng, ne, no, no, 0.3)
W, tm = library(ne, no, no, W0, xe, xo, xm, P)
relay = f"pop Mod = {spikes_arg(xm, -1)}\n\tpop ModIn = Relay({no})\n\tconnect Mod -> ModIn : Relay1(one_to_one)"
got = ours("spikelearn_modstdp.snn", "ModSTDPSynapse", ne, no, W0, xe, xo, "m = ModIn.x", relay)
rows("ModSTDPSynapse", "per post neuron (Nm=No=Ne)", got, W, tm,
     "spikelearn scales dW[i, j] by tm[j] (broadcast over the pre axis); here by tm of post neuron i")
got = ours("spikelearn_ternary.snn", "TernarySynapse", ne, no, W0, xe, xo, "q = ModIn.x", relay)
rows("TernarySynapse", "same inputs, pre modulator (Nm=Ne)", got, W, tm)

# one per pre neuron, Ne != No
ne, no = 7, 3
xe, xo, xm, W0 = trains(rng, ne, no, ne, 0.3)
W, tm = library(ne, no, ne, W0, xe, xo, xm, P)
relay = f"pop Mod = {spikes_arg(xm, -1)}\n\tpop ModIn = Relay({ne})\n\tconnect Mod -> ModIn : Relay1(one_to_one)"
got = ours("spikelearn_ternary.snn", "TernarySynapse", ne, no, W0, xe, xo, "q = ModIn.x", relay)
rows("TernarySynapse", "pre modulator (Nm=Ne=7, No=3)", got, W, tm)
xc.done()
