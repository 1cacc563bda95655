/* Runs and their steps: the engine's durable queue. A run is a row that goes
 * queued -> running -> succeeded | failed | cancelled; each step is written
 * whole as it starts and as it ends, so that a daemon killed mid-run finds
 * every finished step here and runs none of them again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "strbuf.h"

#define RUN_COLUMNS                                                                                                  \
	"r.id AS id, r.workflow_id AS workflow_id, coalesce(w.name, json_extract(r.definition, '$.name')) AS "        \
	"workflow_name, r.version AS version, r.trigger AS trigger, r.status AS status, r.error AS error, "            \
	"r.failed_block AS failed_block, r.parent_run_id AS parent_run_id, r.parent_block AS parent_block, "          \
	"r.depth AS depth, r.created_at AS created_at, r.started_at AS started_at, r.finished_at AS finished_at, "    \
	"r.waited_ms AS waited_ms, u.username AS created_by"
#define RUN_FROM " FROM runs r LEFT JOIN workflows w ON w.id = r.workflow_id LEFT JOIN users u ON u.id = r.created_by"

static char *dump(const json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

/* A run's row, its id given as id_value: an identity takes no NULL, and
 * PostgreSQL asks its sequence itself. */
#define INSERT_RUN(id_value)                                                                                         \
	"INSERT INTO runs (id, workflow_id, version, definition, trigger, input, status, parent_run_id, parent_block,"   \
	" depth, dedup_key, created_by, created_at, started_at, finished_at, error, failed_block, reply, waited_ms)"    \
	" VALUES (" id_value ", NULLIF(?2, 0), NULLIF(?3, 0), ?4, ?5, ?6, ?7, NULLIF(?8, 0), ?9, ?10, ?11,"            \
	" NULLIF(?12, 0), ?13, NULLIF(?14, 0), NULLIF(?15, 0), ?16, ?17, ?18, ?19) RETURNING id"

/* Inserts run n: queued, or as far as it went when its first write is
 * also its last (end) or a step (started_at); id 0 lets the table number it. */
static int insert_run(struct store *st, const struct run_new *n, int version, const char *input,
		      const char *definition, int64_t created_at, int64_t started_at, const struct run_end *end,
		      int64_t *id)
{
	char *reply = end ? dump(end->reply) : NULL;
	int rc = db_int(st, id, DB_SQL(st, INSERT_RUN("NULLIF(?1, 0)"),
				       INSERT_RUN("coalesce(NULLIF(?1, 0), nextval(pg_get_serial_sequence('runs', 'id')))")),
			"iinttt" "tit" "ntii" "iitt" "ti", *id, n->workflow_id, version, definition, n->trigger, input,
			end ? end->status : started_at ? "running" : "queued", n->parent_run_id, n->parent_block,
			n->depth, n->dedup_key, n->actor, created_at, started_at, end ? end->at : 0,
			end ? end->error : NULL, end ? end->failed_block : NULL, reply, end ? end->waited_ms : 0);
	free(reply);
	return rc;
}

static int create_run(struct store *st, const struct run_new *n, const char *input, const char *definition,
		      int64_t now, int64_t *id)
{
	if (n->dedup_key) {
		int64_t seen;
		int rc = db_int(st, &seen, "SELECT id FROM runs WHERE workflow_id = ?1 AND dedup_key = ?2", "it",
				n->workflow_id, n->dedup_key);
		if (rc != STORE_OK)
			return rc;
		if (seen) {
			*id = seen;
			return db_failf(st, STORE_CONFLICT, "this delivery (key %.64s) already started run %lld",
					n->dedup_key, (long long)seen);
		}
	}
	int version = n->version;
	if (n->workflow_id && !version) {
		int64_t v;
		int rc = db_int(st, &v, "SELECT current_version FROM workflows WHERE id = ?1", "i", n->workflow_id);
		if (rc != STORE_OK)
			return rc;
		if (!v)
			return db_failf(st, STORE_NOTFOUND, "no workflow number %lld (deleted?)",
					(long long)n->workflow_id);
		version = (int)v;
	}
	*id = 0;
	return insert_run(st, n, version, input, definition, now, 0, NULL, id);
}

/* A run not written yet (struct run_born), written by its first write. */
static int insert_born(struct store *st, const struct run_born *b, int64_t started_at, const struct run_end *end)
{
	char *input = b->run.input ? dump(b->run.input) : xstrdup("{}");
	int64_t id = b->id;
	int rc = input ? insert_run(st, &b->run, b->run.version, input, NULL, b->created_at, started_at, end, &id)
		       : db_failf(st, STORE_ERROR, "a run needs an input that is JSON");
	free(input);
	return rc;
}

