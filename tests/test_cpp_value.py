"""<pyjitx/pyjitx.hpp>: C++ hosts that build pyjitx::Value of every type,
print them (byte for byte Python's repr), read them back through the
checked accessors, call `pyjitx build` entry points through pyjitx::call,
export NDArrays through DLPack, and end with as many live runtime objects
as they started with.

Hosts are compiled with the system g++ (flags from `pyjitx config`);
skipped only where no C++ compiler is installed."""
import os
import re
from pathlib import Path

import numpy as np
import pytest

from pyjitx.backend import link
from test_build import cxx_or_skip, import_file, pyjitx_cli, run

# The sanitizer run (tools/run_sanitizers.sh) builds the runtime libraries
# with -fsanitize; hosts linked against them would need the sanitizer
# runtimes too.  The hosts are built and run by the ordinary test run.
pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_SANITIZER_RUN") == "1",
                                reason="native hosts are not linked in the sanitizer run")


TEXTS = ["hello w\u00f6rld", "\u4f60\u597d\uff0c\u4e16\u754c", "emoji \U0001F600\U0001F44D ok",
         "quotes ' and \" \\ tab\t nl\n", "it's", "", "\u00e9\u0301 \u200b \U0010FFFF"]


def cxx_strings(texts) -> str:
    """texts as a C++ initializer list of std::string (hex escapes, explicit
    sizes so that NUL bytes survive)."""
    items = []
    for text in texts:
        data = text.encode("utf-8")
        hexes = "".join(f'"\\x{b:02x}"' for b in data) or '""'
        items.append(f"std::string({hexes}, {len(data)})")
    return ", ".join(items)


def compile_host(tmp_path: Path, source: str, *extra, name="host", flags=()) -> Path:
    cxx = cxx_or_skip()
    path = tmp_path / f"{name}.cpp"
    path.write_text(source)
    exe = tmp_path / name
    run([cxx, "-std=c++17", "-Wall", "-Wextra", "-Werror", *flags, path, "-o", exe,
         *link.cflags(), *extra, *link.libs(static=True)])
    return exe


PRELUDE = r'''
#include <pyjitx/pyjitx.hpp>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

using pyjitx::Error;
using pyjitx::Kind;
using pyjitx::Value;

// Runs f, which must throw pyjitx::Error; prints "label Type: message".
[[maybe_unused]] static void expect_error(const char *label, const std::function<void()> &f) {
    try {
        f();
        std::cout << label << " did not throw\n";
    } catch (const Error &e) {
        std::cout << label << " " << e.type() << ": " << e.message() << "\n";
    }
}
'''

# ---- (a) Values of every type, printed and read back

# (C++ expression building a Value, the same value in Python); texts[i] is TEXTS[i].
VALUES = [
    ("Value::integer(-42)", -42),
    ("Value(INT64_MAX)", 2**63 - 1),
    ("Value::floating(0.1)", 0.1),
    ("Value::floating(1e16)", 1e16),
    ("Value::floating(-0.0)", -0.0),
    ("Value::boolean(true)", True),
    ("Value(false)", False),
    ("Value::none()", None),
    ("Value()", None),
    *[(f"Value::str(texts[{i}])", text) for i, text in enumerate(TEXTS)],
    ("Value::bytes(std::string(\"\\x00\\xff\" \"ab'\\n\", 6))", b"\x00\xffab'\n"),
    ("Value::bytes(texts[1])", TEXTS[1].encode("utf-8")),
    ("Value::list({1, -2, 3})", [1, -2, 3]),
    ("Value::list({1.5, 2}, Kind::Float)", [1.5, 2.0]),
    ("Value::list({}, Kind::Int)", []),
    ("Value::list({texts[0], texts[1], texts[2]})", TEXTS[:3]),
    ("Value::list({1, \"two\", 3.0, Value(), true, Value::list({texts[2]})})",
     [1, "two", 3.0, None, True, [TEXTS[2]]]),
    ("Value::tuple({})", ()),
    ("Value::tuple({2})", (2,)),
    ("Value::tuple({1, texts[1], 2.5, Value(), Value::tuple({false})})",
     (1, TEXTS[1], 2.5, None, (False,))),
    ("Value::dict({{\"a\", 1}, {texts[1], 2}})", {"a": 1, TEXTS[1]: 2}),
    ("Value::dict({{1, Value::list({\"x\"})}, {2, Value::list({}, Kind::Object)}})",
     {1: ["x"], 2: []}),
    ("Value::dict({{\"k\", 1}, {\"k\", 2}})", {"k": 2}),
    ("Value::dict({})", {}),
    ("Value::set({1, 2, 3})", {1, 2, 3}),
    ("Value::set({}, Kind::Int)", set()),
]

