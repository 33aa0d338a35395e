/* syslog lines, RFC 5424 and RFC 3164 (with or without <PRI>, as rsyslog
 * writes files).  The header (PRI, timestamp, host, app/tag, procid, msgid)
 * is left as is unless it holds a secret (the rules run over the whole
 * line: fail closed); structured data and the message go through the engine;
 * structured-data parameters with sensitive names are masked by name, and
 * masks inside a PARAM-VALUE are escaped as RFC 5424 wants (\" \\ \]). */
#include "fmt.h"
#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* Index after "<PRI>", or 0. */
static size_t pri_end(const char *l, size_t len) {
  if (len < 3 || l[0] != '<')
    return 0;
  size_t i = 1;
  while (i < len && i <= 3 && isdigit((unsigned char)l[i]))
    i++;
  return i > 1 && i < len && l[i] == '>' ? i + 1 : 0;
}

/* "Mmm dd hh:mm:ss" at l[i] (day space-padded or not): its length or 0. */
static size_t bsd_time(const char *l, size_t len, size_t i) {
  /* every line is asked (format detection): three bytes as one number */
#define M3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
  static const uint32_t months[12] = {M3('J', 'a', 'n'), M3('F', 'e', 'b'), M3('M', 'a', 'r'),
                                      M3('A', 'p', 'r'), M3('M', 'a', 'y'), M3('J', 'u', 'n'),
                                      M3('J', 'u', 'l'), M3('A', 'u', 'g'), M3('S', 'e', 'p'),
                                      M3('O', 'c', 't'), M3('N', 'o', 'v'), M3('D', 'e', 'c')};
  if (len - i < 14)
    return 0;
  const unsigned char *u = (const unsigned char *)l + i;
  switch (u[0]) { /* most lines fail here */
  case 'J': case 'F': case 'M': case 'A': case 'S': case 'O': case 'N': case 'D':
    break;
  default:
    return 0;
  }
  uint32_t m3 = M3(u[0], u[1], u[2]);
#undef M3
  int month = 0;
  for (int k = 0; k < 12; k++)
    month |= m3 == months[k];
  if (!month || l[i + 3] != ' ')
    return 0;
  size_t j = i + 4;
  if (l[j] == ' ')
    j++;
  if (!isdigit((unsigned char)l[j]))
    return 0;
  j++;
  if (j < len && isdigit((unsigned char)l[j]))
    j++;
  if (len - j < 9 || l[j] != ' ')
    return 0;
  const char *t = l + j + 1;
  for (int k = 0; k < 8; k++)
    if (k == 2 || k == 5 ? t[k] != ':' : !isdigit((unsigned char)t[k]))
      return 0;
  return j + 9 - i;
}

/* Moves past one header field and the blank after it; 0 when absent. */
static int field(const char *l, size_t len, size_t *i) {
  size_t s = *i;
  while (*i < len && l[*i] != ' ')
    (*i)++;
  if (*i == s || *i == len)
    return 0;
  (*i)++;
  return 1;
}

static int is_5424(const char *l, size_t len, size_t p) {
  return p && p + 1 < len && l[p] >= '1' && l[p] <= '9' && l[p + 1] == ' ';
}

int lm_fmt_is_syslog(const char *l, size_t len) {
  size_t p = pri_end(l, len);
  if (is_5424(l, len, p))
    return 1;
  if (bsd_time(l, len, p))
    return 1;
  /* <PRI> and an RFC 3339 timestamp: rsyslog's precise 3164 variant */
  return p && p + 10 < len && isdigit((unsigned char)l[p]) && l[p + 4] == '-';
}

int lm_fmt_syslog_has_params(const char *l, size_t len) {
  return is_5424(l, len, pri_end(l, len));
}

typedef struct sd_ctx {
  lm_masker *m;
  lm_qregion *q;
  size_t nq;
} sd_ctx;

/* Structured data at l[*i]: "-" or [ID name="value" ...]...  Records the
 * values (count only when c->q is NULL).  0, or -1 when malformed. */
