/* JSON values in Lua and back, for code.lua. */
#ifndef AXON_CODE_LUA_VALUES_H
#define AXON_CODE_LUA_VALUES_H
#include <jansson.h>
#include <lua.h>

/* Sets the globals null, array(t) and object(t), and the marks they use. */
void lua_values_open(lua_State *L);

/* Pushes v: objects and arrays as marked tables, null as null. */
void lua_values_push(lua_State *L, const json_t *v);

/* The value at idx as JSON (a new reference), or a Lua error naming its
 * path from what ("the returned value.items[2]: ..."). */
json_t *lua_values_check(lua_State *L, int idx, const char *what);

#endif
