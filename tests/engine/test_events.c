/* The live events hub: reading after an id, a ring that overflows telling
 * its reader so, a running step's log lines kept past the ring until it ends, the end of a run, messages kept bounded, old runs let go,
 * the eventfd, publishers that never wait for a reader, and the relay's hook
 * (local events handed on, other nodes' not). */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/events.h"
#include "strbuf.h"
#include "../testlib.h"

/* n events of type ("log", "progress") of block b, numbered from 0. */
static void publish_n(struct events *h, int64_t run, const char *type, int n)
{
	for (int i = 0; i < n; i++)
		events_publish(h, run, type, json_pack("{s:s, s:i}", "block", "b", "n", i));
}

static void clear_all(struct event *evs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		event_clear(&evs[i]);
}

static void test_read_after(void)
{
	struct events *h = events_new();
	struct event evs[8];
	bool lost, ended;
	CHECK(events_read(h, 1, 0, evs, 8, &lost, &ended) == 0);
	CHECK(!lost && !ended);
	CHECK(events_last_id(h, 1) == 0);

	events_publish(h, 1, "run", json_pack("{s:s}", "status", "running"));
	events_publish(h, 2, "run", json_pack("{s:s}", "status", "running")); /* another run */
	events_publish(h, 1, "step", json_pack("{s:s, s:s}", "block", "a", "status", "ok"));
	size_t n = events_read(h, 1, 0, evs, 8, &lost, &ended);
	CHECK(n == 2 && !lost && !ended);
	CHECK_STR(evs[0].type, "run");
	CHECK_STR(evs[0].data, "{\"status\":\"running\"}");
	CHECK_STR(evs[1].type, "step");
	CHECK(evs[0].id < evs[1].id);
	CHECK(events_last_id(h, 1) == evs[1].id);
	/* A reader that saw the first takes up after it. */
	uint64_t first = evs[0].id, second = evs[1].id;
	clear_all(evs, n);
	n = events_read(h, 1, first, evs, 8, &lost, &ended);
	CHECK(n == 1 && evs[0].id == second && !lost);
	clear_all(evs, n);
	/* At most max at a time. */
	publish_n(h, 1, "progress", 5);
	n = events_read(h, 1, 0, evs, 3, &lost, &ended);
	CHECK(n == 3 && !ended);
	uint64_t upto = evs[2].id;
	clear_all(evs, n);
	n = events_read(h, 1, upto, evs, 8, &lost, &ended);
	CHECK(n == 4);
	clear_all(evs, n);

	/* The end is the last event: ended is told with it and after it. */
	events_publish(h, 1, "end", json_pack("{s:s}", "status", "succeeded"));
	events_publish(h, 1, "log", json_pack("{s:s}", "message", "too late"));
	n = events_read(h, 1, upto, evs, 8, &lost, &ended);
	CHECK(n == 5 && ended);
	CHECK_STR(evs[4].type, "end");
	uint64_t end_id = evs[4].id;
	clear_all(evs, n);
	n = events_read(h, 1, end_id, evs, 8, &lost, &ended);
	CHECK(n == 0 && ended && !lost);
	n = events_read(h, 1, upto, evs, 2, &lost, &ended);
	CHECK(n == 2 && !ended); /* more follow */
	clear_all(evs, n);
	events_free(h);
}

