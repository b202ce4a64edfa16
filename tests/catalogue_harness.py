"""The machinery of tests/test_error_catalogue.py: finding every place in
pyjitx/frontend that makes a CompileError, running a case, and telling
which of those places made the error the user saw.

A *site* is a call `....error(node, message, hint)` or `CompileError(...)`
in pyjitx/frontend/*.py (the two `error` wrapper methods excluded).  Its key
is `file:function:template`, the template being the message with each
formatted part written `{}` -- stable when lines move."""
from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
import textwrap
import traceback
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pyjitx
from pyjitx.errors import CompileError

FRONTEND = os.path.join(os.path.dirname(os.path.abspath(pyjitx.__file__)), "frontend")


@dataclass(frozen=True)
class Site:
    file: str        # basename
    function: str
    template: str
    first_line: int
    last_line: int

    @property
    def key(self) -> str:
        return f"{self.file}:{self.function}:{self.template}"

    def __str__(self) -> str:
        return f"{self.file}:{self.first_line} ({self.function}): {self.template}"


def _template(node: Optional[ast.expr]) -> str:
    if node is None:
        return ""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _template(node.left) + _template(node.right)
    return "<" + ast.unparse(node) + ">"


def collect_sites() -> List[Site]:
    sites = []
    for name in sorted(os.listdir(FRONTEND)):
        if not name.endswith(".py"):
            continue
        path = os.path.join(FRONTEND, name)
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        functions: List[Tuple[int, int, str]] = []
        found: List[Tuple[int, Site]] = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append((node.lineno, node.end_lineno or node.lineno, node.name))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called not in ("error", "CompileError"):
                continue
            enclosing = [f for f in functions if f[0] <= node.lineno <= f[1]]
            # the innermost function holding the call
            owner = min(enclosing, key=lambda f: f[1] - f[0])[2] if enclosing else "<module>"
            if owner == "error":
                continue  # the wrappers FunctionBuilder.error / ExpressionBuilder.error
            args = node.args
            message = args[1] if called == "error" and len(args) > 1 else (
                args[0] if called == "CompileError" and args else None)
            found.append((node.lineno, Site(name, owner, _template(message), node.lineno,
                                            node.end_lineno or node.lineno)))
        # one function making the same message twice: the second is `...#2`
        seen: Dict[str, int] = {}
        for _, site in sorted(found, key=lambda pair: pair[0]):
            count = seen[site.key] = seen.get(site.key, 0) + 1
            if count > 1:
                site = Site(site.file, site.function, f"{site.template}#{count}",
                            site.first_line, site.last_line)
            sites.append(site)
    return sites


SITES = collect_sites()
_BY_FILE: Dict[str, List[Site]] = {}
for _site in SITES:
    _BY_FILE.setdefault(_site.file, []).append(_site)


def site_of_frame_stack(stack: Sequence[traceback.FrameSummary]) -> Optional[Site]:
    """The site that is making a CompileError: the innermost frame in
    pyjitx/frontend outside the `error` wrappers."""
    for frame in reversed(stack):
        if os.path.dirname(os.path.abspath(frame.filename)) != FRONTEND:
            continue
        if frame.name == "error":
            continue
        candidates = [s for s in _BY_FILE.get(os.path.basename(frame.filename), [])
                      if s.first_line <= frame.lineno <= s.last_line]
        return candidates[0] if candidates else None
    return None


class Recorder:
    """Records, while active, which site made each CompileError."""

    def __init__(self) -> None:
        self.made: List[Tuple[CompileError, Optional[Site]]] = []
        self._original = CompileError.__init__

    def __enter__(self) -> "Recorder":
        recorder = self
        original = self._original

        def __init__(self_, *args, **kwargs):
            original(self_, *args, **kwargs)
            recorder.made.append((self_, site_of_frame_stack(traceback.extract_stack()[:-1])))

        CompileError.__init__ = __init__
        return self

    def __exit__(self, *exc) -> None:
        CompileError.__init__ = self._original

    def sites_of(self, error: CompileError) -> List[Site]:
        """The sites behind `error`: the one that made it, and those that
        made an error of the same message it re-raises."""
        found = []
        for made, site in self.made:
            if site is not None and (made is error or made.message == error.message) \
                    and site not in found:
                found.append(site)
        return found


