#include "metrics/histogram.h"

#include <math.h>

const double hist_bounds[HIST_BUCKETS] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
					   0.5,   1,      2.5,   5,    10,    30,   60,  300 };

size_t hist_bucket_of(double seconds)
{
	size_t i = 0;
	while (i < HIST_BUCKETS && seconds > hist_bounds[i])
		i++;
	return i;
}

void hist_observe(struct histogram *h, double seconds)
{
	if (!(seconds >= 0)) /* a clock step backwards, or NaN */
		seconds = 0;
	atomic_fetch_add_explicit(&h->bucket[hist_bucket_of(seconds)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, (uint_fast64_t)(seconds * 1e6 + 0.5), memory_order_relaxed);
}

void hist_render(struct strbuf *out, const char *name, const char *labels, const struct histogram *h)
{
	const char *sep = *labels ? "," : "";
	uint64_t cumulative = 0;
	for (size_t i = 0; i <= HIST_BUCKETS; i++) {
		cumulative += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
		if (i < HIST_BUCKETS)
			sb_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, hist_bounds[i],
				  (unsigned long long)cumulative);
		else
			sb_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
				  (unsigned long long)cumulative);
	}
	double sum = (double)atomic_load_explicit(&h->sum_us, memory_order_relaxed) / 1e6;
	const char *open = *labels ? "{" : "", *close = *labels ? "}" : "";
	sb_printf(out, "%s_sum%s%s%s %.6f\n", name, open, labels, close, sum);
	sb_printf(out, "%s_count%s%s%s %llu\n", name, open, labels, close, (unsigned long long)cumulative);
}

double bucket_quantile(double q, const double *upper, const uint64_t *counts, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += counts[i];
	if (!total)
		return 0;
	double rank = q * (double)total, below = 0;
	for (size_t i = 0; i < n; i++) {
		double lower = i ? upper[i - 1] : 0;
		if (below + (double)counts[i] >= rank && counts[i]) {
			if (isinf(upper[i]))
				return lower;
			return lower + (upper[i] - lower) * (rank - below) / (double)counts[i];
		}
		below += (double)counts[i];
	}
	return n > 1 ? upper[n - 2] : 0;
}
