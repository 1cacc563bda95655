#include "sandbox/child.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/audit.h>

#include "plugin/schema.h"
#include "sandbox/channel.h"
#include "sandbox/protocol.h"

struct child_ctx {
	struct axon_ctx pub;
	char *failure;      /* the message given to fail() */
	int checking;       /* in check(): keep() is allowed */
	const json_t *kept; /* what check() kept for this run, or NULL */
};

#define KEEP_MAX (4u << 20) /* the text of what check() keeps */

static const char *const level_names[] = { "debug", "info", "warn", "error" };

/* Emitted values wait here for the execution's next message (its end, a
 * log line, a request), to go with it in one write: one wake-up of the
 * daemon per execution instead of one per message. Past HELD_MAX bytes they
 * go at once, so that the daemon judges a large output as it comes. */
#define HELD_MAX (64u << 10)
static struct strbuf held = STRBUF_INIT;

/* Writes what is held; a broken channel ends the child (the daemon is gone
 * or has given up on it). */
static void send_held(void)
{
	int rc = chan_write_frames(CHILD_CHANNEL_FD, &held);
	if (held.cap > 2 * HELD_MAX)
		sb_free(&held); /* a large output's room is not kept for the worker's later executions */
	else
		sb_reset(&held);
	if (rc < 0)
		_exit(CHILD_EXIT_CHANNEL);
}

static void hold_json(json_t *msg)
{
	int rc = chan_append_json(&held, msg);
	json_decref(msg);
	if (rc < 0)
		_exit(CHILD_EXIT_CHANNEL);
}

/* Sends one message, after what is held. */
static void send_json(json_t *msg)
{
	hold_json(msg);
	send_held();
}

/* The daemon's answer to a request, or NULL with the reason in err. */
static json_t *ask(json_t *request, const char *want, char *err, size_t errlen)
{
	struct strbuf in = STRBUF_INIT;
	send_json(request);
	if (chan_read(CHILD_CHANNEL_FD, CHILD_REPLY_MAX, &in) != 1)
		_exit(CHILD_EXIT_CHANNEL);
	json_t *reply = chan_parse(in.data, in.len);
	sb_free(&in);
	json_t *v = json_incref(json_object_get(reply, want));
	if (!v)
		snprintf(err, errlen, "%s", json_string_value(json_object_get(reply, "error")) ?
		         json_string_value(json_object_get(reply, "error")) : "the daemon gave no answer");
	json_decref(reply);
	return v;
}

static int host_emit(struct axon_ctx *ctx, const char *port, json_t *value)
{
	if (!port || !value) {
		json_decref(value);
		return -1;
	}
	hold_json(json_pack("{s:s, s:s, s:o}", "t", "emit", "port", port, "value", value));
	if (held.len > HELD_MAX)
		send_held();
	return 0;
}

static int host_fail(struct axon_ctx *ctx, const char *fmt, ...) AXON_PRINTF(2, 3);
static int host_fail(struct axon_ctx *ctx, const char *fmt, ...)
{
	struct child_ctx *c = (struct child_ctx *)ctx;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	free(c->failure);
	c->failure = sb_detach(&sb);
	return AXON_FAIL;
}

static void host_log(struct axon_ctx *ctx, enum axon_log_level level, const char *fmt, ...) AXON_PRINTF(3, 4);
static void host_log(struct axon_ctx *ctx, enum axon_log_level level, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	if ((unsigned)level > AXON_LOG_ERROR)
		level = AXON_LOG_ERROR;
	send_json(json_pack("{s:s, s:s, s:s%}", "t", "log", "level", level_names[level], "message", sb_str(&sb), sb.len));
	sb_free(&sb);
}

static void host_progress(struct axon_ctx *ctx, double fraction, const char *message)
{
	send_json(json_pack("{s:s, s:f, s:s?}", "t", "progress", "fraction", fraction, "message", message));
}

