/* SPDX-License-Identifier: Apache-2.0 */
/* One input of `logmask scan`; see scan_file.h. */
#include <config.h>

#include "scan_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_json.h"
#include "scan_preview.h"

/* A NUL byte in this many first bytes makes a file binary. */
#define BINARY_PROBE 8192
/* Default line limit and window overlap: the library's stream defaults. */
#define DEFAULT_MAX_LINE ((size_t)1024 * 1024)
#define DEFAULT_OVERLAP ((size_t)4096)
/* Bytes read at a time. */
#define READ_SIZE ((size_t)64 * 1024)
/* Findings per line this scanner makes room for at most; a line needing
 * more is reported as an error (its first findings still count). */
#define FOUND_MAX ((size_t)65536)
/* A secret at least this long that still shows in the masked line means
 * the preview would leak it: it is withheld instead. */
#define LEAK_CHECK_MIN 6
/* Lines between two calls of the tick callback. */
#define TICK_LINES 4096

static const char LIMIT_LABEL[] = "match-limit";
static const char WITHHELD[] =
  "(preview withheld: the secret also occurs unmasked in the line)";
static const char WITHHELD_UNCHECKED[] =
  "(preview withheld: too many distinct secrets on the line to check it)";

static lm_masker *new_finder(const lm_ruleset *set, const char *format, enum lm_input input)
{
  lm_masker *m = lm_masker_new(set);
  if (m && (lm_masker_set_format(m, format) != LM_OK ||
            lm_masker_set_input(m, input) != LM_OK)) {
    lm_masker_free(m);
    return NULL;
  }
  return m;
}

int scanner_init(struct scanner *sc, const lm_ruleset *set, const struct scan_options *opts,
                 struct scan_findings *out)
{
  memset(sc, 0, sizeof *sc);
  sc->set = set;
  sc->out = out;
  sc->input = opts->input;
  sc->max_line = opts->rules.max_line ? opts->rules.max_line : DEFAULT_MAX_LINE;
  sc->overlap = DEFAULT_OVERLAP;
  if (sc->overlap >= sc->max_line / 2)
    sc->overlap = sc->max_line / 4; /* as the filter does for small limits */
  /* the set holds the --hash-key-file key (rules_build loaded it) */
  unsigned char probe[32];
  if (lm_ruleset_fingerprint(set, "", 0, probe, &sc->keyed) != LM_OK) {
    fputs("logmask scan: cannot compute fingerprints\n", stderr);
    return -1;
  }
  sc->code = new_finder(set, opts->rules.format, LM_INPUT_CODE);
  sc->log = new_finder(set, opts->rules.format, LM_INPUT_LOG);
  if (!sc->code || !sc->log) {
    fputs("logmask scan: out of memory\n", stderr);
    scanner_free(sc);
    return -1;
  }
  sc->finder = sc->code;
  return 0;
}

void scanner_free(struct scanner *sc)
{
  lm_masker_free(sc->code);
  lm_masker_free(sc->log);
  free(sc->found);
  free(sc->shown);
  sc->code = sc->log = sc->finder = NULL;
  sc->found = NULL;
  sc->shown = NULL;
  sc->found_cap = 0;
}

const char *scanner_fingerprint_kind(const struct scanner *sc)
{
  return sc->keyed ? "hmac-sha256" : "sha256";
}

int scanner_begin(struct scanner *sc, const char *path, const char *commit, const char *date,
                  int log_hint)
{
  free(sc->shown);
  sc->shown = path_escape(path);
  if (!sc->shown) {
    fputs("logmask scan: out of memory\n", stderr);
    return -1;
  }
  sc->path = path;
  sc->commit = commit;
  sc->date = date;
  sc->reported_end = 0;
  int log = sc->input == SCAN_INPUT_LOG || (sc->input == SCAN_INPUT_AUTO && log_hint);
  sc->finder = log ? sc->log : sc->code;
  /* Each input is read on its own: no PEM block runs across inputs. */
  lm_masker_reset(sc->finder);
  return 0;
}

void scanner_end(struct scanner *sc)
{
  sc->path = NULL;
  sc->commit = sc->date = NULL;
}

/* The first 16 bytes of HMAC-SHA256(key, secret), or of SHA-256(secret),
 * in hex. */
static int fingerprint(const struct scanner *sc, const char *secret, size_t len,
                       char hex[SCAN_FP_HEX + 1])
{
  unsigned char md[32];
  if (lm_ruleset_fingerprint(sc->set, secret, len, md, NULL) != LM_OK)
    return -1;
  scan_hex(md, SCAN_FP_HEX / 2, hex);
  explicit_bzero(md, sizeof md);
  return 0;
}

