"""The worked example's tables (one step of a Trace) for the report.

Minimal: forward pass, loss, chain-rule factors, the gradients as products,
the updates, the forward pass after. Read from the Trace; nothing computed.
"""

from __future__ import annotations

from ..plots._common import num
from .document import Para, Table
from .figures import array_text

__all__ = ["step_blocks"]


def step_blocks(trace) -> tuple:
    L = len(trace.layers)
    scalar = bool(trace.chains)
    fwd = []
    for lt in trace.layers:
        l, src = lt.index, ("x" if lt.index == 1 else f"a{lt.index - 1}")
        out = "y_hat" if l == L else f"a{l}"
        eq = (f"z{l} = w{l}·{src} + b{l} = {num(lt.W[0, 0])}·{num(lt.a_prev[0, 0])} + "
              f"{num(lt.b[0])}" if scalar else f"z{l} = {src} @ W{l} + b{l}")
        fwd += [(eq, array_text(lt.z)), (f"{out} = {lt.activation}(z{l})", array_text(lt.a))]
    blocks = [Table(("equation", "value"), tuple(fwd), "Forward pass"),
              Table(("loss", "target t", "value"),
                    ((f"{trace.loss_name}: L = ½ (y_hat − t)²" if trace.loss_name == "ssr"
                      else trace.loss_name, array_text(trace.T), num(trace.loss)),), "Loss")]
    if scalar:
        factors = {}
        for chain in trace.chains.values():
            for f in chain.factors:
                factors.setdefault(f.name, f)
        blocks.append(Table(("factor", "value", "meaning"),
                            tuple((f.name, num(f.value), f.meaning) for f in factors.values()),
                            "The chain rule: each factor"))
        order = [f"{kind}{l}" for l in range(L, 0, -1) for kind in "Wb"]
        blocks.append(Table(("gradient", "product of factors", "value"), tuple(
            (f"dL/d{trace.chains[n].symbol}",
             " · ".join(f.name for f in trace.chains[n].factors) + " = "
             + " · ".join(num(f.value) for f in trace.chains[n].factors),
             num(trace.chains[n].gradient)) for n in order), "The four gradients"))
    else:
        blocks.append(Table(("parameter", "gradient"), tuple(
            (f"dL/d{n}", array_text(g)) for n, g in trace.gradients.items()), "Gradients"))
    eta = num(trace.learning_rate)
    blocks.append(Table(("parameter", "update", "new value"), tuple(
        (n, f"{n} − η·dL/d{n} = {array_text(trace.params[n])} − {eta}·({array_text(g)})",
         array_text(trace.updated[n])) for n, g in trace.gradients.items()),
        f"Updates (η = {eta})"))
    blocks.append(Para(f"Forward pass after the update: y_hat = {array_text(trace.y_hat_after)}, "
                       f"loss = {num(trace.loss_after)}."))
    return tuple(blocks)
