"""Terminal views (rich) of a Trace and of the article's run.

These functions only *read* numbers from a :class:`~nnmath.trace.Trace` or
:class:`~nnmath.article.ArticleRun` and lay them out; they compute no
derivative and no update.
"""

from __future__ import annotations

import numpy as np
from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

__all__ = ["num", "trace_view", "article_view"]

LOSS_FORMULAS = {
    "ssr": "L = ½ Σ_j (y_hat_j − t_j)²",
    "mse": "L = (1/k) Σ_j (y_hat_j − t_j)²",
    "bce": "L = −Σ_j [t_j log y_hat_j + (1 − t_j) log(1 − y_hat_j)]",
    "cross_entropy": "L = −Σ_j t_j log y_hat_j",
}


def num(value, digits: int = 6) -> str:
    """A number with ``digits`` significant digits, no ``-0``.

    >>> num(0.32496247), num(-0.0280307158), num(2.0), num(-0.0)
    ('0.324962', '-0.0280307', '2', '0')
    """
    value = float(value)
    text = f"{value:.{digits}g}"
    return "0" if text in ("-0", "0") else text


def _arr(a) -> str:
    a = np.asarray(a)
    if a.size == 1:
        return num(a.ravel()[0])
    return np.array2string(a, formatter={"float_kind": num}, separator=", ")


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left",
                  title_style="bold", show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _scalar_net(trace) -> bool:
    return trace.n_samples == 1 and all(lt.W.size == 1 for lt in trace.layers)


def trace_view(trace) -> Group:
    """The step as the article lays it out: forward, loss, chain rule, gradients,
    update, forward after."""
    parts = []
    L = len(trace.layers)
    scalar = _scalar_net(trace)

    fwd = _table("Forward pass", "step", "equation", "value")
    for lt in trace.layers:
        l = lt.index
        src = "x" if l == 1 else f"a{l - 1}"
        out = "y_hat" if l == L else f"a{l}"
        if scalar:
            eq_z = (f"z{l} = w{l}·{src} + b{l} = {num(lt.W[0, 0])}·{num(lt.a_prev[0, 0])} "
                    f"+ {num(lt.b[0])}")
        else:
            eq_z = f"z{l} = {src} @ W{l} + b{l}"
        fwd.add_row(f"layer {l}", eq_z, _arr(lt.z))
        fwd.add_row("", f"{out} = {lt.activation}(z{l})", _arr(lt.a))
    parts.append(fwd)

    loss = _table("Loss (" + trace.loss_name + ", mean over "
                  f"{trace.n_samples} sample{'s' if trace.n_samples > 1 else ''})",
                  "formula", "target t", "value")
    loss.add_row(LOSS_FORMULAS[trace.loss_name], _arr(trace.T), num(trace.loss))
    parts.append(loss)

    if trace.chains:
        factors = {}
        in_article_order = [trace.chains[f"{kind}{lt.index}"]
                            for lt in reversed(trace.layers) for kind in "Wb"]
        for chain in in_article_order:
            for f in chain.factors:
                factors.setdefault(f.name, f)
        table = _table("Chain-rule factors", "factor", "value", "meaning")
        for f in factors.values():
            table.add_row(f.name, num(f.value), f.meaning)
        parts.append(table)
        grads = _table("Gradients: products of the factors", "parameter", "product", "value")
        for name, chain in trace.chains.items():
            product = " · ".join(f.name for f in chain.factors)
            values = " · ".join(num(f.value) for f in chain.factors)
            grads.add_row(f"dL/d{chain.symbol}", f"{product}\n= {values}", num(chain.gradient))
        parts.append(grads)
    else:
        deltas = _table("Backward pass: delta = dL/dz, layer by layer", "layer", "quantity",
                        "value")
        for lt in reversed(trace.layers):
            l = lt.index
            how = ("delta = y_hat − t (shortcut, /n)" if (l == L and trace.shortcut) else
                   f"delta{l} = dL/da{l} · g'(z{l})")
            deltas.add_row(f"layer {l}", f"dL/da{l}", _arr(lt.dL_da))
            deltas.add_row("", how, _arr(lt.delta))
            deltas.add_row("", f"dL/dW{l} = a{l - 1}ᵀ @ delta{l}", _arr(lt.dL_dW))
            deltas.add_row("", f"dL/db{l} = Σ delta{l}", _arr(lt.dL_db))
        parts.append(deltas)
    if trace.shortcut:
        parts.append(Text(f"Shortcut: for {trace.layers[-1].activation} + {trace.loss_name}, "
                          "delta_L = dL/dy_hat · dy_hat/dz_L = (y_hat − t)/n.", style="italic"))

    upd = _table(f"Update (gradient descent, learning rate η = {num(trace.learning_rate)})",
                 "parameter", "equation", "new value")
    for name, old in trace.params.items():
        grad, new = trace.gradients[name], trace.updated[name]
        sym = trace.chains[name].symbol if trace.chains else name
        if old.size == 1:
            eq = (f"{sym} − η·dL/d{sym} = {num(old.ravel()[0])} − {num(trace.learning_rate)}"
                  f"·({num(grad.ravel()[0])})")
        else:
            eq = f"{sym} − η·dL/d{sym}"
        upd.add_row(sym, eq, _arr(new))
    parts.append(upd)

    after = _table("Forward pass after the update", "quantity", "before", "after")
    after.add_row("y_hat", _arr(trace.y_hat), _arr(trace.y_hat_after))
    after.add_row(f"loss ({trace.loss_name})", num(trace.loss), num(trace.loss_after))
    parts.append(after)
    return Group(*parts)


