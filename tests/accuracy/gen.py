#!/usr/bin/env python3
"""Generate the project's own accuracy corpus for logmask.

Every secret family of the rule library, in the format its provider
documents, with random values, each placed in several contexts (bare, a
logfmt k=v line, a JSON log line, a URL query value, an RFC 3164 syslog
line); plus benign look-alikes that must stay untouched (UUIDs, git SHAs,
digests, base64 payloads, placeholders, variable names, version strings,
prose about passwords and tokens).

Output: TSV on stdout (or -o FILE), one row a line, no header:
    kind<TAB>family<TAB>context<TAB>line<TAB>secret
kind is `positive` or `negative`; `secret` is the secret exactly as written
in the line (percent- or JSON-encoded when the context encodes it), empty
for negatives. No field holds a tab, CR or newline. The same seed gives the
same bytes on every run and host (Python's random is a specified Mersenne
Twister; nothing here depends on hashing or dict order).

Usage: gen.py [--seed N] [--per-family N] [-o FILE]
"""

import argparse
import base64
import binascii
import json
import random
import string
import sys
import urllib.parse

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
# Characters a real password holds that survive an unquoted k=v value.
PW_SYMBOLS = "!%*+-.@^_~"

HOSTS = ["web-01", "api-2", "db-primary", "worker-7", "edge-3"]
APPS = ["nginx", "app", "billing", "deployer", "sshd-proxy", "cron"]


class Gen:
  """Random values in the documented shapes, from one seeded generator."""

  def __init__(self, seed):
    self.r = random.Random(seed)

  def s(self, alphabet, n):
    return "".join(self.r.choice(alphabet) for _ in range(n))

  def pick(self, seq):
    return self.r.choice(seq)

  def digits(self, n):
    return str(self.r.randint(1, 9)) + self.s(string.digits, n - 1)

  def password(self):
    """A human-chosen-looking strong password: letters, digits, symbols,
    always at least one of each class so it is never a word."""
    n = self.r.randint(12, 24)
    body = [self.pick(string.ascii_lowercase), self.pick(string.ascii_uppercase),
            self.pick(string.digits), self.pick(PW_SYMBOLS)]
    body += [self.pick(ALNUM + PW_SYMBOLS) for _ in range(n - 4)]
    self.r.shuffle(body)
    return "".join(body)

  def generic_value(self):
    """Values people put in password/secret/token/api_key assignments."""
    kind = self.r.randrange(4)
    if kind == 0:
      return self.password()
    if kind == 1:
      return self.s(HEX, self.pick([32, 40, 64]))
    if kind == 2:
      return self.s(ALNUM, self.r.randint(20, 40))
    return base64.b64encode(self.r.randbytes(self.pick([18, 24, 30]))).decode()

  def b64(self, nbytes):
    return base64.b64encode(self.r.randbytes(nbytes)).decode()

  def b64url(self, nbytes):
    return base64.urlsafe_b64encode(self.r.randbytes(nbytes)).decode().rstrip("=")

  def gh_style(self, prefix):
    """GitHub/npm token: prefix, 30 base62, CRC32 of those in base62 (6)."""
    body = self.s(ALNUM, 30)
    crc = binascii.crc32(body.encode())
    enc = ""
    for _ in range(6):
      enc = BASE62[crc % 62] + enc
      crc //= 62
    return prefix + body + enc

  def timestamp(self):
    return "2024-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        self.r.randint(1, 12), self.r.randint(1, 28), self.r.randint(0, 23),
        self.r.randint(0, 59), self.r.randint(0, 59), self.r.randint(0, 999))

  def syslog_header(self):
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return "<%d>%s %2d %02d:%02d:%02d %s %s[%d]:" % (
        self.r.choice([13, 30, 34, 38, 86, 134]), self.pick(months),
        self.r.randint(1, 28), self.r.randint(0, 23), self.r.randint(0, 59),
        self.r.randint(0, 59), self.pick(HOSTS), self.pick(APPS),
        self.r.randint(100, 65000))


