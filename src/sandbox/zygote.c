#include "build-config.h"
#include "sandbox/zygote.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "config.h"
#include "log.h"
#include "plugin/registry.h"
#include "sandbox/channel.h"
#include "sandbox/child.h"
#include "sandbox/confine.h"
#include "sandbox/policy.h"
#include "sandbox/protocol.h"

/* A child not yet reaped, and the socket its daemon thread waits on. */
struct zrun {
	pid_t pid;
	int reply;
	int killed;
};

struct zygote {
	int ctl;
	int sigchld;
	char plugin_dirs[sizeof ((struct config *)0)->plugin_dirs];
	struct registry *reg;
	struct sock_fprog filter;
	uint64_t address_base;
	struct zrun *runs;
	size_t nruns;
};

static void die(const char *what) __attribute__((noreturn));
static void die(const char *what)
{
	log_error("sandbox zygote: %s: %s; stopping (block runs will fail until axond restarts)", what, strerror(errno));
	_exit(1);
}

static void reply_json(int fd, json_t *v)
{
	chan_write_json(fd, v); /* the daemon may have gone: nothing to do then */
	json_decref(v);
}

/* In sanitizer builds the runtime has reserved terabytes of shadow memory
 * before any block runs; the memory limit is added on top of it. */
static uint64_t reserved_address_space(void)
{
#ifdef AXON_SANITIZERS
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
#else
	return 0;
#endif
}

static void start_run(struct zygote *z, json_t *req, int reply, int channel)
{
	const char *name = json_string_value(json_object_get(req, "block"));
	const struct plugin_block *b = name ? registry_find(z->reg, name) : NULL;
	if (!b) {
		reply_json(reply, json_pack("{s:s+}", "error", "no plugin provides the block ", name ? name : "(none)"));
		close(reply);
		close(channel);
		return;
	}
	struct confine_plan plan = {
		.channel = channel,
		.zygote = getpid(),
		.cpu_ms = (uint32_t)json_integer_value(json_object_get(req, "cpu_ms")),
		.memory_bytes = (uint64_t)json_integer_value(json_object_get(req, "memory_bytes")),
		.address_base = z->address_base,
		.filter = &z->filter,
	};
	pid_t pid = fork();
	if (pid < 0) {
		reply_json(reply, json_pack("{s:s+}", "error", "fork: ", strerror(errno)));
		close(reply);
		close(channel);
		return;
	}
	if (pid == 0)
		child_main(b, &plan);
	/* Both sides set the group, so a kill right after this reply finds it. */
	setpgid(pid, pid);
	close(channel);
	z->runs = xrealloc(z->runs, (z->nruns + 1) * sizeof *z->runs);
	z->runs[z->nruns++] = (struct zrun){ pid, reply, 0 };
	reply_json(reply, json_pack("{s:i}", "pid", (int)pid));
}

static void shutdown_runs(struct zygote *z) __attribute__((noreturn));

static void handle_request(struct zygote *z)
{
	char buf[ZYGOTE_MSG_MAX];
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { buf, sizeof buf };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	ssize_t n = recvmsg(z->ctl, &mh, MSG_CMSG_CLOEXEC);
	if (n == 0)
		shutdown_runs(z); /* the daemon closed its end */
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		die("recvmsg");
	}
	int fds[2] = { -1, -1 }, nfds = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
			if (nfds < 2)
				fds[nfds++] = fd;
			else
				close(fd);
		}
	}
	json_t *req = chan_parse(buf, (size_t)n);
	const char *op = json_string_value(json_object_get(req, "op"));
	if (op && !strcmp(op, "run") && nfds == 2) {
		start_run(z, req, fds[0], fds[1]);
	} else if (op && (!strcmp(op, "registry") || !strcmp(op, "rescan")) && nfds == 1) {
		if (!strcmp(op, "rescan")) {
			registry_free(z->reg);
			z->reg = registry_scan(z->plugin_dirs);
		}
		reply_json(fds[0], registry_to_json(z->reg));
		close(fds[0]);
	} else {
		log_error("sandbox zygote: a request it does not understand (a bug in axond)");
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
	}
	json_decref(req);
}

