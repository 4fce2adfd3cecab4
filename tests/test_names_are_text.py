"""Names are text everywhere (issue 19, points 4, 5 and the names of point 13).

A feature, class or target name is shown as written: never read as mathtext by
matplotlib (``$\\foo$`` crashed every picture), as rich markup (``[/]`` crashed train,
evaluate and predict), as HTML or Markdown (``<script>`` in report.md), as a spreadsheet
formula (``=HYPERLINK(…)`` in predict's CSV); control characters (an ANSI or OSC escape
sequence) and lone surrogates are shown as their escapes, never sent to the terminal.
Everything through the real command line; the property test at the end feeds generated
hostile names through train, every command and every format.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fuzzing import FUZZING

# A byte the terminal would act on: C0 (but \n), DEL, C1 (as UTF-8: U+0080-U+009F), and
# the direction overrides (they reorder what a line shows).
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PNG = b"\x89PNG\r\n\x1a\n"


def _clean(result, what=""):
    """Exit 0, no traceback, no internal error, no control byte on stdout or stderr."""
    assert result.returncode == 0, (what, result.stderr)
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream and "internal error" not in stream, (what, stream)
        assert not RAW_CONTROL.search(stream), (what, RAW_CONTROL.search(stream), stream)


def _write_csv(path, features, classes, n=24):
    """Two features, one of two classes per row (a pattern a network can learn)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*features, "target"])
        for i in range(n):
            a, b = (i % 5) - 2.0, ((3 * i) % 7) - 3.0
            writer.writerow([a, b, classes[int(a + b > 0)]])


def _train(cli, tmp_path, features, classes):
    _write_csv(tmp_path / "data.csv", features, classes)
    result = cli("train", "data.csv", "--target", "target", "--task", "classification",
                 "--hidden", "3", "--epochs", "5", "--save", "model.json", cwd=tmp_path)
    _clean(result, "train")
    return json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))


# -- point 4: mathtext ---------------------------------------------------------------------

@pytest.mark.slow
def test_tex_in_names_is_drawn_as_text(cli, tmp_path):
    """A class named $\\foo$ and a column named $x^{$ crashed plot network, map, confusion
    and report (ParseFatalException); they are drawn as written."""
    _train(cli, tmp_path, ["$x^{$", "b"], ["$\\foo$", "ok"])
    for kind in ("network", "map", "confusion"):
        result = cli("plot", kind, "--model", "model.json", "--data", "data.csv",
                     "--target", "target", "-o", f"{kind}.svg", cwd=tmp_path)
        _clean(result, kind)
        svg = (tmp_path / f"{kind}.svg").read_text(encoding="utf-8")
        assert "$\\foo$" in svg or kind != "confusion"   # the name itself, as text
    result = cli("report", "--model", "model.json", "--data", "data.csv", "--target",
                 "target", "--output-dir", "r", cwd=tmp_path)
    _clean(result, "report")
    assert (tmp_path / "r" / "figures" / "01-network.png").read_bytes()[:8] == PNG


# -- point 5: rich markup, control characters, lone surrogates -----------------------------

@pytest.mark.slow
def test_markup_in_names_is_printed_as_written(cli, tmp_path):
    """A class named [/] was a MarkupError in train (after saving), evaluate and predict;
    one named [bold]ok printed as "ok"."""
    _train(cli, tmp_path, ["a", "b"], ["[/]", "[bold]ok"])
    for args in (["evaluate", "model.json", "data.csv"], ["predict", "model.json", "--x", "1",
                                                         "2"], ["summary", "model.json"]):
        result = cli(*args, cwd=tmp_path)
        _clean(result, args[0])
        assert "[/]" in result.stdout and "[bold]ok" in result.stdout, result.stdout


