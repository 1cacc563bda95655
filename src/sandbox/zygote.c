#include "build-config.h"
#include "sandbox/zygote.h"

#include <errno.h>
#include <fcntl.h>
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

#include "clock.h"
#include "log.h"
#include "plugin/registry.h"
#include "sandbox/channel.h"
#include "sandbox/child.h"
#include "sandbox/confine.h"
#include "sandbox/landlock.h"
#include "sandbox/policy.h"
#include "sandbox/protocol.h"

/* The environment that makes a process the zygote (set by zygote_spawn). */
#define ENV_CTL "AXON_ZYGOTE_CTL"
#define ENV_LOG "AXON_ZYGOTE_LOG"
#define ENV_LEVEL "AXON_ZYGOTE_LOG_LEVEL"
#define ZYGOTE_CTL_FD 3

/* How long one plugin may take to load for the registry. */
#define DESCRIBE_TIMEOUT_MS 5000

/* What a worker may read while it loads: its plugin and the libraries. */
static const char *const library_dirs[] = { "/usr", "/lib", "/lib64", "/etc/ld.so.cache" };
#define NLIBRARY_DIRS (sizeof library_dirs / sizeof library_dirs[0])

/* A worker not yet reaped, and the socket its daemon thread waits on. */
struct zrun {
	pid_t pid;
	int reply;
	int killed;
};

struct zygote {
	int ctl;
	int sigchld;
	struct sock_fprog loader_filter, block_filter;
	uint64_t address_base;
	struct zrun *runs;
	size_t nruns;
};

static void die(const char *what) __attribute__((noreturn));
static void die(const char *what)
{
	log_error("sandbox zygote: %s: %s; stopping (axond starts another)", what, strerror(errno));
	_exit(1);
}

static void reply_json(int fd, json_t *v)
{
	chan_write_json(fd, v); /* the daemon may have gone: nothing to do then */
	json_decref(v);
}

/* The zygote's own address space (its program and libraries, and in
 * sanitizer builds the terabytes of shadow memory the runtime reserved):
 * a block's memory limit is added on top of it, so that it limits what the
 * block itself maps, whatever libraries the daemon links. */
