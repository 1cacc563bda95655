#include "credential_types.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "plugin/schema.h"
#include "strbuf.h"

#define ORIGINS "\"allowed_origins\": {\"type\": \"string\", \"title\": \"Allowed origins\", \"description\": " \
	"\"Where the broker may send it, such as https://api.example.com (several: separated by spaces); empty: anywhere. " \
	"A block asking to send it elsewhere is refused.\"}"
#define TEST_URL "\"test_url\": {\"type\": \"string\", \"title\": \"Test URL\", \"description\": " \
	"\"An address that answers 2xx with this credential and 401 or 403 without, for the Test button\"}"
#define HTTP_TEST ", \"test\": {\"method\": \"GET\", \"url\": \"{{ test_url }}\"}"

static const char *const core[] = {
	"{\"name\": \"api_key\", \"title\": \"API key in a header\", \"description\": \"A key sent in a request header, "
	"such as X-Api-Key: KEY\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"key\": {\"type\": \"string\", \"title\": \"Key\", \"secret\": true},"
	"\"header\": {\"type\": \"string\", \"title\": \"Header\", \"default\": \"X-Api-Key\"},"
	"\"prefix\": {\"type\": \"string\", \"title\": \"Prefix\", \"description\": \"Text before the key, such as 'Token '\", \"default\": \"\"},"
	ORIGINS ", " TEST_URL "}, \"required\": [\"key\", \"header\"]},"
	"\"apply\": {\"headers\": {\"{{ header }}\": \"{{ prefix }}{{ key }}\"}}" HTTP_TEST "}",

	"{\"name\": \"api_key_query\", \"title\": \"API key in the query string\", \"description\": \"A key sent as a query "
	"parameter, such as ?api_key=KEY\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"key\": {\"type\": \"string\", \"title\": \"Key\", \"secret\": true},"
	"\"parameter\": {\"type\": \"string\", \"title\": \"Parameter\", \"default\": \"api_key\"},"
	ORIGINS ", " TEST_URL "}, \"required\": [\"key\", \"parameter\"]},"
	"\"apply\": {\"query\": {\"{{ parameter }}\": \"{{ key }}\"}}" HTTP_TEST "}",

	"{\"name\": \"bearer\", \"title\": \"Bearer token\", \"description\": \"A token sent as Authorization: Bearer TOKEN\","
	"\"schema\": {\"type\": \"object\", \"properties\": {"
	"\"token\": {\"type\": \"string\", \"title\": \"Token\", \"secret\": true},"
	ORIGINS ", " TEST_URL "}, \"required\": [\"token\"]},"
	"\"apply\": {\"headers\": {\"Authorization\": \"Bearer {{ token }}\"}}" HTTP_TEST "}",

	"{\"name\": \"basic\", \"title\": \"Basic authentication\", \"description\": \"A username and a password sent as "
	"HTTP Basic authorization\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"username\": {\"type\": \"string\", \"title\": \"Username\"},"
	"\"password\": {\"type\": \"string\", \"title\": \"Password\", \"secret\": true},"
	ORIGINS ", " TEST_URL "}, \"required\": [\"username\", \"password\"]},"
	"\"apply\": {\"basic\": {\"username\": \"{{ username }}\", \"password\": \"{{ password }}\"}}" HTTP_TEST "}",

	"{\"name\": \"client_certificate\", \"title\": \"TLS client certificate\", \"description\": \"A certificate "
	"and its private key (PEM) the broker presents to an HTTPS server that asks for one (mutual TLS)\","
	"\"schema\": {\"type\": \"object\", \"properties\": {"
	"\"certificate\": {\"type\": \"string\", \"format\": \"code\", \"title\": \"Certificate (PEM)\", \"description\": \"-----BEGIN CERTIFICATE-----..., "
	"the chain after it if the server needs one\"},"
	"\"key\": {\"type\": \"string\", \"format\": \"code\", \"title\": \"Private key (PEM)\", \"description\": \"-----BEGIN PRIVATE KEY-----..., "
	"not protected by a passphrase\", \"secret\": true},"
	"\"ca\": {\"type\": \"string\", \"format\": \"code\", \"title\": \"Server CA (PEM)\", \"description\": \"The certificate authority the "
	"server's certificate must come from, when it is not one the system trusts\"},"
	ORIGINS ", " TEST_URL "}, \"required\": [\"certificate\", \"key\"]},"
	"\"apply\": {\"client_certificate\": {\"certificate\": \"{{ certificate }}\", \"key\": \"{{ key }}\", \"ca\": \"{{ ca }}\"}}"
	HTTP_TEST "}",

		"{\"name\": \"oauth2_client\", \"title\": \"OAuth 2.0 client credentials\", \"description\": \"A client id and "
	"secret the daemon trades at a token endpoint for an access token, sent as Authorization: Bearer TOKEN and "
	"fetched again before it expires or when the API refuses it\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"token_url\": {\"type\": \"string\", \"title\": \"Token endpoint\", \"description\": \"Such as https://auth.example.com/oauth/token\"},"
	"\"client_id\": {\"type\": \"string\", \"title\": \"Client id\"},"
	"\"client_secret\": {\"type\": \"string\", \"title\": \"Client secret\", \"secret\": true},"
	"\"scope\": {\"type\": \"string\", \"title\": \"Scope\", \"description\": \"Space-separated, if the server wants one\"},"
	ORIGINS ", " TEST_URL "}, \"required\": [\"token_url\", \"client_id\", \"client_secret\"]},"
	"\"oauth2\": {\"grant\": \"client_credentials\"},"
	"\"apply\": {\"headers\": {\"Authorization\": \"Bearer {{ access_token }}\"}}" HTTP_TEST "}",

	"{\"name\": \"oauth2_code\", \"title\": \"OAuth 2.0 account\", \"description\": \"An account at a service that "
	"asks its user's consent (authorization code with PKCE): Connect signs in there; the access token is sent as "
	"Authorization: Bearer TOKEN and renewed with the refresh token\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"auth_url\": {\"type\": \"string\", \"title\": \"Authorization endpoint\"},"
	"\"token_url\": {\"type\": \"string\", \"title\": \"Token endpoint\"},"
	"\"client_id\": {\"type\": \"string\", \"title\": \"Client id\"},"
	"\"client_secret\": {\"type\": \"string\", \"title\": \"Client secret\", \"secret\": true},"
	"\"scope\": {\"type\": \"string\", \"title\": \"Scope\", \"description\": \"Such as 'openid offline_access' for a refresh token\"},"
	ORIGINS ", " TEST_URL ","
	"\"access_token\": {\"type\": \"string\", \"title\": \"Access token\", \"description\": \"Set by Connect\", \"secret\": true},"
	"\"refresh_token\": {\"type\": \"string\", \"title\": \"Refresh token\", \"description\": \"Set by Connect\", \"secret\": true},"
	"\"expires_at\": {\"type\": \"integer\", \"title\": \"Access token expires (unix time)\"},"
	"\"connection_error\": {\"type\": \"string\", \"title\": \"Needs reconnecting\", \"description\": \"Why the last renewal failed\"}},"
	"\"required\": [\"auth_url\", \"token_url\", \"client_id\"]},"
	"\"oauth2\": {\"grant\": \"authorization_code\"},"
	"\"apply\": {\"headers\": {\"Authorization\": \"Bearer {{ access_token }}\"}}" HTTP_TEST "}",

	"{\"name\": \"smtp\", \"title\": \"SMTP account\", \"description\": \"A mail server to send through\","
	"\"schema\": {\"type\": \"object\", \"properties\": {"
	"\"host\": {\"type\": \"string\", \"title\": \"Server\"},"
	"\"port\": {\"type\": \"integer\", \"title\": \"Port\", \"default\": 587},"
	"\"security\": {\"type\": \"string\", \"title\": \"Security\", \"enum\": [\"starttls\", \"tls\", \"none\"], \"default\": \"starttls\"},"
	"\"username\": {\"type\": \"string\", \"title\": \"Username\"},"
	"\"password\": {\"type\": \"string\", \"title\": \"Password\", \"secret\": true},"
	"\"from\": {\"type\": \"string\", \"title\": \"Sender address\", \"description\": \"The From address when a block gives none\"}},"
	"\"required\": [\"host\"]}}",

	"{\"name\": \"imap\", \"title\": \"IMAP mailbox\", \"description\": \"A mail account to read, for mail.read\","
	"\"schema\": {\"type\": \"object\", \"properties\": {"
	"\"host\": {\"type\": \"string\", \"title\": \"Server\"},"
	"\"port\": {\"type\": \"integer\", \"title\": \"Port\", \"description\": \"Empty: 993 for TLS, 143 otherwise\"},"
	"\"security\": {\"type\": \"string\", \"title\": \"Security\", \"enum\": [\"tls\", \"starttls\", \"none\"], \"default\": \"tls\"},"
	"\"username\": {\"type\": \"string\", \"title\": \"Username\"},"
	"\"password\": {\"type\": \"string\", \"title\": \"Password\", \"secret\": true}},"
	"\"required\": [\"host\", \"username\", \"password\"]}}",

	"{\"name\": \"postgres\", \"title\": \"PostgreSQL connection\", \"description\": \"A PostgreSQL database the broker "
	"connects to\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"host\": {\"type\": \"string\", \"title\": \"Host\"},"
	"\"port\": {\"type\": \"integer\", \"title\": \"Port\", \"default\": 5432},"
	"\"database\": {\"type\": \"string\", \"title\": \"Database\"},"
	"\"user\": {\"type\": \"string\", \"title\": \"User\"},"
	"\"password\": {\"type\": \"string\", \"title\": \"Password\", \"secret\": true},"
	"\"sslmode\": {\"type\": \"string\", \"title\": \"TLS\", \"enum\": [\"disable\", \"prefer\", \"require\", \"verify-full\"], \"default\": \"prefer\"}},"
	"\"required\": [\"host\", \"database\", \"user\"]}}",

	"{\"name\": \"slack_bot\", \"title\": \"Slack bot token\", \"description\": \"A Slack app's bot token "
	"(xoxb-...), for chat.post through the Web API's chat.postMessage\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"token\": {\"type\": \"string\", \"title\": \"Bot token\", \"secret\": true}}, \"required\": [\"token\"]}}",

	"{\"name\": \"slack_webhook\", \"title\": \"Slack incoming webhook\", \"description\": \"The address of a Slack "
	"incoming webhook, which posts to its own channel\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"url\": {\"type\": \"string\", \"title\": \"Webhook URL\", \"description\": \"Such as https://hooks.slack.com/services/...\", "
	"\"secret\": true}}, \"required\": [\"url\"]}}",

	"{\"name\": \"discord_webhook\", \"title\": \"Discord webhook\", \"description\": \"The address of a Discord "
	"channel's webhook\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"url\": {\"type\": \"string\", \"title\": \"Webhook URL\", \"description\": \"Such as https://discord.com/api/webhooks/...\", "
	"\"secret\": true}}, \"required\": [\"url\"]}}",

	"{\"name\": \"mattermost_webhook\", \"title\": \"Mattermost incoming webhook\", \"description\": \"The address "
	"of a Mattermost incoming webhook\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"url\": {\"type\": \"string\", \"title\": \"Webhook URL\", \"description\": \"Such as https://chat.example.org/hooks/...\", "
	"\"secret\": true}}, \"required\": [\"url\"]}}",

	"{\"name\": \"telegram_bot\", \"title\": \"Telegram bot token\", \"description\": \"A bot's token from "
	"@BotFather, for chat.post through sendMessage\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"token\": {\"type\": \"string\", \"title\": \"Bot token\", \"description\": \"Such as 123456:ABC-...\", "
	"\"secret\": true}}, \"required\": [\"token\"]}}",

	"{\"name\": \"llm\", \"title\": \"LLM provider\", \"description\": \"An OpenAI-compatible model API (OpenAI, a local "
	"Ollama or llama.cpp server...)\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"base_url\": {\"type\": \"string\", \"title\": \"Base URL\", \"description\": \"Such as https://api.openai.com/v1\"},"
	"\"api_key\": {\"type\": \"string\", \"title\": \"API key\", \"description\": \"Empty for a server that asks for none\", \"secret\": true},"
	"\"model\": {\"type\": \"string\", \"title\": \"Default model\"},"
	"\"timeout\": {\"type\": \"integer\", \"title\": \"Timeout (seconds)\", \"default\": 60},"
	"\"max_concurrent\": {\"type\": \"integer\", \"title\": \"Requests at once\", \"default\": 4},"
	"\"requests_per_minute\": {\"type\": \"integer\", \"title\": \"Requests per minute\", \"description\": \"0: no limit\", \"default\": 0}},"
	"\"required\": [\"base_url\"]},"
	"\"apply\": {\"headers\": {\"Authorization\": \"Bearer {{ api_key }}\"}},"
	"\"test\": {\"method\": \"GET\", \"url\": \"{{ base_url }}/models\"}}",
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static json_t *types; /* [type] */

static int check_templates(const json_t *obj, const char *what, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	if (obj && !json_is_object(obj)) {
		snprintf(err, errlen, "\"%s\" must be an object of texts", what);
		return -1;
	}
	json_object_foreach((json_t *)obj, key, v)
		if (!json_is_string(v)) {
			snprintf(err, errlen, "\"%s\": '%s' must be a text (with {{ field }} placeholders)", what, key);
			return -1;
		}
	return 0;
}

int credential_type_check(const json_t *t, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(t, "name"));
	json_t *apply = json_object_get(t, "apply"), *test = json_object_get(t, "test");
	char why[400];
	if (!name || !*name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(name) || strlen(name) > 63) {
		snprintf(err, errlen, "a credential type needs a \"name\" of [a-z0-9_.], at most 63 characters");
		return -1;
	}
	if (!json_is_string(json_object_get(t, "title"))) {
		snprintf(err, errlen, "credential type '%s' needs a \"title\"", name);
		return -1;
	}
	char *text = json_dumps(json_object_get(t, "schema"), JSON_COMPACT);
	json_t *schema = text ? schema_parse(text, why, sizeof why) : NULL;
	free(text);
	json_decref(schema);
	if (!schema) {
		snprintf(err, errlen, "credential type '%s': %s", name, text ? why : "\"schema\" is missing");
		return -1;
	}
	json_t *oauth2 = json_object_get(t, "oauth2");
	const char *grant = json_string_value(json_object_get(oauth2, "grant"));
	if (oauth2 && (!grant || (strcmp(grant, "client_credentials") && strcmp(grant, "authorization_code")))) {
		snprintf(err, errlen, "credential type '%s': \"oauth2\" is {\"grant\": \"client_credentials\"} or "
			 "{\"grant\": \"authorization_code\"}", name);
		return -1;
	}
	if ((apply && !json_is_object(apply)) || check_templates(json_object_get(apply, "headers"), "headers", why, sizeof why) ||
	    check_templates(json_object_get(apply, "query"), "query", why, sizeof why) ||
	    check_templates(json_object_get(apply, "basic"), "basic", why, sizeof why) ||
	    check_templates(json_object_get(apply, "client_certificate"), "client_certificate", why, sizeof why) ||
	    (test && (!json_is_object(test) || !json_is_string(json_object_get(test, "url"))))) {
		snprintf(err, errlen, "credential type '%s': %s", name,
			 apply && !json_is_object(apply) ? "\"apply\" must be an object" :
			 test && !json_is_string(json_object_get(test, "url")) ? "\"test\" must be {\"method\", \"url\"}" : why);
		return -1;
	}
	return 0;
}

