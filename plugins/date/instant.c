#include "date/instant.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "json_path.h"
#include "shape.h"

/* Years 1 to 9999: what ISO 8601 writes in four digits. */
#define MS_MIN INT64_C(-62135596800000)
#define MS_MAX INT64_C(253402300799999)

static const char *const months[] = { "January", "February", "March", "April", "May", "June", "July",
				      "August", "September", "October", "November", "December" };
static const char *const weekdays[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int days_in_month(int64_t year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

int64_t civil_to_local_ms(const struct civil *c)
{
	int64_t days = tz_days_from_civil(c->year, c->month, c->day);
	return (((days * 24 + c->hour) * 60 + c->minute) * 60 + c->second) * 1000 + c->ms;
}

void civil_from_local_ms(int64_t local, struct civil *c)
{
	int64_t days = floor_div(local, 86400000), rest = local - days * 86400000;
	tz_civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(rest / 3600000);
	c->minute = (int)(rest / 60000 % 60);
	c->second = (int)(rest / 1000 % 60);
	c->ms = (int)(rest % 1000);
}

int64_t instant_from_local(const struct tz *z, int64_t local_ms)
{
	int64_t s = floor_div(local_ms, 1000), t;
	if (!tz_instant(z, s, &t))
		t = s - tz_offset(z, s - 86400); /* in a gap: the offset from before it */
	return t * 1000 + (local_ms - s * 1000);
}

int64_t instant_to_local(const struct tz *z, int64_t ms)
{
	int64_t s = floor_div(ms, 1000);
	return (s + tz_offset(z, s)) * 1000 + (ms - s * 1000);
}

static int in_range(int64_t ms, char *err, size_t errlen)
{
	if (ms >= MS_MIN && ms <= MS_MAX)
		return 0;
	snprintf(err, errlen, "the date is outside the years 1 to 9999");
	return -1;
}

/* Up to max digits (at least one) into *out. */
static int digits(const char **p, int max, int64_t *out)
{
	int n = 0;
	*out = 0;
	while (n < max && isdigit((unsigned char)**p)) {
		*out = *out * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n ? 0 : -1;
}

/* Z, or +HH[:]MM / +HH, into seconds east of UTC. */
static int offset(const char **p, int32_t *off)
{
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*off = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	int sign = **p == '-' ? -1 : 1;
	int64_t h, m = 0;
	(*p)++;
	if (digits(p, 2, &h) || h > 23)
		return -1;
	if (**p == ':')
		(*p)++;
	if (isdigit((unsigned char)**p) && (digits(p, 2, &m) || m > 59))
		return -1;
	*off = (int32_t)(sign * (h * 3600 + m * 60));
	return 0;
}

static int check_civil(const struct civil *c, char *err, size_t errlen)
{
	if (c->year < 1 || c->year > 9999 || c->month < 1 || c->month > 12 || c->day < 1 ||
	    c->day > days_in_month(c->year, c->month) || c->hour > 23 || c->minute > 59 || c->second > 59) {
		snprintf(err, errlen, "%04lld-%02d-%02d %02d:%02d:%02d is not a date and time that exists", (long long)c->year,
			 c->month, c->day, c->hour, c->minute, c->second);
		return -1;
	}
	return 0;
}

/* The reading at p as ISO 8601. */
static int read_iso(const char *p, struct civil *c, int *has_off, int32_t *off)
{
	int64_t y, mo, d, h = 0, mi = 0, s = 0;
	while (isspace((unsigned char)*p))
		p++;
	const char *year = p;
	if (digits(&p, 4, &y) || p - year != 4 || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
		return -1;
	*c = (struct civil){ y, (int)mo, (int)d, 0, 0, 0, 0 };
	if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &s))
				return -1;
			if (*p == '.' || *p == ',') {
				int64_t frac;
				const char *start = ++p;
				if (digits(&p, 9, &frac))
					return -1;
				for (long n = p - start; n < 3; n++)
					frac *= 10;
				for (long n = p - start; n > 3; n--)
					frac /= 10;
				c->ms = (int)frac;
			}
		}
		c->hour = (int)h;
		c->minute = (int)mi;
		c->second = (int)s;
	}
	*has_off = 0;
	if (*p && !isspace((unsigned char)*p)) {
		if (offset(&p, off))
			return -1;
		*has_off = 1;
	}
	while (isspace((unsigned char)*p))
		p++;
	return *p ? -1 : 0;
}

static int name_index(const char **p, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		size_t full = strlen(names[i]);
		if (!strncasecmp(*p, names[i], full)) {
			*p += full;
			return i;
		}
		if (!strncasecmp(*p, names[i], 3)) {
			*p += 3;
			return i;
		}
	}
	return -1;
}

