"""The fast paths give the readable engine's numbers (nnmath.fastpath, nnmath.kernels).

Each case trains two copies of one network, one on the readable engine
(``engine="readable"``), one on a fast path, and compares the parameters and the
History: 1e-12 in float64 (the paths differ only in the order of a few sums), 1e-5
relative in float32.

The grids are made from the registries (``ACTIVATIONS``, ``LOSSES``, ``OPTIMIZERS``):
every registered name runs on every engine, and gives the readable engine's numbers,
computed by the fast path when it implements the name, by the readable engine it falls
back to when not. A name added to a registry is in the grids without a line changed
here; ``test_a_newly_registered_part_runs_on_the_readable_engine`` adds one of each.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnmath import Dense, Network, datasets
from nnmath.activations import ACTIVATIONS, Activation
from nnmath.errors import ConfigError, TrainingError
from nnmath.fastpath import (
    KERNEL_PARTS,
    KERNEL_STEP_WORK,
    NUMPY_PARTS,
    BatchLoop,
    KernelRun,
    Parts,
    check_engine,
    choose_engine,
)
from nnmath.losses import LOSSES, Loss, check_pair
from nnmath.optimizers import OPTIMIZERS as OPTIMIZER_CLASSES
from nnmath.optimizers import SGD, Adam, Momentum
from nnmath.training import train

FAST = ["python", "numba", "numpy", "auto"]


def _fits(output: str, loss: str) -> bool:
    try:
        check_pair(output, loss)
    except ConfigError:
        return False
    return True


# every elementwise activation as a hidden layer (softmax is for the output only)
HIDDEN = [name for name, g in ACTIVATIONS.items() if g.elementwise]
# every output with every loss that fits it
HEADS = [(output, loss) for output in ACTIVATIONS for loss in LOSSES if _fits(output, loss)]
RATES = {"sgd": 0.1, "momentum": 0.02, "adam": 0.01}   # a rate that trains, for each
OPTIMIZERS = [(name, RATES.get(name, 0.01)) for name in OPTIMIZER_CLASSES]


def _data(rng, n, n_in, n_out, output, loss, dtype=np.float64):
    X = rng.normal(size=(n, n_in)).astype(dtype)
    if loss == "cross_entropy":
        T = np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, n)]
    elif loss == "bce":
        T = rng.integers(0, 2, (n, n_out)).astype(dtype)
    else:
        T = rng.uniform(0, 1, (n, n_out)).astype(dtype)
    return X, T


def _net(rng, sizes, hidden, output, dtype=np.float64):
    activations = [hidden] * (len(sizes) - 2) + [output]
    return Network([Dense(n_in, n_out, activation, rng=rng, dtype=dtype)
                    for n_in, n_out, activation in zip(sizes[:-1], sizes[1:], activations)])


def _assert_same(net_a, hist_a, net_b, hist_b, rtol=1e-12, atol=1e-12):
    for name, p in net_a.params().items():
        q = net_b.params()[name]
        assert q.dtype == p.dtype, name
        np.testing.assert_allclose(q, p, rtol=rtol, atol=atol, err_msg=f"{name}: readable vs fast")
    np.testing.assert_allclose(hist_b.loss, hist_a.loss, rtol=rtol, atol=atol)
    np.testing.assert_allclose(hist_b.val_loss, hist_a.val_loss, rtol=rtol, atol=atol)
    assert hist_b.metrics.keys() == hist_a.metrics.keys()
    for name in hist_a.metrics:
        np.testing.assert_allclose(hist_b.metrics[name], hist_a.metrics[name], rtol=rtol, atol=atol)
    assert (hist_b.epochs, hist_b.stop_reason, hist_b.initial_loss, hist_b.settings,
            hist_b.loss_kind) == \
           (hist_a.epochs, hist_a.stop_reason, hist_a.initial_loss, hist_a.settings,
            hist_a.loss_kind)


def _both(engine, net, X, T, **options):
    a, b = net.copy(), net.copy()
    hist_a = a.fit(X, T, engine="readable", **options)
    hist_b = b.fit(X, T, engine=engine, **options)
    return a, hist_a, b, hist_b


def _grid():
    """A seeded grid: every head and hidden activation, optimizer, batch size, shuffle,
    alpha, over random shapes (one to three layers)."""
    rng = np.random.default_rng(12)
    cases = []
    for (output, loss), hidden, (optimizer, lr) in itertools.product(HEADS, HIDDEN, OPTIMIZERS):
        depth = int(rng.integers(1, 4))
        sizes = [int(s) for s in rng.integers(1, 5, depth + 1)]
        if output == "softmax" or loss == "cross_entropy":
            sizes[-1] = max(sizes[-1], 2)
        batch_size = [1, 3, None][int(rng.integers(0, 3))]
        shuffle = bool(rng.integers(0, 2))
        alpha = [0.0, 0.01][int(rng.integers(0, 2))]
        cases.append((sizes, hidden, output, loss, optimizer, lr, batch_size, shuffle, alpha))
    return cases


@pytest.mark.parametrize("epoch_loss", ["exact", "running"])
@pytest.mark.parametrize("engine", FAST)
@pytest.mark.parametrize("case", _grid(), ids=lambda c: "-".join(map(str, c)).replace(" ", ""))
def test_fast_paths_give_the_readable_numbers(engine, case, epoch_loss):
    sizes, hidden, output, loss, optimizer, lr, batch_size, shuffle, alpha = case
    rng = np.random.default_rng(len(str(case)))
    net = _net(rng, sizes, hidden, output)
    X, T = _data(rng, 7, sizes[0], sizes[-1], output, loss)
    _assert_same(*_both(engine, net, X, T, loss=loss, learning_rate=lr, epochs=4,
                        batch_size=batch_size, shuffle=shuffle, seed=3, optimizer=optimizer,
                        alpha=alpha, epoch_loss=epoch_loss))


@pytest.mark.parametrize("engine", FAST)
@pytest.mark.parametrize("options", [
    dict(tol=1e-3, patience=2),                                   # the kernel's tol rule
    dict(callbacks=[lambda epoch, history: epoch == 5]),          # epoch by epoch
    dict(metrics=["accuracy"], validation_fraction=0.25, early_stopping=True, patience=2),
], ids=["tol", "callback", "validation"])
@pytest.mark.parametrize("epoch_loss", ["exact", "running"])
def test_the_epoch_end_is_the_readable_one(engine, options, epoch_loss):
    rng = np.random.default_rng(5)
    net = _net(rng, [3, 5, 2], "tanh", "softmax")
    X, T = _data(rng, 20, 3, 2, "softmax", "cross_entropy")
    _assert_same(*_both(engine, net, X, T, loss="cross_entropy", learning_rate=0.5, epochs=30,
                        batch_size=4, shuffle=True, seed=1, optimizer="momentum",
                        epoch_loss=epoch_loss, **options))


@pytest.mark.parametrize("engine", FAST)
def test_the_optimizer_keeps_its_state_across_runs(engine):
    # one Adam object over two fits: its m, s and t carry over on every path
    rng = np.random.default_rng(2)
    net = _net(rng, [2, 3, 1], "relu", "identity")
    X, T = _data(rng, 9, 2, 1, "identity", "mse")
    nets, opts = [net.copy(), net.copy()], [Adam(0.01), Adam(0.01)]
    for _ in range(2):
        for copy, opt, eng in zip(nets, opts, ["readable", engine]):
            copy.fit(X, T, loss="mse", epochs=3, batch_size=2, optimizer=opt, engine=eng)
    assert opts[1].t == opts[0].t
    for name, p in nets[0].params().items():
        np.testing.assert_allclose(nets[1].params()[name], p, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("epoch_loss", ["exact", "running"])
@pytest.mark.parametrize("engine", FAST)
def test_divergence_is_the_same_error_with_the_same_parameters_kept(engine, epoch_loss):
    data = datasets.psa()
    X, T = data.X, data.targets(1)
    errors, nets = [], []
    for eng in ["readable", engine]:
        net = Network([Dense(W=[[3.0]], b=[0.0], activation="relu"),
                       Dense(W=[[3.0]], b=[0.0], activation="identity")])
        with pytest.raises(TrainingError) as caught:
            net.fit(X, T, loss="ssr", learning_rate=5.0, epochs=50, engine=eng,
                    epoch_loss=epoch_loss)
        errors.append(str(caught.value))
        nets.append(net)
    assert errors[1] == errors[0]
    for name, p in nets[0].params().items():
        np.testing.assert_allclose(nets[1].params()[name], p, rtol=1e-12)


@pytest.mark.parametrize("output, loss", HEADS)
def test_float32_stays_float32_on_the_numpy_path(output, loss):
    rng = np.random.default_rng(7)
    net = _net(rng, [6, 8, 3], "relu", output, dtype=np.float32)
    X, T = _data(rng, 40, 6, 3, output, loss, dtype=np.float32)
    for epoch_loss in ("exact", "running"):
        a, hist_a, b, hist_b = _both("numpy", net, X, T, loss=loss, learning_rate=0.1,
                                     epochs=3, batch_size=8, shuffle=True, seed=0,
                                     optimizer="adam", alpha=0.1, epoch_loss=epoch_loss)
        _assert_same(a, hist_a, b, hist_b, rtol=1e-5, atol=1e-6)
    assert all(p.dtype == np.float32 for p in b.params().values())


@pytest.mark.parametrize("engine", ["auto", "readable", *FAST])
def test_the_article_run_on_every_path(engine):
    # network B: 1-1-1 sigmoid, ssr, per-sample SGD, 14 rows in order, 2000 epochs
    data = datasets.psa()
    net = Network([Dense(W=[[0.5]], b=[0.0]), Dense(W=[[-1.0]], b=[0.0])])
    history = net.fit(data.X, data.targets(1), loss="ssr", learning_rate=0.1, epochs=2000,
                      engine=engine)
    right = int(np.sum((net.forward(data.X)[:, 0] >= 0.5) == (data.y == 1)))
    assert (round(history.loss[-1], 5), right) == (0.06443, 11)
    assert isinstance(history.loss[0], float) and len(history.loss) == 2000


@pytest.fixture
def numba_state(monkeypatch):
    """Set what loading the compiled kernel costs here: "fresh" (numba installed, not
    loaded, warm cache), "cold" (empty cache), "compiled" (in this process), "missing"."""
    from nnmath import fastpath

    def set_state(state):
        loads = {"fresh": fastpath.NUMBA_IMPORT, "cold": fastpath.NUMBA_IMPORT +
                 fastpath.NUMBA_COMPILE, "compiled": 0.0, "missing": None}
        monkeypatch.setattr(fastpath, "_numba_load", lambda: loads[state])
        monkeypatch.setattr(fastpath, "_compiled_here", lambda: state == "compiled")
        monkeypatch.setattr(fastpath, "_SPENT_PLAIN", [0.0])
    monkeypatch.delenv("NNMATH_ENGINE", raising=False)
    set_state("fresh")
    return set_state


def test_which_path_a_job_takes(monkeypatch, numba_state):
    tiny = _net(np.random.default_rng(0), [1, 1, 1], "sigmoid", "sigmoid")
    wide = _net(np.random.default_rng(0), [64, 32, 10], "relu", "softmax")
    opt = SGD(0.1)
    assert choose_engine(tiny, "ssr", opt, 14, 1, 2000, (print,)) == "readable"  # batch losses
    assert choose_engine(wide, "cross_entropy", opt, 1797, 32, 50) == "numpy"
    assert 32 * wide.n_params() > KERNEL_STEP_WORK
    assert choose_engine(tiny, "ssr", opt, 14, 1, 2000, engine="readable") == "readable"
    assert choose_engine(tiny, "ssr", opt, 14, 1, 2000) == "python"   # P1: never the compiler
    monkeypatch.setenv("NNMATH_ENGINE", "readable")
    assert choose_engine(tiny, "ssr", opt, 14, 1, 2000) == "readable"
    assert choose_engine(tiny, "ssr", opt, 14, 1, 2000, engine="numpy") == "numpy"


def test_a_wrong_engine_is_a_clear_error(monkeypatch):
    with pytest.raises(ConfigError, match="engine must be one of 'auto', 'readable'"):
        check_engine("fast")
    monkeypatch.setenv("NNMATH_ENGINE", "turbo")
    with pytest.raises(ConfigError, match="NNMATH_ENGINE must be one of"):
        train(Network.random([1, 1], seed=0), [[1.0]], [[0.0]])


def test_the_kernel_compiled_mid_run_gives_the_same_bits():
    # KernelRun(mode="kernel") starts in plain Python and compiles after COMPILE_AFTER
    # seconds: no number moves
    rng = np.random.default_rng(4)
    net = _net(rng, [2, 3, 2], "sigmoid", "softmax")
    X, T = _data(rng, 6, 2, 2, "softmax", "cross_entropy")
    order = np.arange(6)
    plain, switched = net.copy(), net.copy()
    whole = KernelRun(plain, X, T, "cross_entropy", Momentum(0.1), 2, 0.01, mode="python")
    losses = whole.epochs(6, order)[0]
    halves = KernelRun(switched, X, T, "cross_entropy", Momentum(0.1), 2, 0.01, mode="python")
    first = halves.epochs(3, order)[0]
    halves.compile_after = 0.0                          # as once COMPILE_AFTER has passed
    second = halves.epochs(3, order)[0]
    assert halves.kernel is not None and halves.python is None
    assert first + second == losses
    for name, p in plain.params().items():
        assert switched.params()[name].tobytes() == p.tobytes(), name


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("optimizer, lr", OPTIMIZERS)
def test_the_numpy_loop_gives_the_readable_bits(head, optimizer, lr):
    # BatchLoop: the readable engine's operations in the same order; the parameters as
    # views of one vector (plain SGD in two calls) change no bit of any number
    output, loss = head
    rng = np.random.default_rng(9)
    net = _net(rng, [3, 6, 4, 3], "relu", output)
    X, T = _data(rng, 45, 3, 3, output, loss)
    a, hist_a, b, hist_b = _both("numpy", net, X, T, loss=loss, learning_rate=lr, epochs=3,
                                 batch_size=8, shuffle=True, seed=1, optimizer=optimizer,
                                 alpha=0.01)
    for name, p in a.params().items():
        assert b.params()[name].tobytes() == p.tobytes(), name
    assert (hist_b.initial_loss, hist_b.loss) == (hist_a.initial_loss, hist_a.loss)


def test_the_numpy_loop_reads_the_layers_each_epoch():
    # a callback that sets the weights between epochs is seen by the next epoch (the loop
    # copies the parameters in when an epoch starts), on the NumPy loop as on the readable
    rng = np.random.default_rng(10)
    net = _net(rng, [3, 5, 2], "tanh", "softmax")
    X, T = _data(rng, 30, 3, 2, "softmax", "cross_entropy")

    results = []
    for engine in ("readable", "numpy"):
        copy = net.copy()
        results.append((copy, copy.fit(X, T, loss="cross_entropy", learning_rate=0.1, epochs=3,
                                        batch_size=4, engine=engine,
                                        callbacks=[lambda e, h, c=copy: _halve(c)])))
    for name, p in results[0][0].params().items():
        assert results[1][0].params()[name].tobytes() == p.tobytes(), name
    assert results[1][1].loss == results[0][1].loss


def _halve(net):
    for layer in net.layers:
        layer.W *= 0.5


def test_the_grids_hold_every_registered_name():
    # the grids are the registries: nothing registered is left untested on any engine
    assert {hidden for hidden in HIDDEN} | {output for output, _ in HEADS} == set(ACTIVATIONS)
    assert {loss for _, loss in HEADS} == set(LOSSES)
    assert {name for name, _ in OPTIMIZERS} == set(OPTIMIZER_CLASSES)


# -- a part no fast path knows: the readable engine's numbers on every engine --------------

class LeakyRelu(Activation):
    r"""``g(z) = z`` for ``z > 0``, else ``0.01 z``; ``g'(z) = 1`` or ``0.01``."""

    name = "leaky_relu"

    def forward(self, z):
        return np.where(z > 0, z, 0.01 * z)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, 0.01)