# A family yields samples: (snippet, secret, json_form, query) where
#   snippet   the family's text as it appears in a plain line;
#   secret    the part that must disappear (a substring of snippet);
#   json_form optional (key, value) for a JSON log line whose field holds
#             the secret natively ({"password": "..."}); None = put the
#             snippet in "msg";
#   query     optional query parameter name when the secret can travel as
#             a URL query value; None = no URL-encoded context.
FAMILIES = []


def family(name):
  def register(fn):
    FAMILIES.append((name, fn))
    return fn
  return register


GENERIC_KEYS = {
    "password": ["password", "passwd", "pwd", "db_password", "PASSWORD"],
    "secret": ["secret", "client_secret", "app_secret", "SECRET_KEY"],
    "token": ["token", "access_token", "auth_token", "refresh_token"],
    "api-key": ["api_key", "apikey", "api-key", "x_api_key", "API_KEY"],
    "access-key": ["access_key", "private_key", "credentials"],
}
ASSIGN_STYLES = ["{k}={v}", "{k}: {v}", "{k}=\"{v}\"", "\"{k}\": \"{v}\"",
                 "{k} => {v}", "{k}='{v}'", "--{k}={v}", "{k} = {v}"]


def generic(group):
  def sample(g):
    key = g.pick(GENERIC_KEYS[group])
    value = g.generic_value()
    style = g.pick(ASSIGN_STYLES)
    if style.startswith("--"):
      key = key.lower().replace("_", "-")
    return style.format(k=key, v=value), value, (key, value), key
  return sample


for _group in GENERIC_KEYS:
  family("generic-" + _group)(generic(_group))


@family("cli-password")
def _cli_password(g):
  pw = g.password()
  form = g.pick(["mysql -u root -p{v} -h db.internal",
                 "sshpass -p '{v}' ssh deploy@10.0.0.5",
                 "redis-cli -a {v} -h cache.internal ping",
                 "pg_dump --password={v} -h db.internal app"])
  return form.format(v=pw), pw, None, None


def url_creds(scheme, host_fmt):
  def sample(g):
    user = g.pick(["admin", "app", "svc_backup", "deploy", "root"])
    pw = g.password().replace("@", "#").replace("%", "!")
    # Userinfo must be percent-encoded where the password has reserved
    # characters; write it as a client would send it.
    enc = urllib.parse.quote(pw, safe="!*+-._~^")
    url = "%s://%s:%s@%s" % (scheme, user, enc, host_fmt.format(n=g.r.randint(1, 9)))
    return url, enc, None, None
  return sample


for _scheme, _host in [
    ("http", "proxy{n}.corp.example:3128/"), ("https", "git.example.com/org/repo.git"),
    ("postgres", "db{n}.internal:5432/app?sslmode=require"),
    ("postgresql", "pg-{n}.example.net/orders"),
    ("mysql", "mysql{n}.internal:3306/shop"),
    ("mongodb+srv", "cluster{n}.ab1cd.mongodb.net/prod?retryWrites=true"),
    ("redis", "cache{n}.internal:6379/0"), ("rediss", "redis-{n}.example.net:6380"),
    ("amqp", "rabbit{n}.internal:5672/vhost"), ("amqps", "mq{n}.example.com/%2F"),
    ("ldap", "ldap{n}.corp.example:389/dc=corp,dc=example"),
    ("ldaps", "ad{n}.corp.example:636"),
    ("smtp", "smtp{n}.mail.example:587"), ("smtps", "mail{n}.example.org:465")]:
  family("url-" + _scheme)(url_creds(_scheme, _host))


@family("auth-bearer")
def _bearer(g):
  tok = g.pick([g.s(ALNUM, 40), g.b64url(32), g.s(HEX, 48)])
  key = g.pick(["Authorization", "authorization"])
  return "%s: Bearer %s" % (key, tok), tok, ("authorization", "Bearer " + tok), "access_token"


@family("auth-basic")
def _basic(g):
  cred = base64.b64encode(("%s:%s" % (g.pick(["admin", "ci", "jenkins"]),
                                      g.password())).encode()).decode()
  return "Authorization: Basic " + cred, cred, ("authorization", "Basic " + cred), None


@family("aws-access-key-id")
def _aws_akid(g):
  kid = g.pick(["AKIA", "ASIA"]) + g.s(string.ascii_uppercase + "234567", 16)
  return g.pick(["aws_access_key_id=" + kid, "using access key " + kid, kid]), kid, \
      ("aws_access_key_id", kid), "X-Amz-Credential"