static void test_overflow_is_lost(void)
{
	struct events *h = events_new();
	struct event evs[EVENTS_PER_RUN];
	bool lost, ended;
	publish_n(h, 7, "progress", 10);
	size_t n = events_read(h, 7, 0, evs, 1, &lost, &ended);
	uint64_t seen = evs[0].id;
	clear_all(evs, n);
	publish_n(h, 7, "log", EVENTS_PER_RUN);
	events_publish(h, 7, "step", json_pack("{s:s, s:s}", "block", "b", "status", "ok"));
	/* The ring kept the newest EVENTS_PER_RUN, and the step's log lines that
	 * left it went when it ended: the reader after the first missed some. */
	n = events_read(h, 7, seen, evs, EVENTS_PER_RUN, &lost, &ended);
	CHECK(n == 0 && lost);
	/* A reader that saw nothing gets what the ring holds. */
	n = events_read(h, 7, 0, evs, EVENTS_PER_RUN, &lost, &ended);
	CHECK(n == EVENTS_PER_RUN && !lost);
	clear_all(evs, n);
	/* From the newest it read, nothing is missing. */
	uint64_t last = events_last_id(h, 7);
	n = events_read(h, 7, last - 3, evs, EVENTS_PER_RUN, &lost, &ended);
	CHECK(n == 3 && !lost);
	clear_all(evs, n);
	/* A reader with an id from before a run had a ring here. */
	events_publish(h, 8, "run", json_pack("{}"));
	n = events_read(h, 8, seen, evs, 4, &lost, &ended);
	CHECK(n == 0 && lost);
	/* And one whose run has no ring any more (or never had one here). */
	n = events_read(h, 9, seen, evs, 4, &lost, &ended);
	CHECK(n == 0 && lost);
	events_free(h);
}

static void test_message_bounded(void)
{
	struct events *h = events_new();
	char *long_msg = malloc(EVENT_MESSAGE_MAX * 2 + 1);
	memset(long_msg, 'x', EVENT_MESSAGE_MAX * 2);
	long_msg[EVENT_MESSAGE_MAX * 2] = '\0';
	/* A two-byte character across the bound is not cut in half. */
	memcpy(long_msg + EVENT_MESSAGE_MAX - 1, "\xc3\xa9", 2);
	events_publish(h, 3, "progress", json_pack("{s:f, s:s}", "fraction", 0.5, "message", long_msg));
	struct event ev;
	bool lost, ended;
	CHECK(events_read(h, 3, 0, &ev, 1, &lost, &ended) == 1);
	json_t *d = json_loads(ev.data, 0, NULL);
	CHECK(d != NULL);
	const char *m = json_string_value(json_object_get(d, "message"));
	CHECK(m && strlen(m) == EVENT_MESSAGE_MAX - 1);
	CHECK(json_is_true(json_object_get(d, "cut")));
	CHECK(json_real_value(json_object_get(d, "fraction")) == 0.5);
	json_decref(d);
	event_clear(&ev);
	free(long_msg);
	events_free(h);
}

static void test_ended_runs_let_go(void)
{
	struct events *h = events_new();
	for (int64_t run = 1; run <= EVENTS_ENDED_RUNS_KEPT + 1; run++)
		events_publish(h, run, "end", json_pack("{s:s}", "status", "succeeded"));
	struct event ev;
	bool lost, ended;
	/* The oldest ended run let its ring go; the others keep theirs. */
	CHECK(events_last_id(h, 1) == 0);
	CHECK(events_read(h, 1, 0, &ev, 1, &lost, &ended) == 0 && !ended);
	CHECK(events_read(h, 2, 0, &ev, 1, &lost, &ended) == 1 && ended);
	event_clear(&ev);
	events_free(h);
}

static void test_fd_wakes(void)
{
	struct events *h = events_new();
	struct pollfd p = { .fd = events_fd(h), .events = POLLIN };
	CHECK(poll(&p, 1, 0) == 0);
	publish_n(h, 1, "progress", 2); /* nobody listens: no write */
	CHECK(poll(&p, 1, 0) == 0);
	events_listen(h, true);
	publish_n(h, 1, "progress", 3);
	CHECK(poll(&p, 1, 0) == 1);
	uint64_t count;
	CHECK(read(p.fd, &count, sizeof count) == sizeof count && count == 3);
	CHECK(poll(&p, 1, 0) == 0);
	events_free(h);
}

/* Publishers on several threads while a reader reads: every id once, in order. */
#define PUBLISHERS 4
#define EACH 2000
static struct events *shared;

static void *publisher(void *arg)
{
	(void)arg;
	publish_n(shared, 42, "progress", EACH);
	return NULL;
}

