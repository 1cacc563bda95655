/* libFuzzer: the input as the value of a Cookie header (up to its first NUL,
 * as a header arrives). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "form_invariants.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *header = xstrndup((const char *)data, size);
	char err[256] = "";
	struct form f = FORM_INIT;
	int rc = form_parse_cookies(&f, header, err, sizeof err);
	check_form_invariants(&f, rc, err);
	if (f.n > FORM_MAX_COOKIES)
		abort();
	form_free(&f);
	free(header);
	return 0;
}
