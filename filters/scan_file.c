/* One file of `logmask scan`; see scan_file.h. */
#include <config.h>

#include "scan_file.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_preview.h"

/* A NUL byte in this many first bytes makes a file binary. */
#define BINARY_PROBE 8192
/* Findings per line this scanner makes room for at most; a line needing
 * more is reported as an error (its first findings still count). */
#define FOUND_MAX ((size_t)65536)
/* A secret at least this long that still shows in the masked line means
 * the preview would leak it: it is withheld instead. */
#define LEAK_CHECK_MIN 6

static const char LIMIT_LABEL[] = "match-limit";
static const char WITHHELD[] =
  "(preview withheld: the secret also occurs unmasked in the line)";

int scanner_init(struct scanner *sc, const lm_ruleset *set, struct scan_findings *out)
{
  memset(sc, 0, sizeof *sc);
  sc->set = set;
  sc->out = out;
  /* the set holds the --hash-key-file key (rules_build loaded it) */
  unsigned char probe[32];
  if (lm_ruleset_fingerprint(set, "", 0, probe, &sc->keyed) != LM_OK) {
    fputs("logmask scan: cannot compute fingerprints\n", stderr);
    return -1;
  }
  sc->finder = lm_masker_new(set);
  /* Text rules only: findings are spans of the line as written. */
  if (!sc->finder || lm_masker_set_format(sc->finder, "text") != LM_OK) {
    fputs("logmask scan: out of memory\n", stderr);
    scanner_free(sc);
    return -1;
  }
  return 0;
}

void scanner_free(struct scanner *sc)
{
  lm_masker_free(sc->finder);
  free(sc->found);
  sc->finder = NULL;
  sc->found = NULL;
  sc->found_cap = 0;
}

const char *scanner_fingerprint_kind(const struct scanner *sc)
{
  return sc->keyed ? "hmac-sha256" : "sha256";
}

/* The first 16 bytes of HMAC-SHA256(key, secret), or of SHA-256(secret),
 * in hex. */
static int fingerprint(const struct scanner *sc, const char *secret, size_t len,
                       char hex[SCAN_FP_HEX + 1])
{
  unsigned char md[32];
  if (lm_ruleset_fingerprint(sc->set, secret, len, md, NULL) != LM_OK)
    return -1;
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < SCAN_FP_HEX / 2; i++) {
    hex[2 * i] = digits[md[i] >> 4];
    hex[2 * i + 1] = digits[md[i] & 15];
  }
  hex[SCAN_FP_HEX] = '\0';
  explicit_bzero(md, sizeof md);
  return 0;
}

/* What a finding is reported as, and the label its redact mask carries. */
static int describe(const struct scanner *sc, const lm_finding *f, struct scan_finding *out,
                    const char **label)
{
  const char *desc;
  if (f->rule != (size_t)-1) {
    *label = lm_ruleset_rule_id(sc->set, f->rule);
    desc = lm_ruleset_rule_description(sc->set, f->rule);
    out->rule = strdup(*label ? *label : "unknown-rule");
  } else if (f->literal == (size_t)-1) {
    *label = LIMIT_LABEL;
    desc = "A regex limit tripped: the whole line is treated as a secret";
    out->rule = strdup(LIMIT_LABEL);
  } else {
    const char *name = lm_ruleset_literal_name(sc->set, f->literal);
    *label = name ? name : "";
    desc = "A known secret value (--literals, --env-file)";
    if (asprintf(&out->rule, "literal:%s", *label) < 0)
      out->rule = NULL;
  }
  out->description = desc ? strdup(desc) : NULL;
  return out->rule && (!desc || out->description) ? 0 : -1;
}

/* The line as the filter writes it with the redact style: every finding
 * replaced by "[REDACTED:LABEL]" (findings are sorted and disjoint).  at[i]
 * gets where finding i's mask starts.  NULL when out of memory. */
static char *mask_findings(const char *line, size_t len, const lm_finding *found,
                           size_t count, const char *const *labels, size_t *at, size_t *mlen)
{
  size_t cap = len + 1;
  for (size_t i = 0; i < count; i++)
    cap += strlen("[REDACTED:]") + strlen(labels[i]);
  char *out = malloc(cap);
  if (!out)
    return NULL;
  size_t o = 0, pos = 0;
  for (size_t i = 0; i < count; i++) {
    memcpy(out + o, line + pos, found[i].start - pos);
    o += found[i].start - pos;
    at[i] = o;
    o += (size_t)sprintf(out + o, "[REDACTED:%s]", labels[i]);
    pos = found[i].end;
  }
  memcpy(out + o, line + pos, len - pos);
  o += len - pos;
  out[o] = '\0';
  *mlen = o;
  return out;
}

/* Whether some secret of the line still shows in the masked line (a short
 * repeat the engine does not chase). */
static int masked_line_leaks(const char *line, const lm_finding *found, size_t count,
                             const char *masked, size_t mlen)
{
  for (size_t i = 0; i < count; i++) {
    size_t len = found[i].end - found[i].start;
    if (len >= LEAK_CHECK_MIN && memmem(masked, mlen, line + found[i].start, len))
      return 1;
  }
  return 0;
}

/* UTF-8 characters in len bytes (bytes that do not continue a sequence). */
static size_t characters(const char *text, size_t len)
{
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += ((unsigned char)text[i] & 0xc0) != 0x80;
  return n;
}

