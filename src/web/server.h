/* The FastCGI side: the listening socket and the request threads. */
#ifndef AXON_SERVER_H
#define AXON_SERVER_H
#include <stddef.h>

#include "web/app.h"

/* Opens cfg.listen ("unix:/path" or "host:port"); -1 with a reason in err. */
int server_listen(struct app *app, char *err, size_t errlen);
/* Starts the stream thread and cfg.threads request threads; each request
 * thread opens its own store connection. */
int server_start(struct app *app, char *err, size_t errlen);
/* Stops accepting, lets the requests in flight finish, joins the threads. */
void server_stop(struct app *app);

#endif
