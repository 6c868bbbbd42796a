#!/usr/bin/env python3
# venv: spikelearn
"""spikelearn 0.1.2 MSESynapse beside examples/spikelearn_mse.snn.

1. The synapse alone: the library's syn(xe, xm); syn.update(xo) on given
   spike trains, ours with generators for xe and xm and puppet post neurons
   whose output s is given; W, te, to, tm compared after every step.
2. A SpikingNet: inputs "in" and "target", a SpikingLayer "out" fed by an
   MSESynapse(in, target): the output spikes, v and W, step by step, where
   the output's spikes now come from the learning itself.

Time stamping: spikelearn's step k is the simulation step k; an input (xe,
xm, a puppet's drive) of step k is a generator's spike of step k-1 here, so
the library's inputs of step 0 are empty.  Known differences: none.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("spikelearn")
import numpy as np
from xc_spikelearn import models, spikes_arg, PUPPET

NE, NO, K = 6, 3, 400
P = dict(tre0=1, tre1=0.8, tro0=0.2, tro1=0.8, trm0=1, trm1=0.8, lr=0.02, Wlim=1, tracelim=10)


def mse(W0, p):
    return lib.MSESynapse(NE, NO, W0.copy(), (p["tre0"], p["tre1"]), (p["tro0"], p["tro1"]),
                          (p["trm0"], p["trm1"]), rule_params={"lr": p["lr"]}, Wlim=p["Wlim"],
                          tracelim=p["tracelim"])


def params(p):
    return ", ".join(f"{k} = {v}" for k, v in p.items())


def alone(rng, example, p):
    xe = (rng.random((K, NE)) < 0.3).astype(float)
    xo = (rng.random((K, NO)) < 0.2).astype(float)
    xm = (rng.random((K, NO)) < 0.4).astype(float)
    xe[0] = xo[0] = xm[0] = 0
    W0 = 0.5 * rng.random((NO, NE)) - 0.25
    got = xc.run(models("spikelearn_mse.snn") + PUPPET + f"""
network XC {{
	dt = 1 ms
	pop Pre = {spikes_arg(xe, -1)}
	pop Gen = {spikes_arg(xo, -1)}
	pop Teach = {spikes_arg(xm, -1)}
	pop Post = Puppet({NO})
	pop Target = Relay({NO})
	connect Gen -> Post : Kick(one_to_one)
	connect Teach -> Target : Relay1(one_to_one)
	connect Pre -> Post : MSESynapse(weights = "w0.npy", {params(p)}) as syn {{ m = Target.x }}
	record syn.w
	record syn.te
	record syn.to
	record syn.tm
	run {K} ms
}}
""", files={"w0.npy": W0.T.copy()})
    syn = mse(W0, p)
    W, te, to, tm = [], [], [], []
    for k in range(K):
        syn(xe[k], xm[k])
        syn.update(xo[k])
        W.append(syn.W.copy())
        r = syn.learning_rule
        te.append(r.te().copy()), to.append(r.to().copy()), tm.append(r.tm().copy())
    W = np.array(W)
    pre, post = got["syn.pre"], got["syn.post"]
    xc.row("spikelearn", "MSESynapse", example, "W", got["syn.w"], W[:, post, pre], 1e-9)
    xc.row("spikelearn", "MSESynapse", example, "te", got["syn.te"], np.array(te), 1e-9)
    xc.row("spikelearn", "MSESynapse", example, "to", got["syn.to"], np.array(to), 1e-9)
    xc.row("spikelearn", "MSESynapse", example, "tm", got["syn.tm"], np.array(tm), 1e-9)
    return W


def in_net(rng):
    xe = (rng.random((K, NE)) < 0.4).astype(float)
    xm = (rng.random((K, NO)) < 0.3).astype(float)
    xe[0] = xm[0] = 0
    W0 = 0.3 * rng.random((NO, NE))
    got = xc.run(models("spikelearn_mse.snn") + f"""
network XC {{
	dt = 1 ms
	pop In = {spikes_arg(xe, -1)}
	pop Teach = {spikes_arg(xm, -1)}
	pop Target = Relay({NO})
	pop Out = SpikingLayer({NO}) {{ tau = 5 }}
	connect Teach -> Target : Relay1(one_to_one)
	connect In -> Out : MSESynapse(weights = "w0.npy", {params(P)}) as syn {{ m = Target.x }}
	record Out.spikes
	record Out.v
	record syn.w
	run {K} ms
}}
""", files={"w0.npy": W0.T.copy()})
    net = lib.SpikingNet()
    net.add_input("in")
    net.add_input("target")
    out = lib.SpikingLayer(NO, 5)
    net.add_layer(out, "out")
    syn = mse(W0, P)
    net.add_synapse("out", syn, "in", "target")
    net.add_output("out")
    s, v, W = [], [], []
    for k in range(K):
        s.append(net(xe[k], xm[k])[0].copy())
        v.append(out.v.copy())
        W.append(syn.W.copy())
    s, W = np.array(s), np.array(W)
    assert 20 < s.sum() < K * NO / 2, s.sum()
    ours = np.zeros((K, NO))
    ours[np.rint(got["Out.spikes.t"] * 1e3).astype(int) - 1, got["Out.spikes.i"]] = 1
    pre, post = got["syn.pre"], got["syn.post"]
    xc.row("spikelearn", "MSESynapse", "SpikingNet in->out", "out spikes", ours, s, 0)
    xc.row("spikelearn", "MSESynapse", "SpikingNet in->out", "out v", got["Out.v"], np.array(v), 1e-9)
    xc.row("spikelearn", "MSESynapse", "SpikingNet in->out", "W", got["syn.w"], W[:, post, pre], 1e-9)


rng = np.random.default_rng(6)
alone(rng, "alone", P)
W = alone(rng, "alone Wlim=0.2", dict(P, Wlim=0.2, Wlo=-0.2, lr=0.1))
assert W.max() == 0.2 and W.min() == -0.2
in_net(rng)
xc.done()
