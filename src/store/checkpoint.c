/* WAL checkpoints on a thread of their own.
 *
 * SQLite checkpoints in the connection that committed: it copies the WAL's
 * pages into the database and syncs the file. Under group commit that
 * connection is the leader of a batch, so every writer queued behind it, each
 * a request waiting for its answer, waited for the copy and the sync too: the
 * slowest answers of a loaded webhook. Here the commit only asks, and this
 * thread checkpoints (PASSIVE: no reader or writer waits for it) on a
 * connection it opens for each one, so that it never holds a database that
 * someone renamed or replaced. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "strbuf.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t asked = PTHREAD_COND_INITIALIZER;
static char *pending;  /* the database to checkpoint next, or NULL */
static bool started, failed;

static void checkpoint(const char *path)
{
	sqlite3 *db = NULL;
	/* A connection finds the file in WAL mode only once it has read it. */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    sqlite3_exec(db, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL) == SQLITE_OK)
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	sqlite3_close_v2(db);
}

static void *checkpointer(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "axon-checkpoint");
	pthread_mutex_lock(&mu);
	for (;;) {
		while (!pending)
			pthread_cond_wait(&asked, &mu);
		char *path = pending;
		pending = NULL;
		pthread_mutex_unlock(&mu);
		checkpoint(path);
		free(path);
		pthread_mutex_lock(&mu);
	}
	return NULL;
}

void db_checkpoint_soon(sqlite3 *db, const char *name)
{
	const char *path = sqlite3_db_filename(db, name);
	pthread_mutex_lock(&mu);
	if (!started && !failed) {
		pthread_t t;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		started = pthread_create(&t, &attr, checkpointer, NULL) == 0;
		failed = !started;
		pthread_attr_destroy(&attr);
	}
	if (started && path && *path && !pending) {
		pending = xstrdup(path);
		pthread_cond_signal(&asked);
	}
	pthread_mutex_unlock(&mu);
	if (failed) /* no thread: as SQLite would, in the committing connection */
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}