struct ids_args {
	int count;
	int64_t *first;
};

static int ids_body(struct store *st, void *arg)
{
	struct ids_args *a = arg;
	int64_t last;
	/* sqlite_sequence has the table's row once a row was inserted. */
	int rc = db_exec(st, "INSERT INTO sqlite_sequence (name, seq) SELECT 'runs', coalesce((SELECT max(id) FROM runs), 0)"
			 " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'runs')", "");
	if (rc == STORE_OK)
		rc = db_int(st, &last, "UPDATE sqlite_sequence SET seq = seq + ?1 WHERE name = 'runs' RETURNING seq", "n",
			    a->count);
	if (rc == STORE_OK)
		*a->first = last - a->count + 1;
	return rc;
}

int store_run_ids(struct store *st, int count, int64_t *first)
{
	if (st->pg)
		return db_failf(st, STORE_ERROR, "run ids are reserved on SQLite only");
	struct ids_args a = { count, first };
	return db_write(st, ids_body, &a);
}

struct create_args {
	const struct run_new *n;
	const char *input, *definition;
	int64_t now, *id;
};

static int put_step(struct store *st, int64_t run_id, const json_t *step);

/* The run, and the steps it starts with (a test run from a block on). */
static int create_body(struct store *st, void *arg)
{
	struct create_args *a = arg;
	int rc = create_run(st, a->n, a->input, a->definition, a->now, a->id);
	size_t i;
	json_t *step;
	json_array_foreach(a->n->steps, i, step) if (rc == STORE_OK) rc = put_step(st, *a->id, step);
	return rc;
}

int store_run_create(struct store *st, const struct run_new *n, int64_t *id)
{
	char *input = n->input ? dump(n->input) : xstrdup("{}");
	char *definition = n->workflow_id ? NULL : dump(n->definition);
	struct create_args a = { n, input, definition, now_ms(), id };
	int rc = (!n->workflow_id && !definition) || !input
		? db_failf(st, STORE_ERROR, "a run needs a workflow or a definition, and an input that is JSON")
		: db_write(st, create_body, &a);
	free(input);
	free(definition);
	return rc;
}

int store_run_get(struct store *st, int64_t id, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_begin_read(st);
	if (rc != STORE_OK)
		return rc;
	rc = db_prepare(st, &stmt,
			"SELECT " RUN_COLUMNS ", r.input AS input, r.reply AS reply,"
			" coalesce(r.definition, (SELECT v.definition FROM workflow_versions v"
			"  WHERE v.workflow_id = r.workflow_id AND v.version = r.version)) AS definition"
			RUN_FROM " WHERE r.id = ?1", "i", id);
	json_t *run = NULL, *steps = NULL;
	if (rc == STORE_OK)
		rc = db_one(st, stmt, "input reply definition", &run);
	if (rc == STORE_NOTFOUND)
		rc = db_failf(st, STORE_NOTFOUND, "no run number %lld", (long long)id);
	if (rc == STORE_OK)
		rc = store_step_list(st, id, &steps);
	db_finish(st, STORE_OK);
	if (rc == STORE_OK) {
		json_object_set_new(run, "steps", steps);
		*out = run;
	} else {
		json_decref(run);
	}
	return rc;
}

int store_run_list(struct store *st, const struct run_query *q, json_t **items, int64_t *total)
{
	/* Each filter is "?N = 0 OR ...", so that one constant statement serves every combination. */
#define RUN_FILTER                                                                                                   \
	" WHERE (?1 = 0 OR r.workflow_id = ?1) AND (?2 IS NULL OR r.status = ?2)"                                  \
	" AND (?3 = 0 OR r.created_at >= ?3) AND (?4 = 0 OR r.created_at < ?4)"
	int rc = db_begin_read(st);
	if (rc != STORE_OK)
		return rc;
	rc = db_int(st, total, "SELECT count(*) FROM runs r" RUN_FILTER, "itii", q->workflow_id, q->status, q->since,
		    q->until);
	struct db_stmt *stmt;
	if (rc == STORE_OK)
		rc = db_prepare(st, &stmt, "SELECT " RUN_COLUMNS RUN_FROM RUN_FILTER " ORDER BY r.id DESC LIMIT ?5 OFFSET ?6",
				"itii" "ii", q->workflow_id, q->status, q->since, q->until, (int64_t)q->per_page,
				(int64_t)(q->page - 1) * q->per_page);
	if (rc == STORE_OK)
		rc = db_rows(st, stmt, "", items);
	db_finish(st, STORE_OK);
	return rc;
#undef RUN_FILTER
}

