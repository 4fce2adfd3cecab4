"""Nothing lost, nothing endless (issue 10): a user's files, read and written.

- an output is never an input (:func:`nnmath.safefile.check_not_input`);
- ``save`` writes only what ``load`` reads back;
- a read-only file is not replaced;
- every file read is checked for kind and size (:func:`nnmath.safefile.open_input`):
  pipes are read as bounded streams, devices and folders refused, each OSError one line;
- the CSV loader is one pass over the rows into a float64 array (right across its
  chunks, its target modes and its limits);
- a full disk while drawing is one line and leaves no new folder behind.

Oracles: the CSV parsed independently with the csv module and float(); the same
command on the regular file (for pipes); the bytes of the files that must survive.
The corpus (tests/bad_inputs/files.json) runs the same cases through the real CLI.
"""

import csv
import errno
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nnmath
from nnmath import inputfile, safefile
from nnmath.cli import main
from nnmath.datasets import csvfile, csvtable, load_csv
from nnmath.datasets.csvfile import read_features
from nnmath.errors import ConfigError, DataError, ModelFileError
from nnmath.modelfile import load

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "bad_inputs" / "files" / "csv" / "good.csv"


def parsed_independently(path, target):
    """X and the target column's text, read with the csv module and float()."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [row for row in csv.reader(f) if row]
    header, rows = rows[0], rows[1:]
    features = [c for c, h in enumerate(header) if h != target]
    return (np.array([[float(row[c]) for c in features] for row in rows]),
            [row[header.index(target)] for row in rows])


# -- 1. an output is never an input -------------------------------------------------------

def test_the_same_file_is_found_by_path_link_and_hard_link(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x\n1\n")
    (tmp_path / "link.csv").symlink_to("d.csv")
    os.link(data, tmp_path / "hard.csv")
    (tmp_path / "sub").mkdir()
    inputs = {"the data file": str(data)}
    for output in (data, tmp_path / "link.csv", tmp_path / "hard.csv",
                   tmp_path / "sub" / ".." / "d.csv"):
        with pytest.raises(ConfigError, match="It is the data file: choose another name "
                                              "for --save; nothing was changed"):
            safefile.check_not_input(output, inputs, "--save")
    for output in (tmp_path / "model.json", tmp_path / "sub" / "d.csv", None):
        safefile.check_not_input(output, inputs, "--save")      # other files are fine
    safefile.check_not_input(tmp_path / "m.json", {"the data file": None}, "--save")


def test_a_folder_written_into_is_checked_file_by_file(tmp_path):
    (tmp_path / "r" / "figures").mkdir(parents=True)
    model = tmp_path / "r" / "figures" / "07-anything.png"
    model.write_text("{}")
    data = tmp_path / "r" / "data.csv"
    data.write_text("x\n1\n")
    inputs = {"the model file": model, "the data file": data}
    safefile.check_not_inside(tmp_path / "r", inputs, "--output-dir", ["index.html"])
    with pytest.raises(ConfigError, match="It is the model file: choose another folder"):
        safefile.check_not_inside(tmp_path / "r" / "figures", inputs, "--output-dir")
    with pytest.raises(ConfigError, match="It is the data file"):
        safefile.check_not_inside(tmp_path / "r", inputs, "--plots", ["data.csv"])


@pytest.mark.parametrize("argv", [
    ["train", "{d}", "--target", "status", "--epochs", "2", "--save", "{d}"],
    ["train", "{d}", "--target", "status", "--epochs", "2", "--save", "{link}"],
    ["predict", "{m}", "--data", "{d}", "--output", "{d}"],
    ["predict", "{m}", "--x", "1", "60", "--output", "{m}"],
    ["explain", "--model", "{m}", "--x", "1", "60", "--y", "Cancer", "--output", "{m}"],
    ["plot", "map", "--model", "{m}", "--data", "{d}", "--target", "status", "-o", "{png}"],
])
def test_no_command_writes_over_what_it_reads(tmp_path, capsys, argv):
    d, m = tmp_path / "d.csv", tmp_path / "m.json"
    d.write_bytes(GOOD.read_bytes())
    assert main(["train", str(d), "--target", "status", "--epochs", "2", "--save", str(m),
                 "--json"]) == 0
    (tmp_path / "link.json").symlink_to("d.csv")
    (tmp_path / "map.png").symlink_to("d.csv")
    before = {p: p.read_bytes() for p in (d, m)}
    capsys.readouterr()
    names = {"{d}": str(d), "{m}": str(m), "{link}": str(tmp_path / "link.json"),
             "{png}": str(tmp_path / "map.png")}
    assert main([names.get(a, a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must be another file than the command reads" in err
    assert {p: p.read_bytes() for p in (d, m)} == before


# -- 2. save writes only what load reads --------------------------------------------------

@pytest.mark.parametrize("extra, fragment", [
    ({"class_names": ["a", "a"]}, '"class_names" must be a list of 2 distinct names'),
    ({"feature_names": ["psa", "psa"]}, '"feature_names" must be a list of 2 distinct'),
    ({"note": float("nan")}, "'note' must be JSON data to be saved .* Got 'NaN or infinity'"),
    ({"note": {"x": [1.0, float("inf")]}}, "Got 'NaN or infinity'"),
    ({"note": object()}, "an object of type object is not JSON serializable"),
    ({"note": np.float32(1.0)}, "an object of type float32"),
    ({"loss": "bce"}, '"loss"'),
])
def test_save_refuses_what_load_would_refuse_and_keeps_the_old_file(tmp_path, extra,
                                                                      fragment):
    net = nnmath.Network.random([2, 3, 2], output_activation="softmax", seed=0)
    path = tmp_path / "model.json"
    net.save(path)
    before = path.read_bytes()
    with pytest.raises(ModelFileError, match=fragment):
        net.save(path, **extra)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]
    np.testing.assert_array_equal(load(path).forward([[1.0, 2.0]]),
                                  net.forward([[1.0, 2.0]]))


def test_what_save_writes_load_reads_back_exactly(tmp_path):
    net = nnmath.Network.random([2, 3, 2], output_activation="softmax", seed=1)
    net.save(tmp_path / "m.json", class_names=["no", "yes"], feature_names=["a", "b"],
             note={"1": [1, 2]})
    back = load(tmp_path / "m.json")
    assert back.info["class_names"] == ["no", "yes"] and back.info["note"] == {"1": [1, 2]}
    for name, value in net.params().items():
        np.testing.assert_array_equal(back.params()[name], value)


# -- 3. a read-only file is not replaced --------------------------------------------------

@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555])
def test_a_read_only_file_is_not_replaced_even_by_root(tmp_path, mode):
    path = tmp_path / "model.json"
    path.write_text("keep me")
    path.chmod(mode)
    for attempt in (lambda: safefile.write_atomic(path, "new"),
                    lambda: safefile.check_writable(path),
                    lambda: safefile.atomic_path(path).__enter__()):
        with pytest.raises(ModelFileError, match="must be writable .* read-only file"):
            attempt()
    assert path.read_text() == "keep me" and sorted(tmp_path.iterdir()) == [path]
    path.chmod(0o644)
    safefile.write_atomic(path, "new")      # writable again: replaced
    assert path.read_text() == "new"


# -- 4. every file read is checked for kind and size --------------------------------------

def small():
    """A reader's limits, small enough to test: at most 100 bytes."""
    return safefile.InputFile(name="the test file", path_name="the test path", kind="a file",
                              noun="a test file", limit=100, error=DataError,
                              limit_fix="Make it smaller.")


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"x" * 101)
    with pytest.raises(DataError, match=r"the test file '.*big' must be at most 100 bytes "
                                        r"\(the most nnmath reads\)\. Got '101 bytes'\. "
                                        "Make it smaller."):
        safefile.read_input(path, small())
    path.write_bytes(b"x" * 100)
    assert safefile.read_input(path, small()) == b"x" * 100


