"""What an explanation says, section by section, built from a Trace's numbers only.

The sections follow the article: the network and the data, the scaling of
the input (when the model file stores one), the forward pass,
the loss, the chain rule (the article's table of named factors for
one-neuron-per-layer networks; the delta recursion written out term by term
for wider ones; full product and shortcut side by side where a shortcut
applies), the gradients, the update, the forward pass after, and the
finite-difference check. Every number shown is read from the trace; the
equations put the operands beside the engine's result. Large networks are
summarised per layer.
"""

from __future__ import annotations

import numpy as np

from ..trace_terms import FULL_DETAIL_PARAMS, FULL_DETAIL_SAMPLES, SATURATION
from .backward import SLOPES, backward_section
from .document import Block, Eqs, Note, Only, Para, Section, Table, Worked, array_text
from .mathexpr import EQ, LP, MINUS, PLUS, RP, TIMES, Deriv, Fn, Num, Op, Sum, Sym, join, num

__all__ = ["explanation", "worked_sections", "network_table", "TITLE", "LOSS_FORMULAS",
           "SLOPES"]

TITLE = "One training step, number by number"
"""The title of a page that holds one explanation."""

LOSS_FORMULAS = {
    "ssr": "ℓ = ½ Σ_j (y_hat_j − t_j)²",
    "mse": "ℓ = (1/k) Σ_j (y_hat_j − t_j)²",
    "bce": "ℓ = −Σ_j [t_j log y_hat_j + (1 − t_j) log(1 − y_hat_j)]",
    "cross_entropy": "ℓ = −Σ_j t_j log y_hat_j",
}
MAX_ROWS = 50   # rows of a table of samples or of scaled features


def explanation(trace) -> list:
    """The explanation of ``trace`` as a list of :class:`Section`."""
    ex = _Names(trace)
    sections = [_overview(trace, ex)]
    if trace.warnings:
        sections.append(Section("Warnings", tuple(Note(w.message) for w in trace.warnings)))
    if trace.preparation is not None:
        sections.append(_preparation(trace))
    if trace.scaling is not None:
        sections.append(_scaling(trace, ex))
    if trace.target_scaling is not None:
        sections.append(_target_scaling(trace))
    if trace.full_detail:
        sections += [_forward(trace, ex), _loss(trace, ex), backward_section(trace, ex),
                     _update(trace, ex)]
    else:
        sections.append(_summary(trace))
    sections.append(_after(trace, ex))
    if trace.check is not None:
        sections.append(_check(trace))
    return sections


def worked_sections(trace, before=None, after=None, titles=None) -> list:
    """The explanation of ``trace`` set into a whole document: one section each, its
    blocks in a :class:`~nnmath.render.document.Worked`.

    ``before`` and ``after`` map an explanation section's title ("The step",
    "Forward pass after the update", ...) to blocks the page puts at its start or end
    (figures, a paragraph); ``titles`` to the title the page gives it. The terminal
    shows neither and heads the section with the explanation's own title.
    """
    before, after, titles = before or {}, after or {}, titles or {}
    return [Section(titles.get(s.title, s.title),
                    (Only("page", tuple(before.get(s.title, ()))), Worked(s.blocks),
                     Only("page", tuple(after.get(s.title, ())))), terminal_title=s.title)
            for s in explanation(trace)]


def network_table(network) -> Table:
    """A network's layers: activation, shape of W and parameters (its notebook view)."""
    return Table(("layer", "activation", "W shape", "parameters"), tuple(
        (str(ell), layer.activation, f"{layer.n_in} × {layer.n_out}",
         f"W{ell}, b{ell} ({layer.W.size + layer.b.size})")
        for ell, layer in enumerate(network.layers, start=1)))


