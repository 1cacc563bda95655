/* The seccomp policies of a sandbox worker: default deny (SIGSYS, reported
 * as a violation), and a short allow list for loading a plugin, then one for
 * computing. Compiled once in the zygote to BPF programs that each worker
 * installs, the loader's before dlopen and the block's after it. */
#ifndef AXON_SANDBOX_POLICY_H
#define AXON_SANDBOX_POLICY_H
#include <stddef.h>

#include <linux/filter.h>

enum policy_kind {
	POLICY_LOADER, /* while the plugin loads: read-only files, mapping code */
	POLICY_BLOCK,  /* stacked on it before a block runs: computing only */
};

/* Fills prog (caller frees prog->filter); 0, or -1 with the reason in err. */
int policy_compile(enum policy_kind kind, struct sock_fprog *prog, char *err, size_t errlen);
/* The name of a system call number of this machine, into buf. */
const char *policy_syscall_name(long nr, char *buf, size_t len);

#endif
