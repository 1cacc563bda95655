/* ai.agent: a language model with tools, each tool another workflow. The
 * daemon describes each workflow (its trigger's description and input
 * schema) and runs it when the model calls it, as a called run of this run,
 * recorded like a flow.call's (host->call, service "workflow"); its result
 * goes back to the model, until the model answers without a tool, within a
 * number of turns and of tool calls. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/blocks.h"
#include "ai/provider.h"

#define TOOLS_MAX 16
#define TURNS_MAX 20
#define TOOL_CALLS_MAX 50

/* The daemon's answer to a "workflow" request, or NULL with err. */
static json_t *workflow_request(struct axon_ctx *ctx, json_t *req, char *err, size_t errlen)
{
	json_t *r = axon_call(ctx, "workflow", req, err, errlen);
	json_decref(req);
	return r;
}

/* A workflow's name as a tool's name: letters, digits, _ and - (what the
 * providers accept), other characters as _. */
static json_t *tool_name(const char *workflow)
{
	char name[65];
	size_t i;
	for (i = 0; workflow[i] && i < sizeof name - 1; i++)
		name[i] = isalnum((unsigned char)workflow[i]) || workflow[i] == '-' ? workflow[i] : '_';
	name[i] = 0;
	return json_string(name);
}

/* The tools as the model is told them, [{"name", "description",
 * "parameters"}], and *names {tool name: workflow}; NULL after failing. */
static json_t *describe_tools(struct axon_ctx *ctx, const json_t *workflows, json_t **names)
{
	json_t *tools = json_array(), *w;
	size_t i;
	*names = json_object();
	json_array_foreach(workflows, i, w) {
		char err[800];
		if (!json_is_string(w) || !json_string_length(w)) {
			axon_fail(ctx, "tools[%zu] must be the name of a workflow", i);
			goto fail;
		}
		json_t *d = workflow_request(ctx, json_pack("{s:s, s:O}", "op", "describe", "workflow", w), err, sizeof err);
		if (!d) {
			axon_fail(ctx, "the tool %s: %s", json_string_value(w), err);
			goto fail;
		}
		json_t *name = tool_name(json_string_value(w));
		if (json_object_get(*names, json_string_value(name))) {
			axon_fail(ctx, "two tools are named %s to the model: rename one of their workflows", json_string_value(name));
			json_decref(name);
			json_decref(d);
			goto fail;
		}
		json_object_set(*names, json_string_value(name), w);
		const char *description = json_string_value(json_object_get(d, "description"));
		json_array_append_new(tools, json_pack("{s:o, s:s, s:O}", "name", name, "description",
		                                       description && *description ? description : json_string_value(w),
		                                       "parameters", json_object_get(d, "input_schema")));
		json_decref(d);
	}
	return tools;
fail:
	json_decref(tools);
	json_decref(*names);
	*names = NULL;
	return NULL;
}

/* What the model is told of one tool call, as the content of a tool
 * message; the call is recorded in calls. */
static char *call_tool(struct axon_ctx *ctx, const json_t *names, const json_t *call, json_t *calls)
{
	const char *name = json_string_value(json_object_get(call, "name"));
	const json_t *args = json_object_get(call, "arguments");
	const char *workflow = json_string_value(json_object_get(names, name ? name : ""));
	json_t *record = json_pack("{s:s?, s:O?, s:s?}", "tool", name, "arguments", args, "workflow", workflow), *r = NULL;
	char err[1000];
	if (!workflow) {
		const char *key;
		json_t *v;
		size_t n = 0;
		int at = snprintf(err, sizeof err, "there is no tool named '%.64s': the tools are", name ? name : "");
		json_object_foreach((json_t *)names, key, v)
			if (at > 0 && (size_t)at < sizeof err)
				at += snprintf(err + at, sizeof err - (size_t)at, "%s %s", n++ ? "," : "", key);
		axon_log(ctx, AXON_LOG_WARN, "refused: %s", err);
	} else if (!json_is_object(args)) {
		snprintf(err, sizeof err, "the arguments of %s are not a JSON object: %.200s", name,
		         json_is_string(args) ? json_string_value(args) : "(none)");
		axon_log(ctx, AXON_LOG_WARN, "refused: %s", err);
	} else {
		axon_log(ctx, AXON_LOG_INFO, "calling the workflow %s", workflow);
		r = workflow_request(ctx, json_pack("{s:s, s:s, s:O}", "op", "run", "workflow", workflow, "input", args), err, sizeof err);
		if (!r)
			axon_log(ctx, AXON_LOG_WARN, "the tool %s failed: %s", name, err);
	}
	if (r) {
		json_object_set(record, "run_id", json_object_get(r, "run_id"));
		json_object_set(record, "result", json_object_get(r, "outputs"));
	} else {
		json_object_set_new(record, "error", json_string(err));
	}
	json_array_append_new(calls, record);
	char *content = r ? json_dumps(json_object_get(r, "outputs"), JSON_COMPACT) : NULL;
	json_decref(r);
	if (content)
		return content;
	size_t len = strlen(err) + 8;
	content = malloc(len);
	if (content)
		snprintf(content, len, "error: %s", err);
	return content;
}

