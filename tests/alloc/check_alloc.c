/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation failures and freed memory, through the public API (issue 11).
 *
 * This program is linked against the static liblogmask.a with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,
 * --wrap=strndup (tests/alloc/Makefile.inc), so every allocation the
 * library's own code makes goes through the wrappers below; PCRE2's,
 * yajl's and zlib's do not (they are shared libraries).  It runs under
 * ASan+UBSan in CI, where a double free or a use after free on an error
 * path is a report, not a silent corruption.
 *
 * Fail mode: counting from arm(), allocation number k returns NULL (once).
 * For every k:
 *  - lm_ruleset_compile of the default rule library (and of a small rule
 *    file that uses every rule field): no crash, an error that says out of
 *    memory, lm_ruleset_free afterwards without a double free, and the set
 *    can be compiled again or refuses it cleanly;
 *  - loading the default rule library (every k up to a bound, then a
 *    sample: it makes thousands of allocations);
 *  - masking representative lines with lm_masker_line and lm_masker_find,
 *    and through lm_stream in small chunks with a small line limit: a call
 *    that succeeds gives exactly the output of a run without failures; a
 *    call that fails says LM_ERR_NOMEM, and no planted secret is ever in
 *    what was written or returned, on that line or any later one.
 *
 * Wipe mode: free() and realloc() look into the block they release for
 * the planted secrets (realloc always moves here, as it may).  A freed
 * block that still holds one is a finding: buffers that held secrets are
 * wiped before they are freed or outgrown. */
#include "config.h"
#include <check.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "logmask.h"

/* ------------------------------------------------------------------ */
/* the wrappers                                                        */

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static int armed;             /* count and fail allocations */
static unsigned long counted; /* allocations since arm() */
static unsigned long fail_at; /* 0: never */
static int injected;          /* the failure happened */

static int wipe_check;        /* look into released blocks */
static const char *const *secrets;
static size_t nsecrets;
static unsigned long dirty;   /* released blocks holding a secret */
static char dirty_what[256];

static int should_fail(void)
{
  if (!armed)
    return 0;
  if (++counted == fail_at) {
    injected = 1;
    return 1;
  }
  return 0;
}

static void inspect(const void *p, size_t n, const char *how, const void *caller)
{
  if (!wipe_check || !p)
    return;
  for (size_t i = 0; i < nsecrets; i++) {
    size_t l = strlen(secrets[i]);
    if (l <= n && memmem(p, n, secrets[i], l)) {
      if (!dirty++)
        snprintf(dirty_what, sizeof dirty_what,
                 "%s a %zu-byte block holding secret %zu (called from %p)", how, n, i,
                 caller);
      return;
    }
  }
}

void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return should_fail() ? NULL : __real_calloc(k, n); }

void *__wrap_realloc(void *p, size_t n)
{
  if (should_fail())
    return NULL;
  if (!wipe_check || !p || !n)
    return __real_realloc(p, n);
  /* always move, so the old block is released as a moving realloc would */
  size_t old = malloc_usable_size(p);
  void *q = __real_malloc(n);
  if (!q)
    return NULL;
  memcpy(q, p, old < n ? old : n);
  inspect(p, old, "realloc released", __builtin_return_address(0));
  __real_free(p);
  return q;
}

void __wrap_free(void *p)
{
  if (p)
    inspect(p, malloc_usable_size(p), "free released", __builtin_return_address(0));
  __real_free(p);
}

char *__wrap_strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *d = __wrap_malloc(n);
  return d ? memcpy(d, s, n) : NULL;
}

char *__wrap_strndup(const char *s, size_t n)
{
  size_t l = strnlen(s, n);
  char *d = __wrap_malloc(l + 1);
  if (!d)
    return NULL;
  memcpy(d, s, l);
  d[l] = '\0';
  return d;
}

/* Check allocates to report a failure: never while armed. */
#define CHECK(cond, ...)                 \
  do {                                   \
    int was_armed_ = armed;              \
    armed = 0;                           \
    ck_assert_msg((cond), __VA_ARGS__);  \
    armed = was_armed_;                  \
  } while (0)

static void arm(unsigned long k)
{
  counted = 0;
  fail_at = k;
  injected = 0;
  armed = 1;
}
static void disarm(void) { armed = 0; }

/* ------------------------------------------------------------------ */
/* inputs                                                              */

