"""A multimodal pipeline: a text tokenizer (a compiled class), image
preprocessing (pyjitx.image.preprocess, compiled) and a small torch model
(an embedding bag over the token ids, a tiny conv net over the pixels, a
linear head), all made here: random weights from a fixed seed, a synthetic
image from numpy, nothing downloaded.

The model runs in training mode in Python (model.train(): dropout on, one
SGD step); then, in eval mode, the workflow is traced with the model as a
pyjitx.torch_op, saved, loaded in a fresh Python process (which has
neither this file nor the classes), and run there: its outputs must match
the in-process eval outputs.  Save and load times are printed.

    PYTHONPATH=. python examples/multimodal.py
    PYTHONPATH=. python examples/multimodal.py --save DIR   # also for examples/cpp_host

With `--save DIR` the pipeline is also saved as DIR/multimodal, its inputs
(texts, and the images as raw uint8 HWC files) are written beside it and
the lines the C++ host must print to DIR/multimodal.expected.txt
(examples/cpp_host/README.md).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

import numpy as np
import torch

import pyjitx
from pyjitx.image import preprocess
from cpp_host_inputs import save_for_host

VOCAB = ["<pad>", "<unk>", "a", "cat", "dog", "on", "the", "mat", "red", "ball", "sits", "runs"]
MAX_LEN = 8


@pyjitx.compile
class Tokenizer:
    def __init__(self, vocab: Dict[str, int], max_len: int) -> None:
        self.vocab = vocab
        self.max_len = max_len

    def __call__(self, text: str) -> List[int]:
        ids = [self.vocab.get(w, 1) for w in text.lower().split()][:self.max_len]
        while len(ids) < self.max_len:
            ids.append(0)
        return ids


class TinyModel(torch.nn.Module):
    def __init__(self, vocab_size: int, classes: int = 4) -> None:
        super().__init__()
        self.embed = torch.nn.EmbeddingBag(vocab_size, 16, mode="mean")
        self.conv = torch.nn.Sequential(
            torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(8, 8, 3, stride=2), torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(1))
        self.dropout = torch.nn.Dropout(0.3)
        self.head = torch.nn.Linear(16 + 8, classes)

    def forward(self, ids: List[int], pixels: torch.Tensor) -> torch.Tensor:
        text = self.embed(torch.tensor([ids], dtype=torch.long))
        image = self.conv(pixels.unsqueeze(0)).flatten(1)
        return torch.softmax(self.head(self.dropout(torch.cat([text, image], 1))), dim=1)[0]


class MultiModal:
    def __init__(self, model: torch.nn.Module) -> None:
        self.tokenizer = Tokenizer({w: i for i, w in enumerate(VOCAB)}, MAX_LEN)
        self.model = pyjitx.torch_op(model)

    def process(self, text: str, image):
        ids = self.tokenizer(text)
        pixels = preprocess(image, 40, 32)
        return self.model(ids, pixels)


LOAD = """
import json, sys, time
import numpy as np
start = time.perf_counter()
import pyjitx
imported = time.perf_counter() - start
start = time.perf_counter()
mod = pyjitx.load(sys.argv[1])
loaded = time.perf_counter() - start
feeds = np.load(sys.argv[2])
texts = json.loads(sys.argv[3])
outputs = [mod.run({"text": t, "image": feeds[f"i{n}"]}).tolist() for n, t in enumerate(texts)]
print(json.dumps({"outputs": outputs, "load_s": loaded, "import_s": imported}))
"""


def synthetic_image(seed: int, h: int = 48, w: int = 64) -> np.ndarray:
    """A uint8 HWC image: gradients and noise, no file."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 // w, y * 255 // h, (x + y) * 255 // (w + h)], axis=-1)
    return np.clip(base + rng.integers(-20, 21, (h, w, 3)), 0, 255).astype(np.uint8)


def main() -> None:
    torch.manual_seed(0)
    model = TinyModel(len(VOCAB))
    flow = MultiModal(model)
    texts = ["the cat sits on the mat", "A red ball", "dog runs", "zebra"]
    images = [synthetic_image(n) for n in range(len(texts))]

    # training mode, in Python: dropout on, one SGD step on made-up labels
    model.train()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    tokenizer = flow.tokenizer
    probs = torch.stack([model(tokenizer(t), torch.from_numpy(preprocess(i, 40, 32)))
                         for t, i in zip(texts, images)])
    loss = torch.nn.functional.nll_loss(torch.log(probs), torch.tensor([0, 1, 2, 3]))
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    print(f"multimodal: trained one step in Python (train mode), loss {loss.item():.4f}")

    # eval mode: traced with the model as a torch_op, saved, loaded elsewhere
    model.eval()
    start = time.perf_counter()
    mod = pyjitx.trace(flow.process, texts[0], images[0])
    traced = time.perf_counter() - start
    expected = [flow.process(t, i) for t, i in zip(texts, images)]
    for t, i, want in zip(texts, images, expected):
        np.testing.assert_allclose(mod.run({"text": t, "image": i}), want, rtol=1e-6)
    with tempfile.TemporaryDirectory() as tmp:
        directory = os.path.join(tmp, "multimodal")
        start = time.perf_counter()
        mod.save(directory)
        saved = time.perf_counter() - start
        size = sum(os.path.getsize(os.path.join(d, f))
                   for d, _, fs in os.walk(directory) for f in fs)
        feeds = os.path.join(tmp, "images.npz")
        np.savez(feeds, **{f"i{n}": i for n, i in enumerate(images)})
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", LOAD, directory, feeds, json.dumps(texts)],
                             cwd=tmp, capture_output=True, text=True, timeout=120)
        process = time.perf_counter() - start
        if out.returncode != 0:
            raise SystemExit(f"the fresh process failed:\n{out.stderr}")
        result = json.loads(out.stdout)
    for got, want in zip(result["outputs"], expected):
        np.testing.assert_allclose(np.array(got, np.float32), want, rtol=1e-5, atol=1e-7)
    print(f"multimodal: eval outputs (class probabilities) {np.round(expected[0], 4).tolist()}")
    print(f"multimodal: trace {traced:.3f} s; save {saved:.3f} s ({size / 1024:.1f} KiB); "
          f"load {result['load_s']:.3f} s (pyjitx.load in a fresh process, torch's import "
          f"included; import pyjitx {result['import_s']:.3f} s; the whole process "
          f"{process:.2f} s)")
    print("multimodal: OK (loaded eval pipeline matches the in-process eval output)")
    if "--save" in sys.argv:
        where = sys.argv[sys.argv.index("--save") + 1]
        runs = [mod.run({"text": t, "image": i}) for t, i in zip(texts, images)]
        save_for_host(
            where, "multimodal", mod,
            [{"text": t, "image": f"multimodal_images/i{n}.u8", "shape": list(i.shape)}
             for n, (t, i) in enumerate(zip(texts, images))],
            [f"multimodal {t!r} -> {out.tolist()!r}" for t, out in zip(texts, runs)],
            files={f"multimodal_images/i{n}.u8": i.tobytes() for n, i in enumerate(images)})


if __name__ == "__main__":
    main()