VALUES_HOST = PRELUDE + r'''
int main() {
    const int64_t start = pjx_live_objects();
    {
        const std::vector<std::string> texts = {TEXTS};
        const std::vector<Value> values = {VALUES};
        for (const Value &v : values) std::cout << v << "\n";

        // read back
        for (const std::string &t : texts) {
            Value s = Value::str(t);
            std::cout << "str " << (s.as_str() == t) << " " << (s.str_view() == t) << " len "
                      << s.size() << " " << s.type_name() << "\n";
        }
        Value l = Value::list({1, -2, 3});
        int64_t sum = 0;
        for (const Value &item : l.as_list()) sum += item.as_int();
        std::cout << "list sum " << sum << " size " << l.size() << " [0] " << l[0] << " [-1] "
                  << l[-1] << " [size_t 1] " << l[size_t(1)] << "\n";
        Value d = Value::dict({{"a", 1}, {texts[1], Value::list({2.5})}});
        for (const auto &kv : d.as_dict())
            std::cout << "dict " << kv.first.as_str() << " -> " << kv.second << "\n";
        std::cout << "dict [texts[1]][0] " << d[texts[1]][0].as_float() << " [a] " << d["a"].as_int()
                  << "\n";
        Value t = Value::tuple({1, texts[2], Value()});
        std::vector<Value> items = t.as_tuple();
        std::cout << "tuple " << items.size() << " " << items[0].as_int() << " "
                  << items[1].as_str() << " " << items[2].is_none() << " " << t[-2] << "\n";
        int64_t set_sum = 0;
        for (const Value &x : Value::set({4, 5, 4}).as_set()) set_sum += x.as_int();
        std::cout << "set sum " << set_sum << "\n";
        Value mixed = Value::list({1, "two", 3.5, true, Value()});
        std::cout << "mixed " << mixed[0].as_int() << " " << mixed[1].as_str() << " "
                  << mixed[2].as_float() << " " << mixed[3].as_bool() << " " << mixed[4].is_none()
                  << " " << (mixed[0].type() == pyjitx::Type::Int) << "\n";
        std::cout << "bytes " << (Value::bytes(texts[1]).as_bytes() == texts[1]) << " "
                  << Value::bytes("abc")[1] << "\n";
        std::cout << "str index " << Value::str(texts[1])[1] << " " << Value::str(texts[2])[-4] << "\n";
        std::cout << "float from int " << Value(7).as_float() << " int from bool "
                  << Value(true).as_int() << "\n";
        std::cout << "eq " << (Value::list({1, 2}) == Value::list({1.0, 2}, Kind::Float)) << " "
                  << (Value::str("a") == Value::str("b")) << " "
                  << (Value::dict({{"a", 1}}) == Value::dict({{"a", 1}})) << "\n";

        // ownership: copies share, moves steal
        Value copy = l;
        Value moved = std::move(copy);
        std::cout << "moved " << copy.is_none() << " " << moved << " "
                  << (moved.borrow_ptr() == l.borrow_ptr()) << "\n";
        Value adopted = Value::adopt(pjx_str_from_utf8("raw", 3));
        Value borrowed = Value::borrow(adopted.borrow_as<pjx_str>());
        pjx_object *released = borrowed.release();
        std::cout << "adopt " << adopted << " " << borrowed.is_none() << "\n";
        pjx_decref(released);
        Value boxed = Value::adopt(pjx_box_int(300)); // an Any result: unboxed
        std::cout << "box " << boxed.type_name() << " " << boxed.as_int() << " "
                  << Value::adopt((pjx_object *)nullptr).is_none() << "\n";

        // wrong accessors
        expect_error("as_str(int)", [] { Value::integer(1).as_str(); });
        expect_error("as_int(str)", [] { Value::str("x").as_int(); });
        expect_error("as_int(float)", [] { Value(1.5).as_int(); });
        expect_error("as_float(None)", [] { Value().as_float(); });
        expect_error("as_bool(int)", [] { Value(1).as_bool(); });
        expect_error("as_list(dict)", [] { Value::dict({{"a", 1}}).as_list(); });
        expect_error("as_dict(list)", [] { Value::list({1}).as_dict(); });
        expect_error("as_tuple(list)", [] { Value::list({1}).as_tuple(); });
        expect_error("as_set(dict)", [] { Value::dict({}).as_set(); });
        expect_error("as_bytes(str)", [] { Value::str("x").as_bytes(); });
        expect_error("shape(list)", [] { Value::list({}).shape(); });
        expect_error("borrow_as<pjx_list>(str)", [] { Value::str("x").borrow_as<pjx_list>(); });
        expect_error("borrow_ptr(int)", [] { Value(1).borrow_ptr(); });
        expect_error("list of int", [] { Value::list({1, "x"}, Kind::Int); });
        expect_error("size(int)", [] { Value(3).size(); });
        expect_error("int[0]", [] { Value(3)[0]; });
        // runtime errors, with CPython's types and messages
        expect_error("index", [] { Value::list({1, 2})[10]; });
        expect_error("key", [] { Value::dict({{"a", 1}})["missing"]; });
        expect_error("utf8", [] { Value::str("ab\xff"); });
        expect_error("surrogate", [] { Value::str("\xed\xa0\x80"); });
        expect_error("unhashable", [] { Value::set({Value::list({})}); });
        // boundary descriptors, as a build's manifest.json gives them
        Value::list({1.5, 2}, Kind::Float).check_type("l[f]");
        Value::dict({{"a", Value::list({1})}}).check_type("d[sl[i]]");
        Value(3).check_type("i");
        expect_error("check l[f]", [] { Value::list({1, 2}).check_type("l[f]"); });
        expect_error("check d[si]", [] { Value::dict({{"a", 1.5}}).check_type("d[si]"); });
        expect_error("check s", [] { Value(3).check_type("s"); });
        expect_error("check typed", [] { // a checked list of objects is held typed
            Value words = Value::list({"a"});
            words.check_type("l[s]");
            words.check_type("l[a]");
        });
    }
    std::cout << "live " << pjx_live_objects() - start << "\n";
    return 0;
}
'''


