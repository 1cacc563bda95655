/* Workflow validation: valid graphs (a diamond, fan-out/fan-in) and their
 * order, then every problem the validator names, each with its block and
 * message, against a registry of real-looking blocks. */
#include <stdlib.h>
#include <string.h>

#include "../testlib.h"
#include "engine/workflow.h"
#include "strbuf.h"

static json_t *registry;

static const char registry_json[] =
	"{'blocks': ["
	" {'name': 'http.request', 'inputs': [{'name': 'in'}], 'outputs': [{'name': 'response'}, {'name': 'error'}],"
	"  'config_schema': {'type': 'object', 'properties': {'url': {'type': 'string'},"
	"   'method': {'type': 'string', 'enum': ['GET', 'POST'], 'default': 'GET'},"
	"   'timeout_s': {'type': 'integer', 'default': 10}}, 'required': ['url']}},"
	" {'name': 'json.set', 'inputs': [{'name': 'in'}], 'outputs': [{'name': 'out'}],"
	"  'config_schema': {'type': 'object', 'properties': {'path': {'type': 'string'}, 'value': {}},"
	"   'required': ['path', 'value']}},"
	" {'name': 'text.template', 'inputs': [{'name': 'in'}], 'outputs': [{'name': 'out'}],"
	"  'config_schema': {'type': 'object', 'properties': {'template': {'type': 'string'}}, 'required': ['template']}},"
	" {'name': 'flow.if', 'inputs': [{'name': 'in'}], 'outputs': [{'name': 'true'}, {'name': 'false'}],"
	"  'config_schema': {'type': 'object', 'properties': {'value': {'type': 'boolean'}}, 'required': ['value']}},"
	" {'name': 'text.fill', 'inputs': [{'name': 'in'}], 'outputs': [{'name': 'out'}],"
	"  'config_schema': {'type': 'object', 'properties': {'template': {'type': 'string', 'format': 'template'},"
	"   'other': {'type': 'string'}}}},"
	" {'name': 'code.lua', 'inputs': [{'name': 'in'}], 'outputs': [{'name': 'out'}],"
	"  'config_schema': {'type': 'object', 'properties': {'code': {'type': 'string', 'format': 'code', 'language': 'lua'}}}},"
	" {'name': 'flow.merge', 'inputs': [{'name': 'in'}], 'outputs': [{'name': 'out'}],"
	"  'config_schema': {'type': 'object', 'properties': {}}},"
	" {'name': 'ai.classify', 'inputs': [{'name': 'in'}], 'outputs': [],"
	"  'config_schema': {'type': 'object', 'properties': {'categories': {'type': 'array', 'format': 'ports'}}}},"
	" {'name': 'flow.start', 'inputs': [], 'outputs': [{'name': 'out'}],"
	"  'config_schema': {'type': 'object', 'properties': {}}}]}";

/* JSON written with ' for " so that the tests stay readable. */
static json_t *load(const char *text)
{
	char *s = xstrdup(text);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t je;
	json_t *v = json_loads(s, JSON_DECODE_ANY, &je);
	if (!v)
		fprintf(stderr, "bad test JSON: %s: %s\n", je.text, s);
	free(s);
	return v;
}

static json_t *validate(const char *text)
{
	json_t *def = load(text);
	json_t *problems = workflow_validate(def, registry);
	json_decref(def);
	return problems;
}

static char *dump(const json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : xstrdup("(null)");
}

/* Checks that validating wf reports exactly this problem (block NULL: none). */
static void check_problem(const char *file, int line, const char *wf, const char *block, const char *message)
{
	json_t *problems = validate(wf);
	size_t i;
	json_t *p;
	int found = 0;
	json_array_foreach(problems, i, p) {
		const char *b = json_string_value(json_object_get(p, "block"));
		if (!strcmp(json_string_value(json_object_get(p, "message")), message) &&
		    (block ? b && !strcmp(b, block) : json_is_null(json_object_get(p, "block"))))
			found = 1;
	}
	t_checks++;
	if (!found) {
		t_failures++;
		char *all = dump(problems);
		fprintf(stderr, "%s:%d: no problem {%s, \"%s\"} in %s\n", file, line, block ? block : "null", message, all);
		free(all);
	}
	json_decref(problems);
}

#define CHECK_PROBLEM(wf, block, message) check_problem(__FILE__, __LINE__, wf, block, message)

