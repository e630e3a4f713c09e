"""``python -m conflictmap``: see :mod:`conflictmap.cli`."""

import sys

from .cli import main

sys.exit(main())
