#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# build-module.sh - builds mmlogmask, the native rsyslog module, against the
# source of the rsyslog that is installed here (Debian/Ubuntu, as root).
#
#   contrib/rsyslog/build-module.sh [--workdir DIR] [--install] [--no-deps]
#
# rsyslog modules have no stable ABI: a module must be compiled against the
# configured source tree of exactly the rsyslogd version that loads it.  This
# script is therefore version-pinned: run it again after every rsyslog
# upgrade.  It
#   1. installs the build dependencies (apt-get; skipped with --no-deps),
#   2. adds a deb-src entry when apt has none, and fetches the rsyslog source
#      package with `apt-get source` into WORKDIR (default
#      /var/tmp/logmask-rsyslog),
#   3. refuses when the source's upstream version differs from
#      `rsyslogd -v` (a different Debian revision of the same upstream
#      version only warns: the mirror often serves only the newest source),
#   4. configures rsyslog (about 100 s; reused on a second run),
#   5. configures logmask with --with-rsyslog-source and builds it in
#      WORKDIR/logmask-build,
#   6. with --install, installs it, mmlogmask.so into rsyslog's own plugin
#      directory so that module(load="mmlogmask") finds it by name.
set -eu

die() { echo "build-module.sh: $*" >&2; exit 1; }
say() { echo "build-module.sh: $*"; }

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
workdir=/var/tmp/logmask-rsyslog
install=no
deps=yes
while [ $# -gt 0 ]; do
  case $1 in
    --workdir) [ $# -ge 2 ] || die "--workdir needs a directory"; workdir=$2; shift 2 ;;
    --workdir=*) workdir=${1#*=}; shift ;;
    --install) install=yes; shift ;;
    --no-deps) deps=no; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
[ -x "$RSYSLOGD" ] || die "rsyslogd is not installed (apt-get install rsyslog)"
installed=$("$RSYSLOGD" -v | sed -n '1s/^rsyslogd *\([0-9][0-9.]*\).*/\1/p')
[ -n "$installed" ] || die "cannot read the version from '$RSYSLOGD -v'"
debver=$(dpkg-query -W -f '${Version}' rsyslog 2>/dev/null || true)
say "installed rsyslogd $installed (package ${debver:-unknown})"

# 1. Build dependencies: rsyslog's configure needs these; dpkg-dev unpacks
#    the source package.
if [ $deps = yes ]; then
  [ "$(id -u)" = 0 ] || die "run as root to install build dependencies, or use --no-deps"
  apt-get install -y libestr-dev libfastjson-dev uuid-dev zlib1g-dev dpkg-dev \
    pkg-config libtool autoconf automake make gcc >/dev/null ||
    die "apt-get install of the build dependencies failed"
fi