#define HEAD "'format': 1, 'trigger': {'type': 'manual'}, "
#define FETCH "{'id': 'fetch', 'type': 'http.request', 'config': {'url': '{{ trigger.body.url }}'}}"

static void check_valid(const char *wf, const char *want_order)
{
	json_t *problems = validate(wf);
	char *s = dump(problems);
	CHECK_STR(s, "[]");
	free(s);
	json_decref(problems);
	json_t *def = load(wf);
	json_t *order = workflow_order(def);
	s = dump(order);
	CHECK_STR(s, want_order);
	free(s);
	json_decref(order);
	json_decref(def);
}

static void test_diamond(void)
{
	/* A workflow being built: its trigger alone is valid, and runs nothing. */
	check_valid("{" HEAD "'blocks': []}", "[]");
	check_valid("{" HEAD "'blocks': [], 'edges': []}", "[]");

	check_valid("{" HEAD "'name': 'diamond', 'blocks': [" FETCH ","
	            " {'id': 'merge', 'type': 'flow.merge'},"
	            " {'id': 'left', 'type': 'json.set', 'config': {'path': 'a', 'value': '{{ fetch.response.body }}'},"
	            "  'settings': {'retries': 3, 'timeout_ms': 5000, 'continue_on_error': true}},"
	            " {'id': 'right', 'type': 'text.template', 'config': {'template': 'got {{ fetch.response.status }}"
	            " for {{ trigger.body.url | default: \\'?\\' }}'}}],"
	            " 'edges': [{'from': 'fetch.response', 'to': 'left.in'}, {'from': 'fetch.response', 'to': 'right.in'},"
	            "  {'from': 'left.out', 'to': 'merge.in'}, {'from': 'right.out', 'to': 'merge.in'}],"
	            " 'settings': {'timeout_ms': 60000, 'concurrency': 4, 'error_workflow': 'alert', 'priority': 'low'}}",
	            "[\"fetch\",\"left\",\"right\",\"merge\"]");
	/* the merge may use the fetch output: it is upstream through either side */
	check_valid("{" HEAD "'blocks': [" FETCH ","
	            " {'id': 'left', 'type': 'flow.merge'}, {'id': 'right', 'type': 'flow.merge'},"
	            " {'id': 'merge', 'type': 'json.set', 'config': {'path': 'p', 'value': '{{ fetch.response }}'}}],"
	            " 'edges': [{'from': 'fetch.response', 'to': 'left.in'}, {'from': 'fetch.error', 'to': 'right.in'},"
	            "  {'from': 'left.out', 'to': 'merge.in'}, {'from': 'right.out', 'to': 'merge.in'}]}",
	            "[\"fetch\",\"left\",\"right\",\"merge\"]");
}

static void test_fan_out_fan_in(void)
{
	/* listed backwards: the order follows the edges, ties in the order of "blocks" */
	check_valid("{" HEAD "'blocks': [{'id': 'join', 'type': 'flow.merge'},"
	            " {'id': 'c', 'type': 'flow.merge'}, {'id': 'b', 'type': 'flow.merge'}, {'id': 'a', 'type': 'flow.merge'},"
	            " {'id': 'start', 'type': 'flow.start'}],"
	            " 'edges': [{'from': 'start.out', 'to': 'a.in'}, {'from': 'start.out', 'to': 'b.in'},"
	            "  {'from': 'start.out', 'to': 'c.in'}, {'from': 'a.out', 'to': 'join.in'},"
	            "  {'from': 'b.out', 'to': 'join.in'}, {'from': 'c.out', 'to': 'join.in'}]}",
	            "[\"start\",\"c\",\"b\",\"a\",\"join\"]");
	/* independent blocks and a for-each over an input port */
	check_valid("{'format': 1, 'trigger': {'type': 'schedule', 'cron': '@daily'}, 'blocks': ["
	            " {'id': 'one', 'type': 'flow.start'}, {'id': 'two', 'type': 'flow.start'},"
	            " {'id': 'each', 'type': 'text.template', 'config': {'template': '{{ one.out }}'},"
	            "  'settings': {'for_each': 'in'}}],"
	            " 'edges': [{'from': 'one.out', 'to': 'each.in'}]}",
	            "[\"one\",\"two\",\"each\"]");
}

