/* Loading one plugin: dlopen, the descriptor, the ABI check, and the checks
 * of each block definition. A refusal names what is wrong and what to do. */
#include "plugin/registry.h"

#include <ctype.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/schema.h"
#include "strbuf.h"

/* The oldest struct axon_block layout this loader understands (ABI 1.0). */
#define BLOCK_SIZE_1_0 (offsetof(struct axon_block, run) + sizeof(void *))
#define PLUGIN_SIZE_1_0 (offsetof(struct axon_plugin, reserved))

static int valid_segment(const char **p)
{
	if (!islower((unsigned char)**p))
		return 0;
	while (islower((unsigned char)**p) || isdigit((unsigned char)**p) || **p == '_')
		(*p)++;
	return 1;
}

int plugin_valid_block_name(const char *s)
{
	int segments = 0;
	if (!s || strlen(s) > 127)
		return 0;
	for (;;) {
		if (!valid_segment(&s))
			return 0;
		segments++;
		if (*s == '\0')
			return segments >= 2;
		if (*s++ != '.')
			return 0;
	}
}

int plugin_valid_port_name(const char *s)
{
	if (!s || !*s || strlen(s) > 63)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int numeric_part(const char **p)
{
	if (!isdigit((unsigned char)**p) || (**p == '0' && isdigit((unsigned char)(*p)[1])))
		return 0;
	while (isdigit((unsigned char)**p))
		(*p)++;
	return 1;
}

/* MAJOR.MINOR.PATCH with an optional -prerelease and +build of [0-9A-Za-z.-]. */
int plugin_valid_semver(const char *s)
{
	if (!s)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (!numeric_part(&s))
			return 0;
		if (i < 2 && *s++ != '.')
			return 0;
	}
	if (*s == '-' || *s == '+') {
		s++;
		if (!*s)
			return 0;
		for (; *s; s++)
			if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '+')
				return 0;
	}
	return *s == '\0';
}

static int check_ports(const struct axon_port *ports, const char *what, char *err, size_t errlen)
{
	for (size_t i = 0; ports && ports[i].name; i++) {
		if (!plugin_valid_port_name(ports[i].name)) {
			snprintf(err, errlen, "%s port '%s' is not a valid name ([a-z0-9_], at most 63 characters)", what, ports[i].name);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(ports[i].name, ports[j].name)) {
				snprintf(err, errlen, "%s port '%s' is declared twice", what, ports[i].name);
				return -1;
			}
		}
	}
	return 0;
}

static int check_block(const struct axon_block *b, char *err, size_t errlen)
{
	char why[400];
	if (!plugin_valid_block_name(b->name)) {
		snprintf(err, errlen, "block name '%s' is not namespaced like \"acme.invoice_parse\" (two or more [a-z][a-z0-9_]* parts joined by dots)",
		         b->name ? b->name : "(null)");
		return -1;
	}
	if (!plugin_valid_semver(b->version)) {
		snprintf(err, errlen, "block '%s': version '%s' is not semver (MAJOR.MINOR.PATCH)", b->name, b->version ? b->version : "(null)");
		return -1;
	}
	if (!b->title || !*b->title) {
		snprintf(err, errlen, "block '%s' has no title", b->name);
		return -1;
	}
	if (!b->run) {
		snprintf(err, errlen, "block '%s' has no run function", b->name);
		return -1;
	}
	if (check_ports(b->inputs, "input", why, sizeof why) || check_ports(b->outputs, "output", why, sizeof why)) {
		snprintf(err, errlen, "block '%s': %s", b->name, why);
		return -1;
	}
	return 0;
}

static struct plugin_block *find_block(struct plugin_block *blocks, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(blocks[i].def.name, name))
			return &blocks[i];
	return NULL;
}