/* What a finding is reported as, and the label its redact mask carries. */
static int describe(const struct scanner *sc, const lm_finding *f, struct scan_finding *out)
{
  const char *desc, *label;
  if (f->flags & LM_LINE_LIMIT) {
    label = LIMIT_LABEL;
    desc = "A regex limit tripped: the whole line is treated as a secret";
    out->rule = strdup(LIMIT_LABEL);
  } else if (f->rule != (size_t)-1) {
    label = lm_ruleset_rule_id(sc->set, f->rule);
    if (!label)
      label = "unknown-rule";
    desc = lm_ruleset_rule_description(sc->set, f->rule);
    out->rule = strdup(label);
  } else {
    label = lm_ruleset_literal_name(sc->set, f->literal);
    if (!label)
      label = "";
    desc = "A known secret value (--literals, --env-file)";
    if (asprintf(&out->rule, "literal:%s", label) < 0)
      out->rule = NULL;
  }
  out->label = strdup(label);
  out->description = desc ? strdup(desc) : NULL;
  return out->rule && out->label && (!desc || out->description) ? 0 : -1;
}

/* Bytes searched for the secrets a masked piece of n bytes still shows:
 * at most LEAK_CHECK_BASE + LEAK_CHECK_TIMES * n, so the check costs the
 * same order as the masking; past that the piece's previews are withheld
 * rather than checked. */
#define LEAK_CHECK_BASE ((size_t)4 * 1024 * 1024)
#define LEAK_CHECK_TIMES 64

static int by_secret_bytes(const void *a, const void *b, void *line)
{
  const lm_finding *x = *(const lm_finding *const *)a, *y = *(const lm_finding *const *)b;
  size_t xl = x->end - x->start, yl = y->end - y->start;
  if (xl != yl)
    return xl < yl ? -1 : 1;
  return memcmp((const char *)line + x->start, (const char *)line + y->start, xl);
}

/* Whether the masked line still shows some secret of the line (a short
 * repeat the engine does not chase), each distinct secret looked for
 * once: LEAK_SHOWN, LEAK_UNCHECKED when the distinct secrets are too many
 * to look for within the budget (so the cost stays linear),
 * LEAK_NONE, or -1 when out of memory. */
enum { LEAK_NONE, LEAK_SHOWN, LEAK_UNCHECKED };

static int masked_line_leaks(const char *line, const lm_finding *found, size_t count,
                             const char *masked, size_t mlen)
{
  const lm_finding **order = malloc((count ? count : 1) * sizeof *order);
  if (!order)
    return -1;
  size_t n = 0;
  for (size_t i = 0; i < count; i++)
    if (found[i].end - found[i].start >= LEAK_CHECK_MIN)
      order[n++] = &found[i];
  qsort_r(order, n, sizeof *order, by_secret_bytes, (void *)line);
  size_t budget = LEAK_CHECK_BASE + LEAK_CHECK_TIMES * mlen;
  int leaks = LEAK_NONE;
  for (size_t i = 0; i < n && leaks == LEAK_NONE; i++) {
    if (i > 0 && by_secret_bytes(&order[i - 1], &order[i], (void *)line) == 0)
      continue;
    if (budget < mlen)
      leaks = LEAK_UNCHECKED;
    else if (memmem(masked, mlen, line + order[i]->start, order[i]->end - order[i]->start))
      leaks = LEAK_SHOWN;
    budget -= mlen;
  }
  free(order);
  return leaks;
}

/* UTF-8 characters in len bytes (bytes that do not continue a sequence). */
static size_t characters(const char *text, size_t len)
{
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += ((unsigned char)text[i] & 0xc0) != 0x80;
  return n;
}

/* Records found[lo, hi) of a piece; the whole piece's findings make its
 * preview. */
