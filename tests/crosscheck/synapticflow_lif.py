#!/usr/bin/env python3
# venv: synapticflow
"""synapticflow.LIFPopulation against SFLIF (examples/synapticflow_models.snn).

One neuron per case, driven by a constant forward(x) for 1000 steps, with
the library's defaults (tau_s 10, threshold -52, rest and reset -62,
R 20, dt 0.1) and several refrac_length; spikes compared step by step,
and the potential after every step.

Known differences, each shown to be the only one by a second row:
- the refractory counter: the library freezes the steps whose float32
  counter rl - dt - dt ... is still > 0, which round-off makes one more
  than rl/dt for some rl (5 -> 51 steps, 0.5 -> 6, 2.5 -> 26); ours
  freezes round(rl/dt).  Second row: ours with rl set to the library's
  count of frozen steps times dt agrees.
- float32 potentials (rows at 1e-4 mV, potentials near -55).  Second row:
  the library in float64 agrees to 1e-9 (its refractory counter, now a
  double, still rounds: the rl of that row is its count of frozen steps).
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("synapticflow")
import contextlib

import numpy as np
import torch

STEPS = 1000
CASES = [(0.4, 0), (0.6, 0), (1, 0), (3, 0), (50, 0), (50, 1), (3, 2), (0.8, 3),
         (50, 5), (3, 5), (50, 0.5), (50, 2.5)]



@contextlib.contextmanager
def float64():
    """The library in double precision: float64 default tensors (its own
    float32 constants stay: threshold, rest, reset are exact there)."""
    old_dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(old_dtype)

def theirs(x, rl, f64=False):
    with float64() if f64 else contextlib.nullcontext():
        return run_theirs(x, rl)


def run_theirs(x, rl):
    n = lib.LIFPopulation(n=1, refrac_length=rl)
    v, s = [], []
    with torch.no_grad():
        for _ in range(STEPS):
            n.forward(torch.tensor([float(x)]))
            v.append(float(n.v[0]))
            s.append(bool(n.s[0]))
    return np.array(v), np.array(s)


def frozen_steps(rl, f64=False):
    """The steps the library holds after a spike: spike every step at x = 50."""
    if rl == 0:
        return 0
    _, s = theirs(50, rl, f64)
    k = np.nonzero(s)[0]
    return int(k[1] - k[0] - 1)


def model(cases):
    text = f'import "{xc.example("synapticflow_models.snn")}"\nnetwork L {{\n\tdt = 0.1 ms\n'
    for k, (x, rl) in enumerate(cases):
        text += f"\tpop P{k} = SFLIF(1) {{ x = {x}, rl = {rl} ms }}\n\trecord P{k}.v\n\trecord P{k}.spikes\n"
    return text + f"\trun {STEPS * 0.1:.1f} ms\n}}\n"


def spikes(r, k):
    s = np.zeros(STEPS, dtype=bool)
    s[np.round(r[f"P{k}.spikes.t"] / 1e-4).astype(int) - 1] = True
    return s


def main():
    fixed, fixed64 = [], []               # rl as the library counts it
    for x, rl in CASES:
        f, f64 = frozen_steps(rl), frozen_steps(rl, True)
        fixed.append((x, round(f * 0.1, 10)) if f != round(rl / 0.1) else (x, rl))
        fixed64.append((x, round(f64 * 0.1, 10)) if f64 != round(rl / 0.1) else (x, rl))
    r = xc.run(model(CASES))
    rf = xc.run(model(fixed))
    r64 = xc.run(model(fixed64))
    for k, (x, rl) in enumerate(CASES):
        v, s = theirs(x, rl)
        ex = f"x={x:g}, refrac_length={rl:g}"
        if fixed[k] != (x, rl):
            note = (f"refractory float32 round-off: {round(fixed[k][1] / 0.1)} frozen steps there, "
                    f"{round(rl / 0.1)} here")
            xc.row("synapticflow", "LIFPopulation", ex, "spikes", spikes(r, k), s, 0, note=note)
            xc.row("synapticflow", "LIFPopulation", ex, f"spikes, ours with rl={fixed[k][1]:g} ms",
                   spikes(rf, k), s, 0)
            xc.row("synapticflow", "LIFPopulation", ex, f"v, ours with rl={fixed[k][1]:g} ms",
                   rf[f"P{k}.v"].ravel(), v, 1e-4, note="float32 potentials")
        else:
            xc.row("synapticflow", "LIFPopulation", ex, "spikes", spikes(r, k), s, 0)
            xc.row("synapticflow", "LIFPopulation", ex, "v", r[f"P{k}.v"].ravel(), v, 1e-4,
                   note="float32 potentials")
        v64, s64 = theirs(x, rl, True)
        q = f" (ours with rl={fixed64[k][1]:g} ms)" if fixed64[k] != (x, rl) else ""
        xc.row("synapticflow", "LIFPopulation", ex, "v, the library in float64" + q,
               r64[f"P{k}.v"].ravel(), v64, 1e-9)
        xc.row("synapticflow", "LIFPopulation", ex, "spikes, the library in float64" + q,
               spikes(r64, k), s64, 0)
    xc.done()


if __name__ == "__main__":
    main()
