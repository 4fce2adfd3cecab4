"""Issue 20, point 9: the smaller things a new user met. Each test failed on the code
before (commit 16a310c); its docstring says what was seen."""

from __future__ import annotations

import json
import os
import re

import pytest

sk_datasets = pytest.importorskip("sklearn.datasets")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    sk_datasets.load_breast_cancer(as_frame=True).frame.to_csv(folder / "cancer.csv",
                                                               index=False)
    sk_datasets.load_linnerud(as_frame=True).frame.to_csv(folder / "linnerud.csv",
                                                          index=False)
    return folder


@pytest.fixture(scope="module")
def cancer_model(files, tmp_path_factory):
    from conftest import run_cli

    model = tmp_path_factory.mktemp("m") / "cancer.json"
    done = run_cli("train", files / "cancer.csv", "--target", "target", "--epochs", "20",
                   "--save", model)
    assert done.returncode == 0, done.stderr
    return model


def test_evaluate_says_which_loss_clips_and_keeps_a_path_whole(cli, files, cancer_model,
                                                               tmp_path):
    """Was: `loss (model's) 0.4366` beside `log loss 0.3927`, the clipping unsaid; the
    table's title broke the file path mid-word."""
    deep = tmp_path / ("a_rather_long_folder_name_" * 3) / "cancer_rows_for_evaluation.csv"
    deep.parent.mkdir(parents=True)
    deep.write_text((files / "cancer.csv").read_text())
    done = _run_columns(cli, 60, "evaluate", cancer_model, deep)
    assert done.returncode == 0, done.stderr
    assert "log loss (p clipped to 1e-15)" in done.stdout
    assert "loss (model's, unclipped)" in done.stdout
    assert any(str(deep) in line for line in done.stdout.splitlines())


def _run_columns(cli, columns, *argv):
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        return cli(*argv)
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def test_early_stopping_names_its_rows_and_one_epoch(cli, files, tmp_path):
    """Was: "trained on 1010 rows" when 10 % were validation rows; the summary's loss, the
    metrics table and the loss plot's title were of three different epochs."""
    pytest.importorskip("matplotlib")
    out = json.loads(cli("train", files / "cancer.csv", "--target", "target",
                         "--early-stopping", "--epochs", "300", "--plots", tmp_path / "p",
                         "--json").stdout)
    assert out["n_validation"] == 43 and out["n_train"] == 383 and out["n_test"] == 143
    kept = out["kept_loss"]
    assert out["train"]["loss"] == pytest.approx(kept, rel=1e-12)   # the kept epoch's rows
    assert out["validation"]["loss"] == pytest.approx(
        out["history"]["val_loss"][out["kept_epoch"] - 1], rel=1e-12)
    text = cli("train", files / "cancer.csv", "--target", "target", "--early-stopping",
               "--epochs", "300").stdout
    flat = " ".join(text.split())
    assert "trained on 383 rows (43 for validation, 143 held out for testing)" in flat
    from nnmath.history import History
    from nnmath.plots import loss_curve

    history = History(loss=[0.9, 0.5, 0.6, 0.7], initial_loss=1.0, best_epoch=2,
                      stop_reason="early_stopping", val_loss=[0.8, 0.4, 0.5, 0.6])
    assert loss_curve(history).ax.get_title() == "Loss over 4 epochs: 1 → 0.5 at epoch 2, kept"


def test_a_target_typo_says_did_you_mean(cli, files):
    """Was: 10 of 14 columns listed, cut before the one meant, no "did you mean"."""
    done = cli("train", files / "linnerud.csv", "--target", "Wieght")
    assert done.returncode == 2 and "Did you mean 'Weight'?" in done.stderr
    done = cli("train", files / "cancer.csv", "--target", "worst smoothnes")
    assert "Did you mean 'worst smoothness'" in done.stderr


def test_report_alt_texts_are_whole_and_network_pictures_small(cli, files, cancer_model,
                                                                tmp_path):
    """Was: `![Confusion matrix at 0.5 (rows](…)` in report.md; the network and step
    pictures of a 30-input model were 2.3-2.9 MB each."""
    pytest.importorskip("matplotlib")
    done = cli("report", "--model", cancer_model, "--data", files / "cancer.csv",
               "--output-dir", tmp_path / "r")
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "r" / "report.md").read_text()
    for alt in re.findall(r"!\[([^\]]*)\]\(", md):
        assert alt.count("(") == alt.count(")"), alt
    assert "![Confusion matrix at threshold 0.5](" in md
    for name in ("01-network.png", "02-step.png"):
        assert (tmp_path / "r" / "figures" / name).stat().st_size < 600_000


def test_plot_network_of_a_wide_layer_says_the_row_is_not_drawn(cli, files, cancer_model,
                                                                 tmp_path):
    """Was: `plot network --data … --row 3` wrote the same picture as without --row when a
    layer had more than 8 neurons, and said nothing."""
    pytest.importorskip("matplotlib")
    done = cli("plot", "network", "--model", cancer_model, "--data", files / "cancer.csv",
               "--row", "3", "--output", tmp_path / "n.png")
    assert done.returncode == 0, done.stderr
    assert "note: a layer has 30 neurons (more than 8): the picture shows the weights " \
           "only, not the values and gradients of row 3" in done.stdout


def test_predict_does_not_print_probabilities_like_4e_19(cli, files, tmp_path):
    """Was: `4.265e-19` for an overconfident model's probability."""
    model = tmp_path / "sure.json"
    assert cli("train", files / "cancer.csv", "--target", "target", "--epochs", "300",
               "--save", model).returncode == 0
    done = cli("predict", model, "--data", files / "cancer.csv")
    assert not re.search(r"\d\.\d+e-\d\d", done.stdout)
    assert "<0.0001" in done.stdout or ">0.9999" in done.stdout


@pytest.mark.slow
def test_html_pages_do_not_scroll_sideways_at_1280_pixels(cli, files, cancer_model,
                                                          tmp_path, browser):
    """Was: the wide tables of the HTML explanation and the report made the page scroll
    sideways at 1 280 px."""
    pytest.importorskip("matplotlib")
    assert cli("explain", "--model", cancer_model, "--data", files / "cancer.csv", "--row",
               "2", "--format", "html", "--output", tmp_path / "x.html").returncode == 0
    assert cli("report", "--model", cancer_model, "--data", files / "cancer.csv",
               "--output-dir", tmp_path / "r").returncode == 0
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        for path in (tmp_path / "x.html", tmp_path / "r" / "index.html"):
            page.goto(path.as_uri())
            wide, seen = page.evaluate("[document.documentElement.scrollWidth, "
                                       "document.documentElement.clientWidth]")
            assert wide <= seen, (path.name, wide, seen)
    finally:
        page.close()
