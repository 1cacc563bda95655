/* flow.wait's durations and times (src/engine/builtins.c). */
#include "engine/builtins.h"
#include "../testlib.h"

static int64_t dur(const char *json)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	int64_t ms = parse_duration_ms(v);
	json_decref(v);
	return ms;
}

static int64_t at(const char *json)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	int64_t ms = parse_time_ms(v);
	json_decref(v);
	return ms;
}

int main(void)
{
	CHECK(dur("\"90s\"") == 90000);
	CHECK(dur("\"90\"") == 90000);
	CHECK(dur("90") == 90000);
	CHECK(dur("1.5") == 1500);
	CHECK(dur("\"5m\"") == 300000);
	CHECK(dur("\"1h30m\"") == 5400000);
	CHECK(dur("\"1h 30m\"") == 5400000);
	CHECK(dur("\"2d\"") == 172800000);
	CHECK(dur("\"0s\"") == 0);
	CHECK(dur("\"soon\"") == -1);
	CHECK(dur("\"5x\"") == -1);
	CHECK(dur("\"1h30\"") == -1); /* a bare number only alone */
	CHECK(dur("\"-5s\"") == -1);
	CHECK(dur("\"\"") == -1);
	CHECK(dur("\"400d\"") == -1);
	CHECK(dur("true") == -1);

	CHECK(at("\"1970-01-01T00:00:00Z\"") == 0);
	CHECK(at("\"2026-12-02T10:00:00Z\"") == 1796205600000LL);
	CHECK(at("\"2026-12-02T11:00:00+01:00\"") == 1796205600000LL);
	CHECK(at("\"2026-12-02T05:30:00-0430\"") == 1796205600000LL);
	CHECK(at("\"2026-12-02T10:00:00.250Z\"") == 1796205600250LL);
	CHECK(at("\"2026-12-02 10:00Z\"") == 1796205600000LL);
	CHECK(at("1796205600000") == 1796205600000LL);
	CHECK(at("\"2026-12-02T10:00:00\"") == -1); /* no zone */
	CHECK(at("\"2026-13-02T10:00:00Z\"") == -1);
	CHECK(at("\"2026-12-02T10:00:00Zjunk\"") == -1);
	CHECK(at("\"tomorrow\"") == -1);
	CHECK(at("-5") == -1);

	char err[300];
	json_t *c = json_pack("{s:s}", "duration", "10s");
	CHECK(wait_left_ms(c, 1000, 4000, err, sizeof err) == 7000);
	CHECK(wait_left_ms(c, 1000, 20000, err, sizeof err) == 0);
	json_decref(c);
	c = json_pack("{s:s, s:s}", "duration", "10s", "until", "2030-01-01T00:00:00Z");
	CHECK(wait_left_ms(c, 0, 0, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "not both");
	json_decref(c);
	c = json_pack("{s:s}", "duration", "");
	CHECK(wait_left_ms(c, 0, 0, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "not neither");
	json_decref(c);
	json_t *reg = builtin_blocks();
	CHECK(json_array_size(reg) == 2);
	json_decref(reg);
	return t_done("test_builtins");
}
