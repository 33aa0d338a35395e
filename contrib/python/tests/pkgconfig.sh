#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The other way to build the package: against a liblogmask found by
# pkg-config (as after `make install`), here a .pc naming this build tree,
# with pip as docs/django.md says; the extension must record the library's
# directory as its run path and mask.
. "${top_srcdir:-$(dirname "$0")/../../..}/tests/setup"
. "$top_srcdir/contrib/python/tests/env.sh"
need pkg-config
libs="$top_builddir/src/.libs"
[ -e "$libs/liblogmask.so" ] || { echo "SKIP: no shared liblogmask in this build"; exit 77; }
mkdir "$T/pc" "$T/include"
cp "$top_builddir/src/logmask.h" "$T/include/"
cat > "$T/pc/liblogmask.pc" <<PC
libdir=$libs
includedir=$T/include
Name: liblogmask
Description: Masks secrets in log lines
Version: 0.1.0
Libs: -L\${libdir} -llogmask
Cflags: -I\${includedir}
PC
cp -R "$top_srcdir/contrib/python" "$T/src"
chmod -R u+w "$T/src"
rm -rf "$T/src/build" "$T/src"/*.egg-info "$T/src/lib"
env -u LOGMASK_BUILD PKG_CONFIG_PATH="$T/pc" PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$PY" -m pip install --no-build-isolation --no-index --no-deps --no-cache-dir \
  --target "$T/target" "$T/src" > "$T/pip.log" 2>&1 || { tail -n 30 "$T/pip.log"; fail "pip install with pkg-config failed"; }
so=$(ls "$T"/target/logmask/_logmask*.so)
if command -v readelf > /dev/null 2>&1; then
  readelf -d "$so" | grep -q "R.*PATH.*\[$libs\]" || fail "no run path to $libs: $(readelf -d "$so" | grep PATH)"
fi
out=$(echo 'x password=hunter2x' | PYTHONPATH="$T/target" "$PY" -m logmask)
[ "$out" = "x password=[REDACTED:password-assignment]" ] || fail "python3 -m logmask: $out"
# without pkg-config's answer the build says what to do
env -u LOGMASK_BUILD PKG_CONFIG_PATH="$T/none" PKG_CONFIG_LIBDIR="$T/none" \
  "$PY" -m pip install --no-build-isolation --no-index --no-deps --no-cache-dir \
  --target "$T/target2" "$T/src" > "$T/pip2.log" 2>&1 && fail "built without liblogmask"
grep -q "liblogmask not found by pkg-config" "$T/pip2.log" || fail "no hint: $(tail -n 5 "$T/pip2.log")"
echo "pkgconfig: ok"