def test_a_pipe_is_read_as_a_stream_up_to_the_limit():
    for size, ok in ((100, True), (101, False), (10_000, False)):
        r, w = os.pipe()
        os.write(w, b"y" * size)   # fits the pipe's buffer
        os.close(w)
        try:
            if ok:
                assert safefile.read_input(f"/dev/fd/{r}", small()) == b"y" * size
            else:
                with pytest.raises(DataError, match="at most 100 bytes .* Got 'a longer stream'"):
                    safefile.read_input(f"/dev/fd/{r}", small())
        finally:
            os.close(r)


def test_devices_and_folders_are_refused(tmp_path):
    with pytest.raises(DataError, match="the test path must be a file. Got '/dev/zero'. "
                                        "A device such as /dev/zero is not a test file"):
        safefile.open_input("/dev/zero", small())
    with pytest.raises(DataError, match="the test path must be a file, not a folder"):
        safefile.open_input(tmp_path, small())
    with pytest.raises(DataError, match=r"must be a file name \(str or Path\). Got 'NoneType'"):
        safefile.open_input(None, small())


@pytest.mark.parametrize("code, fragment", [
    (errno.ENOENT, "the test file '.*' does not exist. Check the path."),
    (errno.ENOTDIR, "a part of the path is a file, not a folder"),
    (errno.ELOOP, "its symbolic links form a loop"),
    (errno.ENAMETOOLONG, "the name is longer than the system allows"),
    (errno.EACCES, r"permission denied \(Permission denied\). Make the file readable"),
    (errno.EIO, "Input/output error"),
])
def test_every_reason_a_file_cannot_be_opened_is_one_line(tmp_path, monkeypatch, code,
                                                          fragment):
    path = tmp_path / "d.csv"
    path.write_text("x\n1\n")

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(inputfile, "open", refuse, raising=False)   # as root, no EACCES
    with pytest.raises(DataError, match=fragment) as info:
        safefile.open_input(path, small())
    assert "\n" not in str(info.value)


