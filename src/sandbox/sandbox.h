/* The sandbox as the daemon sees it: a zygote process, and sandbox_run(),
 * which runs one block execution in a confined worker of the zygote and
 * serves its requests (the broker) until it ends in exactly one outcome.
 * Workers stay warm between executions of the same plugin for the same trust
 * domain (a workflow) unless strict mode asks for a fresh process each time
 * (docs/security.md). Every function is thread-safe. */
#ifndef AXON_SANDBOX_H
#define AXON_SANDBOX_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

struct config;
struct sandbox;
struct store;

enum run_outcome {
	RUN_OK,
	RUN_ERROR,            /* the block failed, with its message */
	RUN_VIOLATION,        /* a forbidden system call, named in the message */
	RUN_TIMEOUT,          /* the wall-clock limit */
	RUN_CPU_LIMIT,
	RUN_MEMORY_LIMIT,
	RUN_CRASH,            /* a signal, or an end without a result */
	RUN_OUTPUT_TOO_LARGE,
	RUN_BAD_OUTPUT,       /* garbage on the channel, an undeclared port... */
};
#define RUN_OUTCOMES 9

/* "ok", "error", "violation", "timeout", "cpu_limit", "memory_limit",
 * "crash", "output_too_large", "bad_output". */
const char *run_outcome_name(enum run_outcome o);

/* Limits for one run; each 0 means the block's own request, or else the
 * sandbox default (block_timeout from axon.conf, CPU = wall clock, 256 MiB,
 * 8 MiB of output). */
struct run_limits {
	uint32_t wall_ms;
	uint32_t cpu_ms;
	uint64_t memory_bytes;
	uint64_t output_bytes;
	/* When set and it becomes non-zero (from another thread), the block is
	 * killed within a second and the run ends in RUN_ERROR "cancelled". */
	const volatile int *cancel;
	/* The trust domain: executions of one plugin with the same domain may
	 * share a warm worker (its globals live on). NULL, or strict set: a
	 * fresh process for this execution. */
	const char *domain;
	int strict;
	/* When set, called once from the calling thread if the block is still
	 * running after slow_ms (the engine writes a step's start then: a quick
	 * step is written once, when it ends). */
	void (*on_slow)(void *arg);
	void *slow_arg;
	uint32_t slow_ms;
	/* The run this execution belongs to and the calling thread's store
	 * connection, through which the broker opens the credentials the block
	 * names (broker/credentials.h); or, with run_id 0, the workflow whose
	 * poll trigger runs the block (engine/poll.h). NULL/0 outside a run and
	 * a poll: no credentials. */
	struct store *store;
	int64_t run_id;
	int64_t poll_workflow_id;
	/* When set, called from the calling thread with each log line or
	 * progress report ({"ms", "level" | "progress", "message"}) as the block
	 * writes it, masked as in res->logs; it must not keep entry. */
	void (*on_log)(void *arg, const json_t *entry);
	void *log_arg;
	/* What the block's check() kept for this config (res->artifact of
	 * sandbox_check()), or NULL: handed to the block (kept()) when its
	 * plugin file is still the one that made it. */
	const json_t *artifact;
	/* When set, the block's "workflow" service (host->call): the engine
	 * describes or runs a workflow for it as a called run of this run (the
	 * flow.call path) and answers, or NULL with the reason in err. It waits
	 * until deadline (monotonic ms) at most, and stops waiting when *cancel
	 * is set. NULL outside the engine: the service is refused. */
	json_t *(*call_workflow)(void *arg, const json_t *request, int64_t deadline, char *err, size_t errlen);
	void *call_arg;
};

enum sandbox_state {
	SANDBOX_OK,
	SANDBOX_RESTARTING, /* the zygote died and another is being started */
	SANDBOX_FAILING,    /* it keeps dying: started again after a growing pause */
};

struct run_result {
	enum run_outcome outcome;
	char *message;   /* a sentence for people; NULL when ok */
	json_t *outputs; /* {"port": value} of what the block emitted, secrets masked */
	json_t *logs;    /* [{"ms", "level", "message"} or {"ms", "progress", "message"}] */
	long elapsed_ms;
	long cpu_ms;
	long maxrss_kb;
	/* sandbox_check(): what a passing check kept (axon_host.keep), as
	 * {"plugin": the plugin file's identity, "value": V}, or NULL. */
	json_t *artifact;
};

/* Starts the zygote, which has each plugin of c->plugin_dirs described by a
 * confined worker, and the keeper thread. Call before the threads that run
 * blocks, after daemonizing. The config is copied. Returns NULL with the
 * reason in err. */
struct sandbox *sandbox_start(const struct config *c, char *err, size_t errlen);
/* Kills the zygote and every worker, reaps the zygote. */
void sandbox_stop(struct sandbox *sb);
/* Rescans the plugin directories (for SIGHUP; the keeper also does when a
 * plugin file changes). Executions already started keep their plugin; idle
 * workers of a changed plugin are retired. 0, or -1 if the zygote is gone. */
int sandbox_rescan(struct sandbox *sb);
/* Retires every idle warm worker (tests, and a pool that must drain). */
void sandbox_drain(struct sandbox *sb);
/* {"state": "ok"|"restarting"|"failing", "zygote_restarts": N, "mode":
 * "warm"|"strict", "workers_idle": N, "executions_running": N} */
json_t *sandbox_health(struct sandbox *sb);
/* The registry as the zygote loaded it, as registry_to_json() gives it
 * (new reference). */
json_t *sandbox_registry(struct sandbox *sb);
pid_t sandbox_zygote_pid(struct sandbox *sb);
/* A number that changes each time the registry is replaced (SIGHUP), for caches of it. */
unsigned sandbox_registry_generation(struct sandbox *sb);

/* Runs block with config and inputs ({"port": value}; NULL for none) under
 * limits (NULL for the defaults). Always fills res, which the caller frees
 * with run_result_free(). Returns 0 when the block ran to an outcome, -1 when
 * the sandbox itself failed (zygote gone, no fds left): then res->outcome is
 * RUN_ERROR and res->message says why. */
int sandbox_run(struct sandbox *sb, const char *block, const json_t *config, const json_t *inputs,
                const struct run_limits *limits, struct run_result *res);
/* The block's check() of config (axon_block.check), in a fresh worker under
 * SANDBOX_CHECK_MS of wall clock and CPU: res->outcome RUN_OK when the config
 * passes (or the block has no check), RUN_ERROR with the block's message when
 * it does not, another outcome when the check itself went wrong; with RUN_OK,
 * res->artifact is what the check kept, if anything. Returns as
 * sandbox_run(). */
#define SANDBOX_CHECK_MS 3000
int sandbox_check(struct sandbox *sb, const char *block, const json_t *config, struct run_result *res);
void run_result_free(struct run_result *res);
/* The exit code axon-block uses for an outcome: 0 for ok, 1 to 8 in the
 * order of enum run_outcome. */
int run_outcome_exit_code(enum run_outcome o);

#endif
