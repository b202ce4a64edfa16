"""pyjitx.image: CPU image preprocessing, written in the compiled subset.

Every function here is ordinary Python over numpy arrays (uint8, HWC:
height x width x channels, any number of channels) and is compiled by
pyjitx; `fn.py_func` is the same source run by CPython, which is how the
tests check the compiled code (identical arrays, bit for bit).  The work is
explicit loops over element indices: compiled, they are tight machine code;
in CPython they are slow (the Python versions exist as the reference, not
for speed).

The reference the results are matched against:

- `resize` is Pillow's `Image.resize(size, Image.BILINEAR)`: a triangle
  filter whose support widens with the downscale factor (antialiasing),
  applied separably, one pass per axis in Pillow's order, in Pillow's
  fixed-point arithmetic (22 fractional bits, rounded and clipped to
  uint8 after each pass).  Reproducing that arithmetic makes the output
  identical to Pillow 13's (tested on random sizes and 1/3-channel
  images: max abs difference 0); older Pillow releases always ran the
  horizontal pass first and can differ by 1 where 13 goes vertical first
  (see `_resample`).  torchvision's Resize (antialias=True) uses Pillow
  on PIL images, and on tensors torch's antialiased interpolate, which is
  within 1 of this (tested).  Pillow resizes RGBA premultiplied; here
  every channel is filtered alike.
- `center_crop`, `random_resized_crop` (with its 10 attempts and centre
  fallback), `random_hflip` and the `preprocess` eval transform follow
  torchvision's definitions; the random ones draw from `Random`, a PCG32
  generator written in the compiled subset, so one seed gives the same
  crops compiled and in CPython (not torch's numbers: torch's generator
  is not reproducible outside torch).

Arithmetic rules that keep compiled and CPython results identical: element
reads are wrapped in int() (in CPython they are numpy scalars, and uint8
arithmetic would wrap around), floats are computed in double precision on
both sides and stored to float32 only at the end, and every integer
intermediate stays within int64 (compiled ints raise OverflowError rather
than grow; the generator works on 32-bit halves for that reason).

Differences from torchvision, by design: a crop larger than the image is a
ValueError (torchvision pads with zeros); every function returns a new
array (random_hflip included, when it does not flip).
"""

import math
from typing import Any, Tuple

import numpy as np

import pyjitx
from pyjitx import NDArray

ImageU8 = NDArray[np.uint8, 3]      # an image: height x width x channels, uint8
ChwF32 = NDArray[np.float32, 3]     # a normalised image: channels x height x width
_Weights = NDArray[np.int64, 1]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

_M32 = 0xFFFFFFFF

# ------------------------------------------------------------ the generator

# PCG32's multiplier 0x5851F42D4C957F2D in 32-bit halves, the low half in 16-bit ones
_MUL_HI = 0x5851F42D
_MUL_LO = 0x4C957F2D
_MUL_LO_1 = 0x4C95
_MUL_LO_0 = 0x7F2D


def _mul32(a: int, b: int) -> int:
    """a * b mod 2**32 for 32-bit a and b, no intermediate above 2**49."""
    return (a * (b & 0xFFFF) + (((a * (b >> 16)) & 0xFFFF) << 16)) & _M32


