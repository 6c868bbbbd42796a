#!/usr/bin/env python3
# venv: spikelearn
"""spikelearn 0.1.2 STDPSynapse (= the page's PlasticSynapse) beside
examples/spikelearn_stdp.snn, both of its forms.

1. The synapse alone: the same pre and post spike trains given per step
   (the library's syn(xe); syn.update(xo)), the same W0, traces and limits;
   W, te and to compared after every step, for STDPSynapse (on tick) and
   STDPSynapseEvents (on pre / on post): the example's parameters, a low
   tracelim (the cap bites) and a low Wlim (the clamp bites on both sides).
2. A SpikingNet: input "in" -> SpikingLayer "out" through an STDPSynapse;
   the output spikes, v and W, where the output's spikes come from the
   learned weights.  The events form in the same net is one row, a named
   difference (its timing, see the example); the on-tick form's rows are
   the same net without it.

Time stamping: spikelearn's step k is the simulation step k.  A post
layer's output of step k is a puppet's, kicked by a generator in step k-1.
The input xe of step k is a generator's spike of step k-1 for the on-tick
form (it reads what the pre neuron emitted in the step before, as a layer
does) and of step k for the events form (the pre spike itself).  Inputs
that would fall before step 0 are empty.  Known difference (events form
only): a W0 outside [-Wlim, Wlim] - spikelearn clamps every weight in
every step, the events form a weight at its events; the row after it, with
W0 inside, agrees.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("spikelearn")
import numpy as np
from xc_spikelearn import models, spikes_arg, PUPPET

NE, NO, K = 6, 3, 300
BASE = dict(tre0=1, tre1=0.8, tro0=1, tro1=0.8, Ap=0.01, An=0.012, Wlim=1, tracelim=10)


def stdp(W0, p, n_in=NE):
    return lib.STDPSynapse(n_in, NO, W0.copy(), (p["tre0"], p["tre1"]), (p["tro0"], p["tro1"]),
                           rule_params={"Ap": p["Ap"], "An": p["An"]}, Wlim=p["Wlim"],
                           tracelim=p["tracelim"])


def alone(cls, example, p, over, rng, note="", clip0=False):
    xe = (rng.random((K, NE)) < 0.2).astype(float)
    xo = (rng.random((K, NO)) < 0.15).astype(float)
    xe[40:60, 0] = 1                            # a burst: traces reach the cap
    xo[45:60, 1] = 1
    xe[0] = xo[0] = 0                           # nothing before step 0
    W0 = 0.1 + 0.4 * rng.random((NO, NE))       # spikelearn's W[post, pre]
    if clip0:                                   # the difference removed
        W0 = np.clip(W0, -p["Wlim"], p["Wlim"])
    args = "".join(f", {k} = {v}" for k, v in over.items())
    shift = -1 if cls == "STDPSynapse" else 0
    got = xc.run(models("spikelearn_stdp.snn") + PUPPET + f"""
network XC {{
	dt = 1 ms
	pop Pre = {spikes_arg(xe, shift)}
	pop Gen = {spikes_arg(xo, -1)}
	pop Post = Puppet({NO})
	connect Gen -> Post : Kick(one_to_one)
	connect Pre -> Post : {cls}(weights = "w0.npy"{args}) as syn
	record syn.w
	record syn.te
	record syn.to
	run {K} ms
}}
""", files={"w0.npy": W0.T.copy()})
    syn = stdp(W0, p)
    W, te, to = [], [], []
    for k in range(K):
        syn(xe[k])
        syn.update(xo[k])
        W.append(syn.W.copy())
        te.append(syn.learning_rule.te().copy())
        to.append(syn.learning_rule.to().copy())
    W, te, to = np.array(W), np.array(te), np.array(to)
    pre, post = got["syn.pre"], got["syn.post"]
    name = "STDPSynapse" + (" (events)" if cls != "STDPSynapse" else "")
    xc.row("spikelearn", name, example, "W", got["syn.w"], W[:, post, pre], 1e-9, note)
    xc.row("spikelearn", name, example, "te", got["syn.te"], te, 1e-9)
    xc.row("spikelearn", name, example, "to", got["syn.to"], to, 1e-9)
    # the limit under test must have acted, else the row shows nothing
    if "tracelim" in over:
        assert te.max() == over["tracelim"] and to.max() == over["tracelim"], example
    if "Wlim" in over:
        assert W.max() == over["Wlim"] and W.min() == -over["Wlim"], example


def in_net(rng):
    n_in = 20
    xe = (rng.random((K, n_in)) < 0.3).astype(float)
    xe[0] = 0
    W0 = 0.1 + 0.3 * rng.random((NO, n_in))
    p = dict(BASE, Ap=0.05, An=0.04)

    def net_text(cls):
        return models("spikelearn_stdp.snn") + f"""
