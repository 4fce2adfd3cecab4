"""`nnmath import` reads a .pt2 file as data and never runs it (issue 19).

Every archive here starts as a genuine `nnmath export --to torch` file (or a genuine
`torch.export.save`) and is changed the way an attacker or a mistake would change it.
The payload of each pickle only creates a marker file in the test's own folder.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import shlex
import signal
import struct
import subprocess
import sys
import zipfile
import zlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn, F = torch.nn, torch.nn.functional

from nnmath.article import network_b  # noqa: E402

torch.set_num_threads(1)


class _Payload:
    """Unpickling this runs a shell command: what a malicious .pt2 would carry."""

    def __init__(self, marker):
        self.command = f"touch {shlex.quote(str(marker))}"

    def __reduce__(self):
        return os.system, (self.command,)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A genuine `nnmath export --to torch` file of network B, made once: its folder."""
    from conftest import run_cli

    folder = tmp_path_factory.mktemp("genuine")
    network_b().save(folder / "b.json")
    run = run_cli("export", "b.json", "--to", "torch", "-o", "b.pt2", cwd=folder)
    assert run.returncode == 0, run.stderr
    return folder


def _genuine(exported, tmp_path) -> dict:
    """The members of the genuine file (name -> bytes, in order, the archive's folder kept
    in the names), with the file and its model copied into ``tmp_path``."""
    for name in ("b.json", "b.pt2"):
        (tmp_path / name).write_bytes((exported / name).read_bytes())
    with zipfile.ZipFile(tmp_path / "b.pt2") as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def _root(members: dict) -> str:
    return next(iter(members)).split("/", 1)[0] + "/"


def _write(path, members: dict) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def _refused(run, *words) -> None:
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr


# -- 1. pickles are never opened ---------------------------------------------------------------

def _pickled_weight(members, root, marker):
    config_name = root + "data/weights/model_weights_config.json"
    config = json.loads(members[config_name])
    first = next(iter(config["config"].values()))
    first["use_pickle"] = True
    members[config_name] = json.dumps(config).encode()
    members[root + "data/weights/" + first["path_name"]] = pickle.dumps(_Payload(marker))
    return "data/weights/" + first["path_name"]


def _opaque_constant(members, root, marker):
    config_name = root + "data/constants/model_constants_config.json"
    config = json.loads(members[config_name])
    config["config"]["evil"] = {"path_name": "opaque_obj_0", "is_param": False,
                                "use_pickle": True, "tensor_meta": None}
    members[config_name] = json.dumps(config).encode()
    members[root + "data/constants/opaque_obj_0"] = pickle.dumps(_Payload(marker))
    return "data/constants/opaque_obj_0"


def _pkl_member(members, root, marker):
    members[root + "extra/model.pkl"] = pickle.dumps(_Payload(marker))
    return "extra/model.pkl"


@pytest.mark.parametrize("attack", [_pickled_weight, _opaque_constant, _pkl_member])
def test_a_pickle_in_the_archive_is_refused_and_never_run(cli, exported, tmp_path, attack):
    """On the code before issue 19 the first two ran the payload (torch.export.load:
    torch.load(weights_only=False) and pickle.loads) and exited 0."""
    members = _genuine(exported, tmp_path)
    marker = tmp_path / "payload-ran"
    member = attack(members, _root(members), marker)
    _write(tmp_path / "evil.pt2", members)
    run = cli("import", "evil.pt2", "-o", "evil.json", cwd=tmp_path)
    assert not marker.exists(), "the pickle in the archive was run"
    _refused(run, member, "pickle")
    assert not (tmp_path / "evil.json").exists()


def test_the_sample_inputs_are_never_read(cli, exported, tmp_path):
    """The example inputs are a pickle in every .pt2; torch.export.load falls back to
    weights_only=False when weights_only=True fails, and so ran this one. nnmath does not
    read them: the network comes back, exactly, and nothing ran."""
    members = _genuine(exported, tmp_path)
    marker = tmp_path / "payload-ran"
    members[_root(members) + "data/sample_inputs/model.pt"] = pickle.dumps(_Payload(marker))
    _write(tmp_path / "evil.pt2", members)
    run = cli("import", "evil.pt2", "-o", "back.json", cwd=tmp_path)
    assert not marker.exists(), "the sample inputs were unpickled"
    assert run.returncode == 0, run.stderr
    back = json.loads((tmp_path / "back.json").read_text())
    original = json.loads((tmp_path / "b.json").read_text())
    assert back["layers"] == original["layers"]


# -- 2. sizes before memory: zip bombs ----------------------------------------------------------

