/* The editor's views of a definition: the canvas (nodes, ports, edges, the
 * problems on their blocks), tidy up, placing a new block, the outline and
 * the block picker, for valid, empty and broken definitions. */
#include <stdlib.h>

#include "../testlib.h"
#include "web/graph/graph.h"

static const char registry_json[] =
	"{\"blocks\": ["
	" {\"name\": \"http.request\", \"title\": \"HTTP request\", \"category\": \"network\", \"description\": \"d\","
	"  \"inputs\": [{\"name\": \"body\"}], \"outputs\": [{\"name\": \"response\"}]},"
	" {\"name\": \"html.extract\", \"title\": \"Extract\", \"category\": \"text\","
	"  \"inputs\": [{\"name\": \"html\"}], \"outputs\": [{\"name\": \"out\"}]},"
	" {\"name\": \"flow.if\", \"title\": \"If\", \"category\": \"flow\","
	"  \"inputs\": [{\"name\": \"in\"}], \"outputs\": [{\"name\": \"true\"}, {\"name\": \"false\"}]}]}";

static json_t *registry;

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	if (!v)
		fprintf(stderr, "bad test JSON: %s\n", je.text);
	return v;
}

static const char *s(const json_t *v, const char *path)
{
	return json_string_value(json_object_get(v, path));
}

static json_int_t i(const json_t *v, const char *key)
{
	return json_integer_value(json_object_get(v, key));
}

static void test_drawing(void)
{
	json_t *def = load("{\"format\": 1, \"trigger\": {\"type\": \"webhook\"}, \"blocks\": ["
			   " {\"id\": \"fetch\", \"type\": \"http.request\"},"
			   " {\"id\": \"title\", \"type\": \"html.extract\"},"
			   " {\"id\": \"odd\", \"type\": \"no.such\"}],"
			   " \"edges\": [{\"from\": \"fetch.response\", \"to\": \"title.html\"},"
			   "  {\"from\": \"title.out\", \"to\": \"nobody.in\"}]}");
	json_t *problems = load("[{\"block\": \"title\", \"message\": \"config: \\\"xpath\\\" is required, and this"
				" sentence is long enough to need two lines\"}]");
	json_t *d = graph_drawing(def, registry, problems, "/workflows/3/edit");
	json_t *nodes = json_object_get(d, "nodes"), *edges = json_object_get(d, "edges");
	CHECK(json_array_size(nodes) == 4);
	json_t *trigger = json_array_get(nodes, 0), *fetch = json_array_get(nodes, 1), *title = json_array_get(nodes, 2);
	CHECK_STR(s(trigger, "kind"), "trigger");
	CHECK_STR(s(trigger, "title"), "Webhook");
	CHECK_STR(s(json_array_get(json_object_get(trigger, "outputs"), 0), "ref"), "trigger.trigger");
	CHECK_STR(s(fetch, "url"), "/workflows/3/edit/blocks/fetch");
	CHECK_STR(s(fetch, "dom_id"), "node-fetch");
	CHECK_STR(s(fetch, "category"), "network");
	CHECK_STR(s(fetch, "subtitle"), "HTTP request");
	CHECK_STR(s(fetch, "label"), "fetch: HTTP request (http.request)");
	CHECK_STR(s(json_array_get(json_object_get(fetch, "outputs"), 0), "ref"), "fetch.response");
	CHECK(json_is_false(json_object_get(fetch, "invalid")));
	CHECK(json_is_true(json_object_get(title, "invalid")));
	CHECK(json_array_size(json_object_get(title, "message_lines")) == 2);
	CHECK(json_is_true(json_object_get(json_array_get(nodes, 3), "invalid")));
	CHECK_STR(s(json_array_get(nodes, 3), "subtitle"), "unknown type no.such");
	CHECK(i(trigger, "x") < i(fetch, "x") && i(fetch, "x") < i(title, "x"));
	/* the edge to a block that is not there is left out; the trigger feeds
	 * the blocks nothing else feeds */
	CHECK(json_array_size(edges) == 3);
	CHECK_STR(s(json_array_get(edges, 0), "from"), "fetch.response");
	CHECK_CONTAINS(s(json_array_get(edges, 0), "d"), "C");
	CHECK(json_is_true(json_object_get(json_array_get(edges, 1), "implicit")));
	CHECK(i(d, "width") > 0 && i(d, "height") > 0);
	json_decref(d);

	/* tidy up writes every position; the canvas then draws them */
	graph_tidy(def, registry);
	CHECK(json_is_integer(json_object_get(json_object_get(json_object_get(def, "trigger"), "ui"), "x")));
	json_t *fetch_ui = json_object_get(json_array_get(json_object_get(def, "blocks"), 0), "ui");
	json_object_set_new(fetch_ui, "y", json_integer(-300));
	d = graph_drawing(def, registry, problems, "/e");
	CHECK(i(json_array_get(json_object_get(d, "nodes"), 1), "y") == -300);
	CHECK_CONTAINS(s(d, "view_box"), " -332 ");
	json_decref(d);

	/* a new block after fetch goes to its right, where nothing is */
	json_t *block = load("{\"id\": \"next\", \"type\": \"flow.if\"}");
	json_array_append_new(json_object_get(def, "blocks"), block);
	graph_place_after(def, registry, block, "fetch");
	CHECK(i(json_object_get(block, "ui"), "x") > i(fetch_ui, "x"));
	json_decref(problems);
	json_decref(def);
}

