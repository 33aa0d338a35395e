# SPDX-License-Identifier: Apache-2.0
"""Secret generators of the accuracy corpus: one per secret family.

Each generator returns a Secret: a random value in the shape its provider
or tool documents (the source is cited above each), plus what a template
needs to place it:

  kind    'password'  chosen by a person: letters, digits, punctuation
          'key'       machine-made random material (hex, base64, alnum)
          'token'     self-identifying provider format (a prefix, a
                      checksum, a fixed structure): detectable with no key
                      name beside it
          'named'     provider material that is recognisable only by the
                      name it travels under (Twilio auth token, Datadog
                      keys): templates must write it under one of `names`
  names   env-style names this family is stored under (UPPER_SNAKE);
          templates rewrite them to their own case. Empty: the template
          picks a generic sensitive name.
  url     True when the value is a whole URL whose `secret` part is only a
          piece (webhook URLs, DSNs): such values only go in templates that
          print a URL or a free-text message.

Only the `secret` substring has to disappear; `value` is what the template
writes (the same string, except for URL-shaped families).
"""

import base64
import binascii
import json
import string

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


class Secret:
  __slots__ = ("value", "secret", "kind", "names", "url")

  def __init__(self, value, kind, names=(), secret=None, url=False):
    self.value = value
    self.secret = value if secret is None else secret
    self.kind = kind
    self.names = list(names)
    self.url = url
    assert self.secret in self.value


FAMILIES = []


def family(name, cite):
  """Register a secret generator. `cite` names the document the shape
  comes from (kept in the source only; the report groups by `name`)."""
  def register(fn):
    FAMILIES.append((name, fn))
    fn.cite = cite
    return fn
  return register


# Generic secrets: what people and frameworks put under sensitive names ----

# Printable punctuation a password may hold. Templates quote or escape as
# their tool does; none of these is special to every format.
PW_PUNCT = "!#$%&*+-.:;=?@^_~/,()[]{}|<>"


@family("password-human", "NIST SP 800-63B 5.1.1.2: any printable ASCII, 8-64+")
def _pw_human(g):
  n = g.r.randint(10, 24)
  body = [g.pick(string.ascii_lowercase), g.pick(string.ascii_uppercase),
          g.pick(string.digits), g.pick("!%*+-.@^_~#$&")]
  body += [g.pick(ALNUM + "!%*+-.@^_~") for _ in range(n - 4)]
  g.r.shuffle(body)
  return Secret("".join(body), "password")


@family("password-url-unsafe",
        "RFC 3986 3.2.1 (reserved characters in userinfo); libpq 34.1.1 "
        "(a URI password may hold any character, percent-encoded or not)")
def _pw_unsafe(g):
  """Passwords holding characters that are special in URLs, shells and
  connection strings: / + @ # ? % : ; = & and blanks."""
  n = g.r.randint(12, 22)
  body = [g.pick(string.ascii_lowercase), g.pick(string.ascii_uppercase),
          g.pick(string.digits), g.pick("/+@#?%"), g.pick("/+@#?%:;=&")]
  body += [g.pick(ALNUM + "/+@#?%") for _ in range(n - 5)]
  g.r.shuffle(body)
  return Secret("".join(body), "password")


@family("password-passphrase", "NIST SP 800-63B 5.1.1.2 (passphrases, blanks allowed)")
def _pw_phrase(g):
  words = ["correct", "horse", "battery", "staple", "violet", "Orbit",
           "lantern", "quartz", "Meadow", "falcon", "ember", "tundra"]
  w = [g.pick(words) for _ in range(g.r.randint(3, 4))]
  return Secret(" ".join(w) + " " + g.digits(2) + g.pick("!?."), "password")


DJANGO_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"


@family("django-secret-key",
        "django/core/management/utils.py get_random_secret_key(): 50 of "
        "a-z0-9!@#$%^&*(-_=+); startproject prefixes django-insecure-")
def _django(g):
  key = g.s(DJANGO_CHARS, 50)
  if g.r.randrange(2):
    key = "django-insecure-" + key
  return Secret(key, "key", ["SECRET_KEY", "DJANGO_SECRET_KEY"])


@family("hex-key", "random hex keys: Rails master.key (32), Flask/Express secrets (64)")
def _hex(g):
  return Secret(g.s(HEX, g.pick([32, 40, 48, 64])), "key")


