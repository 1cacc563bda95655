/* The histogram's buckets, the lock-free label table (its bound and its
 * "other" slot, under threads), and the text /metrics is made of. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/histogram.h"
#include "metrics/label_table.h"
#include "metrics/metrics.h"
#include "sandbox/sandbox.h"
#include "../testlib.h"

static void test_buckets(void)
{
	CHECK(hist_bucket_of(0) == 0);
	CHECK(hist_bucket_of(0.001) == 0);      /* a bound is "less than or equal" */
	CHECK(hist_bucket_of(0.0011) == 1);
	CHECK(hist_bucket_of(1) == 9);
	CHECK(hist_bucket_of(300) == HIST_BUCKETS - 1);
	CHECK(hist_bucket_of(301) == HIST_BUCKETS);
	for (size_t i = 1; i < HIST_BUCKETS; i++)
		CHECK(hist_bounds[i - 1] < hist_bounds[i]);

	static struct histogram h;
	hist_observe(&h, 0.002);
	hist_observe(&h, 0.002);
	hist_observe(&h, 2);
	hist_observe(&h, 1000);
	hist_observe(&h, -1); /* a clock that stepped back counts as 0 */
	struct strbuf out = STRBUF_INIT;
	hist_render(&out, "x_seconds", "a=\"b\"", &h);
	CHECK_CONTAINS(out.data, "x_seconds_bucket{a=\"b\",le=\"0.001\"} 1\n");
	CHECK_CONTAINS(out.data, "x_seconds_bucket{a=\"b\",le=\"0.0025\"} 3\n");
	CHECK_CONTAINS(out.data, "x_seconds_bucket{a=\"b\",le=\"2.5\"} 4\n");
	CHECK_CONTAINS(out.data, "x_seconds_bucket{a=\"b\",le=\"300\"} 4\n");
	CHECK_CONTAINS(out.data, "x_seconds_bucket{a=\"b\",le=\"+Inf\"} 5\n");
	CHECK_CONTAINS(out.data, "x_seconds_sum{a=\"b\"} 1002.004000\n");
	CHECK_CONTAINS(out.data, "x_seconds_count{a=\"b\"} 5\n");
	sb_reset(&out);
	hist_render(&out, "y", "", &h);
	CHECK_CONTAINS(out.data, "y_bucket{le=\"+Inf\"} 5\n");
	CHECK_CONTAINS(out.data, "y_count 5\n");
	sb_free(&out);
}

/* Percentiles from buckets, as the dashboard gets them: linear within the bucket. */
static void test_quantile(void)
{
	const double upper[] = { 10, 100, 1000, INFINITY };
	const uint64_t none[] = { 0, 0, 0, 0 }, some[] = { 0, 10, 10, 0 }, tail[] = { 1, 0, 0, 1 };
	CHECK(bucket_quantile(0.5, upper, none, 4) == 0);
	CHECK(bucket_quantile(0.5, upper, some, 4) == 100);      /* the 10th of 20 ends the second bucket */
	CHECK(bucket_quantile(0.25, upper, some, 4) == 55);      /* halfway through 10..100 */
	CHECK(bucket_quantile(0.95, upper, some, 4) == 910);     /* 9 of 10 through 100..1000 */
	CHECK(bucket_quantile(0.5, upper, tail, 4) == 10);       /* the first bucket starts at 0 */
	CHECK(bucket_quantile(0.99, upper, tail, 4) == 1000);    /* the unbounded bucket: its lower bound */
}

#define TABLE 8
static struct label_slot slots[TABLE];
static struct label_table table = { TABLE, slots, { 0 } };

static void *add_keys(void *arg)
{
	(void)arg;
	char key[16];
	for (int round = 0; round < 1000; round++)
		for (int k = 0; k < 12; k++) {
			snprintf(key, sizeof key, "k%d", k);
			atomic_fetch_add(&label_slot(&table, key)->counter[0], 1);
		}
	return NULL;
}

static void test_label_table(void)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, add_keys, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	size_t pos = 0, n = 0;
	uint64_t total = 0, other = 0;
	const struct label_slot *s;
	while ((s = label_next(&table, &pos))) {
		n++;
		total += atomic_load(&s->counter[0]);
		if (s == &table.other)
			other = atomic_load(&s->counter[0]);
	}
	/* Twelve keys, eight slots: each key got one slot exactly once, the four
	 * that found none share "other", and nothing was lost. */
	CHECK(n == TABLE + 1);
	CHECK(total == 4 * 1000 * 12);
	CHECK(other == 4 * 1000 * 4);
	CHECK_STR(table.other.key, "other");
	char longkey[200];
	memset(longkey, 'x', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = '\0';
	CHECK(label_slot(&table, longkey) == &table.other); /* the table is full */
}

static void test_render(void)
{
	metrics_http_request("GET", "/runs/:id", 200, 0.003);
	metrics_http_request("GET", "/runs/:id", 200, 0.004);
	metrics_http_request("BREW", NULL, 405, 0.001);
	metrics_http_request("GET", "/x", 418, 0.001);
	metrics_run_finished(7, "failed", 1.5);
	metrics_run_finished(0, "succeeded", 0.2);
	metrics_run_finished(7, "running", 1); /* not an end: not counted */
	metrics_block_execution("text.\"odd\"\\type", RUN_TIMEOUT, 61);
	struct strbuf out = STRBUF_INIT;
	metrics_render(&out);
	metrics_sample(&out, "axon_things", "gauge", "Things.", 42);
	CHECK_CONTAINS(out.data, "# TYPE axon_http_requests_total counter\n");
	CHECK_CONTAINS(out.data, "axon_http_requests_total{method=\"GET\",route=\"/runs/:id\",code=\"200\"} 2\n");
	CHECK_CONTAINS(out.data, "axon_http_requests_total{method=\"other\",route=\"none\",code=\"405\"} 1\n");
	CHECK_CONTAINS(out.data, "axon_http_requests_total{method=\"GET\",route=\"/x\",code=\"other\"} 1\n");
	CHECK_CONTAINS(out.data, "axon_http_request_duration_seconds_count{method=\"GET\",route=\"/runs/:id\"} 2\n");
	CHECK_CONTAINS(out.data, "axon_runs_finished_total{workflow_id=\"7\",status=\"failed\"} 1\n");
	CHECK_CONTAINS(out.data, "axon_runs_finished_total{workflow_id=\"7\",status=\"succeeded\"} 0\n");
	CHECK_CONTAINS(out.data, "axon_runs_finished_total{workflow_id=\"none\",status=\"succeeded\"} 1\n");
	CHECK_CONTAINS(out.data, "axon_run_duration_seconds_count{workflow_id=\"7\"} 1\n");
	CHECK_CONTAINS(out.data, "axon_sandbox_executions_total{block_type=\"text.\\\"odd\\\"\\\\type\",outcome=\"timeout\"} 1\n");
	CHECK_CONTAINS(out.data, "axon_step_duration_seconds_bucket{block_type=\"text.\\\"odd\\\"\\\\type\",le=\"60\"} 0\n");
	CHECK_CONTAINS(out.data, "# HELP axon_things Things.\n# TYPE axon_things gauge\naxon_things 42\n");
	CHECK(!strstr(out.data, "running"));
	sb_free(&out);
}

int main(void)
{
	test_buckets();
	test_quantile();
	test_label_table();
	test_render();
	return t_done("test_metrics");
}