@pytest.mark.slow
def test_escape_sequences_and_lone_surrogates_are_shown_not_sent(cli, tmp_path):
    """ANSI/OSC sequences in names (clear the screen, set the window title) reached the
    terminal; a lone surrogate crashed summary, predict and plot network."""
    model = _train(cli, tmp_path, ["\x1b]0;owned\x07a", "b"], ["\x1b[2Jx", "y"])
    model["feature_names"][1] = "b\ud800"
    model["class_names"][1] = model["positive_class"] = "y\udfff"
    (tmp_path / "s.json").write_text(json.dumps(model), encoding="utf-8")   # \ud800 escaped
    for args in (["summary", "model.json"], ["evaluate", "model.json", "data.csv"],
                 ["predict", "model.json", "--x", "1", "2"], ["summary", "s.json"],
                 ["predict", "s.json", "--x", "1", "2"], ["predict", "s.json", "--x", "1",
                                                          "2", "--csv"]):
        result = cli(*args, cwd=tmp_path)
        _clean(result, args)
        assert "\\x1b" in result.stdout, (args, result.stdout)
    assert "\\ud800" in result.stdout and "\\udfff" in result.stdout
    result = cli("plot", "network", "--model", "s.json", "-o", "n.png", cwd=tmp_path)
    _clean(result, "plot network")
    result = cli("predict", "s.json", "--x", "1", "2", "--json", cwd=tmp_path)
    _clean(result, "predict --json")
    assert json.loads(result.stdout)["feature_names"][1] == "b\ud800"   # JSON keeps it exact


# -- point 13: report.md, predict --csv ----------------------------------------------------

@pytest.mark.slow
def test_report_markdown_carries_no_raw_html(cli, tmp_path):
    _train(cli, tmp_path, ["<script>alert(1)</script>", "b"],
           ["<img src=x onerror=alert(1)>", "ok"])
    result = cli("report", "--model", "model.json", "--data", "data.csv", "--target",
                 "target", "--output-dir", "r", cwd=tmp_path)
    _clean(result, "report")
    for page in ("report.md", "index.html"):
        text = (tmp_path / "r" / page).read_text(encoding="utf-8")
        assert "<script" not in text and "<img src=x" not in text, page
        assert "&lt;script&gt;" in text and "&lt;img src=x onerror=alert(1)&gt;" in text


@pytest.mark.slow
def test_predict_csv_neutralises_formulas_and_keeps_numbers(cli, tmp_path):
    """OWASP's advice: a text cell starting with = + - @ (tab, CR) gets a leading '; a
    number such as -1.5 stays a number."""
    _train(cli, tmp_path, ["=HYPERLINK(\"http://x\")", "@SUM(A1)"], ["+1-2", "-cls"])
    for args in (["--csv"], ["-o", "p.csv"]):
        result = cli("predict", "model.json", "--x", "-1.5", "2", "--x", "0", "-3", *args,
                     cwd=tmp_path)
        _clean(result, args)
        text = result.stdout if args == ["--csv"] else (tmp_path / "p.csv").read_text()
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "P(+1-2)", "P(-cls)",
                           "predicted"]
        assert rows[1][0] == "-1.5" and rows[2][1] == "-3.0"        # numbers stay numbers
        assert {row[-1] for row in rows[1:]} <= {"'+1-2", "'-cls"}
        for row in rows:
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")) or \
                    re.fullmatch(r"[-+]?[0-9.e+-]+", cell), cell


# -- the property: generated hostile names through every command and format ----------------

HOSTILE = list("$\\[]/<>&\"'=+-@ab_*`|") + ["\x1b", "\x07", "\x9b", "\x1b]0;t\x07",
                                            "\x1b[2J", "\u202e"]
name_parts = st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=2).map("".join)


def _names(parts, prefix):
    """Distinct, non-blank names from ``parts`` (the CSV loader strips blanks)."""
    return [f"{part}{prefix}{i}" for i, part in enumerate(parts)]


