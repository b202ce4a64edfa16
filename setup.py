"""Builds pyjitx's native part from the C runtime (libruntime/):

- the CPython bridge extension `pyjitx._ext`, which contains its own copy
  of the runtime (the in-process JIT links compiled code against it);
- `pyjitx/lib/libpyjitx_runtime.so`, the same runtime sources as a plain
  shared library with no Python in it, which ahead-of-time code
  (pyjitx.backend.link) and C/C++ hosts link against, and
  `pyjitx/lib/libpyjitx_runtime.a`, the same objects as a static archive
  for hosts that link everything in (`pyjitx config --libs --static`);
- the runtime's public headers, copied to `pyjitx/include` in a wheel so
  that hosts of an installed pyjitx can compile against them (an editable
  install uses libruntime/include in the source tree directly).

Everything else is declared in pyproject.toml.

The Unicode tables of the runtime are generated at build time from the
build interpreter's own `str` methods and `unicodedata`
(tools/gen_unicode_tables.py) into the build directory; they are never
committed."""
import glob
import os
import shutil
import subprocess
import sys
import unicodedata

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from distutils.ccompiler import new_compiler  # setuptools' own copy, imported after it
from distutils.sysconfig import customize_compiler

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "tools", "gen_unicode_tables.py")
TABLES = "pjx_unicode_tables.h"
NORMALIZE_TABLES = "pjx_normalize_tables.h"  # written along with TABLES (normalize.c)

runtime_sources = sorted(glob.glob("libruntime/*.c"))
runtime_headers = sorted(glob.glob("libruntime/*.h"))
public_headers = sorted(glob.glob("libruntime/include/pyjitx/*.h")
                        + glob.glob("libruntime/include/pyjitx/*.hpp")
                        + glob.glob("libruntime/include/pyjitx/*.def"))

# The runtime reproduces the CPython that builds it: its Unicode tables come
# from this interpreter, and so does PJX_PYTHON_VERSION (0xMMmm), which picks
# the messages and the few results that differ between Python versions.
RUNTIME_CFLAGS = ["-std=c11", "-O2", "-fvisibility=hidden", "-Wall",
                  "-DPJX_PYTHON_VERSION=0x%02x%02x" % sys.version_info[:2]]
RUNTIME_LIBRARY = "libpyjitx_runtime.so"
RUNTIME_STATIC = "libpyjitx_runtime.a"
RUNTIME_NAME = "pyjitx_runtime"  # create_static_lib's library name: lib<name>.a


def _tables_current(path: str) -> bool:
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(GENERATOR):
        return False
    if not os.path.exists(os.path.join(os.path.dirname(path), NORMALIZE_TABLES)):
        return False
    with open(path) as f:
        f.readline()
        return f.readline().strip() == '#define PJX_UNICODE_VERSION "%s"' % unicodedata.unidata_version


def _outdated(target: str, sources) -> bool:
    return not os.path.exists(target) or any(
        os.path.getmtime(s) > os.path.getmtime(target) for s in sources)


