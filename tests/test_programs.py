"""Real programs written by others, compiled: tests/programs (issue 17).

Each file in tests/programs (but pyperf.py and the _-prefixed helpers) is a
pyperformance benchmark with type annotations and @pyjitx.compile added and
nothing else (test_program_is_the_original_plus_annotations checks that).
test_program_matches_cpython runs its workload (tests/programs/_workloads.py)
in two fresh interpreters, plain (PYJITX_DISABLE_JIT=1) and compiled, and
compares everything they print: the program's own output and the repr of
its results and final state.

A program pyjitx cannot compile or run yet is an expected failure whose
reason is the first line of the error it stops at; the test passes only
while that exact error is what stops it (StillFailing), so a program that
starts working, or stops at another error, turns the test red and the entry
in NOT_YET must be updated.
"""
from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS_DIR = ROOT / "tests" / "programs"
sys.path.insert(0, str(PROGRAMS_DIR))
from _workloads import WORKLOADS  # noqa: E402

sys.path.remove(str(PROGRAMS_DIR))

PROGRAMS = sorted(p.stem for p in PROGRAMS_DIR.glob("*.py")
                  if p.stem != "pyperf" and not p.stem.startswith("_"))

# The first line of the first error each program stops at, compiled.
NOT_YET = {
}

# sha256 of each pyperformance 1.14.0 original, as canonical() sees it.
ORIGINALS = {
    "chaos": "9163deadd2c73a34d4468c15e168f878594cc46b99b7dd0f424cabf5854fd131",
    "deltablue": "b7ec261ab74ae205c5207aaef3184cafdd35e3a7142ffd568ac8e38695d84756",
    "fannkuch": "83d926ced2da65d95949eac18bf1ccd9981e4ca9a19e2ead3dba5e067b1ba54c",
    "float": "ff9a41032c9734b37a18867b55c8782f68da89652fa7a3d1beacac8c9d3cd8a8",
    "go": "397beab96b839f797211781cf3fb06ac951f311c08ee525433c57664e4e92879",
    "hexiom": "52faf27a355f0a2993f37eae26eb05027371faae4080c587f7b9e14111267ad7",
    "nbody": "93e47427097995ed86f4d1066bad6c3ffa3fe51a81a798a6e0842bbeb4870976",
    "nqueens": "9ccbf0fb95280254c9366661f173af6f783d9a2566e1b88a890c4c2ccc808138",
    "raytrace": "6b350e4f2ed9eb795400ca485cf501511bd16123b52278e320335f4cdbb9bf33",
    "richards": "98cb11d0daeb7a241a7b5fe4528ff5235e763065c6600dde63fc13d50fa34727",
    "spectral_norm": "99625dcee43cd0224235306325d4f58a9f7000c4a4ddbf582cacc3e93b0ed151",
}

# Edits beyond annotations, by program: each also listed at the top of its file.
EDITS: dict = {}


class StillFailing(Exception):
    """The compiled run stops at the error NOT_YET records."""


# ---------------------------------------------------------------- only annotations added

class _Unannotate(ast.NodeTransformer):
    """Take away what the programs may add: annotations (parameters,
    returns, `x: T = v` becomes `x = v`, a bare `x: T` goes), the
    @pyjitx.compile decorator, `import pyjitx` and imports from typing."""

    @staticmethod
    def _undecorate(node):
        node.decorator_list = [d for d in node.decorator_list
                               if ast.unparse(d) != "pyjitx.compile"]

    def visit_FunctionDef(self, node):
        a = node.args
        for arg in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
            if arg is not None:
                arg.annotation = None
        node.returns = None
        self._undecorate(node)
        self.generic_visit(node)
        return node

    def visit_ClassDef(self, node):
        self._undecorate(node)
        self.generic_visit(node)
        return node

    def visit_AnnAssign(self, node):
        if node.value is None:
            return None
        return ast.copy_location(ast.Assign(targets=[node.target], value=node.value), node)

    def visit_Import(self, node):
        node.names = [a for a in node.names if a.name != "pyjitx"]
        return node if node.names else None

    def visit_ImportFrom(self, node):
        return None if node.module == "typing" else node


def _shape(node):
    """A nested tuple of the tree, leaving out positions, contexts and
    fields that are None or empty (so that fields newer Pythons add do not
    change it)."""
    if isinstance(node, ast.AST):
        fields = []
        for name in node._fields:
            value = getattr(node, name, None)
            if value is None or value == [] or isinstance(value, ast.expr_context):
                continue
            fields.append((name, _shape(value)))
        return (type(node).__name__, tuple(fields))
    if isinstance(node, list):
        return tuple(_shape(x) for x in node)
    return repr(node)


def canonical(source: str) -> str:
    tree = _Unannotate().visit(ast.parse(source))
    return hashlib.sha256(repr(_shape(tree)).encode()).hexdigest()


def test_every_program_has_a_workload_and_a_record():
    assert PROGRAMS == sorted(WORKLOADS) == sorted(ORIGINALS)
    assert len(PROGRAMS) >= 10
    assert set(NOT_YET) <= set(PROGRAMS) and set(EDITS) <= set(PROGRAMS)


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_is_the_original_plus_annotations(name):
    source = (PROGRAMS_DIR / f"{name}.py").read_text(encoding="utf-8")
    if name in EDITS:
        pytest.skip(f"edited beyond annotations: {EDITS[name]}")
    assert "pyjitx edits: none" in source.split('"""', 1)[0], \
        "the file's first lines must say which edits it has"
    assert canonical(source) == ORIGINALS[name], \
        f"{name}.py differs from pyperformance's beyond annotations and @pyjitx.compile"


# ---------------------------------------------------------------- compiled vs CPython

def _run(name: str, jit: bool, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PYJITX_DISABLE_JIT", None)
    if not jit:
        env["PYJITX_DISABLE_JIT"] = "1"
    env["PYJITX_CACHE_DIR"] = str(tmp_path / "cache")   # a real compile, not a cached load
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]]
                                                        if env.get("PYTHONPATH") else []))
    env["PYTHONHASHSEED"] = "0"
    return subprocess.run([sys.executable, str(PROGRAMS_DIR / "_driver.py"), name],
                          env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)


def first_error(stderr: str) -> str:
    """The first line of the exception a traceback ends with."""
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            for later in lines[i + 1:]:
                if later and not later.startswith(" "):
                    return later
    return lines[-1] if lines else ""


def _param(name: str):
    if name in NOT_YET:
        return pytest.param(name, marks=pytest.mark.xfail(
            strict=True, raises=StillFailing, reason=NOT_YET[name]))
    return name


@pytest.mark.needs_jit
@pytest.mark.parametrize("name", [_param(n) for n in PROGRAMS])
def test_program_matches_cpython(name, tmp_path):
    plain = _run(name, jit=False, tmp_path=tmp_path)
    assert plain.returncode == 0, plain.stderr
    compiled = _run(name, jit=True, tmp_path=tmp_path)
    if compiled.returncode != 0:
        error = first_error(compiled.stderr)
        if name in NOT_YET and error == NOT_YET[name]:
            raise StillFailing(error)
        pytest.fail(f"compiled {name} failed: {error}\n{compiled.stderr[-3000:]}")
    assert compiled.stdout == plain.stdout
    assert name not in NOT_YET, f"{name} works now: take it out of NOT_YET"
