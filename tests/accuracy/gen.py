#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate the project's accuracy corpus for logmask.

The corpus is built from three independent parts:

  families.py    secret generators, one per family, in the format its
                 provider documents (random values, right shape);
  contexts.py    templates: COMMANDS that take a secret on their command
                 line, CONTEXTS (the tools' output formats: CLI printers,
                 env files, configs, name/value lists, manifests, framework
                 dumps, DSNs, encodings) and CARRIERS (what a log pipeline
                 wraps around a line);
  lookalikes.py  benign lines from the same tools (placeholders, masked
                 values, status words, paths, names, hashes).

Every family, command, context, carrier and look-alike tool has a fixed
place in one of two halves, decided by a CRC32 of its name (about HELD_PCT of
each list is held out). A row is `dev` only when all its parts are dev;
any held-out part makes it `held`. Rules are written against the dev
half; the held half measures how well they generalise to formats and
secret shapes they were not written against (tests/accuracy/README.md).

Output: TSV, one row a line, no header:
    kind family context carrier split line secret
kind is `positive` or `negative`. `context` is the context name, for CLI
printers `PRINTER/COMMAND`. `line` holds one log line, or several joined
by \\x1f (multi-line contexts); `secret` the secret(s) exactly as written in
the line, several joined by \\x1f, empty for negatives. No field holds a
tab, CR or newline. The same seed gives the same bytes on every run and
host (random is a specified Mersenne Twister; no hashing or dict order).

