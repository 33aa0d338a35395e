/* SPDX-License-Identifier: Apache-2.0 */
/* Format detection ("auto"): cheap shape tests on a line or a string. */
#include "internal.h"
#include <stdint.h>
#include <ctype.h>
#include <string.h>

/* Bytes of a logfmt key: letters, digits, '_', '.', '-' (1), and those
 * that may start one (2). */
static const uint8_t key_byte[256] = {
    ['-'] = 1, ['.'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['_'] = 3,
#define L(c) [c] = 3, [c - 32] = 3
    L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'), L('j'), L('k'),
    L('l'), L('m'), L('n'), L('o'), L('p'), L('q'), L('r'), L('s'), L('t'), L('u'), L('v'),
    L('w'), L('x'), L('y'), L('z')
#undef L
};

int lm_fmt_is_logfmt(const char *l, size_t len) {
  const unsigned char *u = (const unsigned char *)l;
  if (!len || !(key_byte[u[0]] & 2))
    return 0;
  size_t i = 1;
  while (i < len && key_byte[u[i]])
    i++;
  return i < len && u[i] == '=';
}

static const char *skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  return p;
}

static const char *skip_digits(const char *p, const char *end) {
  const char *s = p;
  while (p < end && p - s < 4 && *p >= '0' && *p <= '9')
    p++;
  return p - s >= 1 && p - s <= 3 ? p : NULL;
}

int lm_json_byte_array(const char *text, size_t len) {
  const char *end = text + len;
  for (const char *p = text; (p = memchr(p, '[', (size_t)(end - p))); p++) {
    const char *q = skip_digits(skip_ws(p + 1, end), end);
    if (!q || (q = skip_ws(q, end)) >= end || *q != ',')
      continue;
    if (skip_digits(skip_ws(q + 1, end), end))
      return 1;
  }
  return 0;
}

int lm_json_opens(const char *l, size_t len, size_t b) {
  if (b >= len || l[b] != '{')
    return 0;
  size_t i = b + 1;
  while (i < len && (l[i] == ' ' || l[i] == '\t'))
    i++;
  return i < len && (l[i] == '"' || l[i] == '\'');
}

/* JSON in a text line, behind a prefix (a container runtime's
 * `TIME stdout F `, a logger's timestamp and level) and maybe before a
 * suffix (Monolog's ` []`, ` status=200`): the first '{' that opens an
 * object with a quoted key ('"', or '\'' as Python prints a dict).  Where
 * it opens no JSON, line.c tries the next one in the failed record. */
size_t lm_json_suffix(const char *l, size_t len) {
  for (const char *b = memchr(l, '{', len); b; b = memchr(b + 1, '{', len - (size_t)(b + 1 - l)))
    if (lm_json_opens(l, len, (size_t)(b - l)))
      return (size_t)(b - l);
  return (size_t)-1;
}

/* A JSON array of objects, arrays or strings: `[{`, `[[`, `["` or `[]`
 * ending in ']' (not `[2024-05-01 ...] INFO`, a bracketed prefix). */
static int json_array(const char *l, size_t i, size_t len) {
  size_t e = len;
  while (e > i && (l[e - 1] == ' ' || l[e - 1] == '\t' || l[e - 1] == '\r'))
    e--;
  if (e < i + 2 || l[e - 1] != ']')
    return 0;
  i++;
  while (i < e && (l[i] == ' ' || l[i] == '\t'))
    i++;
  return l[i] == '{' || l[i] == '[' || l[i] == '"' || l[i] == ']';
}

/* syslog headers (RFC 5424 and 3164), also read by fmt_syslog.c */
/* Index after "<PRI>", or 0. */
size_t lm_syslog_pri_end(const char *l, size_t len) {
  if (len < 3 || l[0] != '<')
    return 0;
  size_t i = 1;
  while (i < len && i <= 3 && isdigit((unsigned char)l[i]))
    i++;
  return i > 1 && i < len && l[i] == '>' ? i + 1 : 0;
}

/* "Mmm dd hh:mm:ss" at l[i] (day space-padded or not): its length or 0. */
size_t lm_syslog_bsd_time(const char *l, size_t len, size_t i) {
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

int lm_syslog_is_5424(const char *l, size_t len, size_t p) {
  return p && p + 1 < len && l[p] >= '1' && l[p] <= '9' && l[p + 1] == ' ';
}

int lm_fmt_is_syslog(const char *l, size_t len) {
  size_t p = lm_syslog_pri_end(l, len);
  if (lm_syslog_is_5424(l, len, p))
    return 1;
  if (lm_syslog_bsd_time(l, len, p))
    return 1;
  /* <PRI> and an RFC 3339 timestamp: rsyslog's precise 3164 variant */
  return p && p + 10 < len && isdigit((unsigned char)l[p]) && l[p + 4] == '-';
}

int lm_fmt_syslog_has_params(const char *l, size_t len) {
  return lm_syslog_is_5424(l, len, lm_syslog_pri_end(l, len));
}

int lm_detect(const char *line, size_t len, size_t *json_at) {
  size_t i = 0;
  *json_at = (size_t)-1;
  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  if (i == len)
    return LM_FMT_TEXT;
  if (line[i] == '{' || (line[i] == '[' && json_array(line, i, len)))
    return LM_FMT_JSON;
  int f = LM_FMT_TEXT;
  if (i == 0 && lm_fmt_is_syslog(line, len))
    f = LM_FMT_SYSLOG;
  else if (lm_fmt_is_logfmt(line + i, len - i))
    f = LM_FMT_LOGFMT;
  /* JSON may follow a prefix of any shape (`level=info msg=login {...}`) */
  *json_at = lm_json_suffix(line, len);
  return f;
}
