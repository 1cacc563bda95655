/* The dashboard's chart geometry: a scale with round ticks, stacked segments
 * that add up to their bar, nothing drawn for a zero, and every bar titled. */
#include <math.h>
#include <string.h>

#include "web/chart/chart.h"
#include "../testlib.h"

static const char *tick(const json_t *c, size_t i)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(c, "ticks"), i), "text"));
}

static void test_scale(void)
{
	const char *labels[] = { "a" }, *names[] = { "ok" };
	const struct { int64_t value, max; const char *mid; } cases[] = {
		{ 0, 2, "1" }, { 1, 2, "1" }, { 3, 4, "2" }, { 5, 10, "5" }, { 11, 20, "10" }, { 39, 40, "20" },
		{ 41, 100, "50" }, { 1000000, 1000000, "500000" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *c = chart_stacked_bars("x", labels, 1, names, 1, &cases[i].value, 1);
		CHECK(json_integer_value(json_object_get(c, "max")) == cases[i].max);
		CHECK_STR(tick(c, 0), "0");
		CHECK_STR(tick(c, 1), cases[i].mid);
		json_decref(c);
	}
}

static void test_stacks(void)
{
	const char *labels[] = { "00:00", "01:00", "02:00" }, *names[] = { "succeeded", "failed" };
	const int64_t values[] = { 3, 1, 0, 0, 2, 2 };
	json_t *c = chart_stacked_bars("Runs", labels, 3, names, 2, values, 2);
	json_t *bars = json_object_get(c, "bars");
	CHECK(json_array_size(bars) == 4); /* the empty hour draws nothing */
	double bottom = json_real_value(json_object_get(c, "axis_y"));
	json_t *b0 = json_array_get(bars, 0), *b1 = json_array_get(bars, 1);
	double h0 = json_real_value(json_object_get(b0, "h")), h1 = json_real_value(json_object_get(b1, "h"));
	/* succeeded at the bottom, failed stacked on it, 4 of a scale of 4: the full height */
	CHECK(fabs(json_real_value(json_object_get(b0, "y")) + h0 - bottom) < 1e-9);
	CHECK(fabs(json_real_value(json_object_get(b1, "y")) + h1 - json_real_value(json_object_get(b0, "y"))) < 1e-9);
	CHECK(fabs(h0 - 3 * h1) < 1e-9);
	CHECK_STR(json_string_value(json_object_get(b1, "series")), "failed");
	CHECK_STR(json_string_value(json_object_get(b1, "title")), "00:00: 1 failed");
	CHECK(json_array_size(json_object_get(c, "x_labels")) == 2); /* every second label */
	CHECK_STR(json_string_value(json_object_get(c, "view_box")), "0 0 720 220");
	json_decref(c);
}

static void test_hbars(void)
{
	const char *labels[] = { "A", "B" }, *names[] = { "p50", "p99" }, *texts[] = { "1 s", "2 s", "0 ms", "4 s" };
	const int64_t values[] = { 1000, 2000, 0, 4000 };
	json_t *c = chart_grouped_hbars("Durations", labels, 2, names, 2, values, texts);
	json_t *groups = json_object_get(c, "groups");
	CHECK(json_array_size(groups) == 2);
	json_t *a = json_object_get(json_array_get(groups, 0), "bars"), *b = json_object_get(json_array_get(groups, 1), "bars");
	double wa = json_real_value(json_object_get(json_array_get(a, 1), "w"));
	double wb = json_real_value(json_object_get(json_array_get(b, 1), "w"));
	CHECK(fabs(wb - 2 * wa) < 1e-9);                                                 /* one linear scale */
	CHECK(json_real_value(json_object_get(json_array_get(b, 0), "w")) == 1);        /* a zero still shows */
	CHECK_STR(json_string_value(json_object_get(json_array_get(b, 1), "title")), "B, p99: 4 s");
	json_decref(c);
}

int main(void)
{
	test_scale();
	test_stacks();
	test_hbars();
	return t_done("test_chart");
}
