"""``python -m nnmath``: the same as the ``nnmath`` command."""

import sys

from .cli import main

sys.exit(main())
