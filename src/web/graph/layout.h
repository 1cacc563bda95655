/* A layered layout for a workflow drawn from left to right: each node in
 * the column of the longest path of edges that reaches it, the nodes of a
 * column ordered by the mean height of their predecessors (barycenter) so
 * that edges cross little, then set at that height when there is room. */
#ifndef AXON_WEB_GRAPH_LAYOUT_H
#define AXON_WEB_GRAPH_LAYOUT_H
#include <stdbool.h>
#include <stddef.h>

#define LAYOUT_COLUMN_GAP 72 /* pixels between two columns */
#define LAYOUT_ROW_GAP 36    /* between two boxes of one column */

struct layout_edge {
	size_t from, to;
};

/* A node's box: w and h given, x and y (its top left corner) computed. */
struct layout_box {
	int x, y, w, h;
};

/* Places the n boxes (x, y from 0): an edge goes to a column right of its
 * source, except the edges of a cycle (a workflow being fixed), which are
 * broken at their first node in index order. Boxes never overlap. The result
 * depends only on the input, and a node added downstream moves no node to
 * another column, nor any node left of its own column (up to a shift of the
 * whole): a small change to a workflow redraws it mostly as it was. */
void layout_layered(size_t n, const struct layout_edge *edges, size_t nedges, struct layout_box *boxes);

/* Moves box i straight down, in steps, until it overlaps none of the boxes
 * whose placed[] is true: a new node among nodes placed by hand. */
void layout_settle(struct layout_box *boxes, size_t n, size_t i, const bool *placed);

/* 1 when boxes a and b overlap (or come closer than gap pixels). */
bool layout_overlap(const struct layout_box *a, const struct layout_box *b, int gap);

#endif
