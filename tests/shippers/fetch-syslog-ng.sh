#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Debian's syslog-ng conflicts with rsyslog (both provide system-log-daemon),
# which the rsyslog tests need.  This unpacks Debian's syslog-ng-core and
# syslog-ng-mod-python into DIR without installing them, and installs their
# libraries; tests/shippers/syslog-ng.sh runs it from there when
# SYSLOG_NG_ROOT=DIR is set.  Needs root (apt-get) and the apt sources.
#   usage: tests/shippers/fetch-syslog-ng.sh DIR
set -eu
dir=${1:?usage: fetch-syslog-ng.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends libivykis0 libnet1 libwrap0 libjson-c5 \
  libglib2.0-0 libcap2 libpcre3 libpython3.11 > /dev/null
cd "$dir"
rm -f ./*.deb
apt-get download syslog-ng-core syslog-ng-mod-python > /dev/null
for deb in ./*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
"$dir/root/usr/sbin/syslog-ng" --version > /dev/null 2>&1 ||
  LD_LIBRARY_PATH="$dir/root/usr/lib/syslog-ng" "$dir/root/usr/sbin/syslog-ng" --version | head -n 1
echo "SYSLOG_NG_ROOT=$dir/root"
