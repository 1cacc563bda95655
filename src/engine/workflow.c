#include "engine/workflow.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "engine/cron.h"
#include "engine/placeholder.h"
#include "plugin/schema.h"
#include "strbuf.h"

struct block {
	const char *id;      /* NULL when missing, malformed or a duplicate */
	const json_t *def;
	json_t *type;        /* its registry entry with the ports its config names (schema_block_type), or NULL
			      * when unknown or unchecked */
};

struct edge {
	size_t from, to;
};

/* One validation in progress: the problems found so far and the graph of
 * the blocks that have usable ids, with adjacency lists for the walks. */
struct check {
	json_t *problems;
	const json_t *registry;  /* NULL: types, ports and configs are not checked */
	struct block *blocks;
	size_t nblocks;
	struct edge *edges;
	size_t nedges;
	size_t *out_start;       /* edges leaving block i: out_edge[out_start[i] .. out_start[i+1]) */
	size_t *out_edge;
};

static void problem(struct check *c, const char *block, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void problem(struct check *c, const char *block, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&msg, fmt, ap);
	va_end(ap);
	json_array_append_new(c->problems, json_pack("{s:s?, s:s}", "block", block, "message", sb_str(&msg)));
	sb_free(&msg);
}

/* Refuses keys outside allowed (a NULL-terminated list), naming the ones there are. */
static void check_keys(struct check *c, const char *block, const json_t *obj, const char *where,
                       const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		size_t i = 0;
		while (allowed[i] && strcmp(key, allowed[i]))
			i++;
		if (allowed[i])
			continue;
		struct strbuf list = STRBUF_INIT;
		for (i = 0; allowed[i]; i++)
			sb_printf(&list, "%s%s", i ? ", " : "", allowed[i]);
		problem(c, block, "%s: unknown field '%s' (the fields are %s)", where, key, sb_str(&list));
		sb_free(&list);
	}
}

static void check_int(struct check *c, const char *block, const json_t *obj, const char *where,
                      const char *key, json_int_t min, json_int_t max)
{
	const json_t *v = json_object_get(obj, key);
	if (v && (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max))
		problem(c, block, "%s: \"%s\" must be a whole number from %lld to %lld", where, key,
		        (long long)min, (long long)max);
}

/* "ui": where an editor draws the node, {"x": N, "y": N}; the engine ignores it. */
static void check_ui(struct check *c, const char *block, const json_t *obj, const char *where)
{
	static const char *const keys[] = { "x", "y", NULL };
	const json_t *ui = json_object_get(obj, "ui");
	if (!ui)
		return;
	if (!json_is_object(ui) || !json_is_integer(json_object_get(ui, "x")) || !json_is_integer(json_object_get(ui, "y"))) {
		problem(c, block, "%s: \"ui\" must be a position {\"x\": N, \"y\": N} in whole numbers (or left out)", where);
		return;
	}
	check_keys(c, block, ui, where, keys);
	check_int(c, block, ui, where, "x", -WORKFLOW_MAX_UI, WORKFLOW_MAX_UI);
	check_int(c, block, ui, where, "y", -WORKFLOW_MAX_UI, WORKFLOW_MAX_UI);
}

static int id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > WORKFLOW_MAX_ID || id[0] < 'a' || id[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '_'))
			return 0;
	return 1;
}

static long find_block(const struct check *c, const char *id, size_t len)
{
	for (size_t i = 0; i < c->nblocks; i++)
		if (c->blocks[i].id && strlen(c->blocks[i].id) == len && !memcmp(c->blocks[i].id, id, len))
			return (long)i;
	return -1;
}

static const json_t *registry_entry(const json_t *registry, const char *name)
{
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(registry, "blocks"), i, b)
		if (json_is_string(json_object_get(b, "name")) && !strcmp(json_string_value(json_object_get(b, "name")), name))
			return b;
	return NULL;
}

/* kind is "inputs" or "outputs". */
static int port_exists(const json_t *type, const char *kind, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(type, kind), i, p)
		if (json_is_string(json_object_get(p, "name")) && !strcmp(json_string_value(json_object_get(p, "name")), name))
			return 1;
	return 0;
}

static void port_list(struct strbuf *sb, const json_t *type, const char *kind)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(type, kind), i, p)
		sb_printf(sb, "%s%s", i ? ", " : "", json_string_value(json_object_get(p, "name")));
	if (!json_array_size(json_object_get(type, kind)))
		sb_adds(sb, "none");
}