class _Names:
    """Symbols for the trace's entries: the article's scalar names (w1, x, y_hat) for
    one-neuron-per-layer single-sample networks, else W1[i,j], z1[j] (z1[s,j] in a batch)."""

    def __init__(self, trace):
        self.scalar = trace.scalar
        self.batch = trace.n_samples > 1
        self.L = len(trace.layers)
        self.input = "x" if trace.scaling is None else "x_scaled"   # what the network sees

    def idx(self, s, j) -> str:
        return "" if self.scalar else (f"{s},{j}" if self.batch else f"{j}")

    def node(self, base, ell, s, j) -> Sym:
        """z/a/delta of layer l, sample s, neuron j (a_L is y_hat, a_0 is x)."""
        if base == "a" and ell == 0:
            return Sym(self.input, index=self.idx(s, j))
        if base == "a" and ell == self.L:
            return Sym("y_hat", index=self.idx(s, j))
        return Sym(base, str(ell), self.idx(s, j))

    def param(self, name, index=()) -> Sym:
        kind, ell = name[0], name[1:]
        if self.scalar:
            return Sym("w" if kind == "W" else "b", ell)
        return Sym(kind, ell, ",".join(str(i) for i in index))


def _overview(trace, ex) -> Section:
    sizes = [trace.layers[0].W.shape[0]] + [lt.W.shape[1] for lt in trace.layers]
    layers = _layer_runs(trace.layers)
    n = trace.n_samples
    blocks = [
        Para(f"Network {'-'.join(map(str, sizes))} ({layers}); {trace.n_params} parameters. "
             "Rows are samples: z = a_prev @ W + b, a = g(z), W[i,j] joins input i to "
             "neuron j."),
        Para(f"Loss {trace.loss_name}: {LOSS_FORMULAS[trace.loss_name]} per sample; the "
             f"loss L is the mean over the {n} sample{'s' if n > 1 else ''} "
             f"(reduction = {trace.reduction})" + (f", so dL/dy_hat carries a factor 1/{n}. "
                                                   if n > 1 else "; with one sample it is "
                                                   "that sample's loss. ") +
             f"One step of gradient descent with learning rate η = {num(trace.learning_rate)}."),
        _samples_table(trace),
    ]
    if trace.sample_weight is not None and trace.class_weight is not None:
        weights = ", ".join(num(w) for w in trace.class_weight)
        blocks.insert(2, Para(
            f"Class weights [{weights}] (one per class, recorded in the model file): each "
            "sample's loss is multiplied by its class's weight w, so L = (1/n) Σ_s w_s ℓ_s "
            "and dL/dy_hat carries the factor w_s too. Here w = "
            + ", ".join(num(w) for w in trace.sample_weight) + "."))
    if trace.full_detail:
        label = (lambda name: f"{name} ({ex.param(name).base}{name[1:]})") if ex.scalar \
            else (lambda name: name)
        blocks.append(Table(("parameter", "value before the step"),
                            tuple((label(name), array_text(p))
                                  for name, p in trace.params.items())))
    else:
        blocks.append(Note(
            f"{trace.n_params} parameters and {n} sample{'s' if n > 1 else ''}: more than "
            f"an entry-by-entry explanation shows readably (up to {FULL_DETAIL_PARAMS} "
            f"parameters and {FULL_DETAIL_SAMPLES} samples), so this step is summarised per "
            "layer. Use --format json for every number.", level="info"))
    return Section("The step", tuple(blocks))