static void test_document_errors(void)
{
	CHECK_PROBLEM("[]", NULL, "a workflow must be a JSON object with \"format\", \"trigger\" and \"blocks\"");
	CHECK_PROBLEM("{'trigger': {'type': 'manual'}, 'blocks': [" FETCH "]}", NULL,
	              "\"format\" is missing: add \"format\": 1");
	CHECK_PROBLEM("{'format': 2, 'trigger': {'type': 'manual'}, 'blocks': [" FETCH "]}", NULL,
	              "unknown format version 2: this Axon reads format 1");
	CHECK_PROBLEM("{'format': '1', 'trigger': {'type': 'manual'}, 'blocks': [" FETCH "]}", NULL,
	              "unknown format version \"1\": this Axon reads format 1");
	CHECK_PROBLEM("{'format': 1, 'blocks': [" FETCH "]}", NULL,
	              "\"trigger\" is missing: add {\"type\": \"manual\"}, \"webhook\" or \"schedule\"");
	CHECK_PROBLEM("{'format': 1, 'trigger': 'manual', 'blocks': [" FETCH "]}", NULL,
	              "\"trigger\" must be an object with a \"type\": \"manual\", \"webhook\" or \"schedule\"");
	CHECK_PROBLEM("{'format': 1, 'trigger': {'type': 'email'}, 'blocks': [" FETCH "]}", NULL,
	              "unknown trigger type 'email': use \"manual\", \"webhook\", \"schedule\" or \"poll\"");
	CHECK_PROBLEM("{'format': 1, 'trigger': {'type': 'schedule'}, 'blocks': [" FETCH "]}", NULL,
	              "a schedule trigger needs \"cron\": a cron expression such as \"0 * * * *\" or \"@daily\"");
	CHECK_PROBLEM("{" HEAD "'blocks': {}}", NULL,
	              "\"blocks\" must be an array of {\"id\", \"type\", \"config\"}");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH "], 'owner': 'me'}", NULL,
	              "workflow: unknown field 'owner' (the fields are format, name, description, trigger, blocks, edges, settings)");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH "], 'settings': {'concurrency': 0, 'error_workflow': '', 'retry': 1}}",
	              NULL, "settings: \"concurrency\" must be a whole number from 1 to 1024");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH "], 'settings': {'concurrency': 0, 'error_workflow': '', 'retry': 1}}",
	              NULL, "settings: \"error_workflow\" must name a workflow (a non-empty string)");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH "], 'settings': {'concurrency': 0, 'error_workflow': '', 'retry': 1}}",
	              NULL, "settings: unknown field 'retry' (the fields are timeout_ms, concurrency, error_workflow, sandbox, priority, daily_token_budget)");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH "], 'settings': {'priority': 'urgent'}}", NULL,
	              "settings: \"priority\" must be \"high\", \"normal\" or \"low\" (the order its runs leave the queue in, "
	              "before other workflows' or after them)");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH "], 'settings': {'priority': 1}}", NULL,
	              "settings: \"priority\" must be \"high\", \"normal\" or \"low\" (the order its runs leave the queue in, "
	              "before other workflows' or after them)");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH "], 'settings': {'sandbox': 'loose'}}", NULL,
	              "settings: \"sandbox\" must be \"warm\" (blocks keep a worker process between runs of this workflow) "
	              "or \"strict\" (a fresh process for every block execution)");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH "], 'settings': {'timeout_ms': 1.5}}",
	              NULL, "settings: \"timeout_ms\" must be a whole number from 1 to 604800000");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH "], 'settings': []}", NULL, "\"settings\" must be an object");
}