@family("aws-secret-key")
def _aws_secret(g):
  sk = g.s(string.ascii_letters + string.digits + "+/", 40)
  form = g.pick(["aws_secret_access_key={v}", "AWS_SECRET_ACCESS_KEY: {v}",
                 "aws_secret_access_key = {v}", "\"SecretAccessKey\": \"{v}\""])
  return form.format(v=sk), sk, ("SecretAccessKey", sk), None


@family("gcp-api-key")
def _gcp_key(g):
  k = "AIza" + g.s(B64URL, 35)
  return k, k, None, "key"


@family("gcp-oauth-secret")
def _gcp_oauth(g):
  k = "GOCSPX-" + g.s(B64URL, 28)
  return k, k, None, "client_secret"


@family("azure-account-key")
def _azure_key(g):
  k = g.b64(64)
  return ("DefaultEndpointsProtocol=https;AccountName=store%d;AccountKey=%s;"
          "EndpointSuffix=core.windows.net" % (g.r.randint(1, 99), k)), k, None, None


@family("azure-sas")
def _azure_sas(g):
  sig = urllib.parse.quote(g.b64(32), safe="")
  url = ("https://store%d.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o"
         "&sp=r&se=2025-01-01T00:00:00Z&spr=https&sig=%s" % (g.r.randint(1, 99), sig))
  return url, sig, None, None


def github(prefix):
  def sample(g):
    t = g.gh_style(prefix)
    return t, t, None, "access_token"
  return sample


for _prefix in ["ghp_", "gho_", "ghs_", "ghr_"]:
  family("github-" + _prefix.rstrip("_"))(github(_prefix))


@family("github-pat-fine")
def _gh_fine(g):
  t = "github_pat_" + g.s(ALNUM, 22) + "_" + g.s(ALNUM, 59)
  return t, t, None, "access_token"


@family("gitlab-pat")
def _gitlab(g):
  t = "glpat-" + g.s(B64URL, 20)
  return t, t, None, "private_token"


@family("npm")
def _npm(g):
  t = g.gh_style("npm_")
  return t, t, None, None


@family("pypi")
def _pypi(g):
  t = "pypi-AgEIcHlwaS5vcmc" + g.s(B64URL, g.r.randint(60, 160))
  return t, t, None, None


@family("docker-pat")
def _docker(g):
  t = "dckr_pat_" + g.s(B64URL, 27)
  return t, t, None, None


@family("slack-bot")
def _slack_bot(g):
  t = "xoxb-%s-%s-%s" % (g.digits(12), g.digits(13), g.s(ALNUM, 24))
  return t, t, None, "token"


@family("slack-user")
def _slack_user(g):
  t = "xoxp-%s-%s-%s-%s" % (g.digits(12), g.digits(12), g.digits(13), g.s(HEX, 32))
  return t, t, None, "token"


@family("slack-webhook")
def _slack_hook(g):
  tail = g.s(ALNUM, 24)
  url = "https://hooks.slack.com/services/T%s/B%s/%s" % (
      g.s(UPPER_DIGITS, 10), g.s(UPPER_DIGITS, 10), tail)
  return url, tail, None, None


@family("discord-bot")
def _discord(g):
  t = "%s%s.%s.%s" % (g.pick("MN"), g.s(ALNUM, 25), g.s(B64URL, 6), g.s(B64URL, 38))
  return g.pick(["Authorization: Bot " + t, "discord client ready, token " + t]), t, None, None


@family("discord-webhook")
def _discord_hook(g):
  tail = g.s(B64URL, 68)
  return "https://discord.com/api/webhooks/%s/%s" % (g.digits(18), tail), tail, None, None


@family("telegram-bot")
def _telegram(g):
  t = "%s:AA%s" % (g.digits(10), g.s(B64URL, 33))
  return "https://api.telegram.org/bot%s/sendMessage" % t, t, None, None


@family("twilio")
def _twilio(g):
  if g.r.randrange(2):
    t = "SK" + g.s(HEX, 32)
    return t, t, None, None
  t = g.s(HEX, 32)
  return "TWILIO_AUTH_TOKEN=" + t, t, ("twilio_auth_token", t), None