static const char *const SECRETS[] = {
    "Xk9mQ2zLpW7", "Ul7sEw3qMz9XkP2v", "ghp_R3aLlyN0tAT0k3nButL00ksL1keOne012345",
    "Kq8Zr3Lm5Np7Qs9Tu1Vw3Xy5Za7Bc9De1Fg3Hi5Jk7Lm9No1Pq3Rs5Tu7Vw9Xy1Z", "Zt4LitSecret-4711",
    "AKIAQ7XZ2LMN4PQR5STU"};
#define NSECRETS (sizeof SECRETS / sizeof SECRETS[0])
#define LITERAL "Zt4LitSecret-4711"

/* Lines of every shape; the PEM lines are in order (a block). */
static const char *const LINES[] = {
    "login password=Xk9mQ2zLpW7 user=bob",
    "{\"db\":{\"PGPASSWORD\":\"Xk9mQ2zLpW7\"},\"session\":\"Ul7sEw3qMz9XkP2v\",\"n\":NaN}",
    "{\"log\":\"{\\\"password\\\":\\\"Xk9mQ2zLpW7\\\"}\\n\",\"stream\":\"stdout\"}",
    "2024-05-01T10:00:00Z stdout F {\"session\":\"Ul7sEw3qMz9XkP2v\"}",
    "level=info db.password=\"Xk9 mQ2zLpW7\" session=Ul7sEw3qMz9XkP2v",
    "<165>1 2024-05-01T10:00:00Z web01 app 42 ID47 [a@1 session=\"Ul7sEw3qMz9XkP2v\"] x",
    "GET /x?user=bob&password=Xk9mQ2zL%70W7 HTTP/1.1",
    "{\"env\":[{\"name\":\"PGPASSWORD\",\"value\":\"Xk9mQ2zLpW7\"}]}",
    "push token ghp_R3aLlyN0tAT0k3nButL00ksL1keOne012345 and AKIAQ7XZ2LMN4PQR5STU",
    "retry with Zt4LitSecret-4711 again Zt4LitSecret-4711",
    "-----BEGIN RSA PRIVATE KEY-----",
    "Kq8Zr3Lm5Np7Qs9Tu1Vw3Xy5Za7Bc9De1Fg3Hi5Jk7Lm9No1Pq3Rs5Tu7Vw9Xy1Z",
    "-----END RSA PRIVATE KEY-----",
    "password=Xk9mQ2zLpW7 password=Xk9mQ2zLpW7 password=Xk9mQ2zLpW7 password=Xk9mQ2zLpW7",
};
#define NLINES (sizeof LINES / sizeof LINES[0])

static int holds_secret(const char *t, size_t n)
{
  for (size_t i = 0; i < NSECRETS; i++)
    if (t && strlen(SECRETS[i]) <= n && memmem(t, n, SECRETS[i], strlen(SECRETS[i])))
      return 1;
  return 0;
}

/* A small rule file that uses every rule field. */
static const char SMALL_RULES[] =
    "rule: kv\n"
    "description: d\n"
    "group: g\n"
    "keywords: pass, pwd\n"
    "regex: (?i)pass(?:word)?=(?<secret>[^\\s]+)\n"
    "allow: ^\\$\\{\n"
    "min-length: 4\n"
    "min-entropy: 1.0\n"
    "placeholders: mask\n"
    "mask: redact\n"
    "match: password=[[hunter22]]\n"
    "nomatch: password=${X}\n"
    "\n"
    "rule: blk\n"
    "description: d\n"
    "keywords: PRIVATE KEY\n"
    "regex: -----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----(?=[ \\t\\r]*$)\n"
    "block-end: -----END (?:[A-Z]+ )?PRIVATE KEY-----\n"
    "block-max-lines: 50\n"
    "match: [[-----BEGIN RSA PRIVATE KEY-----]]\n"
    "\n"
    "rule: jwt\n"
    "description: d\n"
    "keywords: eyJ\n"
    "regex: (?<secret>eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*)\n"
    "check: jwt\n"
    "default: off\n";

/* ------------------------------------------------------------------ */
/* compile                                                             */

typedef lm_status (*loader)(lm_ruleset *);
static lm_status load_defaults(lm_ruleset *set) { return lm_ruleset_load_defaults(set); }
static lm_status load_small(lm_ruleset *set)
{
  return lm_ruleset_load_buffer(set, "small.rules", SMALL_RULES, sizeof SMALL_RULES - 1);
}

