#!/usr/bin/env python3
"""Song, Miller & Abbott 2000 in Brian2 cpp_standalone, for bench/plasticity.sh.

    python brian2_song2000.py [SECONDS]

Brian2's own example (examples/synapses/STDP.py, as in
examples/standalone/STDP_standalone.py), adapted for the bench: the same
model and parameters as examples/song2000.snn (1000 Poisson inputs at 15 Hz,
one conductance-based LIF neuron under 'euler', event-driven pre and post
traces, w clipped to [0, gmax], dt 0.1 ms, 100 s by default).  What is
recorded is what the .snn records (the output's spikes, the weights at the
end) instead of the example's StateMonitor of two weights at every step and
SpikeMonitor of the inputs.  Prints one JSON line:

    {"loop": s, "total": s, "rate": Hz, "below": f, "above": f}

loop is device._last_run_time (the simulation loop only); total runs from
the start of this script to the results being in Python; below/above: the
fractions of weights under 0.1 gmax and over 0.9 gmax at the end.
"""
import time

T0 = time.time()

import json
import sys
import tempfile

from brian2 import (Hz, NeuronGroup, PoissonGroup, SpikeMonitor, Synapses,
                    defaultclock, device, ms, mV, run, second, set_device)


def main():
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 100.0
    set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix="brian2_song_"),
               build_on_run=True)
    defaultclock.dt = 0.1 * ms

    N = 1000
    taum = 10*ms
    taupre = 20*ms
    taupost = taupre
    Ee = 0*mV
    vt = -54*mV
    vr = -60*mV
    El = -74*mV
    taue = 5*ms
    F = 15*Hz
    gmax = .01
    dApre = .01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax

    eqs_neurons = '''
    dv/dt = (ge * (Ee-v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1
    '''
    poisson_input = PoissonGroup(N, rates=F)
    neurons = NeuronGroup(1, eqs_neurons, threshold='v>vt', reset='v = vr',
                          method='euler')
    S = Synapses(poisson_input, neurons,
                 '''w : 1
                    dApre/dt = -Apre / taupre : 1 (event-driven)
                    dApost/dt = -Apost / taupost : 1 (event-driven)''',
                 on_pre='''ge += w
                        Apre += dApre
                        w = clip(w + Apost, 0, gmax)''',
                 on_post='''Apost += dApost
                         w = clip(w + Apre, 0, gmax)''',
                 )
    S.connect()
    S.w = 'rand() * gmax'
    out = SpikeMonitor(neurons)
    run(duration * second)
    w = S.w[:] / gmax
    print(json.dumps({"loop": getattr(device, "_last_run_time", None),
                      "total": time.time() - T0,
                      "rate": int(out.num_spikes) / duration,
                      "below": float((w < 0.1).mean()),
                      "above": float((w > 0.9).mean())}))


if __name__ == "__main__":
    main()
