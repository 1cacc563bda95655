/* The canvas of the editor as data for templates/workflows/graph.html: where
 * each node and port is, and each edge's curve. Coordinates are the ones
 * stored in "ui" (pixels, the top left corner of a box); the view box
 * frames them, so a script moving a node writes back what it reads. */
#include "web/graph/graph.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/schema.h"
#include "strbuf.h"
#include "web/graph/layout.h"

#define NODE_W 200
#define HEAD_H 52     /* title and type lines */
#define PORT_H 22
#define MARGIN 32
#define MESSAGE_CHARS 34 /* per line of a problem under its block */
#define TITLE_CHARS 22
#define FIT_WIDTH 1900 /* a drawing this wide or less may be shrunk to fit the page */

struct node {
	const char *id;      /* "trigger" for the trigger */
	const json_t *def;   /* the block, or the trigger */
	json_t *type;        /* its registry entry (graph_block_ports); NULL for the trigger or an unknown type */
};

/* Node 0 is the trigger, node i the block blocks[i - 1]. */
struct graph {
	struct node *nodes;
	struct layout_box *boxes;
	bool *placed;              /* the node's box is from its "ui" */
	json_t *index;             /* id -> node number */
	size_t n;
	struct layout_edge *edges; /* between nodes; the trigger's to every block nothing feeds */
	size_t nedges;
	size_t explicit_edges;     /* edges[0 .. explicit_edges) are def's "edges", in order, when valid */
	const json_t **edge_defs;  /* def's edge of each explicit edge */
};

const json_t *graph_block_type(const json_t *registry, const char *name)
{
	size_t i;
	json_t *b;
	if (!name)
		return NULL;
	json_array_foreach(json_object_get(registry, "blocks"), i, b)
		if (!strcmp(json_string_value(json_object_get(b, "name")) ?: "", name))
			return b;
	return NULL;
}

json_t *graph_block_ports(const json_t *registry, const json_t *b)
{
	const json_t *type = graph_block_type(registry, json_string_value(json_object_get(b, "type")));
	return type ? schema_block_type(type, json_object_get(b, "config")) : NULL;
}

/* The trigger has one output, "trigger"; a block of an unknown type none. */
static size_t ports_of(const struct graph *g, size_t i, const char *kind)
{
	if (!i)
		return kind[0] == 'o';
	return json_array_size(json_object_get(g->nodes[i].type, kind));
}

static int node_height(const struct graph *g, size_t i)
{
	size_t in = ports_of(g, i, "inputs"), out = ports_of(g, i, "outputs");
	size_t rows = in > out ? in : out;
	return HEAD_H + (int)(rows ? rows : 1) * PORT_H + 8;
}

static long find_node(const struct graph *g, const char *id, size_t len)
{
	const json_t *i = json_object_getn(g->index, id, len);
	return i ? (long)json_integer_value(i) : -1;
}

/* Splits "block.port" into its node (-1 when none) and port. */
static long edge_end(const struct graph *g, const json_t *text, const char **port)
{
	const char *s = json_string_value(text), *dot = s ? strchr(s, '.') : NULL;
	if (!dot)
		return -1;
	*port = dot + 1;
	return find_node(g, s, (size_t)(dot - s));
}

static bool read_ui(const json_t *obj, struct layout_box *box)
{
	const json_t *ui = json_object_get(obj, "ui");
	if (!json_is_integer(json_object_get(ui, "x")) || !json_is_integer(json_object_get(ui, "y")))
		return false;
	box->x = (int)json_integer_value(json_object_get(ui, "x"));
	box->y = (int)json_integer_value(json_object_get(ui, "y"));
	return true;
}

static void graph_read(struct graph *g, const json_t *def, const json_t *registry)
{
	const json_t *blocks = json_object_get(def, "blocks"), *edges = json_object_get(def, "edges");
	*g = (struct graph){ .n = 1 + json_array_size(blocks) };
	g->nodes = xcalloc(g->n, sizeof *g->nodes);
	g->boxes = xcalloc(g->n, sizeof *g->boxes);
	g->placed = xcalloc(g->n, sizeof *g->placed);
	g->nodes[0] = (struct node){ .id = "trigger", .def = json_object_get(def, "trigger") };
	for (size_t i = 1; i < g->n; i++) {
		const json_t *b = json_array_get(blocks, i - 1);
		const char *id = json_string_value(json_object_get(b, "id"));
		g->nodes[i] = (struct node){ .id = id ? id : "?", .def = b,
					     .type = graph_block_ports(registry, b) };
	}
	g->index = json_object();
	for (size_t i = g->n; i-- > 0;) /* the first of a duplicated id wins */
		json_object_set_new(g->index, g->nodes[i].id, json_integer((json_int_t)i));
	for (size_t i = 0; i < g->n; i++) {
		g->boxes[i] = (struct layout_box){ 0, 0, NODE_W, node_height(g, i) };
		g->placed[i] = read_ui(g->nodes[i].def, &g->boxes[i]);
	}
	g->edges = xcalloc(json_array_size(edges) + g->n, sizeof *g->edges);
	g->edge_defs = xcalloc(json_array_size(edges) + 1, sizeof *g->edge_defs);
	bool *fed = xcalloc(g->n, sizeof *fed);
	size_t k;
	json_t *e;
	json_array_foreach(edges, k, e) {
		const char *port;
		long from = edge_end(g, json_object_get(e, "from"), &port), to = edge_end(g, json_object_get(e, "to"), &port);
		if (from <= 0 || to <= 0)
			continue;
		g->edge_defs[g->nedges] = e;
		g->edges[g->nedges++] = (struct layout_edge){ (size_t)from, (size_t)to };
		fed[to] = true;
	}
	g->explicit_edges = g->nedges;
	for (size_t i = 1; i < g->n; i++)
		if (!fed[i])
			g->edges[g->nedges++] = (struct layout_edge){ 0, i };
	free(fed);
}