static lm_ruleset *built(loader load)
{
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_ptr_nonnull(set);
  ck_assert_int_eq(load(set), LM_OK);
  ck_assert_int_eq(lm_ruleset_add_literal(set, "lit", LITERAL, strlen(LITERAL)), LM_OK);
  static const char *const keys[] = {"x_custom_key"};
  ck_assert_int_eq(lm_ruleset_mask_keys(set, keys, 1, 0), LM_OK);
  return set;
}

/* The set masks a password after a compile that was retried. */
static void set_works(const lm_ruleset *set)
{
  lm_masker *m = lm_masker_new(set);
  ck_assert_ptr_nonnull(m);
  lm_line out;
  ck_assert_int_eq(lm_masker_line(m, "password=Xk9mQ2zLpW7", 20, &out), LM_OK);
  ck_assert_msg(!holds_secret(out.text, out.len), "a retried compile does not mask");
  lm_masker_free(m);
}

/* Every k of lm_ruleset_compile. */
static unsigned long sweep_compile(loader load)
{
  unsigned long k;
  for (k = 1;; k++) {
    lm_ruleset *set = built(load);
    arm(k);
    lm_status st = lm_ruleset_compile(set);
    disarm();
    if (!injected) {
      ck_assert_int_eq(st, LM_OK);
      lm_ruleset_free(set);
      break;
    }
    ck_assert_msg(st == LM_ERR_NOMEM, "allocation %lu of compile failed: %s, not out of memory",
                  k, lm_strerror(st));
    const lm_error *e = lm_ruleset_error(set);
    ck_assert_msg(e && e->status == LM_ERR_NOMEM && e->message[0],
                  "allocation %lu of compile failed: no error detail", k);
    st = lm_ruleset_compile(set); /* again, with memory */
    ck_assert_msg(st == LM_OK || st == LM_ERR_STATE,
                  "compile after a failed one (allocation %lu): %s", k, lm_strerror(st));
    if (st == LM_OK)
      set_works(set);
    lm_ruleset_free(set);
  }
  return k - 1;
}

START_TEST(compile_small_every_k)
{
  unsigned long n = sweep_compile(load_small);
  ck_assert_uint_gt(n, 10);
}
END_TEST

START_TEST(compile_defaults_every_k)
{
  unsigned long n = sweep_compile(load_defaults);
  ck_assert_uint_gt(n, 100);
}
END_TEST

/* lm_ruleset_new and loading: every k up to LOAD_EVERY, then a sample. */
#define LOAD_EVERY 400
#define LOAD_SAMPLES 300
static void sweep_load(loader load)
{
  lm_ruleset *set;
  unsigned long total = 0;
  for (int run = 0; run < 2; run++) { /* the second: after one-time set-up */
    arm(0);
    set = lm_ruleset_new();
    lm_status st = set ? load(set) : LM_ERR_NOMEM;
    disarm();
    ck_assert_int_eq(st, LM_OK);
    lm_ruleset_free(set);
    total = counted;
  }
  unsigned long step = total > LOAD_EVERY ? (total - LOAD_EVERY) / LOAD_SAMPLES : 1;
  if (step < 1)
    step = 1;
  for (unsigned long k = 1; k <= total; k += k < LOAD_EVERY ? 1 : step) {
    arm(k);
    set = lm_ruleset_new();
    lm_status st = set ? load(set) : LM_ERR_NOMEM;
    disarm();
    ck_assert_msg(injected, "allocation %lu of %lu not reached", k, total);
    ck_assert_msg(st == LM_ERR_NOMEM, "allocation %lu of loading failed: %s", k, lm_strerror(st));
    if (set) {
      /* a load that failed added nothing: the set still compiles */
      ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
      lm_ruleset_free(set);
    }
  }
}

START_TEST(load_small_every_k) { sweep_load(load_small); }
END_TEST

START_TEST(load_defaults_sampled) { sweep_load(load_defaults); }
END_TEST

/* ------------------------------------------------------------------ */
/* masking                                                             */

static lm_ruleset *set_defaults(void)
{
  lm_ruleset *set = built(load_defaults);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  return set;
}

typedef struct ref {
  char *text[NLINES];
  size_t len[NLINES];
} ref;

