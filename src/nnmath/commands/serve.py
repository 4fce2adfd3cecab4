"""``nnmath serve``: the local page where the article comes alive (a FastAPI app on uvicorn).

The page is bound to 127.0.0.1 unless ``--host`` says otherwise (then a warning); the
first line on stdout is its URL; Ctrl-C stops it with one more line and exit code 0
(SIGTERM as well, with exit code 143, as every nnmath command). A request under way is
let finish (each is bounded: :mod:`nnmath.web.limits`), and a line on stderr says so; a
second Ctrl-C (or SIGTERM) stops at once, as quietly: the requests cut short are not
reported, and their temporary folders are removed (:mod:`nnmath.web.scratch`).
"""

from __future__ import annotations

import logging
import signal
import socket
import sys

from ..errors import ConfigError, must_be
from . import COMMANDS

NAME = "serve"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath serve                       # http://127.0.0.1:8000/ : the article's network B on PSA
  nnmath serve --port 8765 --open    # another port, and open it in the browser
  nnmath serve --model model.json    # every new tab starts with this model
  nnmath serve --model model.json --data data.csv   # ... on its data (a regression model,
                                                    # or one of more than two inputs)
  nnmath serve --port 0              # any free port (the URL line says which)

The page runs on this machine only: --host 0.0.0.0 makes it reachable from others (a
warning says so). Ctrl-C stops the server."""

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_arguments(parser) -> None:
    parser.add_argument("--port", type=int, default=8000,
                        help="the TCP port, 0 to 65535 (default 8000; 0: any free port)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--open", action="store_true", help="open the page in the browser")
    parser.add_argument("--model", metavar="FILE",
                        help="a JSON model file (nnmath.network/1) every new session starts with")
    parser.add_argument("--data", metavar="FILE",
                        help="a CSV file every new session starts with (with --model: its data; "
                             "needed for a regression model or one of more than two inputs)")
    parser.add_argument("--target", metavar="COL",
                        help="the target column of --data (default: the one the model file "
                             "records)")


def run(args) -> int:
    if not 0 <= args.port <= 65535:
        raise ConfigError(must_be("--port", "a port number from 0 to 65535", args.port,
                                  "For example --port 8000 (0: any free port)."))
    from ..optional import require

    require("fastapi", "nnmath serve")
    uvicorn = require("uvicorn", "nnmath serve")
    model, data = _model_and_data(args)
    from ..web.app import LOCAL_HOSTS, create_app

    app = create_app(model=model, data=data,
                     allowed_hosts=LOCAL_HOSTS + _own_names(args.host))
    sock = _listen(args.host, args.port)
    url = _url(args.host, sock.getsockname()[1])
    if args.host not in LOOPBACK:
        sys.stderr.write(f"nnmath serve: warning: --host {args.host} makes the page reachable "
                         "from other machines, and anyone who reaches it can use it. Use the "
                         "default 127.0.0.1 unless you mean it.\n")
    _serve(uvicorn, app, sock, url, args.open)
    print("nnmath serve: stopped", flush=True)
    return 0


def _model_and_data(args) -> tuple:
    """``--model`` and ``--data`` read as ``nnmath report`` reads them, and checked now:
    a session made of them at once, or the one-line error before the server starts."""
    from ..errors import NnmathError
    from ..web.sessions import Session

    model = data = None
    if args.model:
        from ..modelfile import load
        from ._data import model_data

        model = load(args.model)
        data = model_data(args, model, required=False) if args.data else None
    elif args.data:
        from .. import datasets

        if not args.target:
            raise ConfigError("--data needs --target COL, the name of its target column "
                              "(without --model, no model file names one). For example "
                              "--target status.")
        data = datasets.load_csv(args.data, target=args.target)
    if data is not None:   # as an upload's
        from ..web.limits import check_limit

        check_limit(len(data), "max_rows", "the rows of --data",
                    "Give the page fewer rows (nnmath train takes any number).")
    try:
        Session("check", {}, None if model is None else model.copy(), data)
    except NnmathError as exc:
        if model is None or data is not None:
            raise
        raise ConfigError(f"{exc} To start with the model's own data, give --data CSV (and "
                          "--target COL if the model file names no target column).") from None
    return model, data


def _serve(uvicorn, app, sock, url: str, open_browser: bool) -> None:
    """Serve until Ctrl-C. The URL line is printed once the server accepts requests (a
    script may wait for it); a Ctrl-C from then on stops it gracefully (uvicorn's handler:
    the requests under way finish first, and a line on stderr says so), a second one at
    once; the one uvicorn raises again afterwards is noted here instead of nnmath's.
    However it stops, no temporary folder of a request is left."""
    from ..web.scratch import SCRATCH

    stopped: list[int] = []

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            print(f"nnmath serve: {url} (Ctrl-C stops it)", flush=True)
            if open_browser:
                import threading
                import webbrowser

                threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
            if stopped:   # a Ctrl-C before uvicorn listened for it
                self.should_exit = True

        def handle_exit(self, sig, frame):
            if self.should_exit:   # a second Ctrl-C or SIGTERM: stop now, quietly
                self.force_exit = True
                # the requests cut short end in CancelledError: expected, not reported
                logging.getLogger("uvicorn.error").disabled = True
            super().handle_exit(sig, frame)

        async def shutdown(self, sockets=None):
            busy = len(self.server_state.tasks)
            if busy and not self.force_exit:
                sys.stderr.write(f"nnmath serve: stopping when the {busy} request(s) under "
                                 "way end (Ctrl-C again stops at once)\n")
                sys.stderr.flush()
            await super().shutdown(sockets=sockets)

    previous = signal.signal(signal.SIGINT, lambda signum, frame: stopped.append(signum))
    try:
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        Server(config).run(sockets=[sock])
    finally:
        signal.signal(signal.SIGINT, previous)
        sock.close()
        SCRATCH.close()   # a request cut short: its folder goes now, its thread with us


def _own_names(host: str) -> tuple:
    """The Host names the server answers to besides the loopback ones: ``host`` itself,
    and for every interface (0.0.0.0, ::) this machine's names."""
    names = [host.strip("[]"), f"[{host.strip('[]')}]" if ":" in host else host]
    if host in ("0.0.0.0", "::", ""):
        names += [socket.gethostname(), socket.getfqdn()]
        try:   # and its addresses, as another machine on the network types them
            names += socket.gethostbyname_ex(socket.gethostname())[2]
        except OSError:
            pass
    return tuple(dict.fromkeys(n.lower() for n in names if n))


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or a ConfigError that says why not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
            sock.listen(128)
        except OSError:
            sock.close()
            raise
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"cannot listen on {host}:{port}: {reason}. Choose another --port "
                          "(or --port 0 for any free one) or --host.") from None
    return sock


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
    return f"http://{shown}:{port}/"