static int cron_check(const char *expr, const char *tz, char *err, size_t errlen)
{
	struct cron *parsed = cron_parse(expr, tz, err, errlen);
	cron_free(parsed);
	return parsed != NULL;
}

/* A webhook's "allow_from": the address ranges its deliveries may come from. */
static void check_allow_from(struct check *c, const json_t *t)
{
	const json_t *list = json_object_get(t, "allow_from");
	size_t i;
	json_t *v;
	if (!list)
		return;
	if (!json_is_array(list) || !json_array_size(list)) {
		problem(c, NULL, "trigger: \"allow_from\" must be a list of address ranges such as "
		        "[\"192.0.2.0/24\", \"2001:db8::/32\"] (leave it out to accept every address)");
		return;
	}
	json_array_foreach(list, i, v) {
		struct cidr range;
		char err[200] = "";
		if (!json_is_string(v))
			problem(c, NULL, "trigger: allow_from[%zu] must be a string such as \"192.0.2.0/24\"", i);
		else if (cidr_parse_list(json_string_value(v), &range, 1, err, sizeof err) != 1)
			problem(c, NULL, "trigger: allow_from[%zu]: %s", i,
			        *err ? err : "an empty range: write an address or a range such as 192.0.2.0/24");
	}
}

/* A poll trigger: a block run every every_s seconds, whose items (at the
 * dotted path "items" of its outputs, the port first) start one run each
 * when new, told apart by their "key". */
static void check_poll(struct check *c, const json_t *t)
{
	const char *block = json_string_value(json_object_get(t, "block"));
	const char *items = json_string_value(json_object_get(t, "items"));
	const json_t *config = json_object_get(t, "config"), *key = json_object_get(t, "key");
	if (!block)
		problem(c, NULL, "a poll trigger needs \"block\": the block that reads the source, such as \"feed.read\"");
	else if (c->registry && !registry_entry(c->registry, block))
		problem(c, NULL, "trigger: unknown block type '%s': no loaded plugin provides it (see the blocks page)", block);
	if (config && !json_is_object(config))
		problem(c, NULL, "trigger: \"config\" must be an object, the poll block's settings");
	if (!items || !strchr(items, '.') || items[0] == '.')
		problem(c, NULL, "a poll trigger needs \"items\": where the list of items is in the block's outputs, "
		        "\"port.path\" (such as \"feed.items\")");
	if (key && !json_is_string(key))
		problem(c, NULL, "trigger: \"key\" must be the field that tells items apart, such as \"id\"");
	check_int(c, NULL, t, "trigger", "every_s", 1, 86400);
}

