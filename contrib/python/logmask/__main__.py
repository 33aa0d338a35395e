# SPDX-License-Identifier: Apache-2.0
"""python3 -m logmask: mask files or standard input, for quick checks.

Like the logmask program, but each input is read whole: use the program
for large or endless streams."""
import argparse
import sys

from . import Error, Masker, __version__, library_version


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python3 -m logmask",
        description="Mask secrets in FILEs (or standard input) with liblogmask and write "
                    "them to standard output.")
    p.add_argument("files", nargs="*", metavar="FILE", help="inputs; '-' or none: standard input")
    p.add_argument("-r", "--rules", action="append", default=[], metavar="PATH",
                   help="a rule file or directory of *.rules (repeatable)")
    p.add_argument("--no-default-rules", action="store_true",
                   help="start without the built-in rule library")
    p.add_argument("--env-file", action="append", default=[], metavar="FILE",
                   help="mask the values of a dotenv file (repeatable)")
    p.add_argument("--env-ignore", action="append", default=[], metavar="GLOB",
                   help="--env-file skips keys matching GLOB (repeatable)")
    p.add_argument("--mask", default="redact", metavar="STYLE",
                   help="redact (default), redact:TEMPLATE, stars, partial:N:M, drop")
    p.add_argument("--format", default="auto", help="auto (default), text, logfmt, json, syslog")
    p.add_argument("--find", action="store_true",
                   help="print FILE:LINE:COLUMN: RULE for each secret instead of masking")
    p.add_argument("--stats", action="store_true", help="print the counters on standard error")
    p.add_argument("--version", action="version",
                   version="logmask (Python) %s, liblogmask %s" % (__version__, library_version()))
    a = p.parse_args(argv)
    try:
        masker = Masker(a.rules, defaults=not a.no_default_rules, env_files=a.env_file,
                        env_ignore=a.env_ignore, mask=a.mask, format=a.format)
    except Error as e:
        print("logmask: %s" % e, file=sys.stderr)
        return 2
    status = 0
    out = sys.stdout.buffer
    for name in a.files or ["-"]:
        try:
            if name == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(name, "rb") as f:
                    data = f.read()
        except OSError as e:
            print("logmask: %s: %s" % (name, e.strerror), file=sys.stderr)
            status = 3
            continue
        if a.find:
            shown = "(standard input)" if name == "-" else name
            starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A]
            for f in masker.find(data):
                col = f.start - starts[f.line - 1] + 1
                out.write(("%s:%d:%d: %s\n" % (shown, f.line, col, f.rule or "literal " + f.literal))
                          .encode("utf-8", "replace"))
        else:
            out.write(masker.mask_bytes(data))
    out.flush()
    if a.stats:
        import json
        print(json.dumps(masker.stats(), indent=1), file=sys.stderr)
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(141)