static void graph_free(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++)
		json_decref(g->nodes[i].type);
	json_decref(g->index);
	free(g->nodes);
	free(g->boxes);
	free(g->placed);
	free(g->edges);
	free(g->edge_defs);
}

/* Every node gets a box: its own "ui", or the layout's (all of them when
 * tidy); a laid-out node among placed ones settles where it covers none. */
static void graph_place(struct graph *g, bool tidy)
{
	struct layout_box *auto_boxes = xcalloc(g->n, sizeof *auto_boxes);
	bool any = false;
	for (size_t i = 0; i < g->n; i++) {
		auto_boxes[i] = g->boxes[i];
		if (tidy)
			g->placed[i] = false;
		any |= g->placed[i];
	}
	bool all = true;
	for (size_t i = 0; i < g->n; i++)
		all &= g->placed[i];
	if (!all)
		layout_layered(g->n, g->edges, g->nedges, auto_boxes);
	for (size_t i = 0; i < g->n; i++)
		if (!g->placed[i]) {
			g->boxes[i] = auto_boxes[i];
			if (any) {
				layout_settle(g->boxes, g->n, i, g->placed);
				g->placed[i] = true;
			}
		}
	free(auto_boxes);
}

static json_t *ui_of(const struct layout_box *b)
{
	return json_pack("{s:i,s:i}", "x", b->x, "y", b->y);
}

void graph_tidy(json_t *def, const json_t *registry)
{
	struct graph g;
	graph_read(&g, def, registry);
	graph_place(&g, true);
	for (size_t i = 0; i < g.n; i++)
		if (json_is_object(g.nodes[i].def))
			json_object_set_new((json_t *)g.nodes[i].def, "ui", ui_of(&g.boxes[i]));
	graph_free(&g);
}

void graph_place_after(json_t *def, const json_t *registry, json_t *block, const char *after)
{
	struct graph g;
	graph_read(&g, def, registry);
	long a = find_node(&g, after, strlen(after));
	long self = -1;
	for (size_t i = 0; i < g.n; i++)
		if (g.nodes[i].def == block)
			self = (long)i;
	if (a >= 0 && self >= 0 && g.placed[a]) {
		g.placed[self] = false;
		struct layout_box *b = &g.boxes[self];
		b->x = g.boxes[a].x + NODE_W + LAYOUT_COLUMN_GAP;
		b->y = g.boxes[a].y;
		layout_settle(g.boxes, g.n, (size_t)self, g.placed);
		json_object_set_new(block, "ui", ui_of(b));
	}
	graph_free(&g);
}

/* A 16×16 stroke icon per category. */
static const char *icon_of(const char *category)
{
	static const struct {
		const char *category, *d;
	} icons[] = {
		{ "trigger", "M9 1 3 9h5l-1 6 6-8H8z" },
		{ "network", "M8 1a7 7 0 1 0 0 14A7 7 0 1 0 8 1M1 8h14M8 1c-3 3-3 11 0 14M8 1c3 3 3 11 0 14" },
		{ "text", "M3 3h10M8 3v10M5.5 13h5" },
		{ "data", "M6 2C4 2 4 3 4 5s0 3-2 3c2 0 2 1 2 3s0 3 2 3M10 2c2 0 2 1 2 3s0 3 2 3c-2 0-2 1-2 3s0 3-2 3" },
		{ "flow", "M2 8h4M6 8l7-5M6 8l7 5M10 2h3v3M10 14h3v-3" },
	};
	for (size_t i = 0; i < sizeof icons / sizeof icons[0]; i++)
		if (category && !strcmp(category, icons[i].category))
			return icons[i].d;
	return "M3 3h10v10H3z";
}

