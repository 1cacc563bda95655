/* The executor: worker threads that load queued runs from the store, hand
 * their ready blocks to the sandbox, and write every step as it starts and
 * ends. One mutex guards the queue and every run in memory; the sandbox runs
 * and the store writes happen outside it. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "engine/block_checks.h"
#include "engine/builtins.h"
#include "engine/engine.h"
#include "engine/events.h"
#include "engine/leases.h"
#include "engine/placeholder.h"
#include "engine/plan.h"
#include "engine/workflow.h"
#include "log.h"
#include "metrics/metrics.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "strbuf.h"

#define DEFAULT_RUN_TIMEOUT_MS (60LL * 60 * 1000)
#define DEFAULT_AGING_MS (30LL * 1000)
#define IDLE_WAIT_MS 1000
#define VALID_CACHE 256
#define ACTIVE_PER_WORKER 2 /* runs in memory per worker, beyond those waiting for a called run */

/* A run waiting to be loaded. It ranks as if queued later by aging_ms for
 * each step its priority is below high: the smallest rank goes first. */
struct queued_run {
	int64_t rank; /* monotonic ms */
	uint64_t seq;
	int64_t id;
};

/* A run in memory. plan is NULL while a worker loads it. */
struct active {
	int64_t id, workflow_id, parent_run_id;
	char *parent_block;
	char *trigger;
	int depth;
	json_t *ancestors; /* workflow ids of this run and the runs that called it, for the loop guard */
	struct plan *plan;
	struct plan *staged; /* the plan a worker is building, published under the lock when complete */
	json_t *artifacts; /* what the blocks' check() kept for this version: {block: {"key", "artifact"}} */
	int64_t loaded_at; /* monotonic ms, for its duration in /metrics */
	int64_t deadline;  /* monotonic ms */
	int64_t timeout_ms;
	bool cancelled;
	char domain[32];   /* the sandbox's trust domain: "workflow ID" */
	bool strict;       /* settings.sandbox = "strict": a fresh process per block execution */
	enum run_priority priority; /* settings.priority */
	int64_t token_budget; /* settings.daily_token_budget, or 0 */
	volatile int stop_blocks; /* read by the sandbox: kills the blocks of a cancelled run */
	int writers;       /* workers writing a step of it now: it cannot end before they are done */
	int64_t started_at; /* wall ms, when a worker first took it */
	bool recorded;     /* the store knows it is running (store_run_record) */
	struct run_born *born; /* not written yet: its first write writes it (record_run, end_run) */
	bool birthing;     /* a thread is writing it for the first time: other writers wait */
	bool *unwritten;   /* per block: ended, and its end not yet in the store (see record_run) */
	bool owned;        /* driven by the thread that created it (engine_run_here), which alone ends it */
	pthread_t owner;   /* that thread, while owned */
	const struct engine_run *handed; /* what that thread gave: its on_end, while owned */
	bool lost;         /* another node took it over (store_run_record said): it ends here unwritten */
	int64_t end_retry_at; /* monotonic ms: its end could not be written (the database away); again then */
	int end_tries;     /* failed writes of its end so far */
	bool ending;       /* a worker is recording its end: it stays listed, so that a waiter
			    * arriving meanwhile waits, but nothing else touches it */
	struct shown *shown; /* per block: what the live events last said of it */
	struct active *next;
};

/* What the live events last said of a block: a change of any is news. */
struct shown {
	enum step_state state;
	int attempts;
	size_t items_done;
};

/* A request thread waiting for a run's end, woken alone when that run ends
 * (a shared condition woke every waiter at every run's end). */
struct waiter {
	int64_t id;
	bool done;
	bool elsewhere;          /* another node holds the run: wait in the store */
	json_t *outcome;         /* {status, error, reply} as recorded, or NULL */
	pthread_cond_t ended;
	struct waiter *next;
};

struct engine {
	pthread_mutex_t mu;
	pthread_cond_t work;  /* a run was queued, a unit ended, a retry is due */
	/* One per worker: held by whoever runs a block (a worker, or a thread
	 * driving its own run, which waits for one here without the lock). */
	sem_t slots;
	bool starved; /* a worker found no slot free: the next slot given back wakes the workers */
	struct engine_options o;
	char *database;
	struct sandbox *sb;
	struct queued_run *queue; /* run ids to load: a binary heap by rank */
	size_t qlen, qcap;
	uint64_t qseq;    /* pushes so far: equal ranks leave in the order they came */
	struct active *runs;
	struct waiter *waiters;
	pthread_t *threads;
	int nthreads;
	/* The registry with flow.call, and the stored versions found valid against it. */
	pthread_mutex_t reg_mu;
	json_t *registry;
	unsigned registry_generation;
	/* artifacts: what the blocks' check() kept ({block: {"key", "artifact"}}),
	 * kept: whether the store has them too. */
	struct valid_version { int64_t workflow_id; int version; json_t *artifacts; bool kept; } valid[VALID_CACHE];
	size_t nvalid, valid_next;
	/* Run ids reserved in the store (engine_new_run_id): next_id up to end_id. */
	pthread_mutex_t ids_mu;
	int64_t next_id, end_id;
	struct block_checks *checks; /* the blocks' check() of configs, remembered */
	int units; /* running now */
	bool stopping;
	bool shared;             /* several nodes share the database: a run may be on another */
	struct leases *leases;   /* runs this node executes are claimed (leases.c) */
	struct events *events; /* the live events of runs and steps */
};

/* What a worker does with one unit, prepared under the lock and run without it. */
struct job {
	struct active *a;
	struct plan_unit u;
	const char *type, *id;
	json_t *config, *inputs; /* config evaluated against the scope */
	char *config_error;
	struct run_limits limits;
	json_t *step;            /* the step as it starts, to write */
	int64_t started_at;      /* wall ms: when the block first started */
	int attempt;             /* 1 for the first */
	bool counted;            /* counts against the engine's workers (e->units) */
};

static void forget_valid(struct engine *e)
{
	for (size_t i = 0; i < e->nvalid; i++)
		json_decref(e->valid[i].artifacts);
	e->nvalid = e->valid_next = 0;
}

/* Under reg_mu: the registry and the valid versions are rebuilt when the plugins change. */
static void refresh_registry(struct engine *e)
{
	unsigned gen = sandbox_registry_generation(e->sb);
	if (e->registry && gen == e->registry_generation)
		return;
	json_t *reg = sandbox_registry(e->sb);
	if (!reg)
		reg = json_pack("{s:[], s:[]}", "blocks", "skipped");
	json_t *builtins = builtin_blocks();
	json_array_extend(json_object_get(reg, "blocks"), builtins);
	json_decref(builtins);
	json_decref(e->registry);
	e->registry = reg;
	e->registry_generation = gen;
	forget_valid(e);
}

json_t *engine_registry(struct engine *e)
{
	pthread_mutex_lock(&e->reg_mu);
	refresh_registry(e);
	json_t *reg = json_incref(e->registry);
	pthread_mutex_unlock(&e->reg_mu);
	return reg;
}

/* Under reg_mu, the registry refreshed: a version found valid before, or NULL. */
static struct valid_version *remembered_valid(struct engine *e, int64_t workflow_id, int version)
{
	for (size_t i = 0; workflow_id && version && i < e->nvalid; i++)
		if (e->valid[i].workflow_id == workflow_id && e->valid[i].version == version)
			return &e->valid[i];
	return NULL;
}

bool engine_known_valid(struct engine *e, int64_t workflow_id, int version)
{
	pthread_mutex_lock(&e->reg_mu);
	refresh_registry(e);
	bool valid = remembered_valid(e, workflow_id, version) != NULL;
	pthread_mutex_unlock(&e->reg_mu);
	return valid;
}

/* Under reg_mu: remembers that a version is valid, with its artifacts. */
static void remember_valid(struct engine *e, int64_t workflow_id, int version, json_t *artifacts, bool kept)
{
	/* A ring: the oldest entry makes room. */
	struct valid_version *v = &e->valid[e->valid_next];
	if (e->nvalid == VALID_CACHE)
		json_decref(v->artifacts);
	*v = (struct valid_version){ workflow_id, version, json_incref(artifacts), kept };
	e->valid_next = (e->valid_next + 1) % VALID_CACHE;
	if (e->nvalid < VALID_CACHE)
		e->nvalid++;
}

/* Keeps what the checks of a stored version kept with it. */
static bool keep_artifacts(struct store *st, int64_t workflow_id, int version, const json_t *artifacts)
{
	if (store_block_artifacts_keep(st, workflow_id, version, artifacts) == STORE_OK)
		return true;
	log_warn("workflow %lld version %d: what its blocks' checks made cannot be stored: %s", (long long)workflow_id,
		 version, store_errmsg(st));
	return false;
}

/* engine_problems(), or with remembered_only engine_problems_remembered().
 * For a stored version (workflow_id and version, and st), what the store
 * keeps of its checks answers them, and what they keep is stored; *artifacts
 * (when not NULL) is that, a new reference. */
