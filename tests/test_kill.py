"""The kill test: a training run killed at random moments never leaves a broken model file.

``nnmath train DATA --save model.json --checkpoint-every 1`` runs (in a
subprocess, over an existing older ``model.json``) and is killed with SIGKILL
(no chance to clean up), SIGINT (Ctrl-C: the last good epoch is saved) or SIGTERM (what
``timeout``, ``docker stop`` and batch schedulers send: the same as Ctrl-C, exit 143).
Saving after every epoch makes the file be rewritten all the time, so many
kills land in the middle of a write.

Afterwards ``model.json`` must be either the old file, byte for byte, or a
complete new model file that loads. Nothing else is acceptable: no empty,
truncated or mixed file. A SIGKILL may leave a ``.model.json.*.tmp`` file
beside it (it is never read); the test counts those. A Ctrl-C always gives
exit code 130 and one line on stderr that says whether the model was saved.

Kills are timed from events the test observes, not from the clock, so a busy
machine changes when they land, never what is asserted (seeded delays are
added after the event):

- ``start``: at once (SIGKILL only: Python's own start-up, before any nnmath
  code runs, is not nnmath's to handle);
- ``imports``: once NumPy's core is mapped into the process (nnmath's Ctrl-C
  handling is installed before NumPy is imported), plus 0-300 ms: imports,
  reading the data, the first epochs;
- ``training``: once ``model.json`` has been rewritten by a checkpoint, plus
  0-50 ms: during training and its saves.

Run with ``-s`` to see the figures (number of kills, signals, outcomes).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from nnmath import Network
from nnmath.modelfile import load

# starts the command line in processes
pytestmark = pytest.mark.process

KILLS = 24            # every (signal, phase) at least once, the rest seeded at random
SEED = 20261128
PARALLEL = 2


def _data(path):
    rng = random.Random(1)
    lines = ["a,b,c,label"] + [f"{rng.random():.4f},{rng.random():.4f},{rng.random():.4f},"
                               f"{rng.choice('xy')}" for _ in range(30)]
    path.write_text("\n".join(lines) + "\n")


def _old_model(path) -> bytes:
    net = Network.random([3, 2, 2], activation="tanh", output_activation="softmax", seed=7)
    net.save(path, feature_names=["a", "b", "c"], class_names=["x", "y"],
             loss="cross_entropy", task="classification", note="the older model")
    return path.read_bytes()


HANG = 120   # seconds: only a bound for a run that hangs, never a timing assumption


def _wait_for(proc, condition, what):
    """Poll until ``condition()``; fail if the process ends first or after HANG seconds."""
    deadline = time.monotonic() + HANG
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"nnmath train ended (exit {proc.returncode}) before {what}: "
                                 f"{proc.stderr.read()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"no {what} after {HANG} s")
        time.sleep(0.002)


def _numpy_mapped(pid) -> bool:
    try:
        with open(f"/proc/{pid}/maps") as f:
            return "_multiarray_umath" in f.read()
    except OSError:
        return False


def _one_kill(folder, sig, phase, delay):
    """Train, kill with ``sig`` ``delay`` s after ``phase``'s event; classify model.json."""
    data, model = folder / "data.csv", folder / "model.json"
    _data(data)
    old = _old_model(model)
    proc = subprocess.Popen(
        [sys.executable, "-m", "nnmath", "train", str(data), "--target", "label",
         "--epochs", "1000000", "--batch-size", "4", "--test-size", "0", "--hidden", "4",
         "--save", str(model), "--checkpoint-every", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    if phase == "imports":
        _wait_for(proc, lambda: _numpy_mapped(proc.pid), "NumPy import")
    elif phase == "training":
        _wait_for(proc, lambda: model.read_bytes() != old, "checkpoint")
    time.sleep(delay)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=HANG)
    content = model.read_bytes()
    if content == old:
        outcome = "old"
    else:
        net = load(model)   # raises if the file is not a complete model file
        assert net.sizes == [3, 4, 2] and net.info["feature_names"] == ["a", "b", "c"]
        assert net.info["training"]["epochs_run"] >= 1
        outcome = "new"
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    return {"signal": signal.Signals(sig).name, "phase": phase, "delay": delay,
            "returncode": proc.returncode, "stderr": err, "outcome": outcome,
            "leftovers": leftovers}


def _plan(rng):
    """KILLS (signal, phase, delay): each signal in each of its phases, then at random."""
    kinds = [(signal.SIGKILL, "start"), (signal.SIGKILL, "imports"),
             (signal.SIGKILL, "training"), (signal.SIGINT, "imports"),
             (signal.SIGINT, "training"), (signal.SIGTERM, "imports"),
             (signal.SIGTERM, "training")]
    kinds += [rng.choice(kinds) for _ in range(KILLS - len(kinds))]
    delays = {"start": (0.0, 0.0), "imports": (0.0, 0.3), "training": (0.0, 0.05)}
    return [(sig, phase, round(rng.uniform(*delays[phase]), 4)) for sig, phase in kinds]


def test_killed_training_leaves_the_old_or_a_complete_new_model(tmp_path):
    plan = _plan(random.Random(SEED))
    folders = []
    for i in range(KILLS):
        folders.append(tmp_path / f"run{i:02d}")
        folders[-1].mkdir()
    with ThreadPoolExecutor(PARALLEL) as pool:
        runs = list(pool.map(lambda args: _one_kill(*args),
                             [(f, *kill) for f, kill in zip(folders, plan)]))

    for run in runs:
        if run["signal"] == "SIGKILL":
            assert run["returncode"] == -signal.SIGKILL, run
        else:   # Ctrl-C or SIGTERM: 128 + signal, one line that says whether it was saved
            assert run["returncode"] == 128 + signal.Signals[run["signal"]], run
            assert run["stderr"].count("\n") == 1 and "Traceback" not in run["stderr"], run
            assert ("were saved to" in run["stderr"]) == (run["outcome"] == "new"), run
            assert run["leftovers"] == [], run   # Ctrl-C always cleans up
        if run["phase"] == "training":
            assert run["outcome"] == "new", run   # a checkpoint was written before the kill
    figures = {sig: {outcome: sum(r["signal"] == sig and r["outcome"] == outcome for r in runs)
                     for outcome in ("old", "new")} for sig in ("SIGKILL", "SIGINT", "SIGTERM")}
    print(f"\nkill test: {len(runs)} kills, seed {SEED}: {figures}; phases "
          f"{ {p: sum(r['phase'] == p for r in runs) for p in ('start', 'imports', 'training')} }"
          f"; temporary files left by SIGKILL: {sum(len(r['leftovers']) for r in runs)}")
    assert figures["SIGINT"]["new"] >= 1 and figures["SIGKILL"]["new"] >= 1, figures


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("phase", ["imports", "training"])
def test_ctrl_c_and_sigterm_save_the_last_good_epoch_and_say_where(tmp_path, phase, sig):
    run = _one_kill(tmp_path, sig, phase, 0.0)
    word = "terminated" if sig == signal.SIGTERM else "interrupted"
    assert run["returncode"] == 128 + sig and run["stderr"].count("\n") == 1, run
    if run["outcome"] == "old":   # stopped before an epoch had finished
        assert phase == "imports" and "was not changed" in run["stderr"] or \
            run["stderr"] in (f"nnmath: {word}\n", f"nnmath train: {word}\n"), run
        return
    assert run["stderr"].startswith(f"nnmath train: {word} in epoch "), run
    epoch = int(run["stderr"].split("after epoch ")[1].split(" ")[0])
    assert load(tmp_path / "model.json").info["training"] == {
        **load(tmp_path / "model.json").info["training"], "epochs_run": epoch,
        "stop_reason": word}
    assert f"were saved to {tmp_path / 'model.json'}" in run["stderr"]
