"""Reading a ``torch.export`` file (``.pt2``) as data: importing is reading, never running.

A ``.pt2`` file (``torch.export.save``) is a zip archive, all of it under one folder::

    archive_format                           "pt2"
    byteorder                                "little" or "big": of the raw numbers
    models/model.json                        the exported program: its graph and signature
    data/weights/model_weights_config.json   each parameter and buffer: its file, dtype,
                                             sizes, strides and storage offset
    data/weights/weight_0, weight_1, ...     the raw bytes of each tensor's storage
    data/constants/model_constants_config.json, data/constants/tensor_0, ...
    data/sample_inputs/model.pt              the example inputs (torch.save: a pickle)

``torch.export.load`` unpickles parts of such a file with ``weights_only=False`` (a
weight or constant marked ``use_pickle``, an opaque object, the sample inputs after
``weights_only=True`` failed): a pickle can name any function, and unpickling calls it.
So nnmath never gives a user's file to torch. :func:`read_program` reads the archive
itself and trusts nothing in it:

1. **Sizes before reading.** The zip's list of members is at most
   :data:`DIRECTORY_LIMIT`; the sizes the members declare add up to at most
   :data:`UNPACKED_LIMIT`; a member is decompressed as a stream that stops one byte
   past its limit, so a header that lies about the size is caught before memory grows.
   Only stored or deflated members (torch stores them).
2. **No pickle is opened.** A weight or constant marked ``use_pickle``, a custom or
   opaque object, a ``.pkl`` member and the legacy ``.pt`` weights are refused, each
   named. The sample inputs (a pickle in every file) are never read.
3. **The graph is JSON, read as data**: one input, then an optional ``(x - mean) /
   std``, then ``aten.linear`` each followed by at most one activation, one output;
   each operation must take the result of the one before it.
4. **The numbers are raw bytes**, read with NumPy from the dtype, sizes, strides and
   storage offset of the weights' config (float32 or float64 only), every index
   checked against the bytes there are.

Anything else is one line naming what was found: :class:`~nnmath.errors.ModelFileError`
for a file that is not a safe ``.pt2`` archive, :class:`~nnmath.errors.ConfigError` for
a program that is not a dense network nnmath can hold.
"""

from __future__ import annotations

import copy
import io
import json
import math
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ConfigError, ModelFileError, NnmathError, must_be, shown
from ..layers import check_params

__all__ = ["read_program", "UNPACKED_LIMIT", "DIRECTORY_LIMIT", "Layer"]

UNPACKED_LIMIT = 64 * 1024 * 1024
"""The most bytes nnmath unpacks from one archive, all members together (the same as the
most it reads of the file: a 2,000,000-parameter float64 network is 16 MB)."""
JSON_LIMIT = 16 * 1024 * 1024
"""The most bytes of one JSON member (the program, a config)."""
DIRECTORY_LIMIT = 4 * 1024 * 1024
"""The most bytes of the zip's central directory (its list of members): a genuine file
has a few dozen members; a list of millions would take gigabytes to read."""

Layer = tuple[np.ndarray, np.ndarray, str]
"""``(W, b, activation)``: ``W`` (n_in, n_out) as nnmath holds it, ``b`` (n_out,)."""

_FLOATS = {7: "float32", 8: "float64"}
_DTYPE_NAMES = {0: "unknown", 1: "uint8", 2: "int8", 3: "int16", 4: "int32", 5: "int64",
                6: "float16", 7: "float32", 8: "float64", 9: "complex32", 10: "complex64",
                11: "complex128", 12: "bool", 13: "bfloat16", 28: "uint16",
                29: "float8_e4m3fn", 30: "float8_e5m2", 31: "float8_e4m3fnuz",
                32: "float8_e5m2fnuz", 33: "float8_e8m0fnu", 34: "uint32", 35: "uint64"}
_STRIDED = 7   # torch's Layout.Strided in the export schema

