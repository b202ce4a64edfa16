"""The collections workload (issue 18): preprocessing code as it is written
with the standard library -- Counter over tokens and most_common, grouping
with defaultdict(list), a deque(maxlen=) window and itertools.pairwise --
run by CPython as is and compiled unchanged (no call back into the
interpreter).  Nothing here imports pyjitx; the inputs are text_data's
text2ids sentences (Zipf-distributed words, accents, CJK)."""
from collections import Counter, defaultdict, deque
from itertools import islice, pairwise
from typing import List, Tuple


def token_stats(texts: List[str], k: int) -> Tuple[List[Tuple[str, int]], List[Tuple[str, int]],
                                                   List[Tuple[str, int]], int]:
    counts = Counter()
    by_initial = defaultdict(list)
    bigrams = Counter()
    window = deque(maxlen=4)
    longest = 0
    for i, text in enumerate(texts):
        tokens = text.lower().split()
        counts.update(tokens)
        for token in tokens:
            by_initial[token[0]].append(i)
            window.append(len(token))
            total = sum(window)
            if total > longest:
                longest = total
        for a, b in pairwise(tokens):
            bigrams[a + " " + b] += 1
    groups = sorted((key, len(ids)) for key, ids in by_initial.items())
    return counts.most_common(k), bigrams.most_common(k), list(islice(groups, k)), longest
