/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_planted.c - differential fuzzing of the whole line path (issue 11):
 * log lines in the shapes logs carry them, each record with a planted
 * secret of a random family, through lm_stream (default rules, auto
 * format) in random chunks, 1-byte ones included.
 *
 * Shapes: plain text; JSON flat, nested, name/value lists, lenient (NaN,
 * raw TAB), JSON inside a JSON string; logfmt; syslog RFC 3164 and RFC 5424
 * with structured data; a URL query (percent-encoded); Docker json-file
 * and CRI wrappers.  Families: a known literal (loaded with
 * lm_ruleset_add_literal; some hold quotes, backslashes, '%', blanks), a
 * password-like KEY=VALUE, a value under a key masked by name only
 * (session, cookie: in records), an AWS access key id, a GitHub token,
 * URL credentials, a bearer token, and a PEM key over several lines (or
 * in one JSON string with \n escapes).
 *
 * Oracles: no planted secret comes out, neither raw nor in any form a
 * shape wrote it in (JSON-escaped, JSON-escaped twice, percent-encoded,
 * SD-escaped), nor any 10 bytes of it in a row (a mask that stopped
 * early), nor any line of a PEM body; as many lines come
 * out as went in; a line that was valid JSON still is (yajl).  A failure
 * prints the record's input and output lines.
 *
 * Why no false alarm: output bytes are input bytes outside masks plus mask
 * texts ("[REDACTED:id]").  A secret is 12+ random bytes, and every
 * family's context is one its rules document (or a known literal), so a
 * secret in the output is a secret the engine let through.
 *
 * Input: the structure, three bytes a record after a first one (the number
 * of records): a clean line before it or not, its shape, its family; when
 * the input is used up an xorshift generator seeded from it goes on.  The
 * contents (secrets, keys, chunk sizes) come from that generator.  Seeds
 * in corpus/planted give each shape every family.
 *
 * LOGMASK_FUZZ_DUMP=FILE writes the generated log text to FILE and the
 * known literals to FILE.literals, to replay with
 * `logmask --literals FILE.literals < FILE`.
 *
 * Shapes and values that hit a bug listed in tests/cases/KNOWN-FAILING are
 * left out unless LOGMASK_FUZZ_ALL=1 is set, so that CI's libFuzzer run
 * looks for new bugs; remove the gate with the fix. */
#include "fuzz.h"
#include "logmask.h"
#include "json_valid.h"

/* ------------------------------------------------------------------ */
/* choices                                                             */

typedef struct src {
  const uint8_t *p;
  size_t n, i;
  uint64_t rng;
} src;

/* A structural choice: the next input byte. */
static unsigned pick(src *s, unsigned n)
{
  unsigned v;
  if (s->i < s->n)
    v = s->p[s->i++];
  else
    v = (unsigned)(fuzz_next(&s->rng) >> 40);
  return n ? v % n : 0;
}

/* A choice of content. */
static unsigned rnd(src *s, unsigned n)
{
  return n ? (unsigned)((fuzz_next(&s->rng) >> 24) % n) : 0;
}

/* ------------------------------------------------------------------ */
/* text buffers                                                        */

typedef struct buf {
  char *d;
  size_t len, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
  if (!b->d || n > b->cap - b->len) {
    size_t cap = b->cap ? b->cap : 256;
    while (n > cap - b->len)
      cap *= 2;
    char *g = realloc(b->d, cap + 1);
    FUZZ_ASSERT(g, "out of memory");
    b->d = g;
    b->cap = cap;
  }
  if (n)
    memcpy(b->d + b->len, s, n);
  b->len += n;
  b->d[b->len] = '\0';
}
static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }
static void putc_(buf *b, char c) { put(b, &c, 1); }
static void reset(buf *b) { b->len = 0; if (b->d) b->d[0] = '\0'; }

