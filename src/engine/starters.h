/* The workflows a new one starts from: its trigger alone, or a small working
 * example of each trigger. Every one is valid against the core blocks. */
#ifndef AXON_STARTERS_H
#define AXON_STARTERS_H
#include <stddef.h>

#include <jansson.h>

struct workflow_starter {
	const char *key;         /* ?start=KEY on the new-workflow page */
	const char *title;
	const char *description;
	const char *definition;  /* JSON text, as the form shows it */
};

extern const struct workflow_starter workflow_starters[];
extern const size_t workflow_starters_count;

/* The starter named key, or NULL. */
const struct workflow_starter *workflow_starter_find(const char *key);
/* The definition of the first starter, a manual trigger alone: what a new
 * workflow holds when none was given. */
json_t *workflow_blank(void);

#endif
