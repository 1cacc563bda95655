/* The editor's layered layout: no two boxes overlap, every edge of an
 * acyclic graph goes from left to right, edges cross little where they need
 * not, a cycle is laid out all the same, a block added at the end moves no
 * block to another column nor any block left of it, and a new box among hand-placed ones settles where it is free. */
#include <stdlib.h>

#include "../testlib.h"
#include "web/graph/layout.h"

#define MAX 300

static struct layout_box boxes[MAX];

static void sizes(size_t n)
{
	for (size_t i = 0; i < n; i++)
		boxes[i] = (struct layout_box){ -1, -1, 200, 60 + (int)(i % 3) * 20 };
}

static int overlaps(size_t n)
{
	int count = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			count += layout_overlap(&boxes[i], &boxes[j], 0);
	return count;
}

static int backwards(const struct layout_edge *e, size_t ne)
{
	int count = 0;
	for (size_t k = 0; k < ne; k++)
		count += boxes[e[k].from].x + boxes[e[k].from].w >= boxes[e[k].to].x;
	return count;
}

/* Pairs of edges between the same two columns that cross. */
static int crossings(const struct layout_edge *e, size_t ne)
{
	int count = 0;
	for (size_t a = 0; a < ne; a++)
		for (size_t b = a + 1; b < ne; b++) {
			const struct layout_box *fa = &boxes[e[a].from], *ta = &boxes[e[a].to];
			const struct layout_box *fb = &boxes[e[b].from], *tb = &boxes[e[b].to];
			if (fa->x == fb->x && ta->x == tb->x && fa != fb && ta != tb &&
			    (fa->y < fb->y) != (ta->y < tb->y))
				count++;
		}
	return count;
}

static void test_page_summary(void)
{
	/* trigger -> fetch -> title, links -> summary: the workflow of the README */
	const struct layout_edge e[] = { { 0, 1 }, { 1, 2 }, { 1, 3 }, { 2, 4 }, { 3, 4 } };
	sizes(5);
	layout_layered(5, e, 5, boxes);
	CHECK(overlaps(5) == 0);
	CHECK(backwards(e, 5) == 0);
	CHECK(boxes[0].x == 0 && boxes[1].x > boxes[0].x && boxes[2].x == boxes[3].x && boxes[4].x > boxes[2].x);
	/* the two extracts are stacked in the order of the blocks, the summary between them */
	CHECK(boxes[2].y < boxes[3].y);
	CHECK(boxes[4].y + boxes[4].h > boxes[2].y + boxes[2].h && boxes[4].y < boxes[3].y);
	int top = MAX * 1000;
	for (size_t i = 0; i < 5; i++)
		top = boxes[i].y < top ? boxes[i].y : top;
	CHECK(top == 0);
}

static void test_crossings_reduced(void)
{
	/* a and b listed in one order, their children in the other: the
	 * barycenter puts each child beside its parent */
	const struct layout_edge e[] = { { 0, 1 }, { 0, 2 }, { 1, 4 }, { 2, 3 } };
	sizes(5);
	layout_layered(5, e, 4, boxes);
	CHECK(crossings(e, 4) == 0);
	CHECK(boxes[4].y < boxes[3].y);
	CHECK(overlaps(5) == 0);
}

static void test_cycle(void)
{
	/* a workflow being fixed: 1 -> 2 -> 3 -> 1 still gets a layout */
	const struct layout_edge e[] = { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 1 }, { 2, 2 } };
	sizes(4);
	layout_layered(4, e, 5, boxes);
	CHECK(overlaps(4) == 0);
	CHECK(boxes[0].x < boxes[1].x && boxes[1].x < boxes[2].x && boxes[2].x < boxes[3].x);
	/* a graph that is only a cycle */
	const struct layout_edge ring[] = { { 0, 1 }, { 1, 2 }, { 2, 0 } };
	sizes(3);
	layout_layered(3, ring, 3, boxes);
	CHECK(overlaps(3) == 0);
	layout_layered(0, NULL, 0, boxes);
}

/* A big random acyclic graph (edges from lower to higher index). */
static size_t random_graph(struct layout_edge *e, size_t n, size_t ne, unsigned seed)
{
	srand(seed);
	for (size_t k = 0; k < ne; k++) {
		size_t from = (size_t)rand() % (n - 1);
		e[k] = (struct layout_edge){ from, from + 1 + (size_t)rand() % (n - from - 1 < 8 ? n - from - 1 : 8) };
	}
	return ne;
}

static void test_big(void)
{
	static struct layout_edge e[MAX + MAX / 2];
	size_t ne = random_graph(e, 200, 300, 7);
	sizes(200);
	layout_layered(200, e, ne, boxes);
	CHECK(overlaps(200) == 0);
	CHECK(backwards(e, ne) == 0);
}

static void test_stable(void)
{
	static struct layout_edge e[MAX];
	static struct layout_box before[MAX];
	size_t ne = random_graph(e, 60, 90, 11);
	sizes(61);
	layout_layered(60, e, ne, boxes);
	for (size_t i = 0; i < 60; i++)
		before[i] = boxes[i];
	/* one more block after block 30 */
	e[ne++] = (struct layout_edge){ 30, 60 };
	sizes(61);
	layout_layered(61, e, ne, boxes);
	CHECK(overlaps(61) == 0);
	int same_column = 1, same_order = 1, same_height = 1;
	int shift = boxes[0].y - before[0].y;
	for (size_t i = 0; i < 60; i++) {
		same_column &= boxes[i].x == before[i].x;
		same_height &= boxes[i].x >= boxes[60].x || boxes[i].y - before[i].y == shift;
		for (size_t j = 0; j < 60; j++)
			if (boxes[i].x == boxes[60].x && boxes[j].x == boxes[60].x && before[i].y < before[j].y)
				same_order &= boxes[i].y < boxes[j].y;
	}
	CHECK(same_column);
	CHECK(same_order);
	CHECK(same_height);
	/* the same input gives the same layout */
	for (size_t i = 0; i < 61; i++)
		before[i] = boxes[i];
	sizes(61);
	layout_layered(61, e, ne, boxes);
	int identical = 1;
	for (size_t i = 0; i < 61; i++)
		identical &= boxes[i].x == before[i].x && boxes[i].y == before[i].y;
	CHECK(identical);
}

static void test_settle(void)
{
	bool placed[3] = { true, true, false };
	boxes[0] = (struct layout_box){ 0, 0, 200, 80 };
	boxes[1] = (struct layout_box){ 0, 110, 200, 80 };
	boxes[2] = (struct layout_box){ 50, 20, 200, 80 };
	layout_settle(boxes, 3, 2, placed);
	CHECK(boxes[2].x == 50);
	CHECK(boxes[2].y >= 190);
	CHECK(overlaps(3) == 0);
	boxes[2] = (struct layout_box){ 400, 20, 200, 80 };
	layout_settle(boxes, 3, 2, placed);
	CHECK(boxes[2].y == 20);
}

int main(void)
{
	test_page_summary();
	test_crossings_reduced();
	test_cycle();
	test_big();
	test_stable();
	test_settle();
	return t_done("test_layout");
}
