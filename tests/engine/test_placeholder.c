/* Config-string templates: the grammar, the errors with their offsets, the
 * typing rule for a lone placeholder, defaults, indexes and the limits. */
#include <stdlib.h>
#include <string.h>

#include "engine/placeholder.h"
#include "strbuf.h"
#include "../testlib.h"

static json_t *scope;

/* The result of evaluating text as compact JSON, or "ERR: reason". */
static char *eval(const char *text)
{
	char err[400];
	json_t *v = placeholder_eval(text, strlen(text), scope, err, sizeof err);
	if (!v) {
		struct strbuf sb = STRBUF_INIT;
		sb_printf(&sb, "ERR: %s", err);
		return sb_detach(&sb);
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	return s;
}

#define CHECK_EVAL(text, want) do { char *got_ = eval(text); CHECK_STR(got_, want); free(got_); } while (0)

static char *roots(const char *text)
{
	char err[400];
	json_t *r = placeholder_roots(text, strlen(text), err, sizeof err);
	if (!r)
		return xstrdup(err);
	char *s = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	return s;
}

#define CHECK_ROOTS(text, want) do { char *got_ = roots(text); CHECK_STR(got_, want); free(got_); } while (0)

static void test_plain_and_paths(void)
{
	CHECK_EVAL("plain text", "\"plain text\"");
	CHECK_EVAL("", "\"\"");
	CHECK_EVAL("a } b }} c {", "\"a } b }} c {\"");
	CHECK_EVAL("{{ trigger.body.url }}", "\"https://example.com/x\"");
	CHECK_EVAL("{{trigger.body.url}}", "\"https://example.com/x\"");
	CHECK_EVAL("go to {{ trigger.body.url }}!", "\"go to https://example.com/x!\"");
	CHECK_EVAL("{{ fetch.body }}", "{\"items\":[{\"name\":\"a\",\"n\":1},{\"name\":\"b\",\"n\":2.5}],\"ok\":true}");
	CHECK_EVAL("{{ fetch.status }}", "200");
	CHECK_EVAL("{{ fetch.body.ok }}", "true");
	CHECK_EVAL("{{ fetch.body.items.1.name }}", "\"b\"");
	CHECK_EVAL("{{ fetch.body.items[1].name }}", "\"b\"");
	CHECK_EVAL("{{ fetch.body.items[0] }}", "{\"name\":\"a\",\"n\":1}");
	CHECK_EVAL("{{ trigger.headers.x-request-id }}", "\"r-1\"");
	CHECK_EVAL("{{ trigger.body.tags }}", "[\"x\",\"y\"]");
}

static void test_rendering_as_text(void)
{
	CHECK_EVAL("status={{ fetch.status }}", "\"status=200\"");
	CHECK_EVAL("{{ fetch.status }} ", "\"200 \"");
	CHECK_EVAL("{{ fetch.body.ok }}{{ fetch.status }}", "\"true200\"");
	CHECK_EVAL("n={{ fetch.body.items[1].n }}", "\"n=2.5\"");
	CHECK_EVAL("tags={{ trigger.body.tags }}", "\"tags=[\\\"x\\\",\\\"y\\\"]\"");
	CHECK_EVAL("v={{ trigger.body.nothing }}", "\"v=null\"");
	CHECK_EVAL("{{ trigger.body.nothing }}", "null");
}

static void test_defaults(void)
{
	CHECK_EVAL("{{ trigger.body.missing | default: \"x\" }}", "\"x\"");
	CHECK_EVAL("{{ trigger.body.missing|default:\"a \\\" b\" }}", "\"a \\\" b\"");
	CHECK_EVAL("{{ trigger.body.missing | default: 42 }}", "42");
	CHECK_EVAL("{{ trigger.body.missing | default: -1.5 }}", "-1.5");
	CHECK_EVAL("{{ trigger.body.missing | default: true }}", "true");
	CHECK_EVAL("{{ trigger.body.missing | default: null }}", "null");
	CHECK_EVAL("{{ trigger.body.nothing | default: \"was null\" }}", "\"was null\"");
	CHECK_EVAL("{{ trigger.body.url | default: \"unused\" }}", "\"https://example.com/x\"");
	CHECK_EVAL("n={{ nosuch.x | default: 7 }}", "\"n=7\"");
	CHECK_EVAL("{{ fetch.body.items[9].name | default: \"none\" }}", "\"none\"");
}

static void test_missing_paths(void)
{
	CHECK_EVAL("{{ fetch.bdy }}", "ERR: offset 0: no value for 'fetch.bdy': 'fetch' has no 'bdy' "
	           "(add a default: {{ fetch.bdy | default: \"\" }})");
	CHECK_EVAL("x {{ nosuch }}", "ERR: offset 2: no value for 'nosuch': the run has no 'nosuch' "
	           "(add a default: {{ nosuch | default: \"\" }})");
	CHECK_EVAL("{{ fetch.body.items[7].name }}", "ERR: offset 0: no value for 'fetch.body.items[7].name': "
	           "'fetch.body.items' has no '7' (add a default: {{ fetch.body.items[7].name | default: \"\" }})");
	CHECK_EVAL("{{ fetch.status.x }}", "ERR: offset 0: no value for 'fetch.status.x': 'fetch.status' has no 'x' "
	           "(add a default: {{ fetch.status.x | default: \"\" }})");
	CHECK_EVAL("{{ fetch.body.items.x }}", "ERR: offset 0: no value for 'fetch.body.items.x': 'fetch.body.items' has no 'x' "
	           "(add a default: {{ fetch.body.items.x | default: \"\" }})");
	CHECK_EVAL("{{ fetch.body.items.99999999999 }}", "ERR: offset 0: no value for 'fetch.body.items.99999999999': "
	           "'fetch.body.items' has no '99999999999' (add a default: {{ fetch.body.items.99999999999 | default: \"\" }})");
}

static void test_parse_errors(void)
{
	CHECK_ROOTS("{{ }}", "offset 3: expected a path such as trigger.body after '{{' (a name starting with a letter "
	            "or _; placeholders hold paths only, never code)");
	CHECK_ROOTS("{{ 1 + 1 }}", "offset 3: expected a path such as trigger.body after '{{' (a name starting with a "
	            "letter or _; placeholders hold paths only, never code)");
	CHECK_ROOTS("{{ a + b }}", "offset 5: expected '}}' to close the placeholder opened at offset 0 "
	            "(after the path, only '| default: value' may follow)");
	CHECK_ROOTS("ab {{ x.y() }}", "offset 9: expected '}}' to close the placeholder opened at offset 3 "
	            "(after the path, only '| default: value' may follow)");
	CHECK_ROOTS("{{ a.b", "offset 6: expected '}}' to close the placeholder opened at offset 0 "
	            "(after the path, only '| default: value' may follow)");
	CHECK_ROOTS("{{ a. }}", "offset 5: expected a name or an index after '.'");
	CHECK_ROOTS("{{ a[x] }}", "offset 5: expected an index (digits) after '['");
	CHECK_ROOTS("{{ a[1 }}", "offset 6: expected ']' to close the index");
	CHECK_ROOTS("{{ a | upper }}", "offset 7: expected 'default' after '|' (the only filter there is)");
	CHECK_ROOTS("{{ a | defaults: 1 }}", "offset 7: expected 'default' after '|' (the only filter there is)");
	CHECK_ROOTS("{{ a | default 1 }}", "offset 15: expected ':' after 'default'");
	CHECK_ROOTS("{{ a | default: }}", "offset 16: expected a default that is a JSON string (in double quotes), "
	            "a number, true, false or null");
	CHECK_ROOTS("{{ a | default: [1] }}", "offset 16: expected a default that is a JSON string (in double quotes), "
	            "a number, true, false or null");
	CHECK_ROOTS("{{ a | default: yes }}", "offset 16: expected a default that is a JSON string (in double quotes), "
	            "a number, true, false or null");
	CHECK_ROOTS("{{ a | default: \"x }}", "offset 16: expected a closing '\"' for the default");
	CHECK_ROOTS("{{ a | default: \"x\" \"y\" }}", "offset 20: expected '}}' to close the placeholder opened at "
	            "offset 0 (after the path, only '| default: value' may follow)");
	CHECK_ROOTS("{{ constructor.constructor('x')() }}", "offset 26: expected '}}' to close the placeholder opened "
	            "at offset 0 (after the path, only '| default: value' may follow)");
	/* an evaluation refuses the same text with the same message */
	CHECK_EVAL("{{ a | upper }}", "ERR: offset 7: expected 'default' after '|' (the only filter there is)");
}

static void test_roots(void)
{
	CHECK_ROOTS("no templates", "[]");
	CHECK_ROOTS("{{ trigger.body }} {{ fetch.x }} {{ trigger.query.q }} {{ parse[0] }}", "[\"trigger\",\"fetch\",\"parse\"]");
	CHECK_ROOTS("{{ _x.y | default: 1 }}", "[\"_x\"]");
	CHECK(placeholder_present("a {{ b", 6));
	CHECK(!placeholder_present("a { { b }", 9));
}

static void test_limits(void)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < PLACEHOLDER_MAX_COUNT; i++)
		sb_adds(&sb, "{{ fetch.status }}");
	char *got = eval(sb_str(&sb));
	CHECK(got && strlen(got) == 2 + 3 * PLACEHOLDER_MAX_COUNT);
	free(got);
	sb_adds(&sb, "{{ fetch.status }}");
	got = roots(sb_str(&sb));
	CHECK_STR(got, "offset 1152: more than 64 placeholders in one string");
	free(got);

	sb_reset(&sb);
	sb_adds(&sb, "{{ a");
	for (int i = 1; i < PLACEHOLDER_MAX_DEPTH; i++)
		sb_adds(&sb, ".b");
	sb_adds(&sb, " }}");
	got = roots(sb_str(&sb));
	CHECK_STR(got, "[\"a\"]");
	free(got);
	sb.len -= 3;
	sb_adds(&sb, "[0] }}");
	got = roots(sb_str(&sb));
	CHECK_STR(got, "offset 67: the path is deeper than 32 steps");
	free(got);

	sb_reset(&sb);
	for (int i = 0; i < PLACEHOLDER_MAX_INPUT; i++)
		sb_addc(&sb, 'x');
	got = roots(sb_str(&sb));
	CHECK_STR(got, "[]");
	free(got);
	sb_addc(&sb, 'x');
	got = roots(sb_str(&sb));
	CHECK_STR(got, "the text is 65537 bytes long, more than the 65536 a template may have");
	free(got);
	sb_free(&sb);
}