static json_t *problems_of(struct engine *e, struct store *st, int64_t workflow_id, int version, const json_t *def,
                           int remembered_only, json_t **artifacts)
{
	bool stored_version = st && workflow_id && version && !remembered_only;
	pthread_mutex_lock(&e->reg_mu);
	refresh_registry(e);
	struct valid_version *known = remembered_valid(e, workflow_id, version);
	if (known) {
		json_t *kept = json_incref(known->artifacts);
		bool to_store = stored_version && !known->kept;
		if (to_store)
			known->kept = true;
		pthread_mutex_unlock(&e->reg_mu);
		if (to_store)
			keep_artifacts(st, workflow_id, version, kept);
		if (artifacts)
			*artifacts = kept;
		else
			json_decref(kept);
		return json_array();
	}
	json_t *reg = json_incref(e->registry);
	unsigned gen = e->registry_generation;
	pthread_mutex_unlock(&e->reg_mu);
	json_t *stored = NULL;
	if (stored_version && store_block_artifacts(st, workflow_id, version, &stored) != STORE_OK) {
		log_warn("workflow %lld version %d: what its blocks' checks made cannot be read: %s", (long long)workflow_id,
			 version, store_errmsg(st));
		json_decref(stored);
		stored = NULL;
	}
	json_t *checks, *problems = workflow_validate_checks(def, reg, &checks), *made = json_object();
	size_t unanswered = block_checks_run(e->checks, e->sb, gen, checks, problems, remembered_only, stored, made);
	json_decref(checks);
	json_decref(reg);
	bool valid = !json_array_size(problems) && !unanswered && workflow_id && version;
	bool kept = json_equal(made, stored) || !json_object_size(made);
	if (valid && stored_version && !kept)
		kept = keep_artifacts(st, workflow_id, version, made);
	json_decref(stored);
	if (valid) {
		pthread_mutex_lock(&e->reg_mu);
		if (gen == e->registry_generation)
			remember_valid(e, workflow_id, version, made, kept && stored_version);
		pthread_mutex_unlock(&e->reg_mu);
	}
	if (artifacts)
		*artifacts = made;
	else
		json_decref(made);
	return problems;
}

json_t *engine_problems(struct engine *e, struct store *st, int64_t workflow_id, int version, const json_t *def)
{
	return problems_of(e, st, workflow_id, version, def, 0, NULL);
}

json_t *engine_problems_remembered(struct engine *e, int64_t workflow_id, int version, const json_t *def)
{
	return problems_of(e, NULL, workflow_id, version, def, 1, NULL);
}

static void born_free(struct run_born *b)
{
	if (b)
		json_decref((json_t *)b->run.input);
	free(b);
}

static void active_free(struct active *a)
{
	born_free(a->born);
	free(a->shown);
	free(a->unwritten);
	plan_free(a->plan);
	plan_free(a->staged);
	json_decref(a->ancestors);
	json_decref(a->artifacts);
	free(a->parent_block);
	free(a->trigger);
	free(a);
}

static struct active *find_active(struct engine *e, int64_t id)
{
	for (struct active *a = e->runs; a; a = a->next)
		if (a->id == id)
			return a;
	return NULL;
}

static void unlink_active(struct engine *e, struct active *a)
{
	for (struct active **pp = &e->runs; *pp; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			return;
		}
}

/* The queue, under the lock: a binary heap, so that a flood of deliveries
 * (tens of thousands of runs) costs log n a push and a pop. */
static bool before(const struct queued_run *a, const struct queued_run *b)
{
	return a->rank < b->rank || (a->rank == b->rank && a->seq < b->seq);
}

static void queue_push_priority(struct engine *e, int64_t id, enum run_priority priority)
{
	if (e->qlen == e->qcap) {
		e->qcap = e->qcap ? e->qcap * 2 : 64;
		e->queue = xrealloc(e->queue, e->qcap * sizeof *e->queue);
	}
	struct queued_run q = { mono_ms() + (int64_t)priority * e->o.aging_ms, e->qseq++, id };
	size_t i = e->qlen++;
	while (i && before(&q, &e->queue[(i - 1) / 2])) {
		e->queue[i] = e->queue[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	e->queue[i] = q;
}

static int64_t queue_pop(struct engine *e)
{
	int64_t id = e->queue[0].id;
	struct queued_run last = e->queue[--e->qlen];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= e->qlen)
			break;
		if (c + 1 < e->qlen && before(&e->queue[c + 1], &e->queue[c]))
			c++;
		if (!before(&e->queue[c], &last))
			break;
		e->queue[i] = e->queue[c];
		i = c;
	}
	if (e->qlen)
		e->queue[i] = last;
	return id;
}

static size_t queue_size(const struct engine *e)
{
	return e->qlen;
}

/* ---- Live events ---- */

struct events *engine_events(struct engine *e)
{
	return e->events;
}

/* What a port carried, as a count: the length of an array, else 1. */
static json_t *item_counts(const json_t *outputs)
{
	json_t *counts = json_object(), *v;
	const char *port;
	json_object_foreach((json_t *)outputs, port, v)
		json_object_set_new(counts, port, json_integer(json_is_array(v) ? (json_int_t)json_array_size(v) : 1));
	return counts;
}

/* A step as the live events tell it: its state, times and counts, without
 * its inputs, outputs and logs (those are read from the store). */
static json_t *step_event(const struct plan *p, size_t bi)
{
	const struct plan_block *b = &p->blocks[bi];
	bool ended = b->state == STEP_OK || b->state == STEP_FAILED || b->state == STEP_SKIPPED;
	json_t *ev = json_pack("{s:s, s:s, s:s, s:i, s:I, s:I}", "block", b->id, "type", b->type, "status",
			       step_state_name(b->state), "attempts", b->attempts, "started_at",
			       (json_int_t)b->started_at, "waited_ms", (json_int_t)b->waited_ms);
	if (ended && b->state != STEP_SKIPPED) {
		json_object_set_new(ev, "finished_at", json_integer(b->finished_at));
		json_object_set_new(ev, "duration_ms", json_integer(b->finished_at - b->started_at - b->waited_ms));
	}
	if (b->outcome && b->state != STEP_SKIPPED)
		json_object_set_new(ev, "outcome", json_string(b->outcome));
	if (b->error && b->state != STEP_OK)
		json_object_set_new(ev, "error", json_string(b->error));
	if (b->state == STEP_OK)
		json_object_set_new(ev, "items", item_counts(b->outputs));
	if (b->for_each) {
		json_object_set_new(ev, "elements", json_integer((json_int_t)b->items));
		json_object_set_new(ev, "elements_done", json_integer((json_int_t)b->items_done));
	}
	return ev;
}

/* Under e->mu: a "step" event for each block of a whose state, attempt or
 * for_each progress changed since the last. */
static void publish_steps(struct engine *e, struct active *a)
{
	const struct plan *p = a->plan;
	if (!p)
		return;
	if (!a->shown)
		a->shown = xcalloc(p->nblocks, sizeof *a->shown);
	for (size_t i = 0; i < p->nblocks; i++) {
		const struct plan_block *b = &p->blocks[i];
		struct shown now = { b->state, b->attempts, b->items_done };
		if (!memcmp(&now, &a->shown[i], sizeof now))
			continue;
		a->shown[i] = now;
		events_publish(e->events, a->id, "step", step_event(p, i));
	}
}

/* A log line or progress report of a running step, as the broker reads it. */
struct live_step {
	struct events *events;
	int64_t run;
	const char *block;
	long item;
	int attempt;
};

static void publish_log(void *arg, const json_t *entry)
{
	const struct live_step *s = arg;
	json_t *progress = json_object_get(entry, "progress");
	json_t *ev = json_pack("{s:s, s:i, s:O, s:O?}", "block", s->block, "attempt", s->attempt, "ms",
			       json_object_get(entry, "ms"), "message", json_object_get(entry, "message"));
	if (s->item >= 0)
		json_object_set_new(ev, "item", json_integer(s->item));
	if (progress)
		json_object_set(ev, "fraction", progress);
	if (progress && json_is_true(json_object_get(entry, "stream")))
		json_object_set_new(ev, "stream", json_true());
	else if (!progress)
		json_object_set(ev, "level", json_object_get(entry, "level"));
	events_publish(s->events, s->run, progress ? "progress" : "log", ev);
}

void engine_notify_priority(struct engine *e, int64_t id, enum run_priority priority)
{
	events_publish(e->events, id, "run", json_pack("{s:s}", "status", "queued"));
	pthread_mutex_lock(&e->mu);
	queue_push_priority(e, id, priority);
	pthread_cond_signal(&e->work);
	pthread_mutex_unlock(&e->mu);
}

void engine_notify(struct engine *e, int64_t id)
{
	engine_notify_priority(e, id, PRIORITY_NORMAL);
}

static bool queued(const struct engine *e, int64_t id)
{
	for (size_t i = 0; i < e->qlen; i++)
		if (e->queue[i].id == id)
			return true;
	return false;
}