_ACTIVATIONS = {"aten.sigmoid": "sigmoid", "aten.sigmoid_": "sigmoid", "aten.tanh": "tanh",
                "aten.tanh_": "tanh", "aten.relu": "relu", "aten.relu_": "relu",
                "aten.softmax": "softmax", "aten._softmax": "softmax"}
_SAME_SHAPE = ("aten.flatten", "aten.view", "aten.reshape", "aten.clone", "aten.alias",
               "aten.contiguous", "aten.dropout")
"""Operations that change nothing for a row of features, if their result has the shape
of their input (a Flatten of a table, a Dropout in eval mode)."""
SUPPORTED = ("Linear, Sigmoid, Tanh, ReLU, Identity, Softmax(dim=-1), Dropout (eval), "
             "Flatten")
_FIX_DTYPE = ("Convert the model before exporting: model.double() (or model.float()), "
              "and the example input to the same dtype.")
COMPLEX_FIX = ("nnmath's networks compute with real numbers: reading only the real parts "
            "would drop the imaginary ones.")


def read_program(raw: bytes, source: str) -> tuple[dict | None, list[Layer], dict | None]:
    """The dense network in the bytes of a ``.pt2`` file, read without running anything.

    Parameters
    ----------
    raw : bytes
        The file (at most the file limit of :data:`nnmath.interop.torch.EXPORTED_FILE`).
    source : str
        How messages name it, e.g. ``"the torch.export file 'mlp.pt2'"``.

    Returns
    -------
    scaling : dict or None
        ``{"method": "standard", "mean": [...], "std": [...]}`` of a leading
        ``(x - mean) / std``, the model file's ``"scaling"``.
    layers : list of (W, b, activation)
        ``W`` (n_in, n_out) and ``b`` (n_out,), float32 or float64 as stored, bit for bit.
    target_scaling : dict or None
        ``{"mean": [...], "std": [...]}`` of a trailing ``y * std + mean`` (a regression
        model's ``"target_scaling"``, as ``nnmath export`` writes it).
    """
    archive = _Archive(raw, source)
    try:
        program = _Program(archive)
        return program.read()
    except NnmathError:
        raise
    except (KeyError, TypeError, AttributeError, IndexError, ValueError,
            RecursionError) as exc:   # a JSON value of another shape than torch writes
        raise archive.broken(f"a program of unexpected structure ({type(exc).__name__}: "
                             f"{shown(str(exc), 40)})") from None


# -- the archive ----------------------------------------------------------------------------

