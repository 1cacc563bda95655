#include "engine/cron.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/timezone.h"

enum { MINUTE, HOUR, DOM, MONTH, DOW, NFIELDS };

struct cron {
	uint64_t bits[NFIELDS];  /* bit v set: value v matches (day of week: 0-6, Sunday 0) */
	int dom_star, dow_star;  /* the field starts with '*' (for the day-of-month / day-of-week rule) */
	int never;               /* no date it names exists, such as Feb 30 */
	struct tz *tz;
};

struct field {
	const char *name;
	int min, max;               /* the values written: day of week takes 7 for Sunday too */
	int star_max;               /* the last value '*' covers */
	const char *what;           /* for messages: what a value looks like */
	const char *const *names;   /* three-letter names for min, min + 1, ... */
	int nnames;
};

static const char *const month_names[] = {
	"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
};
static const char *const day_names[] = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT" };

static const struct field fields[NFIELDS] = {
	{ "minute", 0, 59, 59, "a number 0-59", NULL, 0 },
	{ "hour", 0, 23, 23, "a number 0-23", NULL, 0 },
	{ "day-of-month", 1, 31, 31, "a number 1-31", NULL, 0 },
	{ "month", 1, 12, 12, "a number 1-12 or a name such as JAN", month_names, 12 },
	{ "day-of-week", 0, 7, 6, "a number 0-7 or a name such as MON", day_names, 7 },
};

