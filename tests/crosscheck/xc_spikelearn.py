"""What the spikelearn drivers (spikelearn_*.py) share: the examples'
models without their network, spike trains as spikes(...) generators, and
the puppet post layer.  Imported like xc, after xc.need("spikelearn") (and
after spikelearn_page.py has put 0.1.1 first on sys.path): it does not
import spikelearn itself."""
import numpy as np

import xc


def models(name):
    """The models of examples/NAME, without its network."""
    with open(xc.example(name)) as f:
        text = f.read()
    return text[:text.index("\nnetwork ")] + "\n"


def spikes_arg(s, shift):
    """spikes(...) for a [K, N] 0/1 array: row k in the step k + shift."""
    k, i = np.nonzero(s)
    keep = k + shift >= 0
    k, i = k[keep], i[keep]
    times = ", ".join(f"{kk + shift + 1}.0 ms" for kk in k)
    return f"spikes({s.shape[1]}, times = [{times}], index = [{', '.join(map(str, i))}])"


PUPPET = """
# A post layer whose output s of step k is the generator's spike of step k-1.
neuron Puppet {
	input x, drive
	state s = 0
	on tick { s = drive > 0.5 ? 1 : 0 }
	spike when s > 0.5
}
synapse Kick { on pre { post.drive += 1 } }
"""
