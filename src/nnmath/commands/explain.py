"""``nnmath explain``: one training step, number by number."""

from __future__ import annotations

import sys

from ..errors import ConfigError
from ._io import console, print_json

NAME = "explain"
HELP = "one training step, number by number"
EXAMPLE = """examples:
  nnmath explain                     # the article's step: network B, PSA 2.0, target 0
  nnmath explain --json              # the same as --format json
  nnmath explain --format html --output step.html     # a page for the browser
  nnmath explain --format markdown --output step.md   # Markdown + LaTeX (GitHub, Jupyter)
  nnmath explain --check             # finite differences beside every gradient
  nnmath explain --article a         # network A (trained) at PSA 2.0, target Healthy
  nnmath explain --model model.json --x 2.0 --target 0 --loss ssr --learning-rate 0.1"""

FORMATS = ("text", "markdown", "html", "json")


def add_arguments(parser) -> None:
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--model", metavar="FILE", help="a JSON model file (nnmath.network/1)")
    src.add_argument("--article", choices=["a", "b"], default=None,
                     help="the article's network A (1→2 softmax, trained) or B (1-1-1)")
    parser.add_argument("--x", nargs="+", type=float, metavar="V",
                        help="input values of one sample (default 2.0 for the article)")
    parser.add_argument("--target", nargs="+", type=float, metavar="T",
                        help="target values, one per output (default: healthy)")
    parser.add_argument("--loss", default=None,
                        help="ssr, mse, bce or cross_entropy (default: the model's, else ssr)")
    parser.add_argument("--learning-rate", type=float, default=0.1, metavar="ETA",
                        help="gradient-descent step size η (default 0.1)")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="text (terminal, default), markdown (LaTeX math), html (a "
                             "standalone page) or json")
    parser.add_argument("--output", metavar="FILE",
                        help="write to FILE (atomically) instead of the terminal")
    parser.add_argument("--check", action="store_true",
                        help="also compute central finite differences for every parameter")
    parser.add_argument("--json", action="store_true", help="print one JSON object "
                        "(the same as --format json)")


def run(args) -> int:
    from ..trace import explain

    fmt = _format(args)
    net, x, target, loss = _inputs(args)
    trace = explain(net, x, target, loss=loss, learning_rate=args.learning_rate,
                    check=args.check)
    if args.output:
        from ..modelfile import write_atomic

        write_atomic(args.output, _render(trace, fmt))
        if fmt != "json":
            console().print(f"wrote the {fmt} explanation to {args.output}")
        return 0
    if fmt == "json":
        print_json(trace.to_dict())
    elif fmt == "text":
        from ..render.text import trace_view

        console().print(trace_view(trace))
    else:
        sys.stdout.write(_render(trace, fmt))
    return 0


def _format(args) -> str:
    if args.json and args.format not in (None, "json"):
        raise ConfigError(f"--json and --format {args.format} must not be combined. Got both. "
                          "Use --format json, or drop --json.")
    return "json" if args.json else (args.format or "text")


def _render(trace, fmt: str) -> str:
    if fmt == "json":
        from ..render.json_view import render_json

        return render_json(trace, indent=1) + "\n"
    if fmt == "markdown":
        from ..render.markdown import render_markdown

        return render_markdown(trace)
    if fmt == "html":
        from ..render.html import render_html

        return render_html(trace)
    from ..render.text import render_text

    return render_text(trace, width=100)


def _inputs(args):
    """The network, x, target and loss that ``explain`` was asked about."""
    from ..article import PSA_TEST, network_a_trained, network_b

    if args.model:
        from ..modelfile import load

        net = load(args.model)
        if args.x is None or args.target is None:
            raise ConfigError("--x and --target must be given with --model. Got "
                              f"--x {args.x} --target {args.target}. For example "
                              f"--x {' '.join(['1.0'] * net.n_inputs)} "
                              f"--target {' '.join(['0'] * net.n_outputs)}.")
        return net, args.x, args.target, args.loss or net.info.get("loss", "ssr")
    if args.article == "a":
        return (network_a_trained(), args.x or [PSA_TEST], args.target or [1.0, 0.0],
                args.loss or "cross_entropy")
    return network_b(), args.x or [PSA_TEST], args.target or [0.0], args.loss or "ssr"