/* Escapes of the shapes. */
static void json_esc(buf *o, const char *s, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      putc_(o, '\\');
      putc_(o, (char)c);
    } else if (c == '\n') {
      puts_(o, "\\n");
    } else if (c < 0x20) {
      char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      put(o, u, 6);
    } else {
      putc_(o, (char)c);
    }
  }
}
static void pct_esc(buf *o, const char *s, size_t n)
{
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '_' || c == '.' || c == '~') {
      putc_(o, (char)c);
    } else {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      put(o, e, 3);
    }
  }
}
/* RFC 5424 PARAM-VALUE: '"', '\' and ']' escaped. */
static void sd_esc(buf *o, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"' || s[i] == '\\' || s[i] == ']')
      putc_(o, '\\');
    putc_(o, s[i]);
  }
}
/* logfmt (as go-logfmt writes it): bare when it can be, else quoted with
 * \" \\ and \n. */
static void logfmt_val(buf *o, const char *s, size_t n)
{
  int q = n == 0;
  for (size_t i = 0; i < n && !q; i++)
    q = s[i] == ' ' || s[i] == '"' || s[i] == '=' || s[i] == '\\' || s[i] == '\n';
  if (!q) {
    put(o, s, n);
    return;
  }
  putc_(o, '"');
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\n') {
      puts_(o, "\\n");
      continue;
    }
    if (s[i] == '"' || s[i] == '\\')
      putc_(o, '\\');
    putc_(o, s[i]);
  }
  putc_(o, '"');
}

/* ------------------------------------------------------------------ */
/* secrets                                                             */

static int fuzz_all; /* LOGMASK_FUZZ_ALL: known-failing shapes too */

