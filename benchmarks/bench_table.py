"""The tables of a ``peers.py`` run, in Markdown (docs/benchmarks.md shows them as printed)."""

from __future__ import annotations


def _md(header, rows) -> list:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _p1(res) -> list:
    rows = []
    for name, p in res["peers"].items():
        for call, label in (("first", "first call"), ("warm", "warm")):
            s = p["best_first_s"] if call == "first" else p["best_s"]
            rows.append([name, label, f"{p['loss']:.5f}", f"{round(p['accuracy'] * 14)}/14",
                         f"{s:.4f}", f"{p[f'{call}_us_per_update']:.2f}",
                         f"{p[f'over_reference_{call}']:.2f}"])
    head = (f"P1 — the article: 1-1-1 sigmoid, ½SSR, per-sample SGD, η 0.1, 14 rows × "
            f"{res['epochs']} epochs = {res['updates']} updates (loss spread over the same "
            f"algorithm: {res['loss_spread']:.1e}). Each contender alone in fresh processes: "
            f"first call = one fit in a fresh process (best of {res['processes']}); warm = "
            f"a later fit in the same process (best of {res['processes'] * res['warm_calls']})")
    return [head, ""] + _md(["contender", "call", "final loss", "correct", "best s",
                             "µs/update", "÷ pure Python (same call)"], rows) + _skipped(res)


def _skipped(res) -> list:
    return [f"skipped {name}: {why}" for name, why in res.get("skipped", {}).items()]


def _p2(res) -> list:
    rows = [[name, f"{p['loss']:.6f}", f"{p['accuracy']:.4f}", f"{p['best_first_s']:.3f}",
             f"{p['best_s']:.3f}", f"{p['samples_per_s']:,.0f}",
             f"{p['over_reference_warm']:.2f}"]
            for name, p in res["peers"].items()]
    head = (f"P2 — digits 64-32-10 relu+softmax, batch 32, η 0.1, {res['epochs']} epochs over "
            f"{res['rows']} rows (loss spread: {res['loss_spread']:.1e}); each contender in "
            f"fresh processes, warm = best later call")
    return [head, ""] + _md(["contender", "final loss", "accuracy", "first call s", "warm s",
                             "samples/s (warm)", "÷ NumPy hand loop"], rows) + _skipped(res)


def _p3(res, memory) -> list:
    rows = []
    for name, p in res["peers"].items():
        rss = memory.get(name, {}).get("peak_rss_mb") if memory else None
        acc = "—" if p["accuracy"] != p["accuracy"] else f"{p['accuracy']:.4f}"
        rows.append([name, f"{p['loss']:.5f}", acc, f"{p['best_first_s']:.3f}",
                     f"{p['best_s']:.3f}", f"{p['samples_per_s']:,.0f}", f"{p['gemm_share']:.1%}",
                     f"{p['over_reference_warm']:.2f}", "—" if rss is None else f"{rss:.0f} MB"])
    if memory and "data only" in memory:
        rows.append(["(data only, no training)", "", "", "", "", "", "", "",
                     f"{memory['data only']['peak_rss_mb']:.0f} MB"])
    head = (f"P3 — wide {res['rows']} × {res['features']} float32 (data {res['data_mb']:.0f} MB), "
            f"{res['features']}-{res['hidden']}-10, batch 128, 1 epoch; GEMM peak "
            f"{res['gemm_peak_gflops']:.0f} GFLOP/s; threads: {res['threads']}; each contender "
            "in fresh processes, warm = best later call. PyTorch's usual loop: running mean "
            "of the batch losses, no pass over all rows (its loss is that mean)")
    return [head, ""] + _md(["contender", "final loss", "accuracy", "first call s", "warm s",
                             "samples/s (warm)", "% GEMM peak", "÷ NumPy hand loop",
                             "peak RSS"], rows) + _skipped(res)


def _memory_only(memory) -> list:
    rows = [[name, f"{m['peak_rss_mb']:.0f} MB", f"{m['data_mb']:.0f} MB"]
            for name, m in memory.items()]
    return ["P3 peak RSS, one fresh process each", ""] + _md(["peer", "peak RSS", "data"], rows)


def _cli(res) -> list:
    numpy = res["seconds"].get('python -c "import numpy"')
    rows = [[f"`{name}`", f"{r['median']:.2f}", len(r["seconds"]),
             f"{r['median'] / numpy['median']:.1f}x" if numpy else "—",
             "ok" if r["returncode"] == 0 else f"exit {r['returncode']}"]
            for name, r in res["seconds"].items()]
    return ["Whole processes (median s)", ""] + _md(
        ["command", "median s", "runs", "÷ import numpy", "exit"], rows) + [
        "", f"`import nnmath` loads: {', '.join(res['heavy_imports']) or 'none of the heavy ones'}"]


def _growth(res) -> list:
    rows = []
    for impl, axes in res["series"].items():
        for axis, s in axes.items():
            rows.append([impl, axis, " → ".join(str(v) for v in s["sizes"]),
                         " → ".join(f"{t:.3f}" for t in s["seconds"]),
                         ", ".join(f"{r:.2f}" for r in s["per_doubling"])])
    return [f"Growth, P2-style ({res['epochs']} epochs): time as rows, then hidden width, "
            "double (2.00 per doubling = linear); each job in a fresh process, best warm "
            "call", ""] + _md(
        ["implementation", "doubling", "sizes", "median s", "ratio per doubling"], rows)


def _targets(rows) -> list:
    return ["Targets of issues 12 and 21", ""] + _md(
        ["target", "measured", "met"],
        [[r["target"], r["measured"], "yes" if r["met"] else "no"] for r in rows])


def table(results: dict) -> str:
    m = results["machine"]
    parts = [[f"machine: {m['nproc']} cores, {m['cpu']}, load average "
              f"{m['load_average'][0]:.1f} at start, {m['load_average_end'][0]:.1f} at end; "
              f"{m['date_utc']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())]]
    if "P1" in results:
        parts.append(_p1(results["P1"]))
    if "engines" in results:
        from bench_engines import table as engine_table

        parts.append(engine_table(results["engines"]))
    if "P2" in results:
        parts.append(_p2(results["P2"]))
    if "P3" in results:
        parts.append(_p3(results["P3"], results.get("memory")))
    elif "memory" in results:
        parts.append(_memory_only(results["memory"]))
    if "cli" in results:
        parts.append(_cli(results["cli"]))
    if "growth" in results:
        parts.append(_growth(results["growth"]))
    parts.append(_targets(results["targets"]))
    return "\n\n".join("\n".join(p) for p in parts)
