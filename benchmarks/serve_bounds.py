"""How long the slowest requests ``nnmath serve``'s limits allow take on this machine.

The limits are counts (:mod:`nnmath.web.limits`), never times: this script times the
requests that sit at them, through the real API (FastAPI's test client), so that the
counts can be checked against "a request returns within about a second" here:

    python benchmarks/serve_bounds.py            # a table; --json for the numbers

Cases: a /train request of the most epochs ``max_epochs_now`` allows, for jobs that
meet each bound (many small steps: ``max_steps``; much arithmetic: ``max_work``; deep
networks), and /report at ``max_report_layers`` and at ``max_params``.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from fastapi.testclient import TestClient

from nnmath.web.app import create_app
from nnmath.web.limits import LIMITS

SCRIPT = {"X-Requested-With": "bench"}


def rows_csv(n: int, features: int = 1) -> bytes:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, features))
    head = ",".join(f"x{k}" for k in range(features)) + ",t\n"
    return (head + "".join(",".join(f"{v:.6f}" for v in row) + f",{int(row[0] > 0)}\n"
                           for row in X)).encode()


def model_file(sizes: list[int]) -> bytes:
    rng = np.random.default_rng(0)
    layers = [{"activation": "tanh" if k < len(sizes) - 2 else "sigmoid",
               "W": (rng.normal(size=(a, b)) / np.sqrt(a)).tolist(), "b": [0.0] * b}
              for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]
    return json.dumps({"format": "nnmath.network/1", "layers": layers}).encode()


def timed(call) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of a request (the CPU time of this process, the server's
    thread included: what an idle machine's wall clock would show), and its status."""
    start, cpu = time.perf_counter(), time.process_time()
    response = call()
    return time.perf_counter() - start, time.process_time() - cpu, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    with TestClient(create_app(), base_url="http://127.0.0.1", headers=SCRIPT) as client:
        def session() -> str:
            return f"/api/sessions/{client.post('/api/sessions').json()['session']}"

        def train_case(name: str, url: str) -> None:
            state = client.get(url).json()
            epochs = state["max_epochs_now"]
            seconds, cpu, status = timed(lambda: client.post(f"{url}/train",
                                                             json={"epochs": epochs}))
            net, n = state["network"], state["data"]["n_samples"]
            results.append({"case": name, "request": f"/train epochs={epochs}",
                            "sizes": "-".join(map(str, net["sizes"])), "rows": n,
                            "batch": state["config"]["batch_size"], "status": status,
                            "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3)})

        url = session()   # many steps: 10 000 rows, 1-1-1, one row a step
        client.post(f"{url}/csv", files={"file": ("r.csv", rows_csv(10_000))},
                    data={"target": "t"})
        client.put(f"{url}/config", json={"hidden": [1], "batch_size": 1})
        train_case("max_steps, 2 layers", url)
        client.put(f"{url}/config", json={"hidden": [1] * LIMITS.max_hidden_layers,
                                          "batch_size": 2})
        train_case("max_steps, deepest page network", url)
        url = session()   # much arithmetic: 1 000 rows, a wide network, one batch
        client.put(f"{url}/config", json={"dataset": "spiral", "n_samples": LIMITS.max_samples,
                                          "hidden": [64, 64], "batch_size": LIMITS.max_samples,
                                          "activations": ["tanh", "tanh", "sigmoid"],
                                          "loss": "bce"})
        train_case("max_work, full batch", url)
        client.put(f"{url}/config", json={"batch_size": 1})
        train_case("max_work, one row a step", url)
        url = session()   # an uploaded deep model on PSA (14 rows)
        client.post(f"{url}/model", files={"file": ("deep.json", model_file([1] * 201))})
        train_case("max_steps, 200 layers uploaded", url)
        for name, sizes in (("max_report_layers", [1] * (LIMITS.max_report_layers + 1)),
                            ("report of the deepest page network",
                             [2] + [8] * LIMITS.max_hidden_layers + [1]),
                            ("report near max_params", [1, 99, 99, 1])):
            url = session()
            client.post(f"{url}/model", files={"file": ("m.json", model_file(sizes))})
            seconds, cpu, status = timed(lambda: client.get(f"{url}/report"))
            results.append({"case": name, "request": "/report",
                            "sizes": "-".join(map(str, sizes)), "rows": None, "batch": None,
                            "status": status, "seconds": round(seconds, 3),
                            "cpu_seconds": round(cpu, 3)})
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(f"{'case':36} {'request':20} {'network':24} {'rows':>6} {'batch':>5} status "
          " wall s   CPU s")
    for r in results:
        sizes = r["sizes"] if len(r["sizes"]) <= 24 else r["sizes"][:21] + "..."
        print(f"{r['case']:36} {r['request']:20} {sizes:24} {r['rows'] or '':>6} "
              f"{r['batch'] or '':>5} {r['status']:>6} {r['seconds']:7.2f} "
              f"{r['cpu_seconds']:7.2f}")


if __name__ == "__main__":
    main()
