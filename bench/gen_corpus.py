#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Deterministic generator of realistic mixed log corpora for the logmask
benchmark, with a truth file of every secret it planted.

  gen_corpus.py --size 64M --out FILE [--seed N] [--format mixed]
                [--truth FILE] [--rate 0.01] [--pool 120000]

Formats:
  text    syslog (sshd, kernel, CRON, systemd, sudo, postfix), nginx and
          apache access lines with query strings, apache error lines,
          Python logging lines and tracebacks, Java (Spring-style) lines
          and stack traces
  json    JSON lines (application records and structured access logs)
  logfmt  logfmt lines (Go services, a router)
  mixed   all of the above, interleaved (the default)

About --rate of the records (default 1%) carry a secret from one of twelve
families, each with a random value in the provider's format:
  kv_password    password=V, passwd=V, --password=V, ?password=V
  json_password  "password": "V" (JSON values, request bodies in text lines)
  kv_token       token=V, access_token=V, refresh_token=V
  api_key        api_key=V, api-key: V, "apiKey": "V", X-Api-Key style
  bearer_jwt     Authorization: Bearer <JWT>
  db_url         scheme://user:PASSWORD@host (postgres, mysql, redis, ...)
  aws_akid       AKIA + 16 base32 characters
  github_pat     ghp_ + 30 base62 + 6-character base62 CRC32 of those 30
  slack_token    xoxb-<digits>-<digits>-<24 alnum>
  stripe_key     sk_live_ + 24..34 alnum
  google_api     AIza + 35 of [0-9A-Za-z_-]
  pem_key        a PEM private key: a multi-line block in text, an escaped
                 "\\n" string in JSON and logfmt

The truth file (default OUT.truth.tsv) has a header line, then one row per
planted secret: LINE<TAB>FAMILY<TAB>SECRET (LINE is 1-based).  A PEM key
gives one row per base64 body line.  No secret contains a tab, a space or a
newline, and no benign line holds anything a secret rule should mask (it
may hold keywords: "Failed password for", "token refresh ok", ...).

The same seed, size, format and rate give byte-identical output (with the
same Python 3 minor version).  Speed: a pool of benign records is generated
once, then sampled; 256 MiB takes 10-15 s.