class _Archive:
    """The members of a ``.pt2`` zip archive, each read at most once, within the limits."""

    def __init__(self, raw: bytes, source: str):
        self.source = source
        _check_directory(raw, self)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(raw))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                NotImplementedError, struct.error) as exc:
            raise self.broken(f"a damaged zip archive ({shown(str(exc), 40)})") from None
        roots = {info.filename.split("/", 1)[0] for info in infos}
        if len(roots) != 1 or any("/" not in info.filename for info in infos):
            raise self.broken(f"a zip archive of {len(infos)} members not all in one folder")
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.split("/", 1)[1]
            if name in self.members:
                raise self.broken(f"a zip archive with two members named {name!r}")
            self.members[name] = info
        declared = sum(info.file_size for info in infos)
        if declared > UNPACKED_LIMIT:
            largest = max(self.members, key=lambda name: self.members[name].file_size)
            raise self.too_big(f"{largest}: {self.members[largest].file_size:,} bytes, of "
                               f"{declared:,} declared")
        self.budget = UNPACKED_LIMIT
        self._cache: dict[str, bytes] = {}

    def broken(self, got: str) -> ModelFileError:
        return ModelFileError(must_be(self.source, "a torch.export file (.pt2, torch.export."
                                      "save)", got, "Save the model with torch.export.save("
                                      "torch.export.export(model.eval(), (x,)), path)."))

    def too_big(self, got: str) -> ModelFileError:
        return ModelFileError(must_be(self.source, f"a .pt2 archive that unpacks to at most "
                                      f"{UNPACKED_LIMIT // 2**20} MB (the most nnmath "
                                      "unpacks)", got, "nnmath imports dense networks of at "
                                      "most 2,000,000 parameters (16 MB in float64)."))

    def pickle(self, member: str, what: str) -> ModelFileError:
        return ModelFileError(must_be(f"member {member} of {self.source}", "raw numbers "
                                      "(nnmath never opens a pickle: unpickling can run any "
                                      "code)", f"a pickle ({what})", "Export a model of plain "
                                      "float tensors; nothing was read from the pickle."))

    def read(self, name: str, limit: int = UNPACKED_LIMIT) -> bytes:
        """The bytes of member ``name``: at most ``limit`` and what is left of the budget,
        decompressed as a stream that stops one byte past that."""
        if name in self._cache:
            return self._cache[name]
        info = self.members.get(name)
        if info is None:
            raise self.broken(f"an archive without the member {name}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise self.broken(f"member {name} compressed with method {info.compress_type} "
                              "(stored or deflated only)")
        if info.flag_bits & 0x1:
            raise self.broken(f"member {name} encrypted")
        cap = min(limit, self.budget)
        if info.file_size > cap:
            raise self.too_big(f"{name}: {info.file_size:,} bytes")
        probe = copy.copy(info)   # read up to cap + 1 bytes, whatever the header says,
        probe.file_size = cap + 1   # and check the CRC here, of what was read
        del probe.CRC
        try:
            with self.zip.open(probe) as stream:
                data = stream.read(cap + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError,
                NotImplementedError, ValueError) as exc:
            raise self.broken(f"member {name} damaged ({shown(str(exc), 40)})") from None
        if len(data) > cap:
            raise self.too_big(f"{name}: more than {cap:,} bytes, declaring "
                               f"{info.file_size:,}")
        if len(data) != info.file_size:
            raise self.broken(f"member {name} of {len(data):,} bytes declaring "
                              f"{info.file_size:,}")
        if zlib.crc32(data) != info.CRC:
            raise self.broken(f"member {name} whose checksum (CRC-32) is wrong")
        self.budget -= len(data)
        self._cache[name] = data
        return data

    def json(self, name: str) -> Any:
        text = self.read(name, JSON_LIMIT)
        try:
            return json.loads(text.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise self.broken(f"member {name} that is not JSON ({shown(str(exc), 40)})") \
                from None


def _check_directory(raw: bytes, archive: _Archive) -> None:
    """Refuse a zip whose central directory (the list of members) is larger than
    :data:`DIRECTORY_LIMIT`, before :mod:`zipfile` makes an object of each member.

    Finds the end-of-directory record the way :mod:`zipfile` does (the last 22 bytes,
    else the last such record in the final 64 KB: a comment may follow it).
    """
    end = len(raw) - 22
    if end < 0 or raw[end:end + 4] != b"PK\x05\x06":
        end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 22 - 65535))
    if end < 0 or end + 22 > len(raw):
        raise archive.broken("not a zip archive (a .pt2 file is one), or one cut short")
    size = struct.unpack_from("<I", raw, end + 12)[0]
    zip64 = end - 20
    if size == 0xFFFFFFFF and zip64 >= 0 and raw[zip64:zip64 + 4] == b"PK\x06\x07":
        offset = struct.unpack_from("<Q", raw, zip64 + 8)[0]
        if offset + 56 <= len(raw) and raw[offset:offset + 4] == b"PK\x06\x06":
            size = struct.unpack_from("<Q", raw, offset + 40)[0]
    if size > DIRECTORY_LIMIT:
        raise ModelFileError(must_be(archive.source, f"a .pt2 archive whose list of members "
                                     f"is at most {DIRECTORY_LIMIT // 2**20} MB (a genuine "
                                     "one lists a few dozen)", f"a list of members of "
                                     f"{size:,} bytes", "Nothing was unpacked."))


# -- the program ----------------------------------------------------------------------------

