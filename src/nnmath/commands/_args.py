"""Arguments that several commands share, defined once.

One meaning per option name across all commands (see the table in docs/reference/cli.md):
``--model FILE`` a model file to read; ``--data FILE`` a CSV file to read;
``--target COL`` the target column of that CSV file; ``--x V ...`` one
sample's inputs (repeat for more samples); ``--y T ...`` the target of the
``--x`` sample (numbers, or a class name); ``--output FILE`` / ``-o`` the file
to write; ``--json`` one JSON object on stdout; ``--debug`` the traceback of a bug.
"""

from __future__ import annotations


def add_model(parser) -> None:
    parser.add_argument("model", metavar="MODEL.json", help="a model file (nnmath.network/1)")


def add_step_arguments(parser, sample_note: str, learning_rate_help: str,
                       batch: bool = True, learning_rate=0.1) -> None:
    """The network and the sample of one step: ``--model FILE`` or ``--article a|b``, the
    sample (:func:`~nnmath.commands._sample.add_sample_arguments`, ``sample_note`` added to
    the help of --x), ``--loss`` and ``--learning-rate`` (default 0.1, the article's η)."""
    from ._sample import add_sample_arguments

    source = parser.add_mutually_exclusive_group()
    source.add_argument("--model", metavar="FILE", help="a JSON model file (nnmath.network/1)")
    source.add_argument("--article", choices=["a", "b"], default=None,
                        help="the article's network A (1→2 softmax, trained) or B (1-1-1)")
    add_sample_arguments(parser, sample_note, batch=batch)
    parser.add_argument("--loss", default=None,
                        help="ssr, mse, bce or cross_entropy (default: the model's, else ssr)")
    parser.add_argument("--learning-rate", type=float, default=learning_rate, metavar="ETA",
                        help=learning_rate_help)


def add_json(parser, help: str = "print one JSON object") -> None:
    """``--json``: one JSON object on stdout (``help`` says which)."""
    parser.add_argument("--json", action="store_true", help=help)


def add_threshold_and_json(parser) -> None:
    parser.add_argument("--threshold", type=float, default=None,
                        help="two classes only: predicted positive when P(positive class) >= "
                             "threshold (default 0.5)")
    add_json(parser)


def add_table_arguments(parser, init: bool = False) -> None:
    """The training table and how it is read: ``DATA.csv``, ``--target``, ``--features``,
    column roles, categories, missing values, decimals (``nnmath train``, ``nnmath cv``);
    ``init``: also ``--init MODEL.json``."""
    parser.add_argument("data", metavar="DATA.csv", help="CSV file with a header line "
                        "(- reads standard input)")
    parser.add_argument("--target", required=True, nargs="+", metavar="COL",
                        help="the target column (several: one regression output each)")
    parser.add_argument("--features", nargs="+", metavar="COL",
                        help="feature columns (default: every other column but --drop and "
                        "--id)")
    if init:
        parser.add_argument("--init", metavar="MODEL.json",
                            help="start from this model file's weights and preprocessing "
                            "(e.g. one written by nnmath new or nnmath train) instead of "
                            "random ones")
    parser.add_argument("--drop", nargs="+", metavar="COL", default=[],
                        help="columns not used")
    parser.add_argument("--id", nargs="+", metavar="COL", default=[],
                        help="row identifiers: kept out of the features, passed through to "
                        "predict's output so rows join back")
    parser.add_argument("--categorical", nargs="+", metavar="COL", default=[],
                        help="columns read as categories (one-hot) even where their values "
                        "are numbers (text columns always are)")
    parser.add_argument("--na-values", nargs="+", metavar="TEXT", default=None,
                        help="the texts that mean a missing value (default: NA N/A n/a NaN "
                        "nan null NULL ?; an empty cell always is)")
    parser.add_argument("--impute", choices=["mean", "median", "most-frequent", "drop-rows"],
                        default=None, help="missing feature cells: filled with the training "
                        "rows' mean, median or most frequent value (categories: the most "
                        "frequent), or their rows dropped (default: an error)")
    parser.add_argument("--unknown", choices=["error", "ignore"], default="error",
                        help="a category not seen in training, at predict time: an error "
                        "(default) or all zeros (recorded in the model file)")
    parser.add_argument("--decimal", choices=[".", ","], default=".",
                        help="the decimal mark of the numbers (',' for 17,99; default '.')")


def table_options(args) -> dict:
    """The keyword arguments of :func:`nnmath.datasets.load_csv` for the table options."""
    return {"na_values": args.na_values, "decimal": args.decimal, "impute": args.impute,
            "unknown": args.unknown, "categorical": args.categorical, "drop": args.drop,
            "ids": args.id}


def add_class_weight(parser) -> None:
    """``--class-weight balanced`` or ``--class-weight CLASS=W ...`` (``nnmath train``,
    ``nnmath cv``)."""
    parser.add_argument("--class-weight", nargs="+", metavar="W", default=None,
                        help="weigh each class in the loss: 'balanced' (n_rows / (n_classes "
                        "· rows of the class), from the training rows) or CLASS=WEIGHT pairs, "
                        "e.g. Cancer=3 Healthy=1 (classes not named weigh 1); recorded in "
                        "the model file")


def class_weight_option(values, data):
    """``--class-weight``'s words as ``fit_dataset``'s ``class_weight``: None,
    ``"balanced"`` or ``{class number: weight}``; a ConfigError of one line for words that
    are not that."""
    import math

    from ..errors import ConfigError, must_be

    if not values:
        return None
    if data.task != "classification":
        raise ConfigError(must_be("--class-weight", "given for a target of classes",
                                  f"a {data.task} target", "Drop --class-weight: it weighs "
                                  "the classes in the loss."))
    if list(values) == ["balanced"]:
        return "balanced"
    names = [str(c) for c in data.class_names]
    weights: dict[int, float] = {}
    for word in values:
        name, sep, text = str(word).rpartition("=")
        if not sep or not name:
            raise ConfigError(must_be("--class-weight", "balanced, or CLASS=WEIGHT pairs",
                                      word, f"For example --class-weight {names[-1]}=3 "
                                      f"{names[0]}=1."))
        if name not in names:
            import difflib

            close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
            raise ConfigError(must_be("the class of --class-weight", "one of the target's "
                                      f"classes: {', '.join(names)}", name,
                                      "Did you mean " + " or ".join(map(repr, close)) + "?"
                                      if close else "Give a class name."))
        try:
            weight = float(text)
        except ValueError:
            weight = math.nan
        if not math.isfinite(weight) or weight < 0:
            raise ConfigError(must_be(f"the weight of class {name!r} in --class-weight",
                                      "a finite number >= 0", text, f"For example {name}=3."))
        if names.index(name) in weights:
            raise ConfigError(must_be("--class-weight", "one weight per class", f"{name} "
                                      "twice", "Give each class once."))
        weights[names.index(name)] = weight
    if not any(weights.values()) and len(weights) == len(names):
        raise ConfigError(must_be("--class-weight", "at least one weight > 0", " ".join(values)))
    return weights