def test_real_path_errors_through_the_csv_loader(tmp_path):
    (tmp_path / "loop.csv").symlink_to("loop.csv")
    cases = {tmp_path / "loop.csv": "its symbolic links form a loop",
             GOOD / "x.csv": "a part of the path is a file, not a folder",
             tmp_path / ("n" * 300 + ".csv"): "the name is longer than the system allows"}
    for path, fragment in cases.items():
        with pytest.raises(DataError, match=fragment):
            load_csv(path, target="status")


def _pipe_path(data: bytes):
    """A readable pipe with ``data`` in it, as ``<(cat FILE)`` gives: (path, fd)."""
    r, w = os.pipe()
    os.write(w, data)
    os.close(w)
    return f"/dev/fd/{r}", r


def test_the_csv_loader_reads_a_pipe_as_the_file(tmp_path):
    path, fd = _pipe_path(GOOD.read_bytes())
    try:
        piped = load_csv(path, target="status")
    finally:
        os.close(fd)
    direct = load_csv(GOOD, target="status")
    np.testing.assert_array_equal(piped.X, direct.X)
    np.testing.assert_array_equal(piped.y, direct.y)
    assert piped.class_names == direct.class_names


@pytest.mark.parametrize("how", ["process substitution", "/dev/stdin"])
def test_train_and_evaluate_read_pipes_from_the_shell(tmp_path, how):
    """<(cat d.csv) and /dev/stdin give the numbers the file gives (was: 'not seekable')."""
    import shutil

    bash = shutil.which("bash")
    if how == "process substitution" and bash is None:
        pytest.skip("no bash for <(...)")
    frame = pytest.importorskip("sklearn.datasets").load_diabetes(as_frame=True).frame
    data = tmp_path / "diabetes.csv"
    frame.to_csv(data, index=False)
    nn = [sys.executable, "-m", "nnmath"]
    train = ["train", "--target", "target", "--epochs", "3", "--json"]

    def run(argv):
        if how == "process substitution":
            line = " ".join(map(_quote, nn + argv)).replace("PIPE", f"<(cat {_quote(data)})")
            done = subprocess.run([bash, "-c", line], capture_output=True, text=True,
                                  timeout=120)
        else:   # a pipe, as `cat d.csv | nnmath train /dev/stdin` gives
            done = subprocess.run(nn + [a.replace("PIPE", "/dev/stdin") for a in argv],
                                  input=data.read_text(), capture_output=True, text=True,
                                  timeout=120)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        return json.loads(done.stdout)

    piped = run([train[0], "PIPE", *train[1:], "--save", str(tmp_path / "m.json")])
    direct = json.loads(subprocess.run(nn + [train[0], str(data), *train[1:]],
                                       capture_output=True, text=True,
                                       timeout=120).stdout)
    assert piped["history"] == direct["history"] and piped["test"] == direct["test"]
    evaluated = run(["evaluate", str(tmp_path / "m.json"), "PIPE", "--json"])
    assert evaluated["n_samples"] == len(frame)
    assert evaluated["mse"] == pytest.approx(
        json.loads(subprocess.run(nn + ["evaluate", str(tmp_path / "m.json"), str(data),
                                        "--json"], capture_output=True, text=True,
                                  timeout=120).stdout)["mse"], rel=0, abs=0)


