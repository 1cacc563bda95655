/* Cron schedules: every field form, names, macros, the refusals and their
 * messages, the day-of-month / day-of-week rule, month ends and leap years,
 * daylight-saving time in Europe/Paris and America/New_York (skipped, and
 * said so, when tzdata is not installed), the TZif reader on files built
 * here, and what a scheduler runs after downtime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cron.h"
#include "engine/timezone.h"
#include "../testlib.h"

/* "YYYY-MM-DD HH:MM[:SS]" then nothing (UTC) or "+HH:MM" / "-HH:MM": unix seconds. */
static int64_t at(const char *s)
{
	int y, mo, d, h, mi, sec = 0, n = 0, oh = 0, om = 0;
	char sign = 0;
	if (sscanf(s, "%d-%d-%d %d:%d%n", &y, &mo, &d, &h, &mi, &n) != 5) {
		fprintf(stderr, "test_cron: bad time '%s' in a test\n", s);
		exit(99);
	}
	s += n;
	if (*s == ':' && sscanf(s, ":%d%n", &sec, &n) == 1)
		s += n;
	if ((*s == '+' || *s == '-') && sscanf(s, "%c%d:%d", &sign, &oh, &om) != 3) {
		fprintf(stderr, "test_cron: bad offset '%s' in a test\n", s);
		exit(99);
	}
	int64_t off = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	return tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
}

/* t on the clock of z as "YYYY-MM-DD HH:MM", with "+HH:MM" unless z is UTC; "none" for -1. */
static void show(char *out, size_t outlen, const struct tz *z, int64_t t)
{
	if (t == -1) {
		snprintf(out, outlen, "none");
		return;
	}
	int32_t off = z ? tz_offset(z, t) : 0;
	int64_t local = t + off, days = local / 86400 - (local % 86400 < 0), y;
	int mo, d, sec = (int)(local - days * 86400);
	tz_civil_from_days(days, &y, &mo, &d);
	int n = snprintf(out, outlen, "%04lld-%02d-%02d %02d:%02d", (long long)y, mo, d, sec / 3600, sec / 60 % 60);
	if (sec % 60 && n > 0 && (size_t)n < outlen)
		n += snprintf(out + n, outlen - (size_t)n, ":%02d", sec % 60);
	if (z && strcmp(tz_name(z), "UTC") && n > 0 && (size_t)n < outlen)
		snprintf(out + n, outlen - (size_t)n, "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 3600,
		         abs(off) / 60 % 60);
}

/* The next count ticks of expr in zone after the instant `after`, shown on the
 * zone's clock and separated by ", "; or "ERR: reason". */
static char *ticks(const char *expr, const char *zone, const char *after, int count)
{
	static char out[1024];
	char err[300];
	struct cron *c = cron_parse(expr, zone, err, sizeof err);
	if (!c) {
		snprintf(out, sizeof out, "ERR: %s", err);
		return out;
	}
	struct tz *z = tz_load(zone && *zone ? zone : "UTC", err, sizeof err);
	size_t len = 0;
	out[0] = '\0';
	int64_t t = at(after);
	for (int i = 0; i < count && z && len < sizeof out; i++) {
		t = cron_next(c, t);
		char one[64];
		show(one, sizeof one, z, t);
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", i ? ", " : "", one);
		if (t == -1)
			break;
	}
	tz_free(z);
	cron_free(c);
	return out;
}

#define CHECK_TICKS(expr, zone, after, count, want) CHECK_STR(ticks(expr, zone, after, count), want)

/* The message cron_parse gives for expr (in zone), or "parsed" when it takes it. */
static char *refusal(const char *expr, const char *zone)
{
	static char err[400];
	struct cron *c = cron_parse(expr, zone, err, sizeof err);
	if (c) {
		cron_free(c);
		snprintf(err, sizeof err, "parsed");
	}
	return err;
}

#define CHECK_REFUSED(expr, want) CHECK_STR(refusal(expr, NULL), want)

/* Whether the zone's file is there; if not, says which checks are skipped and how to have them. */
static int zone_available(const char *zone, const char *package)
{
	char path[200];
	snprintf(path, sizeof path, "%s/%s", TZ_DIR, zone);
	if (access(path, R_OK) == 0)
		return 1;
	printf("test_cron: SKIPPED the %s checks: %s is missing (install the Debian package %s)\n", zone, path,
	       package);
	return 0;
}