@pyjitx.compile
class Random:
    """PCG32 (O'Neill's pcg32_random_r, XSH-RR output; seeded as
    pcg32_srandom_r(seed, stream)): a 64-bit LCG state and 32-bit outputs.
    `Random(42, 54)` gives pcg32-demo's reference sequence 0xa15c02b7,
    0x7b47f409, ...

    The 64-bit state and increment are kept as 32-bit halves and the
    64-bit multiply is done in 16-bit pieces, so no intermediate leaves
    int64: compiled ints raise OverflowError instead of wrapping, CPython's
    would grow, and this way both compute the same bits.  Seeds and
    streams are taken modulo 2**64 (any int64)."""

    def __init__(self, seed: int, stream: int = 54) -> None:
        self.hi = 0
        self.lo = 0
        # inc = (stream << 1) | 1, mod 2**64
        self.inc_hi = (((stream >> 32) & _M32) << 1 | (stream & _M32) >> 31) & _M32
        self.inc_lo = (((stream & _M32) << 1) | 1) & _M32
        self.next_u32()
        lo = self.lo + (seed & _M32)
        self.hi = (self.hi + ((seed >> 32) & _M32) + (lo >> 32)) & _M32
        self.lo = lo & _M32
        self.next_u32()

    def next_u32(self) -> int:
        """The next 32-bit output (an int in [0, 2**32))."""
        hi = self.hi
        lo = self.lo
        # state = state * MUL + inc (mod 2**64); lo * MUL_LO in full, by 16-bit pieces
        l0 = lo & 0xFFFF
        l1 = lo >> 16
        mid = l0 * _MUL_LO_1 + l1 * _MUL_LO_0
        low = l0 * _MUL_LO_0 + ((mid & 0xFFFF) << 16)
        new_hi = l1 * _MUL_LO_1 + (mid >> 16) + (low >> 32)
        new_hi += _mul32(lo, _MUL_HI) + _mul32(hi, _MUL_LO)
        new_lo = (low & _M32) + self.inc_lo
        self.hi = (new_hi + self.inc_hi + (new_lo >> 32)) & _M32
        self.lo = new_lo & _M32
        # output from the old state: rotr32(((old >> 18) ^ old) >> 27, old >> 59)
        x_hi = hi ^ (hi >> 18)
        x_lo = lo ^ (((hi << 14) | (lo >> 18)) & _M32)
        xorshifted = ((x_hi << 5) | (x_lo >> 27)) & _M32
        rot = hi >> 27
        return ((xorshifted >> rot) | (xorshifted << ((-rot) & 31))) & _M32

    def random(self) -> float:
        """A float in [0, 1) with 53 random bits (CPython's construction)."""
        a = self.next_u32() >> 5
        b = self.next_u32() >> 6
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)

    def uniform(self, a: float, b: float) -> float:
        """A float between a and b (random.uniform's formula)."""
        return a + (b - a) * self.random()

    def randbelow(self, n: int) -> int:
        """An int in [0, n), unbiased (rejection sampling); 0 < n <= 2**62."""
        if n <= 0:
            raise ValueError("randbelow: n must be positive")
        if n <= 0x100000000:
            threshold = 0x100000000 % n   # 2**32 mod n: the biased low outputs
            r = self.next_u32()
            while r < threshold:
                r = self.next_u32()
            return r % n
        if n > 0x4000000000000000:
            raise ValueError("randbelow: n must be at most 2**62")
        limit = 0x4000000000000000 - 0x4000000000000000 % n
        r = ((self.next_u32() >> 2) << 32) | self.next_u32()
        while r >= limit:
            r = ((self.next_u32() >> 2) << 32) | self.next_u32()
        return r % n

    def randint(self, a: int, b: int) -> int:
        """An int in [a, b], both included (random.randint's range)."""
        if b < a:
            raise ValueError("randint: empty range")
        return a + self.randbelow(b - a + 1)


# ------------------------------------------------------------ Pillow's bilinear resampling
#
# Hot loops live in `_..._into(src, out, ...)` helpers that receive every
# array they touch as a parameter, and the weights are int64 arrays rather
# than lists: compiled code then loads an array's shape, strides and data
# pointer once per loop instead of once per element (a parameter is known
# to stay valid; a list read's slow path is a call that could change
# anything).  Three channels get their own loops, as in Pillow.

_PRECISION_BITS = 22          # Pillow: 32 - 8 - 2
_ONE = 1 << _PRECISION_BITS   # 1.0 in fixed point
_HALF = 1 << (_PRECISION_BITS - 1)


def _ksize(in_size: int, out_size: int) -> int:
    """Weights per output pixel (Pillow's ksize) for the bilinear filter."""
    scale = in_size / out_size
    if scale < 1.0:
        scale = 1.0
    return int(math.ceil(scale)) * 2 + 1


