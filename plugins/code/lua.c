/* code.lua: Lua 5.4 with the base, string, table, math and utf8 libraries
 * (and os.time/date/clock/difftime in UTC), a fresh state per run, its
 * memory counted by its allocator and its time checked by a count hook. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocks.h"
#include "contract.h"
#include "lua_values.h"

#define CHUNK "=code"     /* the user's code, as Lua names it in messages: "code:3:" */
#define CHUNK_NAME "code" /* CHUNK without its "=" */
#define HOOK_EVERY 1000   /* instructions between two looks at the clock */

struct lua_job {
	struct code_run *run;
	lua_State *L;
	int timed_out, failed;
	int closing;       /* the run is over: what runs now reaches nothing */
	long line;         /* where a limit was last hit */
	char *failure;     /* fail()'s message */
	json_t *result;    /* what the code returned */
};

static struct lua_job *job_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

/* The line of the user's code the innermost call is on, or 0. */
static long code_line(lua_State *L)
{
	lua_Debug ar;
	for (int level = 0; lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "Sl", &ar) && !strcmp(ar.source, CHUNK) && ar.currentline > 0)
			return ar.currentline;
	return 0;
}

static void *alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lua_job *job = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		code_memory_take(job->run, old, 0);
		free(ptr);
		return NULL;
	}
	/* A refusal is not yet the end: Lua collects garbage and asks again,
	 * and raises a memory error (LUA_ERRMEM) only if that fails too. */
	if (!code_memory_take(job->run, old, nsize)) {
		if (job->L && !job->timed_out)
			job->line = code_line(job->L);
		return NULL;
	}
	void *p = realloc(ptr, nsize);
	if (!p)
		code_memory_take(job->run, nsize, old);
	return p;
}

static void hook(lua_State *L, lua_Debug *ar)
{
	struct lua_job *job = job_of(L);
	if (!job->timed_out && !code_past_deadline(job->run))
		return;
	if (!job->timed_out) {
		job->timed_out = 1;
		job->line = code_line(L);
		/* From now on every instruction fails, so a pcall cannot swallow it. */
		lua_sethook(L, hook, LUA_MASKCOUNT, 1);
	}
	luaL_error(L, "timeout");
}

/* ---- The functions the code calls ---- */

/* The job, for a function of the contract; code that would still run when
 * the state is closed, after the run, gets an error instead. */
static struct lua_job *live_job(lua_State *L)
{
	struct lua_job *job = job_of(L);
	if (job->closing)
		luaL_error(L, "the run is over");
	return job;
}

static int l_emit(lua_State *L)
{
	struct lua_job *job = live_job(L);
	const char *port = luaL_checkstring(L, 1);
	char err[300];
	luaL_checkany(L, 2);
	char what[80];
	snprintf(what, sizeof what, "emit(\"%.20s\")", port);
	if (code_emit(job->run, port, lua_values_check(L, 2, what), err, sizeof err))
		return luaL_error(L, "%s", err);
	return 0;
}

/* log(...) and print(...): the values, separated by spaces; tables as JSON. */
static int log_at(lua_State *L, enum axon_log_level level)
{
	struct lua_job *job = live_job(L);
	luaL_Buffer b;
	int n = lua_gettop(L);
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, ' ');
		if (lua_type(L, i) == LUA_TTABLE || lua_type(L, i) == LUA_TLIGHTUSERDATA) {
			json_t *v = lua_values_check(L, i, "log");
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			json_decref(v);
			lua_pushstring(L, s ? s : "?");
			free(s);
		} else {
			luaL_tolstring(L, i, NULL);
		}
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	axon_log(job->run->ctx, level, "%s", lua_tostring(L, -1));
	return 0;
}

static int l_log(lua_State *L)
{
	return log_at(L, AXON_LOG_INFO);
}

static int l_warn(lua_State *L)
{
	return log_at(L, AXON_LOG_WARN);
}

static int l_progress(lua_State *L)
{
	struct lua_job *job = live_job(L);
	double f = luaL_checknumber(L, 1);
	const char *msg = luaL_optstring(L, 2, NULL);
	axon_progress(job->run->ctx, f < 0 ? 0 : f > 1 ? 1 : f, msg);
	return 0;
}

static int l_fail(lua_State *L)
{
	struct lua_job *job = live_job(L);
	const char *msg = luaL_checkstring(L, 1);
	if (!job->failed) {
		job->failed = 1;
		job->failure = strdup(msg);
	}
	return luaL_error(L, "%s", msg);
}

