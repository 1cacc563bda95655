/* What every fuzz target for the form parsers checks after a parse: a refusal
 * says why, in clean text, and every field keeps the promises of web/form.h.
 * A broken promise aborts, which libFuzzer reports as a crash. */
#ifndef AXON_FUZZ_FORM_INVARIANTS_H
#define AXON_FUZZ_FORM_INVARIANTS_H
#include <stdlib.h>
#include <string.h>

#include "web/form.h"

static inline void check_form_invariants(const struct form *f, int rc, const char *err)
{
	if (rc != 0 && (rc != -1 || !err[0] || !text_is_clean(err, strlen(err))))
		abort();
	if (f->n > FORM_MAX_FIELDS)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *ff = &f->fields[i];
		size_t name_len = strlen(ff->name);
		if (!name_len || name_len > FORM_MAX_NAME || text_problem(ff->name, name_len, 1))
			abort();
		if (ff->value[ff->value_len] != '\0')
			abort();
		if (!ff->filename && !text_is_clean(ff->value, ff->value_len))
			abort();
	}
}

#endif
