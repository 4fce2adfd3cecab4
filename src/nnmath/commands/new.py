"""``nnmath new``: write a new model file from layer sizes, activations and chosen weights.

The article's network B in one line::

    nnmath new 1 1 1 --set W1=0.5 b1=0 W2=-1 b2=0 -o b.json

``SIZES`` are ``n_inputs hidden... n_outputs`` (as in :meth:`nnmath.Network.random`).
Every weight not given with ``--set`` is drawn as ``Network.random(sizes, seed=SEED)``
draws it (Glorot uniform; He uniform for relu); every bias not given is 0. A value
is a number, which fills the whole parameter, or JSON shaped like it: ``W`` is a list
of ``n_in`` rows of ``n_out`` numbers (``W[i][j]`` joins input ``i`` to neuron ``j``),
``b`` a list of ``n_out`` numbers. The file is built, read back with the model-file
loader's own checks, and only then written (atomically); a bad command line writes
nothing.
"""

from __future__ import annotations

import json

from ..errors import ConfigError, must_be
from . import COMMANDS
from ._args import add_json
from ._io import print_json, say

NAME = "new"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath new 1 1 1 --set W1=0.5 b1=0 W2=-1 b2=0 -o b.json     # the article's network B
  nnmath new 1 2 --output-activation softmax --set 'W1=[[-1.5, 1.24]]' 'b1=[2.88, -2.88]' \\
      --class-names Healthy Cancer --feature-names psa --loss cross_entropy -o a.json
  nnmath new 2 3 1 --activation tanh --seed 1                 # random weights: print the JSON