static void test_block_errors(void)
{
	CHECK_PROBLEM("{" HEAD "'blocks': [{'type': 'flow.start'}]}", NULL,
	              "blocks[0] has no \"id\": give it a name such as \"fetch\"");
	CHECK_PROBLEM("{" HEAD "'blocks': [7]}", NULL,
	              "blocks[0] must be an object with \"id\", \"type\" and \"config\"");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'Fetch', 'type': 'flow.start'}]}", NULL,
	              "blocks[0]: the id 'Fetch' is not valid: use a lowercase letter, then lowercase letters, digits or _ (at most 64 characters)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': '1st', 'type': 'flow.start'}]}", NULL,
	              "blocks[0]: the id '1st' is not valid: use a lowercase letter, then lowercase letters, digits or _ (at most 64 characters)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'a.b', 'type': 'flow.start'}]}", NULL,
	              "blocks[0]: the id 'a.b' is not valid: use a lowercase letter, then lowercase letters, digits or _ (at most 64 characters)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'type': 'flow.start'}]}", NULL,
	              "blocks[0]: the id 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not valid: use a lowercase letter, then lowercase letters, digits or _ (at most 64 characters)");
	check_valid("{" HEAD "'blocks': [{'id': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'type': 'flow.start'}]}",
	            "[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'trigger', 'type': 'flow.start'}]}", NULL,
	              "blocks[0]: the id 'trigger' is reserved (trigger, item and index name run data): choose another");
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH ", {'id': 'x', 'type': 'flow.start'}, " FETCH "]}", "fetch",
	              "blocks[2]: the id 'fetch' is used by another block: ids must be unique");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.requets'}]}", "fetch",
	              "unknown block type 'http.requets': no loaded plugin provides it (see the blocks page)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch'}]}", "fetch",
	              "blocks[0] has no \"type\": name a block type such as \"http.request\"");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'flow.start', 'confg': {}}]}", "fetch",
	              "blocks[0]: unknown field 'confg' (the fields are id, type, config, settings, ui)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'flow.start', 'config': 'x'}]}", "fetch",
	              "\"config\" must be an object");
	json_t *problems = validate("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'flow.start', 'config': '{{ x }}'}]}");
	CHECK(json_array_size(problems) == 1); /* not also an unknown root: a config that is not an object is not read */
	json_decref(problems);
}

static void test_block_settings_errors(void)
{
	const char *wf = "{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {'url': 'u'},"
	                 " 'settings': {'timeout_ms': 0, 'retries': -1, 'continue_on_error': 'yes', 'for_each': 'items',"
	                 " 'parallel': 2}}]}";
	CHECK_PROBLEM(wf, "fetch", "settings: \"timeout_ms\" must be a whole number from 1 to 86400000");
	CHECK_PROBLEM(wf, "fetch", "settings: \"retries\" must be a whole number from 0 to 100");
	CHECK_PROBLEM(wf, "fetch", "settings: \"continue_on_error\" must be true or false");
	CHECK_PROBLEM(wf, "fetch", "settings: \"for_each\" names 'items', which is not an input of http.request (its inputs: in)");
	CHECK_PROBLEM(wf, "fetch", "settings: unknown field 'parallel' (the fields are timeout_ms, retries, retry_delay_ms, for_each, concurrency, continue_on_error)");
	json_t *problems = validate(wf);
	CHECK(json_array_size(problems) == 5);
	json_decref(problems);
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 's', 'type': 'flow.start', 'settings': {'for_each': 1}}]}", "s",
	              "settings: \"for_each\" must name one of the block's input ports");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 's', 'type': 'flow.start', 'settings': true}]}", "s",
	              "blocks[0]: \"settings\" must be an object");
}

#define TWO "'blocks': [" FETCH ", {'id': 'show', 'type': 'text.template', 'config': {'template': 'x'}}], "

static void test_edge_errors(void)
{
	CHECK_PROBLEM("{" HEAD TWO "'edges': [{'from': 'fetch.body', 'to': 'show.in'}]}", "fetch",
	              "edges[0]: block 'fetch' (http.request) has no output port 'body' (its outputs: response, error)");
	CHECK_PROBLEM("{" HEAD TWO "'edges': [{'from': 'fetch.response', 'to': 'show.input'}]}", "show",
	              "edges[0]: block 'show' (text.template) has no input port 'input' (its inputs: in)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 's', 'type': 'flow.start'}, {'id': 't', 'type': 'flow.start'}],"
	              " 'edges': [{'from': 's.out', 'to': 't.in'}]}", "t",
	              "edges[0]: block 't' (flow.start) has no input port 'in' (its inputs: none)");
	CHECK_PROBLEM("{" HEAD TWO "'edges': [{'from': 'fetch.response', 'to': 'ghost.in'}]}", NULL,
	              "edges[0]: \"to\": \"ghost.in\" names no block: there is no block with the id 'ghost'");
	CHECK_PROBLEM("{" HEAD TWO "'edges': [{'from': 'nowhere.out', 'to': 'show.in'}]}", NULL,
	              "edges[0]: \"from\": \"nowhere.out\" names no block: there is no block with the id 'nowhere'");
	CHECK_PROBLEM("{" HEAD TWO "'edges': [{'from': 'fetch', 'to': 'show.in'}]}", NULL,
	              "edges[0]: \"from\" must be a string \"block.port\" such as \"fetch.body\"");
	CHECK_PROBLEM("{" HEAD TWO "'edges': [{'from': 'fetch.response'}]}", NULL,
	              "edges[0]: \"to\" must be a string \"block.port\" such as \"fetch.body\"");
	CHECK_PROBLEM("{" HEAD TWO "'edges': [{'from': 'fetch.response', 'to': 'show.'}]}", NULL,
	              "edges[0]: \"to\" must be a string \"block.port\" such as \"fetch.body\"");
	CHECK_PROBLEM("{" HEAD TWO "'edges': [{'from': 'fetch.response', 'to': 'show.in', 'when': 1}]}", NULL,
	              "edges[0]: unknown field 'when' (the fields are from, to)");
	CHECK_PROBLEM("{" HEAD TWO "'edges': ['fetch.response -> show.in']}", NULL,
	              "edges[0] must be an object {\"from\": \"block.port\", \"to\": \"block.port\"}");
	CHECK_PROBLEM("{" HEAD TWO "'edges': {}}", NULL,
	              "\"edges\" must be an array of {\"from\": \"block.port\", \"to\": \"block.port\"}");
}

