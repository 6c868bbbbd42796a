#!/usr/bin/env python3
# venv: spikelearn
"""spikelearn 0.1.2 OneToOneSynapse and StaticSynapse (BaseSynapse,
syn_type "inh") feeding a SpikingLayer inside a SpikingNet, beside
examples/spikelearn_onetoone.snn: the same input spike trains and weights;
the layer's spikes and v compared step by step.

Time stamping: the library's input of step k is the generator's spike of
step k-1 here (a layer reads in step n+1 what was sent in step n), so the
layer's step k is the simulation step k on both sides, and the input of the
library's step 0 is empty.  Known differences: none (the layer is
spikelearn's own update in the neuron's on tick, v included).
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("spikelearn")
import numpy as np
from xc_spikelearn import models, spikes_arg

N, K, TAU = 8, 400, 4


rng = np.random.default_rng(5)
xe = (rng.random((K, N)) < 0.3).astype(float)
xi = (rng.random((K, N)) < 0.1).astype(float)
xe[0] = xi[0] = 0
w121 = 1 + 0.25 * np.arange(N)

model = models("spikelearn_onetoone.snn") + f"""
network XC {{
	dt = 1 ms
	pop In  = {spikes_arg(xe, -1)}
	pop Inh = {spikes_arg(xi, -1)}
	pop L   = SpikingLayer({N}) {{ tau = {TAU} }}
	connect In -> L : StaticSynapse(one_to_one, w = 1 + 0.25 * pre.i) as o2o
	connect Inh -> L : StaticSynapse(w = 0.1, sign = -1) as inh
	record L.spikes
	record L.v
	run {K} ms
}}
"""
got = xc.run(model)
s_ours = np.zeros((K, N))
s_ours[np.rint(got["L.spikes.t"] * 1e3).astype(int) - 1, got["L.spikes.i"]] = 1

net = lib.SpikingNet()
net.add_input("in")
net.add_input("inh")
L = lib.SpikingLayer(N, TAU)
net.add_layer(L, "L")
net.add_synapse("L", lib.OneToOneSynapse(N, w121.copy()), "in")
net.add_synapse("L", lib.StaticSynapse(N, N, 0.1 * np.ones((N, N)), syn_type="inh"), "inh")
net.add_output("L")
s_lib, v_lib = [], []
for k in range(K):
    s_lib.append(net(xe[k], xi[k])[0].copy())
    v_lib.append(L.v.copy())
s_lib, v_lib = np.array(s_lib), np.array(v_lib)
assert s_lib.sum() > 20 and s_lib.sum() < K * N / 3, s_lib.sum()

xc.row("spikelearn", "OneToOneSynapse+StaticSynapse(inh)", "layer L", "spikes", s_ours, s_lib, 0)
xc.row("spikelearn", "OneToOneSynapse+StaticSynapse(inh)", "layer L", "v", got["L.v"], v_lib, 1e-9)
xc.done()
