"""The optional keys of a model file, checked when the file is read.

``nnmath.network/1`` allows further top-level keys beside ``format`` and
``layers``. Those nnmath itself reads are checked here, against the network
they describe, so that a hand-edited file fails at once with a message that
names the key (instead of deep inside ``predict``)::

    task           "classification" or "regression"
    loss           a loss name that fits the output layer ("bce" needs sigmoid, ...)
    feature_names  a list of n_inputs distinct strings
    class_names    a list of distinct names: n_outputs of them (2 for one output)
    positive_class two classes: the name of class 1 (the second class name), the class
                   that sensitivity, precision and the ROC curve are about
    target_name    a string
    scaling        {"method": "standard", "mean": [...], "std": [...]}, n_inputs each
    training       an object (the settings training ran with; free-form)
    history        the loss (and metrics) after each epoch, as ``nnmath train`` records
                   it (:meth:`nnmath.history.History.record`; checked by ``History.from_dict``)

Any other key is kept as it is.

>>> from nnmath import Dense, Network
>>> net = Network([Dense(W=[[1.0, -1.0]], b=[0.0, 0.0], activation="softmax")])
>>> check_info({"class_names": ["Healthy", "Cancer"], "feature_names": ["psa"]}, net)
>>> check_info({"class_names": ["Healthy"]}, net)
Traceback (most recent call last):
...
nnmath.errors.ModelFileError: "class_names" must be a list of 2 distinct names, one per output of the network. Got '["Healthy"]'.
"""

from __future__ import annotations

from .errors import ModelFileError, NnmathError, must_be

__all__ = ["check_info", "KNOWN_KEYS"]

KNOWN_KEYS = ("task", "loss", "feature_names", "class_names", "positive_class", "target_name",
              "scaling", "training", "history")


def check_info(info: dict, net, where: str = "") -> None:
    """Raise :class:`ModelFileError` if a known optional key does not fit ``net``."""
    from .modelfile import _got

    def fail(key, constraint, value, fix=""):
        raise ModelFileError(where + must_be(f'"{key}"', constraint, _got(value), fix))

    task = info.get("task")
    if "task" in info and task not in ("classification", "regression"):
        fail("task", "'classification' or 'regression'", task)
    if "loss" in info:
        _check_loss(info["loss"], net, fail, where)
    if "feature_names" in info:
        names = info["feature_names"]
        if not _names(names, str) or len(names) != net.n_inputs:
            fail("feature_names", f"a list of {net.n_inputs} distinct strings, one per input "
                 "of the network", names)
    if "class_names" in info and task != "regression":
        names = info["class_names"]
        n = 2 if net.n_outputs == 1 else net.n_outputs
        if not _names(names, (str, int)) or len(names) != n:
            fail("class_names", f"a list of {n} distinct names, one per output of the network"
                 + (" (one output: the classes 0 and 1)" if net.n_outputs == 1 else ""), names)
    if "positive_class" in info:
        _check_positive(info, net, fail)
    if "target_name" in info and not isinstance(info["target_name"], str):
        fail("target_name", "a string", info["target_name"])
    if "scaling" in info:
        _check_scaling(info["scaling"], net, where)
    if "training" in info and not isinstance(info["training"], dict):
        fail("training", "an object", info["training"])
    if "history" in info:
        from .history import History

        try:
            History.from_dict(info["history"])
        except NnmathError as exc:
            raise ModelFileError(where + str(exc)) from None


def _check_positive(info, net, fail) -> None:
    positive = info["positive_class"]
    if info.get("task") == "regression" or net.n_outputs > 2:
        fail("positive_class", "given for a model with two classes only", positive,
             "Remove the key.")
    names = [str(n) for n in info.get("class_names") or ("0", "1")]
    if str(positive) != names[1]:
        fail("positive_class", f"the second class name {names[1]!r} (class 1 is the positive "
             "class)", positive, "List the positive class last in \"class_names\".")


def _names(names, kinds) -> bool:
    return (isinstance(names, list)
            and all(isinstance(n, kinds) and not isinstance(n, bool) for n in names)
            and len({str(n) for n in names}) == len(names))


def _check_loss(loss, net, fail, where) -> None:
    from .losses import LOSSES, check_pair

    if not isinstance(loss, str) or loss not in LOSSES:
        fail("loss", "one of " + ", ".join(map(repr, LOSSES)), loss)
    try:
        check_pair(net.layers[-1].activation, loss)
    except NnmathError as exc:
        raise ModelFileError(f'{where}"loss": {exc}') from None


def _check_scaling(data, net, where) -> None:
    from .datasets.scaling import Scaling

    try:
        scaling = Scaling.from_dict(data)
    except NnmathError as exc:
        raise ModelFileError(where + str(exc)) from None
    if scaling.mean.shape[0] != net.n_inputs:
        raise ModelFileError(where + must_be(
            '"scaling"', f"a mean and std for each of the {net.n_inputs} inputs",
            f"{scaling.mean.shape[0]} values"))
