"""The runtime for C/C++ hosts outside Python: the static library next to
the shared one, `pyjitx config` directories and flags, the CMake package
config."""
import subprocess
import sys

import pyjitx
from pyjitx.backend import link


def pyjitx_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pyjitx.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


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
