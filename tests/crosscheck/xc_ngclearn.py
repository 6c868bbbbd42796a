"""What the ngclearn drivers (ngclearn_*.py) share: the examples' dt and
length, our recordings as the library's arrays (rasters, dense weights),
and a trace-driven STDP synapse (TraceSTDPSynapse, ExpSTDPSynapse) fed by
two VarTraces.  Imported like xc, after the driver's own
xc.need("ngclearn")."""
import numpy as np
from jax import numpy as jnp, random
from ngclearn import Context, MethodProcess
from ngclearn.components.other.varTrace import VarTrace

DT_MS = 1.0                   # the examples' dt = 1 ms
STEPS = 3000                  # and their 3 s
TAU_TR = 20.0                 # the examples' trace time constant


def raster(rec, pop, n):
    """[STEPS, n] 0/1 spikes of POP from its recorded times and indices."""
    s = np.zeros((STEPS, n), dtype=np.float32)
    steps = np.floor(rec[pop + ".spikes.t"] / (DT_MS * 1e-3) + 0.5).astype(int) - 1
    s[steps, rec[pop + ".spikes.i"]] = 1
    return s


def dense(rec, conn, n_pre, n_post, var="w"):
    """Our [samples, n_pre, n_post] synapse variable (0 where no synapse)."""
    w = rec[f"{conn}.{var}"]
    d = np.zeros((w.shape[0], n_pre, n_post))
    d[:, rec[conn + ".pre"], rec[conn + ".post"]] = w
    return d


def drive_traced(cls, name, pre, post, w0, params, mask, a_delta=1.):
    """The weights, traces and outputs after each step of the library's
    synapse class CLS fed by VarTraces of PRE and POST (0/1 rasters)."""
    n_pre, n_post = pre.shape[1], post.shape[1]
    with Context(name):
        tp = VarTrace("tp", n_pre, tau_tr=TAU_TR, a_delta=a_delta)
        tq = VarTrace("tq", n_post, tau_tr=TAU_TR, a_delta=a_delta)
        syn = cls("syn", (n_pre, n_post), weight_mask=mask,
                  key=random.PRNGKey(0), **params)
        tp.outputs >> syn.preTrace
        tq.outputs >> syn.postTrace
        step = (MethodProcess("step") >> tp.advance_state >> tq.advance_state
                >> syn.advance_state >> syn.evolve)
        rst = MethodProcess("rst") >> tp.reset >> tq.reset >> syn.reset
    rst.run()
    syn.weights.set(jnp.asarray(w0, dtype=jnp.float32))
    got = {"w": [], "x_pre": [], "x_post": [], "out": []}
    for n in range(STEPS):
        x, y = jnp.asarray(pre[n][None, :]), jnp.asarray(post[n][None, :])
        tp.inputs.set(x), tq.inputs.set(y)
        syn.inputs.set(x), syn.preSpike.set(x), syn.postSpike.set(y)
        step.run(t=(n + 1) * DT_MS, dt=DT_MS)
        got["w"].append(np.asarray(syn.weights.get()))
        got["x_pre"].append(np.asarray(tp.trace.get())[0])
        got["x_post"].append(np.asarray(tq.trace.get())[0])
        got["out"].append(np.asarray(syn.outputs.get())[0])
    return {k: np.array(v) for k, v in got.items()}
