"""The article's step in every rendered format (text, Markdown, HTML, JSON), and the
explanations of other networks: network A, a 2-3-2 network, a batch, warnings, limits.

The expected numbers are a hand computation with ``math`` (independent of the
engine), printed with 6 significant digits as the renderers print them::

    z1 = 0.5·2 + 0 = 1            a1 = sigmoid(1)        = 0.731059
    z2 = -1·a1 + 0 = -0.731059    y_hat = sigmoid(z2)    = 0.324962
    L = ½ y_hat² = 0.0528003
    factors 0.324962 (dL/dy_hat), 0.219362 (dy_hat/dz2), -1 (dz2/da1),
            0.196612 (da1/dz1), 2 (dz1/dw1), 0.731059 (dz2/dw2)
    gradients w2 0.0521131, b2 0.0712844, w1 -0.0280307, b1 -0.0140154
    updated w1 0.502803, b1 0.00140154, w2 -1.00521, b2 -0.00712844
    after: y_hat 0.322266, L 0.0519276
"""

import json
import math
import re

import numpy as np
import pytest

import nnmath
from nnmath.article import network_a_trained, network_b
from nnmath.render.html import render_html, trace_html_fragment
from nnmath.render.json_view import render_json
from nnmath.render.markdown import render_markdown, trace_markdown
from nnmath.render.text import render_text

S = lambda z: 1.0 / (1.0 + math.exp(-z))  # noqa: E731  (the hand computation)
A1 = S(1.0)
Y = S(-A1)
F = {"dL/dy_hat": Y, "dy_hat/dz2": Y * (1 - Y), "dz2/dw2": A1, "dz2/da1": -1.0,
     "da1/dz1": A1 * (1 - A1), "dz1/dw1": 2.0}
G = {"W2": Y * F["dy_hat/dz2"] * A1, "b2": Y * F["dy_hat/dz2"],
     "W1": Y * F["dy_hat/dz2"] * -1.0 * F["da1/dz1"] * 2.0,
     "b1": Y * F["dy_hat/dz2"] * -1.0 * F["da1/dz1"]}
NEW = {"W1": 0.5 - 0.1 * G["W1"], "b1": -0.1 * G["b1"], "W2": -1.0 - 0.1 * G["W2"],
       "b2": -0.1 * G["b2"]}
Y_AFTER = S(NEW["W2"] * S(NEW["W1"] * 2.0 + NEW["b1"]) + NEW["b2"])
LOSS, LOSS_AFTER = 0.5 * Y**2, 0.5 * Y_AFTER**2
ARTICLE_NUMBERS = [f"{v:.6g}" for v in (A1, Y, LOSS, *F.values(), *G.values(),
                                        *NEW.values(), Y_AFTER, LOSS_AFTER)]


def test_the_hand_computation_is_the_article_s():
    # The article prints 0.3248 (it rounds a1 first), 0.322 and 0.0519 after the update.
    assert ARTICLE_NUMBERS[:3] == ["0.731059", "0.324962", "0.0528003"]
    assert round(Y_AFTER, 3) == 0.322 and round(LOSS_AFTER, 4) == 0.0519


@pytest.fixture(scope="module")
def step():
    return nnmath.explain(network_b(), [2.0], [0.0], loss="ssr", learning_rate=0.1)


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_the_article_s_step_appears_in_every_format(step, fmt):
    rendered = {"text": lambda t: render_text(t), "markdown": render_markdown,
                "html": lambda t: _visible_text(render_html(t)), "json": render_json}[fmt](step)
    if fmt == "json":
        data = json.loads(rendered)
        values = [data["layers"][0]["a"][0], data["output"][0], data["loss"],
                  *[next(f["value"] for c in data["chains"].values() for f in c["factors"]
                         if f["name"] == name) for name in F],
                  *[data["gradients"][k][0][0] if k[0] == "W" else data["gradients"][k][0]
                    for k in G],
                  *[data["updated"][k][0][0] if k[0] == "W" else data["updated"][k][0]
                    for k in NEW], data["output_after"][0], data["loss_after"]]
        expected = [A1, Y, LOSS, *F.values(), *G.values(), *NEW.values(), Y_AFTER, LOSS_AFTER]
        assert values == pytest.approx(expected, abs=1e-15)
        return
    for value in ARTICLE_NUMBERS:
        assert value in rendered, (fmt, value)
    for name in ("dL/dy_hat", "dy_hat/dz2", "dz2/dw2", "dz2/da1", "da1/dz1", "dz1/dw1"):
        top, bottom = name[1:].split("/d")
        if fmt == "text":
            assert name in rendered
        elif fmt == "markdown":
            latex = {"y_hat": r"\hat{y}", "L": "L"}
            sym = lambda s: latex.get(s, f"{s[0]}_{{{s[1:]}}}")  # noqa: E731
            assert rf"\frac{{\partial {sym(top)}}}{{\partial {sym(bottom)}}}" in rendered


