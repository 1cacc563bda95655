/* libFuzzer: the input is a mail message as an IMAP server would send it,
 * read as the broker reads it (src/broker/mime.c): whatever arrives gives a
 * message of JSON strings, or an error, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "broker/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[300];
	json_t *m = mime_message(data, size, err, sizeof err);
	if (m && (!json_is_string(json_object_get(m, "text")) || !json_is_array(json_object_get(m, "attachments"))))
		abort();
	json_decref(m);
	return 0;
}
