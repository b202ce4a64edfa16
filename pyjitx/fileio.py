"""open() in compiled code: the file objects, written in the compiled subset
over a handful of system calls (libruntime/file.c, file.h; the `_fd_*`
functions below are those primitives in compiled code, and do the same
with the os module when run as Python).  pyjitx/frontend/streams.py turns
`open(...)` into `open_text(...)` or `open_binary(...)` by the mode, which
must be a constant there.

CPython's behaviour, checked by tests/test_files.py: modes r, w, a, x with
b and +; text encodings utf-8 (the default: encoding=None is UTF-8, what
CPython uses under a UTF-8 locale or in UTF-8 mode), latin-1 and ascii with
their aliases; errors= as str.encode/bytes.decode take it; newline None,
'', '\\n', '\\r', '\\r\\n' translated on write and read as CPython does.
The exceptions are CPython's, with its messages.

Writes collect in an 8 KiB buffer, as CPython's; the descriptor and the
buffer are held by a handle (file.h) that writes out what is pending and
closes the descriptor when the file object is freed, as CPython does (and
flushes at exit the handles still alive).
A read takes in the rest of the file at once and answers read/readline/
iteration from it; a write after such a read on a '+' file raises
io.UnsupportedOperation (a clear error where CPython would write at the
read position).  Not there: seek/tell, fileno, truncate, buffering other
than the default (accepted, no effect), file descriptors as `file`."""
from __future__ import annotations

import io
import os
from typing import List, Optional

# file.h's mode bits
_READ, _WRITE, _APPEND, _CREATE, _PLUS = 0, 1, 2, 3, 4
# errno values with their own OSError subclass (Linux)
_ENOENT, _EEXIST, _EISDIR, _EACCES, _EPERM, _ENOTDIR = 2, 17, 21, 13, 1, 20


# ---- the runtime's primitives (frontend/stdlib.py turns calls into them)

def _fd_open(path: str, mode: int) -> int:
    if "\0" in path:
        raise ValueError("embedded null byte")
    base = mode & 3
    plus = (mode & _PLUS) != 0
    flags = os.O_RDWR if plus else (os.O_RDONLY if base == _READ else os.O_WRONLY)
    flags |= os.O_CLOEXEC
    if base == _WRITE:
        flags |= os.O_CREAT | os.O_TRUNC
    elif base == _APPEND:
        flags |= os.O_CREAT | os.O_APPEND
    elif base == _CREATE:
        flags |= os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        return -(exc.errno or 1)
    import stat

    if stat.S_ISDIR(os.fstat(fd).st_mode):
        os.close(fd)
        return -_EISDIR
    if base == _APPEND:
        os.lseek(fd, 0, os.SEEK_END)
    return fd


def _fd_handle(fd: int) -> bytes:
    """(as Python: the descriptor's bytes, closed only by close())"""
    return fd.to_bytes(8, "little", signed=True)


def _fd_write(handle: bytes, data: bytes) -> None:
    fd = int.from_bytes(handle, "little", signed=True)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fd_flush(handle: bytes) -> None:
    """(as Python: writes are not buffered)"""


def _fd_read(handle: bytes, size: int) -> bytes:
    fd = int.from_bytes(handle, "little", signed=True)
    chunks = []
    while size != 0:
        chunk = os.read(fd, size if size > 0 else 65536)
        if not chunk:
            break
        chunks.append(chunk)
        if size > 0:
            size -= len(chunk)
    return b"".join(chunks)


def _fd_close(handle: bytes) -> None:
    os.close(int.from_bytes(handle, "little", signed=True))


def _fd_strerror(err: int) -> str:
    return os.strerror(err)


PRIMITIVES = {"_fd_open": _fd_open, "_fd_handle": _fd_handle, "_fd_write": _fd_write,
              "_fd_flush": _fd_flush, "_fd_read": _fd_read, "_fd_close": _fd_close,
              "_fd_strerror": _fd_strerror}


# ---- open()'s arguments

def _mode_bits(mode: str) -> int:
    """The mode as file.h's bits; CPython's ValueError for a bad one."""
    creating = reading = writing = appending = updating = binary = text = 0
    for c in mode:
        if mode.count(c) > 1 or c not in "axrwb+t":
            raise ValueError(f"invalid mode: '{mode}'")
        if c == "x":
            creating = 1
        elif c == "r":
            reading = 1
        elif c == "w":
            writing = 1
        elif c == "a":
            appending = 1
        elif c == "+":
            updating = 1
        elif c == "b":
            binary = 1
        else:
            text = 1
    if text and binary:
        raise ValueError("can't have text and binary mode at once")
    if creating + reading + writing + appending > 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    if creating + reading + writing + appending == 0:
        raise ValueError("Must have exactly one of create/read/write/append mode and at most "
                         "one plus")
    base = _READ if reading else _WRITE if writing else _APPEND if appending else _CREATE
    return base | (_PLUS if updating else 0)


