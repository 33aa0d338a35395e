# SPDX-License-Identifier: Apache-2.0
"""Benign look-alikes: lines the same tools print that hold no secret.

Every context of contexts.py has neighbours that look like it but carry
placeholders, variable references, masked values, status words, file
paths, names of secrets and resources, public identifiers or hashes. A
masker that touches any of them garbles ordinary logs. Each generator
returns one line; the tool is the `context` of the negative row.
"""

import base64
import json
import string

HEX = "0123456789abcdef"

LOOKALIKES = []


def lookalike(name, cite):
  def register(fn):
    fn.cite = cite
    LOOKALIKES.append((name, fn))
    return fn
  return register


def masked(g):
  return g.pick(["****", "********", "***", "[REDACTED]", "<redacted>", "[FILTERED]",
                 "********************", "xxxxxxxx", "<hidden>", "(hidden)", "REDACTED",
                 "[MASKED]", "******"])


def ref(g, name="DB_PASSWORD"):
  return g.pick(["$%s" % name, "${%s}" % name, "$(cat /run/secrets/%s)" % name.lower(),
                 "{{ .Values.%s }}" % name.lower(), "%%(%s)s" % name.lower(),
                 "${{ secrets.%s }}" % name, "<%s>" % name.lower(), "${env:%s}" % name])


@lookalike("docker-login", "docs.docker.com/reference/cli/docker/login/")
def _docker(g):
  return g.pick([
      "WARNING! Using --password via the CLI is insecure. Use --password-stdin.",
      "+ docker login -u ci --password-stdin registry.example.com",
      "+ docker login -u %s -p %s ghcr.io" % ("ci", ref(g, "CI_REGISTRY_PASSWORD")),
      "Login Succeeded",
      "WARNING! Your password will be stored unencrypted in /root/.docker/config.json.",
      "Error response from daemon: Get \"https://registry.example.com/v2/\": unauthorized: incorrect username or password",
      "[command]/usr/bin/docker login --username ci --password *** ghcr.io",
      "+ docker login -u ci -p *** registry.gitlab.com"])


@lookalike("mysql", "dev.mysql.com/doc/refman/8.0/en/error-messages-server.html (ER_ACCESS_DENIED_ERROR)")
def _mysql(g):
  u = g.pick(["root", "app", "backup"])
  return g.pick([
      "ERROR 1045 (28000): Access denied for user '%s'@'localhost' (using password: YES)" % u,
      "ERROR 1045 (28000): Access denied for user '%s'@'10.0.3.17' (using password: NO)" % u,
      "mysql: [Warning] Using a password on the command line interface can be insecure.",
      "+ mysql -h db.internal -u %s -p app" % u,
      "+ mysqldump -u backup -p%s --all-databases" % ref(g, "MYSQL_PWD"),
      "mysql -P3306 -h db.internal --protocol=tcp -u %s" % u,
      "[Note] Access denied for user 'root'@'localhost' (using password: YES)",
      "2024-05-01T10:00:00.123456Z 8 [Note] [MY-010926] [Server] Access denied for user 'app'@'10.0.3.17' (using password: YES)",
      "mysqladmin -u root -p password",
      "ALTER USER 'app'@'%' IDENTIFIED WITH caching_sha2_password BY '********';",
      "default_authentication_plugin=mysql_native_password"])


@lookalike("postgres", "postgresql.org/docs/current/auth-password.html; libpq-envars.html")
def _pg(g):
  return g.pick([
      'psql "host=db.internal port=5432 dbname=app user=app sslmode=require"',
      'FATAL:  password authentication failed for user "app"',
      "pg_dump: error: connection to server at \"db\" (10.0.3.17), port 5432 failed: fe_sendauth: no password supplied",
      "+ PGPASSWORD=%s pg_dump -h db -U app app" % ref(g, "PGPASSWORD"),
      "PGPASSFILE=/root/.pgpass",
      "2024-05-01 10:00:00.123 UTC [812] LOG:  connection authorized: user=app database=app SSL enabled",
      "password_encryption = scram-sha-256",
      "host all all 0.0.0.0/0 scram-sha-256",
      "DETAIL:  Connection matched pg_hba.conf line 99: \"host all all 0.0.0.0/0 md5\""])


@lookalike("sshpass", "sshpass(1)")
def _sshpass(g):
  return g.pick([
      "+ sshpass -f /run/secrets/ssh_pw ssh deploy@10.0.0.5 uptime",
      "+ sshpass -e ssh -o StrictHostKeyChecking=no deploy@web1",
      "sshpass -p \"$SSHPASS\" rsync -a dist/ deploy@web1:/srv/app",
      "SSHPASS: unset"])