@family("base64-key", "RFC 4648 base64 of random bytes (openssl rand -base64 N)")
def _b64(g):
  return Secret(base64.b64encode(g.r.randbytes(g.pick([24, 32, 48]))).decode(), "key")


@family("alnum-key", "random alphanumeric API secrets (e.g. pwgen -s 32)")
def _alnum(g):
  return Secret(g.s(ALNUM, g.r.randint(24, 48)), "key")


@family("laravel-app-key", "Laravel docs, configuration#encryption: APP_KEY=base64:44 chars")
def _laravel(g):
  return Secret("base64:" + base64.b64encode(g.r.randbytes(32)).decode(), "key",
                ["APP_KEY"])


@family("rails-secret-key-base",
        "Rails guides, security.html#custom-credentials: secret_key_base, 128 hex; "
        "RAILS_MASTER_KEY 32 hex")
def _rails(g):
  if g.r.randrange(2):
    return Secret(g.s(HEX, 128), "key", ["SECRET_KEY_BASE"])
  return Secret(g.s(HEX, 32), "key", ["RAILS_MASTER_KEY"])


@family("uuid-secret", "UUIDs used as secrets (Heroku API keys, client secrets)")
def _uuid_secret(g):
  h = g.s(HEX, 32)
  return Secret("%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], g.pick("89ab"),
                                      h[17:20], h[20:]), "key")


# Provider formats --------------------------------------------------------

@family("aws-access-key-id", "AWS IAM User Guide, reference_identifiers#identifiers-unique-ids")
def _aws_akid(g):
  return Secret(g.pick(["AKIA", "ASIA"]) + g.s(string.ascii_uppercase + "234567", 16),
                "token", ["AWS_ACCESS_KEY_ID"])


@family("aws-secret-key", "AWS CLI configure docs: aws_secret_access_key, 40 base64 chars")
def _aws_secret(g):
  return Secret(g.s(ALNUM + "+/", 40), "named",
                ["AWS_SECRET_ACCESS_KEY", "SECRET_ACCESS_KEY", "AWS_SECRET_KEY"])


@family("gcp-api-key", "Google Cloud docs, API keys: AIza + 35 chars")
def _gcp_key(g):
  return Secret("AIza" + g.s(B64URL, 35), "token", ["GOOGLE_API_KEY"])


@family("gcp-oauth-secret", "Google Identity docs: OAuth client secrets GOCSPX- + 28")
def _gcp_oauth(g):
  return Secret("GOCSPX-" + g.s(B64URL, 28), "token", ["GOOGLE_CLIENT_SECRET"])


@family("azure-storage-key",
        "Azure Storage docs, storage-configure-connection-string: AccountKey= 88 base64")
def _azure_key(g):
  k = base64.b64encode(g.r.randbytes(64)).decode()
  return Secret(k, "named", ["AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY",
                             "ACCOUNT_KEY", "AccountKey"])


@family("azure-apim-key",
        "Azure API Management docs, api-management-subscriptions: "
        "Ocp-Apim-Subscription-Key header, 32 hex")
def _apim(g):
  return Secret(g.s(HEX, 32), "named", ["OCP_APIM_SUBSCRIPTION_KEY", "APIM_SUBSCRIPTION_KEY",
                                        "Ocp-Apim-Subscription-Key"])


def gh_style(g, prefix):
  """GitHub/npm token: prefix, 30 base62, CRC32 of those in base62 (6).
  GitHub blog 2021-04-05 'Behind GitHub's new authentication token formats'."""
  body = g.s(ALNUM, 30)
  crc = binascii.crc32(body.encode())
  enc = ""
  for _ in range(6):
    enc = BASE62[crc % 62] + enc
    crc //= 62
  return prefix + body + enc


@family("github-token", "GitHub docs, about-authentication-to-github#githubs-token-formats")
def _github(g):
  if g.r.randrange(4) == 0:
    return Secret("github_pat_" + g.s(ALNUM, 22) + "_" + g.s(ALNUM, 59), "token",
                  ["GITHUB_TOKEN", "GH_TOKEN"])
  return Secret(gh_style(g, g.pick(["ghp_", "gho_", "ghs_", "ghr_", "ghu_"])), "token",
                ["GITHUB_TOKEN", "GH_TOKEN"])