def _quote(text) -> str:
    import shlex

    return text if text == "PIPE" else shlex.quote(str(text))


# -- 5. the CSV loader: one pass, a float64 array, linear in rows and columns --------------

def test_rows_across_many_chunks_equal_an_independent_parse(tmp_path, monkeypatch):
    monkeypatch.setattr(csvtable._Rows, "CHUNK", 7)   # a flush every few rows
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3)) * 10.0 ** rng.integers(-5, 5, size=(500, 3))
    labels = rng.choice(["Cancer", "Healthy", "Other"], size=500)
    path = tmp_path / "d.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["a", "label", "b", "c"])
        for x, label in zip(X.tolist(), labels):
            writer.writerow([repr(x[0]), label, repr(x[1]), repr(x[2])])
            if rng.random() < 0.05:
                f.write("\n")     # blank lines are skipped
    data = load_csv(path, target="label")
    expected, texts = parsed_independently(path, "label")
    np.testing.assert_array_equal(data.X, expected)
    np.testing.assert_array_equal(data.X, X)
    assert [data.class_names[c] for c in data.y] == texts
    assert data.X.dtype == np.float64 and data.X.flags.c_contiguous
    X2, names = read_features(path, ["c", "a"])
    np.testing.assert_array_equal(X2, X[:, [2, 0]])


def test_a_wide_header_is_read_and_errors_name_a_few_columns(tmp_path):
    n = 50_000
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"f{i}" for i in range(n)) + ",y\n"
                    + ",".join(str(i) for i in range(n)) + ",a\n"
                    + ",".join(str(-i) for i in range(n)) + ",b\n")
    data = load_csv(path, target="y")
    np.testing.assert_array_equal(data.X, [np.arange(n), -np.arange(n)])
    assert data.feature_names[-1] == f"f{n - 1}"
    with pytest.raises(DataError) as info:
        load_csv(path, target="status")
    assert "'f0', 'f1'" in str(info.value) and f"... ({n + 1} columns)" in str(info.value)
    assert len(str(info.value)) < 400


def test_a_regression_target_past_the_class_limit_is_kept_as_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_CLASSES", 5)
    y = np.arange(40) * 0.5 + 0.25
    path = tmp_path / "r.csv"
    path.write_text("x,y\n" + "".join(f"{i},{v!r}\n" for i, v in enumerate(y.tolist())))
    data = load_csv(path, target="y")
    assert data.task == "regression"
    np.testing.assert_array_equal(data.y, y)
    with pytest.raises(DataError, match=r"the target column 'y' must be made of at most 5 "
                                        r"classes \(nnmath.datasets.csvfile.MAX_CLASSES\)"):
        load_csv(path, target="y", task="classification")
    text = path.read_text().replace(",10.25\n", ",ten\n")
    path.write_text(text)
    with pytest.raises(DataError, match="the target column 'y' must be made of at most 5"):
        load_csv(path, target="y")
    with pytest.raises(DataError, match=r"the target in line 22 \(column 'y'\) must be a "
                                        "number for regression. Got 'ten'"):
        load_csv(path, target="y", task="regression")
    path.write_text(text.replace(",ten\n", ",inf\n"))
    with pytest.raises(DataError, match=r"the target in line 22 \(column 'y'\) must be a "
                                        "finite number. Got 'inf'"):
        load_csv(path, target="y")
    path.write_text(text.replace(",ten\n", ",nan\n"))     # a missing target: left out
    data = load_csv(path, target="y")
    assert len(data) == 39 and data.notes[0] == ("left out 1 row whose target 'y' is missing "
                                                 "(line 22)")


