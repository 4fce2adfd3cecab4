"""The page as a Jupyter widget: ``nnmath.widget(net, data)``.

The widget shows what ``nnmath serve`` shows of one network: the drawing of the network
(every weight and bias a button), the article's five-step stepper (Forward, Loss,
Backward, Update, Forward again) and, for the clicked weight, its derivation. It is an
`anywidget <https://anywidget.dev>`_ whose front end is the page's own ES modules
(``web/static/netview.js``, ``parts.js``, ``format.js``: the drawing code exists once),
loaded from the sources this module sends, plus a small glue module (``widget.js``).

Every number comes from the Python engine through the widget's model (traitlets), never
over HTTP: ``state`` is the page's State (the network, the data's rows, the selected
sample and its activations), ``steps`` holds the page's Step of :func:`nnmath.explain`
(:func:`nnmath.web.views.step`), ``derivation`` the clicked parameter's chain rule
(:mod:`nnmath.render.derivation`). The buttons send one message each (``{"do":
"forward"}``, ...); the same steps are methods, so a notebook (or a test) can drive it:

>>> from nnmath.article import network_b
>>> from nnmath import datasets
>>> w = widget(network_b(), datasets.psa(), sample=8)          # PSA 2.0, Healthy
>>> w.forward(); w.loss(); w.backward()
>>> round(w.steps["current"]["loss"], 4), w.stage
(0.0528, 3)
>>> w.select("W1", (0, 0)); round(w.derivation["value"], 7)
-0.0280307
>>> w.update(); w.again(); round(w.state["network"]["layers"][0]["W"][0][0], 7), w.stage
(0.5028031, 5)

``nnmath.widget`` needs anywidget (``pip install anywidget``; the dev extra has it).
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigError, NnmathError, must_be
from .optional import require

require("anywidget", "nnmath.widget")   # one clear line (pip install anywidget) if missing
import anywidget  # noqa: E402
import traitlets  # noqa: E402

__all__ = ["widget", "NetworkWidget", "PAGE_MODULES", "STAGES"]

STATIC = Path(__file__).resolve().parent / "web" / "static"
GLUE = Path(__file__).resolve().parent / "widget.js"
PAGE_MODULES = ("netview.js", "parts.js", "format.js")
"""The page's modules the widget imports (with whatever they import in turn)."""
STAGES = ("forward", "loss", "backward", "update", "again")
"""The stepper's buttons, in order: stage k (1..5) is the one after button k."""
_IMPORT = re.compile(r"""\bfrom\s*["']\./([\w.-]+\.js)["']""")


def module_sources(entries=PAGE_MODULES) -> tuple[dict, list]:
    """``(sources, order)``: the text of each page module the widget needs (``entries``
    and every ``./x.js`` they import), and an order that puts each after its imports."""
    sources: dict[str, str] = {}
    order: list[str] = []

    def visit(name: str, path: tuple) -> None:
        if name in order:
            return
        if name in path:
            raise ConfigError(f"the page's modules import each other in a circle: "
                              f"{' -> '.join(path + (name,))}")
        text = (STATIC / name).read_text(encoding="utf-8")
        sources[name] = text
        for dep in _IMPORT.findall(text):
            visit(dep, path + (name,))
        order.append(name)

    for entry in entries:
        visit(entry, ())
    return sources, order


