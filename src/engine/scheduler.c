#include "engine/scheduler.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "engine/cron.h"
#include "engine/engine.h"
#include "engine/poll.h"
#include "log.h"
#include "store/store.h"
#include "strbuf.h"

/* Schedules are read again this often, so that a saved change counts soon. */
#define POLL_MS 2000
#define PRUNE_EVERY_MS (10 * 60 * 1000)

struct scheduler {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	bool stopping;
	struct scheduler_options o;
	char *database;
	struct engine *engine;
};

/* A schedule as read from the store, its cron parsed once; or a poll trigger. */
struct schedule {
	int64_t workflow_id;
	struct cron *cron;
	json_t *poll;      /* a poll trigger's object, or NULL */
	int64_t last_fire; /* -1: never (a new schedule) */
};

/* The schedules, read again only when something was committed since. */
struct schedules {
	struct schedule *list;
	size_t n;
	struct store_stamp stamp;
	bool read;
};

static void schedules_clear(struct schedules *ss)
{
	for (size_t i = 0; i < ss->n; i++) {
		cron_free(ss->list[i].cron);
		json_decref(ss->list[i].poll);
	}
	free(ss->list);
	ss->list = NULL;
	ss->n = 0;
	ss->read = false;
}

static void schedules_refresh(struct schedules *ss, struct store *st)
{
	struct store_stamp now;
	json_t *rows = NULL;
	if (store_stamp(st, &now) != STORE_OK || (ss->read && store_stamp_equal(&now, &ss->stamp)))
		return;
	if (store_schedule_list(st, &rows) != STORE_OK) {
		log_error("scheduler: the schedules cannot be read: %s", store_errmsg(st));
		return;
	}
	schedules_clear(ss);
	ss->list = xcalloc(json_array_size(rows) + 1, sizeof *ss->list);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const json_t *trigger = json_object_get(row, "trigger"), *last = json_object_get(row, "last_fire");
		if (!strcmp(json_string_value(json_object_get(trigger, "type")) ?: "", "poll")) {
			ss->list[ss->n++] = (struct schedule){ json_integer_value(json_object_get(row, "workflow_id")), NULL,
							       json_incref((json_t *)trigger),
							       json_is_integer(last) ? json_integer_value(last) : -1 };
			continue;
		}
		const char *expr = json_string_value(json_object_get(row, "cron"));
		char err[256];
		struct cron *c = expr ? cron_parse(expr, json_string_value(json_object_get(row, "timezone")), err, sizeof err)
			: NULL;
		if (!c) /* saving shows a bad schedule as a problem; it never fires */
			continue;
		ss->list[ss->n++] = (struct schedule){ json_integer_value(json_object_get(row, "workflow_id")), c, NULL,
						       json_is_integer(last) ? json_integer_value(last) : -1 };
	}
	json_decref(rows);
	ss->stamp = now;
	ss->read = true;
}

/* A poll trigger's round when every_s has passed since the last one (the
 * first round only learns what is there); the round is recorded as fired
 * even when it failed, with why (shown on the workflow's page), so that a
 * failing source is asked again at the next period, not at every turn of
 * the loop. */
static void poll_one(struct scheduler *s, struct store *st, struct schedule *sc, int64_t now)
{
	json_int_t every = json_integer_value(json_object_get(sc->poll, "every_s"));
	if (sc->last_fire >= 0 && now - sc->last_fire < (every > 0 ? every : POLL_EVERY_DEFAULT_S))
		return;
	/* With several nodes, one takes the round: the others find last_fire moved. */
	if (sc->last_fire >= 0 && store_is_postgresql(st) && store_schedule_claim(st, sc->workflow_id, sc->last_fire, now) != STORE_OK) {
		sc->last_fire = now;
		return;
	}
	char err[1024];
	int rc = poll_round(s->o.sandbox, s->engine, st, sc->workflow_id, sc->poll, sc->last_fire < 0, now, err, sizeof err);
	if (store_schedule_fired(st, sc->workflow_id, now, rc < 0 ? err : NULL) == STORE_OK)
		sc->last_fire = now;
	else
		log_error("scheduler: workflow %lld: %s", (long long)sc->workflow_id, store_errmsg(st));
}

