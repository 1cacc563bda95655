/* date.format: a date written for people, through a strftime-like layout,
 * on the clock of an IANA time zone. */
#include "date/blocks.h"
#include "date/instant.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	struct tz *z;
	int64_t ms;
	char err[400];
	if (instant_input(ctx, inputs, config, NULL, &z, &ms))
		return AXON_FAIL;
	json_t *text = instant_format(ms, z, json_string_value(json_object_get(config, "format")), err, sizeof err);
	tz_free(z);
	if (!text)
		return axon_fail(ctx, "%s", err);
	return axon_emit(ctx, "text", text) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a date, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "text", "the date as written by the layout" },
	{ NULL, NULL },
};

const struct axon_block date_format_block = {
	.name = "date.format",
	.version = "1.0.0",
	.title = "Write a date",
	.description = "Writes a date for people or another system, such as Wednesday 2 December 2026, 10:30 in Europe/Paris, through a layout of fields.",
	.category = "date",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" DATE_PATH_SCHEMA ","
		"\"format\": {\"type\": \"string\", \"title\": \"Layout\", \"description\": \"Text with fields: %Y year, %y two-digit year, %m month, %d day, %e day without a zero, %H hour, %I hour 1-12, %p AM/PM, %M minutes, %S seconds, %f milliseconds, %a or %A weekday, %b or %B month name (English), %j day of the year, %u weekday 1-7 from Monday, %s unix time, %F = %Y-%m-%d, %T = %H:%M:%S, %z +0100, %:z +01:00, %Z the zone's name, %% a percent sign\", \"default\": \"%Y-%m-%d %H:%M\"},"
		"\"now\": {\"type\": \"boolean\", \"title\": \"The current time\", \"description\": \"Write the time the block runs, not a date from the input\", \"default\": false},"
		DATE_ZONE_SCHEMA "}}",
	.run = run,
};
