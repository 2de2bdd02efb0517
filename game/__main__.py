"""`python -m game` runs the `redline` command."""

import sys

from game.cli import main

sys.exit(main())
