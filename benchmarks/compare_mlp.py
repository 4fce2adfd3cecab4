"""nnmath's NNClassifier vs scikit-learn's MLPClassifier, same settings, same folds.

Breast-cancer data (scikit-learn's copy), standardised inside each fold
(``Pipeline(StandardScaler, classifier)``), 5-fold stratified cross-validation
(shuffled with ``--seed``). Both classifiers get the same architecture,
activation, optimizer (Adam), learning rate, epochs, batch size, L2 alpha and
random_state; scikit-learn's own convergence stop is switched off
(``n_iter_no_change > max_iter``) so that both run every epoch.

    python benchmarks/compare_mlp.py                   # the default settings, seed 0
    python benchmarks/compare_mlp.py --seeds 0 1 2     # one table per seed, then the mean
    python benchmarks/compare_mlp.py --epochs 200 --hidden 64 32 --json

Prints one row per fold with both accuracies and their difference, then the
means; ``--json`` prints the same as one JSON object. The seed sets the folds
and both classifiers' random_state; one test fold of 114 rows moves the
accuracy by 0.88 points, so several seeds give a steadier comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

import numpy as np


def settings(hidden=(32,), activation="relu", learning_rate=0.001, epochs=100, batch_size=32,
             alpha=1e-4, seed=0) -> dict:
    return dict(hidden=tuple(hidden), activation=activation, learning_rate=learning_rate,
                epochs=epochs, batch_size=batch_size, alpha=alpha, seed=seed)


def classifiers(s: dict):
    """The two classifiers, configured identically."""
    from sklearn.neural_network import MLPClassifier

    from nnmath.estimator import NNClassifier

    sk = MLPClassifier(hidden_layer_sizes=s["hidden"], activation=_sk_activation(s),
                       solver="adam", learning_rate_init=s["learning_rate"],
                       max_iter=s["epochs"], batch_size=s["batch_size"], alpha=s["alpha"],
                       shuffle=True, random_state=s["seed"], n_iter_no_change=s["epochs"] + 1,
                       tol=0.0)
    nn = NNClassifier(hidden_layer_sizes=s["hidden"], activation=s["activation"],
                      optimizer="adam", learning_rate=s["learning_rate"], epochs=s["epochs"],
                      batch_size=s["batch_size"], alpha=s["alpha"], random_state=s["seed"])
    return {"scikit-learn": sk, "nnmath": nn}


def _sk_activation(s):
    return {"sigmoid": "logistic"}.get(s["activation"], s["activation"])


def compare(folds=5, **kwargs) -> dict:
    """Accuracy per fold and mean for both libraries (and the seconds each took)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedKFold, cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    s = settings(**kwargs)
    X, y = load_breast_cancer(return_X_y=True)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=s["seed"])
    result = {"settings": {**s, "hidden": list(s["hidden"]), "folds": folds,
                           "optimizer": "adam", "data": "breast_cancer (569 x 30), standardised"}}
    for name, clf in classifiers(s).items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # every epoch runs, by design
            scores = cross_validate(make_pipeline(StandardScaler(), clf), X, y, cv=cv)
        result[name] = {"fold_accuracy": scores["test_score"].tolist(),
                        "mean_accuracy": float(np.mean(scores["test_score"])),
                        "std_accuracy": float(np.std(scores["test_score"])),
                        "seconds": time.perf_counter() - start}
    result["difference_points"] = 100 * (result["nnmath"]["mean_accuracy"]
                                         - result["scikit-learn"]["mean_accuracy"])
    return result


def table(result: dict) -> str:
    s = result["settings"]
    lines = [f"breast cancer, {s['folds']}-fold stratified CV, hidden {tuple(s['hidden'])}, "
             f"{s['activation']}, adam, learning rate {s['learning_rate']}, {s['epochs']} "
             f"epochs, batch {s['batch_size']}, alpha {s['alpha']}, random_state {s['seed']}",
             "",
             f"{'fold':>6}  {'scikit-learn':>12}  {'nnmath':>8}  {'nnmath - sklearn':>16}"]
    sk, nn = result["scikit-learn"], result["nnmath"]
    for i, (a, b) in enumerate(zip(sk["fold_accuracy"], nn["fold_accuracy"]), start=1):
        lines.append(f"{i:>6}  {a:>12.4f}  {b:>8.4f}  {100 * (b - a):>+13.2f} pt")
    lines.append(f"{'mean':>6}  {sk['mean_accuracy']:>12.4f}  {nn['mean_accuracy']:>8.4f}  "
                 f"{result['difference_points']:>+13.2f} pt")
    lines.append(f"{'std':>6}  {sk['std_accuracy']:>12.4f}  {nn['std_accuracy']:>8.4f}")
    lines.append(f"{'time':>6}  {sk['seconds']:>11.2f}s  {nn['seconds']:>7.2f}s")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", nargs="+", type=int, default=[32])
    parser.add_argument("--activation", default="relu")
    parser.add_argument("--learning-rate", type=float, default=0.001)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--alpha", type=float, default=1e-4)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = [compare(folds=args.folds, hidden=args.hidden, activation=args.activation,
                       learning_rate=args.learning_rate, epochs=args.epochs,
                       batch_size=args.batch_size, alpha=args.alpha, seed=seed)
               for seed in args.seeds]
    overall = {name: float(np.mean([r[name]["mean_accuracy"] for r in results]))
               for name in ("scikit-learn", "nnmath")}
    overall["difference_points"] = 100 * (overall["nnmath"] - overall["scikit-learn"])
    if args.json:
        sys.stdout.write(json.dumps({"runs": results, "mean_over_seeds": overall}) + "\n")
        return 0
    sys.stdout.write("\n\n".join(table(r) for r in results) + "\n")
    if len(results) > 1:
        sys.stdout.write(f"\nmean over seeds {args.seeds}: scikit-learn "
                         f"{overall['scikit-learn']:.4f}, nnmath {overall['nnmath']:.4f}, "
                         f"difference {overall['difference_points']:+.2f} pt\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