static json_t *host_http(struct axon_ctx *ctx, const json_t *request, char *err, size_t errlen)
{
	if (!json_is_object(request)) {
		snprintf(err, errlen, "the request must be a JSON object");
		return NULL;
	}
	return ask(json_pack("{s:s, s:O}", "t", "http", "request", request), "response", err, errlen);
}

static json_t *host_secret(struct axon_ctx *ctx, const char *name, char *err, size_t errlen)
{
	if (!name) {
		snprintf(err, errlen, "no secret name");
		return NULL;
	}
	return ask(json_pack("{s:s, s:s}", "t", "secret", "name", name), "value", err, errlen);
}

static json_t *host_call(struct axon_ctx *ctx, const char *service, const json_t *request, char *err, size_t errlen)
{
	if (!service || !json_is_object(request)) {
		snprintf(err, errlen, "a call needs a service name and a request that is a JSON object");
		return NULL;
	}
	return ask(json_pack("{s:s, s:s, s:O}", "t", "call", "service", service, "request", request), "response", err,
		   errlen);
}

static json_t *host_llm(struct axon_ctx *ctx, const json_t *request, char *err, size_t errlen)
{
	if (!json_is_object(request)) {
		snprintf(err, errlen, "the request must be a JSON object");
		return NULL;
	}
	return ask(json_pack("{s:s, s:O}", "t", "llm", "request", request), "response", err, errlen);
}

static json_t *host_knowledge(struct axon_ctx *ctx, const json_t *request, char *err, size_t errlen)
{
	if (!json_is_object(request)) {
		snprintf(err, errlen, "the request must be a JSON object");
		return NULL;
	}
	return ask(json_pack("{s:s, s:O}", "t", "knowledge", "request", request), "response", err, errlen);
}

static int host_keep(struct axon_ctx *ctx, const json_t *value)
{
	struct child_ctx *c = (struct child_ctx *)ctx;
	if (!c->checking || !value)
		return -1;
	size_t size = json_dumpb(value, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!size || size > KEEP_MAX)
		return -1;
	send_json(json_pack("{s:s, s:O}", "t", "keep", "value", value));
	return 0;
}

static const json_t *host_kept(struct axon_ctx *ctx)
{
	return ((struct child_ctx *)ctx)->kept;
}

static const struct axon_host host = {
	.size = sizeof(struct axon_host),
	.emit = host_emit,
	.fail = host_fail,
	.log = host_log,
	.progress = host_progress,
	.http = host_http,
	.secret = host_secret,
	.call = host_call,
	.llm = host_llm,
	.knowledge = host_knowledge,
	.keep = host_keep,
	.kept = host_kept,
};

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#define X32_SYSCALL_BIT 0x40000000L
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#define X32_SYSCALL_BIT 0L
#endif

/* Signal handlers: async-signal-safe, so the frames are built by hand. */
static pid_t self_pid;
static char *stack_top;
static size_t stack_limit;

static size_t put_num(char *p, long n)
{
	char tmp[24];
	size_t k = 0, len = 0;
	if (n < 0) {
		p[len++] = '-';
		n = -n;
	}
	do
		tmp[k++] = (char)('0' + n % 10);
	while ((n /= 10) && k < sizeof tmp);
	while (k)
		p[len++] = tmp[--k];
	return len;
}

static size_t put_str(char *p, const char *s)
{
	size_t n = 0;
	while (s[n]) {
		p[n] = s[n];
		n++;
	}
	return n;
}

/* Sends {"t":"TYPE"} or {"t":"TYPE","KEY":N}, built without stdio or malloc. */
static void report(const char *type, const char *key, long n)
{
	char buf[128];
	size_t len = FRAME_HEADER;
	len += put_str(buf + len, "{\"t\":\"");
	len += put_str(buf + len, type);
	len += put_str(buf + len, "\"");
	if (key) {
		len += put_str(buf + len, ",\"");
		len += put_str(buf + len, key);
		len += put_str(buf + len, "\":");
		len += put_num(buf + len, n);
	}
	buf[len++] = '}';
	size_t body = len - FRAME_HEADER;
	buf[0] = 0, buf[1] = 0, buf[2] = (char)(body >> 8), buf[3] = (char)body;
	(void)!write(CHILD_CHANNEL_FD, buf, len);
}

