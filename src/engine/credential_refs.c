#include "engine/credential_refs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const json_t *block_schema(const json_t *registry, const char *type)
{
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(registry, "blocks"), i, b)
		if (type && !strcmp(json_string_value(json_object_get(b, "name")) ?: "", type))
			return json_object_get(b, "config_schema");
	return NULL;
}

/* The id of the credential ref names (its id as text, or its name in any case), or 0. */
static json_int_t resolve(const json_t *creds, const char *ref)
{
	size_t i;
	json_t *c;
	char *end;
	long long n = strtoll(ref, &end, 10);
	json_array_foreach(creds, i, c) {
		json_int_t id = json_integer_value(json_object_get(c, "id"));
		if ((*ref && !*end && n == id) || !strcasecmp(json_string_value(json_object_get(c, "name")) ?: "", ref))
			return id;
	}
	return 0;
}

/* wf added to refs under each credential config names through a credential property of type's schema. */
static void add_named(json_t *refs, const json_t *registry, const json_t *creds, const char *type, const json_t *config,
		      const json_t *wf)
{
	const char *key;
	json_t *p;
	json_object_foreach(json_object_get(block_schema(registry, type), "properties"), key, p) {
		const char *format = json_string_value(json_object_get(p, "format"));
		const char *ref = json_string_value(json_object_get(config, key));
		json_int_t id = format && !strcmp(format, "credential") && ref ? resolve(creds, ref) : 0;
		if (!id)
			continue;
		char k[32];
		snprintf(k, sizeof k, "%lld", (long long)id);
		json_t *list = json_object_get(refs, k), *w;
		size_t i;
		if (!list)
			json_object_set_new(refs, k, list = json_array());
		json_array_foreach(list, i, w)
			if (json_equal(json_object_get(w, "id"), json_object_get(wf, "id")))
				break;
		if (i == json_array_size(list))
			json_array_append_new(list, json_pack("{s:O, s:O}", "id", json_object_get(wf, "id"), "name",
							      json_object_get(wf, "name")));
	}
}

json_t *credential_refs(const json_t *registry, const json_t *defs, const json_t *creds)
{
	json_t *refs = json_object(), *wf, *b;
	size_t i, j;
	json_array_foreach(defs, i, wf) {
		const json_t *def = json_object_get(wf, "definition"), *trigger = json_object_get(def, "trigger");
		json_array_foreach(json_object_get(def, "blocks"), j, b)
			add_named(refs, registry, creds, json_string_value(json_object_get(b, "type")),
				  json_object_get(b, "config"), wf);
		if (!strcmp(json_string_value(json_object_get(trigger, "type")) ?: "", "poll"))
			add_named(refs, registry, creds, json_string_value(json_object_get(trigger, "block")),
				  json_object_get(trigger, "config"), wf);
	}
	return refs;
}
