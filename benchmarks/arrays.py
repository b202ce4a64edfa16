"""NDArray workloads timed in this process: pad-to-array and the image pipeline.

This module owns the two array workloads: which implementations take
part, the check of each result against CPython's before it is timed
(arrays compared bit for bit, or -- for the references that compute
differently -- within a stated tolerance, with the actual difference in
the notes), and the rows.

pad-to-array: CPython runs array_kernels.pad_to_array (the per-element
loop), pyjitx compiles the same source; numba jits the same function
(array_numba: typed.List conversion inside the call, and prebuilt) and
matxscript scripts the same loop over matx.NDArray (array_matx) where
installed; "numpy vectorised (ref)" is what a numpy programmer writes
instead.  Python lists in, numpy arrays out, conversions timed.

image pipeline: torchvision's eval transform (Resize(256), CenterCrop(224),
ToTensor + Normalize) on a 1000x750 RGB picture.  CPython runs
pyjitx.image.preprocess's own source (`.py_func`; seconds per call, so it
takes fewer samples, said in its row), pyjitx the compiled kit; the
references are Pillow's resize + numpy crop/normalise, and torch's
antialiased interpolate + slicing + normalise (one thread: pyjitx uses
one), where they import.
"""
from __future__ import annotations

import importlib.util
import itertools
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from . import array_kernels
from .peers import quiet
from .results import CPYTHON, PYJITX, Row, Settings, apply_goal, fill_rows, join_notes, speedups
from .timing import calibrate, interleave, short_error, time_call, timed_result

# compare(result, CPython's result) -> None when equal, else a note; a note
# starting with "WRONG" keeps the row out of the timing
Compare = Callable[[Any, Any], Optional[str]]


@dataclass
class Impl:
    make: Callable[[], Callable[[], Any]]   # -> the thunk to time (may raise)
    notes: str = ""
    compare: Optional[Compare] = None       # None: identical arrays
    samples: Optional[int] = None           # a slow row: this many samples, not interleaved
    warm: bool = True                       # call once before the checked call (lazy compiles)


def identical(got: Any, expected: Any) -> Optional[str]:
    """Arrays (or tuples of arrays) with the same dtype, shape and bytes."""
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            return f"WRONG: {type(got).__name__}, CPython {len(expected)}-tuple"
        for g, e in zip(got, expected):
            verdict = identical(g, e)
            if verdict:
                return verdict
        return None
    got = np.asarray(got)
    if got.dtype != expected.dtype or got.shape != expected.shape:
        return f"WRONG: {got.dtype}{got.shape}, CPython {expected.dtype}{expected.shape}"
    if got.tobytes() != expected.tobytes():
        return f"WRONG: {int(np.sum(got != expected))} elements differ from CPython's"
    return None


def within(tolerance: float, why: str) -> Compare:
    def compare(got: Any, expected: Any) -> Optional[str]:
        got = np.asarray(got)
        if got.shape != expected.shape:
            return f"WRONG: shape {got.shape}, CPython {expected.shape}"
        diff = float(np.max(np.abs(got.astype(np.float64) - expected)))
        verdict = "WRONG: " if diff > tolerance else ""
        return f"{verdict}max |diff| {diff:.1e} ({why})"
    return compare


def timed_rows(name: str, impls: Dict[str, Impl], settings: Settings) -> List[Row]:
    rows: Dict[str, Row] = {}
    interleaved: Dict[str, Callable[[], float]] = {}
    slow: Dict[str, Callable[[], float]] = {}
    expected: Any = None
    for impl, spec in impls.items():
        row = rows[impl] = Row(name, impl, notes=spec.notes)
        try:
            with quiet():
                thunk = spec.make()
                if spec.warm:
                    thunk()
            result, first = timed_result(thunk)
        except Exception as exc:
            row.notes = join_notes(row.notes, f"error: {short_error(exc)}")
            continue
        row.extra["first_call_s"] = first
        if impl == CPYTHON:
            expected = result
        else:
            verdict = (spec.compare or identical)(result, expected)
            if verdict:
                row.notes = join_notes(row.notes, verdict)
            if verdict and verdict.startswith("WRONG"):
                continue
        if spec.samples:
            count = max(1, min(spec.samples, settings.rounds))
            slow[impl] = lambda thunk=thunk: time_call(thunk)
            row.notes = join_notes(row.notes, f"{count} sample{'s' * (count > 1)}")
            row.extra["samples_taken"] = count
            continue
        number = calibrate(thunk, first, settings.target)
        row.extra["calls_per_sample"] = number
        interleaved[impl] = lambda thunk=thunk, number=number: time_call(thunk, number)
    errors: Dict[str, str] = {}
    samples = interleave(interleaved, settings.rounds, errors)
    for impl, sample in slow.items():
        samples[impl] = [sample() for _ in range(rows[impl].extra["samples_taken"])]
    fill_rows(rows, samples, errors)
    ordered = list(rows.values())
    speedups(ordered)
    return ordered


# ------------------------------------------------------------ pad-to-array


def pad_numpy(rows: List[List[int]], length: int) -> Any:
    """The vectorised numpy way: one flat array of the kept ids, scattered
    through a boolean mask."""
    lengths = np.fromiter((min(len(r), length) for r in rows), np.int64, len(rows))
    flat = np.fromiter(itertools.chain.from_iterable(r[:length] for r in rows), np.int64,
                       int(lengths.sum()))
    keep = np.arange(length)[None, :] < lengths[:, None]
    ids = np.zeros((len(rows), length), np.int64)
    ids[keep] = flat
    return ids, keep.astype(np.int8)


