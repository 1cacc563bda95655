#include "metrics/process.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "metrics/metrics.h"

/* Resident pages from /proc/self/statm (its second field). */
static double resident_bytes(void)
{
	long size, pages = 0;
	FILE *f = fopen("/proc/self/statm", "re");
	if (f) {
		if (fscanf(f, "%ld %ld", &size, &pages) != 2)
			pages = 0;
		fclose(f);
	}
	return (double)pages * (double)sysconf(_SC_PAGESIZE);
}

void metrics_render_process(struct strbuf *out)
{
	struct rusage ru;
	double cpu = 0;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
		      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	metrics_sample(out, "process_cpu_seconds_total", "counter", "User and system CPU time of axond, in seconds.", cpu);
	metrics_sample(out, "process_resident_memory_bytes", "gauge", "Resident memory of axond, in bytes.",
		       resident_bytes());
}
