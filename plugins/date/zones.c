#include "date/zones.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZONE_FILE_MAX (256 * 1024)

struct zone_file {
	char *name;
	unsigned char *data; /* shared by the names of one file */
	size_t len;
	dev_t dev;
	ino_t ino;
};

static struct zone_file *zones;
static size_t nzones;

static const struct zone_file *same_file(const struct stat *st)
{
	for (size_t i = 0; i < nzones; i++)
		if (zones[i].dev == st->st_dev && zones[i].ino == st->st_ino)
			return &zones[i];
	return NULL;
}

static unsigned char *read_zone(const char *path, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *buf = fd >= 0 ? malloc(size ? size : 1) : NULL;
	size_t got = 0;
	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (buf && (got != size || got < 4 || memcmp(buf, "TZif", 4))) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

static void add_zone(const char *path, const char *name, const struct stat *st)
{
	const struct zone_file *twin = same_file(st);
	unsigned char *data = twin ? twin->data : read_zone(path, (size_t)st->st_size);
	struct zone_file *more = data ? realloc(zones, (nzones + 1) * sizeof *zones) : NULL;
	char *copy = more ? strdup(name) : NULL;
	if (!copy) {
		if (!twin)
			free(data);
		if (more)
			zones = more;
		return;
	}
	zones = more;
	zones[nzones++] = (struct zone_file){ copy, data, (size_t)st->st_size, st->st_dev, st->st_ino };
}

/* The zone files under dir/prefix; posix/ and right/ repeat the others. */
static void scan(const char *prefix, int depth)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", TZ_DIR, prefix);
	DIR *d = depth < 4 ? opendir(path) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char name[TZ_NAME_MAX + 2], full[600];
		if (e->d_name[0] == '.' || strchr(e->d_name, '.') ||
		    (depth == 0 && (!strcmp(e->d_name, "posix") || !strcmp(e->d_name, "right") || !strcmp(e->d_name, "localtime"))))
			continue;
		if ((size_t)snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "/" : "", e->d_name) > TZ_NAME_MAX)
			continue;
		snprintf(full, sizeof full, "%s/%s", TZ_DIR, name);
		struct stat st;
		if (stat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			scan(name, depth + 1);
		else if (S_ISREG(st.st_mode) && st.st_size <= ZONE_FILE_MAX)
			add_zone(full, name, &st);
	}
	if (d)
		closedir(d);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct zone_file *)a)->name, ((const struct zone_file *)b)->name);
}

__attribute__((constructor)) static void load_zones(void)
{
	scan("", 0);
	qsort(zones, nzones, sizeof *zones, by_name);
}

__attribute__((destructor)) static void free_zones(void)
{
	for (size_t i = 0; i < nzones; i++) {
		int first = 1; /* the first of the names sharing a file frees it */
		for (size_t j = 0; j < i && first; j++)
			first = zones[j].data != zones[i].data;
		if (first)
			free(zones[i].data);
		free(zones[i].name);
	}
	free(zones);
}

struct tz *zone_get(const char *name, char *err, size_t errlen)
{
	/* UTC needs no file (the engine's reader makes it) */
	if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC") || !*name)
		return tz_load_dir("/", "UTC", err, errlen);
	struct zone_file key = { .name = (char *)name };
	const struct zone_file *z = bsearch(&key, zones, nzones, sizeof *zones, by_name);
	if (!z) {
		snprintf(err, errlen, "unknown time zone '%.*s': use an IANA name such as Europe/Paris, America/New_York or UTC%s",
			 TZ_NAME_MAX, name, nzones ? "" : " (no zone files were found when the plugin was loaded: is tzdata installed?)");
		return NULL;
	}
	return tz_parse(z->name, z->data, z->len, err, errlen);
}
