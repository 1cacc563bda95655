/* The planner: the state of one run in memory, and the rules that decide
 * which blocks are ready, which are skipped, what each receives, and how a
 * block's results (one, or one per for_each element) end it. No threads, no
 * database, no sandbox here: the executor (executor.c) drives a plan, and the
 * unit tests drive it with made-up results. */
#ifndef AXON_ENGINE_PLAN_H
#define AXON_ENGINE_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum step_state { STEP_PENDING, STEP_RUNNING, STEP_WAITING, STEP_OK, STEP_FAILED, STEP_SKIPPED };
/* "pending", "running", "waiting", "ok", "failed", "skipped" */
const char *step_state_name(enum step_state s);

struct plan_edge {
	size_t from, to;
	const char *from_port, *to_port; /* point into the definition */
};

struct plan_block {
	const char *id, *type;   /* point into the definition */
	const json_t *config;    /* the block's config (never NULL: {} when absent) */
	json_t *output_ports;    /* names from the registry */
	bool has_in_port;        /* it declares an input "in", which gets the trigger's data when no edge leads in */
	json_t *field_formats;   /* config fields with a schema "format": {"name": "template" | "code"} */
	/* settings */
	uint32_t timeout_ms;     /* 0: the sandbox default */
	int retries;
	int64_t retry_delay_ms;
	const char *for_each;    /* "port" or "port.path": what to run once per element of, or NULL */
	int concurrency;         /* for_each elements at once */
	bool continue_on_error;

	enum step_state state;
	int attempts;            /* started attempts (of the current element for for_each) */
	int64_t not_before;      /* monotonic ms: when a retry may start */
	bool timer;              /* a flow.wait whose wait is not_before */
	int64_t waited_ms;       /* the delays before its retries (not for_each: its elements overlap) */
	int64_t started_at, finished_at; /* wall ms */
	json_t *inputs;          /* gathered when it starts */
	json_t *outputs;         /* {"port": value} once ok */
	json_t *logs;            /* [{"ms", "level", "message"}...], gathered over attempts and elements */
	char *outcome;           /* the sandbox's outcome name of the last attempt */
	char *error;
	/* for_each: one result per element, in order */
	size_t items, next_item, items_running, items_done;
	json_t *item_outputs;    /* array: {"port": value} per element, null until done */
	int *item_attempts;
	int64_t *item_not_before;
	int64_t child_run;       /* flow.call: the run it waits for */
};

struct plan {
	json_t *def;
	json_t *scope; /* {"trigger": input, "<block id>": outputs} */
	struct plan_block *blocks;
	size_t nblocks;
	struct plan_edge *edges;
	size_t nedges;
	int concurrency; /* units of this run at once */
	int running;     /* units started and not ended */
	/* The time nothing ran and a retry was due later: what a run's working
	 * time leaves out. */
	int64_t waited_ms;
	bool idle;
	int64_t idle_since; /* monotonic ms */
	bool failed;     /* a block failed without continue_on_error */
	char *error;     /* why the run failed */
	const char *failed_block;
};

/* Builds the plan of a definition that passed workflow_validate against
 * registry. Returns NULL with the reason in err. */
struct plan *plan_new(const json_t *def, const json_t *registry, const json_t *trigger, char *err, size_t errlen);
void plan_free(struct plan *p);
long plan_find(const struct plan *p, const char *id);

/* Puts back a step as the store recorded it (after a restart). Only ok,
 * failed and skipped steps are final; others start again. */
void plan_restore(struct plan *p, size_t b, const json_t *step);

/* Decides every pending block whose upstream blocks have all ended: it is
 * skipped when edges lead into it and none delivered a value, else it
 * becomes ready. Appends the indexes of newly skipped blocks to skipped
 * (may be NULL) and returns the number of blocks that are ready to start
 * (pending with their inputs known). */
size_t plan_decide(struct plan *p, json_t *skipped);
/* The block's inputs as the edges deliver them: {"port": value}; when several
 * edges arrive at one port, the first in "edges" order that delivered wins.
 * A block no edge leads into gets the trigger's data on its port "in". */
json_t *plan_inputs(const struct plan *p, size_t b);

/* A unit of work: a block, or one element of a for_each block. */
struct plan_unit {
	size_t block;
	long item; /* -1 for a whole block */
};
/* Picks the next unit that may start now (monotonic time now), within the
 * run's and the block's concurrency; 0 if there is none. Marks it started. */
int plan_next_unit(struct plan *p, int64_t now, int64_t wall_now, struct plan_unit *u);
/* The config scope for a unit: the run's scope, plus "item" and "index" for
 * an element (new reference). */
json_t *plan_unit_scope(const struct plan *p, const struct plan_unit *u);
/* The inputs of a unit: the block's, with the for_each port replaced by the element. */
json_t *plan_unit_inputs(const struct plan *p, const struct plan_unit *u);
int plan_unit_attempt(const struct plan *p, const struct plan_unit *u); /* 1 for the first */

/* Ends a unit. ok: outputs ({"port": value}). Not ok: outcome and message;
 * the unit is retried (after a backoff, *retry_at set, returns 1) while
 * attempts remain, else the block fails. logs are appended to the block's.
 * Returns 1 when a retry was scheduled, 0 otherwise. */
int plan_unit_done(struct plan *p, const struct plan_unit *u, bool ok, json_t *outputs, const char *outcome,
		   const char *message, const json_t *logs, int64_t now, int64_t wall_now, double jitter);
/* Ends a block that waited for something else (flow.call), as plan_unit_done. */
void plan_block_end(struct plan *p, size_t b, bool ok, json_t *outputs, const char *message, int64_t wall_now);
/* Adds log lines ({ms, level, message}) to a block's, as of its current attempt. */
void plan_block_log(struct plan *p, size_t b, const json_t *logs);
/* Marks a block waiting (flow.call): it holds no unit slot while it waits. */
void plan_block_wait(struct plan *p, size_t b);

/* Fails the run (a timeout, a cancel): no block starts any more. */
void plan_abort(struct plan *p, const char *message);

/* The earliest monotonic time a retry becomes due, or 0. */
int64_t plan_next_wakeup(const struct plan *p);
/* Whether plan_next_unit() would likely hand out a unit now, without
 * changing anything (a block it would find skipped makes it wrong). */
bool plan_may_have_unit(const struct plan *p, int64_t now);
/* true when nothing runs, waits or can start any more. */
bool plan_finished(const struct plan *p);
/* The record of a block for the store (store_step_put), new reference. */
json_t *plan_step_json(const struct plan *p, size_t b);

/* Exponential backoff with jitter for attempt (1 = the first retry):
 * base * 2^(attempt-1), at most 5 minutes, scaled by jitter in [0.5, 1]. */
int64_t plan_backoff_ms(int64_t base, int attempt, double jitter);

#endif
