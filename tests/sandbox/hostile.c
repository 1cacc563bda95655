/* Hostile and buggy blocks: each tries one thing a block must not do, or
 * fails in one way, and test_hostile expects the outcome it gets. Built as a
 * plugin against the SDK header only, like any community block. */
#include <axon/block.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

static int ok(struct axon_ctx *ctx)
{
	return axon_emit(ctx, "out", json_object()) == 0 ? AXON_OK : AXON_FAIL;
}

static int noop(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	return ok(ctx);
}

static int fail(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	axon_log(ctx, AXON_LOG_WARN, "about to fail");
	return axon_fail(ctx, "the input was %s", "refused");
}

static int read_file(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	int fd = open("axon.conf", O_RDONLY);
	return axon_fail(ctx, "open returned %d", fd);
}

static int write_file(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	FILE *f = fopen("hostile-was-here", "w");
	return axon_fail(ctx, "fopen returned %p", (void *)f);
}

static int tcp_socket(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	return axon_fail(ctx, "socket returned %d", fd);
}

static int unix_socket(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	return axon_fail(ctx, "socket returned %d", fd);
}

static int exec_shell(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	execlp("sh", "sh", "-c", "echo pwned", (char *)NULL);
	return axon_fail(ctx, "execlp returned");
}

static int exec_memory(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return axon_fail(ctx, "mmap returned %p", p);
}

static int do_fork(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	return axon_fail(ctx, "fork returned %d", (int)pid);
}

static int do_ptrace(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	long rc = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	return axon_fail(ctx, "ptrace returned %ld", rc);
}

/* inputs: {"pid": the process to kill} (the test gives the daemon's). */
static int kill_parent(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	pid_t pid = (pid_t)json_integer_value(json_object_get(in, "pid"));
	int rc = kill(pid, SIGKILL);
	return axon_fail(ctx, "kill returned %d", rc);
}

static int read_env(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	int n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	return axon_emit(ctx, "out", json_pack("{s:i, s:b}", "count", n, "home", getenv("HOME") != NULL)) == 0 ? AXON_OK : AXON_FAIL;
}

static int endless_loop(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	for (volatile unsigned long i = 0;; i++)
		;
	return ok(ctx);
}

static int alloc_10g(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	char *volatile p = malloc(10ull << 30);
	memset(p, 1, 10ull << 30);
	return axon_fail(ctx, "allocated %p", (void *)p);
}

/* The depth comes from the input, so the compiler cannot see that it never ends. */
static int recurse(int depth, int limit)
{
	volatile char pad[256];
	pad[0] = (char)depth;
	return depth == limit ? 0 : recurse(depth + 1, limit) + pad[0];
}

static int recursion(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	return axon_fail(ctx, "returned %d", recurse(0, (int)json_integer_value(json_object_get(in, "in")) - 1));
}

static int huge_output(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	size_t n = 20u << 20;
	char *s = malloc(n + 1);
	if (!s)
		return axon_fail(ctx, "no memory");
	memset(s, 'x', n);
	s[n] = '\0';
	json_t *v = json_string(s);
	free(s);
	return axon_emit(ctx, "out", v) == 0 ? AXON_OK : AXON_FAIL;
}

static int garbage(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	static const char junk[] = "this is not a frame, just text on the channel\n";
	if (write(3, junk, sizeof junk - 1) < 0)
		return axon_fail(ctx, "write failed");
	return ok(ctx);
}

static int close_channel(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	close(3);
	return ok(ctx);
}

static int segfault(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	volatile int *volatile p = NULL;
	*p = 1;
	return ok(ctx);
}

static int do_abort(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	abort();
	return ok(ctx);
}

static int sleep_forever(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	for (;;)
		sleep(1000);
	return ok(ctx);
}

/* Reads a secret and tries to leak it through its log, its outputs and its
 * error: the daemon masks it everywhere. */
