/* Time zones for schedules, read from the TZif files in /usr/share/zoneinfo
 * (RFC 8536: version 1, and the 64-bit data of versions 2 and later, with
 * the POSIX TZ rule at the end of the file for instants past the last
 * transition). We read them ourselves because localtime() works through
 * the process-wide TZ, which the daemon's threads cannot each set. A loaded
 * zone is never written again: any number of threads may use it at once. */
#ifndef AXON_ENGINE_TIMEZONE_H
#define AXON_ENGINE_TIMEZONE_H
#include <stddef.h>
#include <stdint.h>

#define TZ_DIR "/usr/share/zoneinfo"
#define TZ_NAME_MAX 64              /* bytes in a zone name such as America/Argentina/Buenos_Aires */
#define TZ_MAX_OFFSET (26 * 3600)   /* the largest UTC offset, either way, a zone may have */

struct tz;

/* Loads the zone name (such as Europe/Paris) from TZ_DIR. "UTC" and "Etc/UTC"
 * need no file. Names hold only letters, digits and _ + - /, at most
 * TZ_NAME_MAX bytes, never "..", never a leading '/'. NULL with the reason in err. */
struct tz *tz_load(const char *name, char *err, size_t errlen);
/* The same from another directory (tests). */
struct tz *tz_load_dir(const char *dir, const char *name, char *err, size_t errlen);
/* A zone from the bytes of a TZif file; name is only kept for tz_name() and messages. */
struct tz *tz_parse(const char *name, const void *data, size_t len, char *err, size_t errlen);
void tz_free(struct tz *z);
const char *tz_name(const struct tz *z);

/* Seconds east of UTC in force at the instant t (unix seconds). */
int32_t tz_offset(const struct tz *z, int64_t t);
/* The earliest instant at which the zone's clock reads local (local time as
 * seconds since 1970-01-01 00:00 on that clock): 1 and *t set, or 0 when the
 * clock skips that reading (a spring-forward gap). */
int tz_instant(const struct tz *z, int64_t local, int64_t *t);
/* The latest reading the zone's clock showed at or before the instant t. It is
 * t + tz_offset(z, t) except just after a fall-back, when the clock has shown
 * later readings than it shows now. */
int64_t tz_latest_local(const struct tz *z, int64_t t);

/* Proleptic Gregorian calendar: days since 1970-01-01 and back. */
int64_t tz_days_from_civil(int64_t year, int month, int day);
void tz_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

#endif