@dataclass
class _Tensor:
    """A tensor the graph takes from the archive: where it is and what it is."""

    node: str            # its name in the graph, e.g. p_0_weight
    fqn: str             # its name in the model, e.g. 0.weight
    member: str          # data/weights/weight_0
    dtype: str           # torch's name: float64, complex64, ...
    sizes: list[int]
    strides: list[int]
    offset: int


@dataclass
class _Linear:
    node: str
    weight: _Tensor
    bias: _Tensor | None
    activation: str = "identity"


@dataclass
class _Walk:
    current: str
    mean: _Tensor | None = None
    std: _Tensor | None = None
    target_std: _Tensor | None = None
    target_mean: _Tensor | None = None
    linears: list[_Linear] = field(default_factory=list)
    after_linear: bool = False   # the last operation was a Linear (an activation may follow)


class _Program:
    def __init__(self, archive: _Archive):
        self.archive = archive
        for name in archive.members:   # pickles, by name, before anything is read
            if name.endswith(".pkl"):
                raise archive.pickle(name, "a .pkl file")
            if name.startswith(("data/weights/", "data/constants/")) and name.endswith(".pt"):
                raise archive.pickle(name, "torch.save's format, the legacy weights")
            if name.startswith(("data/constants/custom_obj_", "data/constants/opaque_obj_")):
                raise archive.pickle(name, "a custom or opaque object")
        if archive.read("archive_format", 64) != b"pt2":
            raise archive.broken("an archive whose archive_format is not 'pt2'")
        models = [name for name in archive.members
                  if name.startswith("models/") and name.endswith(".json")]
        if len(models) != 1:
            raise archive.broken(f"an archive of {len(models)} programs (models/*.json): "
                                 "one program")
        self.model = models[0][len("models/"):-len(".json")]
        order = archive.read("byteorder", 64) if "byteorder" in archive.members else b"little"
        if order not in (b"little", b"big"):
            raise archive.broken(f"byteorder {shown(order, 20)}")
        self.byteorder = "<" if order == b"little" else ">"
        self.configs = {}
        for kind in ("weights", "constants"):
            member = f"data/{kind}/{self.model}_{kind}_config.json"
            config = archive.json(member)["config"] if member in archive.members else {}
            for fqn, entry in config.items():
                path = f"data/{kind}/{entry['path_name']}"
                if entry.get("use_pickle") is not False:
                    raise archive.pickle(path, f"{fqn}, marked use_pickle")
                if entry["path_name"].startswith(("custom_obj_", "opaque_obj_")):
                    raise archive.pickle(path, f"{fqn}, a custom or opaque object")
            self.configs[kind] = config
        self.program = archive.json(f"models/{self.model}.json")

    def read(self) -> tuple[dict | None, list[Layer], dict | None]:
        module = self.program["graph_module"]
        graph, signature = module["graph"], module["signature"]
        self.values = graph["tensor_values"]
        self.tensors, user = self._inputs(signature["input_specs"])
        walk = _Walk(current=user)
        shape = self._sizes(user)
        if len(shape) not in (1, 2):
            raise ConfigError(must_be("the input of the torch model", "a table (n_samples, "
                                      "n_features) or one sample (n_features,)",
                                      f"a {len(shape)}-D tensor of shape {_shape(shape)}",
                                      "nnmath's networks take rows of features; export the "
                                      "model with an example x of shape (n_samples, "
                                      "n_features)."))
        for index, node in enumerate(graph["nodes"]):
            self._node(index, node, graph["nodes"], walk)
        self._outputs(graph, signature, walk)
        if not walk.linears:
            raise ConfigError(must_be("the torch model", "a Sequential with at least one "
                                      "Linear layer", "no aten.linear in its program"))
        return self._numbers(user, walk)

    # the signature: which graph inputs are the model's tensors, and the one user input
    def _inputs(self, specs: list) -> tuple[dict[str, str], str]:
        tensors, users = {}, []
        for spec in specs:
            (kind, body), = spec.items()
            if kind in ("parameter", "buffer", "tensor_constant"):
                tensors[body["arg"]["name"]] = body[f"{kind}_name"]
            elif kind == "user_input":
                users.append(body["arg"])
            else:
                raise ConfigError(must_be("each input of the torch model", "the input x or a "
                                          "tensor of the model", f"an input of kind {kind}",
                                          "nnmath explains dense networks (MLPs) only."))
        if len(users) != 1 or "as_tensor" not in users[0]:
            raise ConfigError(must_be("the torch model", "a model of one input x (its "
                                      "forward(x))", f"{len(users)} inputs " + shown(
                                          [next(iter(u)) for u in users], 40),
                                      "nnmath's networks take one table of features."))
        return tensors, users[0]["as_tensor"]["name"]

    def _node(self, index: int, node: dict, nodes: list, walk: _Walk) -> None:
        name, op = node["name"], _op(node["target"])
        args = {arg["name"]: _argument(arg["arg"]) for arg in node["inputs"]}
        outputs = node["outputs"]
        if op not in ("aten.sub", "aten.div", "aten.linear", "aten.mul", "aten.add",
                      *_ACTIVATIONS, *_SAME_SHAPE):
            raise _unsupported(name, f"the operation {op}")
        data = args.get("self", args.get("input"))
        if data != _Ref(walk.current):
            raise ConfigError(must_be(f"operation {name} ({op}) of the torch model", "applied "
                                      "to the result of the operation before it (a dense "
                                      "network is a chain of layers)", f"applied to {data}",
                                      "nnmath explains dense networks (MLPs) only."))
        if len(outputs) != 1 or "as_tensor" not in outputs[0]:
            raise _unsupported(name, f"the operation {op} with {len(outputs)} results")
        result = outputs[0]["as_tensor"]["name"]
        if op in ("aten.sub", "aten.div"):
            self._scaling(index, node, nodes, args, walk)
        elif op in ("aten.mul", "aten.add"):
            self._target(index, node, nodes, args, walk)
        elif op == "aten.linear":
            walk.linears.append(_Linear(name, self._tensor(name, args["weight"], "weight"),
                                        None if args.get("bias") is None
                                        else self._tensor(name, args["bias"], "bias")))
            walk.after_linear = True
            walk.current = result
            return
        elif op in _ACTIVATIONS:
            self._activation(name, op, args, walk)
        else:
            self._same_shape(name, op, args, result, walk)
            walk.current = result
            return   # an activation may still follow a Linear
        walk.after_linear = False
        walk.current = result

    def _scaling(self, index: int, node: dict, nodes: list, args: dict, walk: _Walk) -> None:
        """``(x - mean) / std`` as the first two operations: the stored scaling."""
        op = _op(node["target"])
        if op == "aten.sub" and index == 0 and len(nodes) > 1 \
                and _op(nodes[1]["target"]) == "aten.div":
            role = "mean"
        elif op == "aten.div" and index == 1 and walk.mean is not None:
            role = "std"
        else:
            role = ""
        if not role or args.get("alpha", 1) != 1 or args.get("rounding_mode") is not None:
            raise _unsupported(node["name"], f"the operation {op} (only (x - mean) / std "
                               "before the first layer is the scaling)")
        tensor = self._tensor(node["name"], args["other"], role)
        if role == "mean":
            walk.mean = tensor
        else:
            walk.std = tensor

    def _target(self, index: int, node: dict, nodes: list, args: dict, walk: _Walk) -> None:
        """``y * std + mean`` as the last two operations: a regression target's scaling."""
        op = _op(node["target"])
        last = len(nodes) - 1
        if op == "aten.mul" and index == last - 1 and walk.linears \
                and _op(nodes[last]["target"]) == "aten.add":
            role = "target std"
        elif op == "aten.add" and index == last and walk.target_std is not None:
            role = "target mean"
        else:
            role = ""
        if not role or args.get("alpha", 1) != 1:
            raise _unsupported(node["name"], f"the operation {op} (only y * std + mean after "
                               "the last layer is the target's scaling)")
        tensor = self._tensor(node["name"], args["other"], role)
        if role == "target std":
            walk.target_std = tensor
        else:
            walk.target_mean = tensor

    def _activation(self, name: str, op: str, args: dict, walk: _Walk) -> None:
        if not walk.linears or not walk.after_linear:
            raise ConfigError(must_be(f"layer {name} of the torch model ({op})", "after a "
                                      "Linear layer: nnmath's layers are Linear, then one "
                                      "activation", "a second activation after one Linear"
                                      if walk.linears else "an activation with no Linear "
                                      "before it"))
        if _ACTIVATIONS[op] == "softmax":
            rank = len(self._sizes(walk.current))
            dim = args.get("dim")
            if not isinstance(dim, int) or dim not in (-1, rank - 1) \
                    or args.get("dtype") is not None or args.get("half_to_float"):
                raise _unsupported(name, "softmax", f"softmax over dim {dim} of a {rank}-D "
                                   "tensor: nnmath's softmax is over the outputs of a sample "
                                   "(dim=-1)")
        walk.linears[-1].activation = _ACTIVATIONS[op]

    def _same_shape(self, name: str, op: str, args: dict, result: str, walk: _Walk) -> None:
        if op == "aten.dropout" and args.get("train") is not False:
            raise ConfigError(must_be(f"layer {name} (Dropout) of the torch model", "in eval "
                                      "mode (model.eval()): in training mode it drops inputs "
                                      "at random", "training mode", "Call model.eval() "
                                      "before exporting."))
        before, after = self._sizes(walk.current), self._sizes(result)
        if before != after:
            raise _unsupported(name, f"the operation {op}", f"{op} from shape "
                               f"{_shape(before)} to {_shape(after)}")

    def _outputs(self, graph: dict, signature: dict, walk: _Walk) -> None:
        outputs, specs = graph["outputs"], signature["output_specs"]
        kinds = [next(iter(spec)) for spec in specs]
        if len(outputs) != 1 or kinds != ["user_output"]:
            got = (f"{len(outputs)} outputs (a tuple)" if kinds.count("user_output") > 1
                   else f"outputs {shown(kinds, 60)}")
            raise ConfigError(must_be("the torch model", "a model with one output, the "
                                      "network's (forward returns one tensor)", got,
                                      "nnmath would drop the others; return only the last "
                                      "layer's activations."))
        if outputs[0] != {"as_tensor": {"name": walk.current}}:
            raise ConfigError(must_be("the output of the torch model", "the result of its "
                                      "last layer", shown(outputs[0], 60),
                                      "nnmath explains dense networks (MLPs) only."))

    # tensors: metadata first (dtype, shapes, the parameter count), then the numbers
    def _tensor(self, node: str, ref: object, role: str) -> _Tensor:
        if not isinstance(ref, _Ref) or ref.name not in self.tensors:
            raise ConfigError(must_be(f"the {role} of operation {node} in the torch model",
                                      "a parameter or buffer of the model",
                                      f"{ref} (computed in the graph)",
                                      "nnmath explains dense networks (MLPs) only."))
        fqn = self.tensors[ref.name]
        for kind in ("weights", "constants"):
            entry = self.configs[kind].get(fqn)
            if entry is not None:
                break
        else:
            raise self.archive.broken(f"an archive without the tensor {fqn}")
        meta = entry["tensor_meta"]
        dtype = _DTYPE_NAMES.get(meta["dtype"], f"dtype {meta['dtype']}")
        if meta["dtype"] not in _FLOATS:
            raise ConfigError(must_be(f"the {role} {fqn} of the torch model", "float32 or "
                                      "float64", dtype, COMPLEX_FIX if dtype.startswith(
                                          "complex") else _FIX_DTYPE))
        if meta.get("layout", _STRIDED) != _STRIDED:
            raise ConfigError(must_be(f"the {role} {fqn} of the torch model", "a dense "
                                      "(strided) tensor", f"layout {meta['layout']}",
                                      "Convert it with .to_dense() before exporting."))
        sizes = [_int(size) for size in meta["sizes"]]
        strides = [_int(stride) for stride in meta["strides"]]
        offset = _int(meta["storage_offset"])
        if len(sizes) != len(strides) or min([*sizes, *strides, offset]) < 0:
            raise self.archive.broken(f"tensor {fqn} of sizes {sizes}, strides {strides}")
        return _Tensor(ref.name, fqn, f"data/{kind}/{entry['path_name']}", dtype, sizes,
                       strides, offset)

    def _numbers(self, user: str, walk: _Walk) -> tuple[dict | None, list[Layer], dict | None]:
        """Check the shapes and dtypes, then read the numbers."""
        input_dtype = _DTYPE_NAMES.get(self.values[user]["dtype"], "unknown")
        if input_dtype not in _FLOATS.values():
            raise ConfigError(must_be("the input of the torch model", "float32 or float64",
                                      input_dtype, _FIX_DTYPE))
        features = self._sizes(user)[-1]
        n_in = features if isinstance(features, int) else walk.linears[0].weight.sizes[-1]
        sizes = [n_in]
        for linear in walk.linears:
            self._check_linear(linear, sizes[-1], input_dtype)
            sizes.append(linear.weight.sizes[0])
        n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        check_params(n_params, f"the torch model's sizes {'-'.join(map(str, sizes))}",
                     "nnmath imports dense networks of at most that many parameters.")
        scaling = None
        if walk.mean is not None and walk.std is not None:
            mean, std = walk.mean, walk.std
            for tensor in (mean, std):
                self._check_dtype(tensor, input_dtype)
                if tensor.sizes != [sizes[0]]:
                    raise ConfigError(must_be(f"the scaling {tensor.fqn} of the torch model",
                                              f"one number per input feature ({sizes[0]},)",
                                              f"shape {_shape(tensor.sizes)}",
                                              "nnmath's scaling is (x - mean) / std, feature "
                                              "by feature."))
            scaling = {"method": "standard", "mean": self._array(mean).tolist(),
                       "std": self._array(std).tolist()}
        layers = []
        for linear in walk.linears:
            W = self._array(linear.weight).T
            b = (self._array(linear.bias) if linear.bias is not None
                 else np.zeros(W.shape[1], W.dtype))
            layers.append((W, b, linear.activation))
        target = None
        if walk.target_std is not None and walk.target_mean is not None:
            for tensor in (walk.target_std, walk.target_mean):
                self._check_dtype(tensor, input_dtype)
                if tensor.sizes != [sizes[-1]]:
                    raise ConfigError(must_be(f"the target scaling {tensor.fqn} of the torch "
                                              "model", f"one number per output ({sizes[-1]},)",
                                              f"shape {_shape(tensor.sizes)}"))
            target = {"mean": self._array(walk.target_mean).tolist(),
                      "std": self._array(walk.target_std).tolist()}
        return scaling, layers, target

    def _check_linear(self, linear: _Linear, n_in: int, dtype: str) -> None:
        weight, bias = linear.weight, linear.bias
        if len(weight.sizes) != 2:
            raise ConfigError(must_be(f"the weight {weight.fqn} of layer {linear.node} "
                                      "(aten.linear) in the torch model", "2-D (n_out, n_in), "
                                      "as nn.Linear's", f"a {len(weight.sizes)}-D tensor of "
                                      f"shape {_shape(weight.sizes)}", "Use nn.Linear(n_in, "
                                      "n_out): F.linear with a 1-D weight drops the output "
                                      "axis."))
        if weight.sizes[1] != n_in or 0 in weight.sizes:
            raise ConfigError(must_be(f"the weight {weight.fqn} of layer {linear.node} in "
                                      "the torch model", f"of shape (n_out, {n_in}): n_in is "
                                      "the number of values coming in", _shape(weight.sizes)))
        if bias is not None and bias.sizes != [weight.sizes[0]]:
            raise ConfigError(must_be(f"the bias {bias.fqn} of layer {linear.node} in the "
                                      "torch model", f"of shape ({weight.sizes[0]},), one per "
                                      "output", _shape(bias.sizes)))
        for tensor in (weight, *([bias] if bias is not None else [])):
            self._check_dtype(tensor, dtype)

    def _check_dtype(self, tensor: _Tensor, dtype: str) -> None:
        if tensor.dtype != dtype:
            raise ConfigError(must_be(f"the tensor {tensor.fqn} of the torch model", f"of "
                                      f"the input's dtype ({dtype})", tensor.dtype,
                                      _FIX_DTYPE))

    def _array(self, tensor: _Tensor) -> np.ndarray:
        """The tensor's numbers, from the raw bytes of its storage, every index checked."""
        dtype = np.dtype(f"{self.byteorder}f{4 if tensor.dtype == 'float32' else 8}")
        raw = self.archive.read(tensor.member)
        if len(raw) % dtype.itemsize:
            raise self.archive.broken(f"member {tensor.member} of {len(raw)} bytes: not a "
                                      f"whole number of {tensor.dtype} values")
        storage = np.frombuffer(raw, dtype)
        numel = math.prod(tensor.sizes)
        if numel == 0:
            return np.zeros(tensor.sizes, dtype.newbyteorder("="))
        last = tensor.offset + sum((n - 1) * s for n, s in zip(tensor.sizes, tensor.strides))
        if last >= storage.size:
            raise self.archive.broken(f"tensor {tensor.fqn} reaching element {last:,} of "
                                      f"{tensor.member}, which holds {storage.size:,}")
        index = np.full(tensor.sizes, tensor.offset, dtype=np.int64)
        for axis, (n, s) in enumerate(zip(tensor.sizes, tensor.strides)):
            shape = [1] * len(tensor.sizes)
            shape[axis] = n
            index += (np.arange(n, dtype=np.int64) * s).reshape(shape)
        return storage[index].astype(dtype.newbyteorder("="))

    def _sizes(self, name: str) -> list:
        """The sizes of graph value ``name``: ints, or the name of a symbolic size."""
        meta = self.values.get(name)
        if meta is None:
            raise self.archive.broken(f"a graph without the shape of {name!r}")
        return [size["as_int"] if "as_int" in size else str(size["as_expr"]["expr_str"])
                for size in meta["sizes"]]


