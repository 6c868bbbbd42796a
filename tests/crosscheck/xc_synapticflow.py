"""What the synapticflow drivers (synapticflow_*.py) share: the library in
double precision, a LIFPopulation replaying given spikes, and spike trains
as spikes(...) generators.  Imported like xc, after the driver's own
xc.need("synapticflow")."""
import contextlib

import numpy as np
import torch

import xc

lib = xc.need("synapticflow")


@contextlib.contextmanager
def float64():
    """The library in double precision: float64 default tensors, and
    Tensor.float() (which its rules call on the spikes) giving doubles.
    Its own float32 constants stay (lr, threshold...: exact or 1e-8)."""
    old_dtype, old_float = torch.get_default_dtype(), torch.Tensor.float
    torch.set_default_dtype(torch.float64)
    torch.Tensor.float = lambda self, *a, **k: self.double()
    try:
        yield
    finally:
        torch.Tensor.float = old_float
        torch.set_default_dtype(old_dtype)


class Replayed(lib.LIFPopulation):
    """A LIFPopulation whose spikes are given; traces as the library's."""

    def __init__(self, train, **kw):
        super().__init__(n=train.shape[1], refrac_length=0, **kw)
        self.train = torch.as_tensor(train, dtype=torch.bool)
        self.k = 0

    def forward(self, x=None):
        self.s = self.train[self.k].clone()
        self.k += 1
        super(lib.LIFPopulation, self).forward(x)    # NeuralPopulation: traces


def spikes_text(name, train, shift=0):
    """A network line: pop NAME, a generator of the [steps, n] 0/1 TRAIN
    (dt = 0.1 ms), row n in the step n - SHIFT."""
    steps, idx = np.nonzero(train)
    times = ", ".join(f"{(n + 1 - shift) * 0.1:.1f} ms" for n in steps)
    index = ", ".join(str(i) for i in idx)
    return f"\tpop {name} = spikes({train.shape[1]}, times = [{times}], index = [{index}])\n"