static void test_field_forms(void)
{
	CHECK(at("2024-03-31 01:00") == 1711846800);  /* the test's own calendar */
	CHECK(at("2024-03-31 03:00+02:00") == 1711846800);
	CHECK_TICKS("* * * * *", NULL, "2024-01-01 00:00:30", 3,
	            "2024-01-01 00:01, 2024-01-01 00:02, 2024-01-01 00:03");
	CHECK_TICKS("5 * * * *", NULL, "2024-01-01 10:04:59", 2, "2024-01-01 10:05, 2024-01-01 11:05");
	CHECK_TICKS("5 * * * *", NULL, "2024-01-01 10:05", 1, "2024-01-01 11:05");
	CHECK_TICKS("1,2,30 * * * *", NULL, "2024-01-01 00:00", 4,
	            "2024-01-01 00:01, 2024-01-01 00:02, 2024-01-01 00:30, 2024-01-01 01:01");
	CHECK_TICKS("0-10/5 * * * *", NULL, "2024-01-01 00:00", 4,
	            "2024-01-01 00:05, 2024-01-01 00:10, 2024-01-01 01:00, 2024-01-01 01:05");
	CHECK_TICKS("*/20 * * * *", NULL, "2024-01-01 23:30", 3,
	            "2024-01-01 23:40, 2024-01-02 00:00, 2024-01-02 00:20");
	CHECK_TICKS("*/15 9-17 * * *", NULL, "2024-01-01 17:40", 3,
	            "2024-01-01 17:45, 2024-01-02 09:00, 2024-01-02 09:15");
	CHECK_TICKS("0 0-23/6 * * *", NULL, "2024-01-01 00:00", 4,
	            "2024-01-01 06:00, 2024-01-01 12:00, 2024-01-01 18:00, 2024-01-02 00:00");
	CHECK_TICKS("7 3 1-3,15 * *", NULL, "2024-01-02 12:00", 3,
	            "2024-01-03 03:07, 2024-01-15 03:07, 2024-02-01 03:07");
	CHECK_TICKS("0 0 1 */3 *", NULL, "2024-01-01 00:00", 3, "2024-04-01 00:00, 2024-07-01 00:00, 2024-10-01 00:00");
	CHECK_TICKS("0 0 1 2-4,11 *", NULL, "2024-04-01 00:00", 2, "2024-11-01 00:00, 2025-02-01 00:00");
	CHECK_TICKS("  0\t12  * *   *  ", NULL, "2024-01-01 00:00", 1, "2024-01-01 12:00");
	CHECK_TICKS("00 09 01 01 *", NULL, "2024-01-01 00:00", 1, "2024-01-01 09:00");
	/* 2024-01-05 is a Friday */
	CHECK_TICKS("0 9 * * 1-5", NULL, "2024-01-05 09:00", 2, "2024-01-08 09:00, 2024-01-09 09:00");
	CHECK_TICKS("0 12 * * */2", NULL, "2024-01-05 13:00", 3,
	            "2024-01-06 12:00, 2024-01-07 12:00, 2024-01-09 12:00");
	CHECK_TICKS("0 12 * * 1-5/2", NULL, "2024-01-05 13:00", 3,
	            "2024-01-08 12:00, 2024-01-10 12:00, 2024-01-12 12:00");
}

static void test_names(void)
{
	CHECK_TICKS("0 9 * * MON-FRI", NULL, "2024-01-05 09:00", 2, "2024-01-08 09:00, 2024-01-09 09:00");
	CHECK_TICKS("0 9 * * mon-fri", NULL, "2024-01-05 09:00", 1, "2024-01-08 09:00");
	CHECK_TICKS("0 0 1 jan,Jul *", NULL, "2024-01-01 00:00", 2, "2024-07-01 00:00, 2025-01-01 00:00");
	CHECK_TICKS("0 0 1 MAR-MAY/2 *", NULL, "2024-01-01 00:00", 2, "2024-03-01 00:00, 2024-05-01 00:00");
	CHECK_TICKS("0 0 * * SUN", NULL, "2024-01-01 00:00", 1, "2024-01-07 00:00");
	CHECK_TICKS("0 0 * * 0", NULL, "2024-01-01 00:00", 1, "2024-01-07 00:00");
	CHECK_TICKS("0 0 * * 7", NULL, "2024-01-01 00:00", 1, "2024-01-07 00:00");
	CHECK_TICKS("0 0 * * FRI-7", NULL, "2024-01-01 00:00", 4,
	            "2024-01-05 00:00, 2024-01-06 00:00, 2024-01-07 00:00, 2024-01-12 00:00");
	CHECK_TICKS("0 0 * * 5-7", NULL, "2024-01-01 00:00", 3, "2024-01-05 00:00, 2024-01-06 00:00, 2024-01-07 00:00");
	CHECK_TICKS("0 0 * * 0,7", NULL, "2024-01-01 00:00", 2, "2024-01-07 00:00, 2024-01-14 00:00");
}

static void test_macros(void)
{
	CHECK_TICKS("@yearly", NULL, "2024-06-01 00:00", 2, "2025-01-01 00:00, 2026-01-01 00:00");
	CHECK_TICKS("@annually", NULL, "2024-06-01 00:00", 1, "2025-01-01 00:00");
	CHECK_TICKS("@monthly", NULL, "2024-01-31 00:00", 2, "2024-02-01 00:00, 2024-03-01 00:00");
	CHECK_TICKS("@weekly", NULL, "2024-01-01 00:00", 2, "2024-01-07 00:00, 2024-01-14 00:00");
	CHECK_TICKS("@daily", NULL, "2024-01-01 00:00", 2, "2024-01-02 00:00, 2024-01-03 00:00");
	CHECK_TICKS("@midnight", NULL, "2024-01-01 23:59", 1, "2024-01-02 00:00");
	CHECK_TICKS("@hourly", NULL, "2024-01-01 23:30", 2, "2024-01-02 00:00, 2024-01-02 01:00");
	CHECK_TICKS(" @DAILY ", NULL, "2024-01-01 00:00", 1, "2024-01-02 00:00");
	CHECK_REFUSED("@reboot", "@reboot does not apply to a workflow schedule: use a time, such as @daily or "
	              "'0 9 * * MON-FRI'");
	CHECK_REFUSED("@every 5m", "unknown macro '@every': use @yearly, @annually, @monthly, @weekly, @daily, "
	              "@midnight or @hourly, or 5 fields (minute hour day-of-month month day-of-week)");
	CHECK_REFUSED("@", "unknown macro '@': use @yearly, @annually, @monthly, @weekly, @daily, @midnight or "
	              "@hourly, or 5 fields (minute hour day-of-month month day-of-week)");
	CHECK_REFUSED("@daily 0", "expected nothing after @daily, got '0'");
	CHECK_REFUSED("0 @daily", "character 3 ('@') is not allowed: a schedule holds numbers, names such as MON or "
	              "JAN, and * , - / between fields separated by spaces");
}

