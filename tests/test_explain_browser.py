"""The HTML explanation opens in headless Chromium (Debian's package), shows the numbers,
and is not blank; the page loads nothing from the network.

Skipped (with the reason) only where /usr/bin/chromium or playwright is missing; `.ci/run`
installs both.
"""

import math

from browsers import needs_chromium, pixel_spread

pytestmark = needs_chromium


def _open(browser, path):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    png = page.screenshot(full_page=False)
    text = page.inner_text("body")
    boxes = page.eval_on_selector_all("math", "els => els.map(e => e.getBoundingClientRect().width)")
    page.close()
    return png, text, boxes, requests


def test_article_step_page(browser, cli, tmp_path):
    out = tmp_path / "step.html"
    result = cli("explain", "--format", "html", "--output", str(out))
    assert result.returncode == 0, result.stderr
    png, text, boxes, requests = _open(browser, out)
    assert pixel_spread(png) > 20, "the screenshot is (nearly) blank"
    for value in ("0.324962", "0.0528003", "0.219362", "0.196612", "0.0521131", "-0.0280307",
                  "0.502803", "-1.00521", "0.322266", "0.0519276", "Chain-rule factors"):
        assert value in text, value
    assert boxes and min(boxes) > 0            # MathML laid out, not left as raw tags
    assert [u for u in requests if not u.startswith("file://")] == []


def test_2_3_2_page_of_the_user_s_own_network(browser, cli, tmp_path):
    from nnmath import Dense, Network

    model = tmp_path / "mine.json"
    Network([Dense(W=[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], b=[0, 0.1, -0.1]),
             Dense(W=[[0.7, -0.8], [0.9, 0.1], [-0.3, 0.2]], b=[0.05, -0.05])]).save(model)
    out = tmp_path / "mine.html"
    result = cli("explain", "--model", str(model), "--x", "1", "0.5", "--y", "1", "0",
                 "--loss", "bce", "--check", "--format", "html", "--output", str(out))
    assert result.returncode == 0, result.stderr
    png, text, boxes, _ = _open(browser, out)
    assert pixel_spread(png) > 20
    # Hand computation: y_hat_0 and delta1[0] = (Σ_k delta2[k] W2[0,k]) · a1(1 − a1).
    S = lambda z: 1.0 / (1.0 + math.exp(-z))  # noqa: E731
    a1 = [S(0.3), S(0.15), S(-0.1)]
    y = [S(0.7 * a1[0] + 0.9 * a1[1] - 0.3 * a1[2] + 0.05),
         S(-0.8 * a1[0] + 0.1 * a1[1] + 0.2 * a1[2] - 0.05)]
    delta1_0 = ((y[0] - 1) * 0.7 + y[1] * -0.8) * a1[0] * (1 - a1[0])
    for fragment in ("Network 2-3-2", "full product", "shortcut", "Gradient check",
                     "Largest relative difference", f"{y[0]:.6g}", f"{delta1_0:.6g}"):
        assert fragment in text, fragment
