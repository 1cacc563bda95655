/* buble on Duktape: see transpile.h. */
#include "transpile.h"

#include <duktape.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char code_transpiler_source[];
extern const size_t code_transpiler_size;
extern const long code_transpiler_duktape; /* the Duktape.version that made: */
extern const unsigned char code_transpiler_bytecode[];
extern const size_t code_transpiler_bytecode_size;

struct transpile_job {
	const char *code;
	struct transpiled *out;
	jmp_buf fatal_exit;
};

static void on_fatal(void *udata, const char *msg)
{
	struct transpile_job *job = udata;
	longjmp(job->fatal_exit, 1);
}

static char *prop_string(duk_context *ctx, duk_idx_t idx, const char *key)
{
	duk_get_prop_string(ctx, idx, key);
	char *s = duk_is_string(ctx, -1) ? strdup(duk_get_string(ctx, -1)) : NULL;
	duk_pop(ctx);
	return s;
}

/* [] -> [result]: the code prepared (instrument.js: compiled by buble when
 * it is not ES5, with the time budget's calls), or a throw. */
static duk_ret_t transform(duk_context *ctx, void *udata)
{
	struct transpile_job *job = udata;
	duk_eval_string(ctx, "Duktape.version");
	long version = (long)duk_get_int(ctx, -1);
	duk_pop(ctx);
	if (version == code_transpiler_duktape) {
		/* bytecode is this Duktape's own format: a few ms to load */
		void *p = duk_push_fixed_buffer(ctx, code_transpiler_bytecode_size);
		memcpy(p, code_transpiler_bytecode, code_transpiler_bytecode_size);
		duk_load_function(ctx);
		duk_call(ctx, 0); /* the module's exports */
	} else {
		duk_push_lstring(ctx, (const char *)code_transpiler_source, code_transpiler_size);
		duk_eval(ctx);
	}
	duk_get_prop_string(ctx, -1, "prepare");
	duk_push_string(ctx, job->code);
	duk_eval_string(ctx, "({transforms: {dangerousForOf: true, generator: true, asyncAwait: true},"
			     " objectAssign: 'Object.assign', source: 'code'})");
	duk_call(ctx, 2);
	job->out->code = prop_string(ctx, -1, "code");
	duk_get_prop_string(ctx, -1, "map");
	if (duk_is_object(ctx, -1))
		job->out->mappings = prop_string(ctx, -1, "mappings");
	duk_pop(ctx);
	return 1;
}

/* What to write instead of what buble cannot compile, by its message. */
static const char *advice(const char *message)
{
	if (!strncmp(message, "Transforming generators", 23))
		return "generators (function*) cannot run here: build an array instead";
	if (!strncmp(message, "Transforming async", 18) || !strncmp(message, "Transforming for-await", 22))
		return "async functions and await cannot run here: a code block has nothing to wait for, write plain functions";
	return NULL;
}

/* The error at the top as a message on the user's line and column. */
static void describe(duk_context *ctx, char *err, size_t errlen)
{
	long line = 0, column = -1;
	char *message = NULL;
	if (duk_is_object(ctx, -1)) {
		message = prop_string(ctx, -1, "message");
		duk_get_prop_string(ctx, -1, "loc");
		if (duk_is_object(ctx, -1)) {
			duk_get_prop_string(ctx, -1, "line");
			line = (long)duk_get_number_default(ctx, -1, 0);
			duk_get_prop_string(ctx, -2, "column");
			column = (long)duk_get_number_default(ctx, -1, -1);
			duk_pop_2(ctx);
		}
		duk_pop(ctx);
	}
	if (!message)
		message = strdup(duk_safe_to_string(ctx, -1));
	/* buble ends its messages with " (line:column)", and suggests options a user cannot set */
	char *cut = message ? strstr(message, " (") : NULL;
	if (cut && line > 0)
		*cut = '\0';
	const char *instead = message ? advice(message) : NULL;
	if (line > 0 && column >= 0)
		snprintf(err, errlen, "SyntaxError: %s (line %ld, column %ld)", instead ? instead : message, line, column + 1);
	else
		snprintf(err, errlen, "SyntaxError: %s", message ? message : "the code does not compile");
	free(message);
}

