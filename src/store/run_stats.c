/* The dashboard's figures. Written as runs and steps end, in the writer's
 * transaction: one row per period (an hour, a day) and workflow (and status,
 * duration bucket or block) is added to or created, so that reading a
 * month's figures reads a few thousand small rows and never scans runs. A retried run counts once
 * per ending. Read: the runs per hour or per day by status, the duration
 * buckets per workflow, the blocks, and what is in the runs table now. */
#include <stdbool.h>
#include <string.h>

#include "db.h"

#define HOUR_MS 3600000LL
#define RUN_DURATION "max(0, r.finished_at - coalesce(r.started_at, r.created_at))"
/* The run, once ended, joined with every span (an hour, a day): one row each. */
#define RUN_ENDED_IN_SPANS                                                                                             \
	" FROM runs r, stat_spans s WHERE r.id = ?1 AND r.finished_at IS NOT NULL"                                 \
	" AND r.status IN ('succeeded', 'failed', 'cancelled')"

int stats_run_ended(struct store *st, int64_t run_id)
{
	int rc = db_exec(st,
			 "INSERT INTO run_stats (span, start_hour, workflow_id, status, runs, duration_ms)"
			 " SELECT s.hours, r.finished_at / 3600000 / s.hours * s.hours, coalesce(r.workflow_id, 0),"
			 " r.status, 1, " RUN_DURATION RUN_ENDED_IN_SPANS
			 " ON CONFLICT (span, start_hour, workflow_id, status) DO UPDATE SET runs = run_stats.runs + 1,"
			 " duration_ms = run_stats.duration_ms + excluded.duration_ms", "i", run_id);
	if (rc == STORE_OK)
		rc = db_exec(st,
			     "INSERT INTO run_duration_stats (span, start_hour, workflow_id, le_ms, runs)"
			     " SELECT s.hours, r.finished_at / 3600000 / s.hours * s.hours, coalesce(r.workflow_id, 0),"
			     " (SELECT min(le_ms) FROM duration_buckets WHERE le_ms >= " RUN_DURATION "), 1"
			     RUN_ENDED_IN_SPANS
			     " ON CONFLICT (span, start_hour, workflow_id, le_ms) DO UPDATE SET runs = run_duration_stats.runs + 1",
			     "i", run_id);
	return rc;
}

int stats_step_ended(struct store *st, int64_t run_id, const char *block, const char *status, int64_t started_at,
		     int64_t finished_at)
{
	/* Counted when the step first reaches its end: a rewrite of an ended step is not another step. */
	return db_exec(st,
		       "INSERT INTO step_days (start_hour, workflow_id, block, steps, failures, duration_ms)"
		       " SELECT ?4 / 86400000 * 24, coalesce(r.workflow_id, 0), ?2, 1,"
		       " CASE WHEN ?3 = 'failed' THEN 1 ELSE 0 END,"
		       " max(0, ?4 - coalesce(NULLIF(?5, 0), ?4)) FROM runs r"
		       " WHERE r.id = ?1 AND ?3 IN ('ok', 'failed') AND ?4 > 0 AND NOT EXISTS"
		       " (SELECT 1 FROM steps s WHERE s.run_id = ?1 AND s.block = ?2 AND s.status IN ('ok', 'failed'))"
		       " ON CONFLICT (start_hour, workflow_id, block) DO UPDATE SET steps = step_days.steps + 1,"
		       " failures = step_days.failures + excluded.failures,"
		       " duration_ms = step_days.duration_ms + excluded.duration_ms",
		       "ittii", run_id, block, status, finished_at, started_at);
}

