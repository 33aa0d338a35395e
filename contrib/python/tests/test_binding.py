# SPDX-License-Identifier: Apache-2.0
"""logmask.Masker: masking, finding, errors, known values, threads."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest
import warnings

import logmask

SECRET_LINES = [
    ("login password=hunter2x ok", "login password=[REDACTED:password-assignment] ok"),
    ("Authorization: Bearer abcDEF123456ghiJKL789xyz",
     "Authorization: Bearer [REDACTED:authorization-bearer]"),
]
# ordinary log text the masker must return byte for byte
BENIGN = [
    "GET /api/orders?page=2 HTTP/1.1 200 512 0.013s",
    "user alice logged in from 10.0.0.7",
    "token refreshed for session 42",
    "password reset e-mail sent to bob@example.org",
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "commit 4f1630a1b2c3d4e5f60718293a4b5c6d7e8f9012 merged",
    "request_id=7c9e6679-7425-40de-944b-e07fc1f90ae7 status=ok",
    "Straße, naïve café — ünïcode stays as it is ✓",
    "",
    "   indented line with trailing blanks   ",
]
PEM = ("-----BEGIN PRIVATE KEY-----\n"
       "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
       "VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu\n"
       "-----END PRIVATE KEY-----")


class Env:
    def __init__(self, text):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, ".env")
        with open(self.path, "w") as f:
            f.write(text)

    def close(self):
        self.dir.cleanup()


class MaskTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = logmask.Masker()

    def test_secrets_masked(self):
        for line, want in SECRET_LINES:
            self.assertEqual(self.m.mask(line), want)

    def test_benign_unchanged_and_same_object(self):
        for line in BENIGN:
            out = self.m.mask(line)
            self.assertEqual(out, line)
            self.assertIs(out, line)
        text = "\n".join(BENIGN)
        self.assertIs(self.m.mask(text), text)

    def test_lines_keep_their_ends(self):
        text = "a\r\nb password=hunter2x\r\n\nc\n"
        self.assertEqual(self.m.mask(text),
                         "a\r\nb password=[REDACTED:password-assignment]\r\n\nc\n")

    def test_block_within_one_call(self):
        out = self.m.mask("before\n" + PEM + "\nafter")
        self.assertNotIn("MIIEvQ", out)
        self.assertNotIn("VJTUt9", out)
        self.assertTrue(out.startswith("before\n"))
        self.assertTrue(out.endswith("\nafter"))

    def test_calls_are_independent(self):
        # a record that opens a key block and never closes it must not
        # swallow the next record
        self.m.mask("-----BEGIN PRIVATE KEY-----")
        self.assertEqual(self.m.mask("the next record"), "the next record")

    def test_bytes(self):
        self.assertEqual(self.m.mask_bytes(b"x password=hunter2x\n\xff\xfe raw"),
                         b"x password=[REDACTED:password-assignment]\n\xff\xfe raw")
        data = bytearray(b"nothing here")
        self.assertEqual(self.m.mask_bytes(data), b"nothing here")
        self.assertEqual(self.m.mask_bytes(memoryview(b"password=hunter2x")),
                         b"password=[REDACTED:password-assignment]")

    def test_surrogates_survive(self):
        text = "file \udcff\udc80 name password=hunter2x"
        self.assertEqual(self.m.mask(text), "file \udcff\udc80 name password=[REDACTED:password-assignment]")
        self.assertEqual(self.m.mask("\ud800 alone"), "\ud800 alone")

    def test_long_input_released_path(self):
        # inputs over MIN_RELEASE bytes are masked without the GIL: same result
        filler = "x" * (logmask._logmask.MIN_RELEASE + 10)
        line = filler + " password=hunter2x"
        self.assertEqual(self.m.mask(line), filler + " password=[REDACTED:password-assignment]")
        many = "\n".join(["ok line"] * 1000 + ["password=hunter2x"])
        self.assertTrue(self.m.mask(many).endswith("password=[REDACTED:password-assignment]"))

    def test_type_errors(self):
        with self.assertRaises(TypeError):
            self.m.mask(b"bytes")
        with self.assertRaises(TypeError):
            self.m.mask(None)
        with self.assertRaises(TypeError):
            self.m.mask_bytes("str")

    def test_json_stays_json(self):
        m = logmask.Masker(format="json")
        line = json.dumps({"user": "alice", "password": "s3cr3t-Pass!", "n": 3, "msg": "ok"})
        out = m.mask(line)
        parsed = json.loads(out)
        self.assertEqual(parsed["user"], "alice")
        self.assertEqual(parsed["n"], 3)
        self.assertNotIn("s3cr3t-Pass!", out)

    def test_mask_styles(self):
        stars = logmask.Masker(mask="stars")
        self.assertEqual(stars.mask("password=hunter2x"), "password=********")
        drop = logmask.Masker(mask="drop")
        self.assertEqual(drop.mask("a\npassword=hunter2x\nb"), "a\nb")
        self.assertEqual(drop.mask("a\npassword=hunter2x"), "a")
        self.assertEqual(drop.mask("password=hunter2x"), "")
        with self.assertRaises(logmask.ArgumentError):
            logmask.Masker(mask="nonsense")
        with self.assertRaises(logmask.ArgumentError):
            logmask.Masker(format="yaml")


class FindTest(unittest.TestCase):
    def test_spans_lines_and_names(self):
        m = logmask.Masker(literals={"DB_PASSWORD": "correct-horse-77"})
        text = "ünï\nlogin password=hunter2x and correct-horse-77"
        found = m.find(text)
        self.assertEqual(len(found), 2)
        by_start = sorted(found, key=lambda f: f.start)
        rule, lit = by_start
        self.assertEqual(rule.rule, "password-assignment")
        self.assertIsNone(rule.literal)
        self.assertEqual(text[rule.start:rule.end], "hunter2x")
        self.assertEqual(rule.line, 2)
        self.assertIsNone(lit.rule)
        self.assertEqual(lit.literal, "DB_PASSWORD")
        self.assertEqual(text[lit.start:lit.end], "correct-horse-77")
        # bytes give byte offsets
        data = text.encode()
        fb = sorted(m.find(data), key=lambda f: f.start)
        self.assertEqual(data[fb[0].start:fb[0].end], b"hunter2x")

    def test_repr_never_holds_the_secret(self):
        m = logmask.Masker(literals={"API": "very-secret-value-1"})
        found = m.find("a very-secret-value-1 password=hunter2x")
        for f in found:
            for s in (repr(f), str(f), repr(tuple(f))):
                self.assertNotIn("very-secret-value-1", s)
                self.assertNotIn("hunter2x", s)
        self.assertIn("Finding(", repr(found[0]))

    def test_many_findings_on_one_line(self):
        m = logmask.Masker()
        line = " ".join("password=pw%06dx" % i for i in range(200))
        found = m.find(line)
        self.assertEqual(len(found), 200)
        self.assertEqual(m.stats()["totals"]["lines"], 1)  # counted once

    def test_offsets_across_lines(self):
        m = logmask.Masker(literals={"K": "known-välue-1"})
        text = "\n".join("línea %d ✓ password=pw%06dx known-välue-1 ✓" % (i, i) for i in range(50))
        found = m.find(text)
        self.assertEqual(len(found), 100)
        lines = text.split("\n")
        for f in found:
            secret = text[f.start:f.end]
            self.assertIn(secret, lines[f.line - 1])
            self.assertTrue(secret == "known-välue-1" or secret.startswith("pw"), secret)
        # a line too crowded for the first pass, after many lines
        crowded = text + "\n" + " ".join("password=pw%06dx" % i for i in range(100))
        found = m.find(crowded)
        self.assertEqual(len(found), 200)
        self.assertEqual(crowded[found[-1].start:found[-1].end], "pw000099x")

    def test_find_equals_mask(self):
        m = logmask.Masker()
        for line, _ in SECRET_LINES:
            self.assertTrue(m.find(line))
        for line in BENIGN:
            self.assertEqual(m.find(line), [])


class BuildTest(unittest.TestCase):
    def test_literals_forms(self):
        m = logmask.Masker(defaults=False, literals=[("A", "first-secret-1"), ("B", b"second-secret-2")])
        self.assertEqual(m.literals, ("A", "B"))
        self.assertEqual(m.mask("x first-secret-1 second-secret-2"), "x [REDACTED:A] [REDACTED:B]")
        # no rule loaded: only the built-in labels (json-sensitive-key, ...)
        self.assertTrue(m.rules)
        self.assertNotIn("password-assignment", m.rules)
        self.assertIn("json-sensitive-key", m.rules)

    def test_short_literal_names_key_not_value(self):
        with self.assertRaises(logmask.ArgumentError) as cm:
            logmask.Masker(literals={"PIN_CODE": "4711"})
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.code, "short")
        self.assertIn("PIN_CODE", str(e))
        self.assertNotIn("4711", str(e))

    def test_env_file_of_a_django_project(self):
        env = Env("DEBUG=True\n"
                  "SECRET_KEY='django-insecure-q8#n@4x!r2k$w7m'\n"
                  "ALLOWED_HOSTS=example.com,localhost\n"
                  "DATABASE_URL=postgres://shop:S3cure-DB-pass@db.internal:5432/shop\n"
                  "PIN=4711\n"
                  "APP_MODE=production\n")
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                m = logmask.Masker(defaults=False, env_files=[env.path])
            msgs = [str(w.message) for w in caught if issubclass(w.category, logmask.LogmaskWarning)]
            self.assertEqual(len(msgs), 1, msgs)
            self.assertIn("PIN: value shorter than the minimum of 6 bytes", msgs[0])
            self.assertNotIn("4711", msgs[0])
            self.assertEqual(m.diagnostics, tuple(msgs))
            self.assertEqual(m.mask("boot example.com db S3cure-DB-pass key django-insecure-q8#n@4x!r2k$w7m"),
                             "boot example.com db [REDACTED:DATABASE_URL] key [REDACTED:SECRET_KEY]")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m2 = logmask.Masker(defaults=False, env_files=env.path, env_ignore=["app_*"])
            self.assertEqual(m2.mask("mode production"), "mode production")
            self.assertEqual(m.mask("mode production"), "mode [REDACTED:APP_MODE]")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m3 = logmask.Masker(defaults=False, env_files=[env.path], env_ignore_defaults=False)
            self.assertIn("ALLOWED_HOSTS", m3.literals)
            self.assertIn("DEBUG", logmask.default_env_ignore())
        finally:
            env.close()

    def test_errors_name_file_line_column(self):
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.rules")
            with open(bad, "w") as f:
                f.write("rule: broken\ndescription: d\nkeywords: ab\nregex: a(?<secret>b\n")
            with self.assertRaises(logmask.ParseError) as cm:
                logmask.Masker(bad, defaults=False)
            e = cm.exception
            self.assertEqual(e.file, bad)
            self.assertEqual(e.code, "regex")
            self.assertEqual(e.line, 4)
            self.assertGreater(e.column, 7)
            self.assertIn("bad.rules:4:%d:" % e.column, str(e))
            with self.assertRaises(logmask.FileError) as cm:
                logmask.Masker(os.path.join(d, "missing.rules"))
            self.assertEqual(cm.exception.code, "io")
            env = os.path.join(d, ".env")
            with open(env, "w") as f:
                # a line no dotenv loader reads (django-environ would read
                # B="never closed, but not with blanks around '=')
                f.write("A=long-enough\nB = \"never closed\n")
            with self.assertRaises(logmask.ParseError) as cm:
                logmask.Masker(env_files=[env])
            self.assertEqual(cm.exception.line, 2)
        with self.assertRaises(logmask.ArgumentError):
            logmask.Masker(enable=["no-such-rule-or-group"])
        with self.assertRaises(TypeError):
            logmask.Masker(literals=42)

    def test_immutable_and_versions(self):
        m = logmask.Masker()
        with self.assertRaises(RuntimeError):
            m.__init__()
        self.assertEqual(logmask.library_version(), logmask.__version__)
        self.assertIn("rules", repr(m))

    def test_uninitialised(self):
        m = logmask.Masker.__new__(logmask.Masker)
        with self.assertRaises(RuntimeError):
            m.mask("x")


class ThreadTest(unittest.TestCase):
    def test_eight_threads_one_masker(self):
        m = logmask.Masker(literals={"K": "known-value-123"})
        lines = [l for l, _ in SECRET_LINES] + BENIGN + ["x known-value-123 y",
                                                         "long " * 600 + "password=hunter2x"]
        want = [m.mask(l) for l in lines]
        before = m.stats()["totals"]["lines"]
        errors = []
        rounds = 200

        def work():
            try:
                for _ in range(rounds):
                    got = [m.mask(l) for l in lines]
                    if got != want:
                        errors.append(got)
                        return
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        lines_per_round = sum(l.count("\n") + 1 for l in lines)
        self.assertEqual(m.stats()["totals"]["lines"] - before, 8 * rounds * lines_per_round)


class CliTest(unittest.TestCase):
    def run_cli(self, *args, stdin=b""):
        return subprocess.run([sys.executable, "-m", "logmask"] + list(args), input=stdin,
                              capture_output=True, timeout=60)

    def test_mask_and_find(self):
        r = self.run_cli(stdin=b"a password=hunter2x\nb\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"a password=[REDACTED:password-assignment]\nb\n")
        r = self.run_cli("--find", stdin=b"ok\nx password=hunter2x\n")
        self.assertEqual(r.stdout, b"(standard input):2:12: password-assignment\n")
        r = self.run_cli("/nonexistent/log")
        self.assertEqual(r.returncode, 3)
        r = self.run_cli("-r", "/nonexistent/rules")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"/nonexistent/rules", r.stderr)


if __name__ == "__main__":
    unittest.main()
