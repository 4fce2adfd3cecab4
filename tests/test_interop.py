"""nnmath ↔ PyTorch and nnmath → ONNX: the same numbers in every runtime.

Oracles: PyTorch's own modules and autograd (float64, 1e-12 and 1e-10) and
onnxruntime (float32, 1e-6); the article's network B (0.324962 at PSA 2.0).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import nnmath  # noqa: E402
from nnmath.article import network_b  # noqa: E402
from nnmath.errors import ConfigError, ModelFileError, NnmathError  # noqa: E402
from nnmath.interop.onnx import run_onnx, to_onnx, to_onnx_model  # noqa: E402
from nnmath.interop.torch import Standardize, from_torch, load_exported, save_exported, to_torch  # noqa: E402

from oracles.cases import fit_output  # noqa: E402
from oracles.torch_net import torch_loss  # noqa: E402

torch.set_num_threads(1)
HIDDEN = ["sigmoid", "tanh", "relu", "identity"]
OUTPUT = ["sigmoid", "tanh", "relu", "identity", "softmax"]
ARCHITECTURES = [[1, 1, 1], [3, 5, 2], [4, 6, 5, 3], [2, 1, 1, 1, 2], [5, 3]]


def _random(sizes, hidden, output, seed=0, dtype=np.float64):
    sizes = fit_output(sizes, output)      # softmax over one output: its nearest valid net
    return nnmath.Network.random(sizes, activation=hidden, output_activation=output, seed=seed,
                                 dtype=dtype)


def _X(n_inputs, n=9, seed=1):
    return np.random.default_rng(seed).normal(scale=2.0, size=(n, n_inputs))


def _torch_out(model, X, dtype=torch.float64):
    with torch.no_grad():
        return model(torch.tensor(np.array(X), dtype=dtype)).numpy()


@pytest.mark.parametrize("sizes", ARCHITECTURES)
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", OUTPUT)
def test_round_trip_through_torch_keeps_every_number(sizes, hidden, output):
    net = _random(sizes, hidden, output, seed=sum(sizes))
    model = to_torch(net)
    X = _X(sizes[0])
    np.testing.assert_allclose(_torch_out(model, X), net.forward(X), rtol=0, atol=1e-12)
    back = from_torch(model)
    assert [layer.activation for layer in back.layers] == [layer.activation for layer in
                                                          net.layers]
    for name, p in net.params().items():    # the weights come back bit for bit
        assert np.array_equal(back.params()[name], p), name


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", OUTPUT)
def test_float32_in_torch_and_onnxruntime(hidden, output):
    net = _random([4, 6, 3], hidden, output, seed=3, dtype=np.float32)
    X = _X(4).astype(np.float32)
    model = to_torch(net)
    assert model[0].weight.dtype == torch.float32
    np.testing.assert_allclose(_torch_out(model, X, torch.float32), net.forward(X), atol=1e-6)
    np.testing.assert_allclose(run_onnx(to_onnx_model(net), X), net.forward(X), atol=1e-6)
    assert from_torch(model).dtype == np.float32


@pytest.mark.parametrize("sizes", ARCHITECTURES)
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", OUTPUT)
def test_onnx_graph_runs_the_network(sizes, hidden, output):
    net = _random(sizes, hidden, output, seed=len(sizes))
    X = _X(sizes[0])
    y_hat = net.forward(X)
    np.testing.assert_allclose(run_onnx(to_onnx_model(net), X), y_hat, rtol=0, atol=1e-6)
    np.testing.assert_allclose(run_onnx(to_onnx_model(net, np.float64), X), y_hat, rtol=0,
                               atol=1e-12)


@pytest.mark.slow
def test_the_article_network_b_says_0_324962_everywhere(tmp_path):
    net, x = network_b(), np.array([[2.0]])
    assert round(float(net.forward(x)[0, 0]), 6) == 0.324962
    assert round(float(_torch_out(to_torch(net), x)[0, 0]), 6) == 0.324962
    save_exported(net, tmp_path / "b.pt2")
    program = torch.export.load(str(tmp_path / "b.pt2")).module()
    assert round(float(_torch_out(program, x)[0, 0]), 6) == 0.324962
    to_onnx(net, tmp_path / "b.onnx")
    assert round(float(run_onnx(str(tmp_path / "b.onnx"), x)[0, 0]), 6) == 0.324962


@pytest.mark.parametrize("loss,hidden,output", [
    ("ssr", "sigmoid", "sigmoid"), ("mse", "tanh", "identity"), ("bce", "relu", "sigmoid"),
    ("cross_entropy", "tanh", "softmax"), ("ssr", "identity", "relu")])
def test_a_training_step_in_torch_after_export_is_nnmaths_step(loss, hidden, output):
    rng = np.random.default_rng(5)
    net = _random([3, 4, 2], hidden, output, seed=5)
    X = rng.normal(size=(6, 3))
    T = np.eye(2)[rng.integers(0, 2, 6)] if loss in ("bce", "cross_entropy") else \
        rng.normal(size=(6, 2))
    model = to_torch(net)
    X_t, T_t = torch.as_tensor(X), torch.as_tensor(T)
    z, y_hat = model[:-1](X_t), model(X_t)
    torch_loss(z, y_hat, T_t, loss).backward()
    value, grads = net.gradients(X, T, loss=loss)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for ell, linear in enumerate(linears, start=1):
        np.testing.assert_allclose(linear.weight.grad.numpy().T, grads[f"W{ell}"], rtol=0,
                                   atol=1e-10)
        np.testing.assert_allclose(linear.bias.grad.numpy(), grads[f"b{ell}"], rtol=0, atol=1e-10)
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    net.fit(X, T, loss=loss, learning_rate=0.1, epochs=1, batch_size=None)
    for ell, linear in enumerate(linears, start=1):
        np.testing.assert_allclose(linear.weight.detach().numpy().T, net.params()[f"W{ell}"],
                                   rtol=0, atol=1e-12)


def _trained(tmp_path, task):
    from sklearn.datasets import load_diabetes, load_wine

    frame = (load_wine if task == "classification" else load_diabetes)(as_frame=True).frame
    csv = tmp_path / f"{task}.csv"
    frame.to_csv(csv, index=False)
    data = nnmath.datasets.load_csv(csv, target="target",
                                    task="classification" if task == "classification"
                                    else "regression")
    from nnmath.workflow import fit_dataset

    result = fit_dataset(data, hidden=(6,), epochs=5, seed=0)
    result.net.save(tmp_path / "model.json")
    return nnmath.Network.load(tmp_path / "model.json"), data.X


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_a_model_with_stored_scaling_runs_unchanged_on_raw_inputs(tmp_path, task):
    pytest.importorskip("sklearn")
    from nnmath.inference import outputs

    net, X = _trained(tmp_path, task)
    assert net.info["scaling"]
    expected = outputs(net, X)          # what nnmath predict computes: scaling, then forward
    model = to_torch(net)
    assert isinstance(model[0], Standardize)
    np.testing.assert_allclose(_torch_out(model, X), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(run_onnx(to_onnx_model(net), X), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(run_onnx(to_onnx_model(net, np.float64), X), expected, rtol=0,
                               atol=1e-12)
    back = from_torch(model, {"feature_names": net.info["feature_names"]})
    assert back.info["scaling"] == net.info["scaling"]
    np.testing.assert_allclose(outputs(back, X), expected, rtol=0, atol=0)


@pytest.mark.parametrize("module,fragment", [
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Conv2d(1, 1, 1)),
     "layer 1 of the torch model must be one of"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3)),
     "Got 'BatchNorm1d'"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Dropout(0.5)),
     "in eval mode"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Softmax(dim=0)),
     "Softmax(dim=0)"),
    (lambda: torch.nn.Sequential(torch.nn.Sigmoid()), "after a Linear layer"),
    (lambda: torch.nn.Sequential(), "at least one Linear"),
    (lambda: "a string", "a torch.nn.Module"),
])
def test_what_nnmath_cannot_hold_is_a_clear_error(module, fragment):
    with pytest.raises(ConfigError, match=None) as info:
        from_torch(module())
    assert fragment in str(info.value)


def test_shape_mismatch_and_eval_dropout():
    bad = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(4, 1))
    with pytest.raises(NnmathError, match="layer 2 must take 3 inputs"):
        from_torch(bad)
    ok = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2, 3), torch.nn.Dropout(0.2),
                             torch.nn.Tanh(), torch.nn.Linear(3, 1)).double().eval()
    net = from_torch(ok)
    assert [layer.activation for layer in net.layers] == ["tanh", "identity"]
    X = _X(2)
    np.testing.assert_allclose(net.forward(X), _torch_out(ok, X), rtol=0, atol=1e-12)


def test_files_that_are_not_torchscript_are_one_line(tmp_path):
    (tmp_path / "text.pt2").write_text("not a model\n")
    save_exported(network_b(), tmp_path / "b.pt2")
    data = (tmp_path / "b.pt2").read_bytes()
    (tmp_path / "cut.pt2").write_bytes(data[: len(data) // 2])
    for name in ("text.pt2", "cut.pt2"):
        with pytest.raises(ModelFileError, match="must be a torch.export file") as info:
            load_exported(tmp_path / name)
        assert "\n" not in str(info.value)
    with pytest.raises(ModelFileError, match="does not exist"):
        load_exported(tmp_path / "missing.pt2")


def test_train_export_and_run_in_torch_and_onnxruntime_like_predict(cli, tmp_path):
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_wine

    frame = load_wine(as_frame=True).frame
    frame.to_csv(tmp_path / "wine.csv", index=False)
    run = cli("train", "wine.csv", "--target", "target", "--hidden", "5", "--epochs", "5",
              "--save", "m.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    for to, name in (("torch", "m.pt2"), ("onnx", "m.onnx")):
        run = cli("export", "m.json", "--to", to, "--output", name, cwd=tmp_path)
        assert run.returncode == 0 and "stored scaling is its first step" in run.stdout
    predicted = cli("predict", "m.json", "--data", "wine.csv", "--json", cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    out = json.loads(predicted.stdout)
    probabilities = np.array([[row["probabilities"][str(name)] for name in out["class_names"]]
                              for row in out["predictions"]])
    X = frame.drop(columns="target").to_numpy(dtype=np.float64)
    program = torch.export.load(str(tmp_path / "m.pt2")).module()
    np.testing.assert_allclose(_torch_out(program, X), probabilities, rtol=0, atol=1e-12)
    np.testing.assert_allclose(run_onnx(str(tmp_path / "m.onnx"), X), probabilities, atol=1e-6)


def test_a_pytorch_mlp_comes_back_and_is_explained(cli, tmp_path):
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1),
                              torch.nn.Sigmoid()).double()
    example = torch.zeros(1, 2, dtype=torch.float64)
    torch.export.save(torch.export.export(mlp.eval(), (example,)), str(tmp_path / "mlp.pt2"))
    run = cli("import", "mlp.pt2", "--output", "mlp.json", "--features", "u", "v", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "network 2-3-1 (tanh, sigmoid)" in run.stdout
    explained = cli("explain", "--model", "mlp.json", "--x", "0.5", "-1", "--y", "1",
                    "--json", cwd=tmp_path)
    assert explained.returncode == 0, explained.stderr
    out = json.loads(explained.stdout)
    with torch.no_grad():
        expected = mlp(torch.tensor([[0.5, -1.0]], dtype=torch.float64)).item()
    assert out["output"][0] == pytest.approx(expected, abs=1e-12)
    x = torch.tensor([[0.5, -1.0]], dtype=torch.float64)
    loss = 0.5 * ((mlp(x) - 1.0) ** 2).sum()      # explain's default loss: ssr
    loss.backward()
    np.testing.assert_allclose(np.array(out["gradients"]["W1"]), mlp[0].weight.grad.numpy().T,
                               rtol=0, atol=1e-10)


class _Custom(torch.nn.Module):
    """A PyTorch model written as its own class: torch.export sees its forward as a graph."""

    def __init__(self, extra=None):
        super().__init__()
        self.hidden, self.out, self.extra = torch.nn.Linear(3, 4), torch.nn.Linear(4, 2), extra

    def forward(self, x):
        h = torch.relu(self.hidden(x))
        if self.extra is not None:
            h = self.extra(h)
        return torch.softmax(self.out(h), dim=-1)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_a_torch_export_program_of_any_module_comes_back(tmp_path, dtype):
    torch.manual_seed(1)
    model = _Custom().to(dtype).eval()
    example = torch.zeros(2, 3, dtype=dtype)
    torch.export.save(torch.export.export(model, (example,)), str(tmp_path / "c.pt2"))
    net = load_exported(tmp_path / "c.pt2")
    assert [layer.activation for layer in net.layers] == ["relu", "softmax"]
    X = _X(3)
    tol = 1e-12 if dtype == torch.float64 else 1e-6
    np.testing.assert_allclose(net.forward(X.astype(net.dtype)), _torch_out(model, X, dtype),
                               rtol=0, atol=tol)


def test_a_program_with_an_operation_nnmath_has_not_is_named():
    model = _Custom(extra=torch.nn.LayerNorm(4)).double().eval()
    program = torch.export.export(model, (torch.zeros(2, 3, dtype=torch.float64),))
    with pytest.raises(ConfigError, match="aten.layer_norm"):
        from_torch(program)


def test_export_and_import_keep_the_scaling_and_the_numbers(tmp_path):
    net = _random([3, 4, 2], "tanh", "softmax", seed=2)
    net.info["scaling"] = {"method": "standard", "mean": [1.0, -2.0, 0.5], "std": [2.0, 0.5, 3.0]}
    save_exported(net, tmp_path / "s.pt2")
    back = load_exported(tmp_path / "s.pt2")
    assert back.info["scaling"] == net.info["scaling"]
    for name, p in net.params().items():
        assert np.array_equal(back.params()[name], p)
