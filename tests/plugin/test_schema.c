/* The config schema subset: what a plugin may declare, and how a config is
 * checked and completed with defaults. */
#include <stdlib.h>

#include "../testlib.h"
#include "plugin/schema.h"

static char err[400];

static const char *parse_error(const char *text)
{
	json_t *s = schema_parse(text, err, sizeof err);
	json_decref(s);
	return s ? "(accepted)" : err;
}

static char *apply(const json_t *schema, const char *config)
{
	json_t *c = config ? json_loads(config, 0, NULL) : NULL;
	json_t *out = schema_apply(schema, c, err, sizeof err);
	json_decref(c);
	char *s = out ? json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS) : strdup(err);
	json_decref(out);
	return s;
}

int main(void)
{
	CHECK_CONTAINS(parse_error("{"), "config schema is not JSON");
	CHECK_CONTAINS(parse_error("[]"), "must be an object with \"type\": \"object\"");
	CHECK_CONTAINS(parse_error("{\"type\": \"object\", \"oneOf\": []}"), "unsupported keyword 'oneOf'");
	CHECK_CONTAINS(parse_error("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"date\"}}}"), "property 'a': \"type\" must be one of");
	CHECK_CONTAINS(parse_error("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\", \"minLength\": 1}}}"), "unsupported keyword 'minLength'");
	/* "format": "template" marks a text the block fills itself, "code" its program; nothing else is a format */
	CHECK_STR(parse_error("{\"type\": \"object\", \"properties\": {\"t\": {\"type\": \"string\", \"format\": \"template\"}}}"), "(accepted)");
	CHECK_STR(parse_error("{\"type\": \"object\", \"properties\": {\"c\": {\"type\": \"string\", \"format\": \"code\", \"language\": \"lua\"}}}"), "(accepted)");
	CHECK_CONTAINS(parse_error("{\"type\": \"object\", \"properties\": {\"t\": {\"type\": \"string\", \"format\": \"date\"}}}"), "\"format\" is \"template\"");
	CHECK_CONTAINS(parse_error("{\"type\": \"object\", \"properties\": {\"t\": {\"type\": \"integer\", \"format\": \"template\"}}}"), "on a string");
	CHECK_CONTAINS(parse_error("{\"type\": \"object\", \"properties\": {\"t\": {\"type\": \"string\", \"language\": \"lua\"}}}"), "on a \"format\": \"code\" property");
	/* "format": "ports": an array whose names are more output ports */
	CHECK_STR(parse_error("{\"type\": \"object\", \"properties\": {\"p\": {\"type\": \"array\", \"format\": \"ports\"}}}"), "(accepted)");
	CHECK_CONTAINS(parse_error("{\"type\": \"object\", \"properties\": {\"p\": {\"type\": \"string\", \"format\": \"ports\"}}}"), "or \"ports\"");
	json_t *type = json_loads("{\"name\": \"x.sort\", \"outputs\": [{\"name\": \"other\"}], \"config_schema\": {\"properties\": {"
	                          "\"cats\": {\"type\": \"array\", \"format\": \"ports\"}, \"list\": {\"type\": \"array\"}}}}", 0, NULL);
	json_t *config = json_loads("{\"cats\": [\"question\", \"Bad Name\", \"other\", \"a.b\", 5, \"complaint\"], \"list\": [\"nope\"]}", 0, NULL);
	json_t *typed = schema_block_type(type, config);
	char *ports = json_dumps(json_object_get(typed, "outputs"), JSON_COMPACT);
	CHECK_STR(ports, "[{\"name\":\"other\"},{\"name\":\"question\",\"description\":\"named in the config's cats\"},"
	                 "{\"name\":\"complaint\",\"description\":\"named in the config's cats\"}]");
	free(ports);
	CHECK(json_array_size(json_object_get(type, "outputs")) == 1); /* the registry's entry is left alone */
	json_decref(typed);
	json_object_clear(config);
	typed = schema_block_type(type, config);
	CHECK(typed == type); /* no names: the entry itself */
	json_decref(typed);
	json_decref(config);
	json_decref(type);
	json_t *own = schema_parse("{\"type\": \"object\", \"properties\": {\"t\": {\"type\": \"string\", \"format\": \"template\"}, "
	                           "\"c\": {\"type\": \"string\", \"format\": \"code\"}, \"u\": {}}}", err, sizeof err);
	json_t *formats = schema_field_formats(own);
	char *fs = json_dumps(formats, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_STR(fs, "{\"c\":\"code\",\"t\":\"template\"}");
	free(fs);
	json_decref(formats);
	json_decref(own);
	CHECK_CONTAINS(parse_error("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\", \"enum\": [\"x\"], \"default\": \"y\"}}}"), "not one of its enum values");
	CHECK_CONTAINS(parse_error("{\"type\": \"object\", \"properties\": {}, \"required\": [\"b\"]}"), "\"required\" names 'b', which is not a property");
	CHECK_STR(parse_error(NULL), "(accepted)");

	json_t *s = schema_parse("{\"type\": \"object\", \"properties\": {"
	                         "\"mode\": {\"type\": \"string\", \"enum\": [\"a\", \"b\"], \"default\": \"a\"},"
	                         "\"n\": {\"type\": \"integer\", \"default\": 3}, \"x\": {\"type\": \"number\"},"
	                         "\"name\": {\"type\": \"string\"}, \"any\": {}}, \"required\": [\"name\"]}", err, sizeof err);
	CHECK(s != NULL);
	char *r;
	CHECK_STR(r = apply(s, "{\"name\": \"z\"}"), "{\"mode\":\"a\",\"n\":3,\"name\":\"z\"}");
	free(r);
	CHECK_STR(r = apply(s, "{\"name\": \"z\", \"mode\": \"b\", \"n\": 4.0, \"x\": 1, \"any\": [1]}"),
	          "{\"any\":[1],\"mode\":\"b\",\"n\":4.0,\"name\":\"z\",\"x\":1}");
	free(r);
	CHECK_STR(r = apply(s, NULL), "config: the field 'name' is required");
	free(r);
	CHECK_STR(r = apply(s, "{\"name\": \"z\", \"mode\": \"c\"}"), "config: field 'mode' must be one of [\"a\",\"b\"]");
	free(r);
	CHECK_STR(r = apply(s, "{\"name\": \"z\", \"n\": 1.5}"), "config: field 'n' must be of type integer");
	free(r);
	CHECK_STR(r = apply(s, "{\"name\": \"z\", \"colour\": 1}"), "config: unknown field 'colour'");
	free(r);
	CHECK_STR(r = apply(s, "[1]"), "the config must be a JSON object");
	free(r);
	json_decref(s);
	return t_done("test_schema");
}
