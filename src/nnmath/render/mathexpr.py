r"""Tiny math expressions written once and shown three ways: plain text, LaTeX, MathML.

An equation is a tuple of tokens. The explanation builds it from the trace's
numbers; each renderer turns it into its notation. Nothing here computes.

>>> eq = (Sym("z", "1"), Op("="), Sym("w", "1"), Op("·"), Sym("x"), Op("+"), Sym("b", "1"),
...       Op("="), Num(0.5), Op("·"), Num(2.0), Op("+"), Num(0.0), Op("="), Num(1.0))
>>> to_text(eq)
'z1 = w1·x + b1 = 0.5·2 + 0 = 1'
>>> to_latex((Deriv(Sym("L"), Sym("w", "1")), Op("="), Num(-0.0280307, paren=True)))
'\\frac{\\partial L}{\\partial w_{1}} = (-0.0280307)'
>>> to_mathml((Sym("y_hat"),))
'<math><mover><mi>y</mi><mo>^</mo></mover></math>'
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

__all__ = ["Sym", "Deriv", "Num", "Op", "Fn", "Sum", "num", "to_text", "to_latex",
           "to_mathml", "sym_from_name", "join", "EQ", "PLUS", "MINUS", "TIMES", "LP", "RP"]


def num(value, digits: int = 6) -> str:
    """A number with ``digits`` significant digits, no ``-0``.

    >>> num(0.32496247), num(-0.0280307158), num(2.0), num(-0.0), num(float("inf"))
    ('0.324962', '-0.0280307', '2', '0', 'inf')
    """
    value = float(value)
    text = f"{value:.{digits}g}"
    return "0" if text in ("-0", "0") else text


@dataclass(frozen=True)
class Sym:
    """A named quantity: ``base`` (z, a, W, b, w, x, x_scaled, mean, std, t, L, delta,
    y_hat, eta, l),
    ``sub`` (layer, e.g. "1") and ``index`` (entry, e.g. "0,1")."""

    base: str
    sub: str = ""
    index: str = ""


@dataclass(frozen=True)
class Deriv:
    """The partial derivative ``∂num/∂den``."""

    num: Sym
    den: Sym


@dataclass(frozen=True)
class Num:
    """A number; ``paren`` puts a negative number in parentheses (inside a product)."""

    value: float
    paren: bool = False


@dataclass(frozen=True)
class Op:
    """An operator or bracket: = + − · ( ) [ ] ← ² /."""

    text: str


@dataclass(frozen=True)
class Fn:
    """A function name: sigmoid, tanh, relu, identity, softmax, log, exp, and slopes ``g'``."""

    name: str


@dataclass(frozen=True)
class Sum:
    """The summation sign over ``var`` (k, j, s)."""

    var: str


_TEXT_BASE = {"delta": "δ", "eta": "η"}
_LATEX_BASE = {"delta": r"\delta", "eta": r"\eta", "y_hat": r"\hat{y}", "l": r"\ell",
               "x_scaled": r"x_{\mathrm{scaled}}", "mean": r"\mathrm{mean}",
               "std": r"\mathrm{std}", "t_scaled": r"t_{\mathrm{scaled}}",
               "mean_t": r"\mathrm{mean}_t", "std_t": r"\mathrm{std}_t"}
_MML_BASE = {"delta": "δ", "eta": "η", "l": "ℓ"}
_SPACED = {"=", "+", "−", "←", "≈"}
_LATEX_OP = {"·": r"\cdot", "½": r"\tfrac{1}{2}", "−": "-", "←": r"\leftarrow", "²": "^{2}", "≈": r"\approx",
             "[": "[", "]": "]"}


def _num_text(tok: Num) -> str:
    text = num(tok.value)
    return f"({text})" if tok.paren and text.startswith("-") else text


def _bracketed(eq, pos) -> bool:
    """True when token ``pos`` stands alone between "(" and ")": a negative number
    there needs no parentheses of its own (``(-0.13)``, not ``((-0.13))``)."""
    return 0 < pos < len(eq) - 1 and eq[pos - 1] == Op("(") and eq[pos + 1] == Op(")")


def _unbracketed(eq) -> tuple:
    """``eq`` with the own parentheses of bracketed numbers dropped.

    >>> to_text((Op("("), Num(-0.131882, paren=True), Op(")"), Op("·"), Num(2.0)))
    '(-0.131882)·2'
    """
    return tuple(Num(tok.value) if isinstance(tok, Num) and tok.paren and _bracketed(eq, pos)
                 else tok for pos, tok in enumerate(eq))


def to_text(eq) -> str:
    """Plain text (unicode), as the terminal shows it."""
    return _written(eq, _TEXT)


def to_latex(eq) -> str:
    """LaTeX math (without the surrounding ``$``)."""
    return _written(eq, _LATEX)


def _written(eq, notation: dict) -> str:
    """``eq`` in a notation: ``notation[type(token)](token, following)`` for each token
    (``following``: the next token, or None), joined, double spaces folded."""
    eq = _unbracketed(eq)
    out = []
    for token, following in zip(eq, (*eq[1:], None)):
        if type(token) not in notation:
            raise TypeError(f"not a math token: {token!r}")
        out.append(notation[type(token)](token, following))
    return "".join(out).strip().replace("  ", " ")