def _layer_runs(layers) -> str:
    """The layers in words; a run of 3 or more alike layers in one phrase (deep networks
    stay short).

    >>> from types import SimpleNamespace as L
    >>> print(_layer_runs([L(index=1, W=np.ones((1, 2)), activation="tanh"),
    ...                    *[L(index=l, W=np.ones((1, 1)), activation="sigmoid")
    ...                      for l in (2, 3, 4)]]))
    layer 1: 2 tanh neurons; layers 2–4: 1 sigmoid neuron each
    >>> print(_layer_runs([L(index=l, W=np.ones((1, 1)), activation="sigmoid") for l in (1, 2)]))
    layer 1: 1 sigmoid neuron; layer 2: 1 sigmoid neuron
    """
    runs: list[list] = []   # [first, last, n_out, activation]
    for lt in layers:
        kind = (lt.W.shape[1], lt.activation)
        if runs and tuple(runs[-1][2:]) == kind:
            runs[-1][1] = lt.index
        else:
            runs.append([lt.index, lt.index, *kind])
    phrases = []
    for first, last, n, act in runs:
        neurons = f"{n} {act} neuron{'s' if n > 1 else ''}"
        if last - first >= 2:
            phrases.append(f"layers {first}–{last}: {neurons} each")
        else:
            phrases += [f"layer {ell}: {neurons}" for ell in range(first, last + 1)]
    return "; ".join(phrases)


def _samples_table(trace) -> Table:
    n = min(trace.n_samples, MAX_ROWS)
    if trace.scaling is None:
        return Table(("sample", "x (input)", "t (target)"),
                     tuple((str(s), array_text(trace.X[s]), array_text(trace.T[s]))
                           for s in range(n)))
    return Table(("sample", "x (raw input)", "x_scaled (the network's input)", "t (target)"),
                 tuple((str(s), array_text(trace.X_raw[s]), array_text(trace.X[s]),
                        array_text(trace.T[s])) for s in range(n)))


def _preparation(trace) -> Section:
    """What each raw cell became: ``sex = "F" → [1, 0]``, ``x2 = NA → 3.7 (the training
    mean)``; the model file's preprocessing, applied before the scaling."""
    blocks: list[Block] = [Para(
        "The model file stores a preprocessing learned from the training rows: a text "
        "column becomes one input per category (1 for the row's category, 0 for the "
        "others; the categories in the order of the inputs), a missing value takes the "
        "fill value stored for its column. The inputs it gives, in order, are "
        + ", ".join(trace.input_names[:40]) + (", ..." if len(trace.input_names) > 40 else "")
        + ". 'nnmath predict' computes the same.")]
    batch = trace.n_samples > 1
    rows = []
    for s, steps in enumerate(trace.preparation):
        for step in steps:
            rows.append(((str(s),) if batch else ()) + (step.text,))
    blocks.append(Table((("sample",) if batch else ()) + ("raw value → input(s)",),
                        tuple(rows[:MAX_ROWS])))
    if len(rows) > MAX_ROWS:
        blocks.append(Note(f"The first {MAX_ROWS} of {len(rows)} rows; --format json has "
                           "every step (preparation).", level="info"))
    return Section("Preparing the input", tuple(blocks))


def _target_scaling(trace) -> Section:
    """t_scaled = (t − mean) / std, and the output back in the target's units."""
    ts = trace.target_scaling
    lines: list[tuple] = []
    for s in range(min(trace.n_samples, MAX_ROWS)):
        for j in range(trace.T.shape[1]):
            at = f"{s},{j}" if trace.n_samples > 1 else (str(j) if trace.T.shape[1] > 1 else "")
            lines.append((Sym("t_scaled", index=at), EQ, LP, Sym("t", index=at), MINUS,
                          Sym("mean_t", index=at if trace.T.shape[1] > 1 else ""), RP, Op("/"),
                          Sym("std_t"), EQ, LP, Num(trace.T_raw[s, j]), MINUS,
                          Num(ts.mean[j], paren=True), RP, Op("/"), Num(ts.std[j]), EQ,
                          Num(trace.T[s, j])))
            lines.append((Sym("y", index=at), EQ, Sym("y_hat", index=at), TIMES,
                          Sym("std_t"), PLUS, Sym("mean_t"), EQ, Num(trace.y_hat[s, j]),
                          TIMES, Num(ts.std[j]), PLUS, Num(ts.mean[j], paren=True), EQ,
                          Num(trace.outputs[s, j])))
    return Section("Scaling the target", (
        Para("The model was trained on the standardised target: the mean and std of the "
             "training rows' targets are stored in its file. The loss below compares the "
             "network's output y_hat with t_scaled = (t − mean_t) / std_t; the prediction in "
             "the target's units is y = y_hat · std_t + mean_t, as 'nnmath predict' prints "
             "it."),
        Eqs(tuple(lines))))