static void check_trigger(struct check *c, const json_t *t)
{
	if (!t) {
		problem(c, NULL, "\"trigger\" is missing: add {\"type\": \"manual\"}, \"webhook\" or \"schedule\"");
		return;
	}
	const char *type = json_string_value(json_object_get(t, "type"));
	if (!json_is_object(t) || !type) {
		problem(c, NULL, "\"trigger\" must be an object with a \"type\": \"manual\", \"webhook\" or \"schedule\"");
		return;
	}
	static const char *const manual_keys[] = { "type", "ui", "sample", "description", "input_schema", NULL };
	static const char *const webhook_keys[] = { "type", "reply", "signed", "replay_window_s", "allow_from",
						    "max_body_bytes", "ui", "sample", "description", "input_schema", NULL };
	static const char *const schedule_keys[] = { "type", "cron", "timezone", "ui", "sample", "description",
						     "input_schema", NULL };
	static const char *const poll_keys[] = { "type", "every_s", "block", "config", "items", "key", "ui", "sample",
						 "description", "input_schema", NULL };
	check_ui(c, NULL, t, "trigger");
	/* "sample": the input the editor's test runs use; the engine ignores it. */
	const json_t *sample = json_object_get(t, "sample");
	size_t sample_len = sample ? json_dumpb(sample, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY) : 0;
	if (sample_len > WORKFLOW_MAX_SAMPLE)
		problem(c, NULL, "trigger: \"sample\" is %zu bytes of JSON, more than the %d a sample input may have",
			sample_len, WORKFLOW_MAX_SAMPLE);
	/* What a caller is told of the workflow as a tool (ai.agent): what it
	 * does, and the JSON Schema of the data it takes. */
	const json_t *description = json_object_get(t, "description"), *input_schema = json_object_get(t, "input_schema");
	if (description && !json_is_string(description))
		problem(c, NULL, "trigger: \"description\" must be a text saying what the workflow does for a caller");
	if (input_schema && !json_is_object(input_schema))
		problem(c, NULL, "trigger: \"input_schema\" must be a JSON Schema object, such as {\"type\": \"object\", "
		        "\"properties\": {\"city\": {\"type\": \"string\"}}}");
	if (!strcmp(type, "manual")) {
		check_keys(c, NULL, t, "trigger", manual_keys);
	} else if (!strcmp(type, "webhook")) {
		check_keys(c, NULL, t, "trigger", webhook_keys);
		const json_t *reply = json_object_get(t, "reply"), *sig = json_object_get(t, "signed");
		if (reply && (!json_is_string(reply) || !strchr(json_string_value(reply), '.')))
			problem(c, NULL, "trigger: \"reply\" must name the output that answers the webhook, as "
			        "\"block.port\" (such as \"render.out\")");
		if (sig && !json_is_boolean(sig))
			problem(c, NULL, "trigger: \"signed\" must be true or false");
		check_int(c, NULL, t, "trigger", "replay_window_s", 1, 86400);
		check_int(c, NULL, t, "trigger", "max_body_bytes", 1, 1LL << 30);
		check_allow_from(c, t);
	} else if (!strcmp(type, "schedule")) {
		check_keys(c, NULL, t, "trigger", schedule_keys);
		const json_t *cron = json_object_get(t, "cron"), *tz = json_object_get(t, "timezone");
		char err[200];
		if (!json_is_string(cron))
			problem(c, NULL, "a schedule trigger needs \"cron\": a cron expression such as \"0 * * * *\" or \"@daily\"");
		else if (tz && !json_is_string(tz))
			problem(c, NULL, "trigger: \"timezone\" must be a time zone name such as \"Europe/Paris\"");
		else if (!cron_check(json_string_value(cron), json_string_value(tz), err, sizeof err))
			problem(c, NULL, "trigger: cron: %s", err);
	} else if (!strcmp(type, "poll")) {
		check_keys(c, NULL, t, "trigger", poll_keys);
		check_poll(c, t);
	} else {
		problem(c, NULL, "unknown trigger type '%s': use \"manual\", \"webhook\", \"schedule\" or \"poll\"", type);
	}
}

static void check_workflow_settings(struct check *c, const json_t *s)
{
	static const char *const keys[] = { "timeout_ms", "concurrency", "error_workflow", "sandbox", "priority",
					    "daily_token_budget", NULL };
	if (!s)
		return;
	if (!json_is_object(s)) {
		problem(c, NULL, "\"settings\" must be an object");
		return;
	}
	check_keys(c, NULL, s, "settings", keys);
	check_int(c, NULL, s, "settings", "timeout_ms", 1, 7 * 86400000LL);
	check_int(c, NULL, s, "settings", "daily_token_budget", 1, 1000000000000LL);
	check_int(c, NULL, s, "settings", "concurrency", 1, 1024);
	const json_t *mode = json_object_get(s, "sandbox");
	if (mode && (!json_is_string(mode) || (strcmp(json_string_value(mode), "warm") && strcmp(json_string_value(mode), "strict"))))
		problem(c, NULL, "settings: \"sandbox\" must be \"warm\" (blocks keep a worker process between runs of this workflow) "
		        "or \"strict\" (a fresh process for every block execution)");
	const json_t *prio = json_object_get(s, "priority");
	if (prio && (!json_is_string(prio) || (strcmp(json_string_value(prio), "high") &&
					       strcmp(json_string_value(prio), "normal") && strcmp(json_string_value(prio), "low"))))
		problem(c, NULL, "settings: \"priority\" must be \"high\", \"normal\" or \"low\" (the order its runs leave "
			"the queue in, before other workflows' or after them)");
	const json_t *ew = json_object_get(s, "error_workflow");
	if (ew && (!json_is_string(ew) || !json_string_length(ew)))
		problem(c, NULL, "settings: \"error_workflow\" must name a workflow (a non-empty string)");
}

