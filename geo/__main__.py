"""``python -m geo``: the same command line as ``gansu-atlas``."""

import sys

from geo.cli import main

sys.exit(main())
