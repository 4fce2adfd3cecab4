"""P2, digits: scikit-learn's ``load_digits`` scaled to [0, 1] (X / 16), 64-32-10,
relu + softmax/cross-entropy, batch 32, learning rate 0.1, plain SGD, 50 epochs.

Rows in their order (no shuffling) and every peer starting from the weights the
estimator ``NNClassifier(random_state=0)`` draws, so nnmath (``Network.fit`` and the
estimator), the hand NumPy loop, PyTorch (float64) and scikit-learn take the same
steps and end at the same loss; it is printed for each.
"""

from __future__ import annotations

import warnings

import numpy as np
from bench_mlp import accuracy, cross_entropy, numpy_fit, start_weights, torch_fit
from bench_timing import Outcome

HIDDEN, LEARNING_RATE, BATCH, EPOCHS, RANDOM_STATE = 32, 0.1, 32, 50, 0


def data(n_rows=None, repeat=1):
    """X (n, 64) in [0, 1], y (n,) and one-hot T (n, 10); ``repeat`` stacks the rows."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X, y = np.tile(X / 16.0, (repeat, 1)), np.tile(y, repeat)
    if n_rows is not None:
        X, y = X[:n_rows], y[:n_rows]
    return X, y, np.eye(10)[y]


def estimator_seed() -> int:
    """The seed ``NNClassifier(random_state=0)`` gives ``Network.random`` (its first draw)."""
    return int(np.random.RandomState(RANDOM_STATE).randint(np.iinfo(np.int32).max))


def _start(X, hidden=HIDDEN):
    return start_weights([X.shape[1], hidden, 10], estimator_seed())


def nnmath_fit(X, y, T, epochs, hidden=HIDDEN):
    import nnmath

    net = nnmath.Network.random([X.shape[1], hidden, 10], activation="relu",
                                output_activation="softmax", seed=estimator_seed())
    history = net.fit(X, T, loss="cross_entropy", learning_rate=LEARNING_RATE, epochs=epochs,
                      batch_size=BATCH)
    A = net.forward(X)
    return Outcome(cross_entropy(A, T), accuracy(A, T), {"history_loss": history.loss[-1]})


def nnmath_estimator(X, y, T, epochs, hidden=HIDDEN):
    from nnmath.estimator import NNClassifier

    clf = NNClassifier(hidden_layer_sizes=(hidden,), activation="relu",
                       output_activation="softmax", loss="cross_entropy", optimizer="sgd",
                       learning_rate=LEARNING_RATE, epochs=epochs, batch_size=BATCH, alpha=0.0,
                       shuffle=False, random_state=RANDOM_STATE).fit(X, y)
    A = clf.predict_proba(X)
    return Outcome(cross_entropy(A, T), accuracy(A, T), {"loss_": clf.loss_})


def numpy_loop(X, y, T, epochs, hidden=HIDDEN):
    from bench_mlp import numpy_forward

    params, curve = numpy_fit(X, T, _start(X, hidden), LEARNING_RATE, epochs, BATCH)
    A = numpy_forward(params, X)
    return Outcome(cross_entropy(A, T), accuracy(A, T))


def torch_loop(X, y, T, epochs, hidden=HIDDEN):
    A, curve = torch_fit(X, T, _start(X, hidden), LEARNING_RATE, epochs, BATCH)
    return Outcome(cross_entropy(A, T), accuracy(A, T))


def sklearn_mlp(X, y, T, epochs, hidden=HIDDEN):
    """MLPClassifier with relu, softmax + log loss (its output for 10 classes), plain SGD
    (momentum 0), constant learning rate 0.1, batch 32, no penalty, rows in order, the same
    starting weights (set after a 1-epoch warm start). What differs: the loss it records is
    a running mean of batch losses (no pass over all rows after each epoch)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(hidden,), activation="relu", solver="sgd",
                        momentum=0.0, nesterovs_momentum=False, learning_rate_init=LEARNING_RATE,
                        batch_size=BATCH, shuffle=False, max_iter=1, alpha=0.0, tol=0.0,
                        n_iter_no_change=10**9, warm_start=True, random_state=0)
    start = _start(X, hidden)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)   # sets up classes and shapes
        clf.coefs_ = [W.copy() for W, _ in start]
        clf.intercepts_ = [b.copy() for _, b in start]
        clf.set_params(max_iter=epochs)
        clf.fit(X, y)
    A = clf.predict_proba(X)
    return Outcome(cross_entropy(A, T), accuracy(A, T), {"own_loss": clf.loss_curve_[-1]})


PEERS = {
    "nnmath Network.fit": nnmath_fit,
    "nnmath estimator": nnmath_estimator,
    "NumPy hand loop": numpy_loop,
    "scikit-learn": sklearn_mlp,
    "PyTorch f64": torch_loop,
}
NEEDS = {"scikit-learn": "sklearn", "PyTorch f64": "torch", "nnmath estimator": "sklearn"}
