/* Documents cut into chunks for a knowledge base (store.h). Pure text work,
 * kept beside the tables it fills so that the web and the CLI cut alike. */
#include <string.h>

#include "store/store.h"

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Where a chunk that may run from start to limit (< n) best ends: after
 * the last paragraph break, line break, sentence end or blank in its second
 * half, else at limit moved back to the start of a UTF-8 character. */
static size_t chunk_end(const char *t, size_t start, size_t limit)
{
	static const char *const breaks[] = { "\n\n", "\n", ". ", "? ", "! ", " " };
	size_t half = start + (limit - start) / 2;
	for (size_t b = 0; b < sizeof breaks / sizeof breaks[0]; b++) {
		size_t len = strlen(breaks[b]);
		for (size_t at = limit - len; at >= half && at > start; at--)
			if (!memcmp(t + at, breaks[b], len))
				return at + len;
	}
	while (limit > start + 1 && ((unsigned char)t[limit] & 0xC0) == 0x80)
		limit--;
	return limit;
}

json_t *store_kb_chunk_text(const char *text, size_t size, size_t overlap)
{
	json_t *chunks = json_array();
	size_t n = strlen(text), start = 0;
	if (size < 16)
		size = 16;
	if (overlap > size / 2)
		overlap = size / 2;
	while (start < n) {
		size_t end = start + size >= n ? n : chunk_end(text, start, start + size);
		size_t a = start, z = end;
		while (a < z && blank(text[a]))
			a++;
		while (z > a && blank(text[z - 1]))
			z--;
		if (z > a)
			json_array_append_new(chunks, json_stringn(text + a, z - a));
		if (end == n)
			break;
		/* The next chunk starts overlap bytes back, at the start of a word. */
		size_t next = end > start + overlap ? end - overlap : end;
		while (next > start && next < end && !blank(text[next - 1]))
			next++;
		start = next > start ? next : end;
	}
	return chunks;
}