/* The first max characters of s (UTF-8), with "…" when cut. */
static json_t *clip(const char *s, size_t max)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > max)
			break;
	if (!s[i])
		return json_string(s);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, s, i);
	while (sb.len && sb.data[sb.len - 1] == ' ')
		sb.len--;
	sb_adds(&sb, "…");
	json_t *v = json_string(sb_str(&sb));
	sb_free(&sb);
	return v;
}

/* message cut into at most two lines of MESSAGE_CHARS, at spaces where it can. */
static json_t *message_lines(const char *message)
{
	json_t *lines = json_array();
	const char *p = message;
	while (*p && json_array_size(lines) < 2) {
		size_t len = strlen(p);
		if (len > MESSAGE_CHARS && json_array_size(lines) == 0) {
			size_t cut = MESSAGE_CHARS;
			while (cut > MESSAGE_CHARS / 2 && p[cut] != ' ')
				cut--;
			if (p[cut] != ' ')
				cut = MESSAGE_CHARS;
			while (cut && ((unsigned char)p[cut] & 0xC0) == 0x80)
				cut--;
			char *line = xstrndup(p, cut);
			json_array_append_new(lines, json_string(line));
			free(line);
			p += cut + (p[cut] == ' ');
		} else {
			json_array_append_new(lines, clip(p, MESSAGE_CHARS));
			break;
		}
	}
	return lines;
}

static json_t *port_list(const struct graph *g, size_t v, const char *kind)
{
	json_t *ports = json_array();
	bool out = kind[0] == 'o';
	size_t n = ports_of(g, v, kind);
	char ref[200];
	for (size_t i = 0; i < n; i++) {
		const char *name = v ? json_string_value(json_object_get(
					       json_array_get(json_object_get(g->nodes[v].type, kind), i), "name"))
				     : "trigger";
		snprintf(ref, sizeof ref, "%s.%s", g->nodes[v].id, name ? name : "?");
		int cy = HEAD_H + (int)i * PORT_H + PORT_H / 2;
		json_array_append_new(ports, json_pack("{s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:s}", "name", name ? name : "?",
						       "ref", ref, "kind", out ? "output" : "input", "cx", out ? NODE_W : 0,
						       "cy", cy, "tx", out ? NODE_W - 12 : 12, "ty", cy + 4, "anchor",
						       out ? "end" : "start"));
	}
	return ports;
}

/* The messages of problems naming block id. */
static json_t *messages_for(const json_t *problems, const char *id)
{
	json_t *out = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(problems, i, p)
		if (!strcmp(json_string_value(json_object_get(p, "block")) ?: "", id))
			json_array_append(out, json_object_get(p, "message"));
	return out;
}

static const char *trigger_title(const char *type)
{
	if (type && !strcmp(type, "webhook"))
		return "Webhook";
	if (type && !strcmp(type, "schedule"))
		return "Schedule";
	return type && !strcmp(type, "manual") ? "Manual run" : "Trigger";
}

static json_t *node_model(const struct graph *g, size_t i, const json_t *problems, const char *edit_url)
{
	const struct node *v = &g->nodes[i];
	const struct layout_box *box = &g->boxes[i];
	bool trigger = i == 0;
	const char *type = json_string_value(json_object_get(v->def, "type"));
	const char *category = trigger ? "trigger" : json_string_value(json_object_get(v->type, "category"));
	struct strbuf sb = STRBUF_INIT;
	json_t *m = json_object();
	json_object_set_new(m, "id", json_string(v->id));
	sb_printf(&sb, "node-%s", v->id); /* apart from the page's own ids */
	json_object_set_new(m, "dom_id", json_string(sb_str(&sb)));
	sb_reset(&sb);
	json_object_set_new(m, "kind", json_string(trigger ? "trigger" : "block"));
	json_object_set_new(m, "x", json_integer(box->x));
	json_object_set_new(m, "y", json_integer(box->y));
	json_object_set_new(m, "w", json_integer(box->w));
	json_object_set_new(m, "h", json_integer(box->h));
	sb_printf(&sb, "translate(%d %d)", box->x, box->y);
	json_object_set_new(m, "transform", json_string(sb_str(&sb)));
	json_object_set_new(m, "title", clip(trigger ? trigger_title(type) : v->id, TITLE_CHARS));
	sb_reset(&sb);
	const char *type_title = json_string_value(json_object_get(v->type, "title"));
	if (trigger)
		sb_adds(&sb, "trigger");
	else if (v->type)
		sb_adds(&sb, type_title && *type_title ? type_title : type);
	else
		sb_printf(&sb, "unknown type %s", type ? type : "(none)");
	json_object_set_new(m, "subtitle", clip(sb_str(&sb), TITLE_CHARS + 4));
	sb_reset(&sb);
	if (trigger)
		sb_printf(&sb, "%s trigger", trigger_title(type));
	else if (v->type)
		sb_printf(&sb, "%s: %s (%s)", v->id, type_title ? type_title : "", type);
	else
		sb_printf(&sb, "%s: unknown type %s", v->id, type ? type : "(none)");
	json_object_set_new(m, "label", json_string(sb_str(&sb)));
	json_object_set_new(m, "category", json_string(category ? category : "other"));
	json_object_set_new(m, "icon", json_string(icon_of(category)));
	sb_reset(&sb);
	if (trigger) {
		sb_adds(&sb, "#outline-trigger");
	} else {
		sb_printf(&sb, "%s/blocks/", edit_url);
		sb_add_urlenc(&sb, v->id);
	}
	json_object_set_new(m, "url", json_string(sb_str(&sb)));
	json_t *messages = trigger ? json_array() : messages_for(problems, v->id);
	json_object_set_new(m, "invalid", json_boolean(json_array_size(messages) || (!trigger && !v->type)));
	json_object_set_new(m, "message_lines",
			    json_array_size(messages) ? message_lines(json_string_value(json_array_get(messages, 0)))
						      : json_array());
	json_object_set_new(m, "messages", messages);
	json_object_set_new(m, "inputs", port_list(g, i, "inputs"));
	json_object_set_new(m, "outputs", port_list(g, i, "outputs"));
	sb_free(&sb);
	return m;
}