static long syscall_arg(const ucontext_t *uc, int i)
{
#if defined(__x86_64__)
	static const int regs[] = { REG_RDI, REG_RSI, REG_RDX };
	return (long)uc->uc_mcontext.gregs[regs[i]];
#elif defined(__aarch64__)
	return (long)uc->uc_mcontext.regs[i];
#else
	(void)uc, (void)i;
	return -1;
#endif
}

/* A trapped system call. abort() ends in tgkill(self, SIGABRT), which the
 * policy does not allow (tgkill could reach other processes): report it as
 * the SIGABRT crash it is. */
static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
	const ucontext_t *uc = ucv;
	long nr = si->si_syscall;
	int self_abort = (nr == SYS_tgkill && syscall_arg(uc, 0) == self_pid && syscall_arg(uc, 2) == SIGABRT) ||
	                 (nr == SYS_kill && syscall_arg(uc, 0) == self_pid && syscall_arg(uc, 1) == SIGABRT) ||
	                 (nr == SYS_tkill && syscall_arg(uc, 0) == self_pid && syscall_arg(uc, 1) == SIGABRT);
	if (self_abort)
		report("signal", "signal", SIGABRT);
	else if (si->si_arch != AUDIT_ARCH_NATIVE || (nr & X32_SYSCALL_BIT))
		report("abi", "arch", si->si_arch == AUDIT_ARCH_NATIVE ? ABI_X32 : (long)si->si_arch);
	else
		report("violation", "syscall", nr);
	_exit(CHILD_EXIT_REPORTED);
}

/* A fault: say whether it follows a failed allocation or overflows the
 * stack, then die of it: the handler is installed with SA_RESETHAND, so the
 * fault repeats with the default action (rt_sigaction is not allowed). */
static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	int saved = errno;
	char *addr = si->si_addr;
	if (stack_top && addr <= stack_top && addr + stack_limit + (1 << 20) >= stack_top)
		report("stack", NULL, 0);
	else if (saved == ENOMEM)
		report("memory", NULL, 0);
}

static void install_handlers(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
	struct sigaction sa;
	struct rlimit r;
	self_pid = getpid();
	if (getrlimit(RLIMIT_STACK, &r) == 0)
		stack_limit = r.rlim_cur == RLIM_INFINITY ? (64u << 20) : r.rlim_cur;
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	sa.sa_sigaction = on_sigsys;
	sigaction(SIGSYS, &sa, NULL);
	sa.sa_sigaction = on_fault;
	sa.sa_flags |= SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

static void out_of_memory(void) __attribute__((noreturn));
static void out_of_memory(void)
{
	report("memory", NULL, 0);
	_exit(CHILD_EXIT_REPORTED);
}

/* jansson's allocations and ours: one that fails is the memory limit. */
static void *child_malloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		out_of_memory();
	return p;
}

static void say_and_exit(const char *type, const char *message, int code) __attribute__((noreturn));
static void say_and_exit(const char *type, const char *message, int code)
{
	json_t *m = json_pack("{s:s, s:s}", "t", type, "message", message);
	chan_write_json(CHILD_CHANNEL_FD, m);
	_exit(code);
}

/* Loads the plugin under the loader policy, refusing a file that is not the
 * one the daemon expects or that changes while it is mapped. */
