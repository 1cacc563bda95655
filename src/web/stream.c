#include "web/stream.h"

#include <errno.h>
#include <fcntl.h>
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

/* FastCGI's record header (the FastCGI specification, section 3.3). */
#define FCGI_VERSION_1 1
#define FCGI_END_REQUEST 3
#define FCGI_STDOUT 6
#define FCGI_MAX_CONTENT 65535

/* Events are copied from the hub only while fewer unsent bytes than this
 * wait: what a slow reader holds back stays in the hub's ring. */
#define LOW_WATER (16u << 10)
#define EVENTS_AT_ONCE 32

struct stream {
	int fd;
	uint16_t request_id;
	int64_t run, user;
	char session[65];   /* the hash of the session it was opened in, or "" (an API token) */
	uint64_t after;     /* the last event id copied into out */
	struct strbuf out;  /* FastCGI records not written yet: out.data[sent..out.len) */
	size_t sent;
	int64_t last_write; /* monotonic ms of the last bytes put in out */
	bool closing;       /* the end of the request is in out: close once it is written */
	struct stream *next;
};

struct streams {
	struct events *hub;
	int max_total, max_per_user;
	pthread_t thread;
	int wake;                /* an eventfd: a stream was adopted, or stop */
	pthread_mutex_t mu;      /* guards the lists' links and stopping; the thread alone touches a stream's fields */
	struct stream *incoming; /* adopted, not yet seen by the thread */
	struct stream *active;   /* the thread's */
	bool stopping;
	bool recheck;            /* a session ended: check the streams' sessions now */
	char *database;          /* where the sessions are */
	struct store *st;        /* the thread's own connection, opened when first needed */
};

/* ---- The format ---- */

void stream_format_event(struct strbuf *out, int64_t epoch, uint64_t id, const char *type, const char *data)
{
	/* data is one line of JSON: no newline can end the field early. */
	sb_printf(out, "id: %" PRId64 "-%" PRIu64 "\nevent: %s\ndata: %s\n\n", epoch, id, type, data);
}

int stream_parse_event_id(const char *s, int64_t epoch, uint64_t *id)
{
	char *end;
	errno = 0;
	long long e = strtoll(s, &end, 10);
	if (errno || end == s || *end != '-' || e < 0)
		return -1;
	const char *rest = end + 1;
	unsigned long long n = strtoull(rest, &end, 10);
	if (errno || end == rest || *end || *rest == '-' || *rest == '+')
		return -1;
	*id = n;
	return e == epoch ? 0 : 1;
}

/* Appends len bytes of type to s's output as FastCGI records. */
static void put_records(struct stream *s, int type, const char *data, size_t len)
{
	do {
		size_t n = len > FCGI_MAX_CONTENT ? FCGI_MAX_CONTENT : len;
		unsigned char h[8] = { FCGI_VERSION_1, (unsigned char)type, (unsigned char)(s->request_id >> 8),
				       (unsigned char)s->request_id, (unsigned char)(n >> 8), (unsigned char)n, 0, 0 };
		sb_add(&s->out, h, sizeof h);
		sb_add(&s->out, data, n);
		data += n;
		len -= n;
	} while (len);
}

static void put_text(struct stream *s, const struct strbuf *text)
{
	if (text->len)
		put_records(s, FCGI_STDOUT, text->data, text->len);
	s->last_write = mono_ms();
}

/* The end of the response (an empty stdout record) and of the request. */
static void put_end(struct stream *s)
{
	static const unsigned char complete[8] = { 0 }; /* appStatus 0, FCGI_REQUEST_COMPLETE */
	put_records(s, FCGI_STDOUT, "", 0);
	put_records(s, FCGI_END_REQUEST, (const char *)complete, sizeof complete);
	s->closing = true;
}

/* ---- The thread ---- */

static void stream_free(struct stream *s)
{
	close(s->fd);
	sb_free(&s->out);
	free(s);
}

/* Copies the run's new events into s's output while it has room. */
static void fill(struct streams *ss, struct stream *s)
{
	struct strbuf text = STRBUF_INIT;
	struct event evs[EVENTS_AT_ONCE];
	while (!s->closing && s->out.len - s->sent < LOW_WATER) {
		bool lost, ended;
		size_t n = events_read(ss->hub, s->run, s->after, evs, EVENTS_AT_ONCE, &lost, &ended);
		sb_reset(&text);
		for (size_t i = 0; i < n; i++) {
			stream_format_event(&text, events_epoch(ss->hub), evs[i].id, evs[i].type, evs[i].data);
			s->after = evs[i].id;
			event_clear(&evs[i]);
		}
		if (lost) /* it fell behind the ring: the page starts again from the store */
			sb_adds(&text, "event: reload\ndata: {\"why\":\"some events of this run were missed\"}\n\n");
		put_text(s, &text);
		if (lost || ended)
			put_end(s);
		if (n < EVENTS_AT_ONCE)
			break;
	}
	sb_free(&text);
}

