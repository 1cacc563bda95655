/* What pages add to store rows for people: links and readable times. The
 * JSON twins carry them too, so a script can follow the same links. */
#ifndef AXON_DECORATE_H
#define AXON_DECORATE_H
#include <jansson.h>
#include <stdint.h>

/* obj[to] = obj[from] (unix seconds) as "2026-11-22 01:40 UTC"; "never" when null. */
void add_time(json_t *obj, const char *from, const char *to);
void decorate_workflow(json_t *wf);
void decorate_workflows(json_t *list);
void decorate_versions(json_t *versions, int64_t workflow_id);
void decorate_users(json_t *users, int64_t me);
void decorate_tokens(json_t *tokens);

/* Runs (times in unix milliseconds). */
/* obj[to] = obj[from] (unix ms) as "2026-11-22 01:40:05 UTC"; if_null when null. */
void add_time_ms(json_t *obj, const char *from, const char *to, const char *if_null);
/* A duration for people: "350 ms", "4.2 s", "3 min 5 s", "2 h 10 min". */
void format_duration_ms(int64_t ms, char *buf, size_t len);
/* url, workflow_url, version_url, workflow_label (also for a run without a name),
 * times, duration_ms and duration, status_class, active. */
void decorate_run(json_t *run, int64_t now_ms);
void decorate_runs(json_t *runs, int64_t now_ms);
/* A step of run_id: anchor, outputs_url, times, duration, status_class, outcome_class. */
void decorate_step(json_t *step, int64_t run_id, int64_t now_ms);
/* run_url, step_url, workflow_url, workflow_label, retry_url, created. */
void decorate_dead_letters(json_t *letters);

#endif
