"""The page's guided tour, loss landscape, SSR beside BCE and neuron pictures in headless
Chromium (Debian's package), read off the page and checked against the engine in this
process (the server runs in a thread here: its sessions are the oracle's input).

- the tour end to end with the article's numbers in every section, and by keyboard alone;
- the landscape's value at the current point is ``Network.loss`` (1e-12), and so is every
  grid point the pointer reads; the descent paths say overshoot and crawl;
- SSR beside BCE shows ``nnmath.explain``'s output deltas;
- each neuron's picture, read under the pointer, is that neuron's activation in
  ``forward_pass``'s record (within the rounding bound of tests/oracles/bounds.py);
- no two labels of the network drawing overlap, for every fully connected layer up to the
  page's limits (the drawing's own boxes for every shape, and the boxes the browser lays out
  measured for a sample of them), and a clicked weight's derivation is on screen at 800 px
  and at 1 920 px wide.

Every answer carries the policy ``nnmath serve`` sends (``CSP``) and the page must report
no violation of it. Every wait is Playwright's auto-waiting ``expect`` on a condition (a
regular expression where a number must grow: the policy allows no evaluated predicate),
never a sleep. Screenshots go to ``$NNMATH_SCREENSHOTS`` if set.
"""

import math
import os
import pathlib
import re
import socket
import threading

import numpy as np
import pytest

from browsers import needs_chromium, pixel_spread

pytestmark = needs_chromium

PATIENCE_MS = 60_000
FACTORS = ["0.324962", "0.219362", "0.731059", "-1", "0.196612", "2"]


@pytest.fixture(scope="module")
def served():
    """The app and its URL: uvicorn in a background thread on a free port of 127.0.0.1."""
    uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is a dependency of nnmath serve")
    pytest.importorskip("fastapi", reason="fastapi is a dependency of nnmath serve")
    from nnmath.web.app import create_app

    app = create_app()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Condition()
    with started:
        while not server.started and thread.is_alive():
            started.wait(0.02)
    assert server.started, "uvicorn did not start"
    yield app, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()
    sock.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    where = os.environ.get("NNMATH_SCREENSHOTS")
    folder = pathlib.Path(where) if where else tmp_path_factory.mktemp("tour_screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=PATIENCE_MS)
    return playwright_expect(locator)


CONTEXTS = []
# The policy `nnmath serve` sends (issue 19): the page must work under it, so every answer
# here carries it, and every violation the page reports is a failure. No eval either: a
# wait is an `expect` on a regular expression, never a predicate evaluated in the page.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
CSP_LISTENER = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));"""


@pytest.fixture(autouse=True)
def _close_contexts():
    yield
    while CONTEXTS:
        CONTEXTS.pop().close()


def open_page(browser, url, fragment="", width=1400, height=1000):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    CONTEXTS.append(ctx)
    ctx.set_default_timeout(PATIENCE_MS)
    ctx.add_init_script(CSP_LISTENER)

    def with_policy(route):
        from playwright.sync_api import Error

        try:
            response = route.fetch()
            route.fulfill(response=response,
                          headers={**response.headers, "content-security-policy": CSP})
        except Error:          # the test is over: its context closed under a request
            pass

    ctx.route(f"{url}/**", with_policy)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(f"{url}/{fragment}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def no_violation(page):
    assert page.evaluate("window.__csp") == [], "the page broke its content security policy"
    assert page.errors == []


def tid(page, testid):
    return page.get_by_test_id(testid)


def screenshot(page, shots, name, full=True):
    png = page.screenshot(full_page=full)
    (shots / f"{name}.png").write_bytes(png)
    assert pixel_spread(png) > 20, f"the screenshot {name} is (nearly) blank"


def session_of(app, page):
    """The page's session in the server (its id is in the download links)."""
    href = tid(page, "dl-model").get_attribute("href")
    return app.state.store._sessions[re.search(r"/sessions/([^/]+)/", href).group(1)]


def at_tour(page, section, part=0):
    expect(page.locator("body")).to_have_attribute("data-tour", f"{section}/{part}")


def at_least(n: int) -> re.Pattern:
    """A whole number of at least ``n`` (< 100), as a regular expression."""
    tens, ones = divmod(n, 10)
    return re.compile(rf"^({tens}[{ones}-9]|[{tens + 1}-9]\d|[1-9]\d{{2,}})$" if tens
                      else rf"^([{ones}-9]|[1-9]\d+)$")


