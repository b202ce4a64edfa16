"""pyjitx.image, the image-preprocessing kit written in the compiled subset.

Differential: every kit function compiled and its own source run by
CPython (`.py_func`) give identical arrays (dtype, shape, every bit) on
random images with 1-pixel sides and 1, 3 or 4 channels; the generator
gives the same numbers both ways (and PCG32's reference output); the
random crops cut the same boxes for the same seed.  Against references:
resize is identical to Pillow's BILINEAR (the documented tolerance),
within 1 of torch's antialiased interpolate; normalisation equals numpy's
float64 computation rounded once.  First, the two compiler fixes the kit
needed."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyjitx
from pyjitx import NDArray, image

needs_jit = pytest.mark.needs_jit


# ------------------------------------------------------------ compiler fixes the kit relies on


def _first_pixel(img: NDArray) -> int:
    return int(img[0, 0, 0])


def _first_pixel_caller(img: NDArray[np.uint8, 3]) -> int:
    return _first_pixel(img) + 1


def test_an_open_ndarray_parameter_is_specialised_when_called_from_compiled_code():
    # was: CompileError "argument 'img' of _first_pixel() must be NDArray[?, ?], not
    # NDArray[uint8, 3]"
    caller = pyjitx.compile(_first_pixel_caller)
    img = np.full((2, 2, 3), 7, np.uint8)
    assert caller(img) == 8 == _first_pixel_caller(img)


def _copy_rows(src: NDArray[np.uint8, 2], out: NDArray[np.uint8, 2]) -> None:
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = src[y, x]


@needs_jit
def test_array_parameters_let_llvm_hoist_header_loads():
    """An NDArray parameter is marked dereferenceable for its header (64 bytes
    + shape and strides) and aligned, so LICM may hoist the shape/stride/data
    loads past the bounds checks out of the inner loop."""
    copy = pyjitx.compile(_copy_rows)
    src = np.arange(12, dtype=np.uint8).reshape(3, 4)
    out = np.zeros((3, 4), np.uint8)
    copy(src, out)
    assert np.array_equal(out, src)
    impl = next(line for line in copy.inspect_llvm().splitlines()
                if line.startswith("define") and ".impl" in line)
    src_attributes = re.search(r"ptr ([^%,]*)%src", impl).group(1)
    assert "dereferenceable(96)" in src_attributes and "align 8" in src_attributes, impl


# ------------------------------------------------------------ the kit

PyRandom = getattr(image.Random, "__pjx_class__", image.Random)   # the class as plain Python
INT64 = st.integers(-2 ** 63, 2 ** 63 - 1)


def py(fn):
    """The Python version of a kit function (the function itself when
    PYJITX_DISABLE_JIT leaves it uncompiled)."""
    return getattr(fn, "py_func", fn)


def same_array(got, expected):
    """Identical arrays: type, dtype, shape and every bit."""
    assert isinstance(got, np.ndarray) and isinstance(expected, np.ndarray)
    assert got.dtype == expected.dtype and got.shape == expected.shape, \
        (got.dtype, got.shape, expected.dtype, expected.shape)
    assert got.tobytes() == expected.tobytes(), "arrays differ"


def both_raise(exc_type, fn, *args):
    """The compiled function and its Python version raise the same error."""
    with pytest.raises(exc_type) as compiled:
        fn(*args)
    with pytest.raises(exc_type) as python:
        py(fn)(*args)
    assert str(compiled.value) == str(python.value)


@st.composite
def images(draw, max_side=12, channels=(1, 3, 4)):
    """uint8 HWC images: noise, flat black/white, or a gradient; 1-pixel sides included."""
    h = draw(st.integers(1, max_side))
    w = draw(st.integers(1, max_side))
    c = draw(st.sampled_from(channels))
    kind = draw(st.sampled_from(["noise", "noise", "black", "white", "gradient"]))
    if kind == "noise":
        seed = draw(st.integers(0, 2 ** 32 - 1))
        return np.random.default_rng(seed).integers(0, 256, (h, w, c), dtype=np.uint8)
    if kind == "gradient":
        ramp = (np.arange(h)[:, None, None] * 37 + np.arange(w)[None, :, None] * 11
                + np.arange(c)[None, None, :] * 50)
        return (ramp % 256).astype(np.uint8)
    return np.full((h, w, c), 0 if kind == "black" else 255, np.uint8)


# ---- the generator


class ReferencePCG32:
    """pcg32_random_r with Python's unbounded ints, masked to 64 bits."""

    MASK = 2 ** 64 - 1

    def __init__(self, seed, stream=54):
        self.state = 0
        self.inc = ((stream << 1) | 1) & self.MASK
        self.next_u32()
        self.state = (self.state + seed) & self.MASK
        self.next_u32()

    def next_u32(self):
        old = self.state
        self.state = (old * 6364136223846793005 + self.inc) & self.MASK
        xorshifted = (((old >> 18) ^ old) >> 27) & 0xFFFFFFFF
        rot = old >> 59
        return ((xorshifted >> rot) | (xorshifted << ((-rot) & 31))) & 0xFFFFFFFF


