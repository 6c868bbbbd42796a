#!/usr/bin/env python3
# venv: spikelearn
"""A spikelearn 0.1.2 SpikingNet of three layers, one of whose synapses has
two presynaptic layers (a TernarySynapse with ModSTDPRule, called with the
outputs of "hid" and "mod"), plus a SpikingRecLayer's Wrec, beside
examples/spikelearn_spikingnet.snn with its network's structure and
parameters, the same input spike trains and weights: every layer's spikes,
the output's v and the ternary synapse's W and tm compared step by step.

Time stamping: the library's input of step k is the generator's spike of
step k-1 here; a layer's step k is the simulation step k.  Known
differences: none.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("spikelearn")
import numpy as np
from xc_spikelearn import models, spikes_arg

NI, NH, K = 20, 10, 500
AP, AN = 0.02, 0.025


def spikes_of(got, pop, n):
    s = np.zeros((K, n))
    s[np.rint(got[pop + ".spikes.t"] * 1e3).astype(int) - 1, got[pop + ".spikes.i"]] = 1
    return s


rng = np.random.default_rng(11)
xin = (rng.random((K, NI)) < 0.3).astype(float)
xmod = (rng.random((K, NH)) < 0.06).astype(float)
xin[0] = xmod[0] = 0
W1 = 0.4 * rng.random((NH, NI))
W3 = 0.6 + 0.6 * rng.random((NH, NH))
Wrec = -0.5 * (1 - np.eye(NH))

got = xc.run(models("spikelearn_spikingnet.snn") + f"""
network XC {{
	dt = 1 ms
	pop In     = {spikes_arg(xin, -1)}
	pop ModIn  = {spikes_arg(xmod, -1)}
	pop Hid    = SpikingLayer({NH}) {{ tau = 5 }}
	pop Mod    = SpikingLayer({NH}) {{ tau = 3 }}
	pop ModOut = Relay({NH})
	pop Out    = SpikingLayer({NH}) {{ tau = 5 }}
	connect In -> Hid : StaticSynapse(weights = "w1.npy") as W1
	connect ModIn -> Mod : StaticSynapse(one_to_one, w = 4)
	connect Mod -> ModOut : Relay1(one_to_one)
	connect Hid -> Out : TernarySynapse(weights = "w3.npy", Ap = {AP}, An = {AN}) as W3 {{ q = ModOut.x }}
	connect Out -> Out : StaticSynapse(mask = "{xc.example('spikelearn_wrec_mask.npy')}", w = 0.5, sign = -1) as Wrec
	record Hid.spikes
	record Mod.spikes
	record Out.spikes
	record Out.v
	record W3.w
	record W3.tm
	run {K} ms
}}
""", files={"w1.npy": W1.T.copy(), "w3.npy": W3.T.copy()})

net = lib.SpikingNet()
net.add_input("in")
net.add_input("modin")
hid, mod = lib.SpikingLayer(NH, 5), lib.SpikingLayer(NH, 3)
out = lib.SpikingRecLayer(NH, 5, Wrec)
net.add_layer(hid, "hid")
net.add_synapse("hid", lib.StaticSynapse(NI, NH, W1.copy()), "in")
net.add_layer(mod, "mod")
net.add_synapse("mod", lib.OneToOneSynapse(NH, 4 * np.ones(NH)), "modin")
net.add_layer(out, "out")
rule = lib.rules.ModSTDPRule({"Ap": AP, "An": AN}, (1, 0.8), (1, 0.8), (1, 0.8), 10, 1)
tern = lib.TernarySynapse(NH, NH, NH, W3.copy(), learning_rule=rule)
net.add_synapse("out", tern, "hid", "mod")     # two presynaptic layers
net.add_output("hid")
net.add_output("mod")
net.add_output("out")
S = {"Hid": [], "Mod": [], "Out": []}
v, W, tm = [], [], []
for k in range(K):
    h, m, o = net(xin[k], xmod[k])
    S["Hid"].append(h.copy()), S["Mod"].append(m.copy()), S["Out"].append(o.copy())
    v.append(out.v.copy()), W.append(tern.W.copy()), tm.append(rule.tm().copy())
W = np.array(W)
for pop in ("Hid", "Mod", "Out"):
    s = np.array(S[pop])
    assert 20 < s.sum() < K * NH / 2, (pop, s.sum())
    xc.row("spikelearn", "SpikingNet", "in->hid, modin->mod, (hid,mod)->out", pop + " spikes",
           spikes_of(got, pop, NH), s, 0)
assert np.abs(W[-1] - W3).max() > 0.05                      # it learned
pre, post = got["W3.pre"], got["W3.post"]
xc.row("spikelearn", "SpikingNet", "in->hid, modin->mod, (hid,mod)->out", "Out v", got["Out.v"], np.array(v), 1e-9)
xc.row("spikelearn", "SpikingNet", "in->hid, modin->mod, (hid,mod)->out", "W (ternary)", got["W3.w"],
       W[:, post, pre], 1e-9)
xc.row("spikelearn", "SpikingNet", "in->hid, modin->mod, (hid,mod)->out", "tm (ternary)", got["W3.tm"],
       np.array(tm), 1e-9)
xc.done()