def _open_fd(file: str, bits: int) -> bytes:
    """The handle of the opened file (file.h: it flushes and closes the
    descriptor when freed, so a file object dropped unclosed gives it back);
    for a failure of open(2), CPython's exception for its errno ("[Errno 2]
    No such file or directory: 'x'", in the errno's own OSError subclass)."""
    fd = _fd_open(file, bits)
    if fd >= 0:
        return _fd_handle(fd)
    err = -fd
    message = f"[Errno {err}] {_fd_strerror(err)}: {file!r}"
    if err == _ENOENT:
        raise FileNotFoundError(message)
    if err == _EEXIST:
        raise FileExistsError(message)
    if err == _EISDIR:
        raise IsADirectoryError(message)
    if err == _EACCES or err == _EPERM:
        raise PermissionError(message)
    if err == _ENOTDIR:
        raise NotADirectoryError(message)
    raise OSError(message)


def _binary_mode(bits: int) -> str:
    """FileIO's mode string ('rb', 'wb', 'ab', 'xb', with '+': 'rb+'...)."""
    base = bits & 3
    if bits & _PLUS:
        return "ab+" if base == _APPEND else "xb+" if base == _CREATE else "rb+"
    return "rb" if base == _READ else "wb" if base == _WRITE else "ab" if base == _APPEND else "xb"


# ---- text files

class TextIOWrapper:
    def __init__(self, name: str, mode: str, bits: int, encoding: str, errors: str,
                 newline: str, translate: bool) -> None:
        self.name = name
        self.mode = mode
        self.encoding = encoding
        self.errors = errors
        self._newline = newline        # '' for newline=None (translate tells them apart)
        self._translate = translate    # newline=None: universal newlines, os.linesep written
        self._readable = (bits & 3) == _READ or (bits & _PLUS) != 0
        self._writable = (bits & 3) != _READ or (bits & _PLUS) != 0
        self._handle = b""  # the handle (file.h), set by open_*
        self._closed = False
        self._buffer = ""      # text read in and not handed out yet
        self._pos = 0
        self._loaded = False   # has a read taken in the rest of the file?

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("I/O operation on closed file.")

    def readable(self) -> bool:
        self._check_open()
        return self._readable

    def writable(self) -> bool:
        self._check_open()
        return self._writable

    def write(self, s: str) -> int:
        self._check_open()
        if not self._writable:
            raise io.UnsupportedOperation("not writable")
        if self._loaded:
            raise io.UnsupportedOperation("pyjitx: a write after a read on the same file object "
                                          "is not supported")
        text = s
        if not self._translate and self._newline != "" and self._newline != "\n":
            text = text.replace("\n", self._newline)
        if text:
            _fd_write(self._handle, text.encode(self.encoding, self.errors))
        return len(s)

    def writelines(self, lines: List[str]) -> None:
        for line in lines:
            self.write(line)

    def _load(self) -> None:
        self._check_open()
        if not self._readable:
            raise io.UnsupportedOperation("not readable")
        if self._loaded:
            return
        text = _fd_read(self._handle, -1).decode(self.encoding, self.errors)
        if self._translate:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._buffer = text
        self._pos = 0
        self._loaded = True

    def read(self, size: Optional[int] = -1) -> str:
        self._load()
        end = len(self._buffer)
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        text = self._buffer[self._pos:end]
        self._pos = end
        return text

    def _line_end(self) -> int:
        """Where the line at the position ends (past its terminator)."""
        buffer = self._buffer
        if self._translate or self._newline == "\n":
            end = buffer.find("\n", self._pos)
            return len(buffer) if end < 0 else end + 1
        if self._newline != "":
            end = buffer.find(self._newline, self._pos)
            return len(buffer) if end < 0 else end + len(self._newline)
        # newline='': a line ends at \n, \r or \r\n, kept as it is
        i = self._pos
        n = len(buffer)
        while i < n:
            c = buffer[i]
            if c == "\n":
                return i + 1
            if c == "\r":
                if i + 1 < n and buffer[i + 1] == "\n":
                    return i + 2
                return i + 1
            i += 1
        return n

    def readline(self, size: Optional[int] = -1) -> str:
        self._load()
        end = self._line_end()
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        text = self._buffer[self._pos:end]
        self._pos = end
        return text

    def readlines(self) -> List[str]:
        lines: List[str] = []
        line = self.readline()
        while line:
            lines.append(line)
            line = self.readline()
        return lines

    def __iter__(self):
        self._check_open()
        line = self.readline()
        while line:
            yield line
            line = self.readline()

    def flush(self) -> None:
        self._check_open()
        _fd_flush(self._handle)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._buffer = ""
            _fd_close(self._handle)

    def __enter__(self) -> "TextIOWrapper":
        self._check_open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()


