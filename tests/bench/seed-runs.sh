#!/bin/bash
# seed-runs.sh DB WORKFLOWS [RUNS] [STEPS_PER_RUN]: fills the Axon database
# DB (created by axond, stopped meanwhile) with RUNS finished runs (default
# 1,000,000) spread over the last 30 days across the workflows WORKFLOWS (a
# comma-separated list of ids that exist), each with STEPS_PER_RUN steps
# (default 5), and with the dashboard's figures per hour and per day that those runs would
# have left (the same sums as migration 6's backfill). One transaction, SQL
# only: 1,000,000 runs and 5,000,000 steps take about a minute.
# About 1 run in 20 fails at its third step, 1 in 97 is cancelled; a run
# takes 20 ms to a few seconds, a few take a minute.
set -eu
db=${1:?usage: seed-runs.sh DB WORKFLOWS [RUNS] [STEPS_PER_RUN]}
workflows=${2:?usage: seed-runs.sh DB WORKFLOWS [RUNS] [STEPS_PER_RUN]}
runs=${3:-1000000}
steps=${4:-5}
case "$workflows,$runs,$steps" in
*[!0-9,]*) echo "seed-runs.sh: WORKFLOWS must be ids separated by commas, RUNS and STEPS_PER_RUN numbers" >&2; exit 2 ;;
esac
now=$(($(date +%s) * 1000))
span=$((30 * 86400 * 1000 - 3600 * 1000)) # up to an hour ago

sqlite3 "$db" <<SQL
.bail on
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -200000;
BEGIN;
CREATE TEMP TABLE seed_workflows (n INTEGER PRIMARY KEY, id INTEGER NOT NULL);
INSERT INTO seed_workflows (id) SELECT value FROM json_each('[$workflows]');
CREATE TEMP TABLE seed_after AS SELECT coalesce(max(id), 0) AS id FROM runs;
-- Run i of n is created at now - span + i * span / n; its duration d depends on i.
INSERT INTO runs (workflow_id, version, trigger, input, status, error, failed_block, created_at, started_at,
		  finished_at)
SELECT w.id, 1, 'manual', '{"n":' || i || '}',
       CASE WHEN i % 20 = 0 THEN 'failed' WHEN i % 97 = 0 THEN 'cancelled' ELSE 'succeeded' END,
       CASE WHEN i % 20 = 0 THEN 'the seeded failure of run ' || i END,
       CASE WHEN i % 20 = 0 THEN 'b2' END,
       t, t + 5, t + 5 + d
FROM (WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $runs)
      SELECT i, $now - $span + i * $span / $runs AS t,
             CASE WHEN i % 1000 = 0 THEN 60000 ELSE 20 + (i * 7919) % (200 + (i % 13) * 300) END AS d FROM seq)
JOIN seed_workflows w ON w.n = 1 + i % (SELECT count(*) FROM seed_workflows);
-- Steps b0..b(k-1) share the run's duration; a failed run's steps stop at b2.
INSERT INTO steps (run_id, block, seq, status, outcome, attempts, started_at, finished_at, outputs)
SELECT r.id, 'b' || k, k,
       CASE WHEN r.status = 'failed' AND k = 2 THEN 'failed' WHEN r.status = 'failed' AND k > 2 THEN 'skipped'
            ELSE 'ok' END,
       CASE WHEN r.status = 'failed' AND k = 2 THEN 'error' WHEN r.status = 'failed' AND k > 2 THEN NULL ELSE 'ok' END,
       1, CASE WHEN r.status = 'failed' AND k > 2 THEN NULL ELSE r.started_at + (r.finished_at - r.started_at) * k / $steps END,
       CASE WHEN r.status = 'failed' AND k > 2 THEN NULL
            ELSE r.started_at + (r.finished_at - r.started_at) * (k + 1) / $steps END,
       '{"out":{"k":' || k || '}}'
FROM runs r JOIN (WITH RECURSIVE ks(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM ks WHERE k < $steps - 1) SELECT k FROM ks)
WHERE r.id > (SELECT id FROM seed_after);
-- The dashboard's figures, summed as migration 6's backfill sums them.
DELETE FROM run_stats; DELETE FROM run_duration_stats; DELETE FROM step_days;
CREATE TEMP VIEW ended AS SELECT finished_at / 3600000 AS hour, coalesce(workflow_id, 0) AS workflow_id, status,
  max(0, finished_at - coalesce(started_at, created_at)) AS duration_ms FROM runs
  WHERE finished_at IS NOT NULL AND status IN ('succeeded', 'failed', 'cancelled');
INSERT INTO run_stats SELECT s.hours, e.hour / s.hours * s.hours, e.workflow_id, e.status, count(*),
  sum(e.duration_ms) FROM ended e, stat_spans s GROUP BY 1, 2, 3, 4;
INSERT INTO run_duration_stats SELECT s.hours, e.hour / s.hours * s.hours, e.workflow_id,
  (SELECT min(le_ms) FROM duration_buckets WHERE le_ms >= e.duration_ms), count(*)
  FROM ended e, stat_spans s GROUP BY 1, 2, 3, 4;
INSERT INTO step_days SELECT s.finished_at / 86400000 * 24, coalesce(r.workflow_id, 0), s.block, count(*),
  sum(s.status = 'failed'), sum(max(0, s.finished_at - coalesce(s.started_at, s.finished_at)))
  FROM steps s JOIN runs r ON r.id = s.run_id
  WHERE s.finished_at IS NOT NULL AND s.status IN ('ok', 'failed') GROUP BY 1, 2, 3;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
