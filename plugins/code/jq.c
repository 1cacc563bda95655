/* data.jq: a jq 1.6 filter over the input. jq 1.6 compiles its builtins
 * again in each new state (about 20 ms), so a worker keeps the compiled
 * states of the last few filters it ran: the worker serves one workflow, and
 * a jq program holds nothing between runs (jq_start resets the state: its
 * stack, its halt and error, and its input and vars come with each run).
 * jq 1.6 has no allocator or instruction hook: its memory is the sandbox's
 * (running out ends the run with memory_limit through jq's no-memory
 * handler); its time limit is looked at where jq hands control back: each
 * result, and the debug callback, which the ticks of jq_budget.h call at
 * each def and each step of a loop builtin. A C builtin that runs long (a
 * regular expression) is stopped by the sandbox's wall clock (timeout). */
#include <jq.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "blocks.h"
#include "contract.h"
#include "jq_budget.h"

#define MAX_DEPTH 512

/* Built-ins that would write to stderr (a violation in the sandbox) or read
 * files are defined over, and $vars is bound from the run's value ([input,
 * vars]), all on the first line so that line numbers hold; the filter's end
 * is on a line of its own, after a comment the filter may end with. */
static const char prelude[] = "def stderr: debug; def input_filename: null; " JQ_BUDGET_PRELUDE
                                ". as [$__axon_in, $vars] | $__axon_in | (",
                  ending[] = "\n)";

/* ---- Values ---- */

static jv to_jv(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		jv o = jv_object();
		const char *key;
		json_t *m;
		json_object_foreach((json_t *)v, key, m) o = jv_object_set(o, jv_string(key), to_jv(m));
		return o;
	}
	case JSON_ARRAY: {
		jv a = jv_array_sized((int)json_array_size(v));
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m) a = jv_array_append(a, to_jv(m));
		return a;
	}
	case JSON_STRING:
		return jv_string_sized(json_string_value(v), (int)json_string_length(v));
	case JSON_INTEGER:
		if (code_integer_too_wide(v)) {
			char digits[32];
			snprintf(digits, sizeof digits, "%lld", (long long)json_integer_value(v));
			return jv_string(digits);
		}
		return jv_number((double)json_integer_value(v));
	case JSON_REAL:
		return jv_number(json_real_value(v));
	case JSON_TRUE:
		return jv_true();
	case JSON_FALSE:
		return jv_false();
	default:
		return jv_null();
	}
}

/* Takes v; NULL with the reason in err. */
static json_t *from_jv(jv v, int depth, char *err, size_t errlen)
{
	json_t *out = NULL;
	if (depth > MAX_DEPTH) {
		snprintf(err, errlen, "the result is nested deeper than %d levels", MAX_DEPTH);
		jv_free(v);
		return NULL;
	}
	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
		out = json_null();
		break;
	case JV_KIND_TRUE:
		out = json_true();
		break;
	case JV_KIND_FALSE:
		out = json_false();
		break;
	case JV_KIND_NUMBER: {
		double d = jv_number_value(v);
		if (!isfinite(d))
			snprintf(err, errlen, "the result has %s, which is not a JSON number", isnan(d) ? "nan" : "an infinite number");
		else if (d == floor(d) && fabs(d) <= 9007199254740992.0)
			out = json_integer((json_int_t)d);
		else
			out = json_real(d);
		break;
	}
	case JV_KIND_STRING:
		out = json_stringn(jv_string_value(v), (size_t)jv_string_length_bytes(jv_copy(v)));
		break;
	case JV_KIND_ARRAY: {
		out = json_array();
		int n = jv_array_length(jv_copy(v));
		for (int i = 0; i < n && out; i++) {
			json_t *m = from_jv(jv_array_get(jv_copy(v), i), depth + 1, err, errlen);
			if (!m) {
				json_decref(out);
				out = NULL;
			} else
				json_array_append_new(out, m);
		}
		break;
	}
	case JV_KIND_OBJECT: {
		out = json_object();
		int it = jv_object_iter(v);
		while (out && jv_object_iter_valid(v, it)) {
			jv key = jv_object_iter_key(v, it);
			json_t *m = from_jv(jv_object_iter_value(v, it), depth + 1, err, errlen);
			if (!m) {
				json_decref(out);
				out = NULL;
			} else
				json_object_set_new(out, jv_string_value(key), m);
			jv_free(key);
			it = jv_object_iter_next(v, it);
		}
		break;
	}
	default:
		snprintf(err, errlen, "the result is not a JSON value");
	}
	jv_free(v);
	return out;
}