static const struct {
	const char *name, *fields;
} macros[] = {
	{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" }, { "@monthly", "0 0 1 * *" },
	{ "@weekly", "0 0 * * 0" }, { "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" }, { "@hourly", "0 * * * *" },
};

static const char five_fields[] = "5 fields (minute hour day-of-month month day-of-week)";
static const char allowed[] = "a schedule holds numbers, names such as MON or JAN, and * , - / between fields "
                              "separated by spaces";

/* Instants cron_next and cron_due work with: 1970 to the end of 9999. */
#define T_MIN 0
#define T_MAX INT64_C(253402300799)
#define HORIZON ((int64_t)CRON_HORIZON_YEARS * 366 * 86400)
#define NO_TICK INT64_MIN
/* Bounds on loops that end much sooner: one scan crosses at most a few
 * hundred months and days per year of horizon; wall-clock minutes refused
 * for a gap or an overlap are at most the 52 hours a clock can jump. */
#define SCAN_MAX 100000
#define RESOLVE_MAX 4096

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int field_fail(char *err, size_t errlen, int f, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int field_fail(char *err, size_t errlen, int f, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "field %d (%s): %s", f + 1, fields[f].name, what);
	return -1;
}

/* A number, or a name in the month and day-of-week fields, at *pp. 1 when
 * there is neither (the caller says what was expected where). */
static int parse_value(int f, const char **pp, const char *end, int *out, char *err, size_t errlen)
{
	const struct field *fd = &fields[f];
	const char *p = *pp, *start = p;
	if (p < end && is_digit(*p)) {
		int v = 0;
		for (; p < end && is_digit(*p); p++)
			v = v > 1000 ? v : v * 10 + (*p - '0');  /* anything past 1000 is out of range all the same */
		if (v < fd->min || v > fd->max)
			return field_fail(err, errlen, f, "%.*s is out of range %d-%d%s", (int)(p - start), start,
			                  fd->min, fd->max, f == DOW ? " (0 and 7 are Sunday)" : "");
		*out = v;
	} else if (p < end && is_alpha(*p)) {
		while (p < end && (is_alpha(*p) || is_digit(*p)))
			p++;
		int n = (int)(p - start), i;
		for (i = 0; i < fd->nnames; i++)
			if (n == 3 && !strncasecmp(fd->names[i], start, 3))
				break;
		if (i < fd->nnames) {
			*out = fd->min + i;
		} else if (f == MONTH) {
			return field_fail(err, errlen, f, "'%.*s' is not a month: use 1-12 or JAN, FEB, MAR, APR, "
			                  "MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC", n, start);
		} else if (f == DOW) {
			return field_fail(err, errlen, f, "'%.*s' is not a day of the week: use 0-7 or SUN, MON, "
			                  "TUE, WED, THU, FRI, SAT", n, start);
		} else {
			return field_fail(err, errlen, f, "'%.*s' is not %s (names are for months and days of the "
			                  "week)", n, start, fd->what);
		}
	} else {
		return 1;
	}
	*pp = p;
	return 0;
}

/* One item of a list: a star (all values) or a-b, either with a step /n, or a single value a. */
static int parse_item(struct cron *c, int f, const char *item, size_t len, char *err, size_t errlen)
{
	const struct field *fd = &fields[f];
	const char *p = item, *end = item + len;
	int ilen = (int)len, lo, hi, step = 1, rc;
	if (*p == '*') {
		p++;
		lo = fd->min;
		hi = fd->star_max;
	} else {
		if ((rc = parse_value(f, &p, end, &lo, err, errlen)) > 0)
			return field_fail(err, errlen, f, "'%.*s' should start with %s, or be '*'", ilen, item,
			                  fd->what);
		if (rc)
			return rc;
		hi = lo;
		if (p < end && *p == '-') {
			p++;
			if ((rc = parse_value(f, &p, end, &hi, err, errlen)) > 0)
				return field_fail(err, errlen, f, "'%.*s' needs %s after '-'", ilen, item, fd->what);
			if (rc)
				return rc;
			if (hi < lo)
				return field_fail(err, errlen, f, "the range %.*s runs backwards: write the smaller "
				                  "value first (%d-%d), or two ranges (%d-%d,%d-%d) to wrap around",
				                  (int)(p - item), item, hi, lo, lo, fd->max, fd->min, hi);
		} else if (p < end && *p == '/') {
			/* Vixie cron refuses "5/15" too; some crons read it as 5-59/15, others as 5 */
			int vlen = (int)(p - item), slen = (int)(end - p - 1);
			return field_fail(err, errlen, f, "'%.*s' has a step but no range: write %.*s-%d/%.*s to "
			                  "start at %.*s, or */%.*s", ilen, item, vlen, item, fd->star_max, slen, p + 1,
			                  vlen, item, slen, p + 1);
		}
	}
	if (p < end && *p == '/') {
		const char *digits = ++p;
		int v = 0;
		for (; p < end && is_digit(*p); p++)
			v = v > 1000 ? v : v * 10 + (*p - '0');
		if (p == digits)
			return field_fail(err, errlen, f, "'%.*s' needs a step (a number) after '/'", ilen, item);
		if (v < 1 || v > fd->star_max - fd->min)
			return field_fail(err, errlen, f, "step %.*s is out of range 1-%d", (int)(p - digits), digits,
			                  fd->star_max - fd->min);
		step = v;
	}
	if (p < end)
		return field_fail(err, errlen, f, "unexpected '%c' in '%.*s'", *p, ilen, item);
	for (int v = lo; v <= hi; v += step)
		c->bits[f] |= UINT64_C(1) << (f == DOW && v == 7 ? 0 : v);
	return 0;
}

static int parse_field(struct cron *c, int f, const char *s, size_t len, char *err, size_t errlen)
{
	const char *p = s, *end = s + len;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p)), *item_end = comma ? comma : end;
		if (item_end == p)
			return field_fail(err, errlen, f, "the list '%.*s' has an empty item (write values "
			                  "separated by single commas)", (int)len, s);
		if (parse_item(c, f, p, (size_t)(item_end - p), err, errlen))
			return -1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* Whether no day can match, so that searching for one is pointless. Every
 * weekday comes in every month, and every date that exists falls on each
 * weekday some year; so only dates that do not exist make a schedule that
 * never fires, and only when the days of the month must match. */
