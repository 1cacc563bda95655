/* The daemon's side of the sandbox: starting the zygote, asking it for a
 * child per run, serving the child through the broker, and naming the
 * outcome from what the child said and how it ended. */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "log.h"
#include "sandbox/broker.h"
#include "sandbox/channel.h"
#include "sandbox/egress.h"
#include "sandbox/policy.h"
#include "sandbox/protocol.h"
#include "sandbox/secrets.h"
#include "sandbox/zygote.h"
#include "strbuf.h"

struct sandbox {
	int ctl;          /* SOCK_SEQPACKET to the zygote */
	pid_t zygote;
	pthread_rwlock_t lock;
	json_t *registry; /* as the zygote sent it */
	json_t *by_name;  /* block name -> its entry in registry */
	unsigned generation; /* bumped when registry is replaced */
	struct egress_policy egress;
	struct secrets *secrets;
	uint32_t default_wall_ms;
};

static const char *const outcome_names[RUN_OUTCOMES] = {
	"ok", "error", "violation", "timeout", "cpu_limit", "memory_limit", "crash", "output_too_large", "bad_output",
};

const char *run_outcome_name(enum run_outcome o)
{
	return (unsigned)o < RUN_OUTCOMES ? outcome_names[o] : "unknown";
}

int run_outcome_exit_code(enum run_outcome o)
{
	return (int)o;
}

/* Sends a request with fds to the zygote; the reply comes on a new socket,
 * whose daemon end is returned (or -1). */
static int ask_zygote(struct sandbox *sb, json_t *req, int extra_fd)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	char *s = json_dumps(req, JSON_COMPACT);
	int fds[2] = { sv[1], extra_fd };
	int nfds = extra_fd >= 0 ? 2 : 1;
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	memset(cbuf, 0, sizeof cbuf);
	struct iovec iov = { s, strlen(s) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
	                     .msg_controllen = CMSG_SPACE(nfds * sizeof(int)) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	ssize_t n;
	do
		n = sendmsg(sb->ctl, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	int saved = errno;
	free(s);
	close(sv[1]);
	if (n < 0) {
		close(sv[0]);
		errno = saved;
		return -1;
	}
	return sv[0];
}

static json_t *read_reply(int fd, size_t max)
{
	struct strbuf in = STRBUF_INIT;
	json_t *v = chan_read(fd, max, &in) == 1 ? chan_parse(in.data, in.len) : NULL;
	sb_free(&in);
	return v;
}

static int load_registry(struct sandbox *sb, const char *op)
{
	json_t *req = json_pack("{s:s}", "op", op);
	int fd = ask_zygote(sb, req, -1);
	json_decref(req);
	json_t *reg = fd >= 0 ? read_reply(fd, REGISTRY_MAX) : NULL;
	if (fd >= 0)
		close(fd);
	if (!reg)
		return -1;
	json_t *by_name = json_object();
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(reg, "blocks"), i, b)
		json_object_set(by_name, json_string_value(json_object_get(b, "name")), b);
	pthread_rwlock_wrlock(&sb->lock);
	json_decref(sb->registry);
	json_decref(sb->by_name);
	sb->registry = reg;
	sb->by_name = by_name;
	sb->generation++;
	pthread_rwlock_unlock(&sb->lock);
	return 0;
}

struct sandbox *sandbox_start(const struct config *c, char *err, size_t errlen)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return NULL;
	}
	/* Before the fork, so that the zygote does not inherit a half-made
	 * libcurl, and before any thread, as curl_global_init wants. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pid_t daemon = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork of the zygote: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	if (pid == 0) {
		close(sv[0]);
		zygote_main(sv[1], daemon, c);
	}
	close(sv[1]);
	struct sandbox *sb = xcalloc(1, sizeof *sb);
	sb->ctl = sv[0];
	sb->zygote = pid;
	pthread_rwlock_init(&sb->lock, NULL);
	sb->egress = (struct egress_policy){ c->egress_allow_loopback, c->egress_allow_private,
	                                     c->http_timeout * 1000, c->http_max_bytes };
	sb->secrets = secrets_open(c->secrets_file);
	sb->default_wall_ms = (uint32_t)(c->block_timeout * 1000);
	if (load_registry(sb, "registry") < 0) {
		snprintf(err, errlen, "the sandbox zygote did not start (see the log above)");
		sandbox_stop(sb);
		return NULL;
	}
	size_t nblocks = json_array_size(json_object_get(sb->registry, "blocks"));
	size_t nskipped = json_array_size(json_object_get(sb->registry, "skipped"));
	log_info("sandbox: zygote %d has %zu blocks%s", (int)pid, nblocks, nskipped ? " (some plugins were skipped: see above)" : "");
	return sb;
}

void sandbox_stop(struct sandbox *sb)
{
	if (!sb)
		return;
	close(sb->ctl); /* the zygote kills its children and exits */
	int status;
	while (waitpid(sb->zygote, &status, 0) < 0 && errno == EINTR)
		;
	json_decref(sb->registry);
	json_decref(sb->by_name);
	secrets_close(sb->secrets);
	pthread_rwlock_destroy(&sb->lock);
	free(sb);
}