def _scaling(trace, ex) -> Section:
    """x_scaled = (x − mean) / std, feature by feature, with the numbers."""
    sc, n_features = trace.scaling, trace.X.shape[1]
    blocks: list[Block] = [Para("The model file stores a standardisation: the mean and the standard "
                   "deviation (std) of each feature over the training rows. The network's "
                   "input is the raw input scaled feature by feature, "
                   "x_scaled[i] = (x[i] − mean[i]) / std[i], as 'nnmath predict' computes it.")]
    if trace.full_detail:
        lines = []
        for s in range(trace.n_samples):
            for i in range(n_features):
                at = "" if n_features == 1 and ex.scalar else str(i)
                lines.append((Sym("x_scaled", index=ex.idx(s, i)), EQ, LP,
                              Sym("x", index=ex.idx(s, i)), MINUS, Sym("mean", index=at), RP,
                              Op("/"), Sym("std", index=at), EQ, LP, Num(trace.X_raw[s, i]),
                              MINUS, Num(sc.mean[i], paren=True), RP, Op("/"), Num(sc.std[i]),
                              EQ, Num(trace.X[s, i])))
        blocks.append(Eqs(tuple(lines)))
        return Section("Scaling the input", tuple(blocks))
    batch = trace.n_samples > 1
    names = trace.input_names if len(trace.input_names) == n_features else \
        tuple(str(i) for i in range(n_features))
    rows = [((str(s),) if batch else ()) + (names[i], num(trace.X_raw[s, i]), num(sc.mean[i]),
                                             num(sc.std[i]), num(trace.X[s, i]))
            for s in range(trace.n_samples) for i in range(n_features)]
    blocks.append(Table((("sample",) if batch else ()) + ("feature", "x[i]", "mean[i]",
                                                          "std[i]", "x_scaled[i]"),
                        tuple(rows[:MAX_ROWS])))
    if len(rows) > MAX_ROWS:
        blocks.append(Note(f"The first {MAX_ROWS} of {len(rows)} rows; --format json has "
                           "every number (x, x_scaled, scaling).", level="info"))
    return Section("Scaling the input", tuple(blocks))


def _forward(trace, ex) -> Section:
    blocks = []
    for lt in trace.layers:
        ell = lt.index
        lines = []
        for s in range(trace.n_samples):
            for j in range(lt.W.shape[1]):
                lines += _z_lines(trace, ex, lt, s, j)
            if lt.activation == "softmax":
                for j in range(lt.W.shape[1]):
                    lines.append((ex.node("a", ell, s, j), EQ, Fn("exp"), LP,
                                  ex.node("z", ell, s, j), RP, Op("/"), Sum("k"), Fn("exp"), LP,
                                  ex.node("z", ell, s, "k"), RP, EQ, Num(lt.a[s, j])))
            else:
                for j in range(lt.W.shape[1]):
                    lines.append((ex.node("a", ell, s, j), EQ, Fn(lt.activation), LP,
                                  ex.node("z", ell, s, j), RP, EQ, Fn(lt.activation), LP,
                                  Num(lt.z[s, j]), RP, EQ, Num(lt.a[s, j])))
        blocks += [Para(f"Layer {ell} ({lt.activation})"), Eqs(tuple(lines))]
    return Section("Forward pass", tuple(blocks))


