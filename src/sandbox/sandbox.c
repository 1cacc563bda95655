/* The daemon's side of the sandbox: starting the zygote (and starting it
 * again when it dies), taking a warm worker from the pool or asking the
 * zygote for a new one, setting each execution's limits from outside,
 * serving the worker through the broker, and naming the outcome from what
 * the worker said and how it ended. A keeper thread heals the zygote,
 * retires idle workers, rescans plugins that change and starts workers ahead
 * of need. */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>

#include <curl/curl.h>

#include "clock.h"
#include "config.h"
#include "credential_types.h"
#include "log.h"
#include "broker/broker.h"
#include "sandbox/channel.h"
#include "broker/egress.h"
#include "plugin/registry.h"
#include "plugin/schema.h"
#include "sandbox/policy.h"
#include "sandbox/pool.h"
#include "sandbox/protocol.h"
#include "broker/secrets.h"
#include "keyring.h"
#include "sandbox/zygote.h"
#include "strbuf.h"

#define KEEPER_TICK_MS 500       /* how often the keeper looks around */
#define PLUGIN_CHECK_MS 2000     /* how often plugin files are checked for changes */
#define PREWARM_WINDOW_MS 10000  /* "lately", for starting workers ahead of need */
#define IDLE_CPU_NS 50000000LL   /* CPU an idle worker may still use after its answer */
#define RSS_CHECK_EVERY 4        /* executions between two looks at a warm worker's memory */

struct sandbox {
	/* The zygote: ctl and pid change when it is started again; zlock is
	 * held for reading while a request goes to it. */
	pthread_rwlock_t zlock;
	int ctl;                 /* SOCK_SEQPACKET to the zygote */
	pid_t zygote;
	unsigned zygote_gen;     /* bumped at each start */
	enum sandbox_state state;
	unsigned restarts;
	int zygote_broken;       /* a request found it gone: the keeper starts another */
	char log_dest[1024];
	enum log_level log_level;

	pthread_rwlock_t lock;   /* the registry */
	json_t *registry; /* as the zygote sent it, checked */
	json_t *by_name;  /* block name -> its entry in registry */
	unsigned generation; /* bumped when registry is replaced */
	char plugin_dirs[sizeof ((struct config *)0)->plugin_dirs];

	struct pool *pool;
	int strict;              /* sandbox_mode = strict: no warm workers */
	unsigned pool_max;       /* warm workers kept, idle and busy */
	unsigned worker_max_executions;
	int64_t worker_idle_ms;
	uint64_t worker_max_rss;

	pthread_t keeper;
	pthread_mutex_t prewarm_mu; /* held while the keeper starts a worker ahead of need */
	pthread_mutex_t keeper_mu;
	pthread_cond_t keeper_wake;
	int stopping;