/* Checks every block of desc and appends them to reg; all or nothing. */
static int add_blocks(struct registry *reg, const struct axon_plugin *desc, const char *path, char *err, size_t errlen)
{
	size_t first = reg->nblocks;
	reg->blocks = xrealloc(reg->blocks, (first + desc->nblocks) * sizeof *reg->blocks);
	for (uint32_t i = 0; i < desc->nblocks; i++) {
		struct plugin_block *pb = &reg->blocks[reg->nblocks];
		memset(pb, 0, sizeof *pb);
		size_t n = desc->block_size < sizeof pb->def ? desc->block_size : sizeof pb->def;
		memcpy(&pb->def, (const char *)desc->blocks + (size_t)i * desc->block_size, n);
		if (check_block(&pb->def, err, errlen))
			goto bad;
		const struct plugin_block *dup = find_block(reg->blocks, reg->nblocks, pb->def.name);
		if (dup) {
			snprintf(err, errlen, "block '%s' is already provided by %s: remove one of the two plugins", pb->def.name, dup->path);
			goto bad;
		}
		char why[400];
		pb->schema = schema_parse(pb->def.config_schema, why, sizeof why);
		if (!pb->schema) {
			snprintf(err, errlen, "block '%s': %s", pb->def.name, why);
			goto bad;
		}
		pb->path = path;
		reg->nblocks++;
	}
	return 0;
bad:
	while (reg->nblocks > first)
		json_decref(reg->blocks[--reg->nblocks].schema);
	return -1;
}

/* The credential types desc declares (ABI 1.1), each checked and marked
 * with its plugin: a new array, or NULL with the reason in err. */
static json_t *credential_types_of(const struct axon_plugin *desc, const char *path, char *err, size_t errlen)
{
	json_t *types = json_array();
	size_t off = offsetof(struct axon_plugin, credential_types);
	if (desc->size < off + sizeof desc->credential_types || !desc->credential_types)
		return types;
	for (size_t i = 0; desc->credential_types[i]; i++) {
		json_error_t je;
		char why[600];
		json_t *t = i < 64 ? json_loads(desc->credential_types[i], JSON_REJECT_DUPLICATES, &je) : NULL;
		if (!t || registry_credential_type_check(t, why, sizeof why) < 0) {
			snprintf(err, errlen, "credential type %zu: %s", i, i >= 64 ? "a plugin declares at most 64" : t ? why : je.text);
			json_decref(t);
			json_decref(types);
			return NULL;
		}
		json_object_set_new(t, "plugin", json_string(path));
		json_array_append_new(types, t);
	}
	return types;
}

int plugin_load(struct registry *reg, const char *path, char *err, size_t errlen)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "cannot load: %s", dlerror());
		return -1;
	}
	axon_plugin_fn fn;
	*(void **)&fn = dlsym(h, AXON_PLUGIN_SYMBOL);
	const struct axon_plugin *desc = fn ? fn() : NULL;
	if (!fn) {
		snprintf(err, errlen, "no %s() function: is this an Axon plugin? (write AXON_PLUGIN(...) in one source file)", AXON_PLUGIN_SYMBOL);
		goto bad;
	}
	if (!desc || desc->size < PLUGIN_SIZE_1_0) {
		snprintf(err, errlen, "%s() returned %s", AXON_PLUGIN_SYMBOL, desc ? "a descriptor too small to be one" : "NULL");
		goto bad;
	}
	if (desc->abi_major != AXON_ABI_MAJOR || desc->abi_minor > AXON_ABI_MINOR) {
		snprintf(err, errlen, "built for block ABI %u.%u, but this Axon provides ABI %u.%u: rebuild the plugin against this Axon's axon/block.h",
		         desc->abi_major, desc->abi_minor, AXON_ABI_MAJOR, AXON_ABI_MINOR);
		goto bad;
	}
	if (desc->block_size < BLOCK_SIZE_1_0 || !desc->blocks || desc->nblocks == 0 || desc->nblocks > 1000) {
		snprintf(err, errlen, "the descriptor lists no blocks (or a block size of %u bytes, which ABI %u.%u does not have)",
		         desc->block_size, desc->abi_major, desc->abi_minor);
		goto bad;
	}
	char *owned = xstrdup(path);
	json_t *types = credential_types_of(desc, owned, err, errlen);
	if (!types || add_blocks(reg, desc, owned, err, errlen)) {
		json_decref(types);
		free(owned);
		goto bad;
	}
	reg->handles = xrealloc(reg->handles, (reg->nplugins + 1) * sizeof *reg->handles);
	reg->paths = xrealloc(reg->paths, (reg->nplugins + 1) * sizeof *reg->paths);
	if (!reg->credential_types)
		reg->credential_types = json_array();
	json_array_extend(reg->credential_types, types);
	json_decref(types);
	reg->handles[reg->nplugins] = h;
	reg->paths[reg->nplugins] = owned;
	reg->nplugins++;
	return 0;
bad:
	dlclose(h);
	return -1;
}