static void check_block_settings(struct check *c, const struct block *b, const char *label)
{
	static const char *const keys[] = { "timeout_ms", "retries", "retry_delay_ms", "for_each", "concurrency",
					    "continue_on_error", NULL };
	const json_t *s = json_object_get(b->def, "settings");
	if (!s)
		return;
	if (!json_is_object(s)) {
		problem(c, b->id, "%s: \"settings\" must be an object", label);
		return;
	}
	check_keys(c, b->id, s, "settings", keys);
	check_int(c, b->id, s, "settings", "timeout_ms", 1, 86400000LL);
	check_int(c, b->id, s, "settings", "retries", 0, 100);
	check_int(c, b->id, s, "settings", "retry_delay_ms", 1, 3600000LL);
	check_int(c, b->id, s, "settings", "concurrency", 1, 1024);
	const json_t *ce = json_object_get(s, "continue_on_error");
	if (ce && !json_is_boolean(ce))
		problem(c, b->id, "settings: \"continue_on_error\" must be true or false");
	const json_t *fe = json_object_get(s, "for_each");
	if (fe && !json_is_string(fe)) {
		problem(c, b->id, "settings: \"for_each\" must name one of the block's input ports");
	} else if (fe && b->type) {
		/* "port" or "port.path.in.it" */
		char port[128];
		const char *text = json_string_value(fe), *dot = strchr(text, '.');
		snprintf(port, sizeof port, "%.*s", dot ? (int)(dot - text) : (int)strlen(text), text);
		if (!port_exists(b->type, "inputs", port)) {
			struct strbuf ports = STRBUF_INIT;
			port_list(&ports, b->type, "inputs");
			problem(c, b->id, "settings: \"for_each\" names '%s', which is not an input of %s (its inputs: %s)",
			        port, json_string_value(json_object_get(b->type, "name")), sb_str(&ports));
			sb_free(&ports);
		}
	}
}

static void read_blocks(struct check *c, const json_t *blocks)
{
	static const char *const keys[] = { "id", "type", "config", "settings", "ui", NULL };
	/* An empty array is a workflow being built: its trigger alone, a run with nothing to do. */
	if (!json_is_array(blocks)) {
		problem(c, NULL, "\"blocks\" must be an array of {\"id\", \"type\", \"config\"}");
		return;
	}
	if (json_array_size(blocks) > WORKFLOW_MAX_BLOCKS) {
		problem(c, NULL, "the workflow has %zu blocks, more than the %d allowed: split it with flow.call",
		        json_array_size(blocks), WORKFLOW_MAX_BLOCKS);
		return;
	}
	c->nblocks = json_array_size(blocks);
	c->blocks = xcalloc(c->nblocks, sizeof *c->blocks);
	for (size_t i = 0; i < c->nblocks; i++) {
		struct block *b = &c->blocks[i];
		char label[40];
		snprintf(label, sizeof label, "blocks[%zu]", i);
		b->def = json_array_get(blocks, i);
		if (!json_is_object(b->def)) {
			problem(c, NULL, "%s must be an object with \"id\", \"type\" and \"config\"", label);
			continue;
		}
		const char *id = json_string_value(json_object_get(b->def, "id"));
		if (!id)
			problem(c, NULL, "%s has no \"id\": give it a name such as \"fetch\"", label);
		else if (!id_valid(id))
			problem(c, NULL, "%s: the id '%s' is not valid: use a lowercase letter, then lowercase letters, "
			        "digits or _ (at most %d characters)", label, id, WORKFLOW_MAX_ID);
		else if (!strcmp(id, "trigger") || !strcmp(id, "item") || !strcmp(id, "index"))
			problem(c, NULL, "%s: the id '%s' is reserved (trigger, item and index name run data): choose another",
			        label, id);
		else if (find_block(c, id, strlen(id)) >= 0)
			problem(c, id, "%s: the id '%s' is used by another block: ids must be unique", label, id);
		else
			b->id = id;
		check_keys(c, b->id, b->def, label, keys);
		check_ui(c, b->id, b->def, label);
		const char *type = json_string_value(json_object_get(b->def, "type"));
		if (!type)
			problem(c, b->id, "%s has no \"type\": name a block type such as \"http.request\"", label);
		else if (c->registry && !registry_entry(c->registry, type))
			problem(c, b->id, "unknown block type '%s': no loaded plugin provides it (see the blocks page)", type);
		const json_t *config = json_object_get(b->def, "config");
		if (type && c->registry)
			b->type = schema_block_type(registry_entry(c->registry, type), config);
		if (config && !json_is_object(config) && !json_is_null(config))
			problem(c, b->id, "\"config\" must be an object");
		check_block_settings(c, b, label);
	}
}