Usage: gen.py [--seed N] [--per-item N] [-o FILE] [--list]
"""

import argparse
import base64
import random
import string
import sys
import zlib

import contexts
import families
import lookalikes

HEX = "0123456789abcdef"
# Percentage of each list held out (by CRC32 of "PARTITION:kind:name").
# PARTITION is the first value that holds out 15-30 % of every list and
# keeps the `plain` carrier in the dev half (chosen on the names alone,
# before any rule was run against the corpus); changing it reshuffles
# the halves.
HELD_PCT = 20
PARTITION = 3
SEP = "\x1f"


def held(kind, name):
  return zlib.crc32(("%d:%s:%s" % (PARTITION, kind, name)).encode()) % 100 < HELD_PCT


class Gen:
  """Random values from one seeded generator, aware of the half (dev or
  held) of the row being built: a dev row draws names only from the dev
  part of each vocabulary."""

  def __init__(self, seed):
    self.r = random.Random(seed)
    self.split = "dev"

  def s(self, alphabet, n):
    return "".join(self.r.choice(alphabet) for _ in range(n))

  def pick(self, seq):
    return self.r.choice(seq)

  def part(self, kind, seq):
    """A vocabulary word; dev rows only see the dev part of the list."""
    if self.split == "dev":
      seq = [w for w in seq if not held(kind, w)] or seq
    return self.r.choice(seq)

  def digits(self, n):
    return str(self.r.randint(1, 9)) + self.s(string.digits, n - 1)

  def b64(self, nbytes):
    return base64.b64encode(self.r.randbytes(nbytes)).decode()

  def b64url(self, nbytes):
    return base64.urlsafe_b64encode(self.r.randbytes(nbytes)).decode().rstrip("=")

  def uuid(self):
    h = self.s(HEX, 32)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], self.pick("89ab"), h[17:20], h[20:])

  def ip(self):
    return "10.%d.%d.%d" % (self.r.randint(0, 255), self.r.randint(0, 255), self.r.randint(1, 254))

  def host(self):
    return self.pick(["web-01", "api-2", "db-primary", "worker-7", "edge-3", "ci-runner-4"])

  def iso_ts(self, prec=3):
    frac = "".join(self.pick(string.digits) for _ in range(prec))
    return "2024-%02d-%02dT%02d:%02d:%02d.%sZ" % (
        self.r.randint(1, 12), self.r.randint(1, 28), self.r.randint(0, 23),
        self.r.randint(0, 59), self.r.randint(0, 59), frac)

  def syslog_ts(self):
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return "%s %2d %02d:%02d:%02d" % (self.pick(months), self.r.randint(1, 28),
                                      self.r.randint(0, 23), self.r.randint(0, 59),
                                      self.r.randint(0, 59))

  def clf_ts(self):
    return "%02d/Mar/2024:10:%02d:%02d +0000" % (self.r.randint(1, 28), self.r.randint(0, 59),
                                                 self.r.randint(0, 59))


def choose(g, seq, kind, dev_only):
  if dev_only:
    seq = [x for x in seq if not held(kind, x[0])] or seq
  return g.pick(seq)


def pick_carrier(g, dev_only):
  """Half the lines are plain; the rest get a pipeline wrapper."""
  if g.r.randrange(2):
    return contexts.CARRIERS[0]
  return choose(g, contexts.CARRIERS[1:], "carrier", dev_only)


def url_part(tail, w):
  """URL-shaped families (webhooks, DSNs, SAS URLs) must lose only their
  secret part: find it in the written URL, encoded as the context encoded
  the whole URL. Under base64 (a Kubernetes Secret) all of it goes."""
  c = contexts
  for enc in (tail, c.json_str(tail), c.pct(tail), c.pct(c.pct(tail)),
              c.pct(c.pct(c.pct(tail))), c.html_escape(tail), c.nginx_escape(tail),
              c.json_str(c.json_str(tail)), tail.encode().hex().upper()):
    if enc in w:
      return enc
  return w  # an encoding that hides the part (base64 of the whole URL)


def build(g, fam, ctx, cmd, car):
  """One positive row, or None when these parts do not fit together."""
  fname, ffn = fam
  cname, cfn = ctx
  parts = [("family", fname), ("context", cname), ("carrier", car[0])]
  if cmd is not None:
    parts.append(("command", cmd[0]))
  g.split = "held" if any(held(k, n) for k, n in parts) else "dev"
  secret = ffn(g)
  if cfn.slot == "argv":
    if not contexts.accepts(cmd[1].slot, secret):
      return None
    made = cmd[1](g, secret)
    if made is None:
      return None
    argv, i, pre, post = made
    assert argv[i].startswith(pre) and argv[i].endswith(post), (cmd[0], argv, i)
    # The secret as the command line holds it (percent-encoded in a URL).
    shown = families.Secret(argv[i][len(pre):len(argv[i]) - len(post)], secret.kind,
                            secret.names)
    out = cfn(g, shown, argv, i, pre, post)
    cname = "%s/%s" % (cname, cmd[0])
  else:
    if not contexts.accepts(cfn.slot, secret):
      return None
    out = cfn(g, secret)
  if out is None:
    return None
  lines, written = out
  if secret.url:
    written = [url_part(secret.secret, w) for w in written]
  wrapped = []
  for line in lines:
    line, w2 = car[1](g, line, written)
    wrapped.append(line)
  written = w2 if lines else written
  text = SEP.join(wrapped)
  for w in written:
    assert w and w in text, (fname, cname, car[0], text, w)
  return ("positive", fname, cname, car[0], g.split, text, SEP.join(written))


def generate(seed, per_item):
  g = Gen(seed)
  rows = []
  argv_ctx = [c for c in contexts.CONTEXTS if c[1].slot == "argv"]
  other_ctx = [c for c in contexts.CONTEXTS if c[1].slot != "argv"]

  # What each family's secrets look like (kind, URL-shaped), from a probe
  # generator of their own so the corpus stream does not depend on it.
  probe_g = Gen(seed + 1)
  probes = {}
  for name, fn in families.FAMILIES:
    probes[name] = [fn(probe_g) for _ in range(8)]

  def fits(fam, ctx, cmd):
    slot = cmd[1].slot if cmd else ctx[1].slot
    return any(contexts.accepts(slot, p) for p in probes[fam[0]])

  def attempt(fam=None, ctx=None, cmd=None):
    """Fill in the parts not given at random (dev parts only half the
    time, so the dev half is as large as the held one) and build a row."""
    for _ in range(400):
      dev_only = g.r.randrange(2) == 0
      pool = argv_ctx if cmd else contexts.CONTEXTS
      if fam and not ctx:
        pool = [x for x in pool if x[1].slot == "argv" or fits(fam, x, None)]
      c = ctx or choose(g, pool, "context", dev_only)
      m = cmd
      if c[1].slot == "argv" and m is None:
        m = choose(g, contexts.COMMANDS, "command", dev_only)
      if c[1].slot != "argv":
        m = None
      if fam:
        f = fam
        if not fits(f, c, m):
          continue
      else:
        fitting = [x for x in families.FAMILIES if fits(x, c, m)]
        if not fitting:
          continue
        f = choose(g, fitting, "family", dev_only)
      car = pick_carrier(g, dev_only)
      row = build(g, f, c, m, car)
      if row is not None:
        return row
    raise SystemExit("gen.py: no fitting row for %s/%s/%s" % (
        fam and fam[0], ctx and ctx[0], cmd and cmd[0]))

  for fam in families.FAMILIES:
    for _ in range(per_item):
      rows.append(attempt(fam=fam))
  for ctx in contexts.CONTEXTS:
    for _ in range(per_item):
      rows.append(attempt(ctx=ctx))
  for cmd in contexts.COMMANDS:
    for _ in range(per_item):
      rows.append(attempt(cmd=cmd))

  for name, fn in lookalikes.LOOKALIKES:
    for _ in range(per_item * 2):
      dev_only = g.r.randrange(2) == 0
      car = pick_carrier(g, dev_only)
      g.split = "held" if held("lookalike", name) or held("carrier", car[0]) else "dev"
      line, _ = car[1](g, fn(g), [])
      rows.append(("negative", "-", name, car[0], g.split, line, ""))

  # Interleave so that state leaking from one line into the next (an
  # unterminated block) shows up as a failure on a later row.
  g.r.shuffle(rows)
  for row in rows:
    for field in row:
      assert not any(c in field for c in "\t\r\n"), row
  return rows


def listing():
  """Which half each part is in (names only; no results)."""
  out = []
  for kind, seq in (("family", families.FAMILIES), ("command", contexts.COMMANDS),
                    ("context", contexts.CONTEXTS), ("carrier", contexts.CARRIERS),
                    ("lookalike", lookalikes.LOOKALIKES)):
    for name, fn in seq:
      out.append("%-9s %-5s %-28s %s" % (kind, "held" if held(kind, name) else "dev", name,
                                         getattr(fn, "cite", "")))
  return out


def main():
  ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  ap.add_argument("--seed", type=int, default=20240501)
  ap.add_argument("--per-item", type=int, default=24,
                  help="rows per family, per context, per command; twice that per look-alike tool")
  ap.add_argument("-o", "--output", help="write here instead of stdout")
  ap.add_argument("--list", action="store_true",
                  help="list every part with its half and its source, then exit")
  args = ap.parse_args()
  if args.list:
    print("\n".join(listing()))
    return 0
  rows = generate(args.seed, args.per_item)
  out = open(args.output, "w", encoding="utf-8", newline="\n") if args.output else sys.stdout
  with out:
    for row in rows:
      out.write("\t".join(row) + "\n")
  return 0


if __name__ == "__main__":
  sys.exit(main())
