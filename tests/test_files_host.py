"""open() in code built ahead of time and called from a C++ host (no
Python in the process): the file objects are the runtime's (libruntime/
file.c), so a host writes and reads files through compiled code as Python
does.  Skipped where no C++ compiler is installed."""
import os

import pytest

from pyjitx.backend import link
from test_build import cxx_or_skip, pyjitx_cli, run

pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_SANITIZER_RUN") == "1",
                                reason="native hosts are not linked in the sanitizer run")

MODULE = '''
import pyjitx


@pyjitx.compile
def save(path: str, text: str) -> int:
    with open(path, "w", encoding="utf-8", newline="\\r\\n") as f:
        n = f.write(text)
        print("end", n, file=f)
    return n


@pyjitx.compile
def load(path: str) -> str:
    out = ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            out += "[" + line + "]"
    return out


@pyjitx.compile
def missing(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError as e:
        return str(e)
'''

HOST = r'''
#include <cstdio>
#include <string>
#include "files.h"

static pjx_str *make_str(const std::string &s) {
    return pjx_str_from_utf8(s.data(), (int64_t)s.size());
}

int main(int argc, char **argv) {
    std::string path = std::string(argv[1]) + "/out.txt";
    pjx_str *p = make_str(path), *text = make_str("h\xc3\xa9llo\n\xe4\xb8\xad\xf0\x9f\x98\x80\n");
    int64_t n = 0;
    if (files_save(p, text, &n) != 0) return 10;
    std::printf("save %lld\n", (long long)n);
    pjx_str *back = nullptr;
    if (files_load(p, &back) != 0) return 11;
    std::fwrite(back->data, 1, (size_t)back->nbytes, stdout);
    std::printf("\n");
    pjx_str *q = make_str(path + ".missing"), *message = nullptr;
    if (files_missing(q, &message) != 0) return 12;
    std::fwrite(message->data, 1, (size_t)message->nbytes, stdout);
    std::printf("\n");
    pjx_decref(p);
    pjx_decref(text);
    pjx_decref(back);
    pjx_decref(q);
    pjx_decref(message);
    return 0;
}
'''


def test_cpp_host_writes_and_reads_files(tmp_path):
    cxx = cxx_or_skip()
    source = tmp_path / "files.py"
    source.write_text(MODULE)
    done = pyjitx_cli("build", source, "-o", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    host_source = tmp_path / "host.cpp"
    host_source.write_text(HOST)
    host = tmp_path / "host"
    run([cxx, "-std=c++17", "-O1", host_source, "-o", host, f"-I{out}", *link.cflags(),
         out / "files.o", *link.libs(static=True)])
    printed = run([host, tmp_path], cwd=tmp_path).decode("utf-8")
    text = "héllo\n中😀\n"
    assert (tmp_path / "out.txt").read_bytes() == (text + "end 9\n").replace(
        "\n", "\r\n").encode("utf-8")
    missing = str(tmp_path / "out.txt.missing")
    assert printed == (f"save 9\n[héllo\n][中😀\n][end 9\n]\n"
                       f"[Errno 2] No such file or directory: '{missing}'\n")