int store_run_claim(struct store *st, int64_t id, int64_t now, int64_t lease_until)
{
	int rc = db_exec(st, "UPDATE runs SET node = ?2, lease_until = ?4 WHERE id = ?1 AND status IN ('queued', 'running')"
			 " AND (node IS NULL OR node = ?2 OR lease_until < ?3)", "itii", id, st->node, now, lease_until);
	if (rc != STORE_OK || db_changes(st))
		return rc;
	int64_t unfinished;
	rc = db_int(st, &unfinished, "SELECT count(*) FROM runs WHERE id = ?1 AND status IN ('queued', 'running')", "i", id);
	if (rc != STORE_OK)
		return rc;
	return unfinished ? db_failf(st, STORE_CONFLICT, "run %lld is held by another node", (long long)id)
			  : db_failf(st, STORE_NOTFOUND, "run %lld has ended or is gone", (long long)id);
}

int store_run_renew(struct store *st, int64_t lease_until, int64_t *renewed)
{
	int rc = db_exec(st, "UPDATE runs SET lease_until = ?2 WHERE node = ?1 AND status IN ('queued', 'running')", "ti",
			 st->node, lease_until);
	*renewed = rc == STORE_OK ? db_changes(st) : 0;
	return rc;
}

int store_run_take_orphans(struct store *st, int64_t now, int64_t orphan_before, int64_t lease_until, int max,
			   json_t **ids)
{
	/* SKIP LOCKED: nodes looking at once take different runs, none waits. */
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, DB_SQL(st,
			    "UPDATE runs SET node = ?1, lease_until = ?4 WHERE id IN (SELECT id FROM runs"
			    " WHERE status IN ('queued', 'running') AND ((node IS NULL AND (lease_until = 0 OR created_at < ?3))"
			    " OR (node <> ?1 AND lease_until < ?2)) ORDER BY id LIMIT ?5) RETURNING id",
			    "UPDATE runs SET node = ?1, lease_until = ?4 WHERE id IN (SELECT id FROM runs"
			    " WHERE status IN ('queued', 'running') AND ((node IS NULL AND (lease_until = 0 OR created_at < ?3))"
			    " OR (node <> ?1 AND lease_until < ?2)) ORDER BY id LIMIT ?5 FOR UPDATE SKIP LOCKED) RETURNING id"),
			    "tiiii", st->node, now, orphan_before, lease_until, (int64_t)max);
	return rc == STORE_OK ? db_column(st, stmt, ids) : rc;
}

int store_run_offer(struct store *st, int64_t id)
{
	/* An ended lease and no node: store_run_take_orphans takes it at once.
	 * NOTIFY after the commit, so that a woken node finds the run offered. */
	int rc = db_exec(st, "UPDATE runs SET lease_until = 0 WHERE id = ?1 AND node IS NULL AND status = 'queued'", "i",
			 id);
	char payload[24];
	snprintf(payload, sizeof payload, "%lld", (long long)id);
	return rc == STORE_OK ? store_notify(st, STORE_RUNS_CHANNEL, payload) : rc;
}

int store_schedule_claim(struct store *st, int64_t workflow_id, int64_t last_fire, int64_t now)
{
	int rc = db_exec(st, "UPDATE schedule_ticks SET last_fire = ?3 WHERE workflow_id = ?1 AND last_fire = ?2", "iii",
			 workflow_id, last_fire, now);
	return rc == STORE_OK && !db_changes(st)
		? db_failf(st, STORE_CONFLICT, "another node took this round of workflow %lld", (long long)workflow_id)
		: rc;
}

int store_run_unfinished(struct store *st, json_t **ids)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT id FROM runs WHERE status IN ('queued', 'running') ORDER BY id", "");
	return rc == STORE_OK ? db_column(st, stmt, ids) : rc;
}

struct status_args {
	int64_t id;
	const char *status;
	int64_t at;
};

static int status_body(struct store *st, void *arg)
{
	struct status_args *a = arg;
	return db_exec(st, "UPDATE runs SET status = ?2, started_at = coalesce(started_at, ?3) WHERE id = ?1", "iti",
		       a->id, a->status, a->at);
}