@lookalike("openssl", "openssl-passphrase-options(1)")
def _openssl(g):
  return g.pick([
      "+ openssl enc -d -aes-256-cbc -pbkdf2 -in backup.enc -out backup.tar -pass env:BACKUP_PASSPHRASE",
      "+ openssl pkcs12 -export -in tls.crt -inkey tls.key -out ks.p12 -passout file:/run/secrets/p12_pass",
      "+ openssl rsa -in server.key -passin stdin -out server.nopass.key",
      "+ openssl req -new -x509 -nodes -days 365 -newkey rsa:2048 -keyout tls.key -out tls.crt",
      "+ openssl pkcs12 -in ks.p12 -nokeys -passin pass: -out ca.pem",
      "bad decrypt",
      "Enter pass phrase for server.key:",
      "SHA2-256(backup.tar)= %s" % g.s(HEX, 64)])


@lookalike("htpasswd", "httpd.apache.org/docs/2.4/programs/htpasswd.html")
def _htpasswd(g):
  return g.pick([
      "+ htpasswd -c /etc/nginx/.htpasswd admin",
      "Adding password for user admin",
      "Updating password for user deploy",
      "+ htpasswd -v /etc/nginx/.htpasswd admin",
      "+ htpasswd -D /etc/apache2/.htpasswd olduser",
      "admin:$apr1$%s$%s" % (g.s(string.ascii_letters, 8), g.s(string.ascii_letters + "./", 22)),
      "auth_basic_user_file /etc/nginx/.htpasswd;"])


@lookalike("passwd-pam", "linux-pam.org (pam_unix messages); passwd(1)")
def _pam(g):
  u = g.pick(["bob", "alice", "deploy"])
  return g.pick([
      "passwd[4242]: pam_unix(passwd:chauthtok): password changed for %s" % u,
      "chpasswd[812]: pam_unix(chpasswd:chauthtok): password changed for %s" % u,
      "passwd: password updated successfully",
      "passwd: all authentication tokens updated successfully.",
      "sshd[812]: Accepted password for %s from 10.0.0.5 port 52144 ssh2" % u,
      "sshd[812]: Failed password for invalid user admin from 10.0.0.5 port 22 ssh2",
      "sudo: pam_unix(sudo:auth): authentication failure; logname=%s uid=1000 euid=0 tty=/dev/pts/0 ruser=%s rhost=  user=%s" % (u, u, u),
      "pam_unix(sudo:session): session opened for user root(uid=0) by %s(uid=1000)" % u,
      "+ echo \"$NEW_PASSWORD\" | passwd --stdin %s" % u,
      "+ chpasswd < /run/secrets/users.txt",
      "gdm-password]: gkr-pam: unlocked login keyring"])