def _coefficients_into(in_size: int, out_size: int, ksize: int, kk: _Weights,
                       bounds: _Weights) -> None:
    """Pillow's precompute_coeffs + normalize_coeffs_8bpc, bilinear filter.

    Output pixel i reads input pixels bounds[2i] .. bounds[2i] + bounds[2i+1]
    - 1 with the fixed-point weights kk[i * ksize ...] (summing to ~1.0,
    2**22).  The float arithmetic is Pillow's, operation for operation, in
    double precision, so the weights are the same integers."""
    scale = in_size / out_size
    filterscale = scale
    if filterscale < 1.0:
        filterscale = 1.0
    support = filterscale        # the triangle's support, 1.0, widened when downscaling
    inv_filterscale = 1.0 / filterscale
    weights = [0.0] * ksize
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        xmin = int(center - support + 0.5)
        if xmin < 0:
            xmin = 0
        xmax = int(center + support + 0.5)
        if xmax > in_size:
            xmax = in_size
        xmax -= xmin
        total = 0.0
        for x in range(xmax):
            t = (x + xmin - center + 0.5) * inv_filterscale
            if t < 0.0:
                t = -t
            w = 1.0 - t if t < 1.0 else 0.0
            weights[x] = w
            total += w
        base = xx * ksize
        for x in range(ksize):
            w = 0.0
            if x < xmax:
                w = weights[x] / total if total != 0.0 else weights[x]
            if w < 0.0:
                kk[base + x] = int(-0.5 + w * _ONE)
            else:
                kk[base + x] = int(0.5 + w * _ONE)
        bounds[2 * xx] = xmin
        bounds[2 * xx + 1] = xmax


def _kernel(in_size: int, out_size: int) -> Tuple[_Weights, _Weights, int]:
    """(weights, bounds, ksize) of one axis, resampled from in_size to out_size."""
    ksize = _ksize(in_size, out_size)
    kk = np.zeros(out_size * ksize, np.int64)
    bounds = np.zeros(2 * out_size, np.int64)
    _coefficients_into(in_size, out_size, ksize, kk, bounds)
    return kk, bounds, ksize


def _clip8(ss: int) -> int:
    """A fixed-point sum to uint8: Pillow's clip8 (floor, then clamp)."""
    v = ss >> _PRECISION_BITS
    if v < 0:
        return 0
    if v > 255:
        return 255
    return v


def _horizontal_into(src: ImageU8, out: ImageU8, row0: int,
                     col0: int, kk: _Weights, bounds: _Weights,
                     ksize: int, win_x: int) -> None:
    """The horizontal pass: out[r, i] from src row row0 + r, for output
    columns win_x + i; the weights' input column 0 is src column col0."""
    rows = out.shape[0]
    win_w = out.shape[1]
    channels = out.shape[2]
    if channels == 3:
        for r in range(rows):
            y = row0 + r
            for i in range(win_w):
                xx = win_x + i
                xmin = col0 + int(bounds[2 * xx])
                n = int(bounds[2 * xx + 1])
                base = xx * ksize
                s0 = _HALF
                s1 = _HALF
                s2 = _HALF
                for x in range(n):
                    k = int(kk[base + x])
                    s0 += int(src[y, xmin + x, 0]) * k
                    s1 += int(src[y, xmin + x, 1]) * k
                    s2 += int(src[y, xmin + x, 2]) * k
                out[r, i, 0] = _clip8(s0)
                out[r, i, 1] = _clip8(s1)
                out[r, i, 2] = _clip8(s2)
        return
    for r in range(rows):
        y = row0 + r
        for i in range(win_w):
            xx = win_x + i
            xmin = col0 + int(bounds[2 * xx])
            n = int(bounds[2 * xx + 1])
            base = xx * ksize
            for c in range(channels):
                ss = _HALF
                for x in range(n):
                    ss += int(src[y, xmin + x, c]) * int(kk[base + x])
                out[r, i, c] = _clip8(ss)


def _vertical_into(src: ImageU8, out: ImageU8, row0: int, col0: int,
                   kk: _Weights, bounds: _Weights, ksize: int,
                   win_y: int) -> None:
    """The vertical pass: out[j, i] for output row win_y + j from src
    column col0 + i; the weights' input row 0 is src row row0."""
    win_h = out.shape[0]
    win_w = out.shape[1]
    channels = out.shape[2]
    for j in range(win_h):
        yy = win_y + j
        ymin = row0 + int(bounds[2 * yy])
        n = int(bounds[2 * yy + 1])
        base = yy * ksize
        if channels == 3:
            for i in range(win_w):
                x = col0 + i
                s0 = _HALF
                s1 = _HALF
                s2 = _HALF
                for y in range(n):
                    k = int(kk[base + y])
                    s0 += int(src[ymin + y, x, 0]) * k
                    s1 += int(src[ymin + y, x, 1]) * k
                    s2 += int(src[ymin + y, x, 2]) * k
                out[j, i, 0] = _clip8(s0)
                out[j, i, 1] = _clip8(s1)
                out[j, i, 2] = _clip8(s2)
        else:
            for i in range(win_w):
                x = col0 + i
                for c in range(channels):
                    ss = _HALF
                    for y in range(n):
                        ss += int(src[ymin + y, x, c]) * int(kk[base + y])
                    out[j, i, c] = _clip8(ss)


