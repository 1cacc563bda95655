/* Warm workers: a block's globals live on within one workflow and never reach
 * another; workers retire after their executions, their idle time or their
 * memory; the CPU budget is per execution; a worker killed from outside
 * fails one step and the next runs in a new worker; a dead zygote is
 * replaced; a plugin file replaced on disk is picked up; what a check kept
 * reaches the runs. */
#include "build-config.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../testlib.h"
#include "hostile_sandbox.h"
#include "config.h"
#include "log.h"
#include "sandbox/sandbox.h"
#include "strbuf.h"

static struct sandbox *sb;

/* Runs block in domain (NULL: strict) with {"in": in}; the outcome, and
 * out.count and out.pid when there. */
static enum run_outcome run(const char *block, const char *domain, long in, int *count, int *pid)
{
	/* The wall clock is only a backstop: a loaded machine (make -j distcheck)
	 * may take seconds to give a block its second of CPU. */
	struct run_limits lim = { .domain = domain, .wall_ms = 30000, .cpu_ms = 1000 };
	struct run_result r;
	json_t *inputs = json_pack("{s:I}", "in", (json_int_t)in);
	sandbox_run(sb, block, NULL, inputs, &lim, &r);
	json_decref(inputs);
	json_t *out = json_object_get(r.outputs, "out");
	if (count)
		*count = (int)json_integer_value(json_object_get(out, "count"));
	if (pid)
		*pid = (int)json_integer_value(json_object_get(out, "pid"));
	if (r.outcome != RUN_OK)
		printf("# %s in %s: %s: %s\n", block, domain ? domain : "strict", run_outcome_name(r.outcome), r.message);
	enum run_outcome o = r.outcome;
	run_result_free(&r);
	return o;
}

static int process_gone(pid_t pid)
{
	return kill(pid, 0) < 0;
}

/* Polls (every 50 ms, for up to 20 s) what the keeper does on its own time,
 * rather than sleeping a guess that a loaded machine outlasts. */
static int wait_until(int (*cond)(pid_t), pid_t pid)
{
	for (int i = 0; i < 400; i++) {
		if (cond(pid))
			return 1;
		usleep(50000);
	}
	return cond(pid);
}

static int execution_running(pid_t unused)
{
	(void)unused;
	json_t *h = sandbox_health(sb);
	int busy = json_integer_value(json_object_get(h, "executions_running")) > 0;
	json_decref(h);
	return busy;
}

static void *sleep_in_domain(void *arg)
{
	struct run_limits lim = { .domain = "killed", .wall_ms = 10000 };
	sandbox_run(sb, "hostile.sleep_forever", NULL, NULL, &lim, arg);
	return NULL;
}

static void globals_stay_within_a_workflow(void)
{
	int count, pid, first_pid;
	CHECK(run("hostile.counter", "workflow 1", 0, &count, &first_pid) == RUN_OK && count == 1);
	CHECK(run("hostile.counter", "workflow 1", 0, &count, &pid) == RUN_OK && count == 2 && pid == first_pid);
	CHECK(run("hostile.counter", "workflow 1", 0, &count, &pid) == RUN_OK && count == 3 && pid == first_pid);
	/* Another workflow has a worker of its own, which never saw that global. */
	CHECK(run("hostile.counter", "workflow 2", 0, &count, &pid) == RUN_OK && count == 1 && pid != first_pid);
	/* Strict mode: a fresh process every time. */
	CHECK(run("hostile.counter", NULL, 0, &count, &pid) == RUN_OK && count == 1);
	CHECK(run("hostile.counter", NULL, 0, &count, &pid) == RUN_OK && count == 1);
	/* A failed execution (error) keeps the worker; a crash does not. */
	CHECK(run("hostile.fail", "workflow 1", 0, NULL, NULL) == RUN_ERROR);
	CHECK(run("hostile.counter", "workflow 1", 0, &count, &pid) == RUN_OK && count == 4 && pid == first_pid);
	CHECK(run("hostile.close_channel", "workflow 1", 0, NULL, NULL) == RUN_CRASH);
	CHECK(run("hostile.counter", "workflow 1", 0, &count, &pid) == RUN_OK && count == 1 && pid != first_pid);
}