_BOMB = 3 * 2**30   # bytes of zeros the bomb member inflates to


def _deflated_zeros(n_bytes: int) -> bytes:
    """A raw deflate stream of ``n_bytes`` zeros (n a multiple of 16 MB), made in a
    moment: after a full flush the compressor starts afresh, so each 16 MB block
    compresses to the same bytes."""
    block = 1 << 24
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(bytes(block)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return piece * (n_bytes // block) + compressor.flush()


def _zip(members: list) -> bytes:
    """A zip archive of ``(name, data, method, declared_size, crc)`` members, written by
    hand: a member's header may declare any size (zipfile writes only honest ones)."""
    out, directory = bytearray(), bytearray()
    for name, data, method, size, crc in members:
        encoded, offset = name.encode(), len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(data),
                           size, len(encoded), 0) + encoded + data
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc,
                                 len(data), size, len(encoded), 0, 0, 0, 0, 0,
                                 offset) + encoded
    return bytes(out + directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members),
                                               len(members), len(directory), len(out), 0))


def _capped_import(tmp_path, name, limit=2 * 2**30):
    """`nnmath import NAME` with the child's address space capped: a regression that
    inflates the bomb fails (MemoryError, bad_alloc) instead of eating the machine."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "nnmath", "import", name, "-o", "m.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=env, preexec_fn=cap)


@pytest.mark.parametrize("lying", [False, True], ids=["declared", "lying-header"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(exported, tmp_path, lying):
    """A 3 MB archive whose first weight inflates to 3 GB of zeros; its header declares
    the 3 GB, or lies and declares the 8 bytes of a genuine weight."""
    members = _genuine(exported, tmp_path)
    bomb_name = _root(members) + "data/weights/weight_0"
    stream = _deflated_zeros(_BOMB)
    entries = []
    for name, data in members.items():
        if name == bomb_name:
            size = 8 if lying else _BOMB   # the CRC of 8 zeros (a wrong one for 3 GB)
            entries.append((name, stream, zipfile.ZIP_DEFLATED, size, zlib.crc32(bytes(8))))
        else:
            entries.append((name, data, zipfile.ZIP_STORED, len(data), zlib.crc32(data)))
    (tmp_path / "bomb.pt2").write_bytes(_zip(entries))
    assert (tmp_path / "bomb.pt2").stat().st_size < 4 * 2**20
    run = _capped_import(tmp_path, "bomb.pt2")
    _refused(run, "data/weights/weight_0", "64 MB")
    assert not (tmp_path / "m.json").exists()


def test_the_capped_import_of_a_genuine_file_works(exported, tmp_path):
    """The address-space cap of the bomb test leaves room for a genuine import (else the
    bomb test would pass for the wrong reason)."""
    _genuine(exported, tmp_path)
    run = _capped_import(tmp_path, "b.pt2")
    assert run.returncode == 0, run.stderr


def test_a_zip_of_a_million_members_is_refused_before_it_is_listed(cli, tmp_path):
    """49 MB of member list: zipfile would make a million objects (gigabytes, minutes)."""
    entry = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0,
                        0, 0, 0, 0) + b"a/x"
    count = 1_000_000
    (tmp_path / "many.pt2").write_bytes(entry * count + struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, len(entry) * count, 0, 0))
    run = cli("import", "many.pt2", "-o", "m.json", cwd=tmp_path)
    _refused(run, "list of members", "4 MB")


# -- 12. what import must refuse -----------------------------------------------------------------

class _Tuple(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(3, 2)

    def forward(self, x):
        z = self.layer(x)
        return z, torch.sigmoid(z)


class _VectorWeight(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3, dtype=torch.float64))

    def forward(self, x):
        return torch.sigmoid(F.linear(x, self.w))


class _Softmax(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.layer, self.dim = nn.Linear(3, 2).double(), dim

    def forward(self, x):
        return F.softmax(self.layer(x), dim=self.dim)


_REFUSED = {
    "complex64": (lambda: nn.Sequential(nn.Linear(3, 2, dtype=torch.complex64)),
                  torch.zeros(2, 3, dtype=torch.complex64), ["complex64", "real numbers"]),
    "bfloat16": (lambda: nn.Sequential(nn.Linear(3, 2, dtype=torch.bfloat16), nn.Tanh()),
                 torch.zeros(2, 3, dtype=torch.bfloat16), ["bfloat16", "float32 or float64"]),
    "float16": (lambda: nn.Sequential(nn.Linear(3, 2, dtype=torch.float16)),
                torch.zeros(2, 3, dtype=torch.float16), ["float16"]),
    "1-D weight": (_VectorWeight, torch.zeros(2, 3, dtype=torch.float64),
                   ["must be 2-D (n_out, n_in)", "1-D"]),
    "softmax dim=1 of a 3-D input": (lambda: _Softmax(1), torch.zeros(2, 5, 3,
                                                                      dtype=torch.float64),
                                     ["3-D tensor", "(n_samples, n_features)"]),
    "softmax dim=0 of a table": (lambda: _Softmax(0), torch.zeros(2, 3, dtype=torch.float64),
                                 ["softmax over dim 0"]),
    "two outputs": (_Tuple, torch.zeros(2, 3), ["one output", "2 outputs"]),
    "dropout in training mode": (lambda: nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.5)).train(),
                                 torch.zeros(2, 3), ["eval mode"]),
}


@pytest.mark.parametrize("case", list(_REFUSED))
def test_what_import_cannot_hold_is_one_line(cli, tmp_path, case):
    """On the code before issue 19: complex64 and a 3-D softmax came back wrong with exit
    0 (imaginary parts dropped, softmax over the wrong axis), the tuple without its second
    output; bfloat16 and the 1-D weight were internal errors (TypeError, IndexError)."""
    make, example, words = _REFUSED[case]
    model = make()
    if case != "dropout in training mode":
        model = model.eval()
    torch.export.save(torch.export.export(model, (example,)), str(tmp_path / "m.pt2"))
    run = cli("import", "m.pt2", "-o", "m.json", cwd=tmp_path)
    _refused(run, *words)
    assert not (tmp_path / "m.json").exists()


def test_a_graph_that_is_not_a_chain_is_refused(cli, exported, tmp_path):
    """The second Linear reads the input instead of the first layer's result: not a dense
    network (the code before issue 19 read only the order of the operations)."""
    members = _genuine(exported, tmp_path)
    name = _root(members) + "models/model.json"
    program = json.loads(members[name])
    linears = [node for node in program["graph_module"]["graph"]["nodes"]
               if node["target"] == "torch.ops.aten.linear.default"]
    linears[1]["inputs"][0]["arg"] = linears[0]["inputs"][0]["arg"]
    members[name] = json.dumps(program).encode()
    _write(tmp_path / "fork.pt2", members)
    run = cli("import", "fork.pt2", "-o", "m.json", cwd=tmp_path)
    _refused(run, "applied to the result of the operation before it")


@pytest.mark.filterwarnings("ignore:No complete tensor found in the group")
def test_strided_and_shared_weights_come_back_bit_for_bit(cli, tmp_path):
    """Weights read from the raw storage: a transposed (non-contiguous) weight and two
    layers sharing one, exactly torch's numbers."""
    torch.manual_seed(3)
    first, second = nn.Linear(4, 4), nn.Linear(4, 2)
    first.weight = nn.Parameter(torch.randn(4, 4, dtype=torch.float64).t())   # strides (1, 4)
    first.bias = nn.Parameter(torch.randn(4, dtype=torch.float64))
    middle = nn.Linear(4, 4).double()
    middle.weight = first.weight                                              # shared storage
    model = nn.Sequential(first, nn.Tanh(), middle, nn.ReLU(), second.double(),
                          nn.Softmax(dim=-1)).eval()
    example = torch.zeros(2, 4, dtype=torch.float64)
    torch.export.save(torch.export.export(model, (example,)), str(tmp_path / "s.pt2"))
    run = cli("import", "s.pt2", "-o", "s.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    layers = json.loads((tmp_path / "s.json").read_text())["layers"]
    for layer, linear in zip(layers, (first, middle, second)):
        assert np.array_equal(np.array(layer["W"]), linear.weight.detach().numpy().T)
        assert np.array_equal(np.array(layer["b"]), linear.bias.detach().numpy())


# -- 11. export on a full disk -----------------------------------------------------------------

def test_export_to_torch_on_a_full_disk_is_one_line_and_leaves_no_file(tmp_path):
    """RLIMIT_FSIZE makes every write past 4 KB fail (EFBIG, SIGXFSZ ignored), as a full
    disk would. The code before issue 19 let torch's C++ writer write the file, which
    aborted the process (terminate, exit 134) and left a partial temporary file."""
    network_b().save(tmp_path / "b.json")
    before = sorted(os.listdir(tmp_path))

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    run = subprocess.run([sys.executable, "-m", "nnmath", "export", "b.json", "--to", "torch",
                          "-o", "b.pt2"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, preexec_fn=small_disk,
                         env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    _refused(run, "cannot write", "b.pt2")
    assert sorted(os.listdir(tmp_path)) == before
