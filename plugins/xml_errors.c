#include "xml_errors.h"

#include <stdio.h>
#include <string.h>

#include <libxml/xmlerror.h>

static void collect(void *arg, xmlErrorPtr e)
{
	struct xml_errors *errs = arg;
	if (!errs->first[0] && e && e->message) {
		snprintf(errs->first, sizeof errs->first, "line %d: %s", e->line, e->message);
		size_t n = strlen(errs->first);
		while (n && errs->first[n - 1] == '\n')
			errs->first[--n] = '\0';
	}
}

static void ignore(void *arg, const char *fmt, ...)
{
}

void xml_errors_catch(struct xml_errors *errs)
{
	errs->first[0] = '\0';
	xmlSetStructuredErrorFunc(errs, collect);
	xmlSetGenericErrorFunc(NULL, ignore);
}