static void reference(const lm_ruleset *set, ref *r)
{
  lm_masker *m = lm_masker_new(set);
  ck_assert_ptr_nonnull(m);
  ck_assert_int_eq(lm_masker_set_format(m, "auto"), LM_OK);
  for (size_t i = 0; i < NLINES; i++) {
    lm_line out;
    ck_assert_int_eq(lm_masker_line(m, LINES[i], strlen(LINES[i]), &out), LM_OK);
    ck_assert_msg(!holds_secret(out.text, out.len), "line %zu leaks without any failure: %.*s",
                  i, (int)out.len, out.text);
    r->len[i] = out.len;
    r->text[i] = __real_malloc(out.len + 1);
    memcpy(r->text[i], out.text ? out.text : "", out.len);
  }
  lm_masker_free(m);
}

static void ref_free(ref *r)
{
  for (size_t i = 0; i < NLINES; i++)
    __real_free(r->text[i]);
}

START_TEST(mask_line_every_k)
{
  lm_ruleset *set = set_defaults();
  ref r;
  reference(set, &r);
  unsigned long k;
  for (k = 1;; k++) {
    arm(k);
    lm_masker *m = lm_masker_new(set);
    if (!m) {
      disarm();
      CHECK(injected, "lm_masker_new failed without a failure");
      continue;
    }
    lm_status st = lm_masker_set_format(m, "auto");
    CHECK(st == LM_OK, "set_format: %s", lm_strerror(st));
    int failed = 0;
    for (size_t i = 0; i < NLINES; i++) {
      lm_line out = {0};
      int before = injected;
      st = lm_masker_line(m, LINES[i], strlen(LINES[i]), &out);
      if (st == LM_OK && !failed) {
        CHECK(out.len == r.len[i] && memcmp(out.text ? out.text : "", r.text[i], out.len) == 0,
                      "allocation %lu failed, line %zu succeeded with other output: %.*s", k, i,
                      (int)out.len, out.text ? out.text : "");
      } else if (st != LM_OK) {
        CHECK(st == LM_ERR_NOMEM, "allocation %lu: line %zu: %s", k, i, lm_strerror(st));
        CHECK(injected && !before, "line %zu: out of memory without a failure", i);
        failed = 1;
      }
      CHECK(!holds_secret(out.text, out.len),
                    "allocation %lu failed: line %zu%s came out with its secret: %.*s", k, i,
                    failed ? " (at or after the failure)" : "", (int)out.len, out.text);
      /* lm_masker_find on the same masker: never a crash, an error or
       * findings */
      lm_finding f[16];
      size_t nf = 0;
      st = lm_masker_find(m, LINES[i], strlen(LINES[i]), f, 16, &nf);
      CHECK(st == LM_OK || st == LM_ERR_NOMEM, "find: %s", lm_strerror(st));
    }
    disarm();
    lm_masker_free(m);
    if (!injected)
      break;
  }
  ck_assert_uint_gt(k, 5);
  ref_free(&r);
  lm_ruleset_free(set);
}
END_TEST

typedef struct sink {
  char *d;
  size_t len, cap;
} sink;

static int sink_write(void *ctx, const char *b, size_t n)
{
  sink *s = ctx;
  if (s->len + n > s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 4096;
    while (cap < s->len + n)
      cap *= 2;
    char *g = __real_malloc(cap); /* the test's own memory: never failed */
    if (!g)
      return -1;
    if (s->len)
      memcpy(g, s->d, s->len);
    __real_free(s->d);
    s->d = g;
    s->cap = cap;
  }
  memcpy(s->d + s->len, b, n);
  s->len += n;
  return 0;
}

/* All lines, plus one over the small line limit, in 7-byte feeds. */
static size_t stream_input(char *in)
{
  size_t n = 0;
  for (size_t i = 0; i < NLINES; i++) {
    memcpy(in + n, LINES[i], strlen(LINES[i]));
    n += strlen(LINES[i]);
    in[n++] = '\n';
  }
  memset(in + n, 'a', 230);
  n += 230;
  memcpy(in + n, " password=Xk9mQ2zLpW7 end\n", 26);
  n += 26;
  return n;
}

static lm_status stream_run(const lm_ruleset *set, const char *in, size_t len, sink *out)
{
  lm_masker *m = lm_masker_new(set);
  if (!m)
    return LM_ERR_NOMEM;
  lm_status st = lm_masker_set_format(m, "auto");
  lm_stream *s = st == LM_OK ? lm_stream_new(m, sink_write, out) : NULL;
  if (!s) {
    lm_masker_free(m);
    return LM_ERR_NOMEM;
  }
  st = lm_stream_set_limits(s, 256, 64);
  for (size_t at = 0; st == LM_OK && at < len; at += 7)
    st = lm_stream_feed(s, in + at, len - at < 7 ? len - at : 7);
  if (st == LM_OK)
    st = lm_stream_finish(s);
  lm_stream_free(s);
  lm_masker_free(m);
  return st;
}

