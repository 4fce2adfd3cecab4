"""One module per ``nnmath`` sub-command.

Each module has ``NAME``, ``HELP``, ``EXAMPLE`` (shown at the end of
``--help``), ``add_arguments(parser)`` and ``run(args) -> int``. The command
only parses, calls the library and prints; the math stays in the engine.
"""

COMMANDS = ["demo", "explain", "train", "predict", "evaluate", "summary", "new", "plot",
            "report", "serve", "export", "importing"]   # importing: ``nnmath import``
