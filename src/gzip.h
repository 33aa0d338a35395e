/* SPDX-License-Identifier: Apache-2.0 */
/* gzip for streams (gzip.c): decompression of the input as it arrives,
 * concatenated members included, and compression of the output. */
#ifndef LM_GZIP_H
#define LM_GZIP_H
#include "internal.h"

typedef struct lm_gzin lm_gzin;
typedef struct lm_gzout lm_gzout;

/* Receives decompressed bytes; a status other than LM_OK stops the feed and
 * is returned as is. */
typedef lm_status (*lm_gz_sink)(void *ctx, const char *buf, size_t len);

lm_gzin *lm_gzin_new(void) LM_HIDDEN;
void lm_gzin_free(lm_gzin *g) LM_HIDDEN;
/* Decompresses buf[0..len) into sink.  LM_ERR_FORMAT on corrupt data, with
 * a message naming the compressed byte offset in msg. */
lm_status lm_gzin_feed(lm_gzin *g, const char *buf, size_t len, lm_gz_sink sink, void *ctx,
                       char *msg, size_t msgcap) LM_HIDDEN;
/* LM_ERR_FORMAT when the input ended inside a member. */
lm_status lm_gzin_finish(lm_gzin *g, char *msg, size_t msgcap) LM_HIDDEN;

enum { LM_GZ_NONE, LM_GZ_SYNC, LM_GZ_FINISH };
/* level 0..9; NULL when out of memory. */
lm_gzout *lm_gzout_new(int level) LM_HIDDEN;
void lm_gzout_free(lm_gzout *g) LM_HIDDEN;
/* Compresses buf[0..len) and writes what zlib hands out; `flush` is one of
 * LM_GZ_*.  LM_ERR_WRITE when the writer fails, LM_ERR_NOMEM. */
lm_status lm_gzout_write(lm_gzout *g, const char *buf, size_t len, int flush,
                         lm_write_fn write, void *ctx) LM_HIDDEN;
#endif
