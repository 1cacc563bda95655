/* date.parse: a date written by people or other systems, read into one
 * form: ISO 8601 (or a unix time) on a chosen zone's clock. */
#include "date/blocks.h"
#include "date/instant.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	struct tz *z;
	int64_t ms;
	if (instant_input(ctx, inputs, config, json_string_value(json_object_get(config, "format")), &z, &ms))
		return AXON_FAIL;
	json_t *out = instant_write(ms, z, json_string_value(json_object_get(config, "output")));
	tz_free(z);
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a date, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the date as ISO 8601 text (or a unix time)" },
	{ NULL, NULL },
};

const struct axon_block date_parse_block = {
	.name = "date.parse",
	.version = "1.0.0",
	.title = "Read a date",
	.description = "Reads a date (ISO 8601, a unix time, or a layout such as %d/%m/%Y %H:%M) into ISO 8601 or a unix time, in an IANA time zone.",
	.category = "date",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" DATE_PATH_SCHEMA ","
		"\"format\": {\"type\": \"string\", \"title\": \"Layout\", \"description\": \"Empty for ISO 8601; otherwise fields such as %d/%m/%Y %H:%M or %B %e, %Y %I:%M %p: %Y year, %y two-digit year, %m month, %d or %e day, %H hour, %I hour 1-12 with %p AM/PM, %M minutes, %S seconds, %f fractions, %b or %B month name, %a or %A weekday, %z offset, %% a percent sign; a space matches any spaces\", \"default\": \"\"},"
		DATE_ZONE_SCHEMA "," DATE_OUTPUT_SCHEMA "}}",
	.run = run,
};