static const char ALNUM[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* n random bytes of `alpha`, with an upper-case letter, a lower-case
 * letter and a digit where n allows, so no rule takes it for a word, an
 * identifier or a placeholder. */
/* A word naming a secret inside a value (Key, Pass, PWd...) makes the
 * engine leave the value alone today (golden/value-words): such values
 * only with LOGMASK_FUZZ_ALL. */
static int names_a_secret(const char *t, size_t n)
{
  static const char *const words[] = {"key", "pass", "secret", "token", "auth", "pwd"};
  char low[256];
  if (n >= sizeof low)
    n = sizeof low - 1;
  for (size_t i = 0; i < n; i++)
    low[i] = (char)(t[i] >= 'A' && t[i] <= 'Z' ? t[i] - 'A' + 'a' : t[i]);
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (memmem(low, n, words[i], strlen(words[i])))
      return 1;
  return 0;
}

static void token(src *s, buf *o, size_t n, const char *alpha)
{
  size_t start = o->len, na = strlen(alpha);
  do {
    o->len = start;
    for (size_t i = 0; i < n; i++)
      putc_(o, alpha[rnd(s, (unsigned)na)]);
    if (n >= 3 && strchr(alpha, 'Q') && strchr(alpha, 'q') && strchr(alpha, '7')) {
      o->d[start] = (char)('A' + rnd(s, 26));
      o->d[start + 1] = (char)('a' + rnd(s, 26));
      o->d[start + 2] = (char)('2' + rnd(s, 8));
    }
  } while (!fuzz_all && names_a_secret(o->d + start, n));
  o->d[o->len] = '\0';
}

/* Known literals: a pool loaded once (the set is compiled once).  Values
 * hold no '[', ']', '*' (mask texts), no line break, and an upper-case
 * letter outside "REDACTED" (planted.h), some with the bytes escapes are
 * about. */
#define NLIT 48
static char literals[NLIT][32];

static void make_literals(void)
{
  static const char specials[] = "\"\\%= ;&'/+<>#,:@";
  uint64_t rng = 0x5eed5eedu;
  for (size_t i = 0; i < NLIT; i++) {
    size_t n = 10 + (size_t)(fuzz_next(&rng) % 14), k = 0;
    literals[i][k++] = (char)("FGKMPQUVWXYZ"[fuzz_next(&rng) % 12]);
    while (k < n) {
      uint64_t r = fuzz_next(&rng);
      if (i % 3 != 0 && r % 5 == 0)
        literals[i][k++] = specials[(r >> 8) % (sizeof specials - 1)];
      else
        literals[i][k++] = ALNUM[(r >> 8) % (sizeof ALNUM - 1)];
    }
    literals[i][k] = '\0';
  }
}

enum family { F_LITERAL, F_KEYVALUE, F_AWS, F_GITHUB, F_URL, F_BEARER, F_PEM, F_SENSITIVE_KEY,
              NFAMILY };

static const char *const kv_keys[] = {
    "password", "passwd", "PGPASSWORD", "db_password", "DB_PASS", "client_secret",
    "api_key", "apiKey", "secret", "access_token", "auth_token", "private_key",
    "MYSQL_PWD"};
#define NKEYS (sizeof kv_keys / sizeof kv_keys[0])
/* Keys masked by name only, in records (no rule reads session=X in text). */
static const char *const sensitive_keys[] = {"session", "cookie", "set-cookie", "Cookie",
                                             "credentials", "refresh_token", "X-Auth-Token"};
#define NSENS (sizeof sensitive_keys / sizeof sensitive_keys[0])

/* One planted secret: `key` (NULL for none) and `value` for the shapes
 * with pairs, `text` for free text; `secret` is what must never come out;
 * `lines` the PEM block's lines (NULL-separated in `block`). */
typedef struct plant {
  int family;
  const char *key;
  buf value, text, secret;
  buf block;      /* F_PEM: its lines, each ended by '\n' */
  size_t nbody;
} plant;

static void make_plant(src *s, plant *p)
{
  reset(&p->value);
  reset(&p->text);
  reset(&p->secret);
  reset(&p->block);
  p->key = NULL;
  p->nbody = 0;
  p->family = (int)pick(s, NFAMILY);
  switch (p->family) {
  case F_LITERAL: {
    const char *l = literals[rnd(s, NLIT)];
    puts_(&p->secret, l);
    if (rnd(s, 2))
      p->key = rnd(s, 2) ? "note" : kv_keys[rnd(s, NKEYS)];
    puts_(&p->value, l);
    puts_(&p->text, "with ");
    puts_(&p->text, l);
    break;
  }
  case F_KEYVALUE: {
    /* ';' ',' '&' '#' end a bare value today (golden/value-token); the
     * rest of these may stand in a bare value anywhere */
    const char *alpha = fuzz_all && rnd(s, 3) == 0
                            ? "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789;,&#"
                            : "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.~!+/";
    p->key = kv_keys[rnd(s, NKEYS)];
    token(s, &p->secret, 12 + rnd(s, 12), alpha);
    puts_(&p->value, p->secret.d);
    puts_(&p->text, p->key);
    puts_(&p->text, rnd(s, 2) ? "=" : ": ");
    puts_(&p->text, p->secret.d);
    break;
  }
  case F_SENSITIVE_KEY:
    p->key = sensitive_keys[rnd(s, NSENS)];
    token(s, &p->secret, 12 + rnd(s, 20), ALNUM);
    puts_(&p->value, p->secret.d);
    puts_(&p->text, p->secret.d); /* no shape carries it as free text */
    break;
  case F_AWS:
    puts_(&p->secret, "AKIA");
    token(s, &p->secret, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    break;
  case F_GITHUB:
    puts_(&p->secret, "ghp_");
    token(s, &p->secret, 36, ALNUM);
    break;
  case F_URL:
    token(s, &p->secret, 12 + rnd(s, 10), ALNUM);
    puts_(&p->text, "https://deploy:");
    puts_(&p->text, p->secret.d);
    puts_(&p->text, "@git.example.com/org/repo.git");
    break;
  case F_BEARER:
    token(s, &p->secret, 24 + rnd(s, 16), ALNUM);
    puts_(&p->text, "Authorization: Bearer ");
    puts_(&p->text, p->secret.d);
    break;
  case F_PEM: {
    static const char *const kinds[] = {"RSA ", "EC ", "", "OPENSSH ", "ENCRYPTED "};
    const char *kind = kinds[rnd(s, 5)];
    char line[96];
    snprintf(line, sizeof line, "-----BEGIN %sPRIVATE KEY-----\n", kind);
    puts_(&p->block, line);
    p->nbody = 2 + rnd(s, 5);
    for (size_t i = 0; i < p->nbody; i++) {
      size_t at = p->secret.len;
      token(s, &p->secret, i + 1 < p->nbody ? 64 : 8 + rnd(s, 50), B64);
      put(&p->block, p->secret.d + at, p->secret.len - at);
      putc_(&p->block, '\n');
      putc_(&p->secret, '\n');
    }
    snprintf(line, sizeof line, "-----END %sPRIVATE KEY-----\n", kind);
    puts_(&p->block, line);
    /* as one value: the block with its line breaks */
    put(&p->value, p->block.d, p->block.len);
    p->key = rnd(s, 2) ? "key" : "msg";
    break;
  }
  }
  if (p->family == F_AWS || p->family == F_GITHUB) {
    puts_(&p->text, rnd(s, 2) ? "using " : "token ");
    puts_(&p->text, p->secret.d);
  }
  if (!p->value.len)
    puts_(&p->value, p->text.d);
}

/* ------------------------------------------------------------------ */
/* shapes                                                              */

enum shape {
  S_TEXT, S_JSON, S_JSON_NESTED, S_JSON_NAMEVALUE, S_JSON_LENIENT, S_JSON_IN_STRING,
  S_LOGFMT, S_SYSLOG3164, S_SYSLOG5424, S_URL, S_DOCKER, S_CRI,
  S_JSON_STRINGS,  /* an array of strings */
  S_MONOLOG,       /* JSON between a prefix and a suffix (Monolog) */
  NSHAPE
};
static const char *const shape_names[] = {
    "text", "json", "json-nested", "json-namevalue", "json-lenient", "json-in-string",
    "logfmt", "syslog3164", "syslog5424", "url", "docker", "cri", "json-strings", "monolog"};

/* Shapes with pairs, where a key masks its value by name. */
static int shape_has_pairs(int shape)
{
  return shape == S_JSON || shape == S_JSON_NESTED || shape == S_JSON_NAMEVALUE ||
         shape == S_JSON_LENIENT || shape == S_JSON_IN_STRING || shape == S_LOGFMT ||
         shape == S_SYSLOG5424 || shape == S_MONOLOG;
}

static int shape_known_failing(int shape, int family)
{
  /* JSON between a prefix and a suffix (golden/prefixed-json-suffix) */
  if (shape == S_MONOLOG && family == F_SENSITIVE_KEY)
    return 1;
  /* block lines behind a CRI prefix (golden/cri-pem) */
  if (family == F_PEM && shape == S_CRI)
    return 1;
  return 0;
}

/* The pair or text of `p` as a JSON member list body (no braces). */
static void json_member(buf *o, const plant *p, const char *text, size_t tlen)
{
  if (!p) {
    puts_(o, "\"msg\":\"");
    json_esc(o, text, tlen);
    putc_(o, '"');
    return;
  }
  putc_(o, '"');
  puts_(o, p->key ? p->key : "msg");
  puts_(o, "\":\"");
  if (p->key)
    json_esc(o, p->value.d, p->value.len);
  else
    json_esc(o, text, tlen);
  putc_(o, '"');
}

/* One line of `shape` carrying the pair of p, or free text (p NULL, or a
 * shape without pairs). */
static void shape_line(buf *o, int shape, const plant *p, const char *text, size_t tlen)
{
  buf t = {0};
  switch (shape) {
  case S_TEXT:
    puts_(o, "2024-05-01T10:00:00.123Z INFO app: request ");
    put(o, text, tlen);
    puts_(o, " done");
    break;
  case S_JSON:
    puts_(o, "{\"level\":\"info\",");
    json_member(o, p, text, tlen);
    puts_(o, ",\"n\":1}");
    break;
  case S_JSON_NESTED:
    puts_(o, "{\"ts\":\"2024-05-01T10:00:00Z\",\"ctx\":{\"req\":[{\"id\":7,");
    json_member(o, p, text, tlen);
    puts_(o, "}]}}");
    break;
  case S_JSON_NAMEVALUE:
    puts_(o, "{\"env\":[{\"name\":\"HOME\",\"value\":\"/root\"},{\"name\":\"");
    puts_(o, p && p->key ? p->key : "NOTE");
    puts_(o, "\",\"value\":\"");
    if (p && p->key)
      json_esc(o, p->value.d, p->value.len);
    else
      json_esc(o, text, tlen);
    puts_(o, "\"}]}");
    break;
  case S_JSON_LENIENT:
    puts_(o, "{\"ratio\":NaN,\"max\":Infinity,\"note\":\"a\tb\",");
    json_member(o, p, text, tlen);
    puts_(o, "}");
    break;
  case S_JSON_IN_STRING:
    puts_(&t, "{\"level\":\"info\",");
    json_member(&t, p, text, tlen);
    puts_(&t, "}");
    puts_(o, "{\"log\":\"");
    json_esc(o, t.d, t.len);
    puts_(o, "\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T10:00:00.000000001Z\"}");
    break;
  case S_LOGFMT:
    puts_(o, "ts=2024-05-01T10:00:00Z level=info ");
    if (p && p->key) {
      puts_(o, p->key);
      putc_(o, '=');
      logfmt_val(o, p->value.d, p->value.len);
    } else {
      puts_(o, "msg=");
      logfmt_val(o, text, tlen);
    }
    puts_(o, " user=bob");
    break;
  case S_SYSLOG3164:
    puts_(o, "<134>May  1 10:00:00 web01 app[4242]: ");
    put(o, text, tlen);
    break;
  case S_SYSLOG5424:
    puts_(o, "<165>1 2024-05-01T10:00:00.003Z web01 app 4242 ID47 ");
    if (p && p->key) {
      puts_(o, "[auth@32473 ");
      puts_(o, p->key);
      puts_(o, "=\"");
      sd_esc(o, p->value.d, p->value.len);
      puts_(o, "\" user=\"bob\"] login");
    } else {
      puts_(o, "- ");
      put(o, text, tlen);
    }
    break;
  case S_URL:
    puts_(o, "10.0.0.7 - - \"GET /api/v1/login?user=bob&");
    puts_(o, p && p->key ? p->key : "q");
    putc_(o, '=');
    if (p && p->key)
      pct_esc(o, p->value.d, p->value.len);
    else
      pct_esc(o, text, tlen);
    puts_(o, "&page=2 HTTP/1.1\" 200 512");
    break;
  case S_DOCKER:
    puts_(o, "{\"log\":\"");
    json_esc(o, text, tlen);
    puts_(o, "\\n\",\"stream\":\"stderr\",\"time\":\"2024-05-01T10:00:00.000000001Z\"}");
    break;
  case S_CRI:
    puts_(o, "2024-05-01T10:00:00.000000001Z stdout F ");
    put(o, text, tlen);
    break;
  case S_JSON_STRINGS:
    puts_(o, "{\"tags\":[\"env:prod\",\"");
    json_esc(o, text, tlen);
    puts_(o, "\"]}");
    break;
  case S_MONOLOG:
    puts_(o, "[2024-05-01 10:00:00] app.INFO: login {\"user\":\"bob\",");
    json_member(o, p, text, tlen);
    puts_(o, "} []");
    break;
  }
  free(t.d);
}

/* Clean lines between records. */
static const char *const filler[] = {
    "2024-05-01T10:00:01Z INFO app: GET /api/v1/items 200 12ms",
    "{\"level\":\"info\",\"msg\":\"request served\",\"status\":200}",
    "ts=2024-05-01T10:00:02Z level=debug msg=\"cache hit\" key=user:42",
    "<134>May  1 10:00:03 web01 app[4242]: worker 3 idle",
    "",
    "  at com.example.App.main(App.java:42)",
};
#define NFILLER (sizeof filler / sizeof filler[0])

/* ------------------------------------------------------------------ */
/* oracles (valid_json: json_valid.h)                                   */

typedef struct record {
  size_t first, nlines; /* input lines of this record */
  int shape;
  plant p;
} record;

#define MAXREC 8

static lm_ruleset *set;

static void setup(void)
{
  if (set)
    return;
  const char *all = getenv("LOGMASK_FUZZ_ALL");
  fuzz_all = all && strcmp(all, "1") == 0;
  make_literals();
  set = lm_ruleset_new();
  FUZZ_ASSERT(set, "out of memory");
  lm_status st = lm_ruleset_load_defaults(set);
  FUZZ_ASSERT(st == LM_OK, "defaults: %s", lm_strerror(st));
  for (size_t i = 0; i < NLIT; i++) {
    st = lm_ruleset_add_literal(set, "planted", literals[i], strlen(literals[i]));
    FUZZ_ASSERT(st == LM_OK, "add_literal: %s", lm_strerror(st));
  }
  st = lm_ruleset_compile(set);
  FUZZ_ASSERT(st == LM_OK, "compile: %s", lm_strerror(st));
}

/* Line k of text (n lines, each ended by '\n' but maybe the last). */
static const char *nth_line(const char *t, size_t len, size_t k, size_t *n)
{
  const char *p = t, *end = t + len;
  for (size_t i = 0; i < k && p < end; i++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    p = nl ? nl + 1 : end;
  }
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  *n = (size_t)((nl ? nl : end) - p);
  return p;
}

static void report(const record *r, const buf *in, const fuzz_sink *out, const char *what)
{
  fprintf(stderr, "fuzz_planted: shape %s, family %d: %s\n", shape_names[r->shape],
          r->p.family, what);
  for (size_t k = r->first; k < r->first + r->nlines; k++) {
    size_t a, b;
    const char *li = nth_line(in->d, in->len, k, &a);
    const char *lo = nth_line(out->data ? out->data : "", out->len, k, &b);
    fprintf(stderr, "  in:  %.*s\n  out: %.*s\n", (int)(a > 600 ? 600 : a), li,
            (int)(b > 600 ? 600 : b), lo);
  }
}

/* The forms a secret may take in the output: raw and escaped each way a
 * shape writes it; and any PART bytes of it in a row (random bytes: no
 * other text holds them). */
#define PART 10
static void check_absent(const record *r, const buf *in, const fuzz_sink *out, const char *s,
                         size_t n)
{
  if (n < 8)
    return;
  buf f[5] = {{0}};
  put(&f[0], s, n);
  json_esc(&f[1], s, n);
  json_esc(&f[2], f[1].d, f[1].len);
  pct_esc(&f[3], s, n);
  sd_esc(&f[4], s, n);
  for (size_t i = 0; i < 5; i++) {
    if (fuzz_contains(out->data, out->len, f[i].d, f[i].len)) {
      static const char *const form[] = {"raw", "JSON-escaped", "JSON-escaped twice",
                                         "percent-encoded", "SD-escaped"};
      char what[160];
      snprintf(what, sizeof what, "the secret came out (%s form: %.*s)", form[i],
               (int)(f[i].len > 80 ? 80 : f[i].len), f[i].d);
      report(r, in, out, what);
      FUZZ_FAIL("planted secret in the output");
    }
  }
  for (size_t i = 0; i < 5; i++)
    free(f[i].d);
  /* part of it: a mask that ends early leaves the rest of the value */
  for (size_t at = 0; at + PART <= n; at++) {
    if (fuzz_contains(out->data, out->len, s + at, PART)) {
      char what[160];
      snprintf(what, sizeof what, "part of the secret came out: %.*s (bytes %zu-%zu of %zu)",
               (int)PART, s + at, at, at + PART, n);
      report(r, in, out, what);
      FUZZ_FAIL("part of a planted secret in the output");
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  setup();
  src s = {data, size, 0, fuzz_seed(data, size, 8) ^ (uint64_t)size};
  record rec[MAXREC];
  memset(rec, 0, sizeof rec);
  buf in = {0}, line = {0};
  size_t nrec = 1 + pick(&s, MAXREC), lines = 0;
  for (size_t i = 0; i < nrec; i++) {
    record *r = &rec[i];
    if (pick(&s, 3) == 0) {
      puts_(&in, filler[rnd(&s, NFILLER)]);
      putc_(&in, '\n');
      lines++;
    }
    r->shape = (int)pick(&s, NSHAPE);
    make_plant(&s, &r->p);
    while ((r->p.family == F_SENSITIVE_KEY && !shape_has_pairs(r->shape)) ||
           (!fuzz_all && shape_known_failing(r->shape, r->p.family)))
      r->shape = (int)pick(&s, NSHAPE);
    r->first = lines;
    if (r->p.family == F_PEM && (r->shape == S_TEXT || r->shape == S_DOCKER ||
                                 r->shape == S_CRI || r->shape == S_SYSLOG3164 ||
                                 r->shape == S_SYSLOG5424)) {
      /* one line of the shape per line of the block */
      const char *b = r->p.block.d, *end = b + r->p.block.len;
      while (b < end) {
        const char *nl = memchr(b, '\n', (size_t)(end - b));
        reset(&line);
        if (r->shape == S_TEXT)
          put(&line, b, (size_t)(nl - b)); /* a key printed as it is */
        else
          shape_line(&line, r->shape, NULL, b, (size_t)(nl - b));
        put(&in, line.d, line.len);
        putc_(&in, '\n');
        lines++;
        r->nlines++;
        b = nl + 1;
      }
    } else {
      reset(&line);
      shape_line(&line, r->shape, &r->p, r->p.text.d, r->p.text.len);
      put(&in, line.d, line.len);
      putc_(&in, '\n');
      lines++;
      r->nlines = 1;
    }
  }

  /* LOGMASK_FUZZ_DUMP=FILE: the log text, to replay through logmask */
  const char *dump = getenv("LOGMASK_FUZZ_DUMP");
  if (dump && *dump) {
    FILE *f = fopen(dump, "wb");
    FUZZ_ASSERT(f && fwrite(in.d, 1, in.len, f) == in.len && fclose(f) == 0,
                "cannot write %s", dump);
    buf name = {0};
    puts_(&name, dump);
    puts_(&name, ".literals");
    f = fopen(name.d, "wb");
    FUZZ_ASSERT(f, "cannot write %s", name.d);
    for (size_t i = 0; i < NLIT; i++)
      fprintf(f, "%s\n", literals[i]);
    FUZZ_ASSERT(fclose(f) == 0, "cannot write %s", name.d);
    free(name.d);
  }

  lm_masker *m = lm_masker_new(set);
  FUZZ_ASSERT(m, "lm_masker_new failed");
  /* as the filter reads (a masker's default is "text") */
  lm_status fs = lm_masker_set_format(m, "auto");
  FUZZ_ASSERT(fs == LM_OK, "set_format: %s", lm_strerror(fs));
  fuzz_sink out = {0};
  lm_stream *st = lm_stream_new(m, fuzz_sink_write, &out);
  FUZZ_ASSERT(st, "lm_stream_new failed");
  uint64_t cs = s.rng ^ 0x9e3779b97f4a7c15u;
  for (size_t pos = 0; pos < in.len;) {
    size_t n = rnd(&s, 4) == 0 ? 1 : fuzz_chunk(&cs);
    if (n > in.len - pos)
      n = in.len - pos;
    lm_status rc = lm_stream_feed(st, in.d + pos, n);
    FUZZ_ASSERT(rc == LM_OK, "feed: %s", lm_strerror(rc));
    pos += n;
  }
  lm_status rc = lm_stream_finish(st);
  FUZZ_ASSERT(rc == LM_OK, "finish: %s", lm_strerror(rc));
  lm_stream_free(st);
  lm_masker_free(m);

  size_t outlines = 0;
  for (size_t i = 0; i < out.len; i++)
    outlines += out.data[i] == '\n';
  if (outlines != lines) {
    report(&rec[0], &in, &out, "line count changed");
    FUZZ_FAIL("%zu lines in, %zu out", lines, outlines);
  }
  for (size_t i = 0; i < nrec; i++) {
    const record *r = &rec[i];
    if (r->p.family == F_PEM) {
      /* every body line; the whole block in one string too */
      const char *b = r->p.secret.d, *end = b + r->p.secret.len;
      while (b < end) {
        const char *nl = memchr(b, '\n', (size_t)(end - b));
        check_absent(r, &in, &out, b, (size_t)(nl - b));
        b = nl + 1;
      }
    } else {
      check_absent(r, &in, &out, r->p.secret.d, r->p.secret.len);
    }
    for (size_t k = r->first; k < r->first + r->nlines; k++) {
      size_t a, b;
      const char *li = nth_line(in.d, in.len, k, &a);
      const char *lo = nth_line(out.data ? out.data : "", out.len, k, &b);
      if (valid_json(li, a) && !valid_json(lo, b)) {
        report(r, &in, &out, "valid JSON in, invalid JSON out");
        FUZZ_FAIL("JSON broken");
      }
    }
  }
  for (size_t i = 0; i < nrec; i++) {
    free(rec[i].p.value.d);
    free(rec[i].p.text.d);
    free(rec[i].p.secret.d);
    free(rec[i].p.block.d);
  }
  free(in.d);
  free(line.d);
  fuzz_sink_free(&out);
  return 0;
}