static void abstime_in(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Under e->mu: the run ended; its waiters return, each with its own copy
 * of the outcome the store now has (NULL: read it there). */
static void wake_waiters(struct engine *e, int64_t id, const json_t *outcome)
{
	for (struct waiter *w = e->waiters; w; w = w->next)
		if (w->id == id) {
			w->done = true;
			w->outcome = outcome ? json_deep_copy(outcome) : NULL;
			pthread_cond_signal(&w->ended);
		}
}

/* Under e->mu: another node holds the run; its waiters wait in the store. */
static void send_elsewhere(struct engine *e, int64_t id)
{
	for (struct waiter *w = e->waiters; w; w = w->next)
		if (w->id == id) {
			w->elsewhere = true;
			pthread_cond_signal(&w->ended);
		}
}

/* Waits for a run another node works on: its status in the store, looked
 * at every POLL_ELSEWHERE_MS through st (NULL: a connection opened for the
 * wait). 0 when it ended, -1 when time ran out. */
#define POLL_ELSEWHERE_MS 100
static int wait_in_store(struct engine *e, struct store *st, int64_t id, const struct timespec *until)
{
	struct store *own = NULL;
	char err[600];
	if (!st && store_open(e->database, &own, err, sizeof err) != STORE_OK) {
		log_error("run %lld: %s", (long long)id, err);
		return 0; /* the caller reads the store, and says what it finds */
	}
	if (!st)
		st = own;
	int rc = -1;
	for (;;) {
		json_t *r = NULL;
		if (store_run_result(st, id, &r) != STORE_OK) {
			rc = 0;
			break;
		}
		const char *status = json_string_value(json_object_get(r, "status"));
		bool ended = status && strcmp(status, "queued") && strcmp(status, "running");
		json_decref(r);
		if (ended) {
			rc = 0;
			break;
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > until->tv_sec || (now.tv_sec == until->tv_sec && now.tv_nsec >= until->tv_nsec))
			break;
		usleep(POLL_ELSEWHERE_MS * 1000);
	}
	store_close(own);
	return rc;
}

int engine_wait(struct engine *e, struct store *st, int64_t id, int64_t timeout_ms)
{
	return engine_wait_outcome(e, st, id, timeout_ms, NULL);
}

int engine_wait_outcome(struct engine *e, struct store *st, int64_t id, int64_t timeout_ms, json_t **outcome)
{
	struct waiter w = { .id = id };
	struct timespec until;
	abstime_in(&until, timeout_ms);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* abstime_in's clock */
	pthread_cond_init(&w.ended, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_lock(&e->mu);
	int rc = 0;
	bool here = queued(e, id) || find_active(e, id);
	if (here) {
		w.next = e->waiters;
		e->waiters = &w;
		while (!w.done && !w.elsewhere && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&w.ended, &e->mu, &until);
		for (struct waiter **pp = &e->waiters; *pp; pp = &(*pp)->next)
			if (*pp == &w) {
				*pp = w.next;
				break;
			}
	}
	pthread_mutex_unlock(&e->mu);
	pthread_cond_destroy(&w.ended);
	/* With several nodes, a run not here may be worked on by another. */
	if (e->shared && (w.elsewhere || !here)) {
		w.done = wait_in_store(e, st, id, &until) == 0;
		rc = w.done ? 0 : ETIMEDOUT;
	}
	if (outcome)
		*outcome = w.outcome;
	else
		json_decref(w.outcome);
	return w.done || rc == 0 ? 0 : -1;
}

json_t *engine_run_unrecorded(struct engine *e, int64_t id)
{
	json_t *out = NULL;
	pthread_mutex_lock(&e->mu);
	struct active *a = find_active(e, id);
	if (a && a->plan && !a->ending) {
		json_t *steps = json_array();
		for (size_t i = 0; i < a->plan->nblocks; i++)
			if (a->unwritten[i])
				json_array_append_new(steps, plan_step_json(a->plan, i));
		out = json_pack("{s:s, s:I, s:o}", "status", "running", "started_at", (json_int_t)a->started_at, "steps",
				steps);
	}
	pthread_mutex_unlock(&e->mu);
	return out;
}

int engine_cancel(struct engine *e, int64_t id)
{
	pthread_mutex_lock(&e->mu);
	struct active *a = find_active(e, id);
	int rc = -1;
	if (a && !a->ending) {
		a->cancelled = true;
		a->stop_blocks = 1;
		pthread_cond_broadcast(&e->work);
		rc = 0;
	}
	pthread_mutex_unlock(&e->mu);
	return rc;
}


/* ---- Loading a run ---- */

/* The summary flow.call emits: {block id: outputs} of the blocks that ran
 * well and feed no other block. */
static json_t *call_result(const json_t *def, const json_t *steps)
{
	json_t *out = json_object(), *step, *edge;
	size_t i, j;
	json_array_foreach(steps, i, step) {
		const char *id = json_string_value(json_object_get(step, "block"));
		if (!id || strcmp(json_string_value(json_object_get(step, "status")) ?: "", "ok"))
			continue;
		bool feeds = false;
		size_t len = strlen(id);
		json_array_foreach(json_object_get(def, "edges"), j, edge) {
			const char *from = json_string_value(json_object_get(edge, "from"));
			feeds |= from && !strncmp(from, id, len) && from[len] == '.';
		}
		if (!feeds)
			json_object_set(out, id, json_object_get(step, "outputs"));
	}
	return out;
}

/* Refuses a run at load: it ends failed with this message and nothing runs. */
static void fail_at_load(struct engine *e, struct store *st, const struct active *a, const char *message)
{
	int64_t id = a->id;
	struct run_end end = { "failed", message, NULL, NULL, NULL, 1, now_ms(), 0, 0, NULL, NULL, a->born };
	if (store_run_finish(st, id, &end) != STORE_OK)
		log_error("run %lld: cannot record its failure: %s", (long long)id, store_errmsg(st));
	events_publish(e->events, id, "end",
		       json_pack("{s:s, s:s, s:I}", "status", "failed", "error", message, "finished_at", (json_int_t)end.at));
	log_warn("run %lld failed before it started: %s", (long long)id, message);
}

static char *problems_text(const json_t *problems)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	json_t *pr;
	sb_adds(&sb, "the workflow is not valid: ");
	json_array_foreach(problems, i, pr) {
		const char *block = json_string_value(json_object_get(pr, "block"));
		sb_printf(&sb, "%s%s%s%s", i ? "; " : "", block ? block : "", block ? ": " : "",
			  json_string_value(json_object_get(pr, "message")));
	}
	return sb_detach(&sb);
}

/* A waiting flow.call step found at load: take the child's result if it has
 * ended, else wait for it (it is loaded too, being unfinished). */
static void restore_call(struct store *st, struct active *a, size_t b)
{
	int64_t child = 0;
	json_t *run = NULL;
	if (store_run_child(st, a->id, a->staged->blocks[b].id, &child) != STORE_OK || !child ||
	    store_run_get(st, child, &run) != STORE_OK)
		return; /* never started: it starts again */
	const char *status = json_string_value(json_object_get(run, "status"));
	a->staged->blocks[b].attempts = 1;
	if (!strcmp(status, "queued") || !strcmp(status, "running")) {
		a->staged->blocks[b].state = STEP_WAITING;
		a->staged->blocks[b].child_run = child;
	} else {
		bool ok = !strcmp(status, "succeeded");
		plan_block_end(a->staged, b, ok,
			       ok ? json_pack("{s:o}", "out", call_result(json_object_get(run, "definition"),
									 json_object_get(run, "steps"))) : NULL,
			       json_string_value(json_object_get(run, "error")), now_ms());
	}
	json_decref(run);
}

/* Builds a->staged, the plan of run a, from its definition, input and the
 * steps it has done (NULL: none). Returns 0, or -1 when the run was refused
 * (it ended failed, recorded). */
static int prepare_run(struct engine *e, struct store *st, struct active *a, int version, const json_t *def,
		       const json_t *input, const json_t *steps)
{
	int rc = -1;
	json_t *registry = engine_registry(e);
	json_t *problems = problems_of(e, st, a->workflow_id, version, def, 0, &a->artifacts);
	char err[300];
	if (json_array_size(problems)) {
		char *msg = problems_text(problems);
		fail_at_load(e, st, a, msg);
		free(msg);
	} else if (!(a->staged = plan_new(def, registry, input, err, sizeof err))) {
		fail_at_load(e, st, a, err);
	} else {
		size_t i;
		json_t *step;
		json_array_foreach(steps, i, step) {
			long b = plan_find(a->staged, json_string_value(json_object_get(step, "block")) ?: "");
			if (b < 0)
				continue;
			plan_restore(a->staged, (size_t)b, step);
			const char *s = json_string_value(json_object_get(step, "status"));
			if (!strcmp(a->staged->blocks[b].type, "flow.call") && (!strcmp(s, "waiting") || !strcmp(s, "running")))
				restore_call(st, a, (size_t)b);
		}
		int64_t t = json_integer_value(json_object_get(json_object_get(def, "settings"), "timeout_ms"));
		a->timeout_ms = t > 0 ? t : e->o.run_timeout_ms;
		/* The workflow is the sandbox's trust domain: its blocks may share
		 * warm workers, never with another workflow's. */
		snprintf(a->domain, sizeof a->domain, "workflow %lld", (long long)a->workflow_id);
		a->token_budget = json_integer_value(json_object_get(json_object_get(def, "settings"), "daily_token_budget"));
		const char *mode = json_string_value(json_object_get(json_object_get(def, "settings"), "sandbox"));
		a->strict = mode && !strcmp(mode, "strict");
		a->priority = workflow_priority(def);
		a->deadline = mono_ms() + a->timeout_ms;
		/* Written with the first step the store is told of (record_run). */
		a->started_at = now_ms();
		a->unwritten = xcalloc(a->staged->nblocks, sizeof *a->unwritten);
		events_publish(e->events, a->id, "run", json_pack("{s:s, s:I}", "status", "running", "started_at",
								  (json_int_t)a->started_at));
		rc = 0;
	}
	json_decref(problems);
	json_decref(registry);
	return rc;
}

/* Builds the plan of run a (in the list with no plan yet) from the store.
 * Returns 0, or -1 when the run must leave the list (ended, refused, or the
 * store failed). */
/* load_run's answer when another node holds the run. */
#define HELD_ELSEWHERE (-2)

static int load_run(struct engine *e, struct store *st, struct active *a)
{
	json_t *run = NULL;
	if (e->leases) {
		int64_t now = now_ms();
		int rc = store_run_claim(st, a->id, now, leases_until(e->leases, now));
		if (rc == STORE_CONFLICT || rc == STORE_NOTFOUND) {
			log_debug("run %lld: %s", (long long)a->id, store_errmsg(st));
			return rc == STORE_CONFLICT ? HELD_ELSEWHERE : -1;
		}
		if (rc != STORE_OK) {
			log_error("run %lld cannot be claimed: %s", (long long)a->id, store_errmsg(st));
			return -1;
		}
	}
	if (store_run_get(st, a->id, &run) != STORE_OK) {
		log_error("run %lld cannot be loaded: %s", (long long)a->id, store_errmsg(st));
		return -1;
	}
	const char *status = json_string_value(json_object_get(run, "status"));
	int rc = -1;
	if (!strcmp(status, "queued") || !strcmp(status, "running")) {
		a->workflow_id = json_integer_value(json_object_get(run, "workflow_id"));
		a->parent_run_id = json_integer_value(json_object_get(run, "parent_run_id"));
		const char *pb = json_string_value(json_object_get(run, "parent_block"));
		a->parent_block = pb ? xstrdup(pb) : NULL;
		a->trigger = xstrdup(json_string_value(json_object_get(run, "trigger")));
		a->depth = (int)json_integer_value(json_object_get(run, "depth"));
		/* Only a called run has ancestors to read. */
		if (!a->parent_run_id || store_run_ancestors(st, a->id, &a->ancestors) != STORE_OK)
			a->ancestors = json_pack("[O]", json_object_get(run, "workflow_id"));
		rc = prepare_run(e, st, a, (int)json_integer_value(json_object_get(run, "version")),
				 json_object_get(run, "definition"), json_object_get(run, "input"),
				 json_object_get(run, "steps"));
	} /* else it ended already (a duplicate notice) */
	json_decref(run);
	return rc;
}

/* Under the lock: run a changed; wake whoever may act on it. The thread
 * driving its own run looks again by itself, so its own changes wake no
 * worker (under load every broadcast woke each idle worker for nothing). */
static void wake_for(struct engine *e, const struct active *a)
{
	if (!a->owned || !pthread_equal(a->owner, pthread_self()))
		pthread_cond_broadcast(&e->work);
}

/* ---- Writing what a run did ---- */

/* A step that ended quickly without asking the broker for anything that
 * leaves the sandbox (no request, no mail, no model) changed nothing outside:
 * running it again gives the same. So its end is kept back and written with
 * the run's next write (the next step that is slow or uses the network, a
 * wait, or the run's end), and a quick run of such steps costs one
 * transaction at its end instead of one per step. A daemon killed meanwhile
 * runs those steps again at the next start, and no step whose effects
 * reached the world. */
static bool keep_back(const struct plan_block *b, bool start_written)
{
	return !start_written && (b->state == STEP_OK || b->state == STEP_FAILED || b->state == STEP_SKIPPED);
}

/* A write of a run refused because another node took it over (fencing). */
static void log_lost(struct store *st)
{
	log_warn("%s while this node had stalled past its lease: this node stops its copy", store_errmsg(st));
}

/* Writes, under the lock held on entry (released meanwhile), what the store
 * has not been told of run a yet (its start, the steps kept back) with
 * step (NULL: none), in one transaction. */
static void record_run(struct engine *e, struct store *st, struct active *a, const json_t *step)
{
	/* The first write of a run not written yet writes it; another waits for that. */
	while (a->birthing)
		pthread_cond_wait(&e->work, &e->mu);
	const struct run_born *born = a->born;
	a->birthing = born != NULL;
	json_t *steps = json_array();
	for (size_t i = 0; i < a->plan->nblocks; i++)
		if (a->unwritten[i]) {
			a->unwritten[i] = false;
			json_array_append_new(steps, plan_step_json(a->plan, i));
		}
	if (step)
		json_array_append(steps, (json_t *)step);
	int64_t started = a->recorded && !born ? 0 : a->started_at;
	a->recorded = true;
	a->writers++;
	pthread_mutex_unlock(&e->mu);
	int rc = store_run_record(st, a->id, started, steps, born);
	if (rc != STORE_OK && rc != STORE_NOT_HELD)
		log_error("run %lld: %s", (long long)a->id, store_errmsg(st));
	json_decref(steps);
	pthread_mutex_lock(&e->mu);
	a->writers--;
	if (born) {
		a->birthing = false;
		if (rc == STORE_OK) {
			born_free(a->born);
			a->born = NULL;
		}
		pthread_cond_broadcast(&e->work);
	}
	if (rc == STORE_NOT_HELD && !a->lost) {
		log_lost(st);
		a->lost = true;
		a->stop_blocks = 1;
		pthread_cond_broadcast(&e->work);
	}
	wake_for(e, a);
}

/* A run another node took over ends here without a write: its waiters
 * wait in the store, where the new holder goes on from its last step. */
static void drop_lost(struct engine *e, struct active *a)
{
	pthread_mutex_lock(&e->mu);
	unlink_active(e, a);
	send_elsewhere(e, a->id);
	pthread_mutex_unlock(&e->mu);
	active_free(a);
}

/* ---- Ending a run ---- */

static json_t *reply_of(const struct active *a)
{
	const char *reply = json_string_value(json_object_get(json_object_get(a->plan->def, "trigger"), "reply"));
	const char *dot = reply ? strchr(reply, '.') : NULL;
	if (!dot)
		return NULL;
	char id[WORKFLOW_MAX_ID + 1];
	snprintf(id, sizeof id, "%.*s", (int)(dot - reply), reply);
	long b = plan_find(a->plan, id);
	if (b < 0 || a->plan->blocks[b].state != STEP_OK)
		return NULL;
	return json_object_get(a->plan->blocks[b].outputs, dot + 1);
}

static void queue_error_workflow(struct engine *e, struct store *st, const struct active *a, const char *error)
{
	const char *target = json_string_value(json_object_get(json_object_get(a->plan->def, "settings"), "error_workflow"));
	int64_t wid = 0, id = 0;
	if (!target || !strcmp(a->trigger, "error"))
		return;
	if (store_workflow_find(st, target, &wid) != STORE_OK) {
		log_warn("run %lld failed, and its error workflow '%s' cannot be found: %s", (long long)a->id, target,
			 store_errmsg(st));
		return;
	}
	json_t *input = json_pack("{s:I, s:I, s:O?, s:s?, s:s?}", "run_id", (json_int_t)a->id, "workflow_id",
				  (json_int_t)a->workflow_id, "workflow_name", json_object_get(a->plan->def, "name"),
				  "block", a->plan->failed_block, "error", error);
	struct run_new n = { .workflow_id = wid, .trigger = "error", .input = input };
	json_t *wf = NULL;
	enum run_priority priority = store_workflow_get(st, wid, 0, &wf) == STORE_OK
		? workflow_priority(json_object_get(wf, "definition")) : PRIORITY_NORMAL;
	json_decref(wf);
	if (store_run_create(st, &n, &id) == STORE_OK)
		engine_notify_priority(e, id, priority);
	else
		log_error("run %lld: cannot queue its error workflow: %s", (long long)a->id, store_errmsg(st));
	json_decref(input);
}

struct on_end_call {
	const struct engine_run *run;
	const json_t *outcome;
};

static int call_on_end(struct store *st, void *arg)
{
	const struct on_end_call *c = arg;
	return c->run->on_end(st, c->outcome, c->run->on_end_arg);
}

/* What end_run did with a run: ended it (and freed it), dropped it (another
 * node took it over: freed), or kept it to write its end again later. */
enum end { ENDED, DROPPED, KEPT };
#define END_RETRY_MS 2000

/* Writes the end of a run (marked ending), then tells its waiters, its
 * caller's step, and the error workflow, and frees it; *outcome (when not
 * NULL) gets what a waiter gets. When the store cannot take the end now (the
 * database is away), the run stays in memory and its end is written again
 * END_RETRY_MS later, so that it is not left running in the store. Called
 * without the lock. */
static enum end end_run(struct engine *e, struct store *st, struct active *a, json_t **outcome_out)
{
	struct plan *p = a->plan;
	if (a->lost) {
		drop_lost(e, a);
		return DROPPED;
	}
	const char *status = a->cancelled ? "cancelled" : p->failed ? "failed" : "succeeded";
	json_t *steps = json_array();
	for (size_t i = 0; i < p->nblocks; i++)
		if (p->blocks[i].state != STEP_PENDING)
			json_array_append_new(steps, plan_step_json(p, i));
	struct run_end end = { status, p->failed ? p->error : NULL, p->failed_block, reply_of(a), steps,
			       p->failed && !a->cancelled && !a->parent_run_id, now_ms(), p->waited_ms, a->started_at,
			       NULL, NULL, a->born };
	/* What a waiting webhook answers with, handed over instead of read back. */
	json_t *outcome = json_pack("{s:s, s:s?, s:O?}", "status", status, "error", p->failed ? p->error : NULL, "reply",
				    end.reply);
	struct on_end_call call = { a->handed, outcome };
	if (a->owned && a->handed->on_end) {
		end.also = call_on_end;
		end.also_arg = &call;
	}
	int rc = store_run_finish(st, a->id, &end);
	if (rc == STORE_NOT_HELD) {
		log_lost(st);
		json_decref(outcome);
		json_decref(steps);
		drop_lost(e, a);
		return DROPPED;
	}
	if (rc < 0 && rc != STORE_CORRUPT && !e->stopping) {
		if (!a->end_tries++)
			log_error("run %lld ended %s but cannot be recorded yet: %s (trying again every %d s)",
				  (long long)a->id, status, store_errmsg(st), END_RETRY_MS / 1000);
		json_decref(outcome);
		json_decref(steps);
		pthread_mutex_lock(&e->mu);
		a->ending = false;
		a->end_retry_at = mono_ms() + END_RETRY_MS;
		pthread_mutex_unlock(&e->mu);
		return KEPT;
	}
	if (rc != STORE_OK)
		log_error("run %lld ended %s but cannot be recorded (it runs again at the next start): %s",
			  (long long)a->id, status, store_errmsg(st));
	else if (a->end_tries)
		log_info("run %lld: its end is recorded, after %d failed tries", (long long)a->id, a->end_tries);
	metrics_run_finished(a->workflow_id, status, (double)(mono_ms() - a->loaded_at) / 1e3);
	/* After the store has it: a reader told of the end finds it there. */
	pthread_mutex_lock(&e->mu);
	publish_steps(e, a);
	pthread_mutex_unlock(&e->mu);
	events_publish(e->events, a->id, "end",
		       json_pack("{s:s, s:s?, s:s?, s:I}", "status", status, "error", p->failed ? p->error : NULL,
				 "failed_block", p->failed_block, "finished_at", (json_int_t)end.at));
	log_info("run %lld %s%s%s", (long long)a->id, status, p->failed ? ": " : "", p->failed ? p->error : "");
	if (p->failed && !a->cancelled)
		queue_error_workflow(e, st, a, p->error);

	json_t *result = p->failed || !a->parent_run_id ? NULL : call_result(p->def, steps);
	json_decref(steps);
	if (rc != STORE_OK) { /* a waiter reads the store */
		json_decref(outcome);
		outcome = NULL;
	}
	pthread_mutex_lock(&e->mu);
	unlink_active(e, a);
	wake_waiters(e, a->id, outcome);
	if (outcome_out)
		*outcome_out = outcome;
	else
		json_decref(outcome);
	struct active *parent = a->parent_run_id ? find_active(e, a->parent_run_id) : NULL;
	long b = parent && parent->plan ? plan_find(parent->plan, a->parent_block) : -1;
	json_t *step = NULL;
	if (b >= 0 && parent->plan->blocks[b].child_run == a->id) {
		char msg[600];
		snprintf(msg, sizeof msg, "the called workflow's run %lld %s: %s", (long long)a->id, status,
			 p->error ? p->error : "cancelled");
		plan_block_end(parent->plan, (size_t)b, !p->failed, p->failed ? NULL : json_pack("{s:O}", "out", result),
			       msg, now_ms());
		step = plan_step_json(parent->plan, (size_t)b);
		publish_steps(e, parent);
		pthread_cond_broadcast(&e->work);
	}
	if (step) {
		record_run(e, st, parent, step);
		json_decref(step);
	}
	pthread_mutex_unlock(&e->mu);
	json_decref(result);
	active_free(a);
	return ENDED;
}

/* Whether run a can end now (cancelled and past its deadline count); then
 * it is marked ending, and the caller ends it without the lock. */
static bool take_if_finished(struct active *a, int64_t now)
{
	if (!a->plan || a->writers || a->ending || (a->end_retry_at && now < a->end_retry_at))
		return false;
	if (a->lost) {
		plan_abort(a->plan, "taken over by another node");
	} else if (a->cancelled) {
		plan_abort(a->plan, "cancelled by a person");
	} else if (now >= a->deadline && !plan_finished(a->plan)) {
		char msg[160];
		snprintf(msg, sizeof msg, "the run took longer than its time limit of %lld ms", (long long)a->timeout_ms);
		plan_abort(a->plan, msg);
	}
	if (!plan_finished(a->plan))
		return false;
	a->ending = true;
	return true;
}

/* A run of the workers' that can end. */
static struct active *take_finished(struct engine *e, int64_t now)
{
	for (struct active *a = e->runs; a; a = a->next)
		if (!a->owned && take_if_finished(a, now))
			return a;
	return NULL;
}

/* ---- Running units ---- */

static void job_free(struct job *j)
{
	json_decref(j->config);
	json_decref(j->inputs);
	json_decref(j->step);
	json_decref((json_t *)j->limits.artifact);
	free(j->config_error);
}

/* Prepares a ready unit of run a as job j; 0 when it has none. */
static int pick_unit(struct engine *e, struct active *a, struct job *j, int64_t now)
{
	struct plan_unit u;
	if (!a->plan || a->ending || a->cancelled || a->lost || now >= a->deadline || !plan_next_unit(a->plan, now, now_ms(), &u))
	return 0;
	*j = (struct job){ .a = a, .u = u };
	struct plan_block *b = &a->plan->blocks[j->u.block];
	j->type = b->type;
	j->id = b->id;
	json_t *scope = plan_unit_scope(a->plan, &j->u);
	char err[600];
	j->config = placeholder_eval_config(b->config, b->field_formats, scope, err, sizeof err);
	if (!j->config)
		j->config_error = xstrdup(err);
	json_decref(scope);
	j->inputs = plan_unit_inputs(a->plan, &j->u);
	j->started_at = b->started_at;
	int64_t left = a->deadline - now;
	j->limits.cancel = &a->stop_blocks;
	j->limits.domain = a->domain;
	j->limits.strict = a->strict;
	j->limits.artifact = json_incref(json_object_get(json_object_get(a->artifacts, b->id), "artifact"));
	j->limits.wall_ms = b->timeout_ms;
	if (!j->limits.wall_ms || j->limits.wall_ms > left)
		j->limits.wall_ms = (uint32_t)(left > 0 ? left : 1);
	/* The step is written as it starts; for_each elements after the first change nothing there. */
	if (j->u.item <= 0)
		j->step = plan_step_json(a->plan, j->u.block);
	j->attempt = plan_unit_attempt(a->plan, &j->u);
	publish_steps(e, a);
	return 1;
}

/* An engine worker picks a unit of any run; the run goes to the end of the
 * list, so runs take turns. A run driven by its own thread is helped only
 * with the units it makes ready beside the one that thread runs. */
static int pick(struct engine *e, struct job *j, int64_t now)
{
	for (struct active **pp = &e->runs; *pp; pp = &(*pp)->next) {
		struct active *a = *pp;
		if ((a->owned && (!a->plan || !a->plan->running)) || !pick_unit(e, a, j, now))
			continue;
		*pp = a->next;
		a->next = NULL;
		struct active **tail = &e->runs;
		while (*tail)
			tail = &(*tail)->next;
		*tail = a;
		j->counted = true;
		e->units++;
		return 1;
	}
	return 0;
}

static double jitter(void)
{
	return 0.5 + (double)arc4random_uniform(1001) / 2000.0;
}

/* A called run of job j's run, as flow.call starts one: the workflow named
 * ref (its name or number) with input as its trigger data, queued at the
 * caller's priority by the caller (flow.call's step waits first). Returns its
 * id, or 0 with the reason in err, which names the caller (what). */
static int64_t start_call(struct engine *e, struct store *st, const struct job *j, const char *what, const char *ref,
			  const json_t *input, char *err, size_t errlen)
{
	int64_t wid = 0, id = 0;
	if (!ref) {
		snprintf(err, errlen, "%s needs \"workflow\": the name or number of the workflow to run", what);
		return 0;
	}
	if (j->a->depth + 1 > e->o.max_depth) {
		snprintf(err, errlen, "%s: calls are nested %d deep, more than the limit of %d", what, j->a->depth + 1,
			 e->o.max_depth);
		return 0;
	}
	if (store_workflow_find(st, ref, &wid) != STORE_OK) {
		snprintf(err, errlen, "%s: %s", what, store_errmsg(st));
		return 0;
	}
	size_t i;
	json_t *anc;
	json_array_foreach(j->a->ancestors, i, anc) if (json_integer_value(anc) == wid) {
		snprintf(err, errlen, "%s: workflow '%s' is already running in this chain of calls "
			 "(a workflow may not call itself, directly or through others)", what, ref);
		return 0;
	}
	struct run_new n = { .workflow_id = wid, .trigger = "call", .input = input,
			     .parent_run_id = j->a->id, .parent_block = j->id, .depth = j->a->depth + 1 };
	if (store_run_create(st, &n, &id) != STORE_OK) {
		snprintf(err, errlen, "%s: %s", what, store_errmsg(st));
		return 0;
	}
	return id;
}

/* ---- The "workflow" service of a block (ai.agent's tools) ---- */

struct block_call {
	struct engine *e;
	struct store *st;
	const struct job *j;
};

/* {"name", "workflow_id", "description", "input_schema"} of the workflow
 * named ref, from its current version's trigger (else its description and
 * any object). */
static json_t *describe_workflow(struct store *st, const char *ref, char *err, size_t errlen)
{
	int64_t wid = 0;
	json_t *wf = NULL;
	if (!ref || store_workflow_find(st, ref, &wid) != STORE_OK || store_workflow_get(st, wid, 0, &wf) != STORE_OK) {
		snprintf(err, errlen, "%s", ref ? store_errmsg(st) : "describing a workflow needs \"workflow\": its name or number");
		return NULL;
	}
	const json_t *trigger = json_object_get(json_object_get(wf, "definition"), "trigger");
	const json_t *description = json_object_get(trigger, "description"), *schema = json_object_get(trigger, "input_schema");
	json_t *r = json_pack("{s:O, s:I, s:O, s:o}", "name", json_object_get(wf, "name"), "workflow_id", (json_int_t)wid,
			      "description", description ? description : json_object_get(wf, "description"),
			      "input_schema", schema ? json_deep_copy(schema) : json_pack("{s:s}", "type", "object"));
	json_decref(wf);
	return r;
}

/* Runs a called run and waits for its end: {"run_id", "status", "outputs":
 * {block id: outputs of its last blocks}} (flow.call's summary), or NULL
 * with the reason in err (the run failed, or did not end in time). */
static json_t *run_workflow(struct block_call *c, const json_t *req, int64_t deadline, char *err, size_t errlen)
{
	const char *ref = json_string_value(json_object_get(req, "workflow"));
	const json_t *input = json_object_get(req, "input");
	int64_t id = start_call(c->e, c->st, c->j, "calling a workflow", ref, input ? input : json_null(), err, errlen);
	if (!id)
		return NULL;
	engine_notify_priority(c->e, id, c->j->a->priority);
	/* A slice at a time, so that a cancel of the caller stops the wait;
	 * the called run then goes on alone, as a flow.call's does. */
	int ended = -1;
	while (ended && mono_ms() < deadline && !*c->j->limits.cancel) {
		int64_t slice = deadline - mono_ms();
		ended = engine_wait(c->e, c->st, id, slice < 500 ? slice : 500);
	}
	json_t *run = NULL;
	if (ended || store_run_get(c->st, id, &run) != STORE_OK) {
		snprintf(err, errlen, "the called workflow's run %lld %s", (long long)id, ended ? "did not end in time" : store_errmsg(c->st));
		return NULL;
	}
	const char *status = json_string_value(json_object_get(run, "status"));
	json_t *r = NULL;
	if (!strcmp(status, "succeeded"))
		r = json_pack("{s:I, s:s, s:o}", "run_id", (json_int_t)id, "status", status, "outputs",
			      call_result(json_object_get(run, "definition"), json_object_get(run, "steps")));
	else
		snprintf(err, errlen, "the called workflow's run %lld %s: %s", (long long)id, status,
			 json_string_value(json_object_get(run, "error")) ?: "cancelled");
	json_decref(run);
	return r;
}

static json_t *call_workflow(void *arg, const json_t *req, int64_t deadline, char *err, size_t errlen)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	if (op && !strcmp(op, "describe"))
		return describe_workflow(((struct block_call *)arg)->st, json_string_value(json_object_get(req, "workflow")),
					 err, errlen);
	if (op && !strcmp(op, "run"))
		return run_workflow(arg, req, deadline, err, errlen);
	snprintf(err, errlen, "a workflow request needs \"op\": \"describe\" or \"run\"");
	return NULL;
}

