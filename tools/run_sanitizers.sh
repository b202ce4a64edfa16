#!/usr/bin/env bash
# Builds pyjitx's native part (the runtime and the CPython bridge) with
# AddressSanitizer and UndefinedBehaviorSanitizer into a scratch copy of the
# tree and runs the test suite against it.  Compiled (JIT) code is not
# instrumented, but every runtime call it makes is.
#
#   tools/run_sanitizers.sh [pytest args...]     (default: the whole suite)
#
# CPython itself leaks by design at exit, so leak detection is off here;
# the suite's own live-object check covers runtime leaks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d /tmp/pyjitx-asan.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
git -C "$root" ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$scratch")
cd "$scratch"
export CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1 -g"
export LDFLAGS="-fsanitize=address,undefined"
python3 setup.py -q build_ext --inplace
libasan="$(gcc -print-file-name=libasan.so)"
libubsan="$(gcc -print-file-name=libubsan.so)"
export LD_PRELOAD="$libasan:$libubsan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export PYTHONPATH="$scratch"
export PYJITX_SANITIZER_RUN=1
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-quick}"
python3 -m pytest -q -x -p no:cacheprovider "${@:-tests}"
