"""``nnmath explain``: one training step, number by number."""

from __future__ import annotations

import sys

from ..errors import ConfigError, must_be
from . import COMMANDS
from ._args import add_json, add_step_arguments
from ._io import console, print_json
from ._sample import read_sample

NAME = "explain"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath explain                     # the article's step: network B, PSA 2.0, target 0
  nnmath explain --json              # the same as --format json
  nnmath explain --format html --output step.html     # a page for the browser
  nnmath explain --format markdown --output step.md   # Markdown + LaTeX (GitHub, Jupyter)
  nnmath explain --check             # finite differences beside every gradient
  nnmath explain --article a         # network A (trained) at PSA 2.0, target Healthy
  nnmath explain --article a --y Cancer    # a class name as the target
  nnmath explain --model model.json --x 2.0 --y 0 --loss ssr --learning-rate 0.1
  nnmath explain --model iris.json --x 4.5 3.0 1.5 0.2 --y setosa      # a class name
  nnmath explain --model iris.json --x 5.1 3.5 1.4 0.2 --y setosa --x 6.3 3.3 6 2.5 --y virginica
  nnmath explain --model iris.json --data iris.csv --row 3     # data row 3 and its target

--x is the raw input: a scaling stored in the model file is applied as the
first step, as 'nnmath predict' does, so the explanation's output is predict's."""

FORMATS = ("text", "markdown", "html", "json")


def add_arguments(parser) -> None:
    add_step_arguments(parser, "default 2.0 for the article",
                       learning_rate_help="gradient-descent step size η (default 0.1, the "
                       "article's; nnmath train's 0.01 is for adam)")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="text (terminal, default), markdown (LaTeX math), html (a "
                             "standalone page) or json")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write to FILE (atomically) instead of the terminal")
    parser.add_argument("--check", action="store_true",
                        help="also compute central finite differences for every parameter")
    add_json(parser, "print one JSON object (the same as --format json)")


def run(args) -> int:
    from ..trace import explain

    fmt = _format(args)
    if args.output is not None:
        from ..safefile import check_not_input

        check_not_input(args.output, {"the model file": args.model, "the data file": args.data},
                        "--output")
    net, sample, loss = _inputs(args)
    trace = explain(net, sample.X, sample.T, loss=loss, learning_rate=args.learning_rate,
                    check=args.check)
    _show(trace, fmt, args.output)
    return 0


def _show(trace, fmt: str, output) -> None:
    if output is not None:
        from ..safefile import write_atomic

        write_atomic(output, _render(trace, fmt))
        if fmt != "json":
            console().print(f"wrote the {fmt} explanation to {output}")
        return
    if fmt == "json":
        print_json(trace.to_dict())
    elif fmt == "text":
        from ..render.text import trace_view

        console().print(trace_view(trace))
    else:
        sys.stdout.write(_render(trace, fmt))


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
    """The network, the sample (raw X and targets T) and the loss that ``explain`` was asked
    about."""
    from ..article import PSA_TEST, network_a_trained, network_b

    if args.model:
        from ..modelfile import load

        net = load(args.model)
        sample = read_sample(args, net)
        if sample is None:
            raise ConfigError(must_be("the sample", "given with --model: --x V ... --y T ..., "
                                      "or --data FILE --row N", "neither", "For example --x "
                                      f"{' '.join(['1.0'] * net.n_inputs)} --y "
                                      f"{' '.join(['0'] * net.n_outputs)}."))
        return net, sample, args.loss or net.info.get("loss", "ssr")
    if args.data:
        raise ConfigError(must_be("--data", "given with --model FILE", args.data,
                                  "The article's networks are explained at PSA 2.0."))
    # The article's networks: PSA in, Healthy (class 0) or Cancer (class 1) out.
    if args.article == "a":
        net, target, loss = network_a_trained(), [1.0, 0.0], "cross_entropy"
    else:
        net, target, loss = network_b(), [0.0], "ssr"
    net.info = {**net.info, "feature_names": ["PSA"], "class_names": ["Healthy", "Cancer"]}
    sample = read_sample(args, net, default_x=[PSA_TEST], default_y=[str(t) for t in target])
    return net, sample, args.loss or loss