@family("sendgrid")
def _sendgrid(g):
  t = "SG.%s.%s" % (g.s(B64URL, 22), g.s(B64URL, 43))
  return t, t, None, None


@family("mailgun")
def _mailgun(g):
  t = g.pick(["key-" + g.s(HEX, 32),
              "%s-%s-%s" % (g.s(HEX, 32), g.s(HEX, 8), g.s(HEX, 8))])
  if t.startswith("key-") and g.r.randrange(2):
    return "mailgun: sending with " + t, t, None, None
  return "MAILGUN_API_KEY=" + t, t, ("mailgun_api_key", t), None


@family("stripe")
def _stripe(g):
  t = g.pick(["sk_live_", "rk_live_"]) + g.s(ALNUM, g.pick([24, 99]))
  if g.r.randrange(4) == 0:
    t = "whsec_" + g.s(ALNUM, 32)
  return t, t, None, None


@family("shopify")
def _shopify(g):
  t = "shpat_" + g.s(HEX, 32)
  return t, t, None, None


@family("openai")
def _openai(g):
  t = "sk-proj-" + g.s(B64URL, 74) + "T3BlbkFJ" + g.s(B64URL, 74)
  return t, t, None, None


@family("anthropic")
def _anthropic(g):
  t = "sk-ant-api03-" + g.s(B64URL, 93) + "AA"
  return t, t, None, None


@family("huggingface")
def _hf(g):
  t = "hf_" + g.s(string.ascii_letters, 34)
  return t, t, None, "token"


@family("newrelic")
def _newrelic(g):
  t = "NRAK-" + g.s(UPPER_DIGITS, 27)
  return t, t, None, None


@family("sentry-dsn")
def _sentry(g):
  key = g.s(HEX, 32)
  return ("https://%s@o%s.ingest.sentry.io/%s" % (key, g.digits(6), g.digits(7)),
          key, None, None)


@family("grafana")
def _grafana(g):
  t = "glsa_%s_%s" % (g.s(ALNUM, 32), g.s(HEX, 8))
  return t, t, None, None


@family("vault")
def _vault(g):
  t = "hvs." + g.s(B64URL, g.pick([24, 90]))
  return t, t, None, "token"


@family("jwt")
def _jwt(g):
  header = base64.urlsafe_b64encode(json.dumps(
      {"alg": g.pick(["HS256", "RS256", "ES256"]), "typ": "JWT"},
      separators=(",", ":")).encode()).decode().rstrip("=")
  payload = base64.urlsafe_b64encode(json.dumps(
      {"sub": g.digits(8), "name": g.pick(["alice", "bob", "carol"]),
       "iat": g.r.randint(1600000000, 1750000000)},
      separators=(",", ":")).encode()).decode().rstrip("=")
  t = "%s.%s.%s" % (header, payload, g.b64url(32))
  return t, t, None, "id_token"


@family("pem-private-key")
def _pem(g):
  kind = g.pick(["RSA ", "EC ", "OPENSSH ", ""])
  body = g.b64(g.pick([120, 180, 240]))
  lines = [body[i:i + 64] for i in range(0, len(body), 64)]
  escaped = "\\n".join(lines)
  pem = "-----BEGIN %sPRIVATE KEY-----\\n%s\\n-----END %sPRIVATE KEY-----" % (kind, escaped, kind)
  return pem, escaped, ("private_key", pem), None


@family("age")
def _age(g):
  t = "AGE-SECRET-KEY-1" + g.s(BECH32, 58).upper()
  return t, t, None, None


# Contexts -------------------------------------------------------------------

def logfmt_quote(v):
  if v and not any(c in v for c in " \"=\\"):
    return v
  return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ctx_bare(g, snippet, secret, json_form, query):
  return snippet, secret


def ctx_kv(g, snippet, secret, json_form, query):
  msg = g.pick(["request failed", "connecting", "config loaded", "retrying upstream"])
  line = "time=%s level=%s component=%s msg=%s detail=%s" % (
      g.timestamp(), g.pick(["info", "warn", "error", "debug"]), g.pick(APPS),
      logfmt_quote(msg), logfmt_quote(snippet))
  # Quoting escapes backslashes and quotes: the secret's written form is
  # whatever the quoted value holds.
  if logfmt_quote(snippet) != snippet:
    secret = secret.replace("\\", "\\\\").replace('"', '\\"')
  return line, secret


