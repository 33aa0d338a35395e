# SPDX-License-Identifier: Apache-2.0
"""Templates of the accuracy corpus: where secrets show up in real logs.

Three kinds of template, each written from the tool's documented output
(the document is cited above each):

  COMMANDS   command lines that carry a secret (docker login -p, mysql -p,
             openssl -pass pass:, ...), as an argv list;
  CONTEXTS   how a line is printed: the CLI printers (bash xtrace, sudo's
             COMMAND=, ps, auditd EXECVE/PROCTITLE, GitHub Actions
             [command], GitLab's "$ ", Python's CalledProcessError, JSON
             argv of Kubernetes and Docker) render a COMMAND; every other
             context (env files, YAML, XML, connection strings, name/value
             lists, manifests, framework dumps, DSNs, encodings) renders a
             secret under a name;
  CARRIERS   what a log pipeline wraps around a finished line (syslog
             header, Docker json-file record, CRI prefix, JSON log field).

A context returns (lines, written): the line(s) and the secret(s) as they
are written in them (encoded the way that context encodes), or None when
the secret cannot appear there (a blank in a value that tool cannot
quote, say).
"""

import base64
import json
import shlex
import string
import urllib.parse

HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits

# ---------------------------------------------------------------------------
# Sensitive names, built the way configuration names are: a prefix naming
# the service, and a last word naming the kind of secret.

PREFIXES = ["DB", "POSTGRES", "MYSQL", "REDIS", "SMTP", "MAIL", "ADMIN", "APP", "API",
            "MINIO_ROOT", "KEYCLOAK_ADMIN", "GRAFANA_ADMIN", "RABBITMQ_DEFAULT",
            "LDAP_BIND", "SESSION", "COOKIE", "CSRF", "JWT", "OAUTH", "WEBHOOK",
            "GITHUB_APP", "BACKUP", "S3", "VAULT", "ELASTIC", "KAFKA_SASL",
            "MONGO_INITDB_ROOT", "REGISTRY", "NEXUS", "SFTP", "PAYMENT", "ENCRYPTION",
            "SIGNING", "MASTER", "HMAC", "SENTRY", "AUTH0_CLIENT", "CLICKHOUSE",
            "ARTIFACTORY", "SNOWFLAKE", "TYPEORM", "NEXTAUTH", "SUPABASE_SERVICE"]
# Last words that name a password (human-chosen values fit them).
PW_WORDS = ["PASSWORD", "PASS", "PASSWD", "PWD", "PASSPHRASE"]
# Last words that name machine-made secrets.
KEY_WORDS = ["SECRET", "TOKEN", "KEY", "SECRET_KEY", "API_KEY", "ACCESS_TOKEN",
             "AUTH_TOKEN", "PRIVATE_KEY", "CREDENTIALS", "SALT", "SEED", "SIGNING_KEY",
             "ENCRYPTION_KEY", "MASTER_KEY", "CLIENT_SECRET", "JWT_SECRET",
             "SECRET_KEY_BASE", "HMAC_KEY", "PRIVATE", "APP_KEY", "API_TOKEN",
             "ACCESS_KEY", "SECRET_TOKEN", "REFRESH_TOKEN", "SERVICE_ROLE_KEY"]
# Words that are too generic alone (KEY=, SEED=): always given a prefix.
NEEDS_PREFIX = {"KEY", "PRIVATE", "SALT", "SEED", "PASS", "PWD"}


def words_of(name):
  return name.split("_")


def styled(name, style):
  """UPPER_SNAKE name in the case a format uses."""
  w = [x for x in name.split("_") if x]
  if style == "upper":
    return "_".join(w)
  if style == "lower":
    return "_".join(x.lower() for x in w)
  if style == "camel":
    return w[0].lower() + "".join(x.capitalize() for x in w[1:])
  if style == "pascal":
    return "".join(x.capitalize() for x in w)
  if style == "kebab":
    return "-".join(x.lower() for x in w)
  if style == "dotted":
    return ".".join(x.lower() for x in w)
  raise ValueError(style)


def sensitive_name(g, secret, style="upper"):
  """A name this secret would be stored under, in the given style."""
  if secret.names:
    n = g.pick(secret.names)
    if not n.isupper() and "_" not in n:
      return n  # written as the provider writes it (AccountKey, Ocp-Apim-...)
    return styled(n, style)
  words = PW_WORDS + ["SECRET", "CREDENTIALS"] if secret.kind == "password" else KEY_WORDS
  last = g.part("word", words)
  pre = g.part("prefix", PREFIXES)
  if last in NEEDS_PREFIX or g.r.randrange(4):
    name = pre + "_" + last
  else:
    name = last
  return styled(name, style)


# ---------------------------------------------------------------------------
# Encodings the tools apply.

def json_str(s):
  return json.dumps(s)[1:-1]


def html_escape(s):
  """django.utils.html.escape: & < > " ' -> entities."""
  return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
          .replace('"', "&quot;").replace("'", "&#x27;"))


def nginx_escape(s):
  """ngx_http_log_module escape=default: " \\ and bytes < 0x20 or > 0x7e
  become \\xHH."""
  out = []
  for ch in s:
    o = ord(ch)
    if ch in '"\\' or o < 0x20 or o > 0x7e:
      out.append("\\x%02X" % o)
    else:
      out.append(ch)
  return "".join(out)


def py_repr(s):
  return repr(s)


def py_repr_inner(s):
  """The secret as it appears inside repr(s)."""
  r = repr(s)
  return r[1:-1]


def ruby_inspect(s):
  return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("#{", "\\#{") + '"'


def pct(s):
  return urllib.parse.quote(s, safe="")


def has(s, chars):
  return any(c in s for c in chars)


# ---------------------------------------------------------------------------
# Registries.

COMMANDS = []
CONTEXTS = []
CARRIERS = []


def command(name, cite, slot="pw"):
  """A command line carrying a secret: fn(g, secret) -> (argv, i, pre,
  post) with argv[i] == pre + value + post, or None."""
  def register(fn):
    fn.cite, fn.slot = cite, slot
    COMMANDS.append((name, fn))
    return fn
  return register


def context(name, cite, slot="named", multiline=False):
  """slot: 'argv' (renders a COMMAND), 'named' (any secret under a
  sensitive name), 'pw' (a password field), 'bare' (self-identifying
  tokens only), 'url' (URL userinfo), 'header' (a credential header), or a
  document kind ('jwk', 'gcp-sa', 'pem') for key material."""
  def register(fn):
    fn.cite, fn.slot, fn.multiline = cite, slot, multiline
    CONTEXTS.append((name, fn))
    return fn
  return register


def carrier(name, cite):
  def register(fn):
    fn.cite = cite
    CARRIERS.append((name, fn))
    return fn
  return register


def accepts(slot, secret):
  """Whether a secret of this family can appear in a slot."""
  k = secret.kind
  if slot in ("jwk", "gcp-sa", "pem"):
    return k == slot
  if k in ("jwk", "gcp-sa", "pem"):
    return False
  if slot == "bare":
    return k == "token"
  if slot in ("pw", "url", "argv"):
    return k in ("password", "key", "token") and not secret.url
  if slot == "header":
    return k in ("key", "token", "named") and not secret.url and " " not in secret.value
  if slot == "named":
    return True
  raise ValueError(slot)


USERS = ["admin", "root", "app", "deploy", "ci", "svc_backup", "jenkins", "postgres"]
HOSTS = ["db.internal", "10.0.3.17", "pg-primary.prod.svc", "mysql-0.mysql", "cache.internal"]


def user(g):
  return g.pick(USERS)


# ---------------------------------------------------------------------------
# COMMANDS: how each tool takes a secret on its command line.