/* Writes what it can without waiting; -1 when the connection is gone. */
static int flush(struct stream *s)
{
	while (s->sent < s->out.len) {
		ssize_t n = write(s->fd, s->out.data + s->sent, s->out.len - s->sent);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return -1;
		s->sent += (size_t)n;
	}
	if (s->sent == s->out.len) {
		sb_reset(&s->out);
		s->sent = 0;
	}
	return 0;
}

/* The web server may send more (an empty stdin record, an abort); what
 * matters is only whether it closed the connection. -1 when it did. */
static int drain_input(int fd)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
	}
}

static void unlink_stream(struct streams *ss, struct stream *s)
{
	pthread_mutex_lock(&ss->mu);
	for (struct stream **pp = &ss->active; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	pthread_mutex_unlock(&ss->mu);
	stream_free(s);
}

static void drain_fd(int fd)
{
	uint64_t count;
	if (read(fd, &count, sizeof count) < 0 && errno != EAGAIN)
		log_warn("streams: reading an eventfd: %s", strerror(errno));
}

/* False when the session is known to have ended (signed out, expired,
 * revoked, its user disabled); true too when the store cannot be read. */
static bool session_alive(struct streams *ss, const char *hash)
{
	char err[512];
	if (!ss->st && store_open(ss->database, &ss->st, err, sizeof err) != STORE_OK) {
		ss->st = NULL;
		log_error("streams: database: %s", err);
		return true;
	}
	struct user u;
	return store_session_user(ss->st, hash, now_ms() / 1000, &u) != STORE_NOTFOUND;
}

/* Ends the streams whose session ended, telling their readers why. */
static void check_sessions(struct streams *ss)
{
	for (struct stream *s = ss->active; s; s = s->next)
		if (s->session[0] && !s->closing && !session_alive(ss, s->session)) {
			struct strbuf text = STRBUF_INIT;
			sb_adds(&text, "event: closing\ndata: {\"why\":\"the session ended (signed out, expired or "
				       "revoked)\"}\n\n");
			put_text(s, &text);
			sb_free(&text);
			put_end(s);
		}
}

static void *stream_thread(void *arg)
{
	pthread_setname_np(pthread_self(), "axon-stream"); /* as top -H and /proc show it */
	struct streams *ss = arg;
	struct pollfd *pfd = xcalloc((size_t)ss->max_total + 2, sizeof *pfd);
	struct stream **polled = xcalloc((size_t)ss->max_total, sizeof *polled);
	bool stopping = false, recheck = false;
	int64_t next_check = mono_ms() + STREAM_SESSION_CHECK_MS;
	while (!stopping) {
		pthread_mutex_lock(&ss->mu);
		stopping = ss->stopping;
		recheck = ss->recheck;
		ss->recheck = false;
		while (ss->incoming) { /* adopted streams join the active ones */
			struct stream *s = ss->incoming;
			ss->incoming = s->next;
			s->next = ss->active;
			ss->active = s;
		}
		pthread_mutex_unlock(&ss->mu);

		int64_t now = mono_ms(), wait = STREAM_HEARTBEAT_MS;
		if (recheck || now >= next_check) {
			check_sessions(ss);
			next_check = now + STREAM_SESSION_CHECK_MS;
		}
		if (next_check - now < wait)
			wait = next_check - now;
		/* Before the streams read their runs' events: what comes after signals. */
		events_listen(ss->hub, ss->active != NULL);
		size_t n = 0;
		for (struct stream *s = ss->active, *next; s; s = next) {
			next = s->next;
			if (stopping && !s->closing) {
				struct strbuf text = STRBUF_INIT;
				sb_adds(&text, "event: closing\ndata: {\"why\":\"the server is stopping\"}\n\n");
				put_text(s, &text);
				sb_free(&text);
				put_end(s);
			}
			fill(ss, s);
			if (!s->closing && s->out.len == s->sent && now - s->last_write >= STREAM_HEARTBEAT_MS) {
				struct strbuf beat = STRBUF_INIT;
				sb_adds(&beat, ": heartbeat\n\n");
				put_text(s, &beat);
				sb_free(&beat);
			}
			if (flush(s) < 0 || (s->closing && s->out.len == 0)) {
				unlink_stream(ss, s);
				continue;
			}
			int64_t due = s->last_write + STREAM_HEARTBEAT_MS - now;
			if (due < wait)
				wait = due > 0 ? due : 0;
			pfd[n + 2] = (struct pollfd){ s->fd, (short)(POLLIN | (s->out.len ? POLLOUT : 0)), 0 };
			polled[n++] = s;
		}
		if (stopping)
			break; /* the streams that could not take their end at once are closed as they are */
		pfd[0] = (struct pollfd){ ss->wake, POLLIN, 0 };
		/* With no stream open, what the engine publishes is nobody's news:
		 * waking for it cost a thread switch per event under load. */
		pfd[1] = (struct pollfd){ n ? events_fd(ss->hub) : -1, POLLIN, 0 };
		if (poll(pfd, n + 2, (int)wait) < 0 && errno != EINTR) {
			log_error("streams: poll: %s", strerror(errno));
			sleep(1);
			continue;
		}
		if (pfd[0].revents)
			drain_fd(ss->wake);
		if (pfd[1].revents)
			drain_fd(events_fd(ss->hub));
		for (size_t i = 0; i < n; i++)
			if ((pfd[i + 2].revents & (POLLIN | POLLHUP | POLLERR)) && drain_input(polled[i]->fd) < 0)
				unlink_stream(ss, polled[i]); /* the reader went away */
	}
	while (ss->active)
		unlink_stream(ss, ss->active);
	store_close(ss->st);
	free(pfd);
	free(polled);
	return NULL;
}

/* ---- Open, adopt, stop ---- */

struct streams *streams_start(struct events *hub, int max_total, int max_per_user, const char *database, char *err,
			      size_t errlen)
{
	struct streams *ss = xcalloc(1, sizeof *ss);
	ss->hub = hub;
	ss->database = xstrdup(database);
	ss->max_total = max_total;
	ss->max_per_user = max_per_user;
	pthread_mutex_init(&ss->mu, NULL);
	ss->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int rc = ss->wake < 0 ? errno : pthread_create(&ss->thread, NULL, stream_thread, ss);
	if (rc) {
		snprintf(err, errlen, "cannot start the stream thread: %s", strerror(rc));
		if (ss->wake >= 0)
			close(ss->wake);
		pthread_mutex_destroy(&ss->mu);
		free(ss->database);
		free(ss);
		return NULL;
	}
	return ss;
}

static void wake(struct streams *ss)
{
	uint64_t one = 1;
	if (write(ss->wake, &one, sizeof one) < 0 && errno != EAGAIN)
		log_warn("streams: waking the stream thread: %s", strerror(errno));
}

void streams_stop(struct streams *ss)
{
	if (!ss)
		return;
	pthread_mutex_lock(&ss->mu);
	ss->stopping = true;
	pthread_mutex_unlock(&ss->mu);
	wake(ss);
	pthread_join(ss->thread, NULL);
	while (ss->incoming) {
		struct stream *s = ss->incoming;
		ss->incoming = s->next;
		stream_free(s);
	}
	close(ss->wake);
	pthread_mutex_destroy(&ss->mu);
	free(ss->database);
	free(ss);
}

void streams_recheck(struct streams *ss)
{
	if (!ss)
		return;
	pthread_mutex_lock(&ss->mu);
	ss->recheck = true;
	pthread_mutex_unlock(&ss->mu);
	wake(ss);
}

/* Under ss->mu. */
static int count(const struct streams *ss, int64_t user, int *of_user)
{
	int total = 0;
	*of_user = 0;
	for (const struct stream *l = ss->incoming; l; l = l->next)
		total++, *of_user += l->user == user;
	for (const struct stream *l = ss->active; l; l = l->next)
		total++, *of_user += l->user == user;
	return total;
}

int streams_open(struct streams *ss, int64_t user)
{
	int of_user;
	pthread_mutex_lock(&ss->mu);
	int total = count(ss, user, &of_user);
	pthread_mutex_unlock(&ss->mu);
	return user ? of_user : total;
}

enum stream_refusal streams_adopt(struct streams *ss, const struct stream_start *st)
{
	int of_user;
	pthread_mutex_lock(&ss->mu);
	int total = count(ss, st->user, &of_user);
	if (ss->stopping || total >= ss->max_total || of_user >= ss->max_per_user) {
		pthread_mutex_unlock(&ss->mu);
		return of_user >= ss->max_per_user ? STREAM_USER_FULL : STREAM_ALL_FULL;
	}
	struct stream *s = xcalloc(1, sizeof *s);
	s->fd = st->fd;
	s->request_id = (uint16_t)st->request_id;
	s->run = st->run;
	s->user = st->user;
	snprintf(s->session, sizeof s->session, "%s", st->session ? st->session : "");
	s->after = st->after;
	int fl = fcntl(s->fd, F_GETFL);
	if (fl < 0 || fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) < 0)
		log_warn("streams: fcntl O_NONBLOCK: %s", strerror(errno));
	put_text(s, st->head);
	s->next = ss->incoming;
	ss->incoming = s;
	pthread_mutex_unlock(&ss->mu);
	wake(ss);
	return STREAM_TAKEN;
}
