/* SPDX-License-Identifier: Apache-2.0 */
/* The text `logmask scan` shows: paths and previews made printable, and
 * the window of a masked line around one finding. */
#ifndef LOGMASK_SCAN_PREVIEW_H
#define LOGMASK_SCAN_PREVIEW_H

#include <stddef.h>

/* About this many bytes of the masked line are shown around a finding. */
#define PREVIEW_WIDTH 160

/* A NUL-terminated copy of `len` bytes that is valid UTF-8 with no control
 * characters: a tab becomes a blank, other controls and bytes that are not
 * UTF-8 become '?'.  NULL when out of memory. */
char *text_printable(const char *text, size_t len);

/* A path as reports and the baseline show it, keeping every byte: a path
 * that is valid UTF-8 without a control character, a backslash or a
 * bidirectional-text control is shown as it is; any other path is written
 * with "\\" for a backslash and "\xHH" for each byte of a control
 * character (C0, DEL, C1, bidi), and for each byte that is not UTF-8.  The
 * mapping is one to one (path_unescape reverses it), so a baseline entry
 * names exactly one path.  NULL when out of memory. */
char *path_escape(const char *path);
/* The bytes path_escape encoded; NULL when out of memory or when `shown`
 * is not one of its results. */
char *path_unescape(const char *shown);

/* The preview of a finding: the masked line `masked` (mlen bytes), cut to
 * about PREVIEW_WIDTH bytes around [at, at + span) with "..." marking the
 * cuts, made printable.  NULL when out of memory. */
char *preview_window(const char *masked, size_t mlen, size_t at, size_t span);

#endif
