#!/usr/bin/env python3
# venv: inferno
"""inferno-ai 0.0.5 DelayAdjustedMSTDPD against examples/inferno_mstdpd.snn.

The library's trainer is driven as its docs say: a Serial layer of a
LinearDense connection (learned delays, max delay given) and a neuron whose
spikes are given (the teacher-forced post side), connection.updater =
defaultupdater(), per step layer(x), trainer(M, gamma), connection.update().
The .snn gets the same presynaptic spike trains from a spikes() generator and
the same postsynaptic spikes from a neuron that a teacher fires, and the same
parameters.  Delay trajectories are compared step by step, in ms, to float32
precision.

Known differences, each named in its row and shown to be the only one by a
second row with it removed:
- time stamping (not a difference of values): the library's update of step k
  sees the spikes of step k (it runs after the layer's step); an snnc rule
  runs in phase 2, before the thresholds, and sees them in step k+1.  Every
  row compares our step k+1 with their step k.
- clipping: a learned delay is kept in [0, max_delay] here (LANGUAGE.md §3);
  inferno 0.0.5 never clamps (connections/mixins.py:140), its delays run
  below 0 and past the maximum.  Second rows: a larger max_delay on our
  side, or the library's delays clamped by the driver after each update.
- interp_tolerance: stored by the library, never read by forward(); ours
  snaps a delay within tol of a whole number of steps to it.  Second row:
  ours with tol = 0 against the same library run.
- ceil vs round: inferno delivers a spike ceil(d/dt) steps later
  (interp "previous"), snnc round(d/dt) = floor(d/dt + 0.5) steps.  Second
  row: our delays raised by dt/2 - 1e-6 ms, so that round gives their ceil.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
inferno = xc.need("inferno")

import numpy as np
import torch
from inferno.neural import LinearDense, DeltaCurrent, Serial
from inferno.neural.base import InfernoNeuron
from inferno.learn import DelayAdjustedMSTDPD

LIB, CLS = "inferno-ai 0.0.5", "DelayAdjustedMSTDPD"
DT = 0.1                    # ms, both sides
STEPS = 2000
NPRE, NPOST = 3, 2
RULE = xc.example("inferno_mstdpd.snn")


class Forced(InfernoNeuron):
    """A neuron whose spikes are given: row k is its output of step k."""

    def __init__(self, n, dt, rows):
        InfernoNeuron.__init__(self, n, 1)
        self._dt = dt
        self.rows = torch.as_tensor(rows, dtype=torch.bool)
        self.k = 0
        self._spike = torch.zeros(1, n, dtype=torch.bool)

    @property
    def dt(self):
        return self._dt

    @dt.setter
    def dt(self, v):
        self._dt = v

    @property
    def voltage(self):
        return torch.zeros(self._spike.shape)

    @property
    def refrac(self):
        return torch.zeros(self._spike.shape)

    @property
    def spike(self):
        return self._spike

    def clear(self, **kwargs):
        pass

    def forward(self, inputs, **kwargs):
        self._spike = self.rows[self.k].view(1, -1)
        self.k += 1
        return self._spike


def trains(seed):
    """Presynaptic [STEPS, NPRE] and postsynaptic [STEPS, NPOST] spikes,
    a few per 20 ms, none in step 0 (a post spike needs its teacher's step
    before it)."""
    g = np.random.default_rng(seed)
    pre = g.random((STEPS, NPRE)) < 0.006
    post = g.random((STEPS, NPOST)) < 0.004
    pre[0] = post[0] = False
    return pre, post


def d0_ms(o, i):
    return 2.03 + 1.51 * i + 0.73 * o


def theirs(pre, post, eta_neg, eta_pos, tc_neg=10.0, tc_pos=10.0, gamma=1.0, M=1.0,
           tol=0.0, max_delay=50.0, clamp=False, d0=d0_ms):
    """The library's delays [STEPS, NPOST, NPRE] (ms) after each step, and
    what each synapse delivered in each step [STEPS, NPOST, NPRE]."""
    conn = LinearDense(NPRE, NPOST, DT,
                       synapse=DeltaCurrent.partialconstructor(spike_charge=DT),
                       delay=max_delay,
                       weight_init=lambda x: torch.ones_like(x),
                       delay_init=lambda x: torch.tensor(
                           [[d0(o, i) for i in range(NPRE)] for o in range(NPOST)],
                           dtype=x.dtype))
    layer = Serial(conn, Forced(NPOST, DT, post))
    conn.updater = conn.defaultupdater()
    tr = DelayAdjustedMSTDPD(lr_neg=eta_neg, lr_pos=eta_pos, tc_neg=tc_neg, tc_pos=tc_pos,
                             interp_tolerance=tol)
    tr.register_cell("cell", layer.cell)
    tr.train()
    x = torch.as_tensor(pre, dtype=torch.float32)
    ds, got = np.zeros((STEPS, NPOST, NPRE)), np.zeros((STEPS, NPOST, NPRE))
    Ms = np.broadcast_to(np.asarray(M, dtype=np.float64), (STEPS,))
    with torch.no_grad():
        for k in range(STEPS):
            layer(x[k:k + 1])
            # delivered this step, at the delays of this step (B I O)
            got[k] = conn.syncurrent[0].T.numpy() * DT / DT
            tr(float(Ms[k]), gamma)
            conn.update()
            if clamp:
                conn.delay.clamp_(0.0, max_delay)
            ds[k] = conn.delay.numpy()
    return ds, got


MODEL = """
import "{rule}"
neuron Forced {{
	input go
	state v : V = 0 V
	spike when go > 0.5
}}
synapse Go {{
	on pre {{ post.go += 1 }}
}}
network XC {{
	dt = 0.1 ms
	pop A = spikes({npre}, times = [{pre_t}], index = [{pre_i}])
	pop Teach = spikes({npost}, times = [{teach_t}], index = [{teach_i}])
	pop B = Forced({npost})
	connect Teach -> B : Go(one_to_one)
	connect A -> B : DelayAdjustedMSTDPD(max_delay = {max_delay} ms, delay = {d0}) as syn
	record syn.delay
	record syn.arrivals
	record B.spikes
	run {run_ms} ms
}}
"""


def spike_list(rows, shift):
    """times (ms) and indices of a spikes() generator firing rows[k] in
    step k + shift (stamp (k + shift + 1) dt)."""
    k, i = np.nonzero(rows)
    return (", ".join(f"{(s + shift + 1) * DT:.1f} ms" for s in k),
            ", ".join(str(j) for j in i))


def ours(pre, post, sets, max_delay=50.0, d0="2.03 ms + 1.51 ms * pre.i + 0.73 ms * post.i"):
    """Our delays [STEPS, NPOST, NPRE] (ms), deliveries per step, and the
    post spikes we got (to check they are the ones given)."""
    pt, pi = spike_list(pre, 0)
    tt, ti = spike_list(post, -1)      # the teacher fires the step before
    text = MODEL.format(rule=RULE, npre=NPRE, npost=NPOST, pre_t=pt, pre_i=pi,
                        teach_t=tt, teach_i=ti, max_delay=max_delay, d0=d0, run_ms=f"{STEPS * DT:.1f}")
    r = xc.run(text, sets={f"syn.{k}": v for k, v in sets.items()})
    ip, io = r["syn.pre"], r["syn.post"]
    d = np.zeros((STEPS, NPOST, NPRE))
    n = np.zeros((STEPS, NPOST, NPRE))
    d[:, io, ip] = r["syn.delay"] * 1e3
    n[:, io, ip] = r["syn.arrivals"]
    got = np.diff(n, axis=0, prepend=0)
    b = np.zeros((STEPS, NPOST), bool)
    b[np.rint(r["B.spikes.t"] / (DT * 1e-3)).astype(int) - 1, r["B.spikes.i"]] = True
    assert (b == post).all(), "our post spikes are not the ones given"
    return d, got


def ms(x):
    return f"{x!r} ms"


def shifted(a, b):
    """Our step k+1 beside their step k (see the docstring: time stamping)."""
    return a[1:].reshape(STEPS - 1, -1), b[:-1].reshape(STEPS - 1, -1)


def tol_of(b):
    """float32: 1e-5 relative to the largest delay of the trajectory."""
    return 1e-5 * max(1.0, float(np.max(np.abs(b))))


MODES = {        # eta-, eta+ (ms per step)
    "hebbian": (-0.002, 0.002),
    "anti_hebbian": (0.002, -0.002),
    "potentiative_only": (-0.0005, -0.0005),
    "depressive_only": (0.0005, 0.0005),
}


def mode_rows(pre, post):
    for name, (en, ep) in MODES.items():
        for M in (1.0, -0.5):
            b, _ = theirs(pre, post, en, ep, M=M, gamma=0.8)
            a, _ = ours(pre, post, dict(eta_neg=ms(en), eta_pos=ms(ep), M=M, gamma=0.8))
            assert b.min() > 0 and b.max() < 50, f"{name}: left [0, 50 ms]: pick smaller rates"
            xc.row(LIB, CLS, f"{name} M={M:g} gamma=0.8", "delay (ms)", *shifted(a, b), tol_of(b))


def clip_rows(pre, post):
    en, ep = 0.02, 0.02            # depressive only: every delay grows
    b, _ = theirs(pre, post, en, ep, max_delay=8.0)
    a, _ = ours(pre, post, dict(eta_neg=ms(en), eta_pos=ms(ep)), max_delay=8.0)
    xc.row(LIB, CLS, "depressive_only max_delay=8ms", "delay (ms)", *shifted(a, b), tol_of(b),
           "clipping: ours stays <= max_delay, inferno's runs past it (no clamp)")
    a2, _ = ours(pre, post, dict(eta_neg=ms(en), eta_pos=ms(ep)), max_delay=1000.0)
    xc.row(LIB, CLS, "depressive_only max_delay=8ms, ours 1000ms", "delay (ms)",
           *shifted(a2, b), tol_of(b))
    en, ep = -0.02, -0.02          # potentiative only: every delay shrinks to 0
    b, _ = theirs(pre, post, en, ep)
    a, _ = ours(pre, post, dict(eta_neg=ms(en), eta_pos=ms(ep)))
    xc.row(LIB, CLS, "potentiative_only", "delay (ms)", *shifted(a, b), tol_of(b),
           "clipping: ours stays >= 0, inferno's goes negative (no clamp)")
    b2, _ = theirs(pre, post, en, ep, clamp=True)
    xc.row(LIB, CLS, "potentiative_only, theirs clamped", "delay (ms)", *shifted(a, b2), tol_of(b2))


def tolerance_rows(pre, post):
    en, ep, tol = 0.002, -0.002, DT / 2
    b, _ = theirs(pre, post, en, ep, tol=tol)
    a, _ = ours(pre, post, dict(eta_neg=ms(en), eta_pos=ms(ep), tol=ms(tol)))
    xc.row(LIB, CLS, "anti_hebbian interp_tolerance=dt/2", "delay (ms)", *shifted(a, b), tol_of(b),
           "interp_tolerance: inferno stores it, never reads it; ours snaps the delay to the step")
    a2, _ = ours(pre, post, dict(eta_neg=ms(en), eta_pos=ms(ep), tol=ms(0.0)))
    xc.row(LIB, CLS, "anti_hebbian interp_tolerance=dt/2, ours 0", "delay (ms)",
           *shifted(a2, b), tol_of(b))


def delivery_rows(pre, post):
    """Fixed delays (no learning) off the step grid: when each spike lands."""
    d0 = lambda o, i: 1.04 + 0.37 * i + 0.51 * o
    b, gb = theirs(pre, post, 0.0, 0.0, d0=d0)
    a, ga = ours(pre, post, dict(eta_neg=ms(0.0), eta_pos=ms(0.0)),
                 d0="1.04 ms + 0.37 ms * pre.i + 0.51 ms * post.i")
    ga, gb = ga.reshape(STEPS, -1), gb.reshape(STEPS, -1)
    xc.row(LIB, CLS, "fixed delays 1.04..2.29 ms", "spikes delivered per step", ga, gb, 0,
           "ceil vs round: inferno delivers ceil(d/dt) steps later, snnc round(d/dt)")
    a2, ga2 = ours(pre, post, dict(eta_neg=ms(0.0), eta_pos=ms(0.0)),
                   d0="1.04 ms + 0.37 ms * pre.i + 0.51 ms * post.i + 0.05 ms - 1e-6 ms")
    xc.row(LIB, CLS, "fixed delays, ours + dt/2 - 1e-6 ms", "spikes delivered per step",
           ga2.reshape(STEPS, -1), gb, 0)


def main():
    pre, post = trains(1)
    mode_rows(pre, post)
    clip_rows(pre, post)
    tolerance_rows(pre, post)
    delivery_rows(pre, post)
    xc.done()


if __name__ == "__main__":
    main()