def test_random_gives_pcg32_demo_reference_output():
    expected = [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]
    for cls in (image.Random, PyRandom):
        rng = cls(42, 54)
        assert [rng.next_u32() for _ in range(6)] == expected


@given(seed=INT64, stream=INT64)
@settings(max_examples=40)
def test_random_matches_a_big_int_pcg32_both_ways(seed, stream):
    compiled, python, reference = image.Random(seed, stream), PyRandom(seed, stream), \
        ReferencePCG32(seed, stream)
    for _ in range(20):
        expected = reference.next_u32()
        assert compiled.next_u32() == expected
        assert python.next_u32() == expected


@given(seed=INT64, bound=st.one_of(st.integers(1, 300), st.integers(1, 2 ** 62)),
       low=st.floats(-1e6, 1e6), width=st.floats(0, 1e6))
@settings(max_examples=60)
def test_random_draws_are_the_same_compiled_and_in_python(seed, bound, low, width):
    compiled, python = image.Random(seed), PyRandom(seed)
    for _ in range(5):
        a = compiled.random()
        assert a == python.random() and 0.0 <= a < 1.0
        u = compiled.uniform(low, low + width)
        assert u == python.uniform(low, low + width) and low <= u <= low + width
        r = compiled.randbelow(bound)
        assert r == python.randbelow(bound) and 0 <= r < bound
        i = compiled.randint(-3, 3)
        assert i == python.randint(-3, 3) and -3 <= i <= 3
    assert compiled.next_u32() == python.next_u32()   # in step afterwards


def test_random_bad_ranges_raise_value_error_both_ways():
    for cls in (image.Random, PyRandom):
        rng = cls(1)
        for call in (lambda: rng.randbelow(0), lambda: rng.randbelow(2 ** 62 + 1),
                     lambda: rng.randint(5, 4)):
            with pytest.raises(ValueError):
                call()


def test_randint_covers_its_range_evenly():
    rng = image.Random(7)
    counts = [0] * 6
    for _ in range(6000):
        counts[rng.randint(1, 6) - 1] += 1
    assert min(counts) > 850 and max(counts) < 1150, counts


# ---- differential: compiled == its own source run by CPython


@given(img=images(), out_h=st.integers(1, 16), out_w=st.integers(1, 16))
def test_resize_compiled_equals_python(img, out_h, out_w):
    same_array(image.resize(img, out_h, out_w), py(image.resize)(img, out_h, out_w))


@given(img=images(), size=st.integers(1, 14))
@settings(max_examples=40)
def test_resize_shorter_compiled_equals_python(img, size):
    got = image.resize_shorter(img, size)
    same_array(got, py(image.resize_shorter)(img, size))
    assert min(got.shape[:2]) == size