static void test_refusals(void)
{
	CHECK_REFUSED("", "the schedule is empty: write 5 fields (minute hour day-of-month month day-of-week), such as "
	              "'0 9 * * MON-FRI', or a macro such as @daily");
	CHECK_REFUSED(" \t ", "the schedule is empty: write 5 fields (minute hour day-of-month month day-of-week), "
	              "such as '0 9 * * MON-FRI', or a macro such as @daily");
	CHECK(!cron_parse(NULL, NULL, (char[100]){ 0 }, 100));
	CHECK_REFUSED("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
	CHECK_REFUSED("0 0 * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6 "
	              "(there is no field for seconds or years)");
	CHECK_REFUSED("0 0 * * * 2024", "expected 5 fields (minute hour day-of-month month day-of-week), got 6 "
	              "(there is no field for seconds or years)");
	CHECK_REFUSED("0 24 * * *", "field 2 (hour): 24 is out of range 0-23");
	CHECK_REFUSED("60 * * * *", "field 1 (minute): 60 is out of range 0-59");
	CHECK_REFUSED("99999999999999 * * * *", "field 1 (minute): 99999999999999 is out of range 0-59");
	CHECK_REFUSED("0 0 0 * *", "field 3 (day-of-month): 0 is out of range 1-31");
	CHECK_REFUSED("0 0 1-32 * *", "field 3 (day-of-month): 32 is out of range 1-31");
	CHECK_REFUSED("0 0 * 13 *", "field 4 (month): 13 is out of range 1-12");
	CHECK_REFUSED("0 0 * * 8", "field 5 (day-of-week): 8 is out of range 0-7 (0 and 7 are Sunday)");
	CHECK_REFUSED("*/0 * * * *", "field 1 (minute): step 0 is out of range 1-59");
	CHECK_REFUSED("0 1-5/0 * * *", "field 2 (hour): step 0 is out of range 1-23");
	CHECK_REFUSED("*/60 * * * *", "field 1 (minute): step 60 is out of range 1-59");
	CHECK_REFUSED("0 0 * * */7", "field 5 (day-of-week): step 7 is out of range 1-6");
	CHECK_REFUSED("5-2 * * * *", "field 1 (minute): the range 5-2 runs backwards: write the smaller value first "
	              "(2-5), or two ranges (5-59,0-2) to wrap around");
	CHECK_REFUSED("0 0 * * FRI-MON", "field 5 (day-of-week): the range FRI-MON runs backwards: write the smaller "
	              "value first (1-5), or two ranges (5-7,0-1) to wrap around");
	CHECK_REFUSED("5/15 * * * *", "field 1 (minute): '5/15' has a step but no range: write 5-59/15 to start at 5, "
	              "or */15");
	CHECK_REFUSED("1,,2 * * * *", "field 1 (minute): the list '1,,2' has an empty item (write values separated by "
	              "single commas)");
	CHECK_REFUSED("0 0 1, * *", "field 3 (day-of-month): the list '1,' has an empty item (write values separated "
	              "by single commas)");
	CHECK_REFUSED("0 , * * *", "field 2 (hour): the list ',' has an empty item (write values separated by single "
	              "commas)");
	CHECK_REFUSED("-5 * * * *", "field 1 (minute): '-5' should start with a number 0-59, or be '*'");
	CHECK_REFUSED("5- * * * *", "field 1 (minute): '5-' needs a number 0-59 after '-'");
	CHECK_REFUSED("0 0 * JAN- *", "field 4 (month): 'JAN-' needs a number 1-12 or a name such as JAN after '-'");
	CHECK_REFUSED("*/ * * * *", "field 1 (minute): '*/' needs a step (a number) after '/'");
	CHECK_REFUSED("*/5/2 * * * *", "field 1 (minute): unexpected '/' in '*/5/2'");
	CHECK_REFUSED("5x * * * *", "field 1 (minute): unexpected 'x' in '5x'");
	CHECK_REFUSED("** * * * *", "field 1 (minute): unexpected '*' in '**'");
	CHECK_REFUSED("1-* * * * *", "field 1 (minute): '1-*' needs a number 0-59 after '-'");
	CHECK_REFUSED("0 MON * * *", "field 2 (hour): 'MON' is not a number 0-23 (names are for months and days of the "
	              "week)");
	CHECK_REFUSED("0 0 * * MONDAY", "field 5 (day-of-week): 'MONDAY' is not a day of the week: use 0-7 or SUN, "
	              "MON, TUE, WED, THU, FRI, SAT");
	CHECK_REFUSED("0 0 * January *", "field 4 (month): 'January' is not a month: use 1-12 or JAN, FEB, MAR, APR, "
	              "MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC");
	CHECK_REFUSED("0 0 L * *", "field 3 (day-of-month): 'L' is not a number 1-31 (names are for months and days of "
	              "the week)");
	CHECK_REFUSED("0 0 ? * MON", "character 5 is '?', which is not cron syntax: write '*' for any day");
	CHECK_REFUSED("0 0 * * 1#2", "character 10 ('#') is not allowed: a schedule holds numbers, names such as MON "
	              "or JAN, and * , - / between fields separated by spaces");
	CHECK_REFUSED("0 0 * * *\n", "byte 10 (0x0a) is not allowed: a schedule holds numbers, names such as MON or "
	              "JAN, and * , - / between fields separated by spaces");
	CHECK_REFUSED("0 0 * * \xc3\xa9", "byte 9 (0xc3) is not allowed: a schedule holds numbers, names such as MON "
	              "or JAN, and * , - / between fields separated by spaces");

	char longest[CRON_MAX_INPUT + 2];
	memset(longest, ' ', sizeof longest);
	memcpy(longest, "0 0 * * *", 9);
	longest[CRON_MAX_INPUT] = '\0';
	CHECK_STR(refusal(longest, NULL), "parsed");
	longest[CRON_MAX_INPUT] = ' ';
	longest[CRON_MAX_INPUT + 1] = '\0';
	CHECK_STR(refusal(longest, NULL), "the schedule is 257 bytes long, more than the 256 allowed");
}

/* crontab(5): when both day fields are restricted, either may match. */
static void test_day_rule(void)
{
	/* 2024-01-05, 12, 19 are Fridays; the 13th a Saturday */
	CHECK_TICKS("0 0 13 * FRI", NULL, "2024-01-01 00:00", 5,
	            "2024-01-05 00:00, 2024-01-12 00:00, 2024-01-13 00:00, 2024-01-19 00:00, 2024-01-26 00:00");
	CHECK_TICKS("0 0 13 * *", NULL, "2024-01-01 00:00", 2, "2024-01-13 00:00, 2024-02-13 00:00");
	CHECK_TICKS("0 0 * * FRI", NULL, "2024-01-06 00:00", 2, "2024-01-12 00:00, 2024-01-19 00:00");
	/* a field that starts with '*' is unrestricted, even with a step: then both must match (odd Fridays) */
	CHECK_TICKS("0 0 */2 * FRI", NULL, "2024-01-01 00:00", 3,
	            "2024-01-05 00:00, 2024-01-19 00:00, 2024-02-09 00:00");
	/* the 1st of a month that is a Sunday, Wednesday or Saturday: 2024-05-01 is a Wednesday, 06-01 a Saturday */
	CHECK_TICKS("0 0 1 * */3", NULL, "2024-01-01 00:00", 2, "2024-05-01 00:00, 2024-06-01 00:00");
	/* restricted by a full range is still restricted */
	CHECK_TICKS("0 0 1-31 * MON", NULL, "2024-01-01 00:00", 2, "2024-01-02 00:00, 2024-01-03 00:00");
}

static void test_month_ends_and_leap_years(void)
{
	CHECK_TICKS("0 0 31 * *", NULL, "2024-01-31 00:00", 4,
	            "2024-03-31 00:00, 2024-05-31 00:00, 2024-07-31 00:00, 2024-08-31 00:00");
	CHECK_TICKS("0 0 30 * *", NULL, "2024-01-30 00:00", 2, "2024-03-30 00:00, 2024-04-30 00:00");
	CHECK_TICKS("59 23 31 12 *", NULL, "2024-06-01 00:00", 2, "2024-12-31 23:59, 2025-12-31 23:59");
	CHECK_TICKS("0 0 29 2 *", NULL, "2023-01-01 00:00", 2, "2024-02-29 00:00, 2028-02-29 00:00");
	CHECK_TICKS("0 0 * 2 *", NULL, "2023-02-27 00:00", 2, "2023-02-28 00:00, 2024-02-01 00:00");
	CHECK_TICKS("0 0 28-31 2 *", NULL, "2024-02-27 00:00", 3,
	            "2024-02-28 00:00, 2024-02-29 00:00, 2025-02-28 00:00");
	/* 2100 is not a leap year: the next Feb 29 after 2096 is in 2104 */
	CHECK_TICKS("0 0 29 2 *", NULL, "2097-01-01 00:00", 1, "2104-02-29 00:00");
	/* Feb 29 when a Sunday or a Saturday: 28 years apart across 2100, and as far as 36 for other weekdays */
	CHECK_TICKS("0 0 29 2 */6", NULL, "2024-01-01 00:00", 3,
	            "2032-02-29 00:00, 2048-02-29 00:00, 2060-02-29 00:00");
	CHECK_TICKS("0 0 29 2 */6", NULL, "2088-03-01 00:00", 1, "2116-02-29 00:00");
	CHECK_TICKS("0 0 29 2 */5", NULL, "2284-03-01 00:00", 1, "2320-02-29 00:00");
	CHECK_TICKS("0 0 29 FEB *", NULL, "2000-02-28 00:00", 1, "2000-02-29 00:00");
	CHECK_TICKS("0 0 30 2 *", NULL, "2024-01-01 00:00", 1, "none");
	CHECK_TICKS("0 0 31 4,6,9,11 *", NULL, "2024-01-01 00:00", 1, "none");
	/* the OR rule still finds the Mondays of a month with no day 30 */
	CHECK_TICKS("0 0 30 2 MON", NULL, "2024-01-01 00:00", 1, "2024-02-05 00:00");
	CHECK_TICKS("0 0 * * *", NULL, "9999-12-30 00:00", 2, "9999-12-31 00:00, none");
}

static void test_paris(void)
{
	if (!zone_available("Europe/Paris", "tzdata"))
		return;
	const char *z = "Europe/Paris";
	/* 2024-03-31: at 02:00 CET the clock jumps to 03:00 CEST; 02:30 does not exist that day */
	CHECK_TICKS("30 2 * * *", z, "2024-03-29 12:00", 3,
	            "2024-03-30 02:30+01:00, 2024-04-01 02:30+02:00, 2024-04-02 02:30+02:00");
	CHECK_TICKS("*/30 * * * *", z, "2024-03-31 00:45+01:00", 4,
	            "2024-03-31 01:00+01:00, 2024-03-31 01:30+01:00, 2024-03-31 03:00+02:00, 2024-03-31 03:30+02:00");
	CHECK_TICKS("0 * * * *", z, "2024-03-31 00:30+01:00", 3,
	            "2024-03-31 01:00+01:00, 2024-03-31 03:00+02:00, 2024-03-31 04:00+02:00");
	CHECK_TICKS("0 9 * * *", z, "2024-03-30 12:00", 2, "2024-03-31 09:00+02:00, 2024-04-01 09:00+02:00");
	/* 2024-10-27: at 03:00 CEST the clock goes back to 02:00 CET; 02:00-02:59 come twice, and fire once */
	CHECK_TICKS("30 2 * * *", z, "2024-10-26 12:00", 2, "2024-10-27 02:30+02:00, 2024-10-28 02:30+01:00");
	CHECK_TICKS("*/30 * * * *", z, "2024-10-27 01:45+02:00", 4,
	            "2024-10-27 02:00+02:00, 2024-10-27 02:30+02:00, 2024-10-27 03:00+01:00, 2024-10-27 03:30+01:00");
	/* from inside the second 02:00-02:59, the repeated readings have had their tick */
	CHECK_TICKS("*/30 * * * *", z, "2024-10-27 02:10+01:00", 1, "2024-10-27 03:00+01:00");
	CHECK_TICKS("15 3 * * *", z, "2024-10-27 02:10+01:00", 1, "2024-10-27 03:15+01:00");
	/* past the transitions in the file (2037), the footer rule "CET-1CEST,M3.5.0,M10.5.0/3" takes over */
	CHECK_TICKS("0 12 * 3 SUN", z, "2050-03-19 00:00", 2, "2050-03-20 12:00+01:00, 2050-03-27 12:00+02:00");
	CHECK_TICKS("30 2 27 3 *", z, "2050-03-01 00:00", 1, "2051-03-27 02:30+02:00");
	char err[200];
	struct tz *paris = tz_load(z, err, sizeof err);
	CHECK(paris != NULL);
	if (paris) {
		CHECK(tz_offset(paris, at("2050-03-27 00:59:59")) == 3600);
		CHECK(tz_offset(paris, at("2050-03-27 01:00")) == 7200);
		CHECK(tz_offset(paris, at("2050-10-30 00:59:59")) == 7200);
		CHECK(tz_offset(paris, at("2050-10-30 01:00")) == 3600);
		CHECK(tz_offset(paris, at("1900-01-01 00:00")) == 561);  /* Paris mean time, before any transition */
		int64_t t;
		CHECK(!tz_instant(paris, at("2024-03-31 02:30"), &t));
		CHECK(tz_instant(paris, at("2024-10-27 02:30"), &t) && t == at("2024-10-27 02:30+02:00"));
		CHECK(tz_latest_local(paris, at("2024-10-27 02:10+01:00")) == at("2024-10-27 02:59:59"));
		CHECK(tz_latest_local(paris, at("2024-10-27 03:10+01:00")) == at("2024-10-27 03:10"));
		tz_free(paris);
	}
}

static void test_new_york(void)
{
	if (!zone_available("America/New_York", "tzdata"))
		return;
	const char *z = "America/New_York";
	/* 2024-03-10: 02:00 EST becomes 03:00 EDT; 2024-11-03: 02:00 EDT becomes 01:00 EST */
	CHECK_TICKS("0 2 * * *", z, "2024-03-08 12:00", 2, "2024-03-09 02:00-05:00, 2024-03-11 02:00-04:00");
	CHECK_TICKS("30 2 * * *", z, "2024-03-10 01:00-05:00", 1, "2024-03-11 02:30-04:00");
	CHECK_TICKS("30 1 * * *", z, "2024-11-02 12:00", 3,
	            "2024-11-03 01:30-04:00, 2024-11-04 01:30-05:00, 2024-11-05 01:30-05:00");
	CHECK_TICKS("0 * * * *", z, "2024-11-03 00:30-04:00", 3,
	            "2024-11-03 01:00-04:00, 2024-11-03 02:00-05:00, 2024-11-03 03:00-05:00");
	CHECK_STR(refusal("0 9 * * *", "America/New_York"), "parsed");
}

static void test_zone_names(void)
{
	CHECK_TICKS("0 9 * * *", NULL, "2024-06-01 00:00", 1, "2024-06-01 09:00");
	CHECK_TICKS("0 9 * * *", "", "2024-06-01 00:00", 1, "2024-06-01 09:00");
	CHECK_TICKS("0 9 * * *", "UTC", "2024-06-01 00:00", 1, "2024-06-01 09:00");
	CHECK_TICKS("0 9 * * *", "Etc/UTC", "2024-06-01 00:00", 1, "2024-06-01 09:00+00:00");
	/* UTC needs no file, so schedules work without tzdata */
	char err[300];
	struct tz *z = tz_load_dir("/nonexistent", "UTC", err, sizeof err);
	CHECK(z && tz_offset(z, 0) == 0 && tz_offset(z, at("2024-07-01 00:00")) == 0);
	tz_free(z);
	z = tz_load_dir("/nonexistent", "Etc/UTC", err, sizeof err);
	CHECK(z && !strcmp(tz_name(z), "Etc/UTC"));
	tz_free(z);
	CHECK(!tz_load_dir("/nonexistent", "Europe/Paris", err, sizeof err));
	CHECK_STR(err, "unknown time zone 'Europe/Paris': use a name such as Europe/Paris or UTC");

	CHECK_STR(refusal("0 9 * * *", "Europe/Nowhere"),
	          "unknown time zone 'Europe/Nowhere': use a name such as Europe/Paris or UTC");
	CHECK_STR(refusal("0 9 * * *", "../etc/passwd"), "time zone '../etc/passwd' is not a zone name: '.' is not "
	          "allowed (only letters, digits and _ + - /); use a name such as Europe/Paris or UTC");
	CHECK_STR(refusal("0 9 * * *", "Europe/../../etc/passwd"), "time zone 'Europe/../../etc/passwd' is not a "
	          "zone name: '.' is not allowed (only letters, digits and _ + - /); use a name such as Europe/Paris "
	          "or UTC");
	CHECK_STR(refusal("0 9 * * *", "/etc/passwd"), "time zone '/etc/passwd' is not a zone name: it must not start "
	          "with '/'; use a name such as Europe/Paris or UTC");
	CHECK_STR(refusal("0 9 * * *", "Europe/Paris "), "time zone 'Europe/Paris ' is not a zone name: ' ' is not "
	          "allowed (only letters, digits and _ + - /); use a name such as Europe/Paris or UTC");
	CHECK_STR(refusal("0 9 * * *", "UTC\n"), "time zone 'UTC?' is not a zone name: byte 0x0a is not allowed (only "
	          "letters, digits and _ + - /); use a name such as Europe/Paris or UTC");
	CHECK_STR(refusal("0 9 * * *", "A/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	          "time zone 'A/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a zone name: "
	          "it is longer than 64 bytes; use a name such as Europe/Paris or UTC");
	/* the expression is checked first */
	CHECK_STR(refusal("0 24 * * *", "../etc/passwd"), "field 2 (hour): 24 is out of range 0-23");
	if (zone_available("Europe", "tzdata")) {
		CHECK_STR(refusal("0 9 * * *", "Europe"), "time zone 'Europe' is a region, not a zone: use a name such "
		          "as Europe/Paris or UTC");
		CHECK_STR(refusal("0 9 * * *", "Europe/"), "time zone 'Europe/' is a region, not a zone: use a name "
		          "such as Europe/Paris or UTC");
	}
	if (zone_available("right/UTC", "tzdata, or tzdata-legacy since Debian 13"))
		CHECK_STR(refusal("0 9 * * *", "right/UTC"), "time zone 'right/UTC': the zone file is damaged or not "
		          "one: it counts leap seconds (a \"right/\" zone), which schedules do not");
}

/* ---- TZif files built here ---- */

struct tzif {
	unsigned char data[1024];
	size_t len;
};

static void put32(struct tzif *f, uint32_t v)
{
	for (int i = 3; i >= 0; i--)
		f->data[f->len++] = (unsigned char)(v >> (8 * i));
}

static void put64(struct tzif *f, int64_t v)
{
	put32(f, (uint32_t)((uint64_t)v >> 32));
	put32(f, (uint32_t)v);
}

/* A header and data block: ntrans transitions to types[idx[i]], types given as UTC offsets. */
static void put_block(struct tzif *f, char version, int tsize, int ntrans, const int64_t *trans,
                      const unsigned char *idx, int ntypes, const int32_t *offs, int leaps)
{
	memcpy(f->data + f->len, "TZif", 4);
	f->data[f->len + 4] = (unsigned char)version;
	memset(f->data + f->len + 5, 0, 15);
	f->len += 20;
	uint32_t counts[6] = { 0, 0, (uint32_t)leaps, (uint32_t)ntrans, (uint32_t)ntypes, 4 };
	for (int i = 0; i < 6; i++)
		put32(f, counts[i]);
	for (int i = 0; i < ntrans; i++)
		tsize == 8 ? put64(f, trans[i]) : put32(f, (uint32_t)trans[i]);
	for (int i = 0; i < ntrans; i++)
		f->data[f->len++] = idx[i];
	for (int i = 0; i < ntypes; i++) {
		put32(f, (uint32_t)offs[i]);
		f->data[f->len++] = 0;
		f->data[f->len++] = 0;
	}
	memcpy(f->data + f->len, "XST", 4);
	f->len += 4;
	for (int i = 0; i < leaps; i++) {
		tsize == 8 ? put64(f, 78796800) : put32(f, 78796800);
		put32(f, 1);
	}
}

/* A version 2 file: no v1 data, the 64-bit block, and the footer. */
static struct tz *tzif2(const char *footer, int ntrans, const int64_t *trans, const unsigned char *idx, int ntypes,
                        const int32_t *offs, char *err, size_t errlen)
{
	struct tzif f = { .len = 0 };
	put_block(&f, '2', 4, 0, NULL, NULL, 1, offs, 0);
	put_block(&f, '2', 8, ntrans, trans, idx, ntypes, offs, 0);
	f.len += (size_t)snprintf((char *)f.data + f.len, sizeof f.data - f.len, "\n%s\n", footer);
	return tz_parse("Test/Zone", f.data, f.len, err, errlen);
}

static void test_tzif(void)
{
	char err[300];
	/* version 1: 32-bit times, no footer; the last offset holds for ever */
	struct tzif v1 = { .len = 0 };
	int64_t trans[] = { 1000000000, 1100000000 };
	unsigned char idx[] = { 1, 0 };
	int32_t offs[] = { 3600, 7200 };
	put_block(&v1, 0, 4, 2, trans, idx, 2, offs, 0);
	struct tz *z = tz_parse("Test/V1", v1.data, v1.len, err, sizeof err);
	CHECK(z != NULL);
	if (z) {
		CHECK(tz_offset(z, 999999999) == 3600);
		CHECK(tz_offset(z, 1000000000) == 7200);
		CHECK(tz_offset(z, 1099999999) == 7200);
		CHECK(tz_offset(z, 1100000000) == 3600);
		CHECK(tz_offset(z, INT64_C(4000000000)) == 3600);
		CHECK(tz_offset(z, INT64_MIN) == 3600 && tz_offset(z, INT64_MAX) == 3600);
		tz_free(z);
	}
	CHECK(!tz_parse("Test/V1", v1.data, v1.len - 1, err, sizeof err));
	CHECK_STR(err, "time zone 'Test/V1': the zone file is damaged or not one: it is shorter than its header says");
	CHECK(!tz_parse("Test/V1", "TZi", 3, err, sizeof err));
	CHECK_STR(err, "time zone 'Test/V1': the zone file is damaged or not one: it does not start with \"TZif\"");
	unsigned char bad_idx[] = { 1, 2 };
	v1.len = 0;
	put_block(&v1, 0, 4, 2, trans, bad_idx, 2, offs, 0);
	CHECK(!tz_parse("Test/V1", v1.data, v1.len, err, sizeof err));
	CHECK_CONTAINS(err, "a transition names a time type that does not exist");
	int64_t backwards[] = { 1100000000, 1000000000 };
	v1.len = 0;
	put_block(&v1, 0, 4, 2, backwards, idx, 2, offs, 0);
	CHECK(!tz_parse("Test/V1", v1.data, v1.len, err, sizeof err));
	CHECK_CONTAINS(err, "its transitions are not in order");
	v1.len = 0;
	put_block(&v1, 0, 4, 0, NULL, NULL, 1, offs, 1);
	CHECK(!tz_parse("Test/V1", v1.data, v1.len, err, sizeof err));
	CHECK_CONTAINS(err, "leap seconds");
	int32_t huge[] = { 27 * 3600 };
	v1.len = 0;
	put_block(&v1, 0, 4, 0, NULL, NULL, 1, huge, 0);
	CHECK(!tz_parse("Test/V1", v1.data, v1.len, err, sizeof err));
	CHECK_CONTAINS(err, "a UTC offset of more than 26 hours");

	/* version 2 with no transitions: the footer rule alone, here Sydney's (DST across the new year) */
	int32_t aest[] = { 36000 };
	z = tzif2("AEST-10AEDT,M10.1.0,M4.1.0/3", 0, NULL, NULL, 1, aest, err, sizeof err);
	CHECK(z != NULL);
	if (z) {
		/* 2024-04-07 03:00 AEDT = 2024-04-06 16:00Z; 2024-10-06 02:00 AEST = 2024-10-05 16:00Z */
		CHECK(tz_offset(z, at("2024-01-15 00:00")) == 39600);
		CHECK(tz_offset(z, at("2024-04-06 15:59:59")) == 39600);
		CHECK(tz_offset(z, at("2024-04-06 16:00")) == 36000);
		CHECK(tz_offset(z, at("2024-10-05 15:59:59")) == 36000);
		CHECK(tz_offset(z, at("2024-10-05 16:00")) == 39600);
		CHECK(tz_offset(z, at("2024-12-31 23:00")) == 39600);
		tz_free(z);
	}
	/* Jn never counts Feb 29, n does: J60 is March 1, 59 is Feb 29 in a leap year */
	z = tzif2("XST-1XDT,J60/0,59/0", 0, NULL, NULL, 1, offs, err, sizeof err);
	CHECK(z != NULL);
	if (z) {
		/* DST from March 1 to the day before: standard time only on Feb 29 in 2024 */
		CHECK(tz_offset(z, at("2024-02-28 12:00")) == 7200);
		CHECK(tz_offset(z, at("2024-02-29 12:00")) == 3600);
		CHECK(tz_offset(z, at("2024-03-01 12:00")) == 7200);
		/* and in 2023 only from 00:00 to 01:00 on March 1 (both rules name that day) */
		CHECK(tz_offset(z, at("2023-02-28 12:00")) == 7200);
		CHECK(tz_offset(z, at("2023-02-28 22:30")) == 3600);
		CHECK(tz_offset(z, at("2023-02-28 23:30")) == 7200);
		tz_free(z);
	}
	/* "M3.5.0/-1": a negative time, as zic writes for America/Nuuk; "<-02>" a quoted abbreviation */
	int32_t nuuk[] = { -7200 };
	z = tzif2("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 0, NULL, NULL, 1, nuuk, err, sizeof err);
	CHECK(z != NULL);
	if (z) {
		/* 2024-03-30 23:00 -02 = 2024-03-31 01:00Z */
		CHECK(tz_offset(z, at("2024-03-31 00:59:59")) == -7200);
		CHECK(tz_offset(z, at("2024-03-31 01:00")) == -3600);
		tz_free(z);
	}
	/* transitions, then the footer past the last one */
	int64_t t2[] = { at("2030-01-01 00:00") };
	unsigned char i2[] = { 0 };
	z = tzif2("CET-1CEST,M3.5.0,M10.5.0/3", 1, t2, i2, 1, offs, err, sizeof err);
	CHECK(z != NULL);
	if (z) {
		CHECK(tz_offset(z, at("2029-07-01 00:00")) == 3600);  /* type 0 before the first transition */
		CHECK(tz_offset(z, at("2030-07-01 00:00")) == 7200);
		CHECK(tz_offset(z, at("2030-12-01 00:00")) == 3600);
		tz_free(z);
	}
	z = tzif2("", 1, t2, i2, 2, offs, err, sizeof err);
	CHECK(z && tz_offset(z, at("2030-07-01 00:00")) == 3600);
	tz_free(z);
	const char *bad_footers[] = { "CET", "CE-1", "CET-1CEST", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
	                              "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,J0,J365",
	                              "CET-1CEST,M3.5.0/168,M10.5.0", "CET-25", "CET-1CEST,M3.5.0,M10.5.0 " };
	for (size_t i = 0; i < sizeof bad_footers / sizeof *bad_footers; i++) {
		z = tzif2(bad_footers[i], 0, NULL, NULL, 1, offs, err, sizeof err);
		CHECK(!z);
		CHECK_STR(err, "time zone 'Test/Zone': the zone file is damaged or not one: its footer is not a TZ "
		          "rule this reader knows");
		tz_free(z);
	}
}

static void test_calendar(void)
{
	CHECK(tz_days_from_civil(1970, 1, 1) == 0);
	CHECK(tz_days_from_civil(2000, 3, 1) == 11017);
	CHECK(tz_days_from_civil(1969, 12, 31) == -1);
	for (int64_t d = -800000; d < 3000000; d += 997) {
		int64_t y;
		int m, day;
		tz_civil_from_days(d, &y, &m, &day);
		if (tz_days_from_civil(y, m, day) != d) {
			CHECK(tz_days_from_civil(y, m, day) == d);
			break;
		}
	}
}

/* A scheduler back after three days down runs the missed hourly tick once. */
static void test_due(void)
{
	char err[200];
	struct cron *c = cron_parse("0 * * * *", NULL, err, sizeof err);
	CHECK(c != NULL);
	if (!c)
		return;
	int64_t next;
	int64_t last = at("2024-05-01 10:00");
	CHECK(cron_due(c, last, at("2024-05-04 10:30"), &next) == at("2024-05-04 10:00"));
	CHECK(next == at("2024-05-04 11:00"));
	CHECK(cron_due(c, at("2024-05-04 10:00"), at("2024-05-04 10:45"), &next) == -1);
	CHECK(next == at("2024-05-04 11:00"));
	CHECK(cron_due(c, at("2024-05-04 10:00"), at("2024-05-04 11:00"), &next) == at("2024-05-04 11:00"));
	CHECK(next == at("2024-05-04 12:00"));
	CHECK(cron_due(c, last, last, NULL) == -1);
	CHECK(cron_due(c, last, last + 59 * 60, NULL) == -1);
	CHECK(cron_due(c, -1, at("2024-05-04 10:30"), NULL) == at("2024-05-04 10:00"));
	/* a clock set back before the last tick: nothing runs again */
	CHECK(cron_due(c, last, last - 3600, &next) == -1);
	CHECK(next == last);
	cron_free(c);

	c = cron_parse("0 0 30 2 *", NULL, err, sizeof err);
	CHECK(c && cron_due(c, -1, at("2024-05-04 10:30"), &next) == -1 && next == -1);
	cron_free(c);

	if (!zone_available("Europe/Paris", "tzdata"))
		return;
	/* back in the second 02:00-02:59 of a fall-back, a tick run in the first is not run again */
	c = cron_parse("30 2 * * *", "Europe/Paris", err, sizeof err);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(cron_due(c, at("2024-10-26 02:30+02:00"), at("2024-10-27 02:20+01:00"), &next) ==
	      at("2024-10-27 02:30+02:00"));
	CHECK(cron_due(c, at("2024-10-27 02:30+02:00"), at("2024-10-27 02:45+01:00"), &next) == -1);
	CHECK(next == at("2024-10-28 02:30+01:00"));
	/* 02:30 did not exist on 2024-03-31: nothing is due that day */
	CHECK(cron_due(c, at("2024-03-30 02:30+01:00"), at("2024-03-31 12:00+02:00"), &next) == -1);
	CHECK(next == at("2024-04-01 02:30+02:00"));
	cron_free(c);
}

/* A schedule no day can match is given up at the horizon, and fast. */
static void test_bounded(void)
{
	char err[200];
	struct cron *c = cron_parse("0 0 31 2 *", NULL, err, sizeof err);
	CHECK(c != NULL);
	if (!c)
		return;
	int none = 0;
	for (int i = 0; i < 200; i++)
		none += cron_next(c, at("2024-01-01 00:00") + i * 86400) == -1;
	CHECK(none == 200);
	CHECK(cron_next(c, -5) == -1 && cron_next(c, INT64_MAX) == -1 && cron_next(c, INT64_MIN) == -1);
	cron_free(c);
}

int main(void)
{
	test_field_forms();
	test_names();
	test_macros();
	test_refusals();
	test_day_rule();
	test_month_ends_and_leap_years();
	test_zone_names();
	test_paris();
	test_new_york();
	test_tzif();
	test_calendar();
	test_due();
	test_bounded();
	return t_done("test_cron");
}