def _horizontal(src: ImageU8, row0: int, col0: int, rows: int,
                kk: _Weights, bounds: _Weights, ksize: int, win_x: int,
                win_w: int) -> ImageU8:
    out = np.empty((rows, win_w, src.shape[2]), np.uint8)
    _horizontal_into(src, out, row0, col0, kk, bounds, ksize, win_x)
    return out


def _vertical(src: ImageU8, row0: int, col0: int, kk: _Weights,
              bounds: _Weights, ksize: int, win_y: int, win_h: int,
              win_w: int) -> ImageU8:
    out = np.empty((win_h, win_w, src.shape[2]), np.uint8)
    _vertical_into(src, out, row0, col0, kk, bounds, ksize, win_y)
    return out


def _copy_into(src: ImageU8, out: ImageU8, top: int, left: int,
               step: int) -> None:
    """out[y, x] = src[top + y, left + step * x] (step 1: a crop, -1: mirrored)."""
    h = out.shape[0]
    w = out.shape[1]
    channels = out.shape[2]
    for y in range(h):
        row = top + y
        if channels == 3:
            for x in range(w):
                col = left + step * x
                out[y, x, 0] = src[row, col, 0]
                out[y, x, 1] = src[row, col, 1]
                out[y, x, 2] = src[row, col, 2]
        else:
            for x in range(w):
                col = left + step * x
                for c in range(channels):
                    out[y, x, c] = src[row, col, c]


def _copy_window(img: ImageU8, top: int, left: int, h: int,
                 w: int) -> ImageU8:
    out = np.empty((h, w, img.shape[2]), np.uint8)
    _copy_into(img, out, top, left, 1)
    return out


def _resample(img: ImageU8, top: int, left: int, src_h: int, src_w: int,
              out_h: int, out_w: int, win_y: int, win_x: int, win_h: int,
              win_w: int) -> ImageU8:
    """Rows win_y .. win_y + win_h - 1 and columns win_x .. win_x + win_w - 1
    of Pillow's bilinear resize of the region img[top:top + src_h,
    left:left + src_w] to out_h x out_w.

    Only the window is computed (preprocess's centre crop costs nothing):
    each output pixel depends only on its own row's and column's weights,
    so the window equals the same window cut from the full resize.  The
    passes run in Pillow's order -- horizontal first unless the height
    shrinks by more than twice as many pixels as the width (Pillow 13.0's
    ImagingResampleInner; older releases always went horizontal first)
    -- and, as in Pillow, a pass whose size does not change is skipped
    (its weights would be the identity).  The order matters: the
    intermediate image is rounded to uint8."""
    if out_h <= 0 or out_w <= 0:
        raise ValueError("resize: the output size must be positive")
    need_h = out_w != src_w
    need_v = out_h != src_h
    if not need_h and not need_v:
        return _copy_window(img, top + win_y, left + win_x, win_h, win_w)
    if not need_v:
        kk_x, bounds_x, ksize_x = _kernel(src_w, out_w)
        return _horizontal(img, top + win_y, left, win_h, kk_x, bounds_x, ksize_x, win_x, win_w)
    kk_y, bounds_y, ksize_y = _kernel(src_h, out_h)
    if not need_h:
        return _vertical(img, top, left + win_x, kk_y, bounds_y, ksize_y, win_y, win_h, win_w)
    kk_x, bounds_x, ksize_x = _kernel(src_w, out_w)
    horizontal_first = not (src_h - out_h > 0 and src_h - out_h > (src_w - out_w) * 2)
    if horizontal_first:
        # only the input rows the window's output rows read
        last = win_y + win_h - 1
        first_row = int(bounds_y[2 * win_y])
        end_row = int(bounds_y[2 * last]) + int(bounds_y[2 * last + 1])
        tmp = _horizontal(img, top + first_row, left, end_row - first_row, kk_x, bounds_x,
                          ksize_x, win_x, win_w)
        return _vertical(tmp, -first_row, 0, kk_y, bounds_y, ksize_y, win_y, win_h, win_w)
    # only the input columns the window's output columns read
    last = win_x + win_w - 1
    first_col = int(bounds_x[2 * win_x])
    end_col = int(bounds_x[2 * last]) + int(bounds_x[2 * last + 1])
    tmp = _vertical(img, top, left + first_col, kk_y, bounds_y, ksize_y, win_y, win_h,
                    end_col - first_col)
    return _horizontal(tmp, 0, -first_col, win_h, kk_x, bounds_x, ksize_x, win_x, win_w)