class LogCosh(Loss):
    r"""``l = sum_j log cosh(y_hat_j - t_j)``, ``dl/dy_hat_j = tanh(y_hat_j - t_j)``."""

    name = "log_cosh"

    def per_sample(self, y_hat, T):
        return np.sum(np.log(np.cosh(y_hat - T)), axis=1)

    def sample_gradient(self, y_hat, T):
        return np.tanh(y_hat - T)


class Nesterov(Momentum):
    """Nesterov momentum (PyTorch's form): ``v <- mu v + g``, ``W <- W - lr (g + mu v)``."""

    name = "nesterov"

    def step(self, params, grads):
        for name, p in params.items():
            v = self.mu * self.velocity.get(name, 0.0) + grads[name]
            self.velocity[name] = v
            p -= self.learning_rate * (grads[name] + self.mu * v)


NEW_PARTS = {   # what is registered, and a job that uses it (hidden, output, loss, optimizer)
    "activation": (ACTIVATIONS, LeakyRelu(), ("leaky_relu", "identity", "mse", "sgd")),
    "loss": (LOSSES, LogCosh(), ("tanh", "identity", "log_cosh", "sgd")),
    "optimizer": (OPTIMIZER_CLASSES, Nesterov, ("tanh", "identity", "mse", "nesterov")),
}


