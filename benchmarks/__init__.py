"""Benchmarks for pyjitx: `python -m benchmarks` times workloads side by side.

Every implementation of a workload (CPython's plain function, pyjitx's
compile of the same source, and numba, matxscript and torch.jit when they
import) runs in one process, in interleaved rounds; each result is checked
against CPython's before it is timed.  Modules:

  runner        the command line, workload list, the table and JSON output
  timing        timing a call, calibration, interleaved rounds, fresh-process scripts
  results       result rows, settings, table formatting
  peers         which peer compilers import; building their functions
  kernels       the plain scalar kernels (CPython's and pyjitx's source)
  scalar        workloads 1-4: call overhead, branchy loop, fib, float loop
  scalar_numba, scalar_matx, scalar_torch   the peers' versions of those kernels
  cold_kernel   the 30-line function of the compile workloads
  compile_time  workloads 5-6: cold compile, cached load in a second process
  threads       workload 7: GIL release with two threads
  text          the str/list/dict workloads: text2ids, string ops, BERT WordPiece
  text_kernels  their plain kernels (CPython's, pyjitx's, matxscript's and TorchScript's source)
  text_data     their seeded inputs, the generated BERT vocab, the reference tokenizer
  text_numba, text_matx, text_torch   the peers' versions and conversions
  arrays        the NDArray workloads: pad-to-array, the image pipeline (pyjitx.image)
  array_kernels their plain kernel and seeded inputs
  array_numba, array_matx   the peers' versions of pad-to-array
  augment       random augmentation (shuffle + choices + gauss), batch and per call
  augment_kernels  its plain kernels and seeded inputs
  programs      the programs of tests/programs (pyperformance's, annotated), CPython vs pyjitx
"""