int store_run_set_status(struct store *st, int64_t id, const char *status, int64_t at)
{
	struct status_args a = { id, status, at };
	return db_write(st, status_body, &a);
}

static int64_t int_field(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static int put_step(struct store *st, int64_t run_id, const json_t *step)
{
	const char *block = json_string_value(json_object_get(step, "block"));
	int rc = stats_step_ended(st, run_id, block, json_string_value(json_object_get(step, "status")),
				  int_field(step, "started_at"), int_field(step, "finished_at"));
	if (rc != STORE_OK)
		return rc;
	char *inputs = dump(json_object_get(step, "inputs")), *outputs = dump(json_object_get(step, "outputs"));
	char *logs = dump(json_object_get(step, "logs"));
	/* seq keeps the order steps first started in; a rewrite keeps it. */
	rc = db_exec(st,
			 "INSERT INTO steps (run_id, block, seq, status, outcome, attempts, started_at, finished_at,"
			 " inputs, outputs, logs, error, waited_ms, node) VALUES (?1, ?2,"
			 " (SELECT count(*) FROM steps WHERE run_id = ?1), ?3, ?4, ?5, NULLIF(?6, 0), NULLIF(?7, 0),"
			 " ?8, ?9, ?10, ?11, ?12, ?13)"
			 " ON CONFLICT (run_id, block) DO UPDATE SET status = excluded.status,"
			 " outcome = excluded.outcome, attempts = excluded.attempts, started_at = excluded.started_at,"
			 " finished_at = excluded.finished_at, inputs = excluded.inputs, outputs = excluded.outputs,"
			 " logs = excluded.logs, error = excluded.error, waited_ms = excluded.waited_ms,"
			 /* A step written again as it ended keeps the node that ran it. */
			 " node = CASE WHEN steps.finished_at = excluded.finished_at THEN steps.node ELSE excluded.node END",
			 "itttiii" "tttti" "t", run_id, block,
			 json_string_value(json_object_get(step, "status")),
			 json_string_value(json_object_get(step, "outcome")), int_field(step, "attempts"),
			 int_field(step, "started_at"), int_field(step, "finished_at"), inputs, outputs, logs,
			 json_string_value(json_object_get(step, "error")), int_field(step, "waited_ms"), st->node);
	free(inputs);
	free(outputs);
	free(logs);
	return rc;
}

struct step_args {
	int64_t run_id;
	const json_t *step;
};

static int step_body(struct store *st, void *arg)
{
	struct step_args *a = arg;
	return put_step(st, a->run_id, a->step);
}

int store_step_put(struct store *st, int64_t run_id, const json_t *step)
{
	struct step_args a = { run_id, step };
	return db_write(st, step_body, &a);
}

struct record_args {
	int64_t run_id, started_at;
	const json_t *steps;
	const struct run_born *born;
};

/* Fencing, after an UPDATE of run id guarded by "this node holds it": when
 * it changed nothing, STORE_NOT_HELD if another node holds the run (this one
 * stalled past its lease and the run was taken over); the caller's write is
 * rolled back, so a lost node never writes over the new holder's steps. */
#define HELD_HERE(n) "(?" #n " IS NULL OR node IS NULL OR node = ?" #n ")"
static int still_held(struct store *st, int64_t id)
{
	if (db_changes(st))
		return STORE_OK;
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT node FROM runs WHERE id = ?1", "i", id);
	if (rc != STORE_OK)
		return rc;
	char *holder = db_step(st, stmt) == DB_ROW ? db_col_strdup(stmt, 0) : NULL;
	db_release(st, stmt);
	rc = holder && st->node && strcmp(holder, st->node)
		? db_failf(st, STORE_NOT_HELD, "run %lld was taken over by node %s", (long long)id, holder)
		: STORE_OK;
	free(holder);
	return rc;
}

static int record_body(struct store *st, void *arg)
{
	struct record_args *a = arg;
	/* The run's start when it has one; on PostgreSQL, every time, the fence. */
	bool guard = !a->born && (a->started_at || st->pg);
	int rc = a->born ? insert_born(st, a->born, a->started_at, NULL)
		: guard ? db_exec(st, "UPDATE runs SET status = CASE status WHEN 'queued' THEN 'running' ELSE status END,"
				 " started_at = coalesce(started_at, NULLIF(?2, 0)) WHERE id = ?1 AND " HELD_HERE(3),
				 "iit", a->run_id, a->started_at, st->node)
		       : STORE_OK;
	if (rc == STORE_OK && guard)
		rc = still_held(st, a->run_id);
	size_t i;
	json_t *step;
	json_array_foreach(a->steps, i, step) if (rc == STORE_OK) rc = put_step(st, a->run_id, step);
	return rc;
}

int store_run_record(struct store *st, int64_t run_id, int64_t started_at, const json_t *steps,
		     const struct run_born *born)
{
	struct record_args a = { run_id, started_at, steps, born };
	return db_write(st, record_body, &a);
}

static int finish_run(struct store *st, int64_t id, const struct run_end *end)
{
	size_t i;
	json_t *step;
	/* A run written first at its end is inserted as it ended, before its steps. */
	int rc = end->born ? insert_born(st, end->born, end->started_at, end) : STORE_OK;
	json_array_foreach(end->steps, i, step) if (rc == STORE_OK) rc = put_step(st, id, step);
	char *reply = end->born ? NULL : dump(end->reply);
	if (rc == STORE_OK && !end->born)
		rc = db_exec(st, "UPDATE runs SET status = ?2, error = ?3, failed_block = ?4, reply = ?5, finished_at = ?6,"
			     " waited_ms = ?7, started_at = coalesce(started_at, NULLIF(?8, 0)) WHERE id = ?1 AND " HELD_HERE(9),
			     "ittttiii" "t", id, end->status, end->error, end->failed_block, reply, end->at, end->waited_ms,
			     end->started_at, st->node);
	free(reply);
	if (rc == STORE_OK && !end->born)
		rc = still_held(st, id);
	if (rc == STORE_OK)
		rc = stats_run_ended(st, id);
	if (rc == STORE_OK && end->dead_letter)
		rc = db_exec(st, "INSERT INTO dead_letters (run_id, block, error, created_at) VALUES (?1, ?2, ?3, ?4)",
			     "itti", id, end->failed_block, end->error ? end->error : "failed", end->at);
	/* The caller's own record, undone alone if it fails: the run's end stays. */
	if (rc == STORE_OK && end->also && (rc = db_exec(st, "SAVEPOINT also", "")) == STORE_OK) {
		if (end->also(st, end->also_arg) != STORE_OK)
			rc = db_exec(st, "ROLLBACK TO also", "");
		if (rc == STORE_OK)
			rc = db_exec(st, "RELEASE also", "");
	}
	return rc;
}

struct finish_args {
	int64_t id;
	const struct run_end *end;
};

static int finish_body(struct store *st, void *arg)
{
	struct finish_args *a = arg;
	return finish_run(st, a->id, a->end);
}

int store_run_finish(struct store *st, int64_t id, const struct run_end *end)
{
	struct finish_args a = { id, end };
	return db_write(st, finish_body, &a);
}

int store_step_list(struct store *st, int64_t run_id, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "SELECT block, status, outcome, attempts, started_at, finished_at, waited_ms, inputs, outputs,"
			    " logs, error, node FROM steps WHERE run_id = ?1 ORDER BY seq", "i", run_id);
	return rc == STORE_OK ? db_rows(st, stmt, "inputs outputs logs", out) : rc;
}

