"""The FastAPI application of ``nnmath serve``: :func:`create_app`.

Safety, stated once:

- requests whose Host header is not one of the server's own names are refused (400,
  Starlette's ``TrustedHostMiddleware``: a page on another site cannot drive this server
  through DNS rebinding);
- a request that changes state (POST, PUT, PATCH, DELETE) must prove it comes from the
  page itself (:class:`SameOrigin`, else 403): an ``Origin`` header equal to the page's
  own origin (a browser sends one with every such request, and a page on another site
  cannot forge it), or, with no ``Origin`` (a script: curl, Python), the header
  ``X-Requested-With`` (any value), which a page on another site cannot send without a
  CORS preflight that this server never answers with a permission. So a link, a form or
  a ``fetch`` on another site can neither make sessions (and evict the user's) nor change
  one;
- there is no CORS middleware, so other origins get no permission;
- every answer carries ``Content-Security-Policy`` (:data:`CSP`: scripts, styles and
  requests from this server only, no inline script unless its hash is listed (``/docs``'s
  one), no framing by any site: ``frame-ancestors 'none'``), ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``
  (:class:`SecurityHeaders`);
- request bodies are bounded (:class:`BodyLimit`), and read strictly
  (:mod:`nnmath.web.schemas`): a body that does not match gets 422, a list of
  ``{"type", "loc", "msg"}`` that never repeats the value sent (it may be NaN, which JSON
  cannot carry back);
- an :class:`~nnmath.errors.NnmathError` is a 4xx answer ``{"detail": "<the CLI's words>"}``.

Nothing is loaded from elsewhere: the API's documentation at ``/docs`` is Swagger UI
served from the package (``static/vendor/swagger-ui``), not from a CDN.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from http import HTTPStatus
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..datasets import Dataset
from ..errors import NnmathError
from ..network import Network
from . import api, compare, landscape, neurons, teaching, tour, transfer
from .limits import CHUNK_BYTES, LIMITS, LimitError
from .scratch import StoppingError
from .sessions import BusyError, SessionStore, UnknownError

__all__ = ["create_app", "LOCAL_HOSTS", "BodyLimit", "SameOrigin", "SecurityHeaders", "CSP",
           "PROOF_HEADER", "SafeJSONResponse", "status_of", "one_line"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
"""The names of this machine a browser uses for a server on the loopback interface."""
MAX_BODY = LIMITS.max_upload_bytes + CHUNK_BYTES   # an upload and its multipart headers
SWAGGER_UI = "/static/vendor/swagger-ui"
"""Where the page serves Swagger UI's files (vendored: ``/docs`` works offline)."""

PROOF_HEADER = "X-Requested-With"
"""With no ``Origin`` header, a request that changes state must carry this header (any
value): a page on another site cannot send it without a CORS preflight."""
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
"""The Content-Security-Policy of every answer (``/docs`` adds its inline script's hash)."""
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}

_STATUS = ((LimitError, 413), (UnknownError, 404), (BusyError, 409), (StoppingError, 503))


def status_of(exc: Exception) -> int:
    """413 for a limit, 404 for an unknown session or parameter, 409 busy, 503 stopping,
    else 400."""
    return next((status for kind, status in _STATUS if isinstance(exc, kind)), 400)


class SafeJSONResponse(JSONResponse):
    """JSON that never fails to be written: text with a lone surrogate (``"\\ud800"`` in
    a request's JSON, in a name) is written as a ``\\u`` escape instead of a 500."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, indent=None,
                              separators=(",", ":")).encode("ascii")


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
                  docs_url=None, redoc_url=None,   # /docs below: no CDN
                  default_response_class=SafeJSONResponse)
    app.state.store = SessionStore(max_sessions=max_sessions, model=model, data=data,
                                   max_total_bytes=max_total_bytes)
    # outermost last: SecurityHeaders → TrustedHost → SameOrigin → BodyLimit → the routes
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY)
    app.add_middleware(SameOrigin)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(NnmathError, _nnmath_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _bug)
    for module in (api, teaching, transfer, tour, landscape, compare, neurons):
        app.include_router(module.router)
    static = resources.files("nnmath.web").joinpath("static")
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI from the package's own files (FastAPI's default loads a CDN's); its
        one inline script is allowed by its hash (:data:`CSP`)."""
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title}: the API",
            swagger_js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_UI}/swagger-ui.css", swagger_favicon_url="data:,",
            swagger_ui_parameters={"validatorUrl": None})   # no call to a validator site
        page.headers["Content-Security-Policy"] = csp_with_scripts_of(bytes(page.body))
        return page

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