@given(data=st.data(), img=images())
def test_center_crop_compiled_equals_python_and_torchvision_offsets(data, img):
    h = data.draw(st.integers(1, img.shape[0]))
    w = data.draw(st.integers(1, img.shape[1]))
    got = image.center_crop(img, h, w)
    same_array(got, py(image.center_crop)(img, h, w))
    top = int(round((img.shape[0] - h) / 2.0))
    left = int(round((img.shape[1] - w) / 2.0))
    same_array(got, np.ascontiguousarray(img[top:top + h, left:left + w]))


@given(img=images())
def test_hflip_compiled_equals_python_and_numpy(img):
    got = image.hflip(img)
    same_array(got, py(image.hflip)(img))
    same_array(got, np.ascontiguousarray(img[:, ::-1]))


@given(img=images(max_side=16), seed=INT64, out=st.tuples(st.integers(1, 10), st.integers(1, 10)),
       scale=st.sampled_from([(0.08, 1.0), (0.5, 0.5), (0.9, 1.0), (2.0, 3.0)]),
       ratio=st.sampled_from([(3 / 4, 4 / 3), (1.0, 1.0), (0.2, 5.0)]))
def test_random_resized_crop_compiled_equals_python(img, seed, out, scale, ratio):
    compiled, python = image.Random(seed), PyRandom(seed)
    got = image.random_resized_crop(img, out[0], out[1], compiled, scale, ratio)
    same_array(got, py(image.random_resized_crop)(img, out[0], out[1], python, scale, ratio))
    assert compiled.next_u32() == python.next_u32()   # the same number of draws


@given(height=st.integers(1, 500), width=st.integers(1, 500), seed=INT64,
       scale=st.sampled_from([(0.08, 1.0), (0.5, 1.0), (1.0, 1.0)]),
       ratio=st.sampled_from([(3 / 4, 4 / 3), (0.5, 2.0)]))
def test_random_resized_crop_box_is_the_same_both_ways_and_valid(height, width, seed, scale,
                                                                 ratio):
    box = image.random_resized_crop_box(height, width, image.Random(seed), scale, ratio)
    assert box == py(image.random_resized_crop_box)(height, width, PyRandom(seed), scale,
                                                        ratio)
    top, left, h, w = box
    assert 0 < h and 0 < w and 0 <= top and top + h <= height and 0 <= left and left + w <= width


def test_random_resized_crop_box_follows_torchvision_sampling():
    """Boxes from the 10 attempts cover `scale` of the area at aspect ratios
    in `ratio` (up to the rounding of w and h); an impossible scale falls
    back to torchvision's centre crop clamped to the ratio range."""
    rng = image.Random(2024)
    for _ in range(200):
        top, left, h, w = image.random_resized_crop_box(480, 640, rng, (0.08, 1.0),
                                                        (3 / 4, 4 / 3))
        assert 0.08 * 0.9 <= h * w / (480 * 640) <= 1.0
        assert 3 / 4 * 0.9 <= w / h <= 4 / 3 * 1.1
    impossible = (2.0, 3.0)
    # wide: h = H, w = round(H * 4/3), centred
    assert image.random_resized_crop_box(10, 100, rng, impossible) == (0, 43, 10, 13)
    # tall: w = W, h = round(W / (3/4))
    assert image.random_resized_crop_box(100, 10, rng, impossible) == (43, 0, 13, 10)
    # in range: the whole image
    assert image.random_resized_crop_box(30, 32, rng, impossible) == (0, 0, 30, 32)


@given(img=images(), seed=INT64, p=st.sampled_from([0.0, 0.5, 1.0]))
@settings(max_examples=40)
def test_random_hflip_compiled_equals_python(img, seed, p):
    got = image.random_hflip(img, image.Random(seed), p)
    same_array(got, py(image.random_hflip)(img, PyRandom(seed), p))
    if p == 0.0:
        same_array(got, img)
    if p == 1.0:
        same_array(got, np.ascontiguousarray(img[:, ::-1]))


