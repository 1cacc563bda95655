/* The broker: the daemon's side of one block run. It sends the run frame,
 * then reads what the child says, trusting nothing: every frame is size-checked
 * and parsed, every field type-checked, every port checked against the block's
 * declaration; it answers HTTP and secret requests and enforces the wall clock
 * and the output limit. */
#ifndef AXON_SANDBOX_BROKER_H
#define AXON_SANDBOX_BROKER_H
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "sandbox/sandbox.h"

struct egress_policy;
struct keyring;
struct secrets;
struct store;

struct broker_run {
	/* in */
	int chan;                      /* the daemon's end of the channel */
	const json_t *declared;        /* the block's output ports: [{"name": ...}] */
	const json_t *config;          /* the config the block runs with */
	const json_t *config_schema;   /* its schema: which fields name credentials */
	uint64_t output_max;           /* bytes of output and log text */
	int64_t deadline;              /* monotonic ms */
	const struct egress_policy *egress;
	struct secrets *secrets;
	const char *database;          /* the store's file, for the knowledge bases */
	/* credentials (broker/credentials.h): store, keyring and run_id or
	 * poll_workflow_id, or none for an execution outside a run and a poll */
	struct store *store;           /* the serving thread's own connection */
	struct keyring *keyring;
	int64_t run_id;
	int64_t poll_workflow_id;      /* a poll trigger's block, outside any run */
	struct run_result *res;        /* outputs and logs are filled in */
	int64_t started;               /* monotonic ms, for the log times */
	const volatile int *cancel;    /* a person cancelled the run (may be NULL) */
	void (*on_slow)(void *arg);    /* called once at slow_at if the execution still runs */
	void *slow_arg;
	int64_t slow_at;               /* monotonic ms */
	void (*on_log)(void *arg, const json_t *entry); /* each log line and progress report as it comes */
	void *log_arg;
	/* the "workflow" service: the engine's (sandbox.h, run_limits), or NULL */
	json_t *(*call_workflow)(void *arg, const json_t *request, int64_t deadline, char *err, size_t errlen);
	void *call_arg;
	clockid_t cpu_clock;           /* the worker's CPU clock */
	int64_t cpu_deadline_ns;       /* past it, a worker that ignores SIGXCPU is stopped */

	/* out: what the run said about its end */
	int finished;                  /* 1 done, 2 fail */
	char *message;                 /* fail's message, or why the broker stopped */
	int stopped;                   /* an outcome that made the broker stop, or -1 */
	long violation;                /* the syscall number, or -1 */
	int signal;                    /* a signal the child reported, or 0 */
	int memory, stack;             /* the child's fault handler said so */
	long abi;                      /* the worker called another ABI: its arch, or 0 */
	char *confine_error;
	char *load_error;              /* the plugin could not be loaded */
	int changed;                   /* ... because its file changed */
	int leftover;                  /* bytes followed the end of the execution */
	uint64_t output_bytes;
};

/* Serves the worker until it ends the execution (done or fail), closes the
 * channel, or the broker stops it (then b->stopped is RUN_TIMEOUT,
 * RUN_CPU_LIMIT, RUN_OUTPUT_TOO_LARGE, RUN_BAD_OUTPUT, or RUN_ERROR for a
 * cancel, and b->message says why). */
void broker_serve(struct broker_run *b, const json_t *run_frame);
void broker_free(struct broker_run *b);


#endif
