/* SPDX-License-Identifier: Apache-2.0 */
/* -j N: masking one input on several threads, output in input order.
 *
 * The main thread cuts the input into jobs of at least 512 KiB of whole
 * lines, or fewer lines once the first complete line of a job has waited
 * 20 ms (a live stream keeps its latency); it writes each finished job as
 * soon as the jobs before it are out.  Each worker masks a job with its
 * own masker over the shared rule set,
 * after priming it with the lines before the job that a multi-line rule
 * (PEM block) can depend on (lm_masker_prime), so the output equals -j 1.
 * The lines primed are the input's last context lines before the job, not
 * just the previous job's.  Inputs that cannot be cut on lines (gzip, a
 * line over 2 MiB) or whose context lines exceed 2 MiB are handed back to
 * the serial path part-way, with the main masker primed; so every slot
 * stays within a few MiB whatever the input. */
#ifndef LOGMASK_PARALLEL_H
#define LOGMASK_PARALLEL_H

#include <stddef.h>

#include "input.h"
#include "logmask.h"

struct parallel;

/* Starts `jobs` workers (jobs >= 2) with maskers in `format`.  NULL when
 * out of memory or threads cannot be started. */
struct parallel *parallel_new(const lm_ruleset *set, const char *format, unsigned jobs,
                              size_t max_line, size_t overlap);
/* Stops the workers and adds their counters into stats_into (may be NULL). */
void parallel_free(struct parallel *p, lm_masker *stats_into);

/* Unmasked bytes left for the serial path (malloc'd, caller frees). */
struct parallel_rest {
  int fallback;
  int failed; /* a job failed before the fallback (already reported) */
  char *data;
  size_t len;
};

/* Masks fd onto cfg->out.  When rest->fallback is set on return (with
 * INPUT_DONE), the caller masks rest->data and then the rest of fd
 * serially with cfg->masker (already primed), and reports INPUT_BAD_INPUT
 * at the end when rest->failed. */
enum input_result parallel_pump(struct parallel *p, const struct input_config *cfg,
                                const char *name, int fd, struct parallel_rest *rest);

#endif
