/* The contract shared by the code blocks: ports, emitting, limits. */
#include "contract.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The C library reads the time zone on first use of any time conversion
 * (gmtime_r too), and looks again (stat) whenever TZ differs from the value it
 * last read: both are violations in the sandbox. So the plugin reads UTC's
 * when it is loaded, before any confinement (plugins are loaded only in
 * axond's single-threaded zygote and its like), and each run sets the same TZ
 * again, which the C library then takes as read. Code sees UTC. */
static const char zone[] = "UTC";

static const char *const port_names[CODE_PORTS] = { "out", "out2", "out3", "error" };

const struct axon_port code_inputs[] = {
	{ "in", "the value the code reads as its input" },
	{ NULL, NULL },
};
const struct axon_port code_outputs[] = {
	{ "out", "what the code returns" },
	{ "out2", "what the code emits on out2, for branching" },
	{ "out3", "what the code emits on out3, for branching" },
	{ "error", "what the code emits on error, e.g. an item it could not handle, without failing the run" },
	{ NULL, NULL },
};

int64_t code_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int code_check_config(struct axon_ctx *ctx, const json_t *config)
{
	const json_t *memory = json_object_get(config, "memory_mb"), *time = json_object_get(config, "time_limit_ms");
	json_int_t mb = json_integer_value(memory), ms = json_integer_value(time);
	if (memory && (mb < 1 || mb > 192))
		return axon_fail(ctx, "config: memory_mb is %lld: give 1 to 192 (MiB)", (long long)mb);
	if (time && (ms < 1 || ms > 600000))
		return axon_fail(ctx, "config: time_limit_ms is %lld: give 1 to 600000", (long long)ms);
	return AXON_OK;
}

void code_run_init(struct code_run *run, struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	setenv("TZ", zone, 1);
	memset(run, 0, sizeof *run);
	run->ctx = ctx;
	run->input = json_object_get(inputs, "in");
	run->vars = json_object_get(config, "vars");
	run->code = json_string_value(json_object_get(config, "code"));
	run->memory_cap = (size_t)json_integer_value(json_object_get(config, "memory_mb")) << 20;
	run->time_limit_ms = json_integer_value(json_object_get(config, "time_limit_ms"));
	run->deadline_ms = code_now_ms() + run->time_limit_ms;
}

static int port_index(const char *port)
{
	for (int i = 0; i < CODE_PORTS; i++)
		if (port && !strcmp(port, port_names[i]))
			return i;
	return -1;
}

int code_emitted(const struct code_run *run, const char *port)
{
	int i = port_index(port);
	return i >= 0 && run->emitted[i];
}

int code_emit(struct code_run *run, const char *port, json_t *value, char *err, size_t errlen)
{
	int i = port_index(port);
	if (i < 0) {
		snprintf(err, errlen, "emit: there is no port '%s': the ports are out, out2, out3 and error", port ? port : "");
		json_decref(value);
		return -1;
	}
	if (run->emitted[i]) {
		snprintf(err, errlen, "emit: port '%s' already has its value: a port takes one value per run "
			 "(collect several in an array)", port);
		json_decref(value);
		return -1;
	}
	run->emitted[i] = 1;
	if (axon_emit(run->ctx, port, value) < 0) {
		snprintf(err, errlen, "emit: the host could not take the value on '%s'", port);
		return -1;
	}
	return 0;
}

int code_past_deadline(const struct code_run *run)
{
	return code_now_ms() >= run->deadline_ms;
}

int code_memory_take(struct code_run *run, size_t old_size, size_t new_size)
{
	if (new_size > old_size && new_size - old_size > run->memory_cap - run->memory_used)
		return 0;
	run->memory_used = run->memory_used - old_size + new_size;
	return 1;
}

static void at_line(char *buf, size_t len, long line)
{
	if (line > 0)
		snprintf(buf, len, " (line %ld)", line);
	else
		buf[0] = '\0';
}

int code_fail_timeout(struct code_run *run, long line)
{
	char where[32];
	at_line(where, sizeof where, line);
	return axon_fail(run->ctx, "timeout: the code ran longer than its time limit of %lld ms%s; "
			 "an endless loop? (raise time_limit_ms if the work is really that long)",
			 (long long)run->time_limit_ms, where);
}

int code_fail_memory(struct code_run *run, long line)
{
	char where[32];
	at_line(where, sizeof where, line);
	return axon_fail(run->ctx, "memory_limit: the code needed more than its memory limit of %zu MiB%s "
			 "(raise memory_mb, up to 192, if the data is really that big)", run->memory_cap >> 20, where);
}

int code_integer_too_wide(const json_t *v)
{
	json_int_t n = json_integer_value(v);
	return json_is_integer(v) && (n > ((json_int_t)1 << 53) || n < -((json_int_t)1 << 53));
}

__attribute__((constructor)) static void load_time_zone(void)
{
	setenv("TZ", zone, 1);
	tzset();
}
