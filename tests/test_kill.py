"""The kill test: a training run killed at random moments never leaves a broken model file.

``nnmath train DATA --save model.json --checkpoint-every 1`` runs (in a
subprocess, over an existing older ``model.json``) and is killed after a
seeded random delay, with SIGKILL (no chance to clean up) or SIGINT (Ctrl-C:
the last good epoch is saved). Saving after every epoch makes the file be
rewritten all the time, so many kills land in the middle of a write.

Afterwards ``model.json`` must be either the old file, byte for byte, or a
complete new model file that loads. Nothing else is acceptable: no empty,
truncated or mixed file. A SIGKILL may leave a ``.model.json.*.tmp`` file
beside it (it is never read); the test counts those.

A Ctrl-C that lands while Python is still starting (importing NumPy, before
any nnmath code runs) ends the way Python ends it (exit -2, or 1 when NumPy
turns it into an ImportError) or, rarely, is swallowed by the import system;
then the test presses Ctrl-C again, as a user would, and counts it.

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

KILLS = 24            # half SIGKILL, half SIGINT
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


def _one_kill(folder, sig, delay):
    """Train, kill after ``delay`` s with ``sig``; classify what is left in model.json."""
    data, model = folder / "data.csv", folder / "model.json"
    _data(data)
    old = _old_model(model)
    proc = subprocess.Popen(
        [sys.executable, "-m", "nnmath", "train", str(data), "--target", "label",
         "--epochs", "1000000", "--batch-size", "4", "--test-size", "0", "--hidden", "4",
         "--save", str(model), "--checkpoint-every", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    time.sleep(delay)
    proc.send_signal(sig)
    ctrl_c_again = False
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        # A Ctrl-C during Python's own start-up can be swallowed by the import system
        # ("Exception ignored ... KeyboardInterrupt"); a user presses Ctrl-C again.
        ctrl_c_again = True
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    content = model.read_bytes()
    if content == old:
        outcome = "old"
    else:
        net = load(model)   # raises if the file is not a complete model file
        assert net.sizes == [3, 4, 2] and net.info["feature_names"] == ["a", "b", "c"]
        assert net.info["training"]["epochs_run"] >= 1
        outcome = "new"
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    return {"signal": signal.Signals(sig).name, "delay": delay, "returncode": proc.returncode,
            "stderr": err, "outcome": outcome, "leftovers": leftovers,
            "ctrl_c_again": ctrl_c_again}


def test_killed_training_leaves_the_old_or_a_complete_new_model(tmp_path):
    rng = random.Random(SEED)
    plan = [(signal.SIGKILL if i % 2 == 0 else signal.SIGINT, round(rng.uniform(0.2, 1.2), 3))
            for i in range(KILLS)]
    folders = []
    for i in range(KILLS):
        folders.append(tmp_path / f"run{i:02d}")
        folders[-1].mkdir()
    with ThreadPoolExecutor(PARALLEL) as pool:
        runs = list(pool.map(lambda args: _one_kill(*args),
                             [(f, sig, delay) for f, (sig, delay) in zip(folders, plan)]))

    for run in runs:
        if run["signal"] == "SIGKILL":
            assert run["returncode"] == -signal.SIGKILL, run
        elif run["returncode"] == 130:   # caught by nnmath: the last good epoch saved
            assert run["stderr"].count("\n") == 1 and "Traceback" not in run["stderr"], run
            assert ("were saved to" in run["stderr"]) == (run["outcome"] == "new") or \
                "was not changed" in run["stderr"], run
        else:
            # Ctrl-C while Python itself was still starting (importing NumPy), before any
            # nnmath code ran: Python's own exit (-2, or 1 when NumPy turns it into an
            # ImportError). Nothing was trained, so nothing may have changed.
            assert run["returncode"] in (-signal.SIGINT, 1), run
            assert "nnmath train:" not in run["stderr"] and run["outcome"] == "old", run
        if run["signal"] == "SIGINT":
            assert run["leftovers"] == [], run   # Ctrl-C always cleans up
    figures = {sig: {outcome: sum(r["signal"] == sig and r["outcome"] == outcome for r in runs)
                     for outcome in ("old", "new")} for sig in ("SIGKILL", "SIGINT")}
    print(f"\nkill test: {len(runs)} kills, seed {SEED}: {figures}; "
          f"temporary files left by SIGKILL: {sum(len(r['leftovers']) for r in runs)}; "
          f"SIGINT exit codes: {sorted(r['returncode'] for r in runs if r['signal'] == 'SIGINT')}"
          f"; Ctrl-C pressed twice: {sum(r['ctrl_c_again'] for r in runs)}")
    # the test must have tested something: kills that hit both before and after a save
    assert sum(f["new"] for f in figures.values()) >= KILLS // 4, figures
    assert figures["SIGINT"]["new"] >= 1 and figures["SIGKILL"]["new"] >= 1, figures


@pytest.mark.parametrize("sig", [signal.SIGINT])
def test_ctrl_c_saves_the_last_good_epoch_and_says_where(tmp_path, sig):
    run = _one_kill(tmp_path, sig, 2.0)
    assert run["returncode"] == 130 and run["outcome"] == "new", run
    epoch = int(run["stderr"].split("after epoch ")[1].split(" ")[0])
    assert load(tmp_path / "model.json").info["training"] == {
        **load(tmp_path / "model.json").info["training"], "epochs_run": epoch,
        "stop_reason": "interrupted"}
    assert f"were saved to {tmp_path / 'model.json'}" in run["stderr"]
