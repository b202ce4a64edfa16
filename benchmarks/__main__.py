"""Entry point for `python -m benchmarks`."""
import sys

from .runner import main

sys.exit(main())