@family("gitlab-pat", "GitLab docs, security/tokens#token-prefixes: glpat- + 20")
def _gitlab(g):
  return Secret("glpat-" + g.s(B64URL, 20), "token", ["GITLAB_TOKEN", "CI_JOB_TOKEN"])


@family("npm-token", "npm docs, creating-and-viewing-access-tokens: npm_ + 36")
def _npm(g):
  return Secret(gh_style(g, "npm_"), "token", ["NPM_TOKEN"])


@family("pypi-token", "PyPI help #apitoken: pypi- macaroon, base64 of a macaroon")
def _pypi(g):
  return Secret("pypi-AgEIcHlwaS5vcmc" + g.s(B64URL, g.r.randint(60, 160)), "token",
                ["PYPI_TOKEN", "TWINE_PASSWORD"])


@family("docker-pat", "Docker docs, access-tokens: dckr_pat_ + 27")
def _docker(g):
  return Secret("dckr_pat_" + g.s(B64URL, 27), "token", ["DOCKERHUB_TOKEN"])


@family("slack-token", "Slack API docs, authentication/token-types: xoxb-/xoxp-")
def _slack(g):
  if g.r.randrange(2):
    t = "xoxb-%s-%s-%s" % (g.digits(12), g.digits(13), g.s(ALNUM, 24))
  else:
    t = "xoxp-%s-%s-%s-%s" % (g.digits(12), g.digits(12), g.digits(13), g.s(HEX, 32))
  return Secret(t, "token", ["SLACK_BOT_TOKEN", "SLACK_TOKEN"])


@family("slack-webhook", "Slack API docs, messaging/webhooks: hooks.slack.com/services/T/B/X")
def _slack_hook(g):
  tail = g.s(ALNUM, 24)
  url = "https://hooks.slack.com/services/T%s/B%s/%s" % (
      g.s(UPPER_DIGITS, 10), g.s(UPPER_DIGITS, 10), tail)
  return Secret(url, "token", ["SLACK_WEBHOOK_URL"], secret=tail, url=True)


def discord_token(g):
  """Discord bot token: base64 of the decimal user snowflake, '.', base64
  of a timestamp, '.', HMAC. Snowflakes of 2015-2016 have 17 digits, later
  ones 18 and (since 2022) 19, so the first part is 23, 24 or 26 chars;
  HMACs were 27 chars and are 38 since 2022.
  Discord developer docs, reference#authentication and
  reference#snowflakes (epoch 2015-01-01)."""
  ndig = g.pick([17, 18, 18, 19])
  uid = g.digits(ndig)
  first = base64.b64encode(uid.encode()).decode().rstrip("=")
  hmac = g.s(B64URL, g.pick([27, 38]))
  return "%s.%s.%s" % (first, g.s(B64URL, 6), hmac)


@family("discord-bot-token", "Discord developer docs, reference#authentication; user tokens "
        "of 2FA accounts were mfa. + 84 chars (2017-2021)")
def _discord(g):
  if g.r.randrange(8) == 0:
    return Secret("mfa." + g.s(B64URL, 84), "token", ["DISCORD_TOKEN"])
  return Secret(discord_token(g), "token", ["DISCORD_TOKEN", "DISCORD_BOT_TOKEN"])


@family("discord-webhook", "Discord developer docs, resources/webhook#execute-webhook")
def _discord_hook(g):
  tail = g.s(B64URL, 68)
  url = "https://discord.com/api/webhooks/%s/%s" % (g.digits(19), tail)
  return Secret(url, "token", ["DISCORD_WEBHOOK_URL"], secret=tail, url=True)


@family("telegram-bot-token", "Telegram Bot API docs, #authorizing-your-bot")
def _telegram(g):
  return Secret("%s:AA%s" % (g.digits(10), g.s(B64URL, 33)), "token",
                ["TELEGRAM_BOT_TOKEN"])


@family("twilio-api-key", "Twilio docs, iam/api-keys: API key SID SK + 32 hex")
def _twilio_sk(g):
  return Secret("SK" + g.s(HEX, 32), "token", ["TWILIO_API_KEY"])


@family("twilio-auth-token",
        "Twilio docs, iam/api/authtoken and usage/secure-credentials: 32 hex auth "
        "token; API key secret 32 alnum")
