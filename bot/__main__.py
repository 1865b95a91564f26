"""``python -m bot`` runs the ``todobot`` command line."""

import sys

from bot.cli import main

sys.exit(main())