static void test_eval_json(void)
{
	json_t *config = json_loads("{\"url\": \"{{ trigger.body.url }}\", \"retry\": 3, \"body\": \"{{ fetch.body }}\","
	                            " \"headers\": {\"x-id\": \"id {{ trigger.headers.x-request-id }}\"},"
	                            " \"list\": [\"{{ fetch.status }}\", null, \"a\"]}", 0, NULL);
	char err[400];
	json_t *out = placeholder_eval_json(config, scope, err, sizeof err);
	char *s = out ? json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	CHECK_STR(s, "{\"body\":{\"items\":[{\"n\":1,\"name\":\"a\"},{\"n\":2.5,\"name\":\"b\"}],\"ok\":true},"
	          "\"headers\":{\"x-id\":\"id r-1\"},\"list\":[200,null,\"a\"],\"retry\":3,"
	          "\"url\":\"https://example.com/x\"}");
	free(s);
	json_decref(out);
	json_decref(config);

	config = json_loads("{\"headers\": {\"auth\": [\"ok\", \"{{ secret.x }}\"]}}", 0, NULL);
	CHECK(!placeholder_eval_json(config, scope, err, sizeof err));
	CHECK_STR(err, "headers.auth.1: offset 0: no value for 'secret.x': the run has no 'secret' "
	          "(add a default: {{ secret.x | default: \"\" }})");
	json_decref(config);
	json_t *str = json_string("{{ nope }}");
	CHECK(!placeholder_eval_json(str, scope, err, sizeof err));
	CHECK_STR(err, "offset 0: no value for 'nope': the run has no 'nope' (add a default: {{ nope | default: \"\" }})");
	json_decref(str);
}