int sandbox_rescan(struct sandbox *sb)
{
	return load_registry(sb, "rescan");
}

json_t *sandbox_registry(struct sandbox *sb)
{
	pthread_rwlock_rdlock(&sb->lock);
	json_t *r = json_deep_copy(sb->registry);
	pthread_rwlock_unlock(&sb->lock);
	return r;
}

unsigned sandbox_registry_generation(struct sandbox *sb)
{
	pthread_rwlock_rdlock(&sb->lock);
	unsigned g = sb->generation;
	pthread_rwlock_unlock(&sb->lock);
	return g;
}

pid_t sandbox_zygote_pid(const struct sandbox *sb)
{
	return sb->zygote;
}

void run_result_free(struct run_result *res)
{
	free(res->message);
	json_decref(res->outputs);
	json_decref(res->logs);
	memset(res, 0, sizeof *res);
}

static void set_outcome(struct run_result *res, enum run_outcome o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_outcome(struct run_result *res, enum run_outcome o, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	res->outcome = o;
	free(res->message);
	res->message = sb_detach(&sb);
}

static uint64_t pick(uint64_t asked, uint64_t block, uint64_t fallback)
{
	return asked ? asked : block ? block : fallback;
}

/* From what the child said and how it ended, the one outcome. */
static void decide(struct run_result *res, const struct broker_run *b, int status, const struct run_limits *lim)
{
	char name[64];
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (b->stopped >= 0)
		set_outcome(res, (enum run_outcome)b->stopped, "%s", b->message);
	else if (b->confine_error)
		set_outcome(res, RUN_ERROR, "the sandbox could not confine the block, so it did not run: %s", b->confine_error);
	else if (b->violation >= 0)
		set_outcome(res, RUN_VIOLATION, "the block made the system call '%s', which blocks may not make "
		            "(a block does no I/O of its own: it asks the host through ctx->host)",
		            policy_syscall_name(b->violation, name, sizeof name));
	else if (b->memory)
		set_outcome(res, RUN_MEMORY_LIMIT, "the block ran out of its memory limit of %llu MiB",
		            (unsigned long long)(lim->memory_bytes >> 20));
	else if (sig == SIGXCPU || (sig == SIGKILL && res->cpu_ms >= (long)lim->cpu_ms))
		set_outcome(res, RUN_CPU_LIMIT, "the block used more than its CPU time limit of %u ms and was killed", lim->cpu_ms);
	else if (b->signal || sig)
		set_outcome(res, RUN_CRASH, "the block crashed with signal SIG%s (%s)%s",
		            sigabbrev_np(b->signal ? b->signal : sig) ? sigabbrev_np(b->signal ? b->signal : sig) : "?",
		            strsignal(b->signal ? b->signal : sig),
		            b->stack ? ": a stack overflow, unbounded recursion?" : "");
	else if (b->finished == 1)
		res->outcome = RUN_OK;
	else if (b->finished == 2)
		set_outcome(res, RUN_ERROR, "%s", b->message);
	else
		set_outcome(res, RUN_CRASH, "the block's process ended without a result (exit status %d%s)",
		            WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		            WIFEXITED(status) && WEXITSTATUS(status) == CHILD_EXIT_CHANNEL ? ": its channel to the daemon was closed or broken" : "");
}

/* Waits for the zygote's report of the child's end; kills the child first if
 * the broker stopped it or the deadline passes. */
static json_t *await_end(int reply, int kill_now, int64_t deadline, int *timed_out)
{
	if (kill_now)
		(void)!send(reply, "k", 1, MSG_NOSIGNAL);
	for (;;) {
		struct pollfd p = { reply, POLLIN, 0 };
		int64_t left = deadline - monotonic_ms();
		int n = poll(&p, 1, kill_now ? -1 : left > 0 ? (int)(left > 1000 ? 1000 : left) : 0);
		if (n > 0)
			return read_reply(reply, ZYGOTE_MSG_MAX);
		if (n < 0 && errno != EINTR)
			return NULL;
		if (!kill_now && monotonic_ms() >= deadline) {
			*timed_out = 1;
			kill_now = 1;
			(void)!send(reply, "k", 1, MSG_NOSIGNAL);
		}
	}
}

int sandbox_run(struct sandbox *sb, const char *block, const json_t *config, const json_t *inputs,
                const struct run_limits *asked, struct run_result *res)
{
	static const struct run_limits none;
	memset(res, 0, sizeof *res);
	res->outputs = json_object();
	res->logs = json_array();
	int64_t t0 = monotonic_ms();
	if (!asked)
		asked = &none;

	pthread_rwlock_rdlock(&sb->lock);
	json_t *entry = json_incref(json_object_get(sb->by_name, block));
	pthread_rwlock_unlock(&sb->lock);
	if (!entry) {
		set_outcome(res, RUN_ERROR, "no plugin provides the block '%s' (axond --list-blocks lists those that load)", block);
		return 0;
	}
	json_t *bl = json_object_get(entry, "limits");
	struct run_limits lim;
	lim.wall_ms = (uint32_t)pick(asked->wall_ms, (uint64_t)json_integer_value(json_object_get(bl, "wall_ms")), sb->default_wall_ms);
	lim.cpu_ms = (uint32_t)pick(asked->cpu_ms, (uint64_t)json_integer_value(json_object_get(bl, "cpu_ms")), lim.wall_ms);
	lim.memory_bytes = pick(asked->memory_bytes, (uint64_t)json_integer_value(json_object_get(bl, "memory_bytes")), DEFAULT_MEMORY_BYTES);
	lim.output_bytes = pick(asked->output_bytes, 0, DEFAULT_OUTPUT_BYTES);

	int rc = -1, chan[2] = { -1, -1 }, reply = -1;
	json_t *started = NULL, *end = NULL;
	struct broker_run b = { .stopped = -1, .violation = -1 };
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, chan) < 0) {
		set_outcome(res, RUN_ERROR, "the sandbox could not make a channel: socketpair: %s", strerror(errno));
		goto out;
	}
	json_t *req = json_pack("{s:s, s:s, s:I, s:I}", "op", "run", "block", block,
	                        "cpu_ms", (json_int_t)lim.cpu_ms, "memory_bytes", (json_int_t)lim.memory_bytes);
	reply = ask_zygote(sb, req, chan[1]);
	json_decref(req);
	close(chan[1]);
	started = reply >= 0 ? read_reply(reply, ZYGOTE_MSG_MAX) : NULL;
	if (!json_is_integer(json_object_get(started, "pid"))) {
		const char *why = json_string_value(json_object_get(started, "error"));
		if (why) {
			set_outcome(res, RUN_ERROR, "the sandbox could not start the block: %s", why);
			rc = 0;
		} else {
			set_outcome(res, RUN_ERROR, "the sandbox zygote is gone (%s): restart axond", reply < 0 ? strerror(errno) : "no answer");
		}
		goto out;
	}
	b.chan = chan[0];
	b.declared = json_object_get(entry, "outputs");
	b.output_max = lim.output_bytes;
	b.started = t0;
	b.deadline = t0 + lim.wall_ms;
	b.egress = &sb->egress;
	b.secrets = sb->secrets;
	b.res = res;
	b.cancel = asked->cancel;
	json_t *run_frame = json_pack("{s:O?, s:O?}", "config", config, "inputs", inputs);
	broker_serve(&b, run_frame);
	json_decref(run_frame);
	int timed_out = 0;
	end = await_end(reply, b.stopped >= 0, b.deadline, &timed_out);
	if (timed_out && b.stopped < 0) {
		b.stopped = RUN_TIMEOUT;
		b.message = xstrdup("the block ran longer than its wall-clock limit and was killed");
	}
	if (!json_is_integer(json_object_get(end, "status"))) {
		set_outcome(res, RUN_ERROR, "the sandbox zygote is gone: restart axond");
		goto out;
	}
	res->cpu_ms = (long)json_integer_value(json_object_get(end, "cpu_ms"));
	res->maxrss_kb = (long)json_integer_value(json_object_get(end, "maxrss_kb"));
	decide(res, &b, (int)json_integer_value(json_object_get(end, "status")), &lim);
	if (res->outcome == RUN_TIMEOUT)
		set_outcome(res, RUN_TIMEOUT, "the block ran longer than its wall-clock limit of %u ms and was killed", lim.wall_ms);
	rc = 0;
out:
	if (res->outcome != RUN_OK) {
		json_decref(res->outputs);
		res->outputs = json_object();
	}
	res->elapsed_ms = (long)(monotonic_ms() - t0);
	broker_free(&b);
	json_decref(started);
	json_decref(end);
	json_decref(entry);
	if (chan[0] >= 0)
		close(chan[0]);
	if (reply >= 0)
		close(reply);
	return rc;
}
