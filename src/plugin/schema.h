/* The config schema of a block: the small JSON Schema subset that
 * axon/block.h documents (typed properties with title, description, default
 * and enum; a list of required names). Checked once when a plugin loads, then
 * applied to every config before the block runs. */
#ifndef AXON_PLUGIN_SCHEMA_H
#define AXON_PLUGIN_SCHEMA_H
#include <stddef.h>

#include <jansson.h>

/* Parses and checks schema text (NULL means "no config"). Returns the schema
 * as a new object, or NULL with the reason in err. */
json_t *schema_parse(const char *text, char *err, size_t errlen);

/* Checks config (NULL or JSON null mean {}) against schema and returns a new object with
 * the defaults filled in, or NULL with the reason in err. */
json_t *schema_apply(const json_t *schema, const json_t *config, char *err, size_t errlen);

/* {"name": "template" | "code"}: the properties with a "format". A
 * "template" is a text the block fills from its own inputs ({{ in.name }}),
 * in which the engine fills only the placeholders that name run data (trigger,
 * upstream blocks); "code" is the block's program, which the engine leaves
 * alone. */
json_t *schema_field_formats(const json_t *schema);

#define SCHEMA_PORTS_MAX 32 /* ports a config property may name */

/* The registry entry of a block type (NULL: none) as a block with this
 * config has it: its "outputs" followed by a port for each name in each
 * config property whose schema says "format": "ports" (an array of names,
 * such as ai.classify's categories; a name that is not a valid port name,
 * [a-z0-9_] (plugin_valid_port_name), or is a port already is left out, as
 * are names past SCHEMA_PORTS_MAX). A new reference: the entry itself when nothing is
 * added. */
json_t *schema_block_type(const json_t *type, const json_t *config);

#endif
