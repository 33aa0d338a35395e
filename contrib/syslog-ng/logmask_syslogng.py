# SPDX-License-Identifier: Apache-2.0
"""syslog-ng python() parser that masks secrets with liblogmask.

    parser p_logmask {
      python(class("logmask_syslogng.MaskParser")
             options("fields" "MESSAGE" "format" "auto"));
    };

Options (all optional): "fields", a comma-separated list of name-value
pairs to mask (default MESSAGE); "format", the liblogmask format (auto,
text, logfmt, json, syslog); "env_file", an application's .env whose values
are masked wherever they appear; "rules", a rule file or directory added to
the built-in rules.  Needs the Python binding (python3-logmask).

Fails closed: a message that cannot be masked has the field replaced by
"[logmask: withheld]" and the parser returns False, so the log path drops
it unless flags(final) routes it elsewhere.
"""

import logmask

WITHHELD = "[logmask: withheld]"


class MaskParser(object):
    def init(self, options):
        self.fields = [f.strip() for f in options.get("fields", "MESSAGE").split(",") if f.strip()]
        kwargs = {"format": options.get("format", "auto")}
        if options.get("env_file"):
            kwargs["env_files"] = (options["env_file"],)
        if options.get("rules"):
            kwargs["rules"] = (options["rules"],)
        self.masker = logmask.Masker(**kwargs)
        return True

    def deinit(self):
        self.masker = None

    def parse(self, msg):
        ok = True
        for field in self.fields:
            try:
                value = msg[field]
            except KeyError:
                continue
            if not value:
                continue
            try:
                if isinstance(value, bytes):
                    msg[field] = self.masker.mask_bytes(value)
                else:
                    msg[field] = self.masker.mask(str(value))
            except Exception:  # never pass a value on unmasked
                msg[field] = WITHHELD
                ok = False
        return ok