/* The reading at p through pattern; NULL, or what was expected. */
static const char *read_pattern(const char *p, const char *pattern, struct civil *c, int *has_off, int32_t *off)
{
	int64_t v;
	int pm = -1, hour12 = 0;
	*c = (struct civil){ 1970, 1, 1, 0, 0, 0, 0 };
	*has_off = 0;
	for (const char *f = pattern; *f; f++) {
		if (isspace((unsigned char)*f)) {
			while (isspace((unsigned char)*p))
				p++;
			continue;
		}
		if (*f != '%' || f[1] == '%') {
			f += *f == '%';
			if (*p++ != *f)
				return "the text as written in the pattern";
			continue;
		}
		switch (*++f) {
		case 'Y': if (digits(&p, 4, &v)) return "a year (%Y)"; c->year = v; break;
		case 'y': if (digits(&p, 2, &v)) return "a two-digit year (%y)"; c->year = v < 69 ? 2000 + v : 1900 + v; break;
		case 'm': if (digits(&p, 2, &v)) return "a month number (%m)"; c->month = (int)v; break;
		case 'd':
		case 'e':
			while (*f == 'e' && *p == ' ')
				p++;
			if (digits(&p, 2, &v)) return "a day of the month (%d)";
			c->day = (int)v;
			break;
		case 'H': if (digits(&p, 2, &v)) return "an hour (%H)"; c->hour = (int)v; break;
		case 'I': if (digits(&p, 2, &v) || v < 1 || v > 12) return "an hour from 1 to 12 (%I)"; c->hour = (int)v % 12; hour12 = 1; break;
		case 'M': if (digits(&p, 2, &v)) return "minutes (%M)"; c->minute = (int)v; break;
		case 'S': if (digits(&p, 2, &v)) return "seconds (%S)"; c->second = (int)v; break;
		case 'f': {
			const char *start = p;
			if (digits(&p, 9, &v)) return "fractions of a second (%f)";
			for (long n = p - start; n < 3; n++) v *= 10;
			for (long n = p - start; n > 3; n--) v /= 10;
			c->ms = (int)v;
			break;
		}
		case 'b':
		case 'B': {
			int m = name_index(&p, months, 12);
			if (m < 0) return "a month name in English (%b)";
			c->month = m + 1;
			break;
		}
		case 'a':
		case 'A': if (name_index(&p, weekdays, 7) < 0) return "a weekday name in English (%a)"; break;
		case 'p':
			if (!strncasecmp(p, "am", 2)) pm = 0;
			else if (!strncasecmp(p, "pm", 2)) pm = 1;
			else return "AM or PM (%p)";
			p += 2;
			break;
		case 'z': if (offset(&p, off)) return "an offset such as +01:00 or Z (%z)"; *has_off = 1; break;
		default: return "a pattern with known fields: %Y %y %m %d %e %H %I %M %S %f %b %B %a %A %p %z %%";
		}
	}
	if (pm == 1 && hour12)
		c->hour += 12;
	while (isspace((unsigned char)*p))
		p++;
	return *p ? "the end of the text after the pattern" : NULL;
}

int instant_read(const json_t *v, const char *pattern, const struct tz *z, int64_t *ms, char *err, size_t errlen)
{
	if (json_is_number(v)) {
		double s = json_number_value(v);
		if (!isfinite(s) || s * 1000 < (double)MS_MIN || s * 1000 > (double)MS_MAX)
			return in_range(INT64_MAX, err, errlen);
		*ms = (int64_t)floor(s * 1000 + 0.5);
		return 0;
	}
	const char *text = json_string_value(v);
	struct civil c;
	int has_off;
	int32_t off = 0;
	if (pattern && *pattern) {
		const char *want = read_pattern(text, pattern, &c, &has_off, &off);
		if (want) {
			snprintf(err, errlen, "'%.80s' does not match the pattern '%.80s': expected %s", text, pattern, want);
			return -1;
		}
	} else if (read_iso(text, &c, &has_off, &off)) {
		snprintf(err, errlen, "'%.80s' is not an ISO 8601 date such as 2026-12-02, 2026-12-02T09:30:00Z or "
			 "2026-12-02 09:30+01:00 (set \"format\" for other layouts)", text);
		return -1;
	}
	if (check_civil(&c, err, errlen))
		return -1;
	int64_t local = civil_to_local_ms(&c);
	*ms = has_off ? local - (int64_t)off * 1000 : instant_from_local(z, local);
	return in_range(*ms, err, errlen);
}

static int is_utc(const struct tz *z)
{
	return !strcmp(tz_name(z), "UTC") || !strcmp(tz_name(z), "Etc/UTC");
}

json_t *instant_write(int64_t ms, const struct tz *z, const char *output)
{
	if (!strcmp(output, "unix"))
		return json_integer(floor_div(ms, 1000));
	if (!strcmp(output, "unix_ms"))
		return json_integer(ms);
	char err[200];
	return instant_format(ms, z, ms % 1000 ? "%Y-%m-%dT%H:%M:%S.%f%:z" : "%Y-%m-%dT%H:%M:%S%:z", err, sizeof err);
}