static void load_plugin(const struct worker_spec *w, struct registry *reg, char *identity, size_t idlen)
{
	char err[700], after[PLUGIN_IDENTITY_MAX];
	if (plugin_identity(w->plugin, identity, idlen) < 0) {
		snprintf(err, sizeof err, "cannot read the plugin file %s: %s", w->plugin, strerror(errno));
		say_and_exit("load", err, CHILD_EXIT_DONE);
	}
	if (w->identity && strcmp(w->identity, identity)) {
		snprintf(err, sizeof err, "the plugin file %s changed since axond scanned it: axond scans it again now; run the step again", w->plugin);
		say_and_exit("changed", err, CHILD_EXIT_DONE);
	}
	if (plugin_load(reg, w->plugin, err, sizeof err) < 0)
		say_and_exit("load", err, CHILD_EXIT_DONE);
	if (plugin_identity(w->plugin, after, sizeof after) < 0 || strcmp(after, identity))
		say_and_exit("changed", "the plugin file changed while it was being loaded: run the step again", CHILD_EXIT_DONE);
}

/* One execution: {"block": NAME, "config": C, "inputs": I(, "artifact": A)}
 * -> done or fail; with "check": true, the block's check() of the config
 * instead (done when it has none), which may keep an artifact. */
static void execute(const struct registry *reg, json_t *run)
{
	char err[512];
	struct child_ctx ctx = { { &host }, NULL, json_is_true(json_object_get(run, "check")), json_object_get(run, "artifact") };
	const char *name = json_string_value(json_object_get(run, "block"));
	const struct plugin_block *block = name ? registry_find(reg, name) : NULL;
	if (!block) {
		send_json(json_pack("{s:s, s:s+}", "t", "fail", "message", "this plugin does not provide the block ", name ? name : "(none)"));
		return;
	}
	json_t *config = schema_apply(block->schema, json_object_get(run, "config"), err, sizeof err);
	if (!config) {
		send_json(json_pack("{s:s, s:s}", "t", "fail", "message", err));
		return;
	}
	int rc;
	if (ctx.checking) {
		rc = block->def.check ? block->def.check(&ctx.pub, config) : AXON_OK;
	} else {
		json_t *inputs = json_object_get(run, "inputs");
		if (!json_is_object(inputs))
			inputs = json_object_set_new(run, "inputs", json_object()) == 0 ? json_object_get(run, "inputs") : NULL;
		rc = block->def.run(&ctx.pub, inputs, config);
	}
	if (rc == AXON_OK && !ctx.failure)
		send_json(json_pack("{s:s}", "t", "done"));
	else
		send_json(json_pack("{s:s, s:s}", "t", "fail", "message", ctx.failure ? ctx.failure :
		                    "the block failed without saying why (it returned without calling fail())"));
	free(ctx.failure);
	json_decref(config);
}

void child_main(const struct worker_spec *w, struct confine_plan *plan)
{
	char err[512], identity[PLUGIN_IDENTITY_MAX];
	char here;
	stack_top = &here;
	plan->install_handlers = install_handlers;
	if (confine(plan, err, sizeof err) < 0)
		say_and_exit("confine", err, CHILD_EXIT_CONFINE);
	struct registry reg = { 0 };
	load_plugin(w, &reg, identity, sizeof identity);
	if (w->describe) {
		json_t *d = registry_to_json(&reg);
		json_object_set_new(d, "t", json_string("registry"));
		json_object_set_new(d, "identity", json_string(identity));
		send_json(d);
		_exit(CHILD_EXIT_DONE);
	}
	if (confine_block(plan, err, sizeof err) < 0)
		say_and_exit("confine", err, CHILD_EXIT_CONFINE);
	json_set_alloc_funcs(child_malloc, free);
	xalloc_on_failure(out_of_memory);
	for (;;) {
		struct strbuf in = STRBUF_INIT;
		int got = chan_read(CHILD_CHANNEL_FD, CHILD_INPUT_MAX, &in);
		if (got == 0)
			_exit(CHILD_EXIT_DONE); /* the daemon retired this worker */
		if (got != 1)
			_exit(CHILD_EXIT_CHANNEL);
		json_t *run = chan_parse(in.data, in.len);
		sb_free(&in);
		if (!run)
			_exit(CHILD_EXIT_CHANNEL);
		execute(&reg, run);
		json_decref(run);
		if (w->once)
			_exit(CHILD_EXIT_DONE);
	}
}