static void load(void)
{
	types = json_array();
	for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
		json_error_t je;
		char err[500];
		json_t *t = json_loads(core[i], JSON_REJECT_DUPLICATES, &je);
		if (!t || credential_type_check(t, err, sizeof err) < 0) {
			/* A mistake of ours, caught by the unit tests. */
			log_error("core credential type %zu: %s", i, t ? err : je.text);
			json_decref(t);
			continue;
		}
		json_array_append_new(types, t);
	}
}

/* Plugins' types, newest last. Never removed: a pointer handed out stays good. */
static pthread_rwlock_t plugin_lock = PTHREAD_RWLOCK_INITIALIZER;
static json_t *plugin_types;

void credential_types_add(const json_t *declared)
{
	size_t i;
	json_t *t;
	pthread_rwlock_wrlock(&plugin_lock);
	if (!plugin_types)
		plugin_types = json_array();
	json_array_foreach(declared, i, t) {
		const json_t *known = NULL, *p;
		size_t j;
		json_array_foreach(plugin_types, j, p)
			if (json_equal(json_object_get(p, "name"), json_object_get(t, "name")))
				known = p;
		if (!known || !json_equal(known, t))
			json_array_append_new(plugin_types, json_deep_copy(t));
	}
	pthread_rwlock_unlock(&plugin_lock);
}