@lookalike("aws-cli", "docs.aws.amazon.com/cli/latest/reference/")
def _aws(g):
  return g.pick([
      "+ aws configure set region eu-west-1",
      "+ aws configure set aws_secret_access_key \"$AWS_SECRET_ACCESS_KEY\"",
      "+ aws secretsmanager get-secret-value --secret-id prod/db/password --query SecretString",
      "client.get_secret_value(SecretId=secret_name)",
      "response = sm.get_secret_value(SecretId='prod/api/token')",
      "aws_secret_access_key = ****************EXAMPLEKEY",
      "secret_key     ****************3xYz shared-credentials-file",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-password-AbCdEf",
      "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api/token",
      '{"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf", "Name": "prod/db", "VersionId": "%s"}' % g.uuid(),
      "credential_source = Ec2InstanceMetadata",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/%s" % g.uuid()])


@lookalike("gh-cli", "cli.github.com/manual/gh_auth_status")
def _gh(g):
  return g.pick([
      "+ gh auth login --with-token < token.txt",
      "  - Token: gho_************************************",
      "  ✓ Logged in to github.com account octocat (GH_TOKEN)",
      "  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'",
      "+ echo \"$GH_TOKEN\" | gh auth login --with-token"])


@lookalike("curl", "curl.se/docs/manpage.html")
def _curl(g):
  return g.pick([
      "+ curl -u \"$USER:$TOKEN\" https://api.example.com/v1/items",
      "+ curl -sS -u admin https://jenkins.example.com/api/json",
      "+ curl --netrc-file /run/secrets/netrc https://files.example.com/a.tgz",
      "curl -u <user>:<password> https://example.com",
      "* Server auth using Basic with user 'admin'",
      "< WWW-Authenticate: Basic realm=\"Restricted\"",
      "+ curl -H \"Authorization: Bearer ${API_TOKEN}\" https://api.example.com",
      "curl: (22) The requested URL returned error: 401"])


@lookalike("kubectl", "kubernetes.io/docs/reference/kubectl/")
def _kubectl(g):
  return g.pick([
      "+ kubectl create secret generic db-credentials --from-file=password=./password.txt",
      "+ kubectl create secret generic app --from-env-file=.env.prod -n prod",
      "secret/db-credentials created",
      "+ kubectl get secret db-credentials -o jsonpath='{.data.password}'",
      "+ kubectl create configmap app-config --from-literal=LOG_LEVEL=debug --from-literal=region=eu-west-1",
      "+ kubectl create secret docker-registry regcred --docker-server=ghcr.io --docker-username=ci --docker-password=\"$CR_PAT\"",
      "NAME             TYPE     DATA   AGE",
      "db-credentials   Opaque   2      14d",
      "Warning: resource secrets/db-credentials is missing the kubectl.kubernetes.io/last-applied-configuration annotation"])


@lookalike("helm", "helm.sh/docs/helm/helm_upgrade/")
def _helm(g):
  return g.pick([
      "+ helm upgrade --install db bitnami/postgresql --set auth.existingSecret=db-credentials --set image.tag=16.2.0",
      "+ helm upgrade --install api ./chart --set-file config=./config.yaml",
      "+ helm upgrade --install api ./chart --set secrets.apiKey=%s" % ref(g, "API_KEY"),
      "existingSecret: db-credentials",
      "  existingSecretPasswordKey: password",
      "passwordSecretRef: {name: db-credentials, key: password}",
      "Release \"api\" has been upgraded. Happy Helming!"])


@lookalike("git", "git-scm.com/docs/git-clone")
def _git(g):
  return g.pick([
      "+ git clone https://github.com/acme/api.git",
      "Cloning into 'api'...",
      "remote: Invalid username or password.",
      "fatal: Authentication failed for 'https://github.com/acme/api.git/'",
      "+ git clone git@github.com:acme/api.git",
      "+ git remote set-url origin https://x-access-token:${GITHUB_TOKEN}@github.com/acme/api.git",
      "HEAD is now at %s Merge pull request #42" % g.s(HEX, 7),
      "commit %s" % g.s(HEX, 40),
      "Receiving objects: 100% (1234/1234), 2.31 MiB | 9.81 MiB/s, done."])


@lookalike("sudo", "sudoers(5), LOG FORMAT")
def _sudo(g):
  u = g.pick(["bob", "alice"])
  return g.pick([
      "%s web1 sudo:      %s : TTY=pts/0 ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/passwd alice" % (g.syslog_ts(), u, u),
      "%s web1 sudo:      %s : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx" % (g.syslog_ts(), u, u),
      "%s web1 sudo:      %s : TTY=pts/1 ; PWD=/srv ; USER=postgres ; COMMAND=/usr/bin/psql -c SELECT 1" % (g.syslog_ts(), u),
      "%s web1 sudo: pam_unix(sudo:session): session closed for user root" % g.syslog_ts()])


@lookalike("auditd", "Red Hat Security Guide, Understanding Audit Log Files")
def _audit(g):
  ts = "%d.%03d:%d" % (g.r.randint(1700000000, 1750000000), g.r.randint(0, 999), g.r.randint(1000, 99999))
  argv = g.pick([["ls", "-la", "/etc"], ["passwd", "bob"], ["mysql", "-u", "root", "-p"],
                 ["ssh", "-p", "2222", "web1"], ["openssl", "rsa", "-passin", "env:P"]])
  return g.pick([
      "type=EXECVE msg=audit(%s): argc=%d %s" % (ts, len(argv), " ".join('a%d="%s"' % (i, a) for i, a in enumerate(argv))),
      "type=PROCTITLE msg=audit(%s): proctitle=%s" % (ts, "\0".join(argv).encode().hex().upper()),
      "type=USER_AUTH msg=audit(%s): pid=812 uid=0 auid=1000 ses=3 msg='op=PAM:authentication grantors=pam_unix acct=\"bob\" exe=\"/usr/bin/sudo\" hostname=? addr=? terminal=/dev/pts/0 res=success'" % ts,
      "type=USER_CHAUTHTOK msg=audit(%s): pid=4242 uid=0 auid=1000 ses=3 msg='op=PAM:chauthtok grantors=pam_unix acct=\"bob\" exe=\"/usr/bin/passwd\" hostname=web1 addr=? terminal=pts/0 res=success'" % ts,
      "type=CRED_ACQ msg=audit(%s): pid=812 uid=0 auid=1000 ses=3 msg='op=PAM:setcred grantors=pam_unix acct=\"root\" exe=\"/usr/bin/sudo\" res=success'" % ts])


@lookalike("ps", "procps ps(1)")
def _ps(g):
  return g.pick([
      "root       812  0.0  0.1  15432  6120 ?        Ss   10:02   0:00 sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
      "postgres  1201  0.0  0.4 215432 16120 ?        Ss   10:02   0:00 postgres: app app 10.0.3.17(52144) idle",
      "mysql     1302  0.3  9.1 2215432 361200 ?      Ssl  10:02   1:12 /usr/sbin/mysqld --skip-name-resolve",
      "redis      990  0.1  0.2  65432  9120 ?        Ssl  10:02   0:40 /usr/bin/redis-server 127.0.0.1:6379",
      "app       4242  1.0  2.1 915432 86120 ?        Sl   10:02   0:12 node dist/server.js --port 8080 --token-file /run/secrets/token"])


@lookalike("ci-logs", "GitHub Actions workflow commands; GitLab job logs")
def _ci(g):
  return g.pick([
      "##[group]Run echo \"$PASSWORD\" | docker login ghcr.io -u ci --password-stdin",
      "  REGISTRY_PASSWORD: ***",
      "##[add-mask]***",
      "\x1b[32;1m$ docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY\x1b[0;m",
      "\x1b[32;1m$ export VAULT_TOKEN=$(vault write -field=token auth/jwt/login role=ci jwt=$CI_JOB_JWT)\x1b[0;m",
      "  DB_PASSWORD: ${{ secrets.DB_PASSWORD }}",
      "Masking secret values in the log output"])


@lookalike("python-subprocess", "docs.python.org/3/library/subprocess.html")
def _pysub(g):
  return g.pick([
      "subprocess.CalledProcessError: Command '['pg_dump', '-h', 'db', '-U', 'app', 'app']' returned non-zero exit status 1.",
      "subprocess.CalledProcessError: Command '['mysql', '-u', 'root', '-p', 'shop']' returned non-zero exit status 1.",
      "Command '['openssl', 'rsa', '-passin', 'env:KEY_PASS', '-in', 'k.pem']' returned non-zero exit status 1."])


@lookalike("env-file", "github.com/motdotla/dotenv#rules")
def _env(g):
  return g.pick([
      "DB_PASSWORD=", "DB_PASSWORD=%s" % ref(g), "API_KEY=changeme", "PASSWORD_MIN_LENGTH=12",
      "TOKEN_URL=https://auth.example.com/oauth/token", "AWS_ACCESS_KEY_ID_FILE=/run/secrets/aws_key_id",
      "GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json",
      "GCP_CREDENTIALS=/var/secrets/key.json", "SECRET_NAME=prod/db", "KEY_ID=2024-05-rotation",
      "PUBLIC_KEY_PATH=/etc/app/jwt.pub", "JWT_PUBLIC_KEY=/etc/app/jwt.pub",
      "SIGNING_KEY_ID=k-2024-05", "SECRET_KEY_FILE=/run/secrets/django_secret_key",
      "PASSWORD_RESET_TIMEOUT=259200", "TOKEN_TTL=3600", "SESSION_COOKIE_SECURE=true",
      "ENCRYPTION_KEY_VERSION=3", "CACHE_KEY_PREFIX=app", "TOKEN_EXPIRY=15m",
      "export OLD_PASSWORD=$OLD_PASSWORD", "DB_PASSWORD=password", "SECRET_KEY=secret",
      "CREDENTIALS_PROVIDER=env", "MASTER_KEY_ARN=arn:aws:kms:eu-west-1:123456789012:key/%s" % g.uuid(),
      "declare -x DB_PASSWORD_FILE=\"/run/secrets/db_password\"",
      "ROUTING_KEY=orders.created", "PARTITION_KEY=tenant_id", "SORT_KEY=created_at",
      "API_KEY_HEADER=X-Api-Key", "TOKEN_ENDPOINT=/oauth/token", "PASSWORD_HASHERS=argon2"])


@lookalike("yaml-config", "yaml.org/spec/1.2.2/")
def _yaml(g):
  return g.pick([
      "  password: \"\"", "  password: %s" % masked(g), "  existingSecret: db-credentials",
      "    secretName: tls-cert", "  passwordSecretRef:", "    key: password",
      "  tokenUrl: https://auth.example.com/oauth/token", "  password: !vault |",
      "  secretKeyRef:", "      name: db-credentials", "  apiKeySecret: datadog-api-key",
      "  password: ${DB_PASSWORD}", "  auth_password: settings.EMAIL_HOST_PASSWORD",
      "  clientSecret: {{ .Values.oauth.clientSecret }}", "  tokenTTL: 3600",
      "  passwordPolicy: strong", "  secret: false", "  token: null",
      "  credentialsFile: /var/secrets/google/key.json", "  privateKeyPath: /etc/ssl/private/tls.key"])


@lookalike("config-files", "toml.io; MySQL option files; java.util.Properties")
def _config(g):
  return g.pick([
      "password =", "password = \"\"", "secret_key = \"%s\"" % ref(g, "SECRET_KEY"),
      "spring.datasource.password=${DB_PASSWORD}", "spring.datasource.password=",
      "app.jwt.secret=${JWT_SECRET:}",
      "spring.security.oauth2.client.registration.github.client-secret=${GITHUB_CLIENT_SECRET}",
      "password_hash = \"$argon2id$v=19$m=65536,t=3,p=4$%s$%s\"" % (g.b64(16).rstrip("="), g.b64(32).rstrip("=")),
      "credential = credential", "password=password", "token_endpoint_auth_method = client_secret_basic",
      "[client]", "password-file = /etc/mysql/debian.cnf"])


@lookalike("xml", "maven.apache.org/settings.html; learn.microsoft.com appSettings")
def _xml(g):
  return g.pick([
      "<password>${env.NEXUS_PASSWORD}</password>", "<passwordEncoder>bcrypt</passwordEncoder>",
      "<add key=\"ApiKeyHeader\" value=\"X-Api-Key\" />", "<add key=\"Password\" value=\"\" />",
      "<add key=\"ClearTextPassword\" value=\"%NUGET_PASSWORD%\" />",
      "<add key=\"TokenEndpoint\" value=\"https://login.example.com/oauth2/token\" />",
      "<Resource name=\"jdbc/app\" auth=\"Container\" type=\"javax.sql.DataSource\" username=\"app\" password=\"${db.password}\"/>",
      "<secret>false</secret>"])


@lookalike("connection-strings", "learn.microsoft.com connection-string-syntax; JDBC docs")
def _conn(g):
  return g.pick([
      "Server=tcp:db.internal,1433;Initial Catalog=app;Integrated Security=SSPI;",
      "Server=db;Database=app;User Id=app;Password=;", "Data Source=app.db;Cache=Shared",
      "jdbc:postgresql://db.internal:5432/app?user=app&ssl=true",
      "jdbc:sqlserver://db:1433;databaseName=app;integratedSecurity=true;encrypt=true",
      "HikariPool-1 - Starting... jdbcUrl=jdbc:mysql://db:3306/shop",
      "Host=db;Database=app;Username=app;Password=%s" % masked(g),
      "ConnectionStrings__Default=Server=db;Database=app;Trusted_Connection=True;"])


@lookalike("k8s-manifests", "kubernetes.io/docs/concepts/configuration/secret/")
def _k8s(g):
  return g.pick([
      json.dumps({"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-credentials", "key": "password"}}}),
      json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-credentials"}, "type": "Opaque"}),
      json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}, "data": {"LOG_LEVEL": "info", "REGION": "eu-west-1"}}),
      json.dumps({"name": "TOKEN_URL", "value": "https://auth.example.com/token"}),
      json.dumps({"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db_password"}),
      json.dumps({"volumes": [{"name": "creds", "secret": {"secretName": "db-credentials"}}]}),
      "  envFrom:", "  - secretRef:", "      name: app-secrets",
      "type: kubernetes.io/dockerconfigjson", "kind: Secret", "data:", "  LOG_LEVEL: info",
      json.dumps({"kind": "Secret", "metadata": {"name": "tls", "annotations": {"cert-manager.io/issuer": "letsencrypt"}}})])