/* The stream goes on after a line it had no memory for, masked whole as
 * "[REDACTED:out-of-memory]" (counted as a limit trip): every other line
 * must be as without the failure. */
static void same_but_oom_lines(const sink *want, const sink *got, unsigned long k)
{
  static const char oom[] = "[REDACTED:out-of-memory]";
  const char *w = want->d, *we = want->d + want->len, *g = got->d, *ge = got->d + got->len;
  while (w < we && g < ge) {
    const char *wn = memchr(w, '\n', (size_t)(we - w)), *gn = memchr(g, '\n', (size_t)(ge - g));
    size_t wl = (size_t)((wn ? wn : we) - w), gl = (size_t)((gn ? gn : ge) - g);
    int same = wl == gl && memcmp(w, g, wl) == 0;
    ck_assert_msg(same || (gl == sizeof oom - 1 && memcmp(g, oom, gl) == 0),
                  "allocation %lu failed, the stream succeeded, and a line changed:\n"
                  "want: %.*s\ngot:  %.*s", k, (int)(wl > 200 ? 200 : wl), w,
                  (int)(gl > 200 ? 200 : gl), g);
    w = wn ? wn + 1 : we;
    g = gn ? gn + 1 : ge;
  }
  ck_assert_msg(w == we && g == ge, "allocation %lu failed: the stream lost or added lines", k);
}

START_TEST(stream_every_k)
{
  lm_ruleset *set = set_defaults();
  static char in[8192];
  size_t len = stream_input(in);
  sink want = {0};
  ck_assert_int_eq(stream_run(set, in, len, &want), LM_OK);
  ck_assert_msg(!holds_secret(want.d, want.len), "the stream leaks without any failure");
  unsigned long k;
  for (k = 1;; k++) {
    sink got = {0};
    arm(k);
    lm_status st = stream_run(set, in, len, &got);
    disarm();
    ck_assert_msg(!holds_secret(got.d, got.len),
                  "allocation %lu failed (%s): a secret was written: %.*s", k, lm_strerror(st),
                  (int)(got.len > 400 ? 400 : got.len), got.d);
    if (st == LM_OK)
      same_but_oom_lines(&want, &got, k);
    else
      ck_assert_msg(st == LM_ERR_NOMEM, "allocation %lu: %s", k, lm_strerror(st));
    __real_free(got.d);
    if (!injected)
      break;
  }
  ck_assert_uint_gt(k, 5);
  __real_free(want.d);
  lm_ruleset_free(set);
}
END_TEST

/* ------------------------------------------------------------------ */
/* wiping                                                              */

static void wipe_begin(void)
{
  secrets = SECRETS;
  nsecrets = NSECRETS;
  dirty = 0;
  dirty_what[0] = '\0';
  wipe_check = 1;
}

static void wipe_end(const char *what)
{
  wipe_check = 0;
  ck_assert_msg(dirty == 0, "%s: %lu released blocks held a secret; first: %s", what, dirty,
                dirty_what);
}

/* The oracle itself: a block freed with a secret in it is seen. */
START_TEST(wipe_oracle_sees_a_dirty_block)
{
  wipe_begin();
  char *p = malloc(64);
  ck_assert_ptr_nonnull(p);
  strcpy(p, "x password=Xk9mQ2zLpW7 y");
  char *q = realloc(p, 4096);
  ck_assert_ptr_nonnull(q);
  ck_assert_uint_eq(dirty, 1);
  explicit_bzero(q, 4096);
  free(q);
  wipe_check = 0;
  ck_assert_uint_eq(dirty, 1);
}
END_TEST

START_TEST(wiped_ruleset)
{
  wipe_begin();
  lm_ruleset *set = set_defaults();
  lm_ruleset_free(set);
  wipe_end("a rule set with a known literal, compiled and freed");
}
END_TEST