def values_expected() -> str:
    lines = [repr(value) for _, value in VALUES]
    for text in TEXTS:
        lines.append(f"str 1 1 len {len(text)} str")
    lines.append("list sum 2 size 3 [0] 1 [-1] 3 [size_t 1] -2")
    lines.append("dict a -> 1")
    lines.append(f"dict {TEXTS[1]} -> [2.5]")
    lines.append("dict [texts[1]][0] 2.5 [a] 1")
    lines.append(f"tuple 3 1 {TEXTS[2]} 1 {(1, TEXTS[2], None)[-2]!r}")
    lines.append("set sum 9")
    lines.append("mixed 1 two 3.5 1 1 1")
    lines.append(f"bytes 1 {b'abc'[1]!r}")
    lines.append(f"str index {TEXTS[1][1]!r} {TEXTS[2][-4]!r}")
    lines.append("float from int 7 int from bool 1")
    lines.append("eq 1 0 1")
    lines.append("moved 1 [1, -2, 3] 1")
    lines.append("adopt 'raw' 1")
    lines.append("box int 300 1")

    three = 3

    def error(expression):
        try:
            expression()
        except Exception as exc:  # the Python behaviour the C++ must match
            return f"{type(exc).__name__}: {exc}"
        raise AssertionError("no error")

    lines += [
        "as_str(int) TypeError: expected str, got int",
        "as_int(str) TypeError: expected int, got str",
        "as_int(float) TypeError: expected int, got float",
        "as_float(None) TypeError: expected float, got NoneType",
        "as_bool(int) TypeError: expected bool, got int",
        "as_list(dict) TypeError: expected list, got dict",
        "as_dict(list) TypeError: expected dict, got list",
        "as_tuple(list) TypeError: expected tuple, got list",
        "as_set(dict) TypeError: expected set, got dict",
        "as_bytes(str) TypeError: expected bytes, got str",
        "shape(list) TypeError: expected NDArray, got list",
        "borrow_as<pjx_list>(str) TypeError: expected list, got str",
        "borrow_ptr(int) TypeError: expected an object (str, list, ...), got int",
        "list of int TypeError: expected int, got str",
        f"size(int) {error(lambda: len(3))}",
        f"int[0] {error(lambda: three[0])}",
        f"index {error(lambda: [1, 2][10])}",
        f"key {error(lambda: {'a': 1}['missing'])}",
        "utf8 " + error(lambda: b"ab\xff".decode("utf-8")),
        "surrogate " + error(lambda: b"\xed\xa0\x80".decode("utf-8")),
        "unhashable " + error(lambda: {[]}),
        "check l[f] TypeError: expected List[float], got List[int]",
        "check d[si] TypeError: expected Dict[str, int], got dict",
        "check s TypeError: expected str, got int",
        "check typed TypeError: expected List[Any], got List[str]",
        "live 0",
    ]
    return "".join(line + "\n" for line in lines)


