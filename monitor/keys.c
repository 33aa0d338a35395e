/* SPDX-License-Identifier: Apache-2.0 */
/* keys.c - see keys.h.  OpenSSL does the cryptography (HKDF and HMAC
 * through the EVP interfaces of 1.1.1 and 3.x). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "keys.h"
#include "util.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

static int expand(const unsigned char prk[FP_KEY_LEN], const char *label,
                  unsigned char out[MAC_LEN])
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
  size_t len = MAC_LEN;
  int ok = ctx && EVP_PKEY_derive_init(ctx) > 0 &&
           EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) > 0 &&
           EVP_PKEY_CTX_hkdf_mode(ctx, EVP_PKEY_HKDEF_MODE_EXPAND_ONLY) > 0 &&
           EVP_PKEY_CTX_set1_hkdf_key(ctx, prk, FP_KEY_LEN) > 0 &&
           EVP_PKEY_CTX_add1_hkdf_info(ctx, (const unsigned char *)label, (int)strlen(label)) > 0 &&
           EVP_PKEY_derive(ctx, out, &len) > 0 && len == MAC_LEN;
  EVP_PKEY_CTX_free(ctx);
  return ok ? 0 : -1;
}

int keyring_derive(keyring *k)
{
  if (expand(k->fp, "logmask-monitor state-mac v1", k->state) != 0 ||
      expand(k->fp, "logmask-monitor audit-chain v1", k->audit) != 0 ||
      expand(k->fp, "logmask-monitor log-head v1", k->head) != 0) {
    keyring_wipe(k);
    return -1;
  }
  return 0;
}

void keyring_wipe(keyring *k)
{
  mon_wipe(k, sizeof *k);
}

int mac_hex(const unsigned char key[MAC_LEN], const char *label, const void *a, size_t a_len,
            const void *b, size_t b_len, char hex[MAC_HEX_LEN + 1])
{
  EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_HMAC, NULL, key, MAC_LEN);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t mac_len = sizeof mac;
  int ok = pkey && md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) > 0 &&
           EVP_DigestSignUpdate(md, label, strlen(label) + 1) > 0 &&
           (!a_len || EVP_DigestSignUpdate(md, a, a_len) > 0) &&
           (!b_len || EVP_DigestSignUpdate(md, b, b_len) > 0) &&
           EVP_DigestSignFinal(md, mac, &mac_len) > 0 && mac_len == MAC_LEN;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pkey);
  if (ok)
    mon_hex(mac, MAC_LEN, hex);
  mon_wipe(mac, sizeof mac);
  return ok ? 0 : -1;
}

int mac_equal(const char *x, const char *y)
{
  return strlen(x) == MAC_HEX_LEN && strlen(y) == MAC_HEX_LEN &&
         CRYPTO_memcmp(x, y, MAC_HEX_LEN) == 0;
}
