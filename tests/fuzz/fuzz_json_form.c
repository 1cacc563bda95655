/* libFuzzer: the input as a JSON body. */
#include <stddef.h>
#include <stdint.h>

#include "form_invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	struct form f = FORM_INIT;
	int rc = form_parse_json(&f, (const char *)data, size, err, sizeof err);
	check_form_invariants(&f, rc, err);
	form_free(&f);
	return 0;
}
