/* libFuzzer target: the input is a config string. Parsing must accept it or
 * refuse it with a message; evaluating it against a fixed scope must agree
 * with the parse, and a string that is plain text must come back unchanged.
 * Seeds: tests/fuzz/corpus/placeholder/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "engine/placeholder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char scope_json[] =
	"{\"trigger\": {\"body\": {\"url\": \"https://example.com\", \"n\": 3, \"list\": [1, \"two\", null],"
	" \"nested\": {\"a\": {\"b\": [true, false]}}}, \"headers\": {\"x-id\": \"r-1\"}},"
	" \"fetch\": {\"status\": 200, \"body\": \"text\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *scope;
	if (!scope)
		scope = json_loads(scope_json, 0, NULL);
	const char *text = (const char *)data;
	char err[512] = "";
	json_t *roots = placeholder_roots(text, size, err, sizeof err);
	if (!roots && !err[0])
		__builtin_trap(); /* every refusal says why */
	err[0] = '\0';
	json_t *v = placeholder_eval(text, size, scope, err, sizeof err);
	if (!v && !err[0])
		__builtin_trap();
	if (v && !roots)
		__builtin_trap(); /* what the parser refuses is never evaluated */
	if (roots && json_array_size(roots) == 0 && v &&
	    (!json_is_string(v) || json_string_length(v) != size || memcmp(json_string_value(v), data, size)))
		__builtin_trap(); /* plain text is its own value */
	json_decref(v);
	json_decref(roots);
	return 0;
}
