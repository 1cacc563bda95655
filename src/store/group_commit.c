/* Group commit: concurrent writes of this process share one transaction.
 *
 * Each commit in WAL mode costs a lock round, the pages it changed written
 * again to the WAL, and every other connection's page cache dropped. Under
 * load, request threads and engine workers commit a run, a delivery and steps
 * at the same moment, each on its own connection, each paying all of that.
 * Here they queue instead (the scheme of LevelDB's writers): the first in line
 * runs the bodies of everyone waiting behind it, each in a savepoint so that a
 * failure undoes only its own changes, in one transaction on the process's
 * writing connection (db_writer), commits once and wakes them. A writer
 * alone leads at once and pays only a mutex. */
#include <pthread.h>
#include <string.h>

#include "db.h"

#define BATCH_MAX 64 /* bodies per transaction: bounds how long the last one waits */

struct write_op {
	int (*body)(struct store *st, void *arg);
	void *arg;
	int rc;
	char errmsg[sizeof ((struct store *)0)->errmsg]; /* why, when rc is not STORE_OK */
	int done;
	pthread_cond_t cv;
	struct write_op *next;
};

static pthread_mutex_t queue_mu = PTHREAD_MUTEX_INITIALIZER;
static struct write_op *queue_head, *queue_tail;

/* The leader's connection has the error message until the next body runs:
 * the op keeps it for its owner. */
static void set_result(struct store *leader, struct write_op *o, int rc)
{
	o->rc = rc;
	if (rc != STORE_OK)
		memcpy(o->errmsg, leader->errmsg, sizeof o->errmsg);
}

static void run_batch(struct store *st, struct write_op *first, int n)
{
	int rc = db_begin(st), ran = 0;
	struct write_op *o = first;
	for (; rc == STORE_OK && ran < n; o = o->next) {
		if (n > 1 && (rc = db_exec(st, "SAVEPOINT grouped", "")) != STORE_OK)
			break;
		int body_rc = o->body(st, o->arg);
		set_result(st, o, body_rc);
		ran++;
		if (n == 1) {
			set_result(st, o, db_finish(st, body_rc));
			return;
		}
		if (body_rc != STORE_OK && !db_in_transaction(st)) {
			/* SQLite rolled the whole transaction back (a full disk): no
			 * body before this one is kept either. */
			rc = body_rc;
			break;
		}
		if (body_rc != STORE_OK)
			rc = db_exec(st, "ROLLBACK TO grouped", "");
		if (rc == STORE_OK)
			rc = db_exec(st, "RELEASE grouped", "");
	}
	rc = db_finish(st, rc);
	if (rc == STORE_OK)
		return;
	/* Nothing was committed: every body that had succeeded fails with why,
	 * and so does every one that did not get its turn. */
	o = first;
	for (int i = 0; i < n; i++, o = o->next)
		if (i >= ran || o->rc == STORE_OK)
			set_result(st, o, rc);
}

int db_write(struct store *st, int (*body)(struct store *st, void *arg), void *arg)
{
	struct write_op op = { .body = body, .arg = arg, .rc = STORE_OK };
	pthread_cond_init(&op.cv, NULL);
	pthread_mutex_lock(&queue_mu);
	if (queue_tail)
		queue_tail->next = &op;
	else
		queue_head = &op;
	queue_tail = &op;
	while (!op.done && queue_head != &op)
		pthread_cond_wait(&op.cv, &queue_mu);
	if (!op.done) {
		/* First in line: lead the writers queued so far. */
		struct write_op *last = &op;
		int n = 1;
		while (last->next && n < BATCH_MAX)
			last = last->next, n++;
		pthread_mutex_unlock(&queue_mu);
		run_batch(db_writer(st), &op, n);
		pthread_mutex_lock(&queue_mu);
		queue_head = last->next;
		if (!queue_head)
			queue_tail = NULL;
		struct write_op *o = &op, *stop = last->next;
		while (o != stop) {
			struct write_op *next = o->next;
			o->done = 1;
			if (o != &op)
				pthread_cond_signal(&o->cv);
			o = next;
		}
		if (queue_head)
			pthread_cond_signal(&queue_head->cv);
	}
	pthread_mutex_unlock(&queue_mu);
	pthread_cond_destroy(&op.cv);
	if (op.rc != STORE_OK)
		memcpy(st->errmsg, op.errmsg, sizeof st->errmsg);
	return op.rc;
}
