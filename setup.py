"""Builds pyjitx's native part: the C runtime (libruntime/) compiled into the
CPython bridge extension `pyjitx._ext`.  Everything else is declared in
pyproject.toml."""
import glob

from setuptools import Extension, setup

runtime_sources = sorted(glob.glob("libruntime/*.c"))

setup(
    ext_modules=[
        Extension(
            "pyjitx._ext",
            sources=["pyjitx/_ext.c", "pyjitx/_convert.c", *runtime_sources],
            include_dirs=["libruntime/include", "pyjitx"],
            depends=sorted(glob.glob("libruntime/**/*.h", recursive=True) + glob.glob("libruntime/include/pyjitx/*.def") + ["pyjitx/_convert.h"]),
            extra_compile_args=["-std=c11", "-O2", "-fvisibility=hidden", "-Wall"],
            libraries=["m"],
        )
    ],
)
