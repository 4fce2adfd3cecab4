"""The FastAPI application of ``nnmath serve``: :func:`create_app`.

Safety, stated once: requests whose Host header is not one of the server's own names
are refused (Starlette's ``TrustedHostMiddleware``: a page on another site cannot drive
this server through DNS rebinding); there is no CORS middleware, so other origins get
no permission; request bodies are bounded (:class:`BodyLimit`); an
:class:`~nnmath.errors.NnmathError` is a 4xx answer ``{"detail": "<the CLI's words>"}``.
Nothing is loaded from elsewhere: the API's documentation at ``/docs`` is Swagger UI
served from the package (``static/vendor/swagger-ui``), not from a CDN.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..datasets import Dataset
from ..errors import NnmathError
from ..network import Network
from . import api, compare, landscape, neurons, teaching, tour, transfer
from .limits import CHUNK_BYTES, LIMITS, LimitError
from .sessions import BusyError, SessionStore, UnknownError

__all__ = ["create_app", "LOCAL_HOSTS", "BodyLimit", "status_of", "one_line"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
"""The names of this machine a browser uses for a server on the loopback interface."""
MAX_BODY = LIMITS.max_upload_bytes + CHUNK_BYTES   # an upload and its multipart headers
SWAGGER_UI = "/static/vendor/swagger-ui"
"""Where the page serves Swagger UI's files (vendored: ``/docs`` works offline)."""

_STATUS = ((LimitError, 413), (UnknownError, 404), (BusyError, 409))


def status_of(exc: Exception) -> int:
    """413 for a limit, 404 for an unknown session or parameter, 409 busy, else 400."""
    return next((status for kind, status in _STATUS if isinstance(exc, kind)), 400)


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def create_app(model: Network | None = None, allowed_hosts: Iterable[str] = LOCAL_HOSTS,
               max_sessions: int = LIMITS.max_sessions, data: Dataset | None = None,
               max_total_bytes: int = LIMITS.max_total_bytes) -> FastAPI:
    """The app: the page at ``/``, its files at ``/static``, the API at ``/api``, its
    documentation at ``/docs`` (and ``/openapi.json``).

    Parameters
    ----------
    model : Network, optional
        Every new session starts with a copy of it (``nnmath serve --model FILE``).
    allowed_hosts : sequence of str
        The Host names accepted (default: the loopback names, :data:`LOCAL_HOSTS`).
    max_sessions : int
        Sessions kept at once (the oldest idle one is evicted).
    data : Dataset, optional
        The data every new session starts with, as an uploaded CSV file
        (``nnmath serve --model FILE --data CSV``).
    max_total_bytes : int
        The bytes of all sessions' arrays together (the sessions idle the longest are
        ended past it).
    """
    app = FastAPI(title="nnmath serve", version=_version(),
                  description="The math of a small neural network, live: every number is "
                              "computed by nnmath's engine. Errors are "
                              '{"detail": "one line"}.',
                  docs_url=None, redoc_url=None)   # /docs below: no CDN
    app.state.store = SessionStore(max_sessions=max_sessions, model=model, data=data,
                                   max_total_bytes=max_total_bytes)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_exception_handler(NnmathError, _nnmath_error)
    app.add_exception_handler(Exception, _bug)
    for module in (api, teaching, transfer, tour, landscape, compare, neurons):
        app.include_router(module.router)
    static = resources.files("nnmath.web").joinpath("static")
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI from the package's own files (FastAPI's default loads a CDN's)."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title}: the API",
            swagger_js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_UI}/swagger-ui.css", swagger_favicon_url="data:,",
            swagger_ui_parameters={"validatorUrl": None})   # no call to a validator site

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        index = static.joinpath("index.html")
        if index.is_file():
            return FileResponse(str(index), media_type="text/html")
        return HTMLResponse("<!DOCTYPE html><title>nnmath</title><p>nnmath serve: the page "
                            "is not built yet; the API is at /docs.</p>")

    return app


def _version() -> str:
    from ..version import __version__

    return __version__


async def _nnmath_error(request: Request, exc: Exception) -> JSONResponse:
    """For an :class:`~nnmath.errors.NnmathError` (typed as Starlette's handlers are)."""
    return JSONResponse({"detail": one_line(exc)}, status_code=status_of(exc))


async def _bug(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": f"internal error (this is a bug): {type(exc).__name__}: "
                                   f"{one_line(exc)}"},
                        status_code=HTTPStatus.INTERNAL_SERVER_ERROR)


class BodyLimit:
    """ASGI middleware: a request body of more than ``max_bytes`` gets 413 before the app
    reads it (a declared Content-Length at once, else counted while it arrives)."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            return await self._refuse(scope, receive, send)
        messages: list[Message] = []
        size = 0
        while True:   # the body, bounded, before the app sees any of it
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                return await self._refuse(scope, receive, send)
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = (f"the request body must be at most {self.max_bytes:,} bytes "
                  f"(max_upload_bytes {LIMITS.max_upload_bytes:,}, a limit of nnmath serve, and its "
                  "multipart headers). Upload a smaller file.")
        await JSONResponse({"detail": detail}, status_code=413)(scope, receive, send)
