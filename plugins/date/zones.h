/* Time zones for the date blocks. A confined block cannot open
 * /usr/share/zoneinfo, so the plugin reads every zone file there once, when
 * it is loaded in the zygote (about 640 KB, each file once however many
 * names link to it), and a block parses the one it needs from memory with
 * the engine's TZif reader (src/engine/timezone.c, compiled into this
 * plugin: a plugin cannot link axond's code). */
#ifndef AXON_PLUGINS_DATE_ZONES_H
#define AXON_PLUGINS_DATE_ZONES_H
#include <stddef.h>

#include "engine/timezone.h"

/* The zone called name ("Europe/Paris", "UTC"), to tz_free(); NULL with the
 * reason in err. */
struct tz *zone_get(const char *name, char *err, size_t errlen);

#endif
