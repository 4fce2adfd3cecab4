"""Past one machine: train an nnmath network with PyTorch's DistributedDataParallel.

The network goes out to PyTorch (``nnmath.interop.torch.to_torch``), trains with
``DistributedDataParallel`` on CPU processes (the gloo backend: the same code runs
on many machines with ``torchrun``), and comes back to nnmath
(``from_torch``) to be saved and explained number by number.

Each global batch of ``--batch-size`` rows is split into equal, contiguous shards,
one per process. Every process computes the mean loss of its shard; DDP averages
the gradients across processes, which is the gradient of the mean loss over the
global batch: the same update as one process on the whole batch. ``--check``
runs that single process too and prints the largest difference of the parameters.

Run (from the repository root, with ``pip install 'nnmath[torch]'``)::

    python examples/ddp_train.py --processes 2 --epochs 20 --output ddp.json --check
    nnmath explain --model ddp.json --x 0.5 -0.5 --y 1
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

import nnmath
from nnmath.interop.torch import from_torch, to_torch


def data(n_samples: int = 64):
    """The xor set (2 inputs, classes 0/1), one-hot targets for a softmax output."""
    xor = nnmath.datasets.xor(n_samples=n_samples, noise=0.1, seed=0)
    return xor.X, xor.targets(2)


def start_network(seed: int = 0) -> nnmath.Network:
    return nnmath.Network.random([2, 8, 2], activation="tanh", output_activation="softmax",
                                 seed=seed)


def loss_of(y_hat, T):
    """nnmath's cross_entropy: the mean over rows of -sum_j t_j log y_hat_j."""
    return -(T * torch.log(y_hat)).sum(dim=1).mean()


def batches(n_rows: int, batch_size: int):
    """The global batches, in row order (the same in every process)."""
    return [np.arange(start, min(start + batch_size, n_rows))
            for start in range(0, n_rows, batch_size)]


def train_single(net, X, T, epochs, learning_rate, batch_size) -> nnmath.Network:
    """One process on the whole of each global batch: the reference."""
    model = to_torch(net)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    X_t, T_t = torch.as_tensor(X), torch.as_tensor(T)
    for _ in range(epochs):
        for rows in batches(len(X), batch_size):
            optimizer.zero_grad()
            loss_of(model(X_t[rows]), T_t[rows]).backward()
            optimizer.step()
    return from_torch(model)


def worker(rank, world_size, init_file, net_json, X, T, epochs, learning_rate, batch_size,
           output):
    """One DDP process: its shard of each global batch, gradients averaged by DDP."""
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank,
                            world_size=world_size)
    try:
        net = nnmath.Network.load(net_json)
        model = DistributedDataParallel(to_torch(net))
        optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
        X_t, T_t = torch.as_tensor(X), torch.as_tensor(T)
        for _ in range(epochs):
            for rows in batches(len(X), batch_size):
                shard = np.array_split(rows, world_size)[rank]
                optimizer.zero_grad()
                loss_of(model(X_t[shard]), T_t[shard]).backward()
                optimizer.step()
        if rank == 0:
            from_torch(model.module, net.info).save(output)
        # Every rank waits here until all are done, and drops DDP's hooks before the
        # group is destroyed: a rank that tears gloo down while another still talks
        # to it can abort ("terminate called without an active exception").
        dist.barrier()
        del model, optimizer
    finally:
        dist.destroy_process_group()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=16,
                        help="rows per global batch (a multiple of --processes)")
    parser.add_argument("--learning-rate", type=float, default=0.5)
    parser.add_argument("--output", default="ddp.json")
    parser.add_argument("--check", action="store_true",
                        help="also train in one process and print the largest difference")
    args = parser.parse_args(argv)
    if args.batch_size % args.processes:
        parser.error("--batch-size must be a multiple of --processes (equal shards)")
    X, T = data()
    start = start_network()
    with tempfile.TemporaryDirectory() as tmp:
        net_json = os.path.join(tmp, "start.json")
        start.save(net_json)
        mp.spawn(worker, nprocs=args.processes, join=True,
                 args=(args.processes, os.path.join(tmp, "rendezvous"), net_json, X, T,
                       args.epochs, args.learning_rate, args.batch_size, args.output))
    trained = nnmath.Network.load(args.output)
    result = {"output": args.output, "processes": args.processes,
              "loss_before": start.loss(X, T, "cross_entropy"),
              "loss_after": trained.loss(X, T, "cross_entropy")}
    if args.check:
        single = train_single(start, X, T, args.epochs, args.learning_rate, args.batch_size)
        result["max_abs_difference"] = max(
            float(np.max(np.abs(trained.params()[name] - p)))
            for name, p in single.params().items())
    trace = nnmath.explain(trained, X[:1], T[:1], loss="cross_entropy")
    result["explained_loss"] = trace.loss
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
