"""The typed SSA intermediate representation.

Functions are lists of basic blocks; each block has typed parameters (the
SSA join points, lowered to LLVM phis), a list of ops and one terminator.
This package knows nothing of Python's AST or of LLVM: the frontend builds
it, the backend lowers it.
"""
