/* Who is asking: session cookies, API tokens, CSRF tokens and login throttling. */
#ifndef AXON_AUTH_H
#define AXON_AUTH_H
#include "web/request.h"

#define SESSION_COOKIE "axon_session"
#define PRESESSION_COOKIE "axon_csrf"
#define API_TOKEN_PREFIX "axon_"
/* Between a right password and the second factor: a short-lived session that
 * opens nothing but /login/code. */
#define PENDING_COOKIE "axon_2fa"
#define PENDING_TTL 300

/* Signs the request in from its Bearer token or session cookie, and sets the
 * CSRF token its forms carry. Returns 0, or -1 after answering (bad token, store error). */
int auth_identify(struct request *r);
/* Checks the CSRF token of a state-changing request; 1 when it is right. */
int auth_csrf_ok(struct request *r);
/* Starts a session for user id: a new random token in the cookie, its hash in the store. */
int auth_start_session(struct request *r, int64_t user_id);
void auth_end_session(struct request *r);
/* The half-signed-in state: started after the password, read and ended by /login/code. */
int auth_start_pending(struct request *r, int64_t user_id);
/* The user whose password was right, or STORE_NOTFOUND (no cookie, expired). */
int auth_pending_user(struct request *r, struct user *u);
void auth_end_pending(struct request *r);

/* Login throttling: 1 when name or address is locked out now. */
int auth_throttled(struct request *r, const char *username);
void auth_note_failure(struct request *r, const char *username);
void auth_clear_failures(struct request *r, const char *username);

#endif
