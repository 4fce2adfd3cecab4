r"""One parameter's gradient, derived: the chain rule for ``dL/dW1[i,j]`` (or a bias) with
the trace's numbers, in the one document model (for the page's "click a weight" panel).

For the article's scalar networks the factors are :attr:`Trace.chains`' (``dL/dy_hat``,
``dy_hat/dz2``, ...); for any other network, one sample, the recursion's terms::

    dL/dW_l[i,j] = a_{l-1}[i] * delta_l[j]        dL/db_l[j] = delta_l[j]
    delta_l[j] = dL/da_l[j] * g'(z_l[j])
    dL/da_l[j] = sum_k delta_{l+1}[k] * W_{l+1}[j,k]     (a hidden layer)

Every value is read from the trace; nothing here differentiates. ``hide`` replaces one
value (a factor's name, or ``"gradient"``) by "?" for a question.

>>> from nnmath import explain
>>> from nnmath.article import network_b
>>> d = derivation(explain(network_b(), [2.0], [0.0]), "W1", (0, 0))
>>> d.symbol, round(d.value, 7), [f.name for f in d.factors]
('w1', -0.0280307, ['dL/dy_hat', 'dy_hat/dz2', 'dz2/da1', 'da1/dz1', 'dz1/dw1'])
>>> "<mn>0.196612</mn>" in derivation_html(d)
True
"""

from __future__ import annotations

from dataclasses import dataclass

from ..chains import Factor
from ..errors import ConfigError, must_be
from .document import Eqs, Para, Section, Table
from .html import document_html
from .mathexpr import EQ, LP, PLUS, RP, TIMES, Deriv, Fn, Num, Sum, Sym, join, num, sym_from_name

__all__ = ["Derivation", "derivation", "derivation_html", "HIDDEN"]

HIDDEN = "?"
"""What stands for the hidden value."""


@dataclass(frozen=True)
class Derivation:
    """``dL/d<param>[index]`` as factors, and the document that derives it.

    ``factors`` are :class:`~nnmath.chains.Factor` (name, value, meaning); ``value`` is
    the engine's gradient; ``sections`` the derivation in the document model.
    """

    param: str
    index: tuple
    symbol: str
    value: float
    factors: tuple
    sections: tuple
    hidden: str | None = None


def derivation(trace, param: str, index=(), hide: str | None = None) -> Derivation:
    """The derivation of one entry of ``trace.gradients[param]``.

    Parameters
    ----------
    trace : Trace
        A step on one sample (:func:`nnmath.explain`).
    param : str
        ``"W1"``, ``"b1"``, ... (the names of ``docs/architecture.md``).
    index : tuple of int
        ``(i, j)`` for a weight (input i, neuron j), ``(j,)`` for a bias.
    hide : str, optional
        ``"gradient"`` or a factor's name: written "?" (a question of the teaching mode).

    Returns
    -------
    Derivation
        The factors (the article's chain for scalar networks, else ``a_prev[i]``,
        ``delta[j]`` and delta's parts), the engine's gradient and the document.

    Raises
    ------
    ConfigError
        For a batch trace, an unknown parameter, an index outside its shape, or a
        value to hide that the derivation does not hold.
    """
    if trace.n_samples != 1:
        raise ConfigError(must_be("the trace", "of one sample for a derivation",
                                  f"{trace.n_samples} samples"))
    if param not in trace.gradients:
        raise ConfigError(must_be("the parameter", f"one of {', '.join(trace.gradients)}",
                                  param))
    grad = trace.gradients[param]
    index = tuple(int(i) for i in index)
    if len(index) != grad.ndim or not all(0 <= i < n for i, n in zip(index, grad.shape)):
        raise ConfigError(must_be(f"the index of {param}", f"{grad.ndim} number(s) within "
                                  f"its shape {list(grad.shape)}", list(index)))
    value = float(grad[index])
    if trace.chains:
        chain = trace.chains[param]
        symbol, factors = chain.symbol, chain.factors
        lines = _chain_lines(symbol, factors, value, hide)
    else:
        symbol = f"{param}[{','.join(map(str, index))}]"
        factors, lines = _recursion(trace, param, index, value, hide)
    names = [f.name for f in factors]
    if hide not in (None, "gradient", *names):
        raise ConfigError(must_be("the value to hide",
                                  f"'gradient' or a factor ({', '.join(names)})", hide))
    table = Table(("factor", "value", "meaning"), tuple(
        (f.name, HIDDEN if f.name == hide else num(f.value), f.meaning) for f in factors),
        title="Chain-rule factors")
    shown = HIDDEN if hide == "gradient" else num(value)
    intro = Para(f"dL/d{symbol} = {shown}: how the loss changes with {symbol}, as a product "
                 "of local slopes along the path from the loss back to it (the chain rule).")
    section = Section(f"The derivation of dL/d{symbol}", (intro, table, Eqs(tuple(lines))))
    return Derivation(param, index, symbol, value, tuple(factors), (section,), hide)


