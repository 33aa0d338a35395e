#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Python binding's unittest suites (logmask.Masker, logmask.logging),
# on the package `make check` built with contrib/python/build.sh.
. "${top_srcdir:-$(dirname "$0")/../../..}/tests/setup"
. "$top_srcdir/contrib/python/tests/env.sh"
cd "$T"
"$PY" -m unittest discover -s "$top_srcdir/contrib/python/tests" -p 'test_*.py' -v 2>&1 ||
  fail "python unittest failed"
