"""The widget's front end (src/nnmath/widget.js and the page's own modules) in Chromium.

Jupyter is stood in for by a small model object with anywidget's interface (``get``,
``on``, ``off``, ``send``): a button press in the page is a message, which the test hands
to the Python widget (:meth:`NetworkWidget._on_message`, as the kernel would), and the
widget's synced traitlets go back into the model, which redraws. So every number on the
screen is the Python engine's, and the page's own drawing code draws it.

The screenshot after one whole step is kept at ``$NNMATH_SHOTS/widget-step.png`` when that
environment variable names a folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from browsers import needs_chromium, pixel_spread

pytest.importorskip("anywidget")

pytestmark = [needs_chromium, pytest.mark.slow]

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>%(css)s</style></head>
<body><div id="root"></div><script type="module">
const esm = %(esm)s;
window.sent = [];
class Model {
  constructor(values) { this.values = values; this.handlers = {}; }
  get(key) { return this.values[key]; }
  on(event, handler) { (this.handlers[event] ||= []).push(handler); }
  off(event, handler) { this.handlers[event] = (this.handlers[event] || []).filter((h) => h !== handler); }
  send(message) { window.sent.push(message); }
  set(key, value) { this.values[key] = value; (this.handlers[`change:${key}`] || []).forEach((h) => h()); }
}
window.model = new Model(%(values)s);
const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
const widget = (await import(url)).default;
await widget.render({ model: window.model, el: document.getElementById("root") });
document.body.dataset.ready = "true";
</script></body></html>"""


SYNCED = ("modules", "module_order", "state", "steps", "view", "stage", "selected",
          "derivation", "message", "error")


def _synced(w) -> dict:
    """The widget's own synced traitlets (ipywidgets' layout and the like left out)."""
    assert set(SYNCED) <= set(w.keys)
    return {name: getattr(w, name) for name in SYNCED}


@pytest.fixture
def shown(browser):
    """A page showing the widget of network B on the PSA data (row 8: PSA 2.0), and a
    function that hands the page's messages to the Python widget and syncs back."""
    import nnmath
    from nnmath.article import network_b

    w = nnmath.widget(network_b(), sample=8)
    page = browser.new_page(viewport={"width": 1100, "height": 1500})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content(PAGE % {"css": w._css, "esm": json.dumps(w._esm),
                             "values": json.dumps(_synced(w))})
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)

    def kernel():
        for message in page.evaluate("window.sent.splice(0)"):
            w._on_message(w, message, [])
        for name, value in _synced(w).items():
            page.evaluate("([k, v]) => window.model.set(k, v)", [name, value])

    yield page, w, kernel
    page.close()
    assert errors == []


def test_the_five_buttons_step_through_the_article_with_the_engine_s_numbers(shown):
    page, w, kernel = shown
    testid = page.get_by_test_id
    assert testid("param-W1-0-0").inner_text() == "w1 = 0.5"
    for action in ("forward", "loss", "backward"):
        testid(f"w-btn-{action}").click()
        kernel()
    assert w.stage == 3
    assert testid("w-loss").inner_text() == "0.0528003"
    assert testid("grad-W1-0-0").inner_text() == "-0.0280307"
    assert testid("grad-b2-0").inner_text() == "0.0712844"
    testid("param-W1-0-0").click()        # click a weight: its derivation
    kernel()
    assert w.selected == {"name": "W1", "index": [0, 0]}
    assert testid("w-deriv").inner_text() == "∂L/∂w1 = -0.0280307 (at this step's weights)"
    assert page.locator("[data-w=sample] option").nth(8).inner_text() == "row 9: [2]"
    assert "0.196612" in page.locator("[data-w=derivation]").inner_text()
    for action in ("update", "again"):
        testid(f"w-btn-{action}").click()
        kernel()
    assert w.stage == 5 and page.locator("[data-stage='5']").count() == 1
    assert testid("param-W1-0-0").inner_text().startswith("w1 = 0.502803")
    assert testid("w-loss-after").inner_text() == "0.0519276"
    assert testid("w-deriv").inner_text() == "∂L/∂w1 = -0.0277315 (at the updated weights)"
    png = page.screenshot(full_page=True)
    assert pixel_spread(png) > 10
    if os.environ.get("NNMATH_SHOTS"):
        Path(os.environ["NNMATH_SHOTS"], "widget-step.png").write_bytes(png)


def test_a_button_out_of_order_shows_what_to_press(shown):
    page, w, kernel = shown
    page.evaluate("window.model.send({do: 'update'})")
    kernel()
    assert "Press Forward next" in page.locator("[data-w=error]").inner_text()
    assert w.stage == 0
