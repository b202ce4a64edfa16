#!/usr/bin/env bash
# Builds pyjitx's native part (the runtime and the CPython bridge) with
# sanitizers into a scratch copy of the tree and runs tests against it.
# Compiled (JIT) code is not instrumented, but every runtime call it makes
# is.
#
#   tools/run_sanitizers.sh [pytest args...]        AddressSanitizer and UBSan
#                                                   (default: the whole suite)
#   tools/run_sanitizers.sh --tsan [pytest args...] ThreadSanitizer
#                                                   (default: tests/test_threads.py)
#
# CPython itself leaks by design at exit, so leak detection is off under
# ASan; the suite's own live-object check covers runtime leaks.
#
# Under ThreadSanitizer the interpreter is not instrumented: its GIL is a
# pthread mutex, which TSan's interceptors see, so the order the GIL gives
# is known to it, and a report means two threads touched runtime memory
# with nothing ordering them.  Any report fails the run (exit code 66, which
# the thread tests' subprocesses pass on).  No report needs suppressing:
# CPython and llvmlite are not instrumented, so their own accesses are not
# seen (the JIT's code neither: what it calls in the runtime is).
set -euo pipefail
mode=asan
if [ "${1:-}" = "--tsan" ]; then
    mode=tsan
    shift
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d "/tmp/pyjitx-$mode.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
git -C "$root" ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$scratch")
cd "$scratch"
if [ "$mode" = asan ]; then
    export CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1 -g"
    export LDFLAGS="-fsanitize=address,undefined"
    python3 setup.py -q build_ext --inplace
    libasan="$(gcc -print-file-name=libasan.so)"
    libubsan="$(gcc -print-file-name=libubsan.so)"
    export LD_PRELOAD="$libasan:$libubsan"
    export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    default_tests=(tests)
else
    export CFLAGS="-fsanitize=thread -fno-omit-frame-pointer -O1 -g"
    export LDFLAGS="-fsanitize=thread"
    python3 setup.py -q build_ext --inplace
    export LD_PRELOAD="$(gcc -print-file-name=libtsan.so)"
    export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1"
    default_tests=(tests/test_threads.py)
fi
export PYTHONPATH="$scratch"
export PYJITX_SANITIZER_RUN=1
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-quick}"
if [ $# -eq 0 ]; then
    set -- "${default_tests[@]}"
fi
python3 -m pytest -q -x -p no:cacheprovider "$@"
