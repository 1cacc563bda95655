/* The code family: user code in Lua, jq and JavaScript, run in the block's
 * sandbox (docs/blocks/code.md). */
#include <axon/block.h>

#include "blocks.h"
#include "contract.h"

static const struct axon_block blocks[] = {
	{
		.name = "code.lua",
		.version = "1.0.0",
		.title = "Lua code",
		.description = "Runs Lua 5.4 code on the input: it reads input and vars, returns what goes on out, "
			       "and may emit on out2, out3 and error.",
		.category = "code",
		.inputs = code_inputs,
		.outputs = code_outputs,
		.config_schema = "{\"type\": \"object\", \"properties\": {"
			"\"code\": {\"type\": \"string\", \"format\": \"code\", \"language\": \"lua\", \"title\": \"Code\", "
			"\"description\": \"Lua 5.4: return the value for out; input, vars, emit(port, value), log(...), "
			"progress(fraction, message), fail(message), null, array(t), object(t)\"},"
			CODE_VARS_SCHEMA "," CODE_MEMORY_SCHEMA "," CODE_TIME_SCHEMA "}, \"required\": [\"code\"]}",
		.run = code_lua_run,
		.check = code_lua_check,
	},
	{
		.name = "data.jq",
		.version = "1.0.0",
		.title = "jq filter",
		.description = "Runs a jq filter on the input and sends its result on out (or all its results as an array).",
		.category = "data",
		.inputs = code_inputs,
		.outputs = code_outputs,
		.config_schema = "{\"type\": \"object\", \"properties\": {"
			"\"code\": {\"type\": \"string\", \"format\": \"code\", \"language\": \"jq\", \"title\": \"Filter\", "
			"\"description\": \"a jq 1.6 filter over the input, e.g. [.items[] | select(.price > 10)]; $vars holds vars\"},"
			"\"output\": {\"type\": \"string\", \"title\": \"Results\", \"enum\": [\"single\", \"array\"], \"default\": \"single\", "
			"\"description\": \"single: the one result goes on out (none: out stays silent; more: an error); "
			"array: all the results, as one array\"},"
			CODE_VARS_SCHEMA ", " CODE_TIME_SCHEMA "}, \"required\": [\"code\"]}",
		.run = code_jq_run,
		.check = code_jq_check,
	},
	{
		.name = "code.js",
		.version = "1.0.0",
		.title = "JavaScript code",
		.description = "Runs JavaScript on the input (ECMAScript 5.1; arrows, let, classes and most of ES2015 are "
			       "compiled down to it): it reads input and vars, returns what goes on out, and may emit on "
			       "out2, out3 and error.",
		.category = "code",
		.inputs = code_inputs,
		.outputs = code_outputs,
		.config_schema = "{\"type\": \"object\", \"properties\": {"
			"\"code\": {\"type\": \"string\", \"format\": \"code\", \"language\": \"javascript\", \"title\": \"Code\", "
			"\"description\": \"JavaScript, the body of a function: return the value for out; input, vars, "
			"emit(port, value), log(...) and console.log, progress(fraction, message), fail(message)\"},"
			CODE_VARS_SCHEMA "," CODE_MEMORY_SCHEMA "," CODE_TIME_SCHEMA "}, \"required\": [\"code\"]}",
		.run = code_js_run,
		.check = code_js_check,
	},
};

AXON_PLUGIN("code", blocks)