int store_block_last_error(struct store *st, int64_t workflow_id, const char *block, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "SELECT s.run_id AS run_id, s.error AS error FROM steps s WHERE s.run_id = (SELECT id FROM runs"
			    " WHERE workflow_id = ?1 AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1)"
			    " AND s.block = ?2 AND s.status = 'failed' AND s.error IS NOT NULL", "it", workflow_id, block);
	return rc == STORE_OK ? db_one(st, stmt, "", out) : rc;
}

/* Forgets the failed steps and the skipped ones (which may now run), and
 * queues the run again: it goes on from where it failed. */
static int requeue(struct store *st, int64_t actor, int64_t id)
{
	int64_t n;
	int rc = db_int(st, &n, "SELECT count(*) FROM runs WHERE id = ?1 AND status IN ('failed', 'cancelled')", "i", id);
	if (rc == STORE_OK && !n)
		rc = db_failf(st, STORE_CONFLICT, "run %lld has not failed: only a failed or cancelled run can be retried",
			      (long long)id);
	if (rc == STORE_OK)
		rc = db_exec(st, "DELETE FROM steps WHERE run_id = ?1 AND status NOT IN ('ok')", "i", id);
	if (rc == STORE_OK)
		rc = db_exec(st, "UPDATE runs SET status = 'queued', error = NULL, failed_block = NULL, reply = NULL,"
			     " finished_at = NULL WHERE id = ?1", "i", id);
	return rc == STORE_OK ? audit_add(st, actor, "run.retry", "run", id, NULL) : rc;
}

