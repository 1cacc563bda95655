#include "engine/timezone.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TZ_FILE_MAX (256 * 1024)  /* zoneinfo files are a few KiB; anything far larger is not one */
#define TZ_SEGMENTS_MAX 64        /* offset changes looked at within two days: real zones have one or two */
/* Instants are clamped to about +-300,000 years, so that calendar sums never overflow. */
#define TZ_T_LIMIT INT64_C(10000000000000)

/* A date in a POSIX TZ rule: Mm.w.d (day d of week w of month m, week 5 the last),
 * Jn (day 1-365, February 29 never counted) or n (day 0-365, counted), at a
 * time of day on the clock then in force, which may be negative or past 24 h. */
struct rule_date {
	char kind;  /* 'M', 'J' or 'n' */
	int month, week, wday, yday;
	int32_t time;
};

struct tz {
	char name[TZ_NAME_MAX + 1];
	size_t n;          /* transitions */
	int64_t *trans;    /* their instants, ascending */
	int32_t *offs;     /* the offset in force from each */
	int32_t off0;      /* the offset before the first (time type 0) */
	/* The footer, in force after the last transition (always, when there is none). */
	int has_footer, has_dst;
	int32_t std_off, dst_off;
	struct rule_date start, end;
};

static const char example[] = "use a name such as Europe/Paris or UTC";

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t clamp_t(int64_t t)
{
	return t > TZ_T_LIMIT ? TZ_T_LIMIT : t < -TZ_T_LIMIT ? -TZ_T_LIMIT : t;
}

