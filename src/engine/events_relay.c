#include "engine/events_relay.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock.h"
#include "engine/events.h"
#include "log.h"
#include "store/store.h"
#include "strbuf.h"

#define LISTEN_RETRY_MS 250   /* how soon a listener that lost the database is asked again */
#define STORE_RETRY_MS 5000   /* how soon the sending connection is tried again when it could not open */
#define REPORT_MS 10000       /* dropped events are logged at most this often */

struct outgoing {
	int64_t run;
	char type[12];
	char *data; /* the event's JSON line */
};

struct events_relay {
	struct events *hub;
	char *database, *node;
	char *envelope;          /* {"node":NODE,"events":[ : how each notification starts */
	pthread_t thread;
	int wake;                /* an eventfd: the outbox is no longer empty, or stop */
	pthread_mutex_t mu;      /* guards the outbox, full and stopping */
	struct outgoing box[EVENTS_RELAY_OUTBOX];
	size_t head, count;
	uint64_t full;           /* events dropped since the thread last looked: the outbox was full */
	bool stopping;
	/* The thread's alone: */
	struct store_listener *listener;
	struct store *st;        /* for NOTIFY, opened when first needed */
	int64_t open_at;         /* monotonic ms: when st may be tried again */
	bool open_failed;        /* said in the log, not yet opened since */
	uint64_t dropped, unsent; /* not reported yet: the outbox was full; the database did not take them */
	int64_t reported_at;
};

static void wake(struct events_relay *r)
{
	uint64_t one = 1;
	if (write(r->wake, &one, sizeof one) < 0 && errno != EAGAIN)
		log_warn("live events: waking the relay thread: %s", strerror(errno));
}

/* The hub's hook, on the publisher's thread: into the outbox, never waiting. */
static void relay_event(void *arg, int64_t run, const char *type, char *data)
{
	struct events_relay *r = arg;
	pthread_mutex_lock(&r->mu);
	if (r->count == EVENTS_RELAY_OUTBOX) {
		r->full++;
		pthread_mutex_unlock(&r->mu);
		free(data);
		return;
	}
	struct outgoing *o = &r->box[(r->head + r->count++) % EVENTS_RELAY_OUTBOX];
	o->run = run;
	snprintf(o->type, sizeof o->type, "%s", type);
	o->data = data;
	bool was_empty = r->count == 1; /* else the thread was woken already and takes this too */
	pthread_mutex_unlock(&r->mu);
	if (was_empty)
		wake(r);
}

/* Cuts data's member name (a string) by at least over bytes, on a character's start. */
static void cut_member(json_t *data, const char *name, size_t over)
{
	const char *s = json_string_value(json_object_get(data, name));
	if (!s)
		return;
	size_t len = strlen(s), keep = len > over ? len - over : 0;
	while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
		keep--;
	json_object_set_new(data, name, json_stringn(s, keep));
	json_object_set_new(data, "cut", json_true());
}

/* Event o as {"run", "type", "data"} in at most max bytes, its message (a
 * log line), then its error, cut to fit; NULL when even cut it does not. */
static char *event_of(const struct outgoing *o, size_t max)
{
	static const char *const cuttable[] = { "message", "error", NULL };
	json_t *data = json_loads(o->data, 0, NULL);
	if (!data)
		return NULL;
	json_t *e = json_pack("{s:I, s:s, s:O}", "run", (json_int_t)o->run, "type", o->type, "data", data);
	char *text = e ? json_dumps(e, JSON_COMPACT) : NULL;
	for (const char *const *m = cuttable; text && strlen(text) > max && *m; m++) {
		/* Cutting n bytes of a string shortens its JSON by n at least;
		 * the margin pays for "cut":true. */
		cut_member(data, *m, strlen(text) - max + 16);
		free(text);
		text = json_dumps(e, JSON_COMPACT);
	}
	json_decref(e);
	json_decref(data);
	if (text && strlen(text) > max) {
		free(text);
		text = NULL;
	}
	return text;
}

