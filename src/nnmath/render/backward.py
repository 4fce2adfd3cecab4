"""The backward pass of an explanation: the chain rule written out with the trace's numbers.

The article's table of named factors for one-neuron-per-layer networks; for wider ones
the output layer's delta (full product and shortcut side by side where a shortcut
applies), the delta recursion term by term, and the gradients. ``ex`` names the trace's
entries (:class:`nnmath.render.explanation`'s symbols). Every value is read from the
trace; nothing here differentiates.
"""

from __future__ import annotations

from ..chains import Factor
from .document import Block, Eqs, Note, Para, Section, Table
from .mathexpr import (
    EQ,
    LP,
    MINUS,
    PLUS,
    RP,
    TIMES,
    Deriv,
    Fn,
    Num,
    Op,
    Sum,
    Sym,
    join,
    num,
    sym_from_name,
)

__all__ = ["backward_section", "SLOPES"]

SLOPES = {
    "sigmoid": "sigmoid'(z) = a·(1 − a)",
    "tanh": "tanh'(z) = 1 − a²",
    "relu": "relu'(z) = 1 if z > 0, else 0",
    "identity": "identity'(z) = 1",
    "softmax": "dy_hat_j/dz_i = y_hat_j·([i = j] − y_hat_i)",
}


def backward_section(trace, ex) -> Section:
    if trace.chains:
        return _chain_table(trace, ex)
    blocks: list[Block] = ([Note(trace.chains_omitted, level="info")] if trace.chains_omitted
                           else [])
    blocks.append(Para("delta = dL/dz, layer by layer from the output back. Slopes: " +
                       "; ".join(SLOPES[a] for a in dict.fromkeys(lt.activation
                                                                  for lt in trace.layers)) + "."))
    blocks += _output_delta(trace, ex)
    for lt in reversed(trace.layers[:-1]):
        ell = lt.index
        blocks += [Para(f"Layer {ell}: delta{ell} = delta{ell + 1} · w{ell + 1} · g'(z{ell})" if ex.scalar
                        else f"Layer {ell}: delta{ell}[j] = (Σ_k delta{ell + 1}[k] · W{ell + 1}[j,k]) · "
                        f"g'(z{ell}[j])"),
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
    if trace.sample_weight is not None:   # the class weight of the sample: one more factor
        sym = [Sym("w", index=str(s) if n > 1 else ""), TIMES, LP, *sym, RP]
        val = [Num(trace.sample_weight[s]), TIMES, LP, *val, RP]
    return (Deriv(Sym("L"), y), EQ, *sym, *per_n, EQ, *val, *per_n, EQ,
            Num(trace.dL_dy_hat[s, j]))


def _output_delta(trace, ex) -> list[Block]:
    lt, od = trace.layers[-1], trace.output_delta
    L = lt.index
    blocks: list[Block] = []
    rows: list[tuple] = []   # equation lines, or (full product, shortcut) pairs
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
                        *join([[Num(trace.dL_dy_hat[s, j], paren=True), TIMES,
                                 Num(lt.jacobian[s, i, j], paren=True)] for j in range(k)], PLUS),
                        EQ, *join([[Num(od.terms[s, i, j], paren=True)] for j in range(k)],
                                   PLUS), EQ, Num(od.full[s, i]))
            if od.shortcut is None:
                rows.append(full)
            else:
                w_sym, w_val = ([], []) if trace.sample_weight is None else (
                    [Sym("w", index=str(s) if ex.batch else ""), TIMES],
                    [Num(trace.sample_weight[s]), TIMES])
                short = (d, EQ, *w_sym, LP, ex.node("a", L, s, i), MINUS,
                         Sym("t", index=ex.idx(s, i)), RP, Op("/"), Sym("n"), EQ, *w_val, LP,
                         Num(trace.y_hat[s, i]), MINUS, Num(trace.T[s, i], paren=True), RP,
                         Op("/"), Num(trace.n_samples), EQ, Num(od.shortcut[s, i]))
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
    ell, lines = lt.index, []
    for s in range(lt.z.shape[0]):
        for j in range(lt.W.shape[1]):
            k_range = range(nxt.W.shape[1])
            g = Num(lt.g_prime[s, j], paren=True)
            # with one term its sum is dL_da itself: written once
            terms = [] if len(k_range) == 1 else [
                LP, *join([[Num(lt.terms[s, j, k], paren=True)] for k in k_range], PLUS), RP,
                TIMES, g, EQ]
            lines += [
                (ex.node("delta", ell, s, j), EQ, LP,
                 *join([[ex.node("delta", ell + 1, s, k), TIMES, ex.param(f"W{ell + 1}", (j, k))]
                         for k in k_range], PLUS), RP, TIMES, Fn("g'"), LP,
                 ex.node("z", ell, s, j), RP),
                (EQ, LP, *join([[Num(nxt.delta[s, k], paren=True), TIMES,
                                  Num(nxt.W[j, k], paren=True)] for k in k_range], PLUS), RP,
                 TIMES, g),
                (EQ, *terms, Num(lt.dL_da[s, j], paren=True), TIMES, g, EQ,
                 Num(lt.delta[s, j]))]
    return lines


def _gradient_lines(trace, ex, lt) -> list:
    ell, lines, n = lt.index, [], trace.n_samples
    for i in range(lt.W.shape[0]):
        for j in range(lt.W.shape[1]):
            terms = [[ex.node("a", ell - 1, s, i), TIMES, ex.node("delta", ell, s, j)]
                     for s in range(n)]
            vals = [[Num(lt.a_prev[s, i], paren=True), TIMES, Num(lt.delta[s, j], paren=True)]
                    for s in range(n)]
            lines.append((Deriv(Sym("L"), ex.param(f"W{ell}", (i, j))), EQ, *join(terms, PLUS),
                          EQ, *join(vals, PLUS), EQ, Num(lt.dL_dW[i, j])))
    for j in range(lt.W.shape[1]):
        terms = join([[ex.node("delta", ell, s, j)] for s in range(n)], PLUS)
        vals = join([[Num(lt.delta[s, j], paren=True)] for s in range(n)], PLUS)
        middle = [EQ, *vals] if n > 1 else []
        lines.append((Deriv(Sym("L"), ex.param(f"b{ell}", (j,))), EQ, *terms, *middle, EQ,
                      Num(lt.dL_db[j])))
    return lines


def _factor(name: str) -> tuple:
    top, bottom = name[1:].split("/d")
    return (Deriv(sym_from_name(top), sym_from_name(bottom)),)


def _chain_table(trace, ex) -> Section:
    factors: dict[str, Factor] = {}
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
                          *join([_factor(f.name) for f in chain.factors], TIMES)))
            lines.append((EQ, *join([[Num(f.value, paren=True)] for f in chain.factors],
                                     TIMES), EQ, Num(chain.gradient)))
    blocks = [Para("Each gradient is a product of local slopes along the path from the "
                   "loss back to the parameter."), table,
              Para("Gradients: products of the factors"), Eqs(tuple(lines))]
    if trace.output_delta.shortcut is not None:
        blocks += _output_delta(trace, ex)[2:]
    return Section("Backward pass: the chain rule", tuple(blocks))