def values_host_source() -> str:
    return (VALUES_HOST.replace("{TEXTS}", "{" + cxx_strings(TEXTS) + "}")
            .replace("{VALUES}", "{" + ", ".join(cpp for cpp, _ in VALUES) + "}"))


def test_values_print_as_python_repr_and_read_back(tmp_path):
    exe = compile_host(tmp_path, values_host_source())
    assert run([exe]).decode("utf-8") == values_expected()


SANITIZE = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-g",
            "-fno-sanitize-recover=undefined"]


def compile_sanitized(tmp_path: Path, source: str, *extra) -> Path:
    """A host under AddressSanitizer and UBSan.  ASan sees the C++ side
    (Value's copies and moves, DLManagedTensor new/delete, vectors); the
    runtime's objects come from its own small-block cache, which ASan does
    not track, so their balance is checked by the `live 0` lines."""
    try:
        return compile_host(tmp_path, source, *extra, name="host_asan", flags=SANITIZE)
    except AssertionError as exc:
        if "libasan" in str(exc) or "libubsan" in str(exc):
            pytest.skip(f"the compiler has no sanitizer runtime: {exc}")
        raise


def test_values_host_is_asan_and_ubsan_clean(tmp_path):
    exe = compile_sanitized(tmp_path, values_host_source())
    assert run([exe]).decode("utf-8") == values_expected()


# ---- (b) calling a `pyjitx build` output through Values

MODULE = '''
import pyjitx
from pyjitx import NDArray
from typing import Dict, List


@pyjitx.compile
def codes(s: str) -> List[int]:
    return [ord(c) for c in s]


@pyjitx.compile
def parse(s: str) -> int:
    if not s:
        raise ValueError("empty input")
    return int(s)


@pyjitx.compile
def div(a: int, b: int) -> int:
    return a // b


@pyjitx.compile
def counts(words: List[str]) -> Dict[str, int]:
    d: Dict[str, int] = {}
    for w in words:
        d[w] = d.get(w, 0) + 1
    return d


@pyjitx.compile
def mean(xs: List[float]) -> float:
    return sum(xs) / len(xs)


@pyjitx.compile
def fill(a: NDArray["float32", 2]) -> float:
    t = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] = i * 10 + j
            t += a[i, j]
    return t


@pyjitx.compile
class Counter:
    def __init__(self, start: int) -> None:
        self.n = start

    def bump(self, k: int) -> int:
        self.n += k
        return self.n
'''

