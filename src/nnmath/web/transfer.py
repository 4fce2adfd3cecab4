"""The API's files in and out: CSV and model uploads, the model, explanation and report
downloads. Uploads are bounded (:mod:`nnmath.web.uploads`); downloads are the very files
the CLI writes (``net.save``'s JSON, ``nnmath explain --format html|markdown``,
``nnmath report --model``'s folder as a zip).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from .api import ERRORS, store_of
from .limits import check_limit
from .schemas import State
from .scratch import SCRATCH
from .uploads import load_csv_upload, load_model_upload
from .views import state, trace_of

__all__ = ["router"]

router = APIRouter(prefix="/api")


def _file(content, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _binary(media_type: str, what: str) -> dict:
    return {200: {"description": what,
                  "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}},
            **ERRORS}


@router.post("/sessions/{sid}/csv", response_model=State, responses=ERRORS)
def post_csv(request: Request, sid: str, file: UploadFile = File(...),
             target: str = Form(..., description="the target column"),
             features: str | None = Form(None, description="feature columns, comma-separated "
                                          "(default: every other column)")):
    """Your own data (at most max_upload_bytes, max_rows rows): a new network fits it."""
    with store_of(request).use(sid) as s:
        s.use_data(load_csv_upload(file.file, file.filename, target, features))
        return state(s)


@router.get("/sessions/{sid}/model", response_class=Response,
            responses={200: {"description": "the model file (nnmath.network/1)",
                             "content": {"application/json": {"schema": {"type": "object"}}}},
                       **ERRORS})
def get_model(request: Request, sid: str):
    """The network as a model file, as ``net.save`` writes it (with the data's names; on
    an uploaded table with categories or gaps, with the preprocessing learned from it, so
    ``nnmath predict --data`` takes the raw columns, as for a model ``nnmath train``
    wrote)."""
    from ..modelfile import from_dict, to_dict
    from .uploads import upload_preprocessing

    with store_of(request).use(sid) as s:
        data, net = s.data, s.net
        extra = {"loss": s.config["loss"], "feature_names": list(data.feature_names),
                 "target_name": data.target_name, "task": data.task}
        if data.task != "regression" and (net.n_outputs == data.n_classes or
                                          net.n_outputs == 1 and data.n_classes == 2):
            extra["class_names"] = list(data.class_names)
        pre, _ = upload_preprocessing(data, net)
        if pre is not None:
            extra["preprocessing"] = pre.to_dict()
        # the model file's own keys (net.info, any names: "net" too) win over the data's
        content = to_dict(net, **{k: v for k, v in extra.items() if k not in net.info})
        from_dict(json.loads(json.dumps(content)), source="the model to download")
        return _file(json.dumps(content, indent=1) + "\n", "application/json", "model.json")


@router.post("/sessions/{sid}/model", response_model=State, responses=ERRORS)
def post_model(request: Request, sid: str, file: UploadFile = File(...)):
    """A model file (at most max_upload_bytes), checked as ``Network.load`` checks it."""
    with store_of(request).use(sid) as s:
        s.use_model(load_model_upload(file.file, file.filename))
        return state(s)


@router.get("/sessions/{sid}/explanation", response_class=Response,
            responses={200: {"description": "the explanation of the current step",
                             "content": {"text/html": {"schema": {"type": "string"}},
                                         "text/markdown": {"schema": {"type": "string"}}}},
                       **ERRORS})
def get_explanation(request: Request, sid: str,
                    format: Literal["html", "markdown"] = Query("html")):
    """The step on the selected sample, as ``nnmath explain --format html|markdown``."""
    with store_of(request).use(sid) as s:
        trace = trace_of(s)
    if format == "html":
        from ..render.html import render_html

        return _file(render_html(trace), "text/html; charset=utf-8", "explanation.html")
    from ..render.markdown import render_markdown

    return _file(render_markdown(trace), "text/markdown; charset=utf-8", "explanation.md")


@router.get("/sessions/{sid}/report", response_class=Response,
            responses=_binary("application/zip", "the report folder as a zip: index.html, "
                              "report.md, figures/"))
def get_report(request: Request, sid: str):
    """``nnmath report --model`` for this network and data: a zip of its folder (of a
    network of at most max_report_layers layers). It is written in a temporary folder
    of its own, removed afterwards whatever happens (a full disk, the server stopped)."""
    from ..report import write_model_report
    from ..report.figures import Figures

    with store_of(request).use(sid) as s:
        check_limit(len(s.net.layers), "max_report_layers", "the layers of a network the "
                    "page draws a report of", "Download the model and run nnmath report "
                    "--model on it, which has no such limit.")
        report = Path("report")
        with SCRATCH.folder(str(report / Figures.SUBFOLDER), prefix="nnmath-report-") \
                as folder:
            files = write_model_report(folder / report, s.net, s.data,
                                       loss=s.config["loss"],
                                       learning_rate=s.config["learning_rate"])
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in files:
                    archive.write(path, Path(path).relative_to(folder))
        return _file(buffer.getvalue(), "application/zip", "nnmath-report.zip")
