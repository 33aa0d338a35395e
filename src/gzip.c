/* SPDX-License-Identifier: Apache-2.0 */
/* gzip through zlib, shaped for push streams: input is inflated chunk by
 * chunk as it is fed (member after member), output deflated batch by
 * batch.  Buffers are the objects' own; the caller's are never kept. */
#include "gzip.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK (64 * 1024)
#define GZIP_WBITS (15 + 16) /* gzip wrapper only */

struct lm_gzin {
  z_stream z;
  int in_member;     /* bytes of a member seen, its end not yet */
  uint64_t consumed; /* compressed bytes taken by zlib so far */
  char out[CHUNK];
};

struct lm_gzout {
  z_stream z;
  char out[CHUNK];
};

lm_gzin *lm_gzin_new(void) {
  lm_gzin *g = calloc(1, sizeof *g);
  if (!g)
    return NULL;
  if (inflateInit2(&g->z, GZIP_WBITS) != Z_OK) {
    free(g);
    return NULL;
  }
  return g;
}

void lm_gzin_free(lm_gzin *g) {
  if (!g)
    return;
  inflateEnd(&g->z);
  explicit_bzero(g->out, sizeof g->out);
  free(g);
}

lm_status lm_gzin_feed(lm_gzin *g, const char *buf, size_t len, lm_gz_sink sink, void *ctx,
                       char *msg, size_t msgcap) {
  const unsigned char *p = (const unsigned char *)buf;
  while (len) {
    /* zlib counts in uInt */
    uInt take = len > (size_t)UINT32_MAX / 2 ? UINT32_MAX / 2 : (uInt)len;
    g->z.next_in = (Bytef *)p;
    g->z.avail_in = take;
    while (g->z.avail_in) {
      g->z.next_out = (Bytef *)g->out;
      g->z.avail_out = CHUNK;
      uInt before = g->z.avail_in;
      g->in_member = 1;
      int rc = inflate(&g->z, Z_NO_FLUSH);
      g->consumed += before - g->z.avail_in;
      size_t produced = CHUNK - g->z.avail_out;
      if (produced) {
        lm_status st = sink(ctx, g->out, produced);
        if (st)
          return st;
      }
      if (rc == Z_BUF_ERROR && before == g->z.avail_in && !produced)
        rc = Z_DATA_ERROR; /* no progress with input and room: never drop input */
      if (rc == Z_STREAM_END) {
        /* a member ended; another may follow (gzip -c a b > ab.gz) */
        g->in_member = 0;
        inflateReset(&g->z);
      } else if (rc == Z_MEM_ERROR) {
        return LM_ERR_NOMEM;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        snprintf(msg, msgcap, "corrupt gzip data at byte %llu (%s)",
                 (unsigned long long)g->consumed, g->z.msg ? g->z.msg : "inflate error");
        return LM_ERR_FORMAT;
      }
    }
    p += take;
    len -= take;
  }
  return LM_OK;
}

lm_status lm_gzin_finish(lm_gzin *g, char *msg, size_t msgcap) {
  if (!g->in_member)
    return LM_OK;
  snprintf(msg, msgcap, "truncated gzip data: the input ends inside a member at byte %llu",
           (unsigned long long)g->consumed);
  return LM_ERR_FORMAT;
}

lm_gzout *lm_gzout_new(int level) {
  lm_gzout *g = calloc(1, sizeof *g);
  if (!g)
    return NULL;
  if (deflateInit2(&g->z, level, Z_DEFLATED, GZIP_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    free(g);
    return NULL;
  }
  return g;
}

void lm_gzout_free(lm_gzout *g) {
  if (!g)
    return;
  deflateEnd(&g->z);
  explicit_bzero(g->out, sizeof g->out);
  free(g);
}

lm_status lm_gzout_write(lm_gzout *g, const char *buf, size_t len, int flush,
                         lm_write_fn write, void *ctx) {
  static const int modes[] = {[LM_GZ_NONE] = Z_NO_FLUSH, [LM_GZ_SYNC] = Z_SYNC_FLUSH,
                              [LM_GZ_FINISH] = Z_FINISH};
  const unsigned char *p = (const unsigned char *)buf;
  do {
    uInt take = len > (size_t)UINT32_MAX / 2 ? UINT32_MAX / 2 : (uInt)len;
    int mode = take == len ? modes[flush] : Z_NO_FLUSH;
    g->z.next_in = (Bytef *)p;
    g->z.avail_in = take;
    int rc;
    do {
      g->z.next_out = (Bytef *)g->out;
      g->z.avail_out = CHUNK;
      rc = deflate(&g->z, mode);
      if (rc == Z_STREAM_ERROR)
        return LM_ERR_NOMEM;
      size_t produced = CHUNK - g->z.avail_out;
      if (produced && write(ctx, g->out, produced) != 0)
        return LM_ERR_WRITE;
      /* all input taken and, for a flush, zlib had room to spare */
    } while (g->z.avail_out == 0 || (mode == Z_FINISH && rc != Z_STREAM_END));
    p += take;
    len -= take;
  } while (len);
  return LM_OK;
}
