"""Stand-ins for standard-library code, written in the compiled subset and
compiled along with the code that calls them (as pyjitx.stringio stands in
for io.StringIO): the methods of collections.Counter, the iterators of
itertools, functools.reduce.  pyjitx/frontend/stdlib_*.py route the calls
here; each function is specialised on the types it is called with, as any
unannotated Python function that compiled code calls is."""
