#include "net/response.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && !strncmp(s + n - k, suffix, k);
}

/* text/..., JSON, XML, JavaScript, forms, or no type said: text. */
static bool is_text_type(const char *content_type)
{
	char t[128];
	size_t n = 0;
	for (const char *p = content_type; *p && *p != ';' && *p != ' ' && n + 1 < sizeof t; p++)
		t[n++] = (char)tolower((unsigned char)*p);
	t[n] = '\0';
	return !n || !strncmp(t, "text/", 5) || !strcmp(t, "application/json") || ends_with(t, n, "+json") ||
	       !strcmp(t, "application/xml") || ends_with(t, n, "+xml") || !strcmp(t, "application/javascript") ||
	       !strcmp(t, "application/x-www-form-urlencoded") || !strcmp(t, "application/x-ndjson");
}

static json_t *binary(const char *b64, size_t size, const char *content_type)
{
	return json_pack("{s:s, s:I, s:s*}", "base64", b64, "size", (json_int_t)size, "content_type",
			 content_type && *content_type ? content_type : NULL);
}

void response_settle(json_t *resp)
{
	const char *type = json_string_value(json_object_get(json_object_get(resp, "headers"), "content-type"));
	const char *b64 = json_string_value(json_object_get(resp, "body_base64"));
	const json_t *text = json_object_get(resp, "body");
	if (b64) {
		size_t n = strlen(b64);
		size_t size = n / 4 * 3 - (n && b64[n - 1] == '=') - (n > 1 && b64[n - 2] == '=');
		json_object_set_new(resp, "body", binary(b64, size, type));
		json_object_del(resp, "body_base64");
	} else if (json_is_string(text) && !is_text_type(type ? type : "")) {
		size_t len = json_string_length(text);
		char *enc = malloc(4 * ((len + 2) / 3) + 1);
		if (!enc)
			return;
		EVP_EncodeBlock((unsigned char *)enc, (const unsigned char *)json_string_value(text), (int)len);
		json_object_set_new(resp, "body", binary(enc, len, type));
		free(enc);
	}
}
