#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/python.sh - what masking costs a Python application: the same 100k
# log records (100-byte messages, 1 % with a secret) through a plain
# logging.Formatter, the guide's SecretMaskingFormatter, MaskingFilter and
# MaskingFormatter, in one run; then MaskingFilter's added cost for 100 B,
# 1 KiB and 10 KiB messages.  Prints markdown tables.
#
# Usage: bench/python.sh [--records N] [--runs N] [--seed N]
# Run from the build dir (it runs `make python` there first); PYTHON picks
# the interpreter (default /usr/bin/python3, the one python3-dev serves).
# Absolute figures drift +-25 % on shared machines: compare rows of one run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
case ${1:-} in -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
make -s python PYTHON_BINDING="$PYTHON" > /dev/null
lib=$(pwd)/contrib/python/lib
case $(cat "$lib/.built") in
  "ok "*) ;;
  *) echo "python.sh: $(cat "$lib/.built")" >&2; exit 1 ;;
esac
PYTHONPATH="$lib" PYTHONDONTWRITEBYTECODE=1 exec "$PYTHON" "$here/python_bench.py" "$@"
