/* A schedule trigger as a workflow's page shows it. */
#ifndef AXON_SCHEDULE_VIEW_H
#define AXON_SCHEDULE_VIEW_H
#include <stdint.h>

#include <jansson.h>

/* {cron, timezone (UTC when none), next: [{at (unix s), local, utc}] (the next
 * three after now, unix seconds), error (when it cannot or never fires)}. */
json_t *schedule_view(const json_t *trigger, int64_t now);

#endif