/* Howard Hinnant's algorithms (http://howardhinnant.github.io/date_algorithms.html). */
int64_t tz_days_from_civil(int64_t year, int month, int day)
{
	year -= month <= 2;
	int64_t era = floor_div(year, 400);
	int64_t yoe = year - era * 400;
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	days += 719468;
	int64_t era = floor_div(days, 146097);
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* ---- The POSIX TZ rule of the footer ---- */

/* A zone abbreviation: three or more letters, or <...> with letters, digits, + and -. */
static int parse_abbr(const char **pp)
{
	const char *p = *pp;
	size_t n = 0;
	if (*p == '<') {
		for (p++; is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-'; p++)
			n++;
		if (*p++ != '>')
			return -1;
	} else {
		for (; is_alpha(*p); p++)
			n++;
	}
	if (n < 3)
		return -1;
	*pp = p;
	return 0;
}

static int parse_num(const char **pp, int max, int *out)
{
	const char *p = *pp;
	int v = 0, digits = 0;
	for (; is_digit(*p) && digits < 3; p++, digits++)
		v = v * 10 + (*p - '0');
	if (!digits || v > max)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

/* [+-]hh[:mm[:ss]] as seconds. */
static int parse_hms(const char **pp, int max_hours, int32_t *out)
{
	const char *p = *pp;
	int sign = *p == '-' ? -1 : 1, h, m = 0, s = 0;
	if (*p == '+' || *p == '-')
		p++;
	if (parse_num(&p, max_hours, &h))
		return -1;
	if (*p == ':' && (p++, parse_num(&p, 59, &m)))
		return -1;
	if (*p == ':' && (p++, parse_num(&p, 59, &s)))
		return -1;
	*out = sign * (h * 3600 + m * 60 + s);
	*pp = p;
	return 0;
}

static int parse_rule_date(const char **pp, struct rule_date *d)
{
	const char *p = *pp;
	d->kind = *p;
	if (*p == 'M') {
		p++;
		if (parse_num(&p, 12, &d->month) || d->month < 1 || *p++ != '.' || parse_num(&p, 5, &d->week) ||
		    d->week < 1 || *p++ != '.' || parse_num(&p, 6, &d->wday))
			return -1;
	} else if (*p == 'J') {
		p++;
		if (parse_num(&p, 365, &d->yday) || d->yday < 1)
			return -1;
	} else {
		d->kind = 'n';
		if (parse_num(&p, 365, &d->yday))
			return -1;
	}
	d->time = 2 * 3600;
	/* RFC 8536 lets the time run from -167 h to 167 h (zic writes "M3.5.0/-1" for America/Nuuk). */
	if (*p == '/' && (p++, parse_hms(&p, 167, &d->time)))
		return -1;
	*pp = p;
	return 0;
}

/* "std offset [dst [offset] ,start[/time],end[/time]]", such as "CET-1CEST,M3.5.0,M10.5.0/3".
 * POSIX offsets count west of Greenwich, so they are negated. */
static int parse_footer(struct tz *z, const char *s)
{
	const char *p = s;
	int32_t off;
	if (!*p)
		return 0;
	if (parse_abbr(&p) || parse_hms(&p, 24, &off))
		return -1;
	z->has_footer = 1;
	z->std_off = -off;
	if (!*p)
		return 0;
	if (parse_abbr(&p))
		return -1;
	z->dst_off = z->std_off + 3600;
	if (*p != ',') {
		if (parse_hms(&p, 24, &off))
			return -1;
		z->dst_off = -off;
	}
	/* a daylight-saving time with no rule would follow an implementation's
	 * default; zic always writes the rule, so its absence means a damaged file */
	if (*p++ != ',' || parse_rule_date(&p, &z->start) || *p++ != ',' || parse_rule_date(&p, &z->end) || *p)
		return -1;
	z->has_dst = 1;
	return 0;
}

static int64_t rule_day(int64_t y, const struct rule_date *d)
{
	int64_t jan1 = tz_days_from_civil(y, 1, 1);
	if (d->kind == 'J')
		return jan1 + d->yday - 1 + (is_leap(y) && d->yday >= 60);
	if (d->kind == 'n')
		return jan1 + d->yday;
	int64_t first = tz_days_from_civil(y, d->month, 1);
	int wday1 = (int)(first + 4 - floor_div(first + 4, 7) * 7);  /* 0 = Sunday; 1970-01-01 was a Thursday */
	int64_t day = first + (d->wday - wday1 + 7) % 7 + 7 * (d->week - 1);
	while (day - first >= days_in_month(y, d->month))
		day -= 7;  /* week 5 is the last such day of the month */
	return day;
}

/* The instants daylight-saving time starts and ends in year y. */
static void rule_year(const struct tz *z, int64_t y, int64_t *start, int64_t *end)
{
	*start = rule_day(y, &z->start) * 86400 + z->start.time - z->std_off;
	*end = rule_day(y, &z->end) * 86400 + z->end.time - z->dst_off;
}

static int32_t rule_offset(const struct tz *z, int64_t t, int64_t *next)
{
	int64_t days = floor_div(t + z->std_off, 86400), y, s, e;
	int month, day;
	tz_civil_from_days(days, &y, &month, &day);
	rule_year(z, y, &s, &e);
	/* south of the equator, daylight-saving time spans the new year */
	int dst = s < e ? t >= s && t < e : !(t >= e && t < s);
	/* the year is part of the answer, so the answer may change when it does: with
	 * odd rules such as "M1.4.0,M1.5.0" one year has daylight-saving time nearly
	 * throughout and the next almost never (zic never writes such rules) */
	*next = tz_days_from_civil(y + 1, 1, 1) * 86400 - z->std_off;
	for (int64_t yy = y - 1; yy <= y + 1; yy++) {
		rule_year(z, yy, &s, &e);
		if (s > t && s < *next)
			*next = s;
		if (e > t && e < *next)
			*next = e;
	}
	return dst ? z->dst_off : z->std_off;
}

/* The offset in force at t, and in *next the instant it may next change (INT64_MAX: never). */
static int32_t segment(const struct tz *z, int64_t t, int64_t *next)
{
	t = clamp_t(t);
	if (z->n == 0 || t >= z->trans[z->n - 1]) {
		if (z->has_dst)
			return rule_offset(z, t, next);
		*next = INT64_MAX;
		if (z->has_footer)
			return z->std_off;
		return z->n ? z->offs[z->n - 1] : z->off0;
	}
	if (t < z->trans[0]) {
		*next = z->trans[0];
		return z->off0;
	}
	size_t lo = 0, hi = z->n - 1;  /* trans[lo] <= t < trans[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	*next = z->trans[hi];
	return z->offs[lo];
}

int32_t tz_offset(const struct tz *z, int64_t t)
{
	int64_t next;
	return segment(z, t, &next);
}

/* Every instant whose clock reads local lies within TZ_MAX_OFFSET of it: walk
 * the stretches of constant offset there and take the first that holds one. */
int tz_instant(const struct tz *z, int64_t local, int64_t *t)
{
	local = clamp_t(local);
	int64_t from = local - TZ_MAX_OFFSET;
	for (int i = 0; i < TZ_SEGMENTS_MAX && from <= local + TZ_MAX_OFFSET; i++) {
		int64_t next;
		int64_t u = local - segment(z, from, &next);
		if (u >= from && u < next) {
			*t = u;
			return 1;
		}
		if (next == INT64_MAX)
			break;
		from = next;
	}
	return 0;
}

/* A stretch of constant offset shows its latest reading just before it ends;
 * readings from before t - 2 * TZ_MAX_OFFSET are all earlier than t's own. */
int64_t tz_latest_local(const struct tz *z, int64_t t)
{
	t = clamp_t(t);
	int64_t best = t + tz_offset(z, t);
	int64_t from = t - 2 * TZ_MAX_OFFSET;
	for (int i = 0; i < TZ_SEGMENTS_MAX; i++) {
		int64_t next;
		int32_t off = segment(z, from, &next);
		if (next > t)
			break;
		if (next - 1 + off > best)
			best = next - 1 + off;
		from = next;
	}
	return best;
}

/* ---- TZif ---- */

struct header {
	int version;  /* 1, 2, 3, ... */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The header at *pos and the size of the data block after it, with times of tsize bytes. */
static const char *read_header(const uint8_t *p, size_t len, size_t *pos, size_t tsize, struct header *h,
                               size_t *block)
{
	if (len - *pos < 44 || memcmp(p + *pos, "TZif", 4))
		return "it does not start with \"TZif\"";
	uint8_t v = p[*pos + 4];
	if (v != 0 && (v < '2' || v > '9'))
		return "its version is unknown";
	h->version = v ? v - '0' : 1;
	const uint8_t *c = p + *pos + 20;
	h->isutcnt = be32(c);
	h->isstdcnt = be32(c + 4);
	h->leapcnt = be32(c + 8);
	h->timecnt = be32(c + 12);
	h->typecnt = be32(c + 16);
	h->charcnt = be32(c + 20);
	*pos += 44;
	/* each count is of things at least a byte long: more than the file holds is damage, and
	 * keeping them this small keeps the sum below from overflowing */
	if (h->isutcnt > len || h->isstdcnt > len || h->leapcnt > len || h->timecnt > len || h->typecnt > len ||
	    h->charcnt > len)
		return "its header counts more data than the file holds";
	if (h->typecnt == 0 || (h->isutcnt && h->isutcnt != h->typecnt) || (h->isstdcnt && h->isstdcnt != h->typecnt))
		return "its header counts are inconsistent";
	*block = (size_t)h->timecnt * (tsize + 1) + (size_t)h->typecnt * 6 + h->charcnt +
	         (size_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
	if (*block > len - *pos)
		return "it is shorter than its header says";
	return NULL;
}

/* The transitions and time types of the block at pos. */
static const char *read_block(struct tz *z, const uint8_t *p, const struct header *h, size_t tsize)
{
	if (h->leapcnt)
		return "it counts leap seconds (a \"right/\" zone), which schedules do not";
	const uint8_t *times = p, *idx = p + (size_t)h->timecnt * tsize, *types = idx + h->timecnt;
	for (uint32_t i = 0; i < h->typecnt; i++) {
		int32_t off = (int32_t)be32(types + 6 * (size_t)i);
		if (off < -TZ_MAX_OFFSET || off > TZ_MAX_OFFSET)
			return "it has a UTC offset of more than 26 hours";
	}
	z->off0 = (int32_t)be32(types);
	z->n = h->timecnt;
	if (!z->n)
		return NULL;
	z->trans = malloc(z->n * sizeof *z->trans);
	z->offs = malloc(z->n * sizeof *z->offs);
	if (!z->trans || !z->offs)
		return "out of memory";
	for (size_t i = 0; i < z->n; i++) {
		z->trans[i] = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
		if (i && z->trans[i] <= z->trans[i - 1])
			return "its transitions are not in order";
		if (idx[i] >= h->typecnt)
			return "a transition names a time type that does not exist";
		z->offs[i] = (int32_t)be32(types + 6 * (size_t)idx[i]);
	}
	return NULL;
}

static const char *read_tzif(struct tz *z, const uint8_t *p, size_t len)
{
	struct header h;
	size_t pos = 0, block;
	const char *why = read_header(p, len, &pos, 4, &h, &block);
	if (why)
		return why;
	if (h.version == 1)
		return read_block(z, p + pos, &h, 4);
	/* version 2 and later repeat everything with 64-bit times, then add the footer */
	pos += block;
	if ((why = read_header(p, len, &pos, 8, &h, &block)) || (why = read_block(z, p + pos, &h, 8)))
		return why;
	pos += block;
	const uint8_t *nl = pos < len ? memchr(p + pos + 1, '\n', len - pos - 1) : NULL;
	if (pos >= len || p[pos] != '\n' || !nl)
		return "its footer is missing";
	char footer[128];
	size_t flen = (size_t)(nl - (p + pos + 1));
	if (flen >= sizeof footer || memchr(p + pos + 1, '\0', flen))
		return "its footer is not a TZ rule";
	memcpy(footer, p + pos + 1, flen);
	footer[flen] = '\0';
	if (parse_footer(z, footer))
		return "its footer is not a TZ rule this reader knows";
	return NULL;
}

/* ---- Loading ---- */

/* The name, fit to quote in a message: at most TZ_NAME_MAX bytes, unprintable bytes as '?'. */
static void quote_name(const char *name, char *out, size_t outlen)
{
	size_t i;
	for (i = 0; name[i] && i < TZ_NAME_MAX && i + 1 < outlen; i++)
		out[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	out[i] = '\0';
}

static struct tz *tz_new(const char *name)
{
	struct tz *z = calloc(1, sizeof *z);
	if (z)
		quote_name(name, z->name, sizeof z->name);
	return z;
}

void tz_free(struct tz *z)
{
	if (!z)
		return;
	free(z->trans);
	free(z->offs);
	free(z);
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}

struct tz *tz_parse(const char *name, const void *data, size_t len, char *err, size_t errlen)
{
	struct tz *z = tz_new(name);
	if (!z) {
		snprintf(err, errlen, "time zone '%s': out of memory", name);
		return NULL;
	}
	const char *why = read_tzif(z, data, len);
	if (why) {
		snprintf(err, errlen, "time zone '%s': the zone file is damaged or not one: %s", z->name, why);
		tz_free(z);
		return NULL;
	}
	return z;
}

/* Only names that stay inside the zone directory: no '.', so neither "." nor
 * ".." can be a part, and no leading '/'. */
static int check_name(const char *name, char *err, size_t errlen)
{
	size_t len = strnlen(name, TZ_NAME_MAX + 1);
	char quoted[TZ_NAME_MAX + 1];
	quote_name(name, quoted, sizeof quoted);
	if (len == 0) {
		snprintf(err, errlen, "the time zone name is empty: %s", example);
		return -1;
	}
	if (len > TZ_NAME_MAX) {
		snprintf(err, errlen, "time zone '%s...' is not a zone name: it is longer than %d bytes; %s", quoted,
		         TZ_NAME_MAX, example);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (is_alpha(c) || is_digit(c) || c == '_' || c == '+' || c == '-' || c == '/')
			continue;
		if (c >= 0x20 && c < 0x7f)
			snprintf(err, errlen, "time zone '%s' is not a zone name: '%c' is not allowed (only letters, "
			         "digits and _ + - /); %s", quoted, c, example);
		else
			snprintf(err, errlen, "time zone '%s' is not a zone name: byte 0x%02x is not allowed (only "
			         "letters, digits and _ + - /); %s", quoted, (unsigned char)c, example);
		return -1;
	}
	if (name[0] == '/') {
		snprintf(err, errlen, "time zone '%s' is not a zone name: it must not start with '/'; %s", quoted,
		         example);
		return -1;
	}
	return 0;
}

/* The whole file, in a buffer the caller frees; NULL with errno set (EISDIR for a
 * folder, EFBIG when too large for a zone file). */
static uint8_t *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	uint8_t *buf = NULL;
	if (fstat(fd, &st)) {
		/* errno says why */
	} else if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
	} else if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
	} else if (st.st_size > TZ_FILE_MAX) {
		errno = EFBIG;
	} else if ((buf = malloc((size_t)st.st_size + 1))) {
		/* one byte more than the size, to see a file that grew meanwhile */
		size_t cap = (size_t)st.st_size + 1;
		*len = 0;
		for (;;) {
			ssize_t got = read(fd, buf + *len, cap - *len);
			if (got < 0 && errno == EINTR)
				continue;
			if (got > 0 && (*len += (size_t)got) < cap)
				continue;
			if (got == 0)
				break;
			errno = got < 0 ? errno : EAGAIN;  /* the file changed under us: zic replaces zones */
			free(buf);
			buf = NULL;
			break;
		}
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return buf;
}

struct tz *tz_load_dir(const char *dir, const char *name, char *err, size_t errlen)
{
	if (check_name(name, err, errlen))
		return NULL;
	/* UTC needs no file, so that schedules work where tzdata is not installed */
	if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC")) {
		struct tz *z = tz_new(name);
		if (!z)
			snprintf(err, errlen, "time zone '%s': out of memory", name);
		return z;
	}
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
		snprintf(err, errlen, "time zone '%s': the path to its file is too long", name);
		return NULL;
	}
	size_t len = 0;
	uint8_t *buf = read_file(path, &len);
	if (buf) {
		struct tz *z = tz_parse(name, buf, len, err, errlen);
		free(buf);
		return z;
	}
	if (errno == ENOENT || errno == ENOTDIR)
		snprintf(err, errlen, "unknown time zone '%s': %s", name, example);
	else if (errno == EISDIR)
		snprintf(err, errlen, "time zone '%s' is a region, not a zone: %s", name, example);
	else if (errno == EFBIG)
		snprintf(err, errlen, "time zone '%s': %s is larger than %d KiB, too large for a zone file", name, path,
		         TZ_FILE_MAX / 1024);
	else
		snprintf(err, errlen, "time zone '%s': cannot read %s: %s", name, path, strerror(errno));
	return NULL;
}

struct tz *tz_load(const char *name, char *err, size_t errlen)
{
	return tz_load_dir(TZ_DIR, name, err, errlen);
}
