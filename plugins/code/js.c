/* code.js: JavaScript with Duktape (ECMAScript 5.1), a fresh heap per run,
 * its memory counted by its allocator. Code that Duktape cannot parse is
 * compiled down to ES5 by buble (transpile.c) and run again from the start,
 * with its lines mapped back. Debian's Duktape is built without an execution
 * timeout hook (DUK_USE_EXEC_TIMEOUT_CHECK), so code that can loop (it has a
 * loop or a function) is instrumented first (instrument.js): each loop and
 * function body calls __axon_tick(LINE), which looks at the clock. Code that
 * eval() or Function() makes at run time is not counted: the sandbox's wall
 * clock stops it. */
#include <duktape.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocks.h"
#include "contract.h"
#include "transpile.h"

/* The code is the body of a function of input and vars. The opening is on the
 * code's first line, so line numbers are the code's own. */
static const char opening[] = "(function (input, vars) {", closing[] = "\n})";

struct js_job {
	struct code_run *run;
	const char *source;       /* what runs: the code, or its ES5 form */
	struct transpiled es5;    /* the ES5 form, once needed */
	jmp_buf *fatal_exit;
	int compiling;            /* a throw now is a syntax error */
	int timed_out;            /* the time limit was hit: every tick throws */
	long line;                /* where it was hit (of what runs) */
	unsigned ticks;
	int check_only;           /* compile, run nothing (the block's check) */
	int failed;
	char *failure;     /* fail()'s message */
	char *result;      /* what the code returned, as JSON text */
};

/* Each allocation carries its size in front, for the count. */
#define HEADER 16

static void *js_alloc(void *udata, duk_size_t size)
{
	struct js_job *job = udata;
	if (!code_memory_take(job->run, 0, size + HEADER))
		return NULL;
	char *p = malloc(size + HEADER);
	if (!p) {
		code_memory_take(job->run, size + HEADER, 0);
		return NULL;
	}
	memcpy(p, &size, sizeof size);
	return p + HEADER;
}

static void js_free(void *udata, void *ptr)
{
	struct js_job *job = udata;
	if (!ptr)
		return;
	char *p = (char *)ptr - HEADER;
	duk_size_t size;
	memcpy(&size, p, sizeof size);
	code_memory_take(job->run, size + HEADER, 0);
	free(p);
}

static void *js_realloc(void *udata, void *ptr, duk_size_t size)
{
	struct js_job *job = udata;
	if (!ptr)
		return size ? js_alloc(udata, size) : NULL;
	if (!size) {
		js_free(udata, ptr);
		return NULL;
	}
	char *p = (char *)ptr - HEADER;
	duk_size_t old;
	memcpy(&old, p, sizeof old);
	if (!code_memory_take(job->run, old + HEADER, size + HEADER))
		return NULL;
	char *q = realloc(p, size + HEADER);
	if (!q) {
		code_memory_take(job->run, size + HEADER, old + HEADER);
		return NULL;
	}
	memcpy(q, &size, sizeof size);
	return q + HEADER;
}

/* An error outside any protected call: the heap cannot go on. */
static void js_fatal(void *udata, const char *msg)
{
	struct js_job *job = udata;
	longjmp(*job->fatal_exit, 1);
}

static struct js_job *job_of(duk_context *ctx)
{
	duk_memory_functions f;
	duk_get_memory_functions(ctx, &f);
	return f.udata;
}

/* ---- JSON into JavaScript ---- */

static void push_json(duk_context *ctx, const json_t *v)
{
	duk_require_stack(ctx, 4);
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *m;
		duk_push_object(ctx);
		json_object_foreach((json_t *)v, key, m) {
			push_json(ctx, m);
			duk_put_prop_string(ctx, -2, key);
		}
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *m;
		duk_push_array(ctx);
		json_array_foreach(v, i, m) {
			push_json(ctx, m);
			duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
		}
		break;
	}
	case JSON_STRING:
		duk_push_lstring(ctx, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		if (code_integer_too_wide(v))
			duk_push_sprintf(ctx, "%lld", (long long)json_integer_value(v));
		else
			duk_push_number(ctx, (double)json_integer_value(v));
		break;
	case JSON_REAL:
		duk_push_number(ctx, json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		duk_push_boolean(ctx, json_is_true(v));
		break;
	default:
		duk_push_null(ctx);
	}
}