@command("docker-login", "docs.docker.com/reference/cli/docker/login/ (-p, --password)")
def _c_docker_login(g, s):
  reg = g.pick(["registry.example.com", "ghcr.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", ""])
  form = g.r.randrange(3)
  head = ["docker", "login", g.pick(["-u", "--username"]), user(g)]
  tail = [reg] if reg else []
  if form == 0:
    return head + ["-p", s.value] + tail, 5, "", ""
  if form == 1:
    return head + ["--password", s.value] + tail, 5, "", ""
  return head + ["--password=" + s.value] + tail, 4, "--password=", ""


@command("mysql-client",
         "dev.mysql.com/doc/refman/8.0/en/connection-options.html#option_general_password "
         "(-pPASS with no blank, --password=PASS)")
def _c_mysql(g, s):
  prog = g.pick(["mysql", "mysqldump", "mysqladmin", "mariadb", "mariadb-dump"])
  head = [prog, "-h", g.pick(HOSTS), "-u", user(g)]
  tail = [g.pick(["app", "--all-databases", "shop", "status"])]
  if g.r.randrange(2):
    return head + ["-p" + s.value] + tail, 5, "-p", ""
  return head + ["--password=" + s.value] + tail, 5, "--password=", ""


def libpq_quote(v):
  """libpq conninfo value: bare unless empty or holding blanks/quotes;
  then single quotes with \\' and \\\\ (libpq-connect.html 34.1.1.1)."""
  if v and not has(v, " '\\\t"):
    return v
  return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


@command("psql-conninfo", "postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING")
def _c_psql(g, s):
  q = libpq_quote(s.value)
  pre = "host=%s port=5432 dbname=app user=%s password=" % (g.pick(HOSTS), user(g))
  if q != s.value:
    pre += "'"
    inner = q[1:-1]
    return [g.pick(["psql", "pg_dump", "pg_isready"]), pre + inner + "' sslmode=require"], 1, pre, "' sslmode=require"
  return [g.pick(["psql", "pg_dump"]), pre + q + " sslmode=require"], 1, pre, " sslmode=require"


@command("pgpassword-env", "postgresql.org/docs/current/libpq-envars.html (PGPASSWORD)")
def _c_pgpassword(g, s):
  return (["env", "PGPASSWORD=" + s.value, g.pick(["pg_dump", "psql", "pg_restore"]),
           "-h", g.pick(HOSTS), "-U", user(g), "app"], 1, "PGPASSWORD=", "")


@command("sshpass", "sshpass(1): -p password (also glued, -pPASSWORD)")
def _c_sshpass(g, s):
  tail = [g.pick(["ssh", "scp", "rsync"]), "-o", "StrictHostKeyChecking=no",
          "%s@%s" % (user(g), g.pick(HOSTS))]
  if g.r.randrange(3) == 0:
    return ["sshpass", "-p" + s.value] + tail, 1, "-p", ""
  return ["sshpass", "-p", s.value] + tail, 2, "", ""


@command("openssl-pass",
         "openssl-passphrase-options(1): -pass/-passin/-passout pass:PASSWORD; "
         "openssl-enc(1): -k password")
def _c_openssl(g, s):
  k = g.r.randrange(4)
  if k == 0:
    return (["openssl", "enc", "-aes-256-cbc", "-salt", "-pbkdf2", "-in", "db.sql",
             "-out", "db.sql.enc", "-k", s.value], 10, "", "")
  if k == 1:
    return (["openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-in", "backup.tar.enc",
             "-out", "backup.tar", "-pass", "pass:" + s.value], 10, "pass:", "")
  if k == 2:
    return (["openssl", "pkcs12", "-export", "-in", "tls.crt", "-inkey", "tls.key",
             "-out", "keystore.p12", "-passout", "pass:" + s.value], 10, "pass:", "")
  return (["openssl", "rsa", "-in", "server.key", "-out", "server.nopass.key",
           "-passin", "pass:" + s.value], 7, "pass:", "")


@command("htpasswd", "httpd.apache.org/docs/2.4/programs/htpasswd.html (-b: password on the command line)")
def _c_htpasswd(g, s):
  flags = g.pick(["-b", "-bB", "-bc", "-bcB", "-b -B"]).split()
  path = g.pick(["/etc/nginx/.htpasswd", "/etc/apache2/.htpasswd", "auth/htpasswd"])
  argv = ["htpasswd"] + flags + [path, user(g), s.value]
  return argv, len(argv) - 1, "", ""


@command("chpasswd",
         "chpasswd(8): user:password pairs on stdin; passwd(1) (RHEL) --stdin")
def _c_chpasswd(g, s):
  if has(s.value, "'\\"):
    return None
  u = user(g)
  if g.r.randrange(2):
    script = "echo '%s:%s' | chpasswd" % (u, s.value)
    pre = "echo '%s:" % u
    return ["sh", "-c", script], 2, pre, "' | chpasswd"
  script = "echo '%s' | passwd --stdin %s" % (s.value, u)
  return ["bash", "-c", script], 2, "echo '", "' | passwd --stdin " + u


@command("aws-configure-set",
         "docs.aws.amazon.com/cli/latest/reference/configure/set.html", slot="named")
def _c_aws(g, s):
  if s.kind == "password":
    return None
  key = g.pick(["aws_secret_access_key", "default.aws_secret_access_key",
                "profile.prod.aws_secret_access_key", "aws_session_token"])
  argv = ["aws", "configure", "set", key, s.value]
  if g.r.randrange(2):
    argv += ["--profile", g.pick(["prod", "ci", "backup"])]
  return argv, 4, "", ""


@command("curl-user", "curl.se/docs/manpage.html#-u (-u user:password, --user)")
def _c_curl(g, s):
  if ":" in s.value and g.r.randrange(2):
    return None
  url = g.pick(["https://jenkins.example.com/api/json", "https://api.example.com/v1/items",
                "https://gateway.watsonplatform.net/language-translator/api",
                "http://localhost:9200/_cluster/health"])
  u = g.pick(["admin", "apikey", "deploy", "elastic", "ci-bot"])
  opt = g.pick(["-u", "--user"])
  return ["curl", "-sS", opt, "%s:%s" % (u, s.value), url], 3, u + ":", ""


@command("kubectl-from-literal",
         "kubernetes.io/docs/tasks/configmap-secret/managing-secret-using-kubectl/ "
         "(kubectl create secret generic NAME --from-literal=KEY=VALUE)", slot="named")
def _c_kubectl(g, s):
  key = g.pick(["password", "api-key", "token", "key", "DATABASE_PASSWORD", "secret",
                "connection-string", "value", "jwt-secret", "credentials"])
  name = g.pick(["db-credentials", "app-secrets", "api", "registry-auth"])
  argv = ["kubectl", "create", "secret", "generic", name, "-n", g.pick(["prod", "default"]),
          "--from-literal=username=app", "--from-literal=%s=%s" % (key, s.value)]
  return argv, 8, "--from-literal=%s=" % key, ""


@command("helm-set", "helm.sh/docs/helm/helm_upgrade/ (--set key=value, --set-string)",
         slot="named")
def _c_helm(g, s):
  if has(s.value, ",\\"):
    return None  # helm --set splits on ',' unless escaped
  path = g.pick(["postgresql.auth.password", "auth.rootPassword", "redis.auth.password",
                 "secrets.apiKey", "env.JWT_SECRET", "global.postgresql.auth.postgresPassword",
                 "config.secretKey", "admin.existingSecretKey", "smtp.password",
                 "grafana.adminPassword", "app.signingKey"])
  if path == "admin.existingSecretKey":
    path = "admin.password"
  argv = ["helm", "upgrade", "--install", g.pick(["api", "db", "grafana"]),
          g.pick(["./chart", "bitnami/postgresql", "oci://registry.example.com/charts/app"]),
          "-n", "prod", g.pick(["--set", "--set-string"]), "%s=%s" % (path, s.value)]
  return argv, 8, path + "=", ""


@command("git-url", "git-scm.com/docs/git-clone#_git_urls (https://user:password@host/path)",
         slot="url")
