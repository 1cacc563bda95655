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
			CODE_COMMON_SCHEMA "}, \"required\": [\"code\"]}",
		.run = code_lua_run,
	},
};

AXON_PLUGIN("code", blocks)