/* The thread's connection for NOTIFY; NULL while it cannot be opened. */
static struct store *sender(struct events_relay *r)
{
	if (r->st || mono_ms() < r->open_at)
		return r->st;
	char err[512];
	if (store_open(r->database, &r->st, err, sizeof err) == STORE_OK) {
		r->open_failed = false;
		return r->st;
	}
	r->st = NULL;
	if (!r->open_failed)
		log_warn("live events: the relay cannot reach the database, events are not sent to the other nodes "
			 "until it can: %s", err);
	r->open_failed = true;
	r->open_at = mono_ms() + STORE_RETRY_MS;
	return NULL;
}

/* Sends one notification of the events in sb (its count of them); a
 * failure counts them as not sent. */
static void send_packed(struct events_relay *r, struct strbuf *sb, uint64_t *count)
{
	if (!*count)
		return;
	sb_adds(sb, "]}");
	struct store *st = sender(r);
	if (!st || store_notify(st, EVENTS_RELAY_CHANNEL, sb_str(sb)) != STORE_OK)
		r->unsent += *count;
	*count = 0;
}

/* Sends n events in as few notifications as they fit in. */
static void send_batch(struct events_relay *r, const struct outgoing *batch, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t room = EVENTS_RELAY_PAYLOAD_MAX - strlen(r->envelope) - 2; /* "]}" */
	uint64_t count = 0;
	for (size_t i = 0; i < n; i++) {
		char *ev = event_of(&batch[i], room);
		if (!ev) {
			r->unsent++;
			continue;
		}
		if (count && sb.len + 1 + strlen(ev) + 2 > EVENTS_RELAY_PAYLOAD_MAX)
			send_packed(r, &sb, &count);
		if (!count) {
			sb_reset(&sb);
			sb_adds(&sb, r->envelope);
		} else {
			sb_adds(&sb, ",");
		}
		sb_adds(&sb, ev);
		count++;
		free(ev);
	}
	send_packed(r, &sb, &count);
	sb_free(&sb);
}

/* Sends what the outbox holds; false when stopping. */
static bool send_outbox(struct events_relay *r, struct outgoing *batch)
{
	pthread_mutex_lock(&r->mu);
	bool stopping = r->stopping;
	size_t n = r->count;
	for (size_t i = 0; i < n; i++)
		batch[i] = r->box[(r->head + i) % EVENTS_RELAY_OUTBOX];
	r->head = (r->head + n) % EVENTS_RELAY_OUTBOX;
	r->count = 0;
	r->dropped += r->full;
	r->full = 0;
	pthread_mutex_unlock(&r->mu);
	if (!stopping)
		send_batch(r, batch, n);
	for (size_t i = 0; i < n; i++)
		free(batch[i].data);
	return !stopping;
}

/* Logs the events not sent, at most every REPORT_MS; the ms until the
 * next report is due, or -1 when none is. */
static int report(struct events_relay *r)
{
	if (!r->dropped && !r->unsent)
		return -1;
	int64_t due = r->reported_at + REPORT_MS - mono_ms();
	if (r->reported_at && due > 0)
		return (int)due;
	log_warn("live events: %" PRIu64 " event(s) not sent to the other nodes (%" PRIu64 " dropped: the outbox of "
		 "%d was full; %" PRIu64 " the database did not take): their readers there see them at the next "
		 "page load", r->dropped + r->unsent, r->dropped, EVENTS_RELAY_OUTBOX, r->unsent);
	r->dropped = r->unsent = 0;
	r->reported_at = mono_ms();
	return -1;
}

