"""Training as a GIF: the decision curve (or map) and the loss, every N epochs.

:class:`TrainingRecorder` is a ``fit`` callback that keeps a copy of the
parameters every ``every`` epochs; :meth:`TrainingRecorder.write_gif` draws
one frame per copy with matplotlib's Pillow writer. The frames show
``net.forward`` with the recorded parameters and the recorded losses.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from ..checks import is_whole
from ..errors import ConfigError, ShapeError, must_be
from ..safefile import atomic_path
from .figure import check_output

__all__ = ["TrainingRecorder", "animate_training", "MAX_FRAMES", "count_frames", "check_frames"]

MAX_FRAMES = 100
"""The most frames a training GIF may have: each takes about a second to draw and a
megabyte of GIF, so 100 frames are a minute and 100 MB at most."""


def count_frames(epochs: int, every: int) -> int:
    """The frames of ``epochs`` epochs with one every ``every``: epoch 0, each
    ``every``-th epoch, and the last one.

    >>> count_frames(200, 10), count_frames(200, 1), count_frames(205, 10)
    (21, 201, 22)
    """
    return 1 + -(-epochs // every)


def check_frames(epochs: int, every: int, names=("epochs", "every")) -> int:
    """The number of frames, if ``every`` is a whole number of at least 1 and the frames
    are at most :data:`MAX_FRAMES`; else a ConfigError that says the ``every`` to give.
    ``names``: what the two are called where they were given (the CLI: ``--epochs``,
    ``--every``). Cheap: call it before any training.

    >>> check_frames(200, 10)
    21
    >>> check_frames(200, 1, ("--epochs", "--every"))
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: the number of frames must be at most 100 (MAX_FRAMES: each takes about a second and a megabyte). Got '201 for --epochs 200 --every 1'. Give --every 3 or more, or fewer --epochs.
    """
    epochs_name, every_name = names
    if not is_whole(every) or every < 1:   # the wording of epochs, not check_int's
        raise ConfigError(must_be(every_name, "a whole number of epochs, at least 1", every))
    frames = count_frames(epochs, every)
    if frames > MAX_FRAMES:
        smallest = -(-epochs // (MAX_FRAMES - 1))     # 1 + ceil(epochs / every) <= MAX_FRAMES
        raise ConfigError(must_be(
            "the number of frames", f"at most {MAX_FRAMES} (MAX_FRAMES: each takes about a "
            "second and a megabyte)", f"{frames} for {epochs_name} {epochs} {every_name} "
            f"{every}", f"Give {every_name} {smallest} or more, or fewer {epochs_name}."))
    return frames


class TrainingRecorder:
    """``net.fit(..., callbacks=[recorder])`` keeps the parameters every ``every`` epochs.

    Parameters
    ----------
    net : Network
        The network being trained (its parameters are copied, not kept).
    every : int, default 10

    Attributes
    ----------
    frames : list of (epoch, {name: array}, loss)
        Epoch 0 (before training) first, then every ``every``-th epoch and the last:
        at most :data:`MAX_FRAMES` (a ConfigError during training beyond them;
        :func:`animate_training` checks before it trains).
    """

    def __init__(self, net, every: int = 10):
        check_frames(0, every)
        self.net, self.every = net, every
        # (epoch, parameters, loss); epoch 0's loss is known once training starts
        self.frames: list[tuple[int, dict, float | None]] = [(0, _copy(net.params()), None)]
        self.history = None          # the run's History (read, never copied)

    def __call__(self, epoch, history) -> bool:
        self.history = history
        if epoch == 1 and self.frames[0][2] is None:
            self.frames[0] = (0, self.frames[0][1], history.initial_loss)
        if epoch % self.every == 0:
            self._add(epoch, history.loss[-1])
        return False

    def _add(self, epoch, loss) -> None:
        if len(self.frames) >= MAX_FRAMES:
            check_frames(epoch, self.every)    # raises: more frames than MAX_FRAMES
        self.frames.append((epoch, _copy(self.net.params()), loss))

    def finish(self) -> None:
        """Add the last epoch if it was not a multiple of ``every``."""
        if self.history is not None and self.history.loss and \
                self.frames[-1][0] != self.history.epochs:
            self._add(self.history.epochs, self.history.loss[-1])

    def write_gif(self, path, X=None, y=None, fps: int = 8, dpi: int = 80, **plot_options):
        """Write the frames to ``path`` (``.gif``), atomically. Returns the path.

        ``plot_options`` go to :func:`~nnmath.plots.probability_curve` (one
        input) or :func:`~nnmath.plots.decision_map` (two inputs).
        """
        from .figure import require_matplotlib

        require_matplotlib("a GIF animation", gif=True)
        from matplotlib.animation import PillowWriter
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from .curves import decision_map, probability_curve

        path, _ = check_output(path, {".gif": "gif"})
        self.finish()
        if self.net.n_inputs not in (1, 2):
            raise ShapeError(must_be("the network", "one with one or two inputs to animate",
                                     f"{self.net.n_inputs} inputs"))
        if self.net.n_inputs == 1:
            draw = probability_curve
        else:
            def draw(*args, **options):
                return decision_map(*args, colorbar=False, **options)
        shown = self.net.copy()
        fig = Figure(figsize=(9.6, 4.0), layout="constrained")
        FigureCanvasAgg(fig)
        left, right = fig.subplots(1, 2)
        epochs = [0] + (self.history.epoch_numbers() if self.history is not None else [])
        curve = [self.frames[0][2]] + (list(self.history.loss) if self.history else [])
        known = [loss for loss in curve if loss is not None]   # none before any training
        writer = PillowWriter(fps=fps)
        with atomic_path(path) as tmp, writer.saving(fig, tmp, dpi):
            for epoch, params, loss in self.frames:
                shown.set_params(params)
                for a in (left, right):
                    a.clear()
                draw(shown, X, y, ax=left, title=f"epoch {epoch}", **plot_options)
                shown_upto = bisect_right(epochs, epoch)
                right.plot(epochs[:shown_upto], curve[:shown_upto], color="#1f6fb4", lw=1.8)
                right.set_xlim(0, max(epochs[-1], 1))
                right.set_ylim(0, max(known, default=1.0) * 1.05)
                right.set_xlabel("epoch")
                right.set_ylabel("loss")
                right.set_title(f"loss {loss:.6g}" if loss is not None else "loss", fontsize=10)
                right.grid(alpha=0.3)
                writer.grab_frame()
        return Path(path)


def animate_training(net, X, T, path, y=None, every: int = 10, fps: int = 8, plot=None,
                     **fit_options):
    """Train ``net`` in place with ``net.fit(X, T, **fit_options)`` and write a GIF.

    Returns the :class:`~nnmath.training.History`. ``y`` (labels for the
    points) defaults to ``T``'s single column or its argmax.
    """
    import numpy as np

    check_output(path, {".gif": "gif"})
    epochs = fit_options.get("epochs", 1)
    if is_whole(epochs):
        check_frames(epochs, every)    # before any training
    recorder = TrainingRecorder(net, every=every)
    callbacks = tuple(fit_options.pop("callbacks", ())) + (recorder,)
    history = net.fit(X, T, callbacks=callbacks, **fit_options)
    if y is None:
        T_ = np.asarray(T, dtype=float)
        T_ = T_[:, None] if T_.ndim == 1 else T_
        y = (T_[:, 0] >= 0.5).astype(int) if T_.shape[1] == 1 else np.argmax(T_, axis=1)
    recorder.write_gif(path, X, y, fps=fps, **(plot or {}))
    return history


def _copy(params: dict) -> dict:
    return {name: p.copy() for name, p in params.items()}
