/* The warm workers that are idle, waiting for their next execution. A worker
 * serves one plugin (as one file identity) for one trust domain (a workflow),
 * so what a hostile plugin could reach in a warm worker is only its own later
 * executions in that workflow. Idle workers are kept least recently used
 * last, bounded in number; the pool also counts, per key, the executions
 * running now and the most seen at once lately, so that the sandbox's keeper
 * can start workers ahead of need. Thread-safe. */
#ifndef AXON_SANDBOX_POOL_H
#define AXON_SANDBOX_POOL_H
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

struct worker {
	pid_t pid;
	int chan;                /* the daemon's end of the worker's channel */
	int reply;               /* to the zygote: closing it kills the worker */
	clockid_t cpu_clock;     /* the worker's CPU-time clock */
	int statm;               /* its /proc/PID/statm, open: read for its memory, or -1 */
	unsigned zygote_gen;     /* the zygote it is a child of */
	uint64_t address_base;   /* address space reserved before any block (sanitizers) */
	uint64_t as_soft;        /* its RLIMIT_AS now */
	unsigned long cpu_soft;  /* its RLIMIT_CPU now, seconds */
	int64_t idle_cpu_ns;     /* its CPU time when its last answer came */
	int64_t idle_since;      /* monotonic ms */
	unsigned executions;
	int once;                /* strict mode: not kept */
	char *plugin, *identity, *domain;
	struct worker *prev, *next;
};

struct pool;

struct pool *pool_new(void);
/* Retires every worker left (pool_retire) and frees the pool. */
void pool_free(struct pool *p);

/* Takes the most recently used idle worker for the key, or NULL (a miss,
 * counted for the keeper). Counts an execution as busy either way. */
struct worker *pool_take(struct pool *p, const char *plugin, const char *identity, const char *domain);
/* The execution that pool_take counted is over. */
void pool_done(struct pool *p, const char *plugin, const char *identity, const char *domain);
/* Puts w back as the most recently used idle worker. */
void pool_put(struct pool *p, struct worker *w);

/* Removes and returns (linked by next) the idle workers for which drop()
 * says yes, e.g. idle too long or of a plugin that changed. */
struct worker *pool_remove_if(struct pool *p, int (*drop)(const struct worker *w, void *arg), void *arg);
/* Removes and returns the least recently used idle workers past max. */
struct worker *pool_trim(struct pool *p, unsigned max);

/* For the keeper: one key that ran more executions at once lately than it
 * has workers for now (idle ones plus busy executions), with how many are
 * missing; 0 when there is none. The strings are copies to free. The window
 * of "lately" moves on at each call after window_ms. */
unsigned pool_shortfall(struct pool *p, int64_t now, int64_t window_ms, char **plugin, char **identity, char **domain);

/* Forgets how many executions ran at once lately, so that the keeper does
 * not start workers for a pool that was drained on purpose. */
void pool_forget_demand(struct pool *p);

/* Idle workers now; executions running now. */
void pool_counts(struct pool *p, unsigned *idle, unsigned *busy);

/* Closes the worker's channel and lifeline: the zygote kills and reaps it. */
void worker_retire(struct worker *w);
/* Retires each worker of a list returned by pool_remove_if or pool_trim. */
void worker_retire_list(struct worker *list);

#endif
