"""The data a command draws or reports a user's model with: ``--data CSV [--target COL]``
(the target column defaults to the one the model file records, ``target_name``)."""

from __future__ import annotations

from ..errors import ConfigError, must_be


def model_data(args, net, required: bool = True):
    """``--data CSV --target COL`` loaded for ``net`` (its task, feature and class names),
    else the PSA rows for a one-input classifier; None if not ``required`` and there is none."""
    from .. import datasets
    from ..inference import class_names_of, task_of

    task = task_of(net)
    if args.data:
        target = args.target or net.info.get("target_name")   # nnmath train records the column
        if not target or not isinstance(target, str):
            raise ConfigError(must_be("--target", "the name of one target column when --data "
                                      "is given (the model file names none)", target,
                                      "For example --target status."))
        features = net.info.get("feature_names")
        data = datasets.load_csv(args.data, target=target,
                                 features=features if features else None, task=task,
                                 classes=net.info.get("class_names") or None)
        if task == "classification" and data.n_classes > len(class_names_of(net)):
            raise ConfigError(must_be(f"the classes in column {target!r}", "at most the "
                                      f"model's {len(class_names_of(net))}", f"{data.n_classes} "
                                      "classes", "Give the data the model was trained for."))
        return data
    if net.n_inputs == 1 and task == "classification":
        return datasets.psa()
    if not required:
        return None
    if task == "regression":
        raise ConfigError(must_be("the data", "given with --data CSV --target COL for a "
                                  "regression model", "no --data", "The PSA data has classes, "
                                  "not numbers to fit."))
    raise ConfigError(must_be("the data", "given with --data CSV --target COL for a model "
                              "with more than one input", f"{net.n_inputs} inputs and no "
                              "--data", "Without --data only one-input models are drawn with "
                              "the PSA data."))


def transform_of(net):
    """The model file's stored scaling as a function of raw rows, or None."""
    from ..inference import scaling_transform

    return scaling_transform(net)   # an overflow is one clear line, not a NumPy warning
