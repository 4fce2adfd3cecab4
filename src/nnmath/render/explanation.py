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

from .document import Eqs, Note, Only, Para, Section, Table, Worked, array_text
from ..trace_terms import FULL_DETAIL_PARAMS, FULL_DETAIL_SAMPLES, SATURATION
from .mathexpr import Deriv, Fn, Num, Op, Sum, Sym, num, sym_from_name

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
SLOPES = {
    "sigmoid": "sigmoid'(z) = a·(1 − a)",
    "tanh": "tanh'(z) = 1 − a²",
    "relu": "relu'(z) = 1 if z > 0, else 0",
    "identity": "identity'(z) = 1",
    "softmax": "dy_hat_j/dz_i = y_hat_j·([i = j] − y_hat_i)",
}
MAX_ROWS = 50   # rows of a table of samples or of scaled features
EQ, PLUS, MINUS, TIMES = Op("="), Op("+"), Op("−"), Op("·")
LP, RP = Op("("), Op(")")


def explanation(trace) -> list:
    """The explanation of ``trace`` as a list of :class:`Section`."""
    ex = _Names(trace)
    sections = [_overview(trace, ex)]
    if trace.warnings:
        sections.append(Section("Warnings", tuple(Note(w.message) for w in trace.warnings)))
    if trace.scaling is not None:
        sections.append(_scaling(trace, ex))
    if trace.full_detail:
        sections += [_forward(trace, ex), _loss(trace, ex), _backward(trace, ex),
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
        (str(l), layer.activation, f"{layer.n_in} × {layer.n_out}",
         f"W{l}, b{l} ({layer.W.size + layer.b.size})")
        for l, layer in enumerate(network.layers, start=1)))


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

    def node(self, base, l, s, j) -> Sym:
        """z/a/delta of layer l, sample s, neuron j (a_L is y_hat, a_0 is x)."""
        if base == "a" and l == 0:
            return Sym(self.input, index=self.idx(s, j))
        if base == "a" and l == self.L:
            return Sym("y_hat", index=self.idx(s, j))
        return Sym(base, str(l), self.idx(s, j))

    def param(self, name, index=()) -> Sym:
        kind, l = name[0], name[1:]
        if self.scalar:
            return Sym("w" if kind == "W" else "b", l)
        return Sym(kind, l, ",".join(str(i) for i in index))


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
    runs = []   # [first, last, n_out, activation]
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
            phrases += [f"layer {l}: {neurons}" for l in range(first, last + 1)]
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


