"""The differential fuzzer of random typed programs (tests/fuzzing), a
fixed slice of it: every program must behave exactly as in CPython.

The longer runs: `python tests/fuzzing --programs 1000` (CI, from a seed
derived from the commit) and 10,000 or more before a release."""
from __future__ import annotations

import os

import pytest

from difftest import JIT_DISABLED
from fuzzing.runner import run_range

PROGRAMS = int(os.environ.get("PYJITX_FUZZ_PROGRAMS", "60"))


@pytest.mark.skipif(JIT_DISABLED, reason="compares compiled code with CPython")
def test_random_typed_programs_match_cpython():
    tally = run_range(range(PROGRAMS))
    assert tally.programs == PROGRAMS
    assert tally.raised > tally.calls // 5, "the generator stopped exercising error paths"
    assert not tally.mismatches, "\n".join(m.report() for m in tally.mismatches[:5])
