"""How fast the page of ``nnmath serve`` trains, as a reader sees it (issue 21).

Starts ``nnmath serve --port 0`` in a subprocess, opens the page in headless Chromium
(Debian's /usr/bin/chromium through Playwright, never ``playwright install``), presses Run,
and counts, over a fixed window while training runs:

- epochs per second (the page's own epoch counter, at the window's start and end);
- updates of the network drawing per second (a MutationObserver on the ``#net`` SVG: its
  children, attributes and texts);
- updates of the charts per second (MutationObservers on the loss chart and on the
  prediction view: the curve's SVG, or the decision map's canvas, whose drawing sets its
  ``data-cells``). One redraw is one callback: the page draws synchronously, so a redraw's
  mutations reach an observer together.

Two networks: (a) the article's network B on PSA (the page's defaults) and (b) a
2-16-16-1 network on 500 rows (scikit-learn's ``make_moons``, seed 0), uploaded through the
page's own CSV control. The page's own controls set everything (the address for the layers,
the "epochs per update" select), as a reader would. Target: the drawing and the charts
update at least 20 times a second while training.

    python benchmarks/bench_page.py                  # 3 windows of 5 s per network
    python benchmarks/bench_page.py --quick          # 1 window of 1 s (a smoke run)
    python benchmarks/bench_page.py --epochs-per 10  # the page's "epochs per update"

Besides the rates, for what limits them: the median time of a /train request as the page
saw it (Resource Timing), and the CPU time per update of the server process and of the
browser (Chromium's processes and Playwright's driver: /proc, Linux only) and the busy time
of the page's main thread (DevTools' Performance metrics). The machine is shared: the load
average before and after is in the output.

Prints a Markdown table and writes benchmarks/results/page.json (``--out`` for another path).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-features=Translate,OptimizationHints,MediaRouter"]
TARGET_PER_SECOND = 20.0
# tall enough that the network and the Training panel's charts are on the screen together,
# as a reader watching them train has them (the landscape and the neurons are below)
VIEWPORT = {"width": 1400, "height": 1600}
PATIENCE_MS = 120_000
ROWS, SEED = 500, 0

# Installed before the page's own scripts run: counts every redraw of the drawing and charts.
OBSERVER = """
(() => {
  const stats = { net: 0, loss: 0, view: 0 };
  window.__benchStats = stats;
  const watch = (id, key, attributes) => {
    const node = document.getElementById(id);
    if (!node) return false;
    new MutationObserver(() => { stats[key] += 1; }).observe(node,
      attributes ? { attributes: true }
        : { childList: true, subtree: true, attributes: true, characterData: true });
    return true;
  };
  document.addEventListener("DOMContentLoaded", () => {
    watch("net", "net", false);
    watch("loss-chart", "loss", false);
    watch("view-curve", "view", false);
    watch("view-map", "view", true);
  });
})();
"""

NETWORKS = {
    "psa": {"label": "PSA, network B, 14 rows", "fragment": "#play", "csv": False},
    "moons": {"label": "make_moons, 500 rows",
              "fragment": "#hidden=16,16&activations=tanh,tanh,sigmoid", "csv": True},
}


def moons_csv() -> bytes:
    """500 rows of two features and a 0/1 target: make_moons(500, noise 0.2, seed 0)."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=ROWS, noise=0.2, random_state=SEED)
    lines = ["x1,x2,target"] + [f"{a:.6f},{b:.6f},{int(t)}" for (a, b), t in zip(X, y)]
    return ("\n".join(lines) + "\n").encode()


