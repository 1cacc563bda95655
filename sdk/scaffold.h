/* axon-block new: a plugin folder that builds and passes its own test at once. */
#ifndef AXON_SDK_SCAFFOLD_H
#define AXON_SDK_SCAFFOLD_H
#include <stdio.h>

/* Creates the folder for block NAME ("acme.greet" -> acme-greet/); returns the
 * exit code, after telling err what was made or what went wrong. */
int scaffold_new(const char *name, FILE *err);

#endif
