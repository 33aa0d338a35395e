/* SPDX-License-Identifier: Apache-2.0 */
/* util.h - small helpers shared by the monitor's files: messages, time,
 * identity, whole-file reads and atomic writes, secret memory. */
#ifndef MONITOR_UTIL_H
#define MONITOR_UTIL_H

#include <stddef.h>
#include <stdarg.h>
#include <sys/types.h>
#include <time.h>

#define MON_PROGRAM "logmask-monitor"

/* Exit codes of every subcommand. */
enum { MON_EXIT_OK = 0, MON_EXIT_ALERT = 1, MON_EXIT_ERROR = 2 };

/* "logmask-monitor: MESSAGE" on stderr. */
void mon_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A malloc'd printf result, or NULL when out of memory. */
char *mon_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *mon_vprintf(const char *fmt, va_list ap);

/* Stores a new malloc'd message in *err (replacing nothing: *err must be
 * NULL or is freed first).  Returns -1 so callers can `return mon_fail(...)`. */
int mon_fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* UTC "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void mon_time_iso(time_t t, char *buf, size_t size);
/* Parses the format above; -1 when it is not one. */
int mon_time_parse(const char *text, time_t *out);

/* Host and user names, computed once; never NULL. */
const char *mon_hostname(void);
const char *mon_username(void);

/* Reads a whole file (NUL-terminated for convenience, *len without it).
 * -1 with errno set on failure. */
int mon_read_file(const char *path, char **data, size_t *len);

/* Replaces `path` atomically: writes a temporary file in the same
 * directory with `mode`, fsyncs it, renames it over `path` and fsyncs the
 * directory.  On failure the old file is untouched. */
int mon_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                     char **err);

/* Directory part of a path (malloc'd), "." when there is none. */
char *mon_dirname(const char *path);

/* Secret memory: locked where permitted, wiped before release. */
char *mon_secret_alloc(size_t len);
void mon_secret_free(char *p, size_t len);
void mon_wipe(void *p, size_t len);

/* Many small secrets: carved from locked blocks (one mlock per block, not
 * per value), all wiped and released together. */
typedef struct mon_arena {
  struct mon_block { char *p; size_t size; } *blocks;
  size_t n, cap;
  size_t left;               /* free bytes at the end of the last block */
} mon_arena;

/* len + 1 zeroed bytes; NULL when out of memory. */
char *mon_arena_alloc(mon_arena *a, size_t len);
void mon_arena_free(mon_arena *a);

/* Makes room for `need` elements of `size` bytes in the array *array_ptr
 * (a pointer to the array pointer) of capacity *cap, `used` of them
 * filled: a new block (at least twice as large), the used bytes copied,
 * the old block wiped and freed.  Never realloc, which may leave the old
 * block (a secret, a log line) in the heap.  -1 when out of memory, with
 * the array untouched. */
int mon_grow(void *array_ptr, size_t *cap, size_t used, size_t need, size_t size);

/* Lowercase hex of len bytes into out (2 * len + 1 bytes). */
void mon_hex(const unsigned char *in, size_t len, char *out);

/* In a child after fork(): no blocked signals, every disposition back to
 * its default (the daemon blocks SIGHUP/SIGINT/SIGTERM for signalfd and
 * ignores SIGPIPE; a hook must not inherit that). */
void mon_child_reset(void);

/* Matches `name` against a shell glob, case-insensitively. */
int mon_glob_match(const char *glob, const char *name);

#endif