class Server:
    """``nnmath serve --port 0`` in a subprocess, stopped on exit."""

    pid = 0

    def __enter__(self) -> str:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nnmath", "serve", "--port", "0"], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.pid = self.proc.pid
        line = self.proc.stdout.readline()
        match = re.search(r"(http://\S+)", line)
        if not match:
            self.proc.kill()
            raise SystemExit(f"nnmath serve did not start: {line!r} {self.proc.stderr.read()}")
        return match.group(1).rstrip("/")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def counters(page) -> dict[str, float]:
    got = page.evaluate("() => ({...window.__benchStats, "
                        "epoch: Number(document.getElementById('epoch').textContent), "
                        "t: performance.now()})")
    return {k: float(v) for k, v in got.items()}


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system) of process ``pid`` so far, or None off Linux."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_seconds(server_pid: int) -> float | None:
    """The CPU time so far of every process this one started but the server: Chromium's
    processes (browser, renderer, GPU, ...) and Playwright's driver; None off Linux."""
    parents: dict[int, int] = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    if not parents:
        return None
    mine, grew = {os.getpid()}, True
    while grew:
        more = {pid for pid, parent in parents.items()
                if parent in mine and pid not in mine and pid != server_pid}
        mine |= more
        grew = bool(more)
    mine.discard(os.getpid())
    return sum(cpu_seconds(pid) or 0.0 for pid in mine)


def main_thread_seconds(cdp) -> float:
    """The page's main thread busy time so far (DevTools' Performance.getMetrics)."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return float(metrics.get("TaskDuration", 0.0))


# The page's requests in the window, from its Resource Timing entries: each /train request's
# time from sending to the last byte, and how many requests the panels made meanwhile.
REQUESTS = """() => {
  const all = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/"));
  const train = all.filter((e) => /\/train$/.test(new URL(e.name).pathname));
  return { train: train.map((e) => e.responseEnd - e.startTime), others: all.length - train.length };
}"""


def open_network(context, url: str, name: str, epochs_per: int, csv_path: str | None):
    from playwright.sync_api import expect

    spec = NETWORKS[name]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/{spec['fragment']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    if spec["csv"]:
        assert csv_path is not None
        page.get_by_test_id("csv-file").set_input_files(csv_path)
        page.get_by_test_id("csv-target").fill("target")
        page.get_by_test_id("csv-upload").click()
        expect(page.get_by_test_id("status")).to_have_text(re.compile(f"^Loaded {ROWS} rows"))
    sizes = page.locator("#net-meta").inner_text().split(" ")[0]
    page.get_by_test_id("epochs-per").select_option(str(epochs_per))
    return page, sizes, errors


def measure(page, cdp, server_pid: int, seconds: float, warmup: float) -> dict[str, Any]:
    """Run, wait ``warmup`` s, count over ``seconds`` s, Pause. Besides the rates: the
    median time of a /train request as the page saw it, the other requests (the panels'),
    and the CPU time per update of the server process and of the page's main thread."""
    from playwright.sync_api import expect

    run = page.get_by_test_id("btn-run")
    run.click()
    expect(run).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(warmup * 1000)
    page.evaluate("() => performance.clearResourceTimings()")
    start, server0, page0 = counters(page), cpu_seconds(server_pid), main_thread_seconds(cdp)
    browser0 = browser_cpu_seconds(server_pid)
    page.wait_for_timeout(seconds * 1000)
    end, server1, page1 = counters(page), cpu_seconds(server_pid), main_thread_seconds(cdp)
    browser1 = browser_cpu_seconds(server_pid)
    requests = page.evaluate(REQUESTS)
    run.click()
    expect(run).to_have_attribute("aria-pressed", "false")
    elapsed = (end["t"] - start["t"]) / 1000
    rate = {k: (end[k] - start[k]) / elapsed for k in ("epoch", "net", "loss", "view")}
    updates = max(1.0, end["net"] - start["net"])
    return {"seconds": round(elapsed, 3), "epochs_per_s": rate["epoch"],
            "drawing_updates_per_s": rate["net"],
            "chart_updates_per_s": min(rate["loss"], rate["view"]),
            "loss_chart_updates_per_s": rate["loss"], "view_updates_per_s": rate["view"],
            "train_request_ms": median(requests["train"]) if requests["train"] else None,
            "panel_requests": requests["others"],
            "server_cpu_ms_per_update": None if server0 is None or server1 is None
            else 1000 * (server1 - server0) / updates,
            "browser_cpu_ms_per_update": None if browser0 is None or browser1 is None
            else 1000 * (browser1 - browser0) / updates,
            "page_main_thread_ms_per_update": 1000 * (page1 - page0) / updates}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "load_average": list(os.getloadavg()),
            "python": platform.python_version()}


