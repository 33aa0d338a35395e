#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Score logmask's recall and false-positive rate over a labelled corpus.

Two corpus kinds, scored the same way (one logmask process for all lines):

  score.py CORPUS.tsv
      the project corpus written by gen.py (kind, family, context, line,
      secret). A positive counts as masked when no 8-character run of its
      secret is left in the output line (a secret shorter than 8 must be
      gone entirely). A negative counts as a false positive when its line
      changed at all.

  score.py --fixtures DIR
      DIR/positives.tsv and DIR/negatives.tsv (public scanner test strings,
      column 2 escaped: \\\\ \\t \\r \\n). A multi-line row is fed as its
      lines; a row holding a PEM/PGP BEGIN line runs in a process of its
      own, so that an unterminated block cannot spill into other rows.
      The fixtures do not say which part is the secret, so the secret is
      taken to be the row's key token (see key_token): a positive
      counts as masked when the row changed AND no 16-character run of the
      key token (the whole token if shorter) is left. A negative counts as
      a false positive when any of its lines changed. DIR/SPANS.tsv gives
      the secret by hand where the key token is the wrong part; rows listed
      in DIR/EXCLUDED.md are counted apart and not scored.

The table gives recall per family and per context, and the false-positive
rate likewise. Exit status: 0 when within --min-recall/--max-fp (percent),
1 when not, 2 on usage or run errors (logmask failed, line count changed).
"""

import argparse
import collections
import math
import os
import re
import subprocess
import sys

TAG_RE = re.compile(rb"\[REDACTED:([^\]\s]+)\]")
# Runs a scanner would see as one token. '=' ':' '/' '.' '@' split: they
# join keys to values and hosts to paths, which stay in a masked line.
TOKEN_RE = re.compile(rb"[A-Za-z0-9+_\-.~]+")
# Where a credential has a known frame, its password is the secret.
USERINFO_RE = re.compile(rb"[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:([^\s@/]+)@")
CURL_USER_RE = re.compile(rb"(?:\s-u|--user)\s+[\"']?[^\s:\"']*:([^\s\"']+)")
BLOCK_RE = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY")
FIXTURE_RUN = 16
CORPUS_RUN = 8
SEP = b"\x1f"


def die(message):
  """Usage and run errors exit 2, apart from the threshold verdict (1)."""
  sys.stderr.write("score.py: %s\n" % message)
  sys.exit(2)


class Item:
  """One labelled sample: one or more input lines scored together."""
  __slots__ = ("kind", "family", "context", "lines", "secrets", "run", "origin",
               "out", "split", "carrier")

  def __init__(self, kind, family, context, lines, secrets, run, origin,
               split="fixture", carrier="-"):
    self.kind = kind
    self.family = family
    self.context = context
    self.lines = lines
    self.secrets = secrets
    self.run = run
    self.origin = origin
    self.out = None
    self.split = split
    self.carrier = carrier

  def changed(self):
    return self.out != self.lines

  def secret_left(self):
    """True when some run of a secret survived in the output."""
    out = b"\n".join(self.out)
    for s in self.secrets:
      n = min(self.run, len(s))
      # hex of text (auditd): 8 hex digits are 4 bytes, which other words
      # of the same line can share ("nter" of lantern and internal)
      if len(s) >= 24 and re.fullmatch(rb"[0-9A-F]+", s):
        n = min(2 * self.run, len(s))
      if any(s[i:i + n] in out for i in range(len(s) - n + 1)):
        return True
    return False

  def passed(self):
    if self.kind == "negative":
      return not self.changed()
    return self.changed() and not self.secret_left()

  def rules(self):
    """Rule ids named by redact tags the output gained."""
    before = set(TAG_RE.findall(b"\n".join(self.lines)))
    after = TAG_RE.findall(b"\n".join(self.out))
    return sorted({r.decode("ascii", "replace") for r in after if r not in before})


def entropy(b):
  counts = collections.Counter(b)
  n = len(b)
  return -sum(c / n * math.log2(c / n) for c in counts.values())


def key_token(row):
  """The part of a fixture row a detector must remove: the longest token
  (run of [A-Za-z0-9+_-]) of at least 8 bytes whose entropy is at least
  3 bits a byte and which mixes letters and digits; when no token
  qualifies (short passwords such as 'pass456'), the highest-entropy token
  of at least 4 bytes. Ties go to the higher entropy, then the first."""
  for frame in (USERINFO_RE, CURL_USER_RE):
    m = frame.search(row)
    if m:
      return m.group(1)
  tokens = [t.strip(b".~") for t in TOKEN_RE.findall(row)]
  strong = [t for t in tokens
            if len(t) >= 8 and entropy(t) >= 3.0
            and re.search(rb"[A-Za-z]", t) and re.search(rb"[0-9]", t)]
  if strong:
    return max(strong, key=lambda t: (len(t), entropy(t)))
  weak = [t for t in tokens if len(t) >= 4]
  if not weak:
    return row.strip()
  return max(weak, key=lambda t: (entropy(t), len(t)))


def unescape(field):
  out = bytearray()
  i = 0
  while i < len(field):
    c = field[i]
    if c == 0x5C and i + 1 < len(field):
      nxt = field[i + 1:i + 2]
      rep = {b"\\": b"\\", b"t": b"\t", b"r": b"\r", b"n": b"\n"}.get(nxt)
      if rep is not None:
        out += rep
        i += 2
        continue
    out.append(c)
    i += 1
  return bytes(out)


def read_corpus(path):
  """gen.py rows: kind family context carrier split line secret; line and
  secret may hold several parts joined by \\x1f (lines of a multi-line
  sample, secrets of one sample)."""
  items = []
  with open(path, "rb") as f:
    for n, raw in enumerate(f, 1):
      fields = raw.rstrip(b"\n").split(b"\t")
      if len(fields) != 7:
        die("%s:%d: expected 7 tab-separated fields, got %d"
                         % (path, n, len(fields)))
      kind, fam, ctx, car, split, line, secret = fields
      kind = kind.decode()
      if kind not in ("positive", "negative"):
        die("%s:%d: kind must be positive or negative" % (path, n))
      if split not in (b"dev", b"held"):
        die("%s:%d: split must be dev or held" % (path, n))
      secrets = [x for x in secret.split(SEP) if x]
      if kind == "positive" and (not secrets or any(x not in line for x in secrets)):
        die("%s:%d: a secret is not in the line" % (path, n))
      items.append(Item(kind, fam.decode(), ctx.decode(), line.split(SEP), secrets,
                        CORPUS_RUN, "%s:%d" % (os.path.basename(path), n),
                        split.decode(), car.decode()))
  return items


def read_gaps(path):
  """ENGINE-GAPS.md lines `- KIND NAME — reason`: what the engine cannot do
  yet, counted apart (contexts of positives, labels of changed negatives,
  FAMILY/RULE of misses whose value the rule's token end cut, or
  FAMILY/value-end for any miss whose secret holds ) or &)."""
  gaps = {"context": set(), "label": set(), "miss": set()}
  with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
      m = re.match(r"^- (context|label|miss) (\S+)\s+\S+\s+.+$", line)
      if m:
        gaps[m.group(1)].add(m.group(2))
      elif line.startswith("- "):
        die("%s:%d: expected '- KIND NAME — reason'" % (path, n))
  return gaps


def is_gap(it, gaps):
  if it.kind == "positive":
    if it.context.split("/")[0] in gaps["context"]:
      return True
    if not it.passed():
      # FAMILY/value-end: a secret holding ) or &, where the engine's token
      # end (value-end: token) stops a bare value
      if "%s/value-end" % it.family in gaps["miss"] and any(
          c in sec for sec in it.secrets for c in (b")", b"&")):
        return True
      return any("%s/%s" % (it.family, r) in gaps["miss"] for r in it.rules())
    return False
  if it.passed():
    return False
  rules = it.rules()
  return bool(rules) and all(r in gaps["label"] for r in rules)


def read_excluded(path):
  """EXCLUDED.md lines `- positives.tsv:LINE — reason` (or negatives)."""
  excluded = {}
  if not os.path.exists(path):
    return excluded
  with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
      m = re.match(r"^- ((?:positives|negatives)\.tsv:\d+)\s+\S+\s+(.+)$", line)
      if m:
        excluded[m.group(1)] = m.group(2)
      elif line.startswith("- "):
        die("%s:%d: expected '- FILE.tsv:LINE — reason'" % (path, n))
  return excluded


def read_spans(path):
  """SPANS.tsv lines `positives.tsv:LINE<TAB>secret as written in the row`:
  the secret of rows whose key token the heuristic gets wrong."""
  spans = {}
  if not os.path.exists(path):
    return spans
  with open(path, "rb") as f:
    for n, raw in enumerate(f, 1):
      if raw.startswith(b"#") or not raw.strip():
        continue
      fields = raw.rstrip(b"\n").split(b"\t")
      if len(fields) != 2 or not fields[1]:
        die("%s:%d: expected 'positives.tsv:LINE<TAB>secret'" % (path, n))
      spans[fields[0].decode()] = fields[1]
  return spans


def read_fixtures(directory):
  items, excluded = [], []
  skip = read_excluded(os.path.join(directory, "EXCLUDED.md"))
  spans = read_spans(os.path.join(directory, "SPANS.tsv"))
  for name, kind in (("positives.tsv", "positive"), ("negatives.tsv", "negative")):
    path = os.path.join(directory, name)
    with open(path, "rb") as f:
      for n, raw in enumerate(f, 1):
        if n == 1:
          continue  # header
        fields = raw.rstrip(b"\n").split(b"\t")
        if len(fields) != 3:
          die("%s:%d: expected 3 tab-separated fields" % (path, n))
        fam, text, _source = fields
        row = unescape(text)
        lines = row.split(b"\n")
        if lines and lines[-1] == b"" and len(lines) > 1:
          lines.pop()  # a row ending in a newline is its lines, not one more
        origin = "%s:%d" % (name, n)
        secret = b""
        if kind == "positive":
          secret = spans.pop(origin, None) or key_token(row)
          if secret not in row:
            die("%s: SPANS.tsv secret is not in the row" % origin)
        # Family is `provider/rule`; the provider is what the table groups.
        item = Item(kind, fam.decode().split("/")[0], "fixture", lines,
                    [secret] if secret else [], FIXTURE_RUN, origin)
        (excluded if origin in skip else items).append(item)
  if spans:
    die("SPANS.tsv names rows that are not positives: "
                     + ", ".join(sorted(spans)))
  return items, excluded, skip


def run_logmask(logmask, args, items, isolate=False):
  """Mask every line of items in one logmask process. With isolate, a
  fixture row holding a block opener (a PEM/PGP BEGIN line) gets its own
  process: fixture rows are unrelated files, and an unterminated block in
  one must not mask the rows after it. (The project corpus is one log
  stream, so there a block leaking into later lines counts against it.)"""
  if isolate:
    alone = [it for it in items if any(BLOCK_RE.search(l) for l in it.lines)]
    for it in alone:
      run_logmask(logmask, args, [it])
    items = [it for it in items if it.out is None]
    if not items:
      return
  lines = [l for it in items for l in it.lines]
  for l in lines:
    if b"\n" in l:
      die("internal error: newline inside a line")
  data = b"".join(l + b"\n" for l in lines)
  proc = subprocess.run([logmask] + args, input=data, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
  if proc.returncode != 0:
    sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
    die("%s exited with status %d" % (logmask, proc.returncode))
  out = proc.stdout.split(b"\n")
  if out and out[-1] == b"":
    out.pop()
  if len(out) != len(lines):
    die("%s: %d lines in, %d lines out" % (logmask, len(lines), len(out)))
  i = 0
  for it in items:
    it.out = out[i:i + len(it.lines)]
    i += len(it.lines)


def pct(a, b):
  return "%6.1f%%" % (100.0 * a / b) if b else "      -"


def table(items, key, title):
  rows = collections.OrderedDict()
  for it in sorted(items, key=key):
    r = rows.setdefault(key(it), [0, 0, 0, 0])  # pos, masked, neg, fp
    if it.kind == "positive":
      r[0] += 1
      r[1] += it.passed()
    else:
      r[2] += 1
      r[3] += not it.passed()
  width = max([len(title)] + [len(k) for k in rows])
  print("%-*s %6s %7s %7s %6s %5s %7s" % (width, title, "pos", "masked", "recall",
                                          "neg", "fp", "fp-rate"))
  for k, (p, m, n, fp) in rows.items():
    flag = "  <--" if m < p or fp else ""
    print("%-*s %6d %7d %s %6d %5d %s%s" % (width, k, p, m, pct(m, p), n, fp,
                                            pct(fp, n), flag))
  print()


def show(it):
  what = "MISS" if it.kind == "positive" else "FP  "
  rules = ",".join(it.rules()) or "-"
  print("%s %s [%s/%s/%s] rules=%s" % (what, it.origin, it.family, it.context, it.carrier,
                                      rules))
  if it.kind == "positive":
    for sec in it.secrets:
      print("     secret: %s" % sec.decode("utf-8", "replace"))
  for a, b in zip(it.lines, it.out):
    print("     in : %s" % a.decode("utf-8", "replace"))
    if a != b:
      print("     out: %s" % b.decode("utf-8", "replace"))


def totals(items):
  pos = [it for it in items if it.kind == "positive"]
  neg = [it for it in items if it.kind == "negative"]
  masked = sum(it.passed() for it in pos)
  fps = sum(not it.passed() for it in neg)
  recall = 100.0 * masked / len(pos) if pos else 100.0
  fp_rate = 100.0 * fps / len(neg) if neg else 0.0
  return pos, neg, masked, fps, recall, fp_rate


def show_misses(items, n):
  pos = [it for it in items if it.kind == "positive" and not it.passed()][:n]
  neg = [it for it in items if it.kind == "negative" and not it.passed()][:n]
  if pos or neg:
    print()
  for it in pos + neg:
    show(it)


def cli_part(ctx, which):
  """Context names of CLI rows are PRINTER/COMMAND."""
  if "/" not in ctx:
    return ctx if which == 0 else None
  return ctx.split("/", 1)[which]


def main():
  ap = argparse.ArgumentParser(
      description=__doc__.split("\n\n")[0],
      epilog="Set LOGMASK (or --logmask) to the built filter.")
  src = ap.add_mutually_exclusive_group(required=True)
  src.add_argument("corpus", nargs="?", help="TSV written by gen.py")
  src.add_argument("--fixtures", metavar="DIR", help="public fixtures directory")
  ap.add_argument("--logmask", default=os.environ.get("LOGMASK"),
                  help="the logmask program (default: $LOGMASK)")
  ap.add_argument("--arg", action="append", default=[], metavar="ARG",
                  help="extra logmask argument (repeatable)")
  ap.add_argument("--min-recall", type=float, default=0.0, metavar="PCT",
                  help="recall the development half (or the fixtures) must reach")
  ap.add_argument("--min-held-recall", type=float, default=0.0, metavar="PCT",
                  help="recall the held-out half must reach")
  ap.add_argument("--max-gap", type=float, default=100.0, metavar="POINTS",
                  help="how far the held-out recall may fall below the development recall")
  ap.add_argument("--max-fp", type=float, default=100.0, metavar="PCT",
                  help="false-positive rate allowed in each half")
  ap.add_argument("--show-misses", type=int, default=0, metavar="N",
                  help="print the first N misses and N false positives (development half)")
  ap.add_argument("--held-detail", action="store_true",
                  help="also print the held-out half per family/context/carrier and its "
                       "misses; leave it off while writing rules")
  ap.add_argument("--engine-gaps", metavar="FILE",
                  help="ENGINE-GAPS.md: rows the engine cannot mask yet, counted apart")
  ap.add_argument("--title", default=None, help="heading printed above the tables")
  args = ap.parse_args()
  if not args.logmask:
    ap.error("no logmask program: set LOGMASK or pass --logmask")

  excluded, skip = [], {}
  if args.fixtures:
    items, excluded, skip = read_fixtures(args.fixtures)
  else:
    items = read_corpus(args.corpus)
  if not items:
    die("empty corpus")
  run_logmask(args.logmask, args.arg, items, isolate=bool(args.fixtures))

  if args.title:
    print("== %s ==" % args.title)

  if args.fixtures:
    table(items, lambda it: it.family, "family")
    pos, neg, masked, fps, recall, fp_rate = totals(items)
    print("TOTAL recall %d/%d = %.2f%% (min %.2f%%)   false positives %d/%d = %.2f%% (max %.2f%%)"
          % (masked, len(pos), recall, args.min_recall, fps, len(neg), fp_rate, args.max_fp))
    if excluded:
      print("excluded as mislabelled (EXCLUDED.md): %d rows, not scored" % len(excluded))
    stale = set(skip) - {it.origin for it in excluded}
    if stale:
      die("EXCLUDED.md names rows that do not exist: " + ", ".join(sorted(stale)))
    if args.show_misses:
      show_misses(items, args.show_misses)
    ok = recall >= args.min_recall and fp_rate <= args.max_fp
    print("RESULT: %s" % ("pass" if ok else "FAIL"))
    return 0 if ok else 1

  gapped = []
  if args.engine_gaps:
    gaps = read_gaps(args.engine_gaps)
    gapped = [it for it in items if is_gap(it, gaps)]
    gset = set(id(it) for it in gapped)
    items = [it for it in items if id(it) not in gset]
  halves = {"dev": [it for it in items if it.split == "dev"],
            "held": [it for it in items if it.split == "held"]}
  names = {"dev": "development half", "held": "held-out half"}
  for half in ("dev", "held"):
    if half == "held" and not args.held_detail:
      continue
    print("-- %s --" % names[half])
    part = halves[half]
    table(part, lambda it: it.family, "family")
    table(part, lambda it: cli_part(it.context, 0), "context")
    cli = [it for it in part if "/" in it.context]
    table(cli, lambda it: cli_part(it.context, 1), "command (CLI contexts)")
    table(part, lambda it: it.carrier, "carrier")

  result = {}
  for half in ("dev", "held"):
    pos, neg, masked, fps, recall, fp_rate = totals(halves[half])
    result[half] = (recall, fp_rate)
    print("%-16s recall %d/%d = %.2f%%   false positives %d/%d = %.2f%%"
          % (names[half], masked, len(pos), recall, fps, len(neg), fp_rate))
  if gapped:
    pos, neg, masked, fps, recall, fp_rate = totals(gapped)
    print("engine gaps (%s, counted apart): recall %d/%d   false positives %d/%d"
          % (os.path.basename(args.engine_gaps), masked, len(pos), fps, len(neg)))
  gap = result["dev"][0] - result["held"][0]
  print("limits: development recall >= %.2f%%, held-out recall >= %.2f%%, gap <= %.2f points "
        "(now %.2f), false positives <= %.2f%%"
        % (args.min_recall, args.min_held_recall, args.max_gap, gap, args.max_fp))

  if args.show_misses:
    show_misses(halves["dev"], args.show_misses)
    if args.held_detail:
      show_misses(halves["held"], args.show_misses)

  ok = (result["dev"][0] >= args.min_recall and result["held"][0] >= args.min_held_recall
        and gap <= args.max_gap
        and result["dev"][1] <= args.max_fp and result["held"][1] <= args.max_fp)
  print("RESULT: %s" % ("pass" if ok else "FAIL"))
  return 0 if ok else 1


if __name__ == "__main__":
  sys.exit(main())
