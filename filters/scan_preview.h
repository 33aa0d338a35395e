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

/* The preview of a finding: the masked line `masked` (mlen bytes), cut to
 * about PREVIEW_WIDTH bytes around [at, at + span) with "..." marking the
 * cuts, made printable.  NULL when out of memory. */
char *preview_window(const char *masked, size_t mlen, size_t at, size_t span);

#endif