#define M(id) "{'id': '" id "', 'type': 'flow.merge'}"
#define E(a, b) "{'from': '" a ".out', 'to': '" b ".in'}"

static void test_cycles(void)
{
	const char *three = "{" HEAD "'blocks': [" M("a") "," M("b") "," M("c") "," M("d") "],"
	                    " 'edges': [" E("d", "a") "," E("a", "b") "," E("b", "c") "," E("c", "a") "]}";
	CHECK_PROBLEM(three, "a", "the edges form a cycle: a -> b -> c -> a; a workflow runs each block once "
	              "(to repeat work, use the for_each setting or flow.call)");
	json_t *def = load(three);
	CHECK(workflow_order(def) == NULL);
	json_decref(def);
	CHECK_PROBLEM("{" HEAD "'blocks': [" M("a") "], 'edges': [" E("a", "a") "]}", "a",
	              "the edges form a cycle: a -> a; a workflow runs each block once "
	              "(to repeat work, use the for_each setting or flow.call)");
	/* two separate cycles are both reported */
	const char *two = "{" HEAD "'blocks': [" M("a") "," M("b") "," M("x") "," M("y") "],"
	                  " 'edges': [" E("a", "b") "," E("b", "a") "," E("x", "y") "," E("y", "x") "]}";
	CHECK_PROBLEM(two, "a", "the edges form a cycle: a -> b -> a; a workflow runs each block once "
	              "(to repeat work, use the for_each setting or flow.call)");
	CHECK_PROBLEM(two, "x", "the edges form a cycle: x -> y -> x; a workflow runs each block once "
	              "(to repeat work, use the for_each setting or flow.call)");
	json_t *problems = validate(two);
	CHECK(json_array_size(problems) == 2);
	json_decref(problems);
}

static void test_config_errors(void)
{
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {}}]}", "fetch",
	              "config: the field 'url' is required (http.request)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request'}]}", "fetch",
	              "config: the field 'url' is required (http.request)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {'url': 'u', 'timeout_s': 'ten'}}]}",
	              "fetch", "config: field 'timeout_s' must be of type integer (http.request)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {'url': 'u', 'method': 'PUT'}}]}",
	              "fetch", "config: field 'method' must be one of [\"GET\",\"POST\"] (http.request)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {'url': 'u', 'verb': 'GET'}}]}",
	              "fetch", "config: unknown field 'verb' (http.request)");
	/* a template stands in for any type: its value is known only at run time */
	check_valid("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {'url': '{{ trigger.body.url }}',"
	            " 'timeout_s': '{{ trigger.body.t | default: 5 }}', 'method': '{{ trigger.body.m }}'}},"
	            " {'id': 'test', 'type': 'flow.if', 'config': {'value': '{{ fetch.response.ok }}'}}],"
	            " 'edges': [{'from': 'fetch.response', 'to': 'test.in'}]}", "[\"fetch\",\"test\"]");
	/* but a plain string is still not an integer */
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'test', 'type': 'flow.if', 'config': {'value': 'yes'}}]}",
	              "test", "config: field 'value' must be of type boolean (flow.if)");
}

