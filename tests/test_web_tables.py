"""The page's CSV upload goes through ``nnmath train``'s recorded pipeline (issue 20): an
uploaded table with a text column and gaps is one-hot encoded and filled as ``train
--impute mean`` does it, the step explanation starts from the row's raw cells and shows
each preprocessing step with its numbers (as ``nnmath explain --data --row``), and the
model downloaded from the page carries the preprocessing, so ``nnmath predict`` and
``nnmath explain`` take the raw columns and give the page's numbers.

Before (main at d304195): the page's network took the encoded numbers with no record of
how they were made; its step started from ``sex=F`` and ``sex=M`` inputs (no one-hot or
fill step); the downloaded model had no ``preprocessing`` key, so ``nnmath predict`` on the
same CSV was refused; and one-hot inputs were standardised (``nnmath train`` keeps them 0/1).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from test_preprocess import people, write  # noqa: E402

from nnmath.web.app import create_app  # noqa: E402

SCRIPT = {"X-Requested-With": "tests"}


@pytest.fixture
def client():
    with TestClient(create_app(), base_url="http://127.0.0.1", headers=SCRIPT) as c:
        yield c


@pytest.fixture
def table(tmp_path):
    """People without their ID column (the page has no --id), gaps in every column."""
    rows = [{k: v for k, v in row.items() if k != "id"} for row in people(80, seed=3,
                                                                           gaps=0.15)]
    rows[0].update(age="NA", sex="F", city="?")     # row 1: a missing number and category
    path = tmp_path / "people.csv"
    write(path, rows)
    return path


def test_an_uploaded_table_is_explained_and_downloaded_with_its_pipeline(client, table,
                                                                         tmp_path, cli):
    sid = client.post("/api/sessions").json()["session"]
    url = f"/api/sessions/{sid}"
    state = client.post(f"{url}/csv", files={"file": (table.name, table.read_bytes())},
                        data={"target": "bought"})
    assert state.status_code == 200, state.text
    names = state.json()["data"]["feature_names"]
    assert names[:1] == ["age"] and "sex=F" in names and "city=Nice" in names
    assert client.post(f"{url}/train", json={"epochs": 3}).status_code == 200

    step = client.post(f"{url}/step")
    assert step.status_code == 200, step.text
    step = step.json()
    # row 1's raw cells, and what each became: the fill values are the training mean and
    # the most frequent category, the one-hot blocks, then the scaling
    assert step["cells"][0] is None and step["cells"][1] == "F" and step["cells"][2] is None
    kinds = {p["column"]: p for p in step["preparation"]}
    ages = [float(r["age"]) for r in _rows(table) if r["age"] not in ("NA", "")]
    assert kinds["age"]["filled"] == pytest.approx(np.mean(ages), rel=1e-12)
    assert kinds["sex"]["values"] == [1.0, 0.0] and kinds["sex"]["raw"] == "F"
    cities = [r["city"] for r in _rows(table) if r["city"] not in ("?", "")]
    assert kinds["city"]["filled"] == max(set(cities), key=cities.count)
    assert "the training mean" in kinds["age"]["text"]
    encoded = [v for p in step["preparation"] for v in p["values"]]
    assert step["x"] == encoded
    np.testing.assert_allclose(step["x_scaled"], (np.array(encoded) - step["scaling"]["mean"])
                               / step["scaling"]["std"], rtol=1e-12)
    onehot = [i for i, n in enumerate(names) if "=" in n]
    assert [step["scaling"]["mean"][i] for i in onehot] == [0.0] * len(onehot)  # kept 0/1
    assert [step["scaling"]["std"][i] for i in onehot] == [1.0] * len(onehot)
    assert "sex = &quot;F&quot; → [1, 0]" in step["html"]        # the page's stepper
    assert "age = NA → " in step["html"] and "(the training mean)" in step["html"]

    # the downloaded model carries the preprocessing: predict and explain on the raw CSV
    model = tmp_path / "page.json"
    model.write_bytes(client.get(f"{url}/model").content)
    saved = json.loads(model.read_text())
    assert [c["name"] for c in saved["preprocessing"]["columns"]] == ["age", "sex", "city",
                                                                      "income"]
    assert saved["preprocessing"]["impute"] == "mean"
    predicted = cli("predict", str(model), "--data", str(table), "--json")
    assert predicted.returncode == 0, predicted.stderr
    first = json.loads(predicted.stdout)["predictions"][0]
    np.testing.assert_allclose(first["probabilities"]["yes"], step["output"][0],
                               rtol=0, atol=1e-12)
    explained = cli("explain", "--model", str(model), "--data", str(table), "--row", "1",
                    "--json")
    assert explained.returncode == 0, explained.stderr
    explained = json.loads(explained.stdout)
    for key in ("x", "x_scaled", "output", "loss"):
        np.testing.assert_allclose(explained[key], step[key], rtol=1e-12, atol=1e-15)
    for name, gradient in step["gradients"].items():
        np.testing.assert_allclose(explained["gradients"][name], gradient, rtol=1e-12,
                                   atol=1e-15)
    assert explained["preparation"] == step["preparation"]

    # applying the step changes the weights by the trace's numbers, on the page's network
    after = client.post(f"{url}/update").json()
    assert after["network"]["layers"][0]["b"] == step["updated"]["b1"]


def test_a_clean_numeric_upload_has_no_preparation(client, tmp_path):
    path = tmp_path / "psa.csv"
    path.write_text("psa,status\n3.8,Cancer\n0.8,Healthy\n2.5,Healthy\n1.9,Cancer\n")
    sid = client.post("/api/sessions").json()["session"]
    client.post(f"/api/sessions/{sid}/csv", files={"file": (path.name, path.read_bytes())},
                data={"target": "status"})
    step = client.post(f"/api/sessions/{sid}/step").json()
    assert step.get("preparation") is None and step["scaling"] is not None
    saved = json.loads(client.get(f"/api/sessions/{sid}/model").content)
    assert "preprocessing" not in saved


def _rows(path):
    import csv

    with path.open(newline="") as f:
        return list(csv.DictReader(f))
