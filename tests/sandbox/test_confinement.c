/* A running block's child seen from outside, in /proc: seccomp filter, no
 * new privileges, no capabilities, only its channel open, its rlimits, an
 * empty environment, its own process group, namespaces other than ours. And
 * a child whose confinement fails never runs its block. */
#include "build-config.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
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

static void *sleeper(void *arg)
{
	struct run_limits lim = { .wall_ms = 3000 };
	struct run_result *r = arg;
	sandbox_run(sb, "hostile.sleep_forever", NULL, NULL, &lim, r);
	return NULL;
}

/* The text of /proc/PID/FILE. */
static char *slurp(pid_t pid, const char *file)
{
	char path[128], buf[8192];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	FILE *f = fopen(path, "r");
	if (!f)
		return xstrdup("");
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return xstrdup(buf);
}

static pid_t find_child(pid_t zygote)
{
	for (int i = 0; i < 200; i++) {
		char file[64];
		snprintf(file, sizeof file, "task/%d/children", (int)zygote);
		char *c = slurp(zygote, file);
		pid_t pid = (pid_t)atoi(c);
		free(c);
		if (pid > 0)
			return pid;
		usleep(10000);
	}
	return 0;
}

static int same_ns(pid_t pid, const char *ns)
{
	char a[128];
	struct stat x, y;
	snprintf(a, sizeof a, "/proc/%d/ns/%s", (int)pid, ns);
	char b[128];
	snprintf(b, sizeof b, "/proc/self/ns/%s", ns);
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_ino == y.st_ino;
}

/* A real failure of one confinement step: the zygote inherits a hard
 * RLIMIT_CPU of 100 s, and a run asks for 200 s of CPU. Raising a hard limit
 * takes CAP_SYS_RESOURCE, which the zygote has dropped (or never had), so the
 * child's setrlimit(RLIMIT_CPU) fails. Done in a process of its own, which
 * alone keeps the lowered limit; its exit code is its number of failures, or
 * 77 when it cannot make the step fail. */
static int confine_failure(void)
{
	struct rlimit cpu = { 100, 100 };
	struct config c;
	if (setrlimit(RLIMIT_CPU, &cpu) < 0) {
		perror("setrlimit(RLIMIT_CPU)");
		return 1;
	}
	hostile_config(&c);
	struct sandbox *s = start_hostile_sandbox(&c);
	CHECK(s != NULL);
	if (!s)
		return t_failures;
	char *zstatus = slurp(sandbox_zygote_pid(s), "status"), *capeff = strstr(zstatus, "CapEff:");
	unsigned long long caps = capeff ? strtoull(capeff + 7, NULL, 16) : 0;
	free(zstatus);
	if (caps & (1ull << 24)) { /* CAP_SYS_RESOURCE */
		printf("# the zygote kept CAP_SYS_RESOURCE (root without a user namespace): no confinement failure to test\n");
		sandbox_stop(s);
		return 77;
	}
	/* hostile.fail logs a line, then fails with its own message: neither
	 * may appear if the block does not run. */
	struct run_limits lim = { .wall_ms = 5000, .cpu_ms = 200000 };
	struct run_result r;
	sandbox_run(s, "hostile.fail", NULL, NULL, &lim, &r);
	CHECK(r.outcome == RUN_ERROR);
	CHECK_STR(r.message, "the sandbox could not confine the block, so it did not run: "
	          "setrlimit(RLIMIT_CPU): the limit asked for (200) is above the hard limit axond was started with (100)");
	CHECK(json_array_size(r.logs) == 0);
	CHECK(json_object_size(r.outputs) == 0);
	run_result_free(&r);
	/* The zygote is unharmed: a run within the limit still works. */
	lim.cpu_ms = 1000;
	sandbox_run(s, "hostile.noop", NULL, NULL, &lim, &r);
	CHECK(r.outcome == RUN_OK);
	run_result_free(&r);
	sandbox_stop(s);
	return t_failures;
}

int main(void)
{
	struct config c;
	log_open("stderr", LOG_LVL_ERROR);
	fflush(stdout);
	pid_t sub = fork();
	if (sub == 0)
		_exit(confine_failure());
	int sub_status = 0;
	CHECK(sub > 0 && waitpid(sub, &sub_status, 0) == sub);
	CHECK(WIFEXITED(sub_status) && (WEXITSTATUS(sub_status) == 0 || WEXITSTATUS(sub_status) == 77));
	hostile_config(&c);
	sb = start_hostile_sandbox(&c);
	CHECK(sb != NULL);
	if (!sb)
		return t_done("test_confinement");
	struct run_result r;
	pthread_t t;
	pthread_create(&t, NULL, sleeper, &r);
	pid_t pid = find_child(sandbox_zygote_pid(sb));
	CHECK(pid > 0);
	usleep(200000); /* until it sleeps in the block */
	char *status = slurp(pid, "status");
	CHECK_CONTAINS(status, "Seccomp:\t2");
	CHECK_CONTAINS(status, "Seccomp_filters:\t2"); /* the loader's policy, and the block's on it */
	CHECK_CONTAINS(status, "NoNewPrivs:\t1");
	CHECK_CONTAINS(status, "CapEff:\t0000000000000000");
	CHECK_CONTAINS(status, "CapPrm:\t0000000000000000");
	free(status);
	char *limits = slurp(pid, "limits");
	CHECK_CONTAINS(limits, "Max open files            8                    8");
	CHECK_CONTAINS(limits, "Max core file size        0                    0");
	CHECK_CONTAINS(limits, "Max file size             0                    0");
	/* The soft limit is the execution's; the daemon moves it for the next. */
	CHECK_CONTAINS(limits, "Max cpu time              3                    unlimited");
	free(limits);
	char *environ_text = slurp(pid, "environ");
	CHECK_STR(environ_text, "");
	free(environ_text);
	char *stat_text = slurp(pid, "stat");
	/* pid (comm) state ppid pgrp: the child leads its own group. */
	char *close_paren = strrchr(stat_text, ')');
	int ppid = 0, pgrp = 0;
	CHECK(close_paren && sscanf(close_paren + 2, "%*c %d %d", &ppid, &pgrp) == 2);
	CHECK(pgrp == pid);
	CHECK(ppid == sandbox_zygote_pid(sb));
	free(stat_text);
	char fddir[64];
	snprintf(fddir, sizeof fddir, "/proc/%d/fd/3", (int)pid);
	CHECK(access(fddir, F_OK) == 0);
	for (int fd = 0; fd < 64; fd++) {
		if (fd == 3)
			continue;
		snprintf(fddir, sizeof fddir, "/proc/%d/fd/%d", (int)pid, fd);
		if (access(fddir, F_OK) == 0) {
			printf("fd %d is open in the child\n", fd);
			CHECK(!"only the channel is open");
		}
	}
	if (access("/proc/self/ns/user", F_OK) == 0) {
		CHECK(!same_ns(pid, "net"));
		CHECK(!same_ns(pid, "user"));
		CHECK(!same_ns(pid, "ipc"));
	}
	pthread_join(t, NULL);
	CHECK(r.outcome == RUN_TIMEOUT);
	run_result_free(&r);
	sandbox_stop(sb);
	return t_done("test_confinement");
}
