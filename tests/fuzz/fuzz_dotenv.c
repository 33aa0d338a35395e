/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_dotenv.c - the dotenv parser (lm_dotenv_parse through the
 * monitor's wrapper monitor/dotenv.c, linked directly).  Oracles: every
 * name reported is a valid dotenv name (no blank-free rule broken, no
 * separator, quote or control byte, valid UTF-8), every value is readable
 * for its whole length and NUL-terminated, line numbers never decrease, a
 * refused file gets "FILE:LINE: why", and every value written back as
 * 'NAME'='VALUE' (when it holds no quote and does not end in a backslash)
 * reads back as the same bytes. */
#include "fuzz.h"
#include "dotenv.h"

#define NAME "fuzz.env"

typedef struct seen {
  unsigned long line;
  unsigned long sum;
  int roundtrip;          /* parsing a written-back pair: compare */
  const char *want;
  size_t want_len;
  int hits;
} seen;

static void check_name(const char *name)
{
  FUZZ_ASSERT(name && name[0], "empty name");
  const unsigned char *p = (const unsigned char *)name;
  while (*p) {
    FUZZ_ASSERT(*p >= 0x20 && *p != 0x7F && !strchr("=#'\"`", *p), "name holds 0x%02x", *p);
    if (*p < 0x80) {
      p++;
      continue;
    }
    size_t n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
    FUZZ_ASSERT(*p >= 0xC2 && *p <= 0xF4, "name holds a bad UTF-8 lead 0x%02x", *p);
    for (size_t i = 1; i < n; i++)
      FUZZ_ASSERT((p[i] & 0xC0) == 0x80, "name holds a cut UTF-8 sequence");
    p += n;
  }
}

static int on_back(void *ctx, const char *name, const char *value, size_t len,
                   unsigned long line)
{
  seen *s = ctx;
  (void)name;
  (void)line;
  s->hits++;
  FUZZ_ASSERT(len == s->want_len && memcmp(value, s->want, len) == 0,
              "value of %s changed when written back in single quotes", name);
  return 0;
}

/* 'NAME'='VALUE' must read back as VALUE. */
static void round_trip(const char *name, const char *value, size_t len)
{
  if (memchr(value, '\'', len) || (len && value[len - 1] == '\\'))
    return;
  size_t n = strlen(name);
  char *text = malloc(n + len + 8);
  FUZZ_ASSERT(text, "out of memory");
  size_t at = 0;
  text[at++] = '\'';
  memcpy(text + at, name, n), at += n;
  memcpy(text + at, "'='", 3), at += 3;
  memcpy(text + at, value, len), at += len;
  text[at++] = '\'';
  text[at++] = '\n';
  seen back = {0, 0, 1, value, len, 0};
  char *err = NULL;
  int rc = dotenv_parse(NAME, text, at, on_back, &back, &err);
  FUZZ_ASSERT(rc == 0 && back.hits == 1, "written-back pair of %s refused: %s", name,
              err ? err : "(no error)");
  free(err);
  free(text);
}

static int on_pair(void *ctx, const char *name, const char *value, size_t len,
                   unsigned long line)
{
  seen *s = ctx;
  check_name(name);
  FUZZ_ASSERT(value, "NULL value");
  for (size_t i = 0; i < len; i++) /* ASan checks every byte is inside */
    s->sum += (unsigned char)value[i];
  FUZZ_ASSERT(value[len] == '\0', "value not NUL-terminated");
  FUZZ_ASSERT(line >= 1 && line >= s->line, "line %lu after line %lu", line, s->line);
  s->line = line;
  round_trip(name, value, len);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  seen s = {0, 0, 0, NULL, 0, 0};
  char *err = NULL;
  int rc = dotenv_parse(NAME, (const char *)data, size, on_pair, &s, &err);
  if (rc != 0) {
    FUZZ_ASSERT(rc == -1, "dotenv_parse returned %d", rc);
    FUZZ_ASSERT(err && strncmp(err, NAME ":", strlen(NAME) + 1) == 0,
                "error does not name the file: %s", err ? err : "(null)");
  } else {
    FUZZ_ASSERT(err == NULL, "error message on success");
  }
  free(err);
  return 0;
}
