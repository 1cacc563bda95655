/* The dashboard (/dashboard) and the same figures for one workflow (its
 * page): runs per hour and per day by status, success rates, run duration
 * percentiles per workflow, the slowest and the most failing blocks, recent
 * failures; the dashboard adds the queue now and the database's size. The
 * figures come from the store's hourly aggregates (store_stats), the
 * percentiles from their duration buckets; the charts are drawn by
 * web/chart as SVG and come with their tables. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine.h"
#include "log.h"
#include "metrics/histogram.h"
#include "web/chart/chart.h"
#include "web/pages/decorate.h"
#include "web/pages/pages.h"

#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)
#define LIST_LIMIT 10

static const char *const statuses[] = { "succeeded", "failed", "cancelled" };
#define NSTATUS 3

static size_t status_index(const char *s)
{
	size_t i = 0;
	while (i < NSTATUS && (!s || strcmp(statuses[i], s)))
		i++;
	return i;
}

static void rate_text(json_t *obj, int64_t ok, int64_t failed)
{
	char text[16] = "";
	if (ok + failed)
		snprintf(text, sizeof text, "%.1f%%", 100.0 * (double)ok / (double)(ok + failed));
	json_object_set_new(obj, "success_rate", ok + failed ? json_real((double)ok / (double)(ok + failed)) : json_null());
	json_object_set_new(obj, "success_rate_text", ok + failed ? json_string(text) : json_null());
}

/* rows [{start, status, runs}] into n periods of period_ms from first: the
 * chart, its table, the totals and the success rate (succeeded out of
 * succeeded and failed: a cancelled run is neither). */
static json_t *runs_over_time(const json_t *rows, int64_t first, int64_t period_ms, size_t n, size_t label_every,
			      const char *label)
{
	int64_t *values = xcalloc(n * NSTATUS, sizeof *values), totals[NSTATUS] = { 0 };
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		int64_t at = json_integer_value(json_object_get(row, "start"));
		size_t s = status_index(json_string_value(json_object_get(row, "status")));
		if (at < first || s == NSTATUS || (size_t)((at - first) / period_ms) >= n)
			continue;
		values[(size_t)((at - first) / period_ms) * NSTATUS + s] += json_integer_value(json_object_get(row, "runs"));
	}
	char (*labels)[16] = xcalloc(n, sizeof *labels);
	const char **label_ptrs = xcalloc(n, sizeof *label_ptrs);
	json_t *table = json_array();
	for (size_t p = 0; p < n; p++) {
		time_t t = (time_t)((first + (int64_t)p * period_ms) / 1000);
		struct tm tm;
		gmtime_r(&t, &tm);
		if (period_ms == HOUR_MS)
			strftime(labels[p], sizeof labels[p], "%H:00", &tm);
		else
			strftime(labels[p], sizeof labels[p], "%m-%d", &tm);
		label_ptrs[p] = labels[p];
		int64_t *v = &values[p * NSTATUS];
		for (size_t s = 0; s < NSTATUS; s++)
			totals[s] += v[s];
		json_array_append_new(table, json_pack("{s:s, s:I, s:I, s:I, s:I}", "period", labels[p], "succeeded",
						       (json_int_t)v[0], "failed", (json_int_t)v[1], "cancelled",
						       (json_int_t)v[2], "total", (json_int_t)(v[0] + v[1] + v[2])));
	}
	json_t *m = json_pack("{s:o, s:o, s:I, s:I, s:I}", "chart",
			      chart_stacked_bars(label, label_ptrs, n, statuses, NSTATUS, values, label_every), "rows",
			      table, "succeeded", (json_int_t)totals[0], "failed", (json_int_t)totals[1], "cancelled",
			      (json_int_t)totals[2]);
	rate_text(m, totals[0], totals[1]);
	free(values);
	free(labels);
	free(label_ptrs);
	return m;
}

static void workflow_label(json_t *row)
{
	int64_t id = json_integer_value(json_object_get(row, "workflow_id"));
	const char *name = json_string_value(json_object_get(row, "workflow_name"));
	char label[160], url[48];
	if (name)
		snprintf(label, sizeof label, "%s", name);
	else if (id)
		snprintf(label, sizeof label, "workflow %lld (deleted)", (long long)id);
	else
		snprintf(label, sizeof label, "runs of an unsaved definition");
	snprintf(url, sizeof url, "/workflows/%lld", (long long)id);
	json_object_set_new(row, "workflow", json_string(label));
	json_object_set_new(row, "workflow_url", name ? json_string(url) : json_null());
}

static void set_duration(json_t *obj, const char *key, int64_t ms)
{
	char text[48], key_ms[32];
	format_duration_ms(ms, text, sizeof text);
	snprintf(key_ms, sizeof key_ms, "%s_ms", key);
	json_object_set_new(obj, key_ms, json_integer(ms));
	json_object_set_new(obj, key, json_string(text));
}

static const double quantiles[] = { 0.5, 0.95, 0.99 };
static const char *const quantile_names[] = { "p50", "p95", "p99" };
#define NQUANTILES 3

