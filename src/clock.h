/* Time as the engine and the store count it: wall-clock milliseconds for
 * what is recorded, monotonic milliseconds for deadlines. */
#ifndef AXON_CLOCK_H
#define AXON_CLOCK_H
#include <stdint.h>

int64_t now_ms(void);  /* unix time in ms */
int64_t mono_ms(void); /* CLOCK_MONOTONIC in ms */

#endif
