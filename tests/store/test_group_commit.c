/* Group commit (src/store/group_commit.c): writers on their own connections,
 * at the same time, share transactions; each keeps its own result and error,
 * and a failing body undoes only its own changes. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "../testlib.h"
#include "scratch.h"

#define THREADS 8
#define WRITES 150
#define FAIL_EVERY 7

static const char *db_path;
static atomic_int grouped;        /* bodies run on another writer's connection */
static atomic_int leader_inside;  /* the first writer is holding its transaction */

struct write {
	struct store *owner;
	int thread, i;
};

static int insert_body(struct store *st, void *arg)
{
	struct write *w = arg;
	if (st != w->owner)
		atomic_fetch_add(&grouped, 1);
	int rc = db_exec(st, "INSERT INTO t (thread, i) VALUES (?1, ?2)", "nn", w->thread, w->i);
	if (rc == STORE_OK && w->i % FAIL_EVERY == 3)
		return db_failf(st, STORE_CONFLICT, "refused: thread %d write %d", w->thread, w->i);
	return rc;
}

/* Holds the first transaction long enough for every other thread to queue. */
static int slow_body(struct store *st, void *arg)
{
	atomic_store(&leader_inside, 1);
	usleep(200 * 1000);
	return insert_body(st, arg);
}

static void *writer(void *arg)
{
	int thread = (int)(intptr_t)arg;
	struct store *st;
	char err[256];
	if (store_open(db_path, &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "store_open: %s\n", err);
		return (void *)1;
	}
	intptr_t bad = 0;
	if (thread != 0)
		while (!atomic_load(&leader_inside))
			usleep(1000);
	for (int i = 0; i < WRITES; i++) {
		struct write w = { st, thread, i };
		int rc = db_write(st, thread == 0 && i == 0 ? slow_body : insert_body, &w);
		char want[64];
		snprintf(want, sizeof want, "refused: thread %d write %d", thread, i);
		if (i % FAIL_EVERY == 3 ? rc != STORE_CONFLICT || strcmp(store_errmsg(st), want) : rc != STORE_OK) {
			fprintf(stderr, "thread %d write %d: rc %d, %s\n", thread, i, rc, store_errmsg(st));
			bad++;
		}
	}
	store_close(st);
	return (void *)bad;
}

int main(void)
{
	scratch_init();
	db_path = scratch_path("group.db");
	struct store *st;
	char err[256];
	CHECK(store_open(db_path, &st, err, sizeof err) == STORE_OK);
	CHECK(db_exec(st, "CREATE TABLE t (thread INTEGER, i INTEGER, UNIQUE (thread, i))", "") == STORE_OK);

	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, writer, (void *)(intptr_t)i);
	for (int i = 0; i < THREADS; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		CHECK(bad == NULL);
	}
	int failing = 0;
	for (int i = 0; i < WRITES; i++)
		failing += i % FAIL_EVERY == 3;
	sqlite3 *raw = raw_open(db_path);
	CHECK(raw_int(raw, "SELECT count(*) FROM t") == THREADS * (WRITES - failing));
	CHECK(raw_int(raw, "SELECT count(*) FROM t WHERE i % 7 = 3") == 0);
	sqlite3_close(raw);
	/* The seven threads that queued behind the slow first writer were led by it. */
	CHECK(atomic_load(&grouped) >= THREADS - 1);

	/* A write alone commits on its own connection, and its failure says why. */
	struct write w = { st, 99, 3 };
	CHECK(db_write(st, insert_body, &w) == STORE_CONFLICT);
	CHECK_STR(store_errmsg(st), "refused: thread 99 write 3");
	w.i = 4;
	CHECK(db_write(st, insert_body, &w) == STORE_OK);
	raw = raw_open(db_path);
	CHECK(raw_int(raw, "SELECT count(*) FROM t WHERE thread = 99") == 1);
	sqlite3_close(raw);
	store_close(st);
	return t_done("test_group_commit");
}