def test_random_hflip_returns_a_new_array():
    img = np.zeros((2, 3, 3), np.uint8)
    for p in (0.0, 1.0):
        assert not np.shares_memory(image.random_hflip(img, image.Random(0), p), img)


@given(img=images(), mean=st.lists(st.floats(-2, 2), min_size=4, max_size=4),
       std=st.lists(st.floats(0.01, 2), min_size=4, max_size=4), as_tuple=st.booleans())
def test_normalize_to_chw_compiled_equals_python_and_numpy(img, mean, std, as_tuple):
    c = img.shape[2]
    mean, std = mean[:c], std[:c]
    if as_tuple:
        mean, std = tuple(mean), tuple(std)
    got = image.normalize_to_chw(img, mean, std)
    same_array(got, py(image.normalize_to_chw)(img, mean, std))
    # numpy in float64, rounded to float32 once: the same doubles
    reference = ((img / 255.0 - np.array(mean)) / np.array(std)).transpose(2, 0, 1)
    same_array(got, np.ascontiguousarray(reference.astype(np.float32)))


@given(img=images(max_side=20, channels=(3,)), size=st.integers(1, 10), data=st.data())
@settings(max_examples=40)
def test_preprocess_compiled_equals_python(img, size, data):
    crop = data.draw(st.integers(1, size))
    same_array(image.preprocess(img, size, crop),
               py(image.preprocess)(img, size, crop))


def test_errors_are_the_same_both_ways():
    img = np.zeros((4, 5, 3), np.uint8)
    both_raise(ValueError, image.resize, img, 0, 3)
    both_raise(ValueError, image.resize, img, 3, -1)
    both_raise(ValueError, image.resize_shorter, img, 0)
    both_raise(ValueError, image.center_crop, img, 5, 5)
    both_raise(ValueError, image.center_crop, img, 0, 2)
    both_raise(ValueError, image.normalize_to_chw, img, [0.5, 0.5], [0.2, 0.2])
    both_raise(ValueError, image.normalize_to_chw, img, [0.5] * 3, [0.2, 0.0, 0.2])
    both_raise(ValueError, image.preprocess, img, 4, 5)
    both_raise(ValueError, image.resize, np.zeros((0, 5, 3), np.uint8), 2, 2)


@needs_jit
def test_the_kit_takes_only_uint8_hwc_images():
    with pytest.raises(TypeError):
        image.resize(np.zeros((4, 4, 3), np.float32), 2, 2)
    with pytest.raises(TypeError):
        image.resize(np.zeros((4, 4), np.uint8), 2, 2)


@pytest.mark.torch
def test_views_and_torch_tensors_are_read_in_place():
    img = np.random.default_rng(5).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    for view in (img[::2, ::3], img[:, ::-1], img.transpose(1, 0, 2)):
        same_array(image.resize(view, 7, 9), image.resize(np.ascontiguousarray(view), 7, 9))
    torch = pytest.importorskip("torch")
    same_array(image.resize(torch.from_numpy(img), 7, 9), image.resize(img, 7, 9))


# ---- against the references: Pillow (and torch)


def _pillow():
    PIL = pytest.importorskip("PIL")
    from PIL import Image
    return int(PIL.__version__.split(".")[0]), Image


def pillow_resize(img, out_h, out_w):
    """Pillow's BILINEAR resize, channel by channel in mode "L" (Pillow's
    RGBA path premultiplies alpha; the kit filters every channel alike)."""
    _, Image = _pillow()
    planes = [np.asarray(Image.fromarray(np.ascontiguousarray(img[:, :, c])).resize(
        (out_w, out_h), Image.BILINEAR)) for c in range(img.shape[2])]
    return np.stack(planes, axis=2)


def assert_matches_pillow(got, expected):
    """The documented tolerance: identical to Pillow 13; within 1 of older
    releases (which always ran the horizontal pass first)."""
    major, _ = _pillow()
    if major >= 13:
        same_array(got, expected)
    else:
        assert got.shape == expected.shape
        assert np.abs(got.astype(int) - expected).max() <= 1


