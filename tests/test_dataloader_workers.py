"""A torch DataLoader whose workers start with `spawn` (fresh interpreters,
as on macOS and Windows, and as CUDA needs) and tokenize with
pyjitx.text's BertTokenizer: the workers load the compiled code from the
disk cache the main process filled, and compile nothing."""
import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.needs_jit, pytest.mark.torch]

SCRIPT = '''
import pickle
import sys
import torch
from torch.utils.data import DataLoader, Dataset
from pyjitx.text import BertTokenizer, Vocabulary

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "the", ",",
         "!", "世", "界", "cafe", "é"]
TEXTS = ["Hello worlds, the WORLD!", "世界 café", "", "unknownword hello"] * 4


class Texts(Dataset):
    def __init__(self):
        self.tok = BertTokenizer(Vocabulary(VOCAB))

    def __len__(self):
        return len(TEXTS)

    def __getitem__(self, i):
        return torch.tensor(self.tok.encode(TEXTS[i]))


def main():
    data = Texts()
    expected = [data[i].tolist() for i in range(len(data))]  # (compiles, and fills the cache)
    pickle.dumps(data)  # (as the DataLoader will: what this process does for it logs before)
    print("MAIN DONE", file=sys.stderr, flush=True)
    loader = DataLoader(data, batch_size=None, num_workers=2, multiprocessing_context="spawn")
    got = [t.tolist() for t in loader]
    assert got == expected, (got, expected)
    print("ok", len(got))


if __name__ == "__main__":
    main()
'''


def test_spawned_workers_load_the_tokenizer_from_the_cache(tmp_path):
    pytest.importorskip("torch")
    (tmp_path / "loader_script.py").write_text(SCRIPT)
    env = dict(os.environ, PYJITX_CACHE_DIR=str(tmp_path / "cache"), PYJITX_LOG="info")
    env.pop("PYJITX_DISABLE_JIT", None)
    done = subprocess.run([sys.executable, "loader_script.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.split() == ["ok", "16"]
    main, _, workers = done.stderr.partition("MAIN DONE\n")
    assert "pyjitx: compiled" in main  # (the first process compiles: the test means something)
    worker_lines = [line for line in workers.splitlines() if line.startswith("pyjitx: ")]
    assert worker_lines, "the workers' pyjitx log is missing"
    assert all(line.startswith("pyjitx: loaded from the disk cache ") for line in worker_lines), \
        "\n".join(line for line in worker_lines if "loaded from the disk cache" not in line)
