"""``python -m nnmath``: the same as the ``nnmath`` command."""

from .cli import entry

entry()
