/* A block's child: confine, read the run frame, check the config, call the
 * block's run() with the host function table, report. Never returns. */
#ifndef AXON_SANDBOX_CHILD_H
#define AXON_SANDBOX_CHILD_H
#include "plugin/registry.h"
#include "sandbox/confine.h"

void child_main(const struct plugin_block *block, struct confine_plan *plan) __attribute__((noreturn));

#endif
