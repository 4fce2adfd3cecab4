"""The JSON model file: exact round trip, the documented format, atomic writes."""

import json
import os

import numpy as np
import pytest

import nnmath
from nnmath import Dense, Network
from nnmath.errors import ModelFileError, NnmathError
from nnmath.modelfile import from_dict
from nnmath.safefile import write_atomic


@pytest.mark.parametrize("seed", range(5))
def test_round_trip_is_bit_exact(tmp_path, seed):
    rng = np.random.default_rng(seed)
    net = Network.random([3, 5, 4, 2], activation="tanh", output_activation="softmax", seed=seed)
    # Awkward floats: subnormal, huge, negative zero, many digits.
    net.layers[0].W[0, 0] = 5e-324
    net.layers[0].W[0, 1] = 1.7976931348623157e308
    net.layers[0].b[0] = -0.0
    net.layers[1].W[...] = rng.normal(size=net.layers[1].W.shape) * 1e-7
    path = tmp_path / "model.json"
    net.save(path)
    back = nnmath.load(path)
    for (name, a), (name2, b) in zip(net.params().items(), back.params().items()):
        assert name == name2
        assert a.tobytes() == b.tobytes(), name
    assert [ell.activation for ell in back.layers] == [ell.activation for ell in net.layers]


def test_the_documented_example_loads():
    text = ('{"format": "nnmath.network/1",\n "layers": [{"activation": "sigmoid", '
            '"W": [[0.5]], "b": [0.0]},\n {"activation": "sigmoid", "W": [[-1.0]], '
            '"b": [0.0]}]}')
    net = from_dict(json.loads(text))
    assert net.forward([[2.0]])[0, 0] == pytest.approx(0.324962, abs=1e-6)


def test_file_layout_is_the_documented_one(tmp_path):
    path = tmp_path / "m.json"
    Network([Dense(W=[[0.5, 1.0]], b=[0.0, 2.0], activation="relu")]).save(path, loss="ssr")
    data = json.loads(path.read_text())
    assert data == {"format": "nnmath.network/1", "loss": "ssr",
                    "layers": [{"activation": "relu", "W": [[0.5, 1.0]], "b": [0.0, 2.0]}]}
    assert nnmath.load(path).info == {"loss": "ssr"}


def test_save_refuses_non_finite_parameters(tmp_path):
    net = Network.random([1, 1], seed=0)
    net.layers[0].W[0, 0] = np.nan
    with pytest.raises(ModelFileError, match="finite"):
        net.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    path.write_text("old")

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(ModelFileError, match="disk full"):
        write_atomic(path, "new content")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]   # no temporary file left


def test_write_errors_are_clear(tmp_path):
    with pytest.raises(ModelFileError, match="existing folder"):
        write_atomic(tmp_path / "missing" / "m.json", "x")
    with pytest.raises(ModelFileError, match="not a folder"):
        write_atomic(tmp_path, "x")


@pytest.mark.parametrize("data, fragment", [
    ([], "a JSON object"),
    ({"format": "nnmath.network/1"}, '"layers" must be a non-empty list'),
    ({"format": "nnmath.network/1", "layers": [{"activation": "sigmoid", "W": [[1], [1, 2]],
                                                "b": [0]}]}, "rectangular"),
    ({"format": "nnmath.network/1", "layers": [{"activation": "sigmoid", "W": [[True]],
                                                "b": [0]}]}, "rectangular"),
    ({"format": "nnmath.network/1", "layers": [{"activation": "softmax", "W": [[1, 1]],
                                                "b": [0, 0]},
                                               {"activation": "sigmoid", "W": [[1], [1]],
                                                "b": [0]}]},
     "output layer only"),
    ({"format": "nnmath.network/1", "layers": [{"activation": "softmax", "W": [[1]], "b": [0]}]},
     "softmax layer must be 2 or more"),
])
def test_invalid_model_dicts(data, fragment):
    with pytest.raises(ModelFileError, match=None) as info:
        from_dict(data)
    assert fragment in str(info.value)
    assert isinstance(info.value, NnmathError)
