/* SPDX-License-Identifier: Apache-2.0 */
/* seal.c - see seal.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "seal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define SEAL_HEAD "{\"mac\":\""
#define SEAL_TAIL "\"}\n"
#define SEAL_LINE_LEN (sizeof SEAL_HEAD - 1 + MAC_HEX_LEN + sizeof SEAL_TAIL - 1)

int seal_wrap(const unsigned char key[MAC_LEN], const char *label, const char *body,
              size_t body_len, char **out, size_t *out_len)
{
  char hex[MAC_HEX_LEN + 1];
  if (mac_hex(key, label, body, body_len, NULL, 0, hex) != 0)
    return -1;
  char *buf = malloc(body_len + SEAL_LINE_LEN + 1);
  if (!buf)
    return -1;
  memcpy(buf, body, body_len);
  memcpy(buf + body_len, SEAL_HEAD, sizeof SEAL_HEAD - 1);
  memcpy(buf + body_len + sizeof SEAL_HEAD - 1, hex, MAC_HEX_LEN);
  memcpy(buf + body_len + sizeof SEAL_HEAD - 1 + MAC_HEX_LEN, SEAL_TAIL, sizeof SEAL_TAIL);
  *out = buf;
  *out_len = body_len + SEAL_LINE_LEN;
  return 0;
}

seal_result seal_check(const unsigned char key[MAC_LEN], const char *label, const char *text,
                       size_t len, size_t *body_len)
{
  if (len < SEAL_LINE_LEN)
    return SEAL_MISSING;
  const char *line = text + len - SEAL_LINE_LEN;
  if ((line > text && line[-1] != '\n') || memcmp(line, SEAL_HEAD, sizeof SEAL_HEAD - 1) != 0 ||
      memcmp(line + SEAL_LINE_LEN - (sizeof SEAL_TAIL - 1), SEAL_TAIL, sizeof SEAL_TAIL - 1) != 0)
    return SEAL_MISSING;
  char want[MAC_HEX_LEN + 1], got[MAC_HEX_LEN + 1];
  memcpy(got, line + sizeof SEAL_HEAD - 1, MAC_HEX_LEN);
  got[MAC_HEX_LEN] = '\0';
  size_t n = (size_t)(line - text);
  if (mac_hex(key, label, text, n, NULL, 0, want) != 0 || !mac_equal(want, got))
    return SEAL_BAD;
  *body_len = n;
  return SEAL_OK;
}