/* Splits "block.port" at its first dot; -1 when there is no block of that id. */
static long edge_end(struct check *c, const json_t *e, const char *key, size_t index, const char **port)
{
	const char *s = json_string_value(json_object_get(e, key));
	const char *dot = s ? strchr(s, '.') : NULL;
	if (!dot || dot == s || !dot[1]) {
		problem(c, NULL, "edges[%zu]: \"%s\" must be a string \"block.port\" such as \"fetch.body\"", index, key);
		return -1;
	}
	long b = find_block(c, s, (size_t)(dot - s));
	if (b < 0)
		problem(c, NULL, "edges[%zu]: \"%s\": \"%s\" names no block: there is no block with the id '%.*s'",
		        index, key, s, (int)(dot - s), s);
	*port = dot + 1;
	return b;
}

static int edge_port_ok(struct check *c, const struct block *b, const char *kind, const char *port, size_t index)
{
	if (!b->type || port_exists(b->type, kind, port))
		return 1;
	struct strbuf ports = STRBUF_INIT;
	port_list(&ports, b->type, kind);
	problem(c, b->id, "edges[%zu]: block '%s' (%s) has no %s port '%s' (its %s: %s)", index, b->id,
	        json_string_value(json_object_get(b->type, "name")), kind[0] == 'i' ? "input" : "output", port,
	        kind, sb_str(&ports));
	sb_free(&ports);
	return 0;
}

static void read_edges(struct check *c, const json_t *edges)
{
	static const char *const keys[] = { "from", "to", NULL };
	if (!edges)
		return;
	if (!json_is_array(edges)) {
		problem(c, NULL, "\"edges\" must be an array of {\"from\": \"block.port\", \"to\": \"block.port\"}");
		return;
	}
	if (json_array_size(edges) > WORKFLOW_MAX_EDGES) {
		problem(c, NULL, "the workflow has %zu edges, more than the %d allowed", json_array_size(edges),
		        WORKFLOW_MAX_EDGES);
		return;
	}
	c->edges = xcalloc(json_array_size(edges) + 1, sizeof *c->edges);
	size_t i;
	json_t *e;
	json_array_foreach(edges, i, e) {
		if (!json_is_object(e)) {
			problem(c, NULL, "edges[%zu] must be an object {\"from\": \"block.port\", \"to\": \"block.port\"}", i);
			continue;
		}
		char label[40];
		snprintf(label, sizeof label, "edges[%zu]", i);
		check_keys(c, NULL, e, label, keys);
		const char *out = NULL, *in = NULL;
		long from = edge_end(c, e, "from", i, &out), to = edge_end(c, e, "to", i, &in);
		if (from < 0 || to < 0)
			continue;
		int ok = edge_port_ok(c, &c->blocks[from], "outputs", out, i);
		if (edge_port_ok(c, &c->blocks[to], "inputs", in, i) && ok)
			c->edges[c->nedges++] = (struct edge){ (size_t)from, (size_t)to };
	}
}

static void build_adjacency(struct check *c)
{
	c->out_start = xcalloc(c->nblocks + 1, sizeof *c->out_start);
	c->out_edge = xcalloc(c->nedges + 1, sizeof *c->out_edge);
	for (size_t e = 0; e < c->nedges; e++)
		c->out_start[c->edges[e].from + 1]++;
	for (size_t i = 0; i < c->nblocks; i++)
		c->out_start[i + 1] += c->out_start[i];
	size_t *fill = xcalloc(c->nblocks + 1, sizeof *fill);
	for (size_t e = 0; e < c->nedges; e++) {
		size_t f = c->edges[e].from;
		c->out_edge[c->out_start[f] + fill[f]++] = e;
	}
	free(fill);
}

enum { WHITE, GREY, BLACK };

/* Depth-first walk; an edge back to a block on the current path closes a
 * cycle, reported as that part of the path: "a -> b -> c -> a". */