# ------------------------------------------------------------ the kit (plain functions)


def _check_image(img: ImageU8) -> None:
    if img.shape[0] <= 0 or img.shape[1] <= 0 or img.shape[2] <= 0:
        raise ValueError("the image is empty")


def _resize(img: ImageU8, out_h: int, out_w: int) -> ImageU8:
    _check_image(img)
    return _resample(img, 0, 0, img.shape[0], img.shape[1], out_h, out_w, 0, 0, out_h, out_w)


def _shorter_side_size(h: int, w: int, size: int) -> Tuple[int, int]:
    """torchvision Resize(size)'s output (h, w): the shorter side becomes
    `size`, the longer one int(size * long / short) (truncated)."""
    if size <= 0:
        raise ValueError("resize: the size must be positive")
    if w <= h:
        return int(size * h / w), size
    return size, int(size * w / h)


def _center_box(h: int, w: int, crop_h: int, crop_w: int) -> Tuple[int, int]:
    """torchvision's centre crop offsets: int(round((H - h) / 2.0))."""
    if crop_h <= 0 or crop_w <= 0:
        raise ValueError("center_crop: the crop size must be positive")
    if crop_h > h or crop_w > w:
        raise ValueError("center_crop: the crop is larger than the image")
    return int(round((h - crop_h) / 2.0)), int(round((w - crop_w) / 2.0))


def _center_crop(img: ImageU8, crop_h: int, crop_w: int) -> ImageU8:
    top, left = _center_box(img.shape[0], img.shape[1], crop_h, crop_w)
    return _copy_window(img, top, left, crop_h, crop_w)


def _hflip(img: ImageU8) -> ImageU8:
    out = np.empty((img.shape[0], img.shape[1], img.shape[2]), np.uint8)
    _copy_into(img, out, 0, img.shape[1] - 1, -1)
    return out


def _rrc_box(height: int, width: int, rng: Random, scale: Tuple[float, float],
             ratio: Tuple[float, float]) -> Tuple[int, int, int, int]:
    """torchvision RandomResizedCrop.get_params: (top, left, h, w)."""
    if scale[0] > scale[1] or ratio[0] > ratio[1]:
        raise ValueError("random_resized_crop: scale and ratio must be (min, max)")
    area = height * width
    log_lo = math.log(ratio[0])
    log_hi = math.log(ratio[1])
    for _ in range(10):
        target_area = area * rng.uniform(scale[0], scale[1])
        aspect = math.exp(rng.uniform(log_lo, log_hi))
        w = int(round(math.sqrt(target_area * aspect)))
        h = int(round(math.sqrt(target_area / aspect)))
        if 0 < w <= width and 0 < h <= height:
            top = rng.randint(0, height - h)
            left = rng.randint(0, width - w)
            return top, left, h, w
    # fallback: the whole image, cut to the ratio range, centred
    in_ratio = width / height
    if in_ratio < ratio[0]:
        w = width
        h = int(round(w / ratio[0]))
    elif in_ratio > ratio[1]:
        h = height
        w = int(round(h * ratio[1]))
    else:
        w = width
        h = height
    return (height - h) // 2, (width - w) // 2, h, w


def _random_resized_crop(img: ImageU8, out_h: int, out_w: int, rng: Random,
                         scale: Tuple[float, float], ratio: Tuple[float, float]) -> ImageU8:
    _check_image(img)
    top, left, h, w = _rrc_box(img.shape[0], img.shape[1], rng, scale, ratio)
    return _resample(img, top, left, h, w, out_h, out_w, 0, 0, out_h, out_w)


def _random_hflip(img: ImageU8, rng: Random, p: float) -> ImageU8:
    if rng.random() < p:
        return _hflip(img)
    return _copy_window(img, 0, 0, img.shape[0], img.shape[1])


def _normalize_into(img: ImageU8, out: ChwF32, table: NDArray[np.float64, 1]) -> None:
    """out[c, y, x] = table[256 * c + img[y, x, c]]."""
    h = img.shape[0]
    w = img.shape[1]
    channels = img.shape[2]
    for c in range(channels):
        for y in range(h):
            for x in range(w):
                out[c, y, x] = table[256 * c + int(img[y, x, c])]


