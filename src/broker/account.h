/* The account a broker service uses for a block (an SMTP account, a bot
 * token...), with its secret fields filled in: the block names it, the
 * broker applies it, and the block never holds a password. */
#ifndef AXON_BROKER_ACCOUNT_H
#define AXON_BROKER_ACCOUNT_H
#include <stddef.h>

#include <jansson.h>

struct broker_run;

/* The account's fields for the service of the given type ("smtp", "slack"...)
 * as a new object, or NULL with the reason in err. broker_account_free()
 * it: the secret values are wiped. */
json_t *broker_account(struct broker_run *b, const json_t *given, const char *type, char *err, size_t errlen);
void broker_account_free(json_t *account);
/* Replaces every secret value of the account in text (a message about to be
 * shown) by "****", in place. */
void broker_account_scrub(const json_t *account, char *text);

#endif