HEADER = """\
import math
import unicodedata
import contextlib
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple, Union
import numpy as np
import pyjitx
"""


@dataclass
class Case:
    source: str                 # a module defining f (HEADER is put before it)
    fragment: str               # in the message's first line
    caret: Optional[str] = None  # the text the caret starts under (None: no location)
    args: Tuple[Any, ...] = ()
    fix: Optional[str] = None   # the hint's rewrite: a module defining f, which compiles
    fix_args: Optional[Tuple[Any, ...]] = None
    eager: bool = False
    entry: str = "f"            # what is compiled (a function or a class) and called
    line: Optional[str] = None  # text of the line the error points at, when caret repeats
    id: str = ""


@dataclass
class Outcome:
    case: Case
    module_text: str
    error: Optional[CompileError] = None
    other: Optional[BaseException] = None
    sites: List[Site] = field(default_factory=list)
    fix_result: Any = None
    fix_error: Optional[BaseException] = None
    python_fix_result: Any = None


def load(source: str, name: str, directory: str):
    path = os.path.join(directory, name + ".py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _call(module, case: Case, args):
    target = getattr(module, case.entry)
    compiled = pyjitx.compile(target, cache=False, eager=case.eager)
    if case.eager:
        return None
    return compiled(*args)


def run(case: Case, index: int, directory: str) -> Outcome:
    text = HEADER + textwrap.dedent(case.source)
    outcome = Outcome(case, text)
    with Recorder() as recorder:
        try:
            module = load(text, f"pjx_catalogue_{index}", directory)
            _call(module, case, case.args)
        except CompileError as exc:
            outcome.error = exc
            outcome.sites = recorder.sites_of(exc)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            outcome.other = exc
    if case.fix is not None:
        fix_text = HEADER + textwrap.dedent(case.fix)
        args = case.args if case.fix_args is None else case.fix_args
        try:
            module = load(fix_text, f"pjx_catalogue_fix_{index}", directory)
            outcome.fix_result = _call(module, case, args)
            target = getattr(module, case.entry)
            if not case.eager:
                outcome.python_fix_result = target(*args)
        except BaseException as exc:  # noqa: BLE001
            outcome.fix_error = exc
    return outcome


_LOCATION = re.compile(r"^  --> (.*):(\d+):(\d+)$", re.M)


def location(message: str) -> Optional[Tuple[str, int, int]]:
    m = _LOCATION.search(message)
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


def hints(message: str) -> List[str]:
    return [line[len("  = "):] for line in message.splitlines() if line.startswith("  = ")]


# A hint is a sentence, even if it starts in lower case: it does not stop at
# a word that needs a continuation, and its brackets and quotes close.  It
# says what works now: no plans.
_DANGLING = {"a", "an", "the", "are", "is", "and", "or", "of", "to", "with", "as", "such",
             "e.g.", "for", "in", "on", "by", "from", "than", "then"}
_PLANS = re.compile(r"\b(yet|so far|arrives?|later|next release|for now|not yet|planned|"
                    r"coming|will be)\b", re.I)


def hint_problems(hint: str) -> List[str]:
    problems = []
    words = hint.rstrip(".").split()
    if not words:
        problems.append("empty hint")
        return problems
    if words[-1].lower() in _DANGLING:
        problems.append(f"ends with {words[-1]!r}: unfinished")
    for opening, closing in ("()", "[]", "{}"):
        if hint.count(opening) != hint.count(closing):
            problems.append(f"unbalanced {opening}{closing}")
    if hint.count("`") % 2:
        problems.append("unbalanced backquote")
    plan = _PLANS.search(hint)
    if plan:
        problems.append(f"promises future work ({plan.group(0)!r})")
    return problems


# hints that show code to write: the case must give that rewrite (`fix`)
SUGGESTS_REWRITE = re.compile(r"e\.g\.|`[^`]+`|'[^']*[=(:][^']*'")