/* The events another node published, into the local hub. */
static void republish(struct events_relay *r, const char *payload)
{
	json_t *p = json_loads(payload, 0, NULL);
	const char *node = json_string_value(json_object_get(p, "node"));
	json_t *events = json_object_get(p, "events"), *e;
	size_t i;
	if (!node || !json_is_array(events))
		log_debug("live events: a notification that is not one of ours was left out");
	else if (strcmp(node, r->node))
		json_array_foreach(events, i, e) {
			const char *type = json_string_value(json_object_get(e, "type"));
			json_t *run = json_object_get(e, "run"), *data = json_object_get(e, "data");
			if (type && strlen(type) < sizeof ((struct event *)0)->type && json_is_integer(run) &&
			    json_is_object(data))
				events_publish_remote(r->hub, json_integer_value(run), type, json_incref(data));
		}
	json_decref(p);
}

static void receive(struct events_relay *r)
{
	char *payload;
	while (store_listener_next(r->listener, &payload) > 0) {
		republish(r, payload);
		free(payload);
	}
}

static void *relay_thread(void *arg)
{
	pthread_setname_np(pthread_self(), "axon-relay"); /* as top -H and /proc show it */
	struct events_relay *r = arg;
	struct outgoing *batch = xcalloc(EVENTS_RELAY_OUTBOX, sizeof *batch);
	while (send_outbox(r, batch)) {
		receive(r);
		int fd = store_listener_fd(r->listener), wait = report(r);
		if (fd < 0 && (wait < 0 || wait > LISTEN_RETRY_MS))
			wait = LISTEN_RETRY_MS;
		struct pollfd pfd[2] = { { r->wake, POLLIN, 0 }, { fd, POLLIN, 0 } };
		if (poll(pfd, 2, wait) < 0 && errno != EINTR) {
			log_error("live events: poll: %s", strerror(errno));
			sleep(1);
		}
		uint64_t n;
		if (pfd[0].revents && read(r->wake, &n, sizeof n) < 0 && errno != EAGAIN)
			log_warn("live events: reading the relay's eventfd: %s", strerror(errno));
	}
	free(batch);
	store_close(r->st);
	return NULL;
}

struct events_relay *events_relay_start(struct events *hub, const char *database, const char *node_name, char *err,
					size_t errlen)
{
	struct store_listener *l = store_listen(database, EVENTS_RELAY_CHANNEL, err, errlen);
	if (!l)
		return NULL;
	struct events_relay *r = xcalloc(1, sizeof *r);
	r->hub = hub;
	r->database = xstrdup(database);
	r->node = xstrdup(node_name);
	json_t *name = json_string(node_name);
	char *quoted = name ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
	json_decref(name);
	struct strbuf envelope = STRBUF_INIT;
	sb_printf(&envelope, "{\"node\":%s,\"events\":[", quoted ? quoted : "\"?\"");
	free(quoted);
	r->envelope = sb_detach(&envelope);
	r->listener = l;
	pthread_mutex_init(&r->mu, NULL);
	r->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int rc = r->wake < 0 ? errno : pthread_create(&r->thread, NULL, relay_thread, r);
	if (rc) {
		snprintf(err, errlen, "cannot start the relay of live events: %s", strerror(rc));
		if (r->wake >= 0)
			close(r->wake);
		pthread_mutex_destroy(&r->mu);
		store_listener_close(l);
		free(r->database);
		free(r->node);
		free(r->envelope);
		free(r);
		return NULL;
	}
	events_set_relay(hub, relay_event, r);
	log_info("live events: relayed between the nodes sharing the database (LISTEN/NOTIFY on %s), this one "
		 "as %s", EVENTS_RELAY_CHANNEL, node_name);
	return r;
}

void events_relay_stop(struct events_relay *r)
{
	if (!r)
		return;
	events_set_relay(r->hub, NULL, NULL); /* no publisher is in relay_event any more */
	pthread_mutex_lock(&r->mu);
	r->stopping = true;
	pthread_mutex_unlock(&r->mu);
	wake(r);
	pthread_join(r->thread, NULL);
	for (size_t i = 0; i < r->count; i++)
		free(r->box[(r->head + i) % EVENTS_RELAY_OUTBOX].data);
	close(r->wake);
	pthread_mutex_destroy(&r->mu);
	store_listener_close(r->listener);
	free(r->database);
	free(r->node);
	free(r->envelope);
	free(r);
}
