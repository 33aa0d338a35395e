/* SPDX-License-Identifier: Apache-2.0 */
/* with_mdwe.c - runs a program under the kernel's memory-deny-write-
 * execute policy (prctl PR_SET_MDWE, Linux 6.3), the policy systemd's
 * MemoryDenyWriteExecute=yes sets, so the tests see what the daemon does
 * in the shipped unit.  Exits 77 (skip) where the kernel lacks it. */
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: with_mdwe PROGRAM [ARG...]\n");
    return 2;
  }
  if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) != 0) {
    fprintf(stderr, "with_mdwe: PR_SET_MDWE: %s\n", errno == EINVAL ? "not supported by this kernel" : "refused");
    return 77;
  }
  execv(argv[1], argv + 1);
  perror("with_mdwe: execv");
  return 127;
}
