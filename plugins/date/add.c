/* date.add: a date moved by years, months, weeks and days on a zone's
 * calendar (a day later keeps the clock time across a change of daylight
 * saving time; the 31st plus a month is the last day of the next month),
 * then by hours, minutes and seconds of elapsed time. */
#include "date/blocks.h"
#include "date/instant.h"

static const char *const calendar_units[] = { "years", "months", "weeks", "days" };
static const char *const clock_units[] = { "hours", "minutes", "seconds" };

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	struct tz *z;
	int64_t ms;
	if (instant_input(ctx, inputs, config, NULL, &z, &ms))
		return AXON_FAIL;
	json_int_t amount[4], elapsed[3];
	for (int i = 0; i < 4; i++)
		amount[i] = json_integer_value(json_object_get(config, calendar_units[i]));
	for (int i = 0; i < 3; i++)
		elapsed[i] = json_integer_value(json_object_get(config, clock_units[i]));
	/* beyond these, the result leaves the years 1 to 9999 anyway */
	if (amount[0] < -10000 || amount[0] > 10000 || amount[1] < -120000 || amount[1] > 120000 || amount[2] < -530000 ||
	    amount[2] > 530000 || amount[3] < -3700000 || amount[3] > 3700000 || elapsed[0] < -88000000 ||
	    elapsed[0] > 88000000 || elapsed[1] < -5300000000 || elapsed[1] > 5300000000 ||
	    elapsed[2] < -320000000000 || elapsed[2] > 320000000000) {
		tz_free(z);
		return axon_fail(ctx, "the amounts to add move the date outside the years 1 to 9999");
	}
	struct civil c;
	civil_from_local_ms(instant_to_local(z, ms), &c);
	int64_t months = c.year * 12 + (c.month - 1) + amount[0] * 12 + amount[1];
	c.year = months >= 0 ? months / 12 : -((-months + 11) / 12);
	c.month = (int)(months - c.year * 12) + 1;
	if (c.day > days_in_month(c.year, c.month))
		c.day = days_in_month(c.year, c.month);
	int64_t local = civil_to_local_ms(&c) + (amount[2] * 7 + amount[3]) * 86400000;
	ms = instant_from_local(z, local) + ((elapsed[0] * 60 + elapsed[1]) * 60 + elapsed[2]) * 1000;
	if (ms < INT64_C(-62135596800000) || ms > INT64_C(253402300799999)) {
		tz_free(z);
		return axon_fail(ctx, "the result is outside the years 1 to 9999");
	}
	json_t *out = instant_write(ms, z, json_string_value(json_object_get(config, "output")));
	tz_free(z);
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a date, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the new date as ISO 8601 text (or a unix time)" },
	{ NULL, NULL },
};

#define AMOUNT(name, title, what) "\"" name "\": {\"type\": \"integer\", \"title\": \"" title "\", \"description\": \"" what "; negative to go back\", \"default\": 0}"

const struct axon_block date_add_block = {
	.name = "date.add",
	.version = "1.0.0",
	.title = "Add to a date",
	.description = "Moves a date by years, months, weeks, days (on the calendar of a time zone) and hours, minutes, seconds: due dates, reminders, a week ago.",
	.category = "date",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" DATE_PATH_SCHEMA ","
		AMOUNT("years", "Years", "Calendar years") "," AMOUNT("months", "Months", "Calendar months: January 31 plus one month is the last day of February") ","
		AMOUNT("weeks", "Weeks", "Weeks of seven calendar days") "," AMOUNT("days", "Days", "Calendar days: the clock time stays the same across a change of daylight saving time") ","
		AMOUNT("hours", "Hours", "Elapsed hours, added after the calendar amounts") "," AMOUNT("minutes", "Minutes", "Elapsed minutes") "," AMOUNT("seconds", "Seconds", "Elapsed seconds") ","
		"\"now\": {\"type\": \"boolean\", \"title\": \"From now\", \"description\": \"Start from the time the block runs, not from a date in the input\", \"default\": false},"
		DATE_ZONE_SCHEMA "," DATE_OUTPUT_SCHEMA "}}",
	.run = run,
};
