/* A sandbox worker: confine, load one plugin under the loader policy, stack
 * the block policy, then run executions read from the channel (each a run
 * frame, answered with done or fail) until the daemon closes it: once in
 * strict mode. In describe mode it reports the plugin's blocks instead, for
 * the registry, and exits. Never returns. */
#ifndef AXON_SANDBOX_CHILD_H
#define AXON_SANDBOX_CHILD_H
#include "plugin/registry.h"
#include "sandbox/confine.h"

struct worker_spec {
	const char *plugin;   /* the plugin file */
	const char *identity; /* what plugin_identity() must say of it, or NULL */
	int once;             /* strict mode: one execution, then exit */
	int describe;         /* report the registry entry and exit */
};

void child_main(const struct worker_spec *w, struct confine_plan *plan) __attribute__((noreturn));

#endif
