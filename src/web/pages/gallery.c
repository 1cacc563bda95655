/* The template gallery: ready-made workflows shipped as JSON files in the
 * templates folder's gallery/ (installed by make install), each with what it
 * needs and a picture of its graph. "Use this template" posts the file to the
 * import form, so it becomes a workflow of one's own like any import. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/workflow.h"
#include "log.h"
#include "sandbox/sandbox.h"
#include "strbuf.h"
#include "web/graph/graph.h"
#include "web/pages/pages.h"
#include "web/pages/workflow_input.h"

#define GALLERY_MAX 64

/* A file name a template may have: [a-z0-9-]+.json. */
static bool template_slug(const char *file, char *slug, size_t size)
{
	size_t n = strlen(file);
	if (n <= 5 || n - 5 >= size || strcmp(file + n - 5, ".json"))
		return false;
	for (size_t i = 0; i < n - 5; i++)
		if (!((file[i] >= 'a' && file[i] <= 'z') || (file[i] >= '0' && file[i] <= '9') || file[i] == '-'))
			return false;
	memcpy(slug, file, n - 5);
	slug[n - 5] = '\0';
	return true;
}

/* Whether the block (its type's registry entry) is named or of category match. */
static bool matches(const json_t *type, const char *match)
{
	const char *name = json_string_value(json_object_get(type, "name"));
	const char *category = json_string_value(json_object_get(type, "category"));
	return (name && !strcmp(name, match)) || (category && !strcmp(category, match));
}

/* What a template needs before it runs, from its blocks' names and
 * categories, its poll trigger's block among them. */
static json_t *needs_of(const json_t *def, const json_t *registry)
{
	static const char *const needs[][2] = {
		{ "ai", "A language model: a credential of type LLM provider (base URL, key, default model). The AI blocks name one called \"LLM provider\": make it, or choose yours in each AI block" },
		{ "mail.read", "A mailbox: a credential of type IMAP mailbox (server, login, password). The template names one called \"Mailbox\": make it, or choose yours in the trigger" },
		{ "network", "Internet access to the addresses it fetches (the egress policy of axon.conf)" },
	};
	json_t *out = json_array(), *b, *blocks = json_deep_copy(json_object_get(def, "blocks"));
	const json_t *trigger = json_object_get(def, "trigger");
	size_t i;
	if (!json_is_array(blocks))
		blocks = json_array();
	if (!strcmp(json_string_value(json_object_get(trigger, "type")) ?: "", "poll"))
		json_array_append_new(blocks, json_pack("{s:O?}", "type", json_object_get(trigger, "block")));
	for (size_t n = 0; n < sizeof needs / sizeof needs[0]; n++) {
		json_array_foreach(blocks, i, b) {
			if (matches(graph_block_type(registry, json_string_value(json_object_get(b, "type"))), needs[n][0])) {
				json_array_append_new(out, json_string(needs[n][1]));
				break;
			}
		}
	}
	json_decref(blocks);
	return out;
}

/* The template in file slug.json: {slug, name, description, needs, url,
 * document (the export to import), problems}, or NULL (logged) when the
 * file is not a workflow. */
static json_t *load_template(const char *dir, const char *slug, const json_t *registry)
{
	char path[1200];
	json_error_t je;
	snprintf(path, sizeof path, "%s/%s.json", dir, slug);
	json_t *def = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(def) || !json_is_string(json_object_get(def, "name"))) {
		log_warn("gallery: %s is not a workflow with a name: %s", path, def ? "no \"name\"" : je.text);
		json_decref(def);
		return NULL;
	}
	json_t *wf = json_pack("{s:O, s:O?, s:[s], s:O}", "name", json_object_get(def, "name"), "description",
	                       json_object_get(def, "description"), "tags", "template", "definition", def);
	json_t *export = workflow_to_export(wf);
	char *document = json_dumps(export, JSON_COMPACT);
	json_decref(export);
	struct strbuf url = STRBUF_INIT;
	sb_printf(&url, "/templates/%s", slug);
	json_t *t = json_pack("{s:s, s:O, s:O?, s:o, s:s, s:s, s:o, s:o}", "slug", slug, "name", json_object_get(def, "name"),
	                      "description", json_object_get(def, "description"), "needs", needs_of(def, registry),
	                      "url", sb_str(&url), "document", document ? document : "{}",
	                      "problems", workflow_validate(def, registry), "definition", def);
	sb_free(&url);
	free(document);
	json_decref(wf);
	return t;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void gallery_list(struct request *r)
{
	char dir[1100], slug[128], *slugs[GALLERY_MAX];
	size_t n = 0;
	snprintf(dir, sizeof dir, "%s/gallery", r->app->cfg.template_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && n < GALLERY_MAX && (e = readdir(d)))
		if (template_slug(e->d_name, slug, sizeof slug))
			slugs[n++] = xstrdup(slug);
	if (d)
		closedir(d);
	qsort(slugs, n, sizeof slugs[0], by_name);
	json_t *registry = sandbox_registry(r->app->sandbox), *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *t = load_template(dir, slugs[i], registry);
		if (t) {
			json_object_del(t, "definition");
			json_array_append_new(list, t);
		}
		free(slugs[i]);
	}
	json_decref(registry);
	json_t *m = page_model(r, "Templates");
	json_object_set_new(m, "templates", list);
	reply_view(r, 200, "workflows/gallery", m);
}

void gallery_show(struct request *r)
{
	char dir[1100], slug[128], file[140];
	snprintf(dir, sizeof dir, "%s/gallery", r->app->cfg.template_dir);
	snprintf(file, sizeof file, "%.100s.json", r->params[0]);
	json_t *registry = sandbox_registry(r->app->sandbox);
	char path[1300];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	json_t *t = template_slug(file, slug, sizeof slug) && access(path, R_OK) == 0 ? load_template(dir, slug, registry) : NULL;
	if (!t) {
		json_decref(registry);
		reply_error(r, 404, "There is no template by that name: the Templates page lists those there are.", NULL);
		return;
	}
	json_t *drawing = graph_drawing(json_object_get(t, "definition"), registry, json_object_get(t, "problems"), "");
	/* A node links to its block's page, not to an editor this template has not. */
	size_t i, j;
	json_t *node, *b;
	json_array_foreach(json_object_get(drawing, "nodes"), i, node) {
		struct strbuf url = STRBUF_INIT;
		sb_adds(&url, "#trigger");
		json_array_foreach(json_object_get(json_object_get(t, "definition"), "blocks"), j, b) {
			const char *type = json_string_value(json_object_get(b, "type"));
			const char *id = json_string_value(json_object_get(b, "id"));
			if (type && id && !strcmp(id, json_string_value(json_object_get(node, "id")))) {
				sb_reset(&url);
				sb_adds(&url, "/blocks/");
				sb_add_urlenc(&url, type);
			}
		}
		json_object_set_new(node, "url", json_string(sb_str(&url)));
		sb_free(&url);
	}
	json_decref(registry);
	json_t *m = page_model(r, json_string_value(json_object_get(t, "name")));
	json_object_set_new(m, "template", t);
	json_object_set_new(m, "drawing", drawing);
	reply_view(r, 200, "workflows/template", m);
}
