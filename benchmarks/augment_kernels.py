"""The random-augmentation kernels, as plain annotated Python (issue 18).

`augment_batch` augments a batch of token lists as a training pipeline
does -- the generator seeded once for the batch (as a data-loader worker
seeds), then per example: shuffle a copy, drop tokens at random, add
`choices` of its tokens and a Gaussian jitter on the example's weights --
in one call (seeding per example instead adds about 5 us an example,
compiled or not: init_by_array dominates); `augment_one` is one example, as
a serving process or a per-example Python loop calls it.  Both draw from
random's module-level generator (lent to compiled code in a Python
process).  CPython runs this module as is; pyjitx compiles the same
source.  Nothing here imports pyjitx.
"""
import random
from typing import List, Tuple


def augment_one(tokens: List[str], weights: List[float]) -> Tuple[List[str], float]:
    out = list(tokens)
    random.shuffle(out)
    kept = [t for t in out if random.random() > 0.1]
    kept += random.choices(tokens, k=3)
    total = 0.0
    for w in weights:
        total += w + random.gauss(0.0, 0.05)
    return kept, total


def augment_batch(batch: List[List[str]], weights: List[float], seed: int) -> Tuple[int, float]:
    random.seed(seed)
    count = 0
    total = 0.0
    for i in range(len(batch)):
        kept, score = augment_one(batch[i], weights)
        count += len(kept) + len(kept[0])
        total += score
    return count, total


def augment_inputs(n: int) -> Tuple[List[List[str]], List[float]]:
    """n examples of 8..40 tokens (ASCII, accents, CJK, emoji), seeded."""
    rng = random.Random(18)
    vocab = ["the", "quick", "brown", "fox", "café", "naïve", "中文", "分词", "😀", "👍🏽",
             "jumps", "over", "lazy", "dog", "straße", "λόγος"] + [f"w{i}" for i in range(200)]
    batch = [[rng.choice(vocab) for _ in range(rng.randint(8, 40))] for _ in range(n)]
    weights = [rng.random() for _ in range(16)]
    return batch, weights
