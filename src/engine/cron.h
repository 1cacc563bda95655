/* Cron schedules for workflow schedule triggers: "m h dom mon dow" as in
 * crontab(5), or a macro such as @daily, on the wall clock of a time zone.
 * A parsed schedule is read-only: threads may share it. */
#ifndef AXON_ENGINE_CRON_H
#define AXON_ENGINE_CRON_H
#include <stddef.h>
#include <stdint.h>

#define CRON_MAX_INPUT 256   /* bytes in an expression */
/* How far to look for a tick. The sparsest schedules that can fire, on Feb 29
 * when it is a Sunday or a Friday say, fire only every 36 years. */
#define CRON_HORIZON_YEARS 41

struct cron;

/* Parses expr in the time zone tz (NULL or "" for UTC). Five fields: minute
 * 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-7
 * or SUN-SAT (0 and 7 are Sunday), names in any case; each field a list
 * (a,b) of values, ranges a-b, steps a-b/n, and '*' alone or with a step
 * ("every 15 minutes" is a star, a slash and 15). Or one of @yearly,
 * @annually, @monthly, @weekly, @daily, @midnight, @hourly. NULL with a
 * sentence that says what to change in err, such as "field 2 (hour): 24 is
 * out of range 0-23". */
struct cron *cron_parse(const char *expr, const char *tz, char *err, size_t errlen);
void cron_free(struct cron *c);

/* The first tick strictly after the instant `after` (unix seconds, 1970 to
 * 9999), or -1 when there is none by 9999 or within CRON_HORIZON_YEARS, which
 * means a schedule that never fires (such as "0 0 30 2 *"). As in Vixie cron,
 * when day of month and day of week are both restricted (neither field starts
 * with '*') a day matches if either does. A wall-clock time that a
 * spring-forward skips does not fire that day; one that a fall-back repeats
 * fires once, the first time. */
int64_t cron_next(const struct cron *c, int64_t after);

/* For a scheduler waking up at now, maybe after downtime: the tick to run now,
 * which is the latest tick <= now that is later than last (the last tick run,
 * or -1 for none), or -1 when none is due. Ticks missed while down run once,
 * not once each. *next (when not NULL) gets the first tick after now, or -1.
 * With last = -1 the latest past tick is due at once: to start a new trigger
 * without it, pass the time the trigger was enabled as last. */
int64_t cron_due(const struct cron *c, int64_t last, int64_t now, int64_t *next);

#endif
