"""A generator in another module, for tests/test_generators.py: its body
must read this module's globals, not the consumer's."""
from typing import Iterator

MIN_LEN = 2


def long_words(text: str) -> Iterator[str]:
    for word in text.split():
        if len(word) >= MIN_LEN:
            yield word