/* ---- The run ---- */

#define KEPT 4 /* compiled filters a worker keeps */

struct jq_job {
	struct code_run *run;
	int lines;         /* in the filter */
	unsigned ticks;    /* of the time budget (jq_budget.h) */
	long line;         /* the def whose tick found the time up, or 0 */
	char message[600]; /* the first compile error */
};

/* The compiled states of the last filters, by their text. */
static struct kept {
	char *code;
	jq_state *jq;
} kept[KEPT];
static unsigned kept_next;

/* Where jq is left when it cannot go on: out of memory, or (from the debug
 * callback) out of time. Its state is then dropped, never used again. */
static jmp_buf *jq_exit;
enum { OUT_OF_MEMORY = 1, OUT_OF_TIME };

static void on_no_memory(void *unused)
{
	(void)unused;
	longjmp(*jq_exit, OUT_OF_MEMORY);
}

static int fail_timeout(struct code_run *run, long line)
{
	char where[64] = "";
	if (line > 0)
		snprintf(where, sizeof where, " (in the def on line %ld)", line);
	return axon_fail(run->ctx, "timeout: the filter ran longer than its time limit of %lld ms%s; an endless loop? "
			 "(raise time_limit_ms if the work is really that long)", (long long)run->time_limit_ms, where);
}

/* "jq: error: syntax error, ... at <top-level>, line 2:\nPROGRAM TEXT" to
 * "syntax error, ... at line 2"; an error past the filter's last line is
 * one at its end. */
static void on_compile_error(void *data, jv msg)
{
	struct jq_job *job = data;
	if (!job->message[0] && jv_get_kind(msg) == JV_KIND_STRING) {
		const char *s = jv_string_value(msg);
		if (!strncmp(s, "jq: error: ", 11))
			s += 11;
		size_t len = strcspn(s, "\n");
		const char *where = strstr(s, " at <top-level>, ");
		long line = 0;
		if (where && (size_t)(where - s) < len && sscanf(where + 17, "line %ld", &line) == 1 && line > job->lines)
			snprintf(job->message, sizeof job->message, "syntax error: the filter ends before it is complete "
				 "(an unclosed bracket, or an operator with nothing after it?) at line %d", job->lines);
		else if (where && (size_t)(where - s) < len) {
			snprintf(job->message, sizeof job->message, "%.*s at %.*s", (int)(where - s), s,
				 (int)(len - (size_t)(where - s) - 17 - (s[len - 1] == ':')), where + 17);
		} else
			snprintf(job->message, sizeof job->message, "%.*s", (int)len, s);
	}
	jv_free(msg);
}

static jv no_input(jq_state *jq, void *data)
{
	return jv_invalid_with_msg(jv_string("input: data.jq has one input, which is . (there is no stream to read)"));
}

#define TICK_EVERY 64 /* ticks between two looks at the clock */

/* A tick of the time budget: "\0axon LINE" (jq_budget.h); its line, or -1. */
static long tick_line(jv msg)
{
	if (jv_get_kind(msg) != JV_KIND_STRING || jv_string_length_bytes(jv_copy(msg)) < JQ_BUDGET_MARK_LEN ||
	    memcmp(jv_string_value(msg), JQ_BUDGET_MARK, JQ_BUDGET_MARK_LEN))
		return -1;
	return strtol(jv_string_value(msg) + JQ_BUDGET_MARK_LEN, NULL, 10);
}