/* Each filter is "?N = 0 OR ...": workflow 0 means every workflow. */
/* Periods of span hours from since_hour on. */
static int run_periods(struct store *st, const struct stats_query *q, int64_t span, int64_t since_hour, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "SELECT start_hour * 3600000 AS start, status, sum(runs) AS runs FROM run_stats"
			    " WHERE span = ?2 AND start_hour >= ?3 AND (?1 = 0 OR workflow_id = ?1)"
			    " GROUP BY start_hour, status ORDER BY start_hour, status",
			    "iii", q->workflow_id, span, since_hour);
	return rc == STORE_OK ? db_rows(st, stmt, "", out) : rc;
}

static int duration_buckets(struct store *st, const struct stats_query *q, int64_t span, int64_t since_hour,
			    json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "SELECT d.workflow_id AS workflow_id, w.name AS workflow_name, d.le_ms AS le_ms,"
			    " sum(d.runs) AS runs FROM run_duration_stats d LEFT JOIN workflows w ON w.id = d.workflow_id"
			    " WHERE d.span = ?2 AND d.start_hour >= ?3 AND (?1 = 0 OR d.workflow_id = ?1)"
			    " GROUP BY d.workflow_id, w.name, d.le_ms ORDER BY d.workflow_id, d.le_ms",
			    "iii", q->workflow_id, span, since_hour);
	return rc == STORE_OK ? db_rows(st, stmt, "", out) : rc;
}

static int blocks(struct store *st, const struct stats_query *q, int64_t since_hour, bool by_failures, json_t **out)
{
	struct db_stmt *stmt;
	/* Two constant statements: the order is not a parameter SQL can take. */
#define BLOCK_SELECT                                                                                                  \
	"SELECT b.workflow_id AS workflow_id, w.name AS workflow_name, b.block AS block, sum(b.steps) AS steps,"     \
	" sum(b.failures) AS failures, sum(b.duration_ms) / sum(b.steps) AS mean_ms"                               \
	" FROM step_days b LEFT JOIN workflows w ON w.id = b.workflow_id"                                          \
	" WHERE b.start_hour >= ?2 AND (?1 = 0 OR b.workflow_id = ?1) GROUP BY b.workflow_id, w.name, b.block"
	int rc = by_failures
		? db_prepare(st, &stmt, BLOCK_SELECT " HAVING sum(b.failures) > 0 ORDER BY failures DESC, steps LIMIT ?3", "iii",
			     q->workflow_id, since_hour, (int64_t)q->limit)
		: db_prepare(st, &stmt, BLOCK_SELECT " ORDER BY mean_ms DESC LIMIT ?3", "iii", q->workflow_id, since_hour,
			     (int64_t)q->limit);
#undef BLOCK_SELECT
	return rc == STORE_OK ? db_rows(st, stmt, "", out) : rc;
}

static int recent_failures(struct store *st, const struct stats_query *q, json_t **out)
{
	struct db_stmt *stmt;
	int rc = q->workflow_id
		? db_prepare(st, &stmt,
			     "SELECT r.id AS id, r.workflow_id AS workflow_id, w.name AS workflow_name,"
			     " r.failed_block AS failed_block, r.error AS error, r.finished_at AS finished_at"
			     " FROM runs r LEFT JOIN workflows w ON w.id = r.workflow_id"
			     " WHERE r.workflow_id = ?1 AND r.status = 'failed' ORDER BY r.id DESC LIMIT ?2",
			     "ii", q->workflow_id, (int64_t)q->limit)
		: db_prepare(st, &stmt,
			     "SELECT r.id AS id, r.workflow_id AS workflow_id, w.name AS workflow_name,"
			     " r.failed_block AS failed_block, r.error AS error, r.finished_at AS finished_at"
			     " FROM runs r LEFT JOIN workflows w ON w.id = r.workflow_id"
			     " WHERE r.status = 'failed' ORDER BY r.id DESC LIMIT ?2",
			     "ii", q->workflow_id, (int64_t)q->limit);
	return rc == STORE_OK ? db_rows(st, stmt, "", out) : rc;
}

/* The first run created at or after `at`, by halving the range of ids (runs
 * are numbered in the order they are created): about 20 lookups by id where
 * a condition on created_at would read every run. max + 1 when there is none. */
