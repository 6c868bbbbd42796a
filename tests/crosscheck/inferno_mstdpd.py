#!/usr/bin/env python3
# venv: inferno
"""inferno-ai 0.0.5 DelayAdjustedMSTDPD against examples/inferno_mstdpd.snn.

The library's trainer is driven as its docs say: a Serial layer of a
LinearDense connection (learned delays, a maximum delay given) and a neuron
whose spikes are given (the teacher-forced post side), connection.updater =
defaultupdater(), register_cell, then per step layer(x), trainer(M, gamma),
connection.update().  The .snn gets the same presynaptic spike trains from a
spikes() generator, the same postsynaptic spikes from a neuron that a
teacher fires, and the same parameters.  Delay trajectories (ms) are
compared step by step: against the library run in float64 (its own code
with torch's default dtype set to float64) to 1e-9 ms, and in float32 (its
default) to STEPS/2 ulps of the largest delay (the worst-case rounding of
its float32 additions; 4.8e-4 ms at 6 ms).  The rows of docs/crosscheck/inferno.md.

Known differences, each named in the note of its row and shown to be the
only one by a second row with it removed:
- time stamping (no difference of values): the library's update of step k
  sees the spikes of step k (it runs after the layer's step); an snnc rule
  runs in phase 2, before the thresholds, and sees them in step k+1.  Every
  row compares our step k+1 with their step k.
- trace_mode: the library refuses it (TypeError) and computes the nearest
  form; ours defaults to the page's cumulative.  Second row: cumulative=0.
- clipping: a learned delay is kept in [0, max_delay] here (LANGUAGE.md §3);
  inferno 0.0.5 never clamps (connections/mixins.py:140).  Second rows: a
  larger max_delay on our side, or the library's delays clamped after each
  of its updates.
- interp_tolerance: stored by the library, never read by forward(); ours
  snaps a delay within tol of a whole number of steps to it.  Second row:
  ours with tol = 0 against the same library run.
- ceil vs round: inferno delivers a spike ceil(d/dt) steps later (interp
  "previous"), snnc round(d/dt) = floor(d/dt + 0.5).  Second row: our
  delays raised by dt/2 - 1e-6 ms, so that round gives their ceil.
- spikes in flight: inferno reads the input history at each step's current
  delay (a spike can arrive twice or never while its delay changes), snnc
  keeps the delay a spike left with.  Second rows: each side's deliveries
  recomputed from its own delays by its own rule.
"""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
inferno = xc.need("inferno")

import math
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
F64 = 1e-9                  # ms: the library in float64


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
    """Presynaptic [STEPS, NPRE] and postsynaptic [STEPS, NPOST] spikes, a
    few per 20 ms, none in step 0 (a post spike needs its teacher's step
    before it)."""
    g = np.random.default_rng(seed)
    pre = g.random((STEPS, NPRE)) < 0.006
    post = g.random((STEPS, NPOST)) < 0.004
    pre[0] = post[0] = False
    return pre, post


# initial delays (ms), off the step grid so that no pair starts at tD = 0
D0 = (2.03, 1.51, 0.73)
D0_TEXT = "2.03 ms + 1.51 ms * pre.i + 0.73 ms * post.i"


def d0_ms(o, i, base=D0):
    return base[0] + base[1] * i + base[2] * o


_memo = {}