def _normalize_to_chw(img: ImageU8, mean: Any, std: Any) -> ChwF32:
    """(x / 255 - mean[c]) / std[c] in double precision, stored as float32
    in (C, H, W) order.  There are only 256 values per channel, so they
    are computed once into a table (the same doubles as computing each
    pixel)."""
    channels = img.shape[2]
    if len(mean) != channels or len(std) != channels:
        raise ValueError("normalize: mean and std need one value per channel")
    table = np.empty(256 * channels, np.float64)
    for c in range(channels):
        m = float(mean[c])
        s = float(std[c])
        if s == 0.0:
            raise ValueError("normalize: std must not be zero")
        for v in range(256):
            table[256 * c + v] = (v / 255.0 - m) / s
    out = np.empty((channels, img.shape[0], img.shape[1]), np.float32)
    _normalize_into(img, out, table)
    return out


def _preprocess(img: ImageU8, size: int, crop: int, mean: Any, std: Any) -> ChwF32:
    _check_image(img)
    height = img.shape[0]
    width = img.shape[1]
    new_h, new_w = _shorter_side_size(height, width, size)
    top, left = _center_box(new_h, new_w, crop, crop)
    window = _resample(img, 0, 0, height, width, new_h, new_w, top, left, crop, crop)
    return _normalize_to_chw(window, mean, std)


# ------------------------------------------------------------ the kit (compiled)
# Thin entry points over the plain functions above, so that `.py_func` of
# each runs CPython all the way down (a compiled entry point calling
# another compiled one from its Python version would not).


@pyjitx.compile
def resize(img: ImageU8, out_h: int, out_w: int) -> ImageU8:
    """Pillow's bilinear resize (antialiased when downscaling) to out_h x out_w."""
    return _resize(img, out_h, out_w)


@pyjitx.compile
def resize_shorter(img: ImageU8, size: int) -> ImageU8:
    """torchvision Resize(size): the shorter side to `size`, aspect kept."""
    _check_image(img)
    new_h, new_w = _shorter_side_size(img.shape[0], img.shape[1], size)
    return _resize(img, new_h, new_w)


@pyjitx.compile
def center_crop(img: ImageU8, h: int, w: int) -> ImageU8:
    """The centred h x w crop (torchvision's offsets), as a new array."""
    return _center_crop(img, h, w)


@pyjitx.compile
def hflip(img: ImageU8) -> ImageU8:
    """The image mirrored left to right."""
    return _hflip(img)


@pyjitx.compile
def random_resized_crop_box(height: int, width: int, rng: Random,
                            scale: Tuple[float, float] = (0.08, 1.0),
                            ratio: Tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0)
                            ) -> Tuple[int, int, int, int]:
    """The (top, left, h, w) box random_resized_crop would cut."""
    return _rrc_box(height, width, rng, scale, ratio)


@pyjitx.compile
def random_resized_crop(img: ImageU8, out_h: int, out_w: int, rng: Random,
                        scale: Tuple[float, float] = (0.08, 1.0),
                        ratio: Tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0)
                        ) -> ImageU8:
    """torchvision RandomResizedCrop: a random box of `scale` of the area and
    aspect ratio in `ratio` (log-uniform), resized to out_h x out_w."""
    return _random_resized_crop(img, out_h, out_w, rng, scale, ratio)


@pyjitx.compile
def random_hflip(img: ImageU8, rng: Random, p: float = 0.5) -> ImageU8:
    """Mirrored with probability p (one rng.random() draw); a copy otherwise."""
    return _random_hflip(img, rng, p)


@pyjitx.compile
def normalize_to_chw(img: ImageU8, mean: Any, std: Any) -> ChwF32:
    """float32 (C, H, W): (x / 255 - mean[c]) / std[c], computed in double.
    mean and std: a list or tuple with one number per channel."""
    return _normalize_to_chw(img, mean, std)


@pyjitx.compile
def preprocess(img: ImageU8, size: int = 256, crop: int = 224,
               mean: Any = IMAGENET_MEAN, std: Any = IMAGENET_STD) -> ChwF32:
    """The standard eval transform: Resize(size) (shorter side), CenterCrop(crop),
    ToTensor + Normalize(mean, std) -> float32 (C, crop, crop).  Only the
    cropped window of the resize is computed."""
    return _preprocess(img, size, crop, mean, std)
