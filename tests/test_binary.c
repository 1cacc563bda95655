/* Binary data as workflows carry it: there and back, each amount of base64
 * padding, and base64 that is not. */
#include <stdlib.h>

#include "binary.h"
#include "testlib.h"

int main(void)
{
	json_t *b = binary_new("PNG\0\1\2", 6, "image/png", NULL);
	CHECK_STR(json_string_value(json_object_get(b, "base64")), "UE5HAAEC");
	CHECK(json_integer_value(json_object_get(b, "size")) == 6 && !json_object_get(b, "filename"));
	unsigned char *data = NULL;
	size_t len;
	char err[200];
	CHECK(binary_is(b) && binary_decode(b, &data, &len, err, sizeof err) == 0 && len == 6 && !memcmp(data, "PNG\0\1\2", 6));
	free(data);
	json_decref(b);
	for (size_t n = 0; n < 4; n++) { /* each amount of padding */
		b = binary_new("abc", n, NULL, NULL);
		CHECK(binary_decode(b, &data, &len, err, sizeof err) == 0 && len == n && !memcmp(data, "abc", n));
		free(data);
		json_decref(b);
	}
	b = json_pack("{s:s}", "base64", "not base64!");
	CHECK(binary_decode(b, &data, &len, err, sizeof err) < 0);
	CHECK_STR(err, "binary data: \"base64\" is not valid base64");
	json_decref(b);
	b = json_string("x");
	CHECK(!binary_is(b));
	json_decref(b);
	return t_done("test_binary");
}
