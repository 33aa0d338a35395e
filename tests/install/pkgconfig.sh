#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# liblogmask.pc is enough to build against the library: a program built
# with `pkg-config --cflags --libs` (shared library) and one linked with the
# static archive and `pkg-config --static --libs` (which must name -lm and
# the dependencies' libraries) both mask a line.  Uses the build tree's .pc
# with its paths pointed at the build tree.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need pkg-config
mk() { sed -n "s/^$1 = //p" "$top_builddir/Makefile" | head -n 1; }
CC=$(mk CC) CFLAGS=$(mk CFLAGS) LDFLAGS=$(mk LDFLAGS)
[ -n "$CC" ] || fail "no CC in $top_builddir/Makefile"
libs=$top_builddir/src/.libs
pc() {
  PKG_CONFIG_PATH=$top_builddir pkg-config --define-variable=libdir="$libs" \
    --define-variable=includedir="$top_builddir/src" "$@" liblogmask
}
pc --exists || fail "pkg-config cannot read $top_builddir/liblogmask.pc: $(pc --print-errors --exists 2>&1)"
line='db password=Hunter2Secret9 ok'
want='db password=[REDACTED:password-assignment] ok'
ran=0

static_libs=$(pc --static --libs)
case " $static_libs " in *" -lm "*) ;; *) fail "pkg-config --static --libs lacks -lm: $static_libs" ;; esac
if [ -f "$libs/liblogmask.a" ]; then
  # the archive, and every library it needs from --static (shared ones)
  rest=$(echo "$static_libs" | sed 's/-llogmask//')
  # shellcheck disable=SC2086
  $CC $CFLAGS $(pc --cflags) -o "$T/static" "$top_srcdir/tests/install/consumer.c" \
    $LDFLAGS "$libs/liblogmask.a" $rest 2> "$T/err" ||
    fail "linking liblogmask.a with pkg-config --static --libs failed: $(cat "$T/err")"
  [ "$("$T/static" "$line")" = "$want" ] || fail "static consumer: $("$T/static" "$line" 2>&1)"
  ran=1
fi
if [ -f "$libs/liblogmask.so" ]; then
  # shellcheck disable=SC2086
  $CC $CFLAGS $(pc --cflags) -o "$T/shared" "$top_srcdir/tests/install/consumer.c" \
    $LDFLAGS $(pc --libs) 2> "$T/err" ||
    fail "linking with pkg-config --libs failed: $(cat "$T/err")"
  [ "$(LD_LIBRARY_PATH=$libs "$T/shared" "$line")" = "$want" ] || fail "shared consumer: $(LD_LIBRARY_PATH=$libs "$T/shared" "$line" 2>&1)"
  ran=1
fi
[ "$ran" = 1 ] || fail "neither liblogmask.a nor liblogmask.so in $libs"
echo "pkgconfig: ok"