/* Rows [{workflow_id, workflow_name, le_ms, runs}] ordered by workflow: per
 * workflow, {workflow_id, workflow_name, runs, p50_ms, p50, p95..., p99...}. */
static json_t *percentiles(const json_t *rows, const double *bounds, size_t nb)
{
	uint64_t *counts = xcalloc(nb, sizeof *counts);
	json_t *list = json_array(), *row;
	size_t n = json_array_size(rows);
	for (size_t i = 0; i < n;) {
		json_t *first = json_array_get(rows, i);
		int64_t wf = json_integer_value(json_object_get(first, "workflow_id"));
		memset(counts, 0, nb * sizeof *counts);
		uint64_t runs = 0;
		for (; i < n && json_integer_value(json_object_get((row = json_array_get(rows, i)), "workflow_id")) == wf; i++) {
			double le = (double)json_integer_value(json_object_get(row, "le_ms"));
			size_t b = 0;
			while (b + 1 < nb && bounds[b] < le)
				b++;
			counts[b] += (uint64_t)json_integer_value(json_object_get(row, "runs"));
			runs += (uint64_t)json_integer_value(json_object_get(row, "runs"));
		}
		json_t *out = json_pack("{s:I, s:O, s:I}", "workflow_id", (json_int_t)wf, "workflow_name",
					json_object_get(first, "workflow_name"), "runs", (json_int_t)runs);
		for (size_t q = 0; q < NQUANTILES; q++)
			set_duration(out, quantile_names[q], (int64_t)(bucket_quantile(quantiles[q], bounds, counts, nb) + 0.5));
		json_array_append_new(list, out);
	}
	free(counts);
	return list;
}

static json_t *find_workflow(const json_t *list, int64_t id)
{
	size_t i;
	json_t *row;
	json_array_foreach(list, i, row) if (json_integer_value(json_object_get(row, "workflow_id")) == id) return row;
	return NULL;
}

/* Per workflow that ran in the last 30 days, its percentiles over 30 days
 * and over the last 24 hours ("last_day", null without runs then), and a
 * chart of the 30 days' figures. */
static json_t *durations(const json_t *day_rows, const json_t *month_rows, const json_t *bounds_json)
{
	size_t nb = json_array_size(bounds_json), i;
	double *bounds = xcalloc(nb + 1, sizeof *bounds);
	for (i = 0; i < nb; i++) {
		json_int_t b = json_integer_value(json_array_get(bounds_json, i));
		bounds[i] = b == INT64_MAX ? INFINITY : (double)b;
	}
	json_t *table = percentiles(month_rows, bounds, nb), *day = percentiles(day_rows, bounds, nb), *row;
	free(bounds);
	size_t n = json_array_size(table);
	int64_t *values = xcalloc(n * NQUANTILES + 1, sizeof *values);
	const char **labels = xcalloc(n + 1, sizeof *labels), **texts = xcalloc(n * NQUANTILES + 1, sizeof *texts);
	json_array_foreach(table, i, row) {
		workflow_label(row);
		json_t *d = find_workflow(day, json_integer_value(json_object_get(row, "workflow_id")));
		json_object_set(row, "last_day", d ? d : json_null());
		labels[i] = json_string_value(json_object_get(row, "workflow"));
		for (size_t q = 0; q < NQUANTILES; q++) {
			char key[16];
			snprintf(key, sizeof key, "%s_ms", quantile_names[q]);
			values[i * NQUANTILES + q] = json_integer_value(json_object_get(row, key));
			texts[i * NQUANTILES + q] = json_string_value(json_object_get(row, quantile_names[q]));
		}
	}
	json_t *m = json_pack("{s:o, s:o}", "chart",
			      chart_grouped_hbars("Run duration per workflow over 30 days: p50, p95 and p99", labels, n,
						  quantile_names, NQUANTILES, values, texts),
			      "rows", table);
	json_decref(day);
	free(values);
	free(labels);
	free(texts);
	return m;
}

static json_t *block_rows(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		workflow_label(row);
		set_duration(row, "mean", json_integer_value(json_object_get(row, "mean_ms")));
		int64_t steps = json_integer_value(json_object_get(row, "steps"));
		int64_t failures = json_integer_value(json_object_get(row, "failures"));
		char rate[24];
		snprintf(rate, sizeof rate, "%.1f%%", steps ? 100.0 * (double)failures / (double)steps : 0);
		json_object_set_new(row, "failure_rate_text", json_string(rate));
	}
	return json_incref(rows);
}

static json_t *failure_rows(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		char url[40];
		snprintf(url, sizeof url, "/runs/%lld", (long long)json_integer_value(json_object_get(row, "id")));
		json_object_set_new(row, "url", json_string(url));
		workflow_label(row);
		add_time_ms(row, "finished_at", "finished", "not yet");
	}
	return json_incref(rows);
}