static void find_cycles(struct check *c, size_t v, unsigned char *colour, size_t *path, size_t depth)
{
	colour[v] = GREY;
	path[depth] = v;
	for (size_t k = c->out_start[v]; k < c->out_start[v + 1]; k++) {
		size_t w = c->edges[c->out_edge[k]].to;
		if (colour[w] == WHITE) {
			find_cycles(c, w, colour, path, depth + 1);
		} else if (colour[w] == GREY) {
			size_t from = depth;
			while (path[from] != w)
				from--;
			struct strbuf cycle = STRBUF_INIT;
			for (size_t i = from; i <= depth; i++)
				sb_printf(&cycle, "%s -> ", c->blocks[path[i]].id);
			sb_adds(&cycle, c->blocks[w].id);
			problem(c, c->blocks[w].id, "the edges form a cycle: %s; a workflow runs each block once "
			        "(to repeat work, use the for_each setting or flow.call)", sb_str(&cycle));
			sb_free(&cycle);
		}
	}
	colour[v] = BLACK;
}

static void check_cycles(struct check *c)
{
	unsigned char *colour = xcalloc(c->nblocks, 1);
	size_t *path = xcalloc(c->nblocks, sizeof *path);
	for (size_t i = 0; i < c->nblocks; i++)
		if (colour[i] == WHITE)
			find_cycles(c, i, colour, path, 0);
	free(path);
	free(colour);
}

/* 1 when there is a path of edges from block a to block b. */
static int reaches(const struct check *c, size_t a, size_t b)
{
	unsigned char *seen = xcalloc(c->nblocks, 1);
	size_t *stack = xcalloc(c->nblocks, sizeof *stack), top = 0;
	int found = 0;
	stack[top++] = a;
	seen[a] = 1;
	while (top && !found) {
		size_t v = stack[--top];
		for (size_t k = c->out_start[v]; k < c->out_start[v + 1]; k++) {
			size_t w = c->edges[c->out_edge[k]].to;
			found |= w == b;
			if (!seen[w]) {
				seen[w] = 1;
				stack[top++] = w;
			}
		}
	}
	free(stack);
	free(seen);
	return found;
}

/* lenient: the field is the block's own template, where a root that is not
 * run data is the block's to fill ({{ in.name }}). */
static void check_root(struct check *c, size_t bi, const char *field, const char *root, int lenient)
{
	const struct block *b = &c->blocks[bi];
	if (!strcmp(root, "trigger"))
		return;
	/* A for_each block sees the element it runs for, and its index. */
	if ((!strcmp(root, "item") || !strcmp(root, "index")) && json_object_get(json_object_get(b->def, "settings"), "for_each"))
		return;
	long up = find_block(c, root, strlen(root));
	if (up == (long)bi)
		problem(c, b->id, "config field '%s': a block cannot use its own output ('%s')", field, root);
	else if (up >= 0 && !reaches(c, (size_t)up, bi))
		problem(c, b->id, "config field '%s': block '%s' is not upstream of '%s': add an edge from %s "
		        "to %s (directly or through other blocks)", field, root, b->id, root, b->id);
	else if (up < 0 && !lenient)
		problem(c, b->id, "config field '%s': unknown placeholder root '%s': a path starts with trigger "
		        "or with the id of an upstream block", field, root);
}

static void check_templates(struct check *c, size_t bi, const json_t *v, struct strbuf *field, int lenient)
{
	size_t mark = field->len;
	if (json_is_string(v) && placeholder_present(json_string_value(v), json_string_length(v))) {
		char err[300];
		json_t *roots = placeholder_roots(json_string_value(v), json_string_length(v), err, sizeof err);
		if (!roots)
			problem(c, c->blocks[bi].id, "config field '%s': %s", sb_str(field), err);
		size_t i;
		json_t *r;
		json_array_foreach(roots, i, r)
			check_root(c, bi, sb_str(field), json_string_value(r), lenient);
		json_decref(roots);
	} else if (json_is_object(v)) {
		const char *key;
		json_t *m;
		json_object_foreach((json_t *)v, key, m) {
			sb_printf(field, "%s%s", mark ? "." : "", key);
			check_templates(c, bi, m, field, lenient);
			field->len = mark;
			field->data[mark] = '\0';
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m) {
			sb_printf(field, "%s%zu", mark ? "." : "", i);
			check_templates(c, bi, m, field, lenient);
			field->len = mark;
			field->data[mark] = '\0';
		}
	}
}

/* A value of the schema type, to stand in for a template whose value is
 * known only at run time: the schema then checks everything else. */
