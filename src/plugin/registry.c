/* The registry: scanning the plugin directories, lookups, and the registry
 * as JSON (for axond --list-blocks, the Blocks page and the sandbox). */
#include "plugin/registry.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"

static void load_or_skip(struct registry *reg, const char *path)
{
	char err[600];
	if (plugin_load(reg, path, err, sizeof err) == 0)
		return;
	log_warn("plugin %s skipped: %s", path, err);
	reg->skipped = xrealloc(reg->skipped, (reg->nskipped + 1) * sizeof *reg->skipped);
	reg->skipped[reg->nskipped].path = xstrdup(path);
	reg->skipped[reg->nskipped].error = xstrdup(err);
	reg->nskipped++;
}

static int ends_with_so(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && !strcmp(name + n - 3, ".so");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_file(char ***files, size_t *n, char *path)
{
	*files = xrealloc(*files, (*n + 2) * sizeof **files);
	(*files)[(*n)++] = path;
	(*files)[*n] = NULL;
}

static void scan_dir(const char *dir, char ***files, size_t *n)
{
	DIR *d = opendir(dir);
	if (!d) {
		log_warn("plugin directory %s: %s (check plugin_dirs in axon.conf)", dir, strerror(errno));
		return;
	}
	size_t first = *n;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !ends_with_so(e->d_name))
			continue;
		struct strbuf path = STRBUF_INIT;
		sb_printf(&path, "%s/%s", dir, e->d_name);
		add_file(files, n, sb_detach(&path));
	}
	closedir(d);
	qsort(*files + first, *n - first, sizeof **files, by_name);
}

char **plugin_files(const char *plugin_dirs)
{
	char **files = xcalloc(1, sizeof *files);
	size_t n = 0;
	char *list = xstrdup(plugin_dirs), *save = NULL;
	for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			add_file(&files, &n, xstrdup(p));
		else
			scan_dir(p, &files, &n);
	}
	free(list);
	return files;
}

void plugin_files_free(char **files)
{
	for (size_t i = 0; files && files[i]; i++)
		free(files[i]);
	free(files);
}

int plugin_identity(const char *path, char *out, size_t len)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	snprintf(out, len, "%llu:%llu:%lld:%lld", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	         (long long)st.st_size, (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
	return 0;
}

struct registry *registry_scan(const char *plugin_dirs)
{
	struct registry *reg = xcalloc(1, sizeof *reg);
	char **files = plugin_files(plugin_dirs);
	for (size_t i = 0; files[i]; i++)
		load_or_skip(reg, files[i]);
	plugin_files_free(files);
	return reg;
}

void registry_free(struct registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->nblocks; i++)
		json_decref(reg->blocks[i].schema);
	for (size_t i = 0; i < reg->nplugins; i++) {
		dlclose(reg->handles[i]);
		free(reg->paths[i]);
	}
	for (size_t i = 0; i < reg->nskipped; i++) {
		free(reg->skipped[i].path);
		free(reg->skipped[i].error);
	}
	free(reg->blocks);
	free(reg->handles);
	free(reg->paths);
	free(reg->skipped);
	json_decref(reg->credential_types);
	free(reg);
}

const struct plugin_block *registry_find(const struct registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->nblocks; i++)
		if (!strcmp(reg->blocks[i].def.name, name))
			return &reg->blocks[i];
	return NULL;
}

static json_t *ports_json(const struct axon_port *ports)
{
	json_t *a = json_array();
	for (size_t i = 0; ports && ports[i].name; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "name", ports[i].name,
		                                   "description", ports[i].description ? ports[i].description : ""));
	return a;
}

json_t *plugin_block_to_json(const struct plugin_block *b)
{
	const struct axon_block *d = &b->def;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:O, s:{s:I, s:I, s:I}}",
	                 "name", d->name, "version", d->version, "title", d->title,
	                 "description", d->description ? d->description : "",
	                 "category", d->category ? d->category : "", "plugin", b->path,
	                 "inputs", ports_json(d->inputs), "outputs", ports_json(d->outputs),
	                 "config_schema", b->schema,
	                 "limits", "wall_ms", (json_int_t)d->limits.wall_ms, "cpu_ms", (json_int_t)d->limits.cpu_ms,
	                 "memory_bytes", (json_int_t)d->limits.memory_bytes);
}

json_t *registry_to_json(const struct registry *reg)
{
	json_t *blocks = json_array(), *skipped = json_array();
	for (size_t i = 0; i < reg->nblocks; i++)
		json_array_append_new(blocks, plugin_block_to_json(&reg->blocks[i]));
	for (size_t i = 0; i < reg->nskipped; i++)
		json_array_append_new(skipped, json_pack("{s:s, s:s}", "path", reg->skipped[i].path,
		                                         "error", reg->skipped[i].error));
	return json_pack("{s:o, s:o, s:o}", "blocks", blocks, "skipped", skipped, "credential_types",
			 reg->credential_types ? json_deep_copy(reg->credential_types) : json_array());
}
