/* The editor's picture of a workflow definition, as view models that the
 * templates draw (templates/workflows/graph.html is the SVG, editor.html the
 * outline): positions from each node's "ui" or from the layered layout,
 * ports, edges as curves, and the engine's problems on the blocks they name.
 * Everything here is data: the markup, with its escaping, is the template's. */
#ifndef AXON_WEB_GRAPH_H
#define AXON_WEB_GRAPH_H
#include <jansson.h>

/* The registry entry of block type name, or NULL. */
const json_t *graph_block_type(const json_t *registry, const char *name);
/* The registry entry of block b's type with the output ports its config
 * names (schema_block_type: ai.classify's categories), as a new reference,
 * or NULL. */
json_t *graph_block_ports(const json_t *registry, const json_t *b);

/* The canvas (svg.c): {width, height, view_box, fit, nodes: [{id, dom_id, kind, x, y, w, h,
 * transform, title, subtitle, category, icon, url, label, invalid, messages,
 * message_lines, inputs, outputs}], edges: [{from, to, d, implicit}]}.
 * The trigger is the first node; a block without "ui" is placed by the
 * layout. edit_url is the editor's address ("/workflows/7/edit"); a
 * block's node links to edit_url/blocks/ID, its settings form. */
json_t *graph_drawing(const json_t *def, const json_t *registry, const json_t *problems, const char *edit_url);

/* The outline (outline.c), for people and screen readers: {trigger: {type,
 * fields, is_TYPE, cron, timezone, reply_options}, blocks: [{id, type,
 * title, category, anchor, rename_field, url, rename_url,
 * delete_url, messages, inputs: [{name, ref, edges: [{from, to}]}], outputs:
 * [{name, ref, edges}]}] in the order they run (the order of "blocks" while
 * the graph is not valid), outputs and inputs: every port as "block.port",
 * after: where a new block may go ("trigger", then each output)}. */
json_t *graph_outline(const json_t *def, const json_t *registry, const json_t *problems, const char *edit_url);

/* The placeholders a config string of block id may use: "{{ trigger }}"
 * and its fields for the trigger's type, then "{{ block.port }}" for every
 * output of every block upstream of it (in the order of "blocks"), then
 * "{{ item }}" and "{{ index }}" when it runs for each element. */
json_t *graph_placeholders(const json_t *def, const json_t *registry, const char *id);

/* The block picker: the registry's blocks by category, [{category, blocks:
 * [{name, title, description}]}], categories and blocks sorted by name. */
json_t *graph_catalog(const json_t *registry);

/* Tidy up: sets "ui" on the trigger and every block of def from the layered layout. */
void graph_tidy(json_t *def, const json_t *registry);

/* Where a block added after block `after` goes: to its right, moved down
 * until it covers no other node. Sets "ui" on block (already in def) when
 * `after` has one; leaves it to the layout otherwise. */
void graph_place_after(json_t *def, const json_t *registry, json_t *block, const char *after);

#endif
