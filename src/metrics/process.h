/* The process's own figures, named as Prometheus client libraries name them
 * (process_cpu_seconds_total, process_resident_memory_bytes, ...). */
#ifndef AXON_METRICS_PROCESS_H
#define AXON_METRICS_PROCESS_H
#include "strbuf.h"

/* Appends the process_* samples with their HELP and TYPE lines. */
void metrics_render_process(struct strbuf *out);

#endif
