/* The secret store of the broker: for now a JSON file of {"name": "value"}
 * (secrets_file in axon.conf, readable by axond only), reread when it changes.
 * Only the daemon reads it; the zygote and the children never do. */
#ifndef AXON_SANDBOX_SECRETS_H
#define AXON_SANDBOX_SECRETS_H
#include <stddef.h>

#include <jansson.h>

struct secrets;

/* path "": no secrets file configured. */
struct secrets *secrets_open(const char *path);
void secrets_close(struct secrets *s);
/* The value of name (caller frees), or NULL with the reason in err. */
char *secrets_get(struct secrets *s, const char *name, char *err, size_t errlen);
/* Adds the string values of fields (a credential's secret fields, as the
 * broker used them) to what is masked, from now on and in every run. */
void secrets_remember(struct secrets *s, const json_t *fields);
/* A copy of text with every secret value, of the file or remembered, and its
 * base64 and percent-encoded forms, replaced by "****" (caller frees). */
char *secrets_mask(struct secrets *s, const char *text);
/* A deep copy of v with every string masked (new reference). */
json_t *secrets_mask_json(struct secrets *s, const json_t *v);

#endif
