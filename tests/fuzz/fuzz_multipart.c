/* libFuzzer: the first line of the input is the Content-Type, the rest the
 * multipart/form-data body. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form_invariants.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	size_t type_len = nl ? (size_t)(nl - in) : size;
	char *content_type = xstrndup(in, type_len);
	size_t body_at = nl ? type_len + 1 : size;
	/* The body in its own allocation, so that ASan sees a read past its end. */
	char *body = xmalloc(size - body_at);
	memcpy(body, in + body_at, size - body_at);

	char err[256] = "";
	struct form f = FORM_INIT;
	int rc = form_parse_multipart(&f, content_type, body, size - body_at, err, sizeof err);
	check_form_invariants(&f, rc, err);
	form_free(&f);
	free(body);
	free(content_type);
	return 0;
}