def scoped_css(css: str, scope: str) -> str:
    """The page's stylesheet inside ``scope`` only: each rule's selectors prefixed (inside
    ``@media`` too), ``:root`` and ``body`` become the scope, the page's ``#net`` becomes
    ``svg.net``; ``@keyframes`` are kept as they are.

    >>> scoped_css(":root { --a: 1; } h2, #net text { x: y; } @media (w) { .b { c: d; } }",
    ...            ".w")
    '.w { --a: 1; }\\n.w h2, .w svg.net text { x: y; }\\n@media (w) {\\n.w .b { c: d; }\\n}'
    """
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, i = [], 0
    while True:
        start = css.find("{", i)
        if start < 0:
            break
        head = css[i:start].strip()
        depth, end = 1, start + 1
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        body = css[start + 1:end - 1]
        if head.startswith("@media") or head.startswith("@supports"):
            out.append(f"{head} {{\n{scoped_css(body, scope)}\n}}")
        elif head.startswith("@"):
            out.append(f"{head} {{{body}}}")
        else:
            selectors = []
            for sel in head.split(","):
                sel = sel.strip().replace("#net", "svg.net")
                selectors.append(scope if sel in (":root", "body") else f"{scope} {sel}")
            out.append(f"{', '.join(selectors)} {{{body}}}")
        i = end
    return "\n".join(out)


def _glue_css() -> str:
    page = scoped_css((STATIC / "style.css").read_text(encoding="utf-8"), ".nnmath-widget")
    return page + """
.nnmath-widget { font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #1b1f24; display: grid; gap: .6rem; max-width: 64rem; }
.nnmath-widget .wpanel { border: 1px solid #d0d7de; border-radius: 8px; padding: .6rem .8rem; }
.nnmath-widget .step-html { max-height: 26rem; overflow-y: auto; }
.nnmath-widget .werror { color: #cf222e; }
"""


def _rows(values: np.ndarray) -> list:
    return np.asarray(values, dtype=float).tolist()