CALL_HOST = PRELUDE + r'''
#include "demo.h"

int main() {
    const int64_t start = pjx_live_objects();
    {
        const std::vector<std::string> texts = {TEXTS};
        for (const std::string &t : texts) {
            Value ids = pyjitx::call(demo_codes, Value::str(t));
            std::cout << "codes " << ids << " " << ids.size() << "\n";
        }
        for (const char *s : {"42", " -7 ", "", "abc", "\xd9\xa3"}) {
            try {
                Value n = pyjitx::call(demo_parse, s); // (before printing: it may throw)
                std::cout << "parse " << n << "\n";
            } catch (const Error &e) {
                std::cout << "parse " << e.type() << ": " << e.message() << "\n";
            }
        }
        std::cout << "error state " << pjx_err_kind() << "\n";
        expect_error("div", [] { pyjitx::call(demo_div, 7, 0); });
        std::cout << "div " << pyjitx::call(demo_div, -7, 2).as_int() << "\n";
        expect_error("div(str)", [] { pyjitx::call(demo_div, "7", 2); });

        std::vector<Value> words;
        for (const std::string &t : texts) words.push_back(Value::str(t));
        words.push_back(Value::str(texts[1]));
        Value d = pyjitx::call(demo_counts, Value::list(words));
        std::cout << "counts " << d << "\n";
        std::cout << "counts[] " << pyjitx::call(demo_counts, Value::list({}, Kind::Object)) << "\n";
        std::cout << "mean " << pyjitx::call(demo_mean, Value::list({1, 2.5, 4}, Kind::Float)) << "\n";
        expect_error("mean([])", [] { pyjitx::call(demo_mean, Value::list({}, Kind::Float)); });

        // by hand, with borrow_as / adopt, as the header declares it
        Value text = Value::str(texts[2]);
        pjx_list *raw = nullptr;
        if (demo_codes(text.borrow_as<pjx_str>(), &raw) != 0) return 3;
        Value by_hand = Value::adopt(raw);
        std::cout << "by hand " << (by_hand == pyjitx::call(demo_codes, text)) << "\n";

        Value array = Value::zeros(PJX_DT_FLOAT32, {2, 3});
        std::cout << "fill " << pyjitx::call(demo_fill, array) << " "
                  << static_cast<const float *>(array.data())[4] << "\n";

        Value counter = pyjitx::call(demo_Counter_new, 10);
        std::cout << "class " << counter.class_name() << " " << counter.type_name() << "\n";
        std::cout << "bump " << pyjitx::call(demo_Counter_bump, counter, 5) << " "
                  << pyjitx::call(demo_Counter_bump, counter, -2) << "\n";
    }
    std::cout << "live " << pjx_live_objects() - start << "\n";
    return 0;
}
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("cppvalue")
    source = root / "demo.py"
    source.write_text(MODULE)
    done = pyjitx_cli("build", source, "-o", root / "out", cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "out", import_file(source, "pjx_test_cpp_value_demo")


def call_expected(module) -> str:
    lines = []
    for text in TEXTS:
        ids = module.codes(text)
        lines.append(f"codes {ids!r} {len(ids)}")
    for s in ["42", " -7 ", "", "abc", "\u0663"]:
        try:
            lines.append(f"parse {module.parse(s)!r}")
        except ValueError as exc:
            lines.append(f"parse ValueError: {exc}")
    lines.append("error state 0")
    try:
        module.div(7, 0)
    except ZeroDivisionError as exc:
        lines.append(f"div ZeroDivisionError: {exc}")
    lines.append(f"div {module.div(-7, 2)}")
    lines.append("div(str) TypeError: expected int, got str")
    lines.append(f"counts {module.counts(TEXTS + [TEXTS[1]])!r}")
    lines.append(f"counts[] {module.counts([])!r}")
    lines.append(f"mean {module.mean([1.0, 2.5, 4.0])!r}")
    try:
        module.mean([])
    except ZeroDivisionError as exc:
        lines.append(f"mean([]) ZeroDivisionError: {exc}")
    lines.append("by hand 1")
    array = np.zeros((2, 3), np.float32)
    lines.append(f"fill {module.fill(array)!r} {array[1, 1]:g}")
    counter = module.Counter(10)
    lines.append("class demo.Counter Counter")
    lines.append(f"bump {counter.bump(5)} {counter.bump(-2)}")
    lines.append("live 0")
    return "".join(line + "\n" for line in lines)


def test_call_build_entry_points_through_values(built, tmp_path):
    out, module = built
    source = CALL_HOST.replace("{TEXTS}", "{" + cxx_strings(TEXTS) + "}")
    exe = compile_host(tmp_path, source, f"-I{out}", out / "demo.o")
    assert run([exe]).decode("utf-8") == call_expected(module)


def test_call_host_is_asan_and_ubsan_clean(built, tmp_path):
    out, module = built
    source = CALL_HOST.replace("{TEXTS}", "{" + cxx_strings(TEXTS) + "}")
    exe = compile_sanitized(tmp_path, source, f"-I{out}", out / "demo.o")
    assert run([exe]).decode("utf-8") == call_expected(module)


# ---- (d) NDArray and DLPack

DLPACK_HOST = PRELUDE + r'''
static int released = 0;

