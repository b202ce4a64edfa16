"""A configuration module that tests/test_module_state.py reads as
`module_config.NAME`, the way preprocessing code reads a settings module."""
from typing import Dict, List

SPECIAL_TOKENS = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
MAX_LEN = 8
PUNCT = frozenset(".,;:!?")
BUCKETS: List[float] = [0.5, 1.0, 2.5]
EMPTY: Dict[str, int] = {}
