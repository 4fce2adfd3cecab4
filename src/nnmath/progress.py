"""A rich progress bar on stderr, fed by the training loop's callbacks.

Used by ``nnmath train`` and by ``Network.fit(..., progress=True)``. stderr
keeps stdout clean: with ``--json`` stdout holds one JSON object only. When
stderr is not a terminal (a pipe, a log file, a test) the CLI shows no bar at
all, so that stderr holds nothing but an error line, if any; ``always=True``
(``fit(progress=True)``) shows it anyway (in Jupyter, or as a final line).
rich is imported only when a bar is shown.
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def training_progress(epochs: int, label: str = "training", always: bool = False):
    """Yields ``(epoch_callback, batch_callback)`` for :func:`nnmath.training.train`.

    ``nnmath train`` and ``fit(progress=True)`` pass the epoch callback only: the bar
    moves once per epoch, read from the History of whichever engine runs. The batch
    callback (a move per step) is for the readable engine, the only one that computes
    each batch's loss: passing it makes ``engine="auto"`` choose that engine.
    """
    import sys

    if not (always or sys.stderr.isatty()):
        yield (lambda epoch, history: None), (lambda epoch, batch, n_batches, loss: None)
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from .textsafe import safe_console

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(),
               TextColumn("epochs · loss {task.fields[loss]}"), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=safe_console(stderr=True), transient=not always) as progress:
        task = progress.add_task(label, total=epochs, loss="…")

        def on_batch(epoch, batch, n_batches, batch_loss):
            progress.update(task, completed=epoch - 1 + batch / n_batches)

        def on_epoch(epoch, history):
            progress.update(task, completed=epoch, loss=f"{history.loss[-1]:.6g}")

        yield on_epoch, on_batch