static void add(char *buf, size_t cap, size_t *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = *len < cap ? vsnprintf(buf + *len, cap - *len, fmt, ap) : 0;
	va_end(ap);
	*len += n > 0 ? (size_t)n : 0;
}

json_t *instant_format(int64_t ms, const struct tz *z, const char *pattern, char *err, size_t errlen)
{
	int64_t local = instant_to_local(z, ms);
	int32_t off = (int32_t)((local - ms) / 1000);
	struct civil c;
	civil_from_local_ms(local, &c);
	int64_t days = floor_div(local, 86400000);
	int wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	int yday = (int)(days - tz_days_from_civil(c.year, 1, 1)) + 1;
	size_t cap = strlen(pattern) * 40 + 64, len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (const char *f = pattern; *f && len < cap; f++) {
		if (*f != '%') {
			add(buf, cap, &len, "%c", *f);
			continue;
		}
		int colon = f[1] == ':' && f[2] == 'z';
		f += colon;
		switch (*++f) {
		case 'Y': add(buf, cap, &len, "%04lld", (long long)c.year); break;
		case 'y': add(buf, cap, &len, "%02lld", (long long)(c.year % 100)); break;
		case 'm': add(buf, cap, &len, "%02d", c.month); break;
		case 'd': add(buf, cap, &len, "%02d", c.day); break;
		case 'e': add(buf, cap, &len, "%2d", c.day); break;
		case 'H': add(buf, cap, &len, "%02d", c.hour); break;
		case 'I': add(buf, cap, &len, "%02d", c.hour % 12 ? c.hour % 12 : 12); break;
		case 'M': add(buf, cap, &len, "%02d", c.minute); break;
		case 'S': add(buf, cap, &len, "%02d", c.second); break;
		case 'f': add(buf, cap, &len, "%03d", c.ms); break;
		case 'p': add(buf, cap, &len, "%s", c.hour < 12 ? "AM" : "PM"); break;
		case 'a': add(buf, cap, &len, "%.3s", weekdays[wday]); break;
		case 'A': add(buf, cap, &len, "%s", weekdays[wday]); break;
		case 'b': add(buf, cap, &len, "%.3s", months[c.month - 1]); break;
		case 'B': add(buf, cap, &len, "%s", months[c.month - 1]); break;
		case 'j': add(buf, cap, &len, "%03d", yday); break;
		case 'u': add(buf, cap, &len, "%d", wday ? wday : 7); break;
		case 's': add(buf, cap, &len, "%lld", (long long)floor_div(ms, 1000)); break;
		case 'F': add(buf, cap, &len, "%04lld-%02d-%02d", (long long)c.year, c.month, c.day); break;
		case 'T': add(buf, cap, &len, "%02d:%02d:%02d", c.hour, c.minute, c.second); break;
		case 'Z': add(buf, cap, &len, "%s", tz_name(z)); break;
		case '%': add(buf, cap, &len, "%%"); break;
		case 'z':
			if (colon && is_utc(z))
				add(buf, cap, &len, "Z");
			else
				add(buf, cap, &len, "%c%02d%s%02d", off < 0 ? '-' : '+', abs(off) / 3600, colon ? ":" : "", abs(off) / 60 % 60);
			break;
		default:
			free(buf);
			snprintf(err, errlen, "the pattern '%.80s' has '%%%c', which is not a field: use %%Y %%m %%d %%e %%H %%I %%M %%S "
				 "%%f %%p %%a %%A %%b %%B %%j %%u %%s %%F %%T %%z %%:z %%Z or %%%%", pattern, *f ? *f : ' ');
			return NULL;
		}
	}
	json_t *s = len < cap ? json_stringn(buf, len) : NULL;
	free(buf);
	if (!s)
		snprintf(err, errlen, "the formatted date is too long");
	return s;
}

int instant_input(struct axon_ctx *ctx, const json_t *inputs, const json_t *config, const char *pattern, struct tz **z,
		  int64_t *ms)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const char *zone = json_string_value(json_object_get(config, "timezone"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *v = in ? jpath_get(in, path ? path : "") : NULL;
	char err[400];
	*z = zone_get(zone ? zone : "UTC", err, sizeof err);
	if (!*z)
		return axon_fail(ctx, "%s", err);
	if (json_is_true(json_object_get(config, "now"))) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		*ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		return 0;
	}
	if (!json_is_string(v) && !json_is_number(v)) {
		tz_free(*z);
		return shape_fail(ctx, "in", path, "a date: ISO 8601 text or a unix time in seconds", v);
	}
	if (instant_read(v, pattern, *z, ms, err, sizeof err)) {
		tz_free(*z);
		return axon_fail(ctx, "in%s%s: %s", path && *path ? "." : "", path ? path : "", err);
	}
	return 0;
}
