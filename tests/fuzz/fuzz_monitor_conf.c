/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_monitor_conf.c - the monitor's config parser (monitor/conf.c,
 * linked directly).  config_load() reads a path, so each input goes into a
 * memfd named through /proc/self/fd.  Oracles: success gives a config with
 * at least one source and its state directory; failure gives "PATH:..."
 * and leaves the output untouched. */
#include "fuzz.h"
#include "conf.h"
#include <sys/mman.h>
#include <unistd.h>

static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (fd < 0) {
    fd = memfd_create("fuzz-monitor-conf", MFD_CLOEXEC);
    FUZZ_ASSERT(fd >= 0, "memfd_create failed");
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  FUZZ_ASSERT(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == (ssize_t)size,
              "cannot write the memfd");
  config cfg;
  memset(&cfg, 0xa5, sizeof cfg);
  char *err = NULL;
  if (config_load(path, &cfg, &err) == 0) {
    FUZZ_ASSERT(err == NULL, "error message on success");
    FUZZ_ASSERT(cfg.n_sources > 0 && cfg.sources, "success without sources");
    FUZZ_ASSERT(cfg.state_dir && cfg.audit_log, "success without state directory");
    for (size_t i = 0; i < cfg.n_sources; i++)
      FUZZ_ASSERT(cfg.sources[i].path, "source %zu without a path", i);
    config_free(&cfg);
  } else {
    FUZZ_ASSERT(err && strncmp(err, path, strlen(path)) == 0,
                "error does not name the file: %s", err ? err : "(null)");
    unsigned char *p = (unsigned char *)&cfg;
    for (size_t i = 0; i < sizeof cfg; i++)
      FUZZ_ASSERT(p[i] == 0xa5, "failed load wrote into the output");
  }
  free(err);
  return 0;
}