def ctx_json(g, snippet, secret, json_form, query):
  head = {"time": g.timestamp(), "level": g.pick(["info", "warn", "error"]),
          "logger": g.pick(APPS)}
  if json_form is not None and g.r.randrange(2):
    key, value = json_form
    head[key] = value
  else:
    head["msg"] = snippet
  line = json.dumps(head, separators=(",", ":"))
  return line, json.dumps(secret)[1:-1]


def ctx_query(g, snippet, secret, json_form, query):
  if query is None:
    return None
  enc = urllib.parse.quote(secret, safe="")
  path = g.pick(["/api/v1/export", "/oauth/callback", "/hooks/deploy", "/search"])
  line = '%s - - [12/Mar/2024:10:%02d:%02d +0000] "GET %s?page=2&%s=%s&lang=en HTTP/1.1" 200 %d' % (
      "10.%d.%d.%d" % (g.r.randint(0, 255), g.r.randint(0, 255), g.r.randint(1, 254)),
      g.r.randint(0, 59), g.r.randint(0, 59), path, query, enc, g.r.randint(100, 99999))
  return line, enc


def ctx_syslog(g, snippet, secret, json_form, query):
  return "%s %s" % (g.syslog_header(), snippet), secret


CONTEXTS = [("bare", ctx_bare), ("kv", ctx_kv), ("json", ctx_json),
            ("urlenc", ctx_query), ("syslog", ctx_syslog)]


# Negatives ------------------------------------------------------------------

def uuid4(g):
  h = g.s(HEX, 32)
  return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], g.pick("89ab"), h[17:20], h[20:])


NEGATIVES = []


def negative(name):
  def register(fn):
    NEGATIVES.append((name, fn))
    return fn
  return register


@negative("uuid")
def _n_uuid(g):
  u = uuid4(g)
  return g.pick([u, "request_id=" + u, "trace %s finished in 12ms" % u,
                 "job %s queued" % u, "X-Request-Id: " + u])


@negative("git-sha")
def _n_sha(g):
  h = g.s(HEX, 40)
  return g.pick(["commit " + h, "deployed revision %s to production" % h,
                 "checkout %s (HEAD detached)" % h[:12], "git_sha=" + h])


@negative("sha256")
def _n_sha256(g):
  h = g.s(HEX, 64)
  return g.pick(["pulled image nginx@sha256:" + h, "sha256sum=%s file=backup.tar" % h,
                 "checksum ok: " + h, "digest: sha256:" + h])


@negative("trace-id")
def _n_trace(g):
  return g.pick(["trace_id=%s span_id=%s" % (g.s(HEX, 32), g.s(HEX, 16)),
                 "traceparent: 00-%s-%s-01" % (g.s(HEX, 32), g.s(HEX, 16)),
                 'ETag: "%s"' % g.s(HEX, 40)])


@negative("base64-payload")
def _n_b64(g):
  p = g.b64(g.pick([24, 48, 96]))
  return g.pick(["payload=" + p, "received message body %s (%d bytes)" % (p, len(p)),
                 "image/png;base64," + p, "data: " + p])


PLACEHOLDERS = [
    "password=${DB_PASSWORD}", "password: ${POSTGRES_PASSWORD}", "token: null",
    "api_key=<your key>", "api_key=<YOUR_API_KEY>", "secret=REDACTED",
    "password: {{ .Values.password }}", "password={{ db_password }}",
    "password=********", "token=xxxxxxxxxxxxxxxx", "secret=changeme",
    "password=%(db_password)s", "\"password\": \"\"", "\"token\": null",
    "client_secret: none", "api_key=$API_KEY", "token=[REDACTED]",
    "Authorization: Bearer <token>", "postgres://user:${DB_PASS}@db:5432/app",
    "aws_secret_access_key=<secret>", "password=true", "secret: false",
    "password=[REDACTED:password-assignment]", "token=***",
]


