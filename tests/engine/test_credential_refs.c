/* Which saved workflows name a credential: by id or by name (in any case),
 * in a block's credential field or a poll trigger's, once per workflow; a
 * field that is not of format "credential", an unknown block, or a name no
 * credential has, names nothing. */
#include <stdio.h>
#include <string.h>

#include "engine/credential_refs.h"
#include "../testlib.h"

#define SCHEMA(extra) "{\"properties\": {\"credential\": {\"type\": \"string\", \"format\": \"credential\"}" extra "}}"

int main(void)
{
	json_error_t je;
	json_t *registry = json_loads("{\"blocks\": ["
				      "{\"name\": \"mail.send\", \"config_schema\": " SCHEMA("") "},"
				      "{\"name\": \"mail.read\", \"config_schema\": " SCHEMA("") "},"
				      "{\"name\": \"text.template\", \"config_schema\": {\"properties\": {\"credential\": {\"type\": \"string\"}}}}]}",
				      0, &je);
	json_t *creds = json_loads("[{\"id\": 7, \"name\": \"Mailer\"}, {\"id\": 8, \"name\": \"Inbox\"}]", 0, &je);
	json_t *defs = json_loads("["
		"{\"id\": 1, \"name\": \"by id, twice\", \"definition\": {\"trigger\": {\"type\": \"manual\"}, \"blocks\": ["
		"  {\"id\": \"a\", \"type\": \"mail.send\", \"config\": {\"credential\": \"7\"}},"
		"  {\"id\": \"b\", \"type\": \"mail.send\", \"config\": {\"credential\": \"mailer\"}}]}},"
		"{\"id\": 2, \"name\": \"poll\", \"definition\": {\"trigger\": {\"type\": \"poll\", \"block\": \"mail.read\","
		"  \"config\": {\"credential\": \"Inbox\"}}, \"blocks\": []}},"
		"{\"id\": 3, \"name\": \"not a credential field\", \"definition\": {\"blocks\": ["
		"  {\"id\": \"a\", \"type\": \"text.template\", \"config\": {\"credential\": \"7\"}},"
		"  {\"id\": \"b\", \"type\": \"no.such\", \"config\": {\"credential\": \"7\"}},"
		"  {\"id\": \"c\", \"type\": \"mail.send\", \"config\": {\"credential\": \"nobody\"}}]}}]", 0, &je);
	CHECK(registry && creds && defs);
	json_t *refs = credential_refs(registry, defs, creds);
	char *text = json_dumps(refs, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_STR(text, "{\"7\":[{\"id\":1,\"name\":\"by id, twice\"}],\"8\":[{\"id\":2,\"name\":\"poll\"}]}");
	free(text);
	json_decref(refs);
	json_decref(registry);
	json_decref(creds);
	json_decref(defs);
	return t_done("test_credential_refs");
}
