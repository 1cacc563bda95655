/* One request from start to answer: parse, match a route, identify, check
 * CSRF and role, run the handler. */
#ifndef AXON_DISPATCH_H
#define AXON_DISPATCH_H
#include "web/request.h"

void dispatch(struct request *r);

#endif
