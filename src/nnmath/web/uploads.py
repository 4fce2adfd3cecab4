"""Uploaded files: read in bounded chunks, then loaded by the same code as the CLI's.

A CSV file goes through :func:`nnmath.datasets.load_csv`, a model file through
:func:`nnmath.modelfile.load` (``Network.load``), so their errors are the CLI's words. The
upload is written to a private temporary folder (:mod:`nnmath.web.scratch`) under a name
of the server's own (:data:`UPLOAD_NAMES`): the name the browser sent never reaches the
file system (a name too long for it, or one it reads as a path, changes nothing). The
messages name the file as the user knows it (:func:`safe_name`), never the folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

from ..datasets.preprocess import raw_cells
from ..errors import DataError, must_be
from .limits import CHUNK_BYTES, LIMITS, LimitError, check_limit
from .scratch import SCRATCH

__all__ = ["read_bounded", "load_csv_upload", "load_model_upload", "safe_name",
           "UPLOAD_NAMES", "upload_preprocessing", "raw_cells"]

UPLOAD_NAMES = {"data": "upload.csv", "model": "upload.json"}
"""The names an upload is written under (whatever the browser calls it)."""


def read_bounded(stream: BinaryIO, limit: int = LIMITS.max_upload_bytes) -> bytes:
    """The bytes of ``stream``, read :data:`CHUNK_BYTES` at a time; a LimitError as soon
    as there are more than ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise LimitError(must_be("the uploaded file", f"at most {limit:,} bytes "
                                     "(max_upload_bytes, a limit of nnmath serve)",
                                     f"more than {limit:,} bytes", "Upload a smaller file."))
        chunks.append(chunk)


def safe_name(filename: str | None, default: str) -> str:
    """The upload's base name as messages show it: plain characters only, at most 100
    (it is text only: the file is written under :data:`UPLOAD_NAMES`).

    >>> safe_name("../../etc/passwd", "x.csv"), safe_name("my data.csv", "x.csv")
    ('passwd', 'my data.csv')
    """
    name = re.sub(r"[^\w .,()+-]", "_", Path(str(filename or "")).name).strip(" .")
    return name[:100] or default


def _loaded(content: bytes, kind: str, shown_as: str, load):
    """``load(path)`` of ``content`` written to a temporary file of the server's own name;
    an error's message names ``shown_as`` instead of that file."""
    with SCRATCH.folder(prefix="nnmath-upload-") as folder:
        path = folder / UPLOAD_NAMES[kind]
        try:
            path.write_bytes(content)
        except OSError as exc:    # a full disk: the server's, said without its folders
            raise DataError(f"the server cannot keep the uploaded file {shown_as!r} to read "
                            f"it: {exc.strerror or type(exc).__name__}. Free some space on "
                            "the server's temporary directory, then upload it again.") from None
        try:
            return load(path)
        except Exception as exc:
            if isinstance(exc, (OSError, UnicodeError)) or not hasattr(exc, "args"):
                raise
            # the message names the file as uploaded, not the temporary folder
            exc.args = tuple(a.replace(str(path), shown_as).replace(f"{folder}/", "")
                             if isinstance(a, str) else a for a in exc.args)
            raise


def load_csv_upload(stream, filename: str | None, target: str, features: str | None = None):
    """A :class:`~nnmath.datasets.Dataset` from an uploaded CSV file.

    Read as ``nnmath train`` reads a table (:func:`~nnmath.datasets.load_csv`): a row
    whose target is missing is left out; then the same preprocessing
    (:mod:`nnmath.datasets.preprocess`), learned from the file's rows, turns it into the
    network's numbers: a text column one-hot (its inputs named ``column=category``), a
    missing number the column's mean (``--impute mean``), a missing category the most
    frequent one. The page trains on those numbers; the fitted preprocessing and each
    row's raw cells are kept in ``data.reading`` (:func:`upload_preprocessing`), so the
    page's step explanation starts from the row's raw cells (one-hot, fill values,
    scaling: as ``nnmath explain``) and a downloaded model carries the preprocessing (as
    ``nnmath train`` writes it)."""
    from ..datasets import load_csv

    name = safe_name(filename, "data.csv")
    columns = None if not features else [c.strip() for c in features.split(",") if c.strip()]
    data = _loaded(read_bounded(stream), "data", name,
                   lambda path: load_csv(path, target=target, features=columns,
                                         impute="mean"))
    check_limit(len(data), "max_rows", f"the rows of {name}", "Upload fewer rows.")
    if data.X.shape[0] < 1:
        raise DataError(must_be(name, "a file with at least one row", 0))
    return _encoded(data)


def _encoded(data):
    """``data`` with its raw columns turned into the network's numbers (one-hot
    categories, fill values), when it has categories or gaps; else as it is."""
    from dataclasses import replace

    import numpy as np

    from ..datasets.preprocess import fit_preprocessing

    if data.texts is None and not np.isnan(data.X).any():
        return data
    pre = fit_preprocessing(data)
    X = pre.encode(data.X, data.texts, data.lines)
    cells = tuple(tuple(raw_cells(data, s)) for s in range(len(data)))
    return replace(data, X=X, feature_names=pre.input_names, texts=None,
                   reading={**data.reading, "impute": None, "preprocessing": pre,
                            "cells": cells})


def upload_preprocessing(data, net=None):
    """``(preprocessing, cells)`` an uploaded CSV file's data keeps (its raw cells per row),
    or ``(None, None)`` for a clean numeric table, for data that is not such an upload, or
    for a network ``net`` whose inputs are not that preprocessing's (e.g. a model file's
    network that brings its own)."""
    reading = getattr(data, "reading", None) or {}
    pre, cells = reading.get("preprocessing"), reading.get("cells")
    if pre is None or cells is None or len(cells) != len(data):
        return None, None
    if net is not None and (net.n_inputs != pre.n_inputs or
                            (isinstance(net.info, dict) and net.info.get("preprocessing"))):
        return None, None
    return pre, cells


def load_model_upload(stream, filename: str | None):
    """A :class:`~nnmath.network.Network` from an uploaded model file."""
    from ..modelfile import load

    return _loaded(read_bounded(stream), "model", safe_name(filename, "model.json"), load)
