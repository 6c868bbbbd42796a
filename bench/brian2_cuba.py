#!/usr/bin/env python3
"""CUBA (Vogels & Abbott 2005) in Brian2 cpp_standalone, for bench/run.sh.

    python brian2_cuba.py N [double|single]

Same model as examples/cuba.snn, scaled: N neurons, the first 80% excitatory,
connection probability p = 80/N (80 inputs per neuron on average), method
'exact', refractory 5 ms, dt 0.1 ms, 1 s.  Prints one JSON line:

    {"N": N, "precision": ..., "loop": s, "total": s, "spikes": n}

loop is the simulation loop as Brian2's standalone main reports it
(device._last_run_time); total runs from the start of this script (after
interpreter start-up) to the spikes being available in Python, and includes
code generation and the C++ compilation.  bench/run.sh times the whole
process from outside as well.
"""
import time

T0 = time.time()

import json
import os
import sys
import tempfile

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, defaultclock, device,
                    mV, ms, prefs, run, second, set_device)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    precision = sys.argv[2] if len(sys.argv) > 2 else "double"
    if precision not in ("double", "single"):
        sys.exit("precision must be double or single")
    workdir = tempfile.mkdtemp(prefix="brian2_cuba_")
    set_device("cpp_standalone", directory=workdir, build_on_run=True)
    if precision == "single":
        import numpy
        prefs.core.default_float_dtype = numpy.float32
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
    Ce = Synapses(P, P, on_pre="ge += we")
    Ci = Synapses(P, P, on_pre="gi += wi")
    Ce.connect("i<ne", p=p)
    Ci.connect("i>=ne", p=p)
    mon = SpikeMonitor(P)
    run(1 * second)
    spikes = int(mon.num_spikes)
    total = time.time() - T0
    loop = getattr(device, "_last_run_time", None)
    print(json.dumps({"N": n, "precision": precision, "loop": loop,
                      "total": total, "spikes": spikes,
                      "rate": spikes / n / 1.0}))


if __name__ == "__main__":
    main()