def test_a_line_past_the_limit_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(csvtable, "MAX_LINE", 50)
    path = tmp_path / "long.csv"
    path.write_text("x,y\n" + "1" * 60 + ",2\n")
    with pytest.raises(DataError, match=r"line 2 of the CSV file '.*long.csv' must be at most "
                                        r"50 characters long \(nnmath.datasets.csvfile."
                                        r"MAX_LINE\)"):
        load_csv(path, target="y")
    path.write_text("x,y\n" + "1" * 40 + ",2\n3,4\n")
    assert load_csv(path, target="y", task="regression").X[0, 0] == float("1" * 40)


@pytest.mark.parametrize("cell, fragment", [
    ("1_000", 'Write numbers without "_" (1000, not 1_000)'),
    ("٥", "Write numbers with the digits 0-9."),
    ("2,5", "Write decimals with a point (2.5, not 2,5)"),
    ("x" * 5000, r"Got 'x{80}'\.\.\. \(5000 characters\)\. The column's other values are "
                 r"numbers: give --categorical b to read the column as categories\.$"),
])
def test_a_bad_cell_says_how_to_write_it(tmp_path, cell, fragment):
    path = tmp_path / "d.csv"
    path.write_text(f'a,b,t\n1,2,x\n1,"{cell}",y\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"the value in line 3, column 2 \('b'\) must be a "
                                        "number. " + (fragment if "{" in fragment else
                                                      ".*" + _escape(fragment))):
        load_csv(path, target="t")


def _escape(text):
    import re

    return re.escape(text)


# -- JSON nested too deeply ---------------------------------------------------------------

def test_json_nested_too_deeply_is_said_as_such(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ModelFileError, match="must be JSON nested at most about 900 levels "
                                             "deep .* Got 'deeper nesting'"):
        load(path)


# -- 6. a full disk while drawing ---------------------------------------------------------

@pytest.fixture
def full_disk(monkeypatch):
    """Every picture written hits a full disk (matplotlib's savefig raises ENOSPC)."""
    import matplotlib.figure

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full)


@pytest.mark.parametrize("argv, new", [
    (["plot", "network", "--output", "{tmp}/n.png"], None),
    (["report", "--epochs", "3", "--output-dir", "{tmp}/new/report"], "new"),
    (["report", "--model", "{model}", "--data", str(GOOD), "--target", "status",
      "--output-dir", "{tmp}/r"], "r"),
    (["train", str(GOOD), "--target", "status", "--epochs", "2", "--plots",
      "{tmp}/a/b/plots"], "a"),
])
def test_a_full_disk_while_drawing_is_one_line_and_leaves_no_new_folder(
        tmp_path, capsys, full_disk, argv, new):
    model = ROOT / "tests" / "bad_inputs" / "files" / "model" / "trained.json"
    work = tmp_path / "work"
    work.mkdir()
    argv = [a.replace("{tmp}", str(work)).replace("{model}", str(model)) for a in argv]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "No space left on device. Nothing was changed" in captured.err
    assert list(work.iterdir()) == []     # no folder, no picture, no temporary file


