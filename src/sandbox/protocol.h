/* What the daemon, the zygote and a sandbox worker say to each other. Every
 * message is a JSON object in a frame (channel.h).
 *
 * daemon -> zygote (SOCK_SEQPACKET, one message per request, fds attached):
 *   {"op": "worker", "plugin": PATH, "identity": ID, "once": BOOL,
 *    "cpu_ms": N, "memory_bytes": N}                              fds: reply, channel
 *   {"op": "registry", "plugin_dirs": DIRS}                        fd: reply
 * zygote -> daemon on reply: {"pid": N, "address_base": N} or {"error": MSG},
 *   then when the worker is reaped {"status": WAIT_STATUS, "cpu_ms": N,
 *   "maxrss_kb": N}; for registry, {"blocks": [...], "skipped": [...],
 *   "plugins": {PATH: ID}}, each plugin described by a worker of its own.
 *   Any byte the daemon writes on the reply socket, or its closing, makes the
 *   zygote kill the worker's group.
 *
 * daemon -> worker on the channel, per execution: {"block": NAME, "config":
 *   C, "inputs": I, "artifact": A (what check() kept, if any)} (or {"block",
 *   "config", "check": true}: the block's check() of the config, done when it
 *   has none), then answers {"response": R} | {"value": V} | {"error":
 *   MSG} to the worker's requests.
 * worker -> daemon on the channel ("t" is the type):
 *   emit {port, value} | log {level, message} | progress {fraction, message}
 *   | http {request} | secret {name} | call {service, request}
 *   | llm {request} | knowledge {request} | keep {value} (in check())
 *   | done | fail {message}
 *   and, from its signal handlers, confinement and loading:
 *   violation {syscall} | abi {arch} | signal {signal} | memory | stack
 *   | confine {message} | load {message} | changed {message}
 *   | registry {blocks, skipped, identity} (describe mode) */
#ifndef AXON_SANDBOX_PROTOCOL_H
#define AXON_SANDBOX_PROTOCOL_H

/* The channel's fd number in the child: the seccomp filter allows read and
 * write on this fd only. */
#define CHILD_CHANNEL_FD 3

#define ZYGOTE_MSG_MAX 4096          /* one request to the zygote */
#define REGISTRY_MAX (16u << 20)     /* the registry JSON */
#define CHILD_INPUT_MAX (64u << 20)  /* the run frame a child accepts */
#define CHILD_REPLY_MAX (256u << 20) /* an HTTP answer a child accepts */
#define FRAME_OVERHEAD 4096          /* room for the JSON around an output */
/* A header claiming more than this is not a frame but garbage (text read as
 * a length starts at 512 MiB). */
#define FRAME_SANE_MAX (256u << 20)

/* Exit codes of a child that ends before or after the block. */
#define CHILD_EXIT_DONE 0
#define CHILD_EXIT_CONFINE 120 /* confinement failed: the block did not run */
#define CHILD_EXIT_CHANNEL 121 /* the channel broke */
#define CHILD_EXIT_REPORTED 122 /* a handler reported a violation, signal or memory */

/* The "arch" of an abi report for an x32 call (others are AUDIT_ARCH_*). */
#define ABI_X32 1

#define DEFAULT_MEMORY_BYTES (256ull << 20)
#define DEFAULT_OUTPUT_BYTES (8ull << 20)

#endif