@lookalike("aws-json", "AWS CLI output (describe-tags, ecs task definitions, cloudformation)")
def _awsj(g):
  return g.pick([
      json.dumps({"Key": "SecretName", "Value": "prod/db"}),
      json.dumps({"Key": "Name", "Value": "api-prod"}),
      '"secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db_password"}]',
      json.dumps({"ParameterKey": "DBPassword", "ParameterValue": "****"}),
      json.dumps({"ParameterKey": "KeyName", "ParameterValue": "prod-ssh"}),
      json.dumps({"Parameter": {"Name": "/prod/api/token_ttl", "Type": "String", "Value": "3600"}}),
      json.dumps({"name": "PASSWORD_MIN_LENGTH", "value": "12"}),
      json.dumps({"Key": "password_rotation", "Value": "enabled"})])


@lookalike("headers", "RFC 7235; Node http rawHeaders; requests")
def _headers(g):
  return g.pick([
      "Authorization: Bearer <token>", "Authorization: Bearer [REDACTED]",
      "rawHeaders: [ 'Host', 'api.example.com', 'Authorization', '[Filtered]' ]",
      "{'User-Agent': 'python-requests/2.31.0', 'Authorization': '********'}",
      "< WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\"",
      "Bearer token missing in request", "auth: token refreshed", "token refreshed for user bob",
      "{\"content-type\"=>[\"application/json\"], \"authorization\"=>[\"[FILTERED]\"]}",
      "X-Request-Id: %s" % g.uuid()])