static void reap(struct zygote *z)
{
	struct signalfd_siginfo si;
	while (read(z->sigchld, &si, sizeof si) > 0)
		;
	int status;
	struct rusage ru;
	pid_t pid;
	while ((pid = wait4(-1, &status, WNOHANG, &ru)) > 0) {
		for (size_t i = 0; i < z->nruns; i++) {
			if (z->runs[i].pid != pid)
				continue;
			long cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L +
			              (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
			/* A group leader's other members cannot exist (no fork in the
			 * policy), but a kill costs nothing. */
			kill(-pid, SIGKILL);
			reply_json(z->runs[i].reply, json_pack("{s:i, s:I, s:I}", "status", status,
			                                        "cpu_ms", (json_int_t)cpu_ms, "maxrss_kb", (json_int_t)ru.ru_maxrss));
			close(z->runs[i].reply);
			z->runs[i] = z->runs[--z->nruns];
			break;
		}
	}
}

/* The daemon wrote on a run's reply socket or closed it: kill the child. */
static void kill_run(struct zrun *r)
{
	char buf[64];
	while (recv(r->reply, buf, sizeof buf, MSG_DONTWAIT) > 0)
		;
	kill(-r->pid, SIGKILL);
	r->killed = 1;
}

static void shutdown_runs(struct zygote *z)
{
	for (size_t i = 0; i < z->nruns; i++)
		kill(-z->runs[i].pid, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	_exit(0);
}

static void serve(struct zygote *z) __attribute__((noreturn));
static void serve(struct zygote *z)
{
	struct pollfd *pfd = NULL;
	for (;;) {
		pfd = xrealloc(pfd, (z->nruns + 2) * sizeof *pfd);
		pfd[0] = (struct pollfd){ z->ctl, POLLIN, 0 };
		pfd[1] = (struct pollfd){ z->sigchld, POLLIN, 0 };
		size_t n = z->nruns;
		for (size_t i = 0; i < n; i++)
			/* A killed run's socket is left out (fd -1): its hangup would
			 * wake poll until the child is reaped. */
			pfd[i + 2] = (struct pollfd){ z->runs[i].killed ? -1 : z->runs[i].reply, POLLIN, 0 };
		if (poll(pfd, n + 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		/* Kills first: the run table changes below. */
		for (size_t i = 0; i < n; i++)
			if (pfd[i + 2].revents)
				kill_run(&z->runs[i]);
		if (pfd[1].revents)
			reap(z);
		if (pfd[0].revents & POLLIN)
			handle_request(z);
		else if (pfd[0].revents & (POLLHUP | POLLERR))
			shutdown_runs(z);
	}
}

void zygote_main(int ctl, pid_t daemon, const struct config *c)
{
	struct zygote z = { .ctl = ctl };
	char err[512];
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != daemon)
		_exit(1);
	prctl(PR_SET_NAME, "axon-zygote");
	/* The daemon's handlers are not ours: SIGTERM ends the zygote (and,
	 * through PR_SET_PDEATHSIG, its children); SIGHUP and ^C are for the
	 * daemon, which asks for a rescan or closes the control socket. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0 || (z.sigchld = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		die("signalfd");
	snprintf(z.plugin_dirs, sizeof z.plugin_dirs, "%s", c->plugin_dirs);
	confine_wipe_environment();
	if (policy_compile(&z.filter, err, sizeof err) < 0) {
		log_error("sandbox zygote: %s; no block can run", err);
		_exit(1);
	}
	if (confine_zygote_namespaces(err, sizeof err) < 0)
		log_warn("sandbox: no user, network and IPC namespaces for the blocks (%s): they are confined by seccomp and rlimits only", err);
	/* Pre-initialised here so that a block using libxml2 makes no system call
	 * for it inside the sandbox. */
	xmlInitParser();
	z.reg = registry_scan(z.plugin_dirs);
	z.address_base = reserved_address_space();
	serve(&z);
}
