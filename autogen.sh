#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerates the build system.  With --deps, first installs the Debian 12
# packages the build and the tests need (as root).
set -e
cd "$(dirname "$0")"
if [ "${1:-}" = "--deps" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends build-essential autoconf automake libtool \
    pkg-config libpcre2-dev libyajl-dev zlib1g-dev libssl-dev check \
    rsyslog bsdutils perl python3 ripgrep openssl time clang libclang-rt-14-dev \
    debhelper lintian adduser systemd-journal-remote logrotate luajit \
    python3-dev python3-setuptools python3-pip python3-wheel python3-all-dev dh-python \
    python3-django python3-pythonjsonlogger \
    systemd \
    git python3-yaml python3-jsonschema pre-commit
fi
autoreconf -fi