@pytest.mark.parametrize("engine", FAST)
@pytest.mark.parametrize("part", list(NEW_PARTS))
def test_a_newly_registered_part_runs_on_the_readable_engine(monkeypatch, engine, part):
    # Registered (for this test only), the part is one the engine runs anywhere; no fast
    # path has code for it, so each falls back to the readable engine, bit for bit. Before
    # the fast paths checked their parts by name, the NumPy loop took leaky_relu and
    # log_cosh for the identity and the ssr-like shortcut, and the kernel raised KeyError.
    registry, value, (hidden, output, loss, optimizer) = NEW_PARTS[part]
    monkeypatch.setitem(registry, value.name, value)
    monkeypatch.delenv("NNMATH_ENGINE", raising=False)
    rng = np.random.default_rng(21)
    net = _net(rng, [3, 6, 2], hidden, output)
    X, T = _data(rng, 40, 3, 2, output, loss)
    opt = OPTIMIZER_CLASSES[optimizer](0.05)
    # enough work for "auto" to pick the kernel, were the part one it knows
    assert 40 * 40 * net.n_params() >= 50_000 and 4 * net.n_params() <= 256
    assert choose_engine(net, loss, opt, 40, 4, 40, engine=engine) == "readable"
    a, hist_a, b, hist_b = _both(engine, net, X, T, loss=loss, learning_rate=0.05, epochs=40,
                                 batch_size=4, shuffle=True, seed=2, optimizer=optimizer)
    for name, p in a.params().items():
        assert b.params()[name].tobytes() == p.tobytes(), name
    assert (hist_b.initial_loss, hist_b.loss) == (hist_a.initial_loss, hist_a.loss)
    # and the part did change the numbers: the same job with a built-in in its place differs
    builtin = {"activation": ("relu", "identity", "mse", "sgd"),
               "loss": ("tanh", "identity", "mse", "sgd"),
               "optimizer": ("tanh", "identity", "mse", "momentum")}[part]
    other = _net(np.random.default_rng(21), [3, 6, 2], builtin[0], builtin[1])
    hist_c = other.fit(X, T, loss=builtin[2], learning_rate=0.05, epochs=40, batch_size=4,
                       shuffle=True, seed=2, optimizer=builtin[3], engine="readable")
    assert hist_c.loss != hist_a.loss