def _sym_text(s: Sym) -> str:
    index = f"[{s.index}]" if s.index else ""
    return f"{_TEXT_BASE.get(s.base, s.base)}{s.sub}{index}"


def _fn_text(fn: Fn, following) -> str:
    """A function name, then a space unless its argument's "(" follows."""
    return fn.name if following == Op("(") else fn.name + " "


_TEXT = {
    Sym: lambda s, _: _sym_text(s),
    Deriv: lambda d, _: f"d{_sym_text(d.num)}/d{_sym_text(d.den)}",
    Num: lambda n, _: _num_text(n),
    Op: lambda op, _: f" {op.text} " if op.text in _SPACED else op.text,
    Fn: _fn_text,
    Sum: lambda total, _: f"Σ_{total.var} ",
}


def _sym_latex(s: Sym) -> str:
    base = _LATEX_BASE.get(s.base, s.base)
    sub = f"_{{{s.sub}}}" if s.sub else ""
    index = f"[{s.index}]" if s.index else ""
    return f"{base}{sub}{index}"


def _op_latex(op: Op, _following) -> str:
    latex = _LATEX_OP.get(op.text, op.text)
    return f" {latex} " if op.text in _SPACED or latex.startswith("\\") else latex


def _fn_latex(fn: Fn, _following) -> str:
    """``\\operatorname{sigmoid}``; a slope ``g'`` keeps its prime outside."""
    name, prime = (fn.name[:-1], "'") if fn.name.endswith("'") else (fn.name, "")
    return rf"\operatorname{{{name}}}{prime}" if len(name) > 1 else name + prime


_LATEX = {
    Sym: lambda s, _: _sym_latex(s),
    Deriv: lambda d, _: rf"\frac{{\partial {_sym_latex(d.num)}}}{{\partial {_sym_latex(d.den)}}}",
    Num: lambda n, _: _num_text(n),
    Op: _op_latex,
    Fn: _fn_latex,
    Sum: lambda total, _: rf"\sum_{{{total.var}}} ",
}


def to_mathml(eq, display: bool = False) -> str:
    """Presentation MathML (rendered natively by browsers, no script, no network)."""
    inner = "".join(_mml(tok) for tok in _unbracketed(eq))
    attr = ' display="block"' if display else ""
    return f"<math{attr}>{inner}</math>"


def _mml(tok) -> str:
    if isinstance(tok, Sym):
        return _sym_mml(tok)
    if isinstance(tok, Deriv):
        return (f"<mfrac><mrow><mo>∂</mo>{_sym_mml(tok.num)}</mrow>"
                f"<mrow><mo>∂</mo>{_sym_mml(tok.den)}</mrow></mfrac>")
    if isinstance(tok, Num):
        text = num(tok.value)
        if tok.paren and text.startswith("-"):
            return f"<mo>(</mo><mn>{text}</mn><mo>)</mo>"
        return f"<mn>{text}</mn>"
    if isinstance(tok, Op):
        if tok.text == "²":
            return "<msup><mrow></mrow><mn>2</mn></msup>"
        return f"<mo>{escape(tok.text)}</mo>"
    if isinstance(tok, Fn):
        if tok.name.endswith("'"):
            return f"<msup><mi>{escape(tok.name[:-1])}</mi><mo>′</mo></msup>"
        return f"<mi>{escape(tok.name)}</mi>"
    if isinstance(tok, Sum):
        return f"<munder><mo>∑</mo><mi>{escape(tok.var)}</mi></munder>"
    raise TypeError(f"not a math token: {tok!r}")


def _sym_mml(s: Sym) -> str:
    if s.base == "y_hat":
        base = "<mover><mi>y</mi><mo>^</mo></mover>"
    elif s.base == "x_scaled":
        base = "<msub><mi>x</mi><mtext>scaled</mtext></msub>"
    else:
        base = f"<mi>{escape(_MML_BASE.get(s.base, s.base))}</mi>"
    if s.sub:
        base = f"<msub>{base}<mn>{escape(s.sub)}</mn></msub>"
    if s.index:
        base += f"<mo>[</mo><mn>{escape(s.index)}</mn><mo>]</mo>"
    return base


def sym_from_name(name: str) -> Sym:
    """``"z2"`` -> Sym("z", "2"); ``"y_hat"`` -> Sym("y_hat"); ``"L"`` -> Sym("L").

    >>> sym_from_name("dy_hat"[1:]), sym_from_name("w12")
    (Sym(base='y_hat', sub='', index=''), Sym(base='w', sub='12', index=''))
    """
    if name in ("y_hat", "L", "x"):
        return Sym(name)
    head = name.rstrip("0123456789")
    return Sym(head, name[len(head):])


EQ, PLUS, MINUS, TIMES = Op("="), Op("+"), Op("−"), Op("·")
LP, RP = Op("("), Op(")")
"""The operators an equation is written with."""


def join(groups, sep) -> list:
    """The token groups one after the other, ``sep`` between them (``a + b + c``)."""
    out: list = []
    for g in groups:
        out += ([sep] if out else []) + list(g)
    return out
