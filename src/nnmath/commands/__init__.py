"""One module per ``nnmath`` sub-command.

Each module has ``NAME``, ``HELP`` (its line in :data:`COMMANDS`), ``EXAMPLE`` (shown at
the end of ``--help``), ``add_arguments(parser)`` and ``run(args) -> int``. The command
only parses, calls the library and prints; the math stays in the engine.

:data:`COMMANDS` is the list ``nnmath --help`` shows, in its order: the command's name,
its one line of help. ``nnmath`` imports only the module of the command it runs
(:func:`module_of`), so a command starts without the others' imports.
"""

COMMANDS = {
    "demo":
        "the article end to end: both networks, every number",
    "explain":
        "one training step, number by number",
    "train":
        "train a network on a CSV file (split, standardise, train, evaluate, save)",
    "predict":
        "predict new samples with a saved model (probabilities and class, or outputs)",
    "evaluate":
        "metrics of a saved model on labelled data (accuracy, sensitivity, AUC, ...)",
    "cv":
        "cross-validate training on a CSV file: each fold's metrics and their mean ± std",
    "summary":
        "layers, shapes and parameter counts of a model file",
    "new":
        "write a new model file from layer sizes, activations and (optional) weights",
    "plot":
        ("draw a network, its loss curve, P(class | x) or fitted curve, map, ROC, confusion, "
         "predicted vs actual or residuals"),
    "report":
        "regenerate the article (or report on your model) as a standalone HTML page + Markdown",
    "serve":
        "a local page: train a network live and click any weight to see its math",
    "export":
        "a model file as a PyTorch (torch.export) or ONNX file, with the same numbers",
    "import":
        "a PyTorch model (a torch.export .pt2 file) as a model file, to explain or predict with",
}


def module_of(command: str) -> str:
    """The module of a command: ``commands/<name>.py``; ``import`` is ``importing.py``
    (``import`` is a Python keyword)."""
    return "importing" if command == "import" else command
