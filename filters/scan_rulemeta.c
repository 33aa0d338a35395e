/* SPDX-License-Identifier: Apache-2.0 */
/* Rule metadata for SARIF; see scan_rulemeta.h. */
#include <config.h>

#include "scan_rulemeta.h"

#include <stddef.h>
#include <string.h>

#define OWASP "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html"

/* Texts by kind of secret; %s-free so they are used as they are. */
#define WHAT_SERVICE "An API key or access token of a hosted service. Whoever holds it can call the service's API as the account or application it was issued to: read and change its data, run up costs, and use it to reach further."
#define ROTATE_SERVICE "Revoke the key or token in the service's account settings (API keys, access tokens or integrations), issue a new one with the narrowest scopes that work, and deliver it through a secret manager or the CI's secret store instead of a file. Then look at the service's audit log for use of the old one since the commit that added it."
#define WHAT_CLOUD "A cloud provider credential. It can create, read and delete resources and data in the account it belongs to, often far beyond the one service that used it."
#define ROTATE_CLOUD "Create a new credential, move every consumer to it (preferably to short-lived credentials from the platform's identity service instead), then deactivate and delete the old one. Review the provider's audit trail (CloudTrail, Activity Log, Cloud Audit Logs) for its use since it was committed."
#define WHAT_VCS "A token of a source-hosting or package service. It can read private code, push commits, publish packages or change settings as its owner: a supply-chain risk."
#define ROTATE_VCS "Revoke the token in the service's settings (personal, project, deploy or registry tokens), create a new one with the fewest scopes and the shortest expiry that work, and keep it in the CI's secret store. Check the security log and published package versions for use since the commit that added it."
#define WHAT_KEY "A private key. Whoever holds it can impersonate its owner: decrypt traffic, sign code or tokens, or log in wherever the public key is trusted."
#define ROTATE_KEY "Generate a new key pair, install the new public key wherever the old one was trusted (authorized_keys, certificates, deploy keys, wallets), then remove the old public key and revoke certificates issued for it. A private key must never be in a repository: load it from a secret store or a file outside the tree."
#define WHAT_PASSWORD "A password or secret assigned in code or configuration. Whoever reads the file or the repository can log in to the system it belongs to."
#define ROTATE_PASSWORD "Change the password at the system it belongs to, read the new one from the environment or a secret manager at run time instead of the file, and check that system's logins since the commit that added it. If the value is not a secret (a test fixture, a placeholder), mark the line with logmask:allow or accept it in the baseline."
#define WHAT_URL "Credentials embedded in a URL (user:password@host or a token in the query). URLs are copied into logs, shell history, proxies and error pages, so the credentials travel with them."
#define ROTATE_URL "Change the password or token at the service the URL names, then build the URL at run time from a secret store (or use the client's separate credential setting) so the URL itself holds no secret."
#define WHAT_HTTP "An HTTP credential: an Authorization header, a session cookie or an API key header. It lets whoever replays it act as the client that sent it until it expires."
#define ROTATE_HTTP "Revoke the token or session at the service that issued it (log the session out, rotate the API key), and keep captured requests (HAR files, curl commands, fixtures) free of real credentials."
#define WHAT_DB "A database credential or connection secret. It gives direct access to the data, bypassing the application."
#define ROTATE_DB "Change the database user's password (or create a new user and drop the old one), update the application's secret store, and review the database's connection log for use since the commit that added it."
#define WHAT_WEBHOOK "A webhook URL or chat bot token. Whoever holds it can post messages as the integration, phish the channel's members, or read what the bot can read."
#define ROTATE_WEBHOOK "Delete or regenerate the webhook (or reset the bot token) in the service's integration settings and store the new one in a secret store."
#define WHAT_JWT "A signed token (JWT). Until it expires it authenticates its bearer as the subject it names."
#define ROTATE_JWT "Revoke the session or refresh token it belongs to at the issuer; if the signing key could be affected, rotate that key. Prefer short expiries, and keep real tokens out of fixtures and documentation."
#define WHAT_PII "Personal or payment data. It is not a credential, but storing or publishing it can breach privacy law and card-industry rules."
#define ROTATE_PII "Remove the data or replace it with synthetic examples; if it is real, follow your data-protection process (a card must be reported and replaced)."
#define WHAT_LITERAL "A value you named as secret (--literals or --env-file) appears verbatim."
#define ROTATE_LITERAL "Rotate the secret at the system it belongs to, since it was copied outside its store, and remove the copy."
#define WHAT_LIMIT "A regular expression hit its match limit on this line, so logmask treats the whole line as a secret rather than pass it unchecked (fail closed)."
#define ROTATE_LIMIT "Look at the line: if it holds a secret, rotate it as for its kind. Very long or pathological lines (minified or generated files) are better excluded with --exclude or .logmaskignore."
#define WHAT_WHOLE "A record logmask could not read all of (JSON nested too deep, a line over the length limit under the drop style), treated whole as a secret rather than passed unchecked (fail closed)."
#define WHAT_KEYNAME "The value of a key whose name says it holds a secret (password, token, api_key, secret, ...) in a JSON, logfmt or RFC 5424 record: masked whole whatever its form."
#define WHAT_GENERIC "A secret found by a rule of this rule set."
#define ROTATE_GENERIC "Rotate the secret at the system it belongs to, keep it in a secret manager instead of the file, and check that system's logs for use since the commit that added it."

