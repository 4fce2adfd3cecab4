"""The way out to the big engines: PyTorch and ONNX, with the same numbers.

- :mod:`nnmath.interop.torch`: :func:`~nnmath.interop.torch.to_torch` (a
  ``torch.nn.Sequential``) and :func:`~nnmath.interop.torch.from_torch` (back to a
  :class:`~nnmath.network.Network`, to be explained), and ``torch.export`` files;
- :mod:`nnmath.interop.pt2`: a ``.pt2`` file read as data (its JSON graph and raw
  numbers), never run or unpickled: what ``nnmath import`` trusts;
- :mod:`nnmath.interop.onnx`: :func:`~nnmath.interop.onnx.to_onnx` (a standard ONNX
  graph, checked with ``onnx.checker``).

torch, onnx and onnxruntime are extras (``pip install 'nnmath[torch]'``,
``'nnmath[onnx]'``), imported only inside these modules: a missing one is one
:class:`~nnmath.errors.DependencyError` naming the install command.
"""