static int record(struct scanner *sc, unsigned long lineno, const char *data, size_t len,
                  size_t offset, size_t chars_before, size_t count, size_t lo, size_t hi)
{
  const lm_finding *found = sc->found;
  char **labels = calloc(count, sizeof *labels);
  size_t *at = calloc(count, sizeof *at);
  int status = labels && at ? 0 : -1;
  struct scan_finding probe;
  for (size_t i = 0; i < count && status == 0; i++) {
    memset(&probe, 0, sizeof probe);
    if (describe(sc, &found[i], &probe) < 0)
      status = -1;
    labels[i] = probe.label;
    probe.label = NULL;
    free(probe.rule);
    free(probe.description);
  }
  /* the piece as the filter writes it (same masks, same escaping) */
  lm_line shown;
  const char *masked = NULL;
  size_t mlen = 0;
  if (status == 0 && lm_masker_render(sc->finder, &shown, at, count) == LM_OK) {
    masked = shown.text ? shown.text : "";
    mlen = shown.len;
  } else {
    status = -1;
  }
  int leaks = masked ? masked_line_leaks(data, found, count, masked, mlen) : LEAK_NONE;
  if (leaks < 0)
    status = -1;
  /* Columns in characters, counted once along the line. */
  size_t chars = chars_before, counted = 0;
  for (size_t i = lo; i < hi && status == 0; i++) {
    struct scan_finding *f = findings_push(sc->out);
    if (!f || !(f->path = strdup(sc->path)) || describe(sc, &found[i], f) < 0 ||
        fingerprint(sc, data + found[i].start, found[i].end - found[i].start,
                    f->fingerprint) < 0 ||
        (sc->date && !(f->date = strdup(sc->date)))) {
      status = -1;
      break;
    }
    if (sc->commit)
      snprintf(f->commit, sizeof f->commit, "%s", sc->commit);
    f->line = lineno;
    f->column = offset + found[i].start + 1;
    f->end_column = offset + found[i].end + 1;
    chars += characters(data + counted, found[i].start - counted);
    counted = found[i].start;
    f->char_column = chars + 1;
    f->char_end_column =
      f->char_column + characters(data + found[i].start, found[i].end - found[i].start);
    if (found[i].flags & LM_FIND_ALLOWED)
      f->suppressed = SCAN_INLINE;
    size_t mask_len = strlen("[REDACTED:]") + strlen(labels[i]);
    size_t where = at[i] != (size_t)-1 ? at[i] : found[i].start;
    f->preview = leaks == LEAK_SHOWN       ? strdup(WITHHELD)
                 : leaks == LEAK_UNCHECKED ? strdup(WITHHELD_UNCHECKED)
                                           : preview_window(masked, mlen, where, mask_len);
    if (!f->preview)
      status = -1;
  }
  for (size_t i = 0; labels && i < count; i++)
    free(labels[i]);
  free(labels);
  free(at);
  return status;
}

int scanner_piece(struct scanner *sc, unsigned long lineno, const char *data, size_t len,
                  size_t offset, size_t chars_before, int last)
{
  if (offset == 0)
    sc->reported_end = 0;
  size_t need = len / 2 + 1; /* spans are disjoint and never touch */
  if (need > FOUND_MAX)
    need = FOUND_MAX;
  if (sc->found_cap < need) {
    lm_finding *found = realloc(sc->found, need * sizeof *found);
    if (!found)
      goto oom;
    sc->found = found;
    sc->found_cap = need;
  }
  size_t count = 0;
  if (lm_masker_find(sc->finder, data, len, sc->found, sc->found_cap, &count) != LM_OK)
    goto oom;
  int status = 0;
  if (count > sc->found_cap) {
    fprintf(stderr, "logmask scan: %s:%lu: %zu secrets on one line; the first %zu are reported\n",
            sc->shown, lineno, count, sc->found_cap);
    count = sc->found_cap;
    status = -1;
  }
  /* A window reports the findings that start before its overlap with the
   * next one (which sees them with more context), and none the previous
   * window reported. */
  size_t lo = 0, hi = count;
  while (lo < hi && offset + sc->found[lo].start < sc->reported_end)
    lo++;
  if (!last)
    while (hi > lo && sc->found[hi - 1].start >= len - sc->overlap)
      hi--;
  if (hi > lo) {
    if (record(sc, lineno, data, len, offset, chars_before, count, lo, hi) < 0)
      goto oom;
    sc->reported_end = offset + sc->found[hi - 1].end;
  }
  return status;
oom:
  fprintf(stderr, "logmask scan: %s:%lu: out of memory\n", sc->shown, lineno);
  return -1;
}

/* The line reader's buffer: buf[start, len) is the current line's unread
 * part. */
struct reader {
  char *buf;
  size_t start, len, cap;
  unsigned long lineno;
  size_t offset;       /* offset of buf[start] in the current line */
  size_t chars;        /* characters of the line before buf[start] */
  size_t fresh;        /* bytes at buf[start] the previous window handed over */
};

/* Reads more of fd into r (moving the unread part to the front first):
 * 1 read, 0 at the end, -1 after reporting. */
static int fill(struct reader *r, int fd, const char *shown)
{
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->len - r->start);
    r->len -= r->start;
    r->start = 0;
  }
  for (;;) {
    ssize_t n = read(fd, r->buf + r->len, r->cap - r->len);
    if (n > 0) {
      r->len += (size_t)n;
      return 1;
    }
    if (n == 0)
      return 0;
    if (errno != EINTR) {
      fprintf(stderr, "logmask scan: %s: read error: %s\n", shown, strerror(errno));
      return -1;
    }
  }
}

static int looks_binary(const char *buf, size_t len)
{
  size_t probe = len < BINARY_PROBE ? len : BINARY_PROBE;
  return memchr(buf, '\0', probe) != NULL ||
         (probe >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b);
}