@lookalike("ruby-php-python", "Rails parameter filtering; PHP SensitiveParameter; Python repr")
def _lang(g):
  return g.pick([
      'Parameters: {"user"=>{"email"=>"bob@example.com", "password"=>"[FILTERED]"}}',
      "#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php(70): PDO->__construct('mysql:host=db;d...', 'app', Object(SensitiveParameterValue), Array)",
      "#1 /var/www/html/app.php(12): mysqli_connect('db', 'app', Object(SensitiveParameterValue))",
      "    password = None", "    passwd = kwargs.get('passwd')",
      "    auth_password=settings.EMAIL_HOST_PASSWORD,",
      "    password=password,", "    credential=credential,", "    token = self._token",
      "    secret = get_secret_value(SecretId=secret_name)",
      "{'host': 'db.internal', 'user': 'app', 'password': '********', 'port': 5432}",
      "locals: {'self': <app.db.Pool object at 0x7f3a2c1d5e80>, 'retries': 3}",
      "send_mail(subject, body, from_email, to, auth_user=None, auth_password=None)"])


@lookalike("django", "docs.djangoproject.com/en/stable/howto/error-reporting/#filtering-sensitive-information")
def _django(g):
  return g.pick([
      "SECRET_KEY = '********************'",
      "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app', 'USER': 'app', 'PASSWORD': '********************', 'HOST': 'db', 'PORT': '5432'}}",
      "<tr><td>password</td><td class=\"code\"><pre>&#x27;********************&#x27;</pre></td></tr>",
      "<tr><td>SECRET_KEY</td><td class=\"code\"><pre>&#x27;********************&#x27;</pre></td></tr>",
      "PASSWORD_HASHERS = ['django.contrib.auth.hashers.PBKDF2PasswordHasher']",
      "AUTH_PASSWORD_VALIDATORS = [{'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator'}]",
      "SESSION_COOKIE_NAME = 'sessionid'  ###", "CSRF_COOKIE_NAME = 'csrftoken'",
      "<tr><td>request</td><td class=\"code\"><pre>&lt;WSGIRequest: POST &#x27;/login/&#x27;&gt;</pre></td></tr>",
      "SECRET_KEY_FALLBACKS = []"])


