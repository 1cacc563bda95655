/* A block's settings form (/workflows/ID/edit/blocks/BLOCK), built from its
 * type's config schema, with the per-block settings (retries, timeout,
 * continue on error, for-each) after it. A save is an edit like the
 * editor's: refused in place, with what was typed, when a value does not
 * parse or when the engine finds a problem with the block. The editor's
 * script shows the same form in its settings panel (.../panel, the form of
 * the block in its draft) and posts it with the draft: an edit of the draft,
 * refused with the panel's form again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/placeholder.h"
#include "engine/workflow.h"
#include "web/graph/graph.h"
#include "web/pages/editor.h"
#include "web/pages/pages.h"
#include "web/pages/placeholder_paths.h"

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The per-block settings of docs/workflow-format.md, with their bounds. */
static const struct setting {
	const char *name, *label, *help;
	long long min, max; /* 0, 0: not a number */
} settings[] = {
	{ "timeout_ms", "Timeout (ms)", "The block's wall-clock limit.", 1, 86400000LL },
	{ "retries", "Retries", "Attempts after the first, with exponential backoff.", 0, 100 },
	{ "retry_delay_ms", "First retry after (ms)", "Each next retry waits twice as long, at most 5 minutes.", 1,
	  3600000LL },
	{ "continue_on_error", "Continue on error", "The run goes on when this block fails.", 0, 0 },
	{ "for_each", "For each element of",
	  "An input port, or a path inside one (in.items): the block runs once per element.", 0, 0 },
	{ "concurrency", "Elements at once", "With for each: how many elements run at the same time.", 1, 1024 },
};

/* The last value of a field: a checkbox follows its hidden "false". */
static const char *last_field(struct request *r, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < r->body.n; i++)
		if (!strcmp(r->body.fields[i].name, name))
			v = r->body.fields[i].value;
	return v;
}

/* A value as the text of its input: strings as they are, the rest as JSON. */
static json_t *as_text(const json_t *v)
{
	if (!v)
		return json_string("");
	if (json_is_string(v))
		return json_incref((json_t *)v);
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
	json_t *t = json_string(s ? s : "");
	free(s);
	return t;
}

static bool is_required(const json_t *schema, const char *name)
{
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(schema, "required"), i, n)
		if (!strcmp(json_string_value(n) ?: "", name))
			return true;
	return false;
}

/* One config field of the form; value is the text typed (or stored). */
static json_t *config_field(const json_t *schema, const char *name, const json_t *prop, json_t *value,
			    const json_t *errors)
{
	const char *type = str(prop, "type") ?: "";
	const json_t *choices = json_object_get(prop, "enum");
	bool is_enum = json_array_size(choices) > 0, required = is_required(schema, name);
	bool is_template = !strcmp(str(prop, "format") ?: "", "template");
	bool is_code = !is_enum && !strcmp(str(prop, "format") ?: "", "code") && !strcmp(type, "string");
	bool is_boolean = !is_enum && !strcmp(type, "boolean");
	bool is_number = !is_enum && (!strcmp(type, "number") || !strcmp(type, "integer"));
	bool is_credential = !strcmp(str(prop, "format") ?: "", "credential");
	bool is_text = !is_enum && !is_template && !is_code && !is_credential && !strcmp(type, "string");
	bool is_json = !is_enum && !is_template && !is_code && !is_boolean && !is_number && !is_text && !is_credential;
	char input[300], id[300];
	snprintf(input, sizeof input, "config.%s", name);
	snprintf(id, sizeof id, "config-%s", name);
	json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:s?,s:s}", "name", name, "input",
			      input, "id", id, "label", str(prop, "title") ?: name, "help", str(prop, "description"),
			      "required", required, "is_enum", is_enum, "is_template", is_template, "is_code", is_code,
			      "is_boolean", is_boolean, "is_number", is_number, "is_text", is_text, "is_json", is_json,
			      "language", is_code ? str(prop, "language") : NULL, "step",
			      !strcmp(type, "integer") ? "1" : "any");
	const json_t *def = json_object_get(prop, "default");
	if (def) {
		json_t *t = as_text(def);
		json_object_set_new(f, "default_text", json_string(json_string_length(t) ? json_string_value(t) : "\"\""));
		json_decref(t);
	}
	const char *text = json_string_value(value) ?: "";
	json_object_set_new(f, "checked", json_boolean(is_boolean && (*text ? !strcmp(text, "true") : json_is_true(def))));
	if (is_enum) {
		json_t *options = json_array();
		size_t i;
		json_t *c;
		json_array_foreach(choices, i, c) {
			json_t *t = as_text(c);
			json_array_append_new(options, json_pack("{s:O,s:b}", "value", t, "selected",
								 !strcmp(json_string_value(t), text)));
			json_decref(t);
		}
		json_object_set_new(f, "options", options);
	}
	json_object_set_new(f, "value", value);
	json_object_set(f, "error", json_object_get(errors, input));
	return f;
}

