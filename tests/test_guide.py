"""Every ```python block of docs/guide/*.md runs as written (issue: the user guide).

Each block is one test. The blocks of one page run in one subprocess (pyjitx
imported once), each from its own file in a fresh namespace (`runpy`), so that
pyjitx can read the source; what a block prints must contain the outputs the
page shows in comments after its print() calls. Blocks marked ```python
no-run are skipped (they need a C++ compiler, a long run, or show MATXScript
code).

Also: every relative link of README.md and docs/**/*.md leads to a file
that exists (and to a heading that page has).
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GUIDE = Path(__file__).parents[1] / "docs" / "guide"
BLOCK = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.S | re.M)

pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0"),
                                reason="tests of compiled code (PYJITX_DISABLE_JIT is set)")

RUNNER = r"""
import contextlib, io, json, runpy, sys, traceback
results = []
for path in sys.argv[1:]:
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            runpy.run_path(path, run_name="__main__")
        results.append([None, printed.getvalue()])
    except BaseException:
        results.append([traceback.format_exc()[-3000:], printed.getvalue()])
print("GUIDE-RESULTS " + json.dumps(results))
"""


def blocks(page):
    out = []
    for m in BLOCK.finditer(page.read_text(encoding="utf-8")):
        line = page.read_text(encoding="utf-8")[:m.start()].count("\n") + 1
        out.append((line, "no-run" in m.group(1), m.group(2)))
    return out


CASES = [pytest.param(page, i, id=f"{page.stem}:{line}")
         for page in sorted(GUIDE.glob("*.md")) for i, (line, _, _) in enumerate(blocks(page))]
_RESULTS = {}


def page_results(page, tmp_path_factory):
    if page not in _RESULTS:
        d = tmp_path_factory.mktemp(page.stem)
        paths = []
        for i, (_, skip, code) in enumerate(blocks(page)):
            if skip:
                continue
            p = d / f"block{i}.py"
            p.write_text(code, encoding="utf-8")
            paths.append((i, str(p)))
        out = subprocess.run([sys.executable, "-c", RUNNER, *[p for _, p in paths]],
                             capture_output=True, text=True, timeout=300, cwd=d)
        line = [l for l in out.stdout.splitlines() if l.startswith("GUIDE-RESULTS ")]
        assert line, out.stderr[-3000:]
        got = json.loads(line[-1][len("GUIDE-RESULTS "):])
        _RESULTS[page] = {i: r for (i, _), r in zip(paths, got)}
    return _RESULTS[page]


@pytest.mark.parametrize("page,index", CASES)
def test_guide_block_runs(page, index, tmp_path_factory):
    _, skip, _ = blocks(page)[index]
    if skip:
        pytest.skip("marked no-run")
    error, printed = page_results(page, tmp_path_factory)[index]
    assert error is None, error
    for expected in shown_outputs(blocks(page)[index][2]):
        assert expected in printed, (expected, printed)


def shown_outputs(code):
    """What a block says its prints print: the comment on a print(...) line
    (`print(x)   # 7.0`), or a comment line right after one (`# [0, 1]`),
    which then wins over an explaining comment on the print line."""
    lines = code.splitlines()
    shown = []
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("print("):
            continue
        if i + 1 < len(lines) and lines[i + 1].lstrip().startswith("# "):
            shown.append(lines[i + 1].strip()[2:])     # the output; a comment on the line explains
        elif "  # " in line:
            shown.append(line.split("  # ", 1)[1].strip())
    return shown


def test_every_page_is_linked_from_the_index():
    index = (GUIDE / "index.md").read_text(encoding="utf-8")
    for page in GUIDE.glob("*.md"):
        if page.name != "index.md":
            assert f"({page.name})" in index, page.name
    assert "(text.md)" in index


# ---- links

REPO = GUIDE.parents[1]
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(page):
    """The anchors GitHub makes for a page's headings: lower case, code
    marks and punctuation dropped, spaces as hyphens, -1, -2 ... on repeats."""
    seen = {}
    out = set()
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        m = re.match(r"#{1,6} +(.*?) *#*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def test_every_relative_link_resolves():
    """Every relative link of README.md and docs/**/*.md names a file that
    exists, and an anchor its page has."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    broken = []
    for page in pages:
        text = re.sub(r"`[^`\n]*`", "", FENCE.sub("", page.read_text(encoding="utf-8")))
        for target in LINK.findall(text):                 # code (`ops[i](x)`) is no link
            if re.match(r"[a-z][a-z0-9+.-]*:", target):       # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            if not resolved.exists():
                broken.append(f"{page.relative_to(REPO)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{page.relative_to(REPO)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)