/* A step's start is written only once it has run for this long: a quick
 * step is written once, when it ends (two transactions fewer per block on a
 * webhook's path). A daemon killed meanwhile runs it again at the next start
 * as before, only without counting the attempt it did not record. */
#define STEP_START_WRITE_MS 50

struct step_start {
	struct engine *e;
	struct store *st;
	const struct job *j;
	bool written;
};

/* Called without the lock (by the sandbox, when the step is slow or waits
 * for the network): the step's start, and what the run kept back before it. */
static void write_step_start(void *arg)
{
	struct step_start *s = arg;
	pthread_mutex_lock(&s->e->mu);
	record_run(s->e, s->st, s->j->a, s->j->step);
	pthread_mutex_unlock(&s->e->mu);
	s->written = true;
}

/* Whether the workflow's daily token budget is spent (the tokens its steps
 * used since midnight UTC, in and out); then err says so. A step that runs
 * may still go over it: the budget stops the next. */
static bool over_budget(struct store *st, const struct active *a, char *err, size_t errlen)
{
	json_t *days = NULL;
	int64_t now = now_ms();
	if (!a->token_budget || store_workflow_token_days(st, a->workflow_id, now - now % 86400000LL, &days) != STORE_OK) {
		json_decref(days);
		return false;
	}
	json_t *today = json_array_get(days, 0);
	json_int_t used = json_integer_value(json_object_get(today, "tokens_in")) + json_integer_value(json_object_get(today, "tokens_out"));
	json_decref(days);
	if (used < a->token_budget)
		return false;
	snprintf(err, errlen, "the workflow's daily token budget of %lld tokens is spent (%lld used today, UTC), so this "
	         "step did not run: raise settings.daily_token_budget or wait for tomorrow", (long long)a->token_budget, (long long)used);
	return true;
}

