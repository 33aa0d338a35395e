# SPDX-License-Identifier: Apache-2.0
# Sourced by the Python tests after tests/setup: PY and PYTHONPATH for the
# package contrib/python/build.sh built, or a skip with its reason.
lib="$top_builddir/contrib/python/lib"
built=$(cat "$lib/.built" 2> /dev/null || echo "missing")
case $built in
  "skip: "*) echo "SKIP: python binding ${built#skip: }"; exit 77 ;;
  "ok "*) PY=${built#ok } ;;
  *) fail "$lib/.built missing: the Python package was not built (make python)" ;;
esac
PYTHONPATH="$lib${PYTHONPATH:+:$PYTHONPATH}"
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH PYTHONDONTWRITEBYTECODE
# A sanitizer build links ASan and UBSan into the extension: their runtimes
# must come first in the process, and CPython's own allocations at exit are
# no leaks of ours.
if ls "$lib"/logmask/_logmask*.so > /dev/null 2>&1 &&
    nm -D "$lib"/logmask/_logmask*.so 2> /dev/null | grep -q '__asan_init'; then
  for rt in libasan.so libubsan.so; do
    f=$(${CC:-cc} -print-file-name=$rt 2> /dev/null || true)
    [ -n "$f" ] && [ -e "$f" ] && LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$f"
  done
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  export LD_PRELOAD ASAN_OPTIONS
fi
