"""io.StringIO in compiled code: this class, written in the compiled subset,
stands in for it (pyjitx.frontend.classes.original_class), so that
`buf = io.StringIO()`, `print(..., file=buf)`, `buf.write(s)` and
`buf.getvalue()` run natively, with io.StringIO's results: its position
(writes after a seek overwrite, a write past the end pads with NULs),
read/readline/readlines, iteration, seek/tell/truncate, close and `with`.

Text written at the end is kept as pieces, joined once when read.  The
`newline` argument of io.StringIO is not taken: no newline translation
(its default).  An instance returned to Python is this compiled class's,
not an io.StringIO, with the same methods."""
from __future__ import annotations

from typing import List, Optional


class StringIO:
    def __init__(self, initial_value: str = "") -> None:
        self._parts: List[str] = [initial_value]
        self._size = len(initial_value)  # in characters
        self._pos = 0
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("I/O operation on closed file")

    def _value(self) -> str:
        if len(self._parts) != 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0]

    @property
    def closed(self) -> bool:
        return self._closed

    def getvalue(self) -> str:
        self._check_open()
        return self._value()

    def write(self, s: str) -> int:
        self._check_open()
        n = len(s)
        if n == 0:
            return 0  # (nothing written: no padding past the end either)
        if self._pos == self._size:
            self._parts.append(s)
            self._size += n
        else:
            value = self._value()
            if self._pos > self._size:
                value += "\0" * (self._pos - self._size)
            value = value[:self._pos] + s + value[self._pos + n:]
            self._parts = [value]
            self._size = len(value)
        self._pos += n
        return n

    def writelines(self, lines: List[str]) -> None:
        for line in lines:
            self.write(line)

    def read(self, size: Optional[int] = -1) -> str:
        self._check_open()
        if self._pos >= self._size:
            return ""
        end = self._size if size is None or size < 0 else min(self._size, self._pos + size)
        text = self._value()[self._pos:end]
        self._pos = end
        return text

    def readline(self, size: Optional[int] = -1) -> str:
        self._check_open()
        if self._pos >= self._size:
            return ""
        value = self._value()
        end = value.find("\n", self._pos)
        end = self._size if end < 0 else end + 1
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        text = value[self._pos:end]
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
        # (a generator: loops expand it in place)
        self._check_open()
        line = self.readline()
        while line:
            yield line
            line = self.readline()

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        self._check_open()
        if whence == 0:
            if pos < 0:
                raise ValueError(f"Negative seek position {pos}")
            self._pos = pos
        elif whence == 1:
            if pos != 0:
                raise OSError("Can't do nonzero cur-relative seeks")
        elif whence == 2:
            if pos != 0:
                raise OSError("Can't do nonzero cur-relative seeks")  # (sic: CPython's message)
            self._pos = self._size
        else:
            raise ValueError(f"Invalid whence ({whence}, should be 0, 1 or 2)")
        return self._pos

    def truncate(self, size: Optional[int] = None) -> int:
        self._check_open()
        end = self._pos if size is None else size
        if end < 0:
            raise ValueError(f"Negative size value {end}")
        if end < self._size:
            self._parts = [self._value()[:end]]
            self._size = end
        return end

    def flush(self) -> None:
        self._check_open()

    def close(self) -> None:
        self._closed = True

    def readable(self) -> bool:
        self._check_open()
        return True

    def writable(self) -> bool:
        self._check_open()
        return True

    def seekable(self) -> bool:
        self._check_open()
        return True

    def __enter__(self) -> "StringIO":
        self._check_open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()