static json_t *stand_in(const json_t *property)
{
	const json_t *choices = json_object_get(property, "enum");
	if (json_array_size(choices))
		return json_deep_copy(json_array_get(choices, 0));
	const char *type = json_string_value(json_object_get(property, "type"));
	if (!type || !strcmp(type, "string"))
		return NULL;
	if (!strcmp(type, "number") || !strcmp(type, "integer"))
		return json_integer(0);
	if (!strcmp(type, "boolean"))
		return json_false();
	return !strcmp(type, "object") ? json_object() : json_array();
}

/* b's config with a stand-in for each template of another type than
 * string: what the schema and the block's check() judge. */
static json_t *config_probe(const struct block *b)
{
	const json_t *config = json_object_get(b->def, "config");
	const json_t *schema = json_object_get(b->type, "config_schema");
	json_t *probe = json_is_object(config) ? json_deep_copy(config) : json_object();
	const char *key;
	json_t *v;
	json_object_foreach(probe, key, v) {
		json_t *prop = json_object_get(json_object_get(schema, "properties"), key);
		json_t *sub;
		if (json_is_string(v) && placeholder_present(json_string_value(v), json_string_length(v)) &&
		    (sub = stand_in(prop)))
			json_object_set_new(probe, key, sub);
	}
	return probe;
}

static void check_config(struct check *c, const struct block *b)
{
	const json_t *config = json_object_get(b->def, "config");
	if (!b->type || (config && !json_is_object(config) && !json_is_null(config)))
		return;
	const json_t *schema = json_object_get(b->type, "config_schema");
	json_t *probe = config_probe(b);
	char err[300];
	json_t *applied = schema_apply(schema, probe, err, sizeof err);
	if (!applied)
		problem(c, b->id, "%s (%s)", err, json_string_value(json_object_get(b->type, "name")));
	json_decref(applied);
	json_decref(probe);
}

static void check_format(struct check *c, const json_t *def)
{
	const json_t *f = json_object_get(def, "format");
	if (!f)
		problem(c, NULL, "\"format\" is missing: add \"format\": %d", WORKFLOW_FORMAT);
	else if (!json_is_integer(f) || json_integer_value(f) != WORKFLOW_FORMAT) {
		char *given = json_dumps(f, JSON_COMPACT | JSON_ENCODE_ANY);
		problem(c, NULL, "unknown format version %s: this Axon reads format %d", given ? given : "?",
		        WORKFLOW_FORMAT);
		free(given);
	}
}

static void check_run(struct check *c, const json_t *def)
{
	static const char *const keys[] = { "format", "name", "description", "trigger", "blocks", "edges", "settings", NULL };
	if (!json_is_object(def)) {
		problem(c, NULL, "a workflow must be a JSON object with \"format\", \"trigger\" and \"blocks\"");
		return;
	}
	check_keys(c, NULL, def, "workflow", keys);
	check_format(c, def);
	check_trigger(c, json_object_get(def, "trigger"));
	check_workflow_settings(c, json_object_get(def, "settings"));
	read_blocks(c, json_object_get(def, "blocks"));
	read_edges(c, json_object_get(def, "edges"));
	build_adjacency(c);
	check_cycles(c);
	struct strbuf field = STRBUF_INIT;
	for (size_t i = 0; i < c->nblocks; i++) {
		const json_t *config = json_object_get(c->blocks[i].def, "config");
		if (!c->blocks[i].id)
			continue;
		if (json_is_object(config)) {
			json_t *formats = schema_field_formats(json_object_get(c->blocks[i].type, "config_schema"));
			const char *key;
			json_t *v;
			json_object_foreach((json_t *)config, key, v) {
				const char *format = json_string_value(json_object_get(formats, key));
				/* A type unknown here (no registry, or none that has it) is reported
				 * on its own; its fields cannot be told apart. */
				int lenient = !c->blocks[i].type || (format && !strcmp(format, "template"));
				if (format && !strcmp(format, "code") && json_is_string(v))
					continue; /* the block's program: its {{ are its own */
				sb_reset(&field);
				sb_adds(&field, key);
				check_templates(c, i, v, &field, lenient);
			}
			json_decref(formats);
		}
		check_config(c, &c->blocks[i]);
	}
	sb_free(&field);
}

