/* The zygote: a small single-threaded process, exec'd afresh from the
 * daemon's own program (so that it can be started again from any thread if it
 * dies). It compiles the seccomp policies once and forks the sandbox workers
 * (protocol.h), confined before they load any plugin code. It never loads a
 * plugin itself, and holds no secrets and no database handle. */
#ifndef AXON_SANDBOX_ZYGOTE_H
#define AXON_SANDBOX_ZYGOTE_H
#include <sys/types.h>

#include "log.h"

/* Starts a zygote serving requests on ctl (its end of a SOCK_SEQPACKET
 * pair), logging to log_dest ("stderr", "syslog" or a file). Safe to call
 * from any thread. The zygote's pid, or -1 with errno set; the zygote exits
 * when the daemon's end of ctl closes. */
pid_t zygote_spawn(int ctl, const char *log_dest, enum log_level level);

#endif