def theirs(pre, post, eta_neg, eta_pos, tc_neg=10.0, tc_pos=7.0, gamma=1.0, M=1.0,
           tol=0.0, max_delay=50.0, clamp=False, d0=D0, dtype=torch.float64):
    """The library's delays [steps, post, pre] (ms) after each step, and
    what each synapse delivered in each step.  M: a float, or one per step."""
    key = (pre.tobytes(), post.tobytes(), eta_neg, eta_pos, tc_neg, tc_pos, gamma,
           np.asarray(M).tobytes(), tol, max_delay, clamp, d0, dtype)
    if key in _memo:
        return _memo[key]
    torch.set_default_dtype(dtype)
    steps, npre, npost = len(pre), pre.shape[1], post.shape[1]
    conn = LinearDense(npre, npost, DT,
                       synapse=DeltaCurrent.partialconstructor(spike_charge=DT),
                       delay=max_delay,
                       weight_init=lambda x: torch.ones_like(x),
                       delay_init=lambda x: torch.tensor(
                           [[d0_ms(o, i, d0) for i in range(npre)] for o in range(npost)],
                           dtype=x.dtype))
    layer = Serial(conn, Forced(npost, DT, post))
    conn.updater = conn.defaultupdater()
    tr = DelayAdjustedMSTDPD(lr_neg=eta_neg, lr_pos=eta_pos, tc_neg=tc_neg, tc_pos=tc_pos,
                             interp_tolerance=tol)
    tr.register_cell("cell", layer.cell)
    tr.train()
    x = torch.as_tensor(pre, dtype=dtype)
    ds, got = np.zeros((steps, npost, npre)), np.zeros((steps, npost, npre))
    Ms = np.broadcast_to(np.asarray(M, dtype=np.float64), (steps,))
    with torch.no_grad():
        for k in range(steps):
            layer(x[k:k + 1])
            # delivered this step, at this step's delays (B I O; Q/dt = 1)
            got[k] = conn.syncurrent[0].T.numpy()
            tr(float(Ms[k]), gamma)
            conn.update()
            if clamp:
                conn.delay.clamp_(0.0, max_delay)
            ds[k] = conn.delay.numpy()
    torch.set_default_dtype(torch.float32)
    _memo[key] = ds, got
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
	global reward = 1
	pop A = spikes({npre}, times = [{pre_t}], index = [{pre_i}])
	pop Teach = spikes({npost}, times = [{teach_t}], index = [{teach_i}])
	pop B = Forced({npost})
	connect Teach -> B : Go(one_to_one)
	connect A -> B : DelayAdjustedMSTDPD(max_delay = {max_delay} ms, delay = {d0}) as syn {{ M = reward }}
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


def ours(pre, post, eta_neg, eta_pos, tc_neg=10.0, tc_pos=7.0, gamma=1.0, M=1.0, tol=0.0,
         cumulative=0, max_delay=50.0, d0=D0_TEXT):
    """Our delays [STEPS, NPOST, NPRE] (ms) and deliveries per step.  M: a
    float (--set reward), or one per step (--input reward)."""
    pt, pi = spike_list(pre, 0)
    tt, ti = spike_list(post, -1)      # the teacher fires the step before
    text = MODEL.format(rule=RULE, npre=NPRE, npost=NPOST, pre_t=pt, pre_i=pi,
                        teach_t=tt, teach_i=ti, max_delay=max_delay, d0=d0,
                        run_ms=f"{STEPS * DT:.1f}")
    sets = {"syn.eta_neg": f"{eta_neg!r}ms", "syn.eta_pos": f"{eta_pos!r}ms",
            "syn.tc_neg": f"{tc_neg!r}ms", "syn.tc_pos": f"{tc_pos!r}ms",
            "syn.gamma": repr(gamma), "syn.tol": f"{tol!r}ms", "syn.cumulative": cumulative}
    inputs = {}
    if np.ndim(M):
        inputs["reward"] = M
    else:
        sets["reward"] = repr(M)
    r = xc.run(text, sets=sets, inputs=inputs)
    ip, io = r["syn.pre"], r["syn.post"]
    d = np.zeros((STEPS, NPOST, NPRE))
    n = np.zeros((STEPS, NPOST, NPRE))
    d[:, io, ip] = r["syn.delay"] * 1e3
    n[:, io, ip] = r["syn.arrivals"]
    b = np.zeros((STEPS, NPOST), bool)
    b[np.rint(r["B.spikes.t"] / (DT * 1e-3)).astype(int) - 1, r["B.spikes.i"]] = True
    if not (b == post).all():
        sys.exit("our post spikes are not the ones given")
    return d, np.diff(n, axis=0, prepend=0)


