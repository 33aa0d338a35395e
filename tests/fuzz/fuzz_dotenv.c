/* fuzz_dotenv.c - the monitor's dotenv parser (monitor/dotenv.c, linked
 * directly).  Oracles: every name reported is a valid dotenv name, every
 * value is readable for its whole length and NUL-terminated, line numbers
 * never decrease, and a refused file gets "FILE:LINE: why". */
#include "fuzz.h"
#include "dotenv.h"

#define NAME "fuzz.env"

typedef struct seen {
  unsigned long line;
  unsigned long sum;
} seen;

static int on_pair(void *ctx, const char *name, const char *value, size_t len,
                   unsigned long line)
{
  seen *s = ctx;
  FUZZ_ASSERT(name && name[0], "empty name");
  int start = (name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z') ||
              name[0] == '_';
  FUZZ_ASSERT(start, "name starts with 0x%02x", (unsigned char)name[0]);
  for (const char *p = name + 1; *p; p++)
    FUZZ_ASSERT(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-", *p),
                "name holds 0x%02x", (unsigned char)*p);
  FUZZ_ASSERT(value, "NULL value");
  for (size_t i = 0; i < len; i++) /* ASan checks every byte is inside */
    s->sum += (unsigned char)value[i];
  FUZZ_ASSERT(value[len] == '\0', "value not NUL-terminated");
  FUZZ_ASSERT(line >= 1 && line >= s->line, "line %lu after line %lu", line, s->line);
  s->line = line;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  seen s = {0, 0};
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
