"""nnmath: the math of small neural networks, exact and explained.

>>> import nnmath
>>> net = nnmath.Network([nnmath.Dense(W=[[0.5]], b=[0.0], activation="sigmoid"),
...                       nnmath.Dense(W=[[-1.0]], b=[0.0], activation="sigmoid")])
>>> round(float(net.forward([[2.0]])[0, 0]), 6)
0.324962
"""

from . import datasets
from .errors import NnmathError
from .layers import Dense
from .network import Network
from .trace import explain
from .training import History

__version__ = "0.1.0"

load = Network.load


def save(network, path, **extra):
    """Write ``network`` to the JSON model file ``path`` (same as ``network.save(path)``)."""
    if not isinstance(network, Network):
        from .errors import ConfigError, must_be

        raise ConfigError(must_be("network", "a nnmath.Network", network,
                                  "For example nnmath.save(net, 'model.json')."))
    network.save(path, **extra)


__all__ = ["Dense", "History", "Network", "NnmathError", "__version__", "datasets",
           "explain", "load", "save"]