#define TAGS(kind) {"security", "secret", kind, NULL}

/* Families by rule-id prefix ("github" covers github-pat...), first match
 * wins: specific prefixes before general ones. */
struct family {
  const char *prefix;
  struct rule_meta meta;
};

#define SERVICE(pfx, name, uri, sev) \
  {pfx, {name, WHAT_SERVICE, ROTATE_SERVICE, uri, sev, TAGS("api-token"), 0}}
#define VCS(pfx, name, uri) \
  {pfx, {name, WHAT_VCS, ROTATE_VCS, uri, "9.0", TAGS("supply-chain"), 0}}
#define CLOUD(pfx, name, uri) \
  {pfx, {name, WHAT_CLOUD, ROTATE_CLOUD, uri, "9.5", TAGS("cloud"), 0}}
#define KEY(pfx) {pfx, {"a key pair", WHAT_KEY, ROTATE_KEY, OWASP, "9.5", TAGS("private-key"), 0}}
#define PASSWORD(pfx) \
  {pfx, {"the system it belongs to", WHAT_PASSWORD, ROTATE_PASSWORD, OWASP, "7.5", TAGS("password"), 0}}
#define URL(pfx) {pfx, {"the service in the URL", WHAT_URL, ROTATE_URL, OWASP, "8.0", TAGS("url"), 0}}
#define HTTP(pfx) {pfx, {"the service", WHAT_HTTP, ROTATE_HTTP, OWASP, "7.5", TAGS("http"), 0}}
#define DB(pfx) {pfx, {"the database", WHAT_DB, ROTATE_DB, OWASP, "8.5", TAGS("database"), 0}}
#define WEBHOOK(pfx, name) \
  {pfx, {name, WHAT_WEBHOOK, ROTATE_WEBHOOK, OWASP, "7.0", TAGS("webhook"), 0}}
#define PII(pfx, sev) {pfx, {"personal data", WHAT_PII, ROTATE_PII, OWASP, sev, TAGS("privacy"), 0}}

