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
	json_t *credential_types; /* the plugins' declarations, checked, each with its "plugin"; may be NULL */
};

/* Loads every plugin of plugin_files(plugin_dirs) into this process. Bad
 * plugins are skipped with a warning in the log and kept in reg->skipped.
 * Never fails. Only for tests of the loader: axond loads plugins in
 * confined workers only (src/sandbox). */
struct registry *registry_scan(const char *plugin_dirs);
void registry_free(struct registry *reg);

/* Loads one plugin file into reg; returns 0, or -1 with the reason in err
 * (the plugin is then not in reg at all). */
int plugin_load(struct registry *reg, const char *path, char *err, size_t errlen);

/* A plugin file's identity, "DEV:INODE:SIZE:MTIME_NS": a file replaced or
 * rewritten since has another. 0, or -1 with errno set. */
#define PLUGIN_IDENTITY_MAX 96
int plugin_identity(const char *path, char *out, size_t len);

/* "text.template", "acme.invoice_parse": two or more [a-z][a-z0-9_]*
 * segments joined by dots, at most 127 characters. */
int plugin_valid_block_name(const char *name);

/* A port name: [a-z0-9_], 1 to 63 characters. */
int plugin_valid_port_name(const char *name);
/* MAJOR.MINOR.PATCH with an optional -prerelease and +build. */
int plugin_valid_semver(const char *version);

/* Checks registry JSON that came from outside this process (the sandbox's
 * workers describe plugins nobody trusts): every block entry must be what
 * plugin_block_to_json() makes, with valid names, ports and schema, and a
 * name no earlier entry has; "plugins" must map each plugin path to its
 * identity. Entries that are not are moved to "skipped" with the reason. */
void registry_check_json(json_t *reg);

/* A credential type a plugin declares (axon/block.h): credential_type_check()
 * and a namespaced name (a plugin's types cannot take a core type's name).
 * 0, or -1 with the reason in err. */
int registry_credential_type_check(const json_t *type, char *err, size_t errlen);

const struct plugin_block *registry_find(const struct registry *reg, const char *name);

/* {"blocks": [{name, version, title, description, category, plugin, inputs,
 *  outputs, config_schema, limits}...], "skipped": [{path, error}...],
 *  "credential_types": [{name, title, ..., plugin}...]} */
json_t *registry_to_json(const struct registry *reg);
json_t *plugin_block_to_json(const struct plugin_block *b);

/* The plugin files named by a ':'-separated list of directories or files, in
 * name order within each directory (a NULL-terminated array the caller frees
 * with plugin_files_free). An unreadable directory is logged and skipped. */
char **plugin_files(const char *plugin_dirs);
void plugin_files_free(char **files);

#endif