@given(img=images(max_side=64, channels=(1, 3, 4)), out_h=st.integers(1, 90),
       out_w=st.integers(1, 90))
def test_resize_matches_pillow_bilinear(img, out_h, out_w):
    assert_matches_pillow(image.resize(img, out_h, out_w), pillow_resize(img, out_h, out_w))


@pytest.mark.parametrize("shape, out", [
    ((750, 1000, 3), (256, 341)),     # preprocess's resize
    ((300, 400, 3), (3, 2)),          # a 100x+ downscale (wide filter)
    ((5, 700, 3), (224, 224)),        # up one way, down the other
    ((700, 5, 3), (224, 224)),        # height shrinks far more than width: vertical first
    ((1, 1, 3), (50, 40)),
    ((37, 53, 3), (20, 70)),
])
def test_resize_matches_pillow_on_chosen_shapes(shape, out):
    _, Image = _pillow()
    img = np.random.default_rng(sum(shape)).integers(0, 256, shape, dtype=np.uint8)
    expected = np.asarray(Image.fromarray(img).resize((out[1], out[0]), Image.BILINEAR))
    assert_matches_pillow(image.resize(img, *out), expected)


@given(img=images(max_side=40, channels=(3,)), seed=INT64, out=st.tuples(st.integers(1, 30),
                                                                          st.integers(1, 30)))
@settings(max_examples=40)
def test_random_resized_crop_is_pillow_resize_of_the_box(img, seed, out):
    top, left, h, w = image.random_resized_crop_box(img.shape[0], img.shape[1],
                                                    image.Random(seed))
    got = image.random_resized_crop(img, out[0], out[1], image.Random(seed))
    assert_matches_pillow(got, pillow_resize(img[top:top + h, left:left + w], *out))


def test_preprocess_matches_pillow_resize_numpy_crop_and_normalize():
    _, Image = _pillow()
    for shape in [(750, 1000, 3), (333, 250, 3), (256, 256, 3)]:
        img = np.random.default_rng(shape[0]).integers(0, 256, shape, dtype=np.uint8)
        h, w = shape[:2]
        new_h, new_w = (int(256 * h / w), 256) if w <= h else (256, int(256 * w / h))
        resized = np.asarray(Image.fromarray(img).resize((new_w, new_h), Image.BILINEAR))
        top, left = int(round((new_h - 224) / 2.0)), int(round((new_w - 224) / 2.0))
        crop = resized[top:top + 224, left:left + 224]
        expected = ((crop / 255.0 - np.array(image.IMAGENET_MEAN)) / np.array(image.IMAGENET_STD))
        expected = np.ascontiguousarray(expected.transpose(2, 0, 1).astype(np.float32))
        got = image.preprocess(img)
        assert got.shape == (3, 224, 224)
        major, _ = _pillow()
        if major >= 13:
            same_array(got, expected)
        else:
            assert np.abs(got - expected).max() <= 1.01 / 255 / min(image.IMAGENET_STD)


@pytest.mark.torch
def test_resize_is_within_1_of_torch_antialiased_bilinear():
    """torch's interpolate(antialias=True) on uint8 (what torchvision's Resize
    runs on tensors) is a separate implementation of the same filter: within
    1, mostly identical."""
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    rng = np.random.default_rng(11)
    exact = []
    for _ in range(10):
        h, w, out_h, out_w = (int(v) for v in rng.integers(2, 120, 4))
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        x = torch.from_numpy(img).permute(2, 0, 1)[None]
        y = F.interpolate(x, size=(out_h, out_w), mode="bilinear", antialias=True)
        expected = y[0].permute(1, 2, 0).numpy()
        diff = np.abs(image.resize(img, out_h, out_w).astype(int) - expected)
        assert diff.max() <= 1
        exact.append((diff == 0).mean())
    assert np.mean(exact) > 0.8