def _c_git(g, s):
  enc = urllib.parse.quote(s.value, safe="!$&'()*+,;=-._~") if has(s.value, "@/:#?% ") else s.value
  host = g.pick(["github.com/acme/api.git", "gitlab.example.com/group/app.git",
                 "bitbucket.org/team/repo.git"])
  u = g.pick(["x-access-token", "oauth2", "ci", "deploy"])
  url = "https://%s:%s@%s" % (u, enc, host)
  if g.r.randrange(2):
    return ["git", "clone", "--depth", "1", url], 4, "https://%s:" % u, "@" + host
  return ["git", "remote", "set-url", "origin", url], 4, "https://%s:" % u, "@" + host


@command("redis-cli", "redis.io/docs/latest/develop/tools/cli/ (-a password, --pass)")
def _c_redis(g, s):
  return (["redis-cli", "-h", g.pick(HOSTS), g.pick(["-a", "--pass"]), s.value,
           "--no-auth-warning", g.pick(["ping", "info", "keys", "monitor"])], 4, "", "")


@command("mongosh", "mongodb.com/docs/mongodb-shell/reference/options/ (--password, -p)")
def _c_mongosh(g, s):
  return (["mongosh", "mongodb://%s:27017/admin" % g.pick(HOSTS), "--username", user(g),
           g.pick(["--password", "-p"]), s.value], 5, "", "")


@command("docker-run-env", "docs.docker.com/reference/cli/docker/container/run/#env (-e, --env)",
         slot="named")
def _c_docker_env(g, s):
  name = sensitive_name(g, s, "upper")
  opt = g.pick(["-e", "--env"])
  argv = ["docker", "run", "-d", "--name", "app", opt, "%s=%s" % (name, s.value),
          g.pick(["app:1.4.2", "postgres:16", "registry.example.com/api:latest"])]
  return argv, 6, name + "=", ""


@command("vault-login", "developer.hashicorp.com/vault/docs/commands/login (token as argument)",
         slot="named")
def _c_vault(g, s):
  if s.kind == "password":
    return ["vault", "login", "-method=userpass", "username=" + user(g),
            "password=" + s.value], 4, "password=", ""
  return None


# ---------------------------------------------------------------------------
# CONTEXTS that print a command line.

def audit_field(a):
  """kernel/auditsc.c audit_log_execve_info -> audit_log_n_untrustedstring:
  an argument holding '"', a blank, a control byte or a byte > 0x7e is
  written in upper-case hex, else in double quotes."""
  if any(c == '"' or ord(c) <= 0x20 or ord(c) > 0x7e for c in a):
    return a.encode().hex().upper(), True
  return '"%s"' % a, False


@context("bash-xtrace", "GNU Bash manual, The Set Builtin: -x prints '+ ' and each "
         "command with its arguments quoted for reuse as input", slot="argv")
def _x_xtrace(g, s, argv, i, pre, post):
  words = []
  for a in argv:
    q = shlex.quote(a)
    words.append(q)
  line = g.pick(["+ ", "++ ", "+ "]) + " ".join(words)
  arg = shlex.quote(argv[i])
  if arg == argv[i]:
    return [line], [s.value]
  # inside '...' a single quote is written '"'"' by shlex ('\'' by bash)
  written = s.value.replace("'", "'\"'\"'")
  return [line], [written]


@context("sudo-log", "sudoers(5), LOG FORMAT: 'user : TTY=… ; PWD=… ; USER=… ; COMMAND=…' "
         "(argv joined by blanks, not quoted)", slot="argv")
def _x_sudo(g, s, argv, i, pre, post):
  if " " in s.value:
    return None  # unquoted argv: a blank splits it; ambiguous for sudo too
  u = g.pick(["bob", "alice", "deploy", "ubuntu"])
  line = "%s %s sudo: %8s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/%s" % (
      g.syslog_ts(), g.host(), u, g.r.randint(0, 9), u, " ".join(argv))
  return [line], [s.value]


@context("ps-aux", "procps ps(1), 'ps aux': USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND",
         slot="argv")
def _x_ps(g, s, argv, i, pre, post):
  if " " in s.value:
    return None
  line = "%-8s %6d  %3.1f  %3.1f %6d %5d ?        %-4s %02d:%02d   0:%02d %s" % (
      g.pick(["root", "app", "postgres", "jenkins"]), g.r.randint(300, 65000),
      g.r.random() * 5, g.r.random() * 3, g.r.randint(10000, 900000),
      g.r.randint(1000, 90000), g.pick(["S", "Ss", "Sl", "R+", "S+"]),
      g.r.randint(0, 23), g.r.randint(0, 59), g.r.randint(0, 59), " ".join(argv))
  return [line], [s.value]


@context("auditd-execve", "Red Hat Security Guide, 'Understanding Audit Log Files' (type=EXECVE "
         "argc= a0= a1=...); kernel/auditsc.c audit_log_execve_info (hex for arguments "
         "with blanks, quotes or control bytes)", slot="argv")
def _x_execve(g, s, argv, i, pre, post):
  fields, written = [], None
  for n, a in enumerate(argv):
    f, hexed = audit_field(a)
    fields.append("a%d=%s" % (n, f))
    if n == i:
      if hexed:
        # hex of the value is a run inside the hex of the whole argument
        written = s.value.encode().hex().upper()
      else:
        written = s.value
  line = "type=EXECVE msg=audit(%d.%03d:%d): argc=%d %s" % (
      g.r.randint(1700000000, 1750000000), g.r.randint(0, 999), g.r.randint(1000, 999999),
      len(argv), " ".join(fields))
  return [line], [written]


@context("auditd-proctitle", "Linux audit PROCTITLE record: the command line, arguments "
         "separated by NUL, hex-encoded, at most 128 bytes (kernel/auditsc.c "
         "MAX_PROCTITLE_AUDIT_LEN)", slot="argv")
def _x_proctitle(g, s, argv, i, pre, post):
  raw = "\0".join(argv).encode()
  start = len("\0".join(argv[:i]).encode()) + (1 if i else 0) + len(pre.encode())
  end = start + len(s.value.encode())
  if end > 128:
    return None
  raw = raw[:128]
  line = "type=PROCTITLE msg=audit(%d.%03d:%d): proctitle=%s" % (
      g.r.randint(1700000000, 1750000000), g.r.randint(0, 999), g.r.randint(1000, 999999),
      raw.hex().upper())
  return [line], [s.value.encode().hex().upper()]


@context("github-actions-command", "github.com/actions/toolkit packages/exec/src/toolrunner.ts: "
         "'[command]' + tool path + arguments joined by blanks", slot="argv")
def _x_gha(g, s, argv, i, pre, post):
  if " " in s.value:
    return None
  line = "%s [command]/usr/bin/%s" % (g.iso_ts(7), " ".join(argv))
  return [line], [s.value]


@context("gitlab-ci-echo", "gitlab-runner shells/bash.go: each script line echoed in green "
         "as '$ LINE' (ESC[32;1m$ …ESC[0;m) before it runs", slot="argv")
def _x_gitlab(g, s, argv, i, pre, post):
  words = [shlex.quote(a) for a in argv]
  line = "\x1b[32;1m$ %s\x1b[0;m" % " ".join(words)
  written = s.value if shlex.quote(argv[i]) == argv[i] else s.value.replace("'", "'\"'\"'")
  return [line], [written]


@context("python-calledprocesserror",
         "docs.python.org/3/library/subprocess.html#subprocess.CalledProcessError: "
         "\"Command '[...]' returned non-zero exit status N.\" (repr of the argv list)",
         slot="argv")
def _x_pysub(g, s, argv, i, pre, post):
  r = repr(argv)
  line = "subprocess.CalledProcessError: Command '%s' returned non-zero exit status %d." % (
      r, g.r.randint(1, 127))
  written = py_repr_inner(s.value)
  if g.r.randrange(2):
    line = "ERROR:deploy:%s" % line
  return [line], [written]


@context("k8s-container-args",
         "kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/ "
         "(command/args arrays, as printed by kubectl get pod -o json)", slot="argv")