/* The value at idx as JSON text (JSON.stringify: toJSON, getters and all), or
 * NULL for undefined and functions; a cycle throws. */
static char *json_text(duk_context *ctx, duk_idx_t idx)
{
	duk_dup(ctx, idx);
	const char *s = duk_json_encode(ctx, -1);
	char *out = s ? strdup(s) : NULL;
	duk_pop(ctx);
	return out;
}

/* Parses text from json_text; NULL with the reason in err. */
static json_t *parse_text(const char *text, const char *what, char *err, size_t errlen)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
	if (!v)
		snprintf(err, errlen, "%s: %s", what, strstr(je.text, "unable to decode byte") ?
			 "a string is not valid UTF-8 (a lone surrogate such as \"\\ud800\"?)" : je.text);
	return v;
}

/* ---- The functions the code calls ---- */

/* Throws an Error whose lineNumber is the calling line of the code (duk_error
 * would name this file's line). Does not return. */
static duk_ret_t throw_at_caller(duk_context *ctx, duk_errcode_t code, const char *msg)
{
	duk_error_raw(ctx, code, NULL, 0, "%s", msg);
	return 0;
}

static duk_ret_t js_emit(duk_context *ctx)
{
	struct js_job *job = job_of(ctx);
	const char *port = duk_require_string(ctx, 0);
	char err[300];
	char *text = json_text(ctx, 1);
	if (!text)
		return throw_at_caller(ctx, DUK_ERR_TYPE_ERROR, "emit(): the value is undefined or a function, which has no JSON form");
	json_t *v = parse_text(text, "emit", err, sizeof err);
	free(text);
	if (!v || code_emit(job->run, port, v, err, sizeof err))
		return throw_at_caller(ctx, DUK_ERR_ERROR, err);
	return 0;
}

static duk_ret_t log_at(duk_context *ctx, enum axon_log_level level)
{
	duk_idx_t n = duk_get_top(ctx);
	for (duk_idx_t i = 0; i < n; i++) {
		if (duk_is_object(ctx, i) && !duk_is_function(ctx, i)) {
			duk_dup(ctx, i);
			duk_json_encode(ctx, -1);
			duk_replace(ctx, i);
		} else {
			duk_safe_to_string(ctx, i);
		}
	}
	duk_push_string(ctx, " ");
	duk_insert(ctx, 0);
	duk_join(ctx, n);
	axon_log(job_of(ctx)->run->ctx, level, "%s", duk_get_string(ctx, -1));
	return 0;
}

static duk_ret_t js_log(duk_context *ctx)
{
	return log_at(ctx, AXON_LOG_INFO);
}

static duk_ret_t js_warn(duk_context *ctx)
{
	return log_at(ctx, AXON_LOG_WARN);
}

static duk_ret_t js_error(duk_context *ctx)
{
	return log_at(ctx, AXON_LOG_ERROR);
}

static duk_ret_t js_progress(duk_context *ctx)
{
	double f = duk_require_number(ctx, 0);
	const char *msg = duk_is_null_or_undefined(ctx, 1) ? NULL : duk_safe_to_string(ctx, 1);
	axon_progress(job_of(ctx)->run->ctx, f < 0 ? 0 : f > 1 ? 1 : f, msg);
	return 0;
}

static duk_ret_t js_fail(duk_context *ctx)
{
	struct js_job *job = job_of(ctx);
	const char *msg = duk_safe_to_string(ctx, 0);
	if (!job->failed) {
		job->failed = 1;
		job->failure = strdup(msg);
	}
	return throw_at_caller(ctx, DUK_ERR_ERROR, msg);
}

#define TICK_EVERY 64 /* budget calls between two looks at the clock */

