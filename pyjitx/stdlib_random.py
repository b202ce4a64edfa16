"""The random module in compiled code, written in the compiled subset:
random.py's algorithms over a generator state that the runtime's
Mersenne Twister draws from (libruntime/random.c, random.h), so that a seed
gives CPython's numbers.  pyjitx/frontend/stdlib.py compiles a call of
`random.X(...)` as `_X(<the module-level state>, ...)`, a call of
`r.X(...)` on a random.Random(...) made in compiled code as `_X(r._state,
...)`, and `random.Random` as the class below.

Each `_X(state, ...)` takes random.py's parameters after its state and
specialises on their types as any compiled function does (a choice from a
List[str] returns a str).  The `_mt_*` functions are the runtime's
primitives: compiled code calls the C function; run as Python (these
bodies) they do the same with CPython's own generator.

The state is a list of 627 ints (random.h): the 624 words and the index
that getstate() returns, whether gauss() holds a second value, and its
bits.  Where random.py differs between Python versions (3.10's choice of
an empty sequence, 3.12's randrange messages and integer-only arguments)
the definitions follow the running interpreter."""
from __future__ import annotations

import math
import struct
import sys
from random import LOG4, NV_MAGICCONST, SG_MAGICCONST, TWOPI
from typing import Any, List, Optional

_STATE_SIZE = 627
_V311 = sys.version_info >= (3, 11)
_V312 = sys.version_info >= (3, 12)
# pjx_random_randrange's flags (random.h)
_STOP_GIVEN, _STEP_IS_ONE, _START_BOOL, _STOP_BOOL, _STEP_BOOL = 1, 2, 4, 8, 16


# ---- the runtime's primitives (frontend/stdlib.py turns calls into them)

def _py_generator(state: List[int]) -> Any:
    """A CPython generator in this state (for the Python bodies below)."""
    import random

    g = random.Random()
    gauss = _mt_gauss_next(state) if state[625] else None
    g.setstate((3, tuple(w & 0xFFFFFFFF for w in state[:624]) + (min(max(state[624], 0), 624),),
                gauss))
    return g


def _py_store(g: Any, state: List[int]) -> None:
    _, words, gauss = g.getstate()
    state[:625] = list(words)
    state[625] = int(gauss is not None)
    state[626] = struct.unpack("<q", struct.pack("<d", gauss or 0.0))[0]


def _py_draw(state: List[int], draw: Any) -> Any:
    g = _py_generator(state)
    result = draw(g)
    _py_store(g, state)
    return result


_PY_GLOBAL: List[int] = []


def _mt_global() -> List[int]:
    if not _PY_GLOBAL:
        _PY_GLOBAL.extend([0] * _STATE_SIZE)
        _mt_seed_urandom(_PY_GLOBAL)
    return _PY_GLOBAL


def _mt_seed_int(state: List[int], n: int) -> None:
    _py_draw(state, lambda g: g.seed(n))


def _mt_seed_uint(state: List[int], bits: int) -> None:
    _py_draw(state, lambda g: g.seed(bits % 2 ** 64))


def _mt_seed_bytes(state: List[int], a: bytes) -> None:
    _py_draw(state, lambda g: g.seed(a))


def _mt_seed_v1(state: List[int], a: str) -> None:
    _py_draw(state, lambda g: g.seed(a, version=1))


def _mt_seed_urandom(state: List[int]) -> None:
    _py_draw(state, lambda g: g.seed())


def _mt_random(state: List[int]) -> float:
    return _py_draw(state, lambda g: g.random())


def _mt_getrandbits(state: List[int], k: int) -> int:
    return _py_draw(state, lambda g: g.getrandbits(k))


def _mt_randbelow(state: List[int], n: int) -> int:
    return _py_draw(state, lambda g: g._randbelow(n)) if n > 0 else 0


def _mt_randrange(state: List[int], start: int, stop: int, step: int, flags: int) -> int:
    if not flags & _STOP_GIVEN:
        if not flags & _STEP_IS_ONE:
            raise TypeError("Missing a non-None stop argument")
        return _py_draw(state, lambda g: g.randrange(start))
    return _py_draw(state, lambda g: g.randrange(start, stop, step))


def _mt_randint(state: List[int], a: int, b: int, flags: int) -> int:
    return _py_draw(state, lambda g: g.randint(a, b))


