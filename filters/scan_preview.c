/* SPDX-License-Identifier: Apache-2.0 */
/* Printable text and preview windows for `logmask scan`; see scan_preview.h. */
#include <config.h>

#include "scan_preview.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of context kept before the masked secret. */
#define PREVIEW_BEFORE 48

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
  size_t len;
  uint32_t cp, min;
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    len = 2, cp = s[0] & 0x1f, min = 0x80;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    len = 3, cp = s[0] & 0x0f, min = 0x800;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    len = 4, cp = s[0] & 0x07, min = 0x10000;
  else
    return 0;
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = cp << 6 | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return len;
}

/* Code points a terminal or an editor acts on rather than shows: C1
 * controls and the bidirectional embeddings, overrides and isolates. */
static int invisible_control(const unsigned char *s, size_t n)
{
  if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
    return 1;
  if (n == 3 && s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae)
    return 1;
  if (n == 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)
    return 1;
  return 0;
}

char *path_escape(const char *path)
{
  size_t len = strlen(path);
  char *out = malloc(len * 4 + 1);
  if (!out)
    return NULL;
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)path;
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    size_t n = s[i] < 0x80 ? 1 : utf8_sequence(s + i, len - i);
    int escape = n == 0 || s[i] < 0x20 || s[i] == 0x7f || invisible_control(s + i, n);
    if (s[i] == '\\') {
      out[o++] = '\\';
      out[o++] = '\\';
      i++;
    } else if (escape) {
      for (size_t k = 0; k < (n ? n : 1); k++) {
        out[o++] = '\\';
        out[o++] = 'x';
        out[o++] = hex[s[i] >> 4];
        out[o++] = hex[s[i] & 15];
        i++;
      }
    } else {
      memcpy(out + o, s + i, n);
      o += n;
      i += n;
    }
  }
  out[o] = '\0';
  return out;
}

static int hex_value(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

char *path_unescape(const char *shown)
{
  size_t len = strlen(shown);
  char *out = malloc(len + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    if (shown[i] != '\\') {
      out[o++] = shown[i++];
    } else if (shown[i + 1] == '\\') {
      out[o++] = '\\';
      i += 2;
    } else if (shown[i + 1] == 'x' && hex_value(shown[i + 2]) >= 0 &&
               hex_value(shown[i + 3]) >= 0 && (hex_value(shown[i + 2]) | hex_value(shown[i + 3])) != 0) {
      out[o++] = (char)(hex_value(shown[i + 2]) << 4 | hex_value(shown[i + 3]));
      i += 4;
    } else {
      free(out);
      return NULL;
    }
  }
  out[o] = '\0';
  return out;
}

char *text_printable(const char *text, size_t len)
{
  char *out = malloc(len + 1);
  if (!out)
    return NULL;
  const unsigned char *s = (const unsigned char *)text;
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    if (s[i] == '\t') {
      out[o++] = ' ';
      i++;
    } else if (s[i] < 0x20 || s[i] == 0x7f) {
      out[o++] = '?';
      i++;
    } else if (s[i] < 0x80) {
      out[o++] = (char)s[i++];
    } else {
      size_t n = utf8_sequence(s + i, len - i);
      if (n == 0 || invisible_control(s + i, n)) {
        i += n ? n - 1 : 0;
        out[o++] = '?';
        i++;
      } else {
        memcpy(out + o, s + i, n);
        o += n;
        i += n;
      }
    }
  }
  out[o] = '\0';
  return out;
}

char *preview_window(const char *masked, size_t mlen, size_t at, size_t span)
{
  /* A CRLF line's CR is not worth a '?'. */
  if (mlen > 0 && masked[mlen - 1] == '\r')
    mlen--;
  if (at > mlen)
    at = mlen;
  size_t lo = at > PREVIEW_BEFORE ? at - PREVIEW_BEFORE : 0;
  size_t after = PREVIEW_WIDTH - PREVIEW_BEFORE;
  size_t hi = span < SIZE_MAX - at - after ? at + span + after : mlen;
  if (at - lo < PREVIEW_BEFORE)
    hi += PREVIEW_BEFORE - (at - lo); /* the room not used before */
  if (hi > mlen)
    hi = mlen;
  if (hi - at < span + after && lo > 0) {
    size_t spare = span + after - (hi - at);
    lo = lo > spare ? lo - spare : 0;
  }
  char *body = text_printable(masked + lo, hi - lo);
  if (!body)
    return NULL;
  size_t blen = strlen(body);
  char *out = malloc(blen + 7);
  if (!out) {
    free(body);
    return NULL;
  }
  size_t o = 0;
  if (lo > 0) {
    memcpy(out, "...", 3);
    o = 3;
  }
  memcpy(out + o, body, blen);
  o += blen;
  if (hi < mlen) {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
  free(body);
  return out;
}
