"""The ``nnmath`` command: thin, parse -> call the library -> print.

Every command that reports numbers takes ``--json`` and then prints one JSON
object on stdout and nothing else. Bad input: one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from .errors import ConfigError, NnmathError

EXAMPLES = {
    "demo": "example:\n  nnmath demo              # the whole article, in the terminal\n"
            "  nnmath demo --json       # every number as one JSON object",
    "explain": "examples:\n  nnmath explain                                   "
               "# the article's step (network B, PSA 2.0, target 0)\n"
               "  nnmath explain --json\n"
               "  nnmath explain --article a                       "
               "# network A's step for PSA 2.0\n"
               "  nnmath explain --model model.json --x 2.0 --target 0 --loss ssr "
               "--learning-rate 0.1",
}


class _Parser(argparse.ArgumentParser):
    """argparse, with one-line errors (exit 2) instead of usage + message."""

    def error(self, message):
        fix = " Run 'nnmath --help' for the options." if self.prog == "nnmath" else \
            f" Run '{self.prog} --help' for the options and an example."
        sys.stderr.write(f"{self.prog}: error: {message}.{fix}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nnmath", description="The math of small neural networks, exact "
                     "and explained.", epilog="example:\n  nnmath demo",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser("demo", help="the article end to end: both networks, every number",
                          epilog=EXAMPLES["demo"],
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("--epochs", type=int, default=None,
                      help="epochs for network B's training over all rows (default 2000)")
    demo.add_argument("--json", action="store_true", help="print one JSON object")

    ex = sub.add_parser("explain", help="one training step, number by number",
                        epilog=EXAMPLES["explain"],
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ex.add_mutually_exclusive_group()
    src.add_argument("--model", metavar="FILE", help="a JSON model file (nnmath.network/1)")
    src.add_argument("--article", choices=["a", "b"], default=None,
                     help="the article's network A (1→2 softmax, trained) or B (1-1-1)")
    ex.add_argument("--x", nargs="+", type=float, metavar="V",
                    help="input values of one sample (default 2.0 for the article)")
    ex.add_argument("--target", nargs="+", type=float, metavar="T",
                    help="target values, one per output (default: healthy)")
    ex.add_argument("--loss", default=None,
                    help="ssr, mse, bce or cross_entropy (default: the model's, else ssr)")
    ex.add_argument("--learning-rate", type=float, default=0.1, metavar="ETA",
                    help="gradient-descent step size η (default 0.1)")
    ex.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _version() -> str:
    from . import __version__

    return f"nnmath {__version__}"


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return {"demo": cmd_demo, "explain": cmd_explain}[args.command](args)
    except NnmathError as exc:
        sys.stderr.write(f"nnmath {args.command}: error: {_one_line(exc)}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("nnmath: interrupted\n")
        return 130
    except Exception as exc:  # a bug: say so, briefly
        if args.debug:
            raise
        sys.stderr.write(f"nnmath {args.command}: internal error (this is a bug): "
                         f"{type(exc).__name__}: {_one_line(exc)}. "
                         "Run again with --debug for the traceback.\n")
        return 1


def _one_line(exc) -> str:
    return " ".join(str(exc).split())


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, allow_nan=False) + "\n")


def _console():
    from rich.console import Console

    return Console(highlight=False)


def cmd_demo(args) -> int:
    from .article import B_EPOCHS, run_article

    epochs = B_EPOCHS if args.epochs is None else args.epochs
    if epochs < 1:
        raise ConfigError(f"--epochs must be at least 1. Got {epochs}. For example --epochs 2000.")
    if args.json:
        _print_json(run_article(epochs_b=epochs).to_dict())
        return 0
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, \
        TimeRemainingColumn

    from .render.text import article_view

    console = _console()
    with Progress(TextColumn("network B, per-sample training"), BarColumn(),
                  MofNCompleteColumn(), TextColumn("epochs · loss {task.fields[loss]}"),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task("train", total=epochs, loss="…")

        def report(epoch, history):
            if epoch % 20 == 0 or epoch == epochs:
                progress.update(task, completed=epoch, loss=f"{history.loss[-1]:.6g}")

        run = run_article(epochs_b=epochs, callbacks_b=(report,))
    for part in article_view(run):
        console.print(part)
        console.print()
    return 0


def cmd_explain(args) -> int:
    from .trace import explain

    net, x, target, loss = _explain_inputs(args)
    trace = explain(net, x, target, loss=loss, learning_rate=args.learning_rate)
    if args.json:
        _print_json(trace.to_dict())
        return 0
    from .render.text import trace_view

    _console().print(trace_view(trace))
    return 0


def _explain_inputs(args):
    """The network, x, target and loss that ``explain`` was asked about."""
    from .article import PSA_TEST, network_a, network_b

    if args.model:
        from .modelfile import load

        net = load(args.model)
        if args.x is None or args.target is None:
            raise ConfigError("--x and --target must be given with --model. Got "
                              f"--x {args.x} --target {args.target}. For example "
                              f"--x {' '.join(['1.0'] * net.n_inputs)} "
                              f"--target {' '.join(['0'] * net.n_outputs)}.")
        return net, args.x, args.target, args.loss or net.info.get("loss", "ssr")
    if args.article == "a":
        from . import datasets

        net = network_a()
        data = datasets.psa()
        from .article import A_LEARNING_RATE, A_MAX_EPOCHS, A_PATIENCE, A_TOL

        net.fit(data.X, data.targets(2), loss="cross_entropy", learning_rate=A_LEARNING_RATE,
                epochs=A_MAX_EPOCHS, batch_size=None, tol=A_TOL, patience=A_PATIENCE)
        return (net, args.x or [PSA_TEST], args.target or [1.0, 0.0],
                args.loss or "cross_entropy")
    return network_b(), args.x or [PSA_TEST], args.target or [0.0], args.loss or "ssr"
