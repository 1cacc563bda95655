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

#define CHUNK "=code"     /* the user's code, as Lua names it in messages: "code:3:" */
#define CHUNK_NAME "code" /* CHUNK without its "=" */
#define MAX_DEPTH 512     /* nesting of converted values */
#define HOOK_EVERY 1000   /* instructions between two looks at the clock */

struct lua_job {
	struct code_run *run;
	lua_State *L;
	int timed_out, failed;
	long line;         /* where a limit was last hit */
	char *failure;     /* fail()'s message */
	json_t *result;    /* what the code returned */
};

static char null_tag; /* JSON null in Lua: a light userdata with this address */
static const char ARRAY_MT[] = "axon.array", OBJECT_MT[] = "axon.object";

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

/* ---- Lua values to JSON ---- */

struct path {
	char text[256];
	size_t len;
};

static void path_push(struct path *p, size_t *mark, const char *key, lua_Integer index)
{
	*mark = p->len;
	int n = key ? snprintf(p->text + p->len, sizeof p->text - p->len, ".%s", key)
		    : snprintf(p->text + p->len, sizeof p->text - p->len, "[%lld]", (long long)index);
	if (n > 0)
		p->len = p->len + (size_t)n < sizeof p->text ? p->len + (size_t)n : sizeof p->text - 1;
}

static void path_pop(struct path *p, size_t mark)
{
	p->len = mark;
	p->text[mark] = '\0';
}

static json_t *to_json(lua_State *L, int idx, int depth, struct path *path, char *err, size_t errlen);

/* The table at idx as a JSON array or object, by its mark or by its keys:
 * keys 1..n make an array, string keys an object; an empty table with no
 * mark is an array. */
static json_t *table_to_json(lua_State *L, int idx, int depth, struct path *path, char *err, size_t errlen)
{
	int marked = 0; /* 1 array, 2 object */
	if (lua_getmetatable(L, idx)) {
		luaL_getmetatable(L, ARRAY_MT);
		luaL_getmetatable(L, OBJECT_MT);
		marked = lua_rawequal(L, -3, -2) ? 1 : lua_rawequal(L, -3, -1) ? 2 : 0;
		lua_pop(L, 3);
	}
	size_t count = 0, strings = 0;
	lua_Integer max = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		count++;
		if (lua_type(L, -2) == LUA_TSTRING)
			strings++;
		else if (lua_isinteger(L, -2) && lua_tointeger(L, -2) > 0) {
			if (lua_tointeger(L, -2) > max)
				max = lua_tointeger(L, -2);
		} else if (marked != 2 || !lua_isinteger(L, -2)) {
			snprintf(err, errlen, "%s: a table key must be a string or a position 1, 2, 3...; this one is a %s",
				 path->text, luaL_typename(L, -2));
			lua_pop(L, 2);
			return NULL;
		}
		lua_pop(L, 1);
	}
	int as_array = marked == 1 || (marked == 0 && strings == 0);
	if (as_array && (strings || (size_t)max != count)) {
		snprintf(err, errlen, "%s: %s", path->text, strings ? "an array (a table marked by array()) has string keys"
			 : "a table with positions 1..n has holes or other keys: make every position hold a value (null for none)");
		return NULL;
	}
	if (marked == 0 && strings && strings != count) {
		snprintf(err, errlen, "%s: a table mixes string keys and positions: use one or the other", path->text);
		return NULL;
	}
	json_t *out = as_array ? json_array() : json_object();
	if (as_array) {
		for (lua_Integer i = 1; i <= max; i++) {
			size_t mark;
			lua_rawgeti(L, idx, i);
			path_push(path, &mark, NULL, i);
			json_t *v = to_json(L, lua_gettop(L), depth + 1, path, err, errlen);
			path_pop(path, mark);
			lua_pop(L, 1);
			if (!v) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, v);
		}
		return out;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		char num[32];
		const char *key;
		size_t klen, mark;
		if (lua_type(L, -2) == LUA_TSTRING)
			key = lua_tolstring(L, -2, &klen);
		else {
			klen = (size_t)snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, -2));
			key = num;
		}
		path_push(path, &mark, key, 0);
		json_t *v = to_json(L, lua_gettop(L), depth + 1, path, err, errlen);
		if (v && json_object_setn_new(out, key, klen, v)) {
			snprintf(err, errlen, "%s: the key is not valid UTF-8", path->text);
			v = NULL;
		}
		path_pop(path, mark);
		lua_pop(L, 1);
		if (!v) {
			lua_pop(L, 1);
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static json_t *to_json(lua_State *L, int idx, int depth, struct path *path, char *err, size_t errlen)
{
	idx = lua_absindex(L, idx);
	if (depth > MAX_DEPTH || !lua_checkstack(L, 8)) {
		snprintf(err, errlen, "%s: nested deeper than %d levels (a table that contains itself?)", path->text, MAX_DEPTH);
		return NULL;
	}
	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		return json_boolean(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return json_integer((json_int_t)lua_tointeger(L, idx));
		json_t *r = json_real(lua_tonumber(L, idx));
		if (!r)
			snprintf(err, errlen, "%s: %g is not a JSON number", path->text, lua_tonumber(L, idx));
		return r;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		json_t *v = json_stringn(s, len);
		if (!v)
			snprintf(err, errlen, "%s: the string is not valid UTF-8 (binary data cannot cross as JSON)", path->text);
		return v;
	}
	case LUA_TTABLE:
		return table_to_json(L, idx, depth, path, err, errlen);
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == &null_tag)
			return json_null();
		break;
	case LUA_TNIL:
		snprintf(err, errlen, "%s: nil has no JSON form (use null)", path->text);
		return NULL;
	default:
		break;
	}
	snprintf(err, errlen, "%s: a %s has no JSON form", path->text, luaL_typename(L, idx));
	return NULL;
}

