/* The live events of runs: the executor publishes each change of a run and
 * of its steps here as it happens (a run queued, running, ended; a step
 * running, ok, failed, skipped; a log line or a progress report as the block
 * writes it), and the web's Server-Sent Event streams read them.
 *
 * Each run has a ring of its last EVENTS_PER_RUN events. Event ids increase
 * over all runs in the order of publishing, so that a reader which went away
 * can take up after the last id it saw. A reader that fell further behind than the
 * ring is told so (lost) and must reload the run from the store instead.
 * The log lines of a step still running are kept past the ring (up to
 * EVENTS_EARLY_BYTES a run) until the step ends, when the store has them,
 * with the newest state of each block that left it: a reader that comes
 * late still reads a running step's log from line 1.
 * One mutex, held only to copy an event in or out: a publisher never waits
 * for a reader, and no engine lock is ever held by one. */
#ifndef AXON_ENGINE_EVENTS_H
#define AXON_ENGINE_EVENTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define EVENTS_PER_RUN 256
/* The bytes of log lines of running steps a run keeps beyond its ring. */
#define EVENTS_EARLY_BYTES (1u << 20)
/* A log line or progress message is cut to this many bytes in an event (the
 * whole line is in the store once the step ends). */
#define EVENT_MESSAGE_MAX 1024
/* Runs that ended keep their ring for late readers; the oldest goes first. */
#define EVENTS_ENDED_RUNS_KEPT 64
/* Runs with a ring at most; past it the run whose last event is oldest goes. */
#define EVENTS_RUNS_MAX 4096

struct events;

struct event {
	uint64_t id;   /* increasing over all runs, from 1 */
	char type[12]; /* "run", "step", "log", "progress", "end" */
	char *data;    /* one line of JSON */
	/* The hub's own: an event is held as its value and written out as data
	 * only when a reader or the relay needs the line (most never do). */
	json_t *value;
};

struct events *events_new(void);
void events_free(struct events *h);

/* Publishes an event of run (data: a JSON object, taken; a "message" member
 * longer than EVENT_MESSAGE_MAX is cut). The type "end" marks the run's last
 * event. Thread-safe; never blocks on a reader. */
void events_publish(struct events *h, int64_t run, const char *type, json_t *data);

/* The same for an event another node published (engine/events_relay.c):
 * held and read as a local one, never handed to the relay again. */
void events_publish_remote(struct events *h, int64_t run, const char *type, json_t *data);

/* Hands each event events_publish publishes on (to the other nodes): fn gets
 * run, type and the event's JSON line (taken: fn frees it), after the hub's
 * mutex was released, on the publisher's thread, so it must not block.
 * fn NULL stops; once events_set_relay returns, the old fn runs no more. */
typedef void (*events_relay_fn)(void *arg, int64_t run, const char *type, char *data);
void events_set_relay(struct events *h, events_relay_fn fn, void *arg);

/* Copies up to max events of run with an id above after into out (free
 * each with event_clear). *lost is set when events above after have left
 * the ring: the reader missed some and must start again from the store.
 * after 0 reads from the oldest event still held, never lost (the early
 * log lines of running steps first, then the ring).
 * *ended is set when the run's "end" event is the last one copied or was
 * before after. Returns how many were copied. */
size_t events_read(struct events *h, int64_t run, uint64_t after, struct event *out, size_t max, bool *lost,
		   bool *ended);
void event_clear(struct event *ev);

/* The id of run's last event, 0 when it has none: a page drawn from the
 * store now reflects every event up to it, and its live stream starts after. */
uint64_t events_last_id(struct events *h, int64_t run);

/* This hub's start (wall ms): ids restart at 1 with each daemon, so a
 * reader's last id must also name the hub it came from. */
int64_t events_epoch(const struct events *h);

/* An eventfd that becomes readable each time something is published (read
 * it to reset it) while a reader listens: a reader polling many streams
 * waits on it. */
int events_fd(const struct events *h);
/* Whether a reader waits on events_fd() now. Set before the reader reads
 * the runs' events, so that nothing published after that goes unsignalled;
 * with none, a publisher spares the write. */
void events_listen(struct events *h, bool on);

#endif