static void test_empty_and_broken(void)
{
	const char *defs[] = { "{}", "{\"blocks\": []}", "{\"trigger\": 5, \"blocks\": [5, {\"id\": 3}], \"edges\": [7, {}]}",
			       "{\"format\": 1, \"trigger\": {\"type\": \"manual\"}, \"blocks\": [{\"id\": \"a\", \"type\": "
			       "\"flow.if\"}, {\"id\": \"b\", \"type\": \"flow.if\"}], \"edges\": [{\"from\": \"a.true\", "
			       "\"to\": \"b.in\"}, {\"from\": \"b.false\", \"to\": \"a.in\"}]}" };
	for (size_t k = 0; k < sizeof defs / sizeof defs[0]; k++) {
		json_t *def = load(defs[k]);
		json_t *d = graph_drawing(def, registry, NULL, "/e");
		CHECK(json_array_size(json_object_get(d, "nodes")) >= 1);
		json_t *o = graph_outline(def, registry, NULL, "/e");
		CHECK(json_is_array(json_object_get(o, "blocks")));
		graph_tidy(def, registry);
		json_decref(o);
		json_decref(d);
		json_decref(def);
	}
}

static void test_outline(void)
{
	json_t *def = load("{\"format\": 1, \"trigger\": {\"type\": \"webhook\", \"reply\": \"title.out\"}, \"blocks\": ["
			   " {\"id\": \"title\", \"type\": \"html.extract\"}, {\"id\": \"fetch\", \"type\": \"http.request\"}],"
			   " \"edges\": [{\"from\": \"fetch.response\", \"to\": \"title.html\"}]}");
	json_t *o = graph_outline(def, registry, NULL, "/e");
	json_t *blocks = json_object_get(o, "blocks");
	CHECK_STR(s(json_array_get(blocks, 0), "id"), "fetch");
	CHECK_STR(s(json_array_get(blocks, 1), "id"), "title");
	CHECK_STR(s(json_array_get(blocks, 1), "rename_url"), "/e/blocks/title/rename");
	json_t *in = json_array_get(json_object_get(json_array_get(blocks, 1), "inputs"), 0);
	CHECK_STR(s(json_array_get(json_object_get(in, "edges"), 0), "from"), "fetch.response");
	CHECK(json_array_size(json_object_get(o, "outputs")) == 2);
	CHECK_STR(s(json_array_get(json_object_get(o, "after"), 0), "value"), "trigger");
	json_t *replies = json_object_get(json_object_get(o, "trigger"), "reply_options");
	CHECK(json_is_true(json_object_get(json_array_get(replies, 1), "selected")));
	CHECK(json_is_true(json_object_get(json_object_get(o, "trigger"), "is_webhook")));
	json_decref(o);
	json_t *ph = graph_placeholders(def, registry, "title");
	char *text = json_dumps(ph, JSON_COMPACT);
	CHECK_STR(text, "[\"{{ trigger }}\",\"{{ trigger.body }}\",\"{{ trigger.query }}\",\"{{ trigger.headers }}\","
		  "\"{{ fetch.response }}\"]");
	free(text);
	json_decref(ph);
	ph = graph_placeholders(def, registry, "fetch");
	CHECK(json_array_size(ph) == 4);
	json_decref(ph);
	json_decref(def);

	json_t *c = graph_catalog(registry);
	CHECK(json_array_size(c) == 3);
	CHECK_STR(s(json_array_get(c, 0), "category"), "flow");
	CHECK_STR(s(json_array_get(c, 2), "category"), "text");
	CHECK_STR(s(json_array_get(json_object_get(json_array_get(c, 1), "blocks"), 0), "name"), "http.request");
	json_decref(c);
}

int main(void)
{
	registry = load(registry_json);
	test_drawing();
	test_empty_and_broken();
	test_outline();
	json_decref(registry);
	return t_done("test_graph");
}
