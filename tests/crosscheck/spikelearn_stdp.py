#!/usr/bin/env python3
# venv: spikelearn
"""spikelearn 0.1.2 STDPSynapse (= the page's PlasticSynapse) beside
examples/spikelearn_stdp.snn: the same pre and post spike trains, given per
step (the library's syn(xe); syn.update(xo)), the same W0, traces and
limits; W, te and to compared after every step.

Known differences: none in the rule.  Time stamping: library step k is the
simulation step k (stamp (k+1) ms at dt = 1 ms); the post neurons here are
puppets that spike in step k when a generator kicks them in step k-1, so
the library's xo of step 0 is 0.  Rows: the example's parameters, then a
low tracelim (the cap bites) and a low Wlim (the clamp bites on both sides).
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("spikelearn")
import numpy as np

NE, NO, K = 6, 3, 300


def models(name):
    """The models of examples/NAME, without its network."""
    with open(xc.example(name)) as f:
        text = f.read()
    return text[:text.index("\nnetwork ")] + "\n"


PUPPET = """
# A post neuron that spikes exactly when the generator Kick drives it (one
# step after the generator's spike); x takes what the plastic synapse sends.
neuron Puppet {
	input x, drive
	spike when drive > 0.5
}
synapse Kick { on pre { post.drive += 1 } }
"""


def spikes_arg(s, shift):
    """spikes(...) arguments for a [K, N] 0/1 array: the spike of row k in
    the step k + shift (stamp (k + shift + 1) ms)."""
    k, i = np.nonzero(s)
    keep = k + shift >= 0
    k, i = k[keep], i[keep]
    times = ", ".join(f"{kk + shift + 1}.0 ms" for kk in k)
    index = ", ".join(str(ii) for ii in i)
    return f"spikes({s.shape[1]}, times = [{times}], index = [{index}])"


def network(xe, xo, args):
    return models("spikelearn_stdp.snn") + PUPPET + f"""
network XC {{
	dt = 1 ms
	pop Pre = {spikes_arg(xe, 0)}
	pop Gen = {spikes_arg(xo, -1)}
	pop Post = Puppet({NO})
	connect Gen -> Post : Kick(one_to_one)
	connect Pre -> Post : STDPSynapse(weights = "w0.npy"{args}) as syn
	record syn.w
	record syn.te
	record syn.to
	run {K} ms
}}
"""


def library(xe, xo, W0, p):
    syn = lib.STDPSynapse(NE, NO, W0.copy(), (p["tre0"], p["tre1"]), (p["tro0"], p["tro1"]),
                          rule_params={"Ap": p["Ap"], "An": p["An"]}, Wlim=p["Wlim"],
                          tracelim=p["tracelim"])
    W, te, to = [], [], []
    for k in range(K):
        syn(xe[k])
        syn.update(xo[k])
        W.append(syn.W.copy())
        te.append(syn.learning_rule.te().copy())
        to.append(syn.learning_rule.to().copy())
    return np.array(W), np.array(te), np.array(to)


def compare(example, p, over, rng, note="", clip0=False):
    xe = (rng.random((K, NE)) < 0.2).astype(float)
    xo = (rng.random((K, NO)) < 0.15).astype(float)
    xo[0] = 0                                   # no puppet spike in step 0
    xe[40:60, 0] = 1                            # a burst: traces reach the cap
    xo[45:60, 1] = 1
    W0 = 0.1 + 0.4 * rng.random((NO, NE))       # spikelearn's W[post, pre]
    if clip0:                                   # the difference removed
        W0 = np.clip(W0, -p["Wlim"], p["Wlim"])
    args = "".join(f", {k} = {v}" for k, v in over.items())
    got = xc.run(network(xe, xo, args), files={"w0.npy": W0.T.copy()})
    W, te, to = library(xe, xo, W0, p)
    pre, post = got["syn.pre"], got["syn.post"]
    xc.row("spikelearn", "STDPSynapse", example, "W", got["syn.w"], W[:, post, pre], 1e-9, note)
    xc.row("spikelearn", "STDPSynapse", example, "te", got["syn.te"], te, 1e-9)
    xc.row("spikelearn", "STDPSynapse", example, "to", got["syn.to"], to, 1e-9)
    # the limit under test must have acted, else the row shows nothing
    if "tracelim" in over:
        assert te.max() == over["tracelim"] and to.max() == over["tracelim"], example
    if "Wlim" in over:
        assert W.max() == over["Wlim"] and W.min() == -over["Wlim"], example


BASE = dict(tre0=1, tre1=0.8, tro0=1, tro1=0.8, Ap=0.01, An=0.012, Wlim=1, tracelim=10)
OUTSIDE = ("W0 outside [-Wlim, Wlim]: spikelearn clamps every weight in step 0, "
           "here a weight is clamped at its first event")
for example, over, note, clip0 in (
        ("example", {}, "", False),
        ("tracelim=1.7", {"tracelim": 1.7, "tre0": 0.6}, "", False),
        ("Wlim=0.3 W0>Wlim", {"Wlim": 0.3, "Wlo": -0.3, "Ap": 0.2, "An": 0.25}, OUTSIDE, False),
        ("Wlim=0.3", {"Wlim": 0.3, "Wlo": -0.3, "Ap": 0.2, "An": 0.25}, "", True)):
    compare(example, dict(BASE, **over), over, np.random.default_rng(4), note, clip0)
xc.done()
