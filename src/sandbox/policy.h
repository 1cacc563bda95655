/* The seccomp policy of a block's child: default deny (SIGSYS, reported as a
 * violation), and a short allow list for computing. Compiled once in the
 * zygote to a BPF program that each child installs as its last step. */
#ifndef AXON_SANDBOX_POLICY_H
#define AXON_SANDBOX_POLICY_H
#include <stddef.h>

#include <linux/filter.h>

/* Fills prog (caller frees prog->filter); 0, or -1 with the reason in err. */
int policy_compile(struct sock_fprog *prog, char *err, size_t errlen);
/* The name of a system call number of this machine, into buf. */
const char *policy_syscall_name(long nr, char *buf, size_t len);

#endif
