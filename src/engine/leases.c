#include "engine/leases.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "engine/engine.h"
#include "log.h"
#include "store/store.h"
#include "strbuf.h"

#define TAKE_AT_ONCE 64 /* runs claimed per look */

struct leases {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	bool stopping;
	struct engine *engine;
	char *database, *node;
	int64_t lease_ms;
	bool take_over;
};

int64_t leases_until(const struct leases *l, int64_t now)
{
	return now + l->lease_ms;
}

/* Renews this node's leases, then claims the runs nobody works on and
 * queues them here (their finished steps are in the store: they go on
 * from there, as after a restart). */
static void look(struct leases *l, struct store *st)
{
	int64_t now = now_ms(), renewed = 0;
	if (store_run_renew(st, leases_until(l, now), &renewed) != STORE_OK)
		log_warn("leases: renewing this node's runs failed: %s", store_errmsg(st));
	json_t *ids = NULL;
	if (!l->take_over)
		return;
	if (store_run_take_orphans(st, now, now - l->lease_ms, leases_until(l, now), TAKE_AT_ONCE, &ids) != STORE_OK) {
		log_warn("leases: looking for runs nobody works on failed: %s", store_errmsg(st));
		return;
	}
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id) {
		log_info("leases: run %lld had no node working on it: node %s takes it over", (long long)json_integer_value(id),
			 l->node);
		engine_notify(l->engine, json_integer_value(id));
	}
	json_decref(ids);
}

static void *loop(void *arg)
{
	pthread_setname_np(pthread_self(), "axon-leases"); /* as top -H and /proc show it */
	struct leases *l = arg;
	struct store *st = NULL;
	/* A third of a lease: two renewals may fail before another node may take over. */
	int64_t every = l->lease_ms / 3;
	pthread_mutex_lock(&l->mu);
	while (!l->stopping) {
		pthread_mutex_unlock(&l->mu);
		char err[600];
		if (!st && store_open(l->database, &st, err, sizeof err) != STORE_OK)
			log_warn("leases: %s", err);
		if (st)
			look(l, st);
		pthread_mutex_lock(&l->mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += every / 1000;
		until.tv_nsec += (every % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L)
			until.tv_sec++, until.tv_nsec -= 1000000000L;
		if (!l->stopping)
			pthread_cond_timedwait(&l->wake, &l->mu, &until);
	}
	pthread_mutex_unlock(&l->mu);
	store_close(st);
	return NULL;
}

struct leases *leases_start(struct engine *e, const char *database, const char *node, int64_t lease_ms,
			    bool take_over)
{
	struct leases *l = xcalloc(1, sizeof *l);
	l->engine = e;
	l->database = xstrdup(database);
	l->node = xstrdup(node);
	l->lease_ms = lease_ms > 0 ? lease_ms : LEASE_DEFAULT_MS;
	l->take_over = take_over;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->wake, NULL);
	if (pthread_create(&l->thread, NULL, loop, l)) {
		log_error("leases: cannot start the thread that renews this node's runs");
		pthread_cond_destroy(&l->wake);
		pthread_mutex_destroy(&l->mu);
		free(l->database);
		free(l->node);
		free(l);
		return NULL;
	}
	log_info("leases: node %s shares the database with others; runs are held for %lld ms and renewed", node,
		 (long long)l->lease_ms);
	return l;
}

void leases_stop(struct leases *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	l->stopping = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->mu);
	pthread_join(l->thread, NULL);
	pthread_cond_destroy(&l->wake);
	pthread_mutex_destroy(&l->mu);
	free(l->database);
	free(l->node);
	free(l);
}