int main() {
    const int64_t start = pjx_live_objects();
    {
        int64_t shape[] = {2, 3};
        Value a = Value::adopt(pjx_ndarray_zeros(PJX_DT_INT32, 2, shape));
        std::cout << a << " ndim " << a.ndim() << " dtype " << a.dtype_name() << " shape "
                  << a.shape()[0] << "x" << a.shape()[1] << " strides " << a.strides()[0] << ","
                  << a.strides()[1] << " len " << a.size() << "\n";
        DLManagedTensor *t = a.to_dlpack();
        a = Value(); // the tensor keeps the array alive
        const DLTensor &dl = t->dl_tensor;
        std::cout << "dlpack ndim " << dl.ndim << " shape " << dl.shape[0] << "x" << dl.shape[1]
                  << " strides " << dl.strides[0] << "," << dl.strides[1] << " dtype "
                  << int(dl.dtype.code) << "/" << int(dl.dtype.bits) << "/" << dl.dtype.lanes
                  << " device " << dl.device.device_type << ":" << dl.device.device_id
                  << " offset " << dl.byte_offset << "\n";
        static_cast<int32_t *>(dl.data)[5] = 7;
        std::cout << "live with tensor " << pjx_live_objects() - start << "\n";
        t->deleter(t);
        std::cout << "live after deleter " << pjx_live_objects() - start << "\n";

        for (pjx_dtype d : {PJX_DT_BOOL, PJX_DT_UINT8, PJX_DT_INT8, PJX_DT_INT64, PJX_DT_FLOAT16,
                            PJX_DT_FLOAT32, PJX_DT_FLOAT64}) {
            Value z = Value::zeros(d, {4});
            DLManagedTensor *m = z.to_dlpack();
            std::cout << z.dtype_name() << " " << int(m->dl_tensor.dtype.code) << "/"
                      << int(m->dl_tensor.dtype.bits) << "\n";
            m->deleter(m);
        }

        // from_dlpack: a host buffer, no copy; its deleter runs once
        static double buffer[6] = {0, 1, 2, 3, 4, 5};
        static int64_t buffer_shape[] = {3, 2};
        DLManagedTensor *mine = new DLManagedTensor{};
        mine->dl_tensor.data = buffer;
        mine->dl_tensor.device = DLDevice{kDLCPU, 0};
        mine->dl_tensor.ndim = 2;
        mine->dl_tensor.dtype = DLDataType{kDLFloat, 64, 1};
        mine->dl_tensor.shape = buffer_shape;
        mine->dl_tensor.strides = nullptr;
        mine->deleter = [](DLManagedTensor *self) { released++; delete self; };
        {
            Value b = Value::from_dlpack(mine);
            std::cout << "from_dlpack " << b << " " << b.strides()[0] << " "
                      << (b.data() == buffer) << " released " << released << "\n";
            // round trip: a tensor over the same memory
            DLManagedTensor *again = b.to_dlpack();
            b = Value();
            std::cout << "still held " << released << "\n";
            again->deleter(again);
        }
        std::cout << "released " << released << "\n";
        expect_error("to_dlpack(list)", [] { Value::list({1}).to_dlpack(); });
        expect_error("negative", [] { Value::zeros(PJX_DT_INT8, {-1}); });
    }
    std::cout << "live " << pjx_live_objects() - start << "\n";
    return 0;
}
'''


def dlpack_expected():
    try:
        np.zeros(-1, np.int8)
    except ValueError as exc:
        negative = f"negative ValueError: {exc}"
    return [
        "<NDArray int32, shape (2, 3)> ndim 2 dtype int32 shape 2x3 strides 3,1 len 2",
        "dlpack ndim 2 shape 2x3 strides 3,1 dtype 0/32/1 device 1:0 offset 0",
        "live with tensor 1",
        "live after deleter 0",
        "bool 6/8", "uint8 1/8", "int8 0/8", "int64 0/64", "float16 2/16", "float32 2/32",
        "float64 2/64",
        "from_dlpack <NDArray float64, shape (3, 2)> 2 1 released 0",
        "still held 0",
        "released 1",
        "to_dlpack(list) TypeError: expected NDArray, got list",
        negative,
        "live 0",
    ]


def test_ndarray_exports_through_dlpack(tmp_path):
    exe = compile_host(tmp_path, DLPACK_HOST)
    assert run([exe]).decode("utf-8").splitlines() == dlpack_expected()


def test_dlpack_host_is_asan_and_ubsan_clean(tmp_path):
    exe = compile_sanitized(tmp_path, DLPACK_HOST)
    assert run([exe]).decode("utf-8").splitlines() == dlpack_expected()


# ---- the user guide's example


def test_guide_cpp_value_example(tmp_path):
    """The "C++ values" module and host of docs/guide/aot.md, built,
    compiled and run: the host prints what its `// ...` comments say."""
    text = (Path(__file__).parents[1] / "docs" / "guide" / "aot.md").read_text(encoding="utf-8")
    section = text[text.index("## C++ values"):]
    module = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    host = re.search(r"```cpp\n(.*?)```", section, re.S).group(1)
    (tmp_path / "preprocess.py").write_text(module)
    done = pyjitx_cli("build", "preprocess.py", "-o", "build", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    build = tmp_path / "build"
    exe = compile_host(tmp_path, host, f"-I{build}", build / "preprocess.o")
    expected = [m.group(1) for m in re.finditer(r"// (.+)$", host, re.M)]
    assert run([exe]).decode("utf-8").splitlines() == expected


THREADS_HOST = PRELUDE + r'''
#include <atomic>
#include <thread>
#include "demo.h"