@dataclass(frozen=True)
class _Ref:
    """A tensor of the graph, by name."""

    name: str

    def __str__(self) -> str:
        return self.name


def _argument(argument: dict) -> object:
    """An argument of a graph node: a tensor (:class:`_Ref`), None or a plain value."""
    (kind, value), = argument.items()
    if kind == "as_tensor":
        return _Ref(value["name"])
    if kind == "as_none":
        return None
    if kind in ("as_int", "as_float", "as_bool", "as_ints", "as_floats", "as_bools",
                "as_string"):
        return value
    return f"<{kind}>"


def _op(target: str) -> str:
    """``torch.ops.aten.linear.default`` -> ``aten.linear``."""
    if not isinstance(target, str):
        raise TypeError(f"a node target {shown(target, 30)}")
    parts = target.split(".")
    if parts[:2] == ["torch", "ops"] and len(parts) == 5:
        return f"{parts[2]}.{parts[3]}"
    return target


def _int(size: dict) -> int:
    value = size["as_int"]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"a size {shown(value, 30)}")
    return value


def _shape(sizes: list) -> str:
    return "(" + ", ".join(map(str, sizes)) + ("," if len(sizes) == 1 else "") + ")"


def _unsupported(name: str, kind: str, why: str = "") -> ConfigError:
    return ConfigError(must_be(f"layer {name} of the torch model", f"one of {SUPPORTED}",
                               why or kind, "nnmath explains dense networks (MLPs) only."))
