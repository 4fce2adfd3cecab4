"""Training as a GIF: the decision curve (or map) and the loss, every N epochs.

:class:`TrainingRecorder` is a ``fit`` callback that keeps a copy of the
parameters every ``every`` epochs; :meth:`TrainingRecorder.write_gif` draws
one frame per copy with matplotlib's Pillow writer. The frames show
``net.forward`` with the recorded parameters and the recorded losses.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError, ShapeError, must_be
from ._common import atomic_path, check_output

__all__ = ["TrainingRecorder", "animate_training"]


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
        Epoch 0 (before training) first, then every ``every``-th epoch and the last.
    """

    def __init__(self, net, every: int = 10):
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ConfigError(must_be("every", "a whole number of epochs, at least 1", every))
        self.net, self.every = net, every
        self.frames = [(0, _copy(net.params()), None)]
        self.losses: list[float] = []

    def __call__(self, epoch, history) -> bool:
        self.losses = list(history.loss)
        if epoch == 1 and self.frames[0][2] is None:
            self.frames[0] = (0, self.frames[0][1], history.initial_loss)
        if epoch % self.every == 0:
            self.frames.append((epoch, _copy(self.net.params()), history.loss[-1]))
        return False

    def finish(self) -> None:
        """Add the last epoch if it was not a multiple of ``every``."""
        if self.losses and self.frames[-1][0] != len(self.losses):
            self.frames.append((len(self.losses), _copy(self.net.params()), self.losses[-1]))

    def write_gif(self, path, X=None, y=None, fps: int = 8, dpi: int = 80, **plot_options):
        """Write the frames to ``path`` (``.gif``), atomically. Returns the path.

        ``plot_options`` go to :func:`~nnmath.plots.probability_curve` (one
        input) or :func:`~nnmath.plots.decision_map` (two inputs).
        """
        from ._common import require_matplotlib

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
        epochs = list(range(0, len(self.losses) + 1))
        curve = [self.frames[0][2]] + self.losses
        writer = PillowWriter(fps=fps)
        with atomic_path(path) as tmp, writer.saving(fig, tmp, dpi):
            for epoch, params, loss in self.frames:
                shown.set_params(params)
                for a in (left, right):
                    a.clear()
                draw(shown, X, y, ax=left, title=f"epoch {epoch}", **plot_options)
                right.plot(epochs[:epoch + 1], curve[:epoch + 1], color="#1f6fb4", lw=1.8)
                right.set_xlim(0, max(epochs[-1], 1))
                right.set_ylim(0, max(curve) * 1.05)
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
