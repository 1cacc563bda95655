/* A block's examples, from the fixtures its plugin ships beside it.
 *
 * axond reads these files itself rather than through a describe worker:
 * they sit in a plugin directory, which only the operator can write (the
 * same trust as axon.conf and the templates), no plugin code runs to read
 * them, and each is bounded in size and count before jansson parses it
 * (which bounds its own nesting). A file that is too big, not JSON or not in
 * the fixture format is left out with a sentence saying why, and the page
 * still shows the rest. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "web/pages/block_examples.h"

#define EXAMPLE_FILE_MAX (256 * 1024) /* bytes in one fixture file */
#define EXAMPLE_FILES_MAX 32          /* fixture files read per plugin */

static void problem(json_t *problems, const char *file, const char *why)
{
	char text[600];
	snprintf(text, sizeof text, "%.200s: %.380s", file, why);
	json_array_append_new(problems, json_string(text));
}

static json_t *pretty(const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	json_t *t = json_string(s ? s : "");
	free(s);
	return t;
}

/* [{port, value, text}] of an object of ports. */
static json_t *port_rows(const json_t *ports)
{
	json_t *rows = json_array(), *v;
	const char *port;
	json_object_foreach((json_t *)ports, port, v)
		json_array_append_new(rows, json_pack("{s:s, s:O, s:o}", "port", port, "value", v, "text", pretty(v)));
	return rows;
}

/* One case as the page shows it, or NULL when it is not an example a reader
 * can follow (no name, or an expectation of neither outputs nor a status). */
static json_t *example(const json_t *c)
{
	const json_t *expect = json_object_get(c, "expect"), *config = json_object_get(c, "config");
	const char *name = json_string_value(json_object_get(c, "name"));
	const json_t *outputs = json_object_get(expect, "outputs");
	const char *status = json_string_value(json_object_get(expect, "status"));
	if (!name || (!json_is_object(outputs) && !status))
		return NULL;
	json_t *e = json_pack("{s:s, s:o, s:o, s:s, s:b, s:s?}", "name", name, "inputs",
			      port_rows(json_object_get(c, "inputs")), "outputs", port_rows(outputs), "status",
			      status ? status : "ok", "fails", status && strcmp(status, "ok"), "error_contains",
			      json_string_value(json_object_get(expect, "error_contains")));
	if (json_object_size(config)) {
		json_object_set(e, "config", (json_t *)config);
		json_object_set_new(e, "config_text", pretty(config));
	}
	return e;
}

/* The fixture file DIR/NAME, parsed, or NULL with a problem noted. */
static json_t *load(int dir, const char *name, json_t *problems)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		problem(problems, name, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (st.st_size > EXAMPLE_FILE_MAX) {
		close(fd);
		problem(problems, name, "larger than 256 KiB, so it is not read");
		return NULL;
	}
	json_error_t je;
	FILE *f = fdopen(fd, "r");
	json_t *fx = f ? json_loadf(f, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (f)
		fclose(f);
	else
		close(fd);
	if (!fx) {
		char why[300];
		snprintf(why, sizeof why, "not JSON: %s (line %d, column %d)", je.text, je.line, je.column);
		problem(problems, name, why);
	} else if (!json_is_array(json_object_get(fx, "cases"))) {
		problem(problems, name, "wants {\"block\": NAME, \"cases\": [...]}, as axon-block test reads");
		json_decref(fx);
		fx = NULL;
	}
	return fx;
}

static int json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

json_t *block_examples(const char *plugin, const char *block)
{
	json_t *out = json_pack("{s:[], s:[]}", "examples", "problems");
	json_t *examples = json_object_get(out, "examples"), *problems = json_object_get(out, "problems");
	if (!plugin)
		return out;
	const char *slash = strrchr(plugin, '/'), *base = slash ? slash + 1 : plugin;
	const char *dot = strrchr(base, '.');
	struct strbuf path = STRBUF_INIT;
	sb_printf(&path, "%.*s/examples/%.*s", slash ? (int)(slash - plugin) : 1, slash ? plugin : ".",
		  dot ? (int)(dot - base) : (int)strlen(base), base);
	struct dirent **names = NULL;
	int n = scandir(sb_str(&path), &names, json_file, alphasort);
	int dir = n > 0 ? open(sb_str(&path), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	sb_free(&path);
	for (int i = 0; i < n; i++) {
		if (i == EXAMPLE_FILES_MAX)
			problem(problems, names[i]->d_name, "more than 32 example files; the rest are not read");
		json_t *fx = dir >= 0 && i < EXAMPLE_FILES_MAX ? load(dir, names[i]->d_name, problems) : NULL;
		const char *file_block = json_string_value(json_object_get(fx, "block"));
		size_t k;
		json_t *c;
		json_array_foreach(json_object_get(fx, "cases"), k, c) {
			const char *b = json_string_value(json_object_get(c, "block"));
			json_t *e = !strcmp(b ? b : file_block ? file_block : "", block) ? example(c) : NULL;
			if (e)
				json_array_append_new(examples, e);
		}
		json_decref(fx);
		free(names[i]);
	}
	free(names);
	if (dir >= 0)
		close(dir);
	return out;
}