	struct egress_policy egress;
	struct secrets *secrets;
	char database[1024]; /* for the knowledge bases (broker/knowledge.c) */
	struct keyring *keyring;
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

static void sandbox_zygote_lost(struct sandbox *sb, unsigned gen);

/* Sends a request with fds to the zygote; the reply comes on a new socket,
 * whose daemon end is returned (or -1, and the keeper is told when the
 * zygote is gone). *gen is the zygote's generation that was asked. */
static int ask_zygote(struct sandbox *sb, json_t *req, int extra_fd, unsigned *gen)
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
	pthread_rwlock_rdlock(&sb->zlock);
	*gen = sb->zygote_gen;
	do
		n = sendmsg(sb->ctl, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	int saved = errno;
	pthread_rwlock_unlock(&sb->zlock);
	free(s);
	close(sv[1]);
	if (n < 0) {
		close(sv[0]);
		if (saved == EPIPE || saved == ECONNRESET || saved == ENOTCONN)
			sandbox_zygote_lost(sb, *gen);
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

/* The worker's plugin file is not the one plugins (the registry's) names. */
static int changed_plugin(const struct worker *w, void *plugins)
{
	const char *now = json_string_value(json_object_get(plugins, w->plugin));
	return !now || !w->identity || strcmp(now, w->identity);
}

static int load_registry(struct sandbox *sb)
{
	json_t *req = json_pack("{s:s, s:s}", "op", "registry", "plugin_dirs", sb->plugin_dirs);
	unsigned gen;
	int fd = ask_zygote(sb, req, -1, &gen);
	json_decref(req);
	json_t *reg = fd >= 0 ? read_reply(fd, REGISTRY_MAX) : NULL;
	if (fd >= 0)
		close(fd);
	if (!reg)
		return -1;
	/* The zygote's workers describe plugins that are not trusted: every
	 * entry is checked before the engine or a page sees it. */
	registry_check_json(reg);
	credential_types_add(json_object_get(reg, "credential_types"));
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
	/* Idle workers of a plugin that changed or went are retired; busy ones
	 * when they come back (their identity is no longer the registry's). */
	worker_retire_list(pool_remove_if(sb->pool, changed_plugin, json_object_get(reg, "plugins")));
	return 0;
}

/* Starts a zygote on a new control socket: 0, or -1 with errno set. */
static int start_zygote(struct sandbox *sb)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid_t pid = zygote_spawn(sv[1], sb->log_dest, sb->log_level);
	int saved = errno;
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		errno = saved;
		return -1;
	}
	pthread_rwlock_wrlock(&sb->zlock);
	int old = sb->ctl;
	sb->ctl = sv[0];
	sb->zygote = pid;
	sb->zygote_gen++;
	sb->zygote_broken = 0;
	pthread_rwlock_unlock(&sb->zlock);
	if (old >= 0)
		close(old);
	return 0;
}

/* A request found the zygote of generation gen gone: the keeper starts
 * another, unless it already has. */
static void sandbox_zygote_lost(struct sandbox *sb, unsigned gen)
{
	pthread_rwlock_rdlock(&sb->zlock);
	int current = gen == sb->zygote_gen;
	pthread_rwlock_unlock(&sb->zlock);
	if (!current)
		return;
	pthread_mutex_lock(&sb->keeper_mu);
	sb->zygote_broken = 1;
	pthread_cond_signal(&sb->keeper_wake);
	pthread_mutex_unlock(&sb->keeper_mu);
}

static int different_zygote(const struct worker *w, void *arg)
{
	return w->zygote_gen != *(unsigned *)arg;
}

/* The zygote died: say why, and start another, at once the first time and
 * then after a growing pause while it keeps dying. The workers died with it. */
static void heal_zygote(struct sandbox *sb, const int *reaped, int64_t *next_try, int64_t *pause_ms)
{
	int status = reaped ? *reaped : 0;
	pthread_rwlock_rdlock(&sb->zlock);
	pid_t pid = sb->zygote;
	pthread_rwlock_unlock(&sb->zlock);
	if (pid > 0) {
		if (!reaped) { /* a request found it broken: make sure it is gone */
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
		if (WIFSIGNALED(status))
			log_error("sandbox: the zygote %d was killed by signal SIG%s; its workers died with it",
			          (int)pid, sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
		else
			log_error("sandbox: the zygote %d exited with status %d; its workers died with it", (int)pid, WEXITSTATUS(status));
		pthread_rwlock_wrlock(&sb->zlock);
		sb->zygote = -1;
		sb->state = SANDBOX_RESTARTING;
		pthread_rwlock_unlock(&sb->zlock);
	}
	if (mono_ms() < *next_try)
		return;
	unsigned gen = sb->zygote_gen + 1;
	worker_retire_list(pool_remove_if(sb->pool, different_zygote, &gen));
	if (start_zygote(sb) < 0) {
		log_error("sandbox: cannot start a new zygote: %s", strerror(errno));
	} else {
		sb->restarts++;
		log_info("sandbox: zygote %d started again (restart %u)", (int)sb->zygote, sb->restarts);
	}
	/* It keeps dying: wait longer each time, up to a minute, and say so. */
	*next_try = mono_ms() + *pause_ms;
	*pause_ms = *pause_ms * 2 > 60000 ? 60000 : *pause_ms * 2;
	pthread_rwlock_wrlock(&sb->zlock);
	sb->state = *pause_ms > 8000 ? SANDBOX_FAILING : SANDBOX_OK;
	pthread_rwlock_unlock(&sb->zlock);
}

static int idle_too_long(const struct worker *w, void *arg)
{
	return mono_ms() - w->idle_since >= *(int64_t *)arg;
}

static struct worker *spawn_worker(struct sandbox *sb, const char *plugin, const char *identity, const char *domain,
                                   int once, uint32_t cpu_ms, uint64_t memory_bytes, char *err, size_t errlen);

/* The plugin files' identities now against the registry's: a file replaced
 * or rewritten since the last scan makes a scan now. */
static int plugins_changed(struct sandbox *sb)
{
	int changed = 0;
	pthread_rwlock_rdlock(&sb->lock);
	const char *path;
	json_t *id;
	json_object_foreach(json_object_get(sb->registry, "plugins"), path, id) {
		char now[PLUGIN_IDENTITY_MAX];
		if (plugin_identity(path, now, sizeof now) < 0 || strcmp(now, json_string_value(id))) {
			log_info("sandbox: the plugin %s changed on disk: scanning the plugins again", path);
			changed = 1;
			break;
		}
	}
	pthread_rwlock_unlock(&sb->lock);
	return changed;
}

/* The keeper: heals the zygote, retires idle workers, notices plugin files
 * that change, and starts workers ahead of need. */
static void *keeper_main(void *arg)
{
	pthread_setname_np(pthread_self(), "axon-keeper"); /* as top -H and /proc show it */
	struct sandbox *sb = arg;
	int64_t next_try = 0, pause_ms = 1000, last_heal = 0, last_files = 0;
	pthread_mutex_lock(&sb->keeper_mu);
	while (!sb->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += KEEPER_TICK_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		if (!sb->zygote_broken)
			pthread_cond_timedwait(&sb->keeper_wake, &sb->keeper_mu, &until);
		if (sb->stopping)
			break;
		int broken = sb->zygote_broken;
		pthread_mutex_unlock(&sb->keeper_mu);

		pid_t z = sb->zygote;
		int status = 0;
		pid_t ended = z > 0 ? waitpid(z, &status, WNOHANG) : -1;
		if (!broken && ended == 0) {
			/* alive */
		} else {
			if (mono_ms() - last_heal > 60000)
				next_try = 0, pause_ms = 1000; /* it lived a minute: start afresh */
			heal_zygote(sb, ended == z ? &status : NULL, &next_try, &pause_ms);
			last_heal = mono_ms();
		}
		worker_retire_list(pool_remove_if(sb->pool, idle_too_long, &sb->worker_idle_ms));
		if (mono_ms() - last_files >= PLUGIN_CHECK_MS) {
			last_files = mono_ms();
			if (plugins_changed(sb) && load_registry(sb) < 0)
				log_error("sandbox: the plugins could not be scanned again; the old ones stay in use");
		}
		char *plugin = NULL, *identity = NULL, *domain = NULL, err[300];
		unsigned idle, busy;
		pthread_mutex_lock(&sb->prewarm_mu);
		pool_counts(sb->pool, &idle, &busy);
		if (!sb->strict && idle + busy < sb->pool_max &&
		    pool_shortfall(sb->pool, mono_ms(), PREWARM_WINDOW_MS, &plugin, &identity, &domain)) {
			struct worker *w = spawn_worker(sb, plugin, identity, domain, 0, 0, 0, err, sizeof err);
			if (w) {
				log_debug("sandbox: worker %d started ahead of need for %s (%s)", (int)w->pid, plugin, domain);
				pool_put(sb->pool, w);
			}
		}
		pthread_mutex_unlock(&sb->prewarm_mu);
		free(plugin);
		free(identity);
		free(domain);
		pthread_mutex_lock(&sb->keeper_mu);
	}
	pthread_mutex_unlock(&sb->keeper_mu);
	return NULL;
}

struct sandbox *sandbox_start(const struct config *c, char *err, size_t errlen)
{
	/* Before any thread, as curl_global_init wants. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct sandbox *sb = xcalloc(1, sizeof *sb);
	sb->ctl = -1;
	sb->zygote = -1;
	pthread_rwlock_init(&sb->zlock, NULL);
	pthread_rwlock_init(&sb->lock, NULL);
	pthread_mutex_init(&sb->keeper_mu, NULL);
	pthread_mutex_init(&sb->prewarm_mu, NULL);
	pthread_cond_init(&sb->keeper_wake, NULL);
	snprintf(sb->log_dest, sizeof sb->log_dest, "%s", c->log);
	sb->log_level = c->log_level;
	snprintf(sb->plugin_dirs, sizeof sb->plugin_dirs, "%s", c->plugin_dirs);
	sb->pool = pool_new();
	sb->strict = c->sandbox_strict;
	sb->pool_max = (unsigned)c->sandbox_pool_max;
	sb->worker_max_executions = (unsigned)c->worker_max_executions;
	sb->worker_idle_ms = c->worker_idle_timeout * 1000LL;
	sb->worker_max_rss = c->worker_max_memory;
	sb->egress = egress_policy_from_config(c);
	sb->secrets = secrets_open(c->secrets_file);
	sb->keyring = keyring_new(c->credential_key_file);
	snprintf(sb->database, sizeof sb->database, "%s", c->database);
	sb->default_wall_ms = (uint32_t)(c->block_timeout * 1000);
	if (start_zygote(sb) < 0) {
		snprintf(err, errlen, "cannot start the sandbox zygote: %s", strerror(errno));
		sandbox_stop(sb);
		return NULL;
	}
	if (load_registry(sb) < 0) {
		snprintf(err, errlen, "the sandbox zygote did not start (see the log above)");
		sandbox_stop(sb);
		return NULL;
	}
	if (pthread_create(&sb->keeper, NULL, keeper_main, sb) != 0) {
		snprintf(err, errlen, "cannot start the sandbox's keeper thread");
		sandbox_stop(sb);
		return NULL;
	}
	size_t nblocks = json_array_size(json_object_get(sb->registry, "blocks"));
	size_t nskipped = json_array_size(json_object_get(sb->registry, "skipped"));
	log_info("sandbox: zygote %d, %zu blocks%s; %s", (int)sb->zygote, nblocks,
	         nskipped ? " (some plugins were skipped: see above)" : "",
	         sb->strict ? "strict mode: a fresh process for every block execution" : "warm workers kept per plugin and workflow");
	return sb;
}

void sandbox_stop(struct sandbox *sb)
{
	if (!sb)
		return;
	if (sb->keeper) {
		pthread_mutex_lock(&sb->keeper_mu);
		sb->stopping = 1;
		pthread_cond_signal(&sb->keeper_wake);
		pthread_mutex_unlock(&sb->keeper_mu);
		pthread_join(sb->keeper, NULL);
	}
	pool_free(sb->pool);
	if (sb->ctl >= 0)
		close(sb->ctl); /* the zygote kills its workers and exits */
	int status;
	while (sb->zygote > 0 && waitpid(sb->zygote, &status, 0) < 0 && errno == EINTR)
		;
	json_decref(sb->registry);
	json_decref(sb->by_name);
	secrets_close(sb->secrets);
	keyring_free(sb->keyring);
	pthread_rwlock_destroy(&sb->lock);
	pthread_rwlock_destroy(&sb->zlock);
	pthread_mutex_destroy(&sb->keeper_mu);
	pthread_mutex_destroy(&sb->prewarm_mu);
	pthread_cond_destroy(&sb->keeper_wake);
	free(sb);
}

int sandbox_rescan(struct sandbox *sb)
{
	return load_registry(sb);
}

json_t *sandbox_registry(struct sandbox *sb)
{
	pthread_rwlock_rdlock(&sb->lock);
	json_t *r = json_deep_copy(sb->registry);
	pthread_rwlock_unlock(&sb->lock);
	json_object_del(r, "plugins");
	return r;
}

unsigned sandbox_registry_generation(struct sandbox *sb)
{
	pthread_rwlock_rdlock(&sb->lock);
	unsigned g = sb->generation;
	pthread_rwlock_unlock(&sb->lock);
	return g;
}

pid_t sandbox_zygote_pid(struct sandbox *sb)
{
	pthread_rwlock_rdlock(&sb->zlock);
	pid_t z = sb->zygote;
	pthread_rwlock_unlock(&sb->zlock);
	return z;
}

json_t *sandbox_health(struct sandbox *sb)
{
	static const char *const names[] = { "ok", "restarting", "failing" };
	unsigned idle, busy;
	pool_counts(sb->pool, &idle, &busy);
	pthread_rwlock_rdlock(&sb->zlock);
	json_t *h = json_pack("{s:s, s:i, s:s, s:I, s:I}", "state", names[sb->state], "zygote_restarts", (int)sb->restarts,
	                      "mode", sb->strict ? "strict" : "warm", "workers_idle", (json_int_t)idle,
	                      "executions_running", (json_int_t)busy);
	pthread_rwlock_unlock(&sb->zlock);
	return h;
}

void sandbox_drain(struct sandbox *sb)
{
	pthread_mutex_lock(&sb->prewarm_mu);
	pool_forget_demand(sb->pool);
	worker_retire_list(pool_remove_if(sb->pool, NULL, NULL));
	pthread_mutex_unlock(&sb->prewarm_mu);
}

void run_result_free(struct run_result *res)
{
	free(res->message);
	json_decref(res->outputs);
	json_decref(res->logs);
	json_decref(res->artifact);
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

static const char *abi_name(long arch)
{
	return arch == ABI_X32 ? "x32" : arch == (long)AUDIT_ARCH_I386 ? "i386 (int 0x80)" : "another architecture";
}

/* From what the worker said and how it ended, the one outcome. */
static void decide(struct run_result *res, const struct broker_run *b, int status, const struct run_limits *lim)
{
	char name[64];
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (b->stopped >= 0)
		set_outcome(res, (enum run_outcome)b->stopped, "%s", b->message);
	else if (b->confine_error)
		set_outcome(res, RUN_ERROR, "the sandbox could not confine the block, so it did not run: %s", b->confine_error);
	else if (b->load_error)
		set_outcome(res, RUN_ERROR, "the sandbox could not load the block's plugin: %s", b->load_error);
	else if (b->abi)
		set_outcome(res, RUN_VIOLATION, "the block made a system call of the %s ABI, which blocks may not make "
		            "(a block runs as a native 64-bit program and does no I/O of its own)", abi_name(b->abi));
	else if (b->violation >= 0)
		set_outcome(res, RUN_VIOLATION, "the block made the system call '%s', which blocks may not make "
		            "(a block does no I/O of its own: it asks the host through ctx->host)",
		            policy_syscall_name(b->violation, name, sizeof name));
	else if (b->memory)
		set_outcome(res, RUN_MEMORY_LIMIT, "the block ran out of its memory limit of %llu MiB",
		            (unsigned long long)(lim->memory_bytes >> 20));
	else if (sig == SIGSYS && !b->signal && !b->finished)
		set_outcome(res, RUN_VIOLATION, "the block made a system call which blocks may not make, and it could not be "
		            "reported (SIGSYS was blocked or taken over): another ABI's call, or a forbidden one");
	else if ((sig == SIGXCPU || (sig == SIGKILL && res->cpu_ms >= (long)lim->cpu_ms)) && lim->cpu_ms >= lim->wall_ms)
		/* A block's one thread cannot use more CPU time than the time that
		 * passed: its wall clock ran out too, whichever the kernel or our
		 * clock saw first. One outcome for one block, however busy the machine. */
		set_outcome(res, RUN_TIMEOUT, "the block ran longer than its wall-clock limit and was killed");
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

/* Waits for the zygote's report of the worker's end; kills the worker first
 * if kill_now or the deadline passes. */
static json_t *await_end(int reply, int kill_now, int64_t deadline, int *timed_out)
{
	if (kill_now)
		(void)!send(reply, "k", 1, MSG_NOSIGNAL);
	for (;;) {
		struct pollfd p = { reply, POLLIN, 0 };
		int64_t left = deadline - mono_ms();
		int n = poll(&p, 1, kill_now ? -1 : left > 0 ? (int)(left > 1000 ? 1000 : left) : 0);
		if (n > 0)
			return read_reply(reply, ZYGOTE_MSG_MAX);
		if (n < 0 && errno != EINTR)
			return NULL;
		if (!kill_now && mono_ms() >= deadline) {
			*timed_out = 1;
			kill_now = 1;
			(void)!send(reply, "k", 1, MSG_NOSIGNAL);
		}
	}
}

/* The kernel holds RLIMIT_CPU against a process's tick-sampled user+system
 * time (its "prof" clock), not the scheduler's exact runtime that
 * clock_getcpuclockid gives: on a busy machine the two part by tens of per
 * cent. A limit set from the scheduler's figure could stop an execution well
 * within its budget, so the limit starts from the prof clock, whose id is
 * made as the kernel makes it (linux/posix-timers.h: MAKE_PROCESS_CPUCLOCK
 * with CPUCLOCK_PROF, which is 0). */
static clockid_t worker_limit_clock(pid_t pid)
{
	return (clockid_t)((unsigned)~pid << 3);
}

static int64_t cpu_ns(clockid_t clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts) < 0)
		return -1;
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A worker's resident memory in bytes, 0 if unknown: from its statm file,
 * opened once (the path lookup cost more than the read). */
static uint64_t rss_bytes(const struct worker *w)
{
	char buf[128];
	ssize_t n = w->statm >= 0 ? pread(w->statm, buf, sizeof buf - 1, 0) : -1;
	unsigned long size, resident;
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%lu %lu", &size, &resident) != 2)
		return 0;
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static struct worker *spawn_worker(struct sandbox *sb, const char *plugin, const char *identity, const char *domain,
                                   int once, uint32_t cpu_ms, uint64_t memory_bytes, char *err, size_t errlen)
{
	int chan[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, chan) < 0) {
		snprintf(err, errlen, "the sandbox could not make a channel: socketpair: %s", strerror(errno));
		return NULL;
	}
	unsigned gen;
	json_t *req = json_pack("{s:s, s:s, s:s?, s:b, s:I, s:I}", "op", "worker", "plugin", plugin, "identity", identity,
	                        "once", once, "cpu_ms", (json_int_t)cpu_ms, "memory_bytes", (json_int_t)memory_bytes);
	int reply = ask_zygote(sb, req, chan[1], &gen);
	json_decref(req);
	close(chan[1]);
	json_t *started = reply >= 0 ? read_reply(reply, ZYGOTE_MSG_MAX) : NULL;
	if (!json_is_integer(json_object_get(started, "pid"))) {
		const char *why = json_string_value(json_object_get(started, "error"));
		if (why) {
			snprintf(err, errlen, "the sandbox could not start the block: %s", why);
		} else {
			snprintf(err, errlen, "the sandbox zygote is gone (%s): axond is starting a new one; run the step again",
			         reply < 0 ? strerror(errno) : "no answer");
			sandbox_zygote_lost(sb, gen);
		}
		json_decref(started);
		close(chan[0]);
		if (reply >= 0)
			close(reply);
		return NULL;
	}
	struct worker *w = xcalloc(1, sizeof *w);
	w->pid = (pid_t)json_integer_value(json_object_get(started, "pid"));
	w->address_base = (uint64_t)json_integer_value(json_object_get(started, "address_base"));
	w->chan = chan[0];
	w->reply = reply;
	w->zygote_gen = gen;
	w->once = once;
	w->as_soft = w->address_base + (memory_bytes ? memory_bytes : DEFAULT_MEMORY_BYTES);
	w->cpu_soft = cpu_ms ? (cpu_ms + 999) / 1000 : 0; /* 0: unknown, set before its first execution */
	if (clock_getcpuclockid(w->pid, &w->cpu_clock) != 0)
		w->cpu_clock = (clockid_t)-1;
	char statm[64];
	snprintf(statm, sizeof statm, "/proc/%d/statm", (int)w->pid);
	w->statm = once ? -1 : open(statm, O_RDONLY | O_CLOEXEC); /* strict mode never asks */
	w->plugin = xstrdup(plugin);
	w->identity = identity ? xstrdup(identity) : NULL;
	w->domain = domain ? xstrdup(domain) : NULL;
	json_decref(started);
	return w;
}

/* An idle worker is fit for another execution if it is alive, said nothing
 * and computed nothing while idle (beyond freeing the last execution's
 * values after its answer: IDLE_CPU_NS). Returns its CPU time now, the
 * next execution's start, or -1 when it is not fit. */
static int64_t worker_fit(const struct worker *w)
{
	struct pollfd p[2] = { { w->chan, POLLIN, 0 }, { w->reply, POLLIN, 0 } };
	if (poll(p, 2, 0) != 0)
		return -1;
	int64_t cpu = cpu_ns(w->cpu_clock);
	if (cpu < 0)
		return 0; /* its clock cannot be read: nothing to hold against it */
	return cpu - w->idle_cpu_ns < IDLE_CPU_NS ? cpu : -1;
}

/* This execution's limits, set from outside: the worker cannot set its own. */
static int set_limits(struct worker *w, const struct run_limits *lim, int64_t cpu_start_ns)
{
	unsigned long cpu_soft = (unsigned long)((cpu_start_ns / 1000000 + lim->cpu_ms + 999) / 1000);
	if (cpu_soft != w->cpu_soft) {
		struct rlimit r = { cpu_soft, RLIM_INFINITY };
		if (prlimit(w->pid, RLIMIT_CPU, &r, NULL) < 0)
			return -1;
		w->cpu_soft = cpu_soft;
	}
	uint64_t as = w->address_base + lim->memory_bytes;
	if (as != w->as_soft) {
		struct rlimit r = { as, RLIM_INFINITY };
		if (prlimit(w->pid, RLIMIT_AS, &r, NULL) < 0)
			return -1;
		w->as_soft = as;
	}
	return 0;
}

/* After an ok or error execution: kept for the next one, or retired. */
static void release_worker(struct sandbox *sb, struct worker *w, uint64_t rss, unsigned generation)
{
	const char *why = NULL;
	if (w->once)
		why = "";
	else if (w->executions >= sb->worker_max_executions)
		why = "it served its number of executions (worker_max_executions)";
	else if (sb->worker_max_rss && rss > sb->worker_max_rss)
		why = "its memory grew past worker_max_memory";
	else if (generation != sandbox_registry_generation(sb)) {
		pthread_rwlock_rdlock(&sb->lock);
		if (changed_plugin(w, json_object_get(sb->registry, "plugins")))
			why = "its plugin changed";
		pthread_rwlock_unlock(&sb->lock);
	}
	if (why) {
		if (*why)
			log_info("sandbox: worker %d of %s retired: %s", (int)w->pid, w->plugin, why);
		worker_retire(w);
		return;
	}
	w->idle_since = mono_ms();
	pool_put(sb->pool, w);
	worker_retire_list(pool_trim(sb->pool, sb->pool_max));
}

/* One execution on worker w, whose CPU time is cpu0 now, served by the
 * broker: fills res and says whether w may serve again. */
static int execute(struct sandbox *sb, struct worker *w, int64_t cpu0, const json_t *entry, const char *block,
                   const json_t *config, const json_t *inputs, int check, const struct run_limits *lim, int64_t t0,
                   struct run_result *res)
{
	struct broker_run b = { .stopped = -1, .violation = -1 };
	int reusable = 0;
	/* A worker's first execution has the limits it confined itself with,
	 * made from this execution's: the daemon's prlimit could come before
	 * the worker's own setrlimit, which would undo it. */
	if (!w->once && w->executions) {
		int64_t counted = cpu_ns(worker_limit_clock(w->pid));
		if (set_limits(w, lim, counted >= 0 ? counted : cpu0) < 0) {
			set_outcome(res, RUN_ERROR, "the sandbox could not set the block's limits: prlimit: %s",
			            strerror(errno));
			return 0;
		}
	}
	b.chan = w->chan;
	json_t *typed = schema_block_type(entry, config); /* with the ports the config names */
	b.declared = json_object_get(typed, "outputs");
	b.config = config;
	b.config_schema = json_object_get(entry, "config_schema");
	b.output_max = lim->output_bytes;
	b.started = t0;
	b.deadline = t0 + lim->wall_ms;
	b.egress = &sb->egress;
	b.secrets = sb->secrets;
	if (lim->store && (lim->run_id || lim->poll_workflow_id)) {
		b.store = lim->store;
		b.keyring = sb->keyring;
		b.run_id = lim->run_id;
		b.poll_workflow_id = lim->run_id ? 0 : lim->poll_workflow_id;
	}
	b.database = sb->database;
	b.res = res;
	b.cancel = lim->cancel;
	b.on_slow = lim->on_slow;
	b.slow_arg = lim->slow_arg;
	b.slow_at = t0 + lim->slow_ms;
	b.on_log = lim->on_log;
	b.log_arg = lim->log_arg;
	b.call_workflow = lim->call_workflow;
	b.call_arg = lim->call_arg;
	b.cpu_clock = w->cpu_clock;
	b.cpu_deadline_ns = cpu0 + (int64_t)lim->cpu_ms * 1000000LL + 1000000000LL;
	json_t *run_frame = json_pack("{s:s, s:O?, s:O?}", "block", block, "config", config, "inputs", inputs);
	if (check)
		json_object_set_new(run_frame, "check", json_true());
	else if (lim->artifact)
		json_object_set(run_frame, "artifact", (json_t *)lim->artifact);
	broker_serve(&b, run_frame);
	json_decref(run_frame);
	int64_t cpu1 = cpu_ns(w->cpu_clock);
	res->cpu_ms = cpu0 >= 0 && cpu1 >= cpu0 ? (long)((cpu1 - cpu0) / 1000000) : 0;
	if (b.finished && b.stopped < 0 && !b.leftover) {
		/* The worker lives on: the outcome is what it said. Its memory is
		 * read every few executions (a read of /proc costs more than the
		 * rest of an execution's bookkeeping). */
		if (w->executions % RSS_CHECK_EVERY == 0)
			res->maxrss_kb = (long)(rss_bytes(w) >> 10);
		decide(res, &b, 0, lim);
		w->executions++;
		w->idle_cpu_ns = cpu1; /* what it computes from now on, it computes idle */
		reusable = 1;
	} else {
		int timed_out = 0;
		json_t *end = await_end(w->reply, b.stopped >= 0 || b.finished, b.deadline, &timed_out);
		if (timed_out && b.stopped < 0) {
			b.stopped = RUN_TIMEOUT;
			b.message = xstrdup("the block ran longer than its wall-clock limit and was killed");
		}
		if (!json_is_integer(json_object_get(end, "status"))) {
			set_outcome(res, RUN_ERROR, "the sandbox zygote died during this step: axond is starting a new one; run the step again");
			sandbox_zygote_lost(sb, w->zygote_gen);
		} else {
			res->maxrss_kb = (long)json_integer_value(json_object_get(end, "maxrss_kb"));
			if (!res->cpu_ms)
				res->cpu_ms = (long)json_integer_value(json_object_get(end, "cpu_ms"));
			decide(res, &b, (int)json_integer_value(json_object_get(end, "status")), lim);
			if (res->outcome == RUN_TIMEOUT)
				set_outcome(res, RUN_TIMEOUT, "the block ran longer than its wall-clock limit of %u ms and was killed", lim->wall_ms);
		}
		json_decref(end);
		if (b.changed) {
			/* The plugin file changed under us: scan now, so that the
			 * next run finds the new one. */
			load_registry(sb);
		}
	}
	broker_free(&b);
	json_decref(typed);
	return reusable;
}

/* sandbox_run(), or with check set sandbox_check(). */
static int serve(struct sandbox *sb, const char *block, const json_t *config, const json_t *inputs, int check,
                 const struct run_limits *asked, struct run_result *res)
{
	static const struct run_limits none;
	char err[600];
	memset(res, 0, sizeof *res);
	res->outputs = json_object();
	res->logs = json_array();
	int64_t t0 = mono_ms();
	if (!asked)
		asked = &none;

	json_t *entry;
	unsigned generation;
	const char *plugin;
	char *identity, on_disk[PLUGIN_IDENTITY_MAX];
	for (int scanned = 0;; scanned = 1) {
		pthread_rwlock_rdlock(&sb->lock);
		entry = json_incref(json_object_get(sb->by_name, block));
		generation = sb->generation;
		plugin = json_string_value(json_object_get(entry, "plugin"));
		const char *id = json_string_value(json_object_get(json_object_get(sb->registry, "plugins"), plugin ? plugin : ""));
		identity = id ? xstrdup(id) : NULL;
		pthread_rwlock_unlock(&sb->lock);
		/* A plugin file replaced or rewritten since the last scan is
		 * scanned again before any worker maps it (a stat: a microsecond). */
		if (scanned || !identity || (plugin_identity(plugin, on_disk, sizeof on_disk) == 0 && !strcmp(on_disk, identity)))
			break;
		log_info("sandbox: the plugin %s changed on disk: scanning the plugins again", plugin);
		json_decref(entry);
		free(identity);
		load_registry(sb);
	}
	if (!entry || !plugin || !identity) {
		set_outcome(res, RUN_ERROR, "no plugin provides the block '%s' (axond --list-blocks lists those that load)", block);
		json_decref(entry);
		free(identity);
		return 0;
	}
	json_t *bl = json_object_get(entry, "limits");
	struct run_limits lim = { 0 };
	lim.wall_ms = (uint32_t)pick(asked->wall_ms, (uint64_t)json_integer_value(json_object_get(bl, "wall_ms")), sb->default_wall_ms);
	lim.cpu_ms = (uint32_t)pick(asked->cpu_ms, (uint64_t)json_integer_value(json_object_get(bl, "cpu_ms")), lim.wall_ms);
	lim.memory_bytes = pick(asked->memory_bytes, (uint64_t)json_integer_value(json_object_get(bl, "memory_bytes")), DEFAULT_MEMORY_BYTES);
	lim.output_bytes = pick(asked->output_bytes, 0, DEFAULT_OUTPUT_BYTES);
	lim.cancel = asked->cancel;
	lim.on_slow = asked->on_slow;
	lim.slow_arg = asked->slow_arg;
	lim.slow_ms = asked->slow_ms;
	lim.store = asked->store;
	lim.run_id = asked->run_id;
	lim.poll_workflow_id = asked->poll_workflow_id;
	lim.on_log = asked->on_log;
	lim.log_arg = asked->log_arg;
	/* An artifact made by another plugin file than the one that runs now is not handed over. */
	const json_t *made_by = json_object_get(asked->artifact, "plugin");
	if (!check && made_by && !strcmp(json_string_value(made_by) ?: "", identity))
		lim.artifact = json_object_get(asked->artifact, "value");
	lim.call_workflow = asked->call_workflow;
	lim.call_arg = asked->call_arg;

	/* Warm unless the sandbox, the workflow or a caller without a trust
	 * domain asks for a fresh process. */
	int warm = !sb->strict && !asked->strict && asked->domain;
	struct worker *w = NULL;
	int64_t cpu0 = -1;
	if (warm) {
		w = pool_take(sb->pool, plugin, identity, asked->domain);
		if (w && (cpu0 = worker_fit(w)) < 0) {
			log_info("sandbox: worker %d of %s retired: it died or stirred while idle", (int)w->pid, plugin);
			worker_retire(w);
			w = NULL;
		}
	}
	int once = !warm;
	if (warm && !w) {
		/* A new worker: the least recently used idle one makes room, or,
		 * when every worker is busy, this one is not kept. */
		unsigned idle, busy;
		pool_counts(sb->pool, &idle, &busy);
		if (idle + busy > sb->pool_max) {
			if (idle)
				worker_retire_list(pool_trim(sb->pool, idle - 1));
			else
				once = 1;
		}
	}
	int rc = 0;
	if (!w && (w = spawn_worker(sb, plugin, identity, asked->domain, once, lim.cpu_ms, lim.memory_bytes, err,
				    sizeof err)))
		cpu0 = cpu_ns(w->cpu_clock);
	if (!w) {
		set_outcome(res, RUN_ERROR, "%s", err);
		rc = -1;
	} else if (execute(sb, w, cpu0, entry, block, config, inputs, check, &lim, t0, res)) {
		release_worker(sb, w, (uint64_t)res->maxrss_kb << 10, generation);
	} else {
		worker_retire(w);
	}
	if (warm)
		pool_done(sb->pool, plugin, identity, asked->domain);
	if (res->outcome != RUN_OK) {
		json_decref(res->outputs);
		res->outputs = json_object();
	}
	if (res->artifact && check && res->outcome == RUN_OK)
		res->artifact = json_pack("{s:s, s:o}", "plugin", identity, "value", res->artifact);
	else if (res->artifact) {
		json_decref(res->artifact);
		res->artifact = NULL;
	}
	res->elapsed_ms = (long)(mono_ms() - t0);
	json_decref(entry);
	free(identity);
	return rc;
}

int sandbox_run(struct sandbox *sb, const char *block, const json_t *config, const json_t *inputs,
                const struct run_limits *limits, struct run_result *res)
{
	return serve(sb, block, config, inputs, 0, limits, res);
}

int sandbox_check(struct sandbox *sb, const char *block, const json_t *config, struct run_result *res)
{
	/* No trust domain: a fresh process, whatever the code does to its parser. */
	static const struct run_limits limits = { .wall_ms = SANDBOX_CHECK_MS, .cpu_ms = SANDBOX_CHECK_MS };
	return serve(sb, block, config, NULL, 1, &limits, res);
}