static json_t *setting_field(const struct setting *s, json_t *value, const json_t *errors)
{
	char input[64], id[64];
	snprintf(input, sizeof input, "settings.%s", s->name);
	snprintf(id, sizeof id, "settings-%s", s->name);
	bool is_boolean = !strcmp(s->name, "continue_on_error"), is_number = s->max > 0;
	json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b}", "name", s->name, "input", input, "id", id, "label",
			      s->label, "help", s->help, "is_boolean", is_boolean, "is_number", is_number, "is_text",
			      !is_boolean && !is_number);
	if (is_number) {
		json_object_set_new(f, "min", json_integer(s->min));
		json_object_set_new(f, "max", json_integer(s->max));
	}
	json_object_set_new(f, "checked", json_boolean(!strcmp(json_string_value(value) ?: "", "true")));
	json_object_set_new(f, "value", value);
	json_object_set(f, "error", json_object_get(errors, input));
	return f;
}

/* The line (and column, 0 when not given) a code block's message names:
 * "line 3: ...", "... (line 3, column 7)", "... at line 3". 0 for none. */
static long message_line(const char *message, long *column)
{
	*column = 0;
	for (const char *p = message ? strstr(message, "line ") : NULL; p; p = strstr(p + 5, "line ")) {
		char *end;
		long line = strtol(p + 5, &end, 10);
		if ((p == message || p[-1] == ' ' || p[-1] == '(') && end > p + 5 && line > 0) {
			if (!strncmp(end, ", column ", 9))
				*column = strtol(end + 9, NULL, 10);
			return line;
		}
	}
	return 0;
}

/* Marks the line of a code field that the block's problem (the save-time
 * check) names, or else its error in the workflow's last run. */
static void mark_error_line(struct request *r, const json_t *wf, const char *id, const json_t *messages,
			    json_t *fields)
{
	json_t *last = NULL, *p;
	const char *message = NULL, *where = "the check at save";
	long line = 0, column = 0;
	size_t i;
	json_array_foreach(messages, i, p)
		if (!line && (line = message_line(json_string_value(p), &column)))
			message = json_string_value(p);
	if (!line && store_block_last_error(r->st, json_integer_value(json_object_get(wf, "id")), id, &last) == STORE_OK &&
	    (line = message_line(str(last, "error"), &column))) {
		message = str(last, "error");
		where = "the last run";
	}
	json_array_foreach(fields, i, p)
		if (line && json_is_true(json_object_get(p, "is_code"))) {
			char note[320];
			snprintf(note, sizeof note, "%s-error", str(p, "id"));
			json_object_set_new(p, "code_error", json_pack("{s:I,s:I,s:s,s:s,s:s}", "line", (json_int_t)line,
								       "column", (json_int_t)column, "message", message,
								       "where", where, "id", note));
		}
	json_decref(last);
}

/* The workflow's newest run, with its input and steps, or NULL. */
static json_t *last_run(struct request *r, const json_t *wf)
{
	struct run_query q = { .workflow_id = json_integer_value(json_object_get(wf, "id")), .page = 1, .per_page = 1 };
	json_t *items = NULL, *run = NULL;
	int64_t total = 0;
	if (store_run_list(r->st, &q, &items, &total) == STORE_OK && json_array_size(items) &&
	    store_run_get(r->st, json_integer_value(json_object_get(json_array_get(items, 0), "id")), &run) != STORE_OK)
		run = NULL;
	json_decref(items);
	return run;
}

/* The form's model. typed: {input name: text} when showing a refused post,
 * else NULL (the values of e->def are shown). Takes e->wf. */
