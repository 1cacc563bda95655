/* Every status axond sends has its reason phrase; others get their class's. */
#include "../testlib.h"
#include "web/request.h"

int main(void)
{
	CHECK_STR(status_text(200), "OK");
	CHECK_STR(status_text(303), "See Other");
	CHECK_STR(status_text(413), "Content Too Large");
	CHECK_STR(status_text(422), "Unprocessable Content");
	CHECK_STR(status_text(429), "Too Many Requests");
	CHECK_STR(status_text(502), "Bad Gateway");
	CHECK_STR(status_text(503), "Service Unavailable");
	CHECK_STR(status_text(504), "Gateway Timeout");

	/* Whatever status the code sends, the status line never says "Unknown". */
	for (int s = 100; s <= 599; s++)
		CHECK(strcmp(status_text(s), "Unknown") != 0 && status_text(s)[0] != '\0');
	CHECK_STR(status_text(299), "Success");
	CHECK_STR(status_text(418), "Client Error");
	CHECK_STR(status_text(599), "Server Error");
	CHECK_STR(status_text(0), "Server Error");
	CHECK_STR(status_text(1000), "Server Error");
	return t_done("test_status");
}
