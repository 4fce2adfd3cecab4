"""The data a command draws, reports or evaluates a user's model with: ``--data CSV
[--target COL]`` (the target column defaults to the one the model file records,
``target_name``), read as the model reads rows: its raw columns, its preprocessing's
missing-value texts, decimal mark and categories.

Only a model that can be the article's (one input named PSA, or no name; classes
Healthy and Cancer, or none) is drawn with the PSA data when no ``--data`` is given;
any other model needs ``--data``: a picture or a score of a user's model on the
article's 14 patients would be wrong without a word.
"""

from __future__ import annotations

from ..errors import ConfigError, must_be

__all__ = ["model_data", "transform_of", "load_for_model", "model_cells", "model_columns",
           "is_article_like"]


def model_columns(net):
    """The raw columns a model reads, in order: its preprocessing's, else its feature
    names (None: a model file that names none; every column is an input)."""
    from ..inference import preprocessing_of

    pre = preprocessing_of(net)
    if pre is not None:
        return list(pre.names)
    names = net.info.get("feature_names")
    return list(names) if names else None


def model_cells(net):
    """How a CSV file of rows is read for ``net``: its preprocessing's rules, else numbers
    only (a text or a missing cell is an error that names its line and column)."""
    from ..datasets.csvtable import Cells
    from ..inference import preprocessing_of

    pre = preprocessing_of(net)
    if pre is not None:
        return pre.cells()
    return Cells(text=False, missing_fix="Fill the cell in: the model has no fill values "
                 "(train with --impute to learn them).")


def load_for_model(path, net, target=None, min_classes: int = 1, classes=None):
    """A labelled CSV file read for ``net``: its raw columns, its target column(s) (``target``,
    a name or a list; default the ones the model file records), its task and classes."""
    from .. import datasets
    from ..inference import class_names_of, target_names_of, task_of

    targets = target if target else target_names_of(net)
    if isinstance(targets, str):
        targets = [targets]
    if not targets:
        raise ConfigError(must_be("--target", "given: the model file names no target column",
                                  None, "For example --target status."))
    task = task_of(net)
    if task == "classification":
        classes = net.info.get("class_names") or classes or list(class_names_of(net))
    else:
        classes = None
    columns = model_columns(net)
    return datasets.load_csv(path, target=targets if len(targets) > 1 else targets[0],
                             features=columns, task=task, classes=classes,
                             min_classes=min_classes, cells=model_cells(net))


def is_article_like(net) -> bool:
    """True for a model that can be the article's: one input named PSA (or not named), two
    classes Healthy and Cancer (or not named), no preprocessing and no other training data
    recorded."""
    from ..inference import task_of

    info = net.info
    if net.n_inputs != 1 or task_of(net) != "classification" or info.get("preprocessing"):
        return False
    features = [str(n).lower() for n in info.get("feature_names") or ["psa"]]
    classes = [str(c).lower() for c in info.get("class_names") or ["healthy", "cancer"]]
    target = str(info.get("target_name") or "status").lower()
    recorded = (info.get("data") or {}).get("file")
    return (features == ["psa"] and sorted(classes) == ["cancer", "healthy"]
            and target == "status" and (recorded is None or "psa" in str(recorded).lower()))


def model_data(args, net, required: bool = True):
    """``--data CSV --target COL`` loaded for ``net`` (its task, columns and class names),
    else the PSA rows for a model that can be the article's (:func:`is_article_like`);
    None if not ``required`` and there is none."""
    from .. import datasets
    from ..inference import class_names_of, task_of

    task = task_of(net)
    if args.data:
        target = args.target or None
        if not target and not net.info.get("target_name"):
            raise ConfigError(must_be("--target", "the name of one target column when --data "
                                      "is given (the model file names none)", target,
                                      "For example --target status."))
        data = load_for_model(args.data, net, target, min_classes=1)
        if task == "classification" and data.n_classes > len(class_names_of(net)):
            raise ConfigError(must_be(f"the classes in column {data.target_name!r}", "at most "
                                      f"the model's {len(class_names_of(net))}",
                                      f"{data.n_classes} classes", "Give the data the model "
                                      "was trained for."))
        return data
    if is_article_like(net):
        return datasets.psa()
    if not required:
        return None
    recorded = (net.info.get("data") or {}).get("file")
    trained = f" (it was trained on {recorded})" if recorded else ""
    what = "a regression model" if task == "regression" else \
        "a model that is not the article's" if net.n_inputs == 1 else \
        f"a model with {net.n_inputs} inputs"
    raise ConfigError(must_be("the data", f"given with --data CSV --target COL for {what}",
                              "no --data",
                              f"Give its rows{trained}: the article's PSA data is only for "
                              "the article's one-input PSA model."))


def transform_of(net, data=None):
    """The model file's preprocessing and scaling as a function of raw rows (of ``data``,
    whose category texts it reads), or None for a model that takes its rows as they are."""
    from ..inference import network_inputs, preprocessing_of, scaling_of

    if preprocessing_of(net) is None and scaling_of(net) is None:
        return None
    texts = getattr(data, "texts", None)

    def transform(X):
        return network_inputs(net, X, texts)

    return transform