/* The last few compilations, by source: a warm worker runs the same code of
 * its workflow again and again, and buble takes about 80 ms. The compiled
 * text is a pure function of the source, so keeping it is not keeping the
 * user's state (each run still starts on a fresh heap). */
#define CACHE_SIZE 4
static struct {
	char *source;
	struct transpiled result;
} cache[CACHE_SIZE];
static unsigned cache_next;

static int copy_result(const struct transpiled *from, struct transpiled *to)
{
	to->code = strdup(from->code);
	to->mappings = from->mappings ? strdup(from->mappings) : NULL;
	if (to->code && (to->mappings || !from->mappings))
		return 0;
	code_transpiled_free(to);
	return -1;
}

static int cached(const char *code, struct transpiled *out)
{
	for (unsigned i = 0; i < CACHE_SIZE; i++)
		if (cache[i].source && !strcmp(cache[i].source, code))
			return copy_result(&cache[i].result, out) == 0;
	return 0;
}

static void remember(const char *code, const struct transpiled *result)
{
	unsigned i = cache_next++ % CACHE_SIZE;
	free(cache[i].source);
	code_transpiled_free(&cache[i].result);
	cache[i].source = strdup(code);
	if (!cache[i].source || copy_result(result, &cache[i].result) < 0) {
		free(cache[i].source);
		cache[i].source = NULL;
	}
}

int code_transpile(const char *code, struct transpiled *out, char *err, size_t errlen)
{
	struct transpile_job job = { .code = code, .out = out };
	memset(out, 0, sizeof *out);
	if (cached(code, out))
		return 0;
	/* Its own heap, on the plain allocator: the transpiler's memory is not
	 * the user's (the sandbox's limit still holds). */
	duk_context *ctx = duk_create_heap(NULL, NULL, NULL, &job, on_fatal);
	if (!ctx) {
		snprintf(err, errlen, "no memory for the JavaScript compiler");
		return -1;
	}
	if (setjmp(job.fatal_exit)) {
		/* the heap is left to the end of the process */
		code_transpiled_free(out);
		snprintf(err, errlen, "the JavaScript compiler stopped on a fatal error (out of memory?)");
		return -1;
	}
	int rc = 0;
	if (duk_safe_call(ctx, transform, &job, 0, 1) != DUK_EXEC_SUCCESS || !out->code) {
		describe(ctx, err, errlen);
		code_transpiled_free(out);
		rc = -1;
	}
	duk_destroy_heap(ctx);
	if (rc == 0)
		remember(code, out);
	return rc;
}

static int base64_digit(char c)
{
	const char *digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(digits, c) : NULL;
	return p ? (int)(p - digits) : -1;
}

/* One base64 VLQ number at *p, moving *p past it. */
static long vlq(const char **p)
{
	long value = 0;
	int shift = 0, digit;
	do {
		digit = base64_digit(**p);
		if (digit < 0)
			return 0;
		(*p)++;
		value += (long)(digit & 31) << shift;
		shift += 5;
	} while (digit & 32 && shift < 60);
	return value & 1 ? -(value >> 1) : value >> 1;
}

/* A source map's lines are ';'-separated, its segments ','-separated, each
 * [column, source, line, column(, name)] as deltas; the source line runs on
 * across lines. The user's line of a compiled line is that of its first
 * segment with a source. */
long code_transpiled_line(const struct transpiled *t, long line)
{
	const char *p = t->mappings;
	long generated = 1, source_line = 0;
	while (p && *p) {
		if (*p == ';') {
			generated++;
			p++;
			continue;
		}
		if (*p == ',') {
			p++;
			continue;
		}
		long fields[5] = { 0 };
		int n = 0;
		while (*p && *p != ',' && *p != ';' && n < 5)
			fields[n++] = vlq(&p);
		while (*p && *p != ',' && *p != ';')
			p++; /* a malformed segment: skip it */
		if (n >= 4) {
			source_line += fields[2];
			if (generated == line)
				return source_line + 1;
		}
		if (generated > line)
			break;
	}
	return 0;
}

void code_transpiled_free(struct transpiled *t)
{
	free(t->code);
	free(t->mappings);
	t->code = t->mappings = NULL;
}
