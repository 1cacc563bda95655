/* The live events between the axond sharing one PostgreSQL database: a
 * browser's stream may be on one node while another runs the run.
 *
 * Each event this node's hub publishes is copied into a bounded outbox
 * (full: dropped and counted, so that a publisher never waits on the
 * database), and the relay thread sends what it holds with NOTIFY on the
 * channel "axon_events", as many events as fit in each notification:
 * {"node", "events": [{"run", "type", "data"}...]} (one statement for a
 * run's several events under load, not one each). The same thread LISTENs
 * there, and publishes every event of another node in the local hub, as
 * the stream thread reads local ones (never sent out again).
 *
 * At most once: what is sent while a node's listener is reconnecting, or
 * while the outbox is full, is missed there; its readers see the run's
 * state at their next page load. docs/live-events.md says more. */
#ifndef AXON_ENGINE_EVENTS_RELAY_H
#define AXON_ENGINE_EVENTS_RELAY_H
#include <stddef.h>

#define EVENTS_RELAY_CHANNEL "axon_events"
/* Events waiting to be sent at most; past it they are dropped. */
#define EVENTS_RELAY_OUTBOX 4096
/* A notification's bytes at most (PostgreSQL takes fewer than 8000): past
 * it, the event's "message" (a log line), then "error", is cut to fit. */
#define EVENTS_RELAY_PAYLOAD_MAX 7900

struct events;
struct events_relay;

/* Starts relaying hub's events as node_name over database (PostgreSQL's:
 * the caller checks, with store_path_is_postgresql). The thread connects by
 * itself, and again when the database comes back. NULL with why in err. */
struct events_relay *events_relay_start(struct events *hub, const char *database, const char *node_name, char *err,
					size_t errlen);
/* Stops relaying (before the hub goes) and joins the thread. */
void events_relay_stop(struct events_relay *r);

#endif