/* Converts the value at idx or raises a Lua error naming what. */
static json_t *check_json(lua_State *L, int idx, const char *what)
{
	struct path path = { .len = 0 };
	char err[400];
	snprintf(path.text, sizeof path.text, "%s", what);
	path.len = strlen(path.text);
	json_t *v = to_json(L, idx, 0, &path, err, sizeof err);
	if (!v)
		luaL_error(L, "%s", err);
	return v;
}

/* ---- JSON to Lua ---- */

static void push_json(lua_State *L, const json_t *v, int depth)
{
	luaL_checkstack(L, 4, "the input is nested too deeply");
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *m;
		lua_createtable(L, 0, (int)json_object_size(v));
		luaL_setmetatable(L, OBJECT_MT);
		json_object_foreach((json_t *)v, key, m) {
			push_json(L, m, depth + 1);
			lua_setfield(L, -2, key);
		}
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *m;
		lua_createtable(L, (int)json_array_size(v), 0);
		luaL_setmetatable(L, ARRAY_MT);
		json_array_foreach(v, i, m) {
			push_json(L, m, depth + 1);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	}
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		lua_pushinteger(L, (lua_Integer)json_integer_value(v));
		break;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		lua_pushboolean(L, json_is_true(v));
		break;
	default:
		lua_pushlightuserdata(L, &null_tag);
	}
}

/* ---- The functions the code calls ---- */

static int l_emit(lua_State *L)
{
	struct lua_job *job = job_of(L);
	const char *port = luaL_checkstring(L, 1);
	char err[300];
	luaL_checkany(L, 2);
	char what[80];
	snprintf(what, sizeof what, "emit(\"%.20s\")", port);
	if (code_emit(job->run, port, check_json(L, 2, what), err, sizeof err))
		return luaL_error(L, "%s", err);
	return 0;
}

/* log(...) and print(...): the values, separated by spaces; tables as JSON. */
static int log_at(lua_State *L, enum axon_log_level level)
{
	luaL_Buffer b;
	int n = lua_gettop(L);
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, ' ');
		if (lua_type(L, i) == LUA_TTABLE || lua_type(L, i) == LUA_TLIGHTUSERDATA) {
			json_t *v = check_json(L, i, "log");
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
	axon_log(job_of(L)->run->ctx, level, "%s", lua_tostring(L, -1));
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
	double f = luaL_checknumber(L, 1);
	const char *msg = luaL_optstring(L, 2, NULL);
	axon_progress(job_of(L)->run->ctx, f < 0 ? 0 : f > 1 ? 1 : f, msg);
	return 0;
}

static int l_fail(lua_State *L)
{
	struct lua_job *job = job_of(L);
	const char *msg = luaL_checkstring(L, 1);
	if (!job->failed) {
		job->failed = 1;
		job->failure = strdup(msg);
	}
	return luaL_error(L, "%s", msg);
}

/* array(t) and object(t): mark a table (a new one when t is nil) for JSON. */
static int mark_table(lua_State *L, const char *mt)
{
	if (lua_isnoneornil(L, 1)) {
		lua_settop(L, 0);
		lua_newtable(L);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	luaL_setmetatable(L, mt);
	return 1;
}

static int l_array(lua_State *L)
{
	return mark_table(L, ARRAY_MT);
}

static int l_object(lua_State *L)
{
	return mark_table(L, OBJECT_MT);
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
		{ "progress", l_progress }, { "fail", l_fail }, { "array", l_array }, { "object", l_object }, { NULL, NULL } };
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
	lua_pushlightuserdata(L, &null_tag);
	lua_setglobal(L, "null");
	luaL_newmetatable(L, ARRAY_MT);
	luaL_newmetatable(L, OBJECT_MT);
	lua_pop(L, 2);
}

/* "code:3: message" to "line 3: message". */
static void push_located(lua_State *L, const char *msg, long line)
{
	const char *p = msg;
	if (!strncmp(p, CHUNK_NAME ":", strlen(CHUNK_NAME ":"))) {
		char *end;
		long l = strtol(p + strlen(CHUNK_NAME ":"), &end, 10);
		if (end[0] == ':' && end[1] == ' ') {
			line = l;
			p = end + 2;
		}
	}
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
		push_json(L, job->run->input, 0);
	else
		lua_pushnil(L);
	lua_setglobal(L, "input");
	push_json(L, job->run->vars, 0);
	lua_setglobal(L, "vars");
	if (luaL_loadbufferx(L, job->run->code, strlen(job->run->code), CHUNK, "t") != LUA_OK) {
		push_located(L, lua_tostring(L, -1), 0);
		return lua_error(L);
	}
	lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	lua_call(L, 0, 1);
	lua_sethook(L, NULL, 0, 0);
	if (!lua_isnil(L, -1)) {
		if (code_emitted(job->run, "out"))
			return luaL_error(L, "the code returned a value, but already emitted on out: return nothing (nil) "
					  "after emit(\"out\", ...)");
		job->result = check_json(L, -1, "the returned value");
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
	lua_close(L);
	return rc;
}
