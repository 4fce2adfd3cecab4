"""The public surface is pinned: checks outside the project rely on it."""

import subprocess
import sys

import numpy as np

import nnmath


def test_public_names():
    assert sorted(nnmath.__all__) == ["Dense", "History", "Network", "NnmathError",
                                      "__version__", "datasets", "explain", "load", "save",
                                      "widget"]
    for name in nnmath.__all__:
        assert hasattr(nnmath, name)


def test_import_is_light():
    code = ("import sys, nnmath; heavy = {'rich', 'matplotlib', 'torch', 'sklearn', 'fastapi'};"
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_design_surface_behaves_as_described(tmp_path):
    X, y = nnmath.datasets.psa()
    net = nnmath.Network([nnmath.Dense(W=[[0.5]], b=[0.0], activation="sigmoid"),
                          nnmath.Dense(W=[[-1.0]], b=[0.0], activation="sigmoid")])
    assert list(net.params()) == ["W1", "b1", "W2", "b2"]
    assert net.forward(X).shape == (14, 1)
    loss, grads = net.gradients(X, y[:, None], loss="ssr")
    assert isinstance(loss, float) and set(grads) == {"W1", "b1", "W2", "b2"}
    assert all(grads[k].shape == v.shape for k, v in net.params().items())
    history = net.fit(X, y[:, None], loss="ssr", learning_rate=0.1, epochs=3, batch_size=1,
                      shuffle=False, seed=None, optimizer="sgd")
    assert len(history.loss) == 3
    path = tmp_path / "net.json"
    net.save(path)
    back = nnmath.Network.load(path)
    assert np.array_equal(back.forward(X), net.forward(X))
    nnmath.save(back, tmp_path / "again.json")
    assert np.array_equal(nnmath.load(tmp_path / "again.json").forward(X), net.forward(X))
    trace = nnmath.explain(net, [2.0], [0.0], loss="ssr", learning_rate=0.1)
    assert set(trace.to_dict()) >= {"output", "loss", "gradients", "updated", "output_after",
                                    "loss_after"}


def test_errors_share_one_base():
    from nnmath import errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), nnmath.NnmathError)


def test_a_command_imports_only_what_it_runs():
    """``nnmath explain --json`` (issue 12's whole-process target) imports the trace path
    only: no other command's module, no training loop, CSV reader or model-file writer."""
    code = ("import sys; from nnmath.cli import main; main(['explain', '--json']);"
            "print(sorted(m for m in sys.modules if m.startswith('nnmath')), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(eval(out.stderr.strip().splitlines()[-1]))
    assert "nnmath.trace" in loaded and "nnmath.commands.explain" in loaded
    unneeded = {"nnmath.commands.train", "nnmath.commands.plot", "nnmath.commands.report",
                "nnmath.training", "nnmath.fastpath", "nnmath.kernels", "nnmath.modelfile",
                "nnmath.safefile", "nnmath.datasets.csvfile", "nnmath.datasets.toy",
                "nnmath.render.text", "rich", "numba"}
    assert loaded & unneeded == set()
    assert '"loss_after"' in out.stdout
