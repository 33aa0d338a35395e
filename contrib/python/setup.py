# SPDX-License-Identifier: Apache-2.0
"""Builds logmask._logmask against liblogmask.

Two ways to find the library:

* LOGMASK_BUILD=<build dir>: a configured and built logmask tree (in or
  out of the source tree); the extension links its libtool library and
  records its directory as the run path, so nothing needs installing.
* otherwise pkg-config's liblogmask (an installed library; set
  PKG_CONFIG_PATH for a non-standard prefix).  A library outside the
  linker's default directories is recorded as the run path too.

LOGMASK_WERROR=1 turns compiler warnings into errors (the project's own
build uses it); LOGMASK_RPATH=no leaves the build tree's run path out
(debian/rules, whose package links the system's liblogmask.so.0).
"""
import os
import re
import shlex
import subprocess
import sys

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(message):
    sys.stderr.write("logmask: %s\n" % message)
    sys.exit(1)


def makefile_var(build, name):
    try:
        with open(os.path.join(build, "Makefile"), encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^%s\s*=\s*(.*?)\s*$" % re.escape(name), line)
                if m:
                    return m.group(1)
    except OSError as e:
        fail("LOGMASK_BUILD=%s: not a configured logmask build dir (%s)" % (build, e))
    return ""


def from_build_tree(build):
    build = os.path.abspath(build)
    src = makefile_var(build, "abs_top_srcdir") or build
    libs = os.path.join(build, "src", ".libs")
    shared = os.path.join(libs, "liblogmask.so")
    static = os.path.join(libs, "liblogmask.a")
    opts = {
        "include_dirs": [os.path.join(src, "src"), os.path.join(build, "src")],
        "library_dirs": [],
        "libraries": [],
        "runtime_library_dirs": [],
        "extra_objects": [],
        "extra_link_args": [],
        "extra_compile_args": [],
    }
    if os.path.exists(shared):
        opts["library_dirs"] = [libs]
        # the build tree as run path, so nothing needs installing; not for a
        # package (LOGMASK_RPATH=no), whose library is the system's
        if os.environ.get("LOGMASK_RPATH", "yes") != "no":
            opts["runtime_library_dirs"] = [libs]
        opts["libraries"] = ["logmask"]
    elif os.path.exists(static):
        # a --disable-shared build (the sanitizer build): the archive and
        # its dependencies go into the extension, with the build's own
        # instrumentation flags so the two halves match
        opts["extra_objects"] = [static]
        deps = " ".join(makefile_var(build, v) for v in
                        ("PCRE2_LIBS", "YAJL_LIBS", "ZLIB_LIBS", "CRYPTO_LIBS", "LIBS"))
        opts["extra_link_args"] = shlex.split(deps) + ["-lm", "-Wl,-Bsymbolic"]
        san = [f for f in shlex.split(makefile_var(build, "CFLAGS")) if f.startswith("-fsanitize")
               or f == "-fno-omit-frame-pointer"]
        opts["extra_compile_args"] += san
        opts["extra_link_args"] += san
    else:
        fail("LOGMASK_BUILD=%s: no src/.libs/liblogmask.so or .a (run make first)" % build)
    return opts


def from_pkg_config():
    try:
        cflags = subprocess.run(["pkg-config", "--cflags", "liblogmask"], check=True,
                                capture_output=True, text=True).stdout
        libs = subprocess.run(["pkg-config", "--libs", "liblogmask"], check=True,
                              capture_output=True, text=True).stdout
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "liblogmask"], check=True,
                                capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        fail("liblogmask not found by pkg-config (%s); install it, set PKG_CONFIG_PATH, "
             "or build against a tree with LOGMASK_BUILD=<build dir>" % e)
    opts = {"include_dirs": [], "library_dirs": [], "libraries": [],
            "runtime_library_dirs": [], "extra_objects": [], "extra_link_args": [],
            "extra_compile_args": []}
    for f in shlex.split(cflags):
        if f.startswith("-I"):
            opts["include_dirs"].append(f[2:])
        else:
            opts["extra_compile_args"].append(f)
    for f in shlex.split(libs):
        if f.startswith("-L"):
            opts["library_dirs"].append(f[2:])
        elif f.startswith("-l"):
            opts["libraries"].append(f[2:])
        else:
            opts["extra_link_args"].append(f)
    if libdir and libdir not in ("/usr/lib", "/lib") and not libdir.startswith(("/usr/lib/", "/lib/")):
        # /usr/local/lib needs ldconfig; the run path makes it load anyway
        opts["runtime_library_dirs"].append(libdir)
    return opts


def header_version(include_dirs):
    for d in include_dirs + ["/usr/include", "/usr/local/include"]:
        try:
            with open(os.path.join(d, "logmask.h"), encoding="utf-8") as f:
                m = re.search(r'#define LM_VERSION_STRING "([^"]+)"', f.read())
                if m:
                    return m.group(1)
        except OSError:
            pass
    return "0"


build = os.environ.get("LOGMASK_BUILD")
opts = from_build_tree(build) if build else from_pkg_config()
warnings = ["-std=gnu11", "-fvisibility=hidden", "-Wall", "-Wextra",
            "-Wno-missing-field-initializers"]
if os.environ.get("LOGMASK_WERROR"):
    warnings.append("-Werror")
opts["extra_compile_args"] = warnings + opts["extra_compile_args"]

setup(
    version=header_version(opts["include_dirs"]),
    ext_modules=[Extension("logmask._logmask",
                           ["ext/module.c", "ext/errors.c", "ext/pool.c", "ext/build.c",
                            "ext/mask.c", "ext/find.c"],
                           depends=["ext/ext.h"], **opts)],
)
