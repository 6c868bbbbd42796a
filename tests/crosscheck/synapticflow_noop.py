#!/usr/bin/env python3
# venv: synapticflow
"""synapticflow.NoOp against examples/synapticflow_noop.snn.

The page's NoOp example itself on both sides: LIFPopulations of 3 and 1
neurons driven by [16, 0, 1] and [4] for 1000 steps, NoOp with
lr=[0.0002, 0.0003]; the weights compared after every step, with the
page's weight_decay (0: nothing moves) and with weight_decay = 1e-3.  Our
initial weights are the library's (its Connection draws them; --set
cannot set a state, so a variant of the example's text takes them from
weights = "w0.npy").  Spikes compared too (both LIFs, float32 and double).

Known difference: float32 (the library's weights; rows at 1e-6, relative
to weights below 1).  Second rows: the library in float64
(xc_synapticflow.float64()) agrees to 1e-9; so does ours with `precision = single`
(a variant of the example's text) with the float32 library.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("synapticflow")
import contextlib

import numpy as np
import torch
from xc_synapticflow import float64

STEPS = 1000


def theirs(wd, f64=False):
    with float64() if f64 else contextlib.nullcontext():
        return run_theirs(wd)


def run_theirs(wd):
    torch.manual_seed(5)
    n1 = lib.LIFPopulation(n=3, refrac_length=0)
    n2 = lib.LIFPopulation(n=1, refrac_length=0)
    c = lib.Connection(pre=n1, post=n2)
    rule = lib.NoOp(c, lr=[0.0002, 0.0003], weight_decay=wd)
    w0 = c.w.detach().numpy().astype(np.float64).copy()
    w, s1, s2 = [], [], []
    with torch.no_grad():
        for _ in range(STEPS):
            n1.forward(torch.tensor([16, 0, 1]))
            n2.forward(torch.tensor([4]))
            rule.update()
            w.append(c.w.detach().numpy().astype(np.float64).ravel().copy())
            s1.append(n1.s.numpy().copy())
            s2.append(n2.s.numpy().copy())
    return w0, np.array(w), np.array(s1), np.array(s2)


def spike_matrix(r, pop, n):
    m = np.zeros((STEPS, n), dtype=bool)
    m[np.round(r[pop + ".spikes.t"] / 1e-4).astype(int) - 1, r[pop + ".spikes.i"]] = True
    return m


def main():
    text = open(xc.example("synapticflow_noop.snn")).read()
    text = text.replace('import "synapticflow_models.snn"',
                        f'import "{xc.example("synapticflow_models.snn")}"')
    assert "NoOp(all_to_all, w = rand())" in text
    text = text.replace("NoOp(all_to_all, w = rand())", 'NoOp(weights = "w0.npy")')
    for wd in (0.0, 1e-3):
        w0, th, s1, s2 = theirs(wd)
        r = xc.run(text, files={"w0.npy": w0}, sets={"syn.wd": wd})
        ex = f"the page's example, weight_decay={wd:g}"
        xc.row("synapticflow", "NoOp", ex, "w", r["syn.w"], th, 1e-6,
               note="float32 (the library's precision)")
        w64, th64, _, _ = theirs(wd, f64=True)    # its own draws, in float64
        r64 = xc.run(text, files={"w0.npy": w64}, sets={"syn.wd": wd})
        xc.row("synapticflow", "NoOp", ex, "w, the library in float64", r64["syn.w"], th64, 1e-9)
        single = text.replace("dt = 0.1 ms", "dt = 0.1 ms\n\tprecision = single", 1)
        r32 = xc.run(single, files={"w0.npy": w0}, sets={"syn.wd": wd})
        xc.row("synapticflow", "NoOp", ex, "w, ours in single precision", r32["syn.w"], th, 1e-6)
        xc.row("synapticflow", "NoOp", ex, "spikes of n1 and n2",
               np.hstack([spike_matrix(r, "n1", 3), spike_matrix(r, "n2", 1)]), np.hstack([s1, s2]), 0)
    xc.done()


if __name__ == "__main__":
    main()
