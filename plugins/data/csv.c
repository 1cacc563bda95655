/* csv.parse and csv.format: RFC 4180 text (fields in double quotes when
 * they hold the delimiter, a quote or a line break; a quote inside doubled),
 * with a header row or without, and any one-character delimiter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/blocks.h"
#include "json_path.h"
#include "shape.h"

/* The delimiter from the config: one ASCII character but a quote or a line break. */
static int delimiter(struct axon_ctx *ctx, const json_t *config, char *d)
{
	const char *s = json_string_value(json_object_get(config, "delimiter"));
	if (!strcmp(s, "\\t") || !strcmp(s, "tab"))
		s = "\t";
	if (strlen(s) != 1 || (unsigned char)s[0] >= 0x80 || strchr("\"\r\n", s[0]))
		return axon_fail(ctx, "\"delimiter\" must be one ASCII character other than a quote or a line break, "
				 "such as \",\", \";\" or \"\\t\" (it is \"%s\")", s);
	*d = s[0];
	return 0;
}

/* A growing text. */
struct text {
	char *p;
	size_t len, cap;
	int failed;
};

static void add(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->failed = 1;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

/* Reads the rows of text into a list of lists of strings, or NULL after
 * failing the run. */
static json_t *read_rows(struct axon_ctx *ctx, const char *p, char d, int skip_empty)
{
	json_t *rows = json_array(), *row = json_array();
	struct text field = { 0 };
	size_t line = 1, row_line = 1;
	int quoted = 0, was_quoted = 0, row_empty = 1, ok = 0;
	for (;; p++) {
		char c = *p;
		if (quoted) {
			if (!c) {
				axon_fail(ctx, "line %zu: a quoted field is not closed by the end of the text", row_line);
				break;
			}
			if (c == '"' && p[1] != '"') {
				quoted = 0;
				if (p[1] && p[1] != d && p[1] != '\r' && p[1] != '\n') {
					axon_fail(ctx, "line %zu: a character after a closing quote (write a quote inside a quoted field as \"\")", line);
					break;
				}
				continue;
			}
			p += c == '"'; /* "" inside quotes is one quote */
			line += c == '\n';
			add(&field, p, 1);
			continue;
		}
		if (c == '"') {
			if (field.len || was_quoted) {
				axon_fail(ctx, "line %zu: a quote inside a field that does not start with one (quote the whole field and double the quote)", line);
				break;
			}
			quoted = was_quoted = 1;
			row_empty = 0;
			continue;
		}
		if (c != d && c != '\n' && c != '\r' && c) {
			add(&field, p, 1);
			row_empty = 0;
			continue;
		}
		int end_of_row = c != d;
		row_empty &= end_of_row;
		/* An empty line is a row of one empty field unless skipped; the end
		 * of the text after a line break is no row at all. */
		if (!row_empty || (skip_empty == 0 && c)) {
			json_t *s = json_stringn(field.p ? field.p : "", field.len);
			if (!s) {
				axon_fail(ctx, "line %zu: a field is not valid UTF-8", line);
				break;
			}
			json_array_append_new(row, s);
		}
		field.len = 0;
		was_quoted = 0;
		if (!end_of_row)
			continue;
		if (json_array_size(row)) {
			json_array_append_new(rows, row);
			row = json_array();
		}
		row_empty = 1;
		if (!c) {
			ok = !field.failed;
			break;
		}
		p += c == '\r' && p[1] == '\n';
		row_line = ++line;
	}
	if (field.failed)
		axon_fail(ctx, "out of memory reading the CSV");
	free(field.p);
	json_decref(row);
	if (!ok) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

/* "12", "-3.5", "1e3" as numbers; anything else stays text. */
static json_t *number_or_text(json_t *s)
{
	const char *t = json_string_value(s);
	char *end;
	if (!*t || strspn(t, "+-0123456789.eE") != strlen(t))
		return s;
	double d = strtod(t, &end);
	if (*end)
		return s;
	json_decref(s);
	return strspn(t, "-0123456789") == strlen(t) && strlen(t) < 16 ? json_integer(strtoll(t, NULL, 10)) : json_real(d);
}

static int parse(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *at = in ? jpath_get(in, path) : NULL;
	const char *text = shape_text(at);
	int header = json_is_true(json_object_get(config, "header"));
	int numbers = json_is_true(json_object_get(config, "numbers"));
	char d;
	if (!text)
		return shape_fail(ctx, "in", path, "CSV text (or an HTTP response with a \"body\")", at);
	if (delimiter(ctx, config, &d))
		return AXON_FAIL;
	json_t *rows = read_rows(ctx, text, d, json_is_true(json_object_get(config, "skip_empty_lines")));
	if (!rows)
		return AXON_FAIL;
	size_t i, k;
	json_t *row, *v;
	if (numbers)
		json_array_foreach(rows, i, row)
			if (!header || i > 0)
				json_array_foreach(row, k, v)
					json_array_set_new(row, k, number_or_text(json_incref(v)));
	if (!header)
		return axon_emit(ctx, "out", rows) == 0 ? AXON_OK : AXON_FAIL;
	json_t *names = json_incref(json_array_get(rows, 0)), *out = json_array();
	json_array_foreach(names, k, v) {
		for (size_t j = 0; j < k; j++) {
			if (json_equal(v, json_array_get(names, j))) {
				axon_fail(ctx, "the header names the column \"%s\" twice (columns %zu and %zu)", json_string_value(v), j + 1, k + 1);
				json_decref(names);
				json_decref(rows);
				json_decref(out);
				return AXON_FAIL;
			}
		}
	}
	json_array_foreach(rows, i, row) {
		if (i == 0)
			continue;
		if (json_array_size(row) > json_array_size(names)) {
			axon_fail(ctx, "row %zu has %zu fields, more than the %zu columns of the header", i + 1, json_array_size(row),
				  json_array_size(names));
			json_decref(names);
			json_decref(rows);
			json_decref(out);
			return AXON_FAIL;
		}
		json_t *obj = json_object();
		json_array_foreach(row, k, v)
			json_object_set(obj, json_string_value(json_array_get(names, k)), v);
		json_array_append_new(out, obj);
	}
	json_decref(names);
	json_decref(rows);
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static void put_field(struct text *t, const json_t *v, char d)
{
	char *own = NULL;
	const char *s = json_is_string(v) ? json_string_value(v)
			: !v || json_is_null(v) ? ""
			: (own = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY));
	const char specials[] = { d, '"', '\r', '\n', '\0' };
	if (!s) {
		t->failed = 1;
	} else if (!s[strcspn(s, specials)]) {
		add(t, s, strlen(s));
	} else {
		add(t, "\"", 1);
		for (const char *c = s; *c; c++)
			add(t, *c == '"' ? "\"\"" : c, *c == '"' ? 2 : 1);
		add(t, "\"", 1);
	}
	free(own);
}

/* The columns: the config's, or every key of the objects in order of first appearance. */
static json_t *columns(const json_t *list, const json_t *config)
{
	const json_t *given = json_object_get(config, "columns");
	if (json_array_size(given))
		return json_incref((json_t *)given);
	json_t *names = json_array(), *seen = json_object(), *item, *v;
	const char *key;
	size_t i;
	json_array_foreach(list, i, item) {
		json_object_foreach(item, key, v) {
			if (!json_object_get(seen, key)) {
				json_object_set_new(seen, key, json_true());
				json_array_append_new(names, json_string(key));
			}
		}
	}
	json_decref(seen);
	return names;
}

static int format(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *list = in ? jpath_get(in, path) : NULL;
	const char *newline = strcmp(json_string_value(json_object_get(config, "newline")), "lf") ? "\r\n" : "\n";
	char d;
	if (!json_is_array(list))
		return shape_fail(ctx, "in", path, "a list of objects or of lists", list);
	if (delimiter(ctx, config, &d))
		return AXON_FAIL;
	size_t i, k;
	json_t *item, *v;
	json_array_foreach(json_object_get(config, "columns"), k, v)
		if (!json_is_string(v))
			return axon_fail(ctx, "columns.%zu must be a column name, a string (it is %s)", k, shape_name(v));
	json_array_foreach(list, i, item) {
		if (!json_is_object(item) && !json_is_array(item)) {
			return axon_fail(ctx, "in%s%s.%zu must be an object or a list: one row (it is %s)", *path ? "." : "", path, i,
					 shape_name(item));
		}
	}
	json_t *names = columns(list, config);
	struct text t = { 0 };
	if (json_is_true(json_object_get(config, "header")) && json_array_size(names)) {
		json_array_foreach(names, k, v) {
			if (k)
				add(&t, &d, 1);
			put_field(&t, v, d);
		}
		add(&t, newline, strlen(newline));
	}
	json_array_foreach(list, i, item) {
		size_t n = json_is_array(item) ? json_array_size(item) : json_array_size(names);
		for (k = 0; k < n; k++) {
			if (k)
				add(&t, &d, 1);
			put_field(&t, json_is_array(item) ? json_array_get(item, k)
						       : json_object_get(item, json_string_value(json_array_get(names, k))), d);
		}
		add(&t, newline, strlen(newline));
	}
	json_decref(names);
	json_t *text = t.failed ? NULL : json_stringn(t.p ? t.p : "", t.len);
	free(t.p);
	if (!text)
		return axon_fail(ctx, "out of memory writing the CSV");
	return axon_emit(ctx, "text", text) == 0 ? AXON_OK : AXON_FAIL;
}

#define CSV_DELIMITER "\"delimiter\": {\"type\": \"string\", \"title\": \"Delimiter\", \"description\": \"One character between fields: , or ; or \\\\t (a tab)\", \"default\": \",\"}"

static const struct axon_port parse_inputs[] = {
	{ "in", "CSV text, an object holding it at \"path\", or an HTTP response" },
	{ NULL, NULL },
};
static const struct axon_port parse_outputs[] = {
	{ "out", "a list of rows: objects named by the header, or lists of fields" },
	{ NULL, NULL },
};

const struct axon_block csv_parse_block = {
	.name = "csv.parse",
	.version = "1.0.0",
	.title = "Read CSV",
	.description = "Reads CSV text (RFC 4180: quoted fields, doubled quotes, line breaks in quotes) into a list of rows.",
	.category = "data",
	.inputs = parse_inputs,
	.outputs = parse_outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"Text\", \"description\": \"Dotted path of the text in the input; empty when the input is the text (or an HTTP response, whose body is read)\", \"default\": \"\"},"
		CSV_DELIMITER ","
		"\"header\": {\"type\": \"boolean\", \"title\": \"Header row\", \"description\": \"The first row names the columns: each row becomes an object (a short row lacks the last keys); otherwise each row is a list\", \"default\": true},"
		"\"numbers\": {\"type\": \"boolean\", \"title\": \"Numbers\", \"description\": \"Read fields that are numbers (12, -3.5, 1e3) as numbers instead of text\", \"default\": false},"
		"\"skip_empty_lines\": {\"type\": \"boolean\", \"title\": \"Skip empty lines\", \"description\": \"Leave out lines with nothing on them\", \"default\": true}}}",
	.run = parse,
};

static const struct axon_port format_inputs[] = {
	{ "in", "a list of objects or of lists, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port format_outputs[] = {
	{ "text", "the CSV text" },
	{ NULL, NULL },
};

const struct axon_block csv_format_block = {
	.name = "csv.format",
	.version = "1.0.0",
	.title = "Write CSV",
	.description = "Writes a list of objects (or of lists) as CSV text with a header row, quoting fields as RFC 4180 says.",
	.category = "data",
	.inputs = format_inputs,
	.outputs = format_outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"List\", \"description\": \"Dotted path of the list in the input; empty when the input is the list\", \"default\": \"\"},"
		CSV_DELIMITER ","
		"\"columns\": {\"type\": \"array\", \"title\": \"Columns\", \"description\": \"The keys to write, in order, such as [\\\"id\\\", \\\"name\\\"]; empty for every key of the objects in order of appearance\", \"default\": []},"
		"\"header\": {\"type\": \"boolean\", \"title\": \"Header row\", \"description\": \"Write the column names first\", \"default\": true},"
		"\"newline\": {\"type\": \"string\", \"title\": \"Line ends\", \"description\": \"crlf as RFC 4180 says, or lf\", \"enum\": [\"crlf\", \"lf\"], \"default\": \"crlf\"}}}",
	.run = format,
};