def _z_lines(trace, ex, lt, s, j) -> list:
    ell, n_in = lt.index, lt.W.shape[0]
    sym = [ex.param(f"W{ell}", (0, j)), TIMES, ex.node("a", ell - 1, s, 0)] if ex.scalar else None
    if sym is None:
        sym = [Sum("i"), ex.node("a", ell - 1, s, "i"), TIMES, Sym("W", str(ell), f"i,{j}")] \
            if n_in > 3 else join([[ex.node("a", ell - 1, s, i), TIMES,
                                     ex.param(f"W{ell}", (i, j))] for i in range(n_in)], PLUS)
    head = [ex.node("z", ell, s, j), EQ, *sym, PLUS, ex.param(f"b{ell}", (j,))]
    pairs = [[Num(lt.a_prev[s, i], paren=True), TIMES, Num(lt.W[i, j], paren=True)]
             for i in range(n_in)]
    values = join([p[::-1] for p in pairs] if ex.scalar else pairs, PLUS)  # w1·x, a·W
    return [tuple(head), (EQ, *values, PLUS, Num(lt.b[j], paren=True), EQ, Num(lt.z[s, j]))]


def _loss(trace, ex) -> Section:
    lines = []
    for s in range(trace.n_samples):
        lhs = Sym("l", index=str(s)) if ex.batch else Sym("L")
        k = trace.y_hat.shape[1]
        y = [(ex.node("a", ex.L, s, j), Num(trace.y_hat[s, j]), Num(trace.T[s, j], paren=True),
              Sym("t", index=ex.idx(s, j))) for j in range(k)]
        if trace.loss_name in ("ssr", "mse"):
            sym = join([[LP, ys, MINUS, ts, RP, Op("²")] for ys, _, _, ts in y], PLUS)
            val = join([[LP, yv, MINUS, tv, RP, Op("²")] for _, yv, tv, _ in y], PLUS)
            pre, post = ([Op("½"), Op("[")], [Op("]")]) if trace.loss_name == "ssr" else \
                ([Op("[")], [Op("]"), Op("/"), Num(k)])
            if k == 1:
                pre, post = pre[:-1], post[1:]
        elif trace.loss_name == "bce":
            sym = join([[ts, Fn("log"), ys, PLUS, LP, Num(1), MINUS, ts, RP, Fn("log"), LP,
                          Num(1), MINUS, ys, RP] for ys, _, _, ts in y], PLUS)
            val = join([[tv, TIMES, Fn("log"), yv, PLUS, LP, Num(1), MINUS, tv, RP, TIMES,
                          Fn("log"), LP, Num(1), MINUS, yv, RP] for _, yv, tv, _ in y], PLUS)
            pre, post = [MINUS, Op("[")], [Op("]")]
        else:
            sym = join([[ts, Fn("log"), ys] for ys, _, _, ts in y], PLUS)
            val = join([[tv, TIMES, Fn("log"), yv] for _, yv, tv, _ in y], PLUS)
            pre, post = [MINUS, Op("[")], [Op("]")]
        if trace.sample_weight is not None:   # the class weight: a factor of the sample's loss
            w_sym, w_val = [Sym("w", index=str(s) if ex.batch else ""), TIMES], \
                [Num(trace.sample_weight[s]), TIMES]
            if pre and pre[0] is MINUS:   # w · (−[...]) reads as −w · [...]
                w_sym, w_val = [MINUS, *w_sym], [MINUS, *w_val]
                pre = pre[1:]
            if pre[:1] != [Op("[")] and post[-1:] != [Op("]")]:
                pre, post = [Op("["), *pre], [*post, Op("]")]
        else:
            w_sym, w_val = [], []
        lines += [(lhs, EQ, *w_sym, *pre, *sym, *post),
                  (EQ, *w_val, *pre, *val, *post, EQ, Num(trace.per_sample_loss[s]))]
    if ex.batch:
        terms = join([[Sym("l", index=str(s))] for s in range(trace.n_samples)], PLUS)
        vals = join([[Num(v)] for v in trace.per_sample_loss], PLUS)
        lines += [(Sym("L"), EQ, LP, *terms, RP, Op("/"), Num(trace.n_samples)),
                  (EQ, LP, *vals, RP, Op("/"), Num(trace.n_samples), EQ, Num(trace.loss))]
    return Section(f"Loss ({trace.loss_name})", (Eqs(tuple(lines)),))


