/* Confining a sandbox worker, in the order DESIGN.md gives (the namespaces
 * are the zygote's, entered once): process group, fds, environment, rlimits,
 * no new privileges, Landlock, then the loader policy; the plugin is loaded
 * only then, and the block policy is stacked before any block runs. Every
 * step is fatal: a worker that cannot be confined never loads its plugin. */
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
	const char *const *readable; /* what Landlock leaves readable (NULL-terminated) */
	const struct sock_fprog *loader_filter;
	const struct sock_fprog *block_filter;
	void (*install_handlers)(void); /* the worker's signal handlers, before seccomp */
};

/* Everything up to and including the loader policy. 0, or -1 with the
 * failed step and its error in err. */
int confine(struct confine_plan *plan, char *err, size_t errlen);
/* The block policy, once the plugin is loaded. 0 or -1, likewise. */
int confine_block(const struct confine_plan *plan, char *err, size_t errlen);

/* For the zygote, once, before it forks any child: its own user, network
 * and IPC namespaces, the network one empty, then every capability dropped.
 * Every child inherits them. A new network and IPC namespace per child
 * would cost about a millisecond a run (measured: docs/performance.md);
 * shared ones isolate the children from the host as well, and not from
 * each other only through calls the seccomp policy denies anyway (socket,
 * shmget, msgget, semget, mq_open). 0, or -1 with the reason in why. */
int confine_zygote_namespaces(char *why, size_t whylen);

/* For the zygote, once: the daemon's environment, wiped from memory and not
 * only unset, so that no child finds it on its stack. */
void confine_wipe_environment(void);

#endif
