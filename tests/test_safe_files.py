"""Files are written safely: atomically, never onto a device, keeping permissions and links.

And the model-file reader refuses oddities found while building the bad-input
corpus (huge integers, non-string activations) with a clear ModelFileError.
"""

import json
import os
import stat

import pytest

from nnmath import Network
from nnmath.errors import ModelFileError
from nnmath.modelfile import FORMAT, from_dict, load
from nnmath.safefile import write_atomic


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_refuses_to_replace_a_fifo_or_device(tmp_path):
    # Found by the corpus: `--output /dev/null` used to *replace* /dev/null by a regular
    # file (os.replace on a device works for root). A FIFO stands in for the device here.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ModelFileError, match="must be a regular file"):
        write_atomic(fifo, "text")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert _leftovers(tmp_path) == []


def test_keeps_the_permissions_of_the_old_file(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_atomic(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_a_new_file_gets_the_umask_permissions_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.json", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o644


def test_a_symlink_stays_a_link_to_the_new_content(tmp_path):
    (tmp_path / "real.json").write_text("old")
    (tmp_path / "link.json").symlink_to("real.json")
    write_atomic(tmp_path / "link.json", "new")
    assert (tmp_path / "link.json").is_symlink()
    assert (tmp_path / "real.json").read_text() == "new"


def test_a_full_disk_is_a_clear_error_and_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    path.write_text("old")
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, text):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(real_fdopen(fd, *a, **k)))
    with pytest.raises(ModelFileError, match="No space left on device. Nothing was changed"):
        write_atomic(path, "new")
    assert path.read_text() == "old" and _leftovers(tmp_path) == []


def test_a_name_too_long_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match="File name too long"):
        write_atomic(tmp_path / ("a" * 300), "x")


def test_an_empty_path_is_a_folder_error():
    with pytest.raises(ModelFileError, match="a file, not a folder"):
        write_atomic("", "x")


def _model(**layer):
    spec = {"activation": "sigmoid", "W": [[1.0]], "b": [0.0], **layer}
    return {"format": FORMAT, "layers": [spec]}


@pytest.mark.parametrize("layer, fragment", [
    ({"activation": ["sigmoid"]}, "\"activation\" must be one of"),   # was TypeError
    ({"activation": {"name": "relu"}}, "\"activation\" must be one of"),
    ({"W": [[10 ** 400]]}, "finite numbers"),                         # was OverflowError
    ({"b": [-(10 ** 309)]}, "finite numbers"),
    ({"b": [True]}, "finite numbers"),
    ({"b": "0"}, "\"b\" must be a list"),
])
def test_odd_values_are_model_file_errors(layer, fragment):
    with pytest.raises(ModelFileError) as info:
        from_dict(_model(**layer))
    assert fragment in str(info.value)
    assert len(str(info.value)) < 400


def test_huge_integers_in_the_file_are_refused_not_crashed(tmp_path):
    # Python refuses int() of more than 4300 digits with a ValueError.
    path = tmp_path / "m.json"
    path.write_text(json.dumps(_model()).replace("1.0", "9" * 5000))
    with pytest.raises(ModelFileError, match="finite numbers"):
        load(path)


def test_a_long_wrong_value_is_shortened_in_the_message():
    with pytest.raises(ModelFileError) as info:
        from_dict({"format": "x" * 10_000, "layers": []})
    assert len(str(info.value)) < 300


def test_a_utf8_bom_is_accepted(tmp_path):
    # Windows editors (Notepad) add one when a model file is edited by hand.
    path = tmp_path / "m.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(_model(W=[[0.5]])).encode())
    assert load(path).layers[0].W.tolist() == [[0.5]]


def test_saved_model_round_trips_through_the_bom_tolerant_reader(tmp_path):
    net = Network.random([2, 3, 1], seed=4)
    net.save(tmp_path / "m.json")
    assert load(tmp_path / "m.json").params()["W2"].tolist() == net.params()["W2"].tolist()


def test_a_scaling_with_integers_beyond_float_range_is_refused():
    # Found by the fuzzer (test_from_dict_on_near_valid_models): was OverflowError.
    data = _model()
    data["scaling"] = {"method": "standard", "mean": [10 ** 309], "std": [1]}
    with pytest.raises(ModelFileError, match='"scaling" must be'):
        from_dict(data)


def test_checkpoint_saves_every_n_epochs_and_the_last_good_epoch(tmp_path):
    import numpy as np

    from nnmath.checkpoint import Checkpoint
    from nnmath.errors import ConfigError

    net = Network.random([1, 2, 1], seed=0)
    net.info = {"feature_names": ["x"]}
    path = tmp_path / "m.json"
    ckpt = Checkpoint(path, every=3)
    assert ckpt.save_last_good("interrupted") is None and not path.exists()  # nothing yet
    ckpt.start(net)
    seen = []
    history = net.fit([[0.5], [1.5]], [[0.0], [1.0]], epochs=7, learning_rate=0.5,
            callbacks=(ckpt, lambda epoch, h: seen.append(load(path).info["training"]
                                                          ["epochs_run"]) if path.exists()
                       else seen.append(None)))
    assert seen == [None, None, 3, 3, 3, 6, 6]
    after_7 = {name: p.copy() for name, p in net.params().items()}
    for p in net.params().values():   # a half-finished epoch 8 ...
        p += 1.0
    assert ckpt.save_last_good("interrupted") == 7   # ... is never saved
    saved = load(path)
    for name, p in saved.params().items():
        assert np.array_equal(p, after_7[name])
    assert saved.info["feature_names"] == ["x"]
    # the settings of the run, as a finished run records them (issue 10, point 18)
    assert saved.info["training"] == {**history.settings, "epochs_run": 7,
                                      "stop_reason": "interrupted"}
    assert saved.info["training"]["learning_rate"] == 0.5
    with pytest.raises(ConfigError, match="--checkpoint-every must be"):
        Checkpoint(path, every=0)


def test_a_ctrl_c_during_a_write_comes_after_the_write(tmp_path, monkeypatch):
    # Found by the kill test: a SIGINT between creating the temporary file and the
    # `try` that removes it left `.model.json.*.tmp` behind. Now the write finishes.
    import signal as signals

    path = tmp_path / "model.json"
    path.write_text("old")
    real_fsync = os.fsync

    def fsync_then_ctrl_c(fd):
        real_fsync(fd)
        os.kill(os.getpid(), signals.SIGINT)   # Ctrl-C in the middle of the write

    monkeypatch.setattr(os, "fsync", fsync_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new")
    assert path.read_text() == "new" and _leftovers(tmp_path) == []
    assert signals.getsignal(signals.SIGINT) is signals.default_int_handler