class BuildExtWithTables(build_ext):
    """build_ext that first generates the Unicode tables into build_temp,
    and builds the standalone runtime library after the extension."""

    def run(self):
        self.require_c_compiler()
        gen_dir = os.path.abspath(os.path.join(self.build_temp, "pjx_generated"))
        header = os.path.join(gen_dir, TABLES)
        if not _tables_current(header):
            os.makedirs(gen_dir, exist_ok=True)
            subprocess.check_call([sys.executable, GENERATOR, header])
        for ext in self.extensions:
            if gen_dir not in ext.include_dirs:
                ext.include_dirs.append(gen_dir)
            ext.depends = list(ext.depends) + [header, os.path.join(gen_dir, NORMALIZE_TABLES)]
        super().run()
        self.build_runtime_library(gen_dir, header)

    def require_c_compiler(self) -> None:
        """A source install compiles the C runtime: without a compiler, say
        so in one line rather than in a compiler-driver traceback."""
        compiler = new_compiler(verbose=0)
        customize_compiler(compiler)
        command = getattr(compiler, "compiler_so", None) or ["cc"]
        if shutil.which(command[0]) is None:
            raise SystemExit(
                f"error: pyjitx needs a C compiler to build from source ('{command[0]}' was not "
                "found): install gcc or clang (e.g. `apt-get install gcc`), or set CC")

    def _runtime_library_paths(self, filename=RUNTIME_LIBRARY):
        """(where the build puts the library, where an in-place build copies it)."""
        package_dir = self.get_finalized_command("build_py").get_package_dir("pyjitx")
        return (os.path.join(self.build_lib, "pyjitx", "lib", filename),
                os.path.join(package_dir, "lib", filename))

    def _built_libraries(self):
        """[(built, in-place)] for the shared and the static runtime."""
        return [self._runtime_library_paths(f) for f in (RUNTIME_LIBRARY, RUNTIME_STATIC)]

    def build_runtime_library(self, gen_dir: str, tables: str) -> None:
        """Compiles libruntime/*.c once more, with the extension's flags, into
        libpyjitx_runtime.so.

        A fresh compiler object rather than self.compiler: that one carries
        the Python include and library directories, and this library must
        not see Python at all.  --no-undefined turns any accidental
        dependency on Python (or anything else outside libc/libm) into a
        build error instead of a host's load-time failure; the soname makes
        libraries linked against it record a plain `libpyjitx_runtime.so`
        dependency, found through their rpath."""
        (built, inplace), (built_static, inplace_static) = self._built_libraries()
        depends = (runtime_sources + runtime_headers + public_headers
                   + [tables, os.path.join(gen_dir, NORMALIZE_TABLES)])
        if self.force or _outdated(built, depends) or _outdated(built_static, depends):
            compiler = new_compiler(verbose=self.verbose, force=self.force)
            customize_compiler(compiler)
            objects = compiler.compile(
                runtime_sources, output_dir=os.path.join(self.build_temp, "pjx_runtime"),
                include_dirs=["libruntime/include", "libruntime", gen_dir],
                extra_postargs=RUNTIME_CFLAGS, depends=depends)
            link_args = ["-pthread"]  # pthread_key_create & co. (libpthread before glibc 2.34)
            if sys.platform.startswith("linux"):
                link_args += ["-Wl,--no-undefined", "-Wl,-soname," + RUNTIME_LIBRARY]
            self.mkpath(os.path.dirname(built))
            compiler.link_shared_object(objects, built, libraries=["m"], extra_postargs=link_args)
            # the same objects as a static archive (position-independent, as
            # compiled for the shared library: it links into executables
            # and shared libraries alike); a host links it with -lm -pthread
            if os.path.exists(built_static):
                os.unlink(built_static)  # `ar rcs` adds to an existing archive
            compiler.create_static_lib(objects, RUNTIME_NAME, os.path.dirname(built_static))
        if self.inplace:
            for from_, to in self._built_libraries():
                self.mkpath(os.path.dirname(to))
                self.copy_file(from_, to, level=self.verbose)

    def get_outputs(self):
        outputs = super().get_outputs()  # in-place: the keys of get_output_mapping
        return [*outputs, *(b for b, _ in self._built_libraries() if b not in outputs)]

    def get_output_mapping(self):
        mapping = super().get_output_mapping()
        if self.inplace:
            for built, inplace in self._built_libraries():
                mapping[built] = inplace
        return mapping


class BuildPyWithHeaders(build_py):
    """build_py that also ships the runtime's public headers as package data
    (pyjitx/include/pyjitx/*.h), so that `pyjitx config --cflags` of a
    wheel install points at real files.  They live in libruntime/include,
    outside the package directory, hence a copy rather than package-data."""

    def _header_outputs(self):
        return [os.path.join(self.build_lib, "pyjitx", "include", "pyjitx", os.path.basename(h))
                for h in public_headers]

    def run(self):
        super().run()
        if self.editable_mode:  # pyjitx.backend.link finds libruntime/include itself
            return
        for source, target in zip(public_headers, self._header_outputs()):
            self.mkpath(os.path.dirname(target))
            self.copy_file(source, target)

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        return outputs if self.editable_mode else [*outputs, *self._header_outputs()]


setup(
    cmdclass={"build_ext": BuildExtWithTables, "build_py": BuildPyWithHeaders},
    ext_modules=[
        Extension(
            "pyjitx._ext",
            # (every C file of the bridge: pyjitx/_*.c)
            sources=[*sorted(glob.glob("pyjitx/_*.c")),
                     *runtime_sources],
            include_dirs=["libruntime/include", "libruntime", "pyjitx"],
            depends=(sorted(glob.glob("libruntime/*.h")) + sorted(glob.glob("libruntime/include/pyjitx/*"))
                     + sorted(glob.glob("pyjitx/_*.h"))),
            extra_compile_args=list(RUNTIME_CFLAGS),
            libraries=["m"],
        )
    ],
)