def test_text_fits_80_columns_and_has_every_section(step):
    text = render_text(step, width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    for title in ("Forward pass", "Loss (ssr)", "Chain-rule factors", "Update",
                  "Forward pass after the update"):
        assert title in text
    assert "dL/dw1 = dL/dy_hat·dy_hat/dz2·dz2/da1·da1/dz1·dz1/dw1" in text
    assert "w1 ← w1 − η·dL/dw1 = 0.5 − 0.1·(-0.0280307) = 0.502803" in text


def test_markdown_is_latex_math(step):
    md = trace_markdown(step)
    assert md.count("$$") % 2 == 0 and r"\begin{aligned}" in md
    assert r"w_{1} \leftarrow w_{1} - \eta \cdot \frac{\partial L}{\partial w_{1}}" in md
    assert "| factor | value | meaning |" in md


def test_html_is_standalone_mathml(step):
    page = render_html(step)
    assert page.startswith("<!DOCTYPE html>") and "<math" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "<mn>0.502803</mn>" in page
    fragment = trace_html_fragment(step)
    assert fragment.startswith('<section class="nnmath-trace">') and "<html" not in fragment


def test_notebook_reprs(step):
    assert step._repr_html_() == trace_html_fragment(step)
    assert step._repr_markdown_() == trace_markdown(step)
    net = network_b()
    assert "Network 1-1-1" in net._repr_html_() and "<table>" in net._repr_html_()
    assert "| 2 | sigmoid | 1 × 1 |" in net._repr_markdown_()


def test_network_a_softmax_full_product_beside_the_shortcut():
    trace = nnmath.explain(network_a_trained(), [2.0], [1.0, 0.0], loss="cross_entropy")
    od = trace.output_delta
    assert od.shortcut is not None and "softmax + cross_entropy" in od.rule
    # Full product, term by term over the softmax Jacobian, equals the shortcut y_hat - t.
    assert od.terms.sum(axis=-1) == pytest.approx(od.full, abs=1e-15)
    assert od.full == pytest.approx(trace.y_hat - trace.T, abs=1e-15)
    text = render_text(trace, width=80)
    assert "full product" in text and "shortcut" in text
    y0 = trace.y_hat[0, 0]
    assert f"{y0:.6g}" in text and f"{y0 - 1:.6g}" in text   # delta_0 = y_hat_0 - 1


def test_sigmoid_bce_shortcut_side_by_side_for_the_scalar_network():
    trace = nnmath.explain(network_b(), [2.0], [0.0], loss="bce")
    assert trace.chains and trace.output_delta.shortcut is not None
    text = render_text(trace, width=80)
    assert "full product" in text and "(y_hat − t)/n" in text
    # dL/dy_hat = y_hat / (y_hat (1 - y_hat)) = 1 / (1 - y_hat) for t = 0 (hand computation).
    assert trace.dL_dy_hat[0, 0] == pytest.approx(1.0 / (1.0 - Y), rel=1e-14)
    assert trace.output_delta.full[0, 0] == pytest.approx(Y, rel=1e-14)


NET_232 = nnmath.Network([
    nnmath.Dense(W=[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], b=[0.0, 0.1, -0.1],
                 activation="sigmoid"),
    nnmath.Dense(W=[[0.7, -0.8], [0.9, 0.1], [-0.3, 0.2]], b=[0.05, -0.05],
                 activation="sigmoid")])


def test_2_3_2_delta_recursion_written_out_term_by_term():
    trace = nnmath.explain(NET_232, [1.0, 0.5], [1.0, 0.0], loss="ssr")
    hidden, out = trace.layers
    # Hand computation of delta1[0] = (delta2[0]·W2[0,0] + delta2[1]·W2[0,1])·g'(z1[0]).
    a1 = [S(0.3), S(0.15), S(-0.1)]
    y = [S(0.7 * a1[0] + 0.9 * a1[1] - 0.3 * a1[2] + 0.05),
         S(-0.8 * a1[0] + 0.1 * a1[1] + 0.2 * a1[2] - 0.05)]
    d2 = [(y[0] - 1.0) * y[0] * (1 - y[0]), (y[1] - 0.0) * y[1] * (1 - y[1])]
    terms = [d2[0] * 0.7, d2[1] * -0.8]
    d1 = (terms[0] + terms[1]) * a1[0] * (1 - a1[0])
    assert hidden.terms[0, 0] == pytest.approx(terms, abs=1e-15)
    assert hidden.delta[0, 0] == pytest.approx(d1, abs=1e-15)
    text = render_text(trace, width=80)
    assert "δ1[0] = (δ2[0]·W2[0,0] + δ2[1]·W2[0,1])·g'(z1[0])" in text
    assert f"({terms[0]:.6g}) + ({terms[1]:.6g})" in text
    assert f"= {d1:.6g}" in text


def test_batch_states_the_mean_and_sums_over_samples():
    X, T = [[1.0, 0.5], [-1.0, 2.0]], [[1.0, 0.0], [0.0, 1.0]]
    trace = nnmath.explain(NET_232, X, T, loss="ssr")
    one = [nnmath.explain(NET_232, x, t, loss="ssr") for x, t in zip(X, T)]
    assert trace.reduction == "mean"
    assert trace.loss == pytest.approx(np.mean([o.loss for o in one]), abs=1e-15)
    for name in trace.gradients:
        assert trace.gradients[name] == pytest.approx(
            (one[0].gradients[name] + one[1].gradients[name]) / 2, abs=1e-15)
    text = render_text(trace, width=100)
    assert "mean over the 2 samples" in text and "factor 1/2" in text
    assert "L = (l[0] + l[1])/2" in text
    assert "dL/dW1[0,0] = x[0,0]·δ1[0,0] + x[1,0]·δ1[1,0]" in text


def test_warnings_saturation_loss_increase_and_non_finite():
    saturated = nnmath.Network([nnmath.Dense(W=[[20.0]], b=[0.0], activation="sigmoid"),
                                nnmath.Dense(W=[[1.0]], b=[0.0], activation="sigmoid")])
    trace = nnmath.explain(saturated, [1.0], [0.0])
    assert [w.kind for w in trace.warnings] == ["saturated"]
    assert "layer 1" in trace.warnings[0].message
    assert "saturated" in render_text(trace) and "Warning:" in render_markdown(trace)

    line = nnmath.Network([nnmath.Dense(W=[[1.0]], b=[0.0], activation="identity")])
    overshoot = nnmath.explain(line, [1.0], [0.0], learning_rate=3.0)  # w: 1 -> -2 (b -> -3)
    assert "loss_increased" in [w.kind for w in overshoot.warnings]
    assert overshoot.loss_after > overshoot.loss
    assert "too large" in render_text(overshoot)

    huge = nnmath.Network([nnmath.Dense(W=[[1e200]], b=[0.0], activation="identity")])
    blown = nnmath.explain(huge, [1e200], [0.0])
    assert "non_finite" in [w.kind for w in blown.warnings]
    data = json.loads(render_json(blown))            # null, not NaN: still valid JSON
    assert data["loss"] is None
    assert nnmath.explain(network_b(), [2.0], [0.0]).warnings == ()


def test_200_parameters_explain_in_full_beyond_summarised_per_layer():
    full = nnmath.explain(nnmath.Network.random([10, 15, 3], seed=0), np.ones(10), [0, 1, 0])
    assert full.n_params == 213 and full.full_detail
    text = render_text(full, width=100)
    assert "dL/dW1[9,14]" in text and "W1[9,14] ← W1[9,14]" in text
    big = nnmath.explain(nnmath.Network.random([30, 40, 2], seed=0), np.ones(30), [0, 1])
    assert big.n_params == 1322 and not big.full_detail
    text = render_text(big, width=100)
    assert "summarised per layer" in text and "Summary per layer" in text
    assert "W1[" not in text and len(text.splitlines()) < 80
    rows = big.layer_summaries()
    assert rows[0]["norm_dL_dW"] == pytest.approx(np.linalg.norm(big.gradients["W1"]))