# 2. Source package.  apt-get source needs a deb-src entry.
has_deb_src() {
  grep -rqs '^[[:space:]]*deb-src\b\|^Types:.*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/
}
if ! has_deb_src; then
  [ "$(id -u)" = 0 ] || die "apt has no deb-src entry; run as root to add one"
  # The same mirrors as the binary packages, for sources: every deb line or
  # deb822 stanza apt already uses, turned into deb-src.
  out=/etc/apt/sources.list.d/logmask-deb-src.sources
  say "adding $out (deb-src for the configured mirrors)"
  : >"$out.tmp"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$f" != "$out" ] || continue
    sed -e 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' "$f" >>"$out.tmp"
    echo >>"$out.tmp"
  done
  lists=$(ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  if [ -n "$lists" ]; then
    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' $lists >"${out%.sources}.list"
    [ -s "${out%.sources}.list" ] || rm -f "${out%.sources}.list"
  fi
  grep -q 'deb-src' "$out.tmp" || rm -f "$out.tmp"
  [ -f "$out.tmp" ] && mv "$out.tmp" "$out"
  has_deb_src || die "found no deb entry in apt's sources to derive a deb-src entry from"
  apt-get update >/dev/null || die "apt-get update failed"
fi

mkdir -p "$workdir"
cd "$workdir"
tree=$(ls -d rsyslog-"$installed"/ 2>/dev/null | head -n 1 || true)
if [ -z "$tree" ]; then
  say "fetching the rsyslog source package into $workdir"
  # The exact Debian version first; the mirror may only have another
  # revision of the same upstream version.
  # A mirror can list a source version it does not serve; try each listed
  # version, the installed one first, newest next.
  fetched=no
  for v in $debver $(apt-cache showsrc rsyslog 2>/dev/null | sed -n 's/^Version: //p' | sort -rVu); do
    if apt-get source -q "rsyslog=$v" >>apt-source.log 2>&1; then
      fetched=yes
      break
    fi
  done
  [ $fetched = yes ] || { tail -n 20 apt-source.log >&2; die "apt-get source rsyslog failed"; }
  tree=$(ls -d rsyslog-[0-9]*/ | sort -V | tail -n 1)
fi
tree=$workdir/${tree%/}

# 3. Versions.  Upstream must match; the Debian revision should.
srcver=$(cd "$tree" && dpkg-parsechangelog -S Version)
srcup=${srcver#*:}
srcup=${srcup%-*}
if [ "$srcup" != "$installed" ]; then
  die "REFUSED: source $srcver is rsyslog $srcup but the installed rsyslogd is $installed.
A module built against another version would crash or misbehave.
Get the matching source (apt-get source rsyslog=$debver) or upgrade rsyslog, then rerun."
fi
if [ -n "$debver" ] && [ "$srcver" != "$debver" ]; then
  say "WARNING: source package $srcver, installed package $debver: same upstream" \
      "version, different Debian revision; the module ABI follows the upstream version," \
      "but check that the module loads (rsyslogd -N1)."
fi

# 4. Configure rsyslog (reused when already configured with these flags).
rsflags="--disable-fmhttp --disable-libgcrypt --disable-libsystemd --disable-generate-man-pages"
if [ -f "$tree/config.h" ] && grep -q -- "--disable-generate-man-pages" "$tree/config.status" 2>/dev/null; then
  say "rsyslog source already configured: $tree"
else
  say "configuring rsyslog $srcver (about 100 s)"
  (cd "$tree" && ./configure -q $rsflags >configure.log 2>&1) ||
    { tail -n 20 "$tree/configure.log" >&2; die "rsyslog's configure failed (log: $tree/configure.log)"; }
fi

# 5. Configure and build logmask with the module.
[ -x "$srcdir/configure" ] || (cd "$srcdir" && ./autogen.sh) || die "autogen.sh failed in $srcdir"
# A checkout built in place (./configure && make in it) cannot also be
# configured from another directory: build from a clean copy of its
# distributed files, made by its own Makefile.
src=$srcdir
if [ -f "$srcdir/config.status" ]; then
  src=$workdir/logmask-src
  say "$srcdir is configured in place: building from a copy in $src"
  rm -rf "$src"
  make -C "$srcdir" distdir distdir="$src" >"$workdir/distdir.log" 2>&1 ||
    { tail -n 20 "$workdir/distdir.log" >&2; die "cannot copy the source (make distdir in $srcdir)"; }
fi
# Always a fresh build dir: one configured from another checkout keeps that
# checkout's paths in its dependency files, and make then stops on them.
# (Only rsyslog's configure is worth reusing.)
rm -rf "$workdir/logmask-build"
mkdir -p "$workdir/logmask-build"
cd "$workdir/logmask-build"
say "building logmask with mmlogmask in $workdir/logmask-build"
"$src/configure" -q --with-rsyslog-source="$tree" || die "logmask's configure failed"
make -j"$(nproc)" >make.log 2>&1 || { tail -n 30 make.log >&2; die "build failed (log: $PWD/make.log)"; }
module=$PWD/contrib/rsyslog/.libs/mmlogmask.so
[ -f "$module" ] || die "the build produced no $module"

# Check that this rsyslogd accepts the module.
printf 'module(load="%s")\naction(type="mmlogmask")\n' "$module" >check.conf
"$RSYSLOGD" -N1 -f "$PWD/check.conf" >check.log 2>&1 ||
  { cat check.log >&2; die "rsyslogd refuses the module (see above)"; }
say "module built: $module (rsyslogd -N1 accepts it)"

# 6. Install.
if [ $install = yes ]; then
  plugindir=$(dirname "$(dpkg -L rsyslog | grep '/imuxsock\.so$' | head -n 1)")
  [ -d "$plugindir" ] || die "cannot find rsyslog's plugin directory"
  make install rsyslogplugindir="$plugindir" >install.log 2>&1 ||
    { tail -n 20 install.log >&2; die "make install failed"; }
  say "installed: $plugindir/mmlogmask.so; use module(load=\"mmlogmask\")"
  say "rebuild after every rsyslog upgrade (this module is version-pinned)"
else
  say "load it with module(load=\"$module\"), or rerun with --install"
fi