def _mt_gauss(state: List[int]) -> float:
    return _py_draw(state, lambda g: g.gauss(0.0, 1.0))


def _mt_has_gauss(state: List[int]) -> bool:
    return state[625] != 0


def _mt_gauss_next(state: List[int]) -> float:
    return struct.unpack("<d", struct.pack("<q", state[626]))[0]


def _mt_set_gauss_next(state: List[int], has: bool, value: float) -> None:
    state[625] = int(has)
    state[626] = struct.unpack("<q", struct.pack("<d", value if has else 0.0))[0]


def _mt_randbytes(state: List[int], n: int) -> bytes:
    return _py_draw(state, lambda g: g.randbytes(n))


# ---- helpers

def _accumulate(xs):
    """list(itertools.accumulate(xs))"""
    out = [x for x in xs]
    for i in range(1, len(out)):
        out[i] = out[i - 1] + out[i]
    return out


def _bisect_right(a, x, lo: int, hi: int) -> int:
    while lo < hi:
        mid = (lo + hi) // 2
        if x < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


# ---- seeding and state

if sys.version_info >= (3, 13):
    _SEED_TYPES = "The only supported seed types are:\nNone, int, float, str, bytes, and bytearray."
else:
    _SEED_TYPES = "The only supported seed types are: None,\nint, float, str, bytes, and bytearray."


def _seed(state: List[int], a=None, version=2) -> None:
    if a is None:
        _mt_seed_urandom(state)
    elif isinstance(a, str):
        if version == 1:
            _mt_seed_v1(state, a)
        elif version == 2:
            _mt_seed_bytes(state, a.encode())
        else:
            _mt_seed_uint(state, hash(a))
    elif isinstance(a, bytes):
        if version == 1:
            _mt_seed_v1(state, a.decode("latin-1"))
        elif version == 2:
            _mt_seed_bytes(state, a)
        else:
            _mt_seed_uint(state, hash(a))
    elif isinstance(a, int):
        _mt_seed_int(state, a)
    elif isinstance(a, float):
        _mt_seed_uint(state, hash(a))
    elif _V311:
        raise TypeError(_SEED_TYPES)
    else:  # (3.10 seeds with the hash of anything, with a DeprecationWarning)
        _mt_seed_uint(state, hash(a))


def _getstate(state: List[int]):
    gauss: Optional[float] = None
    if _mt_has_gauss(state):
        gauss = _mt_gauss_next(state)
    return (3, tuple(state[:625]), gauss)


def _set_words(state: List[int], given, version: int) -> None:
    """_random.Random.setstate of a version-3 word tuple (version 2's words
    were signed: random.py takes them modulo 2**32)."""
    words = list(given)  # (a tuple of another length is a ValueError, not a CompileError)
    if len(words) != 625:
        raise ValueError("state vector is the wrong size")
    for i in range(624):
        if version == 3 and words[i] < 0:
            raise OverflowError("can't convert negative int to unsigned")
    index = words[624] if version == 3 else words[624] % 4294967296
    if index < 0 or index > 624:
        raise ValueError("invalid state")
    for i in range(624):
        state[i] = words[i] % 4294967296
    state[624] = index


def _setstate(state: List[int], st) -> None:
    version = st[0]
    if version == 3 or version == 2:
        words = st[1]
        gauss_next = st[2]
        _set_words(state, words, version)
        if gauss_next is None:
            _mt_set_gauss_next(state, False, 0.0)
        else:
            _mt_set_gauss_next(state, True, float(gauss_next))
    else:
        raise ValueError("state with version %s passed to Random.setstate() of version %s"
                         % (version, 3))


def _random(state: List[int]) -> float:
    return _mt_random(state)


def _getrandbits(state: List[int], k) -> int:
    return _mt_getrandbits(state, k)


def _randbytes(state: List[int], n) -> bytes:
    return _mt_randbytes(state, n)


# ---- integers

if _V312:
    def _index(x, what: str) -> int:
        """operator.index(x)"""
        if isinstance(x, int):
            return int(x)
        raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
else:
    def _index(x, what: str) -> int:
        """random.py (3.10, 3.11): an int, or a float with an integral value
        (deprecated there, so without the warning here)"""
        if isinstance(x, int):
            return int(x)
        ix = int(x)
        if ix != x:
            raise ValueError("non-integer " + what + " for randrange()")
        return ix