static int leak_secret(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	char err[300];
	json_t *v = axon_secret(ctx, "token", err, sizeof err);
	if (!v)
		return axon_fail(ctx, "%s", err);
	axon_log(ctx, AXON_LOG_INFO, "the token is %s", json_string_value(v));
	if (json_is_true(json_object_get(in, "in"))) {
		int rc = axon_fail(ctx, "failing with %s", json_string_value(v));
		json_decref(v);
		return rc;
	}
	return axon_emit(ctx, "out", json_pack("{s:o}", "leak", v)) == 0 ? AXON_OK : AXON_FAIL;
}

/* Given a credential in its settings, tries every way to get hold of it:
 * asks for its value, sends it to another origin, through a redirect, and
 * names a credential its settings do not give; reports what it got, in its
 * log and its output. */
static void attempt(struct axon_ctx *ctx, json_t *got, const char *what, const char *url, const char *credential)
{
	char err[600];
	json_t *req = json_pack("{s:s, s:s}", "url", url, "credential", credential);
	json_t *resp = axon_http(ctx, req, err, sizeof err);
	json_decref(req);
	const char *body = resp ? json_string_value(json_object_get(resp, "body")) : NULL;
	axon_log(ctx, AXON_LOG_INFO, "%s: %s", what, resp ? (body ? body : "(binary)") : err);
	json_object_set_new(got, what, json_string(resp ? (body ? body : "(binary)") : err));
	json_decref(resp);
}

static int steal_credential(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	char err[600], url[512];
	const char *cred = json_string_value(json_object_get(cfg, "credential"));
	const char *here = json_string_value(json_object_get(cfg, "url"));
	const char *other = json_string_value(json_object_get(cfg, "other"));
	json_t *got = json_object();
	json_t *v = axon_secret(ctx, cred, err, sizeof err);
	axon_log(ctx, AXON_LOG_INFO, "secret: %s", v ? json_string_value(v) : err);
	json_object_set_new(got, "secret", v ? v : json_string(err));
	snprintf(url, sizeof url, "%s/stolen", other);
	attempt(ctx, got, "elsewhere", url, cred);
	snprintf(url, sizeof url, "%s/redirect?to=%s/via-redirect", here, other);
	attempt(ctx, got, "redirect", url, cred);
	snprintf(url, sizeof url, "%s/auth", here);
	attempt(ctx, got, "unnamed", url, json_string_value(json_object_get(cfg, "unnamed")));
	attempt(ctx, got, "echo", url, cred);
	/* A service's account is the credential's: none of the block's own, nor a type the service does not take. */
	json_t *req = json_pack("{s:s, s:{s:s, s:i}, s:{}}", "credential", cred, "account", "host", "127.0.0.1", "port",
				25, "message");
	json_t *sent = axon_call(ctx, "mail", req, err, sizeof err);
	json_object_set_new(got, "account", sent ? sent : json_string(err));
	json_object_del(req, "account");
	sent = axon_call(ctx, "mail", req, err, sizeof err);
	json_object_set_new(got, "service", sent ? sent : json_string(err));
	json_decref(req);
	return axon_emit(ctx, "out", got) == 0 ? AXON_OK : AXON_FAIL;
}

static int bad_port(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	return axon_emit(ctx, "elsewhere", json_true()) == 0 ? AXON_OK : AXON_FAIL;
}

/* A global that lives as long as the worker: warm executions of one
 * workflow see it grow; another workflow, or strict mode, never does. */
static int counter_value;

static int counter(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	counter_value++;
	return axon_emit(ctx, "out", json_pack("{s:i, s:i}", "count", counter_value, "pid", (int)getpid())) == 0 ? AXON_OK : AXON_FAIL;
}

/* check() keeps {"made": "at save"}; run() says what it got back, and
 * whether keep() works outside check() (it must not). */
static int keeper_check(struct axon_ctx *ctx, const json_t *cfg)
{
	json_t *made = json_pack("{s:s}", "made", "at save");
	int rc = axon_has(ctx, keep) ? axon_keep(ctx, made) : -1;
	json_decref(made);
	return rc == 0 ? AXON_OK : axon_fail(ctx, "keep() refused in check()");
}

static int keeper(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	const json_t *kept = axon_kept(ctx);
	json_t *again = json_string("in run");
	int rc = axon_keep(ctx, again);
	json_decref(again);
	return axon_emit(ctx, "out", json_pack("{s:O?, s:i}", "kept", kept, "keep_in_run", rc)) == 0 ? AXON_OK : AXON_FAIL;
}

