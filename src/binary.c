#include "binary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "strbuf.h"

json_t *binary_new(const void *data, size_t len, const char *content_type, const char *filename)
{
	char *b64 = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, data, (int)len);
	json_t *v = json_pack("{s:s, s:I, s:s*, s:s*}", "base64", b64, "size", (json_int_t)len, "content_type",
			      content_type, "filename", filename);
	free(b64);
	return v;
}

bool binary_is(const json_t *v)
{
	return json_is_object(v) && json_is_string(json_object_get(v, "base64"));
}

int binary_decode(const json_t *v, unsigned char **data, size_t *len, char *err, size_t errlen)
{
	const char *b64 = json_string_value(json_object_get(v, "base64"));
	if (!json_is_object(v) || !b64) {
		snprintf(err, errlen, "binary data must be an object {\"base64\": \"...\"} (as http.request gives "
			 "a response that is not text)");
		return -1;
	}
	size_t n = strlen(b64);
	*data = xmalloc(n / 4 * 3 + 1);
	/* EVP_DecodeBlock counts the padding as zero bytes: take them off. */
	int got = n % 4 == 0 ? EVP_DecodeBlock(*data, (const unsigned char *)b64, (int)n) : -1;
	if (got < 0) {
		free(*data);
		*data = NULL;
		snprintf(err, errlen, "binary data: \"base64\" is not valid base64");
		return -1;
	}
	*len = (size_t)got - (n && b64[n - 1] == '=') - (n > 1 && b64[n - 2] == '=');
	(*data)[*len] = '\0';
	return 0;
}