def _x_k8s_args(g, s, argv, i, pre, post):
  spec = {"name": "app", "image": "registry.example.com/app:1.4.2",
          "command": [argv[0]], "args": argv[1:],
          "resources": {"limits": {"memory": "256Mi"}}}
  line = json.dumps({"spec": {"containers": [spec]}}, separators=(",", ":"))
  return [line], [json_str(s.value)]


@context("docker-inspect-args", "docs.docker.com/reference/cli/docker/inspect/ "
         "(\"Path\" and \"Args\" of a container)", slot="argv")
def _x_docker_args(g, s, argv, i, pre, post):
  line = '        "Path": %s, "Args": %s,' % (json.dumps(argv[0]), json.dumps(argv[1:]))
  return [line], [json_str(s.value)]


# ---------------------------------------------------------------------------
# CONTEXTS that store a secret under a name.

@context("dotenv", "github.com/motdotla/dotenv#rules; docs.docker.com/compose/how-tos/"
         "environment-variables/variable-interpolation/#env-file-syntax")
def _t_dotenv(g, s):
  name = sensitive_name(g, s, "upper")
  v = s.value
  if has(v, " #'\"$\\`"):
    if "'" in v:
      return None
    return ["%s='%s'" % (name, v)], [v]
  return ["%s%s=%s" % (g.pick(["", "", "export "]), name,
                       g.pick(["%s", '"%s"']) % v)], [v]


@context("bash-declare-x", "GNU Bash manual, Bourne Shell Builtins: export -p prints "
         "'declare -x NAME=\"value\"' ($ \" \\ ` escaped)")
def _t_declare(g, s):
  name = sensitive_name(g, s, "upper")
  esc = "".join("\\" + c if c in '$"\\`' else c for c in s.value)
  return ['declare -x %s="%s"' % (name, esc)], [esc]


@context("dockerfile-env-build", "docs.docker.com/reference/dockerfile/#env; classic "
         "builder output 'Step N/M : ENV NAME=value'")
def _t_dockerfile(g, s):
  if has(s.value, " \\\"'$"):
    return None
  name = sensitive_name(g, s, "upper")
  n = g.r.randint(2, 12)
  form = g.pick(["Step %d/%d : ENV %s=%s", "Step %d/%d : ENV %s %s"])
  return [form % (n, n + g.r.randint(1, 8), name, s.value)], [s.value]


@context("docker-inspect-env", "docs.docker.com/reference/cli/docker/inspect/ "
         "(Config.Env: a list of NAME=value strings)")
def _t_docker_env(g, s):
  name = sensitive_name(g, s, "upper")
  env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
         "%s=%s" % (name, s.value), "LANG=C.UTF-8"]
  g.r.shuffle(env)
  if g.r.randrange(2):
    line = '            "Env": %s,' % json.dumps(env)
  else:
    line = json.dumps({"Id": g.s(HEX, 64), "Config": {"Hostname": g.s(HEX, 12), "Env": env}},
                      separators=(",", ":"))
  return [line], [json_str(s.value)]


@context("compose-environment", "docs.docker.com/reference/compose-file/services/#environment "
         "(docker compose config prints the mapping form)")
def _t_compose(g, s):
  name = sensitive_name(g, s, "upper")
  v = s.value
  if g.r.randrange(2):
    if has(v, ": #'\"") or v[:1] in "!&*%@`{[|>-?,":
      return ['      %s: "%s"' % (name, v.replace("\\", "\\\\").replace('"', '\\"'))], \
          [v.replace("\\", "\\\\").replace('"', '\\"')]
    return ["      %s: %s" % (name, v)], [v]
  if has(v, " #'\""):
    return None
  return ["      - %s=%s" % (name, v)], [v]


def yaml_scalar(v):
  """How a YAML emitter (PyYAML, Go yaml.v3) writes a string scalar."""
  plain_bad = ": " in v or " #" in v or v[:1] in "!&*%@`{[|>-?,'\"#" or v.endswith(":") \
      or v != v.strip() or v.lower() in ("true", "false", "null", "yes", "no", "on", "off")
  if not plain_bad:
    return v, v
  if "'" not in v:
    return "'%s'" % v, v
  esc = v.replace("\\", "\\\\").replace('"', '\\"')
  return '"%s"' % esc, esc


@context("yaml-config", "yaml.org/spec/1.2.2/ (block mappings); Spring Boot "
         "application.yml, Helm values, Ansible vars as printed by tools")
def _t_yaml(g, s):
  name = sensitive_name(g, s, g.pick(["lower", "camel", "kebab"]))
  text, written = yaml_scalar(s.value)
  indent = " " * g.pick([0, 2, 4, 6])
  return ["%s%s: %s" % (indent, name, text)], [written]


@context("toml-config", "toml.io/en/v1.0.0 (key = \"basic string\" / 'literal string')")
def _t_toml(g, s):
  name = sensitive_name(g, s, g.pick(["lower", "kebab"]))
  v = s.value
  if "'" not in v and g.r.randrange(2):
    return ["%s = '%s'" % (name, v)], [v]
  esc = v.replace("\\", "\\\\").replace('"', '\\"')
  return ['%s = "%s"' % (name, esc)], [esc]


@context("ini-config", "dev.mysql.com/doc/refman/8.0/en/option-files.html (password=...); "
         "Python configparser, php.ini (name = value)")
def _t_ini(g, s):
  name = sensitive_name(g, s, g.pick(["lower", "lower", "upper"]))
  v = s.value
  if v != v.strip() or v[:1] in "\"'" or has(v, "#;"):
    if '"' in v:
      return None
    return ['%s = "%s"' % (name, v)], [v]
  return [g.pick(["%s = %s", "%s=%s"]) % (name, v)], [v]


@context("java-properties", "docs.oracle.com/javase/8/docs/api/java/util/Properties.html#load; "
         "Spring Boot common application properties (spring.datasource.password)")
def _t_properties(g, s):
  if s.names:
    key = styled(g.pick([n for n in s.names if "_" in n] or ["API_KEY"]), "dotted")
  else:
    key = g.pick(["spring.datasource.password", "spring.mail.password",
                  "spring.rabbitmq.password", "spring.data.redis.password",
                  "app.jwt.secret", "app.security.signing-key", "jwt.secret-key",
                  "spring.security.oauth2.client.registration.github.client-secret",
                  "mail.smtp.password", "db.password", "quarkus.datasource.password",
                  "keystore.password", "encryption.key", "app.api-key", "app.hmac.salt"])
    if s.kind == "password" and not any(w in key for w in ("password", "secret")):
      key = "spring.datasource.password"
  # Properties.load: a backslash escapes; = and : only matter in keys.
  esc = s.value.replace("\\", "\\\\")
  return [g.pick(["%s=%s", "%s = %s", "%s: %s"]) % (key, esc)], [esc]


def xml_escape(v):
  return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@context("xml-element", "maven.apache.org/settings.html#servers (<password>); "
         "Spring/Tomcat XML configuration elements")
def _t_xml(g, s):
  name = sensitive_name(g, s, g.pick(["camel", "lower", "camel"]))
  esc = xml_escape(s.value)
  if g.r.randrange(2):
    line = "<server><id>%s</id><username>%s</username><password>%s</password></server>" % (
        g.pick(["nexus", "releases", "github"]), user(g), esc)
  else:
    line = "    <%s>%s</%s>" % (name, esc, name)
  return [line], [esc]


@context("xml-attribute", "tomcat.apache.org/tomcat-10.1-doc/jndi-datasource-examples-howto.html "
         "(<Resource … password=\"…\"/>)")
def _t_xml_attr(g, s):
  esc = xml_escape(s.value).replace('"', "&quot;")
  name = "password" if s.kind == "password" else sensitive_name(g, s, "camel")
  line = ('<Resource name="jdbc/app" auth="Container" type="javax.sql.DataSource" '
          'username="%s" %s="%s" driverClassName="org.postgresql.Driver" '
          'url="jdbc:postgresql://db:5432/app"/>' % (user(g), name, esc))
  return [line], [esc]