static void test_own_templates(void)
{
	/* In a field the block fills itself, a root that is not run data is the block's ... */
	check_valid("{" HEAD "'blocks': [{'id': 'say', 'type': 'text.fill', 'config': {'template': "
	            "'{{ in.name }} asked {{ trigger.q }} at {{ in.when | default: 0 }}'}}], 'edges': []}", "[\"say\"]");
	/* ... but not in its other fields, */
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'say', 'type': 'text.fill', 'config': {'other': '{{ in.name }}'}}]}",
	              "say", "config field 'other': unknown placeholder root 'in': a path starts with trigger or "
	              "with the id of an upstream block");
	/* and a block id there is still checked. */
	CHECK_PROBLEM("{" HEAD "'blocks': [" FETCH ", {'id': 'say', 'type': 'text.fill', 'config': {'template': "
	              "'{{ fetch.response }}'}}]}", "say", "config field 'template': block 'fetch' is not upstream of "
	              "'say': add an edge from fetch to say (directly or through other blocks)");
	/* A program is the block's own: its {{ are not placeholders, even broken ones. */
	json_t *problems = validate("{" HEAD "'blocks': [{'id': 'sum', 'type': 'code.lua', 'config': {'code': "
				    "'local t = {{1, 2}, {fetch.x}} return {{ nope }}'}}], 'edges': []}");
	char *s = dump(problems);
	CHECK_STR(s, "[]");
	free(s);
	json_decref(problems);
}

static void test_placeholder_errors(void)
{
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {'url': '{{ fetchh.response }}'}}]}",
	              "fetch", "config field 'url': unknown placeholder root 'fetchh': a path starts with trigger or "
	              "with the id of an upstream block");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {'url': '{{ fetch.response }}'}}]}",
	              "fetch", "config field 'url': a block cannot use its own output ('fetch')");
	/* a sibling is not upstream, nor is a block downstream */
	const char *siblings = "{" HEAD "'blocks': [" FETCH ","
	                       " {'id': 'left', 'type': 'text.template', 'config': {'template': '{{ right.out }}'}},"
	                       " {'id': 'right', 'type': 'text.template', 'config': {'template': '{{ fetch.response }}'}},"
	                       " {'id': 'last', 'type': 'flow.merge'}],"
	                       " 'edges': [{'from': 'fetch.response', 'to': 'left.in'}, {'from': 'fetch.response', 'to': 'right.in'},"
	                       " {'from': 'left.out', 'to': 'last.in'}]}";
	CHECK_PROBLEM(siblings, "left", "config field 'template': block 'right' is not upstream of 'left': add an edge "
	              "from right to left (directly or through other blocks)");
	json_t *problems = validate(siblings);
	CHECK(json_array_size(problems) == 1);
	json_decref(problems);
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {'url': '{{ later.out }}'}},"
	              " {'id': 'later', 'type': 'flow.merge'}], 'edges': [{'from': 'fetch.response', 'to': 'later.in'}]}",
	              "fetch", "config field 'url': block 'later' is not upstream of 'fetch': add an edge from later to "
	              "fetch (directly or through other blocks)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'fetch', 'type': 'http.request', 'config': {'url': '{{ trigger.body.url + 1 }}'}}]}",
	              "fetch", "config field 'url': offset 20: expected '}}' to close the placeholder opened at offset 0 "
	              "(after the path, only '| default: value' may follow)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'set', 'type': 'json.set', 'config': {'path': 'p',"
	              " 'value': {'x': ['ok', '{{ nope.a }}']}}}]}",
	              "set", "config field 'value.x.1': unknown placeholder root 'nope': a path starts with trigger or "
	              "with the id of an upstream block");
}

