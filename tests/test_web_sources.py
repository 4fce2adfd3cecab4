"""``nnmath serve`` keeps one source for every name and limit, read from its own files.

The names are the engine's registries (:data:`nnmath.activations.ACTIVATIONS`,
:data:`nnmath.losses.LOSSES`, :data:`nnmath.optimizers.OPTIMIZERS`) and the page's data
sets (:data:`nnmath.web.setup.DATASETS`); the limits are :data:`nnmath.web.limits.LIMITS`.
The Python of ``web/`` (and ``commands/serve.py``) builds its choices from them, and the
page (``static/``) reads them from ``GET /api/options``: a copy anywhere else is a
failure here. Nothing is imported but the registries; the files are read as text.
"""

from __future__ import annotations

import ast
import re
import types
from pathlib import Path

import pytest

pytest.importorskip("pydantic")

from nnmath.activations import ACTIVATIONS  # noqa: E402
from nnmath.losses import LOSSES  # noqa: E402
from nnmath.optimizers import OPTIMIZERS  # noqa: E402
from nnmath.web.limits import LIMITS  # noqa: E402
from nnmath.web.setup import DATASETS  # noqa: E402

WEB = Path(__file__).resolve().parents[1] / "src" / "nnmath" / "web"
PYTHON = sorted(WEB.glob("*.py")) + [WEB.parent / "commands" / "serve.py"]
STATIC = WEB / "static"
SCRIPTS = sorted(STATIC.glob("*.js"))
REGISTRY = {*ACTIVATIONS, *LOSSES, *OPTIMIZERS}
NAMES = REGISTRY | set(DATASETS)
LIMIT_VALUES = {v for v in LIMITS.model_dump().values()}
# A registry name may be written in web/ only where the page picks one by name: the
# article's defaults (network B's loss and optimizer; its activations come from
# network_b()) and nnmath.losses.head_for's choice for two classes (one sigmoid output).
CHOICES = {("setup.py", "ssr"), ("setup.py", "sgd"), ("setup.py", "sigmoid")}


def _numbers(code: types.CodeType):
    """Every number the compiled code holds, constant expressions (``2**32 - 1``) folded."""
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _numbers(const)
        elif isinstance(const, (int, float)) and not isinstance(const, bool):
            yield const


def test_the_registries_are_what_the_tests_read():
    # the checks below can fail: the names and limits they look for are there
    assert {"sigmoid", "softmax", "cross_entropy", "adam"} <= REGISTRY
    assert LIMITS.max_params == 10_000 and LIMITS.max_neurons in LIMIT_VALUES
    assert len(SCRIPTS) >= 8 and len(PYTHON) >= 10


def test_no_python_file_of_the_page_copies_a_name():
    found = set()
    for path in PYTHON:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in NAMES:
                where = (path.name, node.value)
                if where not in CHOICES and not (path.name == "setup.py"
                                                 and node.value in DATASETS):
                    found.add(where)      # data set names: defined in setup.py only
    assert found == set(), "a copy of a registry's or a data set's name"


def test_no_python_file_of_the_page_copies_a_limit():
    # 1 and 2 are left out: too common (a first index, two classes) to mean a limit
    found = {(path.name, value) for path in PYTHON if path.name != "limits.py"
             for value in _numbers(compile(path.read_text(encoding="utf-8"), str(path), "exec"))
             if value in LIMIT_VALUES and value > 2}
    assert found == set(), "a limit's value outside web/limits.py"


def _quoted(text: str, name: str) -> bool:
    """``name`` as a whole string literal ('x', "x", `x`) or element text (>x<)."""
    return re.search(rf"""["'`>]{re.escape(name)}["'`<]""", text) is not None


def test_the_page_has_no_name_of_its_own():
    for path in [*SCRIPTS, STATIC / "index.html"]:
        text = re.sub(r'svgEl\("\w+"', "svgEl(", path.read_text(encoding="utf-8"))  # <circle>
        copies = sorted(name for name in NAMES if _quoted(text, name))
        assert copies == [], f"{path.name} names {copies}: read them from /api/options"


def test_the_page_has_no_limit_of_its_own():
    for path in SCRIPTS:
        text = re.sub(r"//[^\n]*|/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"\b(MAX|MIN)_[A-Z_]+\b", text), path.name
        # the numbers of the drawing (pixels, digits) are small: a limit of 50 or more is
        # unmistakable
        numbers = {float(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?:e[+-]?\d+)?", text)}
        copies = sorted(v for v in LIMIT_VALUES if v >= 50 and float(v) in numbers)
        assert copies == [], f"{path.name} has the limits {copies}: read them from /api/options"
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"\s(min|max|maxlength)=", html), "index.html bounds an input itself"


def test_the_address_has_no_list_of_keys_of_its_own():
    text = (STATIC / "address.js").read_text(encoding="utf-8")
    assert "config_keys" in text and "CONFIG_KEYS" not in text


def test_one_state_object_and_one_way_to_draw():
    # the page's modules keep no state of their own (api.js: its queue of requests)
    for path in SCRIPTS:
        if path.name in ("page.js", "api.js"):
            continue
        top = re.findall(r"^(?:let|var)\s+\w+", path.read_text(encoding="utf-8"), flags=re.M)
        assert top == [], f"{path.name} keeps state of its own: {top}"
    # the network and the charts are drawn in one place: drawAll (page.js)
    for drawing in ("drawNetwork(", "drawLoss(", "drawView("):
        callers = [p.name for p in SCRIPTS if drawing in p.read_text(encoding="utf-8")
                   and f"function {drawing}" not in p.read_text(encoding="utf-8")]
        assert callers == ["page.js"], (drawing, callers)
    for module in ("step.js", "editor.js", "training.js", "quiz.js", "page.js"):
        assert (STATIC / module).is_file(), module


def test_a_session_makes_its_state_in_one_place():
    """Every attribute a Session method sets is made in ``__init__`` (no attribute appears
    later, no ``hasattr`` guesses whether it exists yet)."""
    tree = ast.parse((WEB / "sessions.py").read_text(encoding="utf-8"))
    session = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Session")

    def assigned(function) -> set:
        return {t.attr for node in ast.walk(function)
                if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign))
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                for t in ast.walk(target)
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                and t.value.id == "self"}

    methods = [n for n in session.body if isinstance(n, ast.FunctionDef)]
    init = next(m for m in methods if m.name == "__init__")
    made = assigned(init)
    later = {name for m in methods if m.name != "__init__" for name in assigned(m)}
    assert later - made == set(), "attributes made outside __init__"
    assert {"config", "data", "net", "sample", "epoch", "history"} <= made
    source = (WEB / "sessions.py").read_text(encoding="utf-8")
    assert "hasattr(self" not in source and "getattr(self" not in source