# ---- binary files

class BufferedFile:
    def __init__(self, name: str, mode: str, bits: int) -> None:
        self.name = name
        self.mode = mode
        self._readable = (bits & 3) == _READ or (bits & _PLUS) != 0
        self._writable = (bits & 3) != _READ or (bits & _PLUS) != 0
        self._handle = b""  # the handle (file.h), set by open_*
        self._closed = False
        self._buffer = b""
        self._pos = 0
        self._loaded = False

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("I/O operation on closed file.")

    def readable(self) -> bool:
        self._check_open()
        return self._readable

    def writable(self) -> bool:
        self._check_open()
        return self._writable

    def write(self, b: bytes) -> int:
        self._check_open()
        if not self._writable:
            raise io.UnsupportedOperation("write")
        if self._loaded:
            raise io.UnsupportedOperation("pyjitx: a write after a read on the same file object "
                                          "is not supported")
        if b:
            _fd_write(self._handle, b)
        return len(b)

    def writelines(self, lines: List[bytes]) -> None:
        for line in lines:
            self.write(line)

    def _load(self) -> None:
        self._check_open()
        if not self._readable:
            raise io.UnsupportedOperation("read")
        if not self._loaded:
            self._buffer = _fd_read(self._handle, -1)
            self._pos = 0
            self._loaded = True

    def read(self, size: Optional[int] = -1) -> bytes:
        self._load()
        end = len(self._buffer)
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        data = self._buffer[self._pos:end]
        self._pos = end
        return data

    def readline(self, size: Optional[int] = -1) -> bytes:
        self._load()
        end = self._buffer.find(b"\n", self._pos)
        end = len(self._buffer) if end < 0 else end + 1
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        data = self._buffer[self._pos:end]
        self._pos = end
        return data

    def readlines(self) -> List[bytes]:
        lines: List[bytes] = []
        line = self.readline()
        while line:
            lines.append(line)
            line = self.readline()
        return lines

    def __iter__(self):
        self._check_open()
        line = self.readline()
        while line:
            yield line
            line = self.readline()

    def flush(self) -> None:
        self._check_open()
        _fd_flush(self._handle)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._buffer = b""
            _fd_close(self._handle)

    def __enter__(self) -> "BufferedFile":
        self._check_open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()


# ---- open(), by the kind of file the (constant) mode asks for

def open_text(file: str, mode: str = "r", buffering: int = -1, encoding: Optional[str] = None,
              errors: Optional[str] = None, newline: Optional[str] = None) -> TextIOWrapper:
    bits = _mode_bits(mode)
    # as CPython: the file is opened (made, emptied) before the text layer
    # refuses unbuffered text, a newline or an unknown encoding (and closed)
    handle = _open_fd(file, bits)
    if buffering == 0:
        _fd_close(handle)
        raise ValueError("can't have unbuffered text I/O")
    translate = newline is None
    nl = ""
    if newline is not None:
        if newline != "" and newline != "\n" and newline != "\r" and newline != "\r\n":
            _fd_close(handle)
            raise ValueError(f"illegal newline value: {newline}")
        nl = newline
    enc = "UTF-8"
    if encoding is not None:
        enc = encoding
    err = "strict"
    if errors is not None:
        err = errors
    f = TextIOWrapper(file, mode, bits, enc, err, nl, translate)
    f._handle = handle
    try:
        "".encode(enc, err)  # LookupError("unknown encoding: x")
    except LookupError:
        f.close()
        raise
    return f


def open_binary(file: str, mode: str = "r", buffering: int = -1, encoding: Optional[str] = None,
                errors: Optional[str] = None, newline: Optional[str] = None) -> BufferedFile:
    bits = _mode_bits(mode)
    if encoding is not None:
        raise ValueError("binary mode doesn't take an encoding argument")
    if errors is not None:
        raise ValueError("binary mode doesn't take an errors argument")
    if newline is not None:
        raise ValueError("binary mode doesn't take a newline argument")
    f = BufferedFile(file, _binary_mode(bits), bits)
    f._handle = _open_fd(file, bits)
    return f
