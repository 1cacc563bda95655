/* PostgreSQL's LISTEN/NOTIFY, for what several axond sharing one database
 * tell each other as it happens (engine/events_relay.c: the live events).
 *
 * A listener has a libpq connection of its own: LISTEN holds it for good,
 * and the store's connections are one per thread and run statements, never
 * wait. It connects at its first store_listener_next, and again (LISTEN
 * again) after it lost the database, with a pause that doubles from 0.25 s
 * to 30 s; the log says once that it is away and once that it is back.
 * What was sent while it was away is not received: NOTIFY keeps nothing
 * for a session that was not listening. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "strbuf.h"

#define RETRY_MIN_MS 250
#define RETRY_MAX_MS 30000

struct store_listener {
	PGconn *conn;     /* NULL until the first try */
	char *database;
	char *channel;
	char *listen_sql; /* LISTEN "channel" */
	int listening;
	int away;         /* the loss was logged and it is not back yet */
	int64_t retry_at; /* monotonic ms: when to try to connect again */
	int retry_ms;
};

struct store_listener *store_listen(const char *database, const char *channel, char *err, size_t errlen)
{
	if (!store_path_is_postgresql(database)) {
		snprintf(err, errlen, "only a PostgreSQL database can tell its listeners (LISTEN/NOTIFY)");
		return NULL;
	}
	struct store_listener *l = xcalloc(1, sizeof *l);
	l->database = xstrdup(database);
	l->channel = xstrdup(channel);
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "LISTEN \"");
	for (const char *c = channel; *c; c++) /* a quoted identifier: a quote is doubled */
		sb_printf(&sb, *c == '"' ? "\"\"" : "%c", *c);
	sb_adds(&sb, "\"");
	l->listen_sql = sb_detach(&sb);
	return l;
}

int store_listener_fd(struct store_listener *l)
{
	return l->listening ? PQsocket(l->conn) : -1;
}

/* Says once that the listener lost the database, and when to try again. */
static int lose(struct store_listener *l, const char *why)
{
	if (!l->away) {
		char msg[400];
		snprintf(msg, sizeof msg, "%s", why);
		for (char *p = msg; *p; p++)
			if (*p == '\n')
				*p = p[1] ? ' ' : '\0';
		log_warn("the listener on %s lost the database (%s): what other nodes say meanwhile is missed; "
			 "trying again by itself", l->channel, msg);
	}
	l->away = 1;
	l->listening = 0;
	l->retry_ms = l->retry_ms ? (l->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : l->retry_ms * 2) : RETRY_MIN_MS;
	l->retry_at = mono_ms() + l->retry_ms;
	return -1;
}

/* Connects (the first time, or again) and LISTENs, when the pause allows. */
static int connect_listen(struct store_listener *l)
{
	if (l->conn && mono_ms() < l->retry_at)
		return -1;
	if (!l->conn) {
		/* TCP keepalives notice a database host that went away without a
		 * word; settings in the connection string (dbname, expanded last)
		 * win over these. */
		const char *keys[] = { "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
				       "dbname", NULL };
		const char *values[] = { "1", "30", "10", "3", l->database, NULL };
		l->conn = PQconnectdbParams(keys, values, 1);
		if (!l->conn)
			return lose(l, "out of memory");
	} else {
		PQreset(l->conn);
	}
	if (PQstatus(l->conn) != CONNECTION_OK)
		return lose(l, PQerrorMessage(l->conn));
	PGresult *res = PQexec(l->conn, l->listen_sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (!ok)
		return lose(l, PQerrorMessage(l->conn));
	if (l->away)
		log_info("the listener on %s is back", l->channel);
	l->away = 0;
	l->retry_ms = 0;
	l->listening = 1;
	return 0;
}

int store_listener_next(struct store_listener *l, char **payload)
{
	*payload = NULL;
	if (!l->listening && connect_listen(l) < 0)
		return -1;
	PGnotify *n = PQnotifies(l->conn);
	if (!n) {
		if (!PQconsumeInput(l->conn) || PQstatus(l->conn) != CONNECTION_OK)
			return lose(l, PQerrorMessage(l->conn));
		n = PQnotifies(l->conn);
	}
	if (!n)
		return 0;
	*payload = xstrdup(n->extra);
	PQfreemem(n);
	return 1;
}

void store_listener_close(struct store_listener *l)
{
	if (!l)
		return;
	if (l->conn)
		PQfinish(l->conn);
	free(l->listen_sql);
	free(l->channel);
	free(l->database);
	free(l);
}

int store_notify(struct store *st, const char *channel, const char *payload)
{
	if (!st->pg)
		return STORE_OK;
	if (strlen(payload) >= STORE_NOTIFY_MAX)
		return db_failf(st, STORE_ERROR, "internal error: a notification of %zu bytes (PostgreSQL takes "
				"fewer than %d)", strlen(payload), STORE_NOTIFY_MAX);
	return db_exec(st, "SELECT pg_notify(?1, ?2)", "tt", channel, payload);
}