@pytest.mark.parametrize("path, parts", [(KernelRun, KERNEL_PARTS), (BatchLoop, NUMPY_PARTS)])
def test_a_fast_path_refuses_what_it_does_not_implement(monkeypatch, path, parts):
    # the last guard, behind choose_engine: built directly, a path names the part it lacks
    monkeypatch.setitem(ACTIVATIONS, "leaky_relu", LeakyRelu())
    rng = np.random.default_rng(3)
    net = _net(rng, [2, 3, 1], "leaky_relu", "identity")
    X, T = _data(rng, 5, 2, 1, "identity", "mse")
    assert parts.unknown(net, "mse", SGD(0.1)) == "activation 'leaky_relu' (layer 1)"
    with pytest.raises(ConfigError, match="has no code for the activation 'leaky_relu'"):
        path(net, X, T, "mse", SGD(0.1), 2, 0.0)


def test_a_users_own_part_is_not_a_registered_one(monkeypatch, numba_state):
    # a user's Activation object, or a subclass of a built-in optimizer under its name, is
    # not the registry's part, whatever its name: readable
    monkeypatch.delenv("NNMATH_ENGINE", raising=False)

    class MySigmoid(type(ACTIVATIONS["sigmoid"])):
        pass

    class MySGD(SGD):
        pass

    rng = np.random.default_rng(0)
    own = Network([Dense(1, 1, MySigmoid(), rng=rng), Dense(1, 1, "sigmoid", rng=rng)])
    plain = _net(rng, [1, 1, 1], "sigmoid", "sigmoid")
    assert choose_engine(plain, "ssr", SGD(0.1), 14, 1, 2000) == "python"
    for engine in FAST:
        assert choose_engine(own, "ssr", SGD(0.1), 14, 1, 2000, engine=engine) == "readable"
        assert choose_engine(plain, "ssr", MySGD(0.1), 14, 1, 2000, engine=engine) == "readable"


