#include "sandbox/confine.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/seccomp.h>

#include "sandbox/landlock.h"
#include "sandbox/protocol.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int process_group(const struct confine_plan *p, char *err, size_t errlen)
{
	if (setpgid(0, 0) < 0)
		FAIL("setpgid: %s", strerror(errno));
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		FAIL("prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
	if (getppid() != p->zygote)
		FAIL("the zygote is gone");
	sigset_t all;
	sigemptyset(&all);
	if (sigprocmask(SIG_SETMASK, &all, NULL) < 0)
		FAIL("sigprocmask: %s", strerror(errno));
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	return 0;
}

static int close_fds(struct confine_plan *p, char *err, size_t errlen)
{
	if (p->channel != CHILD_CHANNEL_FD && dup2(p->channel, CHILD_CHANNEL_FD) < 0)
		FAIL("dup2 of the channel: %s", strerror(errno));
	if (close_range(0, CHILD_CHANNEL_FD - 1, 0) < 0 || close_range(CHILD_CHANNEL_FD + 1, ~0U, 0) < 0)
		FAIL("close_range: %s", strerror(errno));
	p->channel = CHILD_CHANNEL_FD;
	return 0;
}

void confine_wipe_environment(void)
{
	for (char **e = environ; e && *e; e++)
		explicit_bzero(*e, strlen(*e));
	clearenv();
}

static int empty_environment(char *err, size_t errlen)
{
	if (clearenv() != 0)
		FAIL("clearenv failed");
	/* The zygote's random state is every child's: each reseeds its own. */
	unsigned seed;
	if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
		FAIL("getrandom: %s", strerror(errno));
	srandom(seed);
	srand(seed);
	srand48(seed);
	return 0;
}

/* hard == RLIM_INFINITY keeps the hard limit the zygote has: raising it
 * takes a privilege the worker does not have. */
static int set_limit(int resource, const char *name, rlim_t soft, rlim_t hard, char *err, size_t errlen)
{
	struct rlimit r = { soft, hard };
	if (hard == RLIM_INFINITY && getrlimit(resource, &r) == 0) {
		if (r.rlim_max != RLIM_INFINITY && soft > r.rlim_max)
			FAIL("setrlimit(%s): the limit asked for (%llu) is above the hard limit axond was started with (%llu)",
			     name, (unsigned long long)soft, (unsigned long long)r.rlim_max);
		r.rlim_cur = soft;
	}
	if (setrlimit(resource, &r) < 0)
		FAIL("setrlimit(%s): %s", name, strerror(errno));
	return 0;
}

static int limits(const struct confine_plan *p, char *err, size_t errlen)
{
	rlim_t cpu = (p->cpu_ms + 999) / 1000;
	if (cpu == 0)
		cpu = 1;
	/* The soft limits of CPU time and address space are the first
	 * execution's; the daemon moves them with prlimit(2) before each later
	 * one (CPU time counts for the whole life of a worker). No code in the
	 * worker can move them: the policies deny setrlimit and prlimit64. The
	 * soft CPU limit sends SIGXCPU (a cpu_limit outcome); a block that blocks
	 * it is killed by the broker a second later. */
	return set_limit(RLIMIT_CPU, "RLIMIT_CPU", cpu, RLIM_INFINITY, err, errlen) ||
	       set_limit(RLIMIT_AS, "RLIMIT_AS", p->address_base + p->memory_bytes, RLIM_INFINITY, err, errlen) ||
	       set_limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", 0, 0, err, errlen) ||
	       /* A few fds for dlopen, which opens one library at a time. */
	       set_limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", CHILD_CHANNEL_FD + 5, CHILD_CHANNEL_FD + 5, err, errlen) ||
	       set_limit(RLIMIT_CORE, "RLIMIT_CORE", 0, 0, err, errlen) ||
	       set_limit(RLIMIT_NPROC, "RLIMIT_NPROC", 0, 0, err, errlen) ||
	       set_limit(RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", 0, 0, err, errlen) ||
	       set_limit(RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE", 0, 0, err, errlen) ? -1 : 0;
}

int confine(struct confine_plan *p, char *err, size_t errlen)
{
	char why[300];
	if (process_group(p, err, errlen) || close_fds(p, err, errlen) || empty_environment(err, errlen) ||
	    limits(p, err, errlen))
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		FAIL("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
	/* Without Landlock (an old kernel, which the zygote logs once), the
	 * loader policy still refuses every write, socket and new process. */
	if (landlock_read_only(p->readable, why, sizeof why) < 0)
		FAIL("%s", why);
	p->install_handlers();
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, p->loader_filter) < 0)
		FAIL("seccomp(SECCOMP_SET_MODE_FILTER) of the loader policy: %s", strerror(errno));
	return 0;
}

int confine_block(const struct confine_plan *p, char *err, size_t errlen)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, p->block_filter) < 0)
		FAIL("seccomp(SECCOMP_SET_MODE_FILTER) of the block policy: %s", strerror(errno));
	return 0;
}

static int write_proc(const char *file, const char *text, char *why, size_t whylen)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/%s", file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (n == (ssize_t)strlen(text))
		return 0;
	snprintf(why, whylen, "writing %s: %s", path, strerror(saved));
	return -1;
}

/* Every capability the zygote holds in its new user namespace, dropped:
 * its children inherit none. */
static int drop_capabilities(char *why, size_t whylen)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
			snprintf(why, whylen, "prctl(PR_CAPBSET_DROP): %s", strerror(errno));
			return -1;
		}
	if (syscall(SYS_capset, &h, d) < 0) {
		snprintf(why, whylen, "capset: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int confine_zygote_namespaces(char *why, size_t whylen)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC) < 0) {
		snprintf(why, whylen, "unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWIPC): %s", strerror(errno));
		return -1;
	}
	/* Our own ids, mapped to themselves, so that files and signals work as
	 * before. */
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_proc("uid_map", map, why, whylen) || write_proc("setgroups", "deny", why, whylen))
		return -1;
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (write_proc("gid_map", map, why, whylen))
		return -1;
	return drop_capabilities(why, whylen);
}
