"""The README's example runs as written and prints what it says."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"

pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0"),
                                reason="tests of compiled code (PYJITX_DISABLE_JIT is set)")


def test_readme_example_runs(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    example = blocks[0]
    script = tmp_path / "example.py"
    script.write_text(example)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    expected = re.search(r"# (.+)$", example.strip().splitlines()[-1]).group(1)
    assert out.stdout.strip() == expected.strip()


def test_readme_starts_with_the_two_setup_commands():
    text = README.read_text()
    first_block = re.search(r"```bash\n(.*?)```", text, re.S).group(1).strip().splitlines()
    assert first_block == ["python3 -m pip install -e '.[dev]'", "python3 -m pytest"]
    ci = (README.parent / ".ci" / "run").read_text()
    for command in first_block:
        assert command in ci