static int never(const struct cron *c)
{
	static const int longest[13] = { 0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (!c->dom_star && !c->dow_star)
		return 0;
	for (int m = 1; m <= 12; m++)
		if (c->bits[MONTH] >> m & 1 && c->bits[DOM] & ((UINT64_C(2) << longest[m]) - 1))
			return 0;
	return 1;
}

/* The characters a schedule may hold; '@' only to start a macro. */
static int check_chars(const char *expr, size_t len, char *err, size_t errlen)
{
	size_t first = 0;
	while (first < len && is_blank(expr[first]))
		first++;
	for (size_t i = 0; i < len; i++) {
		char ch = expr[i];
		if (is_digit(ch) || is_alpha(ch) || is_blank(ch) || ch == '*' || ch == ',' || ch == '-' || ch == '/' ||
		    (ch == '@' && i == first))
			continue;
		if (ch == '?')
			return fail(err, errlen, "character %zu is '?', which is not cron syntax: write '*' for any "
			            "day", i + 1);
		if (ch > 0x20 && ch < 0x7f)
			return fail(err, errlen, "character %zu ('%c') is not allowed: %s", i + 1, ch, allowed);
		return fail(err, errlen, "byte %zu (0x%02x) is not allowed: %s", i + 1, (unsigned char)ch, allowed);
	}
	return 0;
}

/* The five fields of a macro, or NULL with the reason in err. */
static const char *expand_macro(const char *s, size_t len, char *err, size_t errlen)
{
	size_t n = 0;
	while (n < len && !is_blank(s[n]))
		n++;
	for (size_t i = 0; i < sizeof macros / sizeof *macros; i++) {
		if (strlen(macros[i].name) != n || strncasecmp(macros[i].name, s, n))
			continue;
		if (n < len) {
			fail(err, errlen, "expected nothing after %s, got '%.*s'", macros[i].name, (int)(len - n - 1),
			     s + n + 1);
			return NULL;
		}
		return macros[i].fields;
	}
	if (n == 7 && !strncasecmp(s, "@reboot", 7))
		fail(err, errlen, "@reboot does not apply to a workflow schedule: use a time, such as @daily or "
		     "'0 9 * * MON-FRI'");
	else
		fail(err, errlen, "unknown macro '%.*s': use @yearly, @annually, @monthly, @weekly, @daily, "
		     "@midnight or @hourly, or %s", (int)n, s, five_fields);
	return NULL;
}

struct cron *cron_parse(const char *expr, const char *tz, char *err, size_t errlen)
{
	if (!expr)
		expr = "";
	size_t len = strlen(expr);
	if (len > CRON_MAX_INPUT) {
		fail(err, errlen, "the schedule is %zu bytes long, more than the %d allowed", len, CRON_MAX_INPUT);
		return NULL;
	}
	if (check_chars(expr, len, err, errlen))
		return NULL;
	const char *s = expr, *end = expr + len;
	while (s < end && is_blank(*s))
		s++;
	while (end > s && is_blank(end[-1]))
		end--;
	if (s == end) {
		fail(err, errlen, "the schedule is empty: write %s, such as '0 9 * * MON-FRI', or a macro such as "
		     "@daily", five_fields);
		return NULL;
	}
	if (*s == '@') {
		if (!(s = expand_macro(s, (size_t)(end - s), err, errlen)))
			return NULL;
		end = s + strlen(s);
	}
	const char *field[NFIELDS];
	size_t flen[NFIELDS];
	int n = 0;
	for (const char *p = s; p < end; n++) {
		const char *start = p;
		while (p < end && !is_blank(*p))
			p++;
		if (n < NFIELDS) {
			field[n] = start;
			flen[n] = (size_t)(p - start);
		}
		while (p < end && is_blank(*p))
			p++;
	}
	if (n != NFIELDS) {
		fail(err, errlen, "expected %s, got %d%s", five_fields, n,
		     n > NFIELDS ? " (there is no field for seconds or years)" : "");
		return NULL;
	}
	struct cron *c = calloc(1, sizeof *c);
	if (!c) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	for (int f = 0; f < NFIELDS; f++)
		if (parse_field(c, f, field[f], flen[f], err, errlen))
			goto bad;
	/* crontab(5): "If both fields are restricted (i.e., don't start with *),
	 * the command will be run when either field matches": a star with a step is unrestricted too */
	c->dom_star = *field[DOM] == '*';
	c->dow_star = *field[DOW] == '*';
	c->never = never(c);
	if (!(c->tz = tz_load(tz && *tz ? tz : "UTC", err, errlen)))
		goto bad;
	return c;
bad:
	cron_free(c);
	return NULL;
}

void cron_free(struct cron *c)
{
	if (!c)
		return;
	tz_free(c->tz);
	free(c);
}

/* ---- Finding ticks ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* The first set bit at or after from, or -1. */
static int next_bit(uint64_t bits, int from)
{
	uint64_t m = bits & (~UINT64_C(0) << from);
	return m ? __builtin_ctzll(m) : -1;
}

/* The last set bit at or before from (from < 63), or -1. */
static int prev_bit(uint64_t bits, int from)
{
	uint64_t m = bits & ((UINT64_C(2) << from) - 1);
	return m ? 63 - __builtin_clzll(m) : -1;
}

static int day_matches(const struct cron *c, int mday, int wday)
{
	int dom = (int)(c->bits[DOM] >> mday & 1), dow = (int)(c->bits[DOW] >> wday & 1);
	return c->dom_star || c->dow_star ? dom && dow : dom || dow;
}

/* The first wall-clock minute from local on (dir 1) or back (dir -1), local
 * included, whose month, day, hour and minute match; NO_TICK past stop. Local
 * times are seconds since 1970-01-01 00:00 on the zone's clock. Whole months,
 * days and hours that cannot match are stepped over at once. */
static int64_t scan(const struct cron *c, int64_t local, int dir, int64_t stop)
{
	for (int i = 0; i < SCAN_MAX && (dir > 0 ? local <= stop : local >= stop); i++) {
		int64_t days = floor_div(local, 86400), day0 = days * 86400, year;
		int month, mday, sec = (int)(local - day0);
		tz_civil_from_days(days, &year, &month, &mday);
		if (!(c->bits[MONTH] >> month & 1)) {
			if (dir < 0)
				local = tz_days_from_civil(year, month, 1) * 86400 - 60;
			else if (month == 12)
				local = tz_days_from_civil(year + 1, 1, 1) * 86400;
			else
				local = tz_days_from_civil(year, month + 1, 1) * 86400;
			continue;
		}
		if (!day_matches(c, mday, (int)(days + 4 - floor_div(days + 4, 7) * 7))) {  /* 1970-01-01: Thursday */
			local = dir > 0 ? day0 + 86400 : day0 - 60;
			continue;
		}
		int hour = sec / 3600, minute = sec / 60 % 60;
		int h = dir > 0 ? next_bit(c->bits[HOUR], hour) : prev_bit(c->bits[HOUR], hour);
		if (h < 0) {
			local = dir > 0 ? day0 + 86400 : day0 - 60;
			continue;
		}
		if (h != hour)
			minute = dir > 0 ? 0 : 59;
		int m = dir > 0 ? next_bit(c->bits[MINUTE], minute) : prev_bit(c->bits[MINUTE], minute);
		if (m < 0) {
			local = day0 + h * 3600 + (dir > 0 ? 3600 : -60);
			continue;
		}
		return day0 + h * 3600 + m * 60;
	}
	return NO_TICK;
}

/* Ticks are the first instants at which the clock reads a matching minute.
 * That instant grows with the reading (outside pathological zones), so the
 * readings up to the clock's at `after` cannot give a tick after it: start
 * just past it, and pass over readings that a gap skips or whose first
 * instant, in an overlap, is not after `after`. */
int64_t cron_next(const struct cron *c, int64_t after)
{
	if (c->never || after < T_MIN || after > T_MAX)
		return -1;
	int64_t local = floor_div(after + tz_offset(c->tz, after), 60) * 60 + 60, stop = local + HORIZON, t;
	for (int i = 0; i < RESOLVE_MAX; i++) {
		if ((local = scan(c, local, 1, stop)) == NO_TICK)
			return -1;
		if (tz_instant(c->tz, local, &t) && t > after)
			return t <= T_MAX ? t : -1;
		local += 60;
	}
	return -1;
}

/* The same backwards: the latest reading the clock showed by `before` bounds the search. */
static int64_t cron_prev(const struct cron *c, int64_t before)
{
	if (c->never || before < T_MIN || before > T_MAX)
		return -1;
	int64_t local = floor_div(tz_latest_local(c->tz, before), 60) * 60, stop = local - HORIZON, t;
	for (int i = 0; i < RESOLVE_MAX; i++) {
		if ((local = scan(c, local, -1, stop)) == NO_TICK)
			return -1;
		if (tz_instant(c->tz, local, &t) && t <= before)
			return t >= T_MIN ? t : -1;
		local -= 60;
	}
	return -1;
}

int64_t cron_due(const struct cron *c, int64_t last, int64_t now, int64_t *next)
{
	if (next)
		*next = cron_next(c, now);
	int64_t tick = cron_prev(c, now);
	return tick >= 0 && tick > last ? tick : -1;
}