@context("dotnet-appsettings-add", "learn.microsoft.com/dotnet/framework/configure-apps/"
         "file-schema/appsettings/add-element-for-appsettings (<add key= value=/>)")
def _t_addkey(g, s):
  name = sensitive_name(g, s, "pascal")
  esc = xml_escape(s.value).replace('"', "&quot;")
  return ['    <add key="%s" value="%s" />' % (name, esc)], [esc]


def odbc_value(v):
  """SqlClient connection-string value: quoted when it holds ; ' " or
  leading/trailing blanks (learn.microsoft.com, connection-string-syntax)."""
  if not has(v, ";'\"") and v == v.strip():
    return v, v
  if '"' not in v:
    return '"%s"' % v, v
  if "'" not in v:
    return "'%s'" % v, v
  esc = v.replace('"', '""')
  return '"%s"' % esc, esc


@context("dotnet-connection-string", "learn.microsoft.com/dotnet/framework/data/adonet/"
         "connection-string-syntax (Password=…; quoted when it holds ; or quotes)", slot="pw")
def _t_dotnet(g, s):
  text, written = odbc_value(s.value)
  key = g.pick(["Password", "Password", "Pwd", "password"])
  pre = g.pick(["Server=tcp:%s,1433;Initial Catalog=app;Persist Security Info=False;"
                "User ID=%s;" % (g.pick(HOSTS), user(g)),
                "Data Source=%s;Database=app;User Id=%s;" % (g.pick(HOSTS), user(g)),
                "Host=%s;Port=5432;Database=app;Username=%s;" % (g.pick(HOSTS), user(g))])
  line = "%s%s=%s;%s" % (pre, key, text, g.pick(["Encrypt=True;Connection Timeout=30;",
                                                  "MultipleActiveResultSets=true", ""]))
  if g.r.randrange(2):
    line = "ConnectionStrings__Default=" + line if g.r.randrange(2) else \
        '"ConnectionStrings": { "Default": "%s" }' % json_str(line)
    if line.startswith('"'):
      written = json_str(written)
  return [line], [written]


@context("jdbc-url", "learn.microsoft.com/sql/connect/jdbc/building-the-connection-url "
         "(;password=…; braces around values holding ;); jdbc.postgresql.org/"
         "documentation/use/ and MySQL Connector/J (?user=…&password=…)", slot="pw")
def _t_jdbc(g, s):
  v = s.value
  if g.r.randrange(2):
    if "}" in v:
      return None
    text = "{%s}" % v if has(v, ";{") else v
    url = "jdbc:sqlserver://%s:1433;databaseName=app;user=%s;password=%s;encrypt=true" % (
        g.pick(HOSTS), user(g), text)
    return ["spring.datasource.url=" + url if g.r.randrange(2) else "Connecting to " + url], [v]
  enc = urllib.parse.quote(v, safe="!*-._~")
  db = g.pick(["postgresql", "mysql", "mariadb"])
  url = "jdbc:%s://%s/app?user=%s&password=%s&ssl=true" % (db, g.pick(HOSTS), user(g), enc)
  return ["HikariPool-1 - Starting... jdbcUrl=" + url if g.r.randrange(2) else url], [enc]


@context("k8s-env-list", "kubernetes.io/docs/tasks/inject-data-application/"
         "define-environment-variable-container/ (env: [{name, value}]) as printed by "
         "kubectl get pod -o json")
def _t_k8s_env(g, s):
  name = sensitive_name(g, s, "upper")
  env = [{"name": "LOG_LEVEL", "value": "info"}, {"name": name, "value": s.value},
         {"name": "PORT", "value": "8080"}]
  g.r.shuffle(env)
  doc = {"name": "api", "image": "registry.example.com/api:2.1", "env": env}
  sep = g.pick([(",", ":"), (", ", ": ")])
  return [json.dumps({"spec": {"containers": [doc]}}, separators=sep)], [json_str(s.value)]


@context("ecs-task-environment", "docs.aws.amazon.com/AmazonECS/latest/developerguide/"
         "task_definition_parameters.html#container_definition_environment")
def _t_ecs(g, s):
  name = sensitive_name(g, s, "upper")
  env = [{"name": "NODE_ENV", "value": "production"}, {"name": name, "value": s.value}]
  g.r.shuffle(env)
  line = '            "environment": %s,' % json.dumps(env)
  return [line], [json_str(s.value)]


@context("aws-tag-list", "docs.aws.amazon.com/cli/latest/reference/ec2/describe-tags.html; "
         "resourcegroupstaggingapi get-resources (Tags: [{Key, Value}])")
def _t_tags(g, s):
  name = sensitive_name(g, s, g.pick(["lower", "upper", "pascal"]))
  tags = [{"Key": "Name", "Value": "api-prod"}, {"Key": name, "Value": s.value},
          {"Key": "team", "Value": "payments"}]
  g.r.shuffle(tags)
  return [json.dumps({"ResourceARN": "arn:aws:ec2:eu-west-1:123456789012:instance/i-0%s" % g.s(HEX, 16),
                      "Tags": tags})], [json_str(s.value)]


@context("aws-ssm-parameter", "docs.aws.amazon.com/cli/latest/reference/ssm/get-parameter.html "
         "(--with-decryption: Parameter.Name/Type/Value)")
def _t_ssm(g, s):
  name = "/%s/%s/%s" % (g.pick(["prod", "staging"]), g.pick(["api", "db", "billing"]),
                        sensitive_name(g, s, "lower"))
  doc = {"Parameter": {"Name": name, "Type": "SecureString", "Value": s.value,
                       "Version": g.r.randint(1, 9), "ARN": "arn:aws:ssm:eu-west-1:123456789012:parameter" + name}}
  return [json.dumps(doc)], [json_str(s.value)]


@context("cloudformation-parameters", "docs.aws.amazon.com/cli/latest/reference/cloudformation/"
         "describe-stacks.html (Parameters: [{ParameterKey, ParameterValue}])")
def _t_cfn(g, s):
  name = sensitive_name(g, s, "pascal")
  params = [{"ParameterKey": "Environment", "ParameterValue": "prod"},
            {"ParameterKey": name, "ParameterValue": s.value}]
  g.r.shuffle(params)
  return [json.dumps({"StackName": "api", "Parameters": params})], [json_str(s.value)]


@context("http-header-list", "nodejs.org/api/http.html#messagerawheaders (flat list); "
         "WHATWG fetch Headers entries ([[name, value]]); requests' headers repr", slot="header")
def _t_headers(g, s):
  scheme = g.pick(["Bearer ", "Bearer ", "Token ", ""])
  name = "Authorization" if scheme else g.pick(["X-Api-Key", "Private-Token", "X-Auth-Token",
                                                 "DD-API-KEY", "Ocp-Apim-Subscription-Key"])
  if s.kind == "named" and s.names and "-" in s.names[-1]:
    name, scheme = s.names[-1], ""
  v = scheme + s.value
  k = g.r.randrange(3)
  if k == 0:
    line = "rawHeaders: [ 'Host', 'api.example.com', '%s', '%s', 'Accept', '*/*' ]" % (name, v)
    return [line], [s.value]
  if k == 1:
    return [json.dumps([["accept", "application/json"], [name.lower(), v]])], [json_str(s.value)]
  line = "DEBUG:urllib3: send headers {'User-Agent': 'python-requests/2.31.0', '%s': '%s'}" % (name, v)
  return [line], [s.value]


@context("ruby-hash-inspect", "ruby-doc.org Hash#inspect ('\"k\"=>\"v\"'; Ruby 3.4: 'k: \"v\"'); "
         "Net::HTTP#to_hash gives header => [values]")