static void test_every_problem_at_once(void)
{
	json_t *problems = validate("{'format': 3, 'trigger': {'type': 'cron'}, 'blocks': ["
	                            " {'id': 'fetch', 'type': 'http.request', 'config': {'url': '{{ who.x }}'}},"
	                            " {'id': 'Bad', 'type': 'flow.merge'}, {'id': 'n', 'type': 'no.such'}],"
	                            " 'edges': [{'from': 'fetch.nope', 'to': 'n.in'}]}");
	char *s = dump(problems);
	CHECK_STR(s, "[{\"block\":null,\"message\":\"unknown format version 3: this Axon reads format 1\"},"
	          "{\"block\":null,\"message\":\"unknown trigger type 'cron': use \\\"manual\\\", \\\"webhook\\\", \\\"schedule\\\" or \\\"poll\\\"\"},"
	          "{\"block\":null,\"message\":\"blocks[1]: the id 'Bad' is not valid: use a lowercase letter, then lowercase letters, digits or _ (at most 64 characters)\"},"
	          "{\"block\":\"n\",\"message\":\"unknown block type 'no.such': no loaded plugin provides it (see the blocks page)\"},"
	          "{\"block\":\"fetch\",\"message\":\"edges[0]: block 'fetch' (http.request) has no output port 'nope' (its outputs: response, error)\"},"
	          "{\"block\":\"fetch\",\"message\":\"config field 'url': unknown placeholder root 'who': a path starts with trigger or with the id of an upstream block\"}]");
	free(s);
	json_decref(problems);
}

/* Positions for an editor: kept out of the engine's way, refused when malformed. */
static void test_ui_positions(void)
{
	check_valid("{'format': 1, 'trigger': {'type': 'webhook', 'ui': {'x': 0, 'y': -40}}, 'blocks': ["
	            " {'id': 'a', 'type': 'flow.start', 'ui': {'x': 240, 'y': 0}},"
	            " {'id': 'b', 'type': 'flow.merge', 'ui': {'x': 480, 'y': 16}}],"
	            " 'edges': [{'from': 'a.out', 'to': 'b.in'}]}",
	            "[\"a\",\"b\"]");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'a', 'type': 'flow.start', 'ui': [1, 2]}]}", "a",
	              "blocks[0]: \"ui\" must be a position {\"x\": N, \"y\": N} in whole numbers (or left out)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'a', 'type': 'flow.start', 'ui': {'x': 1.5, 'y': 2}}]}", "a",
	              "blocks[0]: \"ui\" must be a position {\"x\": N, \"y\": N} in whole numbers (or left out)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'a', 'type': 'flow.start', 'ui': {'x': 1, 'y': 2, 'z': 3}}]}", "a",
	              "blocks[0]: unknown field 'z' (the fields are x, y)");
	CHECK_PROBLEM("{" HEAD "'blocks': [{'id': 'a', 'type': 'flow.start', 'ui': {'x': 1, 'y': 2000000}}]}", "a",
	              "blocks[0]: \"y\" must be a whole number from -1000000 to 1000000");
	CHECK_PROBLEM("{'format': 1, 'trigger': {'type': 'manual', 'ui': {'x': 'left'}}, 'blocks': [" FETCH "]}", NULL,
	              "trigger: \"ui\" must be a position {\"x\": N, \"y\": N} in whole numbers (or left out)");
}

/* The trigger's "sample" (the editor's test runs): any JSON value the engine ignores, bounded. */
static void test_trigger_sample(void)
{
	check_valid("{'format': 1, 'trigger': {'type': 'webhook', 'sample': {'body': {'name': 'Ada'}, 'query': {}}},"
		    " 'blocks': [" FETCH "]}", "[\"fetch\"]");
	check_valid("{'format': 1, 'trigger': {'type': 'manual', 'sample': [1, 'two']}, 'blocks': [" FETCH "]}",
		    "[\"fetch\"]");
	size_t n = WORKFLOW_MAX_SAMPLE + 100;
	char *big = malloc(n + 200);
	int len = snprintf(big, 200, "{'format': 1, 'trigger': {'type': 'manual', 'sample': '");
	memset(big + len, 'x', n);
	snprintf(big + len + n, 200, "'}, 'blocks': [" FETCH "]}");
	char want[160];
	snprintf(want, sizeof want, "trigger: \"sample\" is %zu bytes of JSON, more than the %d a sample input may have",
		 n + 2, WORKFLOW_MAX_SAMPLE);
	CHECK_PROBLEM(big, NULL, want);
	free(big);
}