static uint64_t reserved_address_space(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Forks a worker for spec on channel; its pid, or -1 with errno set. */
static pid_t fork_worker(struct zygote *z, const struct worker_spec *spec, int channel, uint32_t cpu_ms, uint64_t memory)
{
	const char *readable[NLIBRARY_DIRS + 2] = { spec->plugin };
	memcpy(readable + 1, library_dirs, sizeof library_dirs);
	struct confine_plan plan = {
		.channel = channel,
		.zygote = getpid(),
		.cpu_ms = cpu_ms ? cpu_ms : DESCRIBE_TIMEOUT_MS,
		.memory_bytes = memory ? memory : DEFAULT_MEMORY_BYTES,
		.address_base = z->address_base,
		.readable = readable,
		.loader_filter = &z->loader_filter,
		.block_filter = &z->block_filter,
	};
	pid_t pid = fork();
	if (pid == 0)
		child_main(spec, &plan);
	if (pid > 0)
		setpgid(pid, pid); /* both sides set it, so that a kill right after finds it */
	return pid;
}

static void start_worker(struct zygote *z, json_t *req, int reply, int channel)
{
	struct worker_spec spec = {
		.plugin = json_string_value(json_object_get(req, "plugin")),
		.identity = json_string_value(json_object_get(req, "identity")),
		.once = json_is_true(json_object_get(req, "once")),
	};
	if (!spec.plugin) {
		reply_json(reply, json_pack("{s:s}", "error", "no plugin named (a bug in axond)"));
		close(reply);
		close(channel);
		return;
	}
	pid_t pid = fork_worker(z, &spec, channel, (uint32_t)json_integer_value(json_object_get(req, "cpu_ms")),
	                        (uint64_t)json_integer_value(json_object_get(req, "memory_bytes")));
	int saved = errno;
	close(channel);
	if (pid < 0) {
		reply_json(reply, json_pack("{s:s+}", "error", "fork: ", strerror(saved)));
		close(reply);
		return;
	}
	z->runs = xrealloc(z->runs, (z->nruns + 1) * sizeof *z->runs);
	z->runs[z->nruns++] = (struct zrun){ pid, reply, 0 };
	reply_json(reply, json_pack("{s:i, s:I}", "pid", (int)pid, "address_base", (json_int_t)z->address_base));
}

/* What a describing worker said about its plugin, or NULL and the reason. */
static json_t *read_description(int fd, pid_t pid, char *why, size_t whylen)
{
	struct strbuf in = STRBUF_INIT;
	struct pollfd p = { fd, POLLIN, 0 };
	int64_t deadline = mono_ms() + DESCRIBE_TIMEOUT_MS;
	json_t *m = NULL;
	int n;
	while ((n = poll(&p, 1, (int)(deadline - mono_ms() > 0 ? deadline - mono_ms() : 0))) < 0 && errno == EINTR)
		;
	if (n == 0)
		snprintf(why, whylen, "loading it took longer than %d ms (a constructor that never returns?)", DESCRIBE_TIMEOUT_MS);
	else if (chan_read(fd, REGISTRY_MAX, &in) == 1)
		m = chan_parse(in.data, in.len);
	sb_free(&in);
	kill(-pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (m || n == 0)
		return m;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) /* its CPU limit is the same time */
		snprintf(why, whylen, "loading it took longer than %d ms of CPU (a constructor that never returns?)",
		         DESCRIBE_TIMEOUT_MS);
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		snprintf(why, whylen, "while loading, the plugin made a system call which plugins may not make "
		         "(unreported: SIGSYS was blocked or taken over)");
	else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
		snprintf(why, whylen, "loading it crashed with signal SIG%s (in a constructor of the plugin?)",
		         sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(why, whylen, "loading it ended without a word (exit status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return NULL;
}

/* One plugin, loaded by a confined worker in describe mode: its blocks,
 * or the reason it is skipped. */
static void describe(struct zygote *z, const char *path, json_t *blocks, json_t *skipped, json_t *plugins,
		     json_t *types)
{
	char why[600] = "";
	int sv[2];
	json_t *m = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(why, sizeof why, "socketpair: %s", strerror(errno));
	} else {
		struct worker_spec spec = { .plugin = path, .describe = 1 };
		pid_t pid = fork_worker(z, &spec, sv[1], 0, 0);
		close(sv[1]);
		if (pid < 0)
			snprintf(why, sizeof why, "fork: %s", strerror(errno));
		else
			m = read_description(sv[0], pid, why, sizeof why);
		close(sv[0]);
	}
	const char *t = json_string_value(json_object_get(m, "t"));
	if (t && !strcmp(t, "registry") && json_is_array(json_object_get(m, "blocks"))) {
		json_array_extend(blocks, json_object_get(m, "blocks"));
		if (json_is_array(json_object_get(m, "credential_types")))
			json_array_extend(types, json_object_get(m, "credential_types"));
		json_object_set(plugins, path, json_object_get(m, "identity"));
	} else if (t && !strcmp(t, "violation") && json_is_integer(json_object_get(m, "syscall"))) {
		char name[64];
		snprintf(why, sizeof why, "while loading, the plugin made the system call '%s', which plugins may not make "
		         "(a plugin's constructors may only compute: no files, sockets or processes)",
		         policy_syscall_name((long)json_integer_value(json_object_get(m, "syscall")), name, sizeof name));
	} else if (t && json_is_string(json_object_get(m, "message"))) {
		snprintf(why, sizeof why, "%s", json_string_value(json_object_get(m, "message")));
	} else if (!why[0]) {
		snprintf(why, sizeof why, "loading it ended with a message the zygote does not understand");
	}
	if (why[0] && !(t && !strcmp(t, "registry"))) {
		log_warn("plugin %s skipped: %s", path, why);
		json_array_append_new(skipped, json_pack("{s:s, s:s}", "path", path, "error", why));
	}
	json_decref(m);
}

static void send_registry(struct zygote *z, const char *plugin_dirs, int reply)
{
	json_t *blocks = json_array(), *skipped = json_array(), *plugins = json_object(), *types = json_array();
	char **files = plugin_files(plugin_dirs ? plugin_dirs : "");
	for (size_t i = 0; files[i]; i++)
		describe(z, files[i], blocks, skipped, plugins, types);
	plugin_files_free(files);
	reply_json(reply, json_pack("{s:o, s:o, s:o, s:o}", "blocks", blocks, "skipped", skipped, "plugins", plugins,
				    "credential_types", types));
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
	if (op && !strcmp(op, "worker") && nfds == 2) {
		start_worker(z, req, fds[0], fds[1]);
	} else if (op && !strcmp(op, "registry") && nfds == 1) {
		log_reopen(); /* a scan follows SIGHUP, which rotates the logs */
		send_registry(z, json_string_value(json_object_get(req, "plugin_dirs")), fds[0]);
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
			 * policies), but a kill costs nothing. */
			kill(-pid, SIGKILL);
			reply_json(z->runs[i].reply, json_pack("{s:i, s:I, s:I}", "status", status,
			                                        "cpu_ms", (json_int_t)cpu_ms, "maxrss_kb", (json_int_t)ru.ru_maxrss));
			close(z->runs[i].reply);
			z->runs[i] = z->runs[--z->nruns];
			break;
		}
	}
}

