/* What a workflow's page says of its schedule: the cron expression, the time
 * zone and the next three times it fires, on that zone's clock and in UTC
 * (engine/cron.c computes them as the scheduler does). */
#include <stdio.h>
#include <time.h>

#include "engine/cron.h"
#include "engine/timezone.h"
#include "web/pages/schedule_view.h"

#define NEXT_SHOWN 3

/* "2026-12-03 09:00" for the instant t on a clock offset seconds east of UTC. */
static void format_clock(int64_t t, int32_t offset, char *buf, size_t len)
{
	time_t local = (time_t)(t + offset);
	struct tm tm;
	gmtime_r(&local, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

json_t *schedule_view(const json_t *trigger, int64_t now)
{
	const char *expr = json_string_value(json_object_get(trigger, "cron"));
	const char *zone = json_string_value(json_object_get(trigger, "timezone"));
	if (!zone || !*zone)
		zone = "UTC";
	json_t *view = json_pack("{s:s?, s:s, s:[]}", "cron", expr, "timezone", zone, "next");
	char err[256] = "";
	struct cron *c = expr ? cron_parse(expr, zone, err, sizeof err) : NULL;
	struct tz *tz = c ? tz_load(zone, err, sizeof err) : NULL;
	if (!tz) {
		json_object_set_new(view, "error", json_string(*err ? err : "there is no cron expression"));
		cron_free(c);
		return view;
	}
	int64_t t = now;
	for (int i = 0; i < NEXT_SHOWN && (t = cron_next(c, t)) >= 0; i++) {
		char local[32], utc[32];
		format_clock(t, tz_offset(tz, t), local, sizeof local);
		format_clock(t, 0, utc, sizeof utc);
		json_array_append_new(json_object_get(view, "next"),
				      json_pack("{s:I, s:s, s:s}", "at", (json_int_t)t, "local", local, "utc", utc));
	}
	if (!json_array_size(json_object_get(view, "next")))
		json_object_set_new(view, "error", json_string("it never fires (no such date)"));
	tz_free(tz);
	cron_free(c);
	return view;
}