class NetworkWidget(anywidget.AnyWidget):
    """The page's network drawing, stepper and derivation for one network and data set.

    Use :func:`widget` to make one. The synced traitlets are the page's JSON: ``state``
    (network, data, sample, activations), ``steps`` (``"current"``: the Step being walked
    through; ``"fresh"``: the one after the update), ``view`` (which step the drawing shows
    as forward, backward and updated values), ``stage`` (0 nothing shown, 1..5 after each
    button), ``selected`` and ``derivation`` (the clicked parameter), ``message``.
    """

    _esm = GLUE.read_text(encoding="utf-8")
    _css = _glue_css()
    modules = traitlets.Dict().tag(sync=True)
    module_order = traitlets.List(traitlets.Unicode()).tag(sync=True)
    state = traitlets.Dict().tag(sync=True)
    steps = traitlets.Dict().tag(sync=True)
    view = traitlets.Dict().tag(sync=True)
    stage = traitlets.Int(0).tag(sync=True)
    selected = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    derivation = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, network, data, loss: str, learning_rate: float, sample: int = 0):
        sources, order = module_sources()
        super().__init__(modules=sources, module_order=order)
        self.network, self.data, self.loss_name = network, data, loss
        self.learning_rate = float(learning_rate)
        self.T = data.targets(network.n_outputs)
        self._current: Any = None      # the Trace being stepped through
        self.select_sample(sample)
        self.on_msg(self._on_message)

    # -- what the engine computes -------------------------------------------------------
    def _trace(self):
        from .trace import explain

        s = self.state["sample"] if self.state else 0
        return explain(self.network, self.data.X[s], self.T[s], loss=self.loss_name,
                       learning_rate=self.learning_rate)

    def _refresh_state(self, sample: int) -> None:
        from .backprop import forward_pass
        from .inference import scaling_of
        from .web.limits import ROWS_SHOWN

        net, data = self.network, self.data
        x = data.X[sample:sample + 1]
        scaling = scaling_of(net)
        if scaling is not None:
            x = scaling.apply(x)
        with np.errstate(all="ignore"):
            acts = [fwd.a[0].tolist() for fwd in forward_pass(net.layers, x)]
        self.state = {
            "network": {"layers": [{"activation": layer.activation, "W": _rows(layer.W),
                                    "b": _rows(layer.b)} for layer in net.layers],
                        "sizes": net.sizes, "n_params": net.n_params()},
            "data": {"name": data.target_name, "feature_names": list(data.feature_names),
                     "class_names": list(data.class_names), "n_samples": len(data),
                     "X": _rows(data.X[:ROWS_SHOWN])},
            "sample": sample, "activations": acts, "loss_name": self.loss_name,
            "learning_rate": self.learning_rate}

    def _show(self, forward=None, backward=None, updated=None) -> None:
        self.view = {"forward": forward, "backward": backward, "updated": updated}

    def _expect(self, stage: int, button: str) -> None:
        if self.stage != stage:
            raise ConfigError(f"{button} comes after {STAGES[stage - 1].capitalize()} in the "
                              f"step (the widget is at stage {self.stage}). Press "
                              f"{STAGES[self.stage % len(STAGES)].capitalize()} next, or "
                              "Forward to start again.")

    # -- the five buttons ---------------------------------------------------------------
    def forward(self) -> None:
        """Forward: one step's trace at the current weights; the drawing shows z and a."""
        from .web.views import step

        self._current = trace = self._trace()
        self.steps = {"current": step(trace), "fresh": None}
        self._show(forward="current")
        self.stage = 1
        y = self.steps["current"]["output"]
        self.message = f"Forward: ŷ = {y} for x = {self.steps['current']['x']}."

    def loss(self) -> None:
        """Loss: the step's loss is shown."""
        self._expect(1, "Loss")
        self.stage = 2
        self.message = f"Loss ({self.loss_name}): L = {self.steps['current']['loss']:.6g}."

    def backward(self) -> None:
        """Backward: the gradients on the edges, δ on the neurons."""
        self._expect(2, "Backward")
        self._show(forward="current", backward="current")
        self.stage = 3
        self.message = "Backward: the gradients are on the edges, from the output back."
        self._refresh_derivation()

    def update(self) -> None:
        """Update: ``W ← W − η · dL_dW`` (the trace's updated parameters) for every layer."""
        self._expect(3, "Update")
        for name, p in self.network.params().items():
            p[...] = self._current.updated[name]
        self._refresh_state(self.state["sample"])
        self._show(forward="current", backward="current", updated="current")
        self.stage = 4
        self.message = f"Update: each weight shows old → new (η = {self.learning_rate:g})."

    def again(self) -> None:
        """Forward again: the step at the new weights; the loss went down (or says so)."""
        from .web.views import step

        self._expect(4, "Forward again")
        fresh = step(self._trace())
        self.steps = {**self.steps, "fresh": fresh}
        self._show(forward="fresh")
        self.stage = 5
        before, after = self.steps["current"]["loss"], self.steps["current"]["loss_after"]
        self.message = f"Forward again: the loss went from {before:.6g} to {after:.6g}."
        self._refresh_derivation()

    # -- selection ----------------------------------------------------------------------
    def select_sample(self, sample: Any) -> None:
        """Step through data row ``sample`` (0-based) from now on; any step shown is reset."""
        from .checks import check_int
        from .web.limits import ROWS_SHOWN

        limit = min(len(self.data), ROWS_SHOWN) - 1
        sample = check_int(sample, "sample", minimum=0, maximum=limit)
        self._refresh_state(sample)
        self.steps, self.stage, self._current = {"current": None, "fresh": None}, 0, None
        self._show()
        self._refresh_derivation()
        self.message = f"Row {sample + 1} selected: press Forward."   # numbered as --row

    def select(self, name: Any, index) -> None:
        """Show the derivation of ``dL/d name[index]`` (``("W1", (0, 0))``, ``("b2", (0,))``)
        at the current weights and sample, as clicking the parameter does."""
        params = self.network.params()
        if name not in params:
            raise ConfigError(must_be("the parameter", f"one of {', '.join(params)}", name))
        index = tuple(int(i) for i in index)
        if len(index) != params[name].ndim or any(
                not 0 <= i < n for i, n in zip(index, params[name].shape)):
            raise ConfigError(must_be(f"the index of {name}", f"within its shape "
                                      f"{list(params[name].shape)}", list(index)))
        self.selected = {"name": name, "index": list(index)}
        self._refresh_derivation()

    def _refresh_derivation(self) -> None:
        from .render.derivation import derivation, derivation_html

        sel = self.selected
        if not sel:
            self.set_trait("derivation", None)
            return
        d = derivation(self._trace(), sel["name"], tuple(sel["index"]))
        where = "at the updated weights" if self.stage >= 4 else "at this step's weights"
        self.derivation = {"param": d.param, "index": list(d.index), "symbol": d.symbol,
                           "value": d.value, "where": where, "html": derivation_html(d),
                           "factors": [{"name": f.name, "value": f.value, "meaning": f.meaning}
                                       for f in d.factors]}

    # -- the front end's messages -------------------------------------------------------
    def _on_message(self, _widget, content: dict, _buffers) -> None:
        """A button or a click in the front end: ``{"do": "forward"}``, ``{"do": "select",
        "name": "W1", "index": [0, 0]}``, ``{"do": "sample", "index": 3}``."""
        action = content.get("do") if isinstance(content, dict) else None
        self.error = ""
        try:
            if action in STAGES:
                getattr(self, action)()
            elif action == "select":
                self.select(content.get("name"), content.get("index") or ())
            elif action == "sample":
                self.select_sample(content.get("index"))
            else:
                raise ConfigError(must_be("the widget's message", f"one of {STAGES}, select "
                                          "or sample", action))
        except (NnmathError, TypeError, ValueError) as exc:
            self.error = str(exc)


