"""`pyjitx build` (pyjitx/aot.py) and the static runtime: a module built
ahead of time, linked statically into C++ hosts (by hand and with CMake's
find_package(pyjitx)), whose printed results must equal the Python
functions' results byte for byte; the manifest and header it writes; its
errors.

Hosts are compiled with the system g++/CMake; skipped only where none is
installed."""
import hashlib
import importlib.util
import json
import shutil
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pyjitx
from pyjitx.backend import link

# The sanitizer run (tools/run_sanitizers.sh) builds the runtime libraries
# with -fsanitize; hosts linked against them would need the sanitizer
# runtimes too.  The hosts are built and run by the ordinary test run.
pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_SANITIZER_RUN") == "1",
                                reason="native hosts are not linked in the sanitizer run")

MODULE = '''
import pyjitx
from typing import List


@pyjitx.compile
def add(a: int, b: int) -> int:
    return a + b


@pyjitx.compile
def scale(x: float, k: float) -> float:
    return x * k + 0.1


@pyjitx.compile
def shout(s: str) -> str:
    return s.upper() + "!" + str(len(s))


@pyjitx.compile
def total(xs: List[int]) -> int:
    t = 0
    for x in xs:
        t += x * x
    return t


@pyjitx.compile
def words(s: str) -> List[str]:
    return [w[::-1] for w in s.split()]


@pyjitx.compile
def div(a: int, b: int) -> int:
    return a // b
'''

TEXTS = ["hello w\u00f6rld", "\u4f60\u597d\uff0c\u4e16\u754c", "emoji \U0001F600\U0001F44D ok",
         "mixed \u00df\u4e2d\u6587 \U0001F680 end"]

# Calls every entry point through the header's readable names and prints
# one line per result; strings are written as their raw UTF-8 bytes.
HOST = r'''
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include "demo.h"

static pjx_str *make_str(const std::string &s) {
    return pjx_str_from_utf8(s.data(), (int64_t)s.size());
}

static void print_str(const char *label, const pjx_str *s) {
    std::printf("%s ", label);
    std::fwrite(s->data, 1, (size_t)s->nbytes, stdout);
    std::printf("\n");
}

int main() {
    int64_t i = 0;
    double f = 0;
    if (demo_add(40, 2, &i) != 0) return 10;
    std::printf("add %lld\n", (long long)i);
    if (demo_add(-7, 3, &i) != 0) return 11;
    std::printf("add %lld\n", (long long)i);
    if (demo_scale(1.5, 3.0, &f) != 0) return 12;
    std::printf("scale %.17g\n", f);
    if (demo_scale(0.1, -2.5, &f) != 0) return 13;
    std::printf("scale %.17g\n", f);
    const std::vector<std::string> texts = {TEXTS};
    for (const std::string &text : texts) {
        pjx_str *in = make_str(text), *out = nullptr;
        if (demo_shout(in, &out) != 0) return 14;
        print_str("shout", out);
        pjx_list *parts = nullptr;
        if (demo_words(in, &parts) != 0) return 15;
        std::printf("words %lld", (long long)parts->size);
        for (int64_t k = 0; k < parts->size; k++) {
            const pjx_str *w = (const pjx_str *)parts->items[k].o;
            std::printf(" [");
            std::fwrite(w->data, 1, (size_t)w->nbytes, stdout);
            std::printf("]");
        }
        std::printf("\n");
        pjx_decref(parts);
        pjx_decref(out);
        pjx_decref(in);
    }
    pjx_list *xs = pjx_list_new(PJX_KIND_INT, 4);
    for (int64_t v : {3, -4, 5, 1000000}) {
        pjx_slot slot;
        slot.i = v;
        pjx_list_append(xs, slot);
    }
    if (demo_total(xs, &i) != 0) return 16;
    std::printf("total %lld\n", (long long)i);
    pjx_decref(xs);
    if (demo_div(7, 0, &i) != -1) return 17;
    std::printf("div %s: %s\n", pjx_err_kind_name(pjx_err_kind()), pjx_err_message());
    pjx_err_clear();
    if (demo_div(-7, 2, &i) != 0) return 18;
    std::printf("div %lld\n", (long long)i);
    std::printf("live %lld\n", (long long)pjx_live_objects());
    return 0;
}
'''