/* load() of text only: a binary chunk can break the virtual machine. */
static int l_load(lua_State *L)
{
	int n = lua_gettop(L);
	lua_settop(L, n < 4 ? 4 : n);
	lua_pushstring(L, "t");
	lua_replace(L, 3);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* setmetatable() without finalizers: Lua runs __gc with its hooks off, so a
 * finalizer could loop past the time limit. A table is marked for
 * finalization by a __gc field present when its metatable is set. */
static int l_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		int found = lua_rawget(L, 2) != LUA_TNIL;
		lua_pop(L, 1);
		if (found)
			return luaL_error(L, "setmetatable: __gc finalizers are not available in code.lua");
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* os.date() in UTC: a format without its leading "!" gets one (local time
 * would read the time zone files, which the sandbox forbids). */
static int l_date(lua_State *L)
{
	const char *fmt = luaL_optstring(L, 1, "%c");
	if (fmt[0] != '!')
		lua_pushfstring(L, "!%s", fmt);
	else
		lua_pushstring(L, fmt);
	lua_replace(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int field(lua_State *L, const char *key, int fallback)
{
	int t = lua_getfield(L, 1, key);
	lua_Integer v = lua_tointeger(L, -1);
	lua_pop(L, 1);
	if (t == LUA_TNIL) {
		if (fallback < 0)
			return luaL_error(L, "os.time: the field '%s' is missing", key);
		return fallback;
	}
	if (t != LUA_TNUMBER || v < -1000000 || v > 1000000)
		return luaL_error(L, "os.time: the field '%s' is not a whole number of a sensible size", key);
	return (int)v;
}

/* os.time([t]) in UTC, likewise. */
static int l_time(lua_State *L)
{
	if (lua_isnoneornil(L, 1)) {
		lua_pushinteger(L, (lua_Integer)time(NULL));
		return 1;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	struct tm tm = { .tm_year = field(L, "year", -1) - 1900, .tm_mon = field(L, "month", -1) - 1,
			 .tm_mday = field(L, "day", -1), .tm_hour = field(L, "hour", 12), .tm_min = field(L, "min", 0),
			 .tm_sec = field(L, "sec", 0) };
	lua_pushinteger(L, (lua_Integer)timegm(&tm));
	return 1;
}

static void remove_fields(lua_State *L, const char *table, const char *const *names)
{
	if (table)
		lua_getglobal(L, table);
	else
		lua_pushglobaltable(L);
	for (; *names; names++) {
		lua_pushnil(L);
		lua_setfield(L, -2, *names);
	}
	lua_pop(L, 1);
}

static void open_libraries(lua_State *L)
{
	static const char *const no_base[] = { "dofile", "loadfile", "require", NULL };
	static const char *const no_string[] = { "dump", NULL };
	static const char *const no_os[] = { "execute", "exit", "getenv", "remove", "rename", "setlocale", "tmpname", NULL };
	static const luaL_Reg libs[] = { { LUA_GNAME, luaopen_base }, { LUA_STRLIBNAME, luaopen_string },
		{ LUA_TABLIBNAME, luaopen_table }, { LUA_MATHLIBNAME, luaopen_math }, { LUA_UTF8LIBNAME, luaopen_utf8 },
		{ LUA_OSLIBNAME, luaopen_os }, { NULL, NULL } };
	static const luaL_Reg contract[] = { { "emit", l_emit }, { "log", l_log }, { "print", l_log }, { "warn", l_warn },
		{ "progress", l_progress }, { "fail", l_fail }, { NULL, NULL } };
	for (const luaL_Reg *l = libs; l->name; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	remove_fields(L, NULL, no_base);
	remove_fields(L, LUA_STRLIBNAME, no_string);
	remove_fields(L, LUA_OSLIBNAME, no_os);
	lua_getglobal(L, "load");
	lua_pushcclosure(L, l_load, 1);
	lua_setglobal(L, "load");
	lua_getglobal(L, "setmetatable");
	lua_pushcclosure(L, l_setmetatable, 1);
	lua_setglobal(L, "setmetatable");
	lua_getglobal(L, LUA_OSLIBNAME);
	lua_getfield(L, -1, "date");
	lua_pushcclosure(L, l_date, 1);
	lua_setfield(L, -2, "date");
	lua_pushcfunction(L, l_time);
	lua_setfield(L, -2, "time");
	lua_pop(L, 1);
	lua_pushglobaltable(L);
	luaL_setfuncs(L, contract, 0);
	lua_pop(L, 1);
	lua_values_open(L);
}

/* The message of "code:3: message", with *line set to 3; msg as it is
 * (and *line left) when it names no line. */
static const char *unlocated(const char *msg, long *line)
{
	if (!strncmp(msg, CHUNK_NAME ":", strlen(CHUNK_NAME ":"))) {
		char *end;
		long l = strtol(msg + strlen(CHUNK_NAME ":"), &end, 10);
		if (end[0] == ':' && end[1] == ' ') {
			*line = l;
			return end + 2;
		}
	}
	return msg;
}

/* "code:3: message" to "line 3: message". */
static void push_located(lua_State *L, const char *msg, long line)
{
	const char *p = unlocated(msg, &line);
	if (line > 0)
		lua_pushfstring(L, "line %d: %s", (int)line, p);
	else
		lua_pushstring(L, p);
}

/* The message handler: the error as a string that names the line. */
static int on_error(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg)
		msg = lua_pushfstring(L, "an error object of type %s (error() with a string says more)", luaL_typename(L, 1));
	push_located(L, msg, code_line(L));
	return 1;
}

static int run_protected(lua_State *L)
{
	struct lua_job *job = lua_touserdata(L, 1);
	open_libraries(L);
	if (job->run->input)
		lua_values_push(L, job->run->input);
	else
		lua_pushnil(L);
	lua_setglobal(L, "input");
	lua_values_push(L, job->run->vars);
	lua_setglobal(L, "vars");
	if (luaL_loadbufferx(L, job->run->code, strlen(job->run->code), CHUNK, "t") != LUA_OK) {
		push_located(L, lua_tostring(L, -1), 0);
		return lua_error(L);
	}
	lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	lua_call(L, 0, 1);
	if (!lua_isnil(L, -1)) {
		if (code_emitted(job->run, "out"))
			return luaL_error(L, "the code returned a value, but already emitted on out: return nothing (nil) "
					  "after emit(\"out\", ...)");
		job->result = lua_values_check(L, -1, "the returned value");
	}
	return 0;
}

int code_lua_run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	if (code_check_config(ctx, config) != AXON_OK)
		return AXON_FAIL;
	struct code_run run;
	struct lua_job job = { .run = &run };
	code_run_init(&run, ctx, inputs, config);
	lua_State *L = lua_newstate(alloc, &job);
	if (!L)
		return code_fail_memory(&run, 0);
	job.L = L;
	lua_pushcfunction(L, on_error);
	lua_pushcfunction(L, run_protected);
	lua_pushlightuserdata(L, &job);
	int status = lua_pcall(L, 1, 0, 1);
	int rc = AXON_OK;
	char err[300];
	if (job.timed_out)
		rc = code_fail_timeout(&run, job.line);
	else if (status == LUA_ERRMEM)
		rc = code_fail_memory(&run, job.line);
	else if (job.failed)
		rc = axon_fail(ctx, "%s", job.failure ? job.failure : "fail() without a message");
	else if (status != LUA_OK)
		rc = axon_fail(ctx, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "the code failed");
	else if (job.result && code_emit(&run, "out", json_incref(job.result), err, sizeof err))
		rc = axon_fail(ctx, "%s", err);
	json_decref(job.result);
	free(job.failure);
	job.closing = 1;
	lua_close(L);
	return rc;
}

int code_lua_check(struct axon_ctx *ctx, const json_t *config)
{
	if (code_check_config(ctx, config) != AXON_OK)
		return AXON_FAIL;
	struct code_run run;
	struct lua_job job = { .run = &run };
	code_run_init(&run, ctx, NULL, config);
	lua_State *L = lua_newstate(alloc, &job);
	if (!L)
		return code_fail_memory(&run, 0);
	job.L = L;
	int rc = AXON_OK, status = luaL_loadbufferx(L, run.code, strlen(run.code), CHUNK, "t");
	if (status == LUA_ERRMEM)
		rc = code_fail_memory(&run, 0);
	else if (status != LUA_OK) {
		long line = 0;
		const char *msg = unlocated(lua_tostring(L, -1) ? lua_tostring(L, -1) : "the code does not compile", &line);
		rc = line > 0 ? axon_fail(ctx, "line %ld: %s", line, msg) : axon_fail(ctx, "%s", msg);
	}
	job.closing = 1;
	lua_close(L);
	return rc;
}
