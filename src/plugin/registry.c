/* The registry: scanning the plugin directories, lookups, and the registry
 * as JSON (for axond --list-blocks, the Blocks page and the sandbox). */
#include "plugin/registry.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
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

static void scan_dir(struct registry *reg, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		log_warn("plugin directory %s: %s (check plugin_dirs in axon.conf)", dir, strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !ends_with_so(e->d_name))
			continue;
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT;
		sb_printf(&path, "%s/%s", dir, names[i]);
		load_or_skip(reg, sb_str(&path));
		sb_free(&path);
		free(names[i]);
	}
	free(names);
}

struct registry *registry_scan(const char *plugin_dirs)
{
	struct registry *reg = xcalloc(1, sizeof *reg);
	char *list = xstrdup(plugin_dirs), *save = NULL;
	for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			load_or_skip(reg, p);
		else
			scan_dir(reg, p);
	}
	free(list);
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
	return json_pack("{s:o, s:o}", "blocks", blocks, "skipped", skipped);
}

int plugin_print_registry_json(const struct config *c, FILE *out)
{
	fflush(out);
	pid_t pid = fork();
	if (pid < 0) {
		log_error("--list-blocks: fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		struct registry *reg = registry_scan(c->plugin_dirs);
		json_t *j = registry_to_json(reg);
		int rc = json_dumpf(j, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF && fflush(out) == 0;
		_exit(rc ? 0 : 1);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_error("--list-blocks: the plugin scan %s %d (a plugin crashed while loading?)",
		          WIFSIGNALED(status) ? "was killed by signal" : "exited with", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return -1;
	}
	return 0;
}
