"""IR -> LLVM IR (llvmlite) -> optimised relocatable object -> in-process
JIT.  Knows nothing of Python's AST; talks to the runtime only through the
symbols of its C ABI."""