def shifted(a, b):
    """Our step k+1 beside their step k (time stamping, see above)."""
    return a[1:].reshape(STEPS - 1, -1), b[:-1].reshape(STEPS - 1, -1)


def f32_tol(b):
    """float32: the rounding of STEPS additions to the largest delay, half
    an ulp each (the time since each spike, a float32 sum of dt, adds less)."""
    return STEPS / 2 * float(np.spacing(np.float32(np.max(np.abs(b)))))


MODES = {        # eta-, eta+ (ms per step)
    "hebbian": (-0.002, 0.003),
    "anti_hebbian": (0.003, -0.002),
    "potentiative_only": (-0.0005, -0.0008),
    "depressive_only": (0.0008, 0.0005),
}


def refused():
    """What the library refuses or ignores of the page's parameters."""
    try:
        DelayAdjustedMSTDPD(lr_neg=1.0, lr_pos=1.0, tc_neg=1.0, tc_pos=1.0, trace_mode="nearest")
        sys.exit("inferno now accepts trace_mode: check what it does, update the notes")
    except TypeError as e:
        print(f"# inferno refuses trace_mode: {e}", file=sys.stderr)
    conn = LinearDense(NPRE, NPOST, DT, synapse=DeltaCurrent.partialconstructor(spike_charge=DT),
                       delay=5.0)
    layer = Serial(conn, Forced(NPOST, DT, np.zeros((1, NPOST), bool)))
    conn.updater = conn.defaultupdater()
    tr = DelayAdjustedMSTDPD(lr_neg=1.0, lr_pos=1.0, tc_neg=1.0, tc_pos=1.0)
    unit = tr.register_cell("cell", layer.cell, trace_mode="bogus")
    if any("trace" in k for k in vars(unit.state)):
        sys.exit("inferno's register_cell now keeps trace_mode: check what it does")
    print("# inferno's register_cell ignores trace_mode (even 'bogus')", file=sys.stderr)


def mode_rows(pre, post):
    for name, (en, ep) in MODES.items():
        for M in (1.0, -0.5):
            b, _ = theirs(pre, post, en, ep, M=M, gamma=0.8)
            a, _ = ours(pre, post, en, ep, M=M, gamma=0.8)
            if not (b.min() > 0 and b.max() < 50):
                sys.exit(f"{name}: the library's delays left [0, 50 ms]: pick smaller rates")
            xc.row(LIB, CLS, f"{name} M={M:g} gamma=0.8 nearest", "delay (ms)", *shifted(a, b), F64)
        b32, _ = theirs(pre, post, en, ep, gamma=0.8, dtype=torch.float32)
        a, _ = ours(pre, post, en, ep, gamma=0.8)
        xc.row(LIB, CLS, f"{name} M=1 gamma=0.8 nearest, theirs float32", "delay (ms)",
               *shifted(a, b32), f32_tol(b32))


def trace_rows(pre, post):
    en, ep = MODES["anti_hebbian"]
    b, _ = theirs(pre, post, en, ep)
    a, _ = ours(pre, post, en, ep, cumulative=1)
    xc.row(LIB, CLS, "anti_hebbian cumulative", "delay (ms)", *shifted(a, b), F64,
           "trace_mode: inferno refuses it (TypeError) and computes nearest; ours cumulative")
    a, _ = ours(pre, post, en, ep, cumulative=0)
    xc.row(LIB, CLS, "anti_hebbian cumulative, ours nearest", "delay (ms)", *shifted(a, b), F64)


