/* Instants for the date blocks: milliseconds since 1970-01-01T00:00:00Z,
 * read from ISO 8601 text, from unix times or through a pattern, and
 * written as ISO 8601 or through a pattern, on the clock of an IANA zone. */
#ifndef AXON_PLUGINS_DATE_INSTANT_H
#define AXON_PLUGINS_DATE_INSTANT_H
#include <axon/block.h>
#include <stdint.h>

#include "date/zones.h"

/* The schema properties the date blocks share. */
#define DATE_PATH_SCHEMA "\"path\": {\"type\": \"string\", \"title\": \"Date\", \"description\": \"Dotted path of the date in the input, such as body.created_at; empty when the input is the date. A date is ISO 8601 text (2026-12-02T09:30:00Z, 2026-12-02 09:30, 2026-12-02) or a unix time in seconds\", \"default\": \"\"}"
#define DATE_ZONE_SCHEMA "\"timezone\": {\"type\": \"string\", \"title\": \"Time zone\", \"description\": \"An IANA name such as Europe/Paris: the clock of dates written without an offset, and of the result\", \"default\": \"UTC\"}"
#define DATE_OUTPUT_SCHEMA "\"output\": {\"type\": \"string\", \"title\": \"Result as\", \"description\": \"iso: ISO 8601 text on the zone's clock with its offset (Z for UTC); unix: seconds since 1970; unix_ms: milliseconds\", \"enum\": [\"iso\", \"unix\", \"unix_ms\"], \"default\": \"iso\"}"

/* A calendar reading: what a clock shows. */
struct civil {
	int64_t year;
	int month, day, hour, minute, second, ms;
};

int64_t civil_to_local_ms(const struct civil *c);
void civil_from_local_ms(int64_t local, struct civil *c);
int days_in_month(int64_t year, int month);

/* The instant of a clock reading in zone z: in a spring-forward gap, the
 * reading as many minutes later as the gap is long, as clocks do. */
int64_t instant_from_local(const struct tz *z, int64_t local_ms);
int64_t instant_to_local(const struct tz *z, int64_t ms);

/* Reads v, a string (ISO 8601, or pattern when not NULL: %Y %m %d %H %M %S
 * %f %y %b %p %I %z %%) or a number (unix seconds), into *ms; readings
 * without an offset are on z's clock. 0, or -1 with the reason in err. */
int instant_read(const json_t *v, const char *pattern, const struct tz *z, int64_t *ms, char *err, size_t errlen);
/* ms written as the config's "output" says, on z's clock. */
json_t *instant_write(int64_t ms, const struct tz *z, const char *output);
/* ms written through pattern (strftime-like: %Y %m %d %e %H %I %M %S %f %p
 * %a %A %b %B %j %u %z %Z %s %F %T %%), on z's clock. NULL with the reason
 * in err. */
json_t *instant_format(int64_t ms, const struct tz *z, const char *pattern, char *err, size_t errlen);

/* Reads the date at the config's "path" of input "in" (or the current time
 * when the config says "now": true) and the zone in the config's
 * "timezone": 0, or -1 after failing the run. */
int instant_input(struct axon_ctx *ctx, const json_t *inputs, const json_t *config, const char *pattern, struct tz **z,
		  int64_t *ms);

#endif