def _t_ruby(g, s):
  k = g.r.randrange(3)
  if k == 0:
    if s.url or " " in s.value:
      return None
    scheme = g.pick(["Basic ", "Bearer "])
    v = s.value
    if scheme == "Basic ":
      v = base64.b64encode(("%s:%s" % (user(g), s.value)).encode()).decode()
    return ['{"content-type"=>["application/json"], "authorization"=>["%s%s"]}' % (scheme, v)], [v]
  name = sensitive_name(g, s, "lower")
  ins = ruby_inspect(s.value)
  if k == 1:
    return ["Processing with {:user=>\"%s\", :%s=>%s}" % (user(g), name, ins)], [ins[1:-1]]
  return ['Parameters: {"email"=>"bob@example.com", "%s"=>%s}' % (name, ins)], [ins[1:-1]]


@context("php-stack-trace", "php.net/manual/en/ini.core.php#ini.zend.exception-string-param-max-len "
         "(string arguments cut at 15 bytes + '...'); PDO::__construct(dsn, username, password)",
         slot="pw")
def _t_php(g, s):
  v = s.value
  if "'" in v or "\\" in v:
    return None
  shown = v if len(v) <= 15 else v[:15] + "..."
  written = v[:15]
  fn = g.pick(["PDO->__construct('mysql:host=db;d...', '%s', '%s', Array)",
               "mysqli->real_connect('db.internal', '%s', '%s', 'app', 3306)",
               "mysqli_connect('10.0.3.17', '%s', '%s')",
               "Illuminate\\Database\\Connectors\\Connector->createPdoConnection('pgsql:host=db...', '%s', '%s', Array)"])
  line = "#%d /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php(%d): %s" % (
      g.r.randint(0, 3), g.r.randint(40, 120), fn % (user(g), shown))
  return [line], [written]


@context("python-repr", "docs.python.org/3/library/functions.html#repr (dict repr; keyword "
         "arguments in tracebacks' source lines; locals dumps such as pw = '…')")
def _t_pyrepr(g, s):
  r = repr(s.value)
  inner = r[1:-1]
  k = g.r.randrange(4)
  if k == 0:
    name = sensitive_name(g, s, "lower")
    return ["connect kwargs: {'host': 'db.internal', 'user': 'app', '%s': %s, 'port': 5432}" % (name, r)], [inner]
  if k == 1:
    if s.kind != "password":
      return None
    return ["    conn = MySQLdb.connect(host='db', user='app', passwd=%s, db='shop')" % r], [inner]
  if k == 2:
    name = g.pick(["pw", "passwd", "password", "db_pass", "secret", "api_key", "token"])
    if name in ("pw", "passwd", "password", "db_pass") and s.kind not in ("password", "key"):
      name = "token"
    return ["    %s = %s" % (name, r)], [inner]
  name = sensitive_name(g, s, "lower")
  return ["locals: {'self': <app.db.Pool object at 0x7f3a2c1d5e80>, '%s': %s, 'retries': 3}" % (name, r)], [inner]


@context("django-diffsettings", "docs.djangoproject.com/en/stable/ref/django-admin/#diffsettings "
         "(NAME = repr(value), '###' after non-default settings)")
def _t_django_settings(g, s):
  r = repr(s.value)
  if s.names and "SECRET_KEY" in s.names:
    return ["SECRET_KEY = %s  ###" % r], [r[1:-1]]
  if g.r.randrange(2) and s.kind == "password":
    dbs = "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app', " \
          "'USER': 'app', 'PASSWORD': %s, 'HOST': 'db', 'PORT': '5432'}}  ###" % r
    return [dbs], [r[1:-1]]
  name = sensitive_name(g, s, "upper")
  return ["%s = %s  ###" % (name, r)], [r[1:-1]]


@context("django-debug-page", "django/views/templates/technical_500.html (Local vars and META "
         "rows: <td>NAME</td><td class=\"code\"><pre>repr, HTML-escaped</pre></td>)")
def _t_django_html(g, s):
  r = html_escape(repr(s.value))
  inner = r[len("&#x27;"):-len("&#x27;")] if r.startswith("&#x27;") else r[len("&quot;"):-len("&quot;")]
  k = g.r.randrange(2)
  if k == 0 and not s.url and " " not in s.value and s.kind != "password":
    v = html_escape(repr("Bearer " + s.value))
    return ['<tr><td>HTTP_AUTHORIZATION</td><td class="code"><pre>%s</pre></td></tr>' % v], \
        [html_escape(s.value)]
  name = g.pick(["password", "raw_password", "secret", "api_key", "token"]) \
      if s.kind != "named" else sensitive_name(g, s, "lower")
  if s.kind == "password" and name in ("api_key", "token"):
    name = "password"
  return ['<tr><td>%s</td><td class="code"><pre>%s</pre></td></tr>' % (name, r)], [inner]


@context("spring-actuator-env", "docs.spring.io/spring-boot/api/rest/actuator/env.html "
         "(propertySources[].properties: {NAME: {value, origin}})")
def _t_actuator(g, s):
  if s.names:
    key = g.pick([n for n in s.names if "_" in n] or ["API_KEY"])
    key = key if g.r.randrange(2) else styled(key, "dotted")
  else:
    key = g.pick(["spring.datasource.password", "spring.mail.password", "app.jwt.secret",
                  "DB_PASSWORD", "spring.security.oauth2.client.registration.okta.client-secret",
                  "management.datadog.metrics.export.api-key", "REDIS_PASSWORD"])
    if s.kind == "password" and "pass" not in key.lower() and "secret" not in key.lower():
      key = "spring.datasource.password"
  doc = {"activeProfiles": ["prod"], "propertySources": [{"name": g.pick(
      ["systemEnvironment", "Config resource 'class path resource [application.yml]' via location 'optional:classpath:/'"]),
      "properties": {key: {"value": s.value, "origin": "System Environment Property \"%s\"" % key}}}]}
  return [json.dumps(doc, separators=(",", ":"))], [json_str(s.value)]


@context("rails-credentials", "guides.rubyonrails.org/security.html#custom-credentials "
         "(bin/rails credentials:show prints the decrypted YAML)")
def _t_rails(g, s):
  if s.names and s.names[0] in ("SECRET_KEY_BASE", "RAILS_MASTER_KEY"):
    return ["secret_key_base: %s" % s.value], [s.value]
  text, written = yaml_scalar(s.value)
  name = sensitive_name(g, s, "lower")
  return ["  %s: %s" % (name, text)], [written]


@context("k8s-secret-json", "kubernetes.io/docs/concepts/configuration/secret/ (data: base64, "
         "stringData: plain); kubectl get secret -o json | jq -c; audit.k8s.io requestObject")
def _t_k8s_secret(g, s):
  key = g.pick(["password", "DATABASE_URL", "api-key", "token", "tls.key", "config.json",
                "credentials", "rootPassword", "connection-string"])
  if g.r.randrange(3):
    v = base64.b64encode(s.value.encode()).decode()
    field = "data"
  else:
    v = s.value
    field = "stringData"
  obj = {"apiVersion": "v1", field: {"username": base64.b64encode(b"app").decode() if field == "data" else "app",
                                     key: v},
         "kind": "Secret", "metadata": {"name": "db-credentials", "namespace": "prod"}, "type": "Opaque"}
  if g.r.randrange(2):
    line = json.dumps(obj, separators=(",", ":"))
  else:
    ev = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
          "auditID": "%s" % g.uuid(), "stage": "ResponseComplete",
          "requestURI": "/api/v1/namespaces/prod/secrets", "verb": "create",
          "requestObject": obj}
    line = json.dumps(ev, separators=(",", ":"))
  return [line], [json_str(v)]


@context("k8s-secret-yaml", "kubectl get secret NAME -o yaml (kubernetes.io/docs/concepts/"
         "configuration/secret/): data: values base64 on the following lines", multiline=True)
