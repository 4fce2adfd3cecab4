"""Independent oracles for the engine's math, shared by the tests.

- :mod:`oracles.cases`: seeded random networks, inputs and targets for every
  activation and every valid (output activation, loss) pair.
- :mod:`oracles.finite_diff`: central finite differences of the loss.
- :mod:`oracles.torch_net`: the same network rebuilt in PyTorch (float64 autograd).
"""