def widget(network, data=None, loss: str | None = None, learning_rate: float = 0.1,
           sample: int = 0) -> NetworkWidget:
    """The page's network drawing, five-step stepper and derivation, in Jupyter.

    Parameters
    ----------
    network : Network
        Stepped through in place: Update changes its parameters (pass ``net.copy()`` to
        keep the original).
    data : Dataset, optional
        The rows to step through (default: the article's PSA data).
    loss : str, optional
        Default: the model file's ``loss``, else the one that fits the output layer
        (:func:`nnmath.losses.loss_for`: ``ssr`` for the article's sigmoid output).
    learning_rate : float, default 0.1
    sample : int, default 0
        The data row (0-based) the stepper starts on.

    Returns
    -------
    NetworkWidget
        Display it (the last expression of a cell); its methods ``forward()``, ``loss()``,
        ``backward()``, ``update()``, ``again()``, ``select(name, index)`` and
        ``select_sample(row)`` do what the buttons and clicks do.
    """
    from . import datasets
    from .checks import check_number
    from .datasets import Dataset
    from .network import Network

    if not isinstance(network, Network):
        raise ConfigError(must_be("network", "a nnmath.Network", network,
                                  "For example nnmath.widget(nnmath.load('model.json'))."))
    data = datasets.psa() if data is None else data
    if not isinstance(data, Dataset):
        raise ConfigError(must_be("data", "a nnmath.datasets.Dataset", data,
                                  "For example nnmath.datasets.load_csv('data.csv', "
                                  "target='y')."))
    if data.X.shape[1] != network.n_inputs:
        raise ConfigError(must_be("data", f"rows of {network.n_inputs} feature(s), one per "
                                  "input of the network", f"{data.X.shape[1]} features"))
    if loss is None:
        loss = network.info.get("loss") or _default_loss(network)
    learning_rate = check_number(learning_rate, "learning_rate", minimum=0, open_min=True)
    return NetworkWidget(network, data, loss, learning_rate, sample)


def _default_loss(network) -> str:
    from .losses import loss_for

    activation = network.layers[-1].activation
    return "ssr" if activation == "sigmoid" and network.n_outputs == 1 else \
        loss_for(activation)


class _CallableModule(types.ModuleType):
    """``nnmath.widget(net, data)`` works whether ``nnmath.widget`` is this function or,
    once something imported the submodule, this module."""

    def __call__(self, *args: Any, **kwargs: Any) -> NetworkWidget:
        return widget(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