def test_a_forced_engine_falls_back_to_the_next_path_that_knows_the_job(monkeypatch,
                                                                       numba_state):
    monkeypatch.delenv("NNMATH_ENGINE", raising=False)
    tiny = _net(np.random.default_rng(0), [1, 1, 1], "sigmoid", "sigmoid")
    f32 = tiny.astype("float32")
    for engine in ("numba", "python"):
        assert choose_engine(tiny, "ssr", SGD(0.1), 14, 1, 2000, engine=engine) == engine
        assert choose_engine(f32, "ssr", SGD(0.1), 14, 1, 2000, engine=engine) == "numpy"
    # a NumPy loop without sigmoid: a job with sigmoid goes from "numpy" to the readable
    monkeypatch.setattr("nnmath.fastpath.NUMPY_PARTS", Parts(
        "numpy", NUMPY_PARTS.activations - {"sigmoid"}, NUMPY_PARTS.losses,
        NUMPY_PARTS.optimizers, NUMPY_PARTS.dtypes))
    assert choose_engine(f32, "ssr", SGD(0.1), 14, 1, 2000, engine="numba") == "readable"
    assert choose_engine(tiny, "ssr", SGD(0.1), 14, 1, 2000, engine="numpy") == "readable"
    assert choose_engine(tiny, "ssr", SGD(0.1), 14, 1, 2000) == "python"
    f32_job = choose_engine(f32, "ssr", SGD(0.1), 14, 1, 20)
    assert f32_job == "readable"    # float32: only NumPy knows it, and NumPy lacks sigmoid