static int structured_data(const char *l, size_t len, size_t *i, sd_ctx *c) {
  if (*i < len && l[*i] == '-') {
    (*i)++;
    return 0;
  }
  if (*i >= len || l[*i] != '[')
    return -1;
  while (*i < len && l[*i] == '[') {
    size_t j = *i + 1;
    while (j < len && l[j] != ' ' && l[j] != ']' && l[j] != '"' && l[j] != '=')
      j++;
    if (j == *i + 1)
      return -1;
    while (j < len && l[j] == ' ') {
      size_t ns = ++j;
      while (j < len && l[j] != '=' && l[j] != ' ' && l[j] != ']' && l[j] != '"')
        j++;
      if (j == ns || j + 1 >= len || l[j] != '=' || l[j + 1] != '"')
        return -1;
      size_t ne = j, vs = j + 2;
      for (j = vs; j < len && l[j] != '"'; j++)
        if (l[j] == '\\')
          j++;
      if (j >= len)
        return -1;
      if (c->q)
        c->q[c->nq] = (lm_qregion){vs, j, lm_key_is_sensitive(c->m->set, l + ns, ne - ns)};
      c->nq++;
      j++;
    }
    if (j >= len || l[j] != ']')
      return -1;
    *i = j + 1;
  }
  return 0;
}

/* Start of the scanned part (SD and MSG, or MSG) or (size_t)-1 when the
 * line does not parse; c gets the SD values. */
static size_t body_start(const char *l, size_t len, sd_ctx *c) {
  size_t p = pri_end(l, len), i;
  if (is_5424(l, len, p)) {
    i = p + 2;
    for (int k = 0; k < 5; k++) /* TIMESTAMP HOSTNAME APP-NAME PROCID MSGID */
      if (!field(l, len, &i))
        return (size_t)-1;
    size_t sd = i;
    if (structured_data(l, len, &i, c) || (i < len && l[i] != ' '))
      return (size_t)-1;
    return sd;
  }
  size_t t = bsd_time(l, len, p);
  i = p + t;
  if (t) {
    if (i >= len || l[i] != ' ')
      return (size_t)-1;
    i++;
  } else if (!p || !field(l, len, &i)) { /* an RFC 3339 timestamp */
    return (size_t)-1;
  }
  if (!field(l, len, &i)) /* HOSTNAME */
    return (size_t)-1;
  /* TAG[PID]: or TAG: -- part of the header when it has that shape */
  size_t j = i;
  while (j < len && j - i < 48 &&
         (isalnum((unsigned char)l[j]) || strchr("_.-/@", l[j])) && l[j])
    j++;
  if (j > i && j < len && l[j] == '[') {
    while (j < len && l[j] != ']' && l[j] != ' ')
      j++;
    if (j < len && l[j] == ']')
      j++;
  }
  if (j > i && j < len && l[j] == ':') {
    j++;
    if (j < len && l[j] == ' ')
      j++;
    return j;
  }
  return i;
}

int lm_fmt_syslog(lm_masker *m, const char *line, size_t len, lm_buf *out,
                  unsigned *nsecrets) {
  struct lm_fmt_state *st = lm_fmt_state(m);
  if (!st)
    return -1;
  sd_ctx c = {.m = m};
  size_t body = body_start(line, len, &c);
  if (body == (size_t)-1) {
    m->totals.format_fallbacks++;
    return 0;
  }
  if (c.nq) {
    if (!(c.q = lm_fmt_regions(st, c.nq)))
      return -1;
    c.nq = 0;
    body_start(line, len, &c);
  }
  /* The rules run over the whole line, header included: the header is
   * not trusted to hold no secret (a line without HOSTNAME puts the first
   * message word there), and a secret may straddle the header's end.  A
   * header without secrets still comes out unchanged. */
  if (lm_collect_spans(m, line, len))
    return -1;
  if (m->limit_hit)
    return 0; /* the engine masks the line whole */
  for (size_t i = 0; i < c.nq; i++)
    if (c.q[i].sensitive &&
        !lm_key_value_is_placeholder(line + c.q[i].start, c.q[i].end - c.q[i].start) &&
        lm_add_span(m, c.q[i].start, c.q[i].end, LM_LITERAL_RULE,
                        LM_FMT_LABEL(LM_LABEL_SYSLOG_KEY)))
      return -1;
  return lm_fmt_finish(m, line, len, c.q, c.nq, LM_ESC_SD, out, nsecrets);
}
