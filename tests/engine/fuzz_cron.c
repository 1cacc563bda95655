/* libFuzzer target: the input is a cron expression, optionally followed by a
 * newline and a time zone name. Parsing must accept it or refuse it with a
 * message; a parsed schedule must agree with itself: cron_next gives a tick
 * after the instant and none in between, cron_due the latest tick at or
 * before it, and the two meet. An input that starts with "TZif" is a zone
 * file instead: it is read, and if taken, its offsets must be in range and
 * every instant tz_instant gives must show the reading asked for.
 * Seeds: tests/fuzz/corpus/cron/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cron.h"
#include "engine/timezone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Around the 2024 changes in Europe and North America, the epoch, and the far end. */
static const int64_t instants[] = {
	0, 1711846799, 1711846800, 1711848600, 1729989000, 1729990800, 1729992600, 1710054000,
	1730613600, 1735689599, 4102444800, INT64_C(253402214400),
};

/* Ticks further apart than the search goes happen only where clock changes
 * swallow the ticks of decades. */
static const int64_t horizon = (int64_t)CRON_HORIZON_YEARS * 365 * 86400;

static void check_schedule(const struct cron *c, int64_t t)
{
	int64_t next, after_next;
	int64_t r = cron_next(c, t);
	int64_t p = cron_due(c, -1, t, &next);
	if (next != r)
		__builtin_trap();
	if (r != -1) {
		if (r <= t || cron_next(c, r - 1) != r)
			__builtin_trap();  /* the next tick is after t, and nothing comes between */
		if (cron_due(c, -1, r, &after_next) != r || after_next != cron_next(c, r) ||
		    cron_due(c, r, r, NULL) != -1)
			__builtin_trap();  /* a tick is due at its own time, once */
	}
	if (p != -1) {
		int64_t q = cron_next(c, p);
		if (p > t || (q != -1 && q <= t) || (r != -1 && q != r && !(q == -1 && r - p > horizon)))
			__builtin_trap();  /* the tick due is the latest, and the next follows it (if near enough) */
	}
}

static void check_zone(const struct tz *z)
{
	for (size_t i = 0; i < sizeof instants / sizeof *instants; i++) {
		int64_t t = instants[i], u;
		int32_t off = tz_offset(z, t);
		if (off < -TZ_MAX_OFFSET || off > TZ_MAX_OFFSET)
			__builtin_trap();
		if (tz_instant(z, t + off, &u) && (u > t || u + tz_offset(z, u) != t + off))
			__builtin_trap();  /* the first instant showing t's reading is t or earlier, and shows it */
		if (tz_latest_local(z, t) < t + off)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	if (size >= 4 && !memcmp(data, "TZif", 4)) {
		struct tz *z = tz_parse("Fuzz/Zone", data, size, err, sizeof err);
		if (!z && !err[0])
			__builtin_trap();
		if (z)
			check_zone(z);
		tz_free(z);
		return 0;
	}
	/* a copy of exactly the input's size, so that reading past it is caught */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *zone = strchr(text, '\n');
	if (zone) {
		*zone++ = '\0';
		zone[strcspn(zone, "\n")] = '\0';
	}
	struct cron *c = cron_parse(text, zone, err, sizeof err);
	if (!c && !err[0])
		__builtin_trap();  /* every refusal says why */
	if (c)
		for (size_t i = 0; i < sizeof instants / sizeof *instants; i++)
			check_schedule(c, instants[i]);
	cron_free(c);
	free(text);
	return 0;
}
