/* The plugin registry: every block found in the plugin directories, and every
 * plugin that was skipped, with the reason, so a Blocks page can show it.
 * Not thread-safe: build one, then share it read-only or replace it whole. */
#ifndef AXON_PLUGIN_REGISTRY_H
#define AXON_PLUGIN_REGISTRY_H
#include <stdio.h>

#include <axon/block.h>
#include <jansson.h>

struct config;

struct plugin_block {
	struct axon_block def; /* copied from the plugin, zero-filled past its block_size */
	const char *path;      /* the plugin file; owned by the registry */
	json_t *schema;        /* the parsed config schema */
};

struct plugin_skipped {
	char *path;
	char *error;
};

struct registry {
	void **handles; /* dlopen handles */
	char **paths;
	size_t nplugins;
	struct plugin_block *blocks;
	size_t nblocks;
	struct plugin_skipped *skipped;
	size_t nskipped;
};

/* Loads every *.so in the ':'-separated list of directories or plugin files,
 * in name order. Bad plugins are skipped with a warning in the log and kept
 * in reg->skipped. Never fails. */
struct registry *registry_scan(const char *plugin_dirs);
void registry_free(struct registry *reg);

/* Loads one plugin file into reg; returns 0, or -1 with the reason in err
 * (the plugin is then not in reg at all). */
int plugin_load(struct registry *reg, const char *path, char *err, size_t errlen);

/* "text.template", "acme.invoice_parse": two or more [a-z][a-z0-9_]*
 * segments joined by dots, at most 127 characters. */
int plugin_valid_block_name(const char *name);

const struct plugin_block *registry_find(const struct registry *reg, const char *name);

/* {"blocks": [{name, version, title, description, category, plugin, inputs,
 *  outputs, config_schema, limits}...], "skipped": [{path, error}...]} */
json_t *registry_to_json(const struct registry *reg);
json_t *plugin_block_to_json(const struct plugin_block *b);

/* For axond --list-blocks: scans c->plugin_dirs in a forked helper (a
 * plugin's constructor never runs in the caller) and prints the registry as
 * JSON. Returns 0, or -1 after logging why. */
int plugin_print_registry_json(const struct config *c, FILE *out);

#endif