int scan_read_lines(int fd, size_t max_line, size_t overlap, int binary_check,
                    scan_piece_fn piece, void *ctx, const char *shown)
{
  struct reader r = {.cap = max_line + READ_SIZE, .lineno = 1};
  r.buf = malloc(r.cap);
  if (!r.buf) {
    fprintf(stderr, "logmask scan: %s: out of memory\n", shown);
    return -1;
  }
  int status = 0, eof = 0;
  /* Nothing is scanned before the probe has its bytes. */
  while (binary_check && !eof && r.len < BINARY_PROBE) {
    int rc = fill(&r, fd, shown);
    if (rc < 0)
      status = -1;
    if (rc <= 0)
      eof = 1;
  }
  if (status == 0 && binary_check && looks_binary(r.buf, r.len))
    status = 1;
  size_t searched = 0; /* buf[start, start + searched) holds no '\n' */
  while (status == 0) {
    char *line = r.buf + r.start;
    size_t avail = r.len - r.start;
    char *nl = memchr(line + searched, '\n', avail - searched);
    if (nl && (size_t)(nl - line) <= max_line) {
      size_t n = (size_t)(nl - line);
      status = piece(ctx, r.lineno, line, n, r.offset, r.chars, r.fresh, 1);
      r.start += n + 1;
      r.lineno++;
      r.offset = r.chars = r.fresh = 0;
      searched = 0;
      continue;
    }
    /* No line end within max_line bytes: a window of max_line bytes, and
     * the next starts `overlap` before its end.  A last line of exactly
     * max_line bytes is a line, not a window, so one more byte is needed
     * to tell. */
    if (avail > max_line) {
      status = piece(ctx, r.lineno, line, max_line, r.offset, r.chars, r.fresh, 0);
      size_t drop = max_line - overlap;
      for (size_t i = 0; i < drop; i++)
        r.chars += ((unsigned char)line[i] & 0xc0) != 0x80;
      r.start += drop;
      r.offset += drop;
      r.fresh = overlap;
      searched = 0;
      continue;
    }
    if (eof) {
      if (avail > 0 || r.offset > 0)
        status = piece(ctx, r.lineno, line, avail, r.offset, r.chars, r.fresh, 1);
      break;
    }
    searched = avail;
    int rc = fill(&r, fd, shown);
    if (rc < 0)
      status = -1;
    if (rc == 0)
      eof = 1;
  }
  explicit_bzero(r.buf, r.cap);
  free(r.buf);
  return status;
}

/* A scan_piece_fn over a scanner. */
static int scanner_read_piece(void *ctx, unsigned long lineno, const char *data, size_t len,
                              size_t offset, size_t chars_before, size_t fresh, int last)
{
  struct scanner *sc = ctx;
  (void)fresh;
  if (offset == 0) {
    sc->lines++;
    if (!last)
      sc->long_lines++;
  }
  if (sc->tick && sc->lines % TICK_LINES == 0 && offset == 0)
    sc->tick(sc->tick_ctx, sc->shown);
  return scanner_piece(sc, lineno, data, len, offset, chars_before, last);
}

/* *.log, *.log.1, *.log.2.gz...: a log, for --input=auto. */
static int log_name(const char *path)
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strstr(base, ".log");
  while (dot) {
    const char *after = dot + 4;
    if (*after == '\0' || *after == '.')
      return 1;
    dot = strstr(after, ".log");
  }
  return 0;
}

static int scan_fd(struct scanner *sc, int fd, const char *report_path, int binary_check)
{
  if (scanner_begin(sc, report_path, NULL, NULL, log_name(report_path)) < 0)
    return -1;
  int rc = scan_read_lines(fd, sc->max_line, sc->overlap, binary_check, scanner_read_piece, sc,
                           sc->shown);
  if (rc == 1) {
    sc->binary++;
    rc = 0;
  }
  if (sc->tick)
    sc->tick(sc->tick_ctx, sc->shown);
  scanner_end(sc);
  return rc;
}

int scanner_file(void *ctx, const char *open_path, const char *report_path)
{
  struct scanner *sc = ctx;
  int fd = open(open_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    char *shown = path_escape(report_path);
    fprintf(stderr, "logmask scan: %s: %s\n", shown ? shown : "(out of memory)",
            strerror(errno));
    free(shown);
    return -1;
  }
  int rc = scan_fd(sc, fd, report_path, 1);
  close(fd);
  return rc;
}

int scanner_stdin(struct scanner *sc, const char *name)
{
  /* Standard input is read whatever it holds: it was asked for. */
  return scan_fd(sc, STDIN_FILENO, name, 0);
}