/* __axon_tick(line), at the start of each loop and function body. Once the
 * time is up every call throws again, so that a catch cannot swallow it. */
static duk_ret_t js_tick(duk_context *ctx)
{
	struct js_job *job = job_of(ctx);
	if (!job->timed_out && (++job->ticks % TICK_EVERY || !code_past_deadline(job->run)))
		return 0;
	if (!job->timed_out) {
		job->timed_out = 1;
		job->line = duk_get_int(ctx, 0);
	}
	return throw_at_caller(ctx, DUK_ERR_RANGE_ERROR, "timeout: the code ran longer than its time limit");
}

static void set_globals(duk_context *ctx)
{
	static const duk_function_list_entry contract[] = { { "emit", js_emit, 2 }, { "log", js_log, DUK_VARARGS },
		{ "progress", js_progress, 2 }, { "fail", js_fail, 1 }, { NULL, NULL, 0 } };
	static const duk_function_list_entry console[] = { { "log", js_log, DUK_VARARGS },
		{ "info", js_log, DUK_VARARGS }, { "warn", js_warn, DUK_VARARGS }, { "error", js_error, DUK_VARARGS },
		{ NULL, NULL, 0 } };
	duk_push_global_object(ctx);
	duk_put_function_list(ctx, -1, contract);
	duk_push_object(ctx);
	duk_put_function_list(ctx, -1, console);
	duk_put_prop_string(ctx, -2, "console");
	/* Duktape's own object reaches the engine's internals (act, info, gc...). */
	duk_del_prop_string(ctx, -1, "Duktape");
	/* The budget: the code can neither replace it nor list it. */
	duk_push_string(ctx, "__axon_tick");
	duk_push_c_function(ctx, js_tick, 1);
	duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
			      DUK_DEFPROP_CLEAR_CONFIGURABLE);
	duk_pop(ctx);
}

static duk_ret_t run_protected(duk_context *ctx, void *udata)
{
	struct js_job *job = udata;
	set_globals(ctx);
	duk_push_string(ctx, opening);
	duk_push_string(ctx, job->source);
	duk_push_string(ctx, closing);
	duk_concat(ctx, 3);
	duk_push_string(ctx, "code");
	job->compiling = 1;
	duk_compile(ctx, DUK_COMPILE_EVAL);
	job->compiling = 0;
	if (job->check_only)
		return 0;
	duk_call(ctx, 0);
	if (job->run->input)
		push_json(ctx, job->run->input);
	else
		duk_push_undefined(ctx);
	push_json(ctx, job->run->vars);
	duk_call(ctx, 2);
	if (!duk_is_undefined(ctx, -1)) {
		if (code_emitted(job->run, "out"))
			return throw_at_caller(ctx, DUK_ERR_ERROR, "the code returned a value, but already emitted on out: "
					       "return nothing after emit(\"out\", ...)");
		job->result = json_text(ctx, -1);
		if (!job->result)
			return throw_at_caller(ctx, DUK_ERR_TYPE_ERROR, "the returned value is a function, which has no JSON form");
	}
	return 0;
}

static duk_ret_t encode_top(duk_context *ctx, void *udata)
{
	duk_json_encode(ctx, -1);
	return 1;
}

/* The user's line of a line of what ran, or 0. */
static long user_line(const struct js_job *job, long line)
{
	return job->es5.mappings && line > 0 ? code_transpiled_line(&job->es5, line) : line;
}

/* The thrown value at the top as a message that names the line (of the
 * user's code, when what ran is its ES5 form). */
