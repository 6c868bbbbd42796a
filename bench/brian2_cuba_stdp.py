#!/usr/bin/env python3
"""CUBA with pair STDP on its excitatory synapses in Brian2 cpp_standalone,
for bench/plasticity.sh.

    python brian2_cuba_stdp.py N

Same model as examples/cuba_stdp.snn scaled as bench/brian2_cuba.py scales
CUBA (N neurons, the first 80% excitatory, p = 80/N, method 'exact',
refractory 5 ms, dt 0.1 ms, 1 s), with the excitatory synapses of
examples/cuba_stdp.snn: w starting at we, event-driven traces (taupre =
taupost = 20 ms), dApre = 0.01 wmax, dApost = -1.05 dApre, w clipped to
[0, wmax = 2 we].  Prints one JSON line:

    {"N": N, "loop": s, "total": s, "spikes": n, "exc_spikes": n, "exc_syn": n}

loop is device._last_run_time; spikes counts every neuron's spikes,
exc_spikes those of the excitatory ones; exc_syn is the number of plastic
synapses (for the synaptic events per second of the bench).
"""
import time

T0 = time.time()

import json
import sys
import tempfile

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, defaultclock, device,
                    mV, ms, run, second, set_device)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix="brian2_cstdp_"),
               build_on_run=True)
    defaultclock.dt = 0.1 * ms

    ne = int(0.8 * n)
    p = 80.0 / n
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr",
                    refractory=5 * ms, method="exact")
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * mV
    P.gi = 0 * mV
    we = (60 * 0.27 / 10) * mV
    wi = (-20 * 4.5 / 10) * mV
    wmax = 2 * we
    taupre = taupost = 20 * ms
    dApre = 0.01 * wmax
    dApost = -1.05 * dApre * taupre / taupost
    Ce = Synapses(P, P,
                  """w : volt
                     dApre/dt = -Apre / taupre : volt (event-driven)
                     dApost/dt = -Apost / taupost : volt (event-driven)""",
                  on_pre="""ge += w
                         Apre += dApre
                         w = clip(w + Apost, 0*mV, wmax)""",
                  on_post="""Apost += dApost
                          w = clip(w + Apre, 0*mV, wmax)""")
    Ci = Synapses(P, P, on_pre="gi += wi")
    Ce.connect("i<ne", p=p)
    Ci.connect("i>=ne", p=p)
    Ce.w = "we"
    mon = SpikeMonitor(P)
    run(1 * second)
    i = mon.i[:]
    print(json.dumps({"N": n, "loop": getattr(device, "_last_run_time", None),
                      "total": time.time() - T0, "spikes": int(len(i)),
                      "exc_spikes": int((i < ne).sum()), "exc_syn": int(len(Ce))}))


if __name__ == "__main__":
    main()