static json_int_t setting(const json_t *config, const char *name, json_int_t fallback)
{
	const json_t *v = json_object_get(config, name);
	return v ? json_integer_value(v) : fallback;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	json_int_t max_turns = setting(config, "max_turns", 5), max_calls = setting(config, "max_tool_calls", 10);
	const json_t *workflows = json_object_get(config, "tools");
	if (max_turns < 1 || max_turns > TURNS_MAX || max_calls < 0 || max_calls > TOOL_CALLS_MAX)
		return axon_fail(ctx, "max_turns must be 1 to %d and max_tool_calls 0 to %d", TURNS_MAX, TOOL_CALLS_MAX);
	if (!json_is_array(workflows) || json_array_size(workflows) > TOOLS_MAX)
		return axon_fail(ctx, "tools must be a list of up to %d workflow names", TOOLS_MAX);
	if (!axon_has(ctx, call))
		return axon_fail(ctx, "this Axon is too old for ai.agent: its host has no call function (ABI 1.2 or later is needed)");
	json_t *names = NULL, *tools = describe_tools(ctx, workflows, &names);
	if (!tools)
		return AXON_FAIL;
	json_t *messages = ai_messages(ctx, json_string_value(json_object_get(config, "system")),
	                               json_string_value(json_object_get(config, "prompt")), inputs);
	json_t *calls = json_array(), *usage = NULL, *out = NULL;
	int rc = AXON_FAIL;
	for (json_int_t turn = 1; messages; turn++) {
		json_t *req = ai_request(config, json_incref(messages));
		if (json_array_size(tools))
			json_object_set(req, "tools", tools);
		json_t *answer = ai_ask(ctx, req);
		json_decref(req);
		if (!answer)
			break;
		ai_add_usage(&usage, answer);
		const json_t *asked = json_object_get(answer, "tool_calls"), *call;
		json_t *said = json_pack("{s:s, s:O}", "role", "assistant", "content", json_object_get(answer, "text"));
		if (json_array_size(asked))
			json_object_set(said, "tool_calls", (json_t *)asked);
		json_array_append_new(messages, said);
		bool over = false;
		if (!json_array_size(asked)) {
			out = json_pack("{s:O, s:O, s:O, s:I, s:O}", "text", json_object_get(answer, "text"), "conversation", messages,
			                "tool_calls", calls, "turns", turn, "usage", usage);
			rc = AXON_OK;
		} else if (turn == max_turns) {
			axon_fail(ctx, "the model still asked for a tool after %lld turns (max_turns): raise it, or say in the prompt "
			          "when to stop calling tools", (long long)max_turns);
			over = true;
		}
		size_t i;
		json_array_foreach(asked, i, call) {
			if (over)
				break;
			if ((json_int_t)json_array_size(calls) >= max_calls) {
				axon_fail(ctx, "the model asked for more than %lld tool calls (max_tool_calls): raise it, or say in the "
				          "prompt how many calls it may make", (long long)max_calls);
				over = true;
				break;
			}
			char *content = call_tool(ctx, names, call, calls);
			json_array_append_new(messages, json_pack("{s:s, s:O?, s:O?, s:s}", "role", "tool", "tool_call_id",
			                                          json_object_get(call, "id"), "name", json_object_get(call, "name"),
			                                          "content", content ? content : "error"));
			free(content);
		}
		json_decref(answer);
		if (rc == AXON_OK || over)
			break;
	}
	json_decref(messages);
	json_decref(calls);
	json_decref(usage);
	json_decref(tools);
	json_decref(names);
	if (rc != AXON_OK)
		return AXON_FAIL;
	return axon_emit(ctx, "answer", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the data the prompts refer to, as {{ in.field }}" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "answer", "{\"text\", \"conversation\": [messages], \"tool_calls\": [{\"tool\", \"workflow\", \"arguments\", \"run_id\", "
	            "\"result\" or \"error\"}], \"turns\", \"usage\"}" },
	{ NULL, NULL },
};

const struct axon_block ai_agent_block = {
	.name = "ai.agent",
	.version = "1.0.0",
	.title = "Agent with workflows as tools",
	.description = "A language model that may call other workflows as tools: each call runs the workflow as a recorded run, "
	               "and its result goes back to the model, until it answers, within a number of turns and of tool calls.",
	.category = "ai",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" AI_PROVIDER_PROPERTIES AI_GENERATION_PROPERTIES
		"\"system\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"System prompt\", \"description\": \"Who the model is and when it uses its tools\", \"default\": \"\"},"
		"\"prompt\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Prompt\", \"description\": \"The task, such as: Which of my courses meets on {{ in.day }}?\"},"
		"\"tools\": {\"type\": \"array\", \"title\": \"Tools\", \"description\": \"Names of workflows the model may call: each is told by its trigger's description and input_schema, and runs with the model's arguments as its trigger data\", \"default\": []},"
		"\"max_turns\": {\"type\": \"integer\", \"title\": \"Most turns\", \"description\": \"How many times the model is asked, 1 to 20, before the step fails\", \"default\": 5},"
		"\"max_tool_calls\": {\"type\": \"integer\", \"title\": \"Most tool calls\", \"description\": \"How many workflows it may call in all, 0 to 50, before the step fails\", \"default\": 10}},"
		"\"required\": [\"prompt\"]}",
	.limits = { .wall_ms = 600000 },
	.run = run,
};