def reward_rows(pre, post):
    """A reward per step that changes sign; ours reads value k in step k,
    which is their step k - 1."""
    g = np.random.default_rng(11)
    r = np.repeat(g.choice([-1.0, -0.25, 0.0, 0.5, 1.5], STEPS // 100), 100)
    en, ep = MODES["hebbian"]
    b, _ = theirs(pre, post, en, ep, M=np.append(r[1:], r[-1]))
    a, _ = ours(pre, post, en, ep, M=r, cumulative=0)
    xc.row(LIB, CLS, "hebbian M per step (--input)", "delay (ms)", *shifted(a, b), F64)


def clip_rows(pre, post):
    en, ep = 0.02, 0.02            # depressive only: every delay grows
    b, _ = theirs(pre, post, en, ep, max_delay=8.0)
    a, _ = ours(pre, post, en, ep, max_delay=8.0)
    xc.row(LIB, CLS, "depressive_only max_delay=8ms", "delay (ms)", *shifted(a, b), F64,
           "clipping: ours stays <= max_delay, inferno's runs past it (no clamp)")
    a2, _ = ours(pre, post, en, ep, max_delay=1000.0)
    xc.row(LIB, CLS, "depressive_only max_delay=8ms, ours 1000ms", "delay (ms)",
           *shifted(a2, b), F64)
    en, ep = -0.02, -0.02          # potentiative only: every delay shrinks to 0
    b, _ = theirs(pre, post, en, ep)
    a, _ = ours(pre, post, en, ep)
    xc.row(LIB, CLS, "potentiative_only", "delay (ms)", *shifted(a, b), F64,
           "clipping: ours stays >= 0, inferno's goes negative (no clamp)")
    b2, _ = theirs(pre, post, en, ep, clamp=True)
    xc.row(LIB, CLS, "potentiative_only, theirs clamped", "delay (ms)", *shifted(a, b2), F64)


def tolerance_rows(pre, post):
    en, ep = MODES["anti_hebbian"]
    b, _ = theirs(pre, post, en, ep, tol=DT / 2)
    a, _ = ours(pre, post, en, ep, tol=DT / 2)
    xc.row(LIB, CLS, "anti_hebbian interp_tolerance=dt/2", "delay (ms)", *shifted(a, b), F64,
           "interp_tolerance: inferno stores it, never reads it; ours snaps the delay to the step")
    a2, _ = ours(pre, post, en, ep, tol=0.0)
    xc.row(LIB, CLS, "anti_hebbian interp_tolerance=dt/2, ours 0", "delay (ms)",
           *shifted(a2, b), F64)


def delivery_rows(pre, post):
    # fixed delays (no learning) off the step grid
    d0 = (1.04, 0.37, 0.51)
    text = "1.04 ms + 0.37 ms * pre.i + 0.51 ms * post.i"
    _, gb = theirs(pre, post, 0.0, 0.0, d0=d0)
    _, ga = ours(pre, post, 0.0, 0.0, d0=text)
    xc.row(LIB, CLS, "fixed delays 1.04..2.29 ms", "spikes delivered per step",
           ga.reshape(STEPS, -1), gb.reshape(STEPS, -1), 0,
           "ceil vs round: inferno delivers ceil(d/dt) steps later, snnc round(d/dt)")
    _, ga2 = ours(pre, post, 0.0, 0.0, d0=text + " + 0.05 ms - 1e-6 ms")
    xc.row(LIB, CLS, "fixed delays, ours + dt/2 - 1e-6 ms", "spikes delivered per step",
           ga2.reshape(STEPS, -1), gb.reshape(STEPS, -1), 0)
    # learned delays (Hebbian: they sweep while spikes fly)
    en, ep = -0.02, 0.03
    b, gb = theirs(pre, post, en, ep)
    a, ga = ours(pre, post, en, ep)
    if not (b.min() > 0 and b.max() < 50):
        sys.exit("hebbian, fast: the library's delays left [0, 50 ms]: pick smaller rates")
    xc.row(LIB, CLS, "hebbian, fast", "spikes delivered per step", ga.reshape(STEPS, -1),
           gb.reshape(STEPS, -1), 0,
           "ceil vs round, and spikes in flight: inferno reads the input at each step's delay, "
           "ours keeps the delay a spike left with")
    used = np.concatenate([[[[d0_ms(o, i) for i in range(NPRE)] for o in range(NPOST)]], b[:-1]])
    want = np.zeros_like(gb)        # theirs: step k reads step k - ceil(d_k/dt)
    times = {}                      # (emission step, o, i): how often inferno delivered it
    for k in range(STEPS):
        for o in range(NPOST):
            for i in range(NPRE):
                d = used[k, o, i]      # (d/dt to 1e-9 first: float64 noise is no step)
                e = k - math.ceil(round(d / DT, 9))
                want[k, o, i] = 0 <= d <= 50.0 and e >= 0 and pre[e, i]
                if want[k, o, i]:
                    times[e, o, i] = times.get((e, o, i), 0) + 1
    sent = [(e, o, i) for e, i in zip(*np.nonzero(pre)) for o in range(NPOST)
            if e + math.ceil(used[e, o, i] / DT) + 10 < STEPS]
    twice = sum(times.get(x, 0) > 1 for x in sent)
    never = sum(times.get(x, 0) == 0 for x in sent)
    print(f"# hebbian, fast: of {len(sent)} spikes x synapses, inferno delivered {twice} more "
          f"than once and {never} never", file=sys.stderr)
    xc.row(LIB, CLS, "hebbian, fast: theirs vs s[k - ceil(d_k/dt)] of their delays",
           "spikes delivered per step", gb.reshape(STEPS, -1), want.reshape(STEPS, -1), 0)
    mine = np.zeros_like(ga)        # ours: the spike of step e lands at e + round(d_e/dt)
    for e, i in zip(*np.nonzero(pre)):
        for o in range(NPOST):
            s = e + int(math.floor(a[e, o, i] / DT + 0.5))
            if s < STEPS:
                mine[s, o, i] += 1
    xc.row(LIB, CLS, "hebbian, fast: ours vs e + round(d_e/dt) of our delays",
           "spikes delivered per step", ga.reshape(STEPS, -1), mine.reshape(STEPS, -1), 0)


def example_rows():
    """examples/inferno_delay_learning.snn itself: its input trains and its
    output spikes (the teacher's: the inputs' 2 mV never fire it) drive the
    library; its delays, recorded every 1 ms, beside theirs."""
    r = xc.run(xc.example("inferno_delay_learning.snn"), sets={"syn.cumulative": 0})
    steps = int(round(500 / DT))
    pre = np.zeros((steps, 2), bool)
    post = np.zeros((steps, 1), bool)
    ti = np.rint(r["Out.spikes.t"] / (DT * 1e-3)).astype(int) - 1
    post[ti, 0] = True
    if not np.array_equal(ti, np.arange(25) * 200 + 120):
        sys.exit("the example's output fires other than its teacher")
    for j, t0 in ((0, 2.0), (1, 6.0)):
        pre[np.rint(np.arange(25) * 200 + t0 / DT).astype(int) - 1, j] = True
    b, _ = theirs(pre, post, 0.02, -0.02, tc_pos=10.0, max_delay=15.0, d0=(1.0, 0.0, 0.0))
    sample = np.arange(9, steps, 10)                    # every 1 ms: steps 9, 19, ...
    order = r["syn.pre"]
    theirs_at = b[sample - 1][:, 0, order]              # our step k = their k - 1
    for cum in (0, 1):
        if cum:
            r = xc.run(xc.example("inferno_delay_learning.snn"))
        ours_at = r["syn.delay"] * 1e3
        xc.row(LIB, CLS, "examples/inferno_delay_learning.snn" + ("" if cum else " nearest"),
               "delay (ms), every 1 ms", ours_at, theirs_at, F64,
               "trace_mode: the example's cumulative, inferno nearest only" if cum else "")


def main():
    refused()
    pre, post = trains(1)
    mode_rows(pre, post)
    trace_rows(pre, post)
    reward_rows(pre, post)
    clip_rows(pre, post)
    tolerance_rows(pre, post)
    delivery_rows(pre, post)
    example_rows()
    xc.done()


if __name__ == "__main__":
    main()
