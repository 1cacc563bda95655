#include "engine/events.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock.h"
#include "strbuf.h"

#define BUCKETS 1024
#define RING_START 16 /* a ring grows to EVENTS_PER_RUN as its run goes on */

/* An event that left the full ring but is still needed: a log line of a
 * step still running, or the newest state ("step", "progress", "run") of
 * its block (NULL: the run's) that left the ring. */
struct early {
	struct event ev;
	char *block;
};

/* The events of one run, oldest first. Ids are the hub's publish counter,
 * so they increase over all runs and never repeat within one daemon. The
 * log lines of a step still running that the full ring let go are kept
 * apart (early, older than the ring's), up to EVENTS_EARLY_BYTES: the store
 * has them only once the step ends, and a page opened late needs them.
 * With them, the newest state of each block that left the ring: an older
 * state is only replaced by a newer one, so a reader going through the
 * early events misses nothing it needs (nor is told it did). */
struct feed {
	int64_t run;
	struct event *ring;
	size_t cap, start, count;
	struct early *early;
	size_t nearly, capearly, early_bytes;
	uint64_t born;    /* the counter when it was made: its run's events before are gone */
	uint64_t dropped; /* the id of the newest event let go (not in ring nor early), or 0 */
	bool ended;
	struct feed *next; /* in its bucket */
};

struct events {
	pthread_mutex_t mu;
	struct feed *buckets[BUCKETS];
	size_t nfeeds;
	uint64_t published; /* the last id given */
	/* The runs that ended, oldest first: past EVENTS_ENDED_RUNS_KEPT, the oldest ring goes. */
	int64_t ended[EVENTS_ENDED_RUNS_KEPT];
	size_t ended_next, nended;
	int fd;
	int64_t epoch;
	/* The relay (events_set_relay): a publisher holds the lock for reading
	 * while it may call fn, so that changing fn waits for those calls. */
	pthread_rwlock_t relay_lock;
	events_relay_fn relay;
	void *relay_arg;
	atomic_bool listening; /* events_listen */
};

struct events *events_new(void)
{
	struct events *h = xcalloc(1, sizeof *h);
	pthread_mutex_init(&h->mu, NULL);
	/* Writers first: under a flood of events, stopping the relay must not wait for a lull. */
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&h->relay_lock, &ra);
	pthread_rwlockattr_destroy(&ra);
	h->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->fd < 0)
		abort(); /* only when out of fds at start: nothing else would work either */
	h->epoch = now_ms();
	return h;
}

void event_clear(struct event *ev)
{
	free(ev->data);
	ev->data = NULL;
	json_decref(ev->value);
	ev->value = NULL;
}

/* The event's line, written out from its value the first time it is asked
 * for (under the hub's mutex, or before the event is held). */
static const char *event_line(struct event *ev)
{
	if (!ev->data && ev->value) {
		ev->data = json_dumps(ev->value, JSON_COMPACT);
		json_decref(ev->value);
		ev->value = NULL;
	}
	return ev->data ? ev->data : "{}";
}

