#include <stdio.h>

#include "web/chart/chart.h"

#define WIDTH 720
#define HEIGHT 220
#define LEFT 44   /* the y axis's numbers */
#define BOTTOM 22 /* the x axis's labels */
#define TOP 8

/* A scale's top: the first of 2, 4, 10, 20, 40, 100... at or above max, so
 * that the ticks at its half and at its top are round whole numbers. */
static int64_t round_up(int64_t max)
{
	for (int64_t step = 1;; step *= 10) {
		if (max <= 2 * step)
			return 2 * step;
		if (max <= 4 * step)
			return 4 * step;
		if (max <= 10 * step)
			return 10 * step;
	}
}

static json_t *box(const char *label, int width, int height)
{
	char vb[48];
	snprintf(vb, sizeof vb, "0 0 %d %d", width, height);
	return json_pack("{s:i, s:i, s:s, s:s}", "width", width, "height", height, "view_box", vb, "label", label);
}

json_t *chart_stacked_bars(const char *label, const char *const *labels, size_t n, const char *const *names,
			   size_t nseries, const int64_t *values, size_t label_every)
{
	int64_t max = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t total = 0;
		for (size_t s = 0; s < nseries; s++)
			total += values[i * nseries + s];
		if (total > max)
			max = total;
	}
	max = round_up(max);
	double plot_h = HEIGHT - TOP - BOTTOM, slot = n ? (double)(WIDTH - LEFT) / (double)n : 0;
	json_t *c = box(label, WIDTH, HEIGHT), *ticks = json_array(), *xl = json_array(), *bars = json_array();
	json_object_set_new(c, "max", json_integer(max));
	for (int t = 0; t <= 2; t++) {
		char text[24];
		snprintf(text, sizeof text, "%lld", (long long)(max * t / 2));
		json_array_append_new(ticks, json_pack("{s:f, s:s}", "y", TOP + plot_h * (1 - t / 2.0), "text", text));
	}
	for (size_t i = 0; i < n; i++) {
		double x = LEFT + slot * (double)i, y = TOP + plot_h;
		if (label_every && i % label_every == 0)
			json_array_append_new(xl, json_pack("{s:f, s:s}", "x", x + slot / 2, "text", labels[i]));
		for (size_t s = 0; s < nseries; s++) {
			int64_t v = values[i * nseries + s];
			if (!v)
				continue;
			double h = plot_h * (double)v / (double)max;
			y -= h;
			char title[96];
			snprintf(title, sizeof title, "%s: %lld %s", labels[i], (long long)v, names[s]);
			json_array_append_new(bars, json_pack("{s:f, s:f, s:f, s:f, s:s, s:s}", "x", x + slot * 0.1, "y", y,
							      "w", slot * 0.8, "h", h, "series", names[s], "title", title));
		}
	}
	json_object_set_new(c, "ticks", ticks);
	json_object_set_new(c, "x_labels", xl);
	json_object_set_new(c, "bars", bars);
	json_object_set_new(c, "axis_y", json_real(TOP + plot_h));
	return c;
}

#define ROW_LABEL 180 /* the rows' names */
#define BAR_H 12
#define GROUP_GAP 10

json_t *chart_grouped_hbars(const char *label, const char *const *labels, size_t n, const char *const *names,
			    size_t nseries, const int64_t *values, const char *const *texts)
{
	int64_t max = 1;
	for (size_t i = 0; i < n * nseries; i++)
		if (values[i] > max)
			max = values[i];
	double plot_w = WIDTH - ROW_LABEL - 90; /* room for the last bar's text */
	int height = (int)(n * (nseries * BAR_H + GROUP_GAP)) + GROUP_GAP;
	json_t *c = box(label, WIDTH, height), *groups = json_array();
	for (size_t i = 0; i < n; i++) {
		double gy = GROUP_GAP + (double)i * (nseries * BAR_H + GROUP_GAP);
		json_t *bars = json_array();
		for (size_t s = 0; s < nseries; s++) {
			double w = plot_w * (double)values[i * nseries + s] / (double)max, y = gy + (double)s * BAR_H;
			char title[160];
			snprintf(title, sizeof title, "%s, %s: %s", labels[i], names[s], texts[i * nseries + s]);
			json_array_append_new(bars, json_pack("{s:i, s:f, s:f, s:f, s:s, s:s, s:s, s:f, s:f}", "x", ROW_LABEL,
							      "y", y, "w", w < 1 ? 1 : w, "h", BAR_H - 2.0, "series",
							      names[s], "title", title, "text", texts[i * nseries + s],
							      "text_x", ROW_LABEL + (w < 1 ? 1 : w) + 4, "text_y",
							      y + BAR_H - 3.0));
		}
		json_array_append_new(groups, json_pack("{s:f, s:s, s:o}", "text_y", gy + nseries * BAR_H / 2.0 + 4,
							"label", labels[i], "bars", bars));
	}
	json_object_set_new(c, "groups", groups);
	return c;
}
