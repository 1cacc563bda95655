/* Confining a block's child, in the order DESIGN.md gives. Every step is
 * fatal: a child that cannot be confined never runs its block. */
#ifndef AXON_SANDBOX_CONFINE_H
#define AXON_SANDBOX_CONFINE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/filter.h>

struct confine_plan {
	int channel;            /* becomes CHILD_CHANNEL_FD (updated when moved) */
	pid_t zygote;           /* the parent we must still have */
	uint32_t cpu_ms;
	uint64_t memory_bytes;  /* address space the block may add */
	uint64_t address_base;  /* address space already reserved (sanitizer builds) */
	int unshare_flags;      /* CLONE_NEW* that the zygote found to work, or 0 */
	const struct sock_fprog *filter;
	void (*install_handlers)(void); /* the child's signal handlers, before seccomp */
};

/* 0, or -1 with the failed step and its error in err. */
int confine(struct confine_plan *plan, char *err, size_t errlen);

/* For the zygote, once: a user namespace holding an empty network namespace,
 * which every child inherits. A new network namespace per child would cost
 * about a millisecond a run (measured: docs/performance.md); one shared
 * empty one isolates as well, since no child may make a socket anyway.
 * 0, or -1 with the reason in why. */
int confine_network_namespace(char *why, size_t whylen);

/* Whether a fresh child can unshare its own user and IPC namespaces here:
 * forks a probe. Returns the CLONE_NEW* flags (0 if not) and the reason in
 * why. */
int confine_probe_namespaces(char *why, size_t whylen);

#endif
