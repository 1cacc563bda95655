#include "web/app.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"

int app_load_secret(struct app *app, char *err, size_t errlen)
{
	const char *path = app->cfg.secret_key_file;
	char hex[65];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* First start: make the key, readable by us alone. */
		unsigned char key[32];
		if (crypto_random(key, sizeof key) < 0) {
			snprintf(err, errlen, "no random bytes for the secret key");
			return -1;
		}
		crypto_hex(key, sizeof key, hex);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, hex, 64) != 64 || write(fd, "\n", 1) != 1 || fsync(fd) < 0) {
			snprintf(err, errlen, "cannot write the secret key %s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		memcpy(app->secret, key, sizeof key);
		return 0;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot read the secret key %s: %s", path, strerror(errno));
		return -1;
	}
	ssize_t n = read(fd, hex, 64);
	close(fd);
	hex[n > 0 ? n : 0] = '\0';
	if (n != 64 || strspn(hex, "0123456789abcdef") != 64) {
		snprintf(err, errlen, "the secret key %s is damaged (64 hex digits expected): remove it to make "
				      "a new one (everyone will have to sign in again)", path);
		return -1;
	}
	for (int i = 0; i < 32; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		app->secret[i] = (unsigned char)v;
	}
	return 0;
}

int app_reload_templates(struct app *app, char *err, size_t errlen)
{
	struct templates *t = templates_load(app->cfg.template_dir, err, errlen);
	if (!t)
		return -1;
	pthread_rwlock_wrlock(&app->templates_lock);
	struct templates *old = app->templates;
	app->templates = t;
	pthread_rwlock_unlock(&app->templates_lock);
	templates_free(old);
	return 0;
}
