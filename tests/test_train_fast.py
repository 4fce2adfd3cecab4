"""``nnmath train`` trains on the engine ``Network.fit`` takes, and gives its model.

The command's progress bar reads the progress after each epoch (an epoch callback), so it
no longer forces the readable engine: the command line and the API run the same steps on
the same engine. The oracle is ``Network.fit`` itself, called with the settings the
command documents (its split, scaling, seeded weights and shuffling): the parameters must
agree to 1e-12 (the same arithmetic in the same order; the bound leaves room only for an
engine switching from the plain to the compiled kernel, which gives the same bits).
"""

from __future__ import annotations

import numpy as np
import pytest

import nnmath.training
from nnmath import Network
from nnmath import cli as command_line
from nnmath.datasets import load_csv, train_test_split
from nnmath.losses import head_for
from nnmath.workflow import prepare

EPOCHS = 100


@pytest.fixture(scope="module")
def cancer_csv(tmp_path_factory):
    """scikit-learn's breast cancer data, its first 5 features and the target, as a CSV."""
    sklearn_datasets = pytest.importorskip("sklearn.datasets",
                                           reason="scikit-learn gives the data set")
    frame = sklearn_datasets.load_breast_cancer(as_frame=True).frame
    path = tmp_path_factory.mktemp("cancer") / "cancer5.csv"
    frame.iloc[:, [0, 1, 2, 3, 4, -1]].to_csv(path, index=False)
    return path


def _fit_as_the_command_does(csv, **fit_options):
    """``Network.fit`` with the command's defaults (adam, learning rate 0.01, one hidden
    layer of 8 relu neurons, seed 0, a quarter of the rows held out, shuffled), per-sample
    batches, EPOCHS epochs."""
    data = load_csv(csv, target="target")
    train, _ = train_test_split(data, test_size=0.25, seed=0)
    n_outputs, output_activation, loss = head_for(data.task, data.n_classes, None, None)
    prepared = prepare(train, scale=True, scale_target=False)
    net = Network.random([data.X.shape[1], 8, n_outputs], activation="relu",
                         output_activation=output_activation, seed=0)
    history = net.fit(prepared.inputs(train), prepared.targets(train, n_outputs), loss=loss,
                      learning_rate=0.01, epochs=EPOCHS, batch_size=1, shuffle=True, seed=0,
                      optimizer="adam", **fit_options)
    return net, history


def _same_params(a: Network, b: Network) -> None:
    for name, p in a.params().items():
        np.testing.assert_allclose(b.params()[name], p, rtol=0, atol=1e-12, err_msg=name)


@pytest.mark.slow
def test_the_command_gives_network_fit_s_model(cancer_csv, tmp_path, cli):
    """The real command line, in a fresh process, against ``Network.fit`` in this one."""
    model = tmp_path / "model.json"
    result = cli("train", str(cancer_csv), "--target", "target", "--epochs", str(EPOCHS),
                 "--batch-size", "1", "--save", str(model))
    assert result.returncode == 0, result.stderr
    saved = Network.load(model)
    net, history = _fit_as_the_command_does(cancer_csv, metrics=("accuracy",))
    _same_params(net, saved)
    np.testing.assert_allclose(saved.info["history"]["loss"], history.loss, rtol=0,
                               atol=1e-12)
    # without the metric the kernel runs whole epochs (another path through training.py):
    # the same steps, the same parameters
    bare, _ = _fit_as_the_command_does(cancer_csv)
    _same_params(bare, saved)


@pytest.mark.slow
def test_the_command_runs_on_the_engine_fit_takes(cancer_csv, tmp_path, monkeypatch):
    """The engine chosen for ``nnmath train`` is the one chosen for ``Network.fit``, and
    a fast one: no per-batch callback sends the command to the readable engine."""
    chosen = []
    real = nnmath.training.choose_engine

    def spy(*args, **kwargs):
        chosen.append(real(*args, **kwargs))
        return chosen[-1]

    monkeypatch.setattr(nnmath.training, "choose_engine", spy)
    monkeypatch.delenv("NNMATH_ENGINE", raising=False)
    assert command_line.main(["train", str(cancer_csv), "--target", "target", "--epochs", "3",
                     "--batch-size", "1", "--save", str(tmp_path / "m.json")]) == 0
    data = load_csv(cancer_csv, target="target")
    train, _ = train_test_split(data, test_size=0.25, seed=0)
    prepared = prepare(train, scale=True, scale_target=False)
    net = Network.random([5, 8, 2], activation="relu", output_activation="softmax", seed=0)
    net.fit(prepared.inputs(train), prepared.targets(train, 2), loss="cross_entropy",
            learning_rate=0.01, epochs=3, batch_size=1, shuffle=True, seed=0,
            optimizer="adam", metrics=("accuracy",), progress=True)
    assert chosen[0] == chosen[1] != "readable", chosen
