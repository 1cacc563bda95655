/* Charts as view models that the templates in templates/charts/ draw as inline SVG:
 * geometry only, computed here; the markup and its escaping are the
 * template's, as for the editor's graph. Each chart's numbers also go into
 * a table beside it, for screen readers and for the JSON twin. */
#ifndef AXON_WEB_CHART_H
#define AXON_WEB_CHART_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Stacked vertical bars: one bar per period (labels[i]), one segment per
 * series (names[s], drawn bottom up), values[i * nseries + s].
 *   {width, height, view_box, label, max, ticks: [{y, text}],
 *    x_labels: [{x, text}], bars: [{x, y, w, h, series, title}]}
 * x_labels names every label_every-th period. */
json_t *chart_stacked_bars(const char *label, const char *const *labels, size_t n, const char *const *names,
			   size_t nseries, const int64_t *values, size_t label_every);

/* Grouped horizontal bars: one group per row (labels[i]), one bar per series,
 * values[i * nseries + s] in ms, on one linear scale; texts[i * nseries + s]
 * is what each bar says.
 *   {width, height, view_box, label, groups: [{y, text_y, label,
 *    bars: [{x, y, w, h, series, title, text, text_x, text_y}]}]} */
json_t *chart_grouped_hbars(const char *label, const char *const *labels, size_t n, const char *const *names,
			    size_t nseries, const int64_t *values, const char *const *texts);

#endif