/* With plugin_lock held: the newest plugin type called name, or NULL. */
static const json_t *newest_plugin_type(const char *name)
{
	size_t i;
	json_t *t;
	const json_t *found = NULL;
	json_array_foreach(plugin_types, i, t)
		if (!strcmp(json_string_value(json_object_get(t, "name")), name))
			found = t;
	return found;
}

json_t *credential_type_list(void)
{
	pthread_once(&once, load);
	json_t *all = json_copy(types), *t;
	size_t i;
	pthread_rwlock_rdlock(&plugin_lock);
	json_array_foreach(plugin_types, i, t)
		if (newest_plugin_type(json_string_value(json_object_get(t, "name"))) == t)
			json_array_append(all, t);
	pthread_rwlock_unlock(&plugin_lock);
	return all;
}

const json_t *credential_type_get(const char *name)
{
	size_t i;
	json_t *t;
	if (!name)
		return NULL;
	pthread_once(&once, load);
	json_array_foreach(types, i, t)
		if (!strcmp(json_string_value(json_object_get(t, "name")), name))
			return t;
	pthread_rwlock_rdlock(&plugin_lock);
	const json_t *found = newest_plugin_type(name);
	pthread_rwlock_unlock(&plugin_lock);
	return found;
}

int credential_field_secret(const json_t *type, const char *field)
{
	json_t *p = json_object_get(json_object_get(json_object_get(type, "schema"), "properties"), field);
	return json_is_true(json_object_get(p, "secret"));
}

