/* Each hostile block ends in the outcome it deserves, with a message that
 * says why; the zygote survives and the next run is fine. */
#include "build-config.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "../testlib.h"
#include "hostile_sandbox.h"
#include "config.h"
#include "log.h"
#include "sandbox/sandbox.h"
#include "strbuf.h"

struct hostile_case {
	const char *block;
	const char *inputs; /* JSON, or NULL */
	struct run_limits limits;
	enum run_outcome want;
	const char *message; /* a part of the message */
};

static struct sandbox *start(void)
{
	struct config c;
	hostile_config(&c);
	return start_hostile_sandbox(&c);
}

/* In the ASan/UBSan build the sanitizer runtime catches a segfault or a
 * failed allocation first and starts writing its report, which the policy
 * forbids: those blocks still end confined, as a violation, not as the
 * crash or memory_limit of the normal build. */
#ifdef AXON_SANITIZERS
#define SANITIZED(normal) RUN_VIOLATION
#define SANITIZED_MESSAGE(normal) "which blocks may not make"
/* With clang's runtime (the fuzz build) the sanitizer also owns SIGSYS, so
 * the same confined end shows as a crash by SIGSYS, or as a violation the
 * worker could not name, rather than the named violation. */
static int sanitizer_took_sigsys(const struct run_result *r, const char *want_message)
{
	return !strcmp(want_message, SANITIZED_MESSAGE(x)) && r->message &&
	       ((r->outcome == RUN_CRASH && strstr(r->message, "SIGSYS")) ||
	        (r->outcome == RUN_VIOLATION && strstr(r->message, "could not be reported")));
}
#else
static int sanitizer_took_sigsys(const struct run_result *r, const char *want_message)
{
	(void)r;
	(void)want_message;
	return 0;
}
#define SANITIZED(normal) normal
#define SANITIZED_MESSAGE(normal) normal
#endif