static void on_debug(void *data, jv msg)
{
	struct jq_job *job = data;
	long line = tick_line(msg);
	if (line < 0) {
		/* msg is the value given to debug. */
		jv text = jv_get_kind(msg) == JV_KIND_STRING ? jv_copy(msg) : jv_dump_string(jv_copy(msg), 0);
		axon_log(job->run->ctx, AXON_LOG_INFO, "%s", jv_string_value(text));
		jv_free(text);
	}
	jv_free(msg);
	/* jq calls this between two of its instructions, not inside an
	 * allocation: leaving it here only leaks what the state held. */
	if ((line < 0 || ++job->ticks % TICK_EVERY == 0) && code_past_deadline(job->run) && jq_exit) {
		job->line = line > 0 ? line : 0;
		longjmp(*jq_exit, OUT_OF_TIME);
	}
}

/* The message of an error result (error("text") or error({...})). */
static void error_text(jv err, char *buf, size_t len)
{
	jv msg = jv_invalid_get_msg(err);
	if (jv_get_kind(msg) == JV_KIND_STRING)
		snprintf(buf, len, "%s", jv_string_value(msg));
	else {
		jv dump = jv_dump_string(jv_copy(msg), 0);
		snprintf(buf, len, "%s (not a string)", jv_string_value(dump));
		jv_free(dump);
	}
	jv_free(msg);
}