int credential_fields_split(const json_t *type, const json_t *given, const json_t *kept, json_t **plain,
			    json_t **secret, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	const char *name = json_string_value(json_object_get(type, "name"));
	json_t *props = json_object_get(json_object_get(type, "schema"), "properties");
	json_t *all = json_object();
	*plain = *secret = NULL;
	if (given && !json_is_object(given)) {
		snprintf(err, errlen, "the fields of a credential must be a JSON object");
		json_decref(all);
		return -1;
	}
	/* Empty fields are not given: a form sends every field, and an empty secret field means "keep it". */
	json_object_foreach((json_t *)given, key, v)
		if (!json_is_null(v) && !(json_is_string(v) && !json_string_length(v)))
			json_object_set(all, key, v);
	json_object_foreach((json_t *)kept, key, v)
		if (credential_field_secret(type, key) && !json_object_get(all, key))
			json_object_set(all, key, v);
	/* A number typed into a form arrives as text. */
	json_object_foreach(all, key, v) {
		const char *t = json_string_value(json_object_get(json_object_get(props, key), "type"));
		char *end;
		if (t && !strcmp(t, "integer") && json_is_string(v)) {
			long long n = strtoll(json_string_value(v), &end, 10);
			if (*end || end == json_string_value(v)) {
				snprintf(err, errlen, "%s: the field '%s' must be a whole number", name, key);
				json_decref(all);
				return -1;
			}
			json_object_set_new(all, key, json_integer(n));
		}
	}
	char why[400];
	json_t *checked = schema_apply(json_object_get(type, "schema"), all, why, sizeof why);
	json_decref(all);
	if (!checked) {
		/* "config: the field 'x' is required" reads better without its first word here. */
		snprintf(err, errlen, "%s: %s", name, !strncmp(why, "config: ", 8) ? why + 8 : why);
		return -1;
	}
	*plain = json_object();
	*secret = json_object();
	json_object_foreach(checked, key, v)
		json_object_set(credential_field_secret(type, key) ? *secret : *plain, key, v);
	json_decref(checked);
	return 0;
}

char *credential_fill(const char *text, const json_t *fields, int *used_any)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = text;
	*used_any = 0;
	while (*p) {
		const char *open = strstr(p, "{{"), *close = open ? strstr(open, "}}") : NULL;
		if (!close) {
			sb_adds(&out, p);
			break;
		}
		sb_add(&out, p, (size_t)(open - p));
		const char *a = open + 2, *b = close;
		while (a < b && *a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			b--;
		char *name = xstrndup(a, (size_t)(b - a));
		json_t *v = json_object_get(fields, name);
		if (json_is_string(v) && json_string_length(v)) {
			sb_adds(&out, json_string_value(v));
			*used_any = 1;
		} else if (json_is_integer(v)) {
			sb_printf(&out, "%lld", (long long)json_integer_value(v));
			*used_any = 1;
		}
		free(name);
		p = close + 2;
	}
	return sb_detach(&out);
}
