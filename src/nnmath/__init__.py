"""nnmath: the math of small neural networks, exact and explained.

>>> import nnmath
>>> net = nnmath.Network([nnmath.Dense(W=[[0.5]], b=[0.0], activation="sigmoid"),
...                       nnmath.Dense(W=[[-1.0]], b=[0.0], activation="sigmoid")])
>>> round(float(net.forward([[2.0]])[0, 0]), 6)
0.324962

The public names are imported when first used (PEP 562), so that ``import
nnmath`` alone imports nothing heavy: the command line installs its Ctrl-C
handling (:mod:`nnmath.interrupt`) before NumPy is loaded.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:   # annotations only: ``import nnmath`` loads no NumPy
    from .network import Network

__all__ = ["Dense", "History", "Network", "NnmathError", "__version__", "datasets",
           "explain", "load", "save", "widget"]

_WHERE = {"Dense": ".layers", "History": ".history", "Network": ".network",
          "NnmathError": ".errors", "explain": ".trace"}


def __getattr__(name: str) -> Any:
    if name == "datasets":
        return import_module(".datasets", __name__)
    if name == "load":
        return import_module(".network", __name__).Network.load
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name], __name__), name)
        globals()[name] = value   # the next lookup is a plain attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def save(network: Network, path: str | os.PathLike[str], **extra: Any) -> None:
    """Write ``network`` to the JSON model file ``path`` (same as ``network.save(path)``).

    ``path`` is a ``str`` or ``pathlib.Path``; ``extra`` keys are added to the file
    (:func:`nnmath.modelfile.save`). ``nnmath.load(path)`` reads it back (it is
    :meth:`nnmath.Network.load`)."""
    from .network import Network

    if not isinstance(network, Network):
        from .errors import ConfigError, must_be

        raise ConfigError(must_be("network", "a nnmath.Network", network,
                                  "For example nnmath.save(net, 'model.json')."))
    network.save(path, **extra)


def widget(network: Network, data: Any = None, **options: Any) -> Any:
    """The page of ``nnmath serve`` inside Jupyter: the network's drawing, the five-step
    stepper and the click-a-weight derivation (:func:`nnmath.widget.widget`; needs
    anywidget). ``options``: ``loss``, ``learning_rate``, ``sample``."""
    # anywidget loads here, not with nnmath
    from .widget import widget as make

    return make(network, data, **options)
