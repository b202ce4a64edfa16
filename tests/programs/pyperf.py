"""A stand-in for the `pyperf` package, so the programs here import unchanged.

The programs use `pyperf.perf_counter` in their timing harness and
`pyperf.Runner` only under `if __name__ == "__main__":`; neither is
compiled.  Running a program as a script needs the real pyperf.
"""
from time import perf_counter  # noqa: F401  (what the programs call)


class Runner:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("tests/programs/pyperf.py is a stand-in: install pyperf to run "
                           "a program as a script")
