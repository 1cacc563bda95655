#include "json_path.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The next segment of *path, copied into seg; advances *path. */
static int next_segment(const char **path, char *seg, size_t len)
{
	const char *dot = strchr(*path, '.');
	size_t n = dot ? (size_t)(dot - *path) : strlen(*path);
	if (n == 0 || n >= len)
		return -1;
	memcpy(seg, *path, n);
	seg[n] = '\0';
	*path += n + (dot ? 1 : 0);
	return 0;
}

static json_t *step(const json_t *v, const char *seg)
{
	if (json_is_object(v))
		return json_object_get(v, seg);
	if (json_is_array(v) && isdigit((unsigned char)seg[0]) && strspn(seg, "0123456789") == strlen(seg))
		return json_array_get(v, strtoul(seg, NULL, 10));
	return NULL;
}

json_t *jpath_get(const json_t *root, const char *path)
{
	char seg[256];
	json_t *v = (json_t *)root;
	while (v && *path) {
		if (next_segment(&path, seg, sizeof seg))
			return NULL;
		v = step(v, seg);
	}
	return v;
}

int jpath_set(json_t *root, const char *path, json_t *value)
{
	char seg[256];
	json_t *v = root;
	for (;;) {
		if (!json_is_object(v) || next_segment(&path, seg, sizeof seg))
			break;
		if (!*path)
			return json_object_set_new(v, seg, value);
		json_t *child = json_object_get(v, seg);
		if (!child) {
			child = json_object();
			json_object_set_new(v, seg, child);
		}
		v = child;
	}
	json_decref(value);
	return -1;
}

int jpath_remove(json_t *root, const char *path)
{
	if (!*path)
		return -1; /* "" is the root itself, which has no parent to leave */
	const char *last = strrchr(path, '.');
	json_t *parent = root;
	if (last) {
		char *head = strndup(path, (size_t)(last - path));
		parent = head ? jpath_get(root, head) : NULL;
		free(head);
		last++;
	} else {
		last = path;
	}
	if (json_is_object(parent))
		return json_object_del(parent, last);
	if (json_is_array(parent) && isdigit((unsigned char)*last))
		return json_array_remove(parent, strtoul(last, NULL, 10));
	return -1;
}