static json_t *settings_model(struct request *r, struct edit *e, const json_t *block, const json_t *typed,
			      const json_t *errors)
{
	const char *id = str(block, "id");
	const json_t *type = graph_block_type(e->registry, str(block, "type"));
	const json_t *schema = json_object_get(type, "config_schema");
	const json_t *config = json_object_get(block, "config"), *stored = json_object_get(block, "settings");
	struct strbuf title = STRBUF_INIT;
	sb_printf(&title, "Settings of %s", id);
	json_t *m = page_model(r, sb_str(&title));
	sb_free(&title);
	json_t *fields = json_array(), *per_block = json_array();
	const char *key;
	json_t *prop;
	char input[300];
	json_object_foreach((json_t *)json_object_get(schema, "properties"), key, prop) {
		snprintf(input, sizeof input, "config.%s", key);
		json_t *value = typed ? as_text(json_object_get(typed, input)) : as_text(json_object_get(config, key));
		json_t *f = config_field(schema, key, prop, value, errors);
		if (!strcmp(str(prop, "format") ?: "", "credential"))
			credential_choices(r, prop, f);
		json_array_append_new(fields, f);
	}
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		snprintf(input, sizeof input, "settings.%s", settings[i].name);
		json_t *value = typed ? as_text(json_object_get(typed, input))
				      : as_text(json_object_get(stored, settings[i].name));
		json_array_append_new(per_block, setting_field(&settings[i], value, errors));
	}
	char url[64], action[200];
	editor_url(url, sizeof url, e->wf);
	snprintf(action, sizeof action, "%s/blocks/%s", url, id);
	json_t *problems = engine_problems(r->app->engine, r->st, 0, 0, e->def), *messages = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(problems, i, p)
		if (!strcmp(str(p, "block") ?: "", id))
			json_array_append(messages, json_object_get(p, "message"));
	json_decref(problems);
	mark_error_line(r, e->wf, id, messages, fields);
	json_object_set_new(m, "block", json_pack("{s:s,s:s?,s:s?,s:s?,s:s?}", "id", id, "type", str(block, "type"),
						 "title", str(type, "title"), "description", str(type, "description"),
						 "category", str(type, "category")));
	json_object_set_new(m, "unknown_type", json_boolean(!type));
	json_t *placeholders = graph_placeholders(e->def, e->registry, id), *run = last_run(r, e->wf);
	if (run) {
		json_t *more = placeholder_paths(placeholders, run);
		json_decref(placeholders);
		placeholders = more;
		json_object_set(m, "placeholders_run", json_object_get(run, "id"));
		json_decref(run);
	}
	json_object_set_new(m, "placeholders", placeholders);
	json_object_set_new(m, "fields", fields);
	json_object_set_new(m, "settings", per_block);
	json_object_set_new(m, "messages", messages);
	json_object_set_new(m, "action", json_string(action));
	json_object_set_new(m, "editor_url", json_string(url));
	json_object_set_new(m, "workflow", e->wf);
	e->wf = NULL;
	return m;
}

void block_settings_get(struct request *r)
{
	struct edit e = { 0 };
	if (!(e.wf = load_workflow(r, 0)))
		return;
	e.registry = engine_registry(r->app->engine);
	const json_t *def = json_object_get(e.wf, "definition");
	e.def = json_is_object(def) ? json_deep_copy(def) : json_object();
	const json_t *block = edit_route_block(r, &e, NULL);
	if (block) {
		reply_view(r, 200, "workflows/block", settings_model(r, &e, block, NULL, NULL));
		edit_free(&e);
	}
}

/* The form alone, as the editor's settings panel shows it (HTML). */
static void reply_panel(struct request *r, int status, json_t *m)
{
	json_object_set_new(m, "panel", json_true());
	r->json = false;
	reply_view(r, status, "workflows/block_panel", m);
}

/* POST .../blocks/BLOCK/panel: the settings form of the block in the
 * editor's "draft" (or in the stored version), for its settings panel. */
void block_settings_panel(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const json_t *block = edit_route_block(r, &e, NULL);
	if (block) {
		reply_panel(r, 200, settings_model(r, &e, block, NULL, NULL));
		edit_free(&e);
	}
}

/* A number typed in a field: NULL with an error when it is not one. A
 * placeholder stands for a value known at run time and is kept as text. */
static json_t *parse_number(const char *text, bool integer, json_t *errors, const char *input)
{
	if (placeholder_present(text, strlen(text)))
		return json_string(text);
	char *end;
	errno = 0;
	json_t *v = NULL;
	if (integer) {
		long long n = strtoll(text, &end, 10);
		if (!errno && end != text && !*end)
			v = json_integer(n);
	} else {
		double d = strtod(text, &end);
		if (!errno && end != text && !*end)
			v = json_real(d);
	}
	if (!v)
		json_object_set_new(errors, input, json_string(integer ? "Write a whole number (such as 10), or leave it empty."
								 : "Write a number (such as 2.5), or leave it empty."));
	return v;
}

