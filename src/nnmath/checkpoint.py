"""Keep the last good parameters of a training run, and save them when it stops early.

A :class:`Checkpoint` is a training callback. After every finished epoch it
copies the parameters (the last good ones: every epoch that finishes has a
finite loss, :func:`nnmath.training.train` checks). It writes them to its
model file, with the history so far (``"history"``,
:meth:`nnmath.history.History.record`) and the settings of the run under
``"training"``, as a finished run records them (the training loop's
``History.settings``, what the caller put in ``info["training"]``, and
``epochs_run``, ``stop_reason``),

- every ``every`` epochs, if asked (``nnmath train --checkpoint-every N``);
- when training is interrupted (Ctrl-C) or diverges: :meth:`save_last_good`
  puts the copy back into the network first, so a half-finished epoch is
  never saved.

Every write is atomic (:func:`nnmath.safefile.write_atomic`): the file is
always either the previous model or a complete new one. Before the first
epoch has finished there is nothing better than the old file, so nothing is
written then.

>>> import numpy as np, tempfile, pathlib
>>> from nnmath import Network, Dense
>>> net = Network([Dense(W=[[0.5]], b=[0.0])])
>>> path = pathlib.Path(tempfile.mkdtemp()) / "model.json"
>>> ckpt = Checkpoint(path, every=2)
>>> ckpt.start(net)
>>> _ = net.fit([[2.0]], [[0.0]], epochs=3, callbacks=(ckpt,))
>>> ckpt.epoch, ckpt.saved_epoch           # saved after epoch 2; epoch 3 is kept in memory
(3, 2)
>>> ckpt.save_last_good("interrupted")     # what `nnmath train` does on Ctrl-C
3
>>> saved = Network.load(path)
>>> saved.info["training"]["stop_reason"], saved.info["history"]["epochs"]   # the history so far
('interrupted', 3)
>>> saved.info["training"]["learning_rate"], saved.info["training"]["epochs"]   # the settings
(0.1, 3)
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager

from .checks import check_int

__all__ = ["Checkpoint", "ctrl_c_noticed"]


@contextmanager
def ctrl_c_noticed():
    """Remember every Ctrl-C; yields an epoch callback that raises one Python swallowed.

    Found by the kill test: a KeyboardInterrupt raised while Python imports a
    module can land in the import system's cleanup, where Python only reports
    it and goes on, so training would run on after Ctrl-C. Inside this block a
    Ctrl-C still raises KeyboardInterrupt at once, and is also noted
    (:mod:`nnmath.interrupt`); the callback raises it again at the end of the
    next epoch. The command line has installed that already; in-process (tests,
    notebooks) it is installed for the block, when Python's own handler is the
    current one, in the main thread.
    """
    from . import interrupt

    ours = (not interrupt.installed()
            and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler)
    if ours:   # Ctrl-C only: in a notebook or a test, SIGTERM stays what the host made it
        hook = sys.unraisablehook
        interrupt.SEEN.clear()
        interrupt.install((signal.SIGINT,))
    try:
        yield interrupt.raise_if_seen
    finally:
        if ours:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            sys.unraisablehook = hook
            interrupt.SEEN.clear()


class Checkpoint:
    """Copies the parameters after each epoch; saves them every ``every`` epochs.

    Parameters
    ----------
    path : str or Path
        The model file.
    every : int, optional
        Save every ``every`` epochs as well (default: only on request).
    """

    def __init__(self, path, every=None):
        if every is not None:
            every = check_int(every, "--checkpoint-every", minimum=1,
                              fix="For example --checkpoint-every 10.")
        self.path, self.every = path, every
        self.net = None
        self.params = None          # the last good parameters (copies)
        self.epoch = 0              # the epoch they belong to (0: none finished)
        self.saved_epoch = None     # the epoch last written to path
        self.history = None         # the History of the run (its first `epoch` epochs are good)

    def start(self, net) -> None:
        """Watch ``net`` (call before training; ``net.info`` is saved with it)."""
        self.net = net

    def __call__(self, epoch, history) -> bool:
        self.params = {name: p.copy() for name, p in self.net.params().items()}
        self.epoch, self.history = epoch, history
        if self.every and epoch % self.every == 0:
            self._save(history_note={"stop_reason": "checkpoint"})
        return False

    def save_last_good(self, reason: str):
        """Put the last good parameters back and save them; return their epoch.

        Returns None (and writes nothing) when no epoch has finished yet.
        """
        if self.net is None or self.params is None:
            return None
        self.net.set_params(self.params)
        self._save(history_note={"stop_reason": reason})
        return self.epoch

    def _save(self, history_note) -> None:
        # The settings of the run, as a finished one records them: the training loop's
        # (History.settings) and those the caller put in info["training"] before it began.
        training = {**(self.history.settings if self.history is not None else {}),
                    **self.net.info.get("training", {})}
        training.update(epochs_run=self.epoch, **history_note)
        extra = {}
        if self.history is not None:   # the epochs up to the parameters saved, no further
            extra["history"] = {**self.history.record(upto=self.epoch), **history_note}
        self.net.save(self.path, training=training, **extra)
        self.saved_epoch = self.epoch