@negative("placeholder")
def _n_placeholder(g):
  return g.pick(PLACEHOLDERS)


@negative("variable-name")
def _n_varname(g):
  return g.pick([
      "missing environment variable DB_PASSWORD", "reading GITHUB_TOKEN from environment",
      "config key api_key not found, using default", "SECRET_KEY_BASE is not set",
      "password_policy=strict min_length=12", "token_bucket capacity=100 refill=10/s",
      "calling get_api_key() for tenant 42", "field access_token_ttl=3600",
      "using credentials provider chain: env, profile, imds",
      "secret_name=prod/db rotation_days=30", "vault path secret/data/app mounted"])


@negative("version")
def _n_version(g):
  return g.pick([
      "version=%d.%d.%d" % (g.r.randint(0, 9), g.r.randint(0, 30), g.r.randint(0, 99)),
      "OpenSSL 3.0.%d %d Oct 2023" % (g.r.randint(1, 15), g.r.randint(1, 28)),
      "go version go1.21.%d linux/amd64" % g.r.randint(0, 9),
      "Linux 6.1.0-%d-amd64 #1 SMP PREEMPT_DYNAMIC Debian" % g.r.randint(10, 30),
      "build=%d.%d+g%s" % (g.r.randint(20230101, 20241231), g.r.randint(1, 9), g.s(HEX, 7)),
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.%d.%d" % (
          g.r.randint(1000, 9999), g.r.randint(10, 200))])


@negative("prose")
def _n_prose(g):
  user = g.pick(["alice", "bob", "carol", "dave"])
  return g.pick([
      "password reset requested for user %s" % user, "token expired for session of %s" % user,
      "invalid api key supplied", "secret rotation scheduled for tonight",
      "pam_unix(sshd:auth): authentication failure; password incorrect for %s" % user,
      "Failed password for invalid user %s from 10.0.0.%d port 22 ssh2" % (user, g.r.randint(2, 254)),
      "Bearer token missing in request", "auth: token refresh succeeded",
      "user %s changed their password" % user, "the password must be at least 12 characters",
      "API key revoked by administrator", "credentials accepted for %s" % user,
      "private key loaded from /etc/ssl/private/server.key",
      "Accepted publickey for %s from 10.1.2.3 port 52144 ssh2: RSA SHA256:%s" % (
          user, g.b64(32).rstrip("="))])


def negative_contexts(g, text):
  """Negatives go in the same contexts as positives (minus URL encoding)."""
  return [("bare", text), ("kv", ctx_kv(g, text, "", None, None)[0]),
          ("json", ctx_json(g, text, "", None, None)[0]),
          ("syslog", ctx_syslog(g, text, "", None, None)[0])]


def generate(seed, per_family):
  g = Gen(seed)
  rows = []
  for name, fn in FAMILIES:
    for _ in range(per_family):
      snippet, secret, json_form, query = fn(g)
      assert secret and secret in snippet, (name, snippet, secret)
      for cname, ctx in CONTEXTS:
        out = ctx(g, snippet, secret, json_form, query)
        if out is None:
          continue
        line, written = out
        assert written in line, (name, cname, line, written)
        rows.append(("positive", name, cname, line, written))
  for name, fn in NEGATIVES:
    for _ in range(per_family * 2):
      for cname, line in negative_contexts(g, fn(g)):
        rows.append(("negative", name, cname, line, ""))
  # Interleave so that any state leaking from one line to the next (an
  # unterminated block rule, say) shows up as a failure on a later row.
  g.r.shuffle(rows)
  for row in rows:
    for field in row:
      assert not any(c in field for c in "\t\r\n"), row
  return rows


def main():
  ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  ap.add_argument("--seed", type=int, default=20240501)
  ap.add_argument("--per-family", type=int, default=4,
                  help="samples per family (each in every context)")
  ap.add_argument("-o", "--output", help="write here instead of stdout")
  args = ap.parse_args()
  rows = generate(args.seed, args.per_family)
  out = open(args.output, "w", encoding="utf-8", newline="\n") if args.output else sys.stdout
  with out:
    for row in rows:
      out.write("\t".join(row) + "\n")
  return 0


if __name__ == "__main__":
  sys.exit(main())
