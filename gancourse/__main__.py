"""``python -m gancourse`` runs the ``gancourse`` command line."""

import sys

from .cli import main

sys.exit(main())