def run(networks: list[str], seconds: float, warmup: float, repeats: int,
        epochs_per: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    results = []
    load_before = list(os.getloadavg())
    server = Server()
    with tempfile.TemporaryDirectory() as tmp, server as url, sync_playwright() as p:
        csv_path = os.path.join(tmp, "moons.csv")
        pathlib.Path(csv_path).write_bytes(moons_csv())
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for name in networks:
                context = browser.new_context(viewport=VIEWPORT)
                context.set_default_timeout(PATIENCE_MS)
                context.add_init_script(OBSERVER)
                page, sizes, errors = open_network(context, url, name, epochs_per, csv_path)
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                trials = [measure(page, cdp, server.pid, seconds, warmup)
                          for _ in range(repeats)]
                if errors:
                    raise SystemExit(f"the page failed: {errors}")
                row: dict[str, Any] = {"network": name, "label": NETWORKS[name]["label"],
                                       "sizes": sizes, "epochs_per_update": epochs_per,
                                       "trials": trials}
                for key in ("epochs_per_s", "drawing_updates_per_s", "chart_updates_per_s",
                            "train_request_ms", "server_cpu_ms_per_update",
                            "browser_cpu_ms_per_update", "page_main_thread_ms_per_update"):
                    values = [t[key] for t in trials if t[key] is not None]
                    row[key] = median(values) if values else None
                row["target_met"] = bool(
                    min(row["drawing_updates_per_s"], row["chart_updates_per_s"])
                    >= TARGET_PER_SECOND)
                results.append(row)
                context.close()
        finally:
            browser.close()
    return {"target_updates_per_s": TARGET_PER_SECOND, "window_seconds": seconds,
            "warmup_seconds": warmup, "repeats": repeats,
            "machine": {**machine(), "load_before": load_before},
            "results": results}


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def table(report: dict[str, Any]) -> str:
    """The results as a Markdown table (the rates are the median of the windows)."""
    head = ("network", "epochs/update", "epochs/s", "drawing updates/s", "chart updates/s",
            f"≥ {report['target_updates_per_s']:g}/s?", "windows (drawing updates/s)",
            "/train ms", "server CPU ms/update", "browser CPU ms/update",
            "page main thread ms/update")
    rows = [head] + [(f"{r['label']} [{r['sizes']}]", str(r["epochs_per_update"]),
                      _num(r["epochs_per_s"]), _num(r["drawing_updates_per_s"]),
                      _num(r["chart_updates_per_s"]), "yes" if r["target_met"] else "no",
                      " · ".join(_num(t["drawing_updates_per_s"]) for t in r["trials"]),
                      _num(r["train_request_ms"]), _num(r["server_cpu_ms_per_update"]),
                      _num(r["browser_cpu_ms_per_update"]),
                      _num(r["page_main_thread_ms_per_update"]))
                     for r in report["results"]]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in head) + "|")
    m = report["machine"]
    lines.append(f"\n{m['cpu']}, {m['cores']} cores; load average {m['load_before'][0]:.2f}"
                 f" before, {m['load_average'][0]:.2f} after; {report['repeats']} window(s) of "
                 f"{report['window_seconds']:g} s per network")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="one window of 1 s per network (a smoke run)")
    parser.add_argument("--seconds", type=float, default=5.0, help="the window, s (5)")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="training before the window, s (1)")
    parser.add_argument("--repeats", type=int, default=3, help="windows per network (3)")
    parser.add_argument("--epochs-per", type=int, default=1, choices=(1, 5, 10, 50),
                        help="the page's 'epochs per update' (1, its default)")
    parser.add_argument("--only", choices=sorted(NETWORKS), action="append",
                        help="one network (repeatable); default both")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "page.json"),
                        help="where the JSON goes")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.warmup, args.repeats = 1.0, 0.5, 1
    report = run(args.only or list(NETWORKS), args.seconds, args.warmup, args.repeats,
                 args.epochs_per)
    report["command"] = "python benchmarks/bench_page.py " + " ".join(
        sys.argv[1:] if argv is None else argv)
    print(table(report))
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    os.replace(tmp, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