SIZES: the number of inputs, the neurons of each hidden layer, the number of
outputs. Names: W1, b1 for layer 1, W2, b2 for layer 2, ... ; W1 has one row per
input and one column per neuron of layer 1 (W[i][j] joins input i to neuron j).
A number fills the whole parameter (W1=0.5); else give JSON of its shape
('W1=[[0.5, -1.0]]' for 1 input and 2 neurons; quote it for the shell). Weights
not given: random (seed 0 by default, as Network.random draws them); biases: 0.
Without -o the model file is printed. Then: nnmath summary FILE, nnmath explain
--model FILE ..."""

def add_arguments(parser) -> None:
    from ..activations import ACTIVATIONS
    from ..losses import LOSSES

    parser.add_argument("sizes", nargs="+", type=int, metavar="SIZES",
                        help="n_inputs, the neurons of each hidden layer, n_outputs "
                             "(e.g. 1 1 1: the article's network B)")
    parser.add_argument("--activation", default="sigmoid", choices=sorted(ACTIVATIONS),
                        metavar="NAME", help="hidden layers, and the output layer unless "
                        "--output-activation: sigmoid, tanh, relu or identity (default "
                        "sigmoid, the article's; train's default is relu)")
    parser.add_argument("--output-activation", choices=sorted(ACTIVATIONS), metavar="NAME",
                        help="the output layer: sigmoid, softmax, identity, tanh or relu "
                             "(default: --activation)")
    parser.add_argument("--set", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                        help="parameters to set: W1=0.5 (fills W1), 'W1=[[0.5, -1.0]]', b1=0, "
                             "...; the others are random (weights) or 0 (biases)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the weights not set (default 0)")
    parser.add_argument("--loss", choices=list(LOSSES), metavar="NAME",
                        help="store the loss the model is meant for: ssr, mse, bce or "
                             "cross_entropy (must fit the output activation)")
    parser.add_argument("--task", choices=["classification", "regression"],
                        help="store the task (default: none stored; nnmath then reads a "
                             "sigmoid or softmax output as a classifier)")
    parser.add_argument("--feature-names", nargs="+", metavar="NAME",
                        help="one name per input (predict --data finds the columns by them)")
    parser.add_argument("--class-names", nargs="+", metavar="NAME",
                        help="one name per output (two for one sigmoid output: class 0, "
                             "then class 1, the positive class)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the model file here (atomically); default: print it")
    add_json(parser, "print one JSON object (the model itself without -o)")


def run(args) -> int:
    from ..checks import check_seed
    from ..modelfile import FORMAT, from_dict, to_dict
    from ..network import Network

    sizes = _check_sizes(args.sizes)
    activations = _activations(sizes, args.activation, args.output_activation)
    net = Network.random(sizes, activation=args.activation,
                         output_activation=activations[-1], seed=check_seed(args.seed, "--seed"))
    given = _parameters(args.set, net)
    for name, value in given.items():
        net.params()[name][...] = value
    net.info = _info(args, net)
    data = to_dict(net)
    text = model_text(data)
    from_dict(json.loads(text), source="the new model")   # what is written must load
    if args.output:
        from ..safefile import write_atomic

        write_atomic(args.output, text)
    if args.json:
        print_json(data if not args.output else {
            "output": args.output, "format": FORMAT, "sizes": sizes,
            "activations": activations, "n_params": net.n_params(),
            "set": list(given), "random": [n for n in net.params() if n not in given
                                           and n.startswith("W")], "seed": args.seed})
    elif args.output:
        shape = "-".join(map(str, sizes))
        random = [n for n in net.params() if n not in given and n.startswith("W")]
        say(f"wrote {args.output}: network {shape} ({', '.join(activations)}), "
            f"{net.n_params()} parameters"
            + (f"; random weights (seed {args.seed}): {', '.join(random)}" if random else "")
            + f"\nnext: nnmath summary {args.output}")
    else:
        print(text, end="")
    return 0


def model_text(data: dict) -> str:
    """A model file's JSON laid out for people: a layer per block, a row of ``W`` per line.

    >>> print(model_text({"format": "nnmath.network/1", "layers": [
    ...     {"activation": "tanh", "W": [[0.5, -1.0], [0.25, 2.0]], "b": [0.0, 0.0]},
    ...     {"activation": "sigmoid", "W": [[1.0], [-1.0]], "b": [0.0]}],
    ...     "feature_names": ["psa", "age"]}), end="")
    {
     "format": "nnmath.network/1",
     "layers": [
      {"activation": "tanh",
       "W": [[0.5, -1.0],
             [0.25, 2.0]],
       "b": [0.0, 0.0]},
      {"activation": "sigmoid",
       "W": [[1.0],
             [-1.0]],
       "b": [0.0]}
     ],
     "feature_names": ["psa", "age"]
    }
    """
    def dumps(value):
        return json.dumps(value, allow_nan=False, ensure_ascii=False)

    layers = []
    for layer in data["layers"]:
        rows = (",\n" + " " * 9).join(dumps(row) for row in layer["W"])
        layers.append(f'  {{"activation": {dumps(layer["activation"])},\n'
                      f'   "W": [{rows}],\n   "b": {dumps(layer["b"])}}}')
    items = [f' "format": {dumps(data["format"])}',
             ' "layers": [\n' + ",\n".join(layers) + "\n ]"]
    items += [f" {dumps(key)}: {dumps(value)}" for key, value in data.items()
              if key not in ("format", "layers")]
    return "{\n" + ",\n".join(items) + "\n}\n"


def _check_sizes(sizes) -> list:
    if len(sizes) < 2:
        raise ConfigError(must_be("SIZES", "at least two numbers: the inputs, then the "
                                  "outputs (hidden layers between)", " ".join(map(str, sizes)),
                                  "For example: nnmath new 1 1 1 (the article's network B)."))
    bad = [n for n in sizes if n < 1]
    if bad:
        raise ConfigError(must_be("every size", "a positive whole number (inputs and neurons "
                                  "per layer)", bad[0]))
    from ..network import check_sizes

    return check_sizes(sizes)   # the limits of every network, before any array is made


def _activations(sizes, hidden, output) -> list:
    output = output or hidden
    if hidden == "softmax" and len(sizes) > 2:
        raise ConfigError(must_be("--activation", "sigmoid, tanh, relu or identity: it is the "
                                  "hidden layers' activation", "softmax", "softmax must be used "
                                  "on the output layer only: give --output-activation softmax."))
    if output == "softmax" and sizes[-1] < 2:
        raise ConfigError(must_be("the number of softmax outputs", "2 or more (a single "
                                  "softmax output is always 1)", sizes[-1],
                                  "Use --output-activation sigmoid for one output, or 2 "
                                  "outputs with softmax."))
    return [hidden] * (len(sizes) - 2) + [output]


def _parameters(settings, net) -> dict:
    """``{name: array}`` from ``["W1=0.5", "b1=[0, 1]", ...]``, checked against ``net``."""
    import numpy as np

    params = net.params()
    given = {}
    for setting in settings:
        name, sep, text = setting.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ConfigError(must_be("--set", "NAME=VALUE", setting, "For example W1=0.5 or "
                                      "'W1=[[0.5, -1.0]]'."))
        if name not in params:
            fix = f"Parameter names are {', '.join(params)} (W1 and b1: layer 1, ...)."
            if name[:1] in "wB" and name[1:] and name[0].swapcase() + name[1:] in params:
                fix = f"Write {name[0].swapcase() + name[1:]}: weights are capital W, " \
                      "biases small b."
            raise ConfigError(must_be("the parameter name", "one of " + ", ".join(params),
                                      name, fix))
        if name in given:
            raise ConfigError(must_be(f"{name}", "set once", "two values for it",
                                      "Give each parameter one --set value."))
        given[name] = np.broadcast_to(_value(name, text, params[name].shape),
                                      params[name].shape).copy()
    return given


def _value(name, text, shape):
    """A number (fills the parameter) or nested lists of exactly ``shape``."""
    import numpy as np

    from ..checks import is_number

    example = _example(name, shape)
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError, RecursionError):
        try:
            value = float(text)     # ".5", "1." and friends: numbers, though not JSON
        except ValueError:
            raise ConfigError(must_be(f"the value of {name}", "a number or JSON lists of "
                                      "numbers", text, f"For example {example}.")) from None
    if _number(value):
        if not is_number(value):   # inf, or an int beyond the largest float
            raise ConfigError(must_be(f"{name}", "finite numbers", text))
        return float(value)
    if len(shape) == 2:
        n_in, n_out = shape
        ok = (isinstance(value, list) and len(value) == n_in and
              all(isinstance(row, list) and len(row) == n_out and all(map(_number, row))
                  for row in value))
        constraint = (f"{n_in} row(s) (one per input of the layer) of {n_out} number(s) (one "
                      "per neuron), or one number for all")
    else:
        (n_out,) = shape
        ok = isinstance(value, list) and len(value) == n_out and all(map(_number, value))
        constraint = f"a list of {n_out} number(s) (one per neuron), or one number for all"
    if not ok:
        raise ConfigError(must_be(name, constraint, text, f"For example {example}."))
    if not all(map(is_number, value if len(shape) == 1 else sum(value, []))):
        raise ConfigError(must_be(f"{name}", "finite numbers", text))
    return np.array(value, dtype=np.float64)


def _number(v) -> bool:
    """A JSON number, finite or not (``checks.is_number`` also asks for finite: a
    non-finite value has a message of its own)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _no_constant(name):
    raise ValueError(name)      # NaN, Infinity: not numbers a model file may hold


