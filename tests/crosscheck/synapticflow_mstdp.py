#!/usr/bin/env python3
# venv: synapticflow
"""synapticflow.MSTDP against examples/synapticflow_models.snn's MSTDP.

The same spike trains and the same reward per step drive both: on the
library's side, LIFPopulations whose forward() replaces the spikes, and
mstdp.update(reward=r[t]); on ours, a spikes(...) generator for the pre
neurons, relay neurons for the post ones (MSTDP transmits, post.I += q*w,
so its post must be a neuron: a generator spike one step earlier makes a
relay spike; q = 0 here) and --input reward=FILE (value t is the reward of
step t).  Weights compared after every step.

Known differences, each shown to be the only one by a second row:
- the reward of step t multiplies the eligibility of step t-1 in the
  library (learning_rules.py:339 reads self.eligibility before :348
  recomputes it); ours, as the page, the eligibility of the step.  Second
  row: ours fed the reward one step early (r[t+1] in step t) equals the
  library one step later, in every step.
- the library never clamps (MSTDP.update never calls the base update:
  w_min, w_max ignored under the hard bound); ours clamps.  Second row:
  ours with bounds at +-1e6 agrees with the library's [0, 1]; and the
  soft bound, which neither clamps, agrees.
- the library ignores weight_decay (same reason); ours decays.
- float32 (rows at 2e-5).  Second row: the library in float64 (float64()
  below) agrees to 1e-6; ours in single precision to 2e-5.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
lib = xc.need("synapticflow")
import contextlib

import numpy as np
import torch
from xc_synapticflow import float64, Replayed, spikes_text

STEPS, NPRE, NPOST = 2000, 3, 2
F32 = 2e-5
LR = 0.002


def trains(seed):
    rng = np.random.default_rng(seed)
    pre = rng.random((STEPS, NPRE)) < 0.05
    post = rng.random((STEPS, NPOST)) < 0.04
    both = rng.random(STEPS) < 0.01
    pre[both, 0] = post[both, 1] = True
    post[0] = False                # a relay cannot spike in step 0
    return pre, post


def theirs(pre, post, w0, reward, wmin, wmax, soft, wd=0.0, f64=False):
    with float64() if f64 else contextlib.nullcontext():
        return run_theirs(pre, post, w0, reward, wmin, wmax, soft, wd)


def run_theirs(pre, post, w0, reward, wmin, wmax, soft, wd):
    n1, n2 = Replayed(pre), Replayed(post)
    c = lib.Connection(pre=n1, post=n2, w=torch.tensor(w0, dtype=torch.get_default_dtype()), w_min=wmin, w_max=wmax)
    rule = lib.MSTDP(connection=c, lr=[LR, 0.0], weight_decay=wd, boundary="soft" if soft else "hard")
    out = []
    with torch.no_grad():
        for t in range(STEPS):
            n1.forward()
            n2.forward()
            rule.update(reward=float(reward[t]))
            out.append(c.w.detach().numpy().astype(np.float64).ravel().copy())
    return np.array(out)


def model(pre, post, single=False):
    return (f'import "{xc.example("synapticflow_models.snn")}"\n'
            "neuron Relay {\n\tinput I\n\tstate u = 0\n\tspike when I > 0.5\n}\n"
            "synapse Pulse {\n\ton pre {\n\t\tpost.I += 1\n\t}\n}\n"
            "network X {\n\tdt = 0.1 ms\n"
            + ("\tprecision = single\n" if single else "")
            + "\tglobal reward = 0\n"
            + spikes_text("Pre", pre) + spikes_text("Gen", post, shift=1)
            + f"\tpop Post = Relay({NPOST})\n"
            "\tconnect Gen -> Post : Pulse(one_to_one)\n"
            '\tconnect Pre -> Post : MSTDP(weights = "w0.npy", q = 0) as syn { m = reward }\n'
            "\trecord Post.spikes\n"
            f"\trecord syn.w\n\trun {STEPS * 0.1:.1f} ms\n}}\n")


def ours(pre, post, w0, reward, wmin, wmax, soft, wd=0.0, single=False):
    r = xc.run(model(pre, post, single), files={"w0.npy": w0}, inputs={"reward": reward},
               sets={"syn.lr": LR, "syn.wmin": wmin, "syn.wmax": wmax, "syn.soft": int(soft),
                     "syn.wd": wd})
    assert list(r["syn.pre"]) == [i for i in range(NPRE) for _ in range(NPOST)]
    got = np.zeros_like(post)      # the relays spike as the library's post
    got[np.round(r["Post.spikes.t"] / 1e-4).astype(int) - 1, r["Post.spikes.i"]] = True
    assert (got == post).all(), "relay spikes differ from the post train"
    return r["syn.w"]


def main():
    pre, post = trains(3)
    rng = np.random.default_rng(4)
    w0 = rng.uniform(0.3, 0.7, (NPRE, NPOST))
    reward = rng.choice([-1.0, -0.5, 0.0, 1.0, 2.0], STEPS)
    early = np.append(reward[1:], 0.0)             # r[t+1] in step t
    lag = "reward of step t times the eligibility of step t-1 (learning_rules.py:339 before :348)"
    wide = (-1e6, 1e6)
    th = theirs(pre, post, w0, reward, *wide, False)
    xc.row("synapticflow", "MSTDP", "hard, wide bounds", "w",
           ours(pre, post, w0, reward, *wide, False), th, F32, note=lag)
    o = ours(pre, post, w0, early, *wide, False)
    xc.row("synapticflow", "MSTDP", "hard, wide bounds", "w, ours with the reward one step early",
           o[:-1], th[1:], F32)
    xc.row("synapticflow", "MSTDP", "hard, wide bounds", "w, ours one step early, the library in float64",
           o[:-1], theirs(pre, post, w0, reward, *wide, False, f64=True)[1:], 1e-6)
    o32 = ours(pre, post, w0, early, *wide, False, single=True)
    xc.row("synapticflow", "MSTDP", "hard, wide bounds", "w, ours one step early, single precision",
           o32[:-1], th[1:], F32)
    # the hard bound [0, 1]: ours clamps, the library does not
    th = theirs(pre, post, w0, reward, 0.0, 1.0, False)
    o = ours(pre, post, w0, early, 0.0, 1.0, False)
    out = float(np.mean((th < 0) | (th > 1)))
    xc.row("synapticflow", "MSTDP", "hard [0, 1]", "w, ours one step early",
           o[:-1], th[1:], F32,
           note=f"the library never clamps (MSTDP skips the base update; {out:.0%} of its samples outside [0, 1])")
    xc.row("synapticflow", "MSTDP", "hard [0, 1]", "w, ours one step early, bounds +-1e6",
           ours(pre, post, w0, early, *wide, False)[:-1], th[1:], F32)
    ths = theirs(pre, post, w0, reward, 0.0, 1.0, True)
    xc.row("synapticflow", "MSTDP", "soft [0, 1]", "w, ours one step early",
           ours(pre, post, w0, early, 0.0, 1.0, True)[:-1], ths[1:], F32)
    # weight decay: the library ignores it
    thd = theirs(pre, post, w0, reward, *wide, False, wd=1e-3)
    xc.row("synapticflow", "MSTDP", "hard, wide, wd=0.001", "w, ours one step early",
           ours(pre, post, w0, early, *wide, False, wd=1e-3)[:-1], thd[1:], F32,
           note="the library ignores weight_decay (MSTDP skips the base update)")
    xc.row("synapticflow", "MSTDP", "hard, wide, wd=0.001", "w, ours one step early, wd=0",
           ours(pre, post, w0, early, *wide, False)[:-1], thd[1:], F32)
    xc.done()


if __name__ == "__main__":
    main()
