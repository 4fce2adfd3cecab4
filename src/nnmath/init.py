"""Training that starts from a model file (``nnmath train DATA.csv --init MODEL.json``).

The model's weights are the start; its preprocessing, scaling and target scaling are
kept when the model was trained (its file records a ``"training"``), so that carrying
on changes the weights only; a model that was never trained (``nnmath new``) gets them
learned from the training rows, as a fresh run would. Everything is checked against the
data first: the columns (by name and order), the categories, the classes, the number of
inputs and outputs, the output layer and loss.
"""

from __future__ import annotations

from .errors import ConfigError, must_be

__all__ = ["check_init"]


def check_init(init, data, train, n_outputs: int, output_activation: str, loss: str):
    """``(net, prepared)``: a copy of ``init`` to train on ``data`` (whose training rows are
    ``train``), and the :class:`~nnmath.workflow.Prepared` steps it trains with."""
    from .inference import preprocessing_of, scaling_of, target_scaling_of
    from .network import Network
    from .workflow import Prepared, prepare

    if not isinstance(init, Network):
        raise ConfigError(must_be("init", "a nnmath.Network (a loaded model file)", init))
    net = init.copy()
    info = init.info or {}
    trained = bool(info.get("training"))
    pre = preprocessing_of(init)
    if pre is not None:
        if list(pre.names) != list(data.feature_names):
            raise ConfigError(must_be("the data's feature columns", "the --init model's "
                                      f"columns, in order: {', '.join(pre.names)}",
                                      ", ".join(data.feature_names), "Give --features in "
                                      "that order, or --drop the other columns."))
        prepared = Prepared(pre, scaling_of(init), target_scaling_of(init))
    elif trained:
        fresh = prepare(train, scale=False, scale_target=False)
        if fresh.preprocessing is not None:
            raise ConfigError(must_be("the data for --init", "numeric columns without gaps "
                                      "(the model has no preprocessing)", "categories or "
                                      "missing values", "Start from a model trained on such "
                                      "a table, or train without --init."))
        prepared = Prepared(None, scaling_of(init), target_scaling_of(init))
    else:
        prepared = prepare(train, True, data.task == "regression" and
                           init.layers[-1].activation == "identity")
    names = info.get("feature_names")
    if pre is None and names and list(names) != list(data.feature_names):
        raise ConfigError(must_be("the data's feature columns", "the --init model's "
                                  f"feature_names, in order: {', '.join(map(str, names))}",
                                  ", ".join(data.feature_names), "Give --features in that "
                                  "order."))
    n_inputs = prepared.preprocessing.n_inputs if prepared.preprocessing is not None else \
        data.X.shape[1]
    if init.n_inputs != n_inputs:
        raise ConfigError(must_be("the --init model", f"a network of {n_inputs} inputs, one "
                                  "per input the data gives", f"{init.n_inputs} inputs"))
    if init.n_outputs != n_outputs:
        raise ConfigError(must_be("the --init model", f"a network of {n_outputs} outputs for "
                                  f"the target", f"{init.n_outputs} outputs"))
    if init.layers[-1].activation != output_activation:
        raise ConfigError(must_be("the --init model's output layer", f"{output_activation} "
                                  "(what the target and --loss ask for)",
                                  init.layers[-1].activation, "Give --output-activation "
                                  f"{init.layers[-1].activation}, or another model."))
    classes = info.get("class_names")
    if data.task == "classification" and classes and \
            [str(c) for c in classes] != list(data.class_names):
        raise ConfigError(must_be("the classes of the data", "the --init model's classes, in "
                                  f"order: {', '.join(map(str, classes))}",
                                  ", ".join(data.class_names), "Give --classes in that order."))
    if info.get("task") and info["task"] != data.task:
        raise ConfigError(must_be("the task", f"the --init model's ({info['task']})",
                                  data.task, f"Give --task {info['task']}."))
    del loss
    return net, prepared