/* The output ports a config names ("format": "ports"): edges may leave from them only. */
static void test_config_ports(void)
{
#define SORT "{'id': 'sort', 'type': 'ai.classify', 'config': {'categories': ['question', 'other']}}, "
	check_valid("{'format': 1, 'trigger': {'type': 'manual'}, 'blocks': [" SORT FETCH "],"
		    " 'edges': [{'from': 'sort.question', 'to': 'fetch.in'}]}", "[\"sort\",\"fetch\"]");
	CHECK_PROBLEM("{'format': 1, 'trigger': {'type': 'manual'}, 'blocks': [" SORT FETCH "],"
		      " 'edges': [{'from': 'sort.case1', 'to': 'fetch.in'}]}", "sort",
		      "edges[0]: block 'sort' (ai.classify) has no output port 'case1' (its outputs: question, other)");
#undef SORT
}

/* What a caller (ai.agent) is told of a workflow as a tool. */
static void test_trigger_as_tool(void)
{
	check_valid("{'format': 1, 'trigger': {'type': 'webhook', 'description': 'Fetches a page',"
		    " 'input_schema': {'type': 'object', 'properties': {'url': {'type': 'string'}}}}, 'blocks': [" FETCH "]}",
		    "[\"fetch\"]");
	CHECK_PROBLEM("{'format': 1, 'trigger': {'type': 'manual', 'description': 5}, 'blocks': [" FETCH "]}", NULL,
	              "trigger: \"description\" must be a text saying what the workflow does for a caller");
	CHECK_PROBLEM("{'format': 1, 'trigger': {'type': 'schedule', 'cron': '@daily', 'input_schema': 'city'}, 'blocks': [" FETCH "]}",
	              NULL, "trigger: \"input_schema\" must be a JSON Schema object, such as {\"type\": \"object\", "
	              "\"properties\": {\"city\": {\"type\": \"string\"}}}");
}

/* What runs again from a block: it and every block after it, not the ones beside. */
static void test_downstream(void)
{
	json_t *def = load("{" HEAD "'blocks': [], 'edges': [{'from': 'a.out', 'to': 'b.in'}, {'from': 'b.out', 'to': 'c.in'},"
			   " {'from': 'a.out', 'to': 'd.in'}, {'from': 'c.out', 'to': 'e.in'}, {'from': 'x.out', 'to': 'e.in'}]}");
	json_t *down = workflow_downstream(def, "b");
	char *s = json_dumps(down, JSON_SORT_KEYS | JSON_COMPACT);
	CHECK_STR(s, "{\"b\":true,\"c\":true,\"e\":true}");
	free(s);
	json_decref(down);
	down = workflow_downstream(def, "e");
	CHECK(json_object_size(down) == 1 && json_object_get(down, "e"));
	json_decref(down);
	json_decref(def);
}

static void test_parse(void)
{
	char err[300];
	const char *dup = "{\"format\": 1, \"format\": 1}";
	CHECK(!workflow_parse(dup, strlen(dup), err, sizeof err));
	CHECK_CONTAINS(err, "the workflow is not JSON: line 1 column");
	CHECK_CONTAINS(err, "duplicate object key");
	CHECK(!workflow_parse("{", 1, err, sizeof err));
	CHECK_CONTAINS(err, "the workflow is not JSON: line 1");
	json_t *def = workflow_parse("{\"format\": 1}", 13, err, sizeof err);
	CHECK(json_is_object(def));
	json_decref(def);
}

static void test_priority(void)
{
	static const struct { const char *def; enum run_priority want; } cases[] = {
		{ "{'settings': {'priority': 'high'}}", PRIORITY_HIGH },
		{ "{'settings': {'priority': 'low'}}", PRIORITY_LOW },
		{ "{'settings': {'priority': 'normal'}}", PRIORITY_NORMAL },
		{ "{'settings': {}}", PRIORITY_NORMAL },
		{ "{}", PRIORITY_NORMAL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *def = load(cases[i].def);
		CHECK(workflow_priority(def) == cases[i].want);
		json_decref(def);
	}
	CHECK(workflow_priority(NULL) == PRIORITY_NORMAL);
}

int main(void)
{
	registry = load(registry_json);
	CHECK(registry != NULL);
	test_diamond();
	test_fan_out_fan_in();
	test_document_errors();
	test_block_errors();
	test_block_settings_errors();
	test_edge_errors();
	test_cycles();
	test_config_errors();
	test_placeholder_errors();
	test_own_templates();
	test_every_problem_at_once();
	test_ui_positions();
	test_trigger_sample();
	test_trigger_as_tool();
	test_config_ports();
	test_downstream();
	test_parse();
	test_priority();
	json_decref(registry);
	return t_done("test_workflow");
}