static void run_job(struct engine *e, struct store *st, struct job *j)
{
	struct step_start start = { e, st, j, false };
	struct live_step live = { e->events, j->a->id, j->id, j->u.item, j->attempt };
	j->limits.on_log = publish_log;
	j->limits.log_arg = &live;
	bool builtin = !strcmp(j->type, "flow.call") || !strcmp(j->type, "flow.wait");
	if (j->step && !j->config_error && builtin) {
		write_step_start(&start);
	} else if (j->step) {
		j->limits.on_slow = write_step_start;
		j->limits.slow_arg = &start;
		j->limits.slow_ms = STEP_START_WRITE_MS;
	}
	struct run_result res = { 0 };
	struct block_call call = { e, st, j };
	int64_t child = 0, wait_ms = 0;
	char err[700] = "";
	if (j->config_error) {
		res.outcome = RUN_ERROR;
		res.message = xstrdup(j->config_error);
	} else if (over_budget(st, j->a, err, sizeof err)) {
		res.outcome = RUN_ERROR;
		res.message = xstrdup(err);
	} else if (!strcmp(j->type, "flow.call")) {
		child = start_call(e, st, j, "flow.call", json_string_value(json_object_get(j->config, "workflow")),
				   json_object_get(j->inputs, "in"), err, sizeof err);
		res.outcome = child ? RUN_OK : RUN_ERROR;
		res.message = child ? NULL : xstrdup(err);
	} else if (!strcmp(j->type, "flow.wait")) {
		wait_ms = j->u.item >= 0 ? (snprintf(err, sizeof err, "flow.wait does not run for each element: "
							 "put it before or after the for_each block"), -1)
			: wait_left_ms(j->config, j->started_at, now_ms(), err, sizeof err);
		res.outcome = wait_ms < 0 ? RUN_ERROR : RUN_OK;
		res.message = wait_ms < 0 ? xstrdup(err) : NULL;
		res.outputs = wait_ms ? NULL : json_pack("{s:O?}", "out", json_object_get(j->inputs, "in"));
	} else {
		j->limits.store = st;
		j->limits.run_id = j->a->id;
		j->limits.call_workflow = call_workflow;
		j->limits.call_arg = &call;
		sandbox_run(e->sb, j->type, j->config, j->inputs, &j->limits, &res);
		metrics_block_execution(j->type, (int)res.outcome, (double)res.elapsed_ms / 1e3);
	}

	pthread_mutex_lock(&e->mu);
	struct plan *p = j->a->plan;
	if (j->counted) {
		e->units--;
		sem_post(&e->slots);
	}
	if (e->stopping) {
		/* Stopped by engine_stop, not by the block: the step stays "running"
		 * in the store and runs again at the next start. */
		pthread_cond_broadcast(&e->work);
		pthread_mutex_unlock(&e->mu);
		run_result_free(&res);
		return;
	}
	if (child) {
		plan_block_wait(p, j->u.block);
		p->blocks[j->u.block].child_run = child;
		/* The called run is queued at its caller's priority: the caller waits for it. */
		queue_push_priority(e, child, j->a->priority);
	} else if (wait_ms > 0) {
		/* The timer: the block is woken as a retry would be, and then
		 * finds nothing left to wait. Waiting is not the run's working
		 * time, so its deadline moves too. */
		struct plan_block *b = &p->blocks[j->u.block];
		plan_block_wait(p, j->u.block);
		b->not_before = mono_ms() + wait_ms;
		b->timer = true;
		b->attempts--;
		j->a->deadline += wait_ms;
		char line[120];
		time_t until = (time_t)((now_ms() + wait_ms) / 1000);
		struct tm tm;
		strftime(line, sizeof line, "waiting until %Y-%m-%dT%H:%M:%SZ", gmtime_r(&until, &tm));
		json_t *log = json_pack("[{s:I, s:s, s:s}]", "ms", (json_int_t)0, "level", "info", "message", line);
		plan_block_log(p, j->u.block, log);
		json_decref(log);
	} else {
		plan_unit_done(p, &j->u, res.outcome == RUN_OK, res.outcome == RUN_OK ? json_incref(res.outputs) : NULL,
			       run_outcome_name(res.outcome), res.message, res.logs, mono_ms(), now_ms(), jitter());
	}
	/* for_each elements write the step when the block has ended, or when the first one waits for a retry. */
	struct plan_block *b = &p->blocks[j->u.block];
	if (j->u.item < 0 || b->state != STEP_RUNNING) {
		if (keep_back(b, start.written)) {
			j->a->unwritten[j->u.block] = true;
		} else {
			json_t *step = plan_step_json(p, j->u.block);
			record_run(e, st, j->a, step);
			json_decref(step);
		}
	}
	publish_steps(e, j->a);
	wake_for(e, j->a);
	pthread_mutex_unlock(&e->mu);
	run_result_free(&res);
}