int store_run_requeue(struct store *st, int64_t actor, int64_t id)
{
	int rc = db_begin(st);
	return rc == STORE_OK ? db_finish(st, requeue(st, actor, id)) : rc;
}

int store_run_ancestors(struct store *st, int64_t id, json_t **workflow_ids)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "WITH RECURSIVE chain(id, workflow_id, parent, hops) AS ("
			    " SELECT id, workflow_id, parent_run_id, 0 FROM runs WHERE id = ?1"
			    " UNION ALL SELECT r.id, r.workflow_id, r.parent_run_id, c.hops + 1 FROM runs r"
			    " JOIN chain c ON r.id = c.parent WHERE c.hops < 64)"
			    " SELECT workflow_id FROM chain ORDER BY hops", "i", id);
	return rc == STORE_OK ? db_column(st, stmt, workflow_ids) : rc;
}

int store_run_result(struct store *st, int64_t id, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT status, error, reply FROM runs WHERE id = ?1", "i", id);
	if (rc == STORE_OK)
		rc = db_one(st, stmt, "reply", out);
	return rc == STORE_NOTFOUND ? db_failf(st, rc, "no run number %lld", (long long)id) : rc;
}

int store_run_child(struct store *st, int64_t run_id, const char *block, int64_t *child_id)
{
	return db_int(st, child_id, "SELECT max(id) FROM runs WHERE parent_run_id = ?1 AND parent_block = ?2", "it",
		      run_id, block);
}

int store_dead_letter_list(struct store *st, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "SELECT d.id AS id, d.run_id AS run_id, r.workflow_id AS workflow_id,"
			    " coalesce(w.name, json_extract(r.definition, '$.name')) AS workflow_name, d.block AS block,"
			    " d.error AS error, d.created_at AS created_at FROM dead_letters d JOIN runs r ON r.id = d.run_id"
			    " LEFT JOIN workflows w ON w.id = r.workflow_id WHERE d.retried_at IS NULL ORDER BY d.id DESC"
			    " LIMIT 500", "");
	return rc == STORE_OK ? db_rows(st, stmt, "", out) : rc;
}

static int retry_dead_letter(struct store *st, int64_t actor, int64_t id, int64_t *run_id)
{
	int rc = db_int(st, run_id, "SELECT run_id FROM dead_letters WHERE id = ?1 AND retried_at IS NULL", "i", id);
	if (rc == STORE_OK && !*run_id)
		rc = db_failf(st, STORE_NOTFOUND, "no open dead letter number %lld (retried already?)", (long long)id);
	if (rc == STORE_OK)
		rc = db_exec(st, "UPDATE dead_letters SET retried_at = ?2 WHERE id = ?1", "ii", id, now_ms());
	return rc == STORE_OK ? requeue(st, actor, *run_id) : rc;
}

int store_dead_letter_retry(struct store *st, int64_t actor, int64_t id, int64_t *run_id)
{
	int rc = db_begin(st);
	return rc == STORE_OK ? db_finish(st, retry_dead_letter(st, actor, id, run_id)) : rc;
}

int store_webhook_get(struct store *st, int64_t workflow_id, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "SELECT token, secret IS NOT NULL AS signed, created_at FROM webhooks WHERE workflow_id = ?1",
			    "i", workflow_id);
	if (rc == STORE_OK)
		rc = db_one(st, stmt, "", out);
	return rc == STORE_NOTFOUND ? db_failf(st, rc, "workflow %lld has no webhook", (long long)workflow_id) : rc;
}

int store_webhook_target(struct store *st, const char *token, json_t **workflow, char **secret)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "SELECT h.workflow_id, h.secret, w.current_version, w.active, v.definition FROM webhooks h"
			    " JOIN workflows w ON w.id = h.workflow_id"
			    " JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version"
			    " WHERE h.token = ?1", "t", token);
	if (rc != STORE_OK)
		return rc;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		json_t *definition = db_col_json(st, stmt, 4);
		if (definition) {
			*workflow = json_pack("{s:I, s:i, s:o, s:b}", "id", (json_int_t)db_col_int64(stmt, 0), "version",
					      (int)db_col_int64(stmt, 2), "definition", definition, "active",
					      (int)db_col_int64(stmt, 3));
			*secret = db_col_strdup(stmt, 1);
			rc = STORE_OK;
		} else {
			rc = STORE_CORRUPT;
		}
	} else if (rc == STORE_OK) {
		rc = db_failf(st, STORE_NOTFOUND, "no webhook has this address");
	}
	db_release(st, stmt);
	return rc;
}

