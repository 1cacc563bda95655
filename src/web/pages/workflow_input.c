#include "web/pages/workflow_input.h"

#include <stdio.h>
#include <string.h>

#include "engine/starters.h"
#include "strbuf.h"
#include "web/form.h"

#define NAME_MAX_LEN 200
#define DESCRIPTION_MAX_LEN 2000
#define TAG_MAX_LEN 32
#define TAGS_MAX 20
#define EXPORT_FORMAT 1

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void check_name(json_t *wf, const char *name, json_t *errors)
{
	if (!name || !*name)
		json_object_set_new(errors, "name", json_string("Give the workflow a name."));
	else if (utf8_chars(name) > NAME_MAX_LEN)
		json_object_set_new(errors, "name", json_string("A name has at most 200 characters."));
	else if (strpbrk(name, "\r\n\t"))
		json_object_set_new(errors, "name", json_string("A name is one line of text."));
	else
		json_object_set_new(wf, "name", json_string(name));
}

static void check_description(json_t *wf, const char *d, json_t *errors)
{
	if (d && utf8_chars(d) > DESCRIPTION_MAX_LEN)
		json_object_set_new(errors, "description", json_string("A description has at most 2000 characters."));
	else
		json_object_set_new(wf, "description", json_string(d ? d : ""));
}

/* Adds the comma-separated tags of one value to the array; -1 on a bad tag. */
static int add_tags(json_t *tags, const char *text, json_t *errors)
{
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *start = p;
		p += len + (p[len] == ',');
		while (len && (*start == ' ')) start++, len--;
		while (len && start[len - 1] == ' ') len--;
		if (!len)
			continue;
		if (len > TAG_MAX_LEN || strspn(start, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") < len) {
			json_object_set_new(errors, "tags", json_string("A tag has 1 to 32 letters, digits, dashes or "
									 "underscores; separate tags with commas."));
			return -1;
		}
		char tag[TAG_MAX_LEN + 1];
		memcpy(tag, start, len);
		tag[len] = '\0';
		size_t i;
		json_t *t;
		int seen = 0;
		json_array_foreach(tags, i, t) seen |= !strcmp(json_string_value(t), tag);
		if (!seen)
			json_array_append_new(tags, json_string(tag));
	}
	if (json_array_size(tags) > TAGS_MAX) {
		json_object_set_new(errors, "tags", json_string("A workflow has at most 20 tags."));
		return -1;
	}
	return 0;
}

static void check_definition(json_t *wf, const char *text, json_t *errors)
{
	if (!text || !*text) {
		json_object_set_new(wf, "definition", workflow_blank());
		return;
	}
	json_error_t je;
	json_t *def = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	char msg[300];
	if (!def) {
		snprintf(msg, sizeof msg, "The definition is not valid JSON: %s (line %d, column %d).", je.text,
			 je.line, je.column);
		json_object_set_new(errors, "definition", json_string(msg));
	} else if (!json_is_object(def)) {
		json_decref(def);
		json_object_set_new(errors, "definition", json_string("The definition must be a JSON object { ... }."));
	} else {
		json_object_set_new(wf, "definition", def);
	}
}

static json_t *finish(json_t *wf, json_t *errors, json_t **errors_out)
{
	if (json_object_size(errors)) {
		json_decref(wf);
		*errors_out = errors;
		return NULL;
	}
	json_decref(errors);
	*errors_out = NULL;
	return wf;
}

json_t *workflow_from_form(const struct form *f, json_t **errors_out, json_t **echo)
{
	json_t *wf = json_object(), *errors = json_object(), *tags = json_array();
	const char *name = form_get(f, "name"), *desc = form_get(f, "description");
	const char *def = form_get(f, "definition");
	struct strbuf tagtext = STRBUF_INIT;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->fields[i].name, "tags") != 0)
			continue;
		if (tagtext.len)
			sb_adds(&tagtext, ", ");
		sb_adds(&tagtext, f->fields[i].value);
	}
	check_name(wf, name, errors);
	check_description(wf, desc, errors);
	add_tags(tags, sb_str(&tagtext), errors);
	json_object_set_new(wf, "tags", tags);
	check_definition(wf, def, errors);
	*echo = json_pack("{s:s,s:s,s:s,s:s}", "name", name ? name : "", "description", desc ? desc : "",
			  "tags", sb_str(&tagtext), "definition", def ? def : workflow_starters[0].definition);
	sb_free(&tagtext);
	return finish(wf, errors, errors_out);
}

json_t *workflow_from_export(const char *text, size_t len, const char *new_name, json_t **errors_out)
{
	json_t *errors = json_object();
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	char msg[300];
	if (!doc || !json_is_object(doc) || json_integer_value(json_object_get(doc, "axon_workflow")) != EXPORT_FORMAT) {
		if (!doc)
			snprintf(msg, sizeof msg, "The file is not valid JSON: %s (line %d, column %d).", je.text,
				 je.line, je.column);
		else
			snprintf(msg, sizeof msg, "The file is not an Axon workflow export "
						  "(it has no \"axon_workflow\": %d).", EXPORT_FORMAT);
		json_decref(doc);
		json_object_set_new(errors, "file", json_string(msg));
		*errors_out = errors;
		return NULL;
	}
	json_t *wf = json_object(), *tags = json_array();
	json_t *name = json_object_get(doc, "name"), *desc = json_object_get(doc, "description");
	json_t *jtags = json_object_get(doc, "tags"), *def = json_object_get(doc, "definition");
	check_name(wf, new_name && *new_name ? new_name : json_is_string(name) ? json_string_value(name) : NULL, errors);
	check_description(wf, json_is_string(desc) ? json_string_value(desc) : NULL, errors);
	size_t i;
	json_t *t;
	json_array_foreach(jtags, i, t) {
		if (!json_is_string(t) || add_tags(tags, json_string_value(t), errors) < 0) {
			if (!json_object_get(errors, "tags"))
				json_object_set_new(errors, "tags", json_string("Tags must be strings."));
			break;
		}
	}
	json_object_set_new(wf, "tags", tags);
	if (def && !json_is_object(def))
		json_object_set_new(errors, "definition", json_string("The definition must be a JSON object { ... }."));
	else
		json_object_set_new(wf, "definition", def ? json_incref(def) : workflow_blank());
	json_decref(doc);
	return finish(wf, errors, errors_out);
}

json_t *workflow_to_export(const json_t *wf)
{
	return json_pack("{s:i,s:O,s:O,s:O,s:O}", "axon_workflow", EXPORT_FORMAT, "name", json_object_get(wf, "name"),
			 "description", json_object_get(wf, "description"), "tags", json_object_get(wf, "tags"),
			 "definition", json_object_get(wf, "definition"));
}
