"""The ``nnmath`` command: thin, parse -> call the library -> print.

Every command that reports numbers takes ``--json`` and then prints one JSON
object on stdout and nothing else. Bad input (an :class:`NnmathError`): one
line on stderr, exit code 2. A bug: one line, exit code 1, the traceback only
with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

from .commands import COMMANDS, module_of
from .errors import NnmathError


class _Parser(argparse.ArgumentParser):
    """argparse, with one-line errors (exit 2) instead of usage + message, and every
    option by its full name only (no prefixes: ``--output`` is not ``--output-dir``).

    Negative numbers in any float spelling (``-1e-3``, ``-inf``) are values,
    not options: ``--x -1e-3`` works (plain argparse reads only ``-1`` and ``-.5``).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(
            r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE)

    def error(self, message):
        sys.stderr.write(_one_line(f"{self.prog}: error: {message}. "
                                   f"Run '{self.prog} --help' for the options and an "
                                   "example.") + "\n")
        raise SystemExit(2)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``nnmath`` parser. Every command is listed (:data:`~nnmath.commands.COMMANDS`);
    only ``command``'s module is imported and given its options, or every module's with
    ``command=None`` (what ``nnmath --help`` needs is the list alone: see :func:`main`)."""
    parser = _Parser(prog="nnmath",
                     description="The math of small neural networks, exact and explained.",
                     epilog="example:\n  nnmath demo\n  nnmath explain --json",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_line in COMMANDS.items():
        if command is None or name == command:
            _add_command(sub, importlib.import_module(f".commands.{module_of(name)}",
                                                      __package__))
        else:
            sub.add_parser(name, help=help_line)
    return parser


def _add_command(sub, module) -> None:
    command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP,
                             epilog=module.EXAMPLE,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    module.add_arguments(command)
    # --debug after the sub-command too (`nnmath plot ... --debug`); SUPPRESS keeps a
    # --debug given before it
    command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                         help="show the full traceback of an unexpected error")
    command.set_defaults(run=module.run)


def _chosen(argv) -> str | None:
    """The command named in ``argv`` (its first word that is not an option), or None."""
    words = [w for w in argv if not w.startswith("-")]
    return words[0] if words and words[0] in COMMANDS else None


def _version() -> str:
    from .version import __version__

    return f"nnmath {__version__}"


def entry(argv=None) -> None:
    """The ``nnmath`` program (the console script and ``python -m nnmath``).

    Ctrl-C at any moment gives one line on stderr and exit code 130
    (:mod:`nnmath.interrupt` says how); otherwise the exit code is :func:`main`'s.
    """
    from . import interrupt

    interrupt.install()   # before anything heavy is imported
    try:
        code = main(argv)
    except SystemExit as exc:   # argparse: --help, --version, a usage error
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            sys.stderr.write(f"{exc.code}\n")
    except BaseException:
        # Before main could say so (while the commands are imported): a Ctrl-C, or what
        # one turned into (NumPy's C code makes an ImportError of it). Else a bug.
        if not (interrupt.SEEN or sys.exc_info()[0] is KeyboardInterrupt):
            raise
        code = None
    stopped = interrupt.exit_code()
    if code is None or (interrupt.SEEN and code != stopped):   # and a signal Python swallowed
        sys.stderr.write(f"nnmath: {interrupt.what()}\n")
        code = stopped
    interrupt.exit_now(code)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_chosen(argv) or "")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from . import interrupt
    from .kernelcache import announce_compiles

    # the kernel's one-time compile gets a line on stderr, in a terminal (as the progress
    # bar: piped or logged, stderr holds nothing but an error line, if any)
    announce_compiles(sys.stderr.isatty())
    try:
        return args.run(args)
    except KeyboardInterrupt as exc:     # Ctrl-C, or SIGTERM (interrupt.Terminated)
        sys.stderr.write(f"nnmath {args.command}: {interrupt.what(exc)}\n")
        return interrupt.exit_code(exc)
    except Exception as exc:
        if interrupt.SEEN:   # e.g. an ImportError that a Ctrl-C caused: not the cause
            sys.stderr.write(f"nnmath {args.command}: {interrupt.what()}\n")
            return interrupt.exit_code()
        if isinstance(exc, NnmathError):
            sys.stderr.write(f"nnmath {args.command}: error: {_one_line(exc)}\n")
            return 2
        if args.debug:   # a bug: say so, briefly
            raise
        sys.stderr.write(f"nnmath {args.command}: internal error (this is a bug): "
                         f"{type(exc).__name__}: {_one_line(exc)}. "
                         "Run again with --debug for the traceback.\n")
        return 1
    finally:
        announce_compiles(False)


def _one_line(exc) -> str:
    """The message on one line, any control character in it (a name, a file name) shown as
    its escape, never sent to the terminal (:func:`nnmath.textsafe.visible`)."""
    from .textsafe import visible

    return visible(" ".join(str(exc).split()))