static void describe(duk_context *ctx, const struct js_job *job, char *buf, size_t len, long *line)
{
	*line = 0;
	if (duk_is_error(ctx, -1)) {
		duk_get_prop_string(ctx, -1, "lineNumber");
		*line = duk_is_number(ctx, -1) ? (long)duk_get_number(ctx, -1) : 0;
		duk_pop(ctx);
		*line = user_line(job, *line);
	} else if (duk_is_object(ctx, -1) && !duk_is_function(ctx, -1)) {
		/* throw {...}: say what was thrown */
		duk_dup(ctx, -1);
		if (duk_safe_call(ctx, encode_top, NULL, 1, 1) == DUK_EXEC_SUCCESS && duk_is_string(ctx, -1)) {
			snprintf(buf, len, "the code threw %s (throw new Error(\"...\") says where)", duk_get_string(ctx, -1));
			duk_pop(ctx);
			return;
		}
		duk_pop(ctx);
	}
	const char *text = duk_safe_to_string(ctx, -1);
	if (*line > 0 && !strstr(text, "(line "))
		snprintf(buf, len, "line %ld: %s", *line, text);
	else
		snprintf(buf, len, "%s", text);
}

/* Syntax that buble does not know either, at the line and column (from 1)
 * where it stopped: what to write instead, or NULL; *column moves to the
 * token's start. */
static const char *later_syntax(const char *code, long line, long *column)
{
	static const struct { const char *token, *what; } later[] = {
		{ "?.", "optional chaining (?.) is not supported: test with && first" },
		{ "??", "?? is not supported: write (x !== null && x !== undefined ? x : y)" },
	};
	const char *start = code;
	for (long l = 1; l < line && start; l++) {
		start = strchr(start, '\n');
		start = start ? start + 1 : NULL;
	}
	if (!start || *column < 1 || (size_t)*column > strcspn(start, "\n"))
		return NULL;
	/* the parser stops on the token's first or second character */
	for (long at = *column - 1; at >= 0 && at >= *column - 2; at--)
		for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
			if (!strncmp(start + at, later[i].token, strlen(later[i].token))) {
				*column = at + 1;
				return later[i].what;
			}
	return NULL;
}

#define NEEDS_ES5 1

/* One run of job->source on a fresh heap: AXON_OK, AXON_FAIL, or NEEDS_ES5
 * when Duktape cannot parse it (then nothing ran). */
static int run_in_heap(struct js_job *job)
{
	struct code_run *run = job->run;
	jmp_buf escape;
	job->fatal_exit = &escape;
	duk_context *duk = duk_create_heap(js_alloc, js_realloc, js_free, job, js_fatal);
	if (!duk)
		return code_fail_memory(run, 0);
	if (setjmp(escape)) {
		/* Duktape's heap cannot be used after a fatal error; it is left to the end of the process. */
		return axon_fail(run->ctx, "the JavaScript engine stopped on a fatal error (out of memory?)");
	}
	int rc = AXON_OK;
	char msg[800], err[300];
	job->timed_out = 0;
	job->ticks = 0;
	int ran = duk_safe_call(duk, run_protected, job, 0, 1);
	if (job->timed_out) {
		/* even when a catch swallowed the last throw and the code returned */
		rc = code_fail_timeout(run, user_line(job, job->line));
	} else if (ran != DUK_EXEC_SUCCESS) {
		long line;
		int syntax = job->compiling && duk_get_error_code(duk, -1) == DUK_ERR_SYNTAX_ERROR;
		describe(duk, job, msg, sizeof msg, &line);
		if (syntax && !job->es5.code)
			rc = NEEDS_ES5;
		else if (job->failed)
			rc = axon_fail(run->ctx, "%s", job->failure ? job->failure : "fail() without a message");
		else if (strstr(msg, "alloc failed"))
			rc = code_fail_memory(run, line);
		else
			rc = axon_fail(run->ctx, "%s", msg);
	} else if (job->failed) {
		rc = axon_fail(run->ctx, "%s", job->failure ? job->failure : "fail() without a message");
	} else if (job->result) {
		json_t *v = parse_text(job->result, "the returned value", err, sizeof err);
		if (!v || code_emit(run, "out", v, err, sizeof err))
			rc = axon_fail(run->ctx, "%s", err);
	}
	duk_destroy_heap(duk);
	return rc;
}

/* Whether the code has a loop or a function, which could run on for ever
 * (a substring: "for" in a name counts too, which only costs the
 * instrumenting). */