static bool same_block(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* Lets go of the early events that match: a log line lost to a reader
 * that had not read it (it must reload from the store), a state replaced. */
static void let_go_early(struct feed *f, bool (*match)(const struct early *, const void *), const void *arg)
{
	size_t kept = 0;
	for (size_t i = 0; i < f->nearly; i++) {
		struct early *e = &f->early[i];
		if (!match(e, arg)) {
			f->early[kept++] = *e;
			continue;
		}
		if (!strcmp(e->ev.type, "log")) {
			if (e->ev.id > f->dropped)
				f->dropped = e->ev.id;
			f->early_bytes -= strlen(e->ev.data);
		}
		event_clear(&e->ev);
		free(e->block);
	}
	f->nearly = kept;
}

static bool any(const struct early *e, const void *arg)
{
	(void)e, (void)arg;
	return true;
}

/* Everything of the block (its step ended: the store has its log, the ring its last state). */
static bool of_block(const struct early *e, const void *block)
{
	return same_block(e->block, block);
}

/* A state of the same type and block as the event arg, which replaces it. */
static bool replaced_by(const struct early *e, const void *arg)
{
	const struct early *newer = arg;
	return strcmp(e->ev.type, "log") && !strcmp(e->ev.type, newer->ev.type) && same_block(e->block, newer->block);
}

static void feed_free(struct feed *f)
{
	for (size_t i = 0; i < f->count; i++)
		event_clear(&f->ring[(f->start + i) % f->cap]);
	let_go_early(f, any, NULL);
	free(f->early);
	free(f->ring);
	free(f);
}

void events_free(struct events *h)
{
	if (!h)
		return;
	for (size_t b = 0; b < BUCKETS; b++)
		while (h->buckets[b]) {
			struct feed *f = h->buckets[b];
			h->buckets[b] = f->next;
			feed_free(f);
		}
	close(h->fd);
	pthread_mutex_destroy(&h->mu);
	pthread_rwlock_destroy(&h->relay_lock);
	free(h);
}

int events_fd(const struct events *h)
{
	return h->fd;
}

int64_t events_epoch(const struct events *h)
{
	return h->epoch;
}

static struct feed **slot_of(struct events *h, int64_t run)
{
	struct feed **pp = &h->buckets[(uint64_t)run % BUCKETS];
	while (*pp && (*pp)->run != run)
		pp = &(*pp)->next;
	return pp;
}

static void forget(struct events *h, int64_t run)
{
	struct feed **pp = slot_of(h, run), *f = *pp;
	if (!f)
		return;
	*pp = f->next;
	feed_free(f);
	h->nfeeds--;
}

static const struct event *newest(const struct feed *f)
{
	return &f->ring[(f->start + f->count - 1) % f->cap];
}

/* Past EVENTS_RUNS_MAX (many runs that never ended here, or a flood): the
 * run that has been quiet longest loses its ring. Rare, so a scan. */
static void forget_quietest(struct events *h)
{
	struct feed *oldest = NULL;
	for (size_t b = 0; b < BUCKETS; b++)
		for (struct feed *f = h->buckets[b]; f; f = f->next)
			if (!oldest || newest(f)->id < newest(oldest)->id)
				oldest = f;
	if (oldest)
		forget(h, oldest->run);
}

static struct feed *feed_for(struct events *h, int64_t run)
{
	struct feed **pp = slot_of(h, run);
	if (*pp)
		return *pp;
	if (h->nfeeds >= EVENTS_RUNS_MAX) {
		forget_quietest(h);
		pp = slot_of(h, run);
	}
	struct feed *f = xcalloc(1, sizeof *f);
	f->run = run;
	f->born = h->published;
	*pp = f;
	h->nfeeds++;
	return f;
}

/* Keeps ev, leaving the ring, with the early ones: a log line while there
 * is room, a state in place of the one it replaces. False: let it go. */
static bool keep_early(struct feed *f, struct event *ev)
{
	bool log = !strcmp(ev->type, "log");
	/* Its block, from its value while it has one (before a log line is
	 * written out to be counted in bytes). */
	json_t *parsed = ev->value ? NULL : json_loads(ev->data, 0, NULL);
	const char *block = json_string_value(json_object_get(ev->value ? ev->value : parsed, "block"));
	char *owned = block ? xstrdup(block) : NULL;
	json_decref(parsed);
	size_t len = log ? strlen(event_line(ev)) : 0;
	if (log && f->early_bytes + len > EVENTS_EARLY_BYTES) {
		free(owned);
		return false;
	}
	struct early e = { *ev, owned };
	if (log && !owned) {
		free(e.block);
		return false;
	}
	if (log)
		f->early_bytes += len;
	else
		let_go_early(f, replaced_by, &e);
	if (f->nearly == f->capearly) {
		f->capearly = f->capearly ? f->capearly * 2 : RING_START;
		f->early = xrealloc(f->early, f->capearly * sizeof *f->early);
	}
	f->early[f->nearly++] = e;
	return true;
}

static void ring_push(struct feed *f, struct event ev)
{
	if (f->count == f->cap && f->cap < EVENTS_PER_RUN) {
		size_t cap = f->cap ? f->cap * 2 : RING_START;
		struct event *ring = xcalloc(cap, sizeof *ring);
		for (size_t i = 0; i < f->count; i++)
			ring[i] = f->ring[(f->start + i) % f->cap];
		free(f->ring);
		f->ring = ring;
		f->cap = cap;
		f->start = 0;
	}
	if (f->count == f->cap) { /* full: the oldest event makes room */
		if (!keep_early(f, &f->ring[f->start])) {
			f->dropped = f->ring[f->start].id;
			event_clear(&f->ring[f->start]);
		}
		f->start = (f->start + 1) % f->cap;
		f->count--;
	}
	f->ring[(f->start + f->count) % f->cap] = ev;
	f->count++;
}

/* Cuts data's "message" to EVENT_MESSAGE_MAX bytes, on a character's start. */
static void bound_message(json_t *data)
{
	const char *m = json_string_value(json_object_get(data, "message"));
	size_t len = m ? strlen(m) : 0;
	if (len <= EVENT_MESSAGE_MAX)
		return;
	size_t cut = EVENT_MESSAGE_MAX;
	while (cut > 0 && ((unsigned char)m[cut] & 0xC0) == 0x80)
		cut--;
	json_object_set_new(data, "message", json_stringn(m, cut));
	json_object_set_new(data, "cut", json_true());
}

void events_listen(struct events *h, bool on)
{
	atomic_store(&h->listening, on);
}

static void wake_readers(struct events *h)
{
	uint64_t one = 1;
	/* Fails only when the counter is full, and then the reader is woken anyway. */
	if (atomic_load(&h->listening) && write(h->fd, &one, sizeof one) < 0 && errno != EAGAIN)
		return;
}

/* The block of a "step" event saying that its step ended, or NULL. */
static char *step_ended(const char *type, const json_t *data)
{
	const char *status = json_string_value(json_object_get(data, "status"));
	const char *block = json_string_value(json_object_get(data, "block"));
	if (strcmp(type, "step") || !status || !block ||
	    (strcmp(status, "ok") && strcmp(status, "failed") && strcmp(status, "skipped")))
		return NULL;
	return xstrdup(block);
}

void events_set_relay(struct events *h, events_relay_fn fn, void *arg)
{
	pthread_rwlock_wrlock(&h->relay_lock);
	h->relay = fn;
	h->relay_arg = arg;
	pthread_rwlock_unlock(&h->relay_lock);
}

/* Puts the event in its run's ring; false when the run had ended (nothing
 * follows its end). Takes ev. */
static bool hold(struct events *h, int64_t run, struct event ev, char *ended_block)
{
	bool end = !strcmp(ev.type, "end");
	pthread_mutex_lock(&h->mu);
	struct feed *f = feed_for(h, run);
	if (f->ended) { /* nothing follows a run's end */
		pthread_mutex_unlock(&h->mu);
		event_clear(&ev);
		free(ended_block);
		return false;
	}
	ev.id = ++h->published;
	ring_push(f, ev);
	if (ended_block)
		let_go_early(f, of_block, ended_block);
	free(ended_block);
	if (end) {
		let_go_early(f, any, NULL);
		f->ended = true;
		if (h->nended == EVENTS_ENDED_RUNS_KEPT)
			forget(h, h->ended[h->ended_next]);
		else
			h->nended++;
		h->ended[h->ended_next] = run;
		h->ended_next = (h->ended_next + 1) % EVENTS_ENDED_RUNS_KEPT;
	}
	pthread_mutex_unlock(&h->mu);
	return true;
}

static void publish(struct events *h, int64_t run, const char *type, json_t *data, bool to_relay)
{
	bound_message(data);
	struct event ev = { 0 };
	snprintf(ev.type, sizeof ev.type, "%s", type);
	ev.value = data;
	char *ended_block = step_ended(type, data);

	if (!to_relay) {
		if (hold(h, run, ev, ended_block))
			wake_readers(h);
		return;
	}
	pthread_rwlock_rdlock(&h->relay_lock);
	/* A copy: once in the ring, the line is the hub's and may go at any time. */
	char *line = h->relay ? xstrdup(event_line(&ev)) : NULL;
	if (hold(h, run, ev, ended_block)) {
		wake_readers(h);
		if (line)
			h->relay(h->relay_arg, run, type, line);
	} else {
		free(line);
	}
	pthread_rwlock_unlock(&h->relay_lock);
}

void events_publish(struct events *h, int64_t run, const char *type, json_t *data)
{
	publish(h, run, type, data, true);
}

void events_publish_remote(struct events *h, int64_t run, const char *type, json_t *data)
{
	publish(h, run, type, data, false);
}

size_t events_read(struct events *h, int64_t run, uint64_t after, struct event *out, size_t max, bool *lost,
		   bool *ended)
{
	size_t n = 0, i = 0;
	*lost = *ended = false;
	pthread_mutex_lock(&h->mu);
	struct feed *f = *slot_of(h, run);
	if (!f || (after && (after < f->dropped || after < f->born))) {
		/* The reader saw an event of this run, and some that followed it
		 * are no longer here. A reader that saw none (after 0) takes what
		 * the ring still holds. */
		*lost = after > 0;
		pthread_mutex_unlock(&h->mu);
		return 0;
	}
	/* The early log lines first: they are older than the ring's events. */
	size_t k = 0;
	while (k < f->nearly && f->early[k].ev.id <= after)
		k++;
	for (; k < f->nearly && n < max; k++, n++) {
		out[n] = f->early[k].ev;
		out[n].data = xstrdup(event_line(&f->early[k].ev));
		out[n].value = NULL;
	}
	while (i < f->count && f->ring[(f->start + i) % f->cap].id <= after)
		i++;
	for (; i < f->count && n < max; i++, n++) {
		struct event *held = &f->ring[(f->start + i) % f->cap];
		out[n] = *held;
		out[n].data = xstrdup(event_line(held));
		out[n].value = NULL;
	}
	*ended = f->ended && k == f->nearly && i == f->count;
	pthread_mutex_unlock(&h->mu);
	return n;
}

uint64_t events_last_id(struct events *h, int64_t run)
{
	pthread_mutex_lock(&h->mu);
	struct feed *f = *slot_of(h, run);
	uint64_t id = f ? newest(f)->id : 0;
	pthread_mutex_unlock(&h->mu);
	return id;
}