def _t_k8s_yaml(g, s):
  v = base64.b64encode(s.value.encode()).decode()
  key = g.pick(["password", "DATABASE_URL", "api-key", "token", "credentials", "secret-key"])
  lines = ["apiVersion: v1", "data:", "  %s: %s" % (key, v),
           "  username: %s" % base64.b64encode(g.pick([b"admin", b"app"])).decode(),
           "kind: Secret", "metadata:", "  name: db-credentials", "  namespace: prod",
           "type: Opaque"]
  return lines, [v]


@context("k8s-last-applied", "kubectl apply: metadata.annotations."
         "kubectl.kubernetes.io/last-applied-configuration holds the applied object as a "
         "JSON string")
def _t_last_applied(g, s):
  inner = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "app", "namespace": "prod"},
           "stringData": {sensitive_name(g, s, "upper"): s.value}, "type": "Opaque"}
  outer = {"metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration":
                                        json.dumps(inner, separators=(",", ":")) + "\n"},
                        "name": "app"}}
  return [json.dumps(outer, separators=(",", ":"))], [json_str(json_str(s.value))]


@context("docker-config-json", "docs.docker.com/reference/cli/docker/login/#credential-stores "
         "(~/.docker/config.json auths: {registry: {auth: base64(user:password)}})", slot="pw")
