/* A Prometheus histogram with fixed buckets, counted with atomics so that
 * observing takes no lock: one bucket and the sum are incremented, and a
 * scrape reads them (a scrape racing an observation may see the bucket and
 * not yet the sum, which Prometheus tolerates). The bounds suit durations
 * from a millisecond (an HTTP request) to minutes (a run). */
#ifndef AXON_HISTOGRAM_H
#define AXON_HISTOGRAM_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define HIST_BUCKETS 16 /* finite upper bounds; one more bucket holds the rest (+Inf) */

/* The upper bounds in seconds, increasing. */
extern const double hist_bounds[HIST_BUCKETS];

struct histogram {
	atomic_uint_fast64_t bucket[HIST_BUCKETS + 1]; /* not cumulative; the last is above every bound */
	atomic_uint_fast64_t sum_us;                   /* microseconds */
};

/* The bucket a value falls in: the first whose bound is >= seconds
 * (Prometheus buckets are "less than or equal"), HIST_BUCKETS above them all. */
size_t hist_bucket_of(double seconds);
void hist_observe(struct histogram *h, double seconds);
/* Appends the _bucket, _sum and _count lines of h for metric name; labels is
 * "" or 'a="x",b="y"' (without braces), placed before le. */
void hist_render(struct strbuf *out, const char *name, const char *labels, const struct histogram *h);

/* The q-quantile (0 < q < 1) of n buckets of counts (not cumulative) with
 * increasing upper bounds (the last may be INFINITY), as Prometheus's
 * histogram_quantile estimates it: linear within the bucket that holds it,
 * the first bucket starting at 0, and a quantile in the last, unbounded
 * bucket told as that bucket's lower bound. 0 when every count is 0. */
double bucket_quantile(double q, const double *upper, const uint64_t *counts, size_t n);

#endif