def expected_output(module) -> str:
    """What HOST prints, from the Python functions (run by the JIT)."""
    lines = [f"add {module.add(40, 2)}", f"add {module.add(-7, 3)}",
             f"scale {module.scale(1.5, 3.0):.17g}", f"scale {module.scale(0.1, -2.5):.17g}"]
    for text in TEXTS:
        lines.append(f"shout {module.shout(text)}")
        parts = module.words(text)
        lines.append(f"words {len(parts)}" + "".join(f" [{w}]" for w in parts))
    lines.append(f"total {module.total([3, -4, 5, 1000000])}")
    try:
        module.div(7, 0)
    except ZeroDivisionError as exc:
        lines.append(f"div ZeroDivisionError: {exc}")
    lines.append(f"div {module.div(-7, 2)}")
    lines.append("live 0")
    return "".join(line + "\n" for line in lines)


def c_string_list(texts) -> str:
    """TEXTS as a C++ initializer list of UTF-8 string literals (hex escapes,
    split so that a following hex digit does not extend the escape)."""
    literals = []
    for text in texts:
        literals.append("".join(f'"\\x{b:02x}"' for b in text.encode("utf-8")))
    return ", ".join(literals)


def cxx_or_skip() -> str:
    cxx = shutil.which("g++") or shutil.which("c++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no C++ compiler (g++, c++ or clang++) installed")
    return cxx