def _example(name, shape) -> str:
    if len(shape) == 2:
        row = ", ".join(["0.5", "-1.0", "0.25"][:shape[1]] + ["..."] * (shape[1] > 3))
        rows = ", ".join([f"[{row}]"] * min(shape[0], 2) + ["..."] * (shape[0] > 2))
        return f"'{name}=[{rows}]'"
    return f"'{name}=[{', '.join(['0.0'] * min(shape[0], 3) + ['...'] * (shape[0] > 3))}]'"


def _info(args, net) -> dict:
    """The optional keys: task, loss, feature_names, class_names (checked here)."""
    from ..modelfile import check_info

    info = {}
    output = net.layers[-1].activation
    classifier = output in ("sigmoid", "softmax")
    if args.task:
        if args.task == "classification" and not classifier:
            raise ConfigError(must_be("a classifier's output layer", "sigmoid or softmax "
                                      "(its outputs are the class probabilities)", output,
                                      "Give --output-activation softmax (or sigmoid for one "
                                      "output), or --task regression."))
        info["task"] = args.task
    if args.loss:
        from ..losses import check_pair

        check_pair(output, args.loss)
        info["loss"] = args.loss
    if args.feature_names:
        if len(args.feature_names) != net.n_inputs or len(set(args.feature_names)) != \
                len(args.feature_names):
            raise ConfigError(must_be("--feature-names", f"{net.n_inputs} distinct name(s), "
                                      "one per input", " ".join(args.feature_names)))
        info["feature_names"] = list(args.feature_names)
    if args.class_names:
        if args.task == "regression" or not classifier:
            raise ConfigError(must_be("--class-names", "given for a classifier only (a "
                                      "sigmoid or softmax output layer)",
                                      f"an {output} output layer" if output[0] in "aeiou"
                                      else f"a {output} output layer",
                                      "Give --output-activation softmax, or drop "
                                      "--class-names."))
        n = 2 if net.n_outputs == 1 else net.n_outputs
        if len(args.class_names) != n or len(set(args.class_names)) != n:
            one = " (one sigmoid output: class 0, then class 1)" if net.n_outputs == 1 else ""
            raise ConfigError(must_be("--class-names", f"{n} distinct names, one per "
                                      f"class{one}", " ".join(args.class_names)))
        info["class_names"] = list(args.class_names)
    check_info(info, net, "")
    return info
