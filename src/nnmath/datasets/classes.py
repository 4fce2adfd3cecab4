"""The order of a target's classes, and which of two is the positive class.

Class ``i`` is the ``i``-th class name. Of two classes, class 1 (the second)
is the **positive class**: the one sensitivity, precision and the ROC curve
are about. :func:`order_classes` puts it last: the class the user names
(``nnmath train --positive``), else the one that is not named like "nothing
found" (:data:`NEGATIVE_NAMES`), else the second in sorted order.
"""

from __future__ import annotations

from ..errors import DataError, must_be

__all__ = ["NEGATIVE_NAMES", "order_classes"]

NEGATIVE_NAMES = frozenset({
    "0", "-1", "no", "n", "false", "f", "negative", "neg", "healthy", "normal", "benign",
    "control", "none", "absent", "clean", "ham", "legit", "legitimate", "good", "ok", "pass",
    "off", "not spam", "non-spam"})
"""Class names (compared in lower case) that mean "nothing found": the negative class."""


def order_classes(names, positive=None, given=False) -> list:
    """Class names in label order, the positive class last when there are two.

    ``positive`` names the positive class (two classes only); ``given`` says
    the order was given by the user (``--classes``), which is then kept unless
    ``positive`` asks otherwise.

    >>> order_classes(["Cancer", "Healthy"])
    ['Healthy', 'Cancer']
    >>> order_classes(["no", "yes"]), order_classes(["0", "1"]), order_classes(["a", "b"])
    (['no', 'yes'], ['0', '1'], ['a', 'b'])
    >>> order_classes(["Cancer", "Healthy"], positive="Healthy")
    ['Cancer', 'Healthy']
    """
    names = [str(n) for n in names]
    if positive is not None:
        positive = str(positive)
        if len(names) != 2:
            raise DataError(must_be("--positive", "given for a target with two classes",
                                    positive, f"The target has {len(names)} classes "
                                    f"({', '.join(names[:10])}); drop --positive."))
        if positive not in names:
            raise DataError(must_be("the positive class", "one of the classes "
                                    + " or ".join(repr(n) for n in names), positive))
        if given and names[-1] != positive:
            raise DataError(must_be("--positive", f"the last of --classes ({names[-1]!r}), "
                                    "the positive class", positive, "Give one of the two, "
                                    "or list the positive class last."))
        return [n for n in names if n != positive] + [positive]
    if given or len(names) != 2:
        return names
    negative = [n.strip().lower() in NEGATIVE_NAMES for n in names]
    if negative == [False, True]:   # e.g. sorted (Cancer, Healthy): Healthy is class 0
        return names[::-1]
    return names
