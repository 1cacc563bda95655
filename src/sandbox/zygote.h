/* The zygote: a single-threaded process forked from the daemon before any
 * thread exists. It loads every plugin once, compiles the seccomp policy
 * once, and forks one child per block run (protocol.h). It holds no secrets
 * and no database handle. */
#ifndef AXON_SANDBOX_ZYGOTE_H
#define AXON_SANDBOX_ZYGOTE_H
#include <sys/types.h>

struct config;

/* Serves requests on ctl until the daemon closes it; never returns. */
void zygote_main(int ctl, pid_t daemon, const struct config *c) __attribute__((noreturn));

#endif