/* Fires what is due for one schedule at now (unix seconds). */
static void tick_one(struct scheduler *s, struct store *st, struct schedule *sc, int64_t now)
{
	if (sc->poll) {
		poll_one(s, st, sc, now);
		return;
	}
	if (sc->last_fire < 0) {
		/* A new schedule starts counting now: nothing before it is "missed". */
		if (store_schedule_fired(st, sc->workflow_id, now, NULL) == STORE_OK)
			sc->last_fire = now;
		else
			log_error("scheduler: workflow %lld: %s", (long long)sc->workflow_id, store_errmsg(st));
		return;
	}
	int64_t next, tick = cron_due(sc->cron, sc->last_fire, now, &next);
	if (tick < 0)
		return;
	json_t *input = json_pack("{s:I}", "scheduled_at", (json_int_t)tick);
	char key[40];
	snprintf(key, sizeof key, "schedule:%lld", (long long)tick);
	struct run_new n = { .workflow_id = sc->workflow_id, .trigger = "schedule", .input = input, .dedup_key = key };
	int64_t id = 0;
	int rc = store_run_create(st, &n, &id);
	json_decref(input);
	if (rc == STORE_OK) {
		json_t *wf = NULL;
		enum run_priority priority = store_workflow_get(st, sc->workflow_id, 0, &wf) == STORE_OK
			? workflow_priority(json_object_get(wf, "definition")) : PRIORITY_NORMAL;
		json_decref(wf);
		engine_notify_priority(s->engine, id, priority);
	}
	if ((rc == STORE_OK || rc == STORE_CONFLICT) && store_schedule_fired(st, sc->workflow_id, tick, NULL) == STORE_OK) {
		sc->last_fire = tick;
		log_info("scheduler: workflow %lld fired for %lld (run %lld)", (long long)sc->workflow_id, (long long)tick,
			 (long long)id);
	} else {
		log_error("scheduler: workflow %lld: %s", (long long)sc->workflow_id, store_errmsg(st));
	}
}

static void prune(struct scheduler *s, struct store *st)
{
	int64_t deleted = 0;
	if (!s->o.keep_runs_for_ms && !s->o.keep_runs)
		return;
	if (store_run_prune(st, now_ms(), s->o.keep_runs_for_ms, s->o.keep_runs, &deleted) != STORE_OK)
		log_error("retention: %s", store_errmsg(st));
	else if (deleted)
		log_info("retention: %lld old run(s) deleted", (long long)deleted);
}

static void *loop(void *arg)
{
	pthread_setname_np(pthread_self(), "axon-schedule"); /* as top -H and /proc show it */
	struct scheduler *s = arg;
	struct store *st = NULL;
	struct schedules ss = { 0 };
	int64_t last_prune = 0;
	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		pthread_mutex_unlock(&s->mu);
		char err[600];
		if (!st && store_open(s->database, &st, err, sizeof err) != STORE_OK)
			st = NULL;
		if (st) {
			schedules_refresh(&ss, st);
			int64_t now = now_ms() / 1000;
			for (size_t i = 0; i < ss.n; i++)
				tick_one(s, st, &ss.list[i], now);
		}
		if (st && mono_ms() - last_prune > PRUNE_EVERY_MS) {
			prune(s, st);
			last_prune = mono_ms();
		}
		pthread_mutex_lock(&s->mu);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += POLL_MS / 1000;
		if (!s->stopping)
			pthread_cond_timedwait(&s->wake, &s->mu, &until);
	}
	pthread_mutex_unlock(&s->mu);
	schedules_clear(&ss);
	store_close(st);
	return NULL;
}

struct scheduler *scheduler_start(const struct scheduler_options *o, struct engine *e, char *err, size_t errlen)
{
	struct scheduler *s = xcalloc(1, sizeof *s);
	s->o = *o;
	s->database = xstrdup(o->database);
	s->engine = e;
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	int rc = pthread_create(&s->thread, NULL, loop, s);
	if (rc) {
		snprintf(err, errlen, "cannot start the scheduler thread: %s", strerror(rc));
		free(s->database);
		free(s);
		return NULL;
	}
	return s;
}

void scheduler_stop(struct scheduler *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->mu);
	free(s->database);
	free(s);
}
