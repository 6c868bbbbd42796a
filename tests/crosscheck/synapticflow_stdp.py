#!/usr/bin/env python3
# venv: synapticflow
"""synapticflow.STDP against examples/synapticflow_models.snn's STDP.

The same spike trains drive both: on the library's side, LIFPopulations
whose forward() replaces the spikes and keeps the library's own trace
update (NeuralPopulation.forward: decay, then the spike; the notes §1.1:
InputPopulation's traces are garbage); on ours, spikes(...) generators.
Same initial weights (ours from weights = "w0.npy"), same parameters;
weights compared after every step.

Known differences, each shown to be the only one by a second row:
- the dw-replaces bug: STDP.update assigns dw twice (learning_rules.py:183),
  so with lr[1] != 0 the LTD term is dropped.  Second row: ours with
  lr_ltd = 0 agrees; and the library with lr = [a, 0] (pure LTD, no bug)
  agrees with ours with lr_ltp = 0.
- float32: the library computes in float32 (rows at 2e-5).  Second row:
  the library in float64 (xc_synapticflow.float64()) agrees to 1e-6; so does ours
  with `precision = single`.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("synapticflow")
import contextlib

import numpy as np
import torch
from xc_synapticflow import float64, Replayed, spikes_text

STEPS, NPRE, NPOST = 2000, 3, 2
F32 = 2e-5          # float32 weights of order 1 after 2000 steps


def trains(seed):
    rng = np.random.default_rng(seed)
    pre = rng.random((STEPS, NPRE)) < 0.05
    post = rng.random((STEPS, NPOST)) < 0.04
    both = rng.random(STEPS) < 0.01              # some coincident pre and post spikes
    pre[both, 0] = post[both, 1] = True
    return pre, post


def theirs(pre, post, w0, lr, wd, soft, additive, f64=False):
    with float64() if f64 else contextlib.nullcontext():
        return run_theirs(pre, post, w0, lr, wd, soft, additive)


def run_theirs(pre, post, w0, lr, wd, soft, additive):
    n1 = Replayed(pre, additive_spike_trace=additive)
    n2 = Replayed(post, additive_spike_trace=additive)
    c = lib.Connection(pre=n1, post=n2, w=torch.tensor(w0, dtype=torch.get_default_dtype()))
    rule = lib.STDP(connection=c, lr=lr, weight_decay=wd, boundary="soft" if soft else "hard")
    out = []
    with torch.no_grad():
        for _ in range(STEPS):
            n1.forward()
            n2.forward()
            rule.update()
            out.append(c.w.detach().numpy().astype(np.float64).ravel().copy())
    return np.array(out)


def model(pre, post, single=False):
    return (f'import "{xc.example("synapticflow_models.snn")}"\n'
            "network X {\n\tdt = 0.1 ms\n"
            + ("\tprecision = single\n" if single else "")
            + spikes_text("Pre", pre) + spikes_text("Post", post)
            + '\tconnect Pre -> Post : STDP(weights = "w0.npy") as syn\n'
            f"\trecord syn.w\n\trun {STEPS * 0.1:.1f} ms\n}}\n")


def ours(pre, post, w0, lr, wd, soft, additive, single=False):
    r = xc.run(model(pre, post, single), files={"w0.npy": w0},
               sets={"syn.lr_ltd": lr[0], "syn.lr_ltp": lr[1], "syn.wd": wd,
                     "syn.soft": int(soft), "syn.additive": int(additive)})
    # columns: synapses by pre, then post: the library's w[pre, post].ravel()
    assert list(r["syn.pre"]) == [i for i in range(NPRE) for _ in range(NPOST)]
    return r["syn.w"]


def main():
    pre, post = trains(1)
    w0 = np.random.default_rng(2).uniform(0.2, 0.8, (NPRE, NPOST))
    lr = [0.02, 0.03]
    bug = "the dw-replaces bug (learning_rules.py:183): LTD dropped when lr[1] != 0"
    for soft in (False, True):
        for wd in (0.0, 1e-3):
            for additive in (False, True):
                ex = f"{'soft' if soft else 'hard'}, wd={wd:g}, {'additive' if additive else 'nearest'}"
                th = theirs(pre, post, w0, lr, wd, soft, additive)
                xc.row("synapticflow", "STDP", ex, "w, lr=[0.02, 0.03]",
                       ours(pre, post, w0, lr, wd, soft, additive), th, F32, note=bug)
                xc.row("synapticflow", "STDP", ex, "w, ours with lr_ltd=0",
                       ours(pre, post, w0, [0, lr[1]], wd, soft, additive), th, F32)
                ltd = [lr[0], 0.0]
                xc.row("synapticflow", "STDP", ex, "w, lr=[0.02, 0] (LTD alone)",
                       ours(pre, post, w0, ltd, wd, soft, additive),
                       theirs(pre, post, w0, ltd, wd, soft, additive), F32)
    # float32: the same comparison against the library in float64, and with
    # ours in single precision
    ex = "hard, wd=0.001, nearest"
    th = theirs(pre, post, w0, lr, 1e-3, False, False)
    o = ours(pre, post, w0, [0, lr[1]], 1e-3, False, False)
    xc.row("synapticflow", "STDP", ex, "w, ours with lr_ltd=0", o, th, 1e-6,
           note="float32 (the library's precision)")
    xc.row("synapticflow", "STDP", ex, "w, ours with lr_ltd=0, the library in float64",
           o, theirs(pre, post, w0, lr, 1e-3, False, False, f64=True), 1e-6)
    xc.row("synapticflow", "STDP", ex, "w, ours with lr_ltd=0, single precision",
           ours(pre, post, w0, [0, lr[1]], 1e-3, False, False, single=True), th, 1e-6)
    xc.done()


if __name__ == "__main__":
    main()