def derivation_html(d: Derivation) -> str:
    """The derivation as HTML with MathML, in the explanation's look (``.nnmath-trace``)."""
    return f'<section class="nnmath-trace">\n{document_html(d.sections)}\n</section>'


def _value(value: float, hidden: bool, paren: bool = True):
    """A number in an equation, or "?" where it is hidden."""
    return Sym(HIDDEN) if hidden else Num(value, paren=paren)


def _factor_symbol(name: str) -> tuple:
    top, bottom = name[1:].split("/d", 1)
    return (Deriv(sym_from_name(top), sym_from_name(bottom)),)


def _chain_lines(symbol: str, factors, value: float, hide) -> list:
    """dL/dw = (symbols) = (values) = gradient."""
    return [(Deriv(Sym("L"), sym_from_name(symbol)), EQ,
             *join([_factor_symbol(f.name) for f in factors], TIMES)),
            (EQ, *join([[_value(f.value, f.name == hide)] for f in factors], TIMES), EQ,
             _value(value, hide == "gradient", paren=False))]


def _recursion(trace, param: str, index: tuple, value: float, hide):
    """The factors and equations of a parameter of a wider network: a_prev · delta, and
    delta's own parts."""
    ell, kind = int(param[1:]), param[0]
    lt, L = trace.layers[ell - 1], len(trace.layers)
    j = index[-1]
    delta = Sym("delta", str(ell), str(j))
    factors, lines = [], []
    if kind == "W":
        i = index[0]
        src = Sym("x", index=str(i)) if ell == 1 else Sym("a", str(ell - 1), str(i))
        factors.append(Factor(_name(src), float(lt.a_prev[0, i]),
                              "the value the weight multiplies: input " + str(i) +
                              f" of layer {ell}" + (" (the network's input)" if ell == 1 else "")))
        target = Sym("W", str(ell), f"{i},{j}")
        head = [src, TIMES, delta]
    else:
        target, head = Sym("b", str(ell), str(j)), [delta]
    factors.append(Factor(_name(delta), float(lt.delta[0, j]),
                          f"dL/dz{ell}[{j}]: how the loss changes with neuron {j}'s weighted sum"))
    values = [EQ, *join([[_value(f.value, f.name == hide)] for f in factors], TIMES)] \
        if kind == "W" else []
    lines.append((Deriv(Sym("L"), target), EQ, *head, *values, EQ,
                  _value(value, hide == "gradient", paren=False)))
    parts, part_lines = _delta_parts(trace, lt, ell, L, j, delta, hide)
    return factors + parts, lines + part_lines


def _name(sym: Sym) -> str:
    base = "y_hat" if sym.base == "y_hat" else f"{sym.base}{sym.sub}"
    return f"{base}[{sym.index}]" if sym.index else base


def _delta_parts(trace, lt, ell: int, L: int, j: int, delta: Sym, hide):
    """delta_l[j] = dL/da_l[j] · g'(z_l[j]), and for a hidden layer dL/da_l[j] as the sum
    over the next layer (its terms from the trace). Softmax: delta only."""
    if lt.g_prime is None:   # softmax: delta sums over the Jacobian (the explanation shows it)
        return [], []
    out = Sym("y_hat", index=str(j)) if ell == L else Sym("a", str(ell), str(j))
    dL_da = float(trace.dL_dy_hat[0, j] if ell == L else lt.dL_da[0, j])
    slope = Factor(f"g'(z{ell}[{j}])", float(lt.g_prime[0, j]),
                   f"slope of the {lt.activation} activation at z{ell}[{j}]")
    upstream = Factor(f"dL/d{_name(out)}", dL_da,
                      "how the loss changes with the output" if ell == L else
                      f"how the loss changes with neuron {j}'s output: the sum over layer "
                      f"{ell + 1} of delta{ell + 1}[k] · W{ell + 1}[{j},k]")
    lines = [(delta, EQ, Deriv(Sym("L"), out), TIMES, Fn("g'"), LP, Sym("z", str(ell), str(j)),
              RP, EQ, _value(upstream.value, upstream.name == hide), TIMES,
              _value(slope.value, slope.name == hide), EQ,
              _value(lt.delta[0, j], _name(delta) == hide, paren=False))]
    if ell < L:
        nxt = trace.layers[ell]
        k_range = range(nxt.W.shape[1])
        lines.append((Deriv(Sym("L"), out), EQ, Sum("k"), Sym("delta", str(ell + 1), "k"), TIMES,
                      Sym("W", str(ell + 1), f"{j},k"), EQ,
                      *join([[Num(lt.terms[0, j, k], paren=True)] for k in k_range], PLUS),
                      EQ, _value(dL_da, upstream.name == hide, paren=False)))
    return [upstream, slope], lines