def article_view(run) -> list:
    """The article, section by section, as rich renderables."""
    from ..article import A_LEARNING_RATE, A_PATIENCE, A_TOL, B_LEARNING_RATE, PSA_TEST

    out = []
    out.append(Panel.fit("The Math Behind a Neural Network — every number computed by nnmath",
                         style="bold"))
    out.append(Text("A neuron: z = w·x + b (weighted sum plus bias), a = sigmoid(z) = "
                    "1 / (1 + e^−z)."))

    data = run.dataset
    table = _table("The PSA dataset (14 patients)", "#", "status", "PSA (ng/mL)", "y")
    for i, (x, y) in enumerate(zip(data.X[:, 0], data.y), start=1):
        table.add_row(str(i), data.class_names[y], f"{x:.1f}", str(int(y)))
    out.append(table)

    a = run.a_history
    table = _table(f"Network A: 1 input → 2 softmax outputs, cross-entropy, full batch, "
                   f"η = {num(A_LEARNING_RATE)}", "quantity", "value")
    for name, value in run.a.params().items():
        table.add_row(f"trained {name}", _arr(value))
    table.add_row("epochs", f"{a.epochs} ({a.stop_reason}: loss improved by < {A_TOL:g} "
                  f"for {A_PATIENCE} epochs)")
    table.add_row("cost over all samples, before", num(a.initial_loss))
    table.add_row("cost over all samples, after", num(a.loss[-1]))
    table.add_row(f"P(Healthy | PSA {PSA_TEST:.1f})", num(run.a_probabilities[0]))
    table.add_row(f"P(Cancer | PSA {PSA_TEST:.1f})", num(run.a_probabilities[1]))
    table.add_row("classified as", run.a_class)
    out.append(table)

    out.append(Panel.fit(f"Network B: 1-1-1 sigmoid, w1 = 0.5, b1 = 0, w2 = −1, b2 = 0; "
                         f"one step at PSA {PSA_TEST:.1f}, target 0 (healthy), "
                         f"η = {num(B_LEARNING_RATE)}", style="bold"))
    out.append(trace_view(run.b_step))

    b = run.b_history
    out.append(Panel.fit(f"Scaling up: network B, per-sample gradient descent over all 14 rows, "
                         f"{b.epochs} epochs", style="bold"))
    table = _table("Training", "quantity", "value")
    table.add_row("cost before training", num(b.initial_loss))
    table.add_row("loss after epoch 1", num(b.loss[0]))
    table.add_row(f"loss after epoch {b.epochs}", num(b.loss[-1]))
    for name, value in run.b.params().items():
        table.add_row(f"trained {name}", _arr(value))
    table.add_row("accuracy (y_hat ≥ 0.5 → Cancer)",
                  f"{num(run.b_accuracy)} ({round(run.b_accuracy * len(data))}/{len(data)})")
    table.add_row("cost over all samples (ssr)", num(run.b_cost_ssr))
    out.append(table)

    table = _table("Trained network B, patient by patient", "PSA", "status", "y_hat",
                   "predicted")
    for x, y, p in zip(data.X[:, 0], data.y, run.b_predictions):
        table.add_row(num(x), data.class_names[y], num(p, 4),
                      data.class_names[int(p >= 0.5)])
    out.append(table)
    return out
