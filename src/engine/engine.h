/* The engine: turns queued runs into steps in the sandbox. Runs live in the
 * store (queued -> running -> succeeded | failed | cancelled) and every step
 * is written as it starts and ends, so after a restart engine_start() picks
 * up every unfinished run where it stopped. Worker threads each drive
 * whichever run has a block ready; a block that is not ready holds no thread.
 *
 *   request thread --store_run_create + engine_notify--> queue --worker--> plan
 *   (executor.c)      worker: plan_next_unit -> sandbox_run -> plan_unit_done -> store_run_record
 *
 * flow.call is built in: it queues a child run and its step waits for it. */
#ifndef AXON_ENGINE_H
#define AXON_ENGINE_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "engine/workflow.h"

struct sandbox;
struct store;
struct engine;

struct engine_options {
	const char *database;  /* the SQLite file; each worker opens its own connection */
	int workers;           /* blocks that run at once, over all runs */
	int max_depth;         /* flow.call nesting */
	int64_t run_timeout_ms;/* a run's limit when its workflow sets none */
	bool resume;           /* queue the unfinished runs found in the store at start (axond);
				* false for a tool that runs only the runs it notifies (axonctl) */
	int64_t aging_ms;      /* how long a queued run waits before it goes ahead of runs one
				* priority above it queued since (0: 30 s) */
	const char *node_name; /* this axond among several sharing a PostgreSQL database */
	int64_t lease_ms;      /* how long a node holds a run without renewing (0: 30 s); leases.c */
	bool front_node;       /* executes no run: offers each to the nodes that do (execute_runs = no) */
};

/* Starts the workers and, when o->resume, queues every unfinished run found
 * in the store. NULL with the reason in err. */
struct engine *engine_start(const struct engine_options *o, struct sandbox *sb, char *err, size_t errlen);
/* Stops taking new work, stops the blocks running now (within a second;
 * their runs stay "running" in the store and resume at the next start),
 * joins the workers. */
void engine_stop(struct engine *e);

/* Tells the engine that run id was queued in the store, with its workflow's
 * priority (workflow_priority). The queue goes by priority, with aging: a run
 * ranks as if queued aging_ms later for each step below high, so that a high
 * run goes before a normal one queued less than aging_ms earlier, and before
 * a low one queued less than twice that; an old low run still goes first. */
void engine_notify_priority(struct engine *e, int64_t id, enum run_priority priority);
/* The same at normal priority. */
void engine_notify(struct engine *e, int64_t id);
/* Waits until run id has ended or timeout_ms passed: 0 when it ended, -1 on
 * timeout. A run another node has is waited for in the store, through st
 * (the caller's connection; NULL: one of its own for the wait). */
int engine_wait(struct engine *e, struct store *st, int64_t id, int64_t timeout_ms);
/* The same; when the run ended here, *outcome is {status, error, reply} as
 * the store recorded them (new reference), else NULL: read the store. */
int engine_wait_outcome(struct engine *e, struct store *st, int64_t id, int64_t timeout_ms, json_t **outcome);
/* What the thread that just created a run (store_run_create) knows of it,
 * so that the engine need not read it back. */
struct engine_run {
	int64_t id, workflow_id;
	int version;
	const json_t *definition, *input;
	const char *trigger;
	/* NULL, or the caller's own record of the run, written in the
	 * transaction that records its end (store_*_in functions; undone alone
	 * if it fails), from the outcome engine_run_here() gives back. */
	int (*on_end)(struct store *st, const json_t *outcome, void *arg);
	void *on_end_arg;
	/* NULL when the caller created the run; else the run, not written yet,
	 * under an id from engine_new_run_id(): its first write writes it, and a
	 * quick run is written once, as it ends. */
	const struct run_born *born;
};
/* A run id for engine_run_here()'s born, reserved in the store a block at a
 * time; 0 when the engine does not take runs not written yet (several nodes
 * on PostgreSQL, whose claims need the run's row, or a front node), or the
 * store failed: then create the run first. */
int64_t engine_new_run_id(struct engine *e, struct store *st);
/* Runs a top-level run that the caller just created (and did not notify) on
 * the calling thread, with the caller's store connection: for a synchronous
 * webhook, whose request thread would otherwise only wait. This saves the
 * hand-offs to a worker and back and the run's read-back. The caller runs
 * one block at a time; the workers help with the blocks it makes ready
 * beside it. These blocks do not count against `workers`: the request
 * threads bound them. Returns 0 when the run ended, with *outcome as
 * engine_wait_outcome() gives it (NULL: read the store); -1 when timeout_ms
 * passed first, and the run goes on in the workers' hands. */
int engine_run_here(struct engine *e, struct store *st, const struct engine_run *run, int64_t timeout_ms,
		    json_t **outcome);
/* What run id did that the store has not been told of yet (a quick step's
 * end is kept back for the run's next write): NULL when the run is not in
 * memory here, else {"status": "running", "started_at", "steps": [...]},
 * those steps with store_step_list()'s fields. New reference. */
json_t *engine_run_unrecorded(struct engine *e, int64_t id);
/* Asks a run to stop: no new block starts, it ends "cancelled" once the blocks
 * running now end. 0, or -1 when the run is not running here. */
int engine_cancel(struct engine *e, int64_t id);

/* What the engine is doing now, for /metrics: run ids queued in memory and
 * not yet loaded, runs in memory, blocks running (workers busy) out of workers. */
struct engine_load {
	int64_t queued, active;
	int workers_busy, workers;
};
void engine_load(struct engine *e, struct engine_load *out);

/* The live events of its runs (engine/events.h), published as they change. */
struct events *engine_events(struct engine *e);

/* The registry the engine validates against, with flow.call added (a new
 * reference to a shared value: read it, never change it). */
json_t *engine_registry(struct engine *e);
/* workflow_validate() of def against engine_registry(), and the blocks'
 * own check() of their configs (block_checks.h: code that does not compile
 * is a problem on its block, found in the sandbox); a stored version
 * (workflow_id and version not 0) found valid is remembered until the
 * plugins change, since versions never change. For a stored version, st (the
 * caller's connection, or NULL) keeps with it what its blocks' checks made
 * (store_block_artifacts: code.js's ES5), which a run hands to the blocks,
 * and which answers the checks after a restart. New reference. */
json_t *engine_problems(struct engine *e, struct store *st, int64_t workflow_id, int version, const json_t *def);
/* engine_problems() without starting a sandbox: a block's check not judged
 * yet is left out (a list must not start a process per row; the workflow's
 * page, the editor and a run judge it). */
json_t *engine_problems_remembered(struct engine *e, int64_t workflow_id, int version, const json_t *def);
/* True when that stored version was found valid and nothing changed since:
 * a list can then skip loading its definition. */
bool engine_known_valid(struct engine *e, int64_t workflow_id, int version);

#endif