/* inputs: {"in": MiB} leaked (touched, never freed) at each execution. */
static int leak(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	size_t n = (size_t)json_integer_value(json_object_get(in, "in")) << 20;
	char *p = malloc(n);
	if (!p)
		return axon_fail(ctx, "no memory");
	memset(p, 1, n);
	return axon_emit(ctx, "out", json_pack("{s:i}", "pid", (int)getpid())) == 0 ? AXON_OK : AXON_FAIL;
}

/* inputs: {"in": ms} of CPU burnt, then ok. */
static int spin(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	long ms = (long)json_integer_value(json_object_get(in, "in"));
	struct timespec t0, t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	return axon_emit(ctx, "out", json_pack("{s:i}", "pid", (int)getpid())) == 0 ? AXON_OK : AXON_FAIL;
}

/* A system call of another ABI: getpid through x32 and through int 0x80. */
static int x32_call(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
#if defined(__x86_64__)
	long rc = syscall(0x40000000L | 39);
	return axon_fail(ctx, "x32 getpid returned %ld", rc);
#else
	return axon_fail(ctx, "not x86-64");
#endif
}

static int int80_call(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
#if defined(__x86_64__)
	long rc = 20; /* getpid on i386 */
	__asm__ volatile("int $0x80" : "+a"(rc) : : "memory");
	return axon_fail(ctx, "int 0x80 getpid returned %ld", rc);
#else
	return axon_fail(ctx, "not x86-64");
#endif
}

static const struct axon_port in_ports[] = { { "in", "anything" }, { "pid", "for kill_parent" }, { NULL, NULL } };
static const struct axon_port out_ports[] = { { "out", "an object" }, { NULL, NULL } };

#define HOSTILE(n, fn) { .name = "hostile." n, .version = "1.0.0", .title = n, .category = "test", \
	.inputs = in_ports, .outputs = out_ports, .run = fn }

static const struct axon_block blocks[] = {
	HOSTILE("noop", noop),
	HOSTILE("fail", fail),
	HOSTILE("read_file", read_file),
	HOSTILE("write_file", write_file),
	HOSTILE("tcp_socket", tcp_socket),
	HOSTILE("unix_socket", unix_socket),
	HOSTILE("exec_shell", exec_shell),
	HOSTILE("exec_memory", exec_memory),
	HOSTILE("fork", do_fork),
	HOSTILE("ptrace", do_ptrace),
	HOSTILE("kill_parent", kill_parent),
	HOSTILE("read_env", read_env),
	HOSTILE("endless_loop", endless_loop),
	HOSTILE("alloc_10g", alloc_10g),
	HOSTILE("recursion", recursion),
	HOSTILE("huge_output", huge_output),
	HOSTILE("garbage", garbage),
	HOSTILE("close_channel", close_channel),
	HOSTILE("segfault", segfault),
	HOSTILE("abort", do_abort),
	HOSTILE("sleep_forever", sleep_forever),
	HOSTILE("bad_port", bad_port),
	HOSTILE("leak_secret", leak_secret),
	HOSTILE("counter", counter),
	HOSTILE("leak", leak),
	HOSTILE("spin", spin),
	HOSTILE("x32_call", x32_call),
	HOSTILE("int80_call", int80_call),
	{ .name = "hostile.keeper", .version = "1.0.0", .title = "keeper", .category = "test", .inputs = in_ports,
	  .outputs = out_ports, .run = keeper, .check = keeper_check },
	{ .name = "hostile.steal_credential", .version = "1.0.0", .title = "steal_credential", .category = "test",
	  .inputs = in_ports, .outputs = out_ports, .run = steal_credential,
	  .config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"credential\": {\"type\": \"string\", \"format\": \"credential\", \"credential_type\": \"bearer\"},"
		"\"url\": {\"type\": \"string\"}, \"other\": {\"type\": \"string\"}, \"unnamed\": {\"type\": \"string\"}}}" },
};

AXON_PLUGIN("hostile", blocks)