int main(void)
{
	char pid_input[64];
	const struct hostile_case cases[] = {
		{ "hostile.read_file", NULL, { 0 }, RUN_VIOLATION, "'openat'" },
		{ "hostile.write_file", NULL, { 0 }, RUN_VIOLATION, "'openat'" },
		{ "hostile.tcp_socket", NULL, { 0 }, RUN_VIOLATION, "'socket'" },
		{ "hostile.unix_socket", NULL, { 0 }, RUN_VIOLATION, "'socket'" },
		{ "hostile.exec_shell", NULL, { 0 }, RUN_VIOLATION, "'execve'" },
		{ "hostile.exec_memory", NULL, { 0 }, RUN_VIOLATION, "'mmap'" },
		{ "hostile.fork", NULL, { 0 }, RUN_VIOLATION, "'clone'" },
		{ "hostile.ptrace", NULL, { 0 }, RUN_VIOLATION, "'ptrace'" },
		{ "hostile.kill_parent", pid_input, { 0 }, RUN_VIOLATION, "'kill'" },
		{ "hostile.endless_loop", NULL, { .wall_ms = 10000, .cpu_ms = 1000 }, RUN_CPU_LIMIT, "CPU time limit" },
		/* Both limits the same: the wall clock's outcome, whichever was seen first. */
		{ "hostile.endless_loop", NULL, { .wall_ms = 1000, .cpu_ms = 1000 }, RUN_TIMEOUT, "wall-clock limit" },
		{ "hostile.endless_loop", NULL, { .wall_ms = 400 }, RUN_TIMEOUT, "wall-clock limit of 400 ms" },
		{ "hostile.alloc_10g", NULL, { 0 }, SANITIZED(RUN_MEMORY_LIMIT), SANITIZED_MESSAGE("memory limit of 256 MiB") },
		{ "hostile.recursion", "{\"in\": 0}", { 0 }, RUN_CRASH, "stack overflow" },
		{ "hostile.huge_output", NULL, { 0 }, RUN_OUTPUT_TOO_LARGE, "8388608 bytes" },
		{ "hostile.garbage", NULL, { 0 }, RUN_BAD_OUTPUT, "garbage" },
		{ "hostile.close_channel", NULL, { 0 }, RUN_CRASH, "without a result" },
		{ "hostile.segfault", NULL, { 0 }, SANITIZED(RUN_CRASH), SANITIZED_MESSAGE("SIGSEGV") },
		{ "hostile.abort", NULL, { 0 }, RUN_CRASH, "SIGABRT" },
		{ "hostile.sleep_forever", NULL, { .wall_ms = 300 }, RUN_TIMEOUT, "300 ms" },
		{ "hostile.bad_port", NULL, { 0 }, RUN_BAD_OUTPUT, "'elsewhere'" },
		{ "hostile.fail", NULL, { 0 }, RUN_ERROR, "the input was refused" },
		{ "hostile.no_such_block", NULL, { 0 }, RUN_ERROR, "no plugin provides" },
		{ "hostile.x32_call", NULL, { 0 }, RUN_VIOLATION, "x32 ABI" },
	};
	/* Each case in strict mode (a fresh process), then in a warm worker. */
	static const char *const domains[] = { NULL, "workflow 1" };
	log_open("stderr", LOG_LVL_WARN);
	snprintf(pid_input, sizeof pid_input, "{\"pid\": %d}", (int)getpid());
	struct sandbox *sb = start();
	CHECK(sb != NULL);
	if (!sb)
		return t_done("test_hostile");
	for (size_t i = 0; i < 2 * sizeof cases / sizeof cases[0]; i++) {
		const struct hostile_case *c = &cases[i % (sizeof cases / sizeof cases[0])];
		const char *domain = domains[i / (sizeof cases / sizeof cases[0])];
		struct run_limits lim = c->limits;
		lim.domain = domain;
		struct run_result r;
		json_t *inputs = c->inputs ? json_loads(c->inputs, 0, NULL) : NULL;
		int rc = sandbox_run(sb, c->block, NULL, inputs, &lim, &r);
		json_decref(inputs);
		CHECK(rc == 0);
		printf("%-6s %-24s %-16s %s\n", domain ? "warm" : "strict", c->block, run_outcome_name(r.outcome), r.message ? r.message : "");
		if (!sanitizer_took_sigsys(&r, c->message)) {
			CHECK_STR(run_outcome_name(r.outcome), run_outcome_name(c->want));
			CHECK_CONTAINS(r.message, c->message);
		}
		CHECK(json_object_size(r.outputs) == 0);
		run_result_free(&r);
		/* The daemon and the zygote are alive, and the next run is fine. */
		CHECK(kill(sandbox_zygote_pid(sb), 0) == 0);
		struct run_limits same = { .domain = domain };
		rc = sandbox_run(sb, "hostile.noop", NULL, NULL, &same, &r);
		CHECK(rc == 0 && r.outcome == RUN_OK && json_object_get(r.outputs, "out"));
		run_result_free(&r);
	}
	/* int 0x80 is an i386 call where the kernel emulates i386, a crash where not. */
	struct run_limits warm = { .domain = "workflow 1" };
	struct run_result r;
	sandbox_run(sb, "hostile.int80_call", NULL, NULL, &warm, &r);
	printf("warm   hostile.int80_call       %-16s %s\n", run_outcome_name(r.outcome), r.message);
	CHECK(r.outcome == RUN_VIOLATION || r.outcome == RUN_CRASH);
	/* Where the sanitizer owns SIGSYS, the i386 call ends confined but unnamed. */
	if (r.outcome == RUN_VIOLATION && !sanitizer_took_sigsys(&r, SANITIZED_MESSAGE("i386")))
		CHECK_CONTAINS(r.message, "i386");
	run_result_free(&r);
	/* A block sees an empty environment. */
	sandbox_run(sb, "hostile.read_env", NULL, NULL, NULL, &r);
	CHECK(r.outcome == RUN_OK);
	CHECK(json_integer_value(json_object_get(json_object_get(r.outputs, "out"), "count")) == 0);
	run_result_free(&r);
	/* A failing block's log reaches the result. */
	sandbox_run(sb, "hostile.fail", NULL, NULL, NULL, &r);
	CHECK_STR(json_string_value(json_object_get(json_array_get(r.logs, 0), "message")), "about to fail");
	run_result_free(&r);
	/* SIGHUP's rescan: the registry comes back whole and runs go on. */
	CHECK(sandbox_rescan(sb) == 0);
	json_t *reg = sandbox_registry(sb);
	CHECK(json_array_size(json_object_get(reg, "blocks")) > 20);
	json_decref(reg);
	sandbox_run(sb, "hostile.noop", NULL, NULL, NULL, &r);
	CHECK(r.outcome == RUN_OK);
	run_result_free(&r);
	sandbox_stop(sb);
	return t_done("test_hostile");
}
