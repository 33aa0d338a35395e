/* SPDX-License-Identifier: Apache-2.0 */
/* Mask styles: parsing a style name and rendering one secret's mask. */
#include "internal.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TEMPLATE "[REDACTED:%r]"

void lm_maskspec_clear(lm_maskspec *spec) {
  free(spec->template);
  memset(spec, 0, sizeof *spec);
}

int lm_maskspec_parse(lm_maskspec *out, const char *style) {
  lm_maskspec s = {0};
  if (strcmp(style, "redact") == 0) {
    s.kind = LM_MASK_REDACT;
  } else if (strncmp(style, "redact:", 7) == 0) {
    s.kind = LM_MASK_REDACT;
    /* a template must not contain a line break: it would split lines */
    if (style[7] == '\0' || strpbrk(style + 7, "\r\n"))
      return -1;
    if (!(s.template = strdup(style + 7)))
      return -1;
  } else if (strcmp(style, "stars") == 0) {
    s.kind = LM_MASK_STARS;
  } else if (strncmp(style, "partial:", 8) == 0) {
    unsigned n, m;
    int used = 0;
    if (sscanf(style + 8, "%u:%u%n", &n, &m, &used) != 2 || style[8 + used] != '\0' ||
        n > 64 || m > 64)
      return -1;
    s.kind = LM_MASK_PARTIAL;
    s.keep_head = n;
    s.keep_tail = m;
  } else if (strcmp(style, "hash") == 0) {
    s.kind = LM_MASK_HASH;
  } else if (strcmp(style, "drop") == 0) {
    s.kind = LM_MASK_DROP;
  } else {
    return -1;
  }
  lm_maskspec_clear(out);
  *out = s;
  return 0;
}

static int expand_template(const char *tpl, const char *rule_id, lm_buf *out) {
  for (const char *t = tpl; *t; t++) {
    if (*t == '%' && t[1] == 'r') {
      if (lm_buf_append(out, rule_id, strlen(rule_id)))
        return -1;
      t++;
    } else if (*t == '%' && t[1] == '%') {
      if (lm_buf_putc(out, '%'))
        return -1;
      t++;
    } else if (lm_buf_putc(out, *t)) {
      return -1;
    }
  }
  return 0;
}

int lm_mask_secret(const lm_ruleset *set, const lm_maskspec *spec, const char *rule_id,
                   const char *secret, size_t len, lm_buf *out) {
  switch (spec->kind) {
  case LM_MASK_REDACT:
  case LM_MASK_DROP: /* the caller drops the line; render as redact meanwhile */
    return expand_template(spec->template ? spec->template : DEFAULT_TEMPLATE, rule_id, out);
  case LM_MASK_STARS:
    return lm_buf_fill(out, '*', len);
  case LM_MASK_PARTIAL: {
    /* Never reveal more than a quarter of the secret: scale both ends down
     * together when the requested counts exceed it. */
    size_t head = spec->keep_head, tail = spec->keep_tail, budget = len / 4;
    while (head + tail > budget) {
      if (head >= tail && head)
        head--;
      else if (tail)
        tail--;
    }
    if (lm_buf_append(out, secret, head) || lm_buf_fill(out, '*', len - head - tail) ||
        lm_buf_append(out, secret + len - tail, tail))
      return -1;
    return 0;
  }
  case LM_MASK_HASH: {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    if (set->hash_key_len == 0)
      return -1;
    if (!HMAC(EVP_sha256(), set->hash_key, (int)set->hash_key_len,
              (const unsigned char *)secret, len, mac, &maclen))
      return -1;
    char tag[200];
    int n = snprintf(tag, sizeof tag, "[%.100s:%s:", rule_id, set->key_id);
    for (int i = 0; i < 8; i++)
      n += snprintf(tag + n, sizeof tag - (size_t)n, "%02x", mac[i]);
    n += snprintf(tag + n, sizeof tag - (size_t)n, "]");
    explicit_bzero(mac, sizeof mac);
    return lm_buf_append(out, tag, (size_t)n);
  }
  }
  return -1;
}

lm_status lm_ruleset_fingerprint(const lm_ruleset *set, const void *data, size_t len,
                                 unsigned char out[32], int *keyed) {
  static const unsigned char empty[1];
  if (!set || !out || (!data && len))
    return LM_ERR_ARG;
  const unsigned char *p = len ? data : empty;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  int ok = set->hash_key_len
               ? HMAC(EVP_sha256(), set->hash_key, (int)set->hash_key_len, p, len, md, &n) != NULL
               : EVP_Digest(p, len, md, &n, EVP_sha256(), NULL) == 1;
  if (!ok || n != 32)
    return LM_ERR_NOMEM;
  memcpy(out, md, 32);
  explicit_bzero(md, sizeof md);
  if (keyed)
    *keyed = set->hash_key_len != 0;
  return LM_OK;
}