def number(locator) -> float:
    return float(locator.get_attribute("data-value"))


# -- the guided tour ------------------------------------------------------------------------

def test_the_tour_end_to_end_with_the_articles_numbers(browser, served, shots):
    from nnmath.article import network_b

    app, url = served
    page = open_page(browser, url)
    at_tour(page, 1)                                   # the first screen is the tour
    expect(tid(page, "tour-title")).to_have_text("1. One neuron")
    expect(tid(page, "tour-x")).to_have_text("2")
    expect(tid(page, "tour-z")).to_have_text("1")
    expect(tid(page, "tour-a")).to_have_text("0.731059")
    tid(page, "tour-slider").focus()
    page.keyboard.press("ArrowRight")                  # the slider: x = 2.1
    expect(tid(page, "tour-x")).to_have_text("2.1")
    hidden = network_b().layers[0].forward(np.array([[2.1]]))
    assert number(tid(page, "tour-a")) == float(hidden.a[0, 0])
    assert number(tid(page, "tour-z")) == float(hidden.z[0, 0])
    screenshot(page, shots, "tour_1_neuron")

    tid(page, "tour-next").click()
    at_tour(page, 2)
    rows = tid(page, "tour-psa").locator("tbody tr")
    expect(rows).to_have_count(14)
    expect(tid(page, "tour-row-9")).to_contain_text("9")
    expect(tid(page, "tour-row-9").locator("td")).to_have_text(["9", "2", "Healthy"])
    screenshot(page, shots, "tour_2_data")

    tid(page, "tour-next").click()
    at_tour(page, 3)
    expect(tid(page, "tour-pct-cancer")).to_have_text("43.5 %")
    expect(tid(page, "tour-pct-healthy")).to_have_text("56.5 %")
    expect(tid(page, "tour-article-cancer")).to_contain_text("43 %")
    expect(tid(page, "tour-article-healthy")).to_contain_text("57 %")
    expect(tid(page, "tour-a-verdict")).to_contain_text("Healthy")
    screenshot(page, shots, "tour_3_network_a")

    tid(page, "tour-next").click()
    at_tour(page, 4)
    expect(tid(page, "tour-cost")).to_have_text("0.126865")
    screenshot(page, shots, "tour_4_cost")

    tid(page, "tour-next").click()
    at_tour(page, 5)
    for key, value in (("w1", "0.5"), ("b1", "0"), ("w2", "-1"), ("b2", "0"),
                       ("learning_rate", "0.1")):
        expect(tid(page, f"tour-b-{key}")).to_have_text(value)
    screenshot(page, shots, "tour_5_network_b")

    tid(page, "tour-next").click()
    at_tour(page, 6, 0)                                # forward
    expect(tid(page, "tour-y-hat")).to_have_text("0.324962")
    expect(tid(page, "tour-article-output")).to_contain_text("0.3248")
    expect(tid(page, "tour-a1")).to_have_text("0.731059")
    screenshot(page, shots, "tour_6a_forward")
    tid(page, "tour-next").click()
    at_tour(page, 6, 1)                                # the loss with its ½
    expect(tid(page, "tour-loss")).to_have_text("0.0528003")
    expect(tid(page, "tour-article-loss")).to_contain_text("0.0528")
    expect(tid(page, "tour-part-1")).to_contain_text("½")
    tid(page, "tour-next").click()
    at_tour(page, 6, 2)                                # the six factors
    expect(tid(page, "tour-factors").locator("tbody tr")).to_have_count(6)
    for k, value in enumerate(FACTORS):
        expect(tid(page, f"tour-factor-{k}")).to_have_text(value)
    expect(tid(page, "tour-factors").locator("tbody tr td:first-child")).to_have_text(
        ["dL/dŷ", "dŷ/dz₂", "dz₂/dw₂", "dz₂/da₁", "da₁/dz₁", "dz₁/dw₁"])
    screenshot(page, shots, "tour_6c_factors")
    tid(page, "tour-next").click()
    at_tour(page, 6, 3)                                # the four gradients
    for symbol, value in (("w1", "-0.0280307"), ("b1", "-0.0140154"), ("w2", "0.0521131"),
                          ("b2", "0.0712844")):
        expect(tid(page, f"tour-grad-{symbol}")).to_have_text(value)
    tid(page, "tour-next").click()
    at_tour(page, 6, 4)                                # the update
    for name, value in (("W1", "0.502803"), ("b1", "0.00140154"), ("W2", "-1.00521"),
                        ("b2", "-0.00712844")):
        expect(tid(page, f"tour-updated-{name}")).to_have_text(value)
    tid(page, "tour-next").click()
    at_tour(page, 6, 5)                                # forward again
    expect(tid(page, "tour-y-after")).to_have_text("0.322266")
    expect(tid(page, "tour-loss-after")).to_have_text("0.0519276")
    expect(tid(page, "tour-article-output-after")).to_contain_text("0.322")
    expect(tid(page, "tour-article-loss-after")).to_contain_text("0.0519")
    screenshot(page, shots, "tour_6f_forward_again")

    tid(page, "tour-next").click()
    at_tour(page, 7)                                   # epochs: Run, the loss falls
    expect(tid(page, "btn-run")).to_be_visible()       # the Training panel, borrowed
    expect(tid(page, "landscape")).to_be_visible()
    expect(tid(page, "landscape")).to_have_attribute("data-side", re.compile(r"\d+"))
    tid(page, "btn-run").click()
    expect(tid(page, "epoch")).to_have_text(at_least(30))
    expect(tid(page, "landscape")).to_have_attribute("data-path", at_least(8))
    screenshot(page, shots, "tour_7_epochs_while_training")
    tid(page, "btn-run").click()                       # Pause
    expect(tid(page, "btn-run")).to_have_attribute("aria-pressed", "false")
    chart = tid(page, "loss-chart")
    assert float(chart.get_attribute("data-last")) < float(chart.get_attribute("data-first"))
    assert session_of(app, page).epoch >= 30
    expect(tid(page, "tour-next")).to_have_text("Free play →")
    tid(page, "tour-next").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "play")
    expect(tid(page, "btn-forward")).to_be_visible()
    assert "dataset=psa" in page.url
    no_violation(page)