void engine_load(struct engine *e, struct engine_load *out)
{
	pthread_mutex_lock(&e->mu);
	out->queued = (int64_t)queue_size(e);
	out->active = 0;
	for (const struct active *a = e->runs; a; a = a->next)
		out->active++;
	out->workers_busy = e->units;
	out->workers = e->nthreads;
	pthread_mutex_unlock(&e->mu);
}

/* The earlier of t and the next moment run a has something to do. */
static int64_t run_wakeup(const struct active *a, int64_t t)
{
	if (!a->plan)
		return t;
	if (a->end_retry_at) /* finished: only its end waits to be written again */
		return a->end_retry_at < t ? a->end_retry_at : t;
	int64_t w = plan_next_wakeup(a->plan);
	if (w && w < t)
		t = w;
	return a->deadline < t ? a->deadline : t;
}

static int64_t next_wakeup(struct engine *e)
{
	int64_t t = mono_ms() + IDLE_WAIT_MS;
	for (struct active *a = e->runs; a; a = a->next)
		t = run_wakeup(a, t);
	return t;
}

/* Runs in memory that are not just waiting for runs they called (those
 * must not keep their callees out, or calls would deadlock) or for a
 * flow.wait's time (which must not keep anything out). */
static int busy_runs(const struct engine *e)
{
	int n = 0;
	for (const struct active *a = e->runs; a; a = a->next) {
		if (a->owned)
			continue; /* its own thread runs it, not a worker */
		bool waits = false;
		for (size_t i = 0; a->plan && i < a->plan->nblocks && !waits; i++)
			waits = a->plan->blocks[i].child_run != 0 ||
				(a->plan->blocks[i].timer && a->plan->blocks[i].state == STEP_WAITING);
		n += !waits || a->plan->running;
	}
	return n;
}

