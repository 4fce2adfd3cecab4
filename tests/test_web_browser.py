"""The page of ``nnmath serve`` in headless Chromium (Debian's package): a reader redoes the
article's worked example by clicking, reads every number off the page, opens a derivation,
trains live, sees an upload's error, and does it all with the keyboard alone; two tabs keep
two sessions; no request leaves 127.0.0.1.

The app runs in-process (uvicorn in a thread, on a free port of 127.0.0.1). Every wait is
Playwright's auto-waiting `expect` on a condition, never a sleep. Screenshots go to
``$NNMATH_SCREENSHOTS`` if set, else to a pytest tmp dir; each is checked to be not blank.

Skipped (with the reason) only where /usr/bin/chromium, playwright or the web extras are
missing; `.ci/run` installs them.
"""

import os
import pathlib
import re
import socket
import threading
from urllib.parse import urlsplit

import pytest

from browsers import needs_chromium, pixel_spread

pytestmark = needs_chromium

# The article's worked example (network B, PSA row 8: x = 2.0, target 0, η = 0.1), as
# `nnmath explain` writes it (tests/test_explain_browser.py reads the same strings).
OUTPUT, LOSS = "0.324962", "0.0528003"
GRADIENTS = {"W1-0-0": "-0.0280307", "b1-0": "-0.0140154", "W2-0-0": "0.0521131",
             "b2-0": "0.0712844"}
UPDATED = {"W1-0-0": "0.502803", "b1-0": "0.00140154", "W2-0-0": "-1.00521",
           "b2-0": "-0.00712844"}
OUTPUT_AFTER, LOSS_AFTER = "0.322266", "0.0519276"
W1_FACTORS = ["0.324962", "0.219362", "-1", "0.196612", "2"]
NETWORK_B = {"W1-0-0": "0.5", "b1-0": "0", "W2-0-0": "-1", "b2-0": "0"}
# How long a wait may last before it is a failure: generous, so a loaded machine only makes
# the tests slower (each wait ends as soon as its condition holds; no test measures time).
PATIENCE_MS = 60_000


