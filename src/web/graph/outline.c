/* The outline of the editor: the blocks in the order they run, each with its
 * ports and the edges on them, and the lists the edit forms choose from. */
#include "web/graph/graph.h"

#include <stdlib.h>
#include <string.h>

#include "engine/workflow.h"
#include "strbuf.h"

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static json_t *url_of(const char *edit_url, const char *id, const char *suffix)
{
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s/blocks/", edit_url);
	sb_add_urlenc(&sb, id);
	sb_adds(&sb, suffix);
	json_t *v = json_string(sb_str(&sb));
	sb_free(&sb);
	return v;
}

/* Each port's edges: {"block.port": [{from, to}...]}, one map for the
 * sources ("from") and one for the targets ("to"). */
static json_t *edges_by(const json_t *edges, const char *key)
{
	json_t *map = json_object();
	size_t i;
	json_t *e;
	json_array_foreach(edges, i, e) {
		const char *ref = str(e, key);
		if (!ref)
			continue;
		json_t *list = json_object_get(map, ref);
		if (!list)
			json_object_set_new(map, ref, list = json_array());
		json_array_append_new(list, json_pack("{s:s,s:s}", "from", str(e, "from") ?: "", "to", str(e, "to") ?: ""));
	}
	return map;
}

static json_t *ports(const json_t *type, const char *kind, const char *id, const json_t *at_port, json_t *all,
		     const char *edit_url)
{
	json_t *out = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(type, kind), i, p) {
		struct strbuf ref = STRBUF_INIT;
		sb_printf(&ref, "%s.%s", id, str(p, "name") ?: "?");
		json_t *entry = json_pack("{s:s?,s:s}", "name", str(p, "name"), "ref", sb_str(&ref));
		json_t *edges = json_object_get(at_port, sb_str(&ref));
		json_object_set_new(entry, "edges", edges ? json_incref(edges) : json_array());
		if (kind[0] == 'o') {
			struct strbuf add = STRBUF_INIT;
			sb_printf(&add, "%s?after=", edit_url);
			sb_add_urlenc(&add, sb_str(&ref));
			sb_adds(&add, "#add");
			json_object_set_new(entry, "add_url", json_string(sb_str(&add)));
			sb_free(&add);
		}
		json_array_append_new(out, entry);
		json_array_append_new(all, json_string(sb_str(&ref)));
		sb_free(&ref);
	}
	return out;
}

/* sources, targets: edges_by "to" and "from" */
static json_t *block_entry(const json_t *b, const json_t *registry, const json_t *problems, const json_t *sources,
			   const json_t *targets, const char *edit_url, json_t *outputs, json_t *inputs)
{
	const char *id = str(b, "id") ?: "";
	json_t *type = graph_block_ports(registry, b);
	json_t *messages = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(problems, i, p)
		if (!strcmp(str(p, "block") ?: "", id))
			json_array_append(messages, json_object_get(p, "message"));
	struct strbuf anchor = STRBUF_INIT, field = STRBUF_INIT;
	sb_printf(&anchor, "block-%s", id);
	sb_printf(&field, "rename-%s", id);
	json_t *entry = json_pack("{s:s,s:s?,s:s?,s:s?,s:s,s:s,s:o,s:o,s:o,s:o}", "id", id, "type", str(b, "type"),
				  "title", str(type, "title"), "category", str(type, "category"), "anchor",
				  sb_str(&anchor), "rename_field", sb_str(&field), "url", url_of(edit_url, id, ""),
				  "rename_url", url_of(edit_url, id, "/rename"), "delete_url",
				  url_of(edit_url, id, "/delete"), "messages", messages);
	sb_free(&field);
	json_object_set_new(entry, "inputs", ports(type, "inputs", id, sources, inputs, edit_url));
	json_object_set_new(entry, "outputs", ports(type, "outputs", id, targets, outputs, edit_url));
	sb_free(&anchor);
	json_decref(type);
	return entry;
}

/* The blocks of def in run order when it has one, else as listed. */
static json_t *blocks_in_order(const json_t *def)
{
	const json_t *blocks = json_object_get(def, "blocks");
	json_t *order = workflow_order(def), *out = json_array(), *by_id = json_object();
	size_t i;
	json_t *id, *b;
	if (!order) {
		json_array_foreach(blocks, i, b) json_array_append(out, b);
		json_decref(by_id);
		return out;
	}
	json_array_foreach(blocks, i, b) json_object_set(by_id, str(b, "id"), b);
	json_array_foreach(order, i, id) json_array_append(out, json_object_get(by_id, json_string_value(id)));
	json_decref(by_id);
	json_decref(order);
	return out;
}

