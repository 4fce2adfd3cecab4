"""Exports carry the whole pipeline (issue 20): torch and ONNX take the raw columns and
give ``nnmath predict``'s outputs on rows with categories and missing values, a regression
target in its own units included.

Failed on the code before (commit 16a310c): the training options did not exist, and a
regression model's export gave the standardised outputs (no target scaling in the graph).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnmath import load

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")

from test_preprocess import people, write  # noqa: E402

from nnmath.interop.onnx import onnx_inputs, run_onnx  # noqa: E402
from nnmath.interop.torch import category_codes, load_exported  # noqa: E402


def _json(done) -> dict:
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return json.loads(done.stdout)


def _rows(path) -> list[list]:
    """The raw cells of the test rows: numbers, texts, None for a gap."""
    import csv

    rows = []
    with path.open(newline="") as f:
        for r in csv.DictReader(f):
            row = []
            for key in ("age", "sex", "city", "income"):
                v = r[key]
                if v in ("", "NA", "?"):
                    row.append(None)
                else:
                    row.append(v if key in ("sex", "city") else float(v))
            rows.append(row)
    return rows


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_torch_and_onnx_take_raw_columns_and_give_predicts_outputs(cli, tmp_path, task):
    write(tmp_path / "train.csv", people(300, seed=1))
    rows = people(60, seed=5, gaps=0.3)
    rows[0]["city"] = "Madrid"                      # not seen in training: --unknown ignore
    write(tmp_path / "new.csv", rows)
    model = tmp_path / "m.json"
    if task == "classification":
        options = ["--target", "bought"]
    else:      # a target in the tens of thousands: standardised, unscaled in the graph
        frame = (tmp_path / "train.csv").read_text().splitlines()
        frame = [frame[0]] + [",".join(line.split(",")[:-1] + [
            str(1000 * (i % 37) + 20000)]) for i, line in enumerate(frame[1:])]
        (tmp_path / "train.csv").write_text("\n".join(frame) + "\n")
        options = ["--target", "bought", "--task", "regression"]
    _json(cli("train", tmp_path / "train.csv", *options, "--id", "id", "--impute", "median",
              "--unknown", "ignore", "--epochs", "10", "--save", model, "--json"))
    net = load(model)
    assert ("target_scaling" in net.info) == (task == "regression")
    predicted = _json(cli("predict", model, "--data", tmp_path / "new.csv", "--json"))
    if task == "regression":
        expected = np.array([p["y_hat"] for p in predicted["predictions"]])
        assert expected.mean() > 1000              # in the target's units
    else:
        expected = np.array([[p["probabilities"][c] for c in predicted["class_names"]]
                             for p in predicted["predictions"]])
    raw = _rows(tmp_path / "new.csv")
    for to, name in (("torch", "m.pt2"), ("onnx", "m.onnx")):
        done = cli("export", model, "--to", to, "--output", tmp_path / name, "--dtype",
                   "float64")
        assert done.returncode == 0, done.stderr
        assert "are in the graph" in done.stdout
    program = torch.export.load(str(tmp_path / "m.pt2")).module()
    got = program(torch.tensor(category_codes(net, raw))).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    got = run_onnx(str(tmp_path / "m.onnx"), onnx_inputs(net, raw, np.float64))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_a_regression_export_comes_back_with_its_target_scaling(cli, tmp_path):
    sk = pytest.importorskip("sklearn.datasets")
    sk.load_diabetes(as_frame=True).frame.to_csv(tmp_path / "d.csv", index=False)
    model = tmp_path / "d.json"
    _json(cli("train", tmp_path / "d.csv", "--target", "target", "--epochs", "5", "--save",
              model, "--json"))
    assert cli("export", model, "--to", "torch", "-o", tmp_path / "d.pt2").returncode == 0
    back = load_exported(tmp_path / "d.pt2")
    net = load(model)
    assert back.info["target_scaling"] == net.info["target_scaling"]
    assert back.info["scaling"] == net.info["scaling"]
    for key, p in net.params().items():
        assert np.array_equal(back.params()[key], p)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_an_unseen_category_is_nan_in_the_graph_where_predict_refuses_it(cli, tmp_path, dtype):
    """``--unknown error``: predict refuses a row with an unseen category (one line); a graph
    cannot raise, so torch and onnxruntime give that row NaN outputs (the other rows are
    predict's), and export says so in one line. ``--unknown ignore``: all zeros in the
    graphs, as in predict."""
    write(tmp_path / "train.csv", people(300, seed=1))
    rows = people(12, seed=5, gaps=0.2)
    rows[3]["city"] = "Madrid"                      # not seen in training
    write(tmp_path / "new.csv", rows)
    raw = _rows(tmp_path / "new.csv")
    rest = [i for i in range(len(rows)) if i != 3]
    write(tmp_path / "known.csv", [rows[i] for i in rest])
    tolerance = 1e-12 if dtype == "float64" else 1e-5
    for unknown in ("error", "ignore"):
        model = tmp_path / f"{unknown}.json"
        _json(cli("train", tmp_path / "train.csv", "--target", "bought", "--id", "id",
                  "--impute", "median", "--unknown", unknown, "--epochs", "10", "--save",
                  model, "--json"))
        net = load(model)
        refused = cli("predict", model, "--data", tmp_path / "new.csv")
        if unknown == "error":
            assert refused.returncode == 2 and refused.stderr.count("\n") == 1
            assert "'Madrid'" in refused.stderr and "--unknown ignore" in refused.stderr
            predicted = _json(cli("predict", model, "--data", tmp_path / "known.csv",
                                  "--json"))["predictions"]
            expected = np.full((len(rows), 2), np.nan)
            expected[rest] = [[p["probabilities"][c] for c in net.info["class_names"]]
                              for p in predicted]
        else:
            predicted = _json(cli("predict", model, "--data", tmp_path / "new.csv",
                                  "--json"))["predictions"]
            expected = np.array([[p["probabilities"][c] for c in net.info["class_names"]]
                                 for p in predicted])
        for to in ("torch", "onnx"):
            done = cli("export", model, "--to", to, "-o", tmp_path / f"{unknown}.{to}",
                       "--dtype", dtype)
            assert done.returncode == 0 and done.stderr == ""
            note = done.stdout.splitlines()[-1]
            assert note == ("note: a graph cannot raise an error: a row with a category not "
                            "seen in training, which predict refuses (--unknown error), gives "
                            "NaN outputs" if unknown == "error" else "note: a category not "
                            "seen in training is all zeros in the graph, as predict does "
                            "(--unknown ignore)")
            said = _json(cli("export", model, "--to", to, "-o", tmp_path / f"j.{to}",
                             "--dtype", dtype, "--json"))
            assert said["unseen_category"] == ("nan" if unknown == "error" else "zeros")
        program = torch.export.load(str(tmp_path / f"{unknown}.torch")).module()
        got = program(torch.tensor(category_codes(net, raw),
                                   dtype=getattr(torch, dtype))).detach().numpy()
        np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)
        got = run_onnx(str(tmp_path / f"{unknown}.onnx"),
                       onnx_inputs(net, raw, np.dtype(dtype)))
        np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)
        assert np.isnan(got[3]).all() == (unknown == "error")


@pytest.mark.parametrize("unknown", ["error", "ignore"])
def test_a_missing_cell_without_a_fill_value_is_nan_in_the_graph(cli, tmp_path, unknown):
    """Trained without gaps (no --impute, no fill values): predict refuses a missing cell;
    the graphs give that row NaN outputs, whatever --unknown (not all zeros)."""
    write(tmp_path / "train.csv", people(200, seed=1, gaps=0.0))
    rows = people(6, seed=5, gaps=0.0)
    rows[2]["city"], rows[4]["age"] = "", "NA"
    write(tmp_path / "new.csv", rows)
    model = tmp_path / "m.json"
    _json(cli("train", tmp_path / "train.csv", "--target", "bought", "--id", "id",
              "--unknown", unknown, "--epochs", "5", "--save", model, "--json"))
    refused = cli("predict", model, "--data", tmp_path / "new.csv")
    assert refused.returncode == 2 and "must be given" in refused.stderr
    net = load(model)
    raw = _rows(tmp_path / "new.csv")
    for to in ("torch", "onnx"):
        assert cli("export", model, "--to", to, "-o", tmp_path / f"m.{to}", "--dtype",
                   "float64").returncode == 0
    program = torch.export.load(str(tmp_path / "m.torch")).module()
    outputs = {"torch": program(torch.tensor(category_codes(net, raw))).detach().numpy(),
               "onnx": run_onnx(str(tmp_path / "m.onnx"), onnx_inputs(net, raw, np.float64))}
    for got in outputs.values():
        assert np.isnan(got[[2, 4]]).all() and np.isfinite(got[[0, 1, 3, 5]]).all()
    np.testing.assert_allclose(outputs["torch"][[0, 1, 3, 5]], outputs["onnx"][[0, 1, 3, 5]],
                               rtol=1e-12, atol=1e-12)