/* Under the lock: a slot for a worker about to pick a block, or false
 * (and the next slot given back wakes the workers). */
static bool take_slot(struct engine *e)
{
	if (sem_trywait(&e->slots) == 0)
		return true;
	e->starved = true;
	return false;
}

/* An engine thread starts: its name (as top -H and /proc show it), and its
 * own connection, tried every 5 s until it opens; NULL when the engine
 * stops meanwhile. */
static struct store *thread_start(struct engine *e, const char *name)
{
	pthread_setname_np(pthread_self(), name);
	struct store *st = NULL;
	char err[600];
	while (store_open(e->database, &st, err, sizeof err) != STORE_OK) {
		log_error("engine: %s (trying again in 5 s)", err);
		sleep(5);
		if (e->stopping)
			return NULL;
	}
	return st;
}

static void *worker(void *arg)
{
	struct engine *e = arg;
	struct store *st = thread_start(e, "axon-engine");
	if (!st)
		return NULL;
	pthread_mutex_lock(&e->mu);
	while (!e->stopping) {
		int64_t now = mono_ms();
		struct active *a;
		struct job j;
		/* Work on the runs in memory first; load a queued run only while few
		 * are in memory, so that a flood of deliveries waits in the queue
		 * instead of starving the runs already started. */
		if ((a = take_finished(e, now))) {
			pthread_mutex_unlock(&e->mu);
			end_run(e, st, a, NULL);
			pthread_mutex_lock(&e->mu);
		} else if (take_slot(e) && (pick(e, &j, now) || (sem_post(&e->slots), false))) {
			pthread_mutex_unlock(&e->mu);
			run_job(e, st, &j);
			job_free(&j);
			pthread_mutex_lock(&e->mu);
		} else if (queue_size(e) && busy_runs(e) < ACTIVE_PER_WORKER * e->nthreads) {
			a = xcalloc(1, sizeof *a);
			a->id = queue_pop(e);
			a->loaded_at = now;
			if (find_active(e, a->id)) { /* notified twice */
				free(a);
				continue;
			}
			a->next = e->runs;
			e->runs = a;
			pthread_mutex_unlock(&e->mu);
			int rc = load_run(e, st, a);
			pthread_mutex_lock(&e->mu);
			a->plan = a->staged;
			a->staged = NULL;
			if (rc < 0) {
				unlink_active(e, a);
				if (rc == HELD_ELSEWHERE)
					send_elsewhere(e, a->id);
				else
					wake_waiters(e, a->id, NULL);
				active_free(a);
			}
			pthread_cond_broadcast(&e->work);
		} else {
			struct timespec until;
			int64_t wait = next_wakeup(e) - now;
			abstime_in(&until, wait > 0 ? wait : 1);
			pthread_cond_timedwait(&e->work, &e->mu, &until);
		}
	}
	pthread_mutex_unlock(&e->mu);
	store_close(st);
	return NULL;
}

/* The one thread of a front node (execute_runs = no), which runs no block:
 * it offers each queued run to the nodes that execute runs, and the run's
 * waiters wait in the store. A run whose offer failed is still taken, once
 * its lease would have ended (store_run_take_orphans). */
static void *offerer(void *arg)
{
	struct engine *e = arg;
	struct store *st = thread_start(e, "axon-offer");
	if (!st)
		return NULL;
	pthread_mutex_lock(&e->mu);
	while (!e->stopping) {
		if (!queue_size(e)) {
			pthread_cond_wait(&e->work, &e->mu);
			continue;
		}
		int64_t id = queue_pop(e);
		pthread_mutex_unlock(&e->mu);
		if (store_run_offer(st, id) != STORE_OK)
			log_error("run %lld could not be offered to the nodes that execute runs: %s", (long long)id,
				  store_errmsg(st));
		pthread_mutex_lock(&e->mu);
		send_elsewhere(e, id);
	}
	pthread_mutex_unlock(&e->mu);
	store_close(st);
	return NULL;
}

/* Under the lock: the thread driving its own run gives back the worker's
 * slot it held while it had blocks to run, for another to take. */
static void release_slot(struct engine *e, bool *holding)
{
	if (!*holding)
		return;
	e->units--;
	*holding = false;
	sem_post(&e->slots);
	if (e->starved) {
		e->starved = false;
		pthread_cond_broadcast(&e->work);
	}
}

/* Called with the lock, which it releases while it waits: a slot for the
 * thread driving its own run, waited for until `until` (monotonic) at most. */
