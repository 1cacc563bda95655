/* The live streams' event lines and the Last-Event-ID they are taken up from. */
#include <stdint.h>

#include "web/stream.h"
#include "../testlib.h"

int main(void)
{
	struct strbuf sb = STRBUF_INIT;
	stream_format_event(&sb, 1700000000000, 42, "step", "{\"block\":\"a\"}");
	CHECK_STR(sb_str(&sb), "id: 1700000000000-42\nevent: step\ndata: {\"block\":\"a\"}\n\n");
	sb_free(&sb);

	uint64_t id = 0;
	CHECK(stream_parse_event_id("1700000000000-42", 1700000000000, &id) == 0 && id == 42);
	CHECK(stream_parse_event_id("1700000000000-0", 1700000000000, &id) == 0 && id == 0);
	/* Another daemon's epoch: the reader must reload. */
	CHECK(stream_parse_event_id("1699999999999-42", 1700000000000, &id) == 1);
	/* Not ours. */
	static const char *const bad[] = { "", "42", "-42", "abc-1", "1700000000000-", "1700000000000-x",
					   "1700000000000-4 2", "1700000000000--1", "1700000000000-+1",
					   "1700000000000-99999999999999999999999", "1700000000000-1-2" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = stream_parse_event_id(bad[i], 1700000000000, &id);
		CHECK(rc == -1);
		if (rc != -1)
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
	}
	return t_done("test_stream");
}