static void test_threads(void)
{
	shared = events_new();
	pthread_t t[PUBLISHERS];
	for (int i = 0; i < PUBLISHERS; i++)
		pthread_create(&t[i], NULL, publisher, NULL);
	uint64_t after = 0;
	size_t seen = 0, losses = 0;
	bool ordered = true;
	struct event evs[64];
	for (int rounds = 0; rounds < 100000 && seen < PUBLISHERS * EACH; rounds++) {
		bool lost, ended;
		size_t n = events_read(shared, 42, after, evs, 64, &lost, &ended);
		if (lost) { /* a slow reader: it starts again from the newest */
			losses++;
			after = events_last_id(shared, 42);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			ordered = ordered && evs[i].id > after;
			after = evs[i].id;
		}
		seen += n;
		clear_all(evs, n);
	}
	for (int i = 0; i < PUBLISHERS; i++)
		pthread_join(t[i], NULL);
	CHECK(ordered);
	CHECK(events_last_id(shared, 42) == PUBLISHERS * EACH);
	printf("read %zu of %d events, lost the thread %zu times\n", seen, PUBLISHERS * EACH, losses);
	events_free(shared);
}

/* A step that logged more than the ring holds: a reader that comes while it
 * runs reads its log from the first line; once it ended (the store has them)
 * its early lines go, and a reader that had seen only those must reload. */
static void test_early_logs(void)
{
	struct events *h = events_new();
	struct event *evs = xcalloc(2 * EVENTS_PER_RUN, sizeof *evs);
	bool lost, ended;
	events_publish(h, 3, "step", json_pack("{s:s, s:s}", "block", "b", "status", "running"));
	publish_n(h, 3, "log", EVENTS_PER_RUN + 50);
	size_t n = events_read(h, 3, 0, evs, 2 * EVENTS_PER_RUN, &lost, &ended);
	CHECK(n == EVENTS_PER_RUN + 51 && !lost && !ended); /* the step's state, then every line */
	CHECK_STR(evs[0].type, "step");
	CHECK_STR(evs[1].type, "log");
	CHECK_STR(evs[1].data, "{\"block\":\"b\",\"n\":0}");
	CHECK_STR(evs[n - 1].data, "{\"block\":\"b\",\"n\":305}");
	for (size_t i = 1; i < n; i++)
		CHECK(evs[i].id > evs[i - 1].id);
	uint64_t line10 = evs[11].id;
	clear_all(evs, n);
	/* Taking up after an early line: the rest, in order. */
	n = events_read(h, 3, line10, evs, 2 * EVENTS_PER_RUN, &lost, &ended);
	CHECK(n == EVENTS_PER_RUN + 50 - 11 && !lost);
	CHECK_STR(evs[0].data, "{\"block\":\"b\",\"n\":11}");
	clear_all(evs, n);
	/* A few at a time: the early lines, then the ring's. */
	n = events_read(h, 3, 0, evs, 40, &lost, &ended);
	CHECK(n == 40 && !ended);
	CHECK_STR(evs[39].data, "{\"block\":\"b\",\"n\":38}");
	uint64_t fortieth = evs[39].id;
	clear_all(evs, n);
	n = events_read(h, 3, fortieth, evs, 2 * EVENTS_PER_RUN, &lost, &ended);
	CHECK(n == EVENTS_PER_RUN + 51 - 40 && !lost);
	clear_all(evs, n);
	/* States that leave the ring: only the newest of a block is kept, and a
	 * reader going through the early events is not told it lost the others. */
	for (int i = 0; i < 3 * EVENTS_PER_RUN; i++)
		events_publish(h, 5, "progress", json_pack("{s:s, s:i}", "block", i % 2 ? "a" : "b", "n", i));
	n = events_read(h, 5, 0, evs, 2, &lost, &ended);
	CHECK(n == 2 && !lost);
	CHECK_STR(evs[0].data, "{\"block\":\"b\",\"n\":510}");
	CHECK_STR(evs[1].data, "{\"block\":\"a\",\"n\":511}");
	uint64_t second = evs[1].id;
	clear_all(evs, n);
	n = events_read(h, 5, second, evs, 2 * EVENTS_PER_RUN, &lost, &ended);
	CHECK(n == EVENTS_PER_RUN && !lost);
	clear_all(evs, n);
	/* Another block's step ending keeps b's lines. */
	events_publish(h, 3, "step", json_pack("{s:s, s:s}", "block", "c", "status", "ok"));
	n = events_read(h, 3, 0, evs, 2, &lost, &ended);
	CHECK(n == 2);
	CHECK_STR(evs[1].data, "{\"block\":\"b\",\"n\":0}");
	clear_all(evs, n);
	/* b ends: its early lines go; a reader after one of them missed some. */
	events_publish(h, 3, "step", json_pack("{s:s, s:s}", "block", "b", "status", "ok"));
	n = events_read(h, 3, 0, evs, 2 * EVENTS_PER_RUN, &lost, &ended);
	CHECK(n == EVENTS_PER_RUN && !lost);
	clear_all(evs, n);
	n = events_read(h, 3, line10, evs, 4, &lost, &ended);
	CHECK(n == 0 && lost);
	/* The early lines are bounded: a step that floods keeps EVENTS_EARLY_BYTES of them. */
	events_publish(h, 4, "step", json_pack("{s:s, s:s}", "block", "b", "status", "running"));
	char line[1000];
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	for (int i = 0; i < 2000 + EVENTS_PER_RUN; i++)
		events_publish(h, 4, "log", json_pack("{s:s, s:s}", "block", "b", "message", line));
	enum { ALL = 4096 };
	struct event *all = xcalloc(ALL, sizeof *all);
	n = events_read(h, 4, 0, all, ALL, &lost, &ended);
	CHECK(n > EVENTS_PER_RUN + 500 && n < EVENTS_PER_RUN + 1100 && !lost);
	/* ... and one that read only some early lines missed those let go after them. */
	uint64_t some = all[5].id;
	clear_all(all, n);
	free(all);
	n = events_read(h, 4, some, evs, 4, &lost, &ended);
	CHECK(n == 0 && lost);
	free(evs);
	events_free(h);
}

