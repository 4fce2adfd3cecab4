"""The FastAPI application of ``nnmath serve``: :func:`create_app`.

Safety, stated once: requests whose Host header is not one of the server's own names
are refused (Starlette's ``TrustedHostMiddleware``: a page on another site cannot drive
this server through DNS rebinding); there is no CORS middleware, so other origins get
no permission; request bodies are bounded (:class:`BodyLimit`); an
:class:`~nnmath.errors.NnmathError` is a 4xx answer ``{"detail": "<the CLI's words>"}``.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ..errors import NnmathError
from ..network import Network
from . import api, teaching, transfer
from .limits import CHUNK_BYTES, MAX_SESSIONS, MAX_UPLOAD_BYTES, LimitError
from .sessions import BusyError, SessionStore, UnknownError

__all__ = ["create_app", "LOCAL_HOSTS", "BodyLimit", "status_of", "one_line"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
"""The names of this machine a browser uses for a server on the loopback interface."""
MAX_BODY = MAX_UPLOAD_BYTES + CHUNK_BYTES   # an upload and its multipart headers

_STATUS = ((LimitError, 413), (UnknownError, 404), (BusyError, 409))


def status_of(exc: NnmathError) -> int:
    """413 for a limit, 404 for an unknown session or parameter, 409 busy, else 400."""
    return next((status for kind, status in _STATUS if isinstance(exc, kind)), 400)


def one_line(exc) -> str:
    return " ".join(str(exc).split())


def create_app(model: Network | None = None, allowed_hosts=LOCAL_HOSTS,
               max_sessions: int = MAX_SESSIONS, data=None) -> FastAPI:
    """The app: the page at ``/``, its files at ``/static``, the API at ``/api``.

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
    """
    app = FastAPI(title="nnmath serve", version=_version(),
                  description="The math of a small neural network, live: every number is "
                              "computed by nnmath's engine. Errors are "
                              '{"detail": "one line"}.')
    app.state.store = SessionStore(max_sessions=max_sessions, model=model, data=data)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_exception_handler(NnmathError, _nnmath_error)
    app.add_exception_handler(Exception, _bug)
    for module in (api, teaching, transfer):
        app.include_router(module.router)
    static = resources.files("nnmath.web").joinpath("static")
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/", include_in_schema=False)
    def page():
        index = static.joinpath("index.html")
        if index.is_file():
            return FileResponse(str(index), media_type="text/html")
        return HTMLResponse("<!DOCTYPE html><title>nnmath</title><p>nnmath serve: the page "
                            "is not built yet; the API is at /docs.</p>")

    return app


def _version() -> str:
    from ..version import __version__

    return __version__


async def _nnmath_error(request: Request, exc: NnmathError) -> JSONResponse:
    return JSONResponse({"detail": one_line(exc)}, status_code=status_of(exc))


async def _bug(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": f"internal error (this is a bug): {type(exc).__name__}: "
                                   f"{one_line(exc)}"}, status_code=500)


class BodyLimit:
    """ASGI middleware: a request body of more than ``max_bytes`` gets 413 before the app
    reads it (a declared Content-Length at once, else counted while it arrives)."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            return await self._refuse(scope, receive, send)
        messages, size = [], 0
        while True:   # the body, bounded, before the app sees any of it
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                return await self._refuse(scope, receive, send)
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope, receive, send):
        detail = (f"the request body must be at most {self.max_bytes:,} bytes "
                  f"(max_upload_bytes {MAX_UPLOAD_BYTES:,}, a limit of nnmath serve, and its "
                  "multipart headers). Upload a smaller file.")
        await JSONResponse({"detail": detail}, status_code=413)(scope, receive, send)