static void test_config_with_own_templates(void)
{
	json_t *run_scope = json_pack("{s:{s:s}, s:{s:i}}", "trigger", "q", "why", "fetch", "n", 3);
	json_t *config = json_pack("{s:s, s:s, s:s, s:s}", "template", "{{ in.name }} asked {{ trigger.q }} ({{ fetch.n }})",
				   "plain", "{{ fetch.n }}", "whole", "{{ fetch.n }}", "code", "return {{1}, {{ fetch.n }}, {{ x");
	json_t *fields = json_pack("{s:s, s:s, s:s}", "template", "template", "whole", "template", "code", "code");
	char err[300];
	json_t *out = placeholder_eval_config(config, fields, run_scope, err, sizeof err);
	CHECK(out != NULL);
	/* run data is filled, the block's own placeholders are left as they are */
	CHECK_STR(json_string_value(json_object_get(out, "template")), "{{ in.name }} asked why (3)");
	/* elsewhere a lone placeholder keeps its type; in an own template it stays text */
	CHECK(json_integer_value(json_object_get(out, "plain")) == 3);
	CHECK_STR(json_string_value(json_object_get(out, "whole")), "3");
	/* a program is left as it is, {{ and all */
	CHECK_STR(json_string_value(json_object_get(out, "code")), "return {{1}, {{ fetch.n }}, {{ x");
	json_decref(out);
	/* without own templates an unknown root is an error naming the field */
	json_t *bare = json_pack("{s:s}", "template", "{{ in.name }}");
	CHECK(placeholder_eval_config(bare, NULL, run_scope, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "template: ");
	json_decref(bare);
	json_decref(fields);
	json_decref(config);
	json_decref(run_scope);
}

static void check_rename(const char *text, const char *want)
{
	char *got = placeholder_rename_root(text, strlen(text), "fetch", "page");
	CHECK_STR(got, want);
	free(got);
}

/* A renamed block's references follow it; nothing else changes. */
static void test_rename_root(void)
{
	check_rename("{{ fetch.body }} and {{fetch}} and {{ fetch[0].x | default: \"fetch\" }}",
	             "{{ page.body }} and {{page}} and {{ page[0].x | default: \"fetch\" }}");
	check_rename("fetch {{ fetcher.body }} {{ trigger.fetch }}", "fetch {{ fetcher.body }} {{ trigger.fetch }}");
	check_rename("no placeholder", "no placeholder");
	CHECK(placeholder_rename_root("{{ fetch.", 9, "fetch", "page") == NULL);
}

int main(void)
{
	test_config_with_own_templates();
	scope = json_loads("{\"trigger\": {\"body\": {\"url\": \"https://example.com/x\", \"tags\": [\"x\", \"y\"],"
	                   " \"nothing\": null}, \"headers\": {\"x-request-id\": \"r-1\"}},"
	                   " \"fetch\": {\"status\": 200, \"body\": {\"items\": [{\"name\": \"a\", \"n\": 1},"
	                   " {\"name\": \"b\", \"n\": 2.5}], \"ok\": true}}}", 0, NULL);
	CHECK(scope != NULL);
	test_plain_and_paths();
	test_rendering_as_text();
	test_defaults();
	test_missing_paths();
	test_parse_errors();
	test_roots();
	test_limits();
	test_eval_json();
	test_rename_root();
	json_decref(scope);
	return t_done("test_placeholder");
}
