/* A running block's child seen from outside, in /proc: seccomp filter, no
 * new privileges, no capabilities, only its channel open, its rlimits, an
 * empty environment, its own process group, namespaces other than ours. */
#include "build-config.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
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

int main(void)
{
	struct config c;
	log_open("stderr", LOG_LVL_ERROR);
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
	CHECK_CONTAINS(status, "NoNewPrivs:\t1");
	CHECK_CONTAINS(status, "CapEff:\t0000000000000000");
	CHECK_CONTAINS(status, "CapPrm:\t0000000000000000");
	free(status);
	char *limits = slurp(pid, "limits");
	CHECK_CONTAINS(limits, "Max open files            4                    4");
	CHECK_CONTAINS(limits, "Max core file size        0                    0");
	CHECK_CONTAINS(limits, "Max file size             0                    0");
	CHECK_CONTAINS(limits, "Max cpu time              3                    4");
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
