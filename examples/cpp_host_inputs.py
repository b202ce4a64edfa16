"""What the examples leave for the C++ host of examples/cpp_host when run
with `--save DIR`: the saved pipeline DIR/<name>, the inputs the host
feeds it (DIR/<name>.inputs.json, plus raw files such as images), and the
lines the host must print, as Python prints them (DIR/<name>.expected.txt).
"""
from __future__ import annotations

import json
import os
import shutil
from typing import Any, Dict, List, Optional


def save_for_host(directory: str, name: str, pipeline: Any, inputs: Any,
                  expected_lines: List[str], files: Optional[Dict[str, bytes]] = None) -> None:
    os.makedirs(directory, exist_ok=True)
    target = os.path.join(directory, name)
    if os.path.exists(target):
        shutil.rmtree(target)
    pipeline.save(target)
    for relative, data in (files or {}).items():
        path = os.path.join(directory, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(os.path.join(directory, f"{name}.inputs.json"), "w", encoding="utf-8") as f:
        json.dump(inputs, f, ensure_ascii=False, indent=1)
    with open(os.path.join(directory, f"{name}.expected.txt"), "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in expected_lines))
    print(f"{name}: saved for the C++ host in {target}")