static bool wait_slot(struct engine *e, const struct timespec *until)
{
	if (sem_trywait(&e->slots) == 0)
		return true;
	pthread_mutex_unlock(&e->mu);
	int rc;
	while ((rc = sem_clockwait(&e->slots, CLOCK_MONOTONIC, until)) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&e->mu);
	return rc == 0;
}

/* Ids reserved a block at a time: a store write per RUN_ID_BLOCK runs. */
#define RUN_ID_BLOCK 64

int64_t engine_new_run_id(struct engine *e, struct store *st)
{
	if (e->shared || e->o.front_node)
		return 0;
	int64_t id = 0;
	pthread_mutex_lock(&e->ids_mu);
	if (e->next_id == e->end_id) {
		int64_t first;
		if (store_run_ids(st, RUN_ID_BLOCK, &first) == STORE_OK) {
			e->next_id = first;
			e->end_id = first + RUN_ID_BLOCK;
		} else {
			log_error("engine: run ids cannot be reserved: %s", store_errmsg(st));
		}
	}
	if (e->next_id < e->end_id)
		id = e->next_id++;
	pthread_mutex_unlock(&e->ids_mu);
	return id;
}

/* The calling thread counts as one of the engine's workers while its run
 * has blocks to run (one slot for the whole quick run, not one per block:
 * a wait per block would cost a thread switch each), and gives the slot
 * back while the run only waits. */
int engine_run_here(struct engine *e, struct store *st, const struct engine_run *run, int64_t timeout_ms,
		    json_t **outcome)
{
	bool holding = false;
	*outcome = NULL;
	if (e->o.front_node) { /* another node runs it; this thread waits */
		engine_notify(e, run->id);
		return engine_wait_outcome(e, st, run->id, timeout_ms, outcome);
	}
	struct active *a = xcalloc(1, sizeof *a);
	a->id = run->id;
	a->workflow_id = run->workflow_id;
	a->trigger = xstrdup(run->trigger);
	a->ancestors = json_pack("[I]", (json_int_t)run->workflow_id);
	a->loaded_at = mono_ms();
	a->owned = true;
	a->owner = pthread_self();
	a->handed = run;
	if (run->born) {
		a->born = xmalloc(sizeof *a->born);
		*a->born = *run->born;
		json_incref((json_t *)a->born->run.input);
		a->born->run.trigger = a->trigger;
	}
	/* With several nodes, this one holds the run it runs (leases.c). */
	int64_t claimed_at = now_ms();
	if (e->leases && store_run_claim(st, run->id, claimed_at, leases_until(e->leases, claimed_at)) != STORE_OK) {
		log_error("run %lld cannot be claimed: %s", (long long)run->id, store_errmsg(st));
		active_free(a);
		return 0; /* the caller reads the store */
	}
	if (prepare_run(e, st, a, run->version, run->definition, run->input, NULL) < 0) {
		active_free(a);
		return 0; /* refused, and recorded so: the store has why */
	}
	int64_t give_up = mono_ms() + timeout_ms;
	int rc = -1;
	pthread_mutex_lock(&e->mu);
	a->plan = a->staged;
	a->staged = NULL;
	a->next = e->runs;
	e->runs = a;
	while (!e->stopping) {
		int64_t now = mono_ms();
		struct job j;
		if (take_if_finished(a, now)) {
			release_slot(e, &holding);
			pthread_mutex_unlock(&e->mu);
			enum end done = end_run(e, st, a, outcome);
			if (done == KEPT) { /* its end is written again later */
				pthread_mutex_lock(&e->mu);
				continue;
			}
			a = NULL; /* freed */
			/* A run another node took over is waited for where it goes on. */
			int64_t left = give_up - mono_ms();
			rc = done == ENDED ? 0 : engine_wait_outcome(e, st, run->id, left > 0 ? left : 0, outcome);
			pthread_mutex_lock(&e->mu);
			break;
		}
		if (now >= give_up)
			break;
		struct timespec until;
		int64_t wait = run_wakeup(a, give_up) - now;
		abstime_in(&until, wait > 0 ? wait : 1);
		if (plan_may_have_unit(a->plan, now)) {
			if (!holding) {
				/* As many blocks run as there are workers: one must be free.
				 * Waited for without the lock, then everything is looked at again. */
				if (wait_slot(e, &until)) {
					holding = true;
					e->units++;
				}
				continue;
			}
			if (pick_unit(e, a, &j, now)) {
				/* Blocks ready beside this one go to the workers. */
				if (plan_may_have_unit(a->plan, now))
					pthread_cond_broadcast(&e->work);
				pthread_mutex_unlock(&e->mu);
				run_job(e, st, &j);
				job_free(&j);
				pthread_mutex_lock(&e->mu);
				continue;
			}
		}
		release_slot(e, &holding);
		/* Its units run on workers, or it waits for a retry, a called run or a flow.wait. */
		pthread_cond_timedwait(&e->work, &e->mu, &until);
	}
	release_slot(e, &holding);
	if (a && rc < 0) {
		if (a->born) /* the caller's answer names it: the store must have it */
			record_run(e, st, a, NULL);
		a->owned = false; /* the workers go on with it */
		a->handed = NULL;
		pthread_cond_broadcast(&e->work);
	}
	pthread_mutex_unlock(&e->mu);
	return rc;
}

struct engine *engine_start(const struct engine_options *o, struct sandbox *sb, char *err, size_t errlen)
{
	struct engine *e = xcalloc(1, sizeof *e);
	e->o = *o;
	if (e->o.workers <= 0)
		e->o.workers = 4;
	if (e->o.max_depth <= 0)
		e->o.max_depth = 8;
	if (e->o.run_timeout_ms <= 0)
		e->o.run_timeout_ms = DEFAULT_RUN_TIMEOUT_MS;
	if (e->o.aging_ms <= 0)
		e->o.aging_ms = DEFAULT_AGING_MS;
	e->database = xstrdup(o->database);
	e->o.database = e->database;
	e->shared = store_path_is_postgresql(e->database);
	e->sb = sb;
	e->events = events_new();
	pthread_mutex_init(&e->mu, NULL);
	pthread_mutex_init(&e->reg_mu, NULL);
	pthread_mutex_init(&e->ids_mu, NULL);
	e->checks = block_checks_new();
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->work, &ca);
	sem_init(&e->slots, 0, (unsigned)e->o.workers);
	pthread_condattr_destroy(&ca);

	/* Runs that a stop or a crash left unfinished go on first (axond's engine
	 * only: axonctl's runs just the runs it is told about). */
	struct store *st;
	json_t *ids = NULL;
	if (o->resume && !o->front_node && store_open(e->database, &st, err, errlen) == STORE_OK) {
		if (store_run_unfinished(st, &ids) != STORE_OK)
			log_error("engine: the unfinished runs cannot be read: %s", store_errmsg(st));
		store_close(st);
	}
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id) engine_notify(e, json_integer_value(id));
	if (json_array_size(ids))
		log_info("engine: %zu unfinished run(s) go on from their last finished step", json_array_size(ids));
	json_decref(ids);

	/* A front node has one thread, which offers its runs to the others. */
	int nthreads = o->front_node ? 1 : e->o.workers;
	e->threads = xcalloc((size_t)nthreads, sizeof *e->threads);
	for (int t = 0; t < nthreads; t++) {
		int rc = pthread_create(&e->threads[t], NULL, o->front_node ? offerer : worker, e);
		if (rc) {
			snprintf(err, errlen, "cannot start engine worker %d: %s", t + 1, strerror(rc));
			engine_stop(e);
			return NULL;
		}
		e->nthreads++;
	}
	if (e->shared && !o->front_node)
		e->leases = leases_start(e, e->database, o->node_name ? o->node_name : "axond", o->lease_ms, o->resume);
	if (o->front_node)
		log_info("engine: this node executes no run (execute_runs = no): it offers each to the nodes that do");
	return e;
}

void engine_stop(struct engine *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->mu);
	e->stopping = true;
	/* Blocks running now are stopped rather than waited for (a block may
	 * take minutes); their runs go on at the next start. */
	for (struct active *a = e->runs; a; a = a->next)
		a->stop_blocks = 1;
	pthread_cond_broadcast(&e->work);
	pthread_mutex_unlock(&e->mu);
	for (int t = 0; t < e->nthreads; t++)
		pthread_join(e->threads[t], NULL);
	leases_stop(e->leases);
	while (e->runs) {
		struct active *a = e->runs;
		e->runs = a->next;
		active_free(a);
	}
	for (struct waiter *w = e->waiters; w; w = w->next)
		pthread_cond_signal(&w->ended);
	free(e->threads);
	free(e->queue);
	free(e->database);
	pthread_cond_destroy(&e->work);
	sem_destroy(&e->slots);
	pthread_mutex_destroy(&e->mu);
	json_decref(e->registry);
	forget_valid(e);
	block_checks_free(e->checks);
	pthread_mutex_destroy(&e->reg_mu);
	pthread_mutex_destroy(&e->ids_mu);
	events_free(e->events);
	free(e);
}