// Four threads share one str and one list Value (copies incref atomically)
// and call entry points, some of which raise: each thread's exception is
// its own (the runtime's error state is per thread).
int main() {
    const int64_t start = pjx_live_objects();
    {
        const Value text = Value::str(TEXT);
        const Value expected = pyjitx::call(demo_codes, text);
        std::atomic<int> wrong{0}, errors{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; t++) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 2000; i++) {
                    Value mine = text; // a shared reference
                    if (pyjitx::call(demo_codes, mine) != expected) wrong++;
                    try {
                        pyjitx::call(demo_div, i, (i + t) % 3 == 0 ? 0 : 1);
                    } catch (const Error &e) {
                        if (e.type() == "ZeroDivisionError") errors++;
                    }
                    if (pjx_err_kind() != PJX_OK) wrong++;
                }
            });
        }
        for (std::thread &th : threads) th.join();
        std::cout << "wrong " << wrong << " errors " << errors << "\n";
    }
    std::cout << "live " << pjx_live_objects() - start << "\n";
    return 0;
}
'''


def test_values_and_calls_from_four_threads(built, tmp_path):
    out, module = built
    source = THREADS_HOST.replace("TEXT", cxx_strings([TEXTS[2]]))
    exe = compile_host(tmp_path, source, f"-I{out}", out / "demo.o")
    errors = sum(1 for t in range(4) for i in range(2000) if (i + t) % 3 == 0)
    assert run([exe]).decode() == f"wrong 0 errors {errors}\nlive 0\n"
