"""Opening the files pyjitx wrote -- cache entries, saved pipelines --
without being led elsewhere: only regular files, never through a symbolic
link (a link inside a saved directory could point at any file on the
machine, whose size and digest an error would then print), and never a
FIFO or a device (a read could block, or never end)."""
from __future__ import annotations

import os
import stat
from typing import BinaryIO, Optional, Tuple

_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) |
          getattr(os, "O_CLOEXEC", 0))


def open_regular(path: str) -> Optional[BinaryIO]:
    """`path` opened for reading if it is a regular file and not a symbolic
    link, else None (also when it does not exist)."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except OSError:
        os.close(fd)
        return None


def read_regular(path: str, limit: int) -> Optional[bytes]:
    """The bytes of a regular file of at most `limit` bytes, else None."""
    f = open_regular(path)
    if f is None:
        return None
    with f:
        if os.fstat(f.fileno()).st_size > limit:
            return None
        data = f.read(limit + 1)
    return data if len(data) <= limit else None


def linked_component(root: str, relative: str) -> Optional[str]:
    """The first path below `root` on the way to `relative` that is a
    symbolic link (the root itself may be one), or None."""
    path = root
    for part in relative.split("/"):
        path = os.path.join(path, part)
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return path
        except OSError:
            return None  # (missing: the caller says so)
    return None


def open_inside(root: str, relative: str) -> Tuple[Optional[BinaryIO], str]:
    """The regular file `relative` ('/'-separated) below the directory
    `root`, opened for reading when no component on the way is a symbolic
    link; else (None, why): why is "missing", or a sentence naming the path
    inside `root` that is a link or not a regular file -- never anything of
    what it points at."""
    linked = linked_component(root, relative)
    if linked is not None:
        return None, f"{linked} is a symbolic link"
    path = os.path.join(root, *relative.split("/"))
    f = open_regular(path)
    if f is not None:
        return f, ""
    try:
        os.lstat(path)
    except OSError:
        return None, "missing"
    return None, f"{path} is not a regular file"


def read_inside(root: str, relative: str, limit: int) -> Tuple[Optional[bytes], str]:
    """open_inside, then at most `limit` bytes: (data, "") or (None, why),
    why "missing", a link or not a regular file, or "larger than N bytes"."""
    f, why = open_inside(root, relative)
    if f is None:
        return None, why
    with f:
        if os.fstat(f.fileno()).st_size > limit:
            return None, f"larger than {limit} bytes"
        data = f.read(limit + 1)
    if len(data) > limit:
        return None, f"larger than {limit} bytes"
    return data, ""
