"""Builds pyjitx's native part: the C runtime (libruntime/) compiled into the
CPython bridge extension `pyjitx._ext`.  Everything else is declared in
pyproject.toml.

The Unicode tables of the runtime are generated at build time from the
build interpreter's own `str` methods (tools/gen_unicode_tables.py) into the
build directory; they are never committed."""
import glob
import os
import subprocess
import sys
import unicodedata

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "tools", "gen_unicode_tables.py")
TABLES = "pjx_unicode_tables.h"

runtime_sources = sorted(glob.glob("libruntime/*.c"))


def _tables_current(path: str) -> bool:
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(GENERATOR):
        return False
    with open(path) as f:
        f.readline()
        return f.readline().strip() == '#define PJX_UNICODE_VERSION "%s"' % unicodedata.unidata_version


class BuildExtWithTables(build_ext):
    """build_ext that first generates the Unicode tables into build_temp."""

    def run(self):
        gen_dir = os.path.abspath(os.path.join(self.build_temp, "pjx_generated"))
        header = os.path.join(gen_dir, TABLES)
        if not _tables_current(header):
            os.makedirs(gen_dir, exist_ok=True)
            subprocess.check_call([sys.executable, GENERATOR, header])
        for ext in self.extensions:
            if gen_dir not in ext.include_dirs:
                ext.include_dirs.append(gen_dir)
            ext.depends = list(ext.depends) + [header]
        super().run()


setup(
    cmdclass={"build_ext": BuildExtWithTables},
    ext_modules=[
        Extension(
            "pyjitx._ext",
            sources=["pyjitx/_ext.c", "pyjitx/_convert.c", "pyjitx/_instance.c", "pyjitx/_pycall.c",
                     "pyjitx/_ndarray.c",
                     *runtime_sources],
            include_dirs=["libruntime/include", "libruntime", "pyjitx"],
            depends=(sorted(glob.glob("libruntime/*.h")) + sorted(glob.glob("libruntime/include/pyjitx/*"))
                     + ["pyjitx/_convert.h", "pyjitx/_instance.h", "pyjitx/_pycall.h", "pyjitx/_ndarray.h",
                        "pyjitx/_dlpack.h"]),
            extra_compile_args=["-std=c11", "-O2", "-fvisibility=hidden", "-Wall"],
            libraries=["m"],
        )
    ],
)
