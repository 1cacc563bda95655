/* Dotted paths into JSON values ("user.name", "items.0.id"), shared by the
 * core blocks. A segment of digits indexes an array. */
#ifndef AXON_PLUGINS_JSON_PATH_H
#define AXON_PLUGINS_JSON_PATH_H
#include <jansson.h>

/* The value at path (borrowed), root itself for "", or NULL. */
json_t *jpath_get(const json_t *root, const char *path);
/* Sets the value at path inside the object root, making objects on the way;
 * takes the reference to value. 0, or -1 if a step is not an object. */
int jpath_set(json_t *root, const char *path, json_t *value);
/* Removes the value at path; 0, or -1 if there was none (or path is "",
 * the root itself). */
int jpath_remove(json_t *root, const char *path);

#endif
