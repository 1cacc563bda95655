#include "builtins.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_MAX_MS (366LL * 24 * 3600 * 1000) /* a year and a day */

static const char registry_json[] =
	"[{\"name\": \"flow.call\", \"version\": \"1.0.0\", \"title\": \"Call a workflow\","
	"  \"description\": \"Runs another workflow with the value on 'in' as its trigger data, and emits on 'out' "
	"the outputs of its last blocks, by block id.\","
	"  \"category\": \"flow\", \"plugin\": \"(built in)\","
	"  \"inputs\": [{\"name\": \"in\", \"description\": \"the called workflow's trigger data\"}],"
	"  \"outputs\": [{\"name\": \"out\", \"description\": \"{block id: outputs} of the called workflow's last blocks\"}],"
	"  \"config_schema\": {\"type\": \"object\", \"properties\": {\"workflow\": {\"type\": \"string\","
	"    \"description\": \"the workflow's name or number\"}}, \"required\": [\"workflow\"],"
	"    \"additionalProperties\": false},"
	"  \"limits\": {\"wall_ms\": 0, \"cpu_ms\": 0, \"memory_bytes\": 0}},"
	" {\"name\": \"flow.wait\", \"version\": \"1.0.0\", \"title\": \"Wait\","
	"  \"description\": \"Waits for a duration, or until a time, then emits its input on 'out'. A waiting run "
	"holds no worker and no process, and waits on after a restart for what is left.\","
	"  \"category\": \"flow\", \"plugin\": \"(built in)\","
	"  \"inputs\": [{\"name\": \"in\", \"description\": \"the value to pass on\"}],"
	"  \"outputs\": [{\"name\": \"out\", \"description\": \"the input, once the wait is over\"}],"
	"  \"config_schema\": {\"type\": \"object\", \"properties\": {"
	"    \"duration\": {\"title\": \"Duration\", \"description\": \"how long to wait: 90s, 5m, 1h30m, 2d, or a "
	"number of seconds\"},"
	"    \"until\": {\"type\": \"string\", \"title\": \"Until\", \"description\": \"or a time to wait for, such as "
	"2026-12-24T18:00:00+01:00 or {{ trigger.body.remind_at }}; a time already past does not wait\"}},"
	"    \"additionalProperties\": false},"
	"  \"limits\": {\"wall_ms\": 0, \"cpu_ms\": 0, \"memory_bytes\": 0}}]";

json_t *builtin_blocks(void)
{
	json_t *blocks = json_loads(registry_json, 0, NULL);
	if (!blocks)
		abort(); /* a constant of ours */
	return blocks;
}

int64_t parse_duration_ms(const json_t *v)
{
	if (json_is_number(v)) {
		double s = json_number_value(v);
		return s >= 0 && s * 1000 <= (double)WAIT_MAX_MS ? (int64_t)(s * 1000) : -1;
	}
	const char *p = json_string_value(v);
	if (!p)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	int64_t total = 0;
	int parts = 0;
	while (*p) {
		char *end;
		double n = strtod(p, &end);
		if (end == p || n < 0)
			return -1;
		p = end;
		static const struct { char unit; int64_t ms; } units[] = {
			{ 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 },
		};
		int64_t ms = 1000; /* a bare number is seconds, and only alone */
		if (*p) {
			size_t i = 0;
			while (i < 4 && units[i].unit != *p)
				i++;
			if (i == 4)
				return -1;
			ms = units[i].ms;
			p++;
		} else if (parts) {
			return -1;
		}
		total += (int64_t)(n * (double)ms);
		if (total > WAIT_MAX_MS)
			return -1;
		parts++;
		while (isspace((unsigned char)*p))
			p++;
	}
	return parts ? total : -1;
}

/* Reads exactly n digits. */
static int digits(const char **p, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		*out = *out * 10 + (**p - '0');
	}
	return 0;
}

int64_t parse_time_ms(const json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
	const char *p = json_string_value(v);
	if (!p)
		return -1;
	struct tm tm = { 0 };
	int y, mo, d, h, mi, s = 0, ms = 0;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d) ||
	    (*p != 'T' && *p != 't' && *p != ' '))
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &s))
			return -1;
	}
	if (*p == '.' || *p == ',') {
		p++;
		int scale = 100, n = 0;
		while (isdigit((unsigned char)*p)) {
			ms += (*p++ - '0') * scale;
			scale /= 10;
			n++;
		}
		if (!n)
			return -1;
	}
	int offset_min = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om))
			return -1;
		offset_min = sign * (oh * 60 + om);
	} else {
		return -1; /* a time without a zone would mean the server's: say which */
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	time_t t = timegm(&tm);
	return ((int64_t)t - offset_min * 60) * 1000 + ms;
}

int64_t wait_left_ms(const json_t *config, int64_t started_at, int64_t wall_now, char *err, size_t errlen)
{
	const json_t *duration = json_object_get(config, "duration"), *until = json_object_get(config, "until");
	int has_duration = duration && !json_is_null(duration) && !(json_is_string(duration) && !*json_string_value(duration));
	int has_until = until && !json_is_null(until) && !(json_is_string(until) && !*json_string_value(until));
	if (has_duration == has_until) {
		snprintf(err, errlen, "flow.wait needs either \"duration\" (such as 90s, 5m, 1h30m) or \"until\" "
			 "(a time such as 2026-12-24T18:00:00Z), not %s", has_duration ? "both" : "neither");
		return -1;
	}
	int64_t at;
	if (has_duration) {
		int64_t ms = parse_duration_ms(duration);
		if (ms < 0) {
			char *text = json_dumps(duration, JSON_ENCODE_ANY);
			snprintf(err, errlen, "flow.wait: the duration %.60s is not one: write a number followed by s, m, h "
				 "or d (90s, 5m, 1h30m, 2d), or a number of seconds, up to 366 days", text ? text : "?");
			free(text);
			return -1;
		}
		at = (started_at ? started_at : wall_now) + ms;
	} else {
		at = parse_time_ms(until);
		if (at < 0) {
			char *text = json_dumps(until, JSON_ENCODE_ANY);
			snprintf(err, errlen, "flow.wait: until %.80s is not a time: write it as 2026-12-24T18:00:00Z or "
				 "with an offset such as +01:00 (or epoch milliseconds)", text ? text : "?");
			free(text);
			return -1;
		}
		if (at - wall_now > WAIT_MAX_MS) {
			snprintf(err, errlen, "flow.wait: until is more than 366 days away");
			return -1;
		}
	}
	return at > wall_now ? at - wall_now : 0;
}