The system lines are invented for this generator; it reads nothing but its
arguments.
"""
import argparse
import base64
import json
import random
import string
import sys
import time
import zlib

ALNUM = string.ascii_letters + string.digits
LOWER_DIG = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
BASE32 = string.ascii_uppercase + "234567"
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
# Password characters: no blank, quote, '&', '@', '/', ':', '=', ',', ';',
# '$', '*', '<', '>', '{', '}', '%' so a value stays one token in every
# embedding and never looks like a placeholder or a template.
PW_CHARS = ALNUM + "!#_-.~+^"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
FAMILIES = ["kv_password", "json_password", "kv_token", "api_key",
            "bearer_jwt", "db_url", "aws_akid", "github_pat", "slack_token",
            "stripe_key", "google_api", "pem_key"]
FAMILY_WEIGHTS = [14, 10, 12, 10, 10, 8, 7, 7, 6, 6, 6, 2]


def parse_size(text):
    """'64M', '1.5G', '300k', '1000' -> bytes (binary multiples)."""
    t = text.strip().upper().rstrip("B").rstrip("I")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(t[-1:], 1)
    if mult != 1:
        t = t[:-1]
    try:
        n = int(float(t) * mult)
    except ValueError:
        raise argparse.ArgumentTypeError("bad size %r (e.g. 64M, 1G)" % text)
    if n <= 0:
        raise argparse.ArgumentTypeError("size must be positive: %r" % text)
    return n


class Vocab:
    """Names drawn once per run so lines repeat the way real fleets do."""

    def __init__(self, r):
        self.hosts = ["web-%02d" % i for i in range(1, 13)] + \
            ["db-%02d" % i for i in range(1, 5)] + \
            ["worker-%02d" % i for i in range(1, 9)] + \
            ["lb-01", "lb-02", "bastion", "ci-runner-3", "mail-01"]
        first = ["anna", "boris", "chen", "dmitri", "elena", "farid", "gita",
                 "hugo", "ines", "jonas", "kemal", "lucia", "mateo", "nadia",
                 "olaf", "priya", "quinn", "rosa", "sven", "tomas", "uma",
                 "vera", "wei", "yusuf", "zoe"]
        self.users = ["%s.%s" % (r.choice(first), r.choice(
            ["k", "m", "s", "t", "b", "r"])) for _ in range(120)] + \
            ["deploy", "ubuntu", "admin", "root", "backup", "git", "jenkins"]
        self.services = ["checkout", "catalog", "billing", "identity",
                         "search", "notifier", "inventory", "gateway"]
        self.paths = ["/", "/index.html", "/api/v1/products", "/api/v1/products/%d",
                      "/api/v1/cart", "/api/v1/cart/items/%d", "/api/v2/search",
                      "/api/v1/orders/%d", "/api/v1/invoices/%d/pdf", "/login",
                      "/logout", "/account/settings", "/static/js/main.%s.js",
                      "/static/css/site.%s.css", "/images/p/%d.webp", "/health",
                      "/metrics", "/robots.txt", "/favicon.ico", "/sitemap.xml",
                      "/wp-login.php", "/.env", "/graphql", "/oauth2/authorize",
                      "/api/v1/webhooks/stripe", "/feed/rss", "/blog/%d-release-notes"]
        self.query_keys = ["q", "page", "per_page", "sort", "order", "lang",
                           "utm_source", "utm_medium", "utm_campaign", "ref",
                           "category", "color", "size", "from", "to", "v"]
        self.agents = [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "curl/7.88.1", "Wget/1.21.3", "python-httpx/0.27.0",
            "Prometheus/2.51.1", "ELB-HealthChecker/2.0", "okhttp/4.12.0",
            "Apache-HttpClient/4.5.14 (Java/17.0.10)"]
        self.py_loggers = ["shop.views", "shop.payments", "shop.auth",
                           "django.request", "django.db.backends", "celery.worker",
                           "celery.app.trace", "urllib3.connectionpool",
                           "app.tasks.email", "app.cache", "gunicorn.error"]
        self.java_loggers = ["c.a.billing.InvoiceService", "c.a.orders.OrderController",
                             "o.s.web.servlet.DispatcherServlet",
                             "com.zaxxer.hikari.HikariDataSource",
                             "o.h.engine.jdbc.spi.SqlExceptionHelper",
                             "c.a.inventory.StockReservationJob",
                             "o.a.kafka.clients.consumer.ConsumerConfig",
                             "c.a.common.web.RequestLoggingFilter"]
        self.db_hosts = ["db-01.prod.internal", "db-02.prod.internal",
                         "10.20.4.11", "orders-rds.cluster-c9x2.eu-west-1.rds.amazonaws.com",
                         "redis-master.cache.svc", "rabbitmq.mq.svc", "localhost"]


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.v = Vocab(rng)

    # ----- small helpers -----
    def s(self, chars, n):
        return "".join(self.r.choices(chars, k=n))

    def ip(self):
        r = self.r
        if r.random() < 0.4:
            return "10.%d.%d.%d" % (r.randint(0, 40), r.randint(0, 255), r.randint(2, 254))
        return "%d.%d.%d.%d" % (r.choice([31, 45, 66, 77, 91, 103, 141, 185, 193, 203]),
                                r.randint(0, 255), r.randint(0, 255), r.randint(1, 254))

    def clock(self):
        r = self.r
        return r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)

    def ts_syslog(self):
        h, m, s = self.clock()
        return "%s %2d %02d:%02d:%02d" % (self.r.choice(MONTHS[2:5]), self.r.randint(1, 28), h, m, s)

    def ts_iso(self, sep="T", frac=3, zone="Z"):
        h, m, s = self.clock()
        f = ".%0*d" % (frac, self.r.randrange(10 ** frac)) if frac else ""
        return "2024-%02d-%02d%s%02d:%02d:%02d%s%s" % (
            self.r.randint(3, 5), self.r.randint(1, 28), sep, h, m, s, f, zone)

    def ts_py(self):
        h, m, s = self.clock()
        return "2024-%02d-%02d %02d:%02d:%02d,%03d" % (
            self.r.randint(3, 5), self.r.randint(1, 28), h, m, s, self.r.randrange(1000))

    def ts_clf(self):
        h, m, s = self.clock()
        return "%02d/%s/2024:%02d:%02d:%02d +0000" % (
            self.r.randint(1, 28), self.r.choice(MONTHS[2:5]), h, m, s)

    def uuid(self):
        h = self.s(HEX, 32)
        return "%s-%s-4%s-%s-%s" % (h[:8], h[8:12], h[13:16], h[16:20], h[20:])

    def path(self):
        p = self.r.choice(self.v.paths)
        if "%d" in p:
            return p % self.r.randint(1, 250000)
        if "%s" in p:
            return p % self.s(HEX, 8)
        return p

    def query(self, extra=None):
        r = self.r
        pairs = ["%s=%s" % (r.choice(self.v.query_keys), self.s(LOWER_DIG, r.randint(1, 12)))
                 for _ in range(r.choice([0, 0, 0, 1, 1, 2, 3]))]
        if extra:
            pairs.insert(r.randint(0, len(pairs)), extra)
        return "?" + "&".join(pairs) if pairs else ""

    def level(self):
        return self.r.choices(["INFO", "DEBUG", "WARNING", "ERROR"], [62, 22, 11, 5])[0]

    def pid(self):
        return self.r.randint(300, 65000)

    # ----- syslog -----
    def syslog(self, prog, msg, host=None):
        return "%s %s %s: %s" % (self.ts_syslog(), host or self.r.choice(self.v.hosts), prog, msg)

    def sshd(self):
        r = self.r
        ip, port, user = self.ip(), r.randint(1024, 65535), r.choice(self.v.users)
        k = r.randrange(9)
        if k == 0:
            m = "Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:%s" % (
                user, ip, port, self.s(B64, 43))
        elif k == 1:
            m = "Failed password for invalid user %s from %s port %d ssh2" % (
                r.choice(["admin", "test", "oracle", "ubnt", "pi", "guest", "user1"]), ip, port)
        elif k == 2:
            m = "Failed password for %s from %s port %d ssh2" % (user, ip, port)
        elif k == 3:
            m = "Invalid user %s from %s port %d" % (r.choice(["admin", "ftpuser", "postgres", "git"]), ip, port)
        elif k == 4:
            m = "pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)" % (user, r.randint(1000, 1100))
        elif k == 5:
            m = "pam_unix(sshd:session): session closed for user %s" % user
        elif k == 6:
            m = "Received disconnect from %s port %d:11: disconnected by user" % (ip, port)
        elif k == 7:
            m = "Connection closed by authenticating user root %s port %d [preauth]" % (ip, port)
        else:
            m = "Disconnected from user %s %s port %d" % (user, ip, port)
        return self.syslog("sshd[%d]" % self.pid(), m)

    def kernel(self):
        r = self.r
        up = "[%6d.%06d]" % (r.randint(5, 999999), r.randrange(1000000))
        k = r.randrange(6)
        if k == 0:
            m = "[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:%02x:%02x:%02x:52:54:00:12:35:02:08:00 SRC=%s DST=10.0.2.15 LEN=%d TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=TCP SPT=%d DPT=%d WINDOW=%d RES=0x00 SYN URGP=0" % (
                r.randrange(256), r.randrange(256), r.randrange(256), self.ip(), r.choice([40, 44, 52, 60]),
                r.randint(40, 250), r.randrange(65536), r.randint(1024, 65535),
                r.choice([22, 23, 80, 443, 3389, 5900, 6379, 8080]), r.choice([1024, 29200, 64240, 65535]))
        elif k == 1:
            m = "audit: type=1400 audit(%d.%03d:%d): apparmor=\"DENIED\" operation=\"open\" profile=\"%s\" name=\"%s\" pid=%d comm=\"%s\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0" % (
                1709000000 + r.randrange(9000000), r.randrange(1000), r.randint(100, 9999),
                r.choice(["/usr/sbin/cupsd", "/usr/bin/man", "snap.lxd.daemon", "/usr/sbin/named"]),
                r.choice(["/etc/ssl/openssl.cnf", "/proc/sys/kernel/random/boot_id", "/run/systemd/userdb/"]),
                self.pid(), r.choice(["cupsd", "man", "lxd", "named"]))
        elif k == 2:
            m = "EXT4-fs (%s): mounted filesystem with ordered data mode. Quota mode: none." % r.choice(["sda1", "vdb", "nvme0n1p2", "dm-0"])
        elif k == 3:
            m = "Out of memory: Killed process %d (%s) total-vm:%dkB, anon-rss:%dkB, file-rss:0kB, shmem-rss:0kB, UID:%d pgtables:%dkB oom_score_adj:0" % (
                self.pid(), r.choice(["java", "python3", "node", "postgres"]), r.randint(10 ** 6, 9 * 10 ** 6),
                r.randint(10 ** 5, 4 * 10 ** 6), r.choice([0, 33, 999, 1000]), r.randint(500, 9000))
        elif k == 4:
            m = "TCP: request_sock_TCP: Possible SYN flooding on port %d. Sending cookies.  Check SNMP counters." % r.choice([80, 443, 8443])
        else:
            m = "%s: renamed from veth%s" % (r.choice(["eth0", "eth1"]), self.s(HEX, 7))
        return self.syslog("kernel", "%s %s" % (up, m))

    def cron(self):
        r = self.r
        if r.random() < 0.6:
            m = "(%s) CMD (%s)" % (r.choice(["root", "www-data", "backup"]), r.choice([
                "[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi",
                "cd / && run-parts --report /etc/cron.hourly", "/usr/local/bin/rotate-backups --keep 7 /srv/backup",
                "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }",
                "/opt/app/bin/reindex --quiet >/dev/null 2>&1"]))
        else:
            m = "pam_unix(cron:session): session %s for user %s" % (
                r.choice(["opened", "closed"]), r.choice(["root", "www-data", "backup"]))
            if "opened" in m:
                m += "(uid=0) by (uid=0)"
        return self.syslog("CRON[%d]" % self.pid(), m)

    def systemd(self):
        r = self.r
        unit = r.choice(["nginx.service", "postgresql@15-main.service", "docker.service",
                         "apt-daily.service", "logrotate.service", "certbot.timer",
                         "app-%s.service" % r.choice(self.v.services), "fstrim.service"])
        k = r.randrange(7)
        if k == 0:
            return self.syslog("systemd[1]", "Started %s - %s." % (unit, r.choice(["Daily apt download activities", "A high performance web server", "Rotate log files", "Discard unused blocks"])))
        if k == 1:
            return self.syslog("systemd[1]", "Starting %s..." % unit)
        if k == 2:
            return self.syslog("systemd[1]", "%s: Deactivated successfully." % unit)
        if k == 3:
            return self.syslog("systemd[1]", "%s: Main process exited, code=exited, status=%d/%s" % (unit, r.choice([1, 2, 203]), r.choice(["FAILURE", "INVALIDARGUMENT", "EXEC"])))
        if k == 4:
            return self.syslog("systemd[1]", "%s: Consumed %.3fs CPU time." % (unit, r.uniform(0.01, 900)))
        if k == 5:
            return self.syslog("systemd-logind[%d]" % r.randint(500, 900), "New session %d of user %s." % (r.randint(1, 9999), r.choice(self.v.users)))
        return self.syslog("systemd-journald[%d]" % r.randint(200, 400), "Data hash table of /var/log/journal/%s/system.journal has a fill level at 75.0 (%d of %d items), suggesting rotation." % (self.s(HEX, 32), r.randint(10 ** 5, 10 ** 6), 2 ** 20))

    def sudo(self, command=None):
        r = self.r
        user = r.choice(self.v.users[:40] + ["deploy", "ubuntu"])
        cmd = command or r.choice(["/usr/bin/systemctl restart nginx", "/usr/bin/apt-get update",
                                   "/usr/bin/journalctl -u app-checkout --since today",
                                   "/usr/bin/docker ps -a", "/usr/bin/tail -n 200 /var/log/syslog"])
        return self.syslog("sudo", "%8s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=%s" % (
            user, r.randint(0, 6), user, cmd))

    def postfix(self):
        r = self.r
        qid = self.s("0123456789ABCDEF", 10)
        k = r.randrange(3)
        if k == 0:
            m = "%s: to=<%s@example.org>, relay=mx.example.org[%s]:25, delay=%.2f, delays=0.01/0/0.1/%.2f, dsn=2.0.0, status=sent (250 2.0.0 OK)" % (
                qid, r.choice(self.v.users).replace(".", "_"), self.ip(), r.uniform(0.1, 4), r.uniform(0.1, 3))
        elif k == 1:
            m = "%s: from=<noreply@shop.example.com>, size=%d, nrcpt=1 (queue active)" % (qid, r.randint(900, 90000))
        else:
            m = "connect from unknown[%s]" % self.ip()
        return self.syslog("postfix/%s[%d]" % (r.choice(["smtp", "qmgr", "smtpd"]), self.pid()), m, host="mail-01")

    # ----- web servers -----
    def access(self, extra_q=None, method=None, path=None, status=None):
        r = self.r
        return '%s - %s [%s] "%s %s%s HTTP/%s" %d %d "%s" "%s"%s' % (
            self.ip(), r.choice(["-"] * 6 + [r.choice(self.v.users)]), self.ts_clf(),
            method or r.choice(["GET"] * 7 + ["POST", "POST", "PUT", "DELETE", "HEAD"]),
            path or self.path(), self.query(extra_q), r.choice(["1.1", "1.1", "2.0"]),
            status or r.choice([200] * 10 + [201, 204, 301, 302, 304, 304, 400, 401, 403, 404, 404, 499, 500, 502, 503]),
            r.randint(0, 250000), r.choice(["-", "-", "https://shop.example.com/", "https://www.google.com/", "https://shop.example.com/cart"]),
            r.choice(self.v.agents),
            "" if r.random() < 0.5 else " rt=%.3f uct=\"%.3f\" urt=\"%.3f\"" % (r.uniform(0, 2), r.uniform(0, 0.01), r.uniform(0, 2)))

    def apache_error(self):
        r = self.r
        h, m, s = self.clock()
        head = "[%s %s %02d %02d:%02d:%02d.%06d 2024] [%s] [pid %d:tid %d] [client %s:%d]" % (
            r.choice(WEEKDAYS), r.choice(MONTHS[2:5]), r.randint(1, 28), h, m, s, r.randrange(10 ** 6),
            r.choice(["proxy_fcgi:error", "php:warn", "core:error", "ssl:info", "authz_core:error"]),
            self.pid(), r.randint(10 ** 14, 10 ** 15), self.ip(), r.randint(1024, 65535))
        msg = r.choice([
            "AH01071: Got error 'PHP message: PHP Warning:  Undefined array key \"sort\" in /var/www/shop/catalog.php on line %d'" % r.randint(10, 900),
            "AH00128: File does not exist: /var/www/html/%s" % r.choice(["wp-login.php", ".env", "phpmyadmin", ".git/config"]),
            "AH01630: client denied by server configuration: /var/www/html/server-status",
            "AH01964: Connection to child %d established (server shop.example.com:443)" % r.randint(0, 200)])
        return "%s %s" % (head, msg)

    # ----- Python -----
    def py_line(self, msg=None, logger=None, level=None):
        r = self.r
        if msg is None:
            msg = r.choice([
                "GET %s %d %dms" % (self.path(), r.choice([200, 200, 200, 302, 404]), r.randint(1, 900)),
                "Task app.tasks.email.send_receipt[%s] succeeded in %.3fs: None" % (self.uuid(), r.uniform(0.01, 4)),
                "Starting new HTTPS connection (1): %s:443" % r.choice(["api.stripe.com", "hooks.slack.com", "s3.eu-west-1.amazonaws.com"]),
                "(%.3f) SELECT \"shop_order\".\"id\", \"shop_order\".\"status\" FROM \"shop_order\" WHERE \"shop_order\".\"customer_id\" = %d LIMIT 21; args=(%d,)" % (r.uniform(0, 0.2), r.randint(1, 99999), r.randint(1, 99999)),
                "cache miss for key product:%d, recomputing" % r.randint(1, 250000),
                "password reset requested for user id %d" % r.randint(1, 99999),
                "session token expired for user id %d, redirecting to /login" % r.randint(1, 99999),
                "retrying in %ds after ConnectionResetError (attempt %d/5)" % (r.choice([1, 2, 4, 8]), r.randint(1, 5)),
                "Worker exiting (pid: %d)" % self.pid()])
        return "%s %s [%s] %s: %s" % (self.ts_py(), level or self.level(),
                                      r.choice(["MainThread", "ThreadPoolExecutor-0_0", "Worker-1", "Worker-2"]),
                                      logger or r.choice(self.v.py_loggers), msg)

    def py_traceback(self):
        r = self.r
        frames = [
            ('/usr/local/lib/python3.11/site-packages/django/core/handlers/exception.py', 'inner', 'response = get_response(request)'),
            ('/usr/local/lib/python3.11/site-packages/django/core/handlers/base.py', '_get_response', 'response = wrapped_callback(request, *callback_args, **callback_kwargs)'),
            ('/srv/shop/shop/views/checkout.py', 'confirm', 'order = services.place_order(cart, customer)'),
            ('/srv/shop/shop/services/orders.py', 'place_order', 'charge = gateway.capture(order.total, currency=order.currency)'),
            ('/srv/shop/shop/views/account.py', 'login_view', 'user = authenticate(request, username=form.cleaned_data["username"])'),
            ('/usr/local/lib/python3.11/site-packages/django/db/models/query.py', 'get', 'raise self.model.DoesNotExist('),
            ('/usr/local/lib/python3.11/site-packages/urllib3/connectionpool.py', 'urlopen', 'retries = retries.increment('),
        ]
        out = [self.py_line("Internal Server Error: %s" % self.path(), logger="django.request", level="ERROR"),
               "Traceback (most recent call last):"]
        for f, fn, code in r.sample(frames, r.randint(2, 5)):
            out.append('  File "%s", line %d, in %s' % (f, r.randint(20, 800), fn))
            out.append("    " + code)
        out.append(r.choice([
            "shop.models.Order.DoesNotExist: Order matching query does not exist.",
            "urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='api.stripe.com', port=443): Max retries exceeded with url: /v1/charges",
            "KeyError: 'shipping_address'",
            "django.db.utils.OperationalError: could not connect to server: Connection refused"]))
        return out

    # ----- Java -----
    def java_line(self, msg=None, level=None, logger=None):
        r = self.r
        if msg is None:
            msg = r.choice([
                "Completed %d %s in %d ms" % (r.choice([200, 200, 201, 400, 404]), r.choice(["OK", "CREATED"]), r.randint(1, 3000)),
                "HikariPool-1 - Connection is not available, request timed out after 30000ms.",
                "Invoice %d generated for customer %d (%d lines)" % (r.randint(10 ** 5, 10 ** 6), r.randint(1, 99999), r.randint(1, 40)),
                "Reserved %d units of SKU %s-%04d" % (r.randint(1, 9), self.s(string.ascii_uppercase, 3), r.randint(0, 9999)),
                "SQL Error: 0, SQLState: 08003",
                "Initializing Servlet 'dispatcherServlet'",
                "auto.offset.reset = latest"])
        return "%s %5s %d --- [%15s] %-40s : %s" % (
            self.ts_iso(sep=" ", zone=""), level or r.choice(["INFO", "INFO", "INFO", "WARN", "DEBUG", "ERROR"]),
            r.randint(1, 99), r.choice(["main", "nio-8080-exec-%d" % r.randint(1, 10), "scheduling-1", "kafka-consumer-1"]),
            logger or r.choice(self.v.java_loggers), msg)

    def java_trace(self):
        r = self.r
        exc = r.choice([("java.lang.IllegalStateException", "Stock reservation failed for order %d" % r.randint(1, 10 ** 6)),
                        ("java.lang.NullPointerException", "Cannot invoke \"String.length()\" because \"sku\" is null"),
                        ("org.springframework.dao.DataAccessResourceFailureException", "Unable to acquire JDBC Connection")])
        out = [self.java_line("Servlet.service() for servlet [dispatcherServlet] threw exception", level="ERROR",
                              logger="o.a.c.c.C.[.[.[/].[dispatcherServlet]"),
               "%s: %s" % exc]
        frames = ["com.acme.inventory.StockService.reserve(StockService.java:%d)",
                  "com.acme.orders.OrderService.place(OrderService.java:%d)",
                  "com.acme.orders.OrderController.create(OrderController.java:%d)",
                  "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:%d)",
                  "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:%d)",
                  "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:%d)",
                  "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:%d)"]
        for f in frames[: r.randint(3, len(frames))]:
            out.append("\tat " + f % r.randint(40, 1200))
        if r.random() < 0.4:
            out.append("Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.")
            out.append("\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:%d)" % r.randint(600, 700))
        out.append("\t... %d common frames omitted" % r.randint(20, 90))
        return out

    # ----- structured -----
    def json_line(self, extra=None):
        r = self.r
        if r.random() < 0.35:
            d = {"time": self.ts_iso(), "remote_addr": self.ip(), "method": r.choice(["GET", "GET", "POST"]),
                 "uri": self.path() + self.query(), "status": r.choice([200, 200, 200, 304, 404, 500]),
                 "bytes_sent": r.randint(0, 90000), "request_time": round(r.uniform(0, 2), 3),
                 "user_agent": r.choice(self.v.agents)}
        else:
            d = {"timestamp": self.ts_iso(), "level": self.level().lower(), "service": r.choice(self.v.services),
                 "trace_id": self.s(HEX, 32), "span_id": self.s(HEX, 16),
                 "message": r.choice(["order placed", "payment captured", "inventory reserved", "email queued",
                                      "login succeeded", "login failed", "token refreshed", "upstream timeout",
                                      "cache warmed", "feature flag evaluated"]),
                 "user_id": r.randint(1, 99999), "duration_ms": round(r.uniform(0.1, 1500), 1)}
            if r.random() < 0.3:
                d["http"] = {"method": r.choice(["GET", "POST"]), "path": self.path(), "status": r.choice([200, 201, 401, 503])}
        if extra:
            d.update(extra)
        return json.dumps(d, separators=(",", ":") if r.random() < 0.6 else (", ", ": "))

    def logfmt_line(self, extra=None):
        r = self.r
        if r.random() < 0.3:
            s = 'at=info method=%s path="%s" host=%s.example.com request_id=%s fwd="%s" dyno=web.%d connect=%dms service=%dms status=%d bytes=%d protocol=https' % (
                r.choice(["GET", "POST"]), self.path(), r.choice(["shop", "api"]), self.uuid(), self.ip(),
                r.randint(1, 4), r.randint(0, 5), r.randint(1, 3000), r.choice([200, 200, 301, 404, 503]), r.randint(100, 90000))
        else:
            s = 'ts=%s level=%s caller=%s:%d component=%s msg="%s" duration=%.2fms' % (
                self.ts_iso(), r.choice(["info", "info", "debug", "warn", "error"]),
                r.choice(["server.go", "handler.go", "store/pg.go", "queue/consumer.go"]), r.randint(20, 700),
                r.choice(self.v.services), r.choice(["request served", "job completed", "lease renewed",
                                                     "connection reset by peer", "retrying publish", "config reloaded"]),
                r.uniform(0.05, 900))
        if extra:
            s += " " + extra
        return s

    # ----- the benign mix -----
    def benign(self, fmt):
        """One benign record (a list of lines) of format fmt."""
        r = self.r
        if fmt == "mixed":
            fmt = r.choices(["text", "json", "logfmt"], [60, 25, 15])[0]
        if fmt == "json":
            return [self.json_line()]
        if fmt == "logfmt":
            return [self.logfmt_line()]
        k = r.random()
        if k < 0.08:
            return [self.sshd()]
        if k < 0.13:
            return [self.kernel()]
        if k < 0.17:
            return [self.cron()]
        if k < 0.23:
            return [self.systemd()]
        if k < 0.245:
            return [self.sudo()]
        if k < 0.27:
            return [self.postfix()]
        if k < 0.55:
            return [self.access()]
        if k < 0.58:
            return [self.apache_error()]
        if k < 0.80:
            return [self.py_line()]
        if k < 0.82:
            return self.py_traceback()
        if k < 0.985:
            return [self.java_line()]
        return self.java_trace()

    # ----- secrets -----
    def password(self):
        return self.s(PW_CHARS, self.r.randint(10, 24))

    def jwt(self):
        r = self.r
        enc = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")
        alg = r.choice(["HS256", "RS256", "ES256"])
        iat = 1709000000 + r.randrange(9000000)
        head = json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":"))
        body = json.dumps({"iss": "https://id.example.com", "sub": str(r.randint(1, 10 ** 6)),
                           "aud": r.choice(self.v.services), "iat": iat, "exp": iat + 900,
                           "scope": r.choice(["orders:read", "orders:write profile", "admin"])}, separators=(",", ":"))
        sig = bytes(r.getrandbits(8) for _ in range({"HS256": 32, "RS256": 256, "ES256": 64}[alg]))
        return "%s.%s.%s" % (enc(head.encode()), enc(body.encode()), enc(sig))

    def github_pat(self):
        body = self.s(BASE62, 30)
        crc = zlib.crc32(body.encode("ascii")) & 0xFFFFFFFF
        digits = ""
        while crc:
            crc, d = divmod(crc, 62)
            digits = BASE62[d] + digits
        return "ghp_" + body + digits.rjust(6, "0")

    def value(self, fam):
        r = self.r
        if fam in ("kv_password", "json_password", "db_url"):
            return self.password()
        if fam == "kv_token":
            return self.s(HEX, 40) if r.random() < 0.5 else self.s(B64URL, r.randint(24, 48))
        if fam == "api_key":
            return self.s(ALNUM, r.choice([32, 40]))
        if fam == "bearer_jwt":
            return self.jwt()
        if fam == "aws_akid":
            return "AKIA" + self.s(BASE32, 16)
        if fam == "github_pat":
            return self.github_pat()
        if fam == "slack_token":
            return "xoxb-%d-%d-%s" % (r.randint(10 ** 10, 10 ** 12), r.randint(10 ** 12, 10 ** 13), self.s(ALNUM, 24))
        if fam == "stripe_key":
            return "sk_live_" + self.s(ALNUM, r.randint(24, 34))
        if fam == "google_api":
            return "AIza" + self.s(B64URL, 35)
        raise ValueError(fam)

    def pem(self):
        """(BEGIN line, body lines, END line) of a random private key."""
        r = self.r
        kind, lead, width = r.choice([("RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA", 64),
                                      ("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 64),
                                      ("EC PRIVATE KEY", "MHcCAQEEI", 64),
                                      ("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAA", 70),
                                      ("ENCRYPTED PRIVATE KEY", "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkq", 64)])
        n = 3 if kind == "EC PRIVATE KEY" else r.randint(6, 25)
        body = [lead + self.s(B64, width - len(lead))] + [self.s(B64, width) for _ in range(n - 2)]
        tail = self.s(B64, r.randint(8, width - 2))
        if len(tail) % 4 == 1:  # no base64 text has this length
            tail = tail[:-1]
        body.append(tail + "=" * (-len(tail) % 4))
        return "-----BEGIN %s-----" % kind, body, "-----END %s-----" % kind

    def secret_record(self, fmt):
        """(lines, [(index in lines, family, secret)]) for one secret record."""
        r = self.r
        if fmt == "mixed":
            fmt = r.choices(["text", "json", "logfmt"], [60, 25, 15])[0]
        fam = r.choices(FAMILIES, FAMILY_WEIGHTS)[0]
        if fam == "pem_key":
            return self.pem_record(fmt)
        sec = self.value(fam)
        line = getattr(self, "embed_" + fmt)(fam, sec)
        return [line], [(0, fam, sec)]

    def pem_record(self, fmt):
        r = self.r
        begin, body, end = self.pem()
        if fmt == "text":
            head = r.choice([self.py_line("loaded signing key from vault:", level="DEBUG"),
                             self.java_line("Decoded key material:", level="DEBUG"),
                             self.syslog("deploy-agent[%d]" % self.pid(), "writing /etc/ssl/private/%s.key:" % r.choice(self.v.services))])
            lines = [head, begin] + body + [end]
            return lines, [(2 + i, "pem_key", b) for i, b in enumerate(body)]
        blob = "\n".join([begin] + body + [end]) + "\n"
        if fmt == "json":
            line = self.json_line({"event": "service account loaded", "type": "service_account",
                                   "private_key_id": self.s(HEX, 40), "private_key": blob})
        else:
            line = self.logfmt_line('private_key="%s"' % blob.replace("\n", "\\n"))
        return [line], [(0, "pem_key", b) for b in body]

    def embed_text(self, fam, sec):
        r = self.r
        user = r.choice(self.v.users)
        if fam == "kv_password":
            return r.choice([
                lambda: self.access(extra_q="user=%s&password=%s" % (user, sec), path="/login"),
                lambda: self.py_line("login attempt user=%s password=%s ip=%s" % (user, sec, self.ip()), logger="shop.auth"),
                lambda: self.sudo("/usr/bin/mysqldump -u root --password=%s shop" % sec),
                lambda: self.java_line("DataSource config url=jdbc:postgresql://db-01:5432/billing user=billing passwd=%s" % sec),
                lambda: self.syslog("smtp-relay[%d]" % self.pid(), "auth config: SMTP_USER=%s SMTP_PASSWORD=%s" % (user, sec)),
            ])()
        if fam == "json_password":
            body = json.dumps({"username": user, "password": sec, "remember": r.random() < 0.5})
            return r.choice([
                lambda: self.py_line("POST /api/v1/login body=%s" % body, logger="shop.views", level="DEBUG"),
                lambda: self.java_line("Request payload: %s" % body, logger="c.a.common.web.RequestLoggingFilter", level="DEBUG"),
            ])()
        if fam == "kv_token":
            key = r.choice(["token", "access_token", "refresh_token", "auth_token"])
            return r.choice([
                lambda: self.access(extra_q="%s=%s" % (key, sec), path=r.choice(["/oauth2/authorize", "/api/v1/cart", "/feed/rss"])),
                lambda: self.py_line("refreshed credentials %s=%s expires_in=3600" % (key, sec), logger="app.tasks.email"),
                lambda: self.syslog("nginx-auth[%d]" % self.pid(), "upstream returned %s: %s" % (key, sec)),
            ])()
        if fam == "api_key":
            return r.choice([
                lambda: self.access(extra_q="api_key=%s" % sec, path="/api/v2/search"),
                lambda: self.py_line("loaded settings: region=eu-west-1 api-key: %s retries=3" % sec, logger="app.cache"),
                lambda: self.java_line("Calling geocoder with X-Api-Key=%s" % sec),
            ])()
        if fam == "bearer_jwt":
            return r.choice([
                lambda: self.py_line("send: b'GET %s HTTP/1.1\\r\\nHost: api.example.com\\r\\nAuthorization: Bearer %s\\r\\n\\r\\n'" % (self.path(), sec),
                                     logger="urllib3.connectionpool", level="DEBUG"),
                lambda: self.java_line("Outgoing headers: {Accept=application/json, Authorization=Bearer %s}" % sec, level="DEBUG"),
                lambda: self.java_line("Outgoing request header Authorization: Bearer %s" % sec, level="DEBUG"),
            ])()
        if fam == "db_url":
            url = self.db_url(sec)
            return r.choice([
                lambda: self.py_line("connecting to %s (pool_size=%d)" % (url, r.randint(5, 40)), logger="django.db.backends"),
                lambda: self.java_line("Connection string: %s" % url, logger="com.zaxxer.hikari.HikariDataSource"),
                lambda: self.syslog("app-checkout[%d]" % self.pid(), "worker boot: DATABASE_URL=%s" % url),
            ])()
        if fam == "aws_akid":
            return r.choice([
                lambda: self.py_line("Found credentials in environment variables. AWS_ACCESS_KEY_ID=%s" % sec, logger="botocore.credentials"),
                lambda: self.syslog("backup-s3[%d]" % self.pid(), "uploading /srv/backup/db.dump.gz with key %s to s3://acme-backups/" % sec),
            ])()
        if fam == "github_pat":
            return r.choice([
                lambda: self.syslog("ci-agent[%d]" % self.pid(), "+ git clone https://x-access-token:%s@github.com/acme/%s.git" % (sec, r.choice(self.v.services))),
                lambda: self.py_line("using GITHUB_TOKEN %s for release upload" % sec, logger="app.tasks.email"),
            ])()
        if fam == "slack_token":
            return self.py_line("slack client ready: WebClient(token='%s')" % sec, logger="app.tasks.email")
        if fam == "stripe_key":
            return r.choice([
                lambda: self.py_line("stripe configured, api_base=https://api.stripe.com key %s" % sec, logger="shop.payments"),
                lambda: self.java_line("Stripe.apiKey set to %s" % sec),
            ])()
        if fam == "google_api":
            return self.access(extra_q="address=%s&key=%s" % (self.s(LOWER_DIG, 12), sec), path="/maps/api/geocode/json")
        raise ValueError(fam)

    def db_url(self, sec):
        r = self.r
        scheme, port = r.choice([("postgres", 5432), ("postgresql", 5432), ("mysql", 3306),
                                 ("redis", 6379), ("amqp", 5672), ("mongodb", 27017)])
        return "%s://%s:%s@%s:%d/%s" % (scheme, r.choice(["app", "svc_orders", "readonly", "billing"]), sec,
                                        r.choice(self.v.db_hosts), port, r.choice(["orders", "billing", "0", "prod"]))

    def embed_json(self, fam, sec):
        r = self.r
        if fam == "kv_password":
            return self.json_line({"message": "smtp login user=%s password=%s" % (r.choice(self.v.users), sec)})
        if fam == "json_password":
            return self.json_line({"event": "user.login", "request": {"username": r.choice(self.v.users),
                                                                      "password": sec}} if r.random() < 0.5
                                  else {"event": "db.configure", "password": sec})
        if fam == "kv_token":
            return self.json_line({r.choice(["token", "access_token", "refresh_token"]): sec, "token_type": "bearer"})
        if fam == "api_key":
            return self.json_line({r.choice(["api_key", "apiKey", "x-api-key"]): sec})
        if fam == "bearer_jwt":
            return self.json_line({"headers": {"accept": "application/json", "authorization": "Bearer " + sec}})
        if fam == "db_url":
            return self.json_line({"database_url": self.db_url(sec)})
        if fam == "aws_akid":
            return self.json_line({"aws_access_key_id": sec, "region": "eu-west-1"})
        if fam == "github_pat":
            return self.json_line({"message": "cloning https://x-access-token:%s@github.com/acme/infra.git" % sec})
        if fam == "slack_token":
            return self.json_line({"slack": {"bot_token": sec, "channel": "#alerts"}})
        if fam == "stripe_key":
            return self.json_line({"stripe_secret": sec})
        if fam == "google_api":
            return self.json_line({"uri": "/maps/api/geocode/json?address=%s&key=%s" % (self.s(LOWER_DIG, 10), sec)})
        raise ValueError(fam)

    def embed_logfmt(self, fam, sec):
        r = self.r
        if fam == "kv_password":
            return self.logfmt_line("%s=%s" % (r.choice(["password", "passwd", "db_password"]), sec))
        if fam == "json_password":
            return self.logfmt_line('password="%s"' % sec)
        if fam == "kv_token":
            return self.logfmt_line("%s=%s" % (r.choice(["token", "access_token", "refresh_token"]), sec))
        if fam == "api_key":
            return self.logfmt_line("api_key=%s" % sec)
        if fam == "bearer_jwt":
            return self.logfmt_line('authorization="Bearer %s"' % sec)
        if fam == "db_url":
            return self.logfmt_line('dsn="%s"' % self.db_url(sec))
        if fam == "aws_akid":
            return self.logfmt_line("aws_key=%s" % sec)
        if fam == "github_pat":
            return self.logfmt_line("gh_token_used=%s" % sec)
        if fam == "slack_token":
            return self.logfmt_line("slack_bot=%s" % sec)
        if fam == "stripe_key":
            return self.logfmt_line("stripe=%s" % sec)
        if fam == "google_api":
            return self.logfmt_line('upstream="https://maps.googleapis.com/maps/api/geocode/json?key=%s"' % sec)
        raise ValueError(fam)


def generate(a):
    rng = random.Random(a.seed)
    g = Gen(rng)
    pool = []
    for _ in range(a.pool):
        rec = g.benign(a.format)
        pool.append(("\n".join(rec) + "\n", len(rec)))
    truth_path = a.truth or a.out + ".truth.tsv"
    written = lines = secrets = 0
    batch = 8192
    with open(a.out, "w", encoding="ascii", newline="\n") as out, \
            open(truth_path, "w", encoding="ascii", newline="\n") as truth:
        truth.write("line\tfamily\tsecret\n")
        while written < a.size:
            parts, rows = [], []
            for text, n in rng.choices(pool, k=batch):
                if rng.random() < a.rate:
                    recs, found = g.secret_record(a.format)
                    for i, fam, sec in found:
                        rows.append("%d\t%s\t%s\n" % (lines + 1 + i, fam, sec))
                    secrets += len(found)
                    text, n = "\n".join(recs) + "\n", len(recs)
                parts.append(text)
                lines += n
                written += len(text)
                if written >= a.size:
                    break
            out.write("".join(parts))
            truth.write("".join(rows))
    return written, lines, secrets, truth_path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="See the module docstring for the families and the truth file.")
    ap.add_argument("--size", type=parse_size, default=parse_size("64M"), help="bytes to write, e.g. 64M, 1G (default 64M)")
    ap.add_argument("--out", required=True, help="corpus file to write")
    ap.add_argument("--truth", help="truth file (default OUT.truth.tsv)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=["text", "json", "logfmt", "mixed"], default="mixed")
    ap.add_argument("--rate", type=float, default=0.01, help="fraction of records carrying a secret (default 0.01)")
    ap.add_argument("--pool", type=int, default=120000, help="benign records generated before sampling (default 120000)")
    a = ap.parse_args()
    if not 0 <= a.rate <= 1 or a.pool < 1:
        ap.error("--rate must be within [0, 1] and --pool positive")
    t0 = time.time()
    written, lines, secrets, truth_path = generate(a)
    sys.stderr.write("gen_corpus: %s: %d bytes, %d lines, %d secrets (truth %s), %.1fs\n" % (
        a.out, written, lines, secrets, truth_path, time.time() - t0))


if __name__ == "__main__":
    main()