static void cpu_budget_is_per_execution(void)
{
	int pid, first_pid;
	/* Three executions of 700 ms in one worker: 2.1 s in all, each within its 1 s. */
	CHECK(run("hostile.spin", "spinner", 700, NULL, &first_pid) == RUN_OK);
	CHECK(run("hostile.spin", "spinner", 700, NULL, &pid) == RUN_OK && pid == first_pid);
	CHECK(run("hostile.spin", "spinner", 700, NULL, &pid) == RUN_OK && pid == first_pid);
	/* One that needs more than its budget is stopped. */
	CHECK(run("hostile.spin", "spinner", 3000, NULL, NULL) == RUN_CPU_LIMIT);
}

static void leaking_worker_retires(void)
{
	int pid, first_pid, changed = 0;
	/* worker_max_memory is 24 MiB: 8 MiB leaked per execution retires it within a few. */
	CHECK(run("hostile.leak", "leaky", 8, NULL, &first_pid) == RUN_OK);
	for (int i = 0; i < 5; i++) {
		CHECK(run("hostile.leak", "leaky", 8, NULL, &pid) == RUN_OK);
		changed |= pid != first_pid;
	}
	CHECK(changed);
}

static void worker_retires_after_its_executions(void)
{
	int count, pid, first_pid;
	CHECK(run("hostile.counter", "many", 0, &count, &first_pid) == RUN_OK);
	for (int i = 2; i <= 5; i++)
		CHECK(run("hostile.counter", "many", 0, &count, &pid) == RUN_OK && count == i && pid == first_pid);
	/* worker_max_executions is 5: the sixth runs in a new worker. */
	CHECK(run("hostile.counter", "many", 0, &count, &pid) == RUN_OK && count == 1 && pid != first_pid);
}

static void worker_killed_from_outside(void)
{
	int count, pid;
	CHECK(run("hostile.counter", "killed", 0, &count, &pid) == RUN_OK && pid > 0);
	struct run_result r;
	pthread_t t;
	pthread_create(&t, NULL, sleep_in_domain, &r);
	CHECK(wait_until(execution_running, 0)); /* the idle worker took it and sleeps in it */
	CHECK(kill(pid, SIGKILL) == 0);
	pthread_join(t, NULL);
	CHECK(r.outcome == RUN_CRASH);
	CHECK_CONTAINS(r.message, "SIGKILL");
	run_result_free(&r);
	int again;
	CHECK(run("hostile.counter", "killed", 0, &count, &again) == RUN_OK && count == 1 && again != pid);
}

static void idle_worker_retires(void)
{
	int count, pid, first_pid;
	CHECK(run("hostile.counter", "idle", 0, &count, &first_pid) == RUN_OK);
	/* worker_idle_timeout is 1 s; the keeper looks twice a second */
	CHECK(wait_until(process_gone, first_pid));
	CHECK(run("hostile.counter", "idle", 0, &count, &pid) == RUN_OK && count == 1 && pid != first_pid);
}

static const char *health_state(void)
{
	static char state[32];
	json_t *h = sandbox_health(sb);
	snprintf(state, sizeof state, "%s", json_string_value(json_object_get(h, "state")));
	json_decref(h);
	return state;
}

static void zygote_heals(void)
{
	int count, pid;
	pid_t z = sandbox_zygote_pid(sb);
	CHECK(run("hostile.counter", "heal", 0, &count, &pid) == RUN_OK);
	CHECK(kill(z, SIGKILL) == 0);
	usleep(100000);
	/* At most the runs in flight or right now fail once; within seconds blocks run again. */
	enum run_outcome o = RUN_ERROR;
	for (int i = 0; i < 50 && o != RUN_OK; i++) {
		o = run("hostile.counter", "heal", 0, &count, &pid);
		if (o != RUN_OK)
			usleep(100000);
	}
	CHECK(o == RUN_OK && count == 1);
	CHECK(sandbox_zygote_pid(sb) != z && sandbox_zygote_pid(sb) > 0);
	CHECK_STR(health_state(), "ok");
	json_t *h = sandbox_health(sb);
	CHECK(json_integer_value(json_object_get(h, "zygote_restarts")) == 1);
	json_decref(h);
}