/* The config from the form's fields; errors gets a message per field that does not parse. */
static json_t *read_config(struct request *r, const json_t *schema, json_t *typed, json_t *errors)
{
	json_t *config = json_object();
	const char *key;
	json_t *prop;
	char input[300];
	json_object_foreach((json_t *)json_object_get(schema, "properties"), key, prop) {
		snprintf(input, sizeof input, "config.%s", key);
		const char *text = last_field(r, input) ?: "";
		const char *type = str(prop, "type") ?: "";
		json_object_set_new(typed, input, json_string(text));
		json_t *v = NULL;
		if (json_array_size(json_object_get(prop, "enum"))) {
			size_t i;
			json_t *c;
			json_array_foreach(json_object_get(prop, "enum"), i, c) {
				json_t *t = as_text(c);
				if (*text && !strcmp(json_string_value(t), text))
					v = json_deep_copy(c);
				json_decref(t);
			}
			if (*text && !v)
				json_object_set_new(errors, input, json_string("Pick one of the choices."));
		} else if (!strcmp(type, "boolean")) {
			if (*text)
				v = json_boolean(!strcmp(text, "true"));
		} else if (!*text) {
			if (is_required(schema, key))
				json_object_set_new(errors, input, json_string("Fill this in: the block needs it."));
		} else if (!strcmp(type, "string")) {
			v = json_string(text);
		} else if (!strcmp(type, "number") || !strcmp(type, "integer")) {
			v = parse_number(text, !strcmp(type, "integer"), errors, input);
		} else {
			json_error_t je;
			v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
			if (!v) {
				char msg[300];
				snprintf(msg, sizeof msg, "This is not valid JSON: %s (line %d, column %d).", je.text, je.line,
					 je.column);
				json_object_set_new(errors, input, json_string(msg));
			}
		}
		if (v)
			json_object_set_new(config, key, v);
	}
	return config;
}

static json_t *read_settings(struct request *r, json_t *typed, json_t *errors)
{
	json_t *out = json_object();
	char input[64];
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		const struct setting *s = &settings[i];
		snprintf(input, sizeof input, "settings.%s", s->name);
		const char *text = last_field(r, input) ?: "";
		json_object_set_new(typed, input, json_string(text));
		json_t *v = NULL;
		if (!strcmp(s->name, "continue_on_error"))
			v = !strcmp(text, "true") ? json_true() : NULL;
		else if (!*text)
			continue;
		else if (s->max > 0 && (v = parse_number(text, true, errors, input)) && !json_is_integer(v)) {
			json_decref(v);
			v = NULL;
			json_object_set_new(errors, input, json_string("Write a whole number."));
		} else if (!s->max)
			v = json_string(text);
		if (v && json_is_integer(v) && (json_integer_value(v) < s->min || json_integer_value(v) > s->max)) {
			char msg[120];
			snprintf(msg, sizeof msg, "Write a whole number from %lld to %lld.", s->min, s->max);
			json_object_set_new(errors, input, json_string(msg));
		}
		if (v)
			json_object_set_new(out, s->name, v);
	}
	return out;
}

/* The lines the engine has against the block, and the new ones elsewhere. */
static json_t *refusals(struct request *r, struct edit *e, const char *id)
{
	json_t *lines = edit_new_problems(r, e, id), *problems = engine_problems(r->app->engine, r->st, 0, 0, e->def);
	size_t i;
	json_t *p;
	json_array_foreach(problems, i, p)
		if (!strcmp(str(p, "block") ?: "", id))
			json_array_append(lines, json_object_get(p, "message"));
	json_decref(problems);
	return lines;
}

void block_settings_post(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	json_t *block = edit_route_block(r, &e, NULL);
	if (!block)
		return;
	const json_t *type = graph_block_type(e.registry, str(block, "type"));
	json_t *typed = json_object(), *errors = json_object();
	json_t *config = read_config(r, json_object_get(type, "config_schema"), typed, errors);
	json_t *per_block = read_settings(r, typed, errors);
	json_t *refused = NULL;
	if (!json_object_size(errors)) {
		json_object_set_new(block, "config", config);
		config = NULL;
		if (json_object_size(per_block))
			json_object_set(block, "settings", per_block);
		else
			json_object_del(block, "settings");
		refused = refusals(r, &e, str(block, "id"));
	}
	if ((json_object_size(errors) || json_array_size(refused)) && e.before) {
		json_t *m = settings_model(r, &e, block, typed, errors);
		json_object_set_new(m, "refused", json_incref(refused));
		json_object_set_new(m, "error", json_string("This was not applied: some values need attention."));
		reply_panel(r, 422, m);
	} else if (json_object_size(errors) || json_array_size(refused)) {
		if (r->json) {
			if (json_array_size(refused))
				edit_refuse(r, &e, 422, json_incref(refused));
			else
				reply_error(r, 422, "Some fields need attention.", json_incref(errors));
		} else {
			json_t *m = settings_model(r, &e, block, typed, errors);
			json_object_set_new(m, "refused", json_incref(refused));
			json_object_set_new(m, "error", json_string("This was not saved: some values need attention."));
			reply_view(r, 422, "workflows/block", m);
		}
	} else {
		char url[64], location[200];
		editor_url(url, sizeof url, e.wf);
		snprintf(location, sizeof location, "%s#block-%s", url, str(block, "id"));
		edit_save(r, &e, location);
	}
	json_decref(refused);
	json_decref(typed);
	json_decref(errors);
	json_decref(config);
	json_decref(per_block);
	edit_free(&e);
}
