"""`python -m dashboard ...`: the command line (see dashboard.cli)."""

import sys

from dashboard.cli import main

# Guarded: the app's ingest worker starts child processes, and multiprocessing imports the main
# module in each of them (as __mp_main__), which must not run the command line again.
if __name__ == "__main__":
    sys.exit(main())