/* install(1) replaces the file (a new inode); cp rewrites it in place. */
static void plugin_replaced_on_disk(const char *dir, const char *built)
{
	char cmd[4400], path[1100];
	int count, pid, first_pid;
	snprintf(path, sizeof path, "%s/hostile.so", dir);
	CHECK(run("hostile.counter", "update", 0, &count, &first_pid) == RUN_OK && count == 1);
	CHECK(run("hostile.counter", "update", 0, &count, &pid) == RUN_OK && count == 2);
	snprintf(cmd, sizeof cmd, "install -m 0644 '%s' '%s'", built, path);
	CHECK(system(cmd) == 0);
	/* The keeper checks plugin files every 2 s and retires the idle worker. */
	CHECK(wait_until(process_gone, first_pid));
	CHECK(run("hostile.counter", "update", 0, &count, &pid) == RUN_OK && count == 1 && pid != first_pid);
	/* Rewritten in place: whatever a run does meanwhile, the zygote lives and
	 * the next scan brings it back. */
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", built, path);
	CHECK(system(cmd) == 0);
	pid_t z = sandbox_zygote_pid(sb);
	run("hostile.counter", "update", 0, &count, &pid);
	sleep(3);
	CHECK(run("hostile.counter", "update", 0, &count, &pid) == RUN_OK);
	CHECK(sandbox_zygote_pid(sb) == z && kill(z, 0) == 0);
}

/* What check() keeps comes back to run() through the daemon, from the
 * plugin file that made it only; keep() does nothing outside check(). */
static void kept_by_check(void)
{
	struct run_result r;
	CHECK(sandbox_check(sb, "hostile.keeper", NULL, &r) == 0 && r.outcome == RUN_OK);
	json_t *artifact = json_incref(r.artifact);
	run_result_free(&r);
	CHECK_STR(json_string_value(json_object_get(json_object_get(artifact, "value"), "made")), "at save");
	CHECK(json_is_string(json_object_get(artifact, "plugin")));

	struct run_limits lim = { .domain = "keeper", .wall_ms = 5000, .cpu_ms = 1000, .artifact = artifact };
	sandbox_run(sb, "hostile.keeper", NULL, NULL, &lim, &r);
	json_t *out = json_object_get(r.outputs, "out");
	CHECK(r.outcome == RUN_OK);
	CHECK_STR(json_string_value(json_object_get(json_object_get(out, "kept"), "made")), "at save");
	CHECK(json_integer_value(json_object_get(out, "keep_in_run")) == -1);
	run_result_free(&r);

	json_t *forged = json_pack("{s:s, s:O}", "plugin", "another file", "value", json_object_get(artifact, "value"));
	lim.artifact = forged;
	sandbox_run(sb, "hostile.keeper", NULL, NULL, &lim, &r);
	CHECK(r.outcome == RUN_OK && json_is_null(json_object_get(json_object_get(r.outputs, "out"), "kept")));
	run_result_free(&r);
	json_decref(forged);
	json_decref(artifact);

	CHECK(sandbox_check(sb, "hostile.counter", NULL, &r) == 0 && r.outcome == RUN_OK && !r.artifact);
	run_result_free(&r);
}

int main(void)
{
	struct config c;
	log_open("stderr", LOG_LVL_WARN);
	hostile_config(&c);
	/* The plugin is a copy in a folder of the test's, so that it can be replaced. */
	char dir[] = "/tmp/axon-warm-XXXXXX", cmd[4400], built[2048];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(built, sizeof built, "%s", c.plugin_dirs);
	snprintf(cmd, sizeof cmd, "install -m 0644 '%s' '%s/hostile.so'", built, dir);
	CHECK(system(cmd) == 0);
	snprintf(c.plugin_dirs, sizeof c.plugin_dirs, "%s", dir);
	c.worker_max_memory = 24 << 20;
	c.worker_max_executions = 5;
	c.worker_idle_timeout = 1;
	sb = start_hostile_sandbox(&c);
	CHECK(sb != NULL);
	if (!sb)
		return t_done("test_warm");
	globals_stay_within_a_workflow();
	kept_by_check();
	cpu_budget_is_per_execution();
	leaking_worker_retires();
	worker_retires_after_its_executions();
	worker_killed_from_outside();
	idle_worker_retires();
	plugin_replaced_on_disk(dir, built);
	zygote_heals();
	sandbox_stop(sb);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return t_done("test_warm");
}
