/* The engine: turns queued runs into steps in the sandbox. Runs live in the
 * store (queued -> running -> succeeded | failed | cancelled) and every step
 * is written as it starts and ends, so after a restart engine_start() picks
 * up every unfinished run where it stopped. Worker threads each drive
 * whichever run has a block ready; a block that is not ready holds no thread.
 *
 *   request thread --store_run_create + engine_notify--> queue --worker--> plan
 *   (executor.c)      worker: plan_next_unit -> sandbox_run -> plan_unit_done -> store_step_put
 *
 * flow.call is built in: it queues a child run and its step waits for it. */
#ifndef AXON_ENGINE_H
#define AXON_ENGINE_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct sandbox;
struct engine;

struct engine_options {
	const char *database;  /* the SQLite file; each worker opens its own connection */
	int workers;           /* blocks that run at once, over all runs */
	int max_depth;         /* flow.call nesting */
	int64_t run_timeout_ms;/* a run's limit when its workflow sets none */
	bool resume;           /* queue the unfinished runs found in the store at start (axond);
				* false for a tool that runs only the runs it notifies (axonctl) */
};

/* Starts the workers and, when o->resume, queues every unfinished run found
 * in the store. NULL with the reason in err. */
struct engine *engine_start(const struct engine_options *o, struct sandbox *sb, char *err, size_t errlen);
/* Stops taking new work, stops the blocks running now (within a second;
 * their runs stay "running" in the store and resume at the next start),
 * joins the workers. */
void engine_stop(struct engine *e);

/* Tells the engine that run id was queued in the store. */
void engine_notify(struct engine *e, int64_t id);
/* Waits until run id has ended or timeout_ms passed: 0 when it ended, -1 on timeout. */
int engine_wait(struct engine *e, int64_t id, int64_t timeout_ms);
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
/* workflow_validate() of def against engine_registry(); a stored version
 * (workflow_id and version not 0) found valid is remembered until the
 * plugins change, since versions never change. New reference. */
json_t *engine_problems(struct engine *e, int64_t workflow_id, int version, const json_t *def);
/* True when that stored version was found valid and nothing changed since:
 * a list can then skip loading its definition. */
bool engine_known_valid(struct engine *e, int64_t workflow_id, int version);

#endif
