"""``nnmath report``: the article regenerated from the engine, as HTML and Markdown.

:func:`write_report` writes, into one folder::

    index.html        the standalone page (inline CSS, no script, no network access)
    report.md         the same report in Markdown
    figures/NN-*.png  the images both link to (or .svg)
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..losses import loss_for
from ..render.html import page_html
from ..render.markdown import page_markdown
from ..safefile import write_atomic
from .figures import Figures

__all__ = ["write_report", "write_article_report", "write_model_report", "prepare_folder"]


def write_article_report(folder, epochs: int | None = None, fmt: str = "png",
                         run=None) -> list[Path]:
    """Compute the article (:func:`nnmath.article.run_article`) and write its report.

    Returns the files written: the figures, then ``report.md`` and ``index.html``
    (last, so the page never links an image not yet written).
    """
    from ..article import B_EPOCHS, run_article
    from .article import SUBTITLE, TITLE, article_sections

    if run is None:
        run = run_article(epochs_b=B_EPOCHS if epochs is None else epochs)
    return write_report(folder, TITLE, lambda figures: article_sections(run, figures), fmt,
                        subtitle=SUBTITLE)


def write_model_report(folder, net, data, loss=None, learning_rate: float = 0.1,
                       fmt: str = "png", title: str | None = None,
                       transform=None) -> list[Path]:
    """The same kind of report for a user's network ``net`` and :class:`Dataset` ``data``.

    Nothing is trained: the report shows how the model was trained as its file
    records it (``net.info["training"]`` and ``["history"]``) and pictures of
    the model as it is. ``loss`` and ``learning_rate`` are those of the one
    step explained on the first row. ``transform`` maps the data's rows to
    the network's inputs (default: the preprocessing and scaling stored in the model
    file, if any).
    """
    if transform is None:
        from ..inference import network_inputs, preprocessing_of, scaling_of

        if preprocessing_of(net) is not None or scaling_of(net) is not None:
            def transform(X, texts=getattr(data, "texts", None)):
                return network_inputs(net, X, texts)
    from .model import model_sections

    loss = loss or net.info.get("loss") or loss_for(net.layers[-1].activation)
    return write_report(folder, title or "Your network, number by number",
                        lambda figures: model_sections(net, data, figures, loss, learning_rate,
                                                       transform), fmt)


def prepare_folder(folder) -> Path:
    """Check, before any work is done, that the report folder can be made and written
    (or raise a clear error). Nothing is created: :func:`write_report` makes the folder
    and removes it again if writing fails (a full disk), so a failed report leaves no
    empty folder behind."""
    from ..errors import NnmathError
    from ..safefile import check_writable

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"the report folder must be a folder. Got the file {str(folder)!r}. "
                          "Choose another --output-dir.")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, f"{str(existing)!r} is a file")
        check_writable(existing / ".nnmath-report-probe")
    except (OSError, NnmathError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it cannot be written"
        raise ConfigError(f"cannot create the report folder {str(folder)!r}: {reason}. "
                          "Choose a folder you can write to.") from None
    return folder


def write_report(folder, title: str, make_sections, fmt: str = "png",
                 subtitle: str = "") -> list[Path]:
    """Write ``make_sections(figures)``'s report into ``folder`` (created if missing)."""
    from ..safefile import new_folder
    from ..version import __version__

    folder = prepare_folder(folder)
    # the folders made here are removed again, with what was written, if writing fails
    with new_folder(folder / Figures.SUBFOLDER, "the report folder") as written:
        figures = Figures(folder, fmt, written=written)
        sections = make_sections(figures)
        subtitle = f"{subtitle} (nnmath {__version__})" if subtitle else \
            f"nnmath {__version__}"
        md, html = folder / "report.md", folder / "index.html"
        for path, text in ((md, page_markdown(title, sections, subtitle)),
                           (html, page_html(title, sections, subtitle))):
            written.append(path)
            write_atomic(path, text)
    return list(written)