def _scaling(trace, ex) -> Section:
    """x_scaled = (x − mean) / std, feature by feature, with the numbers."""
    sc, n_features = trace.scaling, trace.X.shape[1]
    blocks = [Para("The model file stores a standardisation: the mean and the standard "
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
    rows = [((str(s),) if batch else ()) + (str(i), num(trace.X_raw[s, i]), num(sc.mean[i]),
                                             num(sc.std[i]), num(trace.X[s, i]))
            for s in range(trace.n_samples) for i in range(n_features)]
    blocks.append(Table((("sample",) if batch else ()) + ("feature i", "x[i]", "mean[i]",
                                                          "std[i]", "x_scaled[i]"),
                        tuple(rows[:MAX_ROWS])))
    if len(rows) > MAX_ROWS:
        blocks.append(Note(f"The first {MAX_ROWS} of {len(rows)} rows; --format json has "
                           "every number (x, x_scaled, scaling).", level="info"))
    return Section("Scaling the input", tuple(blocks))


def _forward(trace, ex) -> Section:
    blocks = []
    for lt in trace.layers:
        l = lt.index
        lines = []
        for s in range(trace.n_samples):
            for j in range(lt.W.shape[1]):
                lines += _z_lines(trace, ex, lt, s, j)
            if lt.activation == "softmax":
                for j in range(lt.W.shape[1]):
                    lines.append((ex.node("a", l, s, j), EQ, Fn("exp"), LP,
                                  ex.node("z", l, s, j), RP, Op("/"), Sum("k"), Fn("exp"), LP,
                                  ex.node("z", l, s, "k"), RP, EQ, Num(lt.a[s, j])))
            else:
                for j in range(lt.W.shape[1]):
                    lines.append((ex.node("a", l, s, j), EQ, Fn(lt.activation), LP,
                                  ex.node("z", l, s, j), RP, EQ, Fn(lt.activation), LP,
                                  Num(lt.z[s, j]), RP, EQ, Num(lt.a[s, j])))
        blocks += [Para(f"Layer {l} ({lt.activation})"), Eqs(tuple(lines))]
    return Section("Forward pass", tuple(blocks))


def _z_lines(trace, ex, lt, s, j) -> list:
    l, n_in = lt.index, lt.W.shape[0]
    sym = [ex.param(f"W{l}", (0, j)), TIMES, ex.node("a", l - 1, s, 0)] if ex.scalar else None
    if sym is None:
        sym = [Sum("i"), ex.node("a", l - 1, s, "i"), TIMES, Sym("W", str(l), f"i,{j}")] \
            if n_in > 3 else _join([[ex.node("a", l - 1, s, i), TIMES,
                                     ex.param(f"W{l}", (i, j))] for i in range(n_in)], PLUS)
    head = [ex.node("z", l, s, j), EQ, *sym, PLUS, ex.param(f"b{l}", (j,))]
    pairs = [[Num(lt.a_prev[s, i], paren=True), TIMES, Num(lt.W[i, j], paren=True)]
             for i in range(n_in)]
    values = _join([p[::-1] for p in pairs] if ex.scalar else pairs, PLUS)  # w1·x, a·W
    return [tuple(head), (EQ, *values, PLUS, Num(lt.b[j], paren=True), EQ, Num(lt.z[s, j]))]


def _join(groups, sep) -> list:
    out = []
    for g in groups:
        out += ([sep] if out else []) + list(g)
    return out


def _loss(trace, ex) -> Section:
    lines = []
    for s in range(trace.n_samples):
        lhs = Sym("l", index=str(s)) if ex.batch else Sym("L")
        k = trace.y_hat.shape[1]
        y = [(ex.node("a", ex.L, s, j), Num(trace.y_hat[s, j]), Num(trace.T[s, j], paren=True),
              Sym("t", index=ex.idx(s, j))) for j in range(k)]
        if trace.loss_name in ("ssr", "mse"):
            sym = _join([[LP, ys, MINUS, ts, RP, Op("²")] for ys, _, _, ts in y], PLUS)
            val = _join([[LP, yv, MINUS, tv, RP, Op("²")] for _, yv, tv, _ in y], PLUS)
            pre, post = ([Op("½"), Op("[")], [Op("]")]) if trace.loss_name == "ssr" else \
                ([Op("[")], [Op("]"), Op("/"), Num(k)])
            if k == 1:
                pre, post = pre[:-1], post[1:]
        elif trace.loss_name == "bce":
            sym = _join([[ts, Fn("log"), ys, PLUS, LP, Num(1), MINUS, ts, RP, Fn("log"), LP,
                          Num(1), MINUS, ys, RP] for ys, _, _, ts in y], PLUS)
            val = _join([[tv, TIMES, Fn("log"), yv, PLUS, LP, Num(1), MINUS, tv, RP, TIMES,
                          Fn("log"), LP, Num(1), MINUS, yv, RP] for _, yv, tv, _ in y], PLUS)
            pre, post = [MINUS, Op("[")], [Op("]")]
        else:
            sym = _join([[ts, Fn("log"), ys] for ys, _, _, ts in y], PLUS)
            val = _join([[tv, TIMES, Fn("log"), yv] for _, yv, tv, _ in y], PLUS)
            pre, post = [MINUS, Op("[")], [Op("]")]
        lines += [(lhs, EQ, *pre, *sym, *post),
                  (EQ, *pre, *val, *post, EQ, Num(trace.per_sample_loss[s]))]
    if ex.batch:
        terms = _join([[Sym("l", index=str(s))] for s in range(trace.n_samples)], PLUS)
        vals = _join([[Num(v)] for v in trace.per_sample_loss], PLUS)
        lines += [(Sym("L"), EQ, LP, *terms, RP, Op("/"), Num(trace.n_samples)),
                  (EQ, LP, *vals, RP, Op("/"), Num(trace.n_samples), EQ, Num(trace.loss))]
    return Section(f"Loss ({trace.loss_name})", (Eqs(tuple(lines)),))


def _backward(trace, ex) -> Section:
    if trace.chains:
        return _chain_table(trace, ex)
    blocks = [Note(trace.chains_omitted, level="info")] if trace.chains_omitted else []
    blocks.append(Para("delta = dL/dz, layer by layer from the output back. Slopes: " +
                       "; ".join(SLOPES[a] for a in dict.fromkeys(lt.activation
                                                                  for lt in trace.layers)) + "."))
    blocks += _output_delta(trace, ex)
    for lt in reversed(trace.layers[:-1]):
        l = lt.index
        blocks += [Para(f"Layer {l}: delta{l} = delta{l + 1} · w{l + 1} · g'(z{l})" if ex.scalar
                        else f"Layer {l}: delta{l}[j] = (Σ_k delta{l + 1}[k] · W{l + 1}[j,k]) · "
                        f"g'(z{l}[j])"),
                   Eqs(tuple(_recursion_lines(ex, lt, trace.layers[lt.index])))]
    blocks.append(Para("Gradients: dL/dW[i,j] = Σ_s a_prev[s,i] · delta[s,j] and "
                       "dL/db[j] = Σ_s delta[s,j]."))
    for lt in reversed(trace.layers):
        blocks.append(Eqs(tuple(_gradient_lines(trace, ex, lt))))
    return Section("Backward pass: the chain rule", tuple(blocks))


def _dL_dy_hat(trace, ex, s, j) -> tuple:
    y, t = ex.node("a", ex.L, s, j), Sym("t", index=ex.idx(s, j))
    yv, tv, n = Num(trace.y_hat[s, j]), Num(trace.T[s, j], paren=True), trace.n_samples
    k = trace.y_hat.shape[1]
    per_n = [Op("/"), Num(n)] if n > 1 else []
    sym, val = {
        "ssr": ([LP, y, MINUS, t, RP], [LP, yv, MINUS, tv, RP]),
        "mse": ([Num(2), LP, y, MINUS, t, RP, Op("/"), Num(k)],
                [Num(2), LP, yv, MINUS, tv, RP, Op("/"), Num(k)]),
        "bce": ([LP, y, MINUS, t, RP, Op("/"), LP, y, LP, Num(1), MINUS, y, RP, RP],
                [LP, yv, MINUS, tv, RP, Op("/"), LP, yv, LP, Num(1), MINUS, yv, RP, RP]),
        "cross_entropy": ([MINUS, t, Op("/"), y], [MINUS, tv, Op("/"), yv]),
    }[trace.loss_name]
    return (Deriv(Sym("L"), y), EQ, *sym, *per_n, EQ, *val, *per_n, EQ,
            Num(trace.dL_dy_hat[s, j]))


def _output_delta(trace, ex) -> list:
    lt, od = trace.layers[-1], trace.output_delta
    L, blocks, rows = lt.index, [], []
    grad_lines = [_dL_dy_hat(trace, ex, s, j) for s in range(trace.n_samples)
                  for j in range(lt.W.shape[1])]
    blocks += [Para(f"Output layer {L}: how the loss changes with each output"),
               Eqs(tuple(grad_lines))]
    for s in range(trace.n_samples):
        for i in range(lt.W.shape[1]):
            d = ex.node("delta", L, s, i)
            if od.terms is None:
                full = (d, EQ, Deriv(Sym("L"), ex.node("a", L, s, i)), TIMES, Fn("g'"), LP,
                        ex.node("z", L, s, i), RP, EQ, Num(trace.dL_dy_hat[s, i], paren=True),
                        TIMES, Num(lt.g_prime[s, i], paren=True), EQ, Num(od.full[s, i]))
            else:
                k = lt.W.shape[1]
                full = (d, EQ, Sum("j"), Deriv(Sym("L"), ex.node("a", L, s, "j")), TIMES,
                        Deriv(ex.node("a", L, s, "j"), ex.node("z", L, s, i)), EQ,
                        *_join([[Num(trace.dL_dy_hat[s, j], paren=True), TIMES,
                                 Num(lt.jacobian[s, i, j], paren=True)] for j in range(k)], PLUS),
                        EQ, *_join([[Num(od.terms[s, i, j], paren=True)] for j in range(k)],
                                   PLUS), EQ, Num(od.full[s, i]))
            if od.shortcut is None:
                rows.append(full)
            else:
                short = (d, EQ, LP, ex.node("a", L, s, i), MINUS, Sym("t", index=ex.idx(s, i)),
                         RP, Op("/"), Sym("n"), EQ, LP, Num(trace.y_hat[s, i]), MINUS,
                         Num(trace.T[s, i], paren=True), RP, Op("/"), Num(trace.n_samples), EQ,
                         Num(od.shortcut[s, i]))
                rows.append((full, short))
    if od.shortcut is None:
        blocks += [Para(f"delta{L} = dL/dy_hat · dy_hat/dz{L}"), Eqs(tuple(rows))]
    else:
        blocks += [Para(f"delta{L}: the full chain-rule product beside the shortcut "
                        f"({od.rule}); the engine uses the shortcut, and both give the "
                        "same numbers."),
                   Table(("full product", "shortcut"), tuple(rows))]
    return blocks


def _recursion_lines(ex, lt, nxt) -> list:
    l, lines = lt.index, []
    for s in range(lt.z.shape[0]):
        for j in range(lt.W.shape[1]):
            k_range = range(nxt.W.shape[1])
            g = Num(lt.g_prime[s, j], paren=True)
            # with one term its sum is dL_da itself: written once
            terms = [] if len(k_range) == 1 else [
                LP, *_join([[Num(lt.terms[s, j, k], paren=True)] for k in k_range], PLUS), RP,
                TIMES, g, EQ]
            lines += [
                (ex.node("delta", l, s, j), EQ, LP,
                 *_join([[ex.node("delta", l + 1, s, k), TIMES, ex.param(f"W{l + 1}", (j, k))]
                         for k in k_range], PLUS), RP, TIMES, Fn("g'"), LP,
                 ex.node("z", l, s, j), RP),
                (EQ, LP, *_join([[Num(nxt.delta[s, k], paren=True), TIMES,
                                  Num(nxt.W[j, k], paren=True)] for k in k_range], PLUS), RP,
                 TIMES, g),
                (EQ, *terms, Num(lt.dL_da[s, j], paren=True), TIMES, g, EQ,
                 Num(lt.delta[s, j]))]
    return lines


def _gradient_lines(trace, ex, lt) -> list:
    l, lines, n = lt.index, [], trace.n_samples
    for i in range(lt.W.shape[0]):
        for j in range(lt.W.shape[1]):
            terms = [[ex.node("a", l - 1, s, i), TIMES, ex.node("delta", l, s, j)]
                     for s in range(n)]
            vals = [[Num(lt.a_prev[s, i], paren=True), TIMES, Num(lt.delta[s, j], paren=True)]
                    for s in range(n)]
            lines.append((Deriv(Sym("L"), ex.param(f"W{l}", (i, j))), EQ, *_join(terms, PLUS),
                          EQ, *_join(vals, PLUS), EQ, Num(lt.dL_dW[i, j])))
    for j in range(lt.W.shape[1]):
        terms = _join([[ex.node("delta", l, s, j)] for s in range(n)], PLUS)
        vals = _join([[Num(lt.delta[s, j], paren=True)] for s in range(n)], PLUS)
        middle = [EQ, *vals] if n > 1 else []
        lines.append((Deriv(Sym("L"), ex.param(f"b{l}", (j,))), EQ, *terms, *middle, EQ,
                      Num(lt.dL_db[j])))
    return lines


def _factor(name: str) -> tuple:
    top, bottom = name[1:].split("/d")
    return (Deriv(sym_from_name(top), sym_from_name(bottom)),)


def _chain_table(trace, ex) -> Section:
    factors = {}
    for lt in reversed(trace.layers):
        for kind in "Wb":
            for f in trace.chains[f"{kind}{lt.index}"].factors:
                factors.setdefault(f.name, f)
    table = Table(("factor", "value", "meaning"),
                  tuple((_factor(f.name), num(f.value), f.meaning) for f in factors.values()),
                  title="Chain-rule factors")
    lines = []
    for lt in reversed(trace.layers):
        for kind in "Wb":
            chain = trace.chains[f"{kind}{lt.index}"]
            sym = ex.param(chain.parameter)
            lines.append((Deriv(Sym("L"), sym), EQ,
                          *_join([_factor(f.name) for f in chain.factors], TIMES)))
            lines.append((EQ, *_join([[Num(f.value, paren=True)] for f in chain.factors],
                                     TIMES), EQ, Num(chain.gradient)))
    blocks = [Para("Each gradient is a product of local slopes along the path from the "
                   "loss back to the parameter."), table,
              Para("Gradients: products of the factors"), Eqs(tuple(lines))]
    if trace.output_delta.shortcut is not None:
        blocks += _output_delta(trace, ex)[2:]
    return Section("Backward pass: the chain rule", tuple(blocks))


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
    blocks = [Table(("parameter", "backprop", "finite differences", "rel. difference"),
                    tuple(rows))] if rows else []
    blocks.append(Para(f"Largest relative difference: {c.max_rel_diff:.1e} at {c.worst} "
                       f"(central differences, h = {c.eps:g})."))
    return Section("Gradient check", tuple(blocks))
