"""Libraries that only some features need, imported where they are used.

``import nnmath`` needs NumPy only. A feature that needs more imports it with
:func:`require`, which turns a missing library into one clear
:class:`~nnmath.errors.DependencyError` naming the ``pip install`` to run
(the CLI prints it as one line and exits with code 2).

A plain ``pip install nnmath`` brings matplotlib (pictures) and rich (the
terminal); scikit-learn (the estimators, scikit-learn's bundled datasets) and
the large integrations are extras.

>>> require("math", "arithmetic").sqrt(4.0)
2.0
>>> require("no_such_module_here", "this example")
Traceback (most recent call last):
...
nnmath.errors.DependencyError: this example needs the Python package 'no_such_module_here', which is not installed. Run: pip install no_such_module_here
"""

from __future__ import annotations

import importlib

from .errors import DependencyError

__all__ = ["require", "INSTALL"]

# import name -> the pip command that brings it
INSTALL = {
    # dependencies of nnmath itself: missing only from a broken or hand-made environment
    "matplotlib": "pip install 'matplotlib>=3.7' (a dependency of nnmath)",
    "PIL": "pip install 'pillow>=10' (a dependency of nnmath)",
    "rich": "pip install 'rich>=13' (a dependency of nnmath)",
    "fastapi": "pip install 'fastapi>=0.110' (a dependency of nnmath)",
    "uvicorn": "pip install 'uvicorn>=0.29' (a dependency of nnmath)",
    "sklearn": "pip install 'nnmath[sklearn]'",
    "torch": "pip install 'nnmath[torch]'",
    "onnx": "pip install 'nnmath[onnx]'",
    "onnxruntime": "pip install 'nnmath[onnx]'",
}

_PACKAGE = {"PIL": "pillow", "sklearn": "scikit-learn"}


def require(module: str, purpose: str):
    """Import ``module`` (e.g. ``"matplotlib"``) and return it, or raise DependencyError.

    ``purpose`` says what needs it, e.g. ``"nnmath plot"``; the message names
    the package and the command that installs it.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        missing = (getattr(exc, "name", None) or top).split(".")[0]
        package = _PACKAGE.get(missing, missing)
        install = INSTALL.get(missing, f"pip install {package}")
        raise DependencyError(f"{purpose} needs the Python package {package!r}, which is not "
                              f"installed. Run: {install}") from None
