"""Python AST -> typed IR: name resolution, type inference, SSA construction,
and the CompileErrors that point at the user's source.  Knows nothing of
LLVM."""