static int first_run_since(struct store *st, int64_t at, int64_t lo, int64_t hi, int64_t *id)
{
	while (lo <= hi) {
		int64_t mid = lo + (hi - lo) / 2, created = 0, found = 0;
		int rc = db_int(st, &found, "SELECT id FROM runs WHERE id >= ?1 ORDER BY id LIMIT 1", "i", mid);
		if (rc == STORE_OK && found)
			rc = db_int(st, &created, "SELECT created_at FROM runs WHERE id = ?1", "i", found);
		if (rc != STORE_OK)
			return rc;
		if (found && created < at)
			lo = found + 1;
		else
			hi = mid - 1;
	}
	*id = lo;
	return STORE_OK;
}

static int runs_now(struct store *st, const struct stats_query *q, struct stats_runs_now *now)
{
	memset(now, 0, sizeof *now);
	int64_t min_id = 0, max_id = 0, since = 0;
	int rc = run_backlog(st, &now->queued, &now->running);
	if (rc == STORE_OK)
		rc = db_int(st, &now->oldest_queued_at, "SELECT min(created_at) FROM runs WHERE status IN ('queued', 'running')"
				   " AND status = 'queued'", "");
	if (rc == STORE_OK)
		rc = db_int(st, &min_id, "SELECT min(id) FROM runs", "");
	if (rc == STORE_OK)
		rc = db_int(st, &max_id, "SELECT max(id) FROM runs", "");
	if (rc != STORE_OK || !max_id)
		return rc;
	now->stored_estimate = max_id - min_id + 1;
	if (q->keep_for_ms > 0) {
		rc = first_run_since(st, q->now - q->keep_for_ms, min_id, max_id, &since);
		now->prunable_estimate = since - min_id;
	}
	return rc;
}

int store_stats(struct store *st, const struct stats_query *q, struct stats *out)
{
	memset(out, 0, sizeof *out);
	int64_t hour = q->now / HOUR_MS, day_start = (hour / 24 - 29) * 24, hour_start = hour - 23;
	int rc = db_begin_read(st);
	if (rc != STORE_OK)
		return rc;
	rc = run_periods(st, q, 1, hour_start, &out->hours);
	/* The last 30 days, today included, from midnight UTC. */
	if (rc == STORE_OK)
		rc = run_periods(st, q, 24, day_start, &out->days);
	if (rc == STORE_OK)
		rc = duration_buckets(st, q, 1, hour_start, &out->day_durations);
	if (rc == STORE_OK)
		rc = duration_buckets(st, q, 24, day_start, &out->month_durations);
	struct db_stmt *stmt;
	if (rc == STORE_OK)
		rc = db_prepare(st, &stmt, "SELECT le_ms FROM duration_buckets ORDER BY le_ms", "");
	if (rc == STORE_OK)
		rc = db_column(st, stmt, &out->bucket_bounds);
	if (rc == STORE_OK)
		rc = blocks(st, q, day_start, false, &out->slowest_blocks);
	if (rc == STORE_OK)
		rc = blocks(st, q, day_start, true, &out->failing_blocks);
	if (rc == STORE_OK)
		rc = recent_failures(st, q, &out->recent_failures);
	if (rc == STORE_OK)
		rc = runs_now(st, q, &out->runs_now);
	if (rc == STORE_OK)
		rc = store_disk_usage(st, &out->disk);
	db_finish(st, STORE_OK);
	if (rc != STORE_OK)
		stats_free(out);
	return rc;
}

void stats_free(struct stats *s)
{
	json_decref(s->hours);
	json_decref(s->days);
	json_decref(s->day_durations);
	json_decref(s->month_durations);
	json_decref(s->bucket_bounds);
	json_decref(s->slowest_blocks);
	json_decref(s->failing_blocks);
	json_decref(s->recent_failures);
	memset(s, 0, sizeof *s);
}