json_t *graph_outline(const json_t *def, const json_t *registry, const json_t *problems, const char *edit_url)
{
	const json_t *trigger = json_object_get(def, "trigger"), *edges = json_object_get(def, "edges");
	json_t *blocks = json_array(), *outputs = json_array(), *inputs = json_array();
	json_t *ordered = blocks_in_order(def), *sources = edges_by(edges, "to"), *targets = edges_by(edges, "from");
	size_t i;
	json_t *b;
	json_array_foreach(ordered, i, b)
		json_array_append_new(blocks, block_entry(b, registry, problems, sources, targets, edit_url, outputs, inputs));
	json_decref(targets);
	json_decref(sources);
	json_decref(ordered);
	/* The trigger's own fields, as "key: value" lines. */
	json_t *fields = json_array();
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)trigger, key, v) {
		if (!strcmp(key, "type") || !strcmp(key, "ui"))
			continue;
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		json_array_append_new(fields, json_pack("{s:s,s:s}", "name", key, "value",
							json_is_string(v) ? json_string_value(v) : text ? text : ""));
		free(text);
	}
	const char *type = str(trigger, "type") ?: "", *reply = str(trigger, "reply") ?: "";
	json_t *replies = json_array();
	json_array_foreach(outputs, i, v)
		json_array_append_new(replies, json_pack("{s:O,s:b}", "value", v, "selected", !strcmp(json_string_value(v), reply)));
	json_t *after = json_array();
	json_array_append_new(after, json_pack("{s:s,s:s}", "value", "trigger", "label", "the trigger (a first block)"));
	json_array_foreach(outputs, i, v)
		json_array_append_new(after, json_pack("{s:O,s:O}", "value", v, "label", v));
	return json_pack("{s:{s:s,s:o,s:b,s:b,s:b,s:s,s:s,s:o},s:o,s:o,s:o,s:o}", "trigger", "type", type, "fields",
			 fields, "is_manual", !strcmp(type, "manual"), "is_webhook", !strcmp(type, "webhook"),
			 "is_schedule", !strcmp(type, "schedule"), "cron", str(trigger, "cron") ?: "", "timezone",
			 str(trigger, "timezone") ?: "", "reply_options", replies, "blocks", blocks, "outputs", outputs,
			 "inputs", inputs, "after", after);
}

/* Marks in `up` (an object of ids) every block with a path of edges to id. */
static void mark_upstream(const json_t *edges, const char *id, json_t *up)
{
	size_t n = strlen(id), i;
	json_t *e;
	json_array_foreach(edges, i, e) {
		const char *from = str(e, "from"), *to = str(e, "to"), *dot = from ? strchr(from, '.') : NULL;
		if (!dot || !to || strncmp(to, id, n) || to[n] != '.')
			continue;
		char *source = xstrndup(from, (size_t)(dot - from));
		if (!json_object_get(up, source)) {
			json_object_set_new(up, source, json_true());
			mark_upstream(edges, source, up);
		}
		free(source);
	}
}

json_t *graph_placeholders(const json_t *def, const json_t *registry, const char *id)
{
	static const char *const trigger_fields[][2] = {
		{ "webhook", "{{ trigger.body }}" }, { "webhook", "{{ trigger.query }}" },
		{ "webhook", "{{ trigger.headers }}" }, { "schedule", "{{ trigger.scheduled_at }}" },
	};
	const char *type = str(json_object_get(def, "trigger"), "type") ?: "";
	json_t *out = json_array(), *up = json_object();
	json_array_append_new(out, json_string("{{ trigger }}"));
	for (size_t i = 0; i < sizeof trigger_fields / sizeof trigger_fields[0]; i++)
		if (!strcmp(type, trigger_fields[i][0]))
			json_array_append_new(out, json_string(trigger_fields[i][1]));
	mark_upstream(json_object_get(def, "edges"), id, up);
	size_t i, k;
	json_t *b, *port;
	json_array_foreach(json_object_get(def, "blocks"), i, b) {
		const char *other = str(b, "id");
		if (!other || !json_object_get(up, other) || !strcmp(other, id))
			continue;
		json_t *typed = graph_block_ports(registry, b);
		json_array_foreach(json_object_get(typed, "outputs"), k, port) {
			struct strbuf sb = STRBUF_INIT;
			sb_printf(&sb, "{{ %s.%s }}", other, str(port, "name") ?: "?");
			json_array_append_new(out, json_string(sb_str(&sb)));
			sb_free(&sb);
		}
		json_decref(typed);
	}
	json_decref(up);
	json_array_foreach(json_object_get(def, "blocks"), i, b)
		if (!strcmp(str(b, "id") ?: "", id) && json_object_get(json_object_get(b, "settings"), "for_each")) {
			json_array_append_new(out, json_string("{{ item }}"));
			json_array_append_new(out, json_string("{{ index }}"));
		}
	return out;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(str(*(json_t *const *)a, "name") ?: "", str(*(json_t *const *)b, "name") ?: "");
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *graph_catalog(const json_t *registry)
{
	const json_t *all = json_object_get(registry, "blocks");
	size_t n = json_array_size(all);
	json_t **sorted = xcalloc(n + 1, sizeof *sorted);
	for (size_t i = 0; i < n; i++)
		sorted[i] = json_array_get(all, i);
	qsort(sorted, n, sizeof *sorted, by_name);
	json_t *groups = json_object();
	for (size_t i = 0; i < n; i++) {
		const char *category = str(sorted[i], "category") ?: "other";
		json_t *list = json_object_get(groups, category);
		if (!list)
			json_object_set_new(groups, category, list = json_array());
		json_array_append_new(list, json_pack("{s:s?,s:s?,s:s?}", "name", str(sorted[i], "name"), "title",
						      str(sorted[i], "title"), "description", str(sorted[i], "description")));
	}
	free(sorted);
	json_t *out = json_array();
	const char **names = xcalloc(json_object_size(groups) + 1, sizeof *names);
	size_t k = 0;
	const char *key;
	json_t *v;
	json_object_foreach(groups, key, v) names[k++] = key;
	qsort(names, k, sizeof *names, by_text);
	for (size_t i = 0; i < k; i++)
		json_array_append_new(out, json_pack("{s:s,s:O}", "category", names[i], "blocks", json_object_get(groups, names[i])));
	free(names);
	json_decref(groups);
	return out;
}