def _is_bool(x, flag: int) -> int:
    if isinstance(x, bool):
        return flag
    return 0


def _randrange(state: List[int], start, stop=None, step=1) -> int:
    istart = _index(start, "arg 1")
    flags = _is_bool(start, _START_BOOL) | _is_bool(stop, _STOP_BOOL) | _is_bool(step, _STEP_BOOL)
    if stop is None:
        # random.py tests `step is not _ONE`: only the int 1 itself passes
        one = 0
        if isinstance(step, bool):
            one = 0
        elif isinstance(step, int):
            if step == 1:
                one = _STEP_IS_ONE
        return _mt_randrange(state, istart, 0, 1, flags | one)
    istop = _index(stop, "stop")
    istep = _index(step, "step")
    return _mt_randrange(state, istart, istop, istep, flags | _STOP_GIVEN)


def _randint(state: List[int], a, b) -> int:
    if isinstance(a, int) and isinstance(b, int):
        return _mt_randint(state, a, b, _is_bool(a, _START_BOOL))
    return _randrange(state, a, b + 1)


# ---- sequences

if _V311:
    def _choice(state: List[int], seq):
        n = len(seq)
        if not n:
            raise IndexError("Cannot choose from an empty sequence")
        return seq[_mt_randbelow(state, n)]
else:
    def _choice(state: List[int], seq):
        return seq[_mt_randbelow(state, len(seq))]  # (empty: the sequence's IndexError)


def _shuffle(state: List[int], x) -> None:
    for i in range(len(x) - 1, 0, -1):
        j = _mt_randbelow(state, i + 1)
        x[i], x[j] = x[j], x[i]


def _sample_indices(state: List[int], n: int, k: int) -> List[int]:
    """random.py's sample of range(n): the pool-based algorithm for small
    populations, the set-based one for large, chosen as random.py chooses."""
    if not 0 <= k <= n:
        raise ValueError("Sample larger than population or is negative")
    setsize = 21  # size of a small set minus size of an empty list
    if k > 5:
        setsize += 4 ** math.ceil(math.log(k * 3, 4))  # table size for big sets
    result: List[int] = []
    if n <= setsize:
        pool = list(range(n))
        for i in range(k):
            j = _mt_randbelow(state, n - i)
            result.append(pool[j])
            pool[j] = pool[n - i - 1]  # move non-selected item into vacancy
    else:
        selected = set()
        for i in range(k):
            j = _mt_randbelow(state, n)
            while j in selected:
                j = _mt_randbelow(state, n)
            selected.add(j)
            result.append(j)
    return result


def _sample(state: List[int], population, k, *, counts=None):
    if isinstance(population, dict) or isinstance(population, set):
        if _V311:
            raise TypeError("Population must be a sequence.  For dicts or sets, use sorted(d).")
        return _sample(state, list(population), k, counts=counts)  # (3.10: a set's items)
    n = len(population)
    if counts is not None:
        cum_counts = _accumulate(counts)
        if len(cum_counts) != n:
            raise ValueError("The number of counts does not match the population")
        total = cum_counts.pop()
        if not isinstance(total, int):
            raise TypeError("Counts must be integers")
        if total <= 0:
            raise ValueError("Total of counts must be greater than zero")
        selections = _sample_indices(state, total, k)
        return [population[_bisect_right(cum_counts, s, 0, len(cum_counts))] for s in selections]
    return [population[j] for j in _sample_indices(state, n, k)]


def _choices(state: List[int], population, weights=None, *, cum_weights=None, k=1):
    n = len(population)
    if cum_weights is None:
        if weights is None:
            size = n + 0.0  # convert to float for a small speed improvement
            return [population[math.floor(_mt_random(state) * size)] for i in range(k)]
        if isinstance(weights, int):
            raise TypeError(f"The number of choices must be a keyword argument: k={weights}")
        return _choose_cumulative(state, population, _accumulate(weights), k)
    if weights is not None:
        raise TypeError("Cannot specify both weights and cumulative weights")
    return _choose_cumulative(state, population, cum_weights, k)


def _choose_cumulative(state: List[int], population, cum_weights, k):
    n = len(population)
    if len(cum_weights) != n:
        raise ValueError("The number of weights does not match the population")
    total = cum_weights[-1] + 0.0  # convert to float
    if total <= 0.0:
        raise ValueError("Total of weights must be greater than zero")
    if not math.isfinite(total):
        raise ValueError("Total of weights must be finite")
    hi = n - 1
    return [population[_bisect_right(cum_weights, _mt_random(state) * total, 0, hi)]
            for i in range(k)]


