"""The package's layout holds what docs/architecture.md's "Layout: floors" section says of it.

Read from the source (``ast``, nothing imported): the modules sit on floors, lowest
first, and a module imports from its own floor or below; the only imports that run
back up are the notebook displays (``_repr_html_`` of Network, Trace, History, Dataset and
an evaluation, through :mod:`nnmath.render.notebook`); the only import circle is the façades
``Network.fit``/``save``/``load``, imported where they are called; no function is
longer than 60 lines (its docstring aside); no private name crosses modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "nnmath"

FLOORS = [
    # 0: what every module may use: errors and checks, files, Ctrl-C, extras, progress
    {"version", "errors", "checks", "finite", "jsonsafe", "safefile", "inputfile", "optional",
     "interrupt", "progress", "textsafe", "_typing"},
    # 1: the math's parts and the data
    {"activations", "losses", "layers", "optimizers", "regularization", "metrics", "datasets"},
    # 2: the engine: the chain rule, the container, training, the model file, inference
    {"backprop", "fastpath", "kernels", "kernelcache", "network", "training", "stopping", "history",
     "gradcheck", "modelfile", "checkpoint", "inference", "workflow", "estimator", "summary"},
    # 3: a step explained, the article's networks, and the way out to PyTorch and ONNX
    {"trace", "trace_terms", "chains", "article", "interop"},
    # 4: the views
    {"render", "plots", "report"},
    # 5: the command line, the local page, and the page as a Jupyter widget
    {"commands", "cli", "__main__", "web", "widget"},
]
UPWARD = {("nnmath.network", "nnmath.render.notebook"), ("nnmath.trace", "nnmath.render.notebook"),
          # the notebook displays of a History, an evaluation and a Dataset (issue 22)
          ("nnmath.history", "nnmath.render.notebook"),
          ("nnmath.inference", "nnmath.render.notebook"),
          ("nnmath.datasets.base", "nnmath.render.notebook")}
FACADES = {("nnmath.network", "nnmath.training"), ("nnmath.network", "nnmath.modelfile")}
MAX_LINES = 60


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _imports(name: str):
    """``(target module, imported name or None, at module level)`` for each nnmath import."""
    tree, is_package = TREES[name], MODULES[name].name == "__init__.py"
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            pairs = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = name.split(".") if is_package else name.split(".")[:-1]
            if node.level:
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            pairs = [(f"{module}.{a.name}", None) if f"{module}.{a.name}" in MODULES
                     else (module, a.name) for a in node.names]
        else:
            continue
        for module, imported in pairs:
            if not module or not module.startswith("nnmath"):
                continue
            while module not in MODULES:
                module = module.rsplit(".", 1)[0]
            if module != name:
                yield module, imported, id(node) in top


def _floor(name: str) -> int:
    first = name.split(".")[1] if "." in name else None
    if first is None:
        return len(FLOORS)          # the package: it may import anything, lazily
    for floor, names in enumerate(FLOORS):
        if first in names:
            return floor
    raise AssertionError(f"{name} is on no floor: add it to FLOORS and to docs/architecture.md")


def _edges(local: bool = True) -> dict[str, set[str]]:
    return {name: {target for target, _, top in _imports(name) if local or top}
            for name in MODULES}


def _cycles(edges) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_every_module_is_on_a_floor():
    for name in MODULES:
        _floor(name)


def test_no_import_runs_back_up_but_the_notebook_displays():
    up = {(name, target) for name, targets in _edges().items() for target in targets
          if _floor(target) > _floor(name)}
    assert up == UPWARD


def test_no_import_circle_but_the_network_facades():
    edges = _edges()
    for name, target in FACADES:        # Network.fit/save/load import where they are called
        assert all(not top for t, _, top in _imports(name) if t == target), (name, target)
        edges[name].discard(target)
    assert _cycles(edges) == []
    assert _cycles(_edges(local=False)) == []   # at import time, not even those


def test_no_private_name_crosses_modules():
    crossing = [(name, target, imported) for name in MODULES
                for target, imported, _ in _imports(name)
                if imported and imported.startswith("_") and not imported.startswith("__")]
    private_modules = [(name, target) for name in MODULES for target, _, _ in _imports(name)
                       if target.rsplit(".", 1)[-1].startswith("_")
                       and target.rsplit(".", 1)[-1] != "__main__"
                       and not name.startswith(target.rsplit(".", 1)[0] + ".")]
    assert crossing == [] and private_modules == []


def _function_lengths():
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = node.body[0]
                has_doc = (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                           and isinstance(first.value.value, str))
                start = first.end_lineno + 1 if has_doc and len(node.body) > 1 else node.lineno
                yield name, node.name, node.end_lineno - start + 1


def test_no_function_is_longer_than_60_lines():
    long = sorted((lines, f"{name}.{function}") for name, function, lines in _function_lengths()
                  if lines > MAX_LINES)
    assert long == []


@pytest.mark.parametrize("module", ["nnmath.backprop"])
def test_the_chain_rule_imports_only_layers_and_losses(module):
    # (and the names of the array types its annotations use, no code)
    assert {target for target, _, _ in _imports(module)} == {"nnmath.layers", "nnmath.losses",
                                                             "nnmath._typing"}


def test_the_layout_checks_can_fail():
    # The analysis sees what it is meant to see: a known import, a known long-enough function.
    assert ("nnmath.training", "nnmath.backprop") in {
        (name, target) for name in ["nnmath.training"] for target, _, _ in _imports(name)}
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert max(lines for _, _, lines in _function_lengths()) > 20