@pytest.fixture(scope="module")
def server():
    """The app on a free port of 127.0.0.1, served by uvicorn in a background thread."""
    uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is a dependency of nnmath serve")
    pytest.importorskip("fastapi", reason="fastapi is a dependency of nnmath serve")
    from nnmath.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Condition()
    with started:                      # poll the flag uvicorn sets once it listens
        while not server.started and thread.is_alive():
            started.wait(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()
    sock.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    where = os.environ.get("NNMATH_SCREENSHOTS")
    folder = pathlib.Path(where) if where else tmp_path_factory.mktemp("web_screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def context(browser):
    """A browser context that records every request's URL (none may leave 127.0.0.1)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(PATIENCE_MS)
    urls = []
    ctx.on("request", lambda r: urls.append(r.url))
    yield ctx
    ctx.close()
    foreign = [u for u in urls if not u.startswith(("data:", "blob:"))
               and urlsplit(u).hostname != "127.0.0.1"]
    assert foreign == [], foreign
    assert urls, "no request was recorded"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=PATIENCE_MS)
    return playwright_expect(locator)


def open_page(context, server, fragment="#play"):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/{fragment}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.errors = errors
    return page


def tid(page, testid):
    return page.get_by_test_id(testid)


def screenshot(page, shots, name):
    png = page.screenshot(full_page=True)
    (shots / f"{name}.png").write_bytes(png)
    assert pixel_spread(png) > 20, f"the screenshot {name} is (nearly) blank"


def type_param(page, key, value):
    """Click a weight or bias in the drawing, type its value, press Enter."""
    tid(page, f"param-{key}").click()
    box = tid(page, "param-input")
    box.fill(value)
    box.press("Enter")
    expect(tid(page, f"param-{key}")).to_contain_text(f"= {value}")


def test_the_article_s_step_by_clicking(context, server, shots):
    page = open_page(context, server, "#seed=1")
    screenshot(page, shots, "1_start")
    expect(tid(page, "param-W1-0-0")).not_to_have_text("w1 = 0.5")   # seed 1: random weights
    for key, value in NETWORK_B.items():
        type_param(page, key, value)
    expect(tid(page, "a-2-0")).to_have_class("idle")     # the State's forward pass, greyed
    tid(page, "btn-forward").click()
    expect(tid(page, "output")).to_have_text(OUTPUT)
    expect(tid(page, "a-2-0")).to_have_text("0.325")
    expect(tid(page, "a-2-0")).not_to_have_class("idle")
    tid(page, "btn-loss").click()
    expect(tid(page, "loss")).to_have_text(LOSS)
    parts = tid(page, "step-html").locator("h2")        # the explanation, part by part
    expect(parts).to_have_text(["The step", "Forward pass", re.compile("^Loss")])
    tid(page, "btn-backward").click()
    expect(parts).to_have_count(4)
    for key, value in GRADIENTS.items():
        expect(tid(page, f"grad-{key}")).to_have_text(value)
    # Click w1: its derivation, every chain-rule factor with its value.
    tid(page, "param-W1-0-0").click()
    tid(page, "param-input").press("Escape")
    expect(tid(page, "deriv-symbol")).to_have_text("w1")
    expect(tid(page, "deriv-gradient")).to_have_text(GRADIENTS["W1-0-0"])
    factors = tid(page, "derivation").locator("table").first.locator("tbody tr")
    expect(factors).to_have_count(len(W1_FACTORS))
    for k, value in enumerate(W1_FACTORS):               # name · value · meaning
        expect(factors.nth(k).locator("td").nth(1)).to_have_text(value)
        expect(factors.nth(k).locator("td").nth(2)).not_to_be_empty()
    expect(page.locator("[data-testid=derivation] math").first).to_be_visible()
    screenshot(page, shots, "3_derivation")
    tid(page, "btn-update").click()
    for key, value in UPDATED.items():
        expect(tid(page, f"updated-{key}")).to_have_text(value)
    expect(parts).to_have_count(5)
    tid(page, "btn-again").click()
    expect(parts.last).to_have_text("Forward pass after the update")
    expect(tid(page, "output-after")).to_have_text(OUTPUT_AFTER)
    expect(tid(page, "loss-after")).to_have_text(LOSS_AFTER)
    expect(tid(page, "a-2-0")).to_have_text("0.3223")
    screenshot(page, shots, "2_after_the_step")
    assert "seed=1" in page.url and "sample=8" in page.url
    assert page.errors == []


def test_fifty_epochs_the_loss_falls(context, server, shots):
    page = open_page(context, server)
    tid(page, "btn-epoch").click()
    expect(tid(page, "epoch")).to_have_text("1")
    tid(page, "btn-run").click()
    expect(tid(page, "btn-run")).to_have_attribute("aria-pressed", "true")
    # at least 50 (a regular expression: the page's policy allows no eval of a predicate)
    expect(tid(page, "epoch")).to_have_text(re.compile(r"^([5-9]\d|[1-9]\d{2,})$"))
    tid(page, "btn-run").press("Enter")               # Pause, from the keyboard
    expect(tid(page, "btn-run")).to_have_attribute("aria-pressed", "false")
    chart = tid(page, "loss-chart")
    first, last, count = (float(chart.get_attribute(f"data-{k}"))
                          for k in ("first", "last", "count"))
    assert count >= 51 and last < first, (first, last, count)
    assert int(tid(page, "epoch").inner_text()) >= 50
    expect(tid(page, "view-curve").locator("polyline")).to_have_count(1)
    screenshot(page, shots, "4_after_training")
    assert page.errors == []


DENSE = "#dataset=circle&hidden=16,16&activations=tanh,tanh,sigmoid"


def g6(value, digits=6):
    """A number as the page writes it: Python's "%.6g" (its fmt's oracle)."""
    return "–" if value is None else f"{value:.{digits}g}"


def test_run_redraws_the_drawing_with_the_engine_s_numbers(context, server):
    """While Run redraws the dense drawing in place, a weight focused with the keyboard keeps
    the focus (the same element), and after Pause every weight, bias, edge and neuron shows
    the session's numbers as GET /api/sessions/{sid} gives them (to the page's rounding),
    the very drawing a full draw of that State makes."""
    page = open_page(context, server, DENSE)
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    expect(page.locator("#net-meta")).to_contain_text("2-16-16-1 ·")
    expect(tid(page, "net")).to_have_attribute("data-layout", "dense")
    tid(page, "btn-run").click()
    expect(tid(page, "btn-run")).to_have_attribute("aria-pressed", "true")
    weight = tid(page, "param-W2-3-5")
    weight.focus()                                       # the keyboard's focus, no click
    weight.evaluate("(b) => { b.dataset.mark = 'kept'; }")
    for _ in range(3):                                   # three more States drawn
        shown = tid(page, "epoch").inner_text()
        expect(tid(page, "epoch")).not_to_have_text(shown)
    expect(page.locator("#net button:focus")).to_have_attribute("data-mark", "kept")
    tid(page, "btn-run").evaluate("(b) => b.click()")     # Pause, the focus left where it is
    expect(tid(page, "btn-run")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#net button:focus")).to_have_attribute("data-mark", "kept")
    sid = next(m.group(1) for u in urls if (m := re.search(r"/api/sessions/([^/?]+)/train", u)))
    # GET the session through the page's own queue of requests (api.js): after the train
    # request under way at Pause, never beside it (the API answers a second request 409)
    state = page.evaluate("""async (sid) => (await import(`${location.origin}/static/api.js`))
      .call("GET", `/api/sessions/${sid}`)""", sid)
    expect(tid(page, "epoch")).to_have_text(str(state["epoch"]))
    layers, sizes = state["network"]["layers"], state["network"]["sizes"]
    drawn = page.locator("#net").evaluate("""(svg) => ({
      params: Array.from(svg.querySelectorAll("button[data-param]"), (b) =>
        [b.dataset.param, b.dataset.index, b.getAttribute("aria-label"), b.className]),
      edges: Array.from(svg.querySelectorAll("line"), (l) => [l.dataset.testid,
        l.getAttribute("stroke"), l.getAttribute("stroke-width"), l.textContent]),
      neurons: Array.from(svg.querySelectorAll("text[data-testid^='a-']"),
        (t) => [t.dataset.testid, t.textContent]),
    })""")
    assert len(drawn["params"]) == sum(n * m + m for n, m in zip(sizes, sizes[1:])) == 337
    largest = max(abs(w) for layer in layers for row in layer["W"] for w in row)
    for name, index, label, cls in drawn["params"]:
        at = [int(i) for i in index.split(",")]
        layer = layers[int(name[1:]) - 1]
        value = layer["W"][at[0]][at[1]] if name == "W" + name[1:] else layer["b"][at[0]]
        assert label == f"{name}[{index}] = {g6(value)}: edit it and show its derivation"
        assert cls.split()[:2] == ["param", "pos" if value >= 0 else "neg"], (name, index, cls)
    for testid, stroke, width, title in drawn["edges"]:
        _, name, i, j = testid.split("-")
        w = layers[int(name[1:]) - 1]["W"][int(i)][int(j)]
        assert title == f"{name}[{i},{j}] = {g6(w)}"
        assert stroke == ("#2f6fb5" if w >= 0 else "#d9822b")
        assert abs(float(width) - (0.8 + 7 * abs(w) / largest)) <= 0.005 + 1e-9, (testid, width)
    assert len(drawn["edges"]) == 2 * 16 + 16 * 16 + 16
    for testid, text in drawn["neurons"]:
        _, layer_at, j = testid.split("-")
        assert text == g6(state["activations"][int(layer_at) - 1][int(j)], 4), testid
    assert len(drawn["neurons"]) == 33
    # the drawing updated in place is the drawing a full draw of the same State makes
    same = page.evaluate("""async () => {
      const root = `${location.origin}/static`;
      const [{ page: shown }, { drawNetwork }] = await Promise.all(
        [import(`${root}/page.js`), import(`${root}/netview.js`)]);
      const net = document.getElementById("net");
      net.querySelectorAll("[data-mark]").forEach((node) => node.removeAttribute("data-mark"));
      const fresh = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      drawNetwork(fresh, { ...shown.view, state: shown.state });
      return [fresh.innerHTML === net.innerHTML, net.children.length, fresh.innerHTML.length];
    }""")
    assert same[0] and same[1] == 3 and same[2] > 10_000, same
    assert page.errors == []


def test_a_bad_csv_shows_the_cli_s_words(context, server, shots, tmp_path):
    from nnmath.datasets import load_csv
    from nnmath.errors import NnmathError

    bad = b"psa,status\n3.8,1\nx,0\n"
    path = tmp_path / "bad.csv"
    path.write_bytes(bad)
    with pytest.raises(NnmathError) as cli_error:
        load_csv(path, target="status")
    words = " ".join(str(cli_error.value).split())       # the CLI's one line
    page = open_page(context, server)
    tid(page, "csv-file").set_input_files({"name": "bad.csv", "mimeType": "text/csv",
                                           "buffer": bad})
    tid(page, "csv-target").fill("status")
    tid(page, "csv-upload").click()
    expect(tid(page, "csv-error")).to_have_text(words)
    expect(tid(page, "status")).to_have_text(f"Error: {words}")
    screenshot(page, shots, "5_csv_error_shown")
    good = b"psa,status\n3.8,1\n2.0,0\n1.2,0\n2.9,1\n"
    tid(page, "csv-file").set_input_files({"name": "good.csv", "mimeType": "text/csv",
                                           "buffer": good})
    tid(page, "csv-upload").click()
    expect(tid(page, "status")).to_have_text("Loaded 4 rows from good.csv.")
    expect(tid(page, "csv-error")).to_be_empty()
    expect(tid(page, "dataset")).to_have_value("csv")
    expect(tid(page, "sample").locator("option")).to_have_count(4)
    tid(page, "neurons-plus-0").click()                  # a new network on the uploaded rows
    expect(page.locator("#net-meta")).to_contain_text("1-2-1 ·")
    tid(page, "param-b2-0").click()                       # a weight typed wrong: said, not sent
    tid(page, "param-input").fill("abc")
    tid(page, "param-input").press("Enter")
    expect(tid(page, "error")).to_have_text('The value must be a number. Got "abc".')
    big = "#hidden=64,64,64,64&activations=" + ",".join(["sigmoid"] * 5)
    page.evaluate(f"location.hash = {big!r}")           # a limit hit: the API's words
    expect(tid(page, "error")).to_contain_text("must be at most 10,000 (max_params")
    expect(page.locator("#net-meta")).to_contain_text("1-2-1 ·")       # still the CSV's network
    screenshot(page, shots, "6_limit_error_shown")


def test_two_tabs_keep_two_sessions(context, server):
    one = open_page(context, server)
    two = open_page(context, server)
    type_param(one, "W1-0-0", "0.9")
    tid(one, "btn-epoch").click()
    expect(tid(one, "epoch")).to_have_text("1")
    expect(tid(two, "param-W1-0-0")).to_contain_text("= 0.5")
    tid(two, "btn-forward").click()                        # two's session: network B still
    expect(tid(two, "output")).to_have_text(OUTPUT)
    tid(two, "btn-epoch").click()
    expect(tid(two, "epoch")).to_have_text("1")
    tid(one, "btn-forward").click()                        # one's: w1 = 0.9, one epoch
    expect(tid(one, "output")).not_to_have_text(OUTPUT)
    expect(tid(one, "epoch")).to_have_text("1")
    assert not re.search(r"\bsession", one.evaluate("JSON.stringify(localStorage) + "
                                                     "JSON.stringify(sessionStorage)"))


def test_everything_by_keyboard(context, server):
    page = open_page(context, server)
    reached = set()
    page.locator("body").focus()
    for _ in range(120):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            return [e.tagName, e.dataset.testid || e.id || '',
                    getComputedStyle(e).outlineStyle]; }""")
        reached.add(info[1])
        assert info[0] in {"BUTTON", "INPUT", "SELECT", "A", "SUMMARY"}, info
        assert info[2] != "none", f"no visible focus on {info}"
        if info[1] == "btn-forward":
            break
    for control in ("dataset", "csv-file", "csv-upload", "sample", "add-layer", "loss-name",
                    "optimizer", "learning_rate", "dl-model", "param-W1-0-0", "param-b2-0",
                    "btn-forward"):
        assert control in reached, (control, sorted(reached))
    page.keyboard.press("Enter")                           # Forward
    expect(tid(page, "output")).to_have_text(OUTPUT)
    expect(tid(page, "btn-loss")).to_be_focused()          # the next step takes the focus
    page.keyboard.press("Space")
    expect(tid(page, "loss")).to_have_text(LOSS)
    page.keyboard.press("Enter")                           # Backward
    expect(tid(page, "grad-W1-0-0")).to_have_text(GRADIENTS["W1-0-0"])
    tid(page, "param-W2-0-0").focus()                      # edit a weight, keyboard only
    page.keyboard.press("Enter")
    expect(tid(page, "param-input")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("-1.5")
    page.keyboard.press("Enter")
    expect(tid(page, "param-W2-0-0")).to_contain_text("= -1.5")
    expect(tid(page, "param-W2-0-0")).to_be_focused()
    expect(tid(page, "deriv-symbol")).to_have_text("w2")
    tid(page, "quiz-ask").press("Enter")                   # teaching mode
    expect(tid(page, "quiz-question")).not_to_be_empty()
    expect(tid(page, "quiz-answer")).to_be_focused()
    page.keyboard.type("12345")
    page.keyboard.press("Enter")
    expect(tid(page, "quiz-result")).to_contain_text("Not quite")
    expect(page.locator("#quiz-solution math").first).to_be_visible()
    answer_a_quiz_from_the_derivation(page)
    tid(page, "neurons-plus-0").focus()                    # reshape, keyboard only
    page.keyboard.press("Enter")
    expect(tid(page, "neurons-0")).to_have_text("2")
    expect(tid(page, "neurons-plus-0")).to_be_focused()    # the rebuilt editor keeps the focus
    page.keyboard.press("Space")
    expect(tid(page, "neurons-0")).to_have_text("3")
    expect(page.locator("#net-meta")).to_contain_text("1-3-1 ·")
    assert page.errors == []


def answer_a_quiz_from_the_derivation(page):
    """A learner asked for a factor or a gradient looks it up in the parameter's derivation."""
    tid(page, "quiz-ask").click()
    question = tid(page, "quiz-question")
    expect(question).to_contain_text("What is")
    asked = re.match(r"What is (\S+?)(?: in the derivation of dL/d(\w+))?\?$",
                     question.inner_text())
    assert asked, question.inner_text()
    if asked.group(2):                                   # a factor of dL/d<symbol>
        factor, symbol = asked.group(1), asked.group(2)
    else:                                                # the gradient dL/d<symbol> itself
        factor, symbol = None, asked.group(1)[len("dL/d"):]
    key = {"w1": "W1-0-0", "b1": "b1-0", "w2": "W2-0-0", "b2": "b2-0"}[symbol]
    tid(page, f"param-{key}").click()
    tid(page, "param-input").press("Escape")
    expect(tid(page, "deriv-symbol")).to_have_text(symbol)
    if factor is None:
        value = tid(page, "deriv-gradient").inner_text()
    else:
        row = tid(page, "derivation").locator("tbody tr").filter(
            has=page.locator("td", has_text=re.compile(f"^{re.escape(factor)}$")))
        value = row.first.locator("td").nth(1).inner_text()
    tid(page, "quiz-answer").fill(value)
    tid(page, "quiz-check").press("Enter")
    expect(tid(page, "quiz-result")).to_contain_text("Correct")
    assert page.errors == []


def test_toy_data_shapes_and_the_address(context, server):
    page = open_page(context, server)
    tid(page, "sample").select_option("0")             # PSA row 0: x = 3.8, Cancer
    tid(page, "btn-forward").click()
    expect(tid(page, "step-x")).to_have_text("3.8")
    expect(tid(page, "step-target")).to_have_text("1")
    assert "sample=0" in page.url
    tid(page, "dataset").select_option("circle")
    expect(tid(page, "view-map")).to_be_visible()
    expect(tid(page, "view-curve")).to_be_hidden()
    tid(page, "add-layer").click()
    expect(page.locator("#net-meta")).to_contain_text("2-1-1-1 ·")
    tid(page, "neurons-plus-0").click()
    expect(page.locator("#net-meta")).to_contain_text("2-2-1-1 ·")
    tid(page, "act-1").select_option("tanh")
    expect(page.locator("#net-meta")).to_contain_text("2-2-1-1 ·")
    tid(page, "btn-epoch").click()
    expect(tid(page, "epoch")).to_have_text("1")
    assert int(tid(page, "view-map").get_attribute("data-cells")) > 100
    assert "dataset=circle" in page.url and "hidden=2%2C1" in page.url
    page.reload()                                        # the address rebuilds the configuration
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(tid(page, "dataset")).to_have_value("circle")
    expect(tid(page, "act-1")).to_have_value("tanh")
    expect(page.locator("#net-meta")).to_contain_text("2-2-1-1 ·")
    expect(tid(page, "epoch")).to_have_text("0")
    tid(page, "article").click()                          # back to the article in one click
    expect(page.locator("#net-meta")).to_contain_text("1-1-1 ·")
    expect(tid(page, "param-W2-0-0")).to_have_text("w2 = -1")
    expect(tid(page, "sample")).to_have_value("8")
    assert "dataset=psa" in page.url
    assert page.errors == []


def test_downloads_and_a_model_loaded_back(context, server, tmp_path):
    page = open_page(context, server)
    type_param(page, "W2-0-0", "-2")
    with page.expect_download() as download:
        tid(page, "dl-model").click()
    model = tmp_path / "model.json"
    download.value.save_as(model)
    assert '"nnmath.network/1"' in model.read_text() or "nnmath.network/1" in model.read_text()
    with page.expect_download() as download:
        tid(page, "dl-explain-md").click()
    explanation = tmp_path / "step.md"
    download.value.save_as(explanation)
    assert "0.324962" not in explanation.read_text()       # w2 = -2: another step
    assert "0.5" in explanation.read_text()
    with page.expect_download() as download:
        tid(page, "dl-report").click()
    assert download.value.suggested_filename
    fresh = open_page(context, server)
    tid(fresh, "model-file").set_input_files(str(model))
    tid(fresh, "model-upload").click()
    expect(tid(fresh, "param-W2-0-0")).to_contain_text("= -2")
    expect(tid(fresh, "status")).to_contain_text("model.json")


def test_the_address_keeps_every_configuration_key(context, server):
    page = open_page(context, server, "#dataset=blobs&n_classes=3&hidden=2&seed=2")
    expect(tid(page, "dataset")).to_have_value("blobs")
    expect(tid(page, "n_classes")).to_have_value("3")          # the key the API has
    expect(page.locator("#net-meta")).to_contain_text("2-2-3 ·")  # three classes: 3 outputs
    assert "n_classes=3" in page.url
    tid(page, "n_classes").fill("4")
    tid(page, "n_classes").press("Enter")
    tid(page, "n_classes").blur()                               # a change event
    expect(page.locator("#net-meta")).to_contain_text("2-2-4 ·")
    assert "n_classes=4" in page.url
    tid(page, "dataset").select_option("xor")                   # two classes: no such field
    expect(tid(page, "n_classes")).to_be_hidden()
    expect(tid(page, "n_samples")).to_be_visible()
    tid(page, "dataset").select_option("psa")                   # no toy fields at all
    expect(tid(page, "n_samples")).to_be_hidden()
    assert page.errors == []


# Records every Content-Security-Policy violation of a page (Playwright's init scripts are
# not subject to the page's policy).
CSP_LISTENER = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));"""


def test_the_page_and_the_docs_work_under_their_content_security_policy(context, server,
                                                                         tmp_path):
    """Issue 19: the page and /docs send a strict policy (no inline script but /docs's
    hashed one, no framing) and nothing on them is refused by it; every request of the
    page that changes state carries its proof (X-Requested-With) and its Origin."""
    context.add_init_script(CSP_LISTENER)
    requests = []
    context.on("request", lambda r: requests.append(r))
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text))
    first = page.goto(f"{server}/#play")
    policy = first.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    for button in ("btn-forward", "btn-loss", "btn-backward"):   # the step's HTML and MathML
        tid(page, button).click()
    expect(tid(page, "grad-W1-0-0")).to_have_text(GRADIENTS["W1-0-0"])
    tid(page, "param-W1-0-0").click()                            # a derivation
    tid(page, "param-input").press("Escape")
    expect(page.locator("[data-testid=derivation] math").first).to_be_visible()
    tid(page, "quiz-ask").click()                                 # a question
    expect(tid(page, "quiz-question")).not_to_be_empty()
    tid(page, "btn-epoch").click()
    expect(tid(page, "epoch")).to_have_text("1")
    tid(page, "dataset").select_option("circle")                 # new data: its rows, once
    expect(tid(page, "view-map")).to_be_visible()
    expect(tid(page, "sample").locator("option")).to_have_count(200)
    assert page.evaluate("window.__csp") == []
    assert [m for m in console if "Content Security Policy" in m] == []
    changing = [r for r in requests if r.method in ("POST", "PUT", "DELETE")]
    assert len(changing) >= 5          # the session, the step, the quiz, train, config
    for request in changing:
        headers = request.all_headers()
        assert headers.get("x-requested-with") == "nnmath", (request.url, headers)
        assert headers.get("origin") == server, (request.url, headers)
    rows = [r.url for r in requests if r.url.endswith("/data")]
    assert len(rows) == 2, rows          # the rows of PSA, then of circle: once each
    docs = context.new_page()
    docs.goto(f"{server}/docs")
    expect(docs.locator('[data-path="/api/sessions/{sid}/data"]').first).to_be_visible()
    assert docs.evaluate("window.__csp") == []


def test_no_other_site_can_frame_the_page(context, server):
    """frame-ancestors 'none': the page inside another page's frame is refused."""
    page = context.new_page()
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refused:
        page.set_content(f'<iframe src="{server}/" title="framed"></iframe>')
    assert "The request has been blocked" in refused.value.text


def test_the_api_docs_load_with_no_network(context, server, shots):
    """/docs (Swagger UI) with every request that would leave 127.0.0.1 refused."""
    refused = []

    def local_only(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.goto(f"{server}/docs")
    assert refused == [], f"/docs asks for files elsewhere: {refused}"
    expect(page.locator('[data-path="/api/options"]').first).to_be_visible()
    expect(page.locator('[data-path="/api/sessions/{sid}/step"]').first).to_be_visible()
    screenshot(page, shots, "7_api_docs")
    assert refused == []
    assert page.request.get(f"{server}/redoc").status == 404   # no page that needs a CDN
