/* Placeholder until the parsers land. */
#include "web/form.h"
#include <stdio.h>
int form_parse_urlencoded(struct form *f, const char *data, size_t len, char *err, size_t errlen) { (void)f; (void)data; (void)len; snprintf(err, errlen, "not yet"); return -1; }