def test_a_section_has_an_address(browser, served):
    _, url = served
    page = open_page(browser, url, "#tour/6")
    at_tour(page, 6, 0)
    expect(tid(page, "tour-title")).to_have_text("6. One step of backpropagation")
    page.evaluate("location.hash = '#tour/6/2'")
    at_tour(page, 6, 2)
    expect(tid(page, "tour-factor-5")).to_have_text("2")
    tid(page, "to-play").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "play")
    tid(page, "to-tour").click()
    at_tour(page, 6, 2)                                # back where the learner left it
    page.go_back()                                     # the browser's Back: free play again
    expect(page.locator("body")).to_have_attribute("data-screen", "play")
    no_violation(page)


def test_next_opens_a_new_section_at_its_title(browser, served):
    """From the step's last part (scrolled down to it), Next opens section 7 with its
    title on screen, as its address does, not 700 px down where the step ended."""
    _, url = served
    page = open_page(browser, url, "#tour/6/5")
    at_tour(page, 6, 5)
    tid(page, "tour-next").click()
    at_tour(page, 7, 0)                                # set after the section is drawn
    top = tid(page, "tour-title").bounding_box()["y"]
    assert 0 <= top < 1000 / 2, f"section 7's title is at y = {top} px"
    no_violation(page)


def test_the_tour_by_keyboard_only(browser, served):
    _, url = served
    page = open_page(browser, url)
    at_tour(page, 1)
    page.locator("body").focus()
    for _ in range(30):                                # Tab to Next, every stop visible
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            return [e.tagName, e.dataset.testid || e.id || '',
                    getComputedStyle(e).outlineStyle]; }""")
        assert info[0] in {"BUTTON", "INPUT", "SELECT", "A"}, info
        assert info[2] != "none", f"no visible focus on {info}"
        if info[1] == "tour-next":
            break
    expect(tid(page, "tour-next")).to_be_focused()
    page.keyboard.press("Enter")
    at_tour(page, 2)
    expect(tid(page, "tour-next")).to_be_focused()     # the keyboard keeps its place
    page.keyboard.press("Space")
    at_tour(page, 3)
    page.keyboard.press("ArrowRight")                  # the keys of the tour
    at_tour(page, 4)
    page.keyboard.press("ArrowLeft")
    at_tour(page, 3)
    for section, part in ((4, 0), (5, 0), (6, 0), (6, 1), (6, 2), (6, 3), (6, 4), (6, 5), (7, 0)):
        page.keyboard.press("Enter")
        at_tour(page, section, part)
    expect(tid(page, "btn-run")).to_be_visible()
    page.keyboard.press("Shift+Tab")                   # Back, from the keyboard
    expect(tid(page, "tour-back")).to_be_focused()
    page.keyboard.press("Enter")
    at_tour(page, 6, 5)
    tid(page, "tour-toc-2").focus()                    # a section from the list
    page.keyboard.press("Enter")
    at_tour(page, 2)
    expect(tid(page, "tour-toc-2")).to_be_focused()
    page.keyboard.press("Tab")
    expect(tid(page, "tour-toc-3")).to_be_focused()
    tid(page, "tour-next").focus()
    page.keyboard.press("Tab")
    expect(tid(page, "tour-play")).to_be_focused()
    page.keyboard.press("Enter")                       # free play, one key away
    expect(page.locator("body")).to_have_attribute("data-screen", "play")
    no_violation(page)


# -- the loss landscape ------------------------------------------------------------------------

def test_the_landscape_is_the_engines_loss(browser, served, shots):
    from nnmath import datasets
    from nnmath.article import network_b

    app, url = served
    page = open_page(browser, url, "#play")
    land = tid(page, "land-current")
    expect(land).to_have_attribute("data-value", re.compile(r"\d"))
    psa = datasets.psa()
    assert abs(number(land) - network_b().loss(psa.X, psa.targets(1), "ssr")) <= 1e-12
    expect(tid(page, "land-held")).to_contain_text("b1 = 0, b2 = 0")
    before = land.get_attribute("data-value")
    tid(page, "btn-epoch").click()
    expect(tid(page, "epoch")).to_have_text("1")
    expect(land).not_to_have_attribute("data-value", before)
    session = session_of(app, page)
    net = session.net
    assert abs(number(land) - net.loss(psa.X, psa.targets(1), "ssr")) <= 1e-12
    canvas = tid(page, "landscape")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for fx, fy in ((0.3, 0.4), (0.7, 0.2), (0.5, 0.8)):
        canvas.hover(position={"x": fx * box["width"], "y": fy * box["height"]})
        hover = tid(page, "land-hover")
        expect(hover).to_have_attribute("data-value", re.compile(r"\d"))
        probe = net.copy()
        probe.set_params({"W1": [[float(hover.get_attribute("data-x"))]],
                          "W2": [[float(hover.get_attribute("data-y"))]]})
        assert abs(float(hover.get_attribute("data-value"))
                   - probe.loss(psa.X, psa.targets(1), "ssr")) <= 1e-12
        hover.evaluate("(e) => { delete e.dataset.value; }")    # the next reading is new
    # overshoot and crawl, from the same start
    for k, rate in enumerate(("0.01", "0.1", "10")):
        tid(page, f"rate-{k}").fill(rate)
    tid(page, "rates-run").click()
    expect(tid(page, "rates-words").locator("li")).to_have_count(3)
    expect(tid(page, "rate-words-0")).to_contain_text("crawls")
    expect(tid(page, "rate-words-2")).to_contain_text("overshoot")
    expect(canvas).to_have_attribute("data-paths", "3")
    screenshot(page, shots, "landscape_learning_rates")
    tid(page, "btn-run").click()                       # the path while training
    expect(canvas).to_have_attribute("data-path", at_least(12))
    page.locator("#landscape-panel").screenshot(path=str(shots / "landscape_while_training.png"))
    tid(page, "btn-run").click()
    expect(tid(page, "btn-run")).to_have_attribute("aria-pressed", "false")
    no_violation(page)


# -- SSR beside BCE ----------------------------------------------------------------------------

def test_ssr_beside_bce_shows_explains_deltas(browser, served, shots):
    from nnmath import explain
    from nnmath.article import network_b

    _, url = served
    page = open_page(browser, url, "#play")
    tid(page, "cmp-epochs").fill("60")
    tid(page, "cmp-run").click()
    expect(tid(page, "cmp-out")).to_be_visible()
    rows = tid(page, "cmp-deltas").locator("tbody tr")
    expect(rows).to_have_count(2)
    for k, loss in enumerate(("ssr", "bce")):
        trace = explain(network_b(), [2.0], [0.0], loss=loss, learning_rate=0.1)
        delta = float(trace.layers[-1].delta[0, 0])
        expect(rows.nth(k)).to_have_attribute("data-loss", loss)
        assert float(rows.nth(k).get_attribute("data-delta")) == delta
    expect(tid(page, "cmp-delta-ssr")).to_have_text("0.0712844")
    expect(tid(page, "cmp-delta-bce")).to_have_text("0.324962")
    expect(tid(page, "cmp-words")).to_contain_text("4.56 times as large")
    expect(tid(page, "cmp-words")).to_contain_text("After 60 epochs from the same start")
    for k in (0, 1):
        expect(tid(page, f"cmp-chart-{k}")).to_have_attribute("data-count", "61")
    page.locator("#compare-panel").screenshot(path=str(shots / "ssr_beside_bce.png"))
    no_violation(page)


# -- what each neuron sees --------------------------------------------------------------------

def _check_hover(page, session, testid, points):
    from nnmath.backprop import forward_pass

    from oracles.bounds import forward_bound

    figure = tid(page, testid)
    plot = figure.locator("svg, canvas").first
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    layer, index = (int(v) for v in testid.split("-")[1:])
    for fx, fy in points:
        plot.hover(position={"x": fx * box["width"], "y": fy * box["height"]})
        hover = tid(page, "neu-hover")
        expect(hover).to_have_attribute("data-layer", str(layer))
        expect(hover).to_have_attribute("data-index", str(index))
        xs = [float(hover.get_attribute("data-x"))]
        if hover.get_attribute("data-y"):
            xs.append(float(hover.get_attribute("data-y")))
        X = np.array([xs])
        record = forward_pass(session.net.layers, X)[layer - 1].a[0, index]
        bound = 2 * forward_bound(session.net.layers[:layer], X)[0, index]
        value = float(hover.get_attribute("data-value"))
        assert abs(value - record) <= bound, (testid, xs, value, record)
        expect(hover).to_contain_text(" = sigmoid(")
        hover.evaluate("(e) => { delete e.dataset.value; }")    # the next reading is new


def test_each_neurons_picture_is_the_forward_record(browser, served, shots):
    app, url = served
    page = open_page(browser, url, "#play")
    for testid in ("neuron-1-0", "neuron-2-0"):
        expect(tid(page, testid)).to_be_visible()
    session = session_of(app, page)
    _check_hover(page, session, "neuron-1-0", [(0.2, 0.5), (0.55, 0.5), (0.9, 0.5)])
    _check_hover(page, session, "neuron-2-0", [(0.4, 0.5)])
    expect(tid(page, "neuron-1-0")).to_have_attribute("title", "a1 = sigmoid(0.5·psa + 0)")
    page.evaluate("location.hash = '#dataset=circle&hidden=3&seed=2'")
    for testid in ("neuron-1-0", "neuron-1-2", "neuron-2-0"):
        expect(tid(page, testid).locator("canvas")).to_be_visible()
    tid(page, "btn-epoch").click()                     # the maps follow training
    expect(tid(page, "epoch")).to_have_text("1")
    session = session_of(app, page)
    W = session.net.layers[0].W
    expect(tid(page, "neuron-1-0")).to_have_attribute(
        "title", re.compile(re.escape(f"{W[0, 0]:.6g}".replace("-", "−"))))
    for testid in ("neuron-1-0", "neuron-1-2", "neuron-2-0"):
        _check_hover(page, session, testid, [(0.15, 0.2), (0.5, 0.5), (0.83, 0.71)])
    page.locator("#neurons-panel").screenshot(path=str(shots / "neurons_circle.png"))
    no_violation(page)


# -- labels, narrow and wide screens --------------------------------------------------------

OVERLAP_JS = """
async ({ shapes, measured }) => {
  const nv = await import('/static/netview.js');
  const overlapping = (boxes) => {          // a sweep along x: any two boxes that meet?
    const order = boxes.map((b, i) => i).sort((a, b) => boxes[a].x - boxes[b].x);
    const active = [];
    for (const i of order) {
      const b = boxes[i];
      for (let k = active.length - 1; k >= 0; k -= 1) {
        if (boxes[active[k]].x + boxes[active[k]].width <= b.x) active.splice(k, 1);
      }
      for (const k of active) {
        const a = boxes[k];
        if (a.y < b.y + b.height && b.y < a.y + a.height) return [a, b];
      }
      active.push(i);
    }
    return null;
  };
  const value = (i, j, k) => Math.round(((i * 7 + j * 13 + k * 5) % 23 - 11) * 123457) / 1e7;
  const stateOf = (sizes) => ({
    network: { sizes, n_params: 0, layers: sizes.slice(1).map((n, k) => ({
      activation: k === sizes.length - 2 ? 'softmax' : 'identity',
      W: Array.from({ length: sizes[k] }, (_, i) => Array.from({ length: n }, (_, j) => value(i, j, k))),
      b: Array.from({ length: n }, (_, j) => value(j, j, k + 1)) })) },
    data: { feature_names: sizes[0] === 1 ? ['psa'] : Array.from({ length: sizes[0] }, (_, i) => `x${i + 1}`),
            X: [Array.from({ length: sizes[0] }, (_, i) => value(i, 1, 2))] },
    sample: 0,
    activations: sizes.slice(1).map((n, k) => Array.from({ length: n }, (_, j) => value(j, 3, k))),
  });
  const stages = (state) => {
    const layers = state.network.layers;
    const forward = { layers: layers.map((l, k) => ({ z: l.b, a: l.b.map((b, j) => value(j, 5, k)) })) };
    const backward = { gradients: Object.fromEntries(layers.flatMap((l, k) => [
        [`W${k + 1}`, l.W.map((row) => row.map((w) => w / 3 - 0.0000123))],
        [`b${k + 1}`, l.b.map((b) => b / 7 - 0.0000123)]])),
      layers: layers.map((l) => ({ delta: l.b.map((b) => b / 11 - 0.0000123) })) };
    const updated = { layers: layers.map((l) => ({ W: l.W.map((row) => row.map((w) => w + 0.0100003)),
      b: l.b.map((b) => b - 0.0100003) })) };
    return [{}, { forward }, { forward, backward }, { forward, backward, updated }]
      .map((s) => ({ state, forward: null, backward: null, updated: null, selected: null, animate: false, ...s }));
  };
  let drawn = 0;
  let wide = 0;
  for (const sizes of shapes) {
    // every stage where labels carry gradients and updates (wide); dots: idle, and with
    // the forward pass's values for the smaller shapes (the values' widths, not the shape)
    const small = sizes.every((n, l) => l === 0 || n * sizes[l - 1] <= 2);
    const few = Math.max(...sizes) <= 16 || measured.some((m) => m.join('-') === sizes.join('-'));
    for (const view of stages(stateOf(sizes)).slice(0, small ? 4 : few ? 2 : 1)) {
      const { geo, boxes } = nv.labelBoxes(view);
      if (!geo.dense) wide += 1;
      const hit = overlapping(boxes);
      if (hit) return { sizes, stage: [view.forward, view.backward, view.updated].filter(Boolean).length, hit };
      drawn += 1;
      if (!measured.some((m) => m.join('-') === sizes.join('-'))) continue;
      const svg = document.querySelector('#net');        // the page's own drawing, its CSS
      nv.drawNetwork(svg, view);
      svg.style.width = `${geo.width}px`;                // at its own scale: 1 unit, 1 px
      svg.style.maxWidth = 'none';
      const ctm = svg.getScreenCTM();
      const seen = [...svg.querySelectorAll('.plabel > *, text')].map((e) => {
        const r = e.getBoundingClientRect();
        return { x: (r.left - ctm.e) / ctm.a, y: (r.top - ctm.f) / ctm.d, width: r.width / ctm.a, height: r.height / ctm.d,
                 text: e.textContent };
      }).filter((r) => r.width > 0);
      const measuredHit = overlapping(seen);
      if (measuredHit) return { sizes, measured: true, hit: measuredHit };
      const inside = (r) => boxes.some((b) => r.x >= b.x - 1 && r.y >= b.y - 1 &&
        r.x + r.width <= b.x + b.width + 1 && r.y + r.height <= b.y + b.height + 1);
      const outside = seen.filter((r) => !inside(r));
      if (outside.length) return { sizes, measured: true, outside: outside.slice(0, 3) };
    }
  }
  return { drawn, wide };
}
"""


@pytest.mark.slow
def test_no_two_labels_overlap_for_any_layer_up_to_the_limits(browser, served):
    _, url = served
    page = open_page(browser, url, "#play")
    limits = page.evaluate("fetch('/api/options').then(r => r.json())")["limits"]
    most, max_params = limits["max_neurons"], limits["max_params"]
    # every fully connected layer n_in x n_out up to the page's limits, as a network of its
    # own, and as a hidden layer between others; the widest inputs a CSV may have
    shapes = [[a, b] for a in range(1, most + 1) for b in range(1, most + 1)]
    shapes += [[2, a, b, 1] for a in (1, 2, 3, 8, most) for b in (1, 2, 3, 8, most)]
    shapes += [[1, 1, 1], [1, 2, 1], [2, 1, 2], [1, 2, 1, 2, 1], [2, 1, 2, 1, 2, 1, 2],
               [1] * (limits["max_hidden_layers"] + 2), [2, most, most, 2],
               [max_params // most - 2, most], [max_params - 2, 1]]
    measured = [[1, 1, 1], [1, 2], [2, 1], [1, 2, 1], [2, 1, 2], [2, 2], [1, 3], [3, 3],
                [5, 4], [8, 8], [13, 6], [2, 8, 8, 1], [most, most], [2, most, most, 2]]
    result = page.evaluate(OVERLAP_JS, {"shapes": shapes, "measured": measured})
    assert "hit" not in result and "outside" not in result, result
    assert result["drawn"] >= len(shapes) and result["wide"] > 0
    no_violation(page)


def test_network_b_after_its_step_has_no_overlapping_label(browser, served):
    _, url = served
    page = open_page(browser, url, "#play")
    for step in ("btn-forward", "btn-loss", "btn-backward", "btn-update"):
        tid(page, step).click()
    expect(tid(page, "updated-W1-0-0")).to_have_text("0.502803")
    boxes = page.evaluate("""() => [...document.querySelectorAll('#net .plabel > *, #net text')]
        .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0)
        .map((r) => [r.left, r.top, r.right, r.bottom])""")
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


@pytest.mark.parametrize("width", [800, 1920])
def test_a_clicked_weights_derivation_is_on_screen(browser, served, shots, width):
    _, url = served
    page = open_page(browser, url, "#play", width=width, height=900)
    for step in ("btn-forward", "btn-loss", "btn-backward", "btn-update"):
        tid(page, step).click()
    expect(tid(page, "updated-W1-0-0")).to_have_text("0.502803")
    for key, at, value in (("W1-0-0", "step", "-0.0280307"), ("W2-0-0", "step", "0.0521131")):
        tid(page, f"param-{key}").click()
        tid(page, "param-input").press("Escape")
        expect(tid(page, "deriv-gradient")).to_have_text(value)
        expect(tid(page, "deriv-label")).to_have_attribute("data-at", at)
        expect(tid(page, "deriv-label")).to_contain_text("the weights before the update")
        on_screen(page, tid(page, "deriv-gradient"))
        on_screen(page, tid(page, "derivation").locator("tbody tr").first)
    screenshot(page, shots, f"derivation_at_{width}px", full=False)
    tid(page, "deriv-at-current").click()              # one click: the current weights
    expect(tid(page, "deriv-label")).to_have_attribute("data-at", "current")
    expect(tid(page, "deriv-gradient")).not_to_have_text("0.0521131")
    on_screen(page, tid(page, "deriv-gradient"))
    expect(tid(page, "sample")).to_contain_text("row 9: psa = 2")   # rows from 1, as the CLI
    no_violation(page)


def on_screen(page, locator):
    """Inside the window, and the element the window shows at its centre (not covered)."""
    box = locator.bounding_box()
    size = page.viewport_size
    assert box and box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"], \
        (box, size)
    cx, cy = box["x"] + box["width"] / 2, box["y"] + min(box["height"], 20) / 2
    assert locator.evaluate(
        f"(e) => e.contains(document.elementFromPoint({cx}, {cy}))"), (box, "covered")
    assert math.isfinite(box["width"])