def _update(trace, ex) -> Section:
    eta, lines = Sym("eta"), []
    for name, old in trace.params.items():
        for index in np.ndindex(old.shape):
            sym = ex.param(name, index)
            lines.append((sym, Op("←"), sym, MINUS, eta, TIMES, Deriv(Sym("L"), sym), EQ,
                          Num(old[index]), MINUS, Num(trace.learning_rate), TIMES,
                          Num(trace.gradients[name][index], paren=True), EQ,
                          Num(trace.updated[name][index])))
    return Section(f"Update: gradient descent, η = {num(trace.learning_rate)}",
                   (Eqs(tuple(lines)),))


def _after(trace, ex) -> Section:
    rows = [("y_hat" + (f" (sample {s})" if ex.batch else ""), array_text(trace.y_hat[s]),
             array_text(trace.y_hat_after[s])) for s in range(min(trace.n_samples, 50))]
    rows.append((f"loss L ({trace.loss_name})", num(trace.loss), num(trace.loss_after)))
    return Section("Forward pass after the update", (
        Table(("quantity", "before", "after"), tuple(rows)),
        Para(_loss_change(trace.loss, trace.loss_after))))


def _loss_change(before: float, after: float) -> str:
    """What the step did to the loss, in words.

    >>> _loss_change(0.0528, 0.051928)
    'With the updated parameters the loss went down: 0.0528 → 0.051928.'
    >>> _loss_change(0.0, 0.0)
    'The loss was already 0 to float64 precision before the step, and stayed 0.'
    >>> _loss_change(0.5, 0.5)
    'With the updated parameters the loss did not change to float64 precision: 0.5 → 0.5.'
    >>> _loss_change(0.1, 0.2)
    'With the updated parameters the loss did NOT go down, it went up: 0.1 → 0.2.'
    """
    values = f"{num(before)} → {num(after)}"
    if not (np.isfinite(before) and np.isfinite(after)):
        return (f"The loss is not a finite number: {values} (the numbers overflowed; see the "
                "warnings).")
    if after == before == 0:
        return "The loss was already 0 to float64 precision before the step, and stayed 0."
    change = "went down" if after < before else \
        "did not change to float64 precision" if after == before else \
        "did NOT go down, it went up"
    return f"With the updated parameters the loss {change}: {values}."


def _summary(trace) -> Section:
    rows = tuple((str(r["layer"]), r["activation"], "×".join(map(str, r["shape"])),
                  f"{num(r['z_min'], 3)} … {num(r['z_max'], 3)}", num(r["mean_abs_delta"], 3),
                  num(r["norm_dL_dW"], 4), num(r["max_abs_update_W"], 3),
                  str(r["n_saturated"])) for r in trace.layer_summaries())
    return Section("Summary per layer", (Table(
        ("layer", "g", "W", "z range", "mean |δ|", "‖dL/dW‖", "max |ΔW|", "sat."), rows),
        Para(f"sat. = saturated sigmoid/tanh values, g'(z) < {SATURATION:g}.")))


def _check(trace) -> Section:
    c = trace.check
    rows = []
    if trace.full_detail:
        for name, g in c.analytic.items():
            for index in np.ndindex(g.shape):
                label = f"{name}[{','.join(map(str, index))}]"
                rows.append((label, num(g[index], 10), num(c.numeric[name][index], 10),
                             f"{c.rel_diff[name][index]:.1e}"))
    blocks: list[Block] = [Table(("parameter", "backprop", "finite differences",
                                  "rel. difference"), tuple(rows))] if rows else []
    blocks.append(Para(f"Largest relative difference: {c.max_rel_diff:.1e} at {c.worst} "
                       f"(central differences, h = {c.eps:g})."))
    return Section("Gradient check", tuple(blocks))
