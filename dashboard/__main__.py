"""`python -m dashboard ...`: the command line (see dashboard.cli)."""

import sys

from dashboard.cli import main

# Guarded: a process pool started with "spawn" or "forkserver" imports the main module in each child,
# which must not run the command line again.
if __name__ == "__main__":
    sys.exit(main())