/* A new state with the filter compiled, or NULL after failing the run. */
static jq_state *compile_filter(struct jq_job *job)
{
	struct code_run *run = job->run;
	jq_state *jq = jq_init();
	if (!jq) {
		code_fail_memory(run, 0);
		return NULL;
	}
	jq_set_nomem_handler(jq, on_no_memory, NULL);
	jq_set_error_cb(jq, on_compile_error, job);
	jq_set_input_cb(jq, no_input, NULL);
	jq_set_attr(jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	job->lines = 1;
	for (const char *p = run->code; (p = strchr(p, '\n')); p++)
		job->lines++;
	char *counted = jq_budget_instrument(run->code);
	size_t len = strlen(prelude) + (counted ? strlen(counted) : 0) + strlen(ending) + 1;
	char *program = counted ? malloc(len) : NULL;
	if (!program) {
		free(counted);
		jq_teardown(&jq);
		code_fail_memory(run, 0);
		return NULL;
	}
	snprintf(program, len, "%s%s%s", prelude, counted, ending);
	free(counted);
	int compiled = jq_compile(jq, program);
	free(program);
	if (compiled)
		return jq;
	jq_teardown(&jq);
	if (strstr(job->message, "unexpected import") || strstr(job->message, "unexpected include"))
		axon_fail(run->ctx, "import and include are not available in data.jq (there are no module files): "
			  "write the definitions into the filter itself");
	else
		axon_fail(run->ctx, "%s", job->message[0] ? job->message : "the filter does not compile");
	return NULL;
}

/* The kept state of job's filter, compiled now if it is not kept; NULL after
 * failing the run. */
static struct kept *kept_filter(struct jq_job *job)
{
	for (unsigned i = 0; i < KEPT; i++)
		if (kept[i].code && !strcmp(kept[i].code, job->run->code))
			return &kept[i];
	jq_state *jq = compile_filter(job);
	char *code = jq ? strdup(job->run->code) : NULL;
	if (!code) {
		if (jq)
			jq_teardown(&jq);
		return NULL;
	}
	struct kept *k = &kept[kept_next++ % KEPT];
	if (k->jq)
		jq_teardown(&k->jq);
	free(k->code);
	*k = (struct kept){ code, jq };
	return k;
}

static int run_filter(struct jq_job *job, jq_state *jq, const json_t *config)
{
	struct code_run *run = job->run;
	int as_array = !strcmp(json_string_value(json_object_get(config, "output")), "array");
	char err[600];
	jv both = jv_array_append(jv_array_append(jv_array(), run->input ? to_jv(run->input) : jv_null()), to_jv(run->vars));
	jq_start(jq, both, 0);
	jv all = jv_array(), r;
	int count = 0;
	while (jv_is_valid(r = jq_next(jq))) {
		if (!as_array && ++count > 1) {
			jv_free(r);
			jv_free(all);
			return axon_fail(run->ctx, "the filter gave more than one result: wrap it in [ ] to make one array, "
					 "or set output to \"array\"");
		}
		all = jv_array_append(all, r);
		if (code_past_deadline(run)) {
			jv_free(all);
			return fail_timeout(run, 0);
		}
	}
	/* r is the end, or an error; halt_error(message) fails the run too. */
	err[0] = '\0';
	if (jq_halted(jq)) {
		jv code = jq_get_exit_code(jq), msg = jq_get_error_message(jq);
		if (jv_get_kind(code) == JV_KIND_NUMBER && jv_number_value(code) != 0)
			snprintf(err, sizeof err, "%s", jv_get_kind(msg) == JV_KIND_STRING ? jv_string_value(msg) : "halt_error");
		jv_free(code);
		jv_free(msg);
		jv_free(r);
	} else if (jv_invalid_has_msg(jv_copy(r)))
		error_text(r, err, sizeof err);
	else
		jv_free(r);
	if (err[0]) {
		jv_free(all);
		return axon_fail(run->ctx, "%s", err);
	}
	if (!as_array && count == 0) {
		jv_free(all);
		return AXON_OK; /* no result: out stays silent, so select() can branch */
	}
	json_t *value = from_jv(as_array ? all : jv_array_get(all, 0), 0, err, sizeof err);
	if (!value || code_emit(run, "out", value, err, sizeof err))
		return axon_fail(run->ctx, "%s", err);
	return AXON_OK;
}

int code_jq_run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	struct code_run run;
	struct jq_job job = { .run = &run };
	jmp_buf escape;
	code_run_init(&run, ctx, inputs, config);
	struct kept *volatile k = NULL;
	int out = setjmp(escape);
	if (out) {
		/* Out of memory or time somewhere in jq: its state cannot be
		 * trusted any more, and is left to the end of the process, no
		 * longer kept. */
		jq_exit = NULL;
		if (k)
			*k = (struct kept){ NULL, NULL };
		return out == OUT_OF_TIME ? fail_timeout(&run, job.line)
			: axon_fail(ctx, "memory_limit: the filter needed more memory than the block may have");
	}
	if (code_check_config(ctx, config) != AXON_OK)
		return AXON_FAIL;
	jq_exit = &escape;
	k = kept_filter(&job);
	int rc = AXON_FAIL;
	if (k) {
		jq_set_error_cb(k->jq, on_compile_error, &job);
		jq_set_debug_cb(k->jq, on_debug, &job);
		rc = run_filter(&job, k->jq, config);
	}
	jq_exit = NULL;
	return rc;
}

int code_jq_check(struct axon_ctx *ctx, const json_t *config)
{
	struct code_run run;
	struct jq_job job = { .run = &run };
	jmp_buf escape;
	code_run_init(&run, ctx, NULL, config);
	if (code_check_config(ctx, config) != AXON_OK)
		return AXON_FAIL;
	if (setjmp(escape)) {
		jq_exit = NULL;
		return axon_fail(ctx, "memory_limit: the filter needed more memory than the block may have");
	}
	jq_exit = &escape;
	jq_state *jq = compile_filter(&job);
	jq_exit = NULL;
	if (!jq)
		return AXON_FAIL;
	jq_teardown(&jq);
	return AXON_OK;
}