def _twilio_auth(g):
  if g.r.randrange(3) == 0:
    return Secret(g.s(ALNUM, 32), "named", ["TWILIO_API_SECRET"])
  return Secret(g.s(HEX, 32), "named", ["TWILIO_AUTH_TOKEN", "TWILIO_TOKEN"])


@family("sendgrid-key", "Twilio SendGrid docs, api-keys: SG.22.43")
def _sendgrid(g):
  return Secret("SG.%s.%s" % (g.s(B64URL, 22), g.s(B64URL, 43)), "token",
                ["SENDGRID_API_KEY"])


@family("stripe-key", "Stripe docs, keys#obtain-api-keys: sk_live_/rk_live_, whsec_")
def _stripe(g):
  t = g.pick(["sk_live_", "rk_live_", "sk_test_"]) + g.s(ALNUM, g.pick([24, 99]))
  if g.r.randrange(4) == 0:
    t = "whsec_" + g.s(ALNUM, 32)
  return Secret(t, "token", ["STRIPE_SECRET_KEY", "STRIPE_API_KEY"])


@family("square-token",
        "Square developer docs, build-basics/access-tokens: EAAA + 60 (access), "
        "sq0atp- (legacy access), sq0csp- (OAuth application secret)")
def _square(g):
  k = g.r.randrange(3)
  if k == 0:
    return Secret("EAAA" + g.s(B64URL, 60), "token", ["SQUARE_ACCESS_TOKEN"])
  if k == 1:
    return Secret("sq0atp-" + g.s(B64URL, 22), "token", ["SQUARE_ACCESS_TOKEN"])
  return Secret("sq0csp-" + g.s(B64URL, g.r.randint(30, 50)), "token",
                ["SQUARE_APPLICATION_SECRET"])


@family("shopify-token", "Shopify dev docs, authentication: shpat_/shpss_ + 32 hex")
def _shopify(g):
  return Secret(g.pick(["shpat_", "shpss_", "shpca_"]) + g.s(HEX, 32), "token",
                ["SHOPIFY_ACCESS_TOKEN"])


@family("openai-key",
        "OpenAI platform docs, api-reference/authentication: sk-proj-, "
        "sk-svcacct-, sk-admin- keys")
def _openai(g):
  p = g.pick(["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"])
  if g.r.randrange(2):
    return Secret(p + g.s(B64URL, 74) + "T3BlbkFJ" + g.s(B64URL, 74), "token",
                  ["OPENAI_API_KEY"])
  if p == "sk-":
    return Secret("sk-" + g.s(ALNUM, 20) + "T3BlbkFJ" + g.s(ALNUM, 20), "token",
                  ["OPENAI_API_KEY"])
  return Secret(p + g.s(B64URL, g.pick([48, 64, 120, 156])), "token", ["OPENAI_API_KEY"])


@family("anthropic-key", "Anthropic docs, api/getting-started: sk-ant-api03- / sk-ant-admin01-")
def _anthropic(g):
  p = g.pick(["sk-ant-api03-", "sk-ant-admin01-"])
  return Secret(p + g.s(B64URL, 93) + "AA", "token", ["ANTHROPIC_API_KEY"])


@family("groq-key", "Groq console docs, API keys: gsk_ + 52 alnum")
def _groq(g):
  return Secret("gsk_" + g.s(ALNUM, 52), "token", ["GROQ_API_KEY"])