# ---- real-valued distributions

def _uniform(state: List[int], a, b) -> float:
    return a + (b - a) * _mt_random(state)


def _triangular(state: List[int], low=0.0, high=1.0, mode=None) -> float:
    u = _mt_random(state)
    if mode is None:
        c = 0.5
    else:
        try:
            c = (mode - low) / (high - low)
        except ZeroDivisionError:
            return low
    if u > c:
        u = 1.0 - u
        c = 1.0 - c
        return high + (low - high) * math.sqrt(u * c)  # (low and high swapped)
    return low + (high - low) * math.sqrt(u * c)


def _normalvariate(state: List[int], mu=0.0, sigma=1.0) -> float:
    while True:
        u1 = _mt_random(state)
        u2 = 1.0 - _mt_random(state)
        z = NV_MAGICCONST * (u1 - 0.5) / u2
        zz = z * z / 4.0
        if zz <= -math.log(u2):
            break
    return mu + z * sigma


def _gauss(state: List[int], mu=0.0, sigma=1.0) -> float:
    return mu + _mt_gauss(state) * sigma


def _lognormvariate(state: List[int], mu, sigma) -> float:
    return math.exp(_normalvariate(state, mu, sigma))


def _expovariate(state: List[int], lambd=1.0) -> float:
    return -math.log(1.0 - _mt_random(state)) / lambd


def _vonmisesvariate(state: List[int], mu, kappa) -> float:
    if kappa <= 1e-6:
        return TWOPI * _mt_random(state)
    s = 0.5 / kappa
    r = s + math.sqrt(1.0 + s * s)
    while True:
        u1 = _mt_random(state)
        z = math.cos(math.pi * u1)
        d = z / (r + z)
        u2 = _mt_random(state)
        if u2 < 1.0 - d * d or u2 <= (1.0 - d) * math.exp(d):
            break
    q = 1.0 / r
    f = (q + z) / (1.0 + q * z)
    u3 = _mt_random(state)
    if u3 > 0.5:
        theta = (mu + math.acos(f)) % TWOPI
    else:
        theta = (mu - math.acos(f)) % TWOPI
    return theta


def _gammavariate(state: List[int], alpha, beta) -> float:
    if alpha <= 0.0 or beta <= 0.0:
        raise ValueError("gammavariate: alpha and beta must be > 0.0")
    if alpha > 1.0:
        ainv = math.sqrt(2.0 * alpha - 1.0)
        bbb = alpha - LOG4
        ccc = alpha + ainv
        while True:
            u1 = _mt_random(state)
            if not 1e-7 < u1 < 0.9999999:
                continue
            u2 = 1.0 - _mt_random(state)
            v = math.log(u1 / (1.0 - u1)) / ainv
            x = alpha * math.exp(v)
            z = u1 * u1 * u2
            r = bbb + ccc * v - x
            if r + SG_MAGICCONST - 4.5 * z >= 0.0 or r >= math.log(z):
                return x * beta
    elif alpha == 1.0:
        return -math.log(1.0 - _mt_random(state)) * beta
    else:
        while True:
            u = _mt_random(state)
            b = (math.e + alpha) / math.e
            p = b * u
            if p <= 1.0:
                x = p ** (1.0 / alpha)
            else:
                x = -math.log((b - p) / alpha)
            u1 = _mt_random(state)
            if p > 1.0:
                if u1 <= x ** (alpha - 1.0):
                    break
            elif u1 <= math.exp(-x):
                break
        return x * beta


def _betavariate(state: List[int], alpha, beta) -> float:
    y = _gammavariate(state, alpha, 1.0)
    if y:
        return y / (y + _gammavariate(state, beta, 1.0))
    return 0.0


def _paretovariate(state: List[int], alpha) -> float:
    u = 1.0 - _mt_random(state)
    return u ** (-1.0 / alpha)


def _weibullvariate(state: List[int], alpha, beta) -> float:
    u = 1.0 - _mt_random(state)
    return alpha * (-math.log(u)) ** (1.0 / beta)


# ---- random.Random in compiled code