static int set_webhook(struct store *st, int64_t actor, int64_t workflow_id, const char *token, const char *secret)
{
	int rc = db_exec(st, "INSERT INTO webhooks (workflow_id, token, secret, created_at) VALUES (?1, ?2, ?3, ?4)"
			 " ON CONFLICT (workflow_id) DO UPDATE SET token = excluded.token, secret = excluded.secret,"
			 " created_at = excluded.created_at", "itti", workflow_id, token, secret, now_ms());
	return rc == STORE_OK ? audit_add(st, actor, secret ? "webhook.signed" : "webhook.create", "workflow",
					  workflow_id, NULL) : rc;
}

int store_webhook_set(struct store *st, int64_t actor, int64_t workflow_id, const char *token, const char *secret)
{
	int rc = db_begin(st);
	return rc == STORE_OK ? db_finish(st, set_webhook(st, actor, workflow_id, token, secret)) : rc;
}

struct delivery_args {
	int64_t workflow_id;
	const char *method, *input;
	int status;
	const char *message;
	int64_t run_id, at, *id;
};

static int delivery_body(struct store *st, void *arg)
{
	struct delivery_args *a = arg;
	int64_t id;
	int rc = db_int(st, &id, "INSERT INTO deliveries (workflow_id, received_at, method, input, status, message, run_id)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, 0)) RETURNING id", "iittnti", a->workflow_id, a->at,
			a->method, a->input, a->status, a->message, a->run_id);
	if (rc == STORE_OK && a->id)
		*a->id = id;
	return rc;
}

/* inside: 1 when the caller holds the transaction (store_delivery_add_in). */
static int add_delivery(struct store *st, int inside, int64_t workflow_id, const char *method, const json_t *input,
			int status, const char *message, int64_t run_id, int64_t at, int64_t *id)
{
	char *in = dump(input);
	struct delivery_args a = { workflow_id, method, in ? in : "{}", status, message, run_id, at, id };
	int rc = inside ? delivery_body(st, &a) : db_write(st, delivery_body, &a);
	free(in);
	return rc;
}

int store_delivery_add(struct store *st, int64_t workflow_id, const char *method, const json_t *input, int status,
		       const char *message, int64_t run_id, int64_t at, int64_t *id)
{
	return add_delivery(st, 0, workflow_id, method, input, status, message, run_id, at, id);
}

int store_delivery_add_in(struct store *st, int64_t workflow_id, const char *method, const json_t *input, int status,
			  const char *message, int64_t run_id, int64_t at)
{
	return add_delivery(st, 1, workflow_id, method, input, status, message, run_id, at, NULL);
}

#define DELIVERY_COLUMNS "id, workflow_id, received_at, method, input, status, message, run_id FROM deliveries"

int store_delivery_list(struct store *st, int64_t workflow_id, int limit, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT " DELIVERY_COLUMNS " WHERE workflow_id = ?1 ORDER BY id DESC LIMIT ?2",
			    "in", workflow_id, limit);
	return rc == STORE_OK ? db_rows(st, stmt, "input", out) : rc;
}

int store_delivery_get(struct store *st, int64_t id, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT " DELIVERY_COLUMNS " WHERE id = ?1", "i", id);
	if (rc == STORE_OK)
		rc = db_one(st, stmt, "input", out);
	return rc == STORE_NOTFOUND ? db_failf(st, rc, "no delivery number %lld", (long long)id) : rc;
}

static int claim(struct store *st, const char *key, int64_t at, int64_t before)
{
	int rc = db_exec(st, "DELETE FROM replay_keys WHERE at < ?1", "i", before);
	if (rc == STORE_OK)
		rc = db_exec(st, "INSERT INTO replay_keys (key, at) VALUES (?1, ?2)", "ti", key, at);
	if (rc == STORE_CONFLICT)
		db_failf(st, rc, "this signed delivery was received before: a replay is refused");
	return rc;
}

struct claim_args {
	const char *key;
	int64_t at, before;
};

static int claim_body(struct store *st, void *arg)
{
	struct claim_args *a = arg;
	return claim(st, a->key, a->at, a->before);
}

int store_replay_claim(struct store *st, const char *key, int64_t at, int64_t before)
{
	struct claim_args a = { key, at, before };
	return db_write(st, claim_body, &a);
}