def pyjitx_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pyjitx.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def import_file(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (compiled classes look their module up)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """demo.py built by the command line into OUT; (OUT, stderr, the module)."""
    root = tmp_path_factory.mktemp("build")
    source = root / "demo.py"
    source.write_text(MODULE)
    done = pyjitx_cli("build", source, "-o", root / "out", "--emit-llvm", cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "out", done.stderr, import_file(source, "pjx_test_build_demo")


def run(command, **kwargs):
    result = subprocess.run([str(c) for c in command], capture_output=True, timeout=300, **kwargs)
    assert result.returncode == 0, (f"{command}: exit {result.returncode}\n"
                                    f"{result.stdout.decode(errors='replace')}\n"
                                    f"{result.stderr.decode(errors='replace')}")
    return result.stdout


def write_host(directory: Path) -> Path:
    path = directory / "host.cpp"
    path.write_text(HOST.replace("TEXTS", c_string_list(TEXTS)))
    return path


# ---- the directory


def test_build_writes_object_header_library_and_manifest(built):
    out, stderr, _ = built
    for name in ("demo.o", "demo.h", "libdemo.so", "manifest.json", "llvm/demo_add.ll"):
        assert (out / name).is_file(), name
    names = ["add", "scale", "shout", "total", "words", "div"]
    assert stderr.splitlines()[:6] == [f"compiling {n} ({i}/6)" for i, n in enumerate(names, 1)]
    assert stderr.splitlines()[6].startswith("built 6 functions into ")

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "pyjitx-build" and manifest["format_version"] == 1
    assert manifest["name"] == "demo" and manifest["pyjitx_version"] == pyjitx.__version__
    if manifest["target"]["triple"].startswith("x86_64"):
        assert manifest["target"]["cpu"] == "x86-64-v2"  # the portable baseline
    assert [op["name"] for op in manifest["ops"]] == names
    total = next(op for op in manifest["ops"] if op["name"] == "total")
    # (the JIT's symbol pjx_demo_total__List[int], as a C identifier)
    assert total["symbol"] == "pjx_demo_total__List_int_"
    assert total["entry"] == total["symbol"] + "__packed"
    assert total["params"] == [{"name": "xs", "descriptor": "l[i]", "type": "List[int]"}]
    assert total["returns"] == {"descriptor": "i", "type": "int"}
    assert total["c_declaration"] == f"int32_t {total['symbol']}(pjx_list *xs, int64_t *out)"
    for relative, entry in manifest["files"].items():
        data = (out / relative).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert set(manifest["files"]) == {"demo.o", "demo.h", "libdemo.so", *(
        f"llvm/demo_{n}.ll" for n in names)}
    from pyjitx.pipeline.manifest import digest
    assert manifest["manifest_sha256"] == digest(manifest)


def test_object_exports_every_entry_point(built):
    out, _, _ = built
    manifest = json.loads((out / "manifest.json").read_text())
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("no nm")
    defined = {line.split()[-1] for line in run([nm, out / "demo.o"]).decode().splitlines()
               if " T " in line}
    for op in manifest["ops"]:
        assert {op["symbol"], op["entry"]} <= defined
        assert op["symbol"].isidentifier()


def test_header_declares_entry_points_and_ownership(built):
    out, _, _ = built
    header = (out / "demo.h").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert "#include <pyjitx/runtime.h>" in header and "#include <pyjitx/object.h>" in header
    assert "BORROWED" in header and "NEW references" in header and "pjx_err_message" in header
    for op in manifest["ops"]:
        assert op["c_declaration"] + ";" in header
        assert f"#define {op['c_name']} {op['symbol']}\n" in header
    assert "int32_t pjx_" in header and "(int64_t a, int64_t b, int64_t *out);" in header
    assert "(pjx_str *s, pjx_str **out);" in header
    assert "(pjx_str *s, pjx_list **out);" in header


# ---- C++ hosts


def test_cpp_host_links_the_build_statically(built, tmp_path):
    out, _, module = built
    cxx = cxx_or_skip()
    host = tmp_path / "host"
    run([cxx, "-std=c++17", "-O1", write_host(tmp_path), "-o", host, f"-I{out}",
         *link.cflags(), out / "demo.o", *link.libs(static=True)])
    # no shared runtime, nor the build's library: everything is inside
    assert b"libpyjitx_runtime.so" not in host.read_bytes()
    printed = run([host], cwd=tmp_path)
    assert printed == expected_output(module).encode("utf-8")


def test_cpp_host_with_cmake_find_package(built, tmp_path):
    out, _, module = built
    cxx = cxx_or_skip()
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.skip("cmake is not installed")
    cmakedir = pyjitx_cli("config", "--cmakedir", cwd=tmp_path)
    assert cmakedir.returncode == 0, cmakedir.stderr
    assert Path(cmakedir.stdout.strip()) == link.cmake_dir()
    source = tmp_path / "src"
    source.mkdir()
    write_host(source)
    (source / "CMakeLists.txt").write_text(textwrap.dedent(f"""\
        cmake_minimum_required(VERSION 3.16)
        project(host LANGUAGES C CXX)
        set(CMAKE_CXX_STANDARD 17)
        set(CMAKE_CXX_STANDARD_REQUIRED ON)
        find_package(pyjitx 0.1 CONFIG REQUIRED)
        add_executable(host host.cpp "{out}/demo.o")
        target_include_directories(host PRIVATE "{out}")
        target_link_libraries(host PRIVATE pyjitx::runtime_static)
        add_executable(host_shared host.cpp "{out}/demo.o")
        target_include_directories(host_shared PRIVATE "{out}")
        target_link_libraries(host_shared PRIVATE pyjitx::runtime)
        """))
    build = tmp_path / "cmake-build"
    run([cmake, "-S", source, "-B", build, f"-Dpyjitx_DIR={cmakedir.stdout.strip()}",
         f"-DCMAKE_CXX_COMPILER={cxx}"])
    run([cmake, "--build", build])
    expected = expected_output(module).encode("utf-8")
    assert b"libpyjitx_runtime.so" not in (build / "host").read_bytes()
    assert run([build / "host"], cwd=tmp_path) == expected
    assert b"libpyjitx_runtime.so" in (build / "host_shared").read_bytes()
    assert run([build / "host_shared"], cwd=tmp_path) == expected


def test_cmake_config_version_matches_the_package():
    text = (link.cmake_dir() / "pyjitxConfigVersion.cmake").read_text()
    assert f'set(PACKAGE_VERSION "{pyjitx.__version__}")' in text


# ---- pyjitx config


def test_config_prints_directories_and_static_libs(tmp_path):
    done = pyjitx_cli("config", "--includedir", "--libdir", "--cmakedir", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(link.include_dir()), str(link.library_dir()),
                                   str(link.cmake_dir())]
    static = pyjitx_cli("config", "--libs", "--static", cwd=tmp_path)
    assert static.stdout.split() == [str(link.static_runtime_library()), "-lm", "-pthread"]
    assert link.static_runtime_library().name == "libpyjitx_runtime.a"
    assert (link.cmake_dir() / "pyjitxConfig.cmake").is_file()
    bad = pyjitx_cli("config", "--cflags", "--static", cwd=tmp_path)
    assert bad.returncode == 2 and "--static goes with --libs" in bad.stderr


# ---- errors


def test_unannotated_parameter_is_a_compile_error(tmp_path):
    (tmp_path / "untyped.py").write_text(textwrap.dedent("""\
        import pyjitx


        @pyjitx.compile
        def scale(x: float, k) -> float:
            return x * k
        """))
    done = pyjitx_cli("build", "untyped.py", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("pyjitx.CompileError: pyjitx build: parameter 'k' of scale "
                                  "has no type annotation")
    assert f"--> {tmp_path / 'untyped.py'}:5:20\n" in done.stderr
    assert "5 | def scale(x: float, k) -> float:\n" in done.stderr
    assert "  |                     ^\n" in done.stderr
    assert not (tmp_path / "out").exists()


def test_unsupported_code_is_a_compile_error_with_location(tmp_path):
    (tmp_path / "unsupported.py").write_text(textwrap.dedent("""\
        import pyjitx

        COUNT = 0


        @pyjitx.compile
        def ok(x: int) -> int:
            return x


        @pyjitx.compile
        def bump(x: int) -> int:
            async def later(): pass
            return x
        """))
    done = pyjitx_cli("build", "unsupported.py", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert "compiling ok (1/2)\ncompiling bump (2/2)\n" in done.stderr
    assert "pyjitx.CompileError: unsupported statement" in done.stderr
    assert f"--> {tmp_path / 'unsupported.py'}:13:4\n" in done.stderr
    assert "13 |     async def later(): pass\n" in done.stderr
    assert "   |     ^^^^^^^^^^^^^^^^^^^^^^^\n" in done.stderr
    assert not (tmp_path / "out").exists()


def test_module_without_compiled_functions(tmp_path):
    (tmp_path / "plain.py").write_text("def f(x: int) -> int:\n    return x\n")
    done = pyjitx_cli("build", "plain.py", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "pyjitx build: plain.py defines no @pyjitx.compile function to build\n"


CLASS_MODULE = '''
import pyjitx
from typing import List


@pyjitx.compile
class Counter:
    def __init__(self, start: int) -> None:
        self.n = start
        self.tags: List[str] = []

    def bump(self, k: int) -> int:
        self.n += k
        return self.n

    def tag(self, s: str) -> str:
        self.tags.append(s.title())
        return "|".join(self.tags)

    def __lt__(self, other: int) -> bool:
        return self.n < other


@pyjitx.compile
def twice(x: int) -> int:
    return 2 * x
'''

CLASS_HOST = r'''
#include <cstdio>
#include <cstring>
#include "counter.h"

int main() {
    pjx_instance *c = nullptr;
    if (counter_Counter_new(10, &c) != 0) return 10;
    int64_t r = 0;
    if (counter_Counter_bump(c, 5, &r) != 0) return 11;
    std::printf("bump %lld\n", (long long)r);
    if (counter_Counter_bump(c, -2, &r) != 0) return 12;
    std::printf("bump %lld\n", (long long)r);
    const char *texts[] = {TEXTS};
    for (const char *text : texts) {
        pjx_str *s = pjx_str_from_utf8(text, (int64_t)std::strlen(text)), *out = nullptr;
        if (counter_Counter_tag(c, s, &out) != 0) return 13;
        std::printf("tag ");
        std::fwrite(out->data, 1, (size_t)out->nbytes, stdout);
        std::printf("\n");
        pjx_decref(out);
        pjx_decref(s);
    }
    if (counter_twice(21, &r) != 0) return 14;
    std::printf("twice %lld\n", (long long)r);
    pjx_decref(c);
    std::printf("live %lld\n", (long long)pjx_live_objects());
    return 0;
}
'''


def test_cpp_host_uses_a_compiled_class(tmp_path):
    """A class is built as its constructor and methods; the instance is a
    pjx_instance * the host owns."""
    (tmp_path / "counter.py").write_text(CLASS_MODULE)
    done = pyjitx_cli("build", "counter.py", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(
        "pyjitx build: skipping Counter.__lt__: comparison and __exit__ methods are not built "
        "ahead of time yet\ncompiling Counter.__new__ (1/4)\ncompiling Counter.bump (2/4)\n"
        "compiling Counter.tag (3/4)\ncompiling twice (4/4)\n")
    header = (tmp_path / "out" / "counter.h").read_text()
    assert "(int64_t start, pjx_instance **out);\n#define counter_Counter_new " in header
    assert "(pjx_instance *self, int64_t k, int64_t *out);" in header
    cxx = cxx_or_skip()
    source = tmp_path / "host.cpp"
    source.write_text(CLASS_HOST.replace("TEXTS", c_string_list(TEXTS)))
    host = tmp_path / "host"
    run([cxx, "-std=c++17", source, "-o", host, f"-I{tmp_path / 'out'}", *link.cflags(),
         tmp_path / "out" / "counter.o", *link.libs(static=True)])
    module = import_file(tmp_path / "counter.py", "pjx_test_build_counter")
    counter = module.Counter(10)
    lines = [f"bump {counter.bump(5)}", f"bump {counter.bump(-2)}"]
    lines += [f"tag {counter.tag(text)}" for text in TEXTS]
    lines += [f"twice {module.twice(21)}", "live 0"]
    assert run([host], cwd=tmp_path) == "".join(line + "\n" for line in lines).encode("utf-8")


def test_name_and_opt_options(tmp_path):
    (tmp_path / "small.py").write_text(textwrap.dedent("""\
        import pyjitx


        @pyjitx.compile
        def add(a: int, b: int) -> int:
            return a + b
        """))
    done = pyjitx_cli("build", "small.py", "-o", "o0", "--name", "fast", "--opt", "0",
                      cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "o0"
    assert sorted(p.name for p in out.iterdir()) == ["fast.h", "fast.o", "libfast.so",
                                                     "manifest.json"]
    header = (out / "fast.h").read_text()
    assert "#define fast_add pjx_small_add__int_int\n" in header
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["name"] == "fast" and manifest["ops"][0]["c_name"] == "fast_add"
    bad = pyjitx_cli("build", "small.py", "--opt", "7", cwd=tmp_path)
    assert bad.returncode == 2 and "invalid choice: 7" in bad.stderr


def test_module_named_like_the_standard_library(tmp_path):
    """A file called json.py must not replace the json module pyjitx uses."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "json.py").write_text(MODULE)
    done = pyjitx_cli("build", "src/json.py", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    header = (tmp_path / "out" / "json.h").read_text()
    assert "#define json_add pjx_pyjitx_build_json_add__int_int\n" in header


def test_header_compiles_as_strict_c(built, tmp_path):
    out, _, _ = built
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        pytest.skip("no C compiler installed")
    source = tmp_path / "use.c"
    source.write_text('#include "demo.h"\nint use(void) { int64_t r; return demo_add(1, 2, &r); }\n')
    run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-c", source, "-o", tmp_path / "use.o",
         f"-I{out}", *link.cflags()])


def test_progress_bar_on_a_terminal():
    import io

    from pyjitx.aot import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    plain, terminal = io.StringIO(), Terminal()
    for stream in (plain, terminal):
        bar = Progress(stream, 2)
        bar.step(1, "add")
        bar.step(2, "scale")
        bar.done("built")
    assert plain.getvalue() == "compiling add (1/2)\ncompiling scale (2/2)\nbuilt\n"
    assert terminal.getvalue() == ("\r\x1b[K[" + "-" * 24 + "] 1/2 compiling add"
                                   "\r\x1b[K[" + "#" * 12 + "-" * 12 + "] 2/2 compiling scale"
                                   "\r\x1b[Kbuilt\n")