/* The daemon wrote on a worker's reply socket or closed it: kill the worker. */
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
			/* A killed worker's socket is left out (fd -1): its hangup would
			 * wake poll until the worker is reaped. */
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

static void zygote_main(int ctl) __attribute__((noreturn));
static void zygote_main(int ctl)
{
	struct zygote z = { .ctl = ctl };
	char err[512];
	prctl(PR_SET_NAME, "axon-zygote");
	/* SIGTERM ends the zygote (and, through PR_SET_PDEATHSIG, its workers);
	 * SIGHUP and ^C are for the daemon, which asks for a rescan or closes
	 * the control socket. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0 || (z.sigchld = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		die("signalfd");
	if (policy_compile(POLICY_LOADER, &z.loader_filter, err, sizeof err) < 0 ||
	    policy_compile(POLICY_BLOCK, &z.block_filter, err, sizeof err) < 0) {
		log_error("sandbox zygote: %s; no block can run", err);
		_exit(1);
	}
	if (confine_zygote_namespaces(err, sizeof err) < 0)
		log_warn("sandbox: no user, network and IPC namespaces for the blocks (%s): they are confined by seccomp and rlimits only", err);
	if (landlock_available(err, sizeof err) == 0)
		log_warn("sandbox: %s: plugins load under the loader's seccomp policy only, "
		         "which refuses writes, sockets and new processes but not reading files", err);
	/* Pre-initialised here so that a block using libxml2 makes no system call
	 * for it inside the sandbox. */
	xmlInitParser();
	z.address_base = reserved_address_space();
	serve(&z);
}

/* A process started by zygote_spawn() becomes the zygote here, before main():
 * every program that can start a sandbox is a zygote too, so one exec of
 * /proc/self/exe gives a fresh single-threaded process from any thread. */
__attribute__((constructor)) static void zygote_entry(void)
{
	const char *ctl = getenv(ENV_CTL), *dest = getenv(ENV_LOG), *level = getenv(ENV_LEVEL);
	if (!ctl || strcmp(ctl, "3"))
		return;
	enum log_level lvl = LOG_LVL_INFO;
	if (level)
		log_level_parse(level, &lvl);
	close_range(ZYGOTE_CTL_FD + 1, ~0U, 0); /* whatever the daemon had open without O_CLOEXEC */
	if (log_open(dest ? dest : "stderr", lvl) < 0)
		log_open("stderr", lvl);
	confine_wipe_environment();
	zygote_main(ZYGOTE_CTL_FD);
}

pid_t zygote_spawn(int ctl, const char *log_dest, enum log_level level)
{
	static const char *const level_names[] = { "debug", "info", "warn", "error" };
	/* Everything the child needs is made before the fork: between fork and
	 * exec a threaded parent's child may only make system calls. */
	char env_log[1100], env_level[48];
	snprintf(env_log, sizeof env_log, ENV_LOG "=%s", log_dest);
	snprintf(env_level, sizeof env_level, ENV_LEVEL "=%s", level_names[(unsigned)level < 4 ? level : 1]);
	char *const envp[] = { (char *)ENV_CTL "=3", env_log, env_level, NULL };
	char *const argv[] = { (char *)"axon-zygote", NULL };
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (ctl == ZYGOTE_CTL_FD ? fcntl(ctl, F_SETFD, 0) < 0 : dup2(ctl, ZYGOTE_CTL_FD) < 0)
		_exit(126);
	execve("/proc/self/exe", argv, envp);
	_exit(127);
}
