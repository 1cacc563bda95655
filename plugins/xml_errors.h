/* libxml2's errors, kept for the block's message instead of printed (a
 * write to stderr is a sandbox violation). Shared by the blocks that parse
 * XML or HTML. */
#ifndef AXON_PLUGINS_XML_ERRORS_H
#define AXON_PLUGINS_XML_ERRORS_H

struct xml_errors {
	char first[300]; /* "line N: message" of the first error, or "" */
};

/* Sends libxml2's errors on this thread into errs from now on. */
void xml_errors_catch(struct xml_errors *errs);

#endif
