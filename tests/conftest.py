"""Shared pytest configuration for the pyjitx test suite."""
from __future__ import annotations

import gc
import importlib
import os
import tempfile

# Compiled objects from test runs go to a private cache, not the user's.
if "PYJITX_CACHE_DIR" not in os.environ:
    import atexit
    import shutil

    _cache = tempfile.mkdtemp(prefix="pyjitx-test-cache-")
    os.environ["PYJITX_CACHE_DIR"] = _cache
    atexit.register(shutil.rmtree, _cache, ignore_errors=True)

import pytest
from hypothesis import HealthCheck, settings

import pyjitx

# --------------------------------------------------------------------------
# hypothesis profiles: "ci" is the default; HYPOTHESIS_PROFILE=thorough for more.
settings.register_profile(
    "ci", max_examples=100, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "thorough", max_examples=2000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "quick", max_examples=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def jit_disabled() -> bool:
    return os.environ.get("PYJITX_DISABLE_JIT", "").strip().lower() not in (
        "", "0", "false", "no", "off")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs_jit: the test checks compiled-only behaviour; skipped when "
        "PYJITX_DISABLE_JIT=1")
    config.addinivalue_line(
        "markers",
        "torch: the test needs torch (a CPU build; the dev extra pins it); the core "
        "run on other Pythons deselects these with -m 'not torch'")


# Test modules that import torch at module level (every test in them is
# marked torch): not even imported when `-m "not torch"` deselects them, so
# a run without torch reports no skip for them.
TORCH_MODULES = {"test_pipeline_torch.py"}


def pytest_ignore_collect(collection_path, config: pytest.Config):
    if collection_path.name in TORCH_MODULES and \
            "not torch" in (config.getoption("markexpr", "") or ""):
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    if not jit_disabled():
        return
    skip = pytest.mark.skip(reason="PYJITX_DISABLE_JIT=1: nothing is compiled")
    for item in items:
        if "needs_jit" in item.keywords:
            item.add_marker(skip)


# --------------------------------------------------------------------------
# leak check: every test must leave the runtime's count of live objects as
# it found it.

def _live_objects_probe():
    """Return pyjitx.runtime.live_objects, or None while it does not exist.

    (pyjitx.runtime.live_objects drops the bridge's conversion cache before
    counting.)
    """
    runtime = getattr(pyjitx, "runtime", None)
    if runtime is None:
        try:
            runtime = importlib.import_module("pyjitx.runtime")
        except ImportError:
            return None
    probe = getattr(runtime, "live_objects", None)
    return probe if callable(probe) else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the item, for the leak check below."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def no_runtime_leaks(request):
    probe = _live_objects_probe()
    if probe is None:
        # pyjitx.runtime.live_objects() is not available yet: no leak check.
        yield
        return
    before = probe()
    yield
    report = getattr(request.node, "report_call", None)
    if report is None or not report.passed:
        # a skipped or failed test's traceback still holds what it built
        # (its own failure is the report; a leak there would be noise)
        return
    after = probe()
    if after != before:
        # cyclic garbage is owned by nothing: collect it (only here, since a
        # collection costs ~0.1 s with torch imported).  That may also free
        # garbage counted in `before`, so only an increase is a leak.
        gc.collect()
        after = probe()
    assert after <= before, (
        f"runtime object leak: {before} live objects before the test, {after} after")
