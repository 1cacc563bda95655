/* The mail family: messages sent through the daemon's SMTP service, and
 * read through its IMAP service. */
#ifndef AXON_PLUGINS_MAIL_BLOCKS_H
#define AXON_PLUGINS_MAIL_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block mail_send_block;
extern const struct axon_block mail_read_block;

#define MAIL_BLOCKS &mail_send_block, &mail_read_block

#endif