/* Where port `port` of node v is; the middle of the box's side when it has no such port. */
static void port_point(const struct graph *g, size_t v, const char *kind, const char *port, int *x, int *y)
{
	const struct layout_box *box = &g->boxes[v];
	*x = box->x + (kind[0] == 'o' ? box->w : 0);
	*y = box->y + box->h / 2;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(g->nodes[v].type, kind), i, p)
		if (port && !strcmp(json_string_value(json_object_get(p, "name")) ?: "", port))
			*y = box->y + HEAD_H + (int)i * PORT_H + PORT_H / 2;
	if (!v)
		*y = box->y + HEAD_H + PORT_H / 2;
}

static json_t *edge_model(const struct graph *g, size_t k)
{
	size_t from = g->edges[k].from, to = g->edges[k].to;
	const json_t *to_type = g->nodes[to].type;
	const char *out = NULL, *in = NULL;
	const json_t *e = k < g->explicit_edges ? g->edge_defs[k] : NULL;
	if (e) {
		edge_end(g, json_object_get(e, "from"), &out);
		edge_end(g, json_object_get(e, "to"), &in);
	} else {
		in = json_string_value(json_object_get(json_array_get(json_object_get(to_type, "inputs"), 0), "name"));
	}
	int x1, y1, x2, y2;
	port_point(g, from, "outputs", out, &x1, &y1);
	port_point(g, to, "inputs", in, &x2, &y2);
	x2 -= 6; /* the arrow's tip touches the port's circle */
	int dx = abs(x2 - x1) / 2;
	if (dx < 40)
		dx = 40;
	char d[160];
	snprintf(d, sizeof d, "M%d %dC%d %d %d %d %d %d", x1, y1, x1 + dx, y1, x2 - dx, y2, x2, y2);
	return json_pack("{s:s?,s:s?,s:s,s:b}", "from", json_string_value(json_object_get(e, "from")), "to",
			 json_string_value(json_object_get(e, "to")), "d", d, "implicit", e == NULL);
}

json_t *graph_drawing(const json_t *def, const json_t *registry, const json_t *problems, const char *edit_url)
{
	struct graph g;
	graph_read(&g, def, registry);
	graph_place(&g, false);
	int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
	json_t *nodes = json_array(), *edges = json_array();
	for (size_t i = 0; i < g.n; i++) {
		const struct layout_box *b = &g.boxes[i];
		x0 = !i || b->x < x0 ? b->x : x0;
		y0 = !i || b->y < y0 ? b->y : y0;
		x1 = !i || b->x + b->w > x1 ? b->x + b->w : x1;
		y1 = !i || b->y + b->h > y1 ? b->y + b->h : y1;
		json_array_append_new(nodes, node_model(&g, i, problems, edit_url));
	}
	for (size_t k = 0; k < g.nedges; k++)
		json_array_append_new(edges, edge_model(&g, k));
	int width = x1 - x0 + 2 * MARGIN, height = y1 - y0 + 2 * MARGIN + 24; /* room for a message under a box */
	char box[96];
	snprintf(box, sizeof box, "%d %d %d %d", x0 - MARGIN, y0 - MARGIN, width, height);
	graph_free(&g);
	return json_pack("{s:i,s:i,s:s,s:b,s:o,s:o}", "width", width, "height", height, "view_box", box, "fit",
			 width <= FIT_WIDTH, "nodes", nodes, "edges", edges);
}