def run_pad(settings: Settings) -> List[Row]:
    n = 200 if settings.quick else 1000
    length = array_kernels.PAD_LENGTH
    name = (f"pad-to-array: {n:,} ragged id lists (1-200 ids) -> ({n:,}, {length}) int64 ids "
            "+ int8 mask")
    rows = array_kernels.pad_inputs(n)
    kernel = array_kernels.pad_to_array

    def calling(fn: Callable) -> Callable[[], Any]:
        return lambda: fn(rows, length)

    def compiled() -> Callable[[], Any]:
        import pyjitx
        return calling(pyjitx.compile(kernel))

    impls: Dict[str, Impl] = {
        CPYTHON: Impl(lambda: calling(kernel), notes="per-element loop", warm=False),
        PYJITX: Impl(compiled, notes="same source; lists converted per call"),
    }
    peers = settings.peers
    if peers is not None and "numba" in peers.available:
        def numba_module():
            from . import array_numba
            return array_numba
        impls["numba: e2e"] = Impl(lambda: calling(numba_module().e2e()),
                                   notes="same function; typed.List per call")
        impls["numba: typed.List prebuilt"] = Impl(
            lambda: calling(numba_module().prebuilt(rows)),
            notes="converted once, untimed: kernel alone")
    if peers is not None and "matxscript" in peers.available:
        def matx_e2e():
            from . import array_matx
            return calling(array_matx.e2e())
        impls["matxscript: e2e"] = Impl(matx_e2e, notes="same loop on matx.NDArray; .numpy()")
    impls["numpy vectorised (ref)"] = Impl(lambda: calling(pad_numpy),
                                           notes="fromiter + boolean-mask scatter")
    ordered = timed_rows(name, impls, settings)
    apply_goal(ordered, PYJITX, ">= 15x CPython", lambda r: (r.ratio or 0) >= 15)
    return ordered


# ------------------------------------------------------------ image pipeline


def _output_box(height: int, width: int, size: int, crop: int):
    """torchvision Resize(size) + CenterCrop(crop): (new_h, new_w, top, left)."""
    if width <= height:
        new_h, new_w = int(size * height / width), size
    else:
        new_h, new_w = size, int(size * width / height)
    return new_h, new_w, int(round((new_h - crop) / 2.0)), int(round((new_w - crop) / 2.0))


def _pillow_numpy(size: int, crop: int) -> Callable[[np.ndarray], np.ndarray]:
    from PIL import Image

    from pyjitx.image import IMAGENET_MEAN, IMAGENET_STD

    mean = np.array(IMAGENET_MEAN, np.float32)
    std = np.array(IMAGENET_STD, np.float32)

    def run(img: np.ndarray) -> np.ndarray:
        new_h, new_w, top, left = _output_box(img.shape[0], img.shape[1], size, crop)
        resized = np.asarray(Image.fromarray(img).resize((new_w, new_h), Image.BILINEAR))
        window = resized[top:top + crop, left:left + crop].astype(np.float32) / np.float32(255)
        return np.ascontiguousarray(((window - mean) / std).transpose(2, 0, 1))

    return run


def _torch(size: int, crop: int) -> Callable[[np.ndarray], np.ndarray]:
    import torch
    import torch.nn.functional as F

    from pyjitx.image import IMAGENET_MEAN, IMAGENET_STD

    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)

    def run(img: np.ndarray) -> np.ndarray:
        new_h, new_w, top, left = _output_box(img.shape[0], img.shape[1], size, crop)
        x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0)     # uint8, channels last
        y = F.interpolate(x, size=(new_h, new_w), mode="bilinear", antialias=True)
        y = y[0, :, top:top + crop, left:left + crop].float().div_(255)
        return y.sub_(mean).div_(std).contiguous().numpy()

    return run


def run_image(settings: Settings) -> List[Row]:
    height, width, size, crop = (150, 200, 64, 56) if settings.quick else (750, 1000, 256, 224)
    name = (f"image pipeline: Resize({size}) + CenterCrop({crop}) + normalise, {width}x{height} "
            "RGB uint8 -> float32 CHW")
    img = array_kernels.image_input(height, width)

    def calling(fn: Callable) -> Callable[[], Any]:
        return lambda: fn(img)

    def kit(compiled: bool) -> Callable[[], Any]:
        from pyjitx import image
        fn = image.preprocess if compiled else image.preprocess.py_func
        return lambda: fn(img, size, crop)

    # one uint8 level after resizing, through the normalisation
    level = 1.0 / 255.0 / 0.224 + 1e-5
    impls: Dict[str, Impl] = {
        CPYTHON: Impl(lambda: kit(False), notes="preprocess.py_func",
                      samples=3, warm=False),
        PYJITX: Impl(lambda: kit(True), notes="pyjitx.image.preprocess"),
    }
    if importlib.util.find_spec("PIL") is not None:
        impls["Pillow + numpy (ref)"] = Impl(
            lambda: calling(_pillow_numpy(size, crop)),
            notes="Image.resize BILINEAR; numpy crop, normalise",
            compare=within(level, "float32 math"))
    if importlib.util.find_spec("torch") is not None:
        impls["torch, 1 thread (ref)"] = Impl(
            lambda: calling(_torch(size, crop)),
            notes="interpolate(antialias=True) on uint8; slice, normalise",
            compare=within(level, "resize within 1 level"))
    threads = _torch_threads(1)
    try:
        return timed_rows(name, impls, settings)
    finally:
        _torch_threads(threads)


def _torch_threads(n: int) -> int:
    """Set torch's intra-op threads where torch is already imported (or
    importable); returns the previous count (0 without torch)."""
    if importlib.util.find_spec("torch") is None:
        return 0
    import torch

    previous = torch.get_num_threads()
    if n > 0:
        torch.set_num_threads(n)
    return previous