static void check_free(struct check *c)
{
	for (size_t i = 0; i < c->nblocks; i++)
		json_decref(c->blocks[i].type);
	free(c->blocks);
	free(c->edges);
	free(c->out_start);
	free(c->out_edge);
}

json_t *workflow_validate(const json_t *def, const json_t *registry)
{
	struct check c = { .problems = json_array(), .registry = registry };
	check_run(&c, def);
	check_free(&c);
	return c.problems;
}

static int block_has_problem(const struct check *c, const char *id)
{
	size_t i;
	json_t *p;
	json_array_foreach(c->problems, i, p) {
		const char *block = json_string_value(json_object_get(p, "block"));
		if (block && id && !strcmp(block, id))
			return 1;
	}
	return 0;
}

json_t *workflow_validate_checks(const json_t *def, const json_t *registry, json_t **checks)
{
	struct check c = { .problems = json_array(), .registry = registry };
	check_run(&c, def);
	*checks = json_array();
	for (size_t i = 0; i < c.nblocks; i++)
		if (c.blocks[i].id && json_is_true(json_object_get(c.blocks[i].type, "checks")) &&
		    !block_has_problem(&c, c.blocks[i].id))
			json_array_append_new(*checks, json_pack("{s:s, s:O, s:o, s:O?}", "block", c.blocks[i].id, "type",
			                                         json_object_get(c.blocks[i].type, "name"), "config",
			                                         config_probe(&c.blocks[i]), "plugin",
			                                         json_object_get(json_object_get(registry, "plugins"),
			                                                         json_string_value(json_object_get(c.blocks[i].type, "plugin")) ?: "")));
	check_free(&c);
	return c.problems;
}

json_t *workflow_order(const json_t *def)
{
	struct check c = { .problems = json_array() };
	check_run(&c, def);
	json_t *order = NULL;
	if (json_array_size(c.problems))
		goto done;
	/* Kahn's algorithm, taking the first ready block in "blocks" order each time. */
	size_t *waiting = xcalloc(c.nblocks, sizeof *waiting);
	unsigned char *done = xcalloc(c.nblocks, 1);
	for (size_t e = 0; e < c.nedges; e++)
		waiting[c.edges[e].to]++;
	order = json_array();
	for (size_t placed = 0; placed < c.nblocks; placed++) {
		size_t v = 0;
		while (done[v] || waiting[v])
			v++;
		done[v] = 1;
		json_array_append_new(order, json_string(c.blocks[v].id));
		for (size_t k = c.out_start[v]; k < c.out_start[v + 1]; k++)
			waiting[c.edges[c.out_edge[k]].to]--;
	}
	free(done);
	free(waiting);
done:
	json_decref(c.problems);
	check_free(&c);
	return order;
}

json_t *workflow_parse(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *def = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!def)
		snprintf(err, errlen, "the workflow is not JSON: line %d column %d: %s", je.line, je.column, je.text);
	return def;
}

enum run_priority workflow_priority(const json_t *def)
{
	const char *p = json_string_value(json_object_get(json_object_get(def, "settings"), "priority"));
	return !p ? PRIORITY_NORMAL : !strcmp(p, "high") ? PRIORITY_HIGH : !strcmp(p, "low") ? PRIORITY_LOW : PRIORITY_NORMAL;
}

json_t *workflow_downstream(const json_t *def, const char *block)
{
	json_t *down = json_pack("{s:b}", block, 1), *edge;
	const json_t *edges = json_object_get(def, "edges");
	/* Each pass adds the blocks one edge further; at most one pass per block. */
	for (bool grew = true; grew;) {
		grew = false;
		size_t i;
		json_array_foreach(edges, i, edge) {
			const char *from = json_string_value(json_object_get(edge, "from"));
			const char *to = json_string_value(json_object_get(edge, "to"));
			if (!from || !to || !strchr(from, '.') || !strchr(to, '.'))
				continue;
			char a[WORKFLOW_MAX_ID + 1], b[WORKFLOW_MAX_ID + 1];
			snprintf(a, sizeof a, "%.*s", (int)(strchr(from, '.') - from), from);
			snprintf(b, sizeof b, "%.*s", (int)(strchr(to, '.') - to), to);
			if (json_object_get(down, a) && !json_object_get(down, b)) {
				json_object_set_new(down, b, json_true());
				grew = true;
			}
		}
	}
	return down;
}