struct file_state {
  struct scanner *sc;
  const char *shown;    /* printable report path */
  unsigned long lineno;
  const char *line;
  size_t len;
};

static int record_line(struct file_state *fs, size_t count)
{
  struct scanner *sc = fs->sc;
  const lm_finding *found = sc->found;
  const char **labels = calloc(count, sizeof *labels);
  size_t *at = calloc(count, sizeof *at);
  size_t first = sc->out->count; /* records are addressed by index: the list grows */
  int status = labels && at ? 0 : -1;
  for (size_t i = 0; i < count && status == 0; i++) {
    struct scan_finding *f = findings_push(sc->out);
    if (!f || !(f->path = strdup(fs->shown)) || describe(sc, &found[i], f, &labels[i]) < 0 ||
        fingerprint(sc, fs->line + found[i].start, found[i].end - found[i].start,
                    f->fingerprint) < 0) {
      status = -1;
      break;
    }
    f->line = fs->lineno;
    f->column = found[i].start + 1;
    f->end_column = found[i].end + 1;
    f->char_column = characters(fs->line, found[i].start) + 1;
    f->char_end_column = f->char_column +
                         characters(fs->line + found[i].start, found[i].end - found[i].start);
  }
  size_t mlen = 0;
  char *masked = status == 0 ? mask_findings(fs->line, fs->len, found, count, labels, at, &mlen)
                             : NULL;
  if (!masked)
    status = -1;
  int leaks = masked && masked_line_leaks(fs->line, found, count, masked, mlen);
  for (size_t i = 0; i < count && status == 0; i++) {
    struct scan_finding *f = &sc->out->items[first + i];
    size_t mask_len = strlen("[REDACTED:]") + strlen(labels[i]);
    f->preview = leaks ? strdup(WITHHELD) : preview_window(masked, mlen, at[i], mask_len);
    if (!f->preview)
      status = -1;
  }
  if (masked) {
    explicit_bzero(masked, mlen);
    free(masked);
  }
  free(labels);
  free(at);
  return status;
}

/* Scans the line in fs; returns 0, 1 after reporting too many findings,
 * -1 when out of memory. */
static int scan_line(struct file_state *fs)
{
  struct scanner *sc = fs->sc;
  size_t need = fs->len / 2 + 1; /* spans are disjoint and never touch */
  if (need > FOUND_MAX)
    need = FOUND_MAX;
  if (sc->found_cap < need) {
    lm_finding *found = realloc(sc->found, need * sizeof *found);
    if (!found)
      return -1;
    sc->found = found;
    sc->found_cap = need;
  }
  size_t count = 0;
  if (lm_masker_find(sc->finder, fs->line, fs->len, sc->found, sc->found_cap, &count) != LM_OK)
    return -1;
  int status = 0;
  if (count > sc->found_cap) {
    fprintf(stderr, "logmask scan: %s:%lu: %zu secrets on one line; the first %zu are reported\n",
            fs->shown, fs->lineno, count, sc->found_cap);
    count = sc->found_cap;
    status = 1;
  }
  if (count > 0 && record_line(fs, count) < 0)
    return -1;
  return status;
}

/* 1 when the first bytes of f say binary (a NUL, or the gzip magic). */
static int looks_binary(FILE *f)
{
  char probe[BINARY_PROBE];
  size_t n = fread(probe, 1, sizeof probe, f);
  int binary = memchr(probe, '\0', n) != NULL ||
               (n >= 2 && (unsigned char)probe[0] == 0x1f && (unsigned char)probe[1] == 0x8b);
  explicit_bzero(probe, sizeof probe);
  return binary;
}

int scanner_file(void *ctx, const char *open_path, const char *report_path)
{
  struct scanner *sc = ctx;
  struct file_state fs = {.sc = sc};
  char *shown = text_printable(report_path, strlen(report_path));
  if (!shown) {
    fputs("logmask scan: out of memory\n", stderr);
    return -1;
  }
  fs.shown = shown;
  FILE *f = fopen(open_path, "re");
  if (!f) {
    fprintf(stderr, "logmask scan: %s: %s\n", shown, strerror(errno));
    free(shown);
    return -1;
  }
  int status = 0;
  if (looks_binary(f)) {
    sc->binary++;
  } else if (ferror(f) || fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "logmask scan: %s: read error: %s\n", shown, strerror(errno));
    status = -1;
  } else {
    /* Each file is read on its own: no PEM block runs across files. */
    lm_masker_reset(sc->finder);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
      fs.lineno++;
      fs.line = line;
      fs.len = (size_t)n;
      if (fs.len > 0 && line[fs.len - 1] == '\n')
        fs.len--;
      int rc = scan_line(&fs);
      if (rc < 0) {
        fprintf(stderr, "logmask scan: %s:%lu: out of memory\n", shown, fs.lineno);
        status = -1;
        break;
      }
      if (rc > 0)
        status = -1;
    }
    if (status == 0 && ferror(f)) {
      fprintf(stderr, "logmask scan: %s: read error: %s\n", shown, strerror(errno));
      status = -1;
    }
    if (line)
      explicit_bzero(line, cap);
    free(line);
  }
  fclose(f);
  free(shown);
  return status;
}
