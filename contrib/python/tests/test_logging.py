# SPDX-License-Identifier: Apache-2.0
"""logmask.logging: MaskingFilter and MaskingFormatter with the standard
logging package, dictConfig, JSON formatters and threads."""
import io
import json
import logging
import logging.config
import threading
import unittest

import logmask
from logmask.logging import MaskingFilter, MaskingFormatter, original_exc_info, shared_masker

SECRETS = ["hunter2x", "abcDEF123456ghiJKL789xyz", "known-value-4711", "stack-secret-99"]


def contains_secret(text):
    return [s for s in SECRETS if s in text]


class JSONFormatter(logging.Formatter):
    """A JSON formatter of the usual kind: every field, extra= ones included,
    and the exception rendered from exc_info itself."""

    def format(self, record):
        d = {"level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for k, v in record.__dict__.items():
            if k not in logging.LogRecord("", 0, "", 0, "", (), None).__dict__ and not k.startswith("_"):
                d[k] = v
        if record.exc_info:
            d["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            d["exc_info"] = record.exc_text
        return json.dumps(d, default=str)


class Setup:
    """A logger of its own with two stream handlers sharing one MaskingFilter."""
    count = 0

    def __init__(self, masker=None, **filter_opts):
        Setup.count += 1
        self.logger = logging.getLogger("test.setup%d" % Setup.count)
        self.logger.propagate = False
        self.logger.setLevel(logging.DEBUG)
        self.filter = MaskingFilter(masker=masker or logmask.Masker(literals={"K": "known-value-4711"}),
                                    **filter_opts)
        self.outs = []
        for fmt in ("%(levelname)s %(message)s", "%(name)s|%(message)s"):
            out = io.StringIO()
            h = logging.StreamHandler(out)
            h.setFormatter(logging.Formatter(fmt))
            h.addFilter(self.filter)
            self.logger.addHandler(h)
            self.outs.append(out)

    def text(self, i=0):
        return self.outs[i].getvalue()


class FilterTest(unittest.TestCase):
    def test_message_and_args(self):
        s = Setup()
        s.logger.info("login user=%s password=%s", "alice", "hunter2x")
        s.logger.info("value %s", "known-value-4711")
        self.assertEqual(s.text(0), "INFO login user=alice password=[REDACTED:password-assignment]\n"
                                    "INFO value [REDACTED:K]\n")
        self.assertEqual(contains_secret(s.text(1)), [])

    def test_non_secret_text_unchanged(self):
        plain = logging.getLogger("test.plain")
        plain.propagate = False
        ref = io.StringIO()
        h = logging.StreamHandler(ref)
        h.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        plain.addHandler(h)
        s = Setup()
        msgs = ["GET /api/orders?page=2 200", "token refreshed for session %d", "%s%% done",
                "Straße naïve ✓ %r", "multi\nline\n  message"]
        args = [(), (42,), ("50",), ({"a": 1},), ()]
        for m, a in zip(msgs, args):
            plain.warning(m, *a)
            s.logger.warning(m, *a)
        self.assertEqual(s.text(0), ref.getvalue())

    def test_masked_once_for_all_handlers(self):
        s = Setup()
        before = s.filter.masker.stats()["totals"]["lines"]
        s.logger.info("password=hunter2x")
        self.assertEqual(s.filter.masker.stats()["totals"]["lines"] - before, 1)
        self.assertEqual(s.text(1), "%s|password=[REDACTED:password-assignment]\n" % s.logger.name)

    def test_exception_and_stack(self):
        s = Setup()
        try:
            password = "hunter2x"  # noqa: F841 (a local the traceback line shows)
            raise RuntimeError("cannot connect with password=%s" % password)
        except RuntimeError:
            s.logger.exception("failed for known-value-4711")
        s.logger.info("where", stack_info=True, extra={"x": 1})
        text = s.text(0) + s.text(1)
        self.assertEqual(contains_secret(text), [])
        self.assertIn("RuntimeError: cannot connect with password=[REDACTED:password-assignment]", text)
        self.assertIn("failed for [REDACTED:K]", text)
        self.assertIn("Stack (most recent call last)", text)

    def test_exc_info_taken_off_kept_for_mailers(self):
        s = Setup()
        records = []
        h = logging.Handler()
        h.emit = records.append
        h.addFilter(s.filter)
        s.logger.addHandler(h)
        try:
            raise ValueError("token=hunter2x")
        except ValueError:
            s.logger.error("boom", exc_info=True)
        r = records[0]
        self.assertIsNone(r.exc_info)
        self.assertIn("[REDACTED:", r.exc_text)
        self.assertIsNotNone(original_exc_info(r))
        self.assertIs(original_exc_info(r)[0], ValueError)
        # a JSON formatter that renders exc_info itself sees only the masked text
        out = JSONFormatter().format(r)
        self.assertEqual(contains_secret(out), [])
        keep = Setup(keep_exc_info=True)
        keep.logger.addHandler(h)
        h.filters = [keep.filter]
        try:
            raise ValueError("x")
        except ValueError:
            keep.logger.error("kept", exc_info=True)
        self.assertIsNotNone(records[-1].exc_info)

    def test_bad_args_do_not_raise(self):
        s = Setup()
        s.logger.info("two %s %s", "password=hunter2x")  # one arg missing
        self.assertIn("password=[REDACTED:password-assignment]", s.text(0))
        self.assertEqual(contains_secret(s.text(0)), [])

    def test_fail_closed(self):
        class Broken:
            def mask(self, text):
                raise MemoryError

        s = Setup(masker=Broken())
        s.logger.error("password=hunter2x", exc_info=(ValueError, ValueError("hunter2x"), None))
        self.assertIn("[logmask: record withheld: masking failed (MemoryError)]", s.text(0))
        self.assertEqual(contains_secret(s.text(0)), [])
        self.assertEqual(s.filter.withheld, 1)

    def test_drop_style_drops_the_record(self):
        s = Setup(masker=logmask.Masker(mask="drop"))
        s.logger.info("password=hunter2x")
        s.logger.info("kept")
        self.assertEqual(s.text(0), "INFO kept\n")

    def test_non_str_messages(self):
        s = Setup()
        s.logger.info({"user": "alice", "password": "hunter2x"})
        s.logger.info(ValueError("token=hunter2x"))
        self.assertEqual(contains_secret(s.text(0)), [])


class FormatterTest(unittest.TestCase):
    def test_wraps_json_formatter(self):
        masker = logmask.Masker(literals={"K": "known-value-4711"})
        f = MaskingFormatter(formatter=JSONFormatter(), masker=masker)
        rec = logging.LogRecord("app", logging.INFO, __file__, 1, "charge %s", ("ok",), None)
        rec.card_token = "known-value-4711"
        rec.password = "hunter2x"
        rec.order = 42
        out = f.format(rec)
        d = json.loads(out)
        self.assertEqual(d["message"], "charge ok")
        self.assertEqual(d["order"], 42)
        self.assertEqual(contains_secret(out), [])

    def test_plain_formats_like_formatter(self):
        f = MaskingFormatter("%(levelname)s:%(message)s", masker=logmask.Masker())
        rec = logging.LogRecord("app", logging.WARNING, __file__, 1, "password=%s", ("hunter2x",), None)
        self.assertEqual(f.format(rec), "WARNING:password=[REDACTED:password-assignment]")
        f = MaskingFormatter("{levelname}:{message}", style="{", masker=logmask.Masker())
        self.assertEqual(f.format(rec), "WARNING:password=[REDACTED:password-assignment]")

    def test_fail_closed(self):
        class Broken:
            def mask(self, text):
                raise logmask.LimitError("limit")

        f = MaskingFormatter(masker=Broken())
        rec = logging.LogRecord("app", logging.INFO, __file__, 1, "password=hunter2x", (), None)
        self.assertIn("withheld", f.format(rec))


class DictConfigTest(unittest.TestCase):
    def test_dotted_paths_with_options(self):
        import os
        import tempfile
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        env = os.path.join(d.name, ".env")
        with open(env, "w") as f:
            f.write("DEBUG=True\nAPI_TOKEN=known-value-4711\n")
        opts = {"env_files": [env]}
        logging.config.dictConfig({
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"logmask": {"()": "logmask.logging.MaskingFilter", **opts}},
            "formatters": {
                "plain": {"format": "%(levelname)s %(message)s"},
                "json": {"()": "logmask.logging.MaskingFormatter",
                         "formatter": "test_logging.JSONFormatter", **opts},
                "masked": {"()": "logmask.logging.MaskingFormatter",
                           "format": "{levelname} {message}", "style": "{", **opts},
            },
            "handlers": {
                "a": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["logmask"],
                      "stream": "ext://sys.stdout"},
                "b": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
                "c": {"class": "logging.StreamHandler", "formatter": "masked", "stream": "ext://sys.stdout"},
            },
            "loggers": {"dc": {"handlers": ["a", "b", "c"], "level": "INFO", "propagate": False}},
        })
        log = logging.getLogger("dc")
        outs = []
        for h in log.handlers:
            h.setStream(io.StringIO())
            outs.append(h.stream)
        log.info("token %s password=%s", "known-value-4711", "hunter2x", extra={"api_token": "known-value-4711"})
        a, b, c = (o.getvalue() for o in outs)
        self.assertEqual(a, "INFO token [REDACTED:API_TOKEN] password=[REDACTED:password-assignment]\n")
        self.assertEqual(json.loads(b)["message"], "token [REDACTED:API_TOKEN] password=[REDACTED:password-assignment]")
        self.assertEqual(c, a)
        # one compiled set for the three
        self.assertIs(shared_masker(**opts), log.handlers[0].filters[0].masker)
        self.assertIs(shared_masker(**opts), log.handlers[1].formatter.masker)


class ThreadsTest(unittest.TestCase):
    def test_eight_threads_same_result(self):
        s = Setup()
        msgs = ["user %d password=hunter2x", "plain message %d", "value %d known-value-4711",
                "Authorization: Bearer abcDEF123456ghiJKL789xyz n=%d"]
        n = 300

        def work(tag):
            for i in range(n):
                for m in msgs:
                    s.logger.info(m, i)

        work(-1)
        serial = sorted(s.text(0).splitlines())
        for out in s.outs:
            out.seek(0)
            out.truncate()
        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        got = sorted(s.text(0).splitlines())
        self.assertEqual(len(got), 8 * n * len(msgs))
        self.assertEqual(got, sorted(serial * 8))
        self.assertEqual(contains_secret(s.text(0) + s.text(1)), [])


if __name__ == "__main__":
    unittest.main()
