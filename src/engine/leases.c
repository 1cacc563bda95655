#include "engine/leases.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock.h"
#include "engine/engine.h"
#include "log.h"
#include "store/store.h"
#include "strbuf.h"

#define TAKE_AT_ONCE 64      /* runs claimed per look */
#define OFFERS_RETRY_MS 1000 /* how soon a lost listener is tried again */

struct leases {
	pthread_t thread;
	int wake;            /* an eventfd: leases_stop */
	atomic_bool stopping;
	struct store_listener *offers; /* STORE_RUNS_CHANNEL, or NULL */
	struct engine *engine;
	char *database, *node;
	int64_t lease_ms;
	bool take_over;
};

static void leases_free(struct leases *l)
{
	if (l->wake >= 0)
		close(l->wake);
	store_listener_close(l->offers);
	free(l->database);
	free(l->node);
	free(l);
}

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

/* Offers made since the last look (store_run_offer): true when there were
 * any. Reading them also connects the listener, and again after a loss. */
static bool offered(struct leases *l)
{
	char *payload;
	bool any = false;
	while (l->offers && store_listener_next(l->offers, &payload) > 0) {
		free(payload);
		any = true;
	}
	return any;
}

static void *loop(void *arg)
{
	pthread_setname_np(pthread_self(), "axon-leases"); /* as top -H and /proc show it */
	struct leases *l = arg;
	struct store *st = NULL;
	/* A third of a lease: two renewals may fail before another node may take over. */
	int64_t every = l->lease_ms / 3, next_look = 0;
	while (!l->stopping) {
		if (offered(l) || mono_ms() >= next_look) {
			char err[600];
			if (!st && store_open(l->database, &st, err, sizeof err) != STORE_OK)
				log_warn("leases: %s", err);
			if (st)
				look(l, st);
			next_look = mono_ms() + every;
		}
		/* Until the next look, or an offer, or leases_stop. */
		int64_t wait = next_look - mono_ms();
		struct pollfd p[2] = { { l->wake, POLLIN, 0 }, { l->offers ? store_listener_fd(l->offers) : -1, POLLIN, 0 } };
		if (p[1].fd < 0 && l->offers && wait > OFFERS_RETRY_MS)
			wait = OFFERS_RETRY_MS; /* the listener is away: try it again soon */
		if (poll(p, 2, wait > 0 ? (int)wait : 0) < 0 && errno != EINTR)
			log_warn("leases: poll: %s", strerror(errno));
	}
	store_close(st);
	return NULL;
}

struct leases *leases_start(struct engine *e, const char *database, const char *node, int64_t lease_ms,
			    bool take_over)
{
	struct leases *l = xcalloc(1, sizeof *l);
	char err[300];
	l->engine = e;
	l->database = xstrdup(database);
	l->node = xstrdup(node);
	l->lease_ms = lease_ms > 0 ? lease_ms : LEASE_DEFAULT_MS;
	l->take_over = take_over;
	l->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* A node that takes runs over hears of the runs front nodes offer. */
	if (take_over && !(l->offers = store_listen(database, STORE_RUNS_CHANNEL, err, sizeof err)))
		log_warn("leases: %s: offered runs are taken every %lld ms only", err, (long long)l->lease_ms / 3);
	if (l->wake < 0 || pthread_create(&l->thread, NULL, loop, l)) {
		log_error("leases: cannot start the thread that renews this node's runs");
		leases_free(l);
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
	l->stopping = true;
	uint64_t one = 1;
	if (write(l->wake, &one, sizeof one) < 0)
		log_warn("leases: waking the thread: %s", strerror(errno));
	pthread_join(l->thread, NULL);
	leases_free(l);
}
