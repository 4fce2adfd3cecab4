"""The targets of issues 12 and 21, checked against a run of ``peers.py``: (target, measured,
met)."""

from __future__ import annotations

MEMORY_HEADROOM_MB = 60


def _ratio_row(target, measured, limit, at_most=True, fmt="{:.2f}x"):
    met = measured <= limit if at_most else measured >= limit
    return {"target": target, "measured": fmt.format(measured), "value": measured, "met": met}


def _p1(res):
    peers = res["peers"]
    if "pure Python" not in peers:
        return []
    nn = peers["nnmath Network.fit"]
    return [_ratio_row("P1 first call: nnmath Network.fit <= 1.0x the pure-Python loop's time "
                       "(fresh processes)", nn["over_reference_first"], 1.0),
            _ratio_row("P1 warm: nnmath Network.fit <= 0.35x the pure-Python loop's time",
                       nn["over_reference_warm"], 0.35)] + (
        [_ratio_row("P1 warm, nnmath's compiled kernel loaded before: <= 0.35x the "
                    "pure-Python loop's time", peers["nnmath, numba loaded"]["over_reference_warm"],
                    0.35)] if "nnmath, numba loaded" in peers else [])


def _engines(res):
    rows = [_ratio_row(f"engine choice: auto <= {res['limit']}x the fastest engine, every job "
                       "(fresh processes)", res["worst"], res["limit"])]
    if "worst_chosen" in res:
        rows.append(_ratio_row(f"engine choice: the engine auto chose <= {res['limit']}x the "
                               "fastest, every job (its own cells)", res["worst_chosen"],
                               res["limit"]))
    return rows


def _p2(res):
    peers, out = res["peers"], []
    hand = peers.get("NumPy hand loop")
    for name in ("nnmath Network.fit", "nnmath estimator"):
        if name in peers and hand:
            out.append(_ratio_row(f"P2: {name} <= 1.0x the hand NumPy loop's time (warm)",
                                  peers[name]["best_s"] / hand["best_s"], 1.0))
    return out


def _p3(res):
    peers, out = res["peers"], []
    nn = peers["nnmath float32"]
    for name in ("PyTorch f32 usual loop", "PyTorch f32"):
        if name in peers:
            out.append(_ratio_row(f"P3: nnmath >= 1.3x the samples/s of {name}",
                                  peers[name]["best_s"] / nn["best_s"], 1.3, at_most=False))
    out.append(_ratio_row("P3: nnmath >= 60% of float32 GEMM peak", nn["gemm_share"], 0.60,
                          at_most=False, fmt="{:.1%}"))
    return out


def _memory(res):
    nn = res.get("nnmath float32")
    if nn is None:
        return []
    limit = nn["data_mb"] + MEMORY_HEADROOM_MB
    return [_ratio_row(f"P3 memory: nnmath peak RSS <= data ({nn['data_mb']:.0f} MB) + "
                       f"{MEMORY_HEADROOM_MB} MB", nn["peak_rss_mb"], limit, fmt="{:.0f} MB")]


def _cli(res):
    times, out = res["seconds"], []
    for name, limit in (("nnmath demo", 1.0), ("nnmath report (the article)", 3.0)):
        if name in times:
            out.append(_ratio_row(f"{name} <= {limit:g} s", times[name]["median"], limit,
                                  fmt="{:.2f} s"))
    explain = "nnmath explain --article b --x 2 --y 0 --format json"
    numpy = 'python -c "import numpy"'
    if explain in times and numpy in times:
        out.append(_ratio_row("nnmath explain --json <= 1.5x python -c 'import numpy'",
                              times[explain]["median"] / times[numpy]["median"], 1.5))
    heavy = res["heavy_imports"]
    out.append({"target": "import nnmath loads no matplotlib/scipy/sklearn/torch/numba",
                "measured": ", ".join(heavy) or "none", "value": len(heavy), "met": not heavy})
    return out


def targets(results: dict) -> list:
    """Every target whose section ran: dicts with target, measured (text), value, met."""
    rows = []
    for section, check in (("P1", _p1), ("engines", _engines), ("P2", _p2), ("P3", _p3),
                           ("memory", _memory), ("cli", _cli)):
        if section in results:
            rows += check(results[section])
    return rows
