#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the Python package against a logmask build tree, the way a user
# does it (pip, no index, no build isolation), into TARGET; `make python`
# and `make check` run it.  Usage: build.sh PYTHON SRCDIR BUILDDIR TARGET
#
# TARGET/.built says what happened: "ok PYTHON" or "skip: REASON" when
# PYTHON lacks what the build needs (the tests then skip with that reason).
set -eu
py=$1 src=$2 build=$3 target=$4
mkdir -p "$target"
skip() { echo "skip: $*" > "$target/.built"; echo "python binding not built: $*"; exit 0; }

command -v "$py" > /dev/null 2>&1 || skip "$py not found"
"$py" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' ||
  skip "$py has no Python.h (install python3-dev)"
"$py" -c 'import setuptools' 2> /dev/null || skip "$py has no setuptools (install python3-setuptools)"
"$py" -m pip --version > /dev/null 2>&1 || skip "$py has no pip (install python3-pip)"

# A static-only build (--disable-shared, the sanitizer build) can go into
# the extension only when its objects are position-independent.
if [ ! -e "$build/src/.libs/liblogmask.so" ] && ! grep -q '^pic_mode=yes' "$build/libtool" 2> /dev/null; then
  skip "a static-only build without --with-pic (configure --with-pic to build the binding)"
fi

# pip builds in the source directory, which may be read-only (distcheck):
# build from a copy of the package
work="$build/contrib/python/work"
rm -rf "$work" "$target.new"
mkdir -p "$work"
cp -R "$src/contrib/python/logmask" "$src/contrib/python/ext" "$src/contrib/python/setup.py" \
  "$src/contrib/python/pyproject.toml" "$src/contrib/python/README.md" "$work/"
chmod -R u+w "$work"
rm -rf "$work/logmask/__pycache__"
if ! LOGMASK_BUILD="$build" LOGMASK_WERROR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    "$py" -m pip install --no-build-isolation --no-index --no-deps --no-cache-dir \
    --target "$target.new" "$work" > "$build/contrib/python/pip.log" 2>&1; then
  tail -n 40 "$build/contrib/python/pip.log"
  echo "python binding: pip install failed (log: $build/contrib/python/pip.log)"
  exit 1
fi
rm -rf "$work" "$target"
mv "$target.new" "$target"
echo "ok $py" > "$target/.built"