def test_a_full_disk_keeps_an_existing_report_folder_and_its_files(tmp_path, capsys,
                                                                    full_disk):
    folder = tmp_path / "report"
    (folder / "figures").mkdir(parents=True)
    (folder / "notes.txt").write_text("mine")
    (folder / "figures" / "01-network-b.png").write_bytes(b"old picture")
    assert main(["report", "--epochs", "3", "--output-dir", str(folder)]) == 2
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "figures" / "01-network-b.png").read_bytes() == b"old picture"
    assert sorted(p.name for p in folder.rglob("*")) == ["01-network-b.png", "figures",
                                                         "notes.txt"]


@pytest.fixture
def disk_full_after(monkeypatch):
    """``disk_full_after(n)``: n pictures are written, then the disk is full."""
    import matplotlib.figure

    real = matplotlib.figure.Figure.savefig

    def make(n):
        count = []

        def fills(self, *args, **kwargs):
            if len(count) >= n:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            count.append(1)
            return real(self, *args, **kwargs)

        monkeypatch.setattr(matplotlib.figure.Figure, "savefig", fills)
        return count

    return make


@pytest.mark.slow
def test_a_disk_full_midway_changes_nothing_in_an_existing_report_folder(
        tmp_path, capsys, disk_full_after):
    """Issue 19: the disk fills after some pictures of a report into a folder that has an
    older report: "Nothing was changed" is true (the new pictures are removed, the old
    ones are back, byte for byte)."""
    folder = tmp_path / "report"
    (folder / "figures").mkdir(parents=True)
    old = {"notes.txt": b"mine", "figures/01-network-a.png": b"old picture 1",  # replaced,
           "figures/03-network-a-loss.png": b"old picture 3",              # then put back
           "figures/99-mine.png": b"not the report's"}
    for name, content in old.items():
        (folder / name).write_bytes(content)
    written = disk_full_after(4)
    assert main(["report", "--epochs", "3", "--output-dir", str(folder)]) == 2
    assert len(written) == 4                       # four pictures were written, then full
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device. Nothing was changed" in err
    after = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
             if p.is_file()}
    assert after == old


def test_new_folder_removes_only_what_it_made(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "keep.txt").write_text("mine")
    with pytest.raises(RuntimeError):
        with safefile.new_folder(tmp_path / "old" / "a" / "b") as written:
            for name in ("x.png", "y.png"):
                written.append(tmp_path / "old" / "a" / "b" / name)
                written[-1].write_text("picture")
            (tmp_path / "old" / "a" / "b" / "foreign.txt").write_text("not ours")
            raise RuntimeError("a late failure")
    # the files it wrote are gone; a file it did not write keeps its folders
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "old", "old/a", "old/a/b", "old/a/b/foreign.txt", "old/keep.txt"]
    with pytest.raises(KeyboardInterrupt):
        with safefile.new_folder(tmp_path / "fresh" / "sub"):
            raise KeyboardInterrupt
    assert not (tmp_path / "fresh").exists()
    with safefile.new_folder(tmp_path / "kept") as written:
        pass
    assert (tmp_path / "kept").is_dir()


# -- predict streams its CSV --------------------------------------------------------------

def test_predict_writes_its_csv_block_by_block_and_the_same_text(tmp_path):
    from nnmath.commands.predict import _csv_chunks, _Rows
    from nnmath.inference import predict

    net = load(ROOT / "tests" / "bad_inputs" / "files" / "model" / "trained.json")
    X = np.random.default_rng(0).normal(size=(25, 2)) * [1, 10] + [2, 60]
    p = predict(net, X)
    rows = _Rows(X, ("psa", "age"))
    whole = "".join(_csv_chunks(rows, p, block_rows=1000))
    assert "".join(_csv_chunks(rows, p, block_rows=4)) == whole
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["psa", "age", *[f"P({c})" for c in p.class_names], "predicted"])
    for x, pr, label in zip(X.tolist(), p.probabilities.tolist(), p.labels):
        writer.writerow([repr(v) for v in x] + [repr(v) for v in pr] + [label])
    assert whole == buffer.getvalue()
    safefile.write_atomic(tmp_path / "p.csv", _csv_chunks(rows, p, block_rows=4))
    assert (tmp_path / "p.csv").read_text() == whole
