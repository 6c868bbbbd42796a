#!/usr/bin/env python3
# venv: spikelearn
"""spikelearn 0.1.2 BaseSynapse with a LowPass transform (delay False and
True, excitatory and syn_type "inh") feeding a SpikingLayer in a
SpikingNet, beside examples/spikelearn_transform.snn: the same input spike
trains and weights; the layer's spikes and v and the transform's value
compared step by step.

Time stamping: the library's input of step k is the generator's spike of
step k-1 here; the layer's step k is the simulation step k.  Known
differences: none.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("spikelearn")
from spikelearn.transforms import LowPass
import numpy as np
from xc_spikelearn import models, spikes_arg

NE, NI, NO, K, TAU, TLP = 10, 5, 4, 400, 5, 3


def compare(delay, rng):
    xe = (rng.random((K, NE)) < 0.25).astype(float)
    xi = (rng.random((K, NI)) < 0.2).astype(float)
    xe[0] = xi[0] = 0
    We = 0.5 + 0.5 * rng.random((NO, NE))
    Wi = 0.3 * rng.random((NO, NI))
    got = xc.run(models("spikelearn_transform.snn") + f"""
network XC {{
	dt = 1 ms
	pop In  = {spikes_arg(xe, -1)}
	pop Inh = {spikes_arg(xi, -1)}
	pop Out = SpikingLayer({NO}) {{ tau = {TAU} }}
	connect In -> Out : LowPassSynapse(weights = "we.npy", tau = {TLP}, delayed = {delay}) as exc
	connect Inh -> Out : LowPassSynapse(weights = "wi.npy", tau = {TLP}, delayed = {delay}, sign = -1) as inh
	record Out.spikes
	record Out.v
	record exc.value
	run {K} ms
}}
""", files={"we.npy": We.T.copy(), "wi.npy": Wi.T.copy()})
    net = lib.SpikingNet()
    net.add_input("in")
    net.add_input("inh")
    out = lib.SpikingLayer(NO, TAU)
    net.add_layer(out, "out")
    lp = LowPass(NE, TLP, delay=bool(delay))
    net.add_synapse("out", lib.BaseSynapse(NE, NO, We.copy(), transform=lp), "in")
    net.add_synapse("out", lib.BaseSynapse(NI, NO, Wi.copy(), transform=LowPass(NI, TLP, delay=bool(delay)),
                                           syn_type="inh"), "inh")
    net.add_output("out")
    s, v, val = [], [], []
    for k in range(K):
        s.append(net(xe[k], xi[k])[0].copy())
        v.append(out.v.copy())
        val.append(lp.value.copy())
    s = np.array(s)
    assert 20 < s.sum() < K * NO / 2, s.sum()
    ours = np.zeros((K, NO))
    ours[np.rint(got["Out.spikes.t"] * 1e3).astype(int) - 1, got["Out.spikes.i"]] = 1
    ex = f"LowPass(tau={TLP}, delay={bool(delay)}) exc+inh"
    xc.row("spikelearn", "BaseSynapse+LowPass", ex, "out spikes", ours, s, 0)
    xc.row("spikelearn", "BaseSynapse+LowPass", ex, "out v", got["Out.v"], np.array(v), 1e-9)
    xc.row("spikelearn", "BaseSynapse+LowPass", ex, "value", got["exc.value"], np.array(val), 1e-9)


rng = np.random.default_rng(10)
compare(0, rng)
compare(1, rng)
xc.done()
