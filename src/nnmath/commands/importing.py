"""``nnmath import``: a PyTorch model (a torch.export file) as an nnmath model file."""

from __future__ import annotations

from . import COMMANDS
from ._args import add_json
from ._io import print_json, say

NAME = "import"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath import model.pt2 --output model.json
  nnmath explain --model model.json --x 2.0 --y 0

The file is PyTorch's exported program of the model:
  torch.export.save(torch.export.export(model.eval(), (x,)), "model.pt2")
whose forward is Linear layers, each followed by at most one of Sigmoid, Tanh, ReLU or
Softmax(dim=-1) (a leading (x - mean) / std is kept as the model's scaling), float32 or
float64, one input (n_samples, n_features), one output.

Importing is reading, never running: nnmath opens the archive itself (never
torch.export.load, which may unpickle parts of it and so run code), reads the graph
as JSON and the weights as raw numbers, and refuses any pickled member, and any
archive that unpacks to more than 64 MB. The sample inputs (a pickle) are never read.
needs: pip install 'nnmath[torch]'"""


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE.pt2", help="a torch.export file")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the model file to write (nnmath.network/1, replaced atomically)")
    parser.add_argument("--features", nargs="+", metavar="NAME", default=None,
                        help="one name per input (stored as feature_names)")
    parser.add_argument("--classes", nargs="+", metavar="NAME", default=None,
                        help="one name per output class (stored as class_names)")
    add_json(parser)


def run(args) -> int:
    from ..safefile import check_not_input, check_writable

    check_not_input(args.output, {"the torch.export file": args.file})
    check_writable(args.output)
    from ..interop.torch import load_exported

    info = {key: value for key, value in (("feature_names", args.features),
                                          ("class_names", args.classes)) if value}
    net = load_exported(args.file, info)
    net.save(args.output)
    if args.json:
        print_json({"output": args.output, "sizes": net.sizes,
                    "activations": [layer.activation for layer in net.layers]})
    else:
        say(f"wrote {args.output}: network {'-'.join(map(str, net.sizes))} "
            f"({', '.join(layer.activation for layer in net.layers)})")
    return 0
