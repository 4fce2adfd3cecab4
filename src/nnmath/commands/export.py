"""``nnmath export``: a model file as a PyTorch (torch.export) or ONNX file."""

from __future__ import annotations

from . import COMMANDS
from ._args import add_json, add_model
from ._io import print_json, say

NAME = "export"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath export model.json --to torch --output model.pt2
  nnmath export model.json --to onnx --output model.onnx

In Python:  torch.export.load("model.pt2").module()(x)  or
            onnxruntime.InferenceSession("model.onnx").run(None, {"X": x})
give nnmath predict's outputs for raw inputs x: the whole stored pipeline is in the graph
(preprocessing, scaling, and a regression target's scaling at the end). A model with
categorical columns takes, in torch, each category as its index in the model file's
"categories" (nnmath.interop.torch.category_codes) and NaN for a missing cell; in ONNX,
one input per column, named as the column, the categories as text
(nnmath.interop.onnx.onnx_inputs).
needs: pip install 'nnmath[torch]' or 'nnmath[onnx]'"""


def add_arguments(parser) -> None:
    add_model(parser)
    parser.add_argument("--to", required=True, choices=["torch", "onnx"],
                        help="torch: a torch.export file (.pt2: torch.export.load, no nnmath needed); "
                             "onnx: an ONNX graph (onnxruntime and other runtimes)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the file to write (replaced atomically)")
    parser.add_argument("--dtype", choices=["float32", "float64"], default=None,
                        help="torch: default the model's own (float64); onnx: default float32")
    add_json(parser)


def run(args) -> int:
    from ..modelfile import load
    from ..safefile import check_not_input, check_writable

    check_not_input(args.output, {"the model file": args.model})
    check_writable(args.output)
    net = load(args.model)
    if args.to == "torch":
        from ..interop.torch import save_exported, torch

        dtype = None if args.dtype is None else getattr(torch, args.dtype)
        save_exported(net, args.output, dtype)
    else:
        import numpy as np

        from ..interop.onnx import to_onnx

        to_onnx(net, args.output, np.dtype(args.dtype or "float32"))
    sizes = "-".join(map(str, net.sizes)) if len(net.sizes) <= 12 else \
        f"{'-'.join(map(str, net.sizes[:3]))}-…-{net.sizes[-1]} ({len(net.layers):,} layers)"
    steps = [name for name, key in (("preprocessing", "preprocessing"), ("scaling", "scaling"),
                                    ("target scaling", "target_scaling")) if net.info.get(key)]
    unseen = _unseen(net)
    if args.json:
        print_json({"output": args.output, "to": args.to, "sizes": net.sizes,
                    "scaling": bool(net.info.get("scaling")),
                    "preprocessing": bool(net.info.get("preprocessing")),
                    "target_scaling": bool(net.info.get("target_scaling")),
                    **({"unseen_category": unseen} if unseen else {})})
    else:
        note = ""
        if steps == ["scaling"]:
            note = " (the stored scaling is its first step)"
        elif steps:
            note = f" (the stored {', '.join(steps)} are in the graph)"
        say(f"wrote {args.output}: network {sizes} as "
            f"{'torch.export' if args.to == 'torch' else 'ONNX'}{note}")
        if unseen == "nan":
            say("note: a graph cannot raise an error: a row with a category not seen in "
                "training, which predict refuses (--unknown error), gives NaN outputs")
        elif unseen == "zeros":
            say("note: a category not seen in training is all zeros in the graph, as predict "
                "does (--unknown ignore)")
    return 0


def _unseen(net) -> str | None:
    """What the graph does with a category not seen in training: ``"nan"`` (the model
    refuses it: --unknown error), ``"zeros"`` (--unknown ignore), None (no categories)."""
    from ..inference import preprocessing_of

    pre = preprocessing_of(net)
    if pre is None or not pre.categorical:
        return None
    return "zeros" if pre.unknown == "ignore" else "nan"