def _every_command(cli, tmp_path, model):
    """Run every command on the trained model in every format: the results by name."""
    features, classes = model["feature_names"], model["class_names"]
    runs = {
        "summary": ["summary", "model.json"],
        "summary --json": ["summary", "model.json", "--json"],
        "predict": ["predict", "model.json", "--x", "1", "-1"],
        "predict --json": ["predict", "model.json", "--x", "1", "-1", "--json"],
        "predict --csv": ["predict", "model.json", "--data", "data.csv", "--csv"],
        "evaluate": ["evaluate", "model.json", "data.csv"],
        "evaluate --json": ["evaluate", "model.json", "data.csv", "--json"],
        "explain": ["explain", "--model", "model.json", "--x", "1", "-1", "--y", classes[0]],
        "plot network": ["plot", "network", "--model", "model.json", "--data", "data.csv",
                         "--target", "target", "--row", "2", "-o", "n.svg"],
        "plot map": ["plot", "map", "--model", "model.json", "--data", "data.csv",
                     "--target", "target", "-o", "m.png"],
        "plot confusion": ["plot", "confusion", "--model", "model.json", "--data", "data.csv",
                           "--target", "target", "-o", "c.svg"],
        "report": ["report", "--model", "model.json", "--data", "data.csv", "--target",
                   "target", "--output-dir", "r"],
    }
    results = {}
    for what, args in runs.items():
        results[what] = cli(*args, cwd=tmp_path)
        _clean(results[what], what)
    for what in ("summary --json", "predict --json", "evaluate --json"):
        json.loads(results[what].stdout)
    return results, features, classes


def _check_names_shown(tmp_path, results, features, classes):
    """Each name where it is expected, escaped for the place: the terminal, JSON, CSV,
    Markdown and HTML."""
    from nnmath.textsafe import csv_cell, for_html, for_markdown, visible

    summary = results["summary"].stdout
    for name in features + classes:
        assert visible(name) in summary, (name, summary)
    assert json.loads(results["summary --json"].stdout)["info"]["feature_names"] == features
    assert list(json.loads(results["predict --json"].stdout)["predictions"][0]
                ["probabilities"]) == classes
    header = next(csv.reader(io.StringIO(results["predict --csv"].stdout)))
    assert header == [csv_cell(n) for n in features] + [csv_cell(f"P({c})") for c in classes] \
        + ["predicted"]
    for name in classes:
        assert visible(name) in results["evaluate"].stdout
    md = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    for name in features + classes:
        assert for_markdown(name) in md, (name, for_markdown(name))
        assert for_html(name) in page, (name, for_html(name))
    assert not RAW_CONTROL.search(md) and not RAW_CONTROL.search(page)


@pytest.mark.slow
@settings(max_examples=30 if FUZZING else 2, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(features=st.lists(name_parts, min_size=2, max_size=2),
       classes=st.lists(name_parts, min_size=2, max_size=2))
@example(features=["$\\foo$", "\x1b]0;t\x07[/]"], classes=["<script>", "=HYPERLINK(1)"])
def test_hostile_names_through_every_command_and_format(cli, tmp_path_factory, features,
                                                        classes):
    tmp_path = tmp_path_factory.mktemp("names")
    model = _train(cli, tmp_path, _names(features, "f"), _names(classes, "c"))
    results, features, classes = _every_command(cli, tmp_path, model)
    _check_names_shown(tmp_path, results, features, classes)
    # the same names with a lone surrogate (only a model file can hold one)
    model["feature_names"][0] += "\ud800"
    model["class_names"][1] += "\udc00"
    model["positive_class"] = model["class_names"][1]   # class 1 is the positive class
    (tmp_path / "model.json").write_text(json.dumps(model), encoding="utf-8")
    for args in (["summary", "model.json"], ["predict", "model.json", "--x", "1", "-1"],
                 ["predict", "model.json", "--x", "1", "-1", "--csv"],
                 ["plot", "network", "--model", "model.json", "-o", "s.png"]):
        result = cli(*args, cwd=tmp_path)
        _clean(result, args)
        if args[0] != "plot":
            assert "\\ud800" in result.stdout and "\\udc00" in result.stdout
