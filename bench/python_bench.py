# SPDX-License-Identifier: Apache-2.0
"""The cost of masking Python log records: see bench/python.sh.

Logs the same records through one logger and one handler (a plain
logging.Formatter, written to /dev/null) in four configurations, in one
run, best of --runs each (CPU time), and prints records per second and
microseconds per record, then the added cost of MaskingFilter for messages of 100 B to 10 KiB
without a secret (linear in the length is the goal)."""
import argparse
import logging
import os
import random
import re
import sys
import time

import logmask
from logmask.logging import MaskingFilter, MaskingFormatter

FMT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class SecretMaskingFormatter(logging.Formatter):
    """The guide's formatter as its readers copy it (a baseline here only: it
    masks nothing).  Four regexes over the formatted text; the replacement
    writes the captured secret in front of the mask, and the value class,
    written [^\\\\s...] in a raw string, excludes backslash and the letter
    's' instead of white space."""

    PATTERNS = [
        (re.compile(r"(password|passwd|pwd)(\s*[=:]\s*)([^\\s,;&]+)", re.IGNORECASE), r"\3****"),
        (re.compile(r"(api[_-]?key|apikey)(\s*[=:]\s*)([^\\s,;&]+)", re.IGNORECASE), r"\3****"),
        (re.compile(r"(token|secret)(\s*[=:]\s*)([^\\s,;&]+)", re.IGNORECASE), r"\3****"),
        (re.compile(r"(authorization:\s*bearer\s+)([^\\s,;&]+)", re.IGNORECASE), r"\2****"),
    ]

    def format(self, record):
        message = super().format(record)
        for pattern, replacement in self.PATTERNS:
            message = pattern.sub(replacement, message)
        return message


WORDS = ("order shipped user request cache payment retry session worker queue "
         "upstream latency status accepted created invoice customer region "
         "timeout connection pool database backend handler").split()
SECRET_TEMPLATES = [
    "login ok user=alice password=Tr0ub4dor-{n}x",
    "calling api with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ{n}In0.c2ln{n}",
    "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCY{n:06d}EXAMPLEKEY",
    "connecting to postgres://app:S3cret-{n}@db.internal:5432/app",
]


def message(rng, length):
    words = []
    size = 0
    while size < length:
        w = rng.choice(WORDS) if rng.random() < 0.8 else str(rng.randrange(100000))
        words.append(w)
        size += len(w) + 1
    return " ".join(words)[:length]


def records(n, length, secret_share, seed):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if rng.random() < secret_share:
            out.append(rng.choice(SECRET_TEMPLATES).format(n=i))
        else:
            out.append(message(rng, length))
    return out


def make_logger(name, formatter, filt=None):
    logger = logging.getLogger("bench." + name)
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.INFO)
    h = logging.StreamHandler(open(os.devnull, "w"))
    h.setFormatter(formatter)
    if filt is not None:
        h.addFilter(filt)
    logger.addHandler(h)
    return logger


def once(logger, msgs):
    # CPU time of this process: the loop is single-threaded, and other
    # processes on a shared machine then cost it less than wall time does
    info = logger.info
    t = time.process_time()
    for m in msgs:
        info(m)
    return time.process_time() - t


def best_times(loggers, msgs, runs):
    """Best of `runs` for each logger, the loggers taking turns within each
    run so that a slow spell of a shared machine hits all of them."""
    best = [None] * len(loggers)
    for _ in range(runs):
        for i, logger in enumerate(loggers):
            dt = once(logger, msgs)
            best[i] = dt if best[i] is None else min(best[i], dt)
    return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=100000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    masker = logmask.Masker()
    configs = [
        ("`logging.Formatter`, no masking", make_logger("plain", logging.Formatter(FMT))),
        ("guide's `SecretMaskingFormatter` (4 regexes)", make_logger("guide", SecretMaskingFormatter(FMT))),
        ("`MaskingFilter`", make_logger("filter", logging.Formatter(FMT), MaskingFilter(masker=masker))),
        ("`MaskingFormatter`", make_logger("formatter", MaskingFormatter(FMT, masker=masker))),
    ]
    msgs = records(a.records, 100, 0.01, a.seed)
    mean = sum(len(m) for m in msgs) / len(msgs)
    print("Python %s, liblogmask %s; %d records (mean message %.0f bytes, 1 %% with a secret), "
          "best of %d runs" % (sys.version.split()[0], logmask.library_version(), len(msgs), mean, a.runs))
    print()
    print("| configuration | records/s | µs per record | added µs | ratio |")
    print("|---|---|---|---|---|")
    times = best_times([logger for _, logger in configs], msgs, a.runs)
    base = times[0] / len(msgs) * 1e6
    for (name, _), t in zip(configs, times):
        us = t / len(msgs) * 1e6
        added = "—" if t is times[0] else "%+.2f" % (us - base)
        print("| %s | %s | %.2f | %s | %.2f |" % (name, format(int(len(msgs) / t), ","), us, added, us / base))

    print()
    print("MaskingFilter, messages without a secret, by length:")
    print()
    print("| message bytes | records | µs per record, no masking | with MaskingFilter | added µs | added ns per byte |")
    print("|---|---|---|---|---|---|")
    plain, filtered = configs[0][1], configs[2][1]
    for length in (100, 1000, 10000):
        n = max(2000, a.records * 100 // length // 4)
        msgs = records(n, length, 0.0, a.seed + length)
        t0, t1 = (t / n * 1e6 for t in best_times([plain, filtered], msgs, a.runs))
        print("| %d | %d | %.2f | %.2f | %.2f | %.2f |" % (length, n, t0, t1, t1 - t0,
                                                          (t1 - t0) * 1000 / length))


if __name__ == "__main__":
    main()