def csp_with_scripts_of(html: bytes) -> str:
    """:data:`CSP` with the hash of every inline ``<script>`` of ``html`` allowed."""
    inline = re.findall(rb"<script>(.*?)</script>", html, flags=re.S)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'"
                      for s in inline)
    return CSP.replace("script-src 'self'", f"script-src 'self' {hashes}".rstrip())


async def _nnmath_error(request: Request, exc: Exception) -> JSONResponse:
    """For an :class:`~nnmath.errors.NnmathError` (typed as Starlette's handlers are)."""
    return SafeJSONResponse({"detail": one_line(exc)}, status_code=status_of(exc))


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    """422 for a body, path or query that does not match the schema: where and what, as
    FastAPI says it, without the value sent (NaN or 1e309 could not be written back)."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    return SafeJSONResponse({"detail": [
        {"type": str(e.get("type", "")), "msg": str(e.get("msg", "")),
         "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())]}
        for e in errors]}, status_code=HTTPStatus.UNPROCESSABLE_ENTITY)


async def _bug(request: Request, exc: Exception) -> JSONResponse:
    return SafeJSONResponse({"detail": f"internal error (this is a bug): "
                                       f"{type(exc).__name__}: {one_line(exc)}"},
                            status_code=HTTPStatus.INTERNAL_SERVER_ERROR)


class SecurityHeaders:
    """ASGI middleware: every answer carries :data:`SECURITY_HEADERS` (an answer that
    sets its own Content-Security-Policy, ``/docs``, keeps it)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SameOrigin:
    """ASGI middleware: a request that changes state (POST, PUT, PATCH, DELETE) gets 403
    unless its ``Origin`` is the page's own (scheme, host and port of the request's Host
    header) or, with no ``Origin``, it carries :data:`PROOF_HEADER`. Nothing of the
    request is read or done before."""

    UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self.UNSAFE:
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
        origin = headers.get("origin")
        if origin is None and PROOF_HEADER in headers:
            return await self.app(scope, receive, send)
        if origin is not None and _same_origin(origin, own):
            return await self.app(scope, receive, send)
        got = "neither" if origin is None else f"the Origin {origin[:200]!r}"
        detail = ("a request that changes the server's state must come from the page itself "
                  f"(an Origin header of {own}, which the browser sends) or from a script (no "
                  f"Origin, and the header {PROOF_HEADER}: any value). Got {got}. Open the "
                  "page from this server, not from another site.")
        await SafeJSONResponse({"detail": detail}, status_code=403)(scope, receive, send)


def _same_origin(origin: str, own: str) -> bool:
    """Whether two origins (``scheme://host[:port]``) are one, the default port spelt or not.

    >>> _same_origin("http://127.0.0.1:8000", "http://127.0.0.1:8000")
    True
    >>> _same_origin("http://LOCALHOST", "http://localhost:80")
    True
    >>> [_same_origin(o, "http://127.0.0.1:8000") for o in ("null", "https://evil.example",
    ...  "http://127.0.0.1:8001", "http://127.0.0.1:8000/x", "http://127.0.0.1:99999")]
    [False, False, False, False, False]
    """
    defaults = {"http": 80, "https": 443}
    try:
        a, b = urlsplit(origin), urlsplit(own)
        if a.path or a.query or a.fragment or a.username or a.password or not a.hostname:
            return False
        return (a.scheme, a.hostname, a.port or defaults.get(a.scheme)) == \
            (b.scheme, b.hostname, b.port or defaults.get(b.scheme))
    except ValueError:   # a port that is not a number, or out of range
        return False


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
