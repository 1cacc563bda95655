/* libFuzzer: the input as an application/x-www-form-urlencoded body, and
 * through url_decode alone. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "form_invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	struct form f = FORM_INIT;
	int rc = form_parse_urlencoded(&f, (const char *)data, size, err, sizeof err);
	check_form_invariants(&f, rc, err);
	form_free(&f);

	char *out;
	size_t out_len;
	if (url_decode((const char *)data, size, &out, &out_len) == 0) {
		if (out_len > size || out[out_len] != '\0')
			abort();
		free(out);
	}
	return 0;
}
