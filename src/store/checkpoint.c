/* WAL checkpoints on a thread of their own.
 *
 * SQLite checkpoints in the connection that committed: it copies the WAL's
 * pages into the database and syncs the file. Under group commit that
 * connection is the leader of a batch, so every writer queued behind it, each
 * a request waiting for its answer, waited for the copy and the sync too: the
 * slowest answers of a loaded webhook. Here the commit only asks, and this
 * thread checkpoints (PASSIVE: no reader or writer waits for it) on a
 * connection of its own, opened again when the file at that path is another
 * (a restored backup), so that it never writes to a database someone replaced.
 * It is asked at most once per WAL_STEP frames the WAL grew: a reader that
 * keeps the WAL from being reset must not make every commit ask again. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "strbuf.h"

#define WAL_STEP 1000 /* frames: SQLite's own autocheckpoint */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t asked = PTHREAD_COND_INITIALIZER;
static char *pending;  /* the database to checkpoint next, or NULL */
static int asked_at;   /* the WAL's frames when a checkpoint was last asked for */
static bool started, failed;

struct conn {
	sqlite3 *db;
	char *path;
	dev_t dev;
	ino_t ino;
};

static void conn_close(struct conn *c)
{
	sqlite3_close_v2(c->db);
	free(c->path);
	*c = (struct conn){ 0 };
}

static void checkpoint(struct conn *c, const char *path)
{
	struct stat sb;
	if (stat(path, &sb) < 0)
		return;
	if (c->db && (strcmp(c->path, path) || c->dev != sb.st_dev || c->ino != sb.st_ino))
		conn_close(c);
	if (!c->db) {
		if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
		    /* a connection finds the file in WAL mode once it has read it */
		    sqlite3_exec(c->db, "PRAGMA journal_mode", NULL, NULL, NULL) != SQLITE_OK) {
			conn_close(c);
			return;
		}
		c->path = xstrdup(path);
		c->dev = sb.st_dev;
		c->ino = sb.st_ino;
	}
	sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static void *checkpointer(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "axon-checkpoint");
	struct conn c = { 0 };
	pthread_mutex_lock(&mu);
	for (;;) {
		while (!pending)
			pthread_cond_wait(&asked, &mu);
		char *path = pending;
		pending = NULL;
		pthread_mutex_unlock(&mu);
		checkpoint(&c, path);
		free(path);
		pthread_mutex_lock(&mu);
	}
	return NULL;
}

void db_checkpoint_soon(sqlite3 *db, const char *name, int frames)
{
	if (frames < WAL_STEP)
		return;
	const char *path = sqlite3_db_filename(db, name);
	pthread_mutex_lock(&mu);
	bool ask = frames < asked_at || frames - asked_at >= WAL_STEP; /* the WAL was reset, or grew */
	if (ask)
		asked_at = frames;
	if (ask && !started && !failed) {
		pthread_t t;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		started = pthread_create(&t, &attr, checkpointer, NULL) == 0;
		failed = !started;
		pthread_attr_destroy(&attr);
	}
	if (ask && started && path && *path && !pending) {
		pending = xstrdup(path);
		pthread_cond_signal(&asked);
	}
	pthread_mutex_unlock(&mu);
	if (ask && failed) /* no thread: as SQLite would, in the committing connection */
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}
