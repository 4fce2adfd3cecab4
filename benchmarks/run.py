"""Training speed: nnmath vs scikit-learn's MLPClassifier vs PyTorch, same jobs.

Each job trains the same architecture with Adam, the same learning rate,
epochs and batch size, on standardised data, float64, one BLAS thread
(``threadpoolctl``) so that the machine's load matters as little as possible.
The time is the best of ``--repeat`` runs; the table shows seconds and the
ratio to nnmath (> 1: slower than nnmath). Never part of the test run.

    python benchmarks/run.py            # (make bench)
    python benchmarks/run.py --repeat 5 --json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

JOBS = {
    "breast cancer 30-32-2, 100 epochs, batch 32": ("load_breast_cancer", (32,), 100, 32),
    "digits 64-32-10, 30 epochs, batch 32": ("load_digits", (32,), 30, 32),
    "digits 64-128-64-10, 10 epochs, batch 128": ("load_digits", (128, 64), 10, 128),
}
LEARNING_RATE = 0.001


def data(loader):
    import sklearn.datasets
    from sklearn.preprocessing import StandardScaler

    X, y = getattr(sklearn.datasets, loader)(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def run_nnmath(X, y, hidden, epochs, batch_size):
    from nnmath.estimator import NNClassifier

    NNClassifier(hidden_layer_sizes=hidden, learning_rate=LEARNING_RATE, epochs=epochs,
                 batch_size=batch_size, output_activation="softmax", alpha=0.0,
                 random_state=0).fit(X, y)


def run_sklearn(X, y, hidden, epochs, batch_size):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPClassifier(hidden_layer_sizes=hidden, learning_rate_init=LEARNING_RATE,
                      max_iter=epochs, batch_size=batch_size, alpha=0.0, random_state=0,
                      n_iter_no_change=epochs + 1, tol=0.0).fit(X, y)


def run_torch(X, y, hidden, epochs, batch_size):
    import torch

    torch.manual_seed(0)
    sizes = [X.shape[1], *hidden, int(y.max()) + 1]
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out, dtype=torch.float64), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    X_t, y_t = torch.tensor(X), torch.tensor(y)
    g = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(len(X_t), generator=g)
        for start in range(0, len(X_t), batch_size):
            rows = order[start:start + batch_size]
            opt.zero_grad()
            loss_fn(model(X_t[rows]), y_t[rows]).backward()
            opt.step()
        with torch.no_grad():   # the loss over all rows after each epoch, as nnmath records
            loss_fn(model(X_t), y_t)


# The article's main job: network B (1-1-1 sigmoid) trained per sample, in row order,
# over the 14 PSA rows. Per-step overhead dominates here, not arithmetic.
ARTICLE_JOB = "article: 1-1-1 sigmoid, per-sample SGD, 14 rows x 500 epochs"
ARTICLE_EPOCHS = 500


def article_nnmath(X, y):
    from nnmath.article import network_b

    network_b().fit(X, y[:, None], loss="ssr", learning_rate=0.1, epochs=ARTICLE_EPOCHS)


def article_sklearn(X, y):
    # Same shape of work (1 hidden logistic neuron, batch 1, plain SGD, no shuffling);
    # scikit-learn's binary output uses log loss, not ssr.
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPClassifier(hidden_layer_sizes=(1,), activation="logistic", solver="sgd",
                      momentum=0.0, learning_rate_init=0.1, batch_size=1, shuffle=False,
                      max_iter=ARTICLE_EPOCHS, alpha=0.0, tol=0.0,
                      n_iter_no_change=ARTICLE_EPOCHS + 1, random_state=0).fit(X, y)


def article_torch(X, y):
    import torch

    X_t, T_t = torch.tensor(X), torch.tensor(y, dtype=torch.float64)[:, None]
    w1, b1 = torch.tensor([[0.5]], requires_grad=True, dtype=torch.float64), \
        torch.zeros(1, requires_grad=True, dtype=torch.float64)
    w2, b2 = torch.tensor([[-1.0]], requires_grad=True, dtype=torch.float64), \
        torch.zeros(1, requires_grad=True, dtype=torch.float64)
    opt = torch.optim.SGD([w1, b1, w2, b2], lr=0.1)
    for _ in range(ARTICLE_EPOCHS):
        for i in range(len(X_t)):
            opt.zero_grad()
            y_hat = torch.sigmoid(torch.sigmoid(X_t[i:i + 1] @ w1 + b1) @ w2 + b2)
            (0.5 * ((y_hat - T_t[i:i + 1]) ** 2).sum()).backward()
            opt.step()
        with torch.no_grad():   # the loss over all rows after each epoch, as nnmath records
            y_hat = torch.sigmoid(torch.sigmoid(X_t @ w1 + b1) @ w2 + b2)
            (0.5 * ((y_hat - T_t) ** 2).sum(dim=1)).mean()


def peak_memory(fn, args) -> float:
    """Peak memory allocated through Python's allocators during ``fn`` (MiB).

    tracemalloc sees NumPy's buffers (nnmath, scikit-learn) but not torch's, so
    torch's column says n/a.
    """
    import tracemalloc

    tracemalloc.start()
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def best_time(fn, args, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    runners = {"nnmath": run_nnmath, "scikit-learn": run_sklearn}
    try:
        import torch

        torch.set_num_threads(1)
        runners["torch"] = run_torch
    except ImportError:
        pass
    results, memory = {}, {}
    article = {"nnmath": article_nnmath, "scikit-learn": article_sklearn,
               "torch": article_torch}
    with threadpool_limits(limits=1):
        import nnmath

        X, y = nnmath.datasets.psa()
        results[ARTICLE_JOB] = {name: best_time(article[name], (X, y), args.repeat)
                                for name in runners}
        for job, (loader, hidden, epochs, batch_size) in JOBS.items():
            X, y = data(loader)
            job_args = (X, y, hidden, epochs, batch_size)
            results[job] = {name: best_time(fn, job_args, args.repeat)
                            for name, fn in runners.items()}
            memory[job] = {name: peak_memory(runners[name], job_args)
                           for name in ("nnmath", "scikit-learn")}
    if args.json:
        sys.stdout.write(json.dumps({"seconds": results, "peak_mib": memory}) + "\n")
        return 0
    names = list(runners)
    print(f"best of {args.repeat} runs, seconds (ratio to nnmath; > 1 = slower than nnmath)")
    print(f"{'job':<60}" + "".join(f"{n:>22}" for n in names))
    for job, times in results.items():
        cells = "".join(f"{times[n]:>12.3f} ({times[n] / times['nnmath']:>5.2f}x)"
                        for n in names)
        print(f"{job:<60}{cells}")
    print("\npeak memory during training (tracemalloc, MiB; torch not traced)")
    for job, peaks in memory.items():
        cells = "".join(f"{peaks[n]:>12.2f} ({peaks[n] / peaks['nnmath']:>5.2f}x)"
                        for n in peaks)
        print(f"{job:<60}{cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
