/* 50 runs at once from 50 threads, good and bad mixed, in strict mode; then
 * 200 at once across 20 workflows in warm workers: every run gets its own
 * outcome, and once the pool drains no process and no fd is left behind
 * (/proc). */
#include "build-config.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "../testlib.h"
#include "hostile_sandbox.h"
#include "config.h"
#include "log.h"
#include "sandbox/sandbox.h"

#define RUNS 50
#define WARM_RUNS 200
#define WORKFLOWS 20

static struct sandbox *sb;
static enum run_outcome got[WARM_RUNS];
static int run_rc[WARM_RUNS];
static const char *const domains[WORKFLOWS] = {
	"workflow 1", "workflow 2", "workflow 3", "workflow 4", "workflow 5", "workflow 6", "workflow 7",
	"workflow 8", "workflow 9", "workflow 10", "workflow 11", "workflow 12", "workflow 13", "workflow 14",
	"workflow 15", "workflow 16", "workflow 17", "workflow 18", "workflow 19", "workflow 20",
};

static const char *block_of(int i)
{
	return i % 5 == 4 ? "hostile.abort" : i % 5 == 3 ? "hostile.read_file" : "hostile.noop";
}

static void *one_run(void *arg)
{
	int i = (int)(intptr_t)arg;
	struct run_result r;
	struct run_limits warm = { .domain = domains[i % WORKFLOWS] };
	run_rc[i] = sandbox_run(sb, block_of(i), NULL, NULL, i >= RUNS ? &warm : NULL, &r);
	got[i] = r.outcome;
	run_result_free(&r);
	return NULL;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The zygote closes a run's reply socket just after its last answer: give
 * it a moment to settle before counting. */
static int settled_count(const char *dir, int want)
{
	int n = count_entries(dir);
	for (int i = 0; i < 100 && n != want; i++) {
		usleep(10000);
		n = count_entries(dir);
	}
	return n;
}

/* The zygote's children, from /proc/PID/task/PID/children. */
static int zygote_children(pid_t z)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)z, (int)z);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	int count = 0;
	for (char *p = strtok(buf, " \n"); p; p = strtok(NULL, " \n"))
		count++;
	return count;
}

static void *spin_often(void *arg)
{
	struct run_limits lim = { .domain = "often" };
	struct run_result r;
	json_t *in = json_pack("{s:i}", "in", 200);
	sandbox_run(sb, "hostile.spin", NULL, in, &lim, &r);
	json_decref(in);
	*(enum run_outcome *)arg = r.outcome;
	run_result_free(&r);
	return NULL;
}

static long idle_workers(void)
{
	json_t *h = sandbox_health(sb);
	long n = (long)json_integer_value(json_object_get(h, "workers_idle"));
	json_decref(h);
	return n;
}

/* A workflow that runs often, two at a time: when one of its workers
 * retires, the keeper starts another before the next execution needs it. */
static void started_ahead_of_need(void)
{
	struct config c;
	hostile_config(&c);
	c.worker_max_executions = 3;
	sb = start_hostile_sandbox(&c);
	CHECK(sb != NULL);
	if (!sb)
		return;
	for (int round = 0; round < 2; round++) {
		pthread_t t[2];
		enum run_outcome o[2];
		for (int i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, spin_often, &o[i]);
		for (int i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			CHECK(o[i] == RUN_OK);
		}
	}
	CHECK(idle_workers() == 2);
	enum run_outcome o;
	spin_often(&o); /* the third execution of the most recent worker: it retires */
	CHECK(o == RUN_OK);
	long now = idle_workers();
	for (int i = 0; i < 30 && now < 2; i++) {
		usleep(100000);
		now = idle_workers();
	}
	printf("idle workers of a workflow that runs two at a time, after one retired: %ld\n", now);
	CHECK(now == 2);
	sandbox_stop(sb);
}

int main(void)
{
	struct config c;
	log_open("stderr", LOG_LVL_WARN);
	hostile_config(&c);
	sb = start_hostile_sandbox(&c);
	CHECK(sb != NULL);
	if (!sb)
		return t_done("test_concurrent");
	char zfd[64];
	snprintf(zfd, sizeof zfd, "/proc/%d/fd", (int)sandbox_zygote_pid(sb));
	usleep(200000);
	int fds_before = count_entries("/proc/self/fd"), zfds_before = count_entries(zfd);
	pthread_t t[RUNS];
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < RUNS; i++)
			CHECK(pthread_create(&t[i], NULL, one_run, (void *)(intptr_t)i) == 0);
		for (int i = 0; i < RUNS; i++)
			pthread_join(t[i], NULL);
		for (int i = 0; i < RUNS; i++) {
			enum run_outcome want = i % 5 == 4 ? RUN_CRASH : i % 5 == 3 ? RUN_VIOLATION : RUN_OK;
			CHECK(run_rc[i] == 0);
			CHECK_STR(run_outcome_name(got[i]), run_outcome_name(want));
		}
	}
	/* Warm: the second hundred and more run while the first are busy. */
	pthread_t w[WARM_RUNS];
	for (int i = RUNS; i < WARM_RUNS; i++)
		CHECK(pthread_create(&w[i], NULL, one_run, (void *)(intptr_t)i) == 0);
	for (int i = 0; i < RUNS; i++)
		CHECK(pthread_create(&w[i], NULL, one_run, (void *)(intptr_t)(i + WARM_RUNS - RUNS)) == 0);
	for (int i = 0; i < WARM_RUNS; i++)
		pthread_join(w[i], NULL);
	for (int i = RUNS; i < WARM_RUNS; i++) {
		enum run_outcome want = i % 5 == 4 ? RUN_CRASH : i % 5 == 3 ? RUN_VIOLATION : RUN_OK;
		CHECK(run_rc[i] == 0);
		CHECK_STR(run_outcome_name(got[i]), run_outcome_name(want));
	}
	json_t *h = sandbox_health(sb);
	printf("after the warm runs: %lld idle workers\n", (long long)json_integer_value(json_object_get(h, "workers_idle")));
	CHECK(json_integer_value(json_object_get(h, "workers_idle")) > 0);
	json_decref(h);
	sandbox_drain(sb);
	int fds_after = count_entries("/proc/self/fd"), zfds_after = settled_count(zfd, zfds_before);
	printf("fds: daemon %d -> %d, zygote %d -> %d; zygote children now %d\n", fds_before, fds_after,
	       zfds_before, zfds_after, zygote_children(sandbox_zygote_pid(sb)));
	CHECK(fds_after == fds_before);
	CHECK(zfds_after == zfds_before);
	for (int i = 0; i < 100 && zygote_children(sandbox_zygote_pid(sb)) != 0; i++)
		usleep(10000); /* retired workers are being reaped */
	CHECK(zygote_children(sandbox_zygote_pid(sb)) == 0);
	pid_t z = sandbox_zygote_pid(sb);
	sandbox_stop(sb);
	CHECK(kill(z, 0) < 0); /* reaped, not a zombie */
	started_ahead_of_need();
	return t_done("test_concurrent");
}