static const struct family families[] = {
  {"literal:", {"your secret store", WHAT_LITERAL, ROTATE_LITERAL, OWASP, "9.0", TAGS("known-secret"), 0}},
  {"match-limit", {"logmask", WHAT_LIMIT, ROTATE_LIMIT, OWASP, "5.0", TAGS("fail-closed"), 0}},
  /* the engine's built-in labels (group builtin) */
  {"json-depth-limit", {"logmask", WHAT_WHOLE, ROTATE_LIMIT, OWASP, "5.0", TAGS("fail-closed"), 0}},
  {"line-too-long", {"logmask", WHAT_WHOLE, ROTATE_LIMIT, OWASP, "5.0", TAGS("fail-closed"), 0}},
  {"json-sensitive-key", {"the system it belongs to", WHAT_KEYNAME, ROTATE_PASSWORD, OWASP, "7.5", TAGS("sensitive-key"), 0}},
  {"logfmt-sensitive-key", {"the system it belongs to", WHAT_KEYNAME, ROTATE_PASSWORD, OWASP, "7.5", TAGS("sensitive-key"), 0}},
  {"syslog-sensitive-key", {"the system it belongs to", WHAT_KEYNAME, ROTATE_PASSWORD, OWASP, "7.5", TAGS("sensitive-key"), 0}},
  /* cloud */
  CLOUD("aws", "AWS", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"),
  CLOUD("gcp", "Google Cloud", "https://cloud.google.com/docs/authentication/api-keys"),
  CLOUD("azure", "Azure", "https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage"),
  CLOUD("alibaba", "Alibaba Cloud", OWASP),
  CLOUD("digitalocean", "DigitalOcean", OWASP),
  CLOUD("heroku", "Heroku", OWASP),
  CLOUD("cloudflare", "Cloudflare", OWASP),
  CLOUD("terraform", "Terraform Cloud", OWASP),
  CLOUD("flyio", "Fly.io", OWASP),
  CLOUD("vercel", "Vercel", OWASP),
  CLOUD("vault", "HashiCorp Vault", OWASP),
  CLOUD("databricks", "Databricks", OWASP),
  CLOUD("onepassword", "1Password", OWASP),
  CLOUD("tailscale", "Tailscale", OWASP),
  CLOUD("clickhouse", "ClickHouse Cloud", OWASP),
  /* source hosting and package registries */
  VCS("github", "GitHub", "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens"),
  VCS("gitlab", "GitLab", "https://docs.gitlab.com/ee/user/profile/personal_access_tokens.html"),
  VCS("bitbucket", "Bitbucket", OWASP),
  VCS("atlassian", "Atlassian", OWASP),
  VCS("npmrc", "npm", "https://docs.npmjs.com/revoking-access-tokens"),
  VCS("npm", "npm", "https://docs.npmjs.com/revoking-access-tokens"),
  VCS("pypi", "PyPI", "https://pypi.org/help/#apitoken"),
  VCS("dockerhub", "Docker Hub", OWASP),
  VCS("docker", "a container registry", OWASP),
  VCS("rubygems", "RubyGems", OWASP),
  VCS("nuget", "NuGet", OWASP),
  VCS("jfrog", "JFrog Artifactory", OWASP),
  VCS("sonarqube", "SonarQube", OWASP),
  VCS("sourcegraph", "Sourcegraph", OWASP),
  VCS("clojars", "Clojars", OWASP),
  VCS("bundler", "a gem source", OWASP),
  VCS("snyk", "Snyk", OWASP),
  /* chat, webhooks, bots */
  WEBHOOK("slack", "Slack"),
  WEBHOOK("discord", "Discord"),
  WEBHOOK("telegram", "Telegram"),
  /* other hosted services */
  SERVICE("stripe", "Stripe", "https://docs.stripe.com/keys", "9.0"),
  SERVICE("braintree", "Braintree", OWASP, "9.0"),
  SERVICE("square", "Square", OWASP, "9.0"),
  SERVICE("shopify", "Shopify", OWASP, "8.5"),
  SERVICE("openai", "OpenAI", OWASP, "8.0"),
  SERVICE("anthropic", "Anthropic", OWASP, "8.0"),
  SERVICE("huggingface", "Hugging Face", OWASP, "8.0"),
  SERVICE("groq", "Groq", OWASP, "8.0"),
  SERVICE("perplexity", "Perplexity", OWASP, "8.0"),
  SERVICE("twilio", "Twilio", OWASP, "8.0"),
  SERVICE("sendgrid", "SendGrid", OWASP, "8.0"),
  SERVICE("mailgun", "Mailgun", OWASP, "8.0"),
  SERVICE("mailchimp", "Mailchimp", OWASP, "8.0"),
  SERVICE("datadog", "Datadog", OWASP, "7.5"),
  SERVICE("newrelic", "New Relic", OWASP, "7.5"),
  SERVICE("sentry", "Sentry", OWASP, "6.5"),
  SERVICE("grafana", "Grafana", OWASP, "7.5"),
  SERVICE("postman", "Postman", OWASP, "7.5"),
  SERVICE("linear", "Linear", OWASP, "7.5"),
  SERVICE("notion", "Notion", OWASP, "7.5"),
  SERVICE("mapbox", "Mapbox", OWASP, "7.0"),
  SERVICE("intra42", "42 Intra", OWASP, "7.0"),
  SERVICE("maxmind", "MaxMind", OWASP, "6.5"),
  SERVICE("hubspot", "HubSpot", OWASP, "8.0"),
  SERVICE("facebook", "Facebook", OWASP, "8.0"),
  SERVICE("sumologic", "Sumo Logic", OWASP, "7.5"),
  /* keys */
  KEY("pem"), KEY("pgp"), KEY("openssh"), KEY("putty"), KEY("age"), KEY("jwk"),
  KEY("secp256k1"), KEY("private-key"),
  {"jwt", {"the token issuer", WHAT_JWT, ROTATE_JWT, OWASP, "7.0", TAGS("token"), 0}},
  /* URLs */
  URL("url"), URL("http-url"), URL("ftp-url"), URL("socks"), URL("proxy-authorization"),
  /* databases */
  DB("postgres"), DB("mysql"), DB("mongodb"), DB("mongo"), DB("redis"), DB("amqp"),
  DB("ldap"), DB("mssql"), DB("oracle"), DB("sql"), DB("smtp"),
  /* HTTP */
  HTTP("authorization"), HTTP("cookie"), HTTP("set-cookie"), HTTP("api-key-x-header"),
  HTTP("api-key-named-header"),
  /* personal data */
  PII("payment-card", "7.5"), PII("iban", "5.0"), PII("email", "3.0"), PII("ipv4", "2.0"),
  PII("ipv6", "2.0"),
  /* passwords and generic assignments */
  PASSWORD("password"), PASSWORD("pwd"), PASSWORD("secret"), PASSWORD("token"),
  PASSWORD("api-key"), PASSWORD("access-key"), PASSWORD("auth"), PASSWORD("credentials"),
  PASSWORD("cli"), PASSWORD("curl"), PASSWORD("sshpass"), PASSWORD("netrc"), PASSWORD("xml"),
};

static const struct rule_meta generic = {
  "the system it belongs to", WHAT_GENERIC, ROTATE_GENERIC, OWASP, "7.0", TAGS("custom-rule"), 1};

const struct rule_meta *rule_meta_find(const char *id)
{
  for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
    const char *p = families[i].prefix;
    size_t n = strlen(p);
    if (strncmp(id, p, n) == 0 &&
        (id[n] == '\0' || id[n] == '-' || p[n - 1] == ':'))
      return &families[i].meta;
  }
  return &generic;
}