# -- auto's cost model: which engine each kind of job gets (no timing) --------------------

def test_auto_chooses_from_the_jobs_size_and_the_process_state(numba_state):
    from nnmath.fastpath import engine_costs, last_choice

    tiny = _net(np.random.default_rng(0), [1, 1, 1], "sigmoid", "sigmoid")
    small = _net(np.random.default_rng(0), [5, 8, 1], "relu", "sigmoid")
    opt = SGD(0.1)
    # the article (P1): the written-out plain kernel, numba never loaded for it
    assert choose_engine(tiny, "ssr", opt, 14, 1, 2000) == "python"
    assert last_choice()[0] == "python" and "python" in last_choice()[1]
    # a long per-sample job repays loading numba from its cache
    assert choose_engine(small, "bce", opt, 5000, 1, 500) == "numba"
    costs = engine_costs(small, 5000, 1, 500)
    assert costs["numba"] < costs["python"] < costs["numpy"]
    # ... but not compiling it from an empty cache, nor without numba
    numba_state("cold")
    assert choose_engine(small, "bce", opt, 5000, 1, 50) == "python"
    numba_state("missing")
    assert "numba" not in engine_costs(small, 5000, 1, 500)
    assert choose_engine(small, "bce", opt, 5000, 1, 500) == "python"
    # compiled in this process already (a notebook, nnmath serve): even the article
    numba_state("compiled")
    assert choose_engine(tiny, "ssr", opt, 14, 1, 2000) == "numba"
    # too many values for Python floats: not the plain kernel
    numba_state("missing")
    assert choose_engine(small, "bce", opt, 200_000, 1, 1) == "numpy"


