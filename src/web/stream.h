/* The live streams of runs (Server-Sent Events, GET /runs/ID/events).
 *
 * A request thread answers such a request up to its headers and hands the
 * FastCGI connection to the one stream thread, then goes back to accepting:
 * an open stream holds a file descriptor and a few kilobytes, never a
 * request thread. The stream thread writes the FastCGI records of every
 * stream itself, without blocking: it copies a run's events from the hub
 * (engine/events.h) only while the stream's unsent bytes are few, so a slow
 * reader falls behind in the hub's ring (and is told to reload) rather than
 * holding anything up. A heartbeat comment every STREAM_HEARTBEAT_MS keeps
 * proxies from closing a quiet stream; a stream closes after the run's end,
 * and when the session it was opened in ends (signed out, expired, revoked:
 * checked every STREAM_SESSION_CHECK_MS, and at once on streams_recheck). */
#ifndef AXON_WEB_STREAM_H
#define AXON_WEB_STREAM_H
#include <stdint.h>
#include <stddef.h>

#include "strbuf.h"

#define STREAM_HEARTBEAT_MS 15000
#define STREAM_SESSION_CHECK_MS 10000

struct events;
struct streams;

/* Starts the stream thread over hub; at most max_total streams open at once
 * and max_per_user for one user; the sessions are read from database (its
 * own connection). NULL with the reason in err. */
struct streams *streams_start(struct events *hub, int max_total, int max_per_user, const char *database, char *err,
			      size_t errlen);
/* A session ended (signed out, revoked): the streams check theirs now. */
void streams_recheck(struct streams *s);
/* Ends every stream (their runs go on) and joins the thread. */
void streams_stop(struct streams *s);

enum stream_refusal { STREAM_TAKEN, STREAM_USER_FULL, STREAM_ALL_FULL };

struct stream_start {
	int fd;           /* the FastCGI connection; the stream closes it */
	int request_id;   /* its FastCGI request id */
	int64_t run, user;
	const char *session; /* the session cookie's hash, or NULL (an API token) */
	uint64_t after;   /* the last event id the reader has */
	const struct strbuf *head; /* the HTTP headers, sent first */
};
/* Takes over the connection of st (STREAM_TAKEN), or refuses it because
 * st->user or everyone has as many streams open as allowed. */
enum stream_refusal streams_adopt(struct streams *s, const struct stream_start *st);

/* Streams open now: of user, or over all when user is 0. */
int streams_open(struct streams *s, int64_t user);

/* An event as a stream sends it: "id: EPOCH-ID\nevent: TYPE\ndata: DATA\n\n". */
void stream_format_event(struct strbuf *out, int64_t epoch, uint64_t id, const char *type, const char *data);
/* Reads "EPOCH-ID" (a Last-Event-ID) into *id: 0 when it names this epoch,
 * 1 when it names another (an earlier daemon: the reader must reload), -1
 * when it is not an event id. */
int stream_parse_event_id(const char *s, int64_t epoch, uint64_t *id);

#endif