/* The figures both pages show; NULL (after answering) when the store failed. */
static json_t *figures(struct request *r, int64_t workflow_id, struct stats *s)
{
	int64_t now = (int64_t)r->now * 1000;
	struct stats_query q = { workflow_id, now, r->app->cfg.keep_runs_for * 1000, LIST_LIMIT };
	int rc = store_stats(r->st, &q, s);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return NULL;
	}
	int64_t hour = now / HOUR_MS * HOUR_MS, day = now / DAY_MS * DAY_MS;
	json_t *day_chart = runs_over_time(s->hours, hour - 23 * HOUR_MS, HOUR_MS, 24, 3,
					   "Runs per hour over the last 24 hours (UTC), by status");
	json_t *month_chart = runs_over_time(s->days, day - 29 * DAY_MS, DAY_MS, 30, 5,
					     "Runs per day over the last 30 days (UTC), by status");
	json_object_set_new(day_chart, "id", json_string("last-day"));
	json_object_set_new(day_chart, "title", json_string("The last 24 hours"));
	json_object_set_new(day_chart, "period", json_string("Hour (UTC)"));
	json_object_set_new(month_chart, "id", json_string("last-month"));
	json_object_set_new(month_chart, "title", json_string("The last 30 days"));
	json_object_set_new(month_chart, "period", json_string("Day (UTC)"));
	return json_pack("{s:[o, o], s:o, s:o, s:o, s:o}", "runs_over_time", day_chart, month_chart, "durations", durations(s->day_durations, s->month_durations, s->bucket_bounds), "slowest_blocks",
			 block_rows(s->slowest_blocks), "failing_blocks", block_rows(s->failing_blocks),
			 "recent_failures", failure_rows(s->recent_failures));
}

json_t *workflow_figures(struct request *r, int64_t workflow_id)
{
	struct stats s;
	json_t *f = figures(r, workflow_id, &s);
	if (f)
		stats_free(&s);
	return f;
}

static void set_bytes(json_t *obj, const char *key, int64_t n)
{
	char text[32], key_bytes[40];
	if (n >= 1 << 30)
		snprintf(text, sizeof text, "%.1f GiB", (double)n / (1 << 30));
	else if (n >= 1 << 20)
		snprintf(text, sizeof text, "%.1f MiB", (double)n / (1 << 20));
	else
		snprintf(text, sizeof text, "%lld KiB", (long long)(n >> 10));
	snprintf(key_bytes, sizeof key_bytes, "%s_bytes", key);
	json_object_set_new(obj, key_bytes, json_integer(n));
	json_object_set_new(obj, key, json_string(text));
}

static json_t *queue_now(struct request *r, const struct stats_runs_now *now)
{
	struct engine_load load = { 0 };
	if (r->app->engine)
		engine_load(r->app->engine, &load);
	json_t *q = json_pack("{s:I, s:I, s:i, s:i}", "waiting", (json_int_t)now->queued, "running",
			      (json_int_t)now->running, "workers_busy", load.workers_busy, "workers", load.workers);
	if (now->oldest_queued_at)
		set_duration(q, "oldest_wait", (int64_t)r->now * 1000 - now->oldest_queued_at);
	return q;
}

/* The file, what is free in it, and what pruning by age would give back:
 * the share of the file's used part that the runs past keep_runs_for hold,
 * estimated from their number. */
static json_t *database(struct request *r, const struct stats *s)
{
	const struct store_disk *d = &s->disk;
	const struct stats_runs_now *n = &s->runs_now;
	json_t *db = json_pack("{s:I, s:I}", "runs_stored", (json_int_t)n->stored_estimate, "runs_prunable",
			       (json_int_t)n->prunable_estimate);
	set_bytes(db, "size", d->file_bytes);
	set_bytes(db, "wal", d->wal_bytes);
	set_bytes(db, "free", d->free_bytes);
	int64_t used = d->file_bytes - d->free_bytes;
	set_bytes(db, "prunable", n->stored_estimate && used > 0
					  ? (int64_t)((double)used * (double)n->prunable_estimate / (double)n->stored_estimate)
					  : 0);
	char keep[48] = "forever";
	long days = r->app->cfg.keep_runs_for / 86400;
	if (days && r->app->cfg.keep_runs_for % 86400 == 0)
		snprintf(keep, sizeof keep, "%ld day%s", days, days > 1 ? "s" : "");
	else if (r->app->cfg.keep_runs_for)
		format_duration_ms(r->app->cfg.keep_runs_for * 1000, keep, sizeof keep);
	json_object_set_new(db, "keep_runs_for", json_string(keep));
	return db;
}

void dashboard_get(struct request *r)
{
	struct stats s;
	json_t *f = figures(r, 0, &s);
	if (!f)
		return;
	json_t *m = page_model(r, "Dashboard");
	json_object_set_new(m, "figures", f);
	json_object_set_new(m, "queue", queue_now(r, &s.runs_now));
	json_object_set_new(m, "database", database(r, &s));
	stats_free(&s);
	reply_view(r, 200, "dashboard", m);
}