int store_poll_known(struct store *st, int64_t workflow_id, int max, json_t **keys)
{
	struct db_stmt *stmt;
	*keys = NULL;
	int rc = db_prepare(st, &stmt, "SELECT key FROM poll_seen WHERE workflow_id = ?1 AND last_seen ="
			    " (SELECT max(last_seen) FROM poll_seen WHERE workflow_id = ?1) LIMIT ?2", "ii", workflow_id,
			    (int64_t)max);
	return rc == STORE_OK ? db_column(st, stmt, keys) : rc;
}

int store_schedule_list(struct store *st, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "SELECT w.id AS workflow_id, json_extract(v.definition, '$.trigger.cron') AS cron,"
			    " json_extract(v.definition, '$.trigger.timezone') AS timezone, t.last_fire AS last_fire,"
			    " json_extract(v.definition, '$.trigger') AS trigger"
			    " FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id"
			    " AND v.version = w.current_version LEFT JOIN schedule_ticks t ON t.workflow_id = w.id"
			    " WHERE w.active = 1 AND json_valid(v.definition)"
			    " AND json_extract(v.definition, '$.trigger.type') IN ('schedule', 'poll') ORDER BY w.id", "");
	return rc == STORE_OK ? db_rows(st, stmt, "trigger", out) : rc;
}

int store_schedule_fired(struct store *st, int64_t workflow_id, int64_t tick, const char *error)
{
	return db_exec(st, "INSERT INTO schedule_ticks (workflow_id, last_fire, error) VALUES (?1, ?2, ?3)"
		       " ON CONFLICT (workflow_id) DO UPDATE SET last_fire = excluded.last_fire, error = excluded.error",
		       "iit", workflow_id, tick, error);
}

int store_schedule_state(struct store *st, int64_t workflow_id, json_t **out)
{
	struct db_stmt *stmt;
	*out = NULL;
	int rc = db_prepare(st, &stmt, "SELECT last_fire, error FROM schedule_ticks WHERE workflow_id = ?1", "i",
			    workflow_id);
	if (rc == STORE_OK)
		rc = db_one(st, stmt, "", out);
	if (rc == STORE_NOTFOUND) {
		*out = json_object();
		rc = STORE_OK;
	}
	return rc;
}

int store_poll_seen(struct store *st, int64_t workflow_id, const char *key, int64_t now, int *is_new)
{
	int64_t known = 0;
	int rc = db_int(st, &known, "SELECT count(*) FROM poll_seen WHERE workflow_id = ?1 AND key = ?2", "it",
			workflow_id, key);
	if (rc == STORE_OK)
		rc = db_exec(st, "INSERT INTO poll_seen (workflow_id, key, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)"
			     " ON CONFLICT (workflow_id, key) DO UPDATE SET last_seen = ?3", "iti", workflow_id, key, now);
	*is_new = rc == STORE_OK && !known;
	return rc;
}

int store_poll_forget(struct store *st, int64_t workflow_id, int64_t forget_before)
{
	return db_exec(st, "DELETE FROM poll_seen WHERE workflow_id = ?1 AND last_seen < ?2", "ii", workflow_id,
		       forget_before);
}

static int prune(struct store *st, int64_t now, int64_t max_age_ms, int64_t keep_count, int64_t *deleted)
{
	int rc = STORE_OK;
	*deleted = 0;
	if (max_age_ms > 0) {
		rc = db_exec(st, "DELETE FROM runs WHERE finished_at IS NOT NULL AND finished_at < ?1", "i",
			     now - max_age_ms);
		*deleted += db_changes(st);
	}
	if (rc == STORE_OK && keep_count > 0) {
		rc = db_exec(st, "DELETE FROM runs WHERE finished_at IS NOT NULL AND id IN (SELECT id FROM"
			     " (SELECT id, row_number() OVER (PARTITION BY coalesce(workflow_id, 0) ORDER BY id DESC)"
			     " AS n FROM runs) AS ranked WHERE n > ?1)", "i", keep_count);
		*deleted += db_changes(st);
	}
	return rc;
}

int store_run_prune(struct store *st, int64_t now, int64_t max_age_ms, int64_t keep_count, int64_t *deleted)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, prune(st, now, max_age_ms, keep_count, deleted));
	/* auto_vacuum=incremental: the freed pages go back to the file system here. */
	if (rc == STORE_OK && *deleted && !st->pg)
		rc = db_exec(st, "PRAGMA incremental_vacuum", "");
	return rc;
}