@lookalike("spring-actuator", "docs.spring.io/spring-boot/api/rest/actuator/env.html")
def _spring(g):
  return g.pick([
      '{"name":"systemEnvironment","properties":{"DB_PASSWORD":{"value":"******","origin":"System Environment Property \\"DB_PASSWORD\\""}}}',
      '{"spring.datasource.password":{"value":"******"}}',
      '{"spring.datasource.url":{"value":"jdbc:postgresql://db:5432/app"}}',
      '{"management.endpoint.env.show-values":{"value":"WHEN_AUTHORIZED"}}'])


@lookalike("docker-config", "docs.docker.com/reference/cli/docker/login/#credential-stores")
def _dcfg(g):
  return g.pick([
      json.dumps({"auths": {"ghcr.io": {}, "https://index.docker.io/v1/": {}}, "credsStore": "desktop"}),
      json.dumps({"credHelpers": {"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}}),
      '      "auth": ""', json.dumps({"auths": {"registry.example.com": {"auth": ""}}})])


@lookalike("jwk-public", "RFC 7517 (public keys carry n, e, x, y only)")
def _jwkpub(g):
  k = g.r.randrange(3)
  if k == 0:
    return json.dumps({"keys": [{"kty": "RSA", "use": "sig", "kid": g.uuid(), "alg": "RS256",
                                 "n": g.b64url(256), "e": "AQAB"}]})
  if k == 1:
    return json.dumps({"kty": "EC", "crv": "P-256", "x": g.b64url(32), "y": g.b64url(32),
                       "kid": g.uuid()})
  return json.dumps({"kty": "oct", "kid": g.uuid(), "alg": "HS256", "use": "sig"})


@lookalike("gcp", "cloud.google.com/iam/docs/keys-create-delete")
def _gcp(g):
  return g.pick([
      json.dumps({"type": "service_account", "project_id": "acme-prod",
                  "client_email": "deployer@acme-prod.iam.gserviceaccount.com",
                  "client_id": g.digits(21), "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                  "token_uri": "https://oauth2.googleapis.com/token"}),
      "GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json",
      "Using service account deployer@acme-prod.iam.gserviceaccount.com (key id %s)" % ("*" * 8)])


@lookalike("dsn", "libpq URIs; SQLAlchemy URL repr hides the password as ***; Celery masks it as **")
def _dsn(g):
  return g.pick([
      "postgresql://app@db.internal:5432/app", "DATABASE_URL=postgres://app:%s@db:5432/app" % ref(g, "DB_PASS"),
      "redis://cache.internal:6379/0", "amqp://guest:**@localhost:5672//",
      "Engine(postgresql+psycopg2://scott:***@localhost/test)",
      "Connected to amqp://app:**@rabbit.internal:5672/prod", "mongodb://db1,db2,db3/?replicaSet=rs0",
      "rediss://:***@redis.example.net:6380/0", "postgres://user:password@localhost:5432/dbname",
      "DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/NAME",
      "https://%s@o%s.ingest.sentry.io" % ("<key>", g.digits(6))])


@lookalike("web-logs", "nginx/httpd access logs")
def _web(g):
  return g.pick([
      '%s - - [%s] "GET /reset?token= HTTP/1.1" 400 12' % (g.ip(), g.clf_ts()),
      '%s - - [%s] "GET /login?next=%%2Fdashboard HTTP/1.1" 302 0' % (g.ip(), g.clf_ts()),
      '%s - - [%s] "GET /api?token=%%3Credacted%%3E HTTP/1.1" 200 12' % (g.ip(), g.clf_ts()),
      '%s - - [%s] "POST /api/login HTTP/1.1" 200 32 "-" "curl/8.5.0" "{\\x22username\\x22:\\x22bob\\x22}"' % (g.ip(), g.clf_ts()),
      '%s - - [%s] "GET /docs/password-reset HTTP/1.1" 200 5120' % (g.ip(), g.clf_ts()),
      "<input type=\"password\" name=\"password\" autocomplete=\"current-password\">",
      "&quot;status&quot;: &quot;ok&quot;", "<code>password&#61;&lt;redacted&gt;</code>"])


@lookalike("ids-and-hashes", "identifiers and digests that are not secrets")
def _ids(g):
  return g.pick([
      "request_id=%s" % g.uuid(), "trace_id=%s span_id=%s" % (g.s(HEX, 32), g.s(HEX, 16)),
      "commit %s" % g.s(HEX, 40), "pulled image nginx@sha256:%s" % g.s(HEX, 64),
      "digest: sha256:%s" % g.s(HEX, 64), "ETag: \"%s\"" % g.s(HEX, 32),
      "data:image/png;base64,%s" % g.b64(96), "X-Request-Id: %s" % g.uuid(),
      "job %s queued" % g.uuid(), "checkout %s (HEAD detached)" % g.s(HEX, 12),
      "sha256sum=%s file=backup.tar" % g.s(HEX, 64), "Accepted publickey for bob from 10.1.2.3 port 52144 ssh2: RSA SHA256:%s" % g.b64(32).rstrip("=")])


@lookalike("prose", "status lines about credentials")
def _prose(g):
  return g.pick([
      "password reset requested for user bob", "token expired for session of alice",
      "invalid api key supplied", "secret rotation scheduled for tonight",
      "the password must be at least 12 characters", "API key revoked by administrator",
      "credentials accepted for carol", "private key loaded from /etc/ssl/private/server.key",
      "token refreshed", "Password: ", "Enter password:", "password changed",
      "Using password authentication", "secret/db-credentials configured"])


@lookalike("redis-cli", "redis.io/docs/latest/develop/tools/cli/")
def _redis(g):
  return g.pick([
      "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.",
      "+ redis-cli -h cache.internal -a \"$REDIS_PASSWORD\" --no-auth-warning ping",
      "(error) NOAUTH Authentication required.", "(error) WRONGPASS invalid username-password pair or user is disabled.",
      "+ redis-cli -h cache.internal -p 6380 --tls ping", "requirepass \"\"", "# requirepass foobared"])


@lookalike("mongosh", "mongodb.com/docs/mongodb-shell/reference/options/")
def _mongo(g):
  return g.pick([
      "+ mongosh mongodb://db.internal:27017/admin --username admin --password",
      "MongoServerError: Authentication failed.",
      "+ mongosh \"mongodb+srv://cluster0.ab1cd.mongodb.net/prod\" --apiVersion 1 --username ci",
      "Enter password: ********"])


@lookalike("docker-build", "docs.docker.com/reference/dockerfile/#env; #arg")
def _dbuild(g):
  return g.pick([
      "Step 4/9 : ENV DB_PASSWORD_FILE=/run/secrets/db_password",
      "Step 5/9 : ARG NPM_TOKEN",
      "Step 6/9 : RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci",
      "#7 [3/5] RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://bucket/x .",
      "Step 3/8 : ENV SECRET_KEY_FALLBACKS=\"\"",
      " ---> Running in %s" % g.s(HEX, 12)])


@lookalike("compose-config", "docs.docker.com/reference/compose-file/services/#environment; #secrets")
def _compose(g):
  return g.pick([
      "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
      "      - MYSQL_ROOT_PASSWORD=${MYSQL_ROOT_PASSWORD:?required}",
      "    secrets:", "      - db_password", "  db_password:", "    file: ./secrets/db_password.txt",
      "      GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/grafana_admin"])


@lookalike("vault-cli", "developer.hashicorp.com/vault/docs/commands")
def _vault(g):
  return g.pick([
      "+ vault login -method=oidc role=ci",
      "token_accessor       %s" % g.s(string.ascii_letters + string.digits, 24),
      "token_policies       [\"default\" \"ci\"]",
      "+ vault kv get -field=password secret/prod/db",
      "Success! You are now authenticated.",
      "Key                  Value\n".rstrip("\n"),
      "token_duration       768h"])


@lookalike("rails", "guides.rubyonrails.org/security.html#custom-credentials; configuring.html#config-filter-parameters")
def _rails(g):
  return g.pick([
      'Parameters: {"authenticity_token"=>"[FILTERED]", "user"=>{"email"=>"bob@example.com", "password"=>"[FILTERED]"}}',
      "Rails.application.credentials.secret_key_base",
      "config.filter_parameters += [:passw, :secret, :token, :_key, :crypt, :salt, :certificate, :otp, :ssn]",
      "ActiveSupport::MessageEncryptor::InvalidMessage",
      "Missing secret_key_base for 'production' environment, set this string with `bin/rails credentials:edit`"])


@lookalike("java-properties", "docs.oracle.com/javase/8/docs/api/java/util/Properties.html")
def _props(g):
  return g.pick([
      "spring.datasource.password=${DB_PASSWORD}", "spring.datasource.password=",
      "app.jwt.secret=${JWT_SECRET:}", "spring.security.user.password={noop}${ADMIN_PW}",
      "management.endpoint.env.keys-to-sanitize=password,secret,key,token",
      "jasypt.encryptor.password=${JASYPT_ENCRYPTOR_PASSWORD}",
      "spring.datasource.hikari.data-source-properties.cachePrepStmts=true"])


@lookalike("toml-config", "toml.io/en/v1.0.0")
def _toml(g):
  return g.pick([
      'password = ""', 'secret_key = "%s"' % ref(g, "SECRET_KEY"), "token_ttl = 3600",
      '[registries.crates-io]', 'token = "${CARGO_REGISTRY_TOKEN}"', 'password_env = "DB_PASSWORD"'])


@lookalike("dotnet-config", "learn.microsoft.com/aspnet/core/security/app-secrets")
def _dotnet(g):
  return g.pick([
      "<add key=\"ApiKeyHeader\" value=\"X-Api-Key\" />",
      "<add key=\"TokenEndpoint\" value=\"https://login.example.com/oauth2/token\" />",
      '"ConnectionStrings": { "Default": "Server=db;Database=app;Trusted_Connection=True;" }',
      "dotnet user-secrets set \"Movies:ServiceApiKey\" \"$API_KEY\"",
      "info: Microsoft.Hosting.Lifetime[0] Now listening on: http://[::]:8080"])


@lookalike("jdbc", "jdbc.postgresql.org/documentation/use/; learn.microsoft.com JDBC connection URL")
def _jdbc(g):
  return g.pick([
      "jdbc:postgresql://db.internal:5432/app?user=app&ssl=true&sslmode=verify-full",
      "jdbc:sqlserver://db:1433;databaseName=app;authentication=ActiveDirectoryManagedIdentity",
      "HikariPool-1 - Starting... jdbcUrl=jdbc:mysql://db:3306/shop?useSSL=true",
      "jdbc:oracle:thin:@//db.internal:1521/ORCLPDB1"])


@lookalike("ansible", "docs.ansible.com/ansible/latest/vault_guide/")
def _ansible(g):
  return g.pick([
      "db_password: \"{{ vault_db_password }}\"", "  password: !vault |",
      "          $ANSIBLE_VAULT;1.1;AES256", "TASK [postgres : set password] *****",
      "ok: [db1] => (item={'name': 'app', 'password': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'})",
      "changed: [web1] => {\"censored\": \"the output has been hidden due to the fact that 'no_log: true' was specified for this result\"}"])


@lookalike("terraform", "developer.hashicorp.com/terraform/language/values/outputs#sensitive")
def _tf(g):
  return g.pick([
      "  + password = (sensitive value)", "db_password = <sensitive>",
      "  # random_password.db will be created", '  + result = (sensitive value)',
      'Outputs:', 'api_key = <sensitive>', "  ~ secret_string = (sensitive value)"])