static int may_loop(const char *code)
{
	return strstr(code, "for") || strstr(code, "while") || strstr(code, "function") || strstr(code, "=>");
}

/* job's code instrumented, and compiled to ES5 first when it is later
 * JavaScript: AXON_OK with job->source set, or the refusal with its line,
 * column and what to write instead. */
static int prepare(struct js_job *job)
{
	char err[600];
	long line = 0, column = 0;
	const char *code = job->run->code;
	if (code_transpile(code, &job->es5, err, sizeof err) == 0) {
		job->source = job->es5.code;
		return AXON_OK;
	}
	const char *at = strstr(err, "(line ");
	const char *instead = at && sscanf(at, "(line %ld, column %ld)", &line, &column) == 2 ?
				      later_syntax(code, line, &column) : NULL;
	return instead ? axon_fail(job->run->ctx, "SyntaxError: %s (line %ld, column %ld)", instead, line, column)
		       : axon_fail(job->run->ctx, "%s", err);
}

/* A fingerprint of the code (FNV-1a, 64 bits), which what check() keeps
 * carries: a kept ES5 form is run only for the code it was made from. */
static void fingerprint(const char *code, char out[17])
{
	uint64_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)code; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* At save, check() keeps the ES5 form it made (and its source map), which
 * the daemon stores with the workflow's version. */
static void keep_es5(struct js_job *job)
{
	char print[17];
	if (!job->es5.code || !axon_has(job->run->ctx, keep))
		return;
	fingerprint(job->run->code, print);
	json_t *kept = json_pack("{s:s, s:s, s:s?}", "source", print, "es5", job->es5.code, "mappings", job->es5.mappings);
	if (kept)
		axon_keep(job->run->ctx, kept);
	json_decref(kept);
}

/* At run time, the ES5 form check() kept for this code, if the daemon has
 * it: 1 with job->source set, so the run compiles nothing. */
static int kept_es5(struct js_job *job)
{
	char print[17];
	const json_t *kept = axon_has(job->run->ctx, kept) ? axon_kept(job->run->ctx) : NULL;
	const char *es5 = json_string_value(json_object_get(kept, "es5"));
	const json_t *mappings = json_object_get(kept, "mappings");
	if (json_is_null(mappings))
		mappings = NULL; /* ES5 code: its lines are the user's */
	fingerprint(job->run->code, print);
	if (!es5 || strcmp(json_string_value(json_object_get(kept, "source")) ?: "", print) ||
	    (mappings && !json_is_string(mappings)))
		return 0;
	job->es5.code = strdup(es5);
	job->es5.mappings = mappings ? strdup(json_string_value(mappings)) : NULL;
	if (!job->es5.code || (mappings && !job->es5.mappings)) {
		code_transpiled_free(&job->es5);
		return 0;
	}
	job->source = job->es5.code;
	return 1;
}

/* A run, or with check_only the block's check: the code compiles, as it is
 * or through buble, or the refusal says where and what to write instead. */
static int run_or_check(struct axon_ctx *ctx, const json_t *inputs, const json_t *config, int check_only)
{
	if (code_check_config(ctx, config) != AXON_OK)
		return AXON_FAIL;
	struct code_run run;
	struct js_job job = { .run = &run, .check_only = check_only };
	code_run_init(&run, ctx, inputs, config);
	job.source = run.code;
	int rc = (!check_only && kept_es5(&job)) || !may_loop(run.code) ? AXON_OK : prepare(&job);
	if (rc == AXON_OK)
		rc = run_in_heap(&job);
	if (rc == NEEDS_ES5)
		rc = prepare(&job) == AXON_OK ? run_in_heap(&job) : AXON_FAIL;
	if (rc == AXON_OK && check_only)
		keep_es5(&job);
	free(job.failure);
	free(job.result);
	code_transpiled_free(&job.es5);
	return rc;
}

int code_js_run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	return run_or_check(ctx, inputs, config, 0);
}

int code_js_check(struct axon_ctx *ctx, const json_t *config)
{
	return run_or_check(ctx, NULL, config, 1);
}