network XC {{
	dt = 1 ms
	pop In = {spikes_arg(xe, -1)}
	pop Out = SpikingLayer({NO}) {{ tau = 5 }}
	connect In -> Out : {cls}(weights = "w0.npy", Ap = 0.05, An = 0.04) as syn
	record Out.spikes
	record Out.v
	record syn.w
	run {K} ms
}}
"""
    got = xc.run(net_text("STDPSynapse"), files={"w0.npy": W0.T.copy()})
    events = xc.run(net_text("STDPSynapseEvents"), files={"w0.npy": W0.T.copy()})
    net = lib.SpikingNet()
    net.add_input("in")
    out = lib.SpikingLayer(NO, 5)
    net.add_layer(out, "out")
    syn = stdp(W0, p, n_in)
    net.add_synapse("out", syn, "in")
    net.add_output("out")
    s, v, W = [], [], []
    for k in range(K):
        s.append(net(xe[k])[0].copy())
        v.append(out.v.copy())
        W.append(syn.W.copy())
    s, W = np.array(s), np.array(W)
    assert 20 < s.sum() < K * NO / 2, s.sum()
    assert np.abs(W[-1] - W0).max() > 0.1           # it learned
    ours = np.zeros((K, NO))
    ours[np.rint(got["Out.spikes.t"] * 1e3).astype(int) - 1, got["Out.spikes.i"]] = 1
    pre, post = got["syn.pre"], got["syn.post"]
    xc.row("spikelearn", "STDPSynapse", "SpikingNet in->out", "out spikes", ours, s, 0)
    xc.row("spikelearn", "STDPSynapse", "SpikingNet in->out", "out v", got["Out.v"], np.array(v), 1e-9)
    xc.row("spikelearn", "STDPSynapse", "SpikingNet in->out", "W", got["syn.w"], W[:, post, pre], 1e-9)
    # the events form in the same net: the rows above are the on-tick form
    xc.row("spikelearn", "STDPSynapse (events)", "SpikingNet in->out", "W", events["syn.w"],
           W[:, post, pre], 1e-9, "the events form pairs a pre spike with the post spike it causes "
           "one step apart (the layer reads it a step after its delivery); spikelearn in one step")


OUTSIDE = ("W0 outside [-Wlim, Wlim]: spikelearn clamps every weight in every step, "
           "the events form a weight at its events")
WLIM = {"Wlim": 0.3, "Wlo": -0.3, "Ap": 0.2, "An": 0.25}
CAP = {"tracelim": 1.7, "tre0": 0.6, "tro0": 0.6}
for cls in ("STDPSynapse", "STDPSynapseEvents"):
    cases = [("example", {}, "", False), ("tracelim=1.7", CAP, "", False)]
    if cls == "STDPSynapseEvents":
        cases.append(("Wlim=0.3 W0>Wlim", WLIM, OUTSIDE, False))
        cases.append(("Wlim=0.3 W0 inside", WLIM, "", True))
    else:
        cases.append(("Wlim=0.3 W0>Wlim", WLIM, "", False))
    for example, over, note, clip0 in cases:
        alone(cls, example, dict(BASE, **over), over, np.random.default_rng(4), note, clip0)
in_net(np.random.default_rng(8))
xc.done()
