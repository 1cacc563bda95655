#include "broker/http_encode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "strbuf.h"

/* A scalar as the text a form carries; NULL for anything else. */
static char *scalar_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_true(v) || json_is_false(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	if (json_is_number(v))
		return json_dumps(v, JSON_ENCODE_ANY);
	return NULL;
}

/* Calls add(arg, name, value) for each pair of obj, an array's elements one
 * by one; null is skipped. */
static int each_pair(const json_t *obj, const char *what, int (*add)(void *, const char *, const json_t *), void *arg,
		     char *err, size_t errlen)
{
	const char *name;
	json_t *v;
	if (!json_is_object(obj)) {
		snprintf(err, errlen, "\"%s\" must be an object of names and values", what);
		return -1;
	}
	json_object_foreach((json_t *)obj, name, v) {
		size_t i, n = json_is_array(v) ? json_array_size(v) : 1;
		for (i = 0; i < n; i++) {
			const json_t *one = json_is_array(v) ? json_array_get(v, i) : v;
			if (json_is_null(one))
				continue;
			if (add(arg, name, one) < 0) {
				snprintf(err, errlen, "%s: '%s' must be a string, a number, a boolean%s, or an array of them",
					 what, name, !strcmp(what, "multipart") ? ", binary data" : "");
				return -1;
			}
		}
	}
	return 0;
}

static int add_encoded(void *arg, const char *name, const json_t *v)
{
	struct strbuf *sb = arg;
	char *text = scalar_text(v);
	if (!text)
		return -1;
	if (sb->len)
		sb_addc(sb, '&');
	sb_add_urlenc(sb, name);
	sb_addc(sb, '=');
	sb_add_urlenc(sb, text);
	free(text);
	return 0;
}

char *http_form_encode(const json_t *form, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	if (each_pair(form, "form", add_encoded, &sb, err, errlen) < 0) {
		sb_free(&sb);
		return NULL;
	}
	return sb_detach(&sb) ?: xstrdup("");
}

char *http_url_with_query(const char *url, const json_t *query, char *err, size_t errlen)
{
	struct strbuf pairs = STRBUF_INIT;
	if (query && each_pair(query, "query", add_encoded, &pairs, err, errlen) < 0) {
		sb_free(&pairs);
		return NULL;
	}
	if (!pairs.len)
		return xstrdup(url);
	CURLU *u = curl_url();
	char *joined = NULL, *out = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_QUERY, sb_str(&pairs), CURLU_APPENDQUERY) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &joined, 0) == CURLUE_OK)
		out = xstrdup(joined);
	else
		snprintf(err, errlen, "%s is not a URL the query could be added to", url);
	curl_free(joined);
	curl_url_cleanup(u);
	sb_free(&pairs);
	return out;
}

static int add_part(void *arg, const char *name, const json_t *v)
{
	curl_mime *mime = arg;
	curl_mimepart *part = curl_mime_addpart(mime);
	char err[200];
	if (!part)
		return -1;
	curl_mime_name(part, name);
	if (binary_is(v)) {
		unsigned char *data;
		size_t len;
		if (binary_decode(v, &data, &len, err, sizeof err) < 0)
			return -1;
		curl_mime_data(part, (const char *)data, len);
		free(data);
		const char *type = json_string_value(json_object_get(v, "content_type"));
		const char *filename = json_string_value(json_object_get(v, "filename"));
		curl_mime_type(part, type ? type : "application/octet-stream");
		curl_mime_filename(part, filename ? filename : name);
		return 0;
	}
	char *text = scalar_text(v);
	if (!text)
		return -1;
	curl_mime_data(part, text, CURL_ZERO_TERMINATED);
	free(text);
	return 0;
}

curl_mime *http_multipart(CURL *c, const json_t *parts, char *err, size_t errlen)
{
	curl_mime *mime = curl_mime_init(c);
	if (!mime) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (each_pair(parts, "multipart", add_part, mime, err, errlen) < 0) {
		curl_mime_free(mime);
		return NULL;
	}
	return mime;
}