class Random:
    """random.Random made in compiled code: its generator's state, and
    random.Random's methods (compiled code calls the functions above
    directly; these serve an instance handed back to Python)."""

    VERSION = 3

    def __init__(self, x: Any = None) -> None:
        self._state: List[int] = [0] * _STATE_SIZE
        _seed(self._state, x, 2)

    def seed(self, a: Any = None, version: int = 2) -> None:
        _seed(self._state, a, version)

    def getstate(self) -> Any:
        return _getstate(self._state)

    def setstate(self, state: Any) -> None:
        _setstate(self._state, state)

    def random(self) -> float:
        return _mt_random(self._state)

    def getrandbits(self, k: int) -> int:
        return _mt_getrandbits(self._state, k)

    def randbytes(self, n: int) -> bytes:
        return _mt_randbytes(self._state, n)

    def randrange(self, start: Any, stop: Any = None, step: Any = 1) -> int:
        return _randrange(self._state, start, stop, step)

    def randint(self, a: Any, b: Any) -> int:
        return _randint(self._state, a, b)

    def choice(self, seq: Any) -> Any:
        return _choice(self._state, seq)

    def shuffle(self, x: Any) -> None:
        _shuffle(self._state, x)

    def sample(self, population: Any, k: int, *, counts: Any = None) -> List[Any]:
        return _sample(self._state, population, k, counts=counts)

    def choices(self, population: Any, weights: Any = None, *, cum_weights: Any = None,
                k: int = 1) -> List[Any]:
        return _choices(self._state, population, weights, cum_weights=cum_weights, k=k)

    def uniform(self, a: float, b: float) -> float:
        return _uniform(self._state, a, b)

    def triangular(self, low: float = 0.0, high: float = 1.0, mode: Any = None) -> float:
        return _triangular(self._state, low, high, mode)

    def normalvariate(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        return _normalvariate(self._state, mu, sigma)

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        return _gauss(self._state, mu, sigma)

    def lognormvariate(self, mu: float, sigma: float) -> float:
        return _lognormvariate(self._state, mu, sigma)

    def expovariate(self, lambd: float = 1.0) -> float:
        return _expovariate(self._state, lambd)

    def vonmisesvariate(self, mu: float, kappa: float) -> float:
        return _vonmisesvariate(self._state, mu, kappa)

    def gammavariate(self, alpha: float, beta: float) -> float:
        return _gammavariate(self._state, alpha, beta)

    def betavariate(self, alpha: float, beta: float) -> float:
        return _betavariate(self._state, alpha, beta)

    def paretovariate(self, alpha: float) -> float:
        return _paretovariate(self._state, alpha)

    def weibullvariate(self, alpha: float, beta: float) -> float:
        return _weibullvariate(self._state, alpha, beta)


# random.X / Random.X -> the function compiled code calls with the state
# first (the module's generator's, or the instance's)
METHODS = {
    "seed": _seed, "getstate": _getstate, "setstate": _setstate, "random": _random,
    "getrandbits": _getrandbits, "randbytes": _randbytes, "randrange": _randrange,
    "randint": _randint, "choice": _choice, "shuffle": _shuffle, "sample": _sample,
    "choices": _choices, "uniform": _uniform, "triangular": _triangular,
    "normalvariate": _normalvariate, "gauss": _gauss, "lognormvariate": _lognormvariate,
    "expovariate": _expovariate, "vonmisesvariate": _vonmisesvariate,
    "gammavariate": _gammavariate, "betavariate": _betavariate,
    "paretovariate": _paretovariate, "weibullvariate": _weibullvariate,
}

# the runtime's primitives, by name in frontend/stdlib.py's table
PRIMITIVES = {
    "_mt_global": _mt_global, "_mt_seed_int": _mt_seed_int, "_mt_seed_uint": _mt_seed_uint,
    "_mt_seed_bytes": _mt_seed_bytes, "_mt_seed_v1": _mt_seed_v1,
    "_mt_seed_urandom": _mt_seed_urandom, "_mt_random": _mt_random,
    "_mt_getrandbits": _mt_getrandbits, "_mt_randbelow": _mt_randbelow,
    "_mt_randrange": _mt_randrange, "_mt_randint": _mt_randint, "_mt_gauss": _mt_gauss,
    "_mt_has_gauss": _mt_has_gauss, "_mt_gauss_next": _mt_gauss_next,
    "_mt_set_gauss_next": _mt_set_gauss_next, "_mt_randbytes": _mt_randbytes,
}