/* The relay's hook: what it was handed, in order. */
struct relayed {
	char seen[256];
	int calls;
};

static void relay_hook(void *arg, int64_t run, const char *type, char *data)
{
	struct relayed *r = arg;
	size_t len = strlen(r->seen);
	snprintf(r->seen + len, sizeof r->seen - len, "%lld %s %s;", (long long)run, type, data);
	r->calls++;
	free(data);
}

static void test_relay_hook(void)
{
	struct events *h = events_new();
	struct relayed r = { "", 0 };
	events_publish(h, 1, "run", json_pack("{s:s}", "status", "queued")); /* before the hook: not handed */
	events_set_relay(h, relay_hook, &r);
	events_publish(h, 1, "log", json_pack("{s:s, s:s}", "block", "b", "message", "hi"));
	/* Another node's event is held as a local one, and not handed back. */
	events_publish_remote(h, 2, "log", json_pack("{s:s, s:s}", "block", "c", "message", "from afar"));
	events_publish(h, 1, "end", json_pack("{s:s}", "status", "succeeded"));
	events_publish(h, 1, "log", json_pack("{s:s}", "block", "b")); /* after the end: neither held nor handed */
	CHECK(!strcmp(r.seen, "1 log {\"block\":\"b\",\"message\":\"hi\"};1 end {\"status\":\"succeeded\"};"));
	struct event evs[4];
	bool lost, ended;
	size_t n = events_read(h, 2, 0, evs, 4, &lost, &ended);
	CHECK(n == 1 && !strcmp(evs[0].type, "log") && strstr(evs[0].data, "from afar") && evs[0].id == 3);
	clear_all(evs, n);
	events_set_relay(h, NULL, NULL);
	events_publish(h, 3, "run", json_pack("{s:s}", "status", "queued"));
	CHECK(r.calls == 2);
	events_free(h);
}

int main(void)
{
	test_relay_hook();
	test_read_after();
	test_overflow_is_lost();
	test_early_logs();
	test_message_bounded();
	test_ended_runs_let_go();
	test_fd_wakes();
	test_threads();
	return t_done("test_events");
}