def test_tiny_jobs_keep_the_readable_bits_where_it_costs_nothing(numba_state):
    # full-batch jobs of a few rows: NumPy (the readable engine's operations) when it is
    # expected within SAME_BITS_SLACK or SAME_BITS_SECONDS of the fastest; else the fastest
    from nnmath.fastpath import SAME_BITS_SECONDS, SAME_BITS_SLACK, engine_costs

    net = _net(np.random.default_rng(0), [3, 4, 2], "tanh", "softmax")
    opt = SGD(0.1)
    for rows, batch, epochs in [(14, 14, 1), (200, 200, 3), (14, 1, 2000), (40, 8, 10)]:
        costs = engine_costs(net, rows, batch, epochs)
        chosen = choose_engine(net, "cross_entropy", opt, rows, batch, epochs)
        best = min(costs.values())
        if costs["numpy"] <= max(best * SAME_BITS_SLACK, best + SAME_BITS_SECONDS):
            assert chosen == "numpy"
        else:
            assert chosen == min(costs, key=costs.get)
    assert choose_engine(net, "cross_entropy", opt, 14, 1, 2000) == "python"
    assert choose_engine(net, "cross_entropy", opt, 14, 14, 1) == "numpy"
    assert choose_engine(net, "cross_entropy", opt, 14, 14, 100) == "numpy"


def test_a_session_that_trains_again_and_again_loads_numba_once_it_has_paid_for_it(numba_state):
    # each P1 job alone is cheaper in plain Python than loading numba; a process that has
    # spent that much in plain Python (a notebook, a server) loads it for the next job
    from nnmath import fastpath

    tiny = _net(np.random.default_rng(0), [1, 1, 1], "sigmoid", "sigmoid")
    chosen = [choose_engine(tiny, "ssr", SGD(0.1), 14, 1, 2000) for _ in range(200)]
    first_numba = chosen.index("numba")
    assert set(chosen[:first_numba]) == {"python"}
    per_job = fastpath.engine_costs(tiny, 14, 1, 2000)["python"]
    assert first_numba * per_job >= fastpath.NUMBA_IMPORT > (first_numba - 1) * per_job


def test_the_written_out_kernel_is_the_general_kernels_arithmetic():
    # kernels.specialised against kernels.run_epochs, both on lists, every activation,
    # loss and optimizer, batch 1 and bigger, L2 and tol: the same numbers (the same
    # bits but for the sign of a zero sum)
    from nnmath.kernels import run_epochs

    rng = np.random.default_rng(17)
    for (output, loss), hidden, (optimizer, lr) in itertools.product(HEADS, HIDDEN, OPTIMIZERS):
        sizes = [2, 3, 2] if output == "softmax" or loss == "cross_entropy" else [2, 3, 1]
        net = _net(rng, sizes, hidden, output)
        X, T = _data(rng, 9, sizes[0], sizes[-1], output, loss)
        for batch, alpha in [(1, 0.0), (4, 0.01)]:
            order = np.concatenate([rng.permutation(9) for _ in range(3)])
            results = []
            for which in ("general", "written out"):
                copy = net.copy()
                run = KernelRun(copy, X, T, loss, OPTIMIZER_CLASSES[optimizer](lr), batch, alpha,
                                mode="python")
                if which == "general":
                    run._plain_kernel = lambda: run_epochs   # type: ignore[method-assign]
                else:
                    assert run._plain_kernel() is not run_epochs
                losses, ran = run.epochs(3, order, True, (1e-9, 2, 0, np.inf))
                results.append((losses, ran, copy.params()))
            (l1, r1, p1), (l2, r2, p2) = results
            assert r1 == r2
            np.testing.assert_allclose(l2, l1, rtol=1e-15, atol=1e-300)
            for name in p1:
                np.testing.assert_allclose(p2[name], p1[name], rtol=1e-15, atol=1e-300)
            rng = np.random.default_rng(int(rng.integers(1 << 30)))