def _t_docker_cfg(g, s):
  auth = base64.b64encode(("%s:%s" % (user(g), s.value)).encode()).decode()
  reg = g.pick(["https://index.docker.io/v1/", "ghcr.io", "registry.example.com:5000",
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com"])
  if g.r.randrange(2):
    line = json.dumps({"auths": {reg: {"auth": auth}}})
  else:
    line = '      "auth": "%s"' % auth  # config.json pretty-printed (jq .), one member a line
  return [line], [auth]


@context("jwk-json", "RFC 7517 4 and RFC 7518 6.2.2 (EC d), 6.3.2 (RSA d p q dp dq qi), "
         "6.4.1 (oct k)", slot="jwk")
def _t_jwk(g, s):
  k = g.r.randrange(3)
  if k == 0:
    jwk = {"kty": "oct", "kid": g.uuid(), "alg": "HS256", "k": s.value}
  elif k == 1:
    jwk = {"kty": "EC", "crv": "P-256", "x": g.b64url(32), "y": g.b64url(32), "d": s.value,
           "kid": g.uuid()}
  else:
    member = g.pick(["d", "p", "q", "dp", "dq", "qi"])
    jwk = {"kty": "RSA", "n": g.b64url(256), "e": "AQAB", "kid": g.uuid()}
    for m in ["d", "p", "q", "dp", "dq", "qi"]:
      jwk[m] = s.value if m == member else g.b64url(128)
  if g.r.randrange(2):
    line = json.dumps({"keys": [jwk]})
  else:
    line = "loaded signing key: " + json.dumps(jwk, separators=(",", ":"))
  return [line], [s.value]


@context("gcp-service-account-json", "cloud.google.com/iam/docs/keys-create-delete "
         "(service account key file: private_key_id, private_key)", slot="gcp-sa")
def _t_gcp(g, s):
  kid = g.s(HEX, 40)
  pem = "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n" % "\n".join(
      s.value[i:i + 64] for i in range(0, len(s.value), 64))
  doc = {"type": "service_account", "project_id": "acme-prod", "private_key_id": kid,
         "private_key": pem, "client_email": "deployer@acme-prod.iam.gserviceaccount.com",
         "client_id": g.digits(21)}
  line = json.dumps(doc)
  body_lines = [json_str(s.value[i:i + 64]) for i in range(0, len(s.value), 64)]
  return [line], [kid] + body_lines


@context("pem-in-json", "RFC 7468 (PEM) inside a JSON string value: newlines written \\n",
         slot="pem")
def _t_pem_json(g, s):
  kind = g.pick(["RSA ", "EC ", "OPENSSH ", ""])
  body = "\n".join(s.value[i:i + 64] for i in range(0, len(s.value), 64))
  pem = "-----BEGIN %sPRIVATE KEY-----\n%s\n-----END %sPRIVATE KEY-----\n" % (kind, body, kind)
  name = g.pick(["private_key", "tls_key", "ssh_key", "key"])
  line = json.dumps({"level": "debug", "msg": "loaded", name: pem})
  return [line], [json_str(s.value[i:i + 64]) for i in range(0, len(s.value), 64)]


# URLs and DSNs --------------------------------------------------------------

def dsn_password(g, v, raw_ok):
  """A password written into a URL: raw when the client prints it raw,
  else percent-encoded as RFC 3986 requires."""
  if raw_ok and not has(v, " "):
    return v
  return urllib.parse.quote(v, safe="!$&'()*+,;=-._~")


@context("libpq-uri", "postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS "
         "(postgresql://user:password@host:port/db?param=…; printed raw by apps that log "
         "their DSN)", slot="url")
def _t_libpq(g, s):
  pw = dsn_password(g, s.value, g.r.randrange(2))
  host = g.pick(["db.internal:5432", "10.0.3.17", "pg-primary.prod.svc.cluster.local:5432", "db"])
  url = "%s://%s:%s@%s/%s" % (g.pick(["postgresql", "postgres"]), user(g), pw, host,
                              g.pick(["app", "orders?sslmode=require", "shop?connect_timeout=10"]))
  return [g.pick(["DATABASE_URL=%s", "connecting to %s", "database: %s"]) % url], [pw]


@context("sqlalchemy-url", "docs.sqlalchemy.org/en/20/core/engines.html#database-urls "
         "(dialect+driver://user:password@host/db)", slot="url")
def _t_sqlalchemy(g, s):
  pw = dsn_password(g, s.value, g.r.randrange(2))
  drv = g.pick(["postgresql+psycopg2", "postgresql+asyncpg", "mysql+pymysql", "mssql+pyodbc",
                "oracle+oracledb"])
  url = "%s://%s:%s@%s/%s" % (drv, user(g), pw, g.pick(HOSTS), g.pick(["app", "shop"]))
  return [g.pick(["INFO sqlalchemy.engine.Engine create_engine(%r)",
                  "SQLALCHEMY_DATABASE_URI = %r"]) % url], [pw]


@context("redis-url", "redis-py docs, redis.Redis.from_url (redis://[[user]:password@]host:port/db, "
         "rediss://)", slot="url")
def _t_redis_url(g, s):
  pw = dsn_password(g, s.value, g.r.randrange(2))
  u = g.pick(["", "default", "app"])
  url = "%s://%s:%s@%s:%d/%d" % (g.pick(["redis", "rediss"]), u, pw,
                                 g.pick(["cache.internal", "10.0.4.2", "redis-master"]),
                                 g.pick([6379, 6380]), g.r.randint(0, 15))
  return [g.pick(["CELERY_RESULT_BACKEND=%s", "redis: connecting to %s", "REDIS_URL: %s"]) % url], [pw]


@context("amqp-url", "rabbitmq.com/docs/uri-spec (amqp://user:pass@host:port/vhost)", slot="url")
def _t_amqp(g, s):
  pw = dsn_password(g, s.value, g.r.randrange(2))
  url = "%s://%s:%s@%s:%d/%s" % (g.pick(["amqp", "amqps"]), user(g), pw,
                                 g.pick(["rabbit.internal", "mq-0.mq"]),
                                 g.pick([5672, 5671]), g.pick(["", "%2F", "prod"]))
  return [g.pick(["broker_url=%s", "Connecting to broker %s", "AMQP_URL=%s"]) % url], [pw]


@context("mongodb-uri", "mongodb.com/docs/manual/reference/connection-string/ "
         "(mongodb+srv://user:password@cluster/db?options)", slot="url")
def _t_mongo(g, s):
  pw = dsn_password(g, s.value, False)
  url = "mongodb+srv://%s:%s@cluster%d.ab1cd.mongodb.net/prod?retryWrites=true&w=majority" % (
      user(g), pw, g.r.randint(0, 9))
  return ["MONGO_URL=%s" % url], [pw]


@context("basic-auth-header", "RFC 7617 (Authorization: Basic base64(user:password)); curl -v "
         "prints request headers after '> '", slot="pw")
def _t_basic(g, s):
  cred = base64.b64encode(("%s:%s" % (user(g), s.value)).encode()).decode()
  return [g.pick(["> Authorization: Basic %s", "Authorization: Basic %s",
                  "proxy: Proxy-Authorization: Basic %s"]) % cred], [cred]


@context("bearer-header", "RFC 6750 2.1 (Authorization: Bearer token)", slot="header")
def _t_bearer(g, s):
  if s.kind == "named" and s.names and "-" in s.names[-1]:
    return ["%s: %s" % (s.names[-1], s.value)], [s.value]
  return [g.pick(["> Authorization: Bearer %s", "authorization: Bearer %s",
                  "Authorization: token %s"]) % s.value], [s.value]


# Encodings ------------------------------------------------------------------

@context("nginx-request-body", "nginx.org/en/docs/http/ngx_http_log_module.html#log_format "
         "(escape=default: \" \\ and control bytes as \\xXX; $request_body)")
def _t_nginx_body(g, s):
  name = sensitive_name(g, s, g.pick(["lower", "camel"]))
  body = json.dumps({"username": user(g), name: s.value}, separators=(",", ":"))
  esc = nginx_escape(body)
  written = nginx_escape(json_str(s.value))
  line = '%s - - [%s] "POST /api/login HTTP/1.1" 200 %d "-" "curl/8.5.0" "%s"' % (
      g.ip(), g.clf_ts(), g.r.randint(20, 999), esc)
  return [line], [written]


@context("html-entities", "HTML 5 named and numeric character references (&quot; &#x3D; &#61;) "
         "as template engines escape logged JSON and form data")
def _t_html(g, s):
  name = sensitive_name(g, s, g.pick(["lower", "camel"]))
  k = g.r.randrange(3)
  if k == 0:
    body = html_escape(json.dumps({name: s.value}))
    return ["<pre>%s</pre>" % body], [html_escape(json_str(s.value))]
  v = html_escape(s.value)
  if k == 1:
    return ["<input type=\"hidden\" value=\"%s&#x3D;%s\">" % (name, v)], [v]
  return ["<code>%s&#61;%s</code>" % (name, v)], [v]


@context("double-percent", "RFC 3986 2.4 (a URL put in a query parameter of another URL is "
         "encoded again: = becomes %253D)", slot="named")
def _t_double_pct(g, s):
  name = g.pick(["token", "access_token", "api_key", "password", "client_secret", "sig"])
  if s.kind == "password" and name not in ("password",):
    name = "password"
  inner = "https://app.example.com/cb?%s=%s&state=%s" % (name, pct(s.value), g.s(HEX, 8))
  outer = pct(pct(inner))
  written = pct(pct(pct(s.value)))
  line = '%s - - [%s] "GET /sso/login?return=%s HTTP/1.1" 302 0' % (g.ip(), g.clf_ts(), outer)
  return [line], [written]


@context("access-log-query", "httpd.apache.org/docs/2.4/logs.html#accesslog (Common Log "
         "Format request line with a percent-encoded query)")
def _t_query(g, s):
  name = g.pick(["token", "access_token", "api_key", "apikey", "key", "client_secret",
                 "password", "secret"])
  if s.kind == "named" and s.names:
    name = styled(g.pick([n for n in s.names if "_" in n] or ["API_KEY"]), "lower")
  if s.kind == "password":
    name = "password"
  if s.url:
    return None
  enc = pct(s.value)
  line = '%s - - [%s] "GET %s?page=2&%s=%s&lang=en HTTP/1.1" 200 %d' % (
      g.ip(), g.clf_ts(), g.pick(["/api/v1/export", "/oauth/callback", "/hooks/deploy"]),
      name, enc, g.r.randint(100, 99999))
  return [line], [enc]


# Logs of applications ----------------------------------------------------------

@context("app-message", "free-text application log lines (log4j/logback PatternLayout "
         "'%d %p [%t] %c - %m'): self-identifying tokens with no key beside them", slot="bare")
def _t_message(g, s):
  msg = g.pick(["using token %s", "configured webhook %s", "retrying request with %s",
                "loaded credentials %s from vault", "export complete, key %s rotated",
                "%s"])
  line = "%s %s [%s] %s - %s" % (g.iso_ts(3), g.pick(["INFO", "DEBUG", "WARN"]),
                                 g.pick(["main", "worker-3", "http-nio-8080-exec-1"]),
                                 g.pick(["com.acme.Deploy", "app.client", "o.a.c.c.C"]),
                                 msg % s.value)
  return [line], [s.secret]


@context("json-log-field", "JSON log lines (structlog, zap, pino, logstash-logback): the secret "
         "as the value of its own field")
def _t_json_field(g, s):
  name = sensitive_name(g, s, g.pick(["lower", "camel", "upper"]))
  doc = {"ts": g.iso_ts(3), "level": g.pick(["info", "debug"]), "logger": "config",
         name: s.value}
  return [json.dumps(doc, separators=(",", ":"))], [json_str(s.secret)]


@context("logfmt-field", "brandur.org/logfmt; Go log/slog TextHandler (key=value, quoted "
         "when holding blanks, quotes or =)")
def _t_logfmt(g, s):
  name = sensitive_name(g, s, g.pick(["lower", "camel"]))
  v = s.value
  if has(v, ' "=\\') or not v:
    q = '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    written = s.secret.replace("\\", "\\\\").replace('"', '\\"')
  else:
    q, written = v, s.secret
  return ["time=%s level=%s msg=%s %s=%s" % (g.iso_ts(3), g.pick(["INFO", "DEBUG"]),
                                             g.pick(["\"config loaded\"", "connecting"]), name, q)], [written]


@context("syslog-5424-sd", "RFC 5424 6.3 STRUCTURED-DATA (PARAM-VALUE escapes \" \\ ])")
def _t_sd(g, s):
  name = sensitive_name(g, s, g.pick(["lower", "camel"]))
  esc = s.value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")
  sec = s.secret.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")
  line = '<134>1 %s %s app %d - [cfg@32473 %s="%s" env="prod"] config loaded' % (
      g.iso_ts(3), g.host(), g.r.randint(100, 65000), name, esc)
  return [line], [sec]


# ---------------------------------------------------------------------------
# CARRIERS: what a log pipeline wraps around a finished line.

@carrier("plain", "the line as the program wrote it")
def _w_plain(g, line, written):
  return line, written


@carrier("syslog-3164", "RFC 3164 4.1 (<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG)")
def _w_syslog(g, line, written):
  return "<%d>%s %s %s[%d]: %s" % (g.pick([13, 30, 38, 86, 134]), g.syslog_ts(), g.host(),
                                   g.pick(["app", "deploy", "cron", "runner"]),
                                   g.r.randint(100, 65000), line), written


@carrier("docker-json-file", "docs.docker.com/engine/logging/drivers/json-file/ "
         "({\"log\":\"LINE\\n\",\"stream\":…,\"time\":…})")
def _w_docker(g, line, written):
  rec = json.dumps({"log": line + "\n", "stream": g.pick(["stdout", "stderr"]),
                    "time": g.iso_ts(9)}, separators=(",", ":"))
  return rec, [json_str(w) for w in written]


@carrier("cri-log", "Kubernetes CRI log format (kubelet/cri-o/containerd: 'TIME STREAM F LINE')")
def _w_cri(g, line, written):
  return "%s %s F %s" % (g.iso_ts(9), g.pick(["stdout", "stderr"]), line), written


@carrier("json-msg", "JSON log record whose message is the line (journald JSON export "
         "MESSAGE, GCP/Fluent Bit 'log' or 'message')")
def _w_json_msg(g, line, written):
  key = g.pick(["MESSAGE", "message", "msg", "log"])
  rec = json.dumps({"@timestamp": g.iso_ts(3), "host": g.host(), key: line},
                   separators=(",", ":"))
  return rec, [json_str(w) for w in written]
