/* JSON values in Lua and back, for code.lua: objects and arrays are tables
 * marked by a metatable, so that they go out as they came in; null is a
 * light userdata. */
#include "lua_values.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 512 /* nesting of converted values */

static char null_tag; /* JSON null in Lua: a light userdata with this address */
static const char ARRAY_MT[] = "axon.array", OBJECT_MT[] = "axon.object";

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

json_t *lua_values_check(lua_State *L, int idx, const char *what)
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

static void push_value(lua_State *L, const json_t *v, int depth)
{
	luaL_checkstack(L, 4, "the input is nested too deeply");
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *m;
		lua_createtable(L, 0, (int)json_object_size(v));
		luaL_setmetatable(L, OBJECT_MT);
		json_object_foreach((json_t *)v, key, m) {
			push_value(L, m, depth + 1);
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
			push_value(L, m, depth + 1);
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

void lua_values_push(lua_State *L, const json_t *v)
{
	push_value(L, v, 0);
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

static int array(lua_State *L)
{
	return mark_table(L, ARRAY_MT);
}

static int object(lua_State *L)
{
	return mark_table(L, OBJECT_MT);
}

void lua_values_open(lua_State *L)
{
	luaL_newmetatable(L, ARRAY_MT);
	luaL_newmetatable(L, OBJECT_MT);
	lua_pop(L, 2);
	lua_pushlightuserdata(L, &null_tag);
	lua_setglobal(L, "null");
	lua_register(L, "array", array);
	lua_register(L, "object", object);
}
