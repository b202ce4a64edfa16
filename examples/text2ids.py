"""The dictionary lookup of docs/spec.md §3, as a pipeline: a compiled class maps
words to ids; the workflow splits its input text (a glue op: str.split on a
traced value) and calls it.  Traced, run, saved, then loaded and run in a
fresh Python process that has neither this file nor the class -- the
outputs must be the same.

    PYTHONPATH=. python examples/text2ids.py
    PYTHONPATH=. python examples/text2ids.py --save DIR   # also for examples/cpp_host

With `--save DIR` the pipeline is also saved as DIR/text2ids, its inputs
are added to DIR/inputs.json and the lines the C++ host must print to
DIR/expected.txt (examples/cpp_host/README.md).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

import pyjitx
from cpp_host_inputs import save_for_host


@pyjitx.compile
class Text2Ids:
    def __init__(self, table: Dict[str, int]) -> None:
        self.table = table

    def __call__(self, words: List[str]) -> List[int]:
        return [self.table.get(w, 2) for w in words]


class WorkFlow:
    def __init__(self):
        self.text2ids = Text2Ids({"hello": 0, "world": 1})

    def process(self, texts: str):
        return self.text2ids(texts.split())


TEXTS = ["hello world", "hello world unknown", "", "world  hello\tworld"]

LOAD = """
import json, sys, time
import pyjitx
start = time.perf_counter()
mod = pyjitx.load(sys.argv[1])
loaded = time.perf_counter() - start
print(json.dumps({"outputs": [mod.run({"texts": t}) for t in json.loads(sys.argv[2])],
                  "load_s": loaded}))
"""


def main() -> None:
    handler = WorkFlow()
    mod = pyjitx.trace(handler.process, "hello world")
    assert mod.run({"texts": "hello world"}) == [0, 1]
    expected = [handler.process(t) for t in TEXTS]
    assert [mod.run({"texts": t}) for t in TEXTS] == expected
    with tempfile.TemporaryDirectory() as tmp:
        directory = os.path.join(tmp, "text2ids")
        start = time.perf_counter()
        mod.save(directory)
        saved = time.perf_counter() - start
        # a fresh process, elsewhere: this file is not importable there
        out = subprocess.run([sys.executable, "-c", LOAD, directory, json.dumps(TEXTS)],
                             cwd=tmp, capture_output=True, text=True, timeout=120, check=True)
        result = json.loads(out.stdout)
    assert result["outputs"] == expected, (result["outputs"], expected)
    print(f"text2ids: outputs {expected}")
    print(f"text2ids: save {saved:.3f} s, load (fresh process) {result['load_s']:.3f} s")
    print("text2ids: OK (loaded pipeline matches the Python workflow)")
    if "--save" in sys.argv:
        where = sys.argv[sys.argv.index("--save") + 1]
        save_for_host(where, "text2ids", mod, TEXTS,
                      [f"text2ids {t!r} -> {out!r}" for t, out in zip(TEXTS, expected)])


if __name__ == "__main__":
    main()
