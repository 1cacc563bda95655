#include "web/graph/layout.h"

#include <math.h>
#include <stdlib.h>

#include "strbuf.h"

/* The column of each node: the longest path of edges reaching it (Kahn's
 * walk). When the walk stalls on a cycle, the first node left in index order
 * starts as if its remaining edges were not there. */
static int assign_columns(size_t n, const struct layout_edge *e, size_t ne, int *col)
{
	size_t *waiting = xcalloc(n, sizeof *waiting), *queue = xcalloc(n, sizeof *queue);
	bool *done = xcalloc(n, sizeof *done);
	size_t head = 0, tail = 0;
	int last = 0;
	for (size_t k = 0; k < ne; k++)
		if (e[k].from < n && e[k].to < n && e[k].from != e[k].to)
			waiting[e[k].to]++;
	for (size_t i = 0; i < n; i++)
		if (!waiting[i])
			queue[tail++] = i;
	for (size_t placed = 0; placed < n; placed++) {
		if (head == tail) {
			size_t v = 0;
			while (done[v] || waiting[v] == 0)
				v++;
			queue[tail++] = v;
		}
		size_t v = queue[head++];
		done[v] = true;
		for (size_t k = 0; k < ne; k++) {
			size_t w = e[k].to;
			if (e[k].from != v || w >= n || done[w] || w == v)
				continue;
			if (col[w] < col[v] + 1)
				col[w] = col[v] + 1;
			if (--waiting[w] == 0)
				queue[tail++] = w;
		}
		if (col[v] > last)
			last = col[v];
	}
	free(done);
	free(queue);
	free(waiting);
	return last;
}

static int round_int(double v)
{
	return (int)(v < 0 ? v - 0.5 : v + 0.5);
}

/* The mean centre height of v's predecessors placed in earlier columns; NAN when none. */
static double barycenter(size_t v, const struct layout_edge *e, size_t ne, const int *col,
			 const struct layout_box *boxes)
{
	double sum = 0;
	int count = 0;
	for (size_t k = 0; k < ne; k++) {
		size_t p = e[k].from;
		if (e[k].to == v && p != v && col[p] < col[v]) {
			sum += boxes[p].y + boxes[p].h / 2.0;
			count++;
		}
	}
	return count ? sum / count : NAN;
}

/* Orders the members of one column by barycenter (those without one last,
 * each group in index order) and sets their heights: each at its barycenter
 * when there is room, pushed down past the one above when not, then the
 * column moved up by the mean push so that it stays centred on its sources. */
static void place_column(size_t *members, size_t k, const double *bary, struct layout_box *boxes)
{
	for (size_t i = 1; i < k; i++) {
		size_t v = members[i], j = i;
		while (j > 0 && (isnan(bary[members[j - 1]]) ? !isnan(bary[v]) : bary[v] < bary[members[j - 1]])) {
			members[j] = members[j - 1];
			j--;
		}
		members[j] = v;
	}
	double push = 0;
	int pushed = 0;
	for (size_t i = 0; i < k; i++) {
		struct layout_box *b = &boxes[members[i]];
		int below = i ? boxes[members[i - 1]].y + boxes[members[i - 1]].h + LAYOUT_ROW_GAP : 0;
		double want = isnan(bary[members[i]]) ? below : bary[members[i]] - b->h / 2.0;
		b->y = round_int(want);
		if (i && b->y < below)
			b->y = below;
		if (!isnan(bary[members[i]])) {
			push += b->y - want;
			pushed++;
		}
	}
	int up = pushed ? round_int(push / pushed) : 0;
	for (size_t i = 0; i < k; i++)
		boxes[members[i]].y -= up;
}

void layout_layered(size_t n, const struct layout_edge *edges, size_t nedges, struct layout_box *boxes)
{
	if (!n)
		return;
	int *col = xcalloc(n, sizeof *col);
	int last = assign_columns(n, edges, nedges, col);
	int width = 0;
	for (size_t i = 0; i < n; i++)
		if (boxes[i].w > width)
			width = boxes[i].w;
	size_t *members = xcalloc(n, sizeof *members);
	double *bary = xcalloc(n, sizeof *bary);
	int top = 0;
	for (int c = 0; c <= last; c++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (col[i] == c) {
				members[k++] = i;
				bary[i] = barycenter(i, edges, nedges, col, boxes);
				boxes[i].x = c * (width + LAYOUT_COLUMN_GAP);
			}
		place_column(members, k, bary, boxes);
		for (size_t i = 0; i < k; i++)
			if (boxes[members[i]].y < top)
				top = boxes[members[i]].y;
	}
	for (size_t i = 0; i < n; i++)
		boxes[i].y -= top;
	free(bary);
	free(members);
	free(col);
}

bool layout_overlap(const struct layout_box *a, const struct layout_box *b, int gap)
{
	return a->x < b->x + b->w + gap && b->x < a->x + a->w + gap && a->y < b->y + b->h + gap &&
	       b->y < a->y + a->h + gap;
}

void layout_settle(struct layout_box *boxes, size_t n, size_t i, const bool *placed)
{
	bool moved = true;
	while (moved) {
		moved = false;
		for (size_t j = 0; j < n; j++)
			if (j != i && placed[j] && layout_overlap(&boxes[i], &boxes[j], LAYOUT_ROW_GAP / 2)) {
				boxes[i].y = boxes[j].y + boxes[j].h + LAYOUT_ROW_GAP;
				moved = true;
			}
	}
}
