/* What the sandbox tests share: a configuration whose only plugin is the
 * build tree's hostile.so, and starting a sandbox with it. */
#ifndef AXON_TEST_HOSTILE_SANDBOX_H
#define AXON_TEST_HOSTILE_SANDBOX_H
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "sandbox/sandbox.h"

static inline void hostile_config(struct config *c)
{
	const char *top = getenv("top_builddir");
	config_defaults(c);
	snprintf(c->plugin_dirs, sizeof c->plugin_dirs, "%s/tests/sandbox/.libs/hostile.so", top ? top : ".");
}

/* NULL, with the reason on stderr, when the sandbox does not start. */
static inline struct sandbox *start_hostile_sandbox(const struct config *c)
{
	char err[600];
	struct sandbox *sb = sandbox_start(c, err, sizeof err);
	if (!sb)
		fprintf(stderr, "sandbox_start: %s\n", err);
	return sb;
}

#endif
