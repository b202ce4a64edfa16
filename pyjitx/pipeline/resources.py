"""pyjitx.resource(path): a file an op reads when it is constructed.

Pass `pyjitx.resource("vocab.txt")` where a constructor takes a path: it is
a str (compiled code reads it as one), marked so that saving a pipeline
copies the file into the directory's resources/ and loading passes the
copy's path instead -- the saved directory does not depend on the files
it was made from.
"""
from __future__ import annotations

import os


class Resource(str):
    """A path (str) whose file travels with a saved pipeline."""

    source: str  # the absolute path of the file, fixed when the marker is made

    def __new__(cls, path: "str | os.PathLike[str]") -> "Resource":
        text = os.fspath(path)
        if not isinstance(text, str):
            raise TypeError(f"pyjitx.resource() expects a str path, not {type(text).__name__}")
        if not os.path.isfile(text):
            raise FileNotFoundError(f"pyjitx.resource(): {text!r} is not a file")
        self = super().__new__(cls, text)
        self.source = os.path.abspath(text)
        return self

    def __reduce__(self):
        return (Resource, (self.source,))


def resource(path: "str | os.PathLike[str]") -> Resource:
    """Mark `path` as a file to bundle with a saved pipeline."""
    return Resource(path)