@family("huggingface-token", "Hugging Face hub docs, security-tokens: hf_ + 34; api_org_")
def _hf(g):
  if g.r.randrange(4) == 0:
    return Secret("api_org_" + g.s(string.ascii_letters, 34), "token", ["HF_TOKEN"])
  return Secret("hf_" + g.s(string.ascii_letters, 34), "token",
                ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"])


@family("sonar-token",
        "SonarQube docs, user-guide/managing-tokens: sqp_/squ_/sqa_ + 40 hex; "
        "older SonarQube and SonarCloud tokens are 40 hex under sonar.login/SONAR_TOKEN")
def _sonar(g):
  if g.r.randrange(2):
    return Secret(g.pick(["sqp_", "squ_", "sqa_"]) + g.s(HEX, 40), "token", ["SONAR_TOKEN"])
  return Secret(g.s(HEX, 40), "named", ["SONAR_TOKEN", "SONAR_LOGIN", "SONARQUBE_TOKEN",
                                        "SONAR_AUTH_TOKEN"])


@family("datadog-key",
        "Datadog docs, account_management/api-app-keys: API key 32 hex, "
        "application key 40 hex (DD_API_KEY, DD_APP_KEY, DD-APPLICATION-KEY)")
def _datadog(g):
  if g.r.randrange(2):
    return Secret(g.s(HEX, 32), "named", ["DD_API_KEY", "DATADOG_API_KEY"])
  return Secret(g.s(HEX, 40), "named", ["DD_APP_KEY", "DD_APPLICATION_KEY",
                                        "DATADOG_APP_KEY"])


@family("newrelic-key", "New Relic docs, apis/intro-apis/new-relic-api-keys: NRAK-")
def _newrelic(g):
  return Secret("NRAK-" + g.s(UPPER_DIGITS, 27), "token", ["NEW_RELIC_API_KEY"])


@family("sentry-dsn", "Sentry docs, product/sentry-basics/dsn-explainer")
def _sentry(g):
  key = g.s(HEX, 32)
  return Secret("https://%s@o%s.ingest.sentry.io/%s" % (key, g.digits(6), g.digits(7)),
                "token", ["SENTRY_DSN"], secret=key, url=True)


@family("vault-token", "HashiCorp Vault docs, concepts/tokens#token-prefixes: hvs.")
def _vault(g):
  return Secret("hvs." + g.s(B64URL, g.pick([24, 90])), "token", ["VAULT_TOKEN"])


@family("jwt", "RFC 7519: base64url header.payload.signature")
def _jwt(g):
  header = base64.urlsafe_b64encode(json.dumps(
      {"alg": g.pick(["HS256", "RS256", "ES256"]), "typ": "JWT"},
      separators=(",", ":")).encode()).decode().rstrip("=")
  payload = base64.urlsafe_b64encode(json.dumps(
      {"sub": g.digits(8), "iat": g.r.randint(1600000000, 1750000000)},
      separators=(",", ":")).encode()).decode().rstrip("=")
  return Secret("%s.%s.%s" % (header, payload, g.b64url(32)), "token", ["ID_TOKEN"])


@family("age-key", "age spec (C2SP age.md): AGE-SECRET-KEY-1 + bech32")
def _age(g):
  return Secret("AGE-SECRET-KEY-1" + g.s(BECH32, 58).upper(), "token", ["SOPS_AGE_KEY"])


@family("grafana-token", "Grafana docs, service-accounts: glsa_")
def _grafana(g):
  return Secret("glsa_%s_%s" % (g.s(ALNUM, 32), g.s(HEX, 8)), "token",
                ["GRAFANA_SERVICE_ACCOUNT_TOKEN"])


@family("mailgun-key", "Mailgun docs, api-reference authentication: key- + 32 hex")
def _mailgun(g):
  return Secret("key-" + g.s(HEX, 32), "token", ["MAILGUN_API_KEY"])


@family("azure-sas", "Azure Storage docs, storage-sas-overview: sig= of a SAS URL")
def _azure_sas(g):
  import urllib.parse
  sig = urllib.parse.quote(base64.b64encode(g.r.randbytes(32)).decode(), safe="")
  url = ("https://store%d.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o"
         "&sp=r&se=2025-01-01T00:00:00Z&spr=https&sig=%s" % (g.r.randint(1, 99), sig))
  return Secret(url, "token", ["AZURE_SAS_URL"], secret=sig, url=True)


# Key material that only exists inside its own document: the templates of
# the same name build the document around it.

@family("jwk-private", "RFC 7518 6.2.2 / 6.3.2 / 6.4.1: d, p, q, dp, dq, qi, k (base64url)")
def _jwk(g):
  return Secret(g.b64url(g.pick([32, 48, 66, 128, 256])), "jwk")


@family("gcp-service-account",
        "Google Cloud IAM docs, keys-create-delete: service-account JSON with "
        "private_key (PKCS#8 PEM) and private_key_id (40 hex)")
def _gcp_sa(g):
  body = base64.b64encode(g.r.randbytes(g.pick([180, 240]))).decode()
  return Secret(body, "gcp-sa")


@family("pem-private-key", "RFC 7468 10/11: -----BEGIN PRIVATE KEY----- blocks")
def _pem(g):
  body = base64.b64encode(g.r.randbytes(g.pick([120, 180, 240]))).decode()
  return Secret(body, "pem")