START_TEST(wiped_masker_lines)
{
  lm_ruleset *set = set_defaults();
  wipe_begin();
  lm_masker *m = lm_masker_new(set);
  ck_assert_int_eq(lm_masker_set_format(m, "auto"), LM_OK);
  /* each line, then longer and longer ones, so every buffer grows */
  static char line[70000];
  for (size_t i = 0; i < NLINES; i++) {
    lm_line out;
    ck_assert_int_eq(lm_masker_line(m, LINES[i], strlen(LINES[i]), &out), LM_OK);
    size_t n = 0, l = strlen(LINES[i]);
    while (n + l + 1 < sizeof line && n < (i + 1) * 4000) {
      memcpy(line + n, LINES[i], l);
      n += l;
      line[n++] = ' ';
    }
    ck_assert_int_eq(lm_masker_line(m, line, n, &out), LM_OK);
    lm_finding f[4];
    size_t nf;
    ck_assert_int_eq(lm_masker_find(m, line, n, f, 4, &nf), LM_OK);
  }
  lm_masker_free(m);
  wipe_end("lm_masker_line/find on growing lines, then lm_masker_free");
  lm_ruleset_free(set);
}
END_TEST

START_TEST(wiped_stream)
{
  lm_ruleset *set = set_defaults();
  static char in[8192];
  size_t len = stream_input(in);
  wipe_begin();
  /* a long line fed a byte at a time grows the pending buffer */
  lm_masker *m = lm_masker_new(set);
  ck_assert_int_eq(lm_masker_set_format(m, "auto"), LM_OK);
  sink out = {0};
  lm_stream *s = lm_stream_new(m, sink_write, &out);
  ck_assert_ptr_nonnull(s);
  for (size_t at = 0; at < len; at++)
    ck_assert_int_eq(lm_stream_feed(s, in + at, 1), LM_OK);
  for (int rep = 0; rep < 300; rep++)
    ck_assert_int_eq(lm_stream_feed(s, "password=Xk9mQ2zLpW7 ", 21), LM_OK);
  ck_assert_int_eq(lm_stream_feed(s, "\n", 1), LM_OK);
  ck_assert_int_eq(lm_stream_feed(s, "unfinished password=Xk9mQ2zLpW7", 31), LM_OK);
  lm_stream_free(s); /* without finish: the buffered line is dropped, wiped */
  lm_masker_free(m);
  wipe_end("lm_stream fed byte by byte, a 6 KB line, freed with a line buffered");
  ck_assert_msg(!holds_secret(out.d, out.len), "the stream wrote a secret");
  __real_free(out.d);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(wiped_literals_and_env)
{
  /* known secrets from files: the file bytes are wiped after use */
  char path[] = "/tmp/logmask-alloc-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  static const char env[] = "DB_PASSWORD=Xk9mQ2zLpW7\nexport SESSION=\"Ul7sEw3qMz9XkP2v\"\n";
  ck_assert_int_eq(write(fd, env, sizeof env - 1), (ssize_t)(sizeof env - 1));
  close(fd);
  wipe_begin();
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_add_env_file(set, path), LM_OK);
  ck_assert_int_eq(lm_ruleset_add_literals_file(set, path), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_ruleset_free(set);
  wipe_end("lm_ruleset_add_env_file/add_literals_file, compile, free");
  unlink(path);
}
END_TEST

static Suite *alloc_suite(void)
{
  Suite *s = suite_create("alloc");
  TCase *fail = tcase_create("fail");
  /* hundreds of compiles under ASan */
  tcase_set_timeout(fail, 900);
  tcase_add_test(fail, compile_small_every_k);
  tcase_add_test(fail, compile_defaults_every_k);
  tcase_add_test(fail, load_small_every_k);
  tcase_add_test(fail, load_defaults_sampled);
  tcase_add_test(fail, mask_line_every_k);
  tcase_add_test(fail, stream_every_k);
  suite_add_tcase(s, fail);
  TCase *wipe = tcase_create("wipe");
  tcase_set_timeout(wipe, 120);
  tcase_add_test(wipe, wipe_oracle_sees_a_dirty_block);
  tcase_add_test(wipe, wiped_ruleset);
  tcase_add_test(wipe, wiped_masker_lines);
  tcase_add_test(wipe, wiped_stream);
  tcase_add_test(wipe, wiped_literals_and_env);
  suite_add_tcase(s, wipe);
  return s;
}

int main(void)
{
  /* the wrappers must see the library's allocations (static link) */
  arm(0);
  lm_ruleset_free(lm_ruleset_new());
  disarm();
  if (counted == 0) {
    printf("SKIP: liblogmask is not linked statically, its allocations cannot be failed\n");
    return 77;
  }
  SRunner *sr = srunner_create(alloc_suite());
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
