/* SPDX-License-Identifier: Apache-2.0 */
/* fingerprint.c - see fingerprint.h.  OpenSSL does the cryptography. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "fingerprint.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static const char hexdigits[] = "0123456789abcdef";

static void to_hex(const unsigned char *in, size_t len, char *out)
{
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = hexdigits[in[i] >> 4];
    out[2 * i + 1] = hexdigits[in[i] & 15];
  }
  out[2 * len] = '\0';
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int fp_key_create(const char *path, unsigned char key[FP_KEY_LEN], char **err)
{
  if (RAND_bytes(key, FP_KEY_LEN) != 1)
    return mon_fail(err, "%s: the random generator failed", path);
  char hex[FP_HEX_LEN + 2];
  to_hex(key, FP_KEY_LEN, hex);
  hex[FP_HEX_LEN] = '\n';
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    mon_wipe(hex, sizeof hex);
    return mon_fail(err, "%s: cannot create: %s", path, strerror(errno));
  }
  ssize_t n = write(fd, hex, FP_HEX_LEN + 1);
  int ok = n == FP_HEX_LEN + 1 && fchmod(fd, 0600) == 0 && fsync(fd) == 0;
  int saved = errno;
  mon_wipe(hex, sizeof hex);
  if (close(fd) != 0 || !ok) {
    unlink(path);
    return mon_fail(err, "%s: cannot write: %s", path, strerror(ok ? errno : saved));
  }
  return 0;
}

int fp_key_random(unsigned char key[FP_KEY_LEN])
{
  return RAND_bytes(key, FP_KEY_LEN) == 1 ? 0 : -1;
}

int fp_key_load(const char *path, unsigned char key[FP_KEY_LEN], struct stat *st_out,
                char **err)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int saved = errno;
    mon_fail(err, "%s: cannot open the fingerprint key: %s", path, strerror(errno));
    errno = saved;
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    errno = EINVAL;
    return mon_fail(err, "%s: the fingerprint key is not a regular file", path);
  }
  if (st_out)
    *st_out = st;
  char hex[FP_HEX_LEN + 2];
  ssize_t n = read(fd, hex, sizeof hex);
  close(fd);
  int bad = n < FP_HEX_LEN || (n == FP_HEX_LEN + 1 && hex[FP_HEX_LEN] != '\n') ||
            n > FP_HEX_LEN + 1;
  for (size_t i = 0; !bad && i < FP_KEY_LEN; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      bad = 1;
    else
      key[i] = (unsigned char)(hi << 4 | lo);
  }
  mon_wipe(hex, sizeof hex);
  if (bad) {
    mon_wipe(key, FP_KEY_LEN);
    errno = EINVAL;
    return mon_fail(err, "%s:1: the fingerprint key must be %d hex digits", path,
                    FP_HEX_LEN);
  }
  return 0;
}

int fp_compute(const unsigned char key[FP_KEY_LEN], const void *value, size_t len,
               char hex[FP_HEX_LEN + 1])
{
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  static const unsigned char empty[1];
  if (!HMAC(EVP_sha256(), key, FP_KEY_LEN, len ? value : empty, len, mac, &mac_len) ||
      mac_len != FP_HEX_LEN / 2)
    return -1;
  to_hex(mac, mac_len, hex);
  return 0;
}

const char *fp_length_class(size_t len)
{
  if (len < 6)
    return "0-5";
  if (len < 12)
    return "6-11";
  if (len < 16)
    return "12-15";
  if (len < 32)
    return "16-31";
  if (len < 50)
    return "32-49";
  if (len < 64)
    return "50-63";
  if (len < 128)
    return "64-127";
  return "128+";
}

int fp_is_fingerprint(const char *text)
{
  size_t i = 0;
  for (; text[i]; i++)
    if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
      return 0;
  return i == FP_HEX_LEN;
}
